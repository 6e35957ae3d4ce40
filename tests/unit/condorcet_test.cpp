// Schulze, ranked pairs and Borda: small hand-worked cases, and every shared
// Condorcet PHP case for schulze_* / ranked_pairs_* (../shared/testdata/condorcet).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <set>

#include "allot/engine/cases.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "shared_data.hpp"

using namespace allot;

namespace {

// "A>B=C" -> ranks {A}, {B, C}. Count as units / 10^decimals.
RankedElection election(const std::vector<std::string>& names,
                        const std::vector<std::tuple<std::string, std::int64_t, int>>& ballots, int seats = 1) {
  RankedElection e;
  e.title = "test";
  e.candidates = names;
  e.seats = seats;
  auto index = [&](const std::string& n) {
    auto it = std::find(names.begin(), names.end(), n);
    if (it == names.end()) throw std::runtime_error("unknown " + n);
    return static_cast<int>(it - names.begin());
  };
  for (const auto& [text, units, decimals] : ballots) {
    RankedBallot b;
    b.count = BallotCount{units, decimals};
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('>', start);
      if (end == std::string::npos) end = text.size();
      std::vector<int> rank;
      std::size_t s = start;
      while (s < end) {
        std::size_t eq = text.find('=', s);
        if (eq == std::string::npos || eq > end) eq = end;
        rank.push_back(index(text.substr(s, eq - s)));
        s = eq + 1;
      }
      b.ranks.push_back(rank);
      start = end + 1;
    }
    e.ballots.push_back(b);
  }
  return e;
}

std::vector<std::string> winners(const RankedElection& e, const Result& r) {
  std::vector<std::string> out;
  for (int w : r.winners) out.push_back(e.candidates[static_cast<std::size_t>(w)]);
  return out;
}

std::string param(const Result& r, const std::string& key) {
  for (const auto& [k, v] : r.parameters)
    if (k == key) return v;
  return "<missing>";
}

std::string figure(const Result& r, const std::string& action, const std::string& key) {
  for (const auto& round : r.rounds)
    if (round.action == action)
      for (const auto& [k, v] : round.figures)
        if (k == key) return v;
  return "<missing>";
}

int count_rounds(const Result& r, const std::string& action) {
  return static_cast<int>(std::count_if(r.rounds.begin(), r.rounds.end(),
                                        [&](const Round& x) { return x.action == action; }));
}

void expect_explained(const Result& r) {
  for (const auto& o : r.options) EXPECT_FALSE(o.explanation.empty()) << "candidate " << o.option;
  for (std::size_t i = 0; i < r.rounds.size(); ++i) EXPECT_EQ(r.rounds[i].number, static_cast<int>(i) + 1);
}

RuleParams with(std::map<std::string, std::string> options) {
  RuleParams p;
  p.options = std::move(options);
  return p;
}

// 4 A>B>C, 3 B>C>A, 2 C>A>B: A>B 6-3, B>C 7-2, C>A 5-4: a cycle.
RankedElection cycle() {
  return election({"A", "B", "C"}, {{"A>B>C", 4, 0}, {"B>C>A", 3, 0}, {"C>A>B", 2, 0}});
}

// 4 B>A>C, 3 A>C>B, 2 C>A>B: A beats B 5-4 and C 7-2; C beats B 5-4.
RankedElection condorcet_winner(int seats = 1) {
  return election({"A", "B", "C"}, {{"B>A>C", 4, 0}, {"A>C>B", 3, 0}, {"C>A>B", 2, 0}}, seats);
}

}  // namespace

TEST(SchulzeTest, CycleResolvedByStrongestPaths) {
  const auto e = cycle();
  const Result r = schulze(e, {});
  // Winning votes: d = A>B 6, B>C 7, C>A 5. Paths: A->C = min(6,7) = 6 against
  // C->A 5; B->A = min(7,5) = 5 against A->B 6; B->C 7 against C->B = min(5,6) = 5.
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
  EXPECT_EQ(param(r, "ranking"), "A > B > C");
  EXPECT_EQ(figure(r, "pairwise", "A>B"), "6");
  EXPECT_EQ(figure(r, "pairwise", "B>A"), "3");
  EXPECT_EQ(figure(r, "defeats", "C>A"), "5");
  EXPECT_EQ(figure(r, "strongest_paths", "A>C"), "6");
  EXPECT_EQ(figure(r, "strongest_paths", "C>B"), "5");
  EXPECT_EQ(figure(r, "strongest_paths", "B>A"), "5");
  EXPECT_EQ(figure(r, "ranking", "C"), "3");
  EXPECT_EQ(r.options[0].explanation,
            "Elected. Ranked 1st: beats every other candidate by its strongest path (e.g. to B: 6 against 5 back).");
  EXPECT_NE(r.options[2].explanation.find("Ranked 3rd: B (ranked 2nd) has a stronger path to C than C has back, 7 against 5."),
            std::string::npos)
      << r.options[2].explanation;
  EXPECT_EQ(count_rounds(r, "tie_break"), 0);
  expect_explained(r);
}

