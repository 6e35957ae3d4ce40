#include <gtest/gtest.h>

#include "allot/engine/validate.hpp"
#include "builders.hpp"

using namespace allot;
using namespace allot::testing;

namespace {

bool mentions(const BallotCheck& r, const std::string& text) {
  for (const auto& p : r.problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(ValidateTest, ValidApprovalBallotIsSortedIndices) {
  Contest c = budget_contest(100, {{"a", 10}, {"b", 20}, {"c", 30}});
  auto r = check_ballot(c, {{"c", "a"}, {}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.ballot.options, (std::vector<int>{0, 2}));
}

TEST(ValidateTest, UnknownAndRepeatedOptions) {
  Contest c = budget_contest(100, {{"a", 10}, {"b", 20}});
  auto r = check_ballot(c, {{"a", "zz", "a"}, {}});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(mentions(r, "'zz' is not on this ballot"));
  EXPECT_TRUE(mentions(r, "'a' is chosen more than once"));
}

TEST(ValidateTest, TooFewTooManyAndCostCap) {
  Contest c = budget_contest(100, {{"a", 60}, {"b", 50}, {"c", 30}});
  c.rules.min_choices = 1;
  c.rules.max_choices = 2;
  c.rules.max_cost = 100;
  EXPECT_TRUE(mentions(check_ballot(c, {{}, {}}), "choose at least 1 project; this ballot has 0"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b", "c"}, {}}), "choose at most 2 projects; this ballot has 3"));
  auto over = check_ballot(c, {{"a", "b"}, {}});
  EXPECT_FALSE(over.ok);
  EXPECT_TRUE(mentions(over, "cost 110 together, more than the 100 allowed"));
  EXPECT_TRUE(check_ballot(c, {{"a", "c"}, {}}).ok);
}

TEST(ValidateTest, CategoryLimit) {
  Contest c = budget_contest(100, {{"a", 1}, {"b", 1}, {"c", 1}});
  c.options[0].categories = {"parks"};
  c.options[1].categories = {"parks"};
  c.rules.max_choices_per_category["parks"] = 1;
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b"}, {}}), "in 'parks'"));
  EXPECT_TRUE(check_ballot(c, {{"a", "c"}, {}}).ok);
}

TEST(ValidateTest, CumulativePoints) {
  Contest c = budget_contest(100, {{"a", 1}, {"b", 1}}, BallotFormat::Cumulative);
  c.rules.max_points_total = 10;
  c.rules.max_points_per_option = 6;
  EXPECT_TRUE(check_ballot(c, {{"a", "b"}, {6, 4}}).ok);
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b"}, {7, 1}}), "at most 6 points for one project"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b"}, {6, 5}}), "give at most 10 points in all; this ballot gives 11"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a"}, {-1}}), "cannot be negative"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b"}, {1}}), "needs its points"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a"}, {INT64_MAX}}), "at most 6 points"));
}

TEST(ValidateTest, RankedBallot) {
  Contest c = budget_contest(100, {{"a", 1}, {"b", 1}, {"c", 1}}, BallotFormat::Ranked);
  c.rules.max_choices = 2;
  auto ok = check_ballot(c, {{"c", "a"}, {}});
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(ok.ballot.options, (std::vector<int>{2, 0}));  // order kept
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "a"}, {}}), "'a' is ranked more than once"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a", "b", "c"}, {}}), "rank at most 2"));
  EXPECT_TRUE(mentions(check_ballot(c, {{"a"}, {3}}), "points are only for cumulative ballots"));
}
