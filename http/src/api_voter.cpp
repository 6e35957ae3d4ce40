// Voter and kiosk routes: exchanging a voting code (or kiosk token) for a ballot
// session, reading the ballot, casting it once (idempotently), a kiosk's ballot
// sent with its token (exactly once per token and key), checking a receipt.
//
// A session holds the normalized code in memory for its lifetime (the store needs
// it to cast); it ends after a successful cast, but stays until its expiry so that
// a retry with the same Idempotency-Key gets the same receipt again. The kiosk
// ballot needs no session: the store keeps the key with the ballot until close, so
// a resend gets the first receipt back even after a restart.
#include <algorithm>

#include "allot/storage/codes.hpp"
#include "allot/storage/manifest.hpp"
#include "api_internal.hpp"

namespace allot::http {

using nlohmann::json;
using detail::reply;
using detail::reply_serialized;

namespace {

// The Idempotency-Key header of a ballot (required).
std::string idempotency_key_of(const Request& req) {
  const std::string key = req.header("idempotency-key");
  if (key.empty())
    detail::bad_request(
        "the Idempotency-Key header is missing: send a random value chosen for this ballot (8 to 128 characters), "
        "and the same value again if you retry");
  if (key.size() < 8 || key.size() > 128 ||
      !std::all_of(key.begin(), key.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; }))
    detail::bad_request("the Idempotency-Key header must be 8 to 128 printable characters without spaces");
  return key;
}

// Any further ballot on a ballot session that has cast.
ApiError session_over() {
  return ApiError(409, "already_used", "your ballot has been cast: this ballot session is over");
}

// The answer to a cast, serialized once (a voter's ballot session keeps it as text).
std::string receipt_text(store::Receipt&& r) {
  return json{{"receipt", std::move(r.document)}, {"code", std::move(r.code)}, {"leaf", std::move(r.leaf)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Response Api::Impl::session_exchange(Ctx& c) {
  require_public(c.id());
  const std::string client = client_of(c.req);
  const auto t = now();
  // Over the limit, the code is not even looked at.
  if (auto limited = code_rate_limited(client, t)) return *limited;
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"code"});
  const std::string typed = f.text("code", 64, true);

  store::CredentialInfo info;
  try {
    info = store.credential_info(c.id(), typed);
  } catch (const store::StoreError& e) {
    if (e.code == "unknown_code" || e.code == "invalid") count_code_failure(client, t);
    throw;
  }
  const std::string district = info.district;
  detail::VoterSession s;
  s.election = c.id();
  s.code = codes::parse_code(typed).normalized;
  s.credential = std::move(info);
  s.expires = t + opt.voter_session_ttl;
  const std::string token = detail::new_token();
  const std::string key = detail::token_key(token);
  const std::string credential = detail::token_key(c.id() + '\x1f' + s.code);
  {
    std::lock_guard lk(mu);
    if (auto it = voter_of_credential.find(credential); it != voter_of_credential.end()) {
      auto old = voters.find(it->second);
      if (old != voters.end() && !old->second.finished && !old->second.casting) voters.erase(old);
    }
    voter_of_credential[credential] = key;
    voters[key] = std::move(s);
  }
  return reply(200, json{{"session", token},
                         {"election", c.id()},
                         {"district", district},
                         {"expires_in", opt.voter_session_ttl.count()}});
}

Response Api::Impl::ballot_get(Ctx& c) {
  std::string key;
  const auto s = voter_of(c.req, c.id(), key);
  if (s.finished) throw session_over();
  const std::string state = store.state(c.id());
  if (state != "open") throw ApiError(409, "wrong_state", "voting is over: the election is " + state);
  const json m = store.manifest(c.id());
  json contests = json::array();
  for (auto i : manifest::visible_contests(m, s.credential.district)) contests.push_back(m.at("contests").at(i));
  json district_name = json::object();
  if (auto ds = m.find("districts"); ds != m.end())
    for (const auto& d : *ds)
      if (d.value("id", std::string()) == s.credential.district) district_name = d.value("name", json::object());
  return reply(200, json{{"election", c.id()},
                         {"title", m.value("title", json::object())},
                         {"description", m.value("description", json::object())},
                         {"languages", m.value("languages", json::array())},
                         {"district", s.credential.district},
                         {"district_name", district_name},
                         {"manifest_hash", store.manifest_hash(c.id())},
                         {"contests", contests},
                         {"expires_in", detail::seconds_until(s.expires, now())}});
}

Response Api::Impl::ballot_post(Ctx& c) {
  std::string skey;
  voter_of(c.req, c.id(), skey);
  const std::string ikey = idempotency_key_of(c.req);
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"answers"});
  const json answers = f.object("answers", true);
  // The ballot goes to the store without waiting for its commit: the answer is made
  // once the commit is durable (Response::later, Store::cast_async); a session that
  // has cast answers at once (cast_in_session).
  Response later;
  later.later = [this, id = c.id(), answers, skey, ikey](Response::Finish finish) {
    cast_in_session(id, answers, skey, ikey, std::move(finish));
  };
  return later;
}

