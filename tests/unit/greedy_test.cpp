#include <gtest/gtest.h>

#include "allot/engine/rules.hpp"
#include "builders.hpp"

using namespace allot;
using namespace allot::testing;

TEST(GreedyTest, FundsBySupportAndSkipsWhatDoesNotFit) {
  Contest c = budget_contest(100, {{"a", 60}, {"b", 50}, {"c", 30}, {"d", 10}});
  Profile p;
  approve(p, c, {"a", "b"}, 3);
  approve(p, c, {"b", "c"}, 2);
  approve(p, c, {"d"}, 1);
  // support: a=3, b=5, c=2, d=1 -> b (50), a (60: skip), c (30), d (10)
  Result r = greedy(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(r.spent, 90);
  EXPECT_FALSE(r.options[0].selected);
  EXPECT_NE(r.options[0].explanation.find("did not fit"), std::string::npos) << r.options[0].explanation;
}

TEST(GreedyTest, NoSkipStopsAtFirstMisfit) {
  Contest c = budget_contest(100, {{"a", 60}, {"b", 50}, {"c", 30}});
  Profile p;
  approve(p, c, {"b"}, 3);
  approve(p, c, {"a"}, 2);
  approve(p, c, {"c"}, 1);
  Result r = greedy_no_skip(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"b"}));
  EXPECT_EQ(r.rounds.back().action, "stop");
}

TEST(GreedyTest, TiesFollowIdStringOrder) {
  Contest c = budget_contest(10, {{"9", 10}, {"10", 10}});
  Profile p;
  approve(p, c, {"9", "10"}, 2);
  Result r = greedy(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"10"}));  // "10" < "9" as strings
}

TEST(GreedyTest, TicketTieBreakIsSeededAndRecorded) {
  Contest c = budget_contest(10, {{"a", 10}, {"b", 10}, {"c", 10}});
  Profile p;
  approve(p, c, {"a", "b", "c"});
  RuleParams params;
  params.tie_break = TieBreak::ticket("council 2026");
  Result r1 = greedy(c, p, params);
  Result r2 = greedy(c, p, params);
  EXPECT_EQ(r1.winners, r2.winners);
  EXPECT_EQ(r1.tie_break.seed, "council 2026");
  ASSERT_EQ(r1.tie_order.size(), 3u);
  EXPECT_EQ(r1.winners.front(), r1.tie_order.front());
}

TEST(GreedyTest, UnsupportedAndFreeProjectsComeLastButAreTaken) {
  Contest c = budget_contest(100, {{"a", 50}, {"free", 0}, {"nobody", 20}});
  Profile p;
  approve(p, c, {"a", "free"}, 2);
  Result r = greedy(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "free", "nobody"}));
}

TEST(GreedyTest, CumulativePointsAndRankedPositions) {
  Contest c = budget_contest(10, {{"a", 10}, {"b", 10}}, BallotFormat::Cumulative);
  Profile p;
  p.ballots.push_back(Ballot{{0, 1}, {1, 4}});
  p.ballots.push_back(Ballot{{0}, {2}});
  EXPECT_EQ(ids(c, greedy(c, p, {}).winners), (std::vector<std::string>{"b"}));  // a=3, b=4

  Contest r = budget_contest(10, {{"a", 10}, {"b", 10}, {"c", 10}}, BallotFormat::Ranked);
  Profile q;
  q.ballots.push_back(Ballot{{2, 0, 1}, {}});  // c=3 a=2 b=1
  q.ballots.push_back(Ballot{{0}, {}});        // a=1
  q.ballots.push_back(Ballot{{1, 0}, {}});     // b=2 a=1  -> a=4, b=3, c=3
  EXPECT_EQ(ids(r, greedy(r, q, {}).winners), (std::vector<std::string>{"a"}));
}
