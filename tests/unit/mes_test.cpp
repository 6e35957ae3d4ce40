#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "allot/engine/numbers.hpp"
#include "allot/engine/rules.hpp"
#include "builders.hpp"

using namespace allot;
using namespace allot::testing;

namespace {

// Three neighbourhoods: a majority that likes A and B, a minority that likes C.
Contest three_groups(Profile& p) {
  Contest c = budget_contest(100, {{"A", 40}, {"B", 40}, {"C", 40}});
  approve(p, c, {"A", "B"}, 6);
  approve(p, c, {"C"}, 4);
  return c;
}

}  // namespace

TEST(MesTest, GivesTheMinorityItsShare) {
  Profile p;
  Contest c = three_groups(p);
  // Greedy: A, B (6 votes each) -> the minority gets nothing.
  EXPECT_EQ(ids(c, greedy(c, p, {}).winners), (std::vector<std::string>{"A", "B"}));
  // MES: share 10 each. A: 6 voters pay 40/6. C: 4 voters pay 10 each = 40.
  Result r = mes_cost(c, p, {});
  auto w = ids(c, r.winners);
  std::sort(w.begin(), w.end());
  EXPECT_EQ(w, (std::vector<std::string>{"A", "C"}));
  // After A, the majority has 10 - 40/6 = 20/6 each, 20 in all: B (40) is out of reach.
  EXPECT_NE(r.options[1].explanation.find("left of their shares"), std::string::npos) << r.options[1].explanation;
  EXPECT_NE(r.options[1].explanation.find("spent most of it on A"), std::string::npos) << r.options[1].explanation;
}

TEST(MesTest, ExplainsPayments) {
  Profile p;
  Contest c = three_groups(p);
  Result r = mes_cost(c, p, {});
  EXPECT_EQ(r.options[0].explanation, "Funded in equal-shares round 1: 6 supporters paid 6.67 each.");
  EXPECT_EQ(r.options[2].explanation, "Funded in equal-shares round 2: 4 supporters paid 10.00 each.");
}

TEST(MesTest, CompletionRaisesTheShareThenFillsGreedily) {
  Contest c = budget_contest(100, {{"A", 50}, {"B", 60}, {"C", 20}});
  Profile p;
  approve(p, c, {"A", "C"}, 2);
  approve(p, c, {"B", "C"}, 2);
  // Plain MES (share 25): C (5 each); then A and B need 50 and 60 from 40.
  EXPECT_EQ(ids(c, mes_cost(c, p, {}).winners), (std::vector<std::string>{"C"}));
  // add1: at share 30, A becomes affordable: {C, A}, and B (60) no longer fits in 30: exhaustive.
  Result r = mes_add1(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"C", "A"}));
  EXPECT_EQ(r.rounds.front().action, "raise");
  EXPECT_EQ(r.parameters[4].second, "30");  // final_share
}

TEST(MesTest, CompletionFillsWithGreedyWhenRaisingOverspends) {
  Contest c = budget_contest(100, {{"A", 60}, {"B", 60}, {"C", 30}});
  Profile p;
  approve(p, c, {"A"}, 3);
  approve(p, c, {"B"}, 3);
  approve(p, c, {"C"}, 1);
  // share 100/7; A and B need 20 each from 3 voters: both affordable at share 20,
  // which overspends (120). Kept: the outcome at share 19 (none of A/B), then greedy.
  Result r = mes_add1(c, p, {});
  // Greedy completion: A (3 votes, before B in id order), B no longer fits, C fits.
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"A", "C"}));
  EXPECT_LE(r.spent, r.budget);
  EXPECT_EQ(r.rounds.back().action, "complete");
}

TEST(MesTest, ZeroCostProjects) {
  Contest c = budget_contest(10, {{"free", 0}, {"a", 10}});
  Profile p;
  approve(p, c, {"free", "a"}, 2);
  EXPECT_EQ(ids(c, mes_cost(c, p, {}).winners), (std::vector<std::string>{"a"}));
  EXPECT_EQ(ids(c, mes_card(c, p, {}).winners), (std::vector<std::string>{"free", "a"}));
}

