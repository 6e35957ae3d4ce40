// Pabulib reader / writer: the real files of the shared data, the repo's own quirk
// fixtures (tests/fixtures/pabulib) and bad inputs with their error lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "allot/engine/errors.hpp"
#include "allot/engine/pabulib.hpp"
#include "shared_data.hpp"

namespace fs = std::filesystem;
using allot::BallotFormat;
using allot::FormatError;
using allot::PabulibElection;
using allot::parse_pabulib;
using allot::write_pabulib;

namespace {

PabulibElection parse_fixture(const std::string& name) {
  const fs::path p = allot::testing::fixtures_dir() / "pabulib" / name;
  EXPECT_TRUE(fs::exists(p)) << p;
  return parse_pabulib(allot::testing::read_file(p));
}

std::vector<std::string> ids_of(const PabulibElection& e, const allot::Ballot& b) {
  std::vector<std::string> r;
  for (int i : b.options) r.push_back(e.contest.options.at(static_cast<std::size_t>(i)).id);
  return r;
}

using Strings = std::vector<std::string>;
using Points = std::vector<std::int64_t>;

// The error thrown by parsing `text` (fails the test when nothing is thrown).
FormatError parse_error(const std::string& text) {
  try {
    parse_pabulib(text);
  } catch (const FormatError& e) {
    return e;
  }
  ADD_FAILURE() << "no FormatError for:\n" << text;
  return FormatError(-1, "none");
}

#define EXPECT_FORMAT_ERROR(text, expected_line, substring)                        \
  do {                                                                             \
    const FormatError err_ = parse_error(text);                                    \
    EXPECT_EQ(err_.line(), (expected_line)) << err_.what();                        \
    EXPECT_NE(std::string(err_.what()).find(substring), std::string::npos)         \
        << "message: " << err_.what() << "\nexpected to contain: " << (substring); \
  } while (0)

// Everything parse(write(parse(x))) must preserve, with a readable failure.
void expect_same_election(const PabulibElection& a, const PabulibElection& b, const std::string& label) {
  SCOPED_TRACE(label);
  ASSERT_EQ(a.meta.size(), b.meta.size());
  for (std::size_t i = 0; i < a.meta.size(); ++i) {
    EXPECT_EQ(a.meta[i].first, b.meta[i].first) << "meta pair " << i;
    if (a.meta[i].first == "num_projects" || a.meta[i].first == "num_votes") continue;
    EXPECT_EQ(a.meta[i].second, b.meta[i].second) << "meta key " << a.meta[i].first;
  }
  EXPECT_EQ(a.vote_type, b.vote_type);
  const allot::Contest& x = a.contest;
  const allot::Contest& y = b.contest;
  EXPECT_EQ(x.id, y.id);
  EXPECT_EQ(x.title, y.title);
  EXPECT_EQ(x.format, y.format);
  EXPECT_EQ(x.budget, y.budget);
  EXPECT_EQ(x.money_decimals, y.money_decimals);
  EXPECT_EQ(x.currency, y.currency);
  EXPECT_EQ(x.district, y.district);
  ASSERT_EQ(x.options.size(), y.options.size());
  for (std::size_t i = 0; i < x.options.size(); ++i) {
    EXPECT_EQ(x.options[i].id, y.options[i].id);
    EXPECT_EQ(x.options[i].name, y.options[i].name);
    EXPECT_EQ(x.options[i].cost, y.options[i].cost) << "option " << x.options[i].id;
    EXPECT_EQ(x.options[i].categories, y.options[i].categories);
    EXPECT_EQ(x.options[i].district, y.options[i].district);
  }
  EXPECT_EQ(x.rules.min_choices, y.rules.min_choices);
  EXPECT_EQ(x.rules.max_choices, y.rules.max_choices);
  EXPECT_EQ(x.rules.min_cost, y.rules.min_cost);
  EXPECT_EQ(x.rules.max_cost, y.rules.max_cost);
  EXPECT_EQ(x.rules.max_points_total, y.rules.max_points_total);
  EXPECT_EQ(x.rules.max_points_per_option, y.rules.max_points_per_option);
  EXPECT_EQ(x.rules.min_points_total, y.rules.min_points_total);
  EXPECT_EQ(a.project_columns, b.project_columns);
  EXPECT_EQ(a.vote_columns, b.vote_columns);
  ASSERT_EQ(a.profile.ballots.size(), b.profile.ballots.size());
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.profile.ballots.size(); ++i) {
    const auto& p = a.profile.ballots[i];
    const auto& q = b.profile.ballots[i];
    if (p.options != q.options || p.points != q.points) {
      if (++differing <= 3) ADD_FAILURE() << "ballot " << i << " differs after the rewrite";
    }
  }
  EXPECT_EQ(differing, 0u);
}