TEST(SchulzeTest, MarginAndRatioStrengths) {
  const auto e = cycle();
  // Margins: A>B 3, B>C 5, C>A 1. Paths A->C 3 vs C->A 1: A first, then B.
  const Result m = schulze(e, with({{"strength", "margin"}}));
  EXPECT_EQ(param(m, "ranking"), "A > B > C");
  EXPECT_EQ(figure(m, "strongest_paths", "B>A"), "1");
  // Ratios: A>B 2, B>C 7/2, C>A 5/4.
  const Result q = schulze(e, with({{"strength", "ratio"}}));
  EXPECT_EQ(figure(q, "defeats", "B>C"), "3.5");
  EXPECT_EQ(figure(q, "defeats", "C>A"), "1.25");
  EXPECT_EQ(param(q, "ranking"), "A > B > C");
  // An unopposed defeat counts as votes + 1 in the ratio variant (the reference's convention).
  const auto u = election({"A", "B"}, {{"A>B", 10, 0}});
  EXPECT_EQ(figure(schulze(u, with({{"strength", "ratio"}})), "defeats", "A>B"), "11");
}

TEST(SchulzeTest, CondorcetWinnerAndSeats) {
  const auto e = condorcet_winner(2);
  const Result r = schulze(e, {});
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(param(r, "ranking"), "A > C > B");
  EXPECT_EQ(figure(r, "strongest_paths", "A>B"), "5");
  EXPECT_EQ(figure(r, "strongest_paths", "A>C"), "7");
  EXPECT_EQ(figure(r, "strongest_paths", "B>A"), "0");  // B defeats nobody
  EXPECT_EQ(figure(r, "strongest_paths", "C>A"), "0");
  EXPECT_TRUE(r.options[0].selected && r.options[2].selected && !r.options[1].selected);
  EXPECT_EQ(r.ballots, 9);
  EXPECT_EQ(r.options[1].support, 9);  // every ballot ranks B
  expect_explained(r);
}

TEST(SchulzeTest, TieBrokenByTieOrderAndRecorded) {
  const auto e = election({"B", "A"}, {{"A>B", 1, 0}, {"B>A", 1, 0}});
  const Result r = schulze(e, {});
  // Id order: "A" < "B".
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
  EXPECT_EQ(param(r, "ranking"), "A = B");
  EXPECT_EQ(count_rounds(r, "tie_break"), 1);
  EXPECT_FALSE(r.notes.empty());
  EXPECT_NE(r.options[1].explanation.find("tie order"), std::string::npos) << r.options[1].explanation;
  // A ticket order decides the same tie from a public seed, deterministically.
  RuleParams p;
  p.tie_break = TieBreak::ticket("seed");
  const TieOrder t(contest_of(e), p.tie_break);
  const Result rt = schulze(e, p);
  ASSERT_EQ(rt.winners.size(), 1u);
  EXPECT_EQ(rt.winners[0], t.order()[0]);
}

