// The whole life of an election through the real server on a loopback port and a
// real HTTP client: sign in, create, import, codes, open, vote (with retries and a
// concurrent double submission), close, tally, publish, download the record and
// verify it. Then the `allot serve` binary itself: first line, requests, SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <latch>
#include <sstream>
#include <thread>

#include "allot/http/api.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/canonical.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/verify.hpp"
#include "live_server.hpp"

namespace allot::testing {
namespace {

using nlohmann::json;

TEST(HttpLifecycle, WholeElectionOverHttp) {
  LiveServer s;
  s.store->create_user("setup", "alice", "correct horse battery", store::Role::Admin);
  Officer alice = sign_in(s, "alice", "correct horse battery");

  // Create a draft, then import a contest from CSV into it.
  json def = store_definition("http-2026");
  Reply r = alice.call("POST", "/api/v1/officer/elections", def.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string csv = "id,title,cost\nQ1,Playground,300\nQ2,Library hours,200\nQ3,Bike racks,100\n";
  r = alice.call("POST", "/api/v1/officer/elections/http-2026/import?format=csv&contest=extra", csv, "text/csv");
  EXPECT_EQ(r.status, 200) << r.body;
  r = alice.call("POST", "/api/v1/officer/elections/http-2026/import?format=csv&contest=bad",
                 "id,title,cost\nQ1,Playground,abc\n", "text/csv");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json().value("line", 0), 2) << r.body;

  // Codes as CSV, once.
  r = alice.call("POST", "/api/v1/officer/elections/http-2026/codes", json{{"count", 6}, {"district", ""}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  std::vector<std::string> codes;
  {
    std::istringstream in(r.body);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) codes.push_back(line.substr(0, line.find(',')));
  }
  ASSERT_EQ(codes.size(), 6u);

  r = alice.call("POST", "/api/v1/officer/elections/http-2026/open");
  ASSERT_EQ(r.status, 200) << r.body;
  r = alice.call("PUT", "/api/v1/officer/elections/http-2026", def.dump());
  EXPECT_EQ(r.status, 409) << r.body;  // frozen

  // Vote: exchange a code, fetch the ballot, submit with an idempotency key.
  auto vote = [&](const std::string& code, const std::string& key, unsigned variant) {
    HttpClient v = s.client();
    Reply sr = v.request("POST", "/api/v1/elections/http-2026/session", json{{"code", code}}.dump(),
                         {{"Content-Type", "application/json"}});
    if (sr.status != 200) return sr;
    const std::string session = sr.json().at("session").get<std::string>();
    Reply b = v.request("GET", "/api/v1/elections/http-2026/ballot", "", {{"Authorization", "Bearer " + session}});
    EXPECT_EQ(b.status, 200) << b.body;
    json answers = answers_for("", variant);
    answers["extra"] = {{"options", json::array({"Q3"})}};
    return v.request("POST", "/api/v1/elections/http-2026/ballot", json{{"answers", answers}}.dump(),
                     {{"Authorization", "Bearer " + session},
                      {"Idempotency-Key", key},
                      {"Content-Type", "application/json"}});
  };
  for (std::size_t i = 0; i < 4; ++i) {
    const Reply vr = vote(codes[i], "key-" + std::to_string(i) + "-abcdef", static_cast<unsigned>(i));
    EXPECT_EQ(vr.status, 201) << vr.body;
  }
  // A used code is refused at the session exchange.
  EXPECT_EQ(vote(codes[0], "key-again-abcdef", 0).status, 409);

  // One ballot session submitted by 8 clients at once (a double click, a flaky
  // phone, two tabs), each with its own idempotency key: exactly one ballot.
  std::atomic<int> created{0}, refused{0};
  {
    HttpClient v = s.client();
    const Reply sr = v.request("POST", "/api/v1/elections/http-2026/session", json{{"code", codes[4]}}.dump(),
                               {{"Content-Type", "application/json"}});
    ASSERT_EQ(sr.status, 200) << sr.body;
    const std::string session = sr.json().at("session").get<std::string>();
    json answers = answers_for("", 1);
    answers["extra"] = {{"options", json::array({"Q1"})}};
    std::latch go(8);
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t)
      ts.emplace_back([&, t] {
        HttpClient c = s.client();
        go.arrive_and_wait();
        const Reply vr = c.request("POST", "/api/v1/elections/http-2026/ballot", json{{"answers", answers}}.dump(),
                                   {{"Authorization", "Bearer " + session},
                                    {"Idempotency-Key", "race-" + std::to_string(t) + "-abcdef"},
                                    {"Content-Type", "application/json"}});
        if (vr.status == 201) ++created;
        else if (vr.status == 409 || vr.status == 401) ++refused;
      });
    for (auto& th : ts) th.join();
  }
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(s.store->turnout("http-2026"), 5);

  r = s.client().request("GET", "/api/v1/elections/http-2026/turnout");
  EXPECT_EQ(r.status, 200) << r.body;

  // Close, tally, publish; the public result and the record.
  EXPECT_EQ(alice.call("POST", "/api/v1/officer/elections/http-2026/close").status, 200);
  r = alice.call("POST", "/api/v1/officer/elections/http-2026/tally", json{{"seed", "draw 1 2 3"}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.client().request("GET", "/api/v1/elections/http-2026/result").status, 409);  // not yet published
  EXPECT_EQ(alice.call("POST", "/api/v1/officer/elections/http-2026/publish").status, 200);
  r = s.client().request("GET", "/api/v1/elections/http-2026/result");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("allot"), "result/1");

  r = s.client().request("GET", "/api/v1/elections/http-2026/record");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
  const auto files = record::from_tar(r.body);
  const auto report = verify::verify_files(files);
  EXPECT_TRUE(report.ok()) << report.text();
}

// Stopping the server in the middle of a burst of ballots: every ballot a voter got
// a receipt for is stored, no code votes twice, and nothing half-done remains.
TEST(HttpLifecycle, ShutdownDuringABurstLosesNoAcknowledgedBallot) {
  LiveServer s;
  auto codes = prepare_election(*s.store, 200).codes;
  std::atomic<std::size_t> next{0};
  std::atomic<int> acknowledged_count{0};
  std::mutex mu;
  std::vector<std::string> acknowledged;  // leaves of 201 answers
  std::promise<void> half_way;
  std::atomic<bool> signalled{false};
  std::atomic<int> finished{0};
  auto voter = [&] {
    for (std::size_t i = next++; i < codes.size(); i = next++) {
      try {
        HttpClient v = s.client();
        const Reply sr = v.request("POST", "/api/v1/elections/" + kE + "/session", json{{"code", codes[i]}}.dump(),
                                   {{"Content-Type", "application/json"}});
        if (sr.status != 200) continue;
        const Reply br = v.request(
            "POST", "/api/v1/elections/" + kE + "/ballot",
            json{{"answers", answers_for("", static_cast<unsigned>(i))}}.dump(),
            {{"Authorization", "Bearer " + sr.json().at("session").get<std::string>()},
             {"Idempotency-Key", "burst-" + std::to_string(i) + "-key"},
             {"Content-Type", "application/json"}});
        if (br.status != 201) continue;
        {
          std::lock_guard lk(mu);
          acknowledged.push_back(br.json().at("leaf").get<std::string>());
        }
        if (++acknowledged_count == 40 && !signalled.exchange(true)) half_way.set_value();
      } catch (const std::exception&) {
        // Refused or cut off by the shutdown: not acknowledged, so not promised.
      }
    }
    // If the burst ends before the half-way mark, do not leave the test waiting.
    if (++finished == 6 && !signalled.exchange(true)) half_way.set_value();
  };
  std::vector<std::thread> voters;
  for (int t = 0; t < 6; ++t) voters.emplace_back(voter);
  half_way.get_future().wait();
  s.server->stop(std::chrono::seconds(10));  // stops accepting, drains what is in flight
  for (auto& th : voters) th.join();

  s.store->close("admin", kE);
  const auto stored = s.store->ballots(kE);
  std::set<std::string> leaves;
  for (const auto& b : stored) leaves.insert(crypto::to_hex(merkle::leaf_hash(canonical::dump(b))));
  int lost = 0;
  for (const auto& leaf : acknowledged) lost += leaves.count(leaf) ? 0 : 1;
  EXPECT_EQ(lost, 0) << "acknowledged ballots missing after the shutdown";
  EXPECT_GE(acknowledged.size(), 40u);
  EXPECT_GE(stored.size(), acknowledged.size());
  EXPECT_EQ(static_cast<std::int64_t>(stored.size()), used_codes(s.dir.path(), kE)) << "a code voted twice";
}

// The `allot serve` binary: prints its address first, serves, drains on SIGTERM.
TEST(HttpLifecycle, ServeBinaryPrintsAddressAndStopsOnSigterm) {
  TempDir dir("serve");
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    const std::string data = dir.path().string();
    ::execl(ALLOT_BINARY, "allot", "serve", "--data", data.c_str(), "--port", "0", "--access-log",
            (data + "/access.log").c_str(), "--kiosk-pool-ttl", "600", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  FILE* in = ::fdopen(out[0], "r");
  char line[256] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, in), nullptr);
  const std::string first = line;
  ASSERT_EQ(first.rfind("listening on http://127.0.0.1:", 0), 0u) << first;
  const auto port = static_cast<std::uint16_t>(std::stoi(first.substr(first.rfind(':') + 1)));
  HttpClient c("127.0.0.1", port);
  EXPECT_EQ(c.request("GET", "/healthz").status, 200);
  EXPECT_EQ(c.request("GET", "/api/v1/elections").status, 200);
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::fclose(in);
  std::ifstream log(dir.path() / "access.log");
  std::string entry;
  ASSERT_TRUE(std::getline(log, entry));
  EXPECT_NE(entry.find("\"status\":200"), std::string::npos) << entry;
}

}  // namespace
}  // namespace allot::testing