void expect_round_trip(const PabulibElection& e, const std::string& label) {
  const std::string once = write_pabulib(e);
  const PabulibElection back = parse_pabulib(once);
  expect_same_election(e, back, label);
  // The rewrite is a fixed point.
  EXPECT_EQ(write_pabulib(back), once) << label;
}

struct SourceRow {
  std::string vote_type;
  std::size_t voters = 0;
  std::size_t projects = 0;
};

// file -> vote_type, voters, projects from the SOURCES.md table.
std::map<std::string, SourceRow> read_sources_table(const fs::path& md) {
  std::map<std::string, SourceRow> rows;
  std::istringstream in(allot::testing::read_file(md));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) {
      const auto b = cell.find_first_not_of(' ');
      const auto e = cell.find_last_not_of(' ');
      cells.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
    }
    if (cells.size() < 4 || cells[0].size() < 4 || cells[0].substr(cells[0].size() - 3) != ".pb") continue;
    try {
      rows[cells[0]] = SourceRow{cells[1], std::stoul(cells[2]), std::stoul(cells[3])};
    } catch (const std::exception&) {
    }
  }
  return rows;
}

}  // namespace

// ------------------------------------------------------------------ real files

TEST(PabulibRealFiles, EveryFileParsesCountsMatchAndRoundTrips) {
  const fs::path dir = allot::testing::shared_dir() / "testdata" / "pabulib";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared Pabulib data not found at " << dir << " (set ALLOT_SHARED)";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".pb") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no .pb files in " << dir;
  const auto sources = read_sources_table(dir / "SOURCES.md");

  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    SCOPED_TRACE(name);
    PabulibElection e;
    try {
      e = parse_pabulib(allot::testing::read_file(file));
    } catch (const std::exception& ex) {
      ADD_FAILURE() << name << ": " << ex.what();
      continue;
    }
    const std::string* np = e.meta_value("num_projects");
    const std::string* nv = e.meta_value("num_votes");
    ASSERT_NE(np, nullptr) << name;
    ASSERT_NE(nv, nullptr) << name;
    EXPECT_EQ(*np, std::to_string(e.contest.options.size())) << name;
    EXPECT_EQ(*nv, std::to_string(e.profile.ballots.size())) << name;
    EXPECT_EQ(e.vote_fields.size(), e.profile.ballots.size()) << name;
    EXPECT_EQ(e.project_fields.size(), e.contest.options.size()) << name;
    EXPECT_TRUE(allot::validate_contest(e.contest).empty()) << name;
    if (auto it = sources.find(name); it != sources.end()) {
      EXPECT_EQ(it->second.vote_type, e.vote_type) << name;
      EXPECT_EQ(it->second.voters, e.profile.ballots.size()) << name;
      EXPECT_EQ(it->second.projects, e.contest.options.size()) << name;
    }
    for (const auto& b : e.profile.ballots) {
      if (e.contest.format == BallotFormat::Cumulative) {
        ASSERT_EQ(b.options.size(), b.points.size()) << name;
      } else {
        ASSERT_TRUE(b.points.empty()) << name;
      }
      if (e.contest.format == BallotFormat::Approval) {
        ASSERT_TRUE(std::is_sorted(b.options.begin(), b.options.end())) << name;
      }
    }
    expect_round_trip(e, name);
  }
}

