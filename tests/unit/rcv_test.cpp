// RCTab-compatible counts (irv, stv, bottoms_up, irv_multipass) and the Condorcet
// PHP instant-runoff and STV variants: the Java library behaviours they copy, the
// hand-worked fixtures in tests/fixtures/rcv, every shared reference case, and the
// invariants every count must keep.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../../engine/src/java_random.hpp"
#include "allot/engine/cases.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "allot/engine/tiebreak.hpp"
#include "shared_data.hpp"

using namespace allot;
namespace fs = std::filesystem;
using allot::detail::JavaRandom;

namespace {

// ---------------------------------------------------------------------------
// Helpers.

// "A>B=C>>D": ranks {A}, {B, C}, {} (skipped), {D}; "A|B" is not used.
RankedElection election(const std::vector<std::string>& names, const std::vector<std::pair<std::string, int>>& ballots,
                        int seats = 1) {
  RankedElection e;
  e.title = "test";
  e.candidates = names;
  e.seats = seats;
  for (const auto& [text, count] : ballots) {
    RankedBallot b;
    b.count = BallotCount{count, 0};
    std::size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      std::size_t end = text.find('>', start);
      if (end == std::string::npos) end = text.size();
      std::vector<int> rank;
      std::size_t s = start;
      while (s < end) {
        std::size_t eq = text.find('=', s);
        if (eq == std::string::npos || eq > end) eq = end;
        const std::string name = text.substr(s, eq - s);
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) throw std::runtime_error("unknown candidate " + name);
        rank.push_back(static_cast<int>(it - names.begin()));
        s = eq + 1;
      }
      b.ranks.push_back(rank);
      if (end == text.size()) break;
      start = end + 1;
    }
    e.ballots.push_back(b);
  }
  return e;
}

RuleParams options(std::map<std::string, std::string> o) {
  RuleParams p;
  p.options = std::move(o);
  return p;
}

std::vector<std::string> names_of(const RankedElection& e, const std::vector<int>& ids) {
  std::vector<std::string> v;
  for (int c : ids) v.push_back(e.candidates[static_cast<std::size_t>(c)]);
  return v;
}

const std::string* figure(const Round& r, const std::string& key) {
  for (const auto& [k, v] : r.figures)
    if (k == key) return &v;
  return nullptr;
}

std::string tally(const RankedElection& e, const Round& r, const std::string& name) {
  for (const auto& [c, v] : r.tally)
    if (e.candidates[static_cast<std::size_t>(c)] == name) return v;
  return "<none>";
}

// Decimal or "p/q" text as an exact rational.
Rational number(const std::string& s) {
  if (s.find('/') != std::string::npos) return Rational(s);
  const auto dot = s.find('.');
  if (dot == std::string::npos) return Rational(mpz_class(s, 10));
  const std::string digits = s.substr(0, dot) + s.substr(dot + 1);
  mpz_class den;
  mpz_ui_pow_ui(den.get_mpz_t(), 10, static_cast<unsigned long>(s.size() - dot - 1));
  Rational q(mpz_class(digits, 10), den);
  q.canonicalize();
  return q;
}

