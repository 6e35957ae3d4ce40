// Static files for the Server (private to server.cpp): the front end under web_root.
//
// Invariants:
//   1. A file is served only when its canonical path (symlinks resolved) lies inside
//      the canonical web root; everything else is 400 or 404, never its content.
//   2. ".." and "." segments, backslashes, NUL and encoded slashes (%2F, %5C) in the
//      target are refused with 400 before any file system call.
//   3. Dot-files (".git", ".env", ...) are never served (404).
//   4. A path whose last segment has no extension and names no file gets index.html
//      (the single-page app routes on the client); a missing path with an extension
//      gets a 404 JSON body. Its log route is "(spa)", never the path.
// Only GET and HEAD reach files (405 otherwise). Thread-safe: no mutable state.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "allot/http/message.hpp"

namespace allot::http::detail {

// The Content-Type for a file name's extension (lower-case compare).
inline std::string content_type_for(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".webmanifest") return "application/manifest+json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

class StaticFiles {
 public:
  // Response::route of an index.html served for a client-side route: the access log
  // shows this instead of the path, which may carry a code (e.g. from a QR link).
  static constexpr const char* kSpaRoute = "(spa)";

  // web_root may be empty or missing: then every request says the front end is not
  // installed (404 JSON).
  explicit StaticFiles(const std::filesystem::path& web_root) {
    std::error_code ec;
    if (web_root.empty() || !std::filesystem::is_directory(web_root, ec)) return;
    root_ = std::filesystem::canonical(web_root, ec);
    if (ec) root_.clear();
  }

  bool installed() const { return !root_.empty(); }

  // raw_target: the request target as sent (to see encoded slashes); path: its
  // decoded path (from parse_target).
  Response serve(const std::string& method, const std::string& raw_target, const std::string& path) const {
    if (method != "GET" && method != "HEAD") {
      Response r = error_response(405, "method_not_allowed", "Only GET and HEAD are allowed here.");
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    if (!installed())
      return error_response(404, "not_found", "The web front end is not installed on this server.");

    const std::string_view raw_path = std::string_view(raw_target).substr(0, raw_target.find('?'));
    if (has_encoded_separator(raw_path) || path.find('\\') != std::string::npos)
      return error_response(400, "bad_path", "The path is not allowed.");
    std::vector<std::string> segments;
    if (!split(path, segments)) return error_response(400, "bad_path", "The path is not allowed.");
    for (const auto& s : segments)
      if (s.front() == '.') return not_found();

    std::filesystem::path file = root_;
    for (const auto& s : segments) file /= s;
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) file /= "index.html";
    if (auto r = read_inside(file)) return *r;

    // Single-page app fallback: client-side routes have no extension.
    const bool has_extension = !segments.empty() && segments.back().find('.') != std::string::npos;
    if (!has_extension) {
      if (auto r = read_inside(root_ / "index.html")) {
        r->route = kSpaRoute;
        return *r;
      }
      return error_response(404, "not_found", "The web front end is not installed on this server.");
    }
    return not_found();
  }

 private:
  static Response not_found() { return error_response(404, "not_found", "There is no such file."); }

  static bool has_encoded_separator(std::string_view raw) {
    for (std::size_t i = 0; i + 2 < raw.size(); ++i) {
      if (raw[i] != '%') continue;
      const char a = raw[i + 1], b = static_cast<char>(raw[i + 2] | 0x20);
      if ((a == '2' && b == 'f') || (a == '5' && b == 'c')) return true;
    }
    return false;
  }

  // Splits "/a/b/" into {"a", "b"}; false for "." or ".." segments or a NUL.
  static bool split(const std::string& path, std::vector<std::string>& out) {
    std::size_t pos = 0;
    while (pos <= path.size()) {
      std::size_t end = path.find('/', pos);
      if (end == std::string::npos) end = path.size();
      const std::string seg = path.substr(pos, end - pos);
      if (seg == "." || seg == ".." || seg.find('\0') != std::string::npos) return false;
      if (!seg.empty()) out.push_back(seg);
      pos = end + 1;
    }
    return true;
  }

  // The file's response when it is a regular file whose canonical path is inside the
  // root; nullopt otherwise.
  std::optional<Response> read_inside(const std::filesystem::path& file) const {
    std::error_code ec;
    const auto real = std::filesystem::canonical(file, ec);
    if (ec || !inside_root(real) || !std::filesystem::is_regular_file(real, ec)) return std::nullopt;
    std::ifstream in(real, std::ios::binary);
    if (!in) return std::nullopt;
    Response r;
    r.status = 200;
    r.content_type = content_type_for(real);
    const bool html = r.content_type.rfind("text/html", 0) == 0;
    r.headers.emplace_back("Cache-Control", html ? "no-cache" : "public, max-age=3600");
    std::ostringstream body;
    body << in.rdbuf();
    r.body = body.str();  // HEAD drops it when the response is written
    return r;
  }

  bool inside_root(const std::filesystem::path& real) const {
    auto r = root_.begin();
    auto p = real.begin();
    for (; r != root_.end(); ++r, ++p)
      if (p == real.end() || *p != *r) return false;
    return true;
  }

  std::filesystem::path root_;
};

}  // namespace allot::http::detail
