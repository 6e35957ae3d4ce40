// The invariants every budget rule promises, on many random elections:
//   1. spent <= budget, spent = sum of the winners' costs, no option twice;
//   2. greedy (skipping) and mes-add1 (completion) leave no supported option
//      unfunded that still fits in the money left;
//   3. the same input always gives the same result (no hidden state or randomness);
//   4. every option gets an explanation.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "allot/engine/rules.hpp"
#include "builders.hpp"
#include "invariants.hpp"

using namespace allot;
using namespace allot::testing;


TEST(InvariantsTest, EveryRuleOnRandomElections) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 400; ++trial) {
    const int m = 1 + static_cast<int>(rng() % 9);
    std::vector<std::pair<std::string, Money>> opts;
    for (int i = 0; i < m; ++i) opts.push_back({"p" + std::to_string(i), static_cast<Money>(rng() % 80)});
    const auto format = static_cast<BallotFormat>(rng() % 3);
    Contest c = budget_contest(static_cast<Money>(rng() % 200), opts, format);
    Profile p;
    const int n = static_cast<int>(rng() % 15);
    for (int v = 0; v < n; ++v) {
      Ballot b;
      for (int i = 0; i < m; ++i)
        if (rng() % 3 == 0) {
          b.options.push_back(i);
          if (format == BallotFormat::Cumulative) b.points.push_back(static_cast<std::int64_t>(rng() % 5));
        }
      if (format == BallotFormat::Ranked) std::shuffle(b.options.begin(), b.options.end(), rng);
      p.ballots.push_back(b);
    }
    RuleParams params;
    if (trial % 2) params.tie_break = TieBreak::ticket("seed-" + std::to_string(trial));
    for (const auto& rule : all_rules()) {
      if (!rule.applicability(c).empty()) continue;
      Result r = rule.run(c, p, params);
      check_invariants(c, p, r, "trial " + std::to_string(trial));
      Result again = rule.run(c, p, params);
      EXPECT_EQ(r.winners, again.winners);
    }
  }
}
