// Private to the API handlers (api*.cpp): request reading helpers, the in-memory
// state (sessions, rate limiters, counters) and Api::Impl, whose member functions
// are the route handlers. Nothing here touches a socket.
//
// Invariants:
//   1. Every mutable piece of state in Impl below `mu` is read and written only
//      with `mu` held; counters are atomics. Store calls never happen under `mu`
//      (a store call may wait for a commit or run scrypt).
//   2. Session tokens (voter and officer) are 256 random bits; the maps are keyed
//      by the SHA-256 of the token, so a token is never kept in memory as a key and
//      a lookup's timing says nothing about other tokens.
//   3. No message produced here contains a code, token, password or session.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "allot/http/api.hpp"
#include "allot/http/message.hpp"
#include "allot/storage/store.hpp"

namespace allot::http {

namespace detail {

using nlohmann::json;
using Clock = std::chrono::system_clock;

[[noreturn]] void bad_request(const std::string& message);

// Parses a request body that must be one JSON object: refuses invalid JSON,
// anything but an object, duplicate keys and nesting deeper than 64 (400).
json parse_object(const std::string& body);

// Reads the fields of one JSON object, refusing (400 bad_request) missing
// fields, wrong types, out-of-range numbers and unknown fields, each with a
// message naming the field.
class Fields {
 public:
  Fields(const json& object, std::string where = "");
  // Refuses any field not in `keys`.
  void only(std::initializer_list<const char*> keys) const;
  bool has(const char* key) const;
  // A string of at most `max_bytes` bytes; `fallback` when absent and not required.
  std::string text(const char* key, std::size_t max_bytes, bool required, const std::string& fallback = "") const;
  // A whole number in [min, max]; `fallback` when absent (required when no fallback).
  std::int64_t integer(const char* key, std::int64_t min, std::int64_t max,
                       std::optional<std::int64_t> fallback = std::nullopt) const;
  // An object (required unless `optional`; an empty object when absent).
  json object(const char* key, bool required) const;

 private:
  std::string name(const char* key) const;
  const json& obj_;
  std::string where_;
};

// Query parameters.
std::optional<std::string> query(const Request& r, const char* name, std::size_t max_bytes);
std::uint64_t query_count(const Request& r, const char* name);  // required, decimal, <= 2^62

// Election, contest and similar ids (lower-case slug, as the store requires).
bool is_slug(std::string_view s);
// 64 hex digits (a leaf hash); returns it lower-cased, or nullopt.
std::optional<std::string> hex64(std::string_view s);

// A JSON response; strings that are not UTF-8 are replaced, never thrown on.
Response reply(int status, const json& body);
// As reply, for a body already serialized (JSON text).
Response reply_serialized(int status, std::string body);
// A voter's request with a ballot session that has ended or never was.
ApiError session_ended();
Response refuse(const ApiError& e);

// 32 random bytes as 64 hex digits, and the key under which a token is kept.
std::string new_token();
std::string token_key(std::string_view token);

std::int64_t seconds_until(Clock::time_point later, Clock::time_point now);  // >= 1

struct VoterSession {
  std::string election;
  std::string code;  // normalized voting code or kiosk token
  store::CredentialInfo credential;  // as read at the exchange (the cast needs no read)
  Clock::time_point expires;
  // While its ballot is being stored: `casting`, with that ballot's idempotency key.
  // After a successful cast: `finished`, the key and the receipt answered (JSON text).
  bool casting = false;
  bool finished = false;
  std::string key;
  std::string receipt;
};

struct OfficerSession {
  std::string username;
  store::Role role = store::Role::Auditor;
  std::string csrf;
  Clock::time_point expires;
};

struct SigninState {
  int failures = 0;   // failures in a row
  int in_flight = 0;  // attempts being checked right now
  Clock::time_point locked_until{};
  Clock::time_point last{};
};

}  // namespace detail

struct Api::Impl {
  using json = nlohmann::json;
  using Clock = detail::Clock;

  // Who may call a route.
  enum class Access { Public, Voter, Signin, Any, Admin, Officer, OfficerAuditor, KioskOfficer, KioskOfficerAuditor };

  struct Ctx {
    const Request& req;
    std::map<std::string, std::string> params;  // {id}, {leaf}, {kiosk}
    std::optional<detail::OfficerSession> officer;
    const std::string& id() const { return params.at("id"); }
  };
  using Method = Response (Impl::*)(Ctx&);

  struct Route {
    std::string method;
    std::string pattern;
    Access access;
    Method fn;
    std::vector<std::string> segments;
  };

  Impl(store::Store& s, ApiOptions o);
  static bool role_allowed(Access a, store::Role r);
  static const char* role_words(Access a);

  store::Store& store;
  ApiOptions opt;
  std::vector<Route> routes;

  Clock::time_point now() const { return opt.clock ? opt.clock() : Clock::now(); }

