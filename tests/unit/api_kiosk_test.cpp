// Kiosks through the JSON API (http/include/allot/http/api.hpp), without sockets:
// registering, listing and retiring kiosks and their token pools (roles, CSRF,
// limits), the exactly-once kiosk ballot (replay, another key, expiry, retired
// kiosks, guessing limits), ballots counted by the store's channel even by a fresh
// Api over the same store (a restart), and the commit group-size histogram.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "allot/storage/codes.hpp"
#include "api_test_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Role;

class ApiKioskTest : public ApiFixture {
 protected:
  Officer staff, officer, auditor;
  OpenElection election;  // one city-wide and one north voting code

  void SetUp() override {
    ApiFixture::SetUp();
    election = prepare_election(*store, 1, 1);
    add_user("kim", Role::KioskStaff);
    add_user("olga", Role::Officer);
    add_user("audrey", Role::Auditor);
    staff = signin("kim");
    officer = signin("olga");
    auditor = signin("audrey");
  }

  // Registers a kiosk as the kiosk staff member; returns its id.
  std::string register_kiosk(const std::string& name, const std::string& district) {
    auto r = as(staff, "POST", oe("/kiosks"), json{{"name", name}, {"district", district}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r).value("id", "");
  }

  std::vector<std::string> pool(const std::string& kiosk, int count) {
    auto r = as(staff, "POST", oe("/kiosks/" + kiosk + "/tokens"), json{{"count", count}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return body_of(r).value("tokens", std::vector<std::string>{});
  }

  Response kiosk_ballot(const std::string& token, const json& answers, const std::string& key,
                        const std::string& client = "192.0.2.50") {
    std::map<std::string, std::string> h;
    if (!key.empty()) h["idempotency-key"] = key;
    return call("POST", pe("/kiosk-ballot"), json{{"token", token}, {"answers", answers}}.dump(), h, client);
  }

  std::string metrics() const { return api->metrics_text(); }
};

bool has_line(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST_F(ApiKioskTest, RegisterListPoolAndRetireWithRolesAndCsrf) {
  auto r = as(staff, "POST", oe("/kiosks"), R"({"name": "North library", "district": "north"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/kiosks");
  EXPECT_EQ(body_of(r), json::parse(R"({"id": "north-library", "name": "North library", "district": "north",
      "registered_by": "kim", "retired": false, "tokens": {"issued": 0, "used": 0, "available": 0}})"));
  r = as(officer, "POST", oe("/kiosks"), R"({"name": "Town hall", "id": "hall"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["district"], "");

  // Roles: an auditor reads but changes nothing; CSRF on every change.
  EXPECT_API_ERROR(as(auditor, "POST", oe("/kiosks"), R"({"name": "Audit booth"})"), 403, "forbidden");
  EXPECT_API_ERROR(as(auditor, "POST", oe("/kiosks/hall/tokens"), "{}"), 403, "forbidden");
  EXPECT_API_ERROR(as(auditor, "POST", oe("/kiosks/hall/retire")), 403, "forbidden");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"name": "No token"})", {{"x-csrf-token", ""}}), 403, "csrf");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/hall/tokens"), "{}", {{"x-csrf-token", "wrong"}}), 403, "csrf");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/hall/retire"), "", {{"x-csrf-token", ""}}), 403, "csrf");
  EXPECT_API_ERROR(call("GET", oe("/kiosks")), 401, "signin_required");

