// Request reading helpers for the API handlers: strict JSON bodies, typed fields
// with precise messages, query parameters, ids, tokens.
#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "allot/storage/crypto.hpp"
#include "api_internal.hpp"

namespace allot::http::detail {

namespace {

constexpr int kMaxDepth = 64;

const char* type_name(const json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "true or false";
  if (j.is_number_float()) return "a number with a fraction or exponent";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "text";
  if (j.is_array()) return "a list";
  return "an object";
}

}  // namespace

void bad_request(const std::string& message) { throw ApiError(400, "bad_request", message); }

json parse_object(const std::string& body) {
  if (body.empty()) bad_request("the request needs a JSON object as its body");
  // Duplicate keys are refused (two readers of the same body must not disagree
  // on what it says), and so is deep nesting.
  std::vector<std::set<std::string>> open;
  std::string duplicate;
  bool too_deep = false;
  auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) too_deep = true;
    switch (event) {
      case json::parse_event_t::object_start: open.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return !too_deep;
  };
  json j;
  try {
    j = json::parse(body, callback, true, false);
  } catch (const json::exception& e) {  // parse_error, out_of_range (number overflow)
    // nlohmann's message names the position and what it expected; the part that
    // quotes the body ("last read: ...") is cut, since the body may hold a code.
    std::string what = e.what();
    if (const auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    if (const auto q = what.find("; last read"); q != std::string::npos) what = what.substr(0, q);
    bad_request("the body is not valid JSON: " + what);
  }
  if (too_deep) bad_request("the body nests deeper than " + std::to_string(kMaxDepth) + " levels");
  if (!duplicate.empty()) bad_request("the body has the field \"" + duplicate + "\" twice");
  if (!j.is_object()) bad_request(std::string("the body must be a JSON object, not ") + type_name(j));
  return j;
}

Fields::Fields(const json& object, std::string where) : obj_(object), where_(std::move(where)) {
  if (!obj_.is_object()) bad_request((where_.empty() ? std::string("the body") : where_) + " must be an object");
}

std::string Fields::name(const char* key) const {
  std::string out = "\"";
  if (!where_.empty()) out += where_ + ".";
  out += key;
  out += '"';
  return out;
}

void Fields::only(std::initializer_list<const char*> keys) const {
  for (const auto& [k, v] : obj_.items()) {
    (void)v;
    if (std::none_of(keys.begin(), keys.end(), [&k = k](const char* x) { return k == x; })) {
      std::string allowed;
      for (const char* x : keys) allowed += std::string(allowed.empty() ? "" : ", ") + "\"" + x + "\"";
      bad_request(name(k.c_str()) + " is not a field of this request (expected " +
                  (allowed.empty() ? std::string("no fields") : allowed) + ")");
    }
  }
}

bool Fields::has(const char* key) const { return obj_.contains(key); }

std::string Fields::text(const char* key, std::size_t max_bytes, bool required, const std::string& fallback) const {
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required) bad_request(name(key) + " is missing");
    return fallback;
  }
  if (!it->is_string()) bad_request(name(key) + " must be text, not " + type_name(*it));
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_bytes) bad_request(name(key) + " is longer than " + std::to_string(max_bytes) + " bytes");
  return s;
}

std::int64_t Fields::integer(const char* key, std::int64_t min, std::int64_t max,
                             std::optional<std::int64_t> fallback) const {
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (!fallback) bad_request(name(key) + " is missing");
    return *fallback;
  }
  const std::string range = "between " + std::to_string(min) + " and " + std::to_string(max);
  if (!it->is_number_integer() && !it->is_number_unsigned())
    bad_request(name(key) + " must be a whole number " + range + ", not " + type_name(*it));
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    bad_request(name(key) + " must be a whole number " + range);
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) bad_request(name(key) + " must be a whole number " + range);
  return v;
}

json Fields::object(const char* key, bool required) const {
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required) bad_request(name(key) + " is missing");
    return json::object();
  }
  if (!it->is_object()) bad_request(name(key) + " must be an object, not " + type_name(*it));
  return *it;
}

std::optional<std::string> query(const Request& r, const char* name, std::size_t max_bytes) {
  auto it = r.query.find(name);
  if (it == r.query.end()) return std::nullopt;
  if (it->second.size() > max_bytes)
    bad_request(std::string("the query parameter '") + name + "' is longer than " + std::to_string(max_bytes) +
                " bytes");
  return it->second;
}

std::uint64_t query_count(const Request& r, const char* name) {
  auto v = query(r, name, 32);
  if (!v) bad_request(std::string("the query parameter '") + name + "' is missing");
  constexpr std::uint64_t kMax = std::uint64_t{1} << 62;
  const std::string msg = std::string("the query parameter '") + name + "' must be a whole number from 0 to " +
                          std::to_string(kMax);
  if (v->empty() || v->size() > 19 || !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }))
    bad_request(msg);
  const std::uint64_t n = std::stoull(*v);
  if (n > kMax) bad_request(msg);
  return n;
}

bool is_slug(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto lower_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_digit(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return lower_digit(c) || c == '-' || c == '_'; });
}

std::optional<std::string> hex64(std::string_view s) {
  if (s.size() != 64) return std::nullopt;
  std::string out(s);
  for (char& c : out) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Response reply_serialized(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response reply(int status, const json& body) {
  return reply_serialized(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

ApiError session_ended() {
  return ApiError(401, "session_required", "your ballot session has ended: please enter your voting code again");
}

Response refuse(const ApiError& e) {
  json body = {{"error", e.code}, {"message", e.what()}};
  if (e.details.is_object())
    for (const auto& [k, v] : e.details.items()) body[k] = v;
  return reply(e.status, body);
}

std::string new_token() { return crypto::to_hex(crypto::random_bytes(32)); }

std::string token_key(std::string_view token) {
  const auto h = crypto::sha256(token);
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

std::int64_t seconds_until(Clock::time_point later, Clock::time_point now) {
  const auto d = std::chrono::ceil<std::chrono::seconds>(later - now).count();
  return d < 1 ? 1 : d;
}

}  // namespace allot::http::detail
