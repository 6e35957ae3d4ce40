// Officer routes of the JSON API called directly: sign-in, cookies and CSRF,
// session expiry, lockout, roles, definitions with their input errors, imports,
// the lifecycle's state errors, and paper double entry. (Scrypt makes every user
// and sign-in cost ~0.1 s: the tests create few.)
#include <gtest/gtest.h>

#include <string>

#include "api_test_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Role;

class ApiOfficerTest : public ApiFixture {};

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(ApiOfficerTest, SigninCookieCsrfSignout) {
  add_user("bob", Role::Officer);
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/signin", "nope"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/signin", R"({"username": "bob"})"), 400, "bad_request");
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/signin", R"({"username": "bob", "password": 5})"), 400,
                   "bad_request");
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/signin", R"({"username": "bob", "password": "x", "totp": 1})"),
                   400, "bad_request");

  auto r = call("POST", "/api/v1/officer/signin", json{{"username", "bob"}, {"password", kPassword}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.route, "/api/v1/officer/signin");
  const std::string set = header_of(r, "Set-Cookie");
  const std::string token = set.substr(std::string("allot_session=").size(), 64);
  EXPECT_TRUE(is_hex64(token));
  EXPECT_EQ(set, "allot_session=" + token + "; Path=/api/v1/officer; HttpOnly; SameSite=Strict");
  const json b = body_of(r);
  EXPECT_EQ(b["username"], "bob");
  EXPECT_EQ(b["role"], "officer");
  EXPECT_TRUE(is_hex64(b["csrf"]));
  EXPECT_EQ(r.body.find(token), std::string::npos) << "the session token is only in the cookie";
  EXPECT_EQ(r.body.find(kPassword), std::string::npos);
  const Officer o{"allot_session=" + token, b["csrf"]};

  r = as(o, "GET", "/api/v1/officer/me");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["username"], "bob");
  EXPECT_EQ(r.route, "/api/v1/officer/me");
  EXPECT_API_ERROR(call("GET", "/api/v1/officer/me"), 401, "signin_required");
  EXPECT_API_ERROR(call("GET", "/api/v1/officer/me", "", {{"cookie", "allot_session=" + std::string(64, '0')}}), 401,
                   "signin_required");
  EXPECT_API_ERROR(call("GET", "/api/v1/officer/elections"), 401, "signin_required");

  // Every change needs the CSRF token; reads do not.
  const std::string def = store_definition().dump();
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/elections", def, {{"cookie", o.cookie}}), 403, "csrf");
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", def, {{"x-csrf-token", std::string(64, 'a')}}), 403,
                   "csrf");
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", def, {{"x-csrf-token", ""}}), 403, "csrf");
  EXPECT_EQ(store->list_elections().size(), 0u);
  EXPECT_EQ(as(o, "POST", "/api/v1/officer/elections", def).status, 201);
  EXPECT_EQ(as(o, "GET", "/api/v1/officer/elections").status, 200);

  // Signing out needs the token too, then the session is gone.
  EXPECT_API_ERROR(call("POST", "/api/v1/officer/signout", "", {{"cookie", o.cookie}}), 403, "csrf");
  r = as(o, "POST", "/api/v1/officer/signout");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(header_of(r, "Set-Cookie"), "allot_session=; Path=/api/v1/officer; Max-Age=0; HttpOnly; SameSite=Strict");
  EXPECT_API_ERROR(as(o, "GET", "/api/v1/officer/me"), 401, "signin_required");

  // With TLS the cookie is Secure; sessions end after officer_session_ttl.
  ApiOptions secure = options();
  secure.secure_cookies = true;
  make_api(secure);
  r = call("POST", "/api/v1/officer/signin", json{{"username", "bob"}, {"password", kPassword}}.dump());
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(header_of(r, "Set-Cookie").find("; HttpOnly; SameSite=Strict; Secure"), std::string::npos);
  const std::string set2 = header_of(r, "Set-Cookie");
  const Officer o2{set2.substr(0, set2.find(';')), body_of(r)["csrf"]};
  EXPECT_EQ(as(o2, "GET", "/api/v1/officer/me").status, 200);
  clock.advance(std::chrono::hours(8));
  EXPECT_API_ERROR(as(o2, "GET", "/api/v1/officer/me"), 401, "signin_required");
}