TEST(PabulibRealFiles, KnownValues) {
  const fs::path dir = allot::testing::shared_dir() / "testdata" / "pabulib";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared Pabulib data not found at " << dir << " (set ALLOT_SHARED)";
  {
    // budget 400000.0 and costs 4000.0: no decimals after dropping trailing zeros.
    const auto e = parse_pabulib(
        allot::testing::read_file(dir / "France_Toulouse_2022_1_-_Capitole_Arnaud_Bernard_Carmes.pb"));
    EXPECT_EQ(e.contest.money_decimals, 0);
    EXPECT_EQ(e.contest.budget, 400000);
    EXPECT_EQ(*e.meta_value("budget"), "400000.0");
  }
  {
    // budget and max_sum_cost 1019940.37.
    const auto e = parse_pabulib(allot::testing::read_file(dir / "Poland_Warszawa_2019_Goclaw.pb"));
    EXPECT_EQ(e.contest.money_decimals, 2);
    EXPECT_EQ(e.contest.budget, 101994037);
    EXPECT_EQ(e.contest.rules.max_cost, 101994037);
    EXPECT_EQ(e.contest.rules.min_choices, 1);
    EXPECT_EQ(e.contest.format, BallotFormat::Approval);
  }
  {
    // The older copy with a zero-cost project.
    const auto e = parse_pabulib(allot::testing::read_file(dir / "poland_gdynia_2020_grabowek-large.pb"));
    const int five = e.contest.find_option("5");
    ASSERT_GE(five, 0);
    EXPECT_EQ(e.contest.options[static_cast<std::size_t>(five)].cost, 0);
  }
}

// ------------------------------------------------------------------ fixtures

TEST(PabulibFixtures, SmallApproval) {
  const auto e = parse_fixture("small_approval.pb");
  EXPECT_EQ(e.contest.id, "small_approval");
  EXPECT_EQ(e.contest.kind, allot::ContestKind::Budget);
  EXPECT_EQ(e.contest.format, BallotFormat::Approval);
  EXPECT_EQ(e.contest.budget, 100);
  EXPECT_EQ(e.contest.money_decimals, 0);
  EXPECT_EQ(e.contest.currency, "EUR");
  ASSERT_EQ(e.contest.options.size(), 6u);
  EXPECT_EQ(e.contest.options[0].name, "Park benches");
  EXPECT_EQ(e.contest.options[4].categories, (Strings{"parks", "environment"}));
  EXPECT_EQ(e.profile.ballots.size(), 10u);
  EXPECT_EQ(ids_of(e, e.profile.ballots[3]), (Strings{"p1", "p2", "p6"}));
  EXPECT_EQ(e.contest.rules.min_choices, 1);
  EXPECT_EQ(e.contest.rules.max_choices, 3);
  EXPECT_TRUE(allot::validate_contest(e.contest).empty());
  expect_round_trip(e, "small_approval.pb");
}

TEST(PabulibFixtures, SmallCumulative) {
  const auto e = parse_fixture("small_cumulative.pb");
  EXPECT_EQ(e.contest.format, BallotFormat::Cumulative);
  EXPECT_EQ(e.contest.budget, 200);
  ASSERT_EQ(e.contest.options.size(), 4u);
  ASSERT_EQ(e.profile.ballots.size(), 6u);
  EXPECT_EQ(ids_of(e, e.profile.ballots[2]), (Strings{"c1", "c3", "c4"}));
  EXPECT_EQ(e.profile.ballots[2].points, (Points{2, 2, 1}));
  EXPECT_EQ(e.contest.rules.max_points_total, 5);
  // The score column agrees with the points.
  std::vector<std::int64_t> score(4, 0);
  for (const auto& b : e.profile.ballots)
    for (std::size_t k = 0; k < b.options.size(); ++k) score[static_cast<std::size_t>(b.options[k])] += b.points[k];
  const std::size_t score_col =
      static_cast<std::size_t>(std::find(e.project_columns.begin(), e.project_columns.end(), "score") -
                               e.project_columns.begin());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(e.project_fields[i][score_col], std::to_string(score[i]));
  expect_round_trip(e, "small_cumulative.pb");
}

TEST(PabulibFixtures, CrlfBomAndQuotedFields) {
  const auto e = parse_fixture("crlf_bom_quoted.pb");
  ASSERT_FALSE(e.meta.empty());
  EXPECT_EQ(e.meta[0].first, "description");  // the BOM is not part of anything
  EXPECT_EQ(e.contest.title, "Quoted; with \"quotes\" inside");
  EXPECT_EQ(*e.meta_value("comment"), "a \"word\"; yes");
  ASSERT_EQ(e.contest.options.size(), 2u);
  EXPECT_EQ(e.contest.options[0].name, "Paint; the \"old\" shed");
  EXPECT_EQ(e.contest.options[1].name, "Spaced name");
  EXPECT_EQ(e.contest.options[1].cost, 60);
  ASSERT_EQ(e.profile.ballots.size(), 2u);
  EXPECT_EQ(ids_of(e, e.profile.ballots[0]), (Strings{"1", "2"}));
  EXPECT_EQ(e.vote_fields[1], (Strings{"b", "2"}));  // no stray \r
  expect_round_trip(e, "crlf_bom_quoted.pb");
  // The rewrite uses LF only and quotes what needs it.
  const std::string out = write_pabulib(e);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_NE(out.find("1;40;\"Paint; the \"\"old\"\" shed\"\n"), std::string::npos) << out;
}

