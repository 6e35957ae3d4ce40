// The API's plumbing: the route table (docs/api/README.md), dispatch with sign-in,
// CSRF and role checks, the one mapping from store errors to HTTP, sessions,
// rate limits and metrics. The handlers themselves are in api_public.cpp,
// api_voter.cpp and api_officer.cpp.
#include <algorithm>
#include <future>
#include <sstream>

#include "allot/storage/crypto.hpp"
#include "api_internal.hpp"

namespace allot::http {

using nlohmann::json;
using detail::Clock;

ApiError map_store_error(const store::StoreError& e) {
  const std::string& c = e.code;
  if (c == "invalid") {
    if (e.problems.empty()) return ApiError(400, "bad_request", e.what());
    return ApiError(422, "invalid", e.what(), json{{"problems", e.problems}});
  }
  if (c == "not_found" || c == "unknown_code") return ApiError(404, c, e.what());
  if (c == "frozen" || c == "wrong_state" || c == "conflict" || c == "already_used" || c == "not_sealed")
    return ApiError(409, c, e.what());
  if (c == "expired" || c == "retired") return ApiError(410, c, e.what());
  if (c == "unavailable") return ApiError(503, c, e.what());
  return ApiError(500, "internal", "the server could not complete the request");
}

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 1;  // after the leading '/'
  while (pos <= path.size()) {
    const auto slash = path.find('/', pos);
    const auto end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(pos, end - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return out;
}

}  // namespace

bool Api::Impl::role_allowed(Access a, store::Role r) {
  using A = Access;
  using R = store::Role;
  if (r == R::Admin) return true;  // an admin can do everything
  switch (a) {
    case A::Any: return true;
    case A::Admin: return false;
    case A::Officer: return r == R::Officer;
    case A::OfficerAuditor: return r == R::Officer || r == R::Auditor;
    case A::KioskOfficer: return r == R::Officer || r == R::KioskStaff;
    case A::KioskOfficerAuditor: return r == R::Officer || r == R::KioskStaff || r == R::Auditor;
    default: return false;
  }
}

const char* Api::Impl::role_words(Access a) {
  using A = Access;
  switch (a) {
    case A::Admin: return "an administrator";
    case A::Officer: return "an election officer";
    case A::OfficerAuditor: return "an election officer or an auditor";
    case A::KioskOfficer: return "kiosk staff or an election officer";
    case A::KioskOfficerAuditor: return "kiosk staff, an election officer or an auditor";
    default: return "signed in";
  }
}

Api::Impl::Impl(store::Store& s, ApiOptions o) : store(s), opt(std::move(o)) {
  using A = Access;
  const std::string e = "/api/v1/elections/{id}";
  const std::string oe = "/api/v1/officer/elections/{id}";
  struct Def {
    const char* method;
    std::string pattern;
    Access access;
    Method fn;
  };
  const std::vector<Def> defs = {
      // public
      {"GET", "/api/v1/elections", A::Public, &Impl::elections_list},
      {"GET", e, A::Public, &Impl::election_get},
      {"GET", e + "/turnout", A::Public, &Impl::turnout},
      {"GET", e + "/result", A::Public, &Impl::public_result},
      {"GET", e + "/checkpoints", A::Public, &Impl::checkpoints},
      {"GET", e + "/proofs/inclusion", A::Public, &Impl::inclusion},
      {"GET", e + "/proofs/consistency", A::Public, &Impl::consistency},
      {"GET", e + "/record", A::Public, &Impl::record},
      // voters and kiosks
      {"POST", e + "/session", A::Voter, &Impl::session_exchange},
      {"GET", e + "/ballot", A::Voter, &Impl::ballot_get},
      {"POST", e + "/ballot", A::Voter, &Impl::ballot_post},
      {"POST", e + "/kiosk-ballot", A::Voter, &Impl::kiosk_ballot},
      {"GET", e + "/receipts", A::Public, &Impl::receipt_lookup},
      {"GET", e + "/receipts/{leaf}", A::Public, &Impl::receipt_get},
      // officers
      {"POST", "/api/v1/officer/signin", A::Signin, &Impl::signin},
      {"POST", "/api/v1/officer/signout", A::Any, &Impl::signout},
      {"GET", "/api/v1/officer/me", A::Any, &Impl::me},
      {"POST", "/api/v1/officer/users", A::Admin, &Impl::user_create},
      {"GET", "/api/v1/officer/elections", A::OfficerAuditor, &Impl::officer_elections},
      {"POST", "/api/v1/officer/elections", A::Officer, &Impl::election_create},
      {"GET", oe, A::Officer, &Impl::definition_get},
      {"PUT", oe, A::Officer, &Impl::definition_put},
      {"DELETE", oe, A::Officer, &Impl::election_delete},
      {"POST", oe + "/import", A::Officer, &Impl::import_contest},
      {"POST", oe + "/codes", A::Officer, &Impl::codes},
      {"POST", oe + "/open", A::Officer, &Impl::open},
      {"POST", oe + "/close", A::Officer, &Impl::close},
      {"POST", oe + "/publish", A::Officer, &Impl::publish},
      {"POST", oe + "/tally", A::Officer, &Impl::tally},
      {"POST", oe + "/preview", A::OfficerAuditor, &Impl::preview},
      {"GET", oe + "/compare", A::OfficerAuditor, &Impl::compare},
      {"GET", oe + "/result", A::OfficerAuditor, &Impl::officer_result},
      {"POST", oe + "/kiosk-tokens", A::KioskOfficer, &Impl::kiosk_token},
      {"POST", oe + "/kiosks", A::KioskOfficer, &Impl::kiosk_register},
      {"GET", oe + "/kiosks", A::KioskOfficerAuditor, &Impl::kiosks_list},
      {"POST", oe + "/kiosks/{kiosk}/tokens", A::KioskOfficer, &Impl::kiosk_pool},
      {"POST", oe + "/kiosks/{kiosk}/retire", A::KioskOfficer, &Impl::kiosk_retire},
      {"POST", oe + "/paper", A::Officer, &Impl::paper_enter},
      {"POST", oe + "/paper/resolve", A::Officer, &Impl::paper_resolve},
      {"POST", oe + "/paper/spoil", A::Officer, &Impl::paper_spoil},
      {"GET", oe + "/paper", A::OfficerAuditor, &Impl::paper_report},
      {"GET", oe + "/log", A::OfficerAuditor, &Impl::officer_log},
  };
  for (const auto& d : defs) routes.push_back(Route{d.method, d.pattern, d.access, d.fn, split_path(d.pattern)});
}

Api::Api(store::Store& store, ApiOptions options) : impl_(std::make_unique<Impl>(store, std::move(options))) {}
Api::~Api() = default;

namespace {

// Runs a route's function; what it throws becomes the API's error response.
template <class F>
Response guarded(F&& f) {
  try {
    return f();
  } catch (const ApiError& e) {
    return detail::refuse(e);
  } catch (const store::StoreError& e) {
    return detail::refuse(map_store_error(e));
  } catch (const std::exception&) {
    return detail::refuse(ApiError(500, "internal", "the server could not complete the request"));
  }
}

// What every answer of `route` carries.
Response labelled(Response r, const std::string& route) {
  r.route = route.empty() ? std::string("(no route)") : route;
  if (route.rfind("/api/v1/officer", 0) == 0 || route.find("/session") != std::string::npos ||
      route.find("ballot") != std::string::npos)
    r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

Response Api::serve(const Request& request) {
  std::string route;
  Response r = guarded([&] { return impl_->dispatch(request, route); });
  if (r.later) {
    // The answer made later gets the same error mapping and labels.
    r.later = [inner = std::move(r.later), route](Response::Finish finish) {
      inner([finish = std::move(finish), route](Response::Make make) {
        finish([make = std::move(make), route] { return labelled(guarded(make), route); });
      });
    };
    r.route = route;
    return r;
  }
  return labelled(std::move(r), route);
}

Response Api::handle(const Request& request) {
  Response r = serve(request);
  if (!r.later) return r;
  std::promise<Response::Make> made;
  auto future = made.get_future();
  r.later([&made](Response::Make make) { made.set_value(std::move(make)); });
  return future.get()();
}

std::string Api::metrics_text() const { return impl_->text_metrics(); }

Response Api::Impl::dispatch(const Request& in, std::string& route_out) {
  // The server fills path and query; a caller that gives only the target is served too.
  Request parsed;
  const Request* req = &in;
  if (in.path.empty()) {
    parsed = in;
    if (!parse_target(in.target, parsed.path, parsed.query))
      throw ApiError(400, "bad_request", "the request target is malformed");
    req = &parsed;
  }
  const std::string& path = req->path;
  if (path.rfind("/api/v1/", 0) != 0 && path != "/api/v1")
    throw ApiError(404, "not_found", "there is no such API route (the API lives under /api/v1)");
  std::string p = path;
  if (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto segs = split_path(p);

  const Route* found = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;  // methods of the routes whose pattern matches
  std::string matched;               // the first such pattern
  for (const auto& rt : routes) {
    if (rt.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> ps;
    bool match = true;
    for (std::size_t i = 0; i < segs.size() && match; ++i) {
      const auto& s = rt.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (segs[i].empty()) match = false;
        else ps[s.substr(1, s.size() - 2)] = segs[i];
      } else if (s != segs[i]) {
        match = false;
      }
    }
    if (!match) continue;
    // HEAD is a GET whose body the server leaves out (RFC 9110 9.3.2), as for
    // /healthz and the static files.
    if (req->method == rt.method || (req->method == "HEAD" && rt.method == "GET")) {
      found = &rt;
      params = std::move(ps);
      break;
    }
    if (matched.empty()) matched = rt.pattern;
    if (std::find(allowed.begin(), allowed.end(), rt.method) == allowed.end()) allowed.push_back(rt.method);
  }
  if (!found) {
    if (allowed.empty()) throw ApiError(404, "not_found", "there is no such API route");
    route_out = matched;
    std::string allow;
    for (const auto& a : allowed) allow += (allow.empty() ? "" : ", ") + a;
    Response r = detail::refuse(ApiError(405, "method_not_allowed", "this route accepts " + allow));
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  route_out = found->pattern;

  Ctx ctx{*req, std::move(params), std::nullopt};
  if (auto it = ctx.params.find("id"); it != ctx.params.end() && !detail::is_slug(it->second))
    throw ApiError(404, "not_found", "there is no such election");
  if (auto it = ctx.params.find("kiosk"); it != ctx.params.end() && !detail::is_slug(it->second))
    throw ApiError(404, "not_found", "there is no such kiosk");

  const Access a = found->access;
  if (a != Access::Public && a != Access::Voter && a != Access::Signin) {
    ctx.officer = officer_of(*req);
    if (!ctx.officer) throw ApiError(401, "signin_required", "please sign in (or sign in again: the session ended)");
    if (req->method != "GET" && req->method != "HEAD") {
      const std::string sent = req->header("x-csrf-token");
      if (sent.empty() || !crypto::equal_constant_time(sent, ctx.officer->csrf))
        throw ApiError(403, "csrf",
                       "this change needs the X-CSRF-Token header with the token given at sign-in");
    }
    if (!role_allowed(a, ctx.officer->role))
      throw ApiError(403, "forbidden", std::string("only ") + role_words(a) + " can do this (you are " +
                                           store::to_string(ctx.officer->role) + ")");
  }
  return (this->*(found->fn))(ctx);
}

void Api::Impl::sweep_locked(Clock::time_point t) {
  if (t < next_sweep) return;
  next_sweep = t + std::chrono::seconds(30);
  std::erase_if(voters, [&](const auto& kv) { return kv.second.expires <= t && !kv.second.casting; });
  std::erase_if(voter_of_credential, [&](const auto& kv) { return !voters.count(kv.second); });
  std::erase_if(officers, [&](const auto& kv) { return kv.second.expires <= t; });
  std::erase_if(signins, [&](const auto& kv) {
    const auto& s = kv.second;
    return s.in_flight == 0 && s.locked_until <= t && s.last + opt.signin_lockout <= t;
  });
  const auto minute_ago = t - std::chrono::minutes(1);
  std::erase_if(code_failures, [&](const auto& kv) { return kv.second.empty() || kv.second.back() <= minute_ago; });
  while (!code_failures_all.empty() && code_failures_all.front() <= minute_ago) code_failures_all.pop_front();
}

std::optional<detail::OfficerSession> Api::Impl::officer_of(const Request& req) {
  const auto cookie = req.cookie("allot_session");
  if (!cookie || cookie->empty() || cookie->size() > 128) return std::nullopt;
  const auto key = detail::token_key(*cookie);
  const auto t = now();
  std::lock_guard lk(mu);
  sweep_locked(t);
  auto it = officers.find(key);
  if (it == officers.end()) return std::nullopt;
  if (it->second.expires <= t) {
    officers.erase(it);
    return std::nullopt;
  }
  return it->second;
}

detail::VoterSession Api::Impl::voter_of(const Request& req, const std::string& election, std::string& key) {
  const std::string auth = req.header("authorization");
  const std::string prefix = "Bearer ";
  if (auth.size() <= prefix.size() || auth.size() > 200 ||
      !std::equal(prefix.begin(), prefix.end(), auth.begin(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) ==
                                              std::tolower(static_cast<unsigned char>(b)); }))
    throw ApiError(401, "session_required",
                   "this needs a ballot session (Authorization: Bearer ...): enter your voting code first");
  std::string token = auth.substr(prefix.size());
  while (!token.empty() && token.back() == ' ') token.pop_back();
  key = detail::token_key(token);
  const auto t = now();
  std::lock_guard lk(mu);
  sweep_locked(t);
  auto it = voters.find(key);
  if (it == voters.end() || it->second.expires <= t || it->second.election != election)
    throw detail::session_ended();
  return it->second;
}

std::string Api::Impl::public_state(const std::string& id) {
  std::string s;
  try {
    s = store.state(id);
  } catch (const store::StoreError& e) {
    if (e.code == "not_found") throw ApiError(404, "not_found", "there is no election '" + id + "'");
    throw;
  }
  if (s == "draft") throw ApiError(404, "not_found", "there is no election '" + id + "'");
  return s;
}

void Api::Impl::require_public(const std::string& id) {
  if (!store.known_opened(id)) public_state(id);
}

std::string Api::Impl::client_of(const Request& req) {
  return req.client.empty() ? std::string("(unknown)") : req.client;
}

std::optional<Response> Api::Impl::code_rate_limited(const std::string& client, Clock::time_point t) {
  std::int64_t wait = 0;
  {
    std::lock_guard lk(mu);
    sweep_locked(t);
    wait = code_wait_locked(client, t);
  }
  if (wait <= 0) return std::nullopt;
  ++code_exchange_limited;
  Response r = detail::refuse(ApiError(429, "rate_limited",
                                       "too many codes that do not work were tried: please wait " +
                                           std::to_string(wait) + " seconds and try again, or ask for help",
                                       json{{"retry_after", wait}}));
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

void Api::Impl::count_code_failure(const std::string& client, Clock::time_point t) {
  ++code_exchange_failures;
  std::lock_guard lk(mu);
  code_failed_locked(client, t);
}

// Sliding one-minute windows. Only the last `limit` failures matter, so each
// queue holds at most that many times; the oldest of them, a minute on, is when
// one more attempt is allowed.
std::int64_t Api::Impl::code_wait_locked(const std::string& client, Clock::time_point t) {
  const auto minute = std::chrono::minutes(1);
  auto wait_for = [&](std::deque<Clock::time_point>& q, int limit) -> std::int64_t {
    while (!q.empty() && q.front() + minute <= t) q.pop_front();
    if (limit <= 0 || q.size() < static_cast<std::size_t>(limit)) return 0;
    return detail::seconds_until(q[q.size() - static_cast<std::size_t>(limit)] + minute, t);
  };
  std::int64_t wait = wait_for(code_failures_all, opt.code_failures_global_per_minute);
  if (auto it = code_failures.find(client); it != code_failures.end())
    wait = std::max(wait, wait_for(it->second, opt.code_failures_per_client_per_minute));
  return wait;
}

void Api::Impl::code_failed_locked(const std::string& client, Clock::time_point t) {
  auto record = [&](std::deque<Clock::time_point>& q, int limit) {
    q.push_back(t);
    while (q.size() > static_cast<std::size_t>(std::max(limit, 1))) q.pop_front();
  };
  record(code_failures[client], opt.code_failures_per_client_per_minute);
  record(code_failures_all, opt.code_failures_global_per_minute);
}

std::string Api::Impl::text_metrics() const {
  const auto w = store.writer_stats();
  std::size_t voter_sessions = 0, officer_sessions = 0;
  {
    std::lock_guard lk(mu);
    voter_sessions = voters.size();
    officer_sessions = officers.size();
  }
  std::ostringstream o;
  auto metric = [&](const char* name, const char* type, const char* help) {
    o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
  };
  metric("allot_ballots_accepted_total", "counter",
         "Ballots accepted through the API, by the channel the store gives them.");
  o << "allot_ballots_accepted_total{channel=\"online\"} " << ballots_online.load() << '\n'
    << "allot_ballots_accepted_total{channel=\"kiosk\"} " << ballots_kiosk.load() << '\n'
    << "allot_ballots_accepted_total{channel=\"paper\"} " << ballots_paper.load() << '\n';
  metric("allot_store_writer_queue_depth", "gauge", "Write requests waiting for the store's writer.");
  o << "allot_store_writer_queue_depth " << w.queue_depth << '\n';
  metric("allot_store_writer_largest_group", "gauge", "Most requests committed in one transaction so far.");
  o << "allot_store_writer_largest_group " << w.largest_group << '\n';
  metric("allot_store_wal_pages", "gauge", "Pages in the store's write-ahead log after the last commit.");
  o << "allot_store_wal_pages " << w.wal_pages << '\n';
  metric("allot_store_wal_checkpoints_total", "counter",
         "Copies of the write-ahead log into the database file, made beside the writer.");
  o << "allot_store_wal_checkpoints_total " << w.wal_checkpoints << '\n';
  metric("allot_store_seal_failures_total", "counter",
         "Commit groups whose batch sealing failed; their ballots are stored and wait unsealed.");
  o << "allot_store_seal_failures_total " << w.seal_failures << '\n';
  metric("allot_store_commit_group_size", "histogram",
         "Requests committed together in one transaction by the store's writer.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < w.group_sizes.size(); ++i) {
    cumulative += w.group_sizes[i];
    o << "allot_store_commit_group_size_bucket{le=\""
      << (i < store::WriterStats::kGroupSizeBounds.size() ? std::to_string(store::WriterStats::kGroupSizeBounds[i])
                                                          : std::string("+Inf"))
      << "\"} " << cumulative << '\n';
  }
  o << "allot_store_commit_group_size_sum " << w.group_size_sum << '\n'
    << "allot_store_commit_group_size_count " << cumulative << '\n';
  metric("allot_store_writer_transactions_total", "counter", "Transactions committed by the store's writer.");
  o << "allot_store_writer_transactions_total " << w.transactions << '\n';
  metric("allot_store_writer_requests_total", "counter", "Write requests handled by the store's writer.");
  o << "allot_store_writer_requests_total " << w.requests << '\n';
  const auto rs = store.receipt_stats();
  metric("allot_receipts_signed_total", "counter", "Voters' receipts signed.");
  o << "allot_receipts_signed_total " << rs.receipts << '\n';
  metric("allot_receipt_signatures_total", "counter",
         "Signatures made for receipts: one per batch of receipts that finished together.");
  o << "allot_receipt_signatures_total " << rs.signatures << '\n';
  metric("allot_code_exchange_failures_total", "counter", "Voting codes or kiosk tokens refused as unknown or mistyped.");
  o << "allot_code_exchange_failures_total " << code_exchange_failures.load() << '\n';
  metric("allot_code_exchange_rate_limited_total", "counter", "Code exchanges refused by the rate limit (429).");
  o << "allot_code_exchange_rate_limited_total " << code_exchange_limited.load() << '\n';
  metric("allot_signin_failures_total", "counter", "Officer sign-ins refused for a wrong user name or password.");
  o << "allot_signin_failures_total " << signin_failures.load() << '\n';
  metric("allot_signin_locked_total", "counter", "Officer sign-ins refused because the user name is locked (429).");
  o << "allot_signin_locked_total " << signin_locked.load() << '\n';
  metric("allot_voter_sessions", "gauge", "Ballot sessions held in memory.");
  o << "allot_voter_sessions " << voter_sessions << '\n';
  metric("allot_officer_sessions", "gauge", "Officer sessions held in memory.");
  o << "allot_officer_sessions " << officer_sessions << '\n';
  return o.str();
}

}  // namespace allot::http