  // Refusals.
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"name": "north LIBRARY"})"), 409, "conflict");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"name": "West", "district": "west"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"name": ""})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"district": "north"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks"), R"({"name": "X", "colour": "red"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/north-library/tokens"), R"({"count": 0})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/north-library/tokens"), R"({"count": 51})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/north-library/tokens"), R"({"count": "5"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/nowhere/tokens"), "{}"), 404, "not_found");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/Not%20A%20Slug/tokens"), "{}"), 404, "not_found");

  // A pool: one token by default (an empty body is fine), up to 50.
  r = as(staff, "POST", oe("/kiosks/north-library/tokens"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/kiosks/{kiosk}/tokens");
  EXPECT_EQ(header_of(r, "Cache-Control"), "no-store");
  json b = body_of(r);
  EXPECT_EQ(b["kiosk"], "north-library");
  EXPECT_EQ(b["district"], "north");
  EXPECT_EQ(b["expires_in"], 12 * 60 * 60);
  ASSERT_EQ(b["tokens"].size(), 1u);
  r = as(officer, "POST", oe("/kiosks/north-library/tokens"), R"({"count": 50})");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto tokens = body_of(r)["tokens"].get<std::vector<std::string>>();
  ASSERT_EQ(tokens.size(), 50u);
  // Bound to the kiosk's district: the session shows north's ballot.
  r = exchange(tokens[0]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["district"], "north");

  // Everyone who may read sees the counts.
  for (const Officer* who : {&staff, &officer, &auditor}) {
    r = as(*who, "GET", oe("/kiosks"));
    ASSERT_EQ(r.status, 200) << r.body;
    const json list = body_of(r)["kiosks"];
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], "north-library");
    EXPECT_EQ(list[0]["tokens"], json::parse(R"({"issued": 51, "used": 0, "available": 51})"));
    EXPECT_EQ(list[1]["id"], "hall");
  }

  // Retire: its tokens stop working, no more pools.
  r = as(staff, "POST", oe("/kiosks/north-library/retire"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/kiosks/{kiosk}/retire");
  EXPECT_EQ(body_of(r)["retired"], true);
  EXPECT_EQ(body_of(r)["tokens"]["available"], 0);
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/north-library/retire")), 409, "conflict");
  EXPECT_API_ERROR(as(staff, "POST", oe("/kiosks/north-library/tokens"), "{}"), 409, "conflict");
  r = exchange(tokens[1]);
  EXPECT_API_ERROR(r, 410, "retired");
  EXPECT_NE(body_of(r)["message"].get<std::string>().find("this kiosk has been retired"), std::string::npos);
  EXPECT_API_ERROR(kiosk_ballot(tokens[2], answers_for("north"), "queue-0000-0001"), 410, "retired");
  EXPECT_EQ(store->turnout(kE), 0);

  // Kiosk staff still do nothing else.
  EXPECT_API_ERROR(as(staff, "POST", oe("/close")), 403, "forbidden");
  EXPECT_API_ERROR(as(staff, "GET", oe("/log")), 403, "forbidden");
}

TEST_F(ApiKioskTest, KioskBallotReplayGivesTheIdenticalReceiptAndOneBallot) {
  const auto tokens = pool(register_kiosk("Library", ""), 2);
  ASSERT_EQ(tokens.size(), 2u);
  // No cookie and no session: the token is the credential.
  auto first = kiosk_ballot(tokens[0], answers_for("", 1), "queue-0000-0001");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.route, "/api/v1/elections/{id}/kiosk-ballot");
  EXPECT_EQ(header_of(first, "Cache-Control"), "no-store");
  const json receipt = body_of(first);
  EXPECT_EQ(receipt["receipt"]["allot"], "receipt/2");
  EXPECT_EQ(receipt["leaf"], receipt["receipt"]["leaf"]);
  // The answer was lost; the kiosk resends its queue, twice.
  for (int i = 0; i < 2; ++i) {
    auto again = kiosk_ballot(tokens[0], answers_for("", 1), "queue-0000-0001");
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.body, first.body);
  }
  EXPECT_EQ(store->turnout(kE), 1);
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
  // The same token with another key is a second ballot: refused.
  EXPECT_API_ERROR(kiosk_ballot(tokens[0], answers_for("", 2), "queue-0000-0002"), 409, "already_used");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
  EXPECT_TRUE(has_line(metrics(), "allot_ballots_accepted_total{channel=\"kiosk\"} 1")) << metrics();

  // Request errors.
  EXPECT_API_ERROR(kiosk_ballot(tokens[1], answers_for(""), ""), 400, "bad_request");
  EXPECT_API_ERROR(kiosk_ballot(tokens[1], answers_for(""), "short"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/kiosk-ballot"), R"({"token": "x"})", {{"idempotency-key", "queue-0000-0003"}}),
                   400, "bad_request");
  EXPECT_API_ERROR(call("POST", pe("/kiosk-ballot"), R"({"answers": {}})", {{"idempotency-key", "queue-0000-0003"}}),
                   400, "bad_request");
  EXPECT_API_ERROR(kiosk_ballot(tokens[1], json{{"city", {{"options", {"P9"}}}}}, "queue-0000-0003"), 422,
                   "invalid");
  EXPECT_API_ERROR(call("GET", pe("/kiosk-ballot")), 405, "method_not_allowed");
  EXPECT_TRUE(has_line(metrics(), "allot_code_exchange_failures_total 0")) << metrics();
  // The second token still votes.
  auto second = kiosk_ballot(tokens[1], answers_for("", 3), "queue-0000-0003");
  EXPECT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(store->turnout(kE), 2);
}

TEST_F(ApiKioskTest, KioskBallotRefusesCodesAndCountsTowardTheGuessingLimit) {
  ApiOptions o = options();
  o.code_failures_per_client_per_minute = 3;
  make_api(o);
  staff = signin("kim");
  const auto tokens = pool(register_kiosk("Library", ""), 1);
  const std::string unknown = codes::format_code(std::string(13, '1') + codes::check_symbol(std::string(13, '1')));
  const std::string client = "198.51.100.7";
  EXPECT_API_ERROR(kiosk_ballot(unknown, answers_for(""), "queue-0000-0001", client), 404, "unknown_code");
  EXPECT_API_ERROR(kiosk_ballot("typo", answers_for(""), "queue-0000-0001", client), 400, "bad_request");
  // A ballot that breaks a rule is not a guess.
  EXPECT_API_ERROR(kiosk_ballot(tokens[0], json{{"city", {{"options", {"P9"}}}}}, "queue-0000-0001", client), 422,
                   "invalid");
  // A voting code is not a kiosk token (and is not used up by trying).
  EXPECT_API_ERROR(kiosk_ballot(election.codes[0], answers_for(""), "queue-0000-0001", client), 404, "unknown_code");
  auto r = kiosk_ballot(tokens[0], answers_for(""), "queue-0000-0001", client);
  EXPECT_API_ERROR(r, 429, "rate_limited");
  EXPECT_EQ(header_of(r, "Retry-After"), "60");
  EXPECT_API_ERROR(exchange(election.codes[0], client), 429, "rate_limited");  // one limit for both routes
  // Another kiosk is not affected; a minute on, this one is not either.
  EXPECT_EQ(kiosk_ballot(unknown, answers_for(""), "queue-0000-0001", "203.0.113.9").status, 404);
  clock.advance(std::chrono::seconds(61));
  EXPECT_EQ(kiosk_ballot(tokens[0], answers_for(""), "queue-0000-0001", client).status, 201);
  EXPECT_EQ(exchange(election.codes[0], client).status, 200);
  const std::string m = metrics();
  EXPECT_TRUE(has_line(m, "allot_code_exchange_failures_total 4")) << m;
  EXPECT_TRUE(has_line(m, "allot_code_exchange_rate_limited_total 2")) << m;
}