TEST(PabulibFixtures, DecimalMoney) {
  const auto e = parse_fixture("decimal_money.pb");
  // 1234.50 (1 significant decimal), 99,99 (2), 100.0 (0): two decimals.
  EXPECT_EQ(e.contest.money_decimals, 2);
  EXPECT_EQ(e.contest.budget, 123450);
  ASSERT_EQ(e.contest.options.size(), 3u);
  EXPECT_EQ(e.contest.options[0].cost, 9999);
  EXPECT_EQ(e.contest.options[1].cost, 10000);
  EXPECT_EQ(e.contest.options[2].cost, 0);
  // Bounds with more decimals than the money: min rounds up, max rounds down.
  EXPECT_EQ(e.contest.rules.min_cost, 1001);
  EXPECT_EQ(e.contest.rules.max_cost, 100012);
  expect_round_trip(e, "decimal_money.pb");
  // Raw amounts that read back to the same value are kept as written.
  const std::string out = write_pabulib(e);
  EXPECT_NE(out.find("budget;1234.50\n"), std::string::npos) << out;
  EXPECT_NE(out.find("a;99,99;"), std::string::npos) << out;
}

TEST(PabulibFixtures, ApprovalQuirks) {
  // Lower-case / padded section markers, blank lines, columns in unusual order,
  // None fields, duplicate and empty ids in votes, an empty vote, no final newline.
  const auto e = parse_fixture("approval_quirks.pb");
  ASSERT_EQ(e.contest.options.size(), 4u);
  EXPECT_EQ(e.contest.options[0].id, "A1");
  EXPECT_EQ(e.contest.options[1].id, "B-2");
  EXPECT_EQ(e.contest.options[2].id, "7");
  EXPECT_EQ(e.contest.options[3].id, "10");
  EXPECT_EQ(e.contest.options[0].name, "Bench");
  EXPECT_EQ(e.contest.options[1].name, "");  // None
  EXPECT_EQ(e.contest.options[0].cost, 100);
  EXPECT_EQ(e.contest.options[1].cost, 250);
  EXPECT_TRUE(e.contest.options[0].categories.empty());  // None
  EXPECT_EQ(e.contest.options[1].categories, (Strings{"parks", "sport"}));
  EXPECT_EQ(e.contest.options[3].categories, (Strings{"lighting"}));
  EXPECT_EQ(e.project_fields[1][0], "None");  // raw kept
  EXPECT_EQ(e.contest.budget, 1000);
  EXPECT_EQ(e.contest.title, "Approval quirks");
  EXPECT_EQ(e.contest.id, "2024");
  EXPECT_EQ(e.contest.rules.max_choices, 3);
  ASSERT_EQ(e.profile.ballots.size(), 5u);
  EXPECT_EQ(ids_of(e, e.profile.ballots[0]), (Strings{"A1", "B-2"}));  // B-2 twice
  EXPECT_TRUE(e.profile.ballots[1].options.empty());
  EXPECT_EQ(ids_of(e, e.profile.ballots[2]), (Strings{"A1", "10"}));  // empty id skipped
  EXPECT_EQ(ids_of(e, e.profile.ballots[3]), (Strings{"A1", "10"}));  // blanks trimmed, sorted
  EXPECT_EQ(ids_of(e, e.profile.ballots[4]), (Strings{"B-2"}));
  EXPECT_EQ(e.vote_columns, (Strings{"vote", "voter_id", "age"}));
  EXPECT_EQ(e.vote_fields[4], (Strings{"B-2", "v5", "22"}));  // the last line, without newline
  expect_round_trip(e, "approval_quirks.pb");
}

