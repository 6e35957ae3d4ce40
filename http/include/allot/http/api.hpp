// The JSON API under /api/v1 (docs/api/openapi.yaml documents every route).
//
// Api::handle is a function of (state, request): the store, in-memory sessions,
// rate limiters and the clock. It never touches a socket, so unit tests call it
// directly and the server calls it from its I/O threads (it is thread-safe).
//
// Every refusal is an ApiError mapped by one table (map_store_error) from the
// store's error codes to HTTP statuses:
//   invalid 400 (422 for a ballot that breaks a contest's rules), not_found 404,
//   frozen 409, wrong_state 409, conflict 409, already_used 409, unknown_code 404,
//   expired 410, retired 410, not_sealed 409, unavailable 503.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "allot/http/message.hpp"
#include "allot/storage/store.hpp"

namespace allot::http {

struct ApiOptions {
  // Voter ballot sessions (after a code is exchanged) and officer sessions.
  std::chrono::seconds voter_session_ttl{30 * 60};
  std::chrono::seconds officer_session_ttl{8 * 60 * 60};
  // Code guessing: failed code exchanges allowed per client address per minute,
  // and in all per minute; beyond that 429 with Retry-After (0 or less: no limit).
  int code_failures_per_client_per_minute = 10;
  int code_failures_global_per_minute = 600;
  // Sign-in: after this many failures in a row a user is locked for lockout
  // (0 or less: never).
  int signin_failures_before_lockout = 5;
  std::chrono::seconds signin_lockout{15 * 60};
  // How long a kiosk token issued through the API stays valid: one token issued
  // for the voter in front of the kiosk, and the tokens of a pool issued on a
  // registered kiosk (used through the day, also while the kiosk is offline).
  // Each at most 24 hours.
  std::chrono::seconds kiosk_token_ttl{15 * 60};
  std::chrono::seconds kiosk_pool_ttl{12 * 60 * 60};
  // Cookies get Secure when the server runs TLS (or says it is behind a TLS proxy).
  bool secure_cookies = true;
  // The clock (tests inject one).
  std::function<std::chrono::system_clock::time_point()> clock;
};

// Maps a StoreError to the API's error (status, code, message, problems).
ApiError map_store_error(const store::StoreError& e);

class Api {
 public:
  Api(store::Store& store, ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Handles one request whose path starts with /api/v1 (404 JSON otherwise), and
  // returns its final response (waiting for a ballot's commit, if need be).
  Response handle(const Request& request);

  // As handle, for the server: a voter's ballot comes back as a response that comes
  // later (Response::later), so that no thread waits for its commit.
  Response serve(const Request& request);

  // Prometheus text lines of the API's own figures (ballots accepted by channel,
  // as the store says each ballot's channel is; the store writer's queue depth,
  // largest group and a histogram of its commit group sizes; code-exchange and
  // sign-in failures), for the server's /metrics.
  std::string metrics_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot::http
