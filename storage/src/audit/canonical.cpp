// Canonical JSON. Writing goes through nlohmann's dump (sorted std::map keys, strict
// UTF-8, lower-case \u00xx) after refusing floats; reading is a small strict
// recursive-descent parser of our own, so every refusal (duplicate key, float,
// invalid UTF-8, trailing bytes) can name the byte offset where it happened.
#include "allot/storage/canonical.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace allot::canonical {

namespace {

using nlohmann::json;

// JSON Pointer token escaping (RFC 6901).
std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

// Offset of the first byte of `s` that is not part of well-formed UTF-8 (no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    unsigned cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1; cp = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2; cp = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3; cp = c & 0x07; min = 0x10000;
    } else {
      return i;
    }
    if (s.size() - i <= static_cast<std::size_t>(extra)) return i;
    for (int k = 1; k <= extra; ++k) {
      auto t = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((t & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (t & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return std::string_view::npos;
}

// Refuses values canonical JSON cannot hold; `path` is the JSON Pointer of `j`.
void check_dumpable(const json& j, std::string& path) {
  switch (j.type()) {
    case json::value_t::string:
      if (std::size_t at = invalid_utf8_at(j.get_ref<const std::string&>());
          at != std::string_view::npos)
        throw CanonicalError((path.empty() ? "/" : path) + ": invalid UTF-8 at byte " +
                             std::to_string(at) + " of the string");
      break;
    case json::value_t::number_float:
      throw CanonicalError((path.empty() ? "/" : path) + ": fractional numbers are not allowed");
    case json::value_t::binary:
      throw CanonicalError((path.empty() ? "/" : path) + ": binary values are not allowed");
    case json::value_t::discarded:
      throw CanonicalError((path.empty() ? "/" : path) + ": discarded value");
    case json::value_t::object:
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::size_t at = invalid_utf8_at(it.key()); at != std::string_view::npos)
          throw CanonicalError((path.empty() ? "/" : path) + ": invalid UTF-8 at byte " +
                               std::to_string(at) + " of a key");
        std::size_t len = path.size();
        path += '/';
        path += pointer_token(it.key());
        check_dumpable(it.value(), path);
        path.resize(len);
      }
      break;
    case json::value_t::array: {
      std::size_t i = 0;
      for (const auto& value : j) {
        std::size_t len = path.size();
        path += '/';
        path += std::to_string(i++);
        check_dumpable(value, path);
        path.resize(len);
      }
      break;
    }
    default:
      break;
  }
}

constexpr int kMaxDepth = 512;

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  json parse_document() {
    skip_ws();
    json v = parse_value(0);
    skip_ws();
    if (pos_ != in_.size()) error("trailing bytes after the JSON value");
    return v;
  }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;

  [[noreturn]] void error(const std::string& what) const { error_at(pos_, what); }
  [[noreturn]] void error_at(std::size_t at, const std::string& what) const {
    throw CanonicalError("invalid JSON at byte " + std::to_string(at) + ": " + what);
  }

  bool at_end() const { return pos_ >= in_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(in_[pos_]); }

  void skip_ws() {
    while (!at_end()) {
      unsigned char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  void expect_literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) error("unexpected character");
    pos_ += word.size();
  }

  json parse_value(int depth) {
    if (at_end()) error("unexpected end of input");
    switch (peek()) {
      case '{': return parse_object(depth + 1);
      case '[': return parse_array(depth + 1);
      case '"': return json(parse_string());
      case 't': expect_literal("true"); return json(true);
      case 'f': expect_literal("false"); return json(false);
      case 'n': expect_literal("null"); return json(nullptr);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number();
        error("unexpected character");
    }
  }

  json parse_object(int depth) {
    if (depth > kMaxDepth) error("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '{'
    json obj = json::object();
    skip_ws();
    if (!at_end() && peek() == '}') {
      ++pos_;
      return obj;
    }
    while (true) {
      skip_ws();
      if (at_end() || peek() != '"') error("expected a string key");
      std::size_t key_at = pos_;
      std::string key = parse_string();
      skip_ws();
      if (at_end() || peek() != ':') error("expected ':'");
      ++pos_;
      skip_ws();
      json value = parse_value(depth);
      auto [it, inserted] = obj.emplace(std::move(key), std::move(value));
      if (!inserted) error_at(key_at, "duplicate key \"" + it.key() + "\"");
      skip_ws();
      if (at_end()) error("unexpected end of input in an object");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      error("expected ',' or '}'");
    }
  }

  json parse_array(int depth) {
    if (depth > kMaxDepth) error("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    ++pos_;  // '['
    json arr = json::array();
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return arr;
    }
    while (true) {
      skip_ws();
      arr.push_back(parse_value(depth));
      skip_ws();
      if (at_end()) error("unexpected end of input in an array");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      error("expected ',' or ']'");
    }
  }

  json parse_number() {
    std::size_t start = pos_;
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (at_end() || peek() < '0' || peek() > '9') error("expected a digit");
    std::size_t digits_at = pos_;
    if (peek() == '0') {
      ++pos_;
    } else {
      while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (!at_end() && (peek() == '.' || peek() == 'e' || peek() == 'E'))
      error_at(start, "fractional numbers are not allowed");
    if (!at_end() && peek() >= '0' && peek() <= '9') error("leading zeros are not allowed");
    // Accumulate the magnitude with overflow checks.
    std::uint64_t mag = 0;
    for (std::size_t i = digits_at; i < pos_; ++i) {
      auto d = static_cast<std::uint64_t>(in_[i] - '0');
      if (mag > (UINT64_MAX - d) / 10) error_at(start, "integer out of range");
      mag = mag * 10 + d;
    }
    if (!negative) return json(static_cast<std::uint64_t>(mag));
    constexpr std::uint64_t kMinMag = std::uint64_t{1} << 63;  // |INT64_MIN|
    if (mag > kMinMag) error_at(start, "integer out of range");
    if (mag == kMinMag) return json(INT64_MIN);
    return json(-static_cast<std::int64_t>(mag));
  }

  unsigned parse_hex4() {
    if (in_.size() - pos_ < 4) error("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      unsigned char c = peek();
      unsigned d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        error("invalid \\u escape");
      v = v * 16 + d;
      ++pos_;
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (at_end()) error("unterminated string");
      unsigned char c = peek();
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) error("unescaped control character in a string");
      if (c == '\\') {
        std::size_t esc_at = pos_;
        ++pos_;
        if (at_end()) error("unterminated string");
        char e = static_cast<char>(peek());
        ++pos_;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            unsigned cp = parse_hex4();
            if (cp >= 0xDC00 && cp <= 0xDFFF) error_at(esc_at, "lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (in_.substr(pos_, 2) != "\\u") error_at(esc_at, "lone high surrogate in \\u escape");
              pos_ += 2;
              unsigned lo = parse_hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) error_at(esc_at, "lone high surrogate in \\u escape");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(out, cp);
            break;
          }
          default:
            error_at(esc_at, "invalid escape");
        }
        continue;
      }
      // Copy a run of plain bytes, validating any UTF-8 in it.
      std::size_t run = pos_;
      while (run < in_.size() && in_[run] != '"' && in_[run] != '\\' &&
             static_cast<unsigned char>(in_[run]) >= 0x20)
        ++run;
      std::string_view chunk = in_.substr(pos_, run - pos_);
      if (std::size_t bad = invalid_utf8_at(chunk); bad != std::string_view::npos)
        error_at(pos_ + bad, "invalid UTF-8");
      out.append(chunk);
      pos_ = run;
    }
  }
};

}  // namespace

std::string dump(const nlohmann::json& j) {
  std::string path;
  check_dumpable(j, path);
  try {
    return j.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::type_error& e) {
    throw CanonicalError(std::string("cannot write canonical JSON: ") + e.what());
  }
}

nlohmann::json parse(std::string_view bytes) { return Parser(bytes).parse_document(); }

bool is_canonical(std::string_view bytes) {
  try {
    return dump(parse(bytes)) == bytes;
  } catch (const CanonicalError&) {
    return false;
  }
}

std::string signing_bytes(const nlohmann::json& object) {
  if (!object.is_object()) throw CanonicalError("a signed document must be a JSON object");
  if (!object.contains("signature")) return dump(object);
  json copy = object;
  copy.erase("signature");
  return dump(copy);
}

bool is_hex64(const nlohmann::json& j) {
  if (!j.is_string()) return false;
  const auto& s = j.get_ref<const std::string&>();
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_count(const nlohmann::json& j) {
  return (j.is_number_unsigned() || j.is_number_integer()) && j.get<std::int64_t>() >= 0;
}

}  // namespace allot::canonical
