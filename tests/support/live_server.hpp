// The real server for the HTTP integration tests (tests/http): a store in its own
// temporary directory with an injected clock, the API over it and the Server on
// 127.0.0.1 (a free port), torn down in order; and an officer's client that sends
// the session cookie and, on every change, the CSRF token.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "allot/http/api.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/store.hpp"
#include "http_client.hpp"
#include "store_fixture.hpp"

namespace allot::testing {

struct LiveServer {
  TempDir dir;
  FakeClock clock;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<http::Api> api;
  std::unique_ptr<http::Server> server;

  explicit LiveServer(const std::string& dir_name = "http") : dir(dir_name) { start(); }
  ~LiveServer() { stop(); }
  // stop() then start() restarts the store, API and server over the same data
  // directory (as an operator's restart would); the port changes.
  void start() {
    store = std::make_unique<store::Store>(store_options(dir.path(), clock, /*batch_min=*/4));
    http::ApiOptions ao;
    ao.secure_cookies = false;  // plain HTTP on loopback in these tests
    ao.clock = clock.fn();
    api = std::make_unique<http::Api>(*store, ao);
    http::ServerOptions so;
    so.port = 0;
    server = std::make_unique<http::Server>(
        so, [this](const http::Request& r) { return api->serve(r); }, [this] { return api->metrics_text(); });
    server->start();
  }
  void stop() {
    if (server) server->stop(std::chrono::seconds(5));
    server.reset();
    api.reset();
    store.reset();
  }
  HttpClient client() const { return HttpClient("127.0.0.1", server->port()); }
};

struct Officer {
  HttpClient c;
  std::string cookie, csrf;
  Reply call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/json") {
    Headers h = {{"Cookie", cookie}, {"Content-Type", content_type}};
    if (method != "GET") h.emplace_back("X-CSRF-Token", csrf);
    return c.request(method, target, body, h);
  }
};

inline Officer sign_in(const LiveServer& s, const std::string& user, const std::string& password) {
  Officer o{s.client(), "", ""};
  const Reply r = o.c.request("POST", "/api/v1/officer/signin",
                              nlohmann::json{{"username", user}, {"password", password}}.dump(),
                              {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << r.body;
  const std::string set = r.header("set-cookie");
  o.cookie = set.substr(0, set.find(';'));
  o.csrf = r.json().at("csrf").get<std::string>();
  return o;
}

}  // namespace allot::testing