  // --- state (guarded by mu) ---------------------------------------------------
  mutable std::mutex mu;
  std::unordered_map<std::string, detail::VoterSession> voters;
  // token_key(election + '\x1f' + code) -> the key of the credential's latest session:
  // a new exchange ends the previous unfinished one, so one code holds one session.
  std::unordered_map<std::string, std::string> voter_of_credential;
  // Session key -> the same ballot sent again (same key) while it is being stored,
  // each with its idempotency key and the function that answers it. A casting
  // session is never swept or replaced, so every waiter gets an answer.
  std::unordered_map<std::string, std::vector<std::pair<std::string, Response::Finish>>> ballot_waiters;
  std::map<std::string, detail::OfficerSession> officers;
  std::map<std::string, detail::SigninState> signins;
  std::map<std::string, std::deque<Clock::time_point>> code_failures;  // per client
  std::deque<Clock::time_point> code_failures_all;
  std::map<std::string, std::string> records;  // published election -> tar
  Clock::time_point next_sweep{};

  // --- counters ----------------------------------------------------------------
  std::atomic<std::uint64_t> ballots_online{0}, ballots_kiosk{0}, ballots_paper{0};
  // One more ballot accepted through the API on the store's channel of it
  // (Receipt::channel: "online" or "kiosk").
  void count_ballot(const std::string& channel) { ++(channel == "kiosk" ? ballots_kiosk : ballots_online); }
  std::atomic<std::uint64_t> code_exchange_failures{0}, code_exchange_limited{0};
  std::atomic<std::uint64_t> signin_failures{0}, signin_locked{0};

  // --- plumbing (api.cpp) ------------------------------------------------------
  Response dispatch(const Request& req, std::string& route);
  void sweep_locked(Clock::time_point now);  // drops expired entries; mu held
  std::optional<detail::OfficerSession> officer_of(const Request& req);
  // The session of "Authorization: Bearer" for this election, or 401.
  detail::VoterSession voter_of(const Request& req, const std::string& election, std::string& key);
  // A state of an election the public may see (404 for drafts and unknown ids).
  std::string public_state(const std::string& id);
  // As public_state() without the state: 404 unless the election exists and has
  // opened, answered from memory once the store knows its manifest.
  void require_public(const std::string& id);
  std::string text_metrics() const;

  // --- code-guessing rate limits (api.cpp) -----------------------------------------
  // Every route that takes a typed code or token (the session exchange, the kiosk
  // ballot) checks code_rate_limited first and calls count_code_failure for a code
  // refused as unknown or mistyped.
  static std::string client_of(const Request& req);  // the client's address
  // 429 with Retry-After when too many codes that do not work came from `client`
  // (or from everyone) in the last minute; nothing when another attempt is allowed.
  std::optional<Response> code_rate_limited(const std::string& client, Clock::time_point now);
  void count_code_failure(const std::string& client, Clock::time_point now);
  // Seconds to wait before another code exchange from `client`, 0 when allowed.
  std::int64_t code_wait_locked(const std::string& client, Clock::time_point now);
  void code_failed_locked(const std::string& client, Clock::time_point now);

  // --- public (api_public.cpp) ---------------------------------------------------
  Response elections_list(Ctx&);
  Response election_get(Ctx&);
  Response turnout(Ctx&);
  Response public_result(Ctx&);
  Response checkpoints(Ctx&);
  Response inclusion(Ctx&);
  Response consistency(Ctx&);
  Response record(Ctx&);

  // --- voters (api_voter.cpp) ------------------------------------------------------
  Response session_exchange(Ctx&);
  Response ballot_get(Ctx&);
  Response ballot_post(Ctx&);
  Response ballot_stored(store::Receipt&& r, const std::string& skey, const std::string& ikey);
  void ballot_failed(const std::string& skey, const std::string& ikey, const std::exception_ptr& error);
  void cast_in_session(const std::string& election, const nlohmann::json& answers, const std::string& skey,
                       const std::string& ikey, Response::Finish finish);
  Response kiosk_ballot(Ctx&);
  Response receipt_get(Ctx&);
  Response receipt_lookup(Ctx&);

  // --- officers (api_officer.cpp) ----------------------------------------------------
  Response signin(Ctx&);
  Response signout(Ctx&);
  Response me(Ctx&);
  Response user_create(Ctx&);
  Response officer_elections(Ctx&);
  Response election_create(Ctx&);
  Response definition_get(Ctx&);
  Response definition_put(Ctx&);
  Response election_delete(Ctx&);
  Response import_contest(Ctx&);
  Response codes(Ctx&);
  Response open(Ctx&);
  Response close(Ctx&);
  Response publish(Ctx&);
  Response tally(Ctx&);
  Response preview(Ctx&);
  Response compare(Ctx&);
  Response officer_result(Ctx&);
  Response kiosk_token(Ctx&);
  Response kiosk_register(Ctx&);
  Response kiosks_list(Ctx&);
  Response kiosk_pool(Ctx&);
  Response kiosk_retire(Ctx&);
  Response paper_enter(Ctx&);
  Response paper_resolve(Ctx&);
  Response paper_spoil(Ctx&);
  Response paper_report(Ctx&);
  Response officer_log(Ctx&);
};

}  // namespace allot::http
