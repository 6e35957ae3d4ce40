// manifest::check_definition refuses a counting rule that cannot count its
// contest, before the manifest is frozen (afterwards the rule cannot change, so a
// rule that fails at the count would leave an election that can never be counted).
#include <gtest/gtest.h>

#include <string>

#include "allot/storage/manifest.hpp"
#include "store_fixture.hpp"

namespace allot::testing {
namespace {

json& mayor_of(json& def) {
  for (auto& c : def["contests"])
    if (c["id"] == "mayor") return c;
  throw std::runtime_error("no mayor contest in the fixture");
}

std::string problems_of(const json& def) {
  std::string out;
  for (const auto& p : manifest::check_definition(def)) out += p + "\n";
  return out;
}

TEST(ManifestRulesTest, IrvWithOneSeatIsAccepted) {
  json def = store_definition();
  EXPECT_EQ(problems_of(def), "");
}

TEST(ManifestRulesTest, IrvWithTwoSeatsIsRefusedNamingTheField) {
  json def = store_definition();
  mayor_of(def)["seats"] = 2;
  const std::string p = problems_of(def);
  EXPECT_NE(p.find(".rule"), std::string::npos) << p;
  EXPECT_NE(p.find("'irv' elects one candidate but this contest has 2 seats"), std::string::npos) << p;
}

TEST(ManifestRulesTest, StvWithTwoSeatsIsAccepted) {
  json def = store_definition();
  mayor_of(def)["seats"] = 2;
  mayor_of(def)["rule"] = "stv";
  EXPECT_EQ(problems_of(def), "");
}

TEST(ManifestRulesTest, ABudgetRuleOnRankedBallotsIsRefused) {
  json def = store_definition();
  mayor_of(def)["rule"] = "greedy";
  EXPECT_NE(problems_of(def).find("'greedy' does not count ranked ballots"), std::string::npos);
}

}  // namespace
}  // namespace allot::testing
