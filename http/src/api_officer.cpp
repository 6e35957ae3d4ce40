// Officer routes (cookie session, X-CSRF-Token on every change; roles checked by
// dispatch in api.cpp): sign-in with lockout, users, election definitions and
// imports, codes, the lifecycle, tally, preview and compare, kiosks and their
// tokens, paper ballots and the officer log. The signed-in user's name is the actor of every
// store action.
#include <algorithm>
#include <cctype>

#include "allot/engine/ranked_rules.hpp"
#include "allot/engine/rules.hpp"
#include "allot/engine/validate.hpp"
#include "allot/storage/import.hpp"
#include "allot/storage/manifest.hpp"
#include "api_internal.hpp"

namespace allot::http {

using nlohmann::json;
using detail::reply;

namespace {

std::string cookie_value(const std::string& value, bool clear, bool secure) {
  std::string c = "allot_session=" + value + "; Path=/api/v1/officer";
  if (clear) c += "; Max-Age=0";
  c += "; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::string minutes_text(std::int64_t seconds) {
  const auto m = (seconds + 59) / 60;
  return m <= 1 ? std::string("a minute") : std::to_string(m) + " minutes";
}

Response too_many(const std::string& message, std::int64_t wait) {
  Response r = detail::refuse(ApiError(429, "locked", message, json{{"retry_after", wait}}));
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

// A map of rule options: names to text values.
std::map<std::string, std::string> rule_options(const json& o) {
  if (o.size() > 32) detail::bad_request("\"options\" has more than 32 entries");
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : o.items()) {
    if (k.empty() || k.size() > 64) detail::bad_request("a rule option's name is 1 to 64 characters");
    if (!v.is_string()) detail::bad_request("\"options." + k + "\" must be text (as with --option " + k + "=VALUE)");
    if (v.get_ref<const std::string&>().size() > 256)
      detail::bad_request("\"options." + k + "\" is longer than 256 bytes");
    out[k] = v.get<std::string>();
  }
  return out;
}

}  // namespace

// --- sign-in ------------------------------------------------------------------------

Response Api::Impl::signin(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"username", "password"});
  const std::string username = f.text("username", 64, true);
  const std::string password = f.text("password", 1024, true);
  if (username.empty()) detail::bad_request("\"username\" is empty");
  const int limit = opt.signin_failures_before_lockout;
  const auto t = now();
  {
    // The same answers whether or not the user exists.
    std::lock_guard lk(mu);
    sweep_locked(t);
    auto& st = signins[username];
    if (st.locked_until > t) {
      ++signin_locked;
      const auto wait = detail::seconds_until(st.locked_until, t);
      return too_many("too many failed sign-ins with this user name: try again in " + minutes_text(wait), wait);
    }
    if (st.locked_until != Clock::time_point{}) {  // the lock is over
      st.locked_until = {};
      st.failures = 0;
    }
    // Attempts being checked count too, so parallel guesses cannot pass the limit.
    if (limit > 0 && st.failures + st.in_flight >= limit) {
      ++signin_locked;
      return too_many("too many sign-ins with this user name at once: try again in a moment", 1);
    }
    ++st.in_flight;
    st.last = t;
  }
  std::optional<store::Role> role;
  try {
    role = store.authenticate(username, password);
  } catch (...) {
    std::lock_guard lk(mu);
    --signins[username].in_flight;
    throw;
  }
  detail::OfficerSession s;
  const std::string token = detail::new_token();
  {
    std::lock_guard lk(mu);
    auto& st = signins[username];
    --st.in_flight;
    if (!role) {
      ++signin_failures;
      ++st.failures;
      if (limit > 0 && st.failures >= limit) st.locked_until = t + opt.signin_lockout;
    } else {
      signins.erase(username);
      s.username = username;
      s.role = *role;
      s.csrf = detail::new_token();
      s.expires = t + opt.officer_session_ttl;
      officers[detail::token_key(token)] = s;
    }
  }
  if (!role) throw ApiError(401, "signin_failed", "the user name or the password is wrong");
  Response r = reply(200, json{{"username", s.username},
                               {"role", store::to_string(s.role)},
                               {"csrf", s.csrf},
                               {"expires_in", opt.officer_session_ttl.count()}});
  r.headers.emplace_back("Set-Cookie", cookie_value(token, false, opt.secure_cookies));
  return r;
}

