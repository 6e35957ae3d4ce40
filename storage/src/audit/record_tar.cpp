// The election record as one POSIX ustar archive (record.hpp: to_tar, from_tar).
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "allot/storage/record.hpp"

namespace allot::record {

namespace {

constexpr std::size_t kBlock = 512;
constexpr std::size_t kRecordSize = 10240;  // 20 blocks, the default blocking factor of tar
constexpr std::uint64_t kMaxOctal11 = 077777777777ULL;  // what an 11-digit octal size field holds

// Header field offsets and widths (POSIX.1-1988 ustar).
constexpr std::size_t kName = 0, kNameLen = 100;
constexpr std::size_t kMode = 100, kUid = 108, kGid = 116;
constexpr std::size_t kSize = 124, kMtime = 136, kChksum = 148, kTypeflag = 156;
constexpr std::size_t kMagic = 257, kVersion = 263, kDevMajor = 329, kDevMinor = 337;
constexpr std::size_t kPrefix = 345, kPrefixLen = 155;

std::runtime_error tar_error(const std::string& what) { return std::runtime_error("record archive: " + what); }

// '/'-separated components, each non-empty and not "." or "..".
void check_components(const std::string& path, const std::string& what) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos)
    throw tar_error(what + " '" + path + "' is not a relative path");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      throw tar_error(what + " '" + path + "' is not a relative path without '.', '..' or empty parts");
    start = end + 1;
  }
}

void put_octal(std::string& block, std::size_t at, std::size_t width, std::uint64_t v) {
  // width - 1 octal digits, zero-padded, then NUL.
  std::string digits(width - 1, '0');
  for (std::size_t i = width - 1; i-- > 0 && v > 0; v >>= 3) digits[i] = static_cast<char>('0' + (v & 7));
  if (v != 0) throw tar_error("a number is too large for its header field");
  block.replace(at, width - 1, digits);
  block[at + width - 1] = '\0';
}

unsigned checksum_unsigned(std::string_view block) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i)
    sum += (i >= kChksum && i < kChksum + 8) ? ' ' : static_cast<unsigned char>(block[i]);
  return sum;
}

int checksum_signed(std::string_view block) {  // what some historic tars computed
  int sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i)
    sum += (i >= kChksum && i < kChksum + 8) ? ' ' : static_cast<signed char>(block[i]);
  return sum;
}

std::string header(const std::string& name, bool directory, std::uint64_t size) {
  std::string block(kBlock, '\0');
  std::string prefix, rest = name;
  if (name.size() > kNameLen) {
    // Split at a '/' so that the prefix holds at most 155 bytes and the name 100.
    std::size_t cut = std::string::npos;
    for (std::size_t p = name.find('/'); p != std::string::npos && p <= kPrefixLen; p = name.find('/', p + 1))
      if (name.size() - p - 1 <= kNameLen && p + 1 < name.size()) {
        cut = p;
        break;
      }
    if (cut == std::string::npos) throw tar_error("the path '" + name + "' is too long for a ustar header");
    prefix = name.substr(0, cut);
    rest = name.substr(cut + 1);
  }
  block.replace(kName, rest.size(), rest);
  put_octal(block, kMode, 8, directory ? 0755 : 0644);
  put_octal(block, kUid, 8, 0);
  put_octal(block, kGid, 8, 0);
  if (size > kMaxOctal11) throw tar_error("the file '" + name + "' is too large for a ustar archive");
  put_octal(block, kSize, 12, size);
  put_octal(block, kMtime, 12, 0);
  block[kTypeflag] = directory ? '5' : '0';
  block.replace(kMagic, 6, std::string("ustar\0", 6));
  block.replace(kVersion, 2, "00");
  put_octal(block, kDevMajor, 8, 0);
  put_octal(block, kDevMinor, 8, 0);
  block.replace(kPrefix, prefix.size(), prefix);
  // The checksum: six octal digits, NUL, space.
  std::string sum(7, '0');
  unsigned v = checksum_unsigned(block);
  for (std::size_t i = 6; i-- > 0; v >>= 3) sum[i] = static_cast<char>('0' + (v & 7));
  sum[6] = '\0';
  block.replace(kChksum, 7, sum);
  block[kChksum + 7] = ' ';
  return block;
}

// A NUL-terminated (or full-width) text field.
std::string field_text(std::string_view block, std::size_t at, std::size_t width) {
  std::string_view f = block.substr(at, width);
  return std::string(f.substr(0, std::min(f.find('\0'), f.size())));
}

