// Approval committee rules (av, pav, seq-phragmen, mes-committee): hand-worked
// examples and invariants on generated profiles.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "allot/engine/committee_rules.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "builders.hpp"

using namespace allot;
using namespace allot::testing;

namespace {

Contest committee(int seats, const std::vector<std::string>& ids) {
  Contest c;
  c.id = "committee";
  c.title = "Committee";
  c.kind = ContestKind::Selection;
  c.format = BallotFormat::Approval;
  c.seats = seats;
  for (const auto& id : ids) c.options.push_back(Option{id, "", 0, {}, {}});
  return c;
}

std::string figure(const Round& r, const std::string& key) {
  for (const auto& [k, v] : r.figures)
    if (k == key) return v;
  return "<missing>";
}

std::string param(const Result& r, const std::string& key) {
  for (const auto& [k, v] : r.parameters)
    if (k == key) return v;
  return "<missing>";
}

// A payment figure ("1/7", "0.5", "1") is at most one seat.
bool at_most_one(const std::string& s) {
  if (s.find('/') != std::string::npos) return Rational(s) <= 1;
  return s == "1" || s.rfind("0.", 0) == 0 || s == "0";
}

using Rule = Result (*)(const Contest&, const Profile&, const RuleParams&);
const std::vector<std::pair<const char*, Rule>> kRules = {
    {"av", av}, {"pav", pav}, {"seq-phragmen", seq_phragmen_committee}, {"mes-committee", mes_committee}};

// The classic example: 7 voters approve {a, b, c}, 3 approve {x}; 3 seats.
Contest classic(Profile& p) {
  Contest c = committee(3, {"a", "b", "c", "x"});
  approve(p, c, {"a", "b", "c"}, 7);
  approve(p, c, {"x"}, 3);
  return c;
}

void check_committee(const Contest& c, const Profile& p, const Result& r, const std::string& where) {
  SCOPED_TRACE(where + " rule " + r.rule);
  const std::size_t k = std::min(c.options.size(), static_cast<std::size_t>(c.seats));
  EXPECT_EQ(r.winners.size(), k);
  std::set<int> seen;
  for (int w : r.winners) {
    EXPECT_TRUE(seen.insert(w).second) << "elected twice: " << w;
    EXPECT_GE(w, 0);
    EXPECT_LT(w, static_cast<int>(c.options.size()));
  }
  ASSERT_EQ(r.options.size(), c.options.size());
  for (const auto& o : r.options) {
    EXPECT_FALSE(o.explanation.empty()) << "option " << o.option;
    EXPECT_EQ(o.selected, seen.count(o.option) == 1) << "option " << o.option;
  }
  std::size_t seat_rounds = 0;
  for (std::size_t i = 0; i < r.rounds.size(); ++i) {
    EXPECT_EQ(r.rounds[i].number, static_cast<int>(i) + 1);
    EXPECT_FALSE(r.rounds[i].text.empty());
    if (r.rounds[i].action == "elect" || r.rounds[i].action == "complete") {
      ++seat_rounds;
      ASSERT_EQ(r.rounds[i].elected.size(), 1u);
      EXPECT_EQ(r.rounds[i].elected[0], r.winners[seat_rounds - 1]);
    }
  }
  EXPECT_EQ(seat_rounds, k);
  EXPECT_EQ(r.ballots, static_cast<std::int64_t>(p.ballots.size()));
}

}  // namespace

TEST(CommitteeTest, AvGivesTheMajorityEverySeat) {
  Profile p;
  const Contest c = classic(p);
  const Result r = av(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.rounds[0].tally, (std::vector<std::pair<int, std::string>>{{0, "7"}, {1, "7"}, {2, "7"}, {3, "3"}}));
  EXPECT_EQ(r.options[3].explanation, "Not elected: 3 approvals; the last candidate elected, c, has 7.");
  EXPECT_EQ(r.options[0].explanation, "Elected: 7 approvals, 1st by approvals; the most approved candidate not elected, x, has 3.");
  EXPECT_NE(r.rounds[0].text.find("equal with b and c"), std::string::npos) << r.rounds[0].text;
  check_committee(c, p, r, "classic");
}

TEST(CommitteeTest, PavGivesTheMinorityOneSeat) {
  Profile p;
  const Contest c = classic(p);
  const Result r = pav(c, p, {});
  // Round 1: a 7 (tied with b, c). Round 2: b 7/2 > x 3. Round 3: x 3 > c 7/3.
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "b", "x"}));
  EXPECT_EQ(figure(r.rounds[1], "gain"), "3.5");
  EXPECT_EQ(figure(r.rounds[2], "gain"), "3");
  EXPECT_EQ(figure(r.rounds[2], "score"), "13.5");
  EXPECT_EQ(r.rounds[2].tally, (std::vector<std::pair<int, std::string>>{{2, "7/3"}, {3, "3"}}));
  EXPECT_EQ(r.options[2].explanation, "Not elected: in the last round (3) it would have added 7/3 ≈ 2.333, less than x's 3.");
  check_committee(c, p, r, "classic");
}