TEST(PabulibFixtures, CumulativeQuirks) {
  const auto e = parse_fixture("cumulative_quirks.pb");
  EXPECT_EQ(e.contest.format, BallotFormat::Cumulative);
  ASSERT_EQ(e.profile.ballots.size(), 6u);
  const auto& b = e.profile.ballots;
  // x twice: first position, last points.
  EXPECT_EQ(ids_of(e, b[0]), (Strings{"x", "y"}));
  EXPECT_EQ(b[0].points, (Points{5, 2}));
  // Zero points are kept.
  EXPECT_EQ(ids_of(e, b[1]), (Strings{"z", "x"}));
  EXPECT_EQ(b[1].points, (Points{0, 4}));
  // Empty points, None points, empty vote: empty ballots.
  EXPECT_TRUE(b[2].options.empty());
  EXPECT_TRUE(b[2].points.empty());
  EXPECT_TRUE(b[3].options.empty());
  EXPECT_TRUE(b[4].options.empty());
  // An empty id skips its points position.
  EXPECT_EQ(ids_of(e, b[5]), (Strings{"y", "z"}));
  EXPECT_EQ(b[5].points, (Points{1, 2}));
  EXPECT_EQ(e.contest.rules.max_points_total, 10);
  EXPECT_EQ(e.contest.rules.max_points_per_option, 6);
  EXPECT_EQ(e.contest.rules.min_points_total, 1);
  expect_round_trip(e, "cumulative_quirks.pb");
}

TEST(PabulibFixtures, OrdinalQuirks) {
  const auto e = parse_fixture("ordinal_quirks.pb");
  EXPECT_EQ(e.contest.format, BallotFormat::Ranked);
  EXPECT_EQ(e.vote_type, "ordinal");
  EXPECT_EQ(e.contest.id, "oq");
  ASSERT_EQ(e.profile.ballots.size(), 4u);
  const auto& b = e.profile.ballots;
  EXPECT_EQ(ids_of(e, b[0]), (Strings{"r2", "r1", "r3"}));  // r2 keeps its first position
  EXPECT_TRUE(b[0].points.empty());                        // ordinal points are ignored
  EXPECT_TRUE(b[1].options.empty());
  EXPECT_EQ(ids_of(e, b[2]), (Strings{"r4"}));
  EXPECT_EQ(ids_of(e, b[3]), (Strings{"r3"}));
  EXPECT_EQ(e.meta_value("num_votes"), nullptr);
  expect_round_trip(e, "ordinal_quirks.pb");
  // The raw points column of an ordinal file survives the rewrite.
  EXPECT_NE(write_pabulib(e).find("d;r3;not points\n"), std::string::npos);
}

// ------------------------------------------------------------------ inline edge cases

namespace {
const char* kHead =
    "META\n"
    "key;value\n"
    "budget;100\n"
    "vote_type;approval\n"
    "PROJECTS\n"
    "project_id;cost\n"
    "1;10\n"
    "2;20\n"
    "VOTES\n"
    "voter_id;vote\n";
}  // namespace

TEST(PabulibParse, MinimalFileAndDefaults) {
  const auto e = parse_pabulib(std::string(kHead) + "a;2,1\n");
  EXPECT_EQ(e.contest.id, "pb");
  EXPECT_EQ(e.contest.title, "");
  EXPECT_EQ(e.contest.options[0].name, "");
  ASSERT_EQ(e.profile.ballots.size(), 1u);
  EXPECT_EQ(e.profile.ballots[0].options, (std::vector<int>{0, 1}));
}

TEST(PabulibParse, LoneCrLineEndingsAndMultilineQuotedField) {
  const auto e = parse_pabulib(
      "META\rkey;value\rbudget;100\rvote_type;choose-1\rcomment;\"two\nlines\"\r"
      "PROJECTS\rproject_id;cost\r1;10\rVOTES\rvoter_id;vote\ra;1\r\rb;\r");
  EXPECT_EQ(*e.meta_value("comment"), "two\nlines");
  ASSERT_EQ(e.profile.ballots.size(), 2u);
  EXPECT_EQ(e.profile.ballots[0].options, (std::vector<int>{0}));
  EXPECT_TRUE(e.profile.ballots[1].options.empty());
}