// A ballot session casts once, and answers a retry itself (the store keeps no key):
// the same ballot sent again (same Idempotency-Key) while the first is being stored
// waits for the first's answer; sent after it, it gets the same receipt again
// (ballot_post). A ballot with another key while one is being stored goes to the
// store, which refuses it as used once the first is in.
void Api::Impl::cast_in_session(const std::string& election, const json& answers, const std::string& skey,
                                const std::string& ikey, Response::Finish finish) {
  std::string code;
  store::CredentialInfo credential;
  {
    std::lock_guard lk(mu);
    auto it = voters.find(skey);
    if (it == voters.end()) return finish([]() -> Response { throw detail::session_ended(); });
    auto& s = it->second;
    if (s.finished) {
      if (s.key == ikey) return finish([receipt = s.receipt] { return reply_serialized(200, receipt); });
      return finish([]() -> Response { throw session_over(); });
    }
    if (s.casting && s.key == ikey) {
      ballot_waiters[skey].emplace_back(ikey, std::move(finish));
      return;
    }
    if (!s.casting) {
      s.casting = true;
      s.key = ikey;
    }
    code = s.code;
    credential = s.credential;
  }
  try {
    store.cast_async(election, code, credential, answers,
                     [this, skey, ikey, finish](std::function<store::Receipt()> receipt) {
                       finish([this, skey, ikey, receipt = std::move(receipt)] {
                         store::Receipt r;
                         try {
                           r = receipt();
                         } catch (...) {
                           ballot_failed(skey, ikey, std::current_exception());
                           throw;
                         }
                         return ballot_stored(std::move(r), skey, ikey);
                       });
                     });
  } catch (...) {
    const auto error = std::current_exception();
    ballot_failed(skey, ikey, error);
    finish([error]() -> Response { std::rethrow_exception(error); });
  }
}

// The answer to a voter's ballot once the store has it: the receipt, kept in the
// ballot session for a retry with the same key, and given to the same ballot's
// copies that waited for it.
Response Api::Impl::ballot_stored(store::Receipt&& r, const std::string& skey, const std::string& ikey) {
  const bool repeat = r.repeat;
  const std::string channel = r.channel;
  const std::string out = receipt_text(std::move(r));
  std::vector<std::pair<std::string, Response::Finish>> waiting;
  {
    std::lock_guard lk(mu);
    if (auto it = voters.find(skey); it != voters.end() && !it->second.finished) {
      it->second.casting = false;
      it->second.finished = true;
      it->second.key = ikey;
      it->second.receipt = out;
    }
    if (auto w = ballot_waiters.find(skey); w != ballot_waiters.end()) {
      waiting.swap(w->second);
      ballot_waiters.erase(w);
    }
  }
  for (auto& [key, finish] : waiting) {
    if (key == ikey) {
      finish([out] { return reply_serialized(200, out); });
    } else {
      finish([]() -> Response { throw session_over(); });
    }
  }
  if (repeat) return reply_serialized(200, out);
  count_ballot(channel);
  return reply_serialized(201, out);
}

