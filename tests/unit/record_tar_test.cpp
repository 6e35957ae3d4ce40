// The record as a ustar archive (record::to_tar / record::from_tar): round trips,
// determinism, what is refused, and that the system tar reads and writes the same.
#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "allot/storage/record.hpp"
#include "allot/storage/verify.hpp"
#include "record_builder.hpp"
#include "shared_data.hpp"

using namespace allot;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "allot-tar-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out << bytes;
}

// Rewrites the header at `offset`: `edit` changes its bytes, then the checksum is
// recomputed (so only the edit is wrong).
std::string edit_header(std::string archive, std::size_t offset, const std::function<void(char*)>& edit) {
  char* h = archive.data() + offset;
  edit(h);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
  for (int i = 5; i >= 0; --i, sum >>= 3) h[148 + i] = static_cast<char>('0' + (sum & 7));
  h[154] = '\0';
  h[155] = ' ';
  return archive;
}

void set_name(char* h, const std::string& name) {
  std::memset(h, 0, 100);
  std::memcpy(h, name.data(), name.size());
}

std::string error_of(std::string_view archive) {
  try {
    record::from_tar(archive);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

record::Files small_files() {
  return {{"index.json", "{}\n"}, {"exports/city.pb", std::string(700, 'x')}, {"empty.txt", ""}};
}

bool have_tar() { return std::system("tar --version > /dev/null 2>&1") == 0; }

}  // namespace

TEST(RecordTarTest, RoundTripsAForgedRecordThatStillVerifies) {
  allot::testing::RecordForger forger;
  const record::Files files = forger.build();
  ASSERT_TRUE(verify::verify_files(files).ok());
  const std::string tar = record::to_tar(files);
  const record::Files back = record::from_tar(tar);
  EXPECT_EQ(back, files);
  const verify::Report report = verify::verify_files(back);
  EXPECT_TRUE(report.ok()) << report.text();
}

TEST(RecordTarTest, IsDeterministicAndStandard) {
  const record::Files files = small_files();
  const std::string tar = record::to_tar(files);
  EXPECT_EQ(tar, record::to_tar(files));
  EXPECT_EQ(tar.size() % 10240, 0u);
  // record/, record/empty.txt, record/exports/, record/exports/city.pb, record/index.json
  EXPECT_EQ(std::string(tar.data(), 7), "record/");
  EXPECT_EQ(tar[156], '5');
  EXPECT_EQ(std::string(tar.data() + 100, 8), std::string("0000755\0", 8));
  EXPECT_EQ(std::string(tar.data() + 257, 8), std::string("ustar\0" "00", 8));
  EXPECT_EQ(std::string(tar.data() + 512, 16), "record/empty.txt");
  EXPECT_EQ(tar[512 + 156], '0');
  EXPECT_EQ(std::string(tar.data() + 512 + 100, 8), std::string("0000644\0", 8));
  EXPECT_EQ(std::string(tar.data() + 512 + 136, 12), std::string("00000000000\0", 12));  // mtime 0
  EXPECT_EQ(std::string(tar.data() + 1024, 15), "record/exports/");
  EXPECT_EQ(record::from_tar(tar), files);
  EXPECT_EQ(record::from_tar(record::to_tar(files, "other-name")), files);
  EXPECT_EQ(record::from_tar(record::to_tar({}, "record")), record::Files{});
}

TEST(RecordTarTest, KeepsLongPathsInThePrefixField) {
  const std::string deep = std::string(90, 'd') + "/" + std::string(60, 'e') + "/file.json";
  const record::Files files = {{deep, "deep"}, {"index.json", "{}"}};
  EXPECT_EQ(record::from_tar(record::to_tar(files)), files);
  EXPECT_THROW(record::to_tar({{std::string(120, 'f'), "x"}}), std::runtime_error);  // no '/' to split at
}

TEST(RecordTarTest, RefusesPathsOutsideTheRecord) {
  for (const std::string bad : {"/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/"})
    EXPECT_THROW(record::to_tar({{bad, "x"}}), std::runtime_error) << bad;
  EXPECT_THROW(record::to_tar({{"a", "x"}, {"a/b", "y"}}), std::runtime_error);
  EXPECT_THROW(record::to_tar({{"a", "x"}}, "../up"), std::runtime_error);
}

TEST(RecordTarTest, RefusesDamagedOrDangerousArchives) {
  const std::string tar = record::to_tar(small_files());
  const std::size_t file_header = 512;  // record/empty.txt

  std::string flipped = tar;
  flipped[file_header + 10] ^= 1;
  EXPECT_NE(error_of(flipped).find("bad checksum"), std::string::npos);

  for (char link : {'1', '2'}) {
    const auto linked = edit_header(tar, file_header, [&](char* h) { h[156] = link; });
    EXPECT_NE(error_of(linked).find("is a link"), std::string::npos) << link;
  }
  EXPECT_NE(error_of(edit_header(tar, file_header, [](char* h) { h[156] = '3'; })).find("device"), std::string::npos);
  EXPECT_NE(error_of(edit_header(tar, file_header, [](char* h) { set_name(h, "/etc/passwd"); })).find("absolute"),
            std::string::npos);
  EXPECT_NE(error_of(edit_header(tar, file_header, [](char* h) { set_name(h, "record/../../x"); }))
                .find("not a relative path"),
            std::string::npos);
  EXPECT_NE(error_of(edit_header(tar, file_header, [](char* h) { set_name(h, "record/index.json"); }))
                .find("twice"),
            std::string::npos);
  EXPECT_NE(error_of(edit_header(tar, file_header, [](char* h) { std::memcpy(h + 257, "xxxxx", 5); }))
                .find("not a ustar header"),
            std::string::npos);

  EXPECT_NE(error_of(tar.substr(0, 512 * 4 + 100)).find("data is cut off"), std::string::npos);
  const std::size_t end = 512 * 8;  // 5 headers, 2 data blocks for city.pb, 1 for index.json
  EXPECT_NE(error_of(tar.substr(0, end)).find("truncated"), std::string::npos);        // no end blocks
  EXPECT_NE(error_of(tar.substr(0, end + 512)).find("truncated"), std::string::npos);  // one end block
  EXPECT_EQ(record::from_tar(tar.substr(0, end + 1024)), small_files());              // two are enough
  std::string trailing = tar;
  trailing[trailing.size() - 1] = 'x';
  EXPECT_NE(error_of(trailing).find("after the end-of-archive"), std::string::npos);
  EXPECT_NE(error_of("").find("empty"), std::string::npos);
  EXPECT_NE(error_of("not a tar file").find("truncated"), std::string::npos);
}

TEST(RecordTarTest, TheSystemTarReadsAndWritesTheSameRecord) {
  if (!have_tar()) GTEST_SKIP() << "no 'tar' command on this system: the system tar check is skipped";
  allot::testing::RecordForger forger;
  record::Files files = forger.build();
  // A path longer than 100 bytes (GNU tar stores it with its own long-name entries).
  files["exports/" + std::string(60, 'n') + "/" + std::string(60, 'm') + ".txt"] = "long";
  TempDir dir;
  const fs::path ours = dir.path / "ours.tar";
  write_bytes(ours, record::to_tar(files));

  // tar -tf lists every entry, in our order.
  const fs::path list = dir.path / "list.txt";
  ASSERT_EQ(std::system(("tar -tf '" + ours.string() + "' > '" + list.string() + "'").c_str()), 0);
  std::set<std::string> names = {"record/"};
  for (const auto& [path, bytes] : files) {
    (void)bytes;
    for (std::size_t p = path.find('/'); p != std::string::npos; p = path.find('/', p + 1))
      names.insert("record/" + path.substr(0, p + 1));
    names.insert("record/" + path);
  }
  std::string expected;
  for (const auto& n : names) expected += n + "\n";
  EXPECT_EQ(allot::testing::read_file(list), expected);

  // tar -xf extracts exactly the files.
  const fs::path out = dir.path / "out";
  fs::create_directory(out);
  ASSERT_EQ(std::system(("tar -xf '" + ours.string() + "' -C '" + out.string() + "'").c_str()), 0);
  EXPECT_EQ(record::read_files(out / "record"), files);

  // And what the system tar writes from that directory reads back (GNU and pax formats).
  for (const char* format : {"gnu", "pax", "ustar"}) {
    const fs::path theirs = dir.path / (std::string(format) + ".tar");
    const std::string cmd = "tar --format=" + std::string(format) + " -cf '" + theirs.string() + "' -C '" +
                            out.string() + "' record 2> /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "tar --format=" << format << " failed";
    EXPECT_EQ(record::from_tar(allot::testing::read_file(theirs)), files) << format;
  }
  // Without a top directory ("./index.json", ...), the paths are kept as they are.
  const fs::path flat = dir.path / "flat.tar";
  ASSERT_EQ(std::system(("tar -cf '" + flat.string() + "' -C '" + (out / "record").string() + "' .").c_str()), 0);
  EXPECT_EQ(record::from_tar(allot::testing::read_file(flat)), files);
}