Response Api::Impl::signout(Ctx& c) {
  if (const auto cookie = c.req.cookie("allot_session")) {
    std::lock_guard lk(mu);
    officers.erase(detail::token_key(*cookie));
  }
  Response r = reply(200, json{{"signed_out", true}});
  r.headers.emplace_back("Set-Cookie", cookie_value("", true, opt.secure_cookies));
  return r;
}

Response Api::Impl::me(Ctx& c) {
  const auto& s = *c.officer;
  return reply(200, json{{"username", s.username},
                         {"role", store::to_string(s.role)},
                         {"csrf", s.csrf},
                         {"expires_in", detail::seconds_until(s.expires, now())}});
}

Response Api::Impl::user_create(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"username", "password", "role"});
  const std::string username = f.text("username", 64, true);
  const std::string password = f.text("password", 1024, true);
  const std::string role_text = f.text("role", 32, true);
  const auto role = store::role_from_string(role_text);
  if (!role) detail::bad_request("\"role\" is one of \"admin\", \"officer\", \"kiosk-staff\" or \"auditor\"");
  store.create_user(c.officer->username, username, password, *role);
  return reply(201, json{{"username", username}, {"role", store::to_string(*role)}});
}

// --- definitions ----------------------------------------------------------------------

Response Api::Impl::officer_elections(Ctx&) {
  json out = json::array();
  for (const auto& s : store.list_elections())
    out.push_back({{"id", s.id}, {"state", s.state}, {"title", s.title}, {"manifest_hash", s.manifest_hash}});
  return reply(200, json{{"elections", out}});
}

Response Api::Impl::election_create(Ctx& c) {
  const json definition = detail::parse_object(c.req.body);
  store.create_election(c.officer->username, definition);
  const std::string id = definition.at("election").get<std::string>();
  Response r = reply(201, json{{"id", id}, {"state", "draft"}});
  r.headers.emplace_back("Location", "/api/v1/officer/elections/" + id);
  return r;
}

Response Api::Impl::definition_get(Ctx& c) {
  const json definition = store.definition(c.id());
  const std::string state = store.state(c.id());
  json out = {{"id", c.id()}, {"state", state}, {"definition", definition}};
  if (state != "draft") {
    out["manifest"] = store.manifest(c.id());
    out["manifest_hash"] = store.manifest_hash(c.id());
  }
  return reply(200, out);
}

Response Api::Impl::definition_put(Ctx& c) {
  const json definition = detail::parse_object(c.req.body);
  store.update_election(c.officer->username, c.id(), definition);
  return reply(200, json{{"id", c.id()}, {"state", "draft"}});
}

Response Api::Impl::election_delete(Ctx& c) {
  store.delete_election(c.officer->username, c.id());
  return reply(200, json{{"id", c.id()}, {"deleted", true}});
}

