// Kiosks through the real server and sockets: a registered kiosk takes a pool of
// tokens, keeps ballots in its offline queue and flushes the queue twice (the
// answers of the first flush lost): every ballot is stored once and the second
// flush gets the identical receipts. Then 16 connections resending one queued
// ballot at once: exactly one ballot. The record of it all verifies.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "allot/storage/verify.hpp"
#include "live_server.hpp"

namespace allot::testing {
namespace {

using nlohmann::json;

const std::string kKiosks = "/api/v1/officer/elections/" + kE + "/kiosks";

// A ballot waiting in a kiosk's queue: the token it was cast with, the key chosen
// for it when the voter pressed "cast", the answers.
struct Queued {
  std::string token, key;
  json answers;
};

Reply send(HttpClient& c, const Queued& q) {
  return c.request("POST", "/api/v1/elections/" + kE + "/kiosk-ballot",
                   json{{"token", q.token}, {"answers", q.answers}}.dump(),
                   {{"Content-Type", "application/json"}, {"Idempotency-Key", q.key}});
}

// The kiosk staff signed in, a kiosk registered for district north, a pool of `n`.
std::vector<std::string> kiosk_pool(LiveServer& s, int n) {
  s.store->create_user("setup", "kim", "correct horse battery", store::Role::KioskStaff);
  Officer kim = sign_in(s, "kim", "correct horse battery");
  Reply r = kim.call("POST", kKiosks, json{{"name", "Library"}, {"district", "north"}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  r = kim.call("POST", kKiosks + "/library/tokens", json{{"count", n}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().value("district", ""), "north");
  return r.json().value("tokens", std::vector<std::string>{});
}

TEST(HttpKiosk, OfflineQueueFlushedTwiceStoresEveryBallotOnce) {
  LiveServer s;
  prepare_election(*s.store, 1);
  const auto tokens = kiosk_pool(s, 5);
  ASSERT_EQ(tokens.size(), 5u);
  std::vector<Queued> queue;
  for (std::size_t i = 0; i < tokens.size(); ++i)
    queue.push_back(
        {tokens[i], "queue-" + std::to_string(i) + "-7f3a9c", answers_for("north", static_cast<unsigned>(i))});

  HttpClient kiosk = s.client();
  std::vector<std::string> receipts;
  for (const auto& q : queue) {
    const Reply r = send(kiosk, q);
    EXPECT_EQ(r.status, 201) << r.body;
    receipts.push_back(r.body);
  }
  // The kiosk never saw those answers: it sends the whole queue again.
  HttpClient after_reconnect = s.client();
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const Reply r = send(after_reconnect, queue[i]);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, receipts[i]) << "ballot " << i;
  }
  EXPECT_EQ(s.store->turnout(kE), 5);
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 5);
  EXPECT_EQ(s.store->turnout_by_channel(kE).at("kiosk"), 5);
  const Reply m = s.client().request("GET", "/metrics");
  EXPECT_NE(m.body.find("allot_ballots_accepted_total{channel=\"kiosk\"} 5\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("allot_store_commit_group_size_bucket{le=\"+Inf\"} "), std::string::npos) << m.body;

  // The record of it verifies, kiosk actions and all.
  s.store->close("admin", kE);
  s.store->tally("admin", kE, "draw 4 8 15");
  s.store->export_record(kE, s.dir / "record");
  const auto report = verify::verify_record(s.dir / "record");
  EXPECT_TRUE(report.ok()) << report.text();
}

TEST(HttpKiosk, SixteenConnectionsResendingOneQueuedBallotStoreOne) {
  LiveServer s;
  prepare_election(*s.store, 0);
  const auto tokens = kiosk_pool(s, 1);
  ASSERT_EQ(tokens.size(), 1u);
  const Queued q{tokens[0], "queue-0-race-1b2c", answers_for("north", 1)};
  std::mutex mu;
  std::vector<int> statuses;
  std::vector<std::string> bodies;
  {
    std::latch go(16);
    std::vector<std::thread> ts;
    for (int t = 0; t < 16; ++t)
      ts.emplace_back([&] {
        HttpClient c = s.client();
        go.arrive_and_wait();
        const Reply r = send(c, q);
        std::lock_guard lk(mu);
        statuses.push_back(r.status);
        bodies.push_back(r.body);
      });
    for (auto& th : ts) th.join();
  }
  ASSERT_EQ(statuses.size(), 16u);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 15);
  for (const auto& b : bodies) EXPECT_EQ(b, bodies.front());
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 1);
  // Another key for the same token is a second ballot: refused.
  HttpClient c = s.client();
  EXPECT_EQ(send(c, Queued{q.token, "queue-0-other-key", q.answers}).status, 409);
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 1);
}

TEST(HttpKiosk, ServeRefusesAKioskPoolTtlBeyondADay) {
  TempDir dir("serve-ttl");
  const std::string cmd = std::string(ALLOT_BINARY) + " serve --data '" + dir.path().string() +
                          "' --port 0 --kiosk-pool-ttl 90000 >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace allot::testing
