// Crash safety of the store: a child process casts ballots and acknowledges each
// one once cast() has returned; the test SIGKILLs it at random points (after a
// random number of acknowledgements, read from its pipe) and restarts it, many
// times. Afterwards every acknowledged ballot must be in the store, no credential
// may have produced two ballots, no ballot may exist without a used code, and the
// exported record must verify.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "allot/storage/canonical.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/store.hpp"
#include "allot/storage/verify.hpp"
#include "child_process.hpp"
#include "store_fixture.hpp"

#ifndef ALLOT_CRASH_CHILD
#error "ALLOT_CRASH_CHILD (path of allot_crash_child) must be defined"
#endif


namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;

constexpr int kKills = 32;          // at least this many SIGKILLs
constexpr std::size_t kCodes = 400;
constexpr unsigned kSeed = 20261123;
const std::string kE = "test-2026";

struct Acks {
  std::map<std::string, std::string> leaf_of_code;  // code -> leaf
  std::size_t lines = 0;
  std::size_t code_acked_twice = 0;
  void add(const std::string& line) {
    char leaf[65] = {0}, code[64] = {0};
    if (std::sscanf(line.c_str(), "ACK %64s %63s", leaf, code) != 2) {
      ADD_FAILURE() << "unexpected line from the child: " << line;
      return;
    }
    ++lines;
    if (!leaf_of_code.emplace(code, leaf).second) ++code_acked_twice;
  }
};

TEST(StoreCrash, KilledWriterLosesNothingAcknowledged) {
  TempDir dir("crash");
  const auto data = dir / "data";
  const auto codes_file = dir / "codes.txt";
  {
    store::Options o;
    o.data_dir = data;
    o.batch_min = 8;
    store::Store s(o);
    s.create_election("admin", store_definition());
    const auto codes = s.generate_codes("admin", kE, kCodes);
    s.open("admin", kE);
    std::ofstream out(codes_file);
    for (const auto& c : codes) out << c << "\n";
  }
  const std::vector<std::string> args = {ALLOT_CRASH_CHILD, data.string(), kE, codes_file.string()};

  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<int> ack_count(1, 20);
  Acks acks;
  int kills = 0, runs = 0;
  bool finished = false;
  while (kills < kKills) {
    const int target = ack_count(rng);
    ChildProcess child(args);
    ++runs;
    int seen = 0;
    bool done = false;
    while (seen < target) {
      auto l = child.line();
      if (!l) break;
      if (*l == "DONE") {
        done = true;
        break;
      }
      acks.add(*l);
      ++seen;
    }
    if (!done) {
      child.signal(SIGKILL);
      ++kills;
    }
    // Whatever the child printed before it died was acknowledged too.
    while (auto l = child.line()) {
      if (*l == "DONE") done = true;
      else acks.add(*l);
    }
    const int status = child.wait();
    if (done) {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
      finished = true;
      break;
    }
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child ended by itself (status " << status << ") after " << seen << " acknowledgements";
  }
  // One last run to the end: every code gets used.
  if (!finished) {
    ChildProcess child(args);
    ++runs;
    bool done = false;
    while (auto l = child.line()) {
      if (*l == "DONE") done = true;
      else acks.add(*l);
    }
    const int status = child.wait();
    EXPECT_TRUE(done);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }

  store::Options o;
  o.data_dir = data;
  o.batch_min = 8;
  store::Store s(o);
  s.close("admin", kE);
  const auto ballots = s.ballots(kE);
  std::set<std::string> leaves;
  for (const auto& b : ballots) leaves.insert(crypto::to_hex(merkle::leaf_hash(canonical::dump(b))));
  std::size_t found = 0, lost = 0;
  for (const auto& [code, leaf] : acks.leaf_of_code) {
    if (leaves.count(leaf)) ++found;
    else {
      ++lost;
      ADD_FAILURE() << "acknowledged ballot " << leaf << " (code " << code << ") is not in the store";
    }
  }
  const json counts = s.officer_log(kE).back().at("details").at("counts");
  const auto codes_used = counts.at("codes_used").at("").get<std::int64_t>();
  const auto n = static_cast<std::int64_t>(ballots.size());
  const std::int64_t doubled = std::max<std::int64_t>(0, n - codes_used) + static_cast<std::int64_t>(acks.code_acked_twice);
  std::printf("[ crash ] kills %d, runs %d, acknowledged %zu, found %zu, lost %zu, double %lld; "
              "ballots %lld, codes used %lld of %zu\n",
              kills, runs, acks.lines, found, lost, static_cast<long long>(doubled), static_cast<long long>(n),
              static_cast<long long>(codes_used), kCodes);
  EXPECT_GE(kills, kKills);
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(doubled, 0);
  EXPECT_EQ(acks.code_acked_twice, 0u);
  EXPECT_EQ(n, codes_used);                    // no credential voted twice, no ballot without a code
  EXPECT_EQ(leaves.size(), ballots.size());    // no ballot twice
  EXPECT_EQ(codes_used, static_cast<std::int64_t>(kCodes));  // the last run used every code
  EXPECT_EQ(used_codes(data, kE), codes_used);
  EXPECT_EQ(counts.at("ballots"), n);

  s.tally("admin", kE, "crash seed");
  const auto out = dir / "record";
  s.export_record(kE, out);
  const auto report = verify::verify_record(out);
  EXPECT_TRUE(report.ok()) << report.text();
}

}  // namespace