TEST(CommitteeTest, PhragmenLoads) {
  Profile p;
  const Contest c = classic(p);
  const Result r = seq_phragmen_committee(c, p, {});
  // Round 1: a, b, c 1/7, x 1/3 -> a. Round 2: b (7 * 1/7 + 1) / 7 = 2/7 < 1/3.
  // Round 3: c 3/7 > x 1/3 -> x.
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "b", "x"}));
  EXPECT_EQ(figure(r.rounds[0], "load"), "1/7");
  EXPECT_EQ(figure(r.rounds[1], "load"), "2/7");
  EXPECT_EQ(figure(r.rounds[2], "load"), "1/3");
  EXPECT_EQ(r.rounds[2].tally, (std::vector<std::pair<int, std::string>>{{2, "3/7"}, {3, "1/3"}}));
  EXPECT_NE(r.options[2].explanation.find("3/7"), std::string::npos) << r.options[2].explanation;
  check_committee(c, p, r, "classic");
}

TEST(CommitteeTest, MesRaisesSharesUntilTheMinorityCanPay) {
  Profile p;
  const Contest c = classic(p);
  const Result r = mes_committee(c, p, {});
  // Shares 3/10 of a seat: a and b at 1/7 each from the majority; then the
  // majority has 11/70 - 1/7 = 1/70 each (1/10 together) and the minority 9/10:
  // nothing else affordable. x becomes affordable at a share of 1/3: with steps
  // of 1/100 of a seat (1/1000 per voter), at 334/1000 after 34 steps; then a,
  // b and x fill the seats.
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "b", "x"}));
  ASSERT_EQ(r.rounds[0].action, "raise");
  EXPECT_EQ(figure(r.rounds[0], "start_share"), "0.3");
  EXPECT_EQ(figure(r.rounds[0], "raises"), "34");
  EXPECT_EQ(figure(r.rounds[0], "final_share"), "0.334");
  EXPECT_EQ(param(r, "final_share"), "0.334");
  EXPECT_EQ(param(r, "steps_per_seat"), "100");
  EXPECT_EQ(figure(r.rounds[1], "payment"), "1/7");
  EXPECT_EQ(figure(r.rounds[3], "payment"), "1/3");
  EXPECT_EQ(figure(r.rounds[3], "full_payers"), "3");
  EXPECT_EQ(r.options[3].explanation,
            "Elected in equal-shares round 3: 3 approvers paid 1/3 ≈ 0.333 of a seat each, the lowest price per voter.");
  // c's 7 approvers kept 0.334 - 2/7 each: 7 * (0.334 - 2/7) = 0.338 of a seat.
  EXPECT_NE(r.options[2].explanation.find("had 0.338 of a seat left"), std::string::npos) << r.options[2].explanation;
  check_committee(c, p, r, "classic");
}

TEST(CommitteeTest, MesWithoutRaising) {
  // 2 seats, two equal camps: each camp's 0.5 seat per... 4 voters x 1/2 = 2 seats.
  Contest c = committee(2, {"a", "b", "x"});
  Profile p;
  approve(p, c, {"a", "b"}, 2);
  approve(p, c, {"x"}, 2);
  const Result r = mes_committee(c, p, {});
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "x"}));
  EXPECT_EQ(figure(r.rounds[0], "raises"), "0");
  EXPECT_EQ(figure(r.rounds[1], "payment"), "0.5");
  check_committee(c, p, r, "camps");
}

TEST(CommitteeTest, MesCompletionByApprovals) {
  // 2 seats, one voter for each of three candidates: no share reaches a seat
  // until shares are raised to 1 seat per voter, and then all three are
  // affordable at once (3 > 2), so the completion decides by approvals (then
  // tie order).
  Contest c = committee(2, {"a", "b", "z"});
  Profile p;
  approve(p, c, {"a"}, 1);
  approve(p, c, {"b"}, 1);
  approve(p, c, {"z"}, 1);
  const Result r = mes_committee(c, p, {});
  // Shares 2/3 each: nothing affordable; at a share of 1 all three at once: keep
  // the empty outcome at 299/300 and complete: a, b (1 approval each, tie order).
  EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.rounds[1].action, "complete");
  EXPECT_EQ(figure(r.rounds[0], "seats_at_next_step"), "3");
  EXPECT_NE(r.options[2].explanation.find("completion"), std::string::npos) << r.options[2].explanation;
  check_committee(c, p, r, "singletons");
}