// An octal number field: optional leading blanks, digits, then NUL / blanks.
std::uint64_t field_octal(std::string_view block, std::size_t at, std::size_t width, const char* what) {
  std::string_view f = block.substr(at, width);
  if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80))
    throw tar_error(std::string("a header's ") + what + " field is in base-256, which a record archive never needs");
  std::size_t i = 0;
  while (i < f.size() && f[i] == ' ') ++i;
  std::uint64_t v = 0;
  bool any = false;
  for (; i < f.size() && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (v > (UINT64_MAX >> 3)) throw tar_error(std::string("a header's ") + what + " field is too large");
    v = (v << 3) | static_cast<std::uint64_t>(f[i] - '0');
    any = true;
  }
  for (; i < f.size(); ++i)
    if (f[i] != '\0' && f[i] != ' ') throw tar_error(std::string("a header's ") + what + " field is not an octal number");
  if (!any && std::string_view(what) != "size")
    throw tar_error(std::string("a header's ") + what + " field is empty");
  return v;
}

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// pax extended header records: "<length> <key>=<value>\n".
std::map<std::string, std::string> pax_records(std::string_view data) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (data[pos] == '\0') break;  // trailing padding some writers leave
    std::size_t sp = data.find(' ', pos);
    if (sp == std::string_view::npos || sp == pos) throw tar_error("a pax extended header is malformed");
    std::uint64_t len = 0;
    for (std::size_t i = pos; i < sp; ++i) {
      if (data[i] < '0' || data[i] > '9' || len > data.size()) throw tar_error("a pax extended header is malformed");
      len = len * 10 + static_cast<std::uint64_t>(data[i] - '0');
    }
    if (len <= sp - pos + 1 || pos + len > data.size() || data[pos + len - 1] != '\n')
      throw tar_error("a pax extended header is malformed");
    const std::string_view rec = data.substr(sp + 1, pos + len - 1 - (sp + 1));
    const std::size_t eq = rec.find('=');
    if (eq == std::string_view::npos) throw tar_error("a pax extended header is malformed");
    out[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1));
    pos += len;
  }
  return out;
}

}  // namespace

std::string to_tar(const Files& files, const std::string& top_dir) {
  std::string top = top_dir;
  while (!top.empty() && top.back() == '/') top.pop_back();
  if (!top.empty()) check_components(top, "the top directory");
  const std::string base = top.empty() ? std::string() : top + "/";

  // Full name -> is a directory (directories end with '/'); std::map sorts bytewise,
  // so every directory comes before what it holds.
  std::map<std::string, const std::string*> entries;
  if (!base.empty()) entries[base] = nullptr;
  for (const auto& [path, bytes] : files) {
    check_components(path, "the file");
    for (std::size_t p = path.find('/'); p != std::string::npos; p = path.find('/', p + 1))
      entries[base + path.substr(0, p + 1)] = nullptr;
    entries[base + path] = &bytes;
  }
  for (const auto& [path, bytes] : files) {
    (void)bytes;
    if (entries.count(base + path + "/")) throw tar_error("'" + path + "' is both a file and a directory");
  }

  std::string out;
  for (const auto& [name, bytes] : entries) {
    out += header(name, bytes == nullptr, bytes ? bytes->size() : 0);
    if (bytes) {
      out += *bytes;
      out.append((kBlock - bytes->size() % kBlock) % kBlock, '\0');
    }
  }
  out.append(2 * kBlock, '\0');
  out.append((kRecordSize - out.size() % kRecordSize) % kRecordSize, '\0');
  return out;
}

