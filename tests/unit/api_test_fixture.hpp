// Shared by the API tests (api_test.cpp, api_officer_test.cpp): a store in its own
// temporary directory with an injected clock, an Api over it, and helpers to call
// Api::handle as the server would (no sockets), sign officers in and vote.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "allot/http/api.hpp"
#include "allot/http/message.hpp"
#include "allot/storage/store.hpp"
#include "store_fixture.hpp"

namespace allot::testing {

using http::Api;
using http::ApiOptions;
using http::Request;
using http::Response;

inline const std::string kPassword = "correct horse battery";

class ApiFixture : public ::testing::Test {
 protected:
  TempDir dir{"api"};
  FakeClock clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Api> api;

  // Options for tests: no Secure cookie (the tests check it separately).
  static ApiOptions options() {
    ApiOptions o;
    o.secure_cookies = false;
    return o;
  }

  void SetUp() override { open_store(1); }

  void open_store(std::size_t batch_min) {
    api.reset();
    store.reset();
    store = std::make_unique<store::Store>(store_options(dir.path(), clock, batch_min));
    make_api(options());
  }

  void make_api(ApiOptions o) {
    o.clock = clock.fn();
    api = std::make_unique<Api>(*store, std::move(o));
  }

  static Request request(const std::string& method, const std::string& target, const std::string& body,
                         std::map<std::string, std::string> headers, const std::string& client) {
    Request r;
    r.method = method;
    r.target = target;
    EXPECT_TRUE(http::parse_target(target, r.path, r.query)) << target;
    r.headers = std::move(headers);
    r.body = body;
    r.client = client;
    return r;
  }

  Response call(const std::string& method, const std::string& target, const std::string& body = "",
                std::map<std::string, std::string> headers = {}, const std::string& client = "192.0.2.1") {
    return api->handle(request(method, target, body, std::move(headers), client));
  }

  // A cast served as the server serves it (Api::serve): its answer comes later, and
  // the future gets the function that makes it (call it for the response). A cast
  // answered at once (an error found before the store) gives that answer.
  std::future<Response::Make> cast_later(const std::string& token, const json& answers, const std::string& key) {
    auto h = bearer(token);
    h["idempotency-key"] = key;
    Response r = api->serve(request("POST", pe("/ballot"), json{{"answers", answers}}.dump(), h, "192.0.2.1"));
    auto made = std::make_shared<std::promise<Response::Make>>();
    auto future = made->get_future();
    if (!r.later) {
      made->set_value([r] { return r; });
      return future;
    }
    r.later([made](Response::Make make) { made->set_value(std::move(make)); });
    return future;
  }

  static json body_of(const Response& r) {
    try {
      return json::parse(r.body);
    } catch (const std::exception&) {
      ADD_FAILURE() << "not JSON: " << r.body;
      return json();
    }
  }

  static std::string header_of(const Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }

  // --- officers ---------------------------------------------------------------------
  struct Officer {
    std::string cookie;  // "allot_session=..."
    std::string csrf;
  };

  void add_user(const std::string& name, store::Role role) { store->create_user("setup", name, kPassword, role); }

  Officer signin(const std::string& name, const std::string& password = kPassword) {
    auto r = call("POST", "/api/v1/officer/signin", json{{"username", name}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    Officer o;
    const std::string set = header_of(r, "Set-Cookie");
    o.cookie = set.substr(0, set.find(';'));
    o.csrf = body_of(r).value("csrf", "");
    return o;
  }

  Response as(const Officer& o, const std::string& method, const std::string& target, const std::string& body = "",
              std::map<std::string, std::string> headers = {}) {
    headers["cookie"] = o.cookie;
    if (method != "GET" && !headers.count("x-csrf-token")) headers["x-csrf-token"] = o.csrf;
    return call(method, target, body, std::move(headers));
  }

  static std::string oe(const std::string& rest = "", const std::string& id = kE) {
    return "/api/v1/officer/elections/" + id + rest;
  }
  static std::string pe(const std::string& rest = "", const std::string& id = kE) {
    return "/api/v1/elections/" + id + rest;
  }

  // The codes of a codes CSV ("code,district" rows).
  static std::vector<std::string> codes_of(const Response& r) {
    std::vector<std::string> out;
    std::istringstream in(r.body);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line))
      if (!line.empty()) out.push_back(line.substr(0, line.find(',')));
    return out;
  }

  // --- voters -----------------------------------------------------------------------
  Response exchange(const std::string& code, const std::string& client = "192.0.2.1", const std::string& id = kE) {
    return call("POST", pe("/session", id), json{{"code", code}}.dump(), {}, client);
  }

  std::string session(const std::string& code, const std::string& id = kE) {
    auto r = exchange(code, "192.0.2.1", id);
    EXPECT_EQ(r.status, 200) << r.body;
    return body_of(r).value("session", "");
  }

  static std::map<std::string, std::string> bearer(const std::string& token) {
    return {{"authorization", "Bearer " + token}};
  }

  Response cast(const std::string& token, const json& answers, const std::string& key, const std::string& id = kE) {
    auto h = bearer(token);
    if (!key.empty()) h["idempotency-key"] = key;
    return call("POST", pe("/ballot", id), json{{"answers", answers}}.dump(), h);
  }
};

// Checks status, error code and that the message is a non-empty sentence.
#define EXPECT_API_ERROR(response, expected_status, expected_code)                                  \
  do {                                                                                             \
    const auto& r_ = (response);                                                                   \
    EXPECT_EQ(r_.status, expected_status) << r_.body;                                              \
    const auto j_ = ApiFixture::body_of(r_);                                                       \
    EXPECT_EQ(j_.value("error", std::string("(none)")), expected_code) << r_.body;                 \
    EXPECT_FALSE(j_.value("message", std::string()).empty()) << r_.body;                           \
    EXPECT_EQ(r_.content_type, "application/json");                                                \
  } while (0)

}  // namespace allot::testing