Response Api::Impl::import_contest(Ctx& c) {
  std::string format = detail::query(c.req, "format", 8).value_or("");
  std::transform(format.begin(), format.end(), format.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (format != "csv" && format != "pb" && format != "blt")
    detail::bad_request("the query parameter 'format' is \"csv\", \"pb\" or \"blt\"");
  const auto contest_id = detail::query(c.req, "contest", 64);
  if (!contest_id) detail::bad_request("the query parameter 'contest' (the id of the contest to add or replace) is missing");
  if (!detail::is_slug(*contest_id))
    detail::bad_request("the query parameter 'contest' must be a contest id (lower-case letters, digits, '-' or '_')");
  if (c.req.body.empty()) detail::bad_request("the request body must be the file to import");

  json definition = store.definition(c.id());
  const std::string state = store.state(c.id());
  if (state != "draft")
    throw ApiError(409, "frozen", "the election '" + c.id() + "' is " + state +
                                      "; its definition is frozen (a change needs a new election)");
  std::string language = "en";
  if (auto l = definition.find("languages"); l != definition.end() && l->is_array() && !l->empty() &&
                                             (*l)[0].is_string())
    language = (*l)[0].get<std::string>();
  if (!definition.contains("contests") || !definition["contests"].is_array()) definition["contests"] = json::array();
  json& contests = definition["contests"];
  auto existing = std::find_if(contests.begin(), contests.end(),
                               [&](const json& x) { return x.is_object() && x.value("id", std::string()) == *contest_id; });

  // Re-importing a contest keeps what the officer set on it and the file cannot say.
  importer::ContestDefaults defaults;
  const bool selection_file = format == "blt";
  if (existing != contests.end() && (existing->value("kind", std::string()) == "selection") == selection_file) {
    const json& x = *existing;
    if (x.contains("rule") && x["rule"].is_string()) defaults.rule = x["rule"].get<std::string>();
    if (x.contains("title")) defaults.title = manifest::text_in(x["title"], language);
    if (!selection_file) {
      if (x.contains("budget") && x["budget"].is_number_integer()) defaults.budget = x["budget"].get<std::int64_t>();
      if (x.contains("currency") && x["currency"].is_string()) defaults.currency = x["currency"].get<std::string>();
      if (x.contains("money_decimals") && x["money_decimals"].is_number_integer())
        defaults.money_decimals = x["money_decimals"].get<int>();
    }
  }
  json imported;
  try {
    imported = importer::import_file(format, c.req.body, *contest_id, language, defaults);
  } catch (const importer::ImportError& e) {
    throw ApiError(422, "invalid_file", e.what(), json{{"line", e.line}});
  }
  json contest = imported.at("contest");
  if (existing != contests.end() && contest.value("district", std::string()).empty() &&
      !existing->value("district", std::string()).empty())
    contest["district"] = existing->value("district", std::string());

  // Categories and districts the options use join the definition's lists.
  for (const char* list : {"categories", "districts"}) {
    const json& add = imported.value(list, json::array());
    if (add.empty()) continue;
    if (!definition.contains(list) || !definition[list].is_array()) definition[list] = json::array();
    json& have = definition[list];
    for (const auto& item : add) {
      const auto id = item.value("id", std::string());
      if (std::none_of(have.begin(), have.end(), [&](const json& h) { return h.is_object() && h.value("id", "") == id; }))
        have.push_back(item);
    }
  }
  const bool replaced = existing != contests.end();
  if (replaced) *existing = contest;
  else contests.push_back(contest);
  store.update_election(c.officer->username, c.id(), definition);
  return reply(200, json{{"id", c.id()},
                         {"contest", *contest_id},
                         {"replaced", replaced},
                         {"options", contest.value("options", json::array()).size()},
                         {"notes", imported.value("notes", json::array())},
                         {"definition", definition}});
}

// --- codes and lifecycle ------------------------------------------------------------------

Response Api::Impl::codes(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"count", "district"});
  const auto count = f.integer("count", 1, 1'000'000);
  const std::string district = f.text("district", 64, false);
  const auto list = store.generate_codes(c.officer->username, c.id(), static_cast<std::size_t>(count), district);
  Response r;
  r.status = 201;
  r.content_type = "text/csv; charset=utf-8";
  r.body.reserve(list.size() * (24 + district.size()) + 16);
  r.body = "code,district\n";
  for (const auto& code : list) r.body += code + "," + district + "\n";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + c.id() + "-codes" +
                                                    (district.empty() ? "" : "-" + district) + ".csv\"");
  return r;
}

Response Api::Impl::open(Ctx& c) {
  store.open(c.officer->username, c.id());
  return reply(200, json{{"id", c.id()}, {"state", "open"}, {"manifest_hash", store.manifest_hash(c.id())}});
}

Response Api::Impl::close(Ctx& c) {
  store.close(c.officer->username, c.id());
  return reply(200, json{{"id", c.id()}, {"state", "closed"}});
}

Response Api::Impl::publish(Ctx& c) {
  store.publish(c.officer->username, c.id());
  return reply(200, json{{"id", c.id()}, {"state", "published"}});
}

Response Api::Impl::tally(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"seed"});
  const std::string seed = f.text("seed", 256, true);
  return reply(200, store.tally(c.officer->username, c.id(), seed));
}

Response Api::Impl::preview(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"contest", "rule", "options", "seed"});
  const std::string contest = f.text("contest", 64, true);
  const std::string rule = f.text("rule", 64, true);
  const auto options = rule_options(f.object("options", false));
  const std::string seed = f.text("seed", 256, false);
  return reply(200, store.preview(c.id(), contest, rule, options, seed));
}