Files from_tar(std::string_view archive) {
  struct Entry {
    std::string path;
    std::string bytes;
  };
  std::vector<Entry> regular;
  std::optional<std::string> next_path;  // from a pax 'x' or GNU 'L' entry
  // From a pax 'x' entry (GCC 12 misreads std::optional here, so a flag and a value).
  bool has_next_size = false;
  std::uint64_t next_size = 0;
  std::size_t pos = 0;
  bool ended = false;
  while (!ended) {
    if (pos + kBlock > archive.size()) {
      if (archive.empty()) throw tar_error("the file is empty");
      throw tar_error("the archive is truncated (no end-of-archive blocks)");
    }
    const std::string_view block = archive.substr(pos, kBlock);
    if (all_zero(block)) {
      if (pos + 2 * kBlock > archive.size() || !all_zero(archive.substr(pos + kBlock, kBlock)))
        throw tar_error("the archive is truncated (only one end-of-archive block)");
      if (!all_zero(archive.substr(pos)))
        throw tar_error("there is data after the end-of-archive blocks");
      ended = true;
      break;
    }
    const std::uint64_t stored = field_octal(block, kChksum, 8, "checksum");
    if (stored != checksum_unsigned(block) && static_cast<std::int64_t>(stored) != checksum_signed(block))
      throw tar_error("a header at byte " + std::to_string(pos) + " has a bad checksum (the archive is damaged)");
    const std::string_view magic = block.substr(kMagic, 8);
    const bool posix = magic == std::string_view("ustar\0" "00", 8);
    const bool gnu = magic == std::string_view("ustar  \0", 8);
    if (!posix && !gnu) throw tar_error("the header at byte " + std::to_string(pos) + " is not a ustar header");
    const char type = block[kTypeflag];
    std::uint64_t size = field_octal(block, kSize, 12, "size");
    if (has_next_size && type != 'x' && type != 'g' && type != 'L') size = next_size;
    const std::size_t data_at = pos + kBlock;
    if (size > archive.size() - data_at) throw tar_error("the archive is truncated (a file's data is cut off)");
    const std::string_view data = archive.substr(data_at, static_cast<std::size_t>(size));
    const std::size_t padded = static_cast<std::size_t>(size) + (kBlock - size % kBlock) % kBlock;
    if (padded > archive.size() - data_at) throw tar_error("the archive is truncated (a file's data is cut off)");
    pos = data_at + padded;

    std::string name = field_text(block, kName, kNameLen);
    if (posix) {
      const std::string prefix = field_text(block, kPrefix, kPrefixLen);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    switch (type) {
      case 'x': {
        const auto recs = pax_records(data);
        if (auto it = recs.find("path"); it != recs.end()) next_path = it->second;
        if (auto it = recs.find("size"); it != recs.end()) {
          std::uint64_t v = 0;
          if (it->second.empty() || it->second.size() > 18) throw tar_error("a pax size is malformed");
          for (char c : it->second) {
            if (c < '0' || c > '9') throw tar_error("a pax size is malformed");
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
          }
          next_size = v;
          has_next_size = true;
        }
        continue;
      }
      case 'g':
        continue;  // global pax header: nothing a record needs
      case 'L':
        next_path = std::string(data.substr(0, std::min(data.find('\0'), data.size())));
        continue;
      default:
        break;
    }
    if (next_path) name = *next_path;
    next_path.reset();
    has_next_size = false;
    switch (type) {
      case '0':
      case '\0':
      case '7':
        break;
      case '5':
        break;
      case '1':
      case '2':
      case 'K':
        throw tar_error("'" + name + "' is a link, which is refused: a record holds only regular files");
      case '3':
      case '4':
      case '6':
        throw tar_error("'" + name + "' is a device or a pipe, which is refused: a record holds only regular files");
      default:
        throw tar_error("'" + name + "' is of an entry type (" + std::string(1, type) +
                        ") a record archive does not hold");
    }
    if (name.empty() || name.front() == '/') throw tar_error("'" + name + "' is an absolute path, which is refused");
    while (name.size() >= 2 && name.compare(0, 2, "./") == 0) name.erase(0, 2);
    if (type == '5') {
      while (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty() && name != ".") check_components(name, "the directory");
      continue;
    }
    check_components(name, "the file");
    regular.push_back({name, std::string(data)});
  }
  if (next_path || has_next_size) throw tar_error("an extended header is not followed by its file");

  // Strip the single top directory, when every file is under one.
  std::optional<std::string> top;
  for (const auto& e : regular) {
    const std::size_t slash = e.path.find('/');
    const std::string first = slash == std::string::npos ? std::string() : e.path.substr(0, slash + 1);
    if (first.empty() || (top && *top != first)) {
      top = std::string();
      break;
    }
    top = first;
  }
  Files out;
  for (auto& e : regular) {
    std::string path = (top && !top->empty()) ? e.path.substr(top->size()) : e.path;
    if (out.count(path)) throw tar_error("'" + e.path + "' is in the archive twice");
    out.emplace(std::move(path), std::move(e.bytes));
  }
  return out;
}

}  // namespace allot::record