TEST(PabulibParse, MultilineQuotedFieldKeepsLineNumbers) {
  const std::string text =
      "META\nkey;value\nbudget;100\nvote_type;choose-1\ncomment;\"two\r\nlines\"\n"
      "PROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\na;1\nb;9\n";
  // "b;9" is on line 13: the quoted newline counts.
  EXPECT_FORMAT_ERROR(text, 13, "'9'");
  const auto e = parse_pabulib(text.substr(0, text.size() - 4));
  EXPECT_EQ(*e.meta_value("comment"), "two\r\nlines");
  expect_round_trip(e, "multiline");
}

TEST(PabulibParse, ExponentAndSignedNumbers) {
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;1.5e2\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;+25\n2;2500e-2\n"
      "VOTES\nvoter_id;vote\n");
  EXPECT_EQ(e.contest.budget, 150);
  EXPECT_EQ(e.contest.options[0].cost, 25);
  EXPECT_EQ(e.contest.options[1].cost, 25);
  EXPECT_EQ(e.contest.money_decimals, 0);
}

TEST(PabulibParse, SixDecimalsAndInt64Limits) {
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;1.000001\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;0.5\n"
      "VOTES\nvoter_id;vote\n");
  EXPECT_EQ(e.contest.money_decimals, 6);
  EXPECT_EQ(e.contest.budget, 1000001);
  EXPECT_EQ(e.contest.options[0].cost, 500000);
  const auto big = parse_pabulib(
      "META\nkey;value\nbudget;9223372036854775807\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\n"
      "VOTES\nvoter_id;vote\n");
  EXPECT_EQ(big.contest.budget, INT64_MAX);
}

TEST(PabulibParse, RulesWithBadValuesAreIgnoredButKept) {
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;100\nvote_type;cumulative\nmin_length;two\nmax_length;2.5\n"
      "max_sum_points;-3\nmax_points;None\nmin_sum_points;4\nmin_sum_cost;x\nmax_sum_cost;50\n"
      "PROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote;points\n");
  EXPECT_EQ(e.contest.rules.min_choices, 0);
  EXPECT_FALSE(e.contest.rules.max_choices);
  EXPECT_FALSE(e.contest.rules.max_points_total);
  EXPECT_FALSE(e.contest.rules.max_points_per_option);
  EXPECT_EQ(e.contest.rules.min_points_total, 4);
  EXPECT_FALSE(e.contest.rules.min_cost);
  EXPECT_EQ(e.contest.rules.max_cost, 50);
  EXPECT_EQ(*e.meta_value("min_length"), "two");
  EXPECT_EQ(*e.meta_value("max_length"), "2.5");
}

TEST(PabulibParse, RepeatedMetaKeyLastWinsBothKept) {
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;50\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n"
      "VOTES\nvoter_id;vote\n");
  EXPECT_EQ(e.contest.budget, 100);
  EXPECT_EQ(e.meta.size(), 3u);
  expect_round_trip(e, "repeated key");
}

TEST(PabulibParse, CumulativeWithoutPointsColumnGivesEmptyBallots) {
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;100\nvote_type;scoring\nPROJECTS\nproject_id;cost\n1;10\n"
      "VOTES\nvoter_id;vote\na;1\n");
  EXPECT_EQ(e.contest.format, BallotFormat::Cumulative);
  ASSERT_EQ(e.profile.ballots.size(), 1u);
  EXPECT_TRUE(e.profile.ballots[0].options.empty());
}

TEST(PabulibParse, MarkersAreUnquotedFirstFieldsOnly) {
  // A quoted "VOTES" is a META key, not a section marker.
  const auto e = parse_pabulib(
      "META\nkey;value\n\"VOTES\";x\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n"
      "VOTES\nvoter_id;vote\n");
  EXPECT_EQ(*e.meta_value("VOTES"), "x");
  const std::string out = write_pabulib(e);
  EXPECT_NE(out.find("\"VOTES\";x\n"), std::string::npos) << out;
  expect_round_trip(e, "quoted marker");
}

// ------------------------------------------------------------------ bad files

TEST(PabulibErrors, UnknownProjectInVote) {
  EXPECT_FORMAT_ERROR(std::string(kHead) + "a;1\nb;1,3\n", 12, "'3', which is not in PROJECTS");
}

TEST(PabulibErrors, NonNumericCost) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n2;ten\nVOTES\n"
      "voter_id;vote\n",
      8, "cost must be a number, got 'ten'");
}

TEST(PabulibErrors, NegativeCost) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;-10\nVOTES\n"
      "voter_id;vote\n",
      7, "cost must not be negative, got '-10'");
}

