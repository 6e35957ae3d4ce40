// Pabulib .pb files (engine/include/allot/engine/pabulib.hpp) and their import as a
// contest of an election definition (storage/include/allot/storage/import.hpp).
// For any bytes:
//  - parse_pabulib reads the file or throws FormatError, nothing else;
//  - what it read, written back with write_pabulib, reads back to the same options,
//    costs, budget and number of ballots;
//  - import_file("pb") gives a contest that passes manifest::check_definition in a
//    definition listing its categories and districts, or throws ImportError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "allot/engine/errors.hpp"
#include "allot/engine/pabulib.hpp"
#include "allot/storage/import.hpp"
#include "allot/storage/manifest.hpp"
#include "fuzz_check.hpp"
#include "fuzz_import.hpp"

using namespace allot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool parsed = false;
  try {
    const PabulibElection e = parse_pabulib(text);
    parsed = true;
    const std::string again = write_pabulib(e);
    PabulibElection back;
    try {
      back = parse_pabulib(again);
    } catch (const FormatError& err) {
      fuzz::require(false, "write_pabulib wrote a file parse_pabulib refuses", std::string(err.what()) + "\n" + again);
    }
    const Contest& a = e.contest;
    const Contest& b = back.contest;
    fuzz::require(a.options.size() == b.options.size(), "options differ after a rewrite");
    for (std::size_t i = 0; i < a.options.size(); ++i)
      fuzz::require(a.options[i].id == b.options[i].id && a.options[i].cost == b.options[i].cost,
                    "an option differs after a rewrite", a.options[i].id);
    fuzz::require(a.budget == b.budget, "the budget differs after a rewrite");
    fuzz::require(e.profile.ballots.size() == back.profile.ballots.size(), "ballots differ after a rewrite");
  } catch (const FormatError&) {
    fuzz::require(!parsed, "the rewrite threw FormatError");
  }
  fuzz::check_import("pb", text);
  return 0;
}