TEST(SchulzeTest, ImplicitVersusExplicitRanking) {
  // 4 ballots "A" alone, 3 "B > A > C".
  const auto e = election({"A", "B", "C"}, {{"A", 4, 0}, {"B>A>C", 3, 0}});
  // Implicit: "A" alone puts A above B and C (tied last): A>B 4-3.
  const Result imp = schulze(e, {});
  EXPECT_EQ(figure(imp, "pairwise", "A>B"), "4");
  EXPECT_EQ(figure(imp, "pairwise", "B>C"), "3");
  EXPECT_EQ(figure(imp, "pairwise", "C>B"), "0");
  EXPECT_EQ(param(imp, "ranking"), "A > B > C");
  // Explicit: "A" alone says nothing, so only the B>A>C ballots compare.
  const Result exp = schulze(e, with({{"implicit_ranking", "false"}}));
  EXPECT_EQ(figure(exp, "pairwise", "A>B"), "0");
  EXPECT_EQ(figure(exp, "pairwise", "B>A"), "3");
  EXPECT_EQ(param(exp, "ranking"), "B > A > C");
  EXPECT_EQ(winners(e, exp), (std::vector<std::string>{"B"}));
  const Result rp = ranked_pairs(e, with({{"implicit_ranking", "false"}}));
  EXPECT_EQ(param(rp, "ranking"), "B > A > C");
}

TEST(SchulzeTest, DecimalCountsAreExact) {
  // 0.5 ballots A>B, 1.5 ballots B>A, 0.1 ballots A alone.
  const auto e = election({"A", "B"}, {{"A>B", 5, 1}, {"B>A", 15, 1}, {"A", 1, 1}});
  const Result r = schulze(e, {});
  EXPECT_EQ(figure(r, "pairwise", "A>B"), "0.6");
  EXPECT_EQ(figure(r, "pairwise", "B>A"), "1.5");
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"B"}));
  EXPECT_EQ(param(r, "ballots"), "2.1");
  const Result q = schulze(e, with({{"strength", "ratio"}}));
  EXPECT_EQ(figure(q, "defeats", "B>A"), "2.5");
}

TEST(SchulzeTest, HugeAndTinyCountsStayExact) {
  // 9e18 ballots A>B next to 10^-18 of a ballot B>A: the scaled counts no longer
  // fit 64 bits, so the count is done in GMP integers.
  const auto e = election({"A", "B"}, {{"A>B", 9000000000000000000, 0}, {"B>A", 1, 18}});
  const Result r = schulze(e, with({{"strength", "margin"}}));
  EXPECT_EQ(figure(r, "pairwise", "A>B"), "9000000000000000000");
  EXPECT_EQ(figure(r, "pairwise", "B>A"), "0.000000000000000001");
  EXPECT_EQ(figure(r, "defeats", "A>B"), "8999999999999999999.999999999999999999");
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
}

TEST(SchulzeTest, WithdrawnCandidatesTakeNoPart) {
  auto e = cycle();
  e.withdrawn = {0};  // A: then B>C 7-2 straight
  const Result r = schulze(e, {});
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"B"}));
  EXPECT_EQ(param(r, "ranking"), "B > C");
  EXPECT_EQ(figure(r, "pairwise", "B>A"), "<missing>");
  EXPECT_NE(r.options[0].explanation.find("Withdrawn"), std::string::npos);
}

TEST(SchulzeTest, BadOptionsAndMarks) {
  const auto e = cycle();
  EXPECT_THROW(schulze(e, with({{"strength", "biggest"}})), UsageError);
  EXPECT_THROW(schulze(e, with({{"implicit_ranking", "maybe"}})), UsageError);
  EXPECT_THROW(ranked_pairs(e, with({{"strength", "ratio"}})), UsageError);
  auto o = e;
  o.ballots[0].ranks[1] = {kOvervoteMark};
  EXPECT_THROW(schulze(o, {}), UsageError);
  EXPECT_THROW(borda(o, {}), UsageError);
}

TEST(RankedPairsTest, CycleBrokenAtTheWeakestPair) {
  const auto e = cycle();
  // Sorted: B>C 7, A>B 6, C>A 5; C>A would close the cycle C>A>B>C.
  const Result r = ranked_pairs(e, {});
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
  EXPECT_EQ(param(r, "ranking"), "A > B > C");
  ASSERT_EQ(count_rounds(r, "lock"), 2);
  ASSERT_EQ(count_rounds(r, "skip"), 1);
  EXPECT_EQ(figure(r, "skip", "pair"), "C>A");
  EXPECT_EQ(figure(r, "skip", "cycle"), "A>B, B>C");
  EXPECT_EQ(r.options[0].explanation,
            "Elected. Ranked 1st: no locked pair defeats it; it wins its locked pairs against B.");
  EXPECT_EQ(r.options[2].explanation,
            "Not elected. Ranked 3rd: the locked pair B>C (winning votes 7, opposed by 2) places C below B (ranked "
            "2nd).");
  // Margins: B>C 5, A>B 3, C>A 1: the same.
  EXPECT_EQ(param(ranked_pairs(e, with({{"strength", "margin"}})), "ranking"), "A > B > C");
  expect_explained(r);
}

