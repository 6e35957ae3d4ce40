// The import check shared by fuzz_pabulib, fuzz_blt and fuzz_csv_import: an import
// either throws ImportError or gives a contest that passes manifest::check_definition
// in a minimal definition listing the categories and districts it returned
// (storage/include/allot/storage/import.hpp promises this).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "allot/storage/import.hpp"
#include "allot/storage/manifest.hpp"
#include "fuzz_check.hpp"

namespace allot::fuzz {

inline void check_import(const std::string& format, std::string_view text,
                         const importer::ContestDefaults& defaults = {}) {
  nlohmann::json imported;
  try {
    imported = importer::import_file(format, text, "fuzz", "en", defaults);
  } catch (const importer::ImportError&) {
    return;
  }
  const nlohmann::json definition = {{"election", "fuzz-2026"},
                                     {"languages", nlohmann::json::array({"en"})},
                                     {"title", {{"en", "Fuzz"}}},
                                     {"tie_break", "ticket"},
                                     {"districts", imported.at("districts")},
                                     {"categories", imported.at("categories")},
                                     {"contests", nlohmann::json::array({imported.at("contest")})}};
  std::string problems;
  for (const auto& p : manifest::check_definition(definition)) problems += p + "\n";
  require(problems.empty(), "an imported contest fails check_definition", problems + imported.dump());
}

}  // namespace allot::fuzz
