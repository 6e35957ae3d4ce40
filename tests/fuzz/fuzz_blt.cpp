// BLT files (engine/include/allot/engine/blt.hpp) and their import as a ranked
// contest (storage/include/allot/storage/import.hpp). For any bytes:
//  - parse_blt reads the file or throws FormatError, nothing else;
//  - what it read, written back with write_blt (which may refuse a name it cannot
//    write with UsageError), reads back to the same candidates, seats, withdrawn
//    candidates and ballots;
//  - import_file("blt") gives a contest that passes manifest::check_definition, or
//    throws ImportError.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "allot/engine/blt.hpp"
#include "allot/engine/errors.hpp"
#include "fuzz_check.hpp"
#include "fuzz_import.hpp"

using namespace allot;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  BltFile f;
  bool parsed = false;
  try {
    f = parse_blt(text);
    parsed = true;
  } catch (const FormatError&) {
  }
  if (parsed) {
    std::string again;
    bool written = false;
    try {
      again = write_blt(f.election, f.tie_order);
      written = true;
    } catch (const UsageError&) {
    }
    if (written) {
      BltFile back;
      try {
        back = parse_blt(again);
      } catch (const FormatError& err) {
        fuzz::require(false, "write_blt wrote a file parse_blt refuses", std::string(err.what()) + "\n" + again);
      }
      const RankedElection& a = f.election;
      const RankedElection& b = back.election;
      fuzz::require(a.candidates == b.candidates, "candidates differ after a rewrite");
      fuzz::require(a.seats == b.seats, "seats differ after a rewrite");
      fuzz::require(a.withdrawn == b.withdrawn, "withdrawn candidates differ after a rewrite");
      fuzz::require(a.ballots == b.ballots, "ballots differ after a rewrite", again);
      fuzz::require(f.tie_order == back.tie_order, "the tie order differs after a rewrite");
    }
  }
  fuzz::check_import("blt", text);
  return 0;
}
