// BLT ballot files (docs: ../shared/docs/blt-format.md): read and write.
//
// Pure functions over strings. The reader accepts the common core (header
// "C S", optional negative withdrawn line, ballot lines "w p1 ... pk 0", a lone
// 0, C quoted names, a quoted title) and the extensions of the STV tools:
// "(id)" ballot identifiers, "a=b" equal preferences, "-" skipped ranks,
// "[nick ...]", "[withdrawn ...]", "[tie ...]" and other "[...]" options (kept
// as text). Weights may be decimals; they are more than 0. Any error throws
// FormatError with the line number and what is wrong; nothing is returned half-read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "allot/engine/ranked.hpp"

namespace allot {

struct BltFile {
  RankedElection election;              // candidates by name; ballots in file order
  std::vector<int> tie_order;           // from [tie ...], strongest first (empty if none)
  std::vector<std::string> nicknames;   // from [nick ...] (empty if none)
  std::vector<std::string> options;     // other [...] groups, verbatim without brackets
};

BltFile parse_blt(std::string_view text);

// Writes a file parse_blt reads back to the same election (candidates, seats,
// withdrawn, ballots with their ranks, counts and title) and tie order.
// Throws UsageError when a name cannot be written (it contains a double quote or
// a line break) or a ballot's weight is not more than 0 (the reader refuses it).
std::string write_blt(const RankedElection& e, const std::vector<int>& tie_order = {});

}  // namespace allot