TEST_F(ApiKioskTest, ExpiredPoolTokensAreGone) {
  ApiOptions o = options();
  o.kiosk_pool_ttl = std::chrono::seconds(60);
  make_api(o);
  staff = signin("kim");
  const auto tokens = pool(register_kiosk("Library", ""), 2);
  auto r = as(staff, "GET", oe("/kiosks"));
  EXPECT_EQ(body_of(r)["kiosks"][0]["tokens"]["available"], 2);
  clock.advance(std::chrono::seconds(61));
  EXPECT_API_ERROR(kiosk_ballot(tokens[0], answers_for(""), "queue-0000-0001"), 410, "expired");
  EXPECT_API_ERROR(exchange(tokens[1]), 410, "expired");
  EXPECT_EQ(body_of(as(staff, "GET", oe("/kiosks")))["kiosks"][0]["tokens"]["available"], 0);
  EXPECT_EQ(store->turnout(kE), 0);
}

// After a restart (a fresh Api over the same store) kiosk ballots are still kiosk
// ballots, in the turnout and in the metrics: the channel is the store's.
TEST_F(ApiKioskTest, ChannelIsTheStoresAfterARestart) {
  auto r = as(staff, "POST", oe("/kiosk-tokens"), R"({"district": "north"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string single = body_of(r)["token"];
  const auto tokens = pool(register_kiosk("Library", ""), 1);
  make_api(options());  // the server restarted: nothing in memory

  const std::string s = session(single);
  r = cast(s, answers_for("north"), "kiosk-key-0001");
  ASSERT_EQ(r.status, 201) << r.body;
  r = kiosk_ballot(tokens[0], answers_for(""), "queue-0000-0001");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string m = metrics();
  EXPECT_TRUE(has_line(m, "allot_ballots_accepted_total{channel=\"kiosk\"} 2")) << m;
  EXPECT_TRUE(has_line(m, "allot_ballots_accepted_total{channel=\"online\"} 0")) << m;
  r = call("GET", pe("/turnout"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["ballots"], 2);
  EXPECT_EQ(body_of(r)["by_channel"], json::parse(R"({"kiosk": 2, "online": 0, "paper": 0})"));
  // A voting code is still online.
  r = cast(session(election.codes[0]), answers_for(""), "phone-key-0001");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(has_line(metrics(), "allot_ballots_accepted_total{channel=\"online\"} 1")) << metrics();
}

TEST_F(ApiKioskTest, MetricsHaveTheCommitGroupSizeHistogram) {
  const auto tokens = pool(register_kiosk("Library", ""), 3);
  for (std::size_t i = 0; i < tokens.size(); ++i)
    ASSERT_EQ(kiosk_ballot(tokens[i], answers_for(""), "queue-0000-000" + std::to_string(i)).status, 201);
  const std::string m = metrics();
  EXPECT_TRUE(has_line(m, "# TYPE allot_store_commit_group_size histogram")) << m;
  std::vector<std::uint64_t> buckets;
  for (const char* le : {"1", "2", "4", "8", "16", "32", "64", "128", "+Inf"}) {
    const std::string prefix = std::string("allot_store_commit_group_size_bucket{le=\"") + le + "\"} ";
    const auto at = m.find(prefix);
    ASSERT_NE(at, std::string::npos) << prefix << "\n" << m;
    buckets.push_back(std::stoull(m.substr(at + prefix.size())));
  }
  for (std::size_t i = 1; i < buckets.size(); ++i) EXPECT_GE(buckets[i], buckets[i - 1]) << "cumulative";
  const auto w = store->writer_stats();
  EXPECT_EQ(buckets.back(), w.transactions);
  EXPECT_GE(buckets.front(), 3u);  // at least the three ballots, one by one
  EXPECT_TRUE(has_line(m, "allot_store_commit_group_size_count " + std::to_string(w.transactions))) << m;
  EXPECT_TRUE(has_line(m, "allot_store_commit_group_size_sum " + std::to_string(w.group_size_sum))) << m;
}

}  // namespace