// Every rule side by side on one contest's ballots. The ballots are read once and
// each rule runs through manifest::tally_contest_with, as Store::preview does.
Response Api::Impl::compare(Ctx& c) {
  const auto contest_id = detail::query(c.req, "contest", 64);
  if (!contest_id) detail::bad_request("the query parameter 'contest' is missing");
  const std::string state = store.state(c.id());
  if (state != "closed" && state != "tallied" && state != "published")
    throw ApiError(409, "wrong_state", "rules can be compared once voting has closed (the election is " + state + ")");
  auto seed = detail::query(c.req, "seed", 256);
  if (!seed) {
    if (state == "closed")
      detail::bad_request("the query parameter 'seed' (the tie-break seed) is missing; after the tally the official "
                          "seed is used");
    seed = store.result(c.id()).value("seed", std::string());
  }
  const json m = store.manifest(c.id());
  const json& mc = m.at("contests");
  std::size_t index = mc.size();
  for (std::size_t i = 0; i < mc.size(); ++i)
    if (mc[i].value("id", std::string()) == *contest_id) index = i;
  if (index == mc.size()) throw ApiError(404, "not_found", "there is no contest '" + *contest_id + "' in this election");
  const Contest contest = manifest::contest_at(m, index);
  const std::vector<json> ballots = store.ballots(c.id());

  const Profile profile = manifest::profile_of(contest, ballots);  // stored ballots are valid

  const std::string official = mc[index].value("rule", std::string());
  std::map<std::string, std::string> official_options;
  if (auto ro = mc[index].find("rule_options"); ro != mc[index].end() && ro->is_object())
    for (const auto& [k, v] : ro->items())
      if (v.is_string()) official_options[k] = v.get<std::string>();
  const bool ranked = contest.format == BallotFormat::Ranked;

  json rows = json::array();
  auto not_applicable = [&](const std::string& name, const std::string& title, const std::string& reason) {
    rows.push_back({{"rule", name}, {"title", title}, {"official", name == official}, {"applies", false},
                    {"reason", reason}});
  };
  auto run = [&](const std::string& name, const std::string& title) {
    json t;
    try {
      t = manifest::tally_contest_with(m, index, ballots, name, name == official ? official_options
                                                                                 : std::map<std::string, std::string>{},
                                       *seed);
    } catch (const std::exception& e) {
      std::string reason = e.what();
      const std::string prefix = "contest " + contest.id + ": ";
      if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
      not_applicable(name, title, reason);
      return;
    }
    const json& res = t.at("result");
    std::vector<int> winners;
    for (const auto& w : res.value("winners", json::array()))
      if (const int o = contest.find_option(w.get<std::string>()); o >= 0) winners.push_back(o);
    const Fairness fair = fairness(contest, profile, winners);
    json figures = {{"voters", fair.voters},
                    {"voters_with_a_winner", fair.voters_with_a_winner},
                    {"empty_ballots", fair.empty_ballots},
                    {"winners", fair.winners}};
    if (ranked) {
      std::int64_t first = 0;
      for (const auto& b : profile.ballots)
        if (!b.options.empty() && std::find(winners.begin(), winners.end(), b.options.front()) != winners.end())
          ++first;
      figures["first_choice_won"] = first;
    }
    rows.push_back({{"rule", name},
                    {"title", title},
                    {"official", name == official},
                    {"applies", true},
                    {"winners", res.value("winners", json::array())},
                    {"spent", res.value("spent", json(0))},
                    {"budget", res.value("budget", json(0))},
                    {"left_over", res.value("left_over", json(0))},
                    {"fairness", figures}});
  };
  for (const auto& r : all_rules()) {
    const std::string reason = ranked ? std::string("counts approval or point ballots, not ranked ballots")
                                      : (r.applicability ? r.applicability(contest) : std::string());
    if (reason.empty()) run(r.name, r.title);
    else not_applicable(r.name, r.title, reason);
  }
  if (ranked && contest.kind == ContestKind::Selection)
    for (const auto& r : all_ranked_rules()) run(r.name, r.title);

  return reply(200, json{{"election", c.id()},
                         {"contest", contest.id},
                         {"seed", *seed},
                         {"ballots", static_cast<std::int64_t>(profile.ballots.size())},
                         {"official_rule", official},
                         {"rules", rows}});
}

Response Api::Impl::officer_result(Ctx& c) { return reply(200, store.result(c.id())); }

// --- kiosks and paper --------------------------------------------------------------------

// The simple path: one token for the voter in front of the kiosk, on no
// registered kiosk.
Response Api::Impl::kiosk_token(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"district"});
  const std::string district = f.text("district", 64, false);
  const std::string token = store.issue_kiosk_token(c.officer->username, c.id(), district, opt.kiosk_token_ttl);
  return reply(201, json{{"token", token}, {"district", district}, {"expires_in", opt.kiosk_token_ttl.count()}});
}