std::vector<std::string> json_files(const fs::path& dir, const std::string& contains = "") {
  std::vector<std::string> out;
  if (fs::is_directory(dir))
    for (const auto& f : fs::directory_iterator(dir))
      if (f.path().extension() == ".json" && f.path().filename().string().find(contains) != std::string::npos)
        out.push_back(f.path().filename().string());
  std::sort(out.begin(), out.end());
  if (out.empty()) out.push_back("<absent>");
  return out;
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  if (s.size() > 5 && s.substr(s.size() - 5) == ".json") s.resize(s.size() - 5);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

nlohmann::json load(const fs::path& p) { return nlohmann::json::parse(allot::testing::read_file(p)); }

// ---------------------------------------------------------------------------
// java.util.Random and friends, against values printed by a real JVM.

TEST(JavaRandom, NextDoubleMatchesJava) {
  EXPECT_EQ(JavaRandom(0).next_double(), 0.730967787376657);
  JavaRandom one(1);
  EXPECT_EQ(one.next_double(), 0.7308781907032909);
  EXPECT_EQ(one.next_double(), 0.41008081149220166);
  EXPECT_EQ(JavaRandom(12345).next_double(), 0.3618031071604718);
  EXPECT_EQ(JavaRandom(-140737488355328LL).next_double(), 0.23096777992607642);  // RCTab's smallest seed
}

TEST(JavaRandom, NextIntMatchesJava) {
  EXPECT_EQ(JavaRandom(42).next_int(10), 0);
  EXPECT_EQ(JavaRandom(42).next_int(), -1170105035);
  EXPECT_EQ(JavaRandom(0).next_int(), -1155484576);
  EXPECT_EQ(JavaRandom(7).next_int(16), 11);  // power-of-two bound: scaled, not reduced
  JavaRandom three(3);
  const std::vector<std::int32_t> want3 = {569933727, 207763653, 152454210, 729262574, 144139128, 249547195, 649604542, 235116557};
  for (std::int32_t w : want3) EXPECT_EQ(three.next_int(1000000007), w);
  // A bound just over 2^30 rejects about half the draws: the retry loop must match.
  JavaRandom five(5);
  const std::vector<std::int32_t> want5 = {379250092, 189533474, 1049914506, 991787854, 963357722, 918177321, 596500747, 742486560};
  for (std::int32_t w : want5) EXPECT_EQ(five.next_int((1 << 30) | 1), w);
}

TEST(JavaRandom, ShuffleMatchesCollectionsShuffle) {
  std::vector<std::string> v = {"A", "B", "C", "D", "E", "F", "G"};
  JavaRandom r(0);
  detail::java_shuffle(v, r);
  EXPECT_EQ(v, (std::vector<std::string>{"B", "A", "D", "C", "G", "E", "F"}));
}

TEST(JavaRandom, StringHashOrderAndHashSet) {
  EXPECT_EQ(detail::java_string_hash("Dopey"), 66217113);
  EXPECT_EQ(detail::java_string_hash("Sneezy"), -1814050598);
  EXPECT_EQ(detail::java_string_hash("\xC3\x89lan"), 6094896);          // Élan
  EXPECT_EQ(detail::java_string_hash("\xE6\x97\xA5\xE6\x9C\xAC"), 835047);  // 日本
  // Java orders UTF-16 code units: a surrogate pair (U+1F600) sorts before U+FFFD.
  std::vector<std::string> s = {"b", "B", "\xC3\xA9", "Z", "a", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"};
  std::sort(s.begin(), s.end(), detail::java_string_less);
  EXPECT_EQ(s, (std::vector<std::string>{"B", "Z", "a", "b", "\xC3\xA9", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"}));
  // new HashSet<>(List.of(...)) iteration order.
  auto order = [](const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (std::size_t i : detail::java_hash_set_order(names)) out.push_back(names[i]);
    return out;
  };
  EXPECT_EQ(order({"Dopey", "Sneezy"}), (std::vector<std::string>{"Sneezy", "Dopey"}));
  EXPECT_EQ(order({"Candidate A Name", "Candidate B Name", "Candidate C Name", "Candidate D Name", "Undeclared Write-ins", "Happy", "Grumpy"}),
            (std::vector<std::string>{"Candidate A Name", "Happy", "Undeclared Write-ins", "Candidate D Name", "Grumpy",
                                      "Candidate C Name", "Candidate B Name"}));
}

// ---------------------------------------------------------------------------
// Hand-worked fixtures (tests/fixtures/rcv/README.md says how each was worked out).

class RcvFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(RcvFixture, MatchesHandWorkedOutcome) {
  ASSERT_NE(GetParam(), "<absent>") << "no fixtures in " << allot::testing::fixtures_dir() / "rcv";
  const CaseOutcome out = run_rcv_case(load(allot::testing::fixtures_dir() / "rcv" / GetParam()));
  EXPECT_TRUE(out.passed) << out.detail;
}

INSTANTIATE_TEST_SUITE_P(Rcv, RcvFixture, ::testing::ValuesIn(json_files(allot::testing::fixtures_dir() / "rcv")), test_name);

TEST(RcvFixtures, AllElevenArePresent) { EXPECT_EQ(json_files(allot::testing::fixtures_dir() / "rcv").size(), 11u); }

// ---------------------------------------------------------------------------
// Every shared RCTab case, and the Condorcet PHP instant-runoff and STV cases.

class SharedRcvCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedRcvCase, MatchesRctab) {
  if (GetParam() == "<absent>") GTEST_SKIP() << "no shared RCTab cases at " << allot::testing::shared_dir() << " (set ALLOT_SHARED)";
  const CaseOutcome out = run_rcv_case(load(allot::testing::shared_dir() / "testdata" / "rcv" / GetParam()));
  EXPECT_TRUE(out.passed) << out.detail;
}

INSTANTIATE_TEST_SUITE_P(Rctab, SharedRcvCase,
                         ::testing::ValuesIn(json_files(allot::testing::shared_dir() / "testdata" / "rcv")), test_name);

class SharedCondorcetPhpCase : public ::testing::TestWithParam<std::string> {};

TEST_P(SharedCondorcetPhpCase, MatchesCondorcetPhp) {
  if (GetParam() == "<absent>") GTEST_SKIP() << "no shared Condorcet PHP IRV/STV cases at " << allot::testing::shared_dir();
  const CaseOutcome out = run_rcv_case(load(allot::testing::shared_dir() / "testdata" / "condorcet" / GetParam()));
  EXPECT_TRUE(out.passed) << out.detail;
}

std::vector<std::string> condorcet_php_cases() {
  const fs::path dir = allot::testing::shared_dir() / "testdata" / "condorcet";
  std::vector<std::string> v;
  for (const char* family : {"__irv_condorcet_php__", "__stv_condorcet_php__"})
    for (const auto& f : json_files(dir, family))
      if (f != "<absent>") v.push_back(f);
  if (v.empty()) v.push_back("<absent>");
  return v;
}

INSTANTIATE_TEST_SUITE_P(CondorcetPhp, SharedCondorcetPhpCase, ::testing::ValuesIn(condorcet_php_cases()), test_name);

TEST(SharedRcvCases, AllArePresent) {
  const auto rcv = json_files(allot::testing::shared_dir() / "testdata" / "rcv");
  if (rcv.front() == "<absent>") GTEST_SKIP() << "no shared data";
  EXPECT_GE(rcv.size(), 35u);  // all of shared/testdata/rcv (more may be added)
  EXPECT_GE(condorcet_php_cases().size(), 5u);
}

// Every round of every case keeps the votes: continuing tallies (winners shown
// with what they keep) + residual surplus + inactive ballots + final-round surplus
// = all ballots that rank someone. No candidate is decided twice, and a round
// either elects or eliminates, never both.
void expect_invariants(const std::string& label, const nlohmann::json& doc) {
  const RankedElection e = election_of_case(doc);
  const std::string method = doc.at("method");
  RuleParams p;
  static const std::set<std::string> known = {
      "overvote_rule", "max_skipped_ranks", "max_rankings", "exhaust_on_duplicate", "decimal_places",
      "non_integer_threshold", "hare_quota", "batch_elimination", "cutoff_elimination", "continue_until_two",
      "first_round_determines_threshold", "stop_after_round", "bottoms_up_percentage", "single_winner_per_round",
      "tiebreak", "random_seed", "tiebreak_permutation", "undeclared_write_ins", "rctab_winner_election_mode"};
  for (const auto& [k, v] : doc.at("options").items()) {
    if (v.is_null() || !known.count(k)) continue;
    if (v.is_array()) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : ",") + x.get<std::string>();
      p.options[k] = s;
    } else {
      p.options[k] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  Result r;
  try {
    r = method == "irv" ? irv(e, p) : method == "stv_rctab" ? stv(e, p) : method == "irv_multipass" ? irv_multipass(e, p) : bottoms_up(e, p);
  } catch (const UsageError& ex) {
    // A tie that only an operator may break is reported, not an invariant failure.
    if (std::string(ex.what()).find("operator") == std::string::npos) ADD_FAILURE() << label << ": " << ex.what();
    return;
  }
  Rational total = 0;
  for (const auto& b : doc.at("ballots"))
    if (!b.at("ranking").empty()) total += number(b.at("count").dump());
  std::set<int> decided;
  std::map<std::string, Rational> last_bucket;
  for (const Round& round : r.rounds) {
    const std::string where = label + " round " + std::to_string(round.number);
    Rational sum = 0;
    for (const auto& [c, v] : round.tally) sum += number(v);
    for (const char* k : {"exhausted", "finalRoundSurplus", "residualSurplus"})
      if (const std::string* f = figure(round, k)) sum += number(*f);
    EXPECT_EQ(sum, total) << where << ": votes are not conserved";
    EXPECT_TRUE(round.elected.empty() || round.eliminated.empty()) << where;
    for (int c : round.elected) EXPECT_TRUE(decided.insert(c).second || method == "irv_multipass") << where;
    for (int c : round.eliminated) {
      if (method != "irv_multipass") {
        EXPECT_TRUE(decided.insert(c).second) << where;
      }
    }
    for (const char* k : {"overvotes", "skippedRankings", "exhaustedChoices", "repeatedRankings"}) {
      const std::string* f = figure(round, k);
      ASSERT_NE(f, nullptr) << where;
      if (method != "irv_multipass") {
        EXPECT_GE(number(*f), last_bucket[k]) << where << ": bucket " << k << " shrank";
        last_bucket[k] = number(*f);
      }
    }
  }
}

TEST(RcvInvariants, HoldOnEverySharedCaseAndFixture) {
  for (const auto& f : json_files(allot::testing::fixtures_dir() / "rcv"))
    if (f != "<absent>") expect_invariants(f, load(allot::testing::fixtures_dir() / "rcv" / f));
  const auto shared = json_files(allot::testing::shared_dir() / "testdata" / "rcv");
  if (shared.front() == "<absent>") GTEST_SKIP() << "no shared data";
  for (const auto& f : shared) expect_invariants(f, load(allot::testing::shared_dir() / "testdata" / "rcv" / f));
}

// Random elections under many option combinations: the invariants hold and every
// count ends.
TEST(RcvInvariants, HoldOnRandomElections) {
  std::mt19937 rng(7);
  const std::vector<std::map<std::string, std::string>> combos = {
      {{"overvote_rule", "skip_to_next_rank"}, {"max_skipped_ranks", "0"}},
      {{"overvote_rule", "exhaust_if_multiple_continuing"}, {"exhaust_on_duplicate", "true"}, {"batch_elimination", "true"}},
      {{"continue_until_two", "true"}, {"decimal_places", "2"}},
      {{"first_round_determines_threshold", "true"}, {"tiebreak", "random"}, {"random_seed", "3"}},
      {{"tiebreak", "previous_round_counts_then_random"}, {"random_seed", "9"}},
      {{"tiebreak", "generate_permutation"}, {"random_seed", "11"}, {"max_skipped_ranks", "1"}},
  };
  const std::vector<std::string> names = {"A", "B", "C", "D", "E", "F"};
  for (int trial = 0; trial < 60; ++trial) {
    nlohmann::json doc;
    doc["candidates"] = names;
    nlohmann::json ballots = nlohmann::json::array();
    for (int b = 0; b < 40; ++b) {
      nlohmann::json ranking = nlohmann::json::array();
      const int len = static_cast<int>(rng() % 5);
      for (int k = 0; k < len; ++k) {
        nlohmann::json rank = nlohmann::json::array();
        const unsigned kind = rng() % 10;
        if (kind == 0) {
          // a skipped rank
        } else if (kind == 1) {
          rank.push_back(names[rng() % names.size()]);
          rank.push_back(names[rng() % names.size()]);
        } else {
          rank.push_back(names[rng() % names.size()]);
        }
        ranking.push_back(rank);
      }
      while (!ranking.empty() && ranking.back().empty()) ranking.erase(ranking.size() - 1);
      ballots.push_back({{"ranking", ranking}, {"count", 1 + static_cast<int>(rng() % 3)}});
    }
    doc["ballots"] = ballots;
    const int m = trial % 4;
    doc["method"] = m == 0 ? "irv" : m == 1 ? "stv_rctab" : m == 2 ? "bottoms_up" : "irv_multipass";
    doc["seats"] = m == 0 ? 1 : 2 + trial % 2;
    auto opts = combos[static_cast<std::size_t>(trial) % combos.size()];
    if (m != 0 && opts.count("continue_until_two") && m != 3) opts.erase("continue_until_two");
    if (m == 1 && opts.count("batch_elimination")) opts.erase("batch_elimination");
    if (m != 0 && opts.count("first_round_determines_threshold") && m == 1) opts.erase("first_round_determines_threshold");
    doc["options"] = opts;
    expect_invariants("random election " + std::to_string(trial) + " (" + doc["method"].get<std::string>() + ")", doc);
  }
}

// ---------------------------------------------------------------------------
// The result document.

TEST(RcvResult, RoundsSentencesAndExplanations) {
  // first-round-tie-random: B and C tie at 2, a java.util.Random(0) draw removes C.
  const RankedElection e = election({"A", "B", "C", "D"}, {{"A", 4}, {"B", 2}, {"C>B", 2}, {"D>A", 3}});
  const Result r = irv(e, options({{"tiebreak", "random"}, {"random_seed", "0"}}));
  EXPECT_EQ(r.rule, "irv");
  EXPECT_EQ(r.rule_title, "Instant-runoff voting (RCTab rules)");
  EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"A"}));
  EXPECT_EQ(r.ballots, 11);
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0].action, "count");
  EXPECT_EQ(tally(e, r.rounds[0], "D"), "3");
  EXPECT_EQ(*figure(r.rounds[0], "threshold"), "6");
  EXPECT_EQ(names_of(e, r.rounds[0].eliminated), (std::vector<std::string>{"C"}));
  EXPECT_EQ(r.rounds[0].text,
            "Round 1: nobody reached 6 votes; C, with the fewest votes (2), was eliminated (tied with B; C was picked to go by a "
            "seeded random draw) and 2 of its votes moved to B.");
  EXPECT_EQ(r.rounds[2].text, "Round 3: A reached the threshold of 6 with 7 votes and was elected.");
  ASSERT_EQ(r.rounds[0].transfers.size(), 1u);
  EXPECT_EQ(r.rounds[0].transfers[0].first, 2);
  EXPECT_EQ(r.rounds[0].transfers[0].second, (Figures{{"B", "2"}}));
  EXPECT_EQ(r.options[0].explanation, "Elected in round 3 with 7 votes, above the threshold of 6.");
  EXPECT_EQ(r.options[2].explanation,
            "Eliminated in round 1: tied with B for the fewest votes (2) and lost the tie-break, by a seeded random draw.");
  EXPECT_EQ(r.options[3].explanation, "Eliminated in round 2 with the fewest votes (3).");
  EXPECT_EQ(r.options[1].explanation, "Not elected: still in the count when counting ended after round 3, with 4 votes.");
  EXPECT_TRUE(r.options[0].selected);
  EXPECT_FALSE(r.options[1].selected);
  EXPECT_EQ(r.options[0].support, 4);
  EXPECT_EQ(r.options[3].support, 3);
  // The draw is recorded: seed, draw number, value, index.
  bool noted = false;
  for (const auto& n : r.notes)
    noted = noted || n.find("draw 1 of java.util.Random(0) nextDouble() = 0.730967787376657, index 1 -> C") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(RcvResult, SurplusSentenceAndMultiPassFigures) {
  const RankedElection e = election({"A", "B", "C"}, {{"A>B", 6}, {"B", 2}, {"C", 3}}, 2);
  const Result r = stv(e, {});
  EXPECT_EQ(r.rounds[0].text,
            "Round 1: A reached the threshold of 4 with 6 votes and was elected; 1.9998 of its surplus moved to B.");
  EXPECT_EQ(*figure(r.rounds[1], "residualSurplus"), "0.0002");
  EXPECT_EQ(r.rounds.back().text, "Round 4: the final tally is A 4 and B 3.9998.");
  const RankedElection m = election({"A", "B", "C"}, {{"A", 4}, {"B>A", 3}, {"C", 2}}, 2);
  const Result mp = irv_multipass(m, {});
  EXPECT_EQ(names_of(m, mp.winners), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(*figure(mp.rounds.back(), "pass"), "2");
  EXPECT_EQ(mp.rounds.back().text.rfind("Pass 2, round ", 0), 0u) << mp.rounds.back().text;
}

// ---------------------------------------------------------------------------
// Options and errors.

TEST(RcvOptions, BadValuesAreUsageErrors) {
  const RankedElection e = election({"A", "B"}, {{"A", 2}, {"B", 1}});
  EXPECT_THROW(irv(e, options({{"overvote_rule", "sometimes"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"tiebreak", "coin"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"decimal_places", "0"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"decimal_places", "21"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"max_skipped_ranks", "-1"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"batch_elimination", "maybe"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"tiebreak", "random"}})), UsageError);  // no seed
  EXPECT_THROW(irv(e, options({{"no_such_option", "1"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"rctab_winner_election_mode", "bottomsUp"}})), UsageError);
  EXPECT_THROW(irv(e, options({{"tiebreak_permutation", "A,Z"}})), UsageError);
  EXPECT_THROW(bottoms_up(e, options({{"bottoms_up_percentage", "150"}})), UsageError);
  EXPECT_THROW(stv(election({"A", "B"}, {{"A", 2}}, 2), options({{"hare_quota", "true"}, {"non_integer_threshold", "true"}})), UsageError);
  EXPECT_THROW(irv(election({"A", "B"}, {{"A", 2}}, 2), {}), UsageError);  // irv elects one
  try {
    irv(e, options({{"overvote_rule", "sometimes"}}));
  } catch (const UsageError& ex) {
    EXPECT_NE(std::string(ex.what()).find("overvote_rule"), std::string::npos) << ex.what();
  }
}

TEST(RcvOptions, DefaultTieBreakIsTheContestsTieOrder) {
  // B and C tie for last; with no tiebreak option the published tie order decides:
  // the candidate last in that order is eliminated.
  const RankedElection e = election({"A", "B", "C"}, {{"A", 2}, {"B", 1}, {"C", 1}});
  RuleParams p;
  p.tie_break = TieBreak::ticket("public seed 42");
  const Result r = irv(e, p);
  const TieOrder order(contest_of(e), p.tie_break);
  const int loser = order.rank(1) > order.rank(2) ? 1 : 2;
  ASSERT_EQ(r.rounds[0].eliminated.size(), 1u);
  EXPECT_EQ(r.rounds[0].eliminated[0], loser);
  EXPECT_EQ(r.tie_order, order.order());
}

TEST(RcvOptions, TiebreakPermutationNamesMayContainCommas) {
  const RankedElection e = election({"Vail, C.", "Haadoow, H.", "Carmona, R."}, {{"Vail, C.", 2}, {"Haadoow, H.", 1}, {"Carmona, R.", 1}});
  // Haadoow listed last, so Haadoow loses the tie for last place.
  const Result r = irv(e, options({{"tiebreak", "candidate_order"}, {"tiebreak_permutation", "Vail, C.,Carmona, R.,Haadoow, H."}}));
  EXPECT_EQ(names_of(e, r.rounds[0].eliminated), (std::vector<std::string>{"Haadoow, H."}));
}

TEST(RcvOptions, InteractiveTieIsReportedNotGuessed) {
  auto doc = load(allot::testing::fixtures_dir() / "rcv" / "first-round-tie-random.json");
  doc["options"]["tiebreak"] = "interactive";
  const CaseOutcome out = run_rcv_case(doc);
  EXPECT_FALSE(out.passed);
  EXPECT_NE(out.detail.find("round 1: B and C are tied for elimination"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("operator"), std::string::npos) << out.detail;
  // The same option with no tie to break counts normally.
  auto calm = load(allot::testing::fixtures_dir() / "rcv" / "exhausts-mid-count.json");
  calm["options"]["tiebreak"] = "previous_round_counts_then_interactive";
  EXPECT_TRUE(run_rcv_case(calm).passed);
}

TEST(RcvCases, DetailNamesTheFirstDifferences) {
  auto doc = load(allot::testing::fixtures_dir() / "rcv" / "stv-truncated-surplus.json");
  doc["expected"]["rounds"][1]["tally"]["B"] = "3.9999";
  doc["expected"]["rounds"][1]["eliminated"] = {"B", "C"};
  const CaseOutcome out = run_rcv_case(doc);
  EXPECT_FALSE(out.passed);
  EXPECT_NE(out.detail.find("round 2: tally of B is 3.9998, expected 3.9999"), std::string::npos) << out.detail;
  EXPECT_NE(out.detail.find("round 2: eliminated {C}, expected {B,C}"), std::string::npos) << out.detail;
  auto bad = doc;
  bad["method"] = "borda";
  EXPECT_FALSE(run_rcv_case(bad).passed);
}

// ---------------------------------------------------------------------------
// Condorcet PHP variants, on the library's own test elections.

TEST(CondorcetPhpVariant, StvQuotas) {
  // SingleTransferableVoteTest 'result alternative quotas' 1 to 4 (implicit ranking off).
  RuleParams p = options({{"variant", "condorcet_php"}, {"implicit_ranking", "false"}});
  {
    const RankedElection e = election({"Andrea", "Carter", "Brad"}, {{"Andrea>Carter", 45}, {"Carter", 25}, {"Brad", 30}}, 2);
    p.options["quota"] = "Hagenbach-Bischoff";
    const Result r = stv(e, p);
    EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"Andrea", "Carter"}));
    EXPECT_EQ(*figure(r.rounds[0], "quota"), "100/3");
    EXPECT_EQ(tally(e, r.rounds[1], "Carter"), "110/3");  // 36 + 2/3
  }
  {
    const RankedElection e = election({"Andrea", "Carter", "Brad"}, {{"Andrea>Carter", 65}, {"Carter", 15}, {"Brad", 20}}, 2);
    p.options["quota"] = "imperiali";
    const Result r = stv(e, p);
    EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"Andrea", "Carter"}));
    EXPECT_EQ(*figure(r.rounds[0], "quota"), "25");
    EXPECT_EQ(tally(e, r.rounds[1], "Carter"), "55");
  }
  {
    const RankedElection e = election({"Andrea", "Carter", "Brad"}, {{"Andrea>Carter", 60}, {"Carter", 14}, {"Brad", 26}}, 2);
    p.options["quota"] = "hare";
    const Result r = stv(e, p);
    EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"Andrea", "Brad"}));  // Brad rescued: last eliminated
    ASSERT_EQ(r.rounds.size(), 3u);
    EXPECT_EQ(tally(e, r.rounds[1], "Carter"), "24");
    EXPECT_EQ(tally(e, r.rounds[2], "Brad"), "26");
  }
  {
    const RankedElection e = election({"Andrea", "Carter", "Brad", "Delilah", "Scott"},
                                      {{"Andrea", 25}, {"Carter>Brad>Delilah", 34}, {"Brad>Delilah", 7}, {"Delilah>Brad", 8},
                                       {"Delilah>Scott", 5}, {"Scott>Delilah", 21}},
                                      3);
    p.options["quota"] = "hagenbach_bischoff";
    const Result r = stv(e, p);
    EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"Carter", "Andrea", "Scott"}));
    EXPECT_EQ(tally(e, r.rounds[1], "Brad"), "16");
    EXPECT_EQ(tally(e, r.rounds[2], "Scott"), "26");
    EXPECT_EQ(tally(e, r.rounds[2], "Brad"), "24");
  }
  {
    // 'result 4', Droop and implicit ranking (the defaults): quota 26.
    const RankedElection e = election({"D", "B", "C", "A"}, {{"A>D", 40}, {"B>A", 10}, {"B>C", 5}, {"C>B", 25}, {"D>B", 20}}, 3);
    const Result r = stv(e, options({{"variant", "condorcet_php"}}));
    EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"A", "D", "C"}));
    EXPECT_EQ(*figure(r.rounds[0], "quota"), "26");
  }
  EXPECT_THROW(stv(election({"A", "B"}, {{"A", 1}}, 2), options({{"variant", "condorcet_php"}, {"quota", "sainte-lague"}})), UsageError);
}

TEST(CondorcetPhpVariant, IrvMajorityOfAllBallotsAndPairwiseTieBreak) {
  // B and C tie for last with 2; without implicit ranking 'C>A' does not rank B,
  // so B beats C head to head (2 to 0) and the pairwise test spares B. A needs more
  // than half of all 8 ballots: 4 is not enough, 6 (after C) is.
  const RankedElection e = election({"A", "B", "C"}, {{"A", 4}, {"B>C", 2}, {"C>A", 2}});
  const Result r = irv(e, options({{"variant", "condorcet_php"}, {"implicit_ranking", "false"}}));
  ASSERT_GE(r.rounds.size(), 2u);
  EXPECT_EQ(*figure(r.rounds[0], "majority"), "4");
  EXPECT_EQ(names_of(e, r.rounds[0].eliminated), (std::vector<std::string>{"C"}));
  EXPECT_EQ(tally(e, r.rounds[1], "A"), "6");
  EXPECT_EQ(names_of(e, r.winners), (std::vector<std::string>{"A"}));
}

}  // namespace