TEST(RankedPairsTest, TiedPairsAreConsideredTogether) {
  // One ballot each of A>B>C, B>C>A, C>A>B: A>B, B>C, C>A all 2-1. They are one
  // batch and together make a cycle, so none is locked: a three-way tie.
  const auto e = election({"A", "B", "C"}, {{"A>B>C", 1, 0}, {"B>C>A", 1, 0}, {"C>A>B", 1, 0}});
  const Result r = ranked_pairs(e, {});
  EXPECT_EQ(count_rounds(r, "lock"), 0);
  EXPECT_EQ(count_rounds(r, "skip"), 3);
  EXPECT_EQ(param(r, "ranking"), "A = B = C");
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
  EXPECT_EQ(count_rounds(r, "tie_break"), 1);
  // Schulze agrees: every strongest path is 2.
  EXPECT_EQ(param(schulze(e, {}), "ranking"), "A = B = C");
}

TEST(RankedPairsTest, EqualStrengthSortedBySmallerOpposition) {
  // Explicit ranking, two-candidate ballots: A>B 6-0, B>C 5-2, C>A 5-1.
  // Winning votes: A>B 6 first; B>C and C>A both 5, C>A has the smaller
  // opposition (1 < 2) so it comes first and is locked; B>C would close the
  // cycle B>C>A>B and is skipped. Ranking C > A > B.
  const auto e = election({"A", "B", "C"}, {{"A>B", 6, 0}, {"B>C", 5, 0}, {"C>B", 2, 0}, {"C>A", 5, 0}, {"A>C", 1, 0}});
  const Result r = ranked_pairs(e, with({{"implicit_ranking", "false"}}));
  EXPECT_EQ(param(r, "ranking"), "C > A > B");
  EXPECT_EQ(figure(r, "skip", "pair"), "B>C");
  EXPECT_EQ(figure(r, "skip", "cycle"), "C>A, A>B");
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"C"}));
}

TEST(BordaTest, EqualRanksShareTheirPositions) {
  // 2 x "A > B = C" (A 3, B and C 1.5 each), 1 x "B = C" (1.5 each), 1 x "C > A" (C 2, A 1).
  const auto e = election({"A", "B", "C"}, {{"A>B=C", 2, 0}, {"B=C", 1, 0}, {"C>A", 1, 0}}, 2);
  const Result r = borda(e, {});
  ASSERT_EQ(r.rounds.front().action, "points");
  EXPECT_EQ(r.rounds.front().tally,
            (std::vector<std::pair<int, std::string>>{{0, "7"}, {1, "4.5"}, {2, "6.5"}}));
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(param(r, "ranking"), "A > C > B");
  EXPECT_EQ(r.options[1].explanation,
            "Not elected. Ranked 3rd with 4.5 points; the last candidate elected, C, has 6.5 points.");
  EXPECT_EQ(r.options[0].explanation,
            "Elected. Ranked 1st with 7 points; the best candidate not elected, B, has 4.5 points.");
  EXPECT_EQ(r.options[2].support, 6);  // 6.5 rounded down
  expect_explained(r);
}

TEST(BordaTest, ShortBallotsAndSkippedRanks) {
  auto e = election({"A", "B", "C"}, {{"A", 1, 0}, {"B>C", 1, 0}});
  e.ballots[1].ranks.insert(e.ballots[1].ranks.begin() + 1, std::vector<int>{});  // B, (skipped), C
  const Result r = borda(e, {});
  // "A": r = 1 -> A 1. "B > _ > C": r = 2 -> B 2, C 1.
  EXPECT_EQ(r.rounds.front().tally, (std::vector<std::pair<int, std::string>>{{0, "1"}, {1, "2"}, {2, "1"}}));
  EXPECT_EQ(param(r, "ranking"), "B > A = C");
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"B"}));
}

TEST(BordaTest, TieDecidedByTieOrder) {
  const auto e = election({"B", "A"}, {{"A>B", 1, 0}, {"B>A", 1, 0}});
  const Result r = borda(e, {});
  EXPECT_EQ(winners(e, r), (std::vector<std::string>{"A"}));
  EXPECT_EQ(count_rounds(r, "tie_break"), 1);
  EXPECT_NE(r.options[0].explanation.find("decided the seat"), std::string::npos) << r.options[0].explanation;
  EXPECT_EQ(figure(r, "ranking", "B"), "1");
}