namespace {

json kiosk_json(const store::Kiosk& k) {
  return json{{"id", k.id},
              {"name", k.name},
              {"district", k.district},
              {"registered_by", k.registered_by},
              {"retired", k.retired},
              {"tokens", {{"issued", k.tokens_issued}, {"used", k.tokens_used}, {"available", k.tokens_available}}}};
}

}  // namespace

Response Api::Impl::kiosk_register(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"name", "district", "id"});
  const std::string name = f.text("name", 320, true);  // 80 characters of up to 4 bytes
  const std::string district = f.text("district", 64, false);
  const std::string id = f.text("id", 64, false);
  return reply(201, kiosk_json(store.register_kiosk(c.officer->username, c.id(), name, district, id)));
}

Response Api::Impl::kiosks_list(Ctx& c) {
  json list = json::array();
  for (const auto& k : store.kiosks(c.id())) list.push_back(kiosk_json(k));
  return reply(200, json{{"election", c.id()}, {"kiosks", list}});
}

// A pool of tokens on a registered kiosk, for the kiosk to use one per voter
// through the day (also while it is offline).
Response Api::Impl::kiosk_pool(Ctx& c) {
  const json body = c.req.body.empty() ? json::object() : detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"count"});
  const auto count = f.integer("count", 1, 50, 1);
  const auto pool = store.issue_kiosk_tokens(c.officer->username, c.id(), c.params.at("kiosk"),
                                             static_cast<std::size_t>(count), opt.kiosk_pool_ttl);
  return reply(201, json{{"kiosk", pool.kiosk},
                         {"district", pool.district},
                         {"tokens", pool.tokens},
                         {"expires_in", opt.kiosk_pool_ttl.count()}});
}

Response Api::Impl::kiosk_retire(Ctx& c) {
  return reply(200, kiosk_json(store.retire_kiosk(c.officer->username, c.id(), c.params.at("kiosk"))));
}

namespace {

// The body of a keyed paper ballot: where it is (batch, serial) and what it says.
struct PaperEntry {
  std::string batch, serial, district;
  json answers;
};

PaperEntry paper_entry_of(const std::string& text) {
  const json body = detail::parse_object(text);
  const detail::Fields f(body);
  f.only({"batch", "serial", "district", "answers"});
  return {f.text("batch", 64, true), f.text("serial", 64, true), f.text("district", 64, false),
          f.object("answers", true)};
}

json paper_reply(const PaperEntry& e, const store::PaperOutcome& out) {
  return json{{"batch", e.batch}, {"serial", e.serial}, {"status", out.status}, {"message", out.message}};
}

}  // namespace

Response Api::Impl::paper_enter(Ctx& c) {
  const PaperEntry e = paper_entry_of(c.req.body);
  const auto out = store.paper_enter(c.officer->username, c.id(), e.batch, e.serial, e.district, e.answers);
  if (out.status == "matched") ++ballots_paper;
  return reply(200, paper_reply(e, out));
}

Response Api::Impl::paper_resolve(Ctx& c) {
  const PaperEntry e = paper_entry_of(c.req.body);
  const auto out = store.paper_resolve(c.officer->username, c.id(), e.batch, e.serial, e.district, e.answers);
  if (out.status == "resolved") ++ballots_paper;
  return reply(200, paper_reply(e, out));
}

Response Api::Impl::paper_spoil(Ctx& c) {
  const json body = detail::parse_object(c.req.body);
  const detail::Fields f(body);
  f.only({"batch", "serial"});
  const std::string batch = f.text("batch", 64, true);
  const std::string serial = f.text("serial", 64, true);
  const auto out = store.paper_spoil(c.officer->username, c.id(), batch, serial);
  return reply(200, json{{"batch", batch}, {"serial", serial}, {"status", out.status}, {"message", out.message}});
}

Response Api::Impl::paper_report(Ctx& c) {
  return reply(200, json{{"election", c.id()}, {"batches", store.paper_report(c.id())}});
}

Response Api::Impl::officer_log(Ctx& c) {
  json entries = json::array();
  for (auto& e : store.officer_log(c.id())) entries.push_back(std::move(e));
  return reply(200, json{{"election", c.id()}, {"entries", entries}});
}

}  // namespace allot::http
