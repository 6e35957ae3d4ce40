// The JSON API (http/include/allot/http/api.hpp) called directly, without sockets:
// the whole life of an election through the API, the public routes (drafts are
// invisible), voter sessions, casting with idempotency keys, receipts, kiosk
// tokens, the code-guessing rate limit, and the routing and body errors.
// Officer routes (sign-in, lockout, CSRF, roles, definitions, imports, paper):
// api_officer_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>
#include <vector>

#include "allot/storage/codes.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/verify.hpp"
#include "api_test_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Role;

class ApiLifeTest : public ApiFixture {};
class ApiPublicTest : public ApiFixture {};
class ApiVoterTest : public ApiFixture {};

std::vector<std::string> contest_ids(const json& ballot) {
  std::vector<std::string> out;
  for (const auto& c : ballot.at("contests")) out.push_back(c.at("id").get<std::string>());
  return out;
}

const json* rule_row(const json& compare, const std::string& rule) {
  for (const auto& r : compare.at("rules"))
    if (r.at("rule") == rule) return &r;
  return nullptr;
}

// --- the whole life -------------------------------------------------------------------

TEST_F(ApiLifeTest, CreateCodesOpenVoteCloseTallyComparePublish) {
  add_user("alice", Role::Admin);
  const auto o = signin("alice");

  auto r = as(o, "POST", "/api/v1/officer/elections", store_definition().dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["id"], kE);
  EXPECT_EQ(r.route, "/api/v1/officer/elections");

  r = as(o, "POST", oe("/codes"), R"({"count": 3})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(r.body.substr(0, 14), "code,district\n");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  const auto city = codes_of(r);
  ASSERT_EQ(city.size(), 3u);
  r = as(o, "POST", oe("/codes"), R"({"count": 1, "district": "north"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto north = codes_of(r);
  ASSERT_EQ(north.size(), 1u);
  EXPECT_NE(r.body.find(",north\n"), std::string::npos);

  // A draft is not public.
  r = call("GET", "/api/v1/elections");
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(body_of(r)["elections"].empty());

  r = as(o, "POST", oe("/open"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string hash = body_of(r)["manifest_hash"];
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/open");

  r = call("GET", "/api/v1/elections");
  ASSERT_EQ(body_of(r)["elections"].size(), 1u);
  EXPECT_EQ(body_of(r)["elections"][0]["state"], "open");
  r = call("GET", pe());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["manifest_hash"], hash);
  EXPECT_EQ(body_of(r)["manifest"]["credentials"]["codes"], 4);
  EXPECT_EQ(r.route, "/api/v1/elections/{id}");

  // A voter types the code in lower case without dashes.
  std::string typed = city[0];
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  std::transform(typed.begin(), typed.end(), typed.begin(), [](unsigned char c) { return std::tolower(c); });
  r = exchange(typed);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.route, "/api/v1/elections/{id}/session");
  EXPECT_EQ(body_of(r)["district"], "");
  EXPECT_EQ(body_of(r)["expires_in"], 30 * 60);
  const std::string token = body_of(r)["session"];
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(r.body.find(city[0]), std::string::npos) << "the code is never echoed";

  r = call("GET", pe("/ballot"), "", bearer(token));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(contest_ids(body_of(r)), (std::vector<std::string>{"city", "mayor"}));
  EXPECT_EQ(body_of(r)["manifest_hash"], hash);

  r = cast(token, answers_for(""), "first-try-0001");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.route, "/api/v1/elections/{id}/ballot");
  const json receipt = body_of(r);
  EXPECT_EQ(receipt["receipt"]["allot"], "receipt/2");
  EXPECT_EQ(receipt["code"], receipt["receipt"]["code"]);
  const std::string leaf = receipt["leaf"];

  // The same key again: the same receipt, 200, nothing stored twice.
  r = cast(token, answers_for(""), "first-try-0001");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), receipt);
  EXPECT_EQ(store->turnout(kE), 1);
  // Another key on the finished session, reading the ballot again, a new session.
  EXPECT_API_ERROR(cast(token, answers_for(""), "second-try-002"), 409, "already_used");
  EXPECT_API_ERROR(call("GET", pe("/ballot"), "", bearer(token)), 409, "already_used");
  EXPECT_API_ERROR(exchange(city[0]), 409, "already_used");

  // A north voter sees the district's contest too.
  const std::string nt = session(north[0]);
  r = call("GET", pe("/ballot"), "", bearer(nt));
  EXPECT_EQ(contest_ids(body_of(r)), (std::vector<std::string>{"city", "north-parks", "mayor"}));
  EXPECT_EQ(body_of(r)["district_name"]["en"], "North");
  r = cast(nt, answers_for("north", 1), "north-key-0001");
  ASSERT_EQ(r.status, 201) << r.body;

  r = call("GET", pe("/turnout"));
  EXPECT_EQ(body_of(r)["ballots"], 2);

  // batch_min is 1: every ballot is sealed at once, the receipt is included.
  r = call("GET", pe("/receipts/" + leaf));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["status"], "included");
  EXPECT_EQ(body_of(r)["proof"]["tree_size"], 2);
  EXPECT_EQ(r.route, "/api/v1/elections/{id}/receipts/{leaf}");
  // The short receipt code (all a kiosk voter holds) finds the same leaf, typed loosely too.
  const std::string rcode = receipt["code"];
  r = call("GET", pe("/receipts?code=" + rcode));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["leaves"], json::array({leaf}));
  EXPECT_EQ(body_of(r)["code"], rcode);
  EXPECT_EQ(r.route, "/api/v1/elections/{id}/receipts");
  std::string loose = rcode;
  loose.erase(std::remove(loose.begin(), loose.end(), '-'), loose.end());
  std::transform(loose.begin(), loose.end(), loose.begin(), [](unsigned char ch) { return std::tolower(ch); });
  EXPECT_EQ(body_of(call("GET", pe("/receipts?code=" + loose)))["leaves"], json::array({leaf}));
  EXPECT_EQ(call("GET", pe("/receipts?code=ABC")).status, 400);
  EXPECT_EQ(call("GET", pe("/receipts")).status, 400);
  const std::string other = rcode[0] == '0' ? "11111-11111" : "00000-00000";
  EXPECT_API_ERROR(call("GET", pe("/receipts?code=" + other)), 404, "not_found");
  r = call("GET", pe("/proofs/inclusion?leaf=" + leaf));
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("GET", pe("/checkpoints"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["checkpoints"].size(), 3u);  // open, two seals
  r = call("GET", pe("/checkpoints?log=officer"));
  EXPECT_GE(body_of(r)["checkpoints"].size(), 4u);
  r = call("GET", pe("/proofs/consistency?old=1&new=2"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["old_size"], 1);

  const std::string metrics = api->metrics_text();
  EXPECT_NE(metrics.find("allot_ballots_accepted_total{channel=\"online\"} 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("allot_store_writer_queue_depth "), std::string::npos);
  EXPECT_NE(metrics.find("allot_store_writer_largest_group "), std::string::npos);
  EXPECT_NE(metrics.find("allot_store_wal_pages "), std::string::npos);
  EXPECT_NE(metrics.find("allot_store_wal_checkpoints_total "), std::string::npos);
  EXPECT_NE(metrics.find("allot_store_seal_failures_total 0"), std::string::npos);

  // Before the tally: no result anywhere; voting refuses once closed.
  const std::string late = session(city[1]);
  r = as(o, "POST", oe("/close"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_API_ERROR(cast(late, answers_for(""), "late-key-0001"), 409, "wrong_state");
  EXPECT_API_ERROR(exchange(city[2]), 409, "wrong_state");
  EXPECT_API_ERROR(call("GET", pe("/result")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "GET", oe("/result")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "GET", oe("/compare?contest=city")), 400, "bad_request");  // no seed before the tally

  r = as(o, "GET", oe("/compare?contest=city&seed=abc"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json cmp = body_of(r);
  EXPECT_EQ(cmp["official_rule"], "mes-add1");
  EXPECT_EQ(cmp["ballots"], 2);
  const json* mes = rule_row(cmp, "mes-add1");
  ASSERT_NE(mes, nullptr);
  EXPECT_TRUE((*mes)["applies"].get<bool>());
  EXPECT_TRUE((*mes)["official"].get<bool>());
  EXPECT_EQ((*mes)["fairness"]["voters"], 2);
  EXPECT_LE((*mes)["spent"].get<std::int64_t>(), 900);
  const json* greedy = rule_row(cmp, "greedy");
  ASSERT_NE(greedy, nullptr);
  EXPECT_TRUE((*greedy)["applies"].get<bool>());
  EXPECT_GE((*greedy)["fairness"]["voters_with_a_winner"].get<int>(), 1);
  const json* av = rule_row(cmp, "av");
  ASSERT_NE(av, nullptr);
  EXPECT_FALSE((*av)["applies"].get<bool>()) << "av counts selection contests";
  EXPECT_FALSE((*av)["reason"].get<std::string>().empty());

  r = as(o, "GET", oe("/compare?contest=mayor&seed=abc"));
  ASSERT_EQ(r.status, 200) << r.body;
  const json cmp_mayor = body_of(r);
  const json* irv = rule_row(cmp_mayor, "irv");
  ASSERT_NE(irv, nullptr);
  EXPECT_TRUE((*irv)["applies"].get<bool>());
  EXPECT_TRUE((*irv)["fairness"].contains("first_choice_won"));
  const json* gr = rule_row(cmp_mayor, "greedy");
  ASSERT_NE(gr, nullptr);
  EXPECT_FALSE((*gr)["applies"].get<bool>());
  EXPECT_API_ERROR(as(o, "GET", oe("/compare?contest=nope&seed=abc")), 404, "not_found");

  r = as(o, "POST", oe("/preview"), R"({"contest": "city", "rule": "greedy", "seed": "abc"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["rule"], "greedy");
  EXPECT_API_ERROR(as(o, "POST", oe("/preview"), R"({"contest": "city", "rule": "irv"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/preview"), R"({"contest": "zzz", "rule": "greedy"})"), 404, "not_found");

  r = as(o, "POST", oe("/tally"), R"({"seed": "17 23 42"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json result = body_of(r);
  EXPECT_EQ(result["allot"], "result/1");
  EXPECT_EQ(as(o, "GET", oe("/result")).status, 200);
  r = as(o, "GET", oe("/compare?contest=city"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["seed"], "17 23 42") << "after the tally the official seed is the default";
  EXPECT_API_ERROR(call("GET", pe("/result")), 409, "wrong_state");
  EXPECT_API_ERROR(call("GET", pe("/record")), 404, "not_found");

  r = as(o, "POST", oe("/publish"));
  ASSERT_EQ(r.status, 200) << r.body;
  r = call("GET", pe("/result"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), result);

  r = call("GET", pe("/record"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/x-tar");
  EXPECT_EQ(r.route, "/api/v1/elections/{id}/record");
  const auto files = record::from_tar(r.body);
  EXPECT_TRUE(files.count("index.json"));
  EXPECT_TRUE(files.count("exports/city.pb"));
  const auto report = verify::verify_files(files);
  EXPECT_TRUE(report.ok()) << report.text();
  EXPECT_TRUE(verify::verify_receipt(files, receipt["receipt"]).ok());
  EXPECT_EQ(call("GET", pe("/record")).body, r.body) << "the same bytes again";

  r = as(o, "GET", oe("/log"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["entries"].back()["action"], "election.publish");
  EXPECT_EQ(body_of(r)["entries"].back()["actor"], "alice");
}

// --- the one error table ---------------------------------------------------------------

TEST(ApiErrors, StoreErrorTable) {
  using store::StoreError;
  const std::vector<std::tuple<std::string, int, std::string>> table = {
      {"not_found", 404, "not_found"},       {"unknown_code", 404, "unknown_code"}, {"frozen", 409, "frozen"},
      {"wrong_state", 409, "wrong_state"},   {"conflict", 409, "conflict"},         {"already_used", 409, "already_used"},
      {"not_sealed", 409, "not_sealed"},     {"expired", 410, "expired"},           {"unavailable", 503, "unavailable"},
      {"something-new", 500, "internal"}};
  for (const auto& [code, status, api_code] : table) {
    const auto e = http::map_store_error(StoreError(code, "a sentence"));
    EXPECT_EQ(e.status, status) << code;
    EXPECT_EQ(e.code, api_code) << code;
  }
  auto plain = http::map_store_error(StoreError("invalid", "a malformed request"));
  EXPECT_EQ(plain.status, 400);
  EXPECT_EQ(plain.code, "bad_request");
  auto ballot = http::map_store_error(StoreError("invalid", "the ballot is not valid", {"a", "b"}));
  EXPECT_EQ(ballot.status, 422);
  EXPECT_EQ(ballot.code, "invalid");
  EXPECT_EQ(ballot.details["problems"], (json{"a", "b"}));
  EXPECT_EQ(std::string(http::map_store_error(StoreError("internal-thing", "secret detail")).what()).find("secret"),
            std::string::npos);
}

// --- public routes ---------------------------------------------------------------------------

TEST_F(ApiPublicTest, DraftsAreInvisible) {
  prepare_election(*store, 1, 0, false);
  EXPECT_TRUE(body_of(call("GET", "/api/v1/elections"))["elections"].empty());
  for (const std::string& rest : std::vector<std::string>{"", "/turnout", "/result", "/checkpoints", "/record",
                                 "/proofs/consistency?old=1&new=1", "/receipts/" + std::string(64, 'a')})
    EXPECT_API_ERROR(call("GET", pe(rest)), 404, "not_found");
  EXPECT_API_ERROR(exchange("0000-0000-0000-0"), 404, "not_found");
  EXPECT_API_ERROR(call("GET", pe("", "no-such")), 404, "not_found");
}

TEST_F(ApiPublicTest, RoutingErrors) {
  auto r = call("GET", "/api/v1/nothing-here");
  EXPECT_API_ERROR(r, 404, "not_found");
  EXPECT_EQ(r.route, "(no route)");
  EXPECT_API_ERROR(call("GET", "/elsewhere"), 404, "not_found");
  r = call("DELETE", "/api/v1/elections");
  EXPECT_API_ERROR(r, 405, "method_not_allowed");
  EXPECT_EQ(header_of(r, "Allow"), "GET");
  EXPECT_EQ(r.route, "/api/v1/elections");
  // An id that cannot be an election's, never echoed.
  r = call("GET", "/api/v1/elections/BAD%20ID");
  EXPECT_API_ERROR(r, 404, "not_found");
  EXPECT_EQ(r.body.find("BAD"), std::string::npos);
  // A trailing slash is the same route.
  EXPECT_EQ(call("GET", "/api/v1/elections/").status, 200);
  // A request given only its target is parsed by the API itself.
  Request raw;
  raw.method = "GET";
  raw.target = "/api/v1/elections";
  EXPECT_EQ(api->handle(raw).status, 200);
  raw.target = "/api/v1/%zz";
  EXPECT_API_ERROR(api->handle(raw), 400, "bad_request");
}

TEST_F(ApiPublicTest, QueryErrors) {
  prepare_election(*store, 1);
  EXPECT_API_ERROR(call("GET", pe("/checkpoints?log=other")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/inclusion")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/inclusion?leaf=xyz")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/inclusion?leaf=" + std::string(64, 'b'))), 404, "not_found");
  EXPECT_API_ERROR(call("GET", pe("/proofs/consistency?old=1")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/consistency?old=-1&new=2")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/consistency?old=1&new=99999999999999999999999")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/consistency?old=2&new=1")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/proofs/consistency?old=1&new=7")), 404, "not_found");
  EXPECT_API_ERROR(call("GET", pe("/receipts/nothex")), 400, "bad_request");
  EXPECT_API_ERROR(call("GET", pe("/receipts/" + std::string(64, 'c'))), 404, "not_found");
}

// --- voters ------------------------------------------------------------------------------------

TEST_F(ApiVoterTest, SessionBodyErrors) {
  const auto e = prepare_election(*store, 1);
  EXPECT_API_ERROR(call("POST", pe("/session")), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/session"), "[1,2]"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/session"), "{\"code\": "), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/session"), "{}"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/session"), R"({"code": 12})"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/session"), R"({"code": "x", "extra": 1})"), 400, "bad_request");
  auto r = call("POST", pe("/session"), json{{"code", std::string(65, 'A')}}.dump());
  EXPECT_API_ERROR(r, 400, "bad_request");
  // Duplicate keys: the second code would otherwise win silently.
  r = call("POST", pe("/session"), "{\"code\": \"" + e.codes[0] + "\", \"code\": \"x\"}");
  EXPECT_API_ERROR(r, 400, "bad_request");
  EXPECT_NE(body_of(r)["message"].get<std::string>().find("twice"), std::string::npos);
  // Invalid JSON: the message does not quote the body (which holds a code).
  r = call("POST", pe("/session"), "{\"code\": \"" + e.codes[0] + "\" oops}");
  EXPECT_API_ERROR(r, 400, "bad_request");
  EXPECT_EQ(r.body.find(e.codes[0]), std::string::npos) << r.body;
  // Deep nesting.
  EXPECT_API_ERROR(call("POST", pe("/session"), std::string(100, '[') + std::string(100, ']')), 400, "bad_request");
  // A mistyped code (bad check symbol or length) and an unknown one.
  EXPECT_API_ERROR(exchange("ABC"), 400, "bad_request");
  EXPECT_API_ERROR(exchange(codes::format_code(std::string(13, '0') + codes::check_symbol(std::string(13, '0')))),
                   404, "unknown_code");
  // Still works after the errors (limits not reached).
  EXPECT_EQ(exchange(e.codes[0]).status, 200);
}

TEST_F(ApiVoterTest, BallotNeedsAValidSession) {
  const auto e = prepare_election(*store, 2);
  prepare_election(*store, 1, 0, true, "other-2026");
  EXPECT_API_ERROR(call("GET", pe("/ballot")), 401, "session_required");
  EXPECT_API_ERROR(call("GET", pe("/ballot"), "", {{"authorization", "Basic abc"}}), 401, "session_required");
  EXPECT_API_ERROR(call("GET", pe("/ballot"), "", bearer(std::string(64, 'f'))), 401, "session_required");
  const std::string token = session(e.codes[0]);
  EXPECT_EQ(call("GET", pe("/ballot"), "", bearer(token)).status, 200);
  EXPECT_EQ(call("GET", pe("/ballot"), "", {{"authorization", "bearer " + token}}).status, 200);
  // Another election's route with this session.
  EXPECT_API_ERROR(call("GET", pe("/ballot", "other-2026"), "", bearer(token)), 401, "session_required");
  // A code holds one session: exchanging it again ends the first.
  const std::string second = session(e.codes[1]);
  const std::string again = session(e.codes[1]);
  EXPECT_API_ERROR(call("GET", pe("/ballot"), "", bearer(second)), 401, "session_required");
  EXPECT_EQ(call("GET", pe("/ballot"), "", bearer(again)).status, 200);
  // The session expires.
  clock.advance(std::chrono::minutes(31));
  EXPECT_API_ERROR(call("GET", pe("/ballot"), "", bearer(token)), 401, "session_required");
  EXPECT_API_ERROR(cast(token, answers_for(""), "expired-key-01"), 401, "session_required");
  EXPECT_EQ(store->turnout(kE), 0);
}

TEST_F(ApiVoterTest, CastErrors) {
  const auto e = prepare_election(*store, 1);
  const std::string token = session(e.codes[0]);
  EXPECT_API_ERROR(cast(token, answers_for(""), ""), 400, "bad_request");  // no Idempotency-Key
  EXPECT_API_ERROR(cast(token, answers_for(""), "short"), 400, "bad_request");
  EXPECT_API_ERROR(cast(token, answers_for(""), "has a space"), 400, "bad_request");
  EXPECT_API_ERROR(cast(token, answers_for(""), std::string(129, 'k')), 400, "bad_request");
  auto h = bearer(token);
  h["idempotency-key"] = "valid-key-0001";
  EXPECT_API_ERROR(call("POST", pe("/ballot"), "{}", h), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/ballot"), R"({"answers": []})", h), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/ballot"), R"({"answers": {}, "when": 1})", h), 400, "bad_request");
  // Breaking a contest's rules: 422 with every problem.
  json bad = answers_for("");
  bad["city"]["options"] = {"P1", "P2", "P3", "P4"};
  bad["mayor"]["options"] = {"A", "A"};
  auto r = cast(token, bad, "valid-key-0001");
  EXPECT_API_ERROR(r, 422, "invalid");
  EXPECT_GE(body_of(r)["problems"].size(), 2u);
  json extra = answers_for("");
  extra["north-parks"] = {{"options", json::array()}};
  EXPECT_API_ERROR(cast(token, extra, "valid-key-0001"), 422, "invalid");
  EXPECT_EQ(store->turnout(kE), 0);
  // Huge numbers in answers are refused, not wrapped.
  json points = answers_for("");
  points["city"] = {{"options", {"P1"}}, {"points", {1e300}}};
  EXPECT_EQ(cast(token, points, "valid-key-0001").status, 422);
  // The session still works after all that.
  EXPECT_EQ(cast(token, answers_for(""), "valid-key-0001").status, 201);
}

// The ballot session answers a retry itself (the store keeps no key for it): the
// same ballot sent again (same Idempotency-Key) while the first is being stored
// gets the first's receipt (200), once and for all; another key gets "already
// used". The writer is held so that every copy arrives before the first is stored.
TEST_F(ApiVoterTest, TheSameBallotSentAgainWhileStoredGetsTheFirstsReceipt) {
  const auto e = prepare_election(*store, 1);
  const std::string token = session(e.codes[0]);
  std::future<Response::Make> first, again, twice, other;
  {
    WriterGate gate(dir.path());
    first = cast_later(token, answers_for("", 1), "same-key-0001");
    again = cast_later(token, answers_for("", 2), "same-key-0001");  // a resend: its answers are not looked at
    twice = cast_later(token, answers_for("", 1), "same-key-0001");
    other = cast_later(token, answers_for("", 3), "other-key-0001");
    gate.release();
  }
  const Response r1 = first.get()();
  ASSERT_EQ(r1.status, 201) << r1.body;
  const json receipt = body_of(r1);
  for (auto* f : {&again, &twice}) {
    const Response r = f->get()();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_of(r), receipt);
  }
  EXPECT_API_ERROR(other.get()(), 409, "already_used");
  // After it: the same key, the same receipt; another key, refused.
  const Response later = cast(token, answers_for(""), "same-key-0001");
  EXPECT_EQ(later.status, 200);
  EXPECT_EQ(body_of(later), receipt);
  EXPECT_API_ERROR(cast(token, answers_for(""), "third-key-0001"), 409, "already_used");
  EXPECT_EQ(store->turnout(kE), 1);
  EXPECT_EQ(body_of(call("GET", pe("/receipts/") + receipt["leaf"].get<std::string>()))["status"], "included");
}

// A refusal of the first is the answer of its copies too, and the session stays
// usable for another try (here the code was used meanwhile by another way in).
TEST_F(ApiVoterTest, TheSameBallotSentAgainGetsTheFirstsRefusal) {
  const auto e = prepare_election(*store, 1);
  const std::string token = session(e.codes[0]);
  const auto known = store->credential_info(kE, e.codes[0]);
  std::promise<std::function<store::Receipt()>> direct;
  std::future<Response::Make> first, again;
  {
    WriterGate gate(dir.path());
    // Queued first, so stored first: the code is used when the session's cast comes.
    store->cast_async(kE, e.codes[0], known, answers_for(""),
                      [&direct](std::function<store::Receipt()> f) { direct.set_value(std::move(f)); });
    first = cast_later(token, answers_for("", 1), "late-key-0001");
    again = cast_later(token, answers_for("", 1), "late-key-0001");
    gate.release();
  }
  EXPECT_FALSE(direct.get_future().get()().repeat);
  EXPECT_API_ERROR(first.get()(), 409, "already_used");
  EXPECT_API_ERROR(again.get()(), 409, "already_used");
  EXPECT_API_ERROR(cast(token, answers_for(""), "late-key-0001"), 409, "already_used");
  EXPECT_EQ(store->turnout(kE), 1);
}

TEST_F(ApiVoterTest, ReceiptPendingUntilSealed) {
  open_store(16);  // batches seal at 16 ballots
  const auto e = prepare_election(*store, 1);
  auto r = cast(session(e.codes[0]), answers_for(""), "pending-key-01");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string leaf = body_of(r)["leaf"];
  r = call("GET", pe("/receipts/" + leaf));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["status"], "pending");
  EXPECT_API_ERROR(call("GET", pe("/proofs/inclusion?leaf=" + leaf)), 409, "not_sealed");
  store->close("setup", kE);
  EXPECT_EQ(body_of(call("GET", pe("/receipts/" + leaf)))["status"], "included");
}

TEST_F(ApiVoterTest, RateLimitPerClient) {
  ApiOptions o = options();
  o.code_failures_per_client_per_minute = 3;
  make_api(o);
  const auto e = prepare_election(*store, 1);
  const std::string unknown = codes::format_code(std::string(13, '1') + codes::check_symbol(std::string(13, '1')));
  for (int i = 0; i < 3; ++i) EXPECT_API_ERROR(exchange(unknown, "198.51.100.7"), 404, "unknown_code");
  EXPECT_API_ERROR(exchange("typo", "198.51.100.7"), 429, "rate_limited");
  // Over the limit even a right code is not looked at.
  auto r = exchange(e.codes[0], "198.51.100.7");
  EXPECT_API_ERROR(r, 429, "rate_limited");
  EXPECT_EQ(header_of(r, "Retry-After"), "60");
  EXPECT_EQ(body_of(r)["retry_after"], 60);
  // Another client is not affected.
  EXPECT_API_ERROR(exchange(unknown, "203.0.113.9"), 404, "unknown_code");
  clock.advance(std::chrono::seconds(20));
  r = exchange(e.codes[0], "198.51.100.7");
  EXPECT_EQ(header_of(r, "Retry-After"), "40");
  clock.advance(std::chrono::seconds(41));
  EXPECT_EQ(exchange(e.codes[0], "198.51.100.7").status, 200);
  const std::string metrics = api->metrics_text();
  EXPECT_NE(metrics.find("allot_code_exchange_failures_total 4\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("allot_code_exchange_rate_limited_total 3\n"), std::string::npos) << metrics;
}

TEST_F(ApiVoterTest, RateLimitGlobal) {
  ApiOptions o = options();
  o.code_failures_per_client_per_minute = 100;
  o.code_failures_global_per_minute = 4;
  make_api(o);
  const auto e = prepare_election(*store, 1);
  for (int i = 0; i < 4; ++i)
    EXPECT_API_ERROR(exchange("bad-code-" + std::to_string(i), "10.0.0." + std::to_string(i)), 400, "bad_request");
  auto r = exchange(e.codes[0], "10.9.9.9");
  EXPECT_API_ERROR(r, 429, "rate_limited");
  EXPECT_EQ(header_of(r, "Retry-After"), "60");
  clock.advance(std::chrono::seconds(60));
  EXPECT_EQ(exchange(e.codes[0], "10.9.9.9").status, 200);
}

TEST_F(ApiVoterTest, KioskTokens) {
  prepare_election(*store, 0);
  add_user("kiosk1", Role::KioskStaff);
  const auto k = signin("kiosk1");
  auto r = as(k, "POST", oe("/kiosk-tokens"), R"({"district": "north"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/kiosk-tokens");
  EXPECT_EQ(body_of(r)["expires_in"], 15 * 60);
  const std::string token = body_of(r)["token"];
  const std::string s = session(token);
  ASSERT_FALSE(s.empty());
  r = cast(s, answers_for("north"), "kiosk-key-0001");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_NE(api->metrics_text().find("allot_ballots_accepted_total{channel=\"kiosk\"} 1\n"), std::string::npos);
  EXPECT_API_ERROR(exchange(token), 409, "already_used");
  EXPECT_API_ERROR(as(k, "POST", oe("/kiosk-tokens"), R"({"district": "west"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(k, "POST", oe("/kiosk-tokens"), R"({"district": 3})"), 400, "bad_request");
  // A token not used in time.
  r = as(k, "POST", oe("/kiosk-tokens"), "{}");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string old = body_of(r)["token"];
  clock.advance(std::chrono::minutes(16));
  EXPECT_API_ERROR(exchange(old), 410, "expired");
  // Kiosk staff do nothing else.
  EXPECT_API_ERROR(as(k, "GET", "/api/v1/officer/elections"), 403, "forbidden");
  EXPECT_API_ERROR(as(k, "POST", oe("/close")), 403, "forbidden");
}

}  // namespace