TEST(BordaTest, CondorcetWinnerIsNotAlwaysTheBordaWinner) {
  // A Condorcet winner A; Borda: A 21, B 17, C 16 here, so they agree ...
  const auto e = condorcet_winner();
  EXPECT_EQ(borda(e, {}).rounds.front().tally,
            (std::vector<std::pair<int, std::string>>{{0, "21"}, {1, "17"}, {2, "16"}}));
  // ... but 3 A>B>C and 2 B>C>A: A beats B 3-2 and C 3-2 (Condorcet winner),
  // while Borda gives A 9 + 2 = 11, B 6 + 6 = 12.
  const auto f = election({"A", "B", "C"}, {{"A>B>C", 3, 0}, {"B>C>A", 2, 0}});
  EXPECT_EQ(winners(f, schulze(f, {})), (std::vector<std::string>{"A"}));
  EXPECT_EQ(winners(f, borda(f, {})), (std::vector<std::string>{"B"}));
}

// ---- The shared Condorcet PHP cases ----------------------------------------

namespace {

std::vector<std::string> shared_condorcet_cases() {
  std::vector<std::string> out;
  const auto dir = allot::testing::shared_dir() / "testdata" / "condorcet";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return {"<absent>"};
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    if (name.find("__schulze_") != std::string::npos || name.find("__ranked_pairs_") != std::string::npos)
      out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) out.push_back("<absent>");
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  if (auto dot = s.rfind(".json"); dot != std::string::npos) s = s.substr(0, dot);
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

class SharedCondorcetCase : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(SharedCondorcetCase, MatchesReference) {
  if (GetParam() == "<absent>") GTEST_SKIP() << "no shared Condorcet cases at " << allot::testing::shared_dir();
  const auto path = allot::testing::shared_dir() / "testdata" / "condorcet" / GetParam();
  const auto doc = nlohmann::json::parse(allot::testing::read_file(path));
  const CaseOutcome outcome = run_condorcet_case(doc);
  EXPECT_TRUE(outcome.passed) << GetParam() << ": " << outcome.detail;
}

INSTANTIATE_TEST_SUITE_P(CondorcetPhp, SharedCondorcetCase, ::testing::ValuesIn(shared_condorcet_cases()), test_name);

TEST(SharedCondorcetCases, AllTwentyArePresent) {
  const auto cases = shared_condorcet_cases();
  if (cases.front() == "<absent>") GTEST_SKIP() << "no shared data";
  EXPECT_EQ(cases.size(), 20u);
}

TEST(SharedCondorcetCases, RunnerReportsDifferences) {
  // A made-up case whose expectations are wrong: the runner names each difference.
  const auto doc = nlohmann::json::parse(R"({
    "method": "schulze_winning", "candidates": ["A", "B", "C"], "seats": 1,
    "options": {"implicit_ranking": true},
    "ballots": [{"ranking": [["A"], ["B"], ["C"]], "count": 4},
                {"ranking": [["B"], ["C"], ["A"]], "count": 3},
                {"ranking": [["C"], ["A"], ["B"]], "count": 2}],
    "expected": {"winners": ["B"], "ranking": [["B"], ["A"], ["C"]],
                 "stats": {"A": {"B": 6, "C": "13/2"}}}})");
  const CaseOutcome out = run_condorcet_case(doc);
  EXPECT_FALSE(out.passed);
  EXPECT_NE(out.detail.find("winners: expected {B}, our top ranked {A}"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("ranking group 1: expected {B}, got {A}"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("strongest path A>C: expected 13/2, got 6"), std::string::npos) << out.detail;
  EXPECT_EQ(out.detail.find("A>B"), std::string::npos) << out.detail;
  auto bad = doc;
  bad["method"] = "copeland";
  EXPECT_FALSE(run_condorcet_case(bad).passed);
  bad = doc;
  bad["ballots"][0]["ranking"][0][0] = "Z";
  const auto o = run_condorcet_case(bad);
  EXPECT_FALSE(o.passed);
  EXPECT_NE(o.detail.find("unknown candidate"), std::string::npos) << o.detail;
}