TEST(CommitteeTest, FewerApprovedCandidatesThanSeats) {
  Contest c = committee(3, {"a", "b", "c", "d"});
  Profile p;
  approve(p, c, {"c"}, 2);
  p.ballots.push_back(Ballot{});  // an empty ballot
  for (const auto& [name, rule] : kRules) {
    const Result r = rule(c, p, {});
    EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"c", "a", "b"})) << name;
    EXPECT_EQ(r.options[3].explanation, "Not elected: nobody approves it.") << name;
    EXPECT_NE(r.options[0].explanation.find("nobody approves it"), std::string::npos) << name;
    check_committee(c, p, r, name);
  }
}

TEST(CommitteeTest, MoreSeatsThanCandidates) {
  Contest c = committee(5, {"a", "b"});
  Profile p;
  approve(p, c, {"a"}, 1);
  for (const auto& [name, rule] : kRules) {
    const Result r = rule(c, p, {});
    EXPECT_EQ(r.winners.size(), 2u) << name;
    check_committee(c, p, r, name);
  }
}

TEST(CommitteeTest, TiesFollowTheTieOrder) {
  Contest c = committee(1, {"b", "a"});
  Profile p;
  approve(p, c, {"a"}, 1);
  approve(p, c, {"b"}, 1);
  for (const auto& [name, rule] : kRules) {
    const Result r = rule(c, p, {});
    EXPECT_EQ(ids(c, r.winners), (std::vector<std::string>{"a"})) << name;  // id order: "a" < "b"
    RuleParams t;
    t.tie_break = TieBreak::ticket("public seed");
    const TieOrder order(c, t.tie_break);
    EXPECT_EQ(rule(c, p, t).winners, (std::vector<int>{order.order()[0]})) << name;
  }
  const Result r = pav(c, p, {});
  EXPECT_NE(r.options[0].explanation.find("tie order"), std::string::npos) << r.options[0].explanation;
}

TEST(CommitteeTest, OnlyForApprovalSelectionContests) {
  Profile p;
  Contest b = budget_contest(100, {{"a", 10}});
  Contest ranked = committee(1, {"a"});
  ranked.format = BallotFormat::Ranked;
  Contest zero = committee(1, {"a"});
  zero.seats = 0;
  for (const auto& [name, rule] : kRules) {
    EXPECT_THROW(rule(b, p, {}), UsageError) << name;
    EXPECT_THROW(rule(ranked, p, {}), UsageError) << name;
    EXPECT_THROW(rule(zero, p, {}), UsageError) << name;
  }
  EXPECT_FALSE(committee_applicability(b).empty());
  EXPECT_TRUE(committee_applicability(committee(2, {"a"})).empty());
  RuleParams bad;
  bad.options["steps_per_seat"] = "0";
  EXPECT_THROW(mes_committee(committee(1, {"a"}), p, bad), UsageError);
}

TEST(CommitteeTest, InvariantsOnGeneratedProfiles) {
  std::uint64_t state = 12345;
  auto next = [&](std::uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  };
  for (int trial = 0; trial < 60; ++trial) {
    const int m = 1 + static_cast<int>(next(8));
    std::vector<std::string> names;
    for (int i = 0; i < m; ++i) names.push_back("c" + std::to_string(i));
    Contest c = committee(1 + static_cast<int>(next(6)), names);
    Profile p;
    const int voters = static_cast<int>(next(25));
    for (int v = 0; v < voters; ++v) {
      Ballot b;
      for (int o = 0; o < m; ++o)
        if (next(3) == 0) b.options.push_back(o);
      p.ballots.push_back(b);
    }
    for (const auto& [name, rule] : kRules) {
      const Result r = rule(c, p, {});
      check_committee(c, p, r, "trial " + std::to_string(trial));
      // AV: every winner has at least as many approvals as every loser.
      if (std::string(name) == "av") {
        std::int64_t lowest_in = std::numeric_limits<std::int64_t>::max(), highest_out = -1;
        for (const auto& o : r.options) {
          if (o.selected) lowest_in = std::min(lowest_in, o.support);
          else highest_out = std::max(highest_out, o.support);
        }
        EXPECT_GE(lowest_in, highest_out);
      }
      // MES: the equal-shares payments of each round never exceed the seat.
      if (std::string(name) == "mes-committee")
        for (const auto& round : r.rounds)
          if (round.action == "elect") {
            EXPECT_TRUE(at_most_one(figure(round, "payment"))) << figure(round, "payment");
          }
    }
  }
}