TEST(PabulibErrors, MissingVoteColumn) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\n"
      "voter_id;votes\na;1\n",
      9, "no 'vote' column");
}

TEST(PabulibErrors, PointsListTooShort) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;10\n2;10\nVOTES\n"
      "voter_id;vote;points\na;1,2;3,1\nb;1,2;3\n",
      12, "shorter than the vote list");
}

TEST(PabulibErrors, MissingBudget) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n", 1,
      "no budget");
}

TEST(PabulibErrors, DuplicateProjectId) {
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\n2;10\n1;20\nVOTES\n"
      "voter_id;vote\n",
      9, "duplicate project id '1' (first on line 7)");
}

TEST(PabulibErrors, Others) {
  const std::string projects = "PROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n";
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\n" + projects, 1, "no vote_type");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;plurality\n" + projects, 4,
                      "unknown vote_type 'plurality'");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;abc\nvote_type;approval\n" + projects, 3,
                      "budget must be a number, got 'abc'");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;-1\nvote_type;approval\n" + projects, 3, "budget must not be negative");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;1.0000001\nvote_type;approval\n" + projects, 3,
                      "more than 6 decimals: '1.0000001'");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;9223372036854775808\nvote_type;approval\n" + projects, 3,
                      "budget is too large");
  // Each fits alone, but not once scaled to the other's decimals.
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;0.000001\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;9223372036854775\n"
      "VOTES\nvoter_id;vote\n",
      7, "cost is too large: '9223372036854775'");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\n", 0, "no PROJECTS section");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;1\n", 0,
                      "no VOTES section");
  EXPECT_FORMAT_ERROR("", 0, "no META section");
  EXPECT_FORMAT_ERROR("description;x\nMETA\n", 1, "expected the META section first");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nVOTES\nvoter_id;vote\n", 5,
                      "unexpected VOTES section before the PROJECTS section");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nid;cost\n", 6,
                      "no 'project_id' column");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;price\n", 6,
                      "no 'cost' column");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n;5\n", 7,
                      "project_id is empty");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n\"1,2\";5\n", 7,
                      "contains a comma");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;None\n", 7,
                      "cost is missing for project '1'");
  EXPECT_FORMAT_ERROR("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\n\nVOTES\n", 7,
                      "PROJECTS section has no header");
  EXPECT_FORMAT_ERROR("META\nkey;value\ncomment;\"never closed\nbudget;100\n", 3, "quoted field is never closed");
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;10\nVOTES\n"
      "voter_id;vote;points\na;1;1.5\n",
      10, "points must be whole numbers >= 0, got '1.5'");
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;10\nVOTES\n"
      "voter_id;vote;points\na;1;-1\n",
      10, "got '-1'");
  // Unknown ids fail even when a cumulative row has no points.
  EXPECT_FORMAT_ERROR(
      "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;10\nVOTES\n"
      "voter_id;vote;points\na;7;\n",
      10, "'7'");
  EXPECT_FORMAT_ERROR(std::string(kHead) + "x;1\nPROJECTS\n", 12, "unexpected PROJECTS section (repeated");
}

// ------------------------------------------------------------------ writing

TEST(PabulibWrite, FormatDecimal) {
  EXPECT_EQ(allot::format_decimal(245848822, 2), "2458488.22");
  EXPECT_EQ(allot::format_decimal(-5, 2), "-0.05");
  EXPECT_EQ(allot::format_decimal(5, 0), "5");
  EXPECT_EQ(allot::format_decimal(0, 3), "0.000");
  EXPECT_EQ(allot::format_decimal(100, 2), "1.00");
  EXPECT_EQ(allot::format_decimal(-100, 0), "-100");
  EXPECT_EQ(allot::format_decimal(INT64_MIN, 2), "-92233720368547758.08");
}

