#include "allot/storage/record.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "allot/storage/canonical.hpp"

namespace allot::record {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::runtime_error sys_error(const std::string& what, const fs::path& path) {
  return std::runtime_error(what + " " + path.string() + ": " + std::strerror(errno));
}

// A record path must stay inside the record: relative, '/'-separated, no empty,
// "." or ".." component.
void check_relative_path(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.back() == '/' || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos)
    throw std::runtime_error("record: '" + path + "' is not a relative file path");
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      throw std::runtime_error("record: '" + path + "' is not a relative file path");
    start = end + 1;
  }
}

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY | O_CLOEXEC) : (O_RDONLY | O_CLOEXEC));
  if (fd < 0) throw sys_error("cannot open", path);
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    throw sys_error("cannot fsync", path);
  }
  ::close(fd);
}

void write_new_file(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw sys_error("cannot create", path);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      errno = saved;
      throw sys_error("cannot write", path);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    throw sys_error("cannot fsync", path);
  }
  if (::close(fd) != 0) throw sys_error("cannot close", path);
}

// Renames `from` to `to`, refusing to replace anything at `to`.
void rename_no_replace(const fs::path& from, const fs::path& to) {
#ifdef RENAME_NOREPLACE
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return;
  if (errno != EINVAL && errno != ENOSYS) throw sys_error("cannot rename the record into place at", to);
#endif
  std::error_code ec;
  if (fs::exists(fs::symlink_status(to, ec))) throw std::runtime_error("record: " + to.string() + " already exists");
  if (::rename(from.c_str(), to.c_str()) != 0) throw sys_error("cannot rename the record into place at", to);
}

}  // namespace

std::string jsonl(const std::vector<json>& docs) {
  std::string out;
  for (const auto& d : docs) {
    out += canonical::dump(d);
    out += '\n';
  }
  return out;
}

std::string document(const json& doc) { return canonical::dump(doc) + "\n"; }

json sign(const json& doc, const crypto::SigningKey& key) {
  if (!doc.is_object()) throw std::invalid_argument("record::sign: only an object can be signed");
  json out = doc;
  out.erase("signature");
  out["signature"] = crypto::to_hex(key.sign(canonical::signing_bytes(out)));
  return out;
}

bool signature_ok(const json& doc, const std::string& public_key_hex) {
  try {
    if (!doc.is_object()) return false;
    auto it = doc.find("signature");
    if (it == doc.end() || !it->is_string()) return false;
    const std::string& sig_hex = it->get_ref<const std::string&>();
    if (sig_hex.size() != 128 || public_key_hex.size() != 64) return false;
    // Hex must be lower-case, as every hex string of a record.
    for (char c : sig_hex)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return crypto::verify_signature(crypto::from_hex(public_key_hex), canonical::signing_bytes(doc),
                                    crypto::from_hex(sig_hex));
  } catch (const std::exception&) {
    return false;
  }
}

std::string make_index(const Files& files, const std::string& election, const std::string& manifest_hash,
                       const crypto::SigningKey& key) {
  json list = json::array();
  for (const auto& [path, bytes] : files) {  // std::map: sorted by path, bytewise
    if (path == "index.json") throw std::invalid_argument("record::make_index: index.json lists the other files");
    check_relative_path(path);
    list.push_back({{"path", path},
                    {"bytes", static_cast<std::uint64_t>(bytes.size())},
                    {"sha256", crypto::sha256_hex(bytes)}});
  }
  json index = {{"allot", "record/1"}, {"election", election}, {"manifest", manifest_hash}, {"files", list}};
  return document(sign(index, key));
}

void write_record(const fs::path& dir, const Files& files, const std::string& election,
                  const std::string& manifest_hash, const crypto::SigningKey& key) {
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dir, ec)))
    throw std::runtime_error("record: " + dir.string() + " already exists; a record is never overwritten");
  for (const auto& [path, bytes] : files) {
    (void)bytes;
    check_relative_path(path);
  }
  const std::string index = make_index(files, election, manifest_hash, key);

  const fs::path target = dir.has_filename() ? dir : dir.parent_path();
  const fs::path parent = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const fs::path tmp = parent / (target.filename().string() + ".tmp-" + crypto::to_hex(crypto::random_bytes(8)));
  if (::mkdir(tmp.c_str(), 0755) != 0) throw sys_error("cannot create", tmp);
  try {
    std::set<fs::path> dirs = {tmp};
    auto write_one = [&](const std::string& rel, std::string_view bytes) {
      const fs::path full = tmp / fs::path(rel);
      // Create the missing directories one by one, so each can be fsynced.
      fs::path d = tmp;
      const fs::path rel_dir = fs::path(rel).parent_path();
      for (const auto& part : rel_dir) {
        d /= part;
        if (!dirs.count(d)) {
          if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) throw sys_error("cannot create", d);
          dirs.insert(d);
        }
      }
      write_new_file(full, bytes);
    };
    for (const auto& [path, bytes] : files) write_one(path, bytes);
    write_one("index.json", index);
    // Deepest first, so each directory's entries are durable before its parent's.
    for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) fsync_path(*it, true);
    rename_no_replace(tmp, target);
    fsync_path(parent, true);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

Files read_files(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir.string() + " is not a readable directory");
  Files out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
    const fs::path& p = it->path();
    const std::string rel = p.lexically_relative(dir).generic_string();
    const fs::file_status st = fs::symlink_status(p, ec);
    if (ec) throw std::runtime_error("cannot read " + p.string() + ": " + ec.message());
    if (fs::is_symlink(st))
      throw std::runtime_error("the record holds a symbolic link, " + rel +
                               ", which is refused: a record holds only regular files");
    if (fs::is_directory(st)) continue;
    if (!fs::is_regular_file(st))
      throw std::runtime_error("the record holds " + rel + ", which is not a regular file (a record holds only regular files)");
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string() + ": " + std::strerror(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw std::runtime_error("cannot read " + p.string());
    out[rel] = buf.str();
  }
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
  return out;
}

}  // namespace allot::record
