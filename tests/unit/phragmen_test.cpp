#include <gtest/gtest.h>

#include "allot/engine/rules.hpp"
#include "builders.hpp"

using namespace allot;
using namespace allot::testing;

TEST(PhragmenTest, SpreadsLoadsAcrossGroups) {
  Contest c = budget_contest(100, {{"A", 40}, {"B", 40}, {"C", 40}});
  Profile p;
  approve(p, c, {"A", "B"}, 6);
  approve(p, c, {"C"}, 4);
  // Round 1: A and B load 40/6, C 10 -> A (id order). Round 2: B (40/6 + 40/6) = 13.3 > C 10 -> C.
  // Round 3: B does not fit (40 > 20): stop.
  Result r = phragmen(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(r.rounds.back().action, "stop");
  EXPECT_NE(r.options[1].explanation.find("did not fit"), std::string::npos) << r.options[1].explanation;
}

TEST(PhragmenTest, StopsInsteadOfSkipping) {
  Contest c = budget_contest(100, {{"big", 90}, {"mid", 50}, {"small", 10}});
  Profile p;
  approve(p, c, {"mid"}, 5);
  approve(p, c, {"big"}, 4);
  approve(p, c, {"small"}, 1);
  // mid 10, big 22.5, small 10 -> mid (tie with small: "mid" < "small"), then small (10) vs big (22.5) -> small.
  // Then big 90 > 40 left: stop.
  Result r = phragmen(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"mid", "small"}));
}

TEST(PhragmenTest, ZeroCostFirstAndUnsupportedLast) {
  Contest c = budget_contest(100, {{"a", 30}, {"free", 0}, {"nobody", 20}, {"huge", 500}});
  Profile p;
  approve(p, c, {"a", "free"}, 3);
  Result r = phragmen(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"free", "a", "nobody"}));
  EXPECT_NE(r.options[3].explanation.find("more than the whole budget"), std::string::npos);
}

TEST(PhragmenTest, OnlyForApprovalBallots) {
  Contest c = budget_contest(100, {{"a", 30}}, BallotFormat::Cumulative);
  Profile p;
  EXPECT_THROW(run_rule("phragmen", c, p), std::exception);
}
