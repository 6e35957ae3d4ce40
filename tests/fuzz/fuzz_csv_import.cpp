// CSV project lists imported as a contest (storage/include/allot/storage/import.hpp).
// For any bytes: import_file("csv") gives a contest that passes
// manifest::check_definition, or throws ImportError, nothing else. The first byte
// picks the defaults an officer could give (budget, money decimals), so those paths
// are fuzzed too; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "allot/storage/import.hpp"
#include "fuzz_import.hpp"

using namespace allot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  importer::ContestDefaults defaults;
  const std::uint8_t pick = data[0];
  if (pick & 1) defaults.budget = 100000;                    // else the total cost
  if (pick & 2) defaults.money_decimals = (pick >> 2) % 5;   // 0..4; else derived from the costs
  if (pick & 32) defaults.currency = "EUR";
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::check_import("csv", text, defaults);
  return 0;
}