// A ballot the store refused or could not store: the session can cast again, and
// the same ballot's copies that waited for it get the same answer.
void Api::Impl::ballot_failed(const std::string& skey, const std::string& ikey, const std::exception_ptr& error) {
  std::vector<std::pair<std::string, Response::Finish>> waiting;
  {
    std::lock_guard lk(mu);
    auto it = voters.find(skey);
    if (it != voters.end() && it->second.casting && it->second.key == ikey) {
      it->second.casting = false;
      it->second.key.clear();
    }
    if (auto w = ballot_waiters.find(skey); w != ballot_waiters.end()) {
      auto& list = w->second;
      for (auto i = list.begin(); i != list.end();) {
        if (i->first == ikey) {
          waiting.push_back(std::move(*i));
          i = list.erase(i);
        } else {
          ++i;
        }
      }
      if (list.empty()) ballot_waiters.erase(w);
    }
  }
  for (auto& [key, finish] : waiting) finish([error]() -> Response { std::rethrow_exception(error); });
}

// A kiosk sends each ballot with its token and a key chosen for that ballot; when
// the answer is lost (the network dropped) it sends the same again, as often as
// needed: the same token and key get the first receipt (200), never a second
// ballot. Tokens are typed codes, so refusals count toward the guessing limits.
Response Api::Impl::kiosk_ballot(Ctx& c) {
  public_state(c.id());
  const std::string client = client_of(c.req);
  const auto t = now();
  if (auto limited = code_rate_limited(client, t)) return *limited;
  const std::string ikey = idempotency_key_of(c.req);
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"token", "answers"});
  const std::string token = f.text("token", 64, true);
  const json answers = f.object("answers", true);
  if (const auto parsed = codes::parse_code(token); !parsed.ok) {
    count_code_failure(client, t);
    detail::bad_request(parsed.problem);
  }
  store::Receipt r;
  try {
    r = store.cast_kiosk(c.id(), token, answers, ikey);
  } catch (const store::StoreError& e) {
    if (e.code == "unknown_code") count_code_failure(client, t);
    throw;
  }
  const bool repeat = r.repeat;
  const std::string channel = r.channel;
  std::string out = receipt_text(std::move(r));
  if (repeat) return reply_serialized(200, std::move(out));
  count_ballot(channel);
  return reply_serialized(201, std::move(out));
}

// A receipt code (the short form a kiosk shows) -> the leaf hash(es) it stands for,
// so that a voter holding only the code can ask for the inclusion proof.
Response Api::Impl::receipt_lookup(Ctx& c) {
  public_state(c.id());
  const auto typed = detail::query(c.req, "code", 64);
  if (!typed || typed->empty())
    detail::bad_request("give the receipt code as ?code=XXXXX-XXXXX (or ask for /receipts/LEAF)");
  const auto leaves = store.leaves_of_receipt(c.id(), *typed);
  if (leaves.empty())
    throw ApiError(404, "not_found",
                   "no ballot of this election has this receipt code: check it, and check that it is a receipt "
                   "of this vote");
  return reply(200, json{{"election", c.id()}, {"code", codes::format_code(codes::parse_receipt_code(*typed).normalized)},
                         {"leaves", leaves}});
}

Response Api::Impl::receipt_get(Ctx& c) {
  const auto leaf = detail::hex64(c.params.at("leaf"));
  if (!leaf) detail::bad_request("a receipt's leaf hash is 64 hex digits");
  public_state(c.id());
  try {
    return reply(200, json{{"status", "included"}, {"leaf", *leaf}, {"proof", store.inclusion_proof(c.id(), *leaf)}});
  } catch (const store::StoreError& e) {
    if (e.code != "not_sealed") throw;
    return reply(200, json{{"status", "pending"}, {"leaf", *leaf}, {"message", e.what()}});
  }
}

}  // namespace allot::http
