// Every rule on every shared Pabulib file: the invariants hold and every option
// is explained. (The outcomes themselves are checked against the reference by
// `allot conformance`, test conformance.pabulib.)
#include <gtest/gtest.h>

#include <filesystem>

#include "allot/engine/pabulib.hpp"
#include "allot/engine/rules.hpp"
#include "invariants.hpp"
#include "shared_data.hpp"

using namespace allot;
using namespace allot::testing;

TEST(CorpusTest, EveryRuleKeepsItsInvariantsOnEverySharedFile) {
  const auto dir = shared_dir() / "testdata" / "pabulib";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared data not found at " << dir << " (set ALLOT_SHARED)";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".pb") continue;
    ++files;
    PabulibElection e = parse_pabulib(read_file(entry.path()));
    for (const auto& rule : all_rules()) {
      if (!rule.applicability(e.contest).empty()) continue;
      Result r = rule.run(e.contest, e.profile, {});
      check_invariants(e.contest, e.profile, r, entry.path().filename().string());
    }
  }
  EXPECT_GT(files, 0);
}