TEST(MesTest, EmptyBallotsCountForTheShare) {
  Contest c = budget_contest(100, {{"a", 60}});
  Profile p;
  approve(p, c, {"a"}, 1);
  approve(p, c, {}, 1);
  // share 50 each: the one supporter has 50 < 60.
  EXPECT_TRUE(mes_cost(c, p, {}).winners.empty());
}

TEST(MesTest, NoBallots) {
  Contest c = budget_contest(100, {{"a", 60}});
  Profile p;
  EXPECT_TRUE(mes_cost(c, p, {}).winners.empty());
  Result r = mes_add1(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a"}));  // greedy completion with money left
}

TEST(MesTest, BadStepIsRefused) {
  Contest c = budget_contest(100, {{"a", 60}});
  Profile p;
  RuleParams params;
  params.options["step"] = "-1";
  EXPECT_THROW(mes_add1(c, p, params), std::exception);
  params.options["step"] = "0.5";
  EXPECT_NO_THROW(mes_add1(c, p, params));
  params.options["step"] = "0.08";  // leading zeros are decimal, not octal
  Result r = mes_add1(c, p, params);
  EXPECT_EQ(r.parameters[2].second, "2/25");  // 0.08 currency units = 8/100
  params.options["step"] = "1.2.3";
  EXPECT_THROW(mes_add1(c, p, params), std::exception);
}

// A direct, voter-by-voter implementation of MES from its definition, used to
// check the grouped, pruned engine on random elections and to record every
// payment (no voter may pay more than her share).
namespace {

struct NaiveMes {
  std::vector<int> winners;
  std::vector<Rational> paid;  // per voter
};

NaiveMes naive_mes(const Contest& c, const Profile& p, bool cost_utility) {
  const std::size_t n = p.ballots.size();
  NaiveMes out;
  out.paid.assign(n, Rational(0));
  if (n == 0) return out;
  Rational share(c.budget, static_cast<long>(n));
  share.canonicalize();
  std::vector<Rational> budget(n, share);
  std::vector<char> done(c.options.size(), 0);
  if (!cost_utility)
    for (std::size_t o = 0; o < c.options.size(); ++o) {
      bool supported = false;
      for (const auto& b : p.ballots)
        supported |= std::find(b.options.begin(), b.options.end(), static_cast<int>(o)) != b.options.end();
      if (supported && c.options[o].cost == 0) {
        out.winners.push_back(static_cast<int>(o));
        done[o] = 1;
      }
    }
  for (;;) {
    int best = -1;
    Rational best_rho, best_q;
    for (std::size_t o = 0; o < c.options.size(); ++o) {
      if (done[o] || c.options[o].cost == 0) continue;
      std::vector<Rational> bs;
      for (std::size_t v = 0; v < n; ++v)
        if (std::find(p.ballots[v].options.begin(), p.ballots[v].options.end(), static_cast<int>(o)) !=
            p.ballots[v].options.end())
          bs.push_back(budget[v]);
      Rational total(0);
      for (auto& b : bs) total += b;
      if (bs.empty() || total < c.options[o].cost) continue;
      std::sort(bs.begin(), bs.end());
      Rational rest(c.options[o].cost), q;
      for (std::size_t j = 0; j < bs.size(); ++j) {
        q = rest / static_cast<long>(bs.size() - j);
        if (q <= bs[j]) break;
        rest -= bs[j];
      }
      Rational rho = cost_utility ? Rational(q / c.options[o].cost) : q;
      if (best < 0 || rho < best_rho) {  // options scanned in id order = tie order here
        best = static_cast<int>(o);
        best_rho = rho;
        best_q = q;
      }
    }
    if (best < 0) break;
    done[static_cast<std::size_t>(best)] = 1;
    out.winners.push_back(best);
    for (std::size_t v = 0; v < n; ++v)
      if (std::find(p.ballots[v].options.begin(), p.ballots[v].options.end(), best) != p.ballots[v].options.end()) {
        Rational pay = std::min(budget[v], best_q);
        budget[v] -= pay;
        out.paid[v] += pay;
      }
  }
  return out;
}

}  // namespace

TEST(MesTest, MatchesNaiveDefinitionOnRandomElections) {
  std::mt19937 rng(20261123);
  for (int trial = 0; trial < 300; ++trial) {
    const int m = 2 + static_cast<int>(rng() % 7);
    std::vector<std::pair<std::string, Money>> opts;
    // ids in tie order ("a".."i") so the naive scan order is the tie order
    for (int i = 0; i < m; ++i) opts.push_back({std::string(1, static_cast<char>('a' + i)), static_cast<Money>(rng() % 50)});
    Contest c = budget_contest(static_cast<Money>(20 + rng() % 150), opts);
    Profile p;
    const int n = static_cast<int>(rng() % 12);
    for (int v = 0; v < n; ++v) {
      Ballot b;
      for (int i = 0; i < m; ++i)
        if (rng() % 3 == 0) b.options.push_back(i);
      p.ballots.push_back(b);
    }
    for (bool cost_utility : {true, false}) {
      NaiveMes expect = naive_mes(c, p, cost_utility);
      Result got = cost_utility ? mes_cost(c, p, {}) : mes_card(c, p, {});
      ASSERT_EQ(got.winners, expect.winners) << "trial " << trial << (cost_utility ? " cost" : " card");
      Rational share = n > 0 ? Rational(c.budget, n) : Rational(0);
      for (const auto& paid : expect.paid) EXPECT_LE(paid, share) << "a voter paid more than her share";
    }
  }
}

// Step skipping is only an optimisation: with and without it, mes-add1 must keep
// the same share and the same outcome, on elections full of ties and near ties.
TEST(MesTest, StepSkippingNeverChangesTheOutcome) {
  std::mt19937 rng(4242);
  int skipped_somewhere = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int m = 2 + static_cast<int>(rng() % 8);
    std::vector<std::pair<std::string, Money>> opts;
    for (int i = 0; i < m; ++i)
      opts.push_back({"p" + std::to_string(i), static_cast<Money>(1 + rng() % 400)});
    Contest c = budget_contest(static_cast<Money>(100 + rng() % 900), opts);
    Profile p;
    const int n = 1 + static_cast<int>(rng() % 40);
    for (int v = 0; v < n; ++v) {
      Ballot b;
      for (int i = 0; i < m; ++i)
        if (rng() % 3 == 0) b.options.push_back(i);
      p.ballots.push_back(b);
    }
    RuleParams off;
    off.options["step_skipping"] = "off";
    RuleParams two_threads;
    two_threads.options["threads"] = "2";
    Result a = mes_add1(c, p, {});
    Result b = mes_add1(c, p, off);
    ASSERT_EQ(a.winners, b.winners) << "trial " << trial;
    ASSERT_EQ(mes_add1(c, p, two_threads).winners, a.winners) << "trial " << trial << " with a second thread";
    auto param = [](const Result& r, const std::string& k) {
      for (const auto& [name, v] : r.parameters)
        if (name == k) return v;
      return std::string();
    };
    EXPECT_EQ(param(a, "final_share"), param(b, "final_share")) << "trial " << trial;
    EXPECT_EQ(param(a, "steps"), param(b, "steps")) << "trial " << trial;
    EXPECT_LE(std::stoll(param(a, "runs")), std::stoll(param(b, "runs")));
    if (std::stoll(param(a, "runs")) < std::stoll(param(b, "runs"))) ++skipped_somewhere;
  }
  EXPECT_GT(skipped_somewhere, 30) << "the test should exercise skipping";
}
