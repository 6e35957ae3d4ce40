// The STV variants after Droop.py and STV-rs (stv_variants.cpp) and their
// reference-case runner (cases_stv.cpp): hand-made cases worked out by hand
// (tests/fixtures/stv), every shared case of ../shared/testdata/stv, and the
// rules' contracts (options, results, errors).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "allot/engine/cases.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "shared_data.hpp"

namespace {

using allot::RankedBallot;
using allot::RankedElection;
using allot::Result;
using allot::RuleParams;

namespace fs = std::filesystem;

// ---------------------------------------------------------------- helpers

RankedElection election(std::vector<std::string> names, int seats,
                        const std::vector<std::pair<std::vector<std::vector<int>>, long>>& lines) {
  RankedElection e;
  e.title = "test";
  e.candidates = std::move(names);
  e.seats = seats;
  for (const auto& [ranks, count] : lines) {
    RankedBallot b;
    b.ranks = ranks;
    b.count = {count, 0};
    e.ballots.push_back(b);
  }
  return e;
}

RuleParams options(std::map<std::string, std::string> o) {
  RuleParams p;
  p.options = std::move(o);
  return p;
}

std::string tally_of(const allot::Round& r, int c) {
  for (const auto& [cand, v] : r.tally)
    if (cand == c) return v;
  return "";
}

// The invariants every STV variant keeps.
void check_result(const RankedElection& e, const Result& r) {
  EXPECT_LE(static_cast<int>(r.winners.size()), e.seats);
  std::set<int> distinct(r.winners.begin(), r.winners.end());
  EXPECT_EQ(distinct.size(), r.winners.size()) << "a candidate is listed twice among the winners";
  ASSERT_EQ(r.options.size(), e.candidates.size());
  for (int w : e.withdrawn) EXPECT_EQ(distinct.count(w), 0u) << "a withdrawn candidate won";
  for (std::size_t i = 0; i < r.options.size(); ++i) {
    EXPECT_EQ(r.options[i].option, static_cast<int>(i));
    EXPECT_EQ(r.options[i].selected, distinct.count(static_cast<int>(i)) == 1);
    EXPECT_FALSE(r.options[i].explanation.empty());
  }
  EXPECT_FALSE(r.rounds.empty());
  for (const auto& round : r.rounds) {
    EXPECT_FALSE(round.text.empty());
    for (const auto& [cand, v] : round.tally) {
      EXPECT_TRUE(std::find(e.withdrawn.begin(), e.withdrawn.end(), cand) == e.withdrawn.end());
      EXPECT_FALSE(v.empty());
    }
  }
  EXPECT_EQ(r.tie_order.size(), e.candidates.size());
  EXPECT_FALSE(r.notes.empty());
}

std::vector<std::string> json_files(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const std::string& file) {
  std::string s;
  for (char ch : file.substr(0, file.size() - 5)) {
    if (std::isalnum(static_cast<unsigned char>(ch))) s.push_back(ch);
    else if (ch == '.') s += "_dot_";
    else s.push_back('_');
  }
  return s;
}

// The rule options a case's "options" give (as cases_stv.cpp reads them).
RuleParams case_params(const nlohmann::json& doc) {
  RuleParams p;
  const auto& o = doc.at("options");
  for (const char* key : {"droop_rule", "arithmetic", "precision", "guard", "display", "omega", "defeat_batch",
                          "equalize", "tie_order"}) {
    if (!o.contains(key) || o[key].is_null()) continue;
    p.options[key] = o[key].is_string() ? o[key].get<std::string>()
                     : o[key].is_boolean() ? (o[key].get<bool>() ? "true" : "false")
                                           : o[key].dump();
  }
  if (!o.contains("droop_rule") && o.value("rule", "").find("stv-rs") != std::string::npos)
    p.options["droop_rule"] = "stv-rs";
  return p;
}

Result run_method(const std::string& method, const RankedElection& e, const RuleParams& p) {
  static const std::map<std::string, Result (*)(const RankedElection&, const RuleParams&)> rules = {
      {"stv_meek", allot::stv_meek},       {"stv_wigm", allot::stv_wigm}, {"stv_warren", allot::stv_warren},
      {"stv_scottish", allot::stv_scottish}, {"stv_mpls", allot::stv_mpls}, {"stv_cfer", allot::stv_cfer},
      {"qpq", allot::qpq}};
  return rules.at(method)(e, p);
}

// ---------------------------------------------------------------- hand-made cases

class StvFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(StvFixture, MatchesHandWorkedOutcome) {
  const fs::path path = allot::testing::fixtures_dir() / "stv" / GetParam();
  const nlohmann::json doc = nlohmann::json::parse(allot::testing::read_file(path));
  const allot::CaseOutcome out = allot::run_stv_case(doc);
  EXPECT_TRUE(out.passed) << out.detail;
  const RankedElection e = allot::election_of_case(doc);
  const Result r = run_method(doc.at("method").get<std::string>(), e, case_params(doc));
  check_result(e, r);
  std::vector<std::string> winners;
  for (int w : r.winners) winners.push_back(e.candidates[static_cast<std::size_t>(w)]);
  std::vector<std::string> expected = doc["expected"]["winners"].get<std::vector<std::string>>();
  EXPECT_EQ(winners, expected);
}

INSTANTIATE_TEST_SUITE_P(Stv, StvFixture,
                         ::testing::ValuesIn(json_files(allot::testing::fixtures_dir() / "stv")),
                         [](const ::testing::TestParamInfo<std::string>& info) { return test_name(info.param); });

// ---------------------------------------------------------------- shared cases

const char* const kNoSharedData = "(no shared data).json";

std::vector<std::string> shared_cases() {
  std::vector<std::string> files = json_files(allot::testing::shared_dir() / "testdata" / "stv");
  if (files.empty()) files.push_back(kNoSharedData);
  return files;
}

class StvSharedCase : public ::testing::TestWithParam<std::string> {};

TEST_P(StvSharedCase, MatchesReference) {
  if (GetParam() == kNoSharedData)
    GTEST_SKIP() << "shared STV cases not found under " << (allot::testing::shared_dir() / "testdata" / "stv")
                 << " (set ALLOT_SHARED)";
  const fs::path path = allot::testing::shared_dir() / "testdata" / "stv" / GetParam();
  const nlohmann::json doc = nlohmann::json::parse(allot::testing::read_file(path));
  ASSERT_TRUE(allot::is_reference_case(doc));
  const allot::CaseOutcome out = allot::run_stv_case(doc);
  EXPECT_TRUE(out.passed) << GetParam() << ": " << out.detail;
  const RankedElection e = allot::election_of_case(doc);
  check_result(e, run_method(doc.at("method").get<std::string>(), e, case_params(doc)));
}

INSTANTIATE_TEST_SUITE_P(Stv, StvSharedCase, ::testing::ValuesIn(shared_cases()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return test_name(info.param); });

// ---------------------------------------------------------------- contracts

// 6 A>B>C, 1 B, 2 C, 3 D, two seats (tests/fixtures/stv/README.md works it out).
RankedElection surplus_flow() {
  return election({"A", "B", "C", "D"}, 2, {{{{0}, {1}, {2}}, 6}, {{{1}}, 1}, {{{2}}, 2}, {{{3}}, 3}});
}

TEST(StvVariants, MeekAndWigmDifferWhereMeekRecountsTheSurplus) {
  const RankedElection e = surplus_flow();
  const Result meek = allot::stv_meek(e, options({{"arithmetic", "rational"}}));
  const Result wigm = allot::stv_wigm(e, options({{"arithmetic", "rational"}}));
  EXPECT_EQ(meek.winners, (std::vector<int>{0, 1}));
  EXPECT_EQ(wigm.winners, (std::vector<int>{0, 3}));
  EXPECT_EQ(meek.rule, "stv_meek");
  EXPECT_EQ(wigm.rule, "stv_wigm");
  // Final tallies at the display precision (12 places for rationals).
  EXPECT_EQ(tally_of(meek.rounds.back(), 1), "3.666666666667");
  EXPECT_EQ(tally_of(wigm.rounds.back(), 3), "3.000000000000");
  // First preferences, rounded down.
  EXPECT_EQ(meek.options[0].support, 6);
  EXPECT_EQ(meek.options[3].support, 3);
  check_result(e, meek);
  check_result(e, wigm);
}

TEST(StvVariants, DroopDefaultsAreUsedWhenOptionsAreAbsent) {
  const RankedElection e = surplus_flow();
  const Result meek = allot::stv_meek(e, {});
  std::map<std::string, std::string> p(meek.parameters.begin(), meek.parameters.end());
  EXPECT_EQ(p["droop_rule"], "meek");
  EXPECT_EQ(p["arithmetic"], "guarded");
  EXPECT_EQ(p["precision"], "18");
  EXPECT_EQ(p["guard"], "9");
  EXPECT_EQ(p["omega"], "1e-9");
  EXPECT_EQ(p["defeat_batch"], "safe");
  EXPECT_EQ(meek.winners, (std::vector<int>{0, 1}));
  const Result scot = allot::stv_scottish(e, {});
  std::map<std::string, std::string> s(scot.parameters.begin(), scot.parameters.end());
  EXPECT_EQ(s["arithmetic"], "fixed");
  EXPECT_EQ(s["precision"], "5");
  EXPECT_EQ(s["quota"], "5.00000");  // floor(12 / 3) + 1
  const Result q = allot::qpq(e, {});
  std::map<std::string, std::string> qp(q.parameters.begin(), q.parameters.end());
  EXPECT_EQ(qp["arithmetic"], "guarded");
  EXPECT_EQ(qp["precision"], "9");
}

TEST(StvVariants, TieOrderDecidesWhoIsDefeated) {
  // 6 A>B, 3 C, two seats: once A keeps half of its ballots, B and C tie at 3.
  const RankedElection e = election({"A", "B", "C"}, 2, {{{{0}, {1}}, 6}, {{{2}}, 3}});
  for (const char* arithmetic : {"guarded", "rational"}) {
    const Result by_order = allot::stv_meek(e, options({{"arithmetic", arithmetic}}));
    EXPECT_EQ(by_order.winners, (std::vector<int>{0, 2})) << arithmetic;
    const Result by_tie = allot::stv_meek(e, options({{"arithmetic", arithmetic}, {"tie_order", R"(["C","B","A"])"}}));
    EXPECT_EQ(by_tie.winners, (std::vector<int>{0, 1})) << arithmetic;
    EXPECT_EQ(by_tie.tie_order, (std::vector<int>{2, 1, 0})) << arithmetic;
  }
  const Result wigm = allot::stv_wigm(e, options({{"arithmetic", "rational"}, {"tie_order", "C, B, A"}}));
  EXPECT_EQ(wigm.winners, (std::vector<int>{0, 1}));
  // With 9 fixed places the PR Foundation rule rounds keep values up: A keeps
  // 3.000000006, B gets 2.999999994 and loses outright, whatever the tie order.
  const Result prf = allot::stv_meek(e, options({{"droop_rule", "meek-prf"}, {"tie_order", R"(["C","B","A"])"}}));
  EXPECT_EQ(prf.winners, (std::vector<int>{0, 2}));
}

TEST(StvVariants, WithdrawnCandidatesAreSkipped) {
  RankedElection e = election({"A", "B", "C"}, 1, {{{{1}, {0}}, 3}, {{{0}}, 2}, {{{2}}, 4}});
  e.withdrawn = {1};
  for (const std::string rule : {"stv_meek", "stv_wigm", "stv_scottish", "stv_mpls", "stv_cfer", "qpq"}) {
    const Result r = run_method(rule, e, {});
    // B's three ballots count for A: A 5, C 4.
    EXPECT_EQ(r.winners, (std::vector<int>{0})) << rule;
    EXPECT_FALSE(r.options[1].selected) << rule;
    EXPECT_NE(r.options[1].explanation.find("withdrew"), std::string::npos) << rule;
    check_result(e, r);
  }
}

TEST(StvVariants, DecimalBallotCounts) {
  // 2.5 A, 1.5 B, 1 C; one seat; WIGM with exact fractions: quota 5/2, A needs more.
  RankedElection e = election({"A", "B", "C"}, 1, {});
  RankedBallot a{{{0}}, {25, 1}}, b{{{1}, {0}}, {15, 1}}, c{{{2}}, {1, 0}};
  e.ballots = {a, b, c};
  const Result r = allot::stv_wigm(e, options({{"arithmetic", "rational"}}));
  EXPECT_EQ(tally_of(r.rounds.front(), 0), "2.500000000000");
  EXPECT_EQ(tally_of(r.rounds.front(), 1), "1.500000000000");
  EXPECT_EQ(r.winners, (std::vector<int>{0}));  // C (1) out, then B (1.5) passes to A
  EXPECT_EQ(r.options[0].support, 2);
  EXPECT_EQ(r.ballots, 5);
}

TEST(StvVariants, EqualPreferencesCountForMeekOnly) {
  // 3 A=B, 2 C, 1 B; one seat.
  const RankedElection e = election({"A", "B", "C"}, 1, {{{{0, 1}}, 3}, {{{2}}, 2}, {{{1}}, 1}});
  const Result meek = allot::stv_meek(e, options({{"arithmetic", "rational"}}));
  EXPECT_EQ(tally_of(meek.rounds.front(), 0), "1.500000000000");
  EXPECT_EQ(tally_of(meek.rounds.front(), 1), "2.500000000000");
  EXPECT_EQ(meek.winners, (std::vector<int>{1}));
  // Droop.py's WIGM counts such ballots in the quota but gives them to no one.
  const Result wigm = allot::stv_wigm(e, options({{"arithmetic", "rational"}}));
  EXPECT_EQ(tally_of(wigm.rounds.front(), 0), "0.000000000000");
  EXPECT_EQ(tally_of(wigm.rounds.front(), 1), "1.000000000000");
  bool noted = false;
  for (const auto& n : wigm.notes) noted = noted || n.find("equal preferences") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(StvVariants, QpqRestartsButNamesEachWinnerOnce) {
  // 5 A, 2 B, 2 C, 2 D, 1 E; three seats; quota 12/4. A is elected (its ballots
  // now count as having elected 1/5 each); the quota becomes 7/3 and nobody passes
  // it, so E is excluded and the count restarts: A is elected again, then the
  // quota is 6/3 = 2, B is excluded (by lot among B, C, D at 2) and C, D fill the
  // remaining seats.
  const RankedElection e =
      election({"A", "B", "C", "D", "E"}, 3, {{{{0}}, 5}, {{{1}}, 2}, {{{2}}, 2}, {{{3}}, 2}, {{{4}}, 1}});
  const Result r = allot::qpq(e, {});
  EXPECT_EQ(r.winners, (std::vector<int>{0, 2, 3}));
  int times_a_elected = 0;
  for (const auto& round : r.rounds) times_a_elected += round.action == "elect" && round.option == 0;
  EXPECT_EQ(times_a_elected, 2);
  check_result(e, r);
}

TEST(StvVariants, RoundsDescribeEachLoggedStep) {
  const RankedElection e = surplus_flow();
  const Result r = allot::stv_wigm(e, options({{"droop_rule", "wigm-prf"}}));
  ASSERT_FALSE(r.rounds.empty());
  EXPECT_EQ(r.rounds.front().action, "begin");
  EXPECT_EQ(r.rounds.back().action, "end");
  bool saw_transfer = false;
  for (const auto& round : r.rounds) {
    std::map<std::string, std::string> f(round.figures.begin(), round.figures.end());
    EXPECT_TRUE(f.count("quota"));
    EXPECT_TRUE(f.count("exhausted"));
    if (round.action == "transfer" && round.option == 0) {
      saw_transfer = true;
      EXPECT_NE(round.text.find("surplus of A"), std::string::npos) << round.text;
    }
  }
  EXPECT_TRUE(saw_transfer);
  // Every elected or defeated candidate appears in exactly one round's lists.
  std::map<int, int> decided;
  for (const auto& round : r.rounds) {
    for (int c : round.elected) ++decided[c];
    for (int c : round.eliminated) ++decided[c];
  }
  for (int c = 0; c < 4; ++c) EXPECT_EQ(decided[c], 1) << c;
}

TEST(StvVariants, BadOptionsAreUsageErrors) {
  const RankedElection e = surplus_flow();
  using allot::UsageError;
  EXPECT_THROW(allot::stv_meek(e, options({{"arithmetic", "float"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"droop_rule", "wigm"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"omega", "0.5"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"defeat_batch", "maybe"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"precision", "nine"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"equalize", "perhaps"}})), UsageError);
  EXPECT_THROW(allot::stv_meek(e, options({{"tie_order", R"(["A","Zed"])"}})), UsageError);
  EXPECT_THROW(allot::stv_wigm(e, options({{"defeat_batch", "safe"}})), UsageError);
  EXPECT_THROW(allot::stv_wigm(e, options({{"equalize", "true"}})), UsageError);
  EXPECT_THROW(allot::stv_cfer(e, options({{"defeat_batch", "zero"}})), UsageError);
  EXPECT_THROW(allot::stv_scottish(e, options({{"integer_quota", "true"}})), UsageError);
  EXPECT_THROW(allot::qpq(e, options({{"droop_rule", "meek"}})), UsageError);
  // Values of the right kind are accepted.
  EXPECT_NO_THROW(allot::stv_meek(e, options({{"omega", "0.000001"}, {"arithmetic", "fixed"}})));
  EXPECT_NO_THROW(allot::stv_meek(e, options({{"omega", "1e-6"}, {"defeat_batch", "none"}})));
  EXPECT_NO_THROW(allot::stv_wigm(e, options({{"droop_rule", "wigm-prf"}, {"defeat_batch", "true"}})));
}

TEST(StvVariants, StvRsStopsOrForcesAPositiveSurplus) {
  // 3 A=B>C and 3 A=C>B, two seats, 9 fixed places: once A is elected its vote
  // ends a unit below the quota and Droop.py's total surplus turns negative.
  // STV-rs's Droop.py-compatible mode stops there; the default
  // (force_positive_surplus unset) finishes the count with the fix, as STV-rs's
  // --force-positive-surplus does.
  const RankedElection e = election({"A", "B", "C"}, 2, {{{{0, 1}, {2}}, 3}, {{{0, 2}, {1}}, 3}});
  EXPECT_THROW(allot::stv_meek(e, options({{"droop_rule", "stv-rs"}, {"force_positive_surplus", "false"}})),
               allot::UsageError);
  const Result r = allot::stv_meek(e, options({{"droop_rule", "stv-rs"}}));
  EXPECT_EQ(r.winners, (std::vector<int>{0, 2}));
  std::map<std::string, std::string> p(r.parameters.begin(), r.parameters.end());
  EXPECT_EQ(p["force_positive_surplus"], "true");
  const Result forced = allot::stv_meek(e, options({{"droop_rule", "stv-rs"}, {"force_positive_surplus", "true"}}));
  EXPECT_EQ(forced.winners, r.winners);
}

TEST(StvVariants, ExactMeekThatNeverSettlesIsAUsageError) {
  // 1.2 B>E, 2 B=F=A; three seats. With B and E elected the exact keep factors
  // double in length at every iteration while the surplus creeps towards zero.
  RankedElection e = election({"A", "B", "C", "D", "E", "F"}, 3, {});
  e.ballots = {RankedBallot{{{1}, {4}}, {12, 1}}, RankedBallot{{{1, 5, 0}}, {2, 0}}};
  EXPECT_THROW(allot::stv_meek(e, options({{"arithmetic", "rational"}})), allot::UsageError);
  const Result guarded = allot::stv_meek(e, {});
  EXPECT_EQ(guarded.winners, (std::vector<int>{1, 4, 5}));
  check_result(e, guarded);
}

TEST(StvVariants, CaseRunnerNamesTheFirstDifference) {
  nlohmann::json doc = nlohmann::json::parse(
      allot::testing::read_file(allot::testing::fixtures_dir() / "stv" / "wigm-freezes-transfers.json"));
  ASSERT_TRUE(allot::run_stv_case(doc).passed);
  doc["expected"]["winners"] = {"A", "B"};
  doc["expected"]["final_tally"]["D"] = "2.5";
  const allot::CaseOutcome out = allot::run_stv_case(doc);
  EXPECT_FALSE(out.passed);
  EXPECT_NE(out.detail.find("winners: got [A, D], expected [A, B]"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("final tally of D is 3.000000000000, expected 2.5"), std::string::npos) << out.detail;
  doc["method"] = "stv_unknown";
  const allot::CaseOutcome bad = allot::run_stv_case(doc);
  EXPECT_FALSE(bad.passed);
  EXPECT_NE(bad.detail.find("stv_unknown"), std::string::npos) << bad.detail;
}

}  // namespace
