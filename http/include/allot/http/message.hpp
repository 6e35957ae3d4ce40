// Plain request and response values: what handlers take and give. No sockets here,
// so every handler is a function of (state, request) that unit tests call directly.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace allot::http {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // as sent: "/api/v1/elections?x=1"
  std::string path;                            // decoded path without the query
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client;                          // the peer's address (for rate limits)
  bool tls = false;

  // The header's value, or "" when absent.
  std::string header(const std::string& lower_name) const;
  // The value of one cookie, or nullopt.
  std::optional<std::string> cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Retry-After, ...)
  std::string body;
  // Set by handlers for the access log and metrics: the route pattern, e.g.
  // "/api/v1/elections/{id}" (never the concrete path, which may hold a token).
  std::string route;

  // A response that comes later. A handler that starts work which finishes on
  // another thread (a ballot waiting for its durable commit) returns a response
  // with `later` set and no thread waits for it: the server calls later(finish)
  // once; the work calls finish(make) exactly once, from any thread; the server
  // then runs make() on the connection's I/O thread and answers with its result
  // (a throw from make() answers 500). The other fields are then unused, apart
  // from `route`.
  using Make = std::function<Response()>;
  using Finish = std::function<void(Make)>;
  std::function<void(Finish)> later;
};

// What a handler throws for a request it refuses. One place (error_response) turns
// it into the JSON body {"error": code, "message": text, ...details}.
struct ApiError : std::runtime_error {
  ApiError(int status, std::string code, const std::string& message, nlohmann::json details = nlohmann::json::object())
      : std::runtime_error(message), status(status), code(std::move(code)), details(std::move(details)) {}
  int status;
  std::string code;
  nlohmann::json details;  // extra fields merged into the body (e.g. "problems": [...])
};

Response json_response(int status, const nlohmann::json& body);
Response error_response(const ApiError& e);
Response error_response(int status, const std::string& code, const std::string& message);

// Decodes %XX and '+' (query strings); nullopt for a malformed escape or a NUL.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);
// Splits a target into path and query parameters; nullopt when malformed.
bool parse_target(const std::string& target, std::string& path, std::map<std::string, std::string>& query);

}  // namespace allot::http