TEST(PabulibWrite, FromContestRoundTrips) {
  allot::Contest c;
  c.id = "city-2025";
  c.title = "City; \"Budget\" 2025";
  c.format = BallotFormat::Cumulative;
  c.money_decimals = 2;
  c.budget = 100055;
  c.currency = "GBP";
  c.rules.max_points_total = 10;
  c.rules.max_cost = 90005;
  c.rules.min_choices = 1;
  c.options = {
      {"a", "Alpha; first", 2555, {"parks", "roads"}, ""},
      {"b", "  padded  ", 100000, {}, "North"},
      {"votes", "an id that reads as a marker", 0, {}, ""},
  };
  allot::Profile p;
  p.ballots = {{{0, 1}, {3, 7}}, {}, {{2}, {0}}};
  const auto e = allot::pabulib_from_contest(c, p, {{"rule", "greedy"}, {"comment", "made by a test"}});
  EXPECT_EQ(*e.meta_value("rule"), "greedy");
  const std::string text = write_pabulib(e);
  const auto back = parse_pabulib(text);
  EXPECT_EQ(back.contest.id, c.id);
  EXPECT_EQ(back.contest.title, c.title);
  EXPECT_EQ(back.contest.currency, "GBP");
  EXPECT_EQ(back.contest.budget, c.budget);
  EXPECT_EQ(back.contest.money_decimals, 2);
  EXPECT_EQ(back.contest.rules.max_points_total, 10);
  EXPECT_EQ(back.contest.rules.max_cost, 90005);
  EXPECT_EQ(back.contest.rules.min_choices, 1);
  ASSERT_EQ(back.contest.options.size(), 3u);
  EXPECT_EQ(back.contest.options[0].name, "Alpha; first");
  EXPECT_EQ(back.contest.options[0].cost, 2555);
  EXPECT_EQ(back.contest.options[0].categories, (Strings{"parks", "roads"}));
  EXPECT_EQ(back.contest.options[1].name, "padded");  // a file cannot keep surrounding blanks
  EXPECT_EQ(back.contest.options[1].district, "North");
  EXPECT_EQ(back.contest.options[2].id, "votes");
  ASSERT_EQ(back.profile.ballots.size(), 3u);
  EXPECT_EQ(back.profile.ballots[0].options, (std::vector<int>{0, 1}));
  EXPECT_EQ(back.profile.ballots[0].points, (Points{3, 7}));
  EXPECT_TRUE(back.profile.ballots[1].options.empty());
  EXPECT_EQ(back.profile.ballots[2].points, (Points{0}));
  EXPECT_EQ(*back.meta_value("num_votes"), "3");
  EXPECT_EQ(*back.meta_value("comment"), "made by a test");
  EXPECT_EQ(std::count_if(back.meta.begin(), back.meta.end(), [](const auto& kv) { return kv.first == "rule"; }), 1);
  EXPECT_EQ(back.project_fields[0][2], "1");  // votes column
  expect_round_trip(back, "from contest");
}

TEST(PabulibWrite, EditedContestIsWrittenFromTheModel) {
  auto e = parse_pabulib(std::string(kHead) + "a;1\nb;2\n");
  e.contest.options[0].cost = 15;
  e.contest.options[1].name = "New name";
  e.contest.budget = 200;
  e.profile.ballots.push_back({{0, 1}, {}});  // no raw fields for this one
  const auto back = parse_pabulib(write_pabulib(e));
  EXPECT_EQ(back.contest.options[0].cost, 15);
  EXPECT_EQ(back.contest.options[1].name, "New name");
  EXPECT_EQ(back.contest.budget, 200);
  ASSERT_EQ(back.profile.ballots.size(), 3u);
  EXPECT_EQ(back.profile.ballots[2].options, (std::vector<int>{0, 1}));
  EXPECT_EQ(back.vote_fields[2][0], "3");
}

TEST(PabulibWrite, UnwritableIdsAreRejected) {
  allot::Contest c;
  c.options = {{"a,b", "", 1, {}, ""}};
  EXPECT_THROW(allot::pabulib_from_contest(c, {}), allot::UsageError);
  c.options = {{"None", "", 1, {}, ""}};
  EXPECT_THROW(allot::pabulib_from_contest(c, {}), allot::UsageError);
  c.options = {{"ok", "", 1, {}, ""}};
  allot::Profile p;
  p.ballots = {{{3}, {}}};
  EXPECT_THROW(allot::pabulib_from_contest(c, p), allot::UsageError);
}

TEST(PabulibWrite, SingleColumnEmptyRowsSurvive) {
  // VOTES with only a vote column: an empty ballot must not become a blank line.
  const auto e = parse_pabulib(
      "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvote\n1\n\"\"\n1\n");
  ASSERT_EQ(e.profile.ballots.size(), 3u);
  expect_round_trip(e, "single column");
}