TEST_F(ApiOfficerTest, LockoutAfterFailuresInARow) {
  ApiOptions o = options();
  o.signin_failures_before_lockout = 2;
  o.signin_lockout = std::chrono::minutes(15);
  make_api(o);
  add_user("carol", Role::Officer);
  auto signin_as = [&](const std::string& user, const std::string& password) {
    return call("POST", "/api/v1/officer/signin", json{{"username", user}, {"password", password}}.dump());
  };
  // A failure, a success (which resets the count), then two failures in a row.
  EXPECT_API_ERROR(signin_as("carol", "wrong password 1"), 401, "signin_failed");
  EXPECT_EQ(signin_as("carol", kPassword).status, 200);
  EXPECT_API_ERROR(signin_as("carol", "wrong password 2"), 401, "signin_failed");
  EXPECT_API_ERROR(signin_as("carol", "wrong password 3"), 401, "signin_failed");
  // Locked: even the right password is refused.
  auto locked = signin_as("carol", kPassword);
  EXPECT_API_ERROR(locked, 429, "locked");
  EXPECT_EQ(header_of(locked, "Retry-After"), "900");
  // A user name that does not exist gets exactly the same answers.
  EXPECT_API_ERROR(signin_as("nobody", "wrong password 1"), 401, "signin_failed");
  EXPECT_API_ERROR(signin_as("nobody", "wrong password 2"), 401, "signin_failed");
  auto ghost = signin_as("nobody", kPassword);
  EXPECT_API_ERROR(ghost, 429, "locked");
  EXPECT_EQ(ghost.body, locked.body);
  EXPECT_EQ(header_of(ghost, "Retry-After"), "900");

  clock.advance(std::chrono::minutes(10));
  locked = signin_as("carol", kPassword);
  EXPECT_API_ERROR(locked, 429, "locked");
  EXPECT_EQ(header_of(locked, "Retry-After"), "300");
  clock.advance(std::chrono::minutes(5));
  EXPECT_EQ(signin_as("carol", kPassword).status, 200);

  const std::string metrics = api->metrics_text();
  EXPECT_NE(metrics.find("allot_signin_failures_total 5\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("allot_signin_locked_total 3\n"), std::string::npos) << metrics;
}

TEST_F(ApiOfficerTest, Roles) {
  add_user("root", Role::Admin);
  const auto root = signin("root");
  auto r = as(root, "POST", "/api/v1/officer/users", json{{"username", "audrey"}, {"password", kPassword},
                                                          {"role", "auditor"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["role"], "auditor");
  EXPECT_API_ERROR(as(root, "POST", "/api/v1/officer/users",
                      json{{"username", "audrey"}, {"password", kPassword}, {"role", "auditor"}}.dump()),
                   409, "conflict");
  EXPECT_API_ERROR(as(root, "POST", "/api/v1/officer/users",
                      json{{"username", "eve"}, {"password", kPassword}, {"role", "king"}}.dump()),
                   400, "bad_request");
  EXPECT_API_ERROR(as(root, "POST", "/api/v1/officer/users",
                      json{{"username", "eve"}, {"password", "short"}, {"role", "officer"}}.dump()),
                   400, "bad_request");
  // An admin does what an officer does.
  ASSERT_EQ(as(root, "POST", "/api/v1/officer/elections", store_definition().dump()).status, 201);

  const auto aud = signin("audrey");
  EXPECT_EQ(as(aud, "GET", "/api/v1/officer/elections").status, 200);
  EXPECT_EQ(as(aud, "GET", oe("/log")).status, 200);
  EXPECT_EQ(as(aud, "GET", oe("/paper")).status, 200);
  EXPECT_API_ERROR(as(aud, "GET", oe()), 403, "forbidden");
  EXPECT_API_ERROR(as(aud, "POST", "/api/v1/officer/elections", store_definition("x-2026").dump()), 403,
                   "forbidden");
  EXPECT_API_ERROR(as(aud, "POST", oe("/open")), 403, "forbidden");
  EXPECT_API_ERROR(as(aud, "POST", oe("/kiosk-tokens"), "{}"), 403, "forbidden");
  EXPECT_API_ERROR(as(aud, "POST", "/api/v1/officer/users",
                      json{{"username", "eve"}, {"password", kPassword}, {"role", "admin"}}.dump()),
                   403, "forbidden");
  // Auditors compare and preview (here: not closed yet).
  EXPECT_API_ERROR(as(aud, "GET", oe("/compare?contest=city&seed=1")), 409, "wrong_state");
  EXPECT_API_ERROR(as(aud, "POST", oe("/preview"), R"({"contest": "city", "rule": "greedy"})"), 409, "wrong_state");
  EXPECT_API_ERROR(as(aud, "GET", oe("/result")), 409, "wrong_state");
  EXPECT_EQ(store->list_elections().size(), 1u);
}

TEST_F(ApiOfficerTest, DefinitionsAndTheirErrors) {
  add_user("dora", Role::Officer);
  const auto o = signin("dora");
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", "[]"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", ""), 400, "bad_request");
  auto r = as(o, "POST", "/api/v1/officer/elections", "{}");
  EXPECT_API_ERROR(r, 422, "invalid");
  EXPECT_FALSE(body_of(r)["problems"].empty());
  json bad = store_definition();
  bad["contests"][0]["options"][0]["cost"] = -5;
  r = as(o, "POST", "/api/v1/officer/elections", bad.dump());
  EXPECT_API_ERROR(r, 422, "invalid");
  EXPECT_NE(body_of(r)["problems"][0].get<std::string>().find("contests[0].options[0].cost"), std::string::npos);
  json with_keys = store_definition();
  with_keys["keys"] = {{"signing", "00"}};
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", with_keys.dump()), 400, "bad_request");
  ASSERT_EQ(as(o, "POST", "/api/v1/officer/elections", store_definition().dump()).status, 201);
  EXPECT_API_ERROR(as(o, "POST", "/api/v1/officer/elections", store_definition().dump()), 409, "conflict");

  r = as(o, "GET", oe());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["state"], "draft");
  EXPECT_EQ(body_of(r)["definition"], store_definition());
  EXPECT_FALSE(body_of(r).contains("manifest"));
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}");
  EXPECT_API_ERROR(as(o, "GET", oe("", "nope")), 404, "not_found");

  json changed = store_definition();
  changed["title"]["en"] = "Renamed";
  EXPECT_EQ(as(o, "PUT", oe(), changed.dump()).status, 200);
  EXPECT_EQ(store->definition(kE)["title"]["en"], "Renamed");
  EXPECT_API_ERROR(as(o, "PUT", oe(), store_definition("other").dump()), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "PUT", oe(), bad.dump()), 422, "invalid");
  EXPECT_API_ERROR(as(o, "PUT", oe("", "nope"), store_definition("nope").dump()), 404, "not_found");

  // codes: every way a count can be wrong.
  for (const std::string body :
       {R"({})", R"({"count": "3"})", R"({"count": 1.5})", R"({"count": -1})", R"({"count": 0})",
        R"({"count": 1000001})", R"({"count": 1000000000000})", R"({"count": 18446744073709551615})",
        R"({"count": 99999999999999999999999999})", R"({"count": 1e400})", R"({"count": 2, "extra": true})",
        R"({"count": 2, "district": 7})", R"({"count": null})"}) {
    SCOPED_TRACE(body);
    EXPECT_API_ERROR(as(o, "POST", oe("/codes"), body), 400, "bad_request");
  }
  EXPECT_API_ERROR(as(o, "POST", oe("/codes"), R"({"count": 2, "district": "west"})"), 400, "bad_request");
  EXPECT_EQ(as(o, "POST", oe("/codes"), R"({"count": 2, "district": "south"})").status, 201);

  // Imports.
  EXPECT_API_ERROR(as(o, "POST", oe("/import?contest=parks"), "id,title,cost\n"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/import?format=xls&contest=parks"), "x"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/import?format=csv"), "x"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/import?format=csv&contest=Bad%20Id"), "x"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/import?format=csv&contest=parks"), ""), 400, "bad_request");
  r = as(o, "POST", oe("/import?format=csv&contest=parks"), "id,title,cost\nQ1,Park,100\nQ2,Library,abc\n");
  EXPECT_API_ERROR(r, 422, "invalid_file");
  EXPECT_EQ(body_of(r)["line"], 3);
  EXPECT_EQ(r.route, "/api/v1/officer/elections/{id}/import");
  r = as(o, "POST", oe("/import?format=csv&contest=parks"), "id,title,cost\nQ1,Park,100\nQ2,Library,250\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(body_of(r)["replaced"].get<bool>());
  EXPECT_EQ(body_of(r)["options"], 2);
  json def = store->definition(kE);
  ASSERT_EQ(def["contests"].size(), 4u);
  EXPECT_EQ(def["contests"][3]["id"], "parks");
  EXPECT_EQ(def["contests"][3]["budget"], 350);
  r = as(o, "POST", oe("/import?format=CSV&contest=parks"), "id,title,cost\nQ9,Pool,300\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(body_of(r)["replaced"].get<bool>());
  def = store->definition(kE);
  ASSERT_EQ(def["contests"].size(), 4u);
  EXPECT_EQ(def["contests"][3]["options"].size(), 1u);
  EXPECT_EQ(def["contests"][3]["budget"], 350) << "re-importing keeps the contest's budget";
  r = as(o, "POST", oe("/import?format=blt&contest=pilots"),
         "3 1\n1 1 2 0\n1 3 0\n0\n\"Library hours\"\n\"Bus routes\"\n\"Parks\"\n\"Pilots\"\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(store->definition(kE)["contests"][4]["format"], "ranked");

  // Lifecycle in the wrong order.
  EXPECT_API_ERROR(as(o, "POST", oe("/close")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "POST", oe("/tally"), R"({"seed": "1"})"), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "POST", oe("/publish")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "POST", oe("/kiosk-tokens"), "{}"), 409, "wrong_state");
  ASSERT_EQ(as(o, "POST", oe("/open")).status, 200);
  r = as(o, "GET", oe());
  EXPECT_EQ(body_of(r)["manifest_hash"].get<std::string>().size(), 64u);
  EXPECT_API_ERROR(as(o, "POST", oe("/open")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "PUT", oe(), changed.dump()), 409, "frozen");
  EXPECT_API_ERROR(as(o, "DELETE", oe()), 409, "frozen");
  EXPECT_API_ERROR(as(o, "POST", oe("/codes"), R"({"count": 1})"), 409, "frozen");
  EXPECT_API_ERROR(as(o, "POST", oe("/import?format=csv&contest=parks"), "id,title,cost\nQ1,Park,100\n"), 409,
                   "frozen");
  EXPECT_API_ERROR(as(o, "POST", oe("/tally"), R"({"seed": "1"})"), 409, "wrong_state");
  ASSERT_EQ(as(o, "POST", oe("/close")).status, 200);
  EXPECT_API_ERROR(as(o, "POST", oe("/tally"), "{}"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/tally"), R"({"seed": 1})"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/tally"), json{{"seed", std::string(300, 's')}}.dump()), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/publish")), 409, "wrong_state");
  EXPECT_API_ERROR(as(o, "POST", oe("/preview"), R"({"contest": "city"})"), 400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/preview"), R"({"contest": "city", "rule": "greedy", "options": {"a": 1}})"),
                   400, "bad_request");
  EXPECT_API_ERROR(as(o, "POST", oe("/preview"), R"({"contest": "city", "rule": "no-such-rule"})"), 400,
                   "bad_request");
  EXPECT_API_ERROR(as(o, "GET", oe("/compare")), 400, "bad_request");

  // A draft can be deleted.
  ASSERT_EQ(as(o, "POST", "/api/v1/officer/elections", store_definition("spare").dump()).status, 201);
  r = as(o, "DELETE", oe("", "spare"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_API_ERROR(as(o, "GET", oe("", "spare")), 404, "not_found");
  EXPECT_API_ERROR(as(o, "DELETE", oe("", "spare")), 404, "not_found");
}

TEST_F(ApiOfficerTest, PaperDoubleEntry) {
  prepare_election(*store, 0);
  add_user("pat", Role::Officer);
  add_user("quinn", Role::Officer);
  const auto p = signin("pat");
  const auto q = signin("quinn");
  auto paper = [&](const Officer& o, const std::string& serial, const json& answers, const std::string& rest = "") {
    return as(o, "POST", oe("/paper" + rest),
              json{{"batch", "b1"}, {"serial", serial}, {"district", "south"}, {"answers", answers}}.dump());
  };
  auto r = paper(p, "s1", answers_for("south"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["status"], "pending");
  EXPECT_API_ERROR(paper(p, "s1", answers_for("south")), 409, "conflict");
  r = paper(q, "s1", answers_for("south"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["status"], "matched");
  EXPECT_EQ(store->turnout(kE), 1);
  EXPECT_NE(api->metrics_text().find("allot_ballots_accepted_total{channel=\"paper\"} 1\n"), std::string::npos);

  ASSERT_EQ(paper(p, "s2", answers_for("south", 0)).status, 200);
  r = paper(q, "s2", answers_for("south", 1));
  EXPECT_EQ(body_of(r)["status"], "disputed");
  EXPECT_API_ERROR(paper(p, "s2", answers_for("south", 0), "/resolve"), 409, "conflict");
  EXPECT_API_ERROR(as(q, "POST", oe("/paper/spoil"), R"({"batch": "b1", "serial": "s2"})"), 409, "conflict");
  r = as(p, "GET", oe("/paper"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(body_of(r)["batches"][0]["to_resolve"][0]["serial"], "s2");

  json bad = answers_for("south");
  bad["city"]["options"] = {"P9"};
  EXPECT_API_ERROR(paper(p, "s3", bad), 422, "invalid");
  EXPECT_API_ERROR(as(p, "POST", oe("/paper"), R"({"serial": "s4", "answers": {}})"), 400, "bad_request");
  EXPECT_API_ERROR(as(p, "POST", oe("/paper"), R"({"batch": "b 1", "serial": "s4", "answers": {}})"), 400,
                   "bad_request");
  EXPECT_API_ERROR(as(p, "POST", oe("/paper/spoil"), R"({"batch": "b1"})"), 400, "bad_request");
}

}  // namespace
