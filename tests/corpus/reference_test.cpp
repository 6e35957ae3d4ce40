// One test per reference case of the shared corpus: pabutools' selected set for
// every file x rule (../shared/testdata/pabulib/expected/<stem>.<rule>.json) must
// equal ours exactly. `allot conformance` runs the same comparison from the CLI.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "allot/engine/pabulib.hpp"
#include "allot/engine/rules.hpp"
#include "shared_data.hpp"

using namespace allot;
using namespace allot::testing;
namespace fs = std::filesystem;

namespace {

struct Case {
  std::string stem, ref_rule;
  fs::path expected;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.stem << "." << c.ref_rule; }

std::vector<Case> list_cases() {
  std::vector<Case> out;
  const fs::path dir = shared_dir() / "testdata" / "pabulib" / "expected";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    const std::string name = e.path().stem().string();
    const auto dot = name.rfind('.');
    if (dot == std::string::npos) continue;
    out.push_back({name.substr(0, dot), name.substr(dot + 1), e.path()});
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.expected < b.expected; });
  return out;
}

const std::map<std::string, std::string> kRules = {
    {"greedy", "greedy"}, {"mes_cost", "mes"}, {"mes_card", "mes-card"}, {"mes_cost_add1", "mes-add1"},
    {"phragmen", "phragmen"}};

class ReferenceTest : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(ReferenceTest, SelectedSetMatchesPabutools) {
  const Case& c = GetParam();
  const auto exp = nlohmann::json::parse(read_file(c.expected));
  if (exp.value("status", "ok") != "ok") GTEST_SKIP() << "the reference has no outcome: " << exp.value("status", "");
  auto rule = kRules.find(c.ref_rule);
  ASSERT_NE(rule, kRules.end()) << "unknown reference rule " << c.ref_rule;
  const PabulibElection e = parse_pabulib(read_file(c.expected.parent_path().parent_path() / (c.stem + ".pb")));
  const Result r = run_rule(rule->second, e.contest, e.profile);
  std::set<std::string> want, got;
  for (const auto& id : exp.at("selected")) want.insert(id.get<std::string>());
  for (int w : r.winners) got.insert(e.contest.options[static_cast<std::size_t>(w)].id);
  EXPECT_EQ(got, want);
  if (exp.contains("selected_add1_phase")) {
    std::set<std::string> want1, got1;
    for (const auto& id : exp.at("selected_add1_phase")) want1.insert(id.get<std::string>());
    for (const auto& round : r.rounds)
      if (round.action == "fund") got1.insert(e.contest.options[static_cast<std::size_t>(round.option)].id);
    EXPECT_EQ(got1, want1) << "the equal-shares phase before the completion";
  }
}

INSTANTIATE_TEST_SUITE_P(Pabulib, ReferenceTest, ::testing::ValuesIn(list_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.stem + "__" + info.param.ref_rule;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReferenceTest);

TEST(ReferenceData, IsPresent) {
  if (list_cases().empty())
    GTEST_SKIP() << "shared reference data not found at " << shared_dir() << " (set ALLOT_SHARED)";
  EXPECT_GE(list_cases().size(), 1u);
}
