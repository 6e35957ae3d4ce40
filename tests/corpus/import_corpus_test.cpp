// Every shared Pabulib file imports as a contest (importer::contest_from_file) that
// passes manifest::check_definition inside a minimal definition.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "allot/engine/pabulib.hpp"
#include "allot/storage/import.hpp"
#include "allot/storage/manifest.hpp"
#include "shared_data.hpp"

using namespace allot;
using namespace allot::testing;
using nlohmann::json;

TEST(ImportCorpusTest, EverySharedPabulibFileImportsAsAValidContest) {
  const auto dir = shared_dir() / "testdata" / "pabulib";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "shared data not found at " << dir << " (set ALLOT_SHARED)";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".pb") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    const std::string text = read_file(entry.path());
    json imported;
    try {
      imported = importer::import_file("pb", text, "city", "en");
    } catch (const importer::ImportError& e) {
      ADD_FAILURE() << name << ": " << e.what();
      continue;
    }
    // contest_from_file gives the same contest.
    EXPECT_EQ(importer::contest_from_file("pb", text, "city", "en"), imported.at("contest")) << name;
    const json definition = {{"election", "corpus"},
                             {"languages", json::array({"en"})},
                             {"title", {{"en", name}}},
                             {"categories", imported.at("categories")},
                             {"districts", imported.at("districts")},
                             {"contests", json::array({imported.at("contest")})}};
    const auto problems = manifest::check_definition(definition);
    EXPECT_TRUE(problems.empty()) << name << ": " << problems.front();
    // The engine's contest agrees with the file on what was imported.
    const PabulibElection pe = parse_pabulib(text);
    const Contest c = manifest::contest_at(definition, 0);
    EXPECT_EQ(c.budget, pe.contest.budget) << name;
    ASSERT_EQ(c.options.size(), pe.contest.options.size()) << name;
    for (std::size_t i = 0; i < c.options.size(); ++i) EXPECT_EQ(c.options[i].cost, pe.contest.options[i].cost) << name;
  }
  EXPECT_GT(files, 0);
}
