// Every input the fuzz targets (tests/fuzz, scripts/fuzz) found a fault with, byte
// for byte, and the clear refusal it gets now.
#include <gtest/gtest.h>

#include <string>

#include "allot/engine/blt.hpp"
#include "allot/engine/errors.hpp"

using namespace allot;
using namespace std::string_literals;

namespace {

// The FormatError parse_blt throws, or a failure when it throws none.
FormatError blt_error(const std::string& text) {
  try {
    parse_blt(text);
  } catch (const FormatError& e) {
    return e;
  }
  ADD_FAILURE() << "parse_blt accepted:\n" << text;
  return FormatError(0, "");
}

}  // namespace

// fuzz_blt: a ballot of weight "00" was read as a ballot of weight 0; write_blt
// wrote it as "0 1 0", which reads back as the closing 0 (then "1" is not a name).
// A zero weight is now refused where it is read, and write_blt refuses to write one.
TEST(FuzzRegressions, BltZeroWeightBallotIsRefused) {
  const std::string input =
      "4 3\n00 1 0\n99 2 0\n1 1=2=3 4 0\n0\n\"apple\"\n\"ban\t\0ana\"\n\"cherry\"\n\"date\"\n"
      "\"Example election where date i other fruit)\"\n"s;
  ASSERT_EQ(input.size(), 112u);  // the finding's exact bytes, the NUL included
  const FormatError e = blt_error(input);
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.message(), "a ballot's weight must be more than 0, got '00' (a line with a single 0 ends the ballots)");
  EXPECT_EQ(blt_error("2 1\n0.0 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n").line(), 2);

  RankedElection zero;
  zero.candidates = {"A", "B"};
  zero.ballots.push_back(RankedBallot{{{0}}, BallotCount{0, 0}});
  EXPECT_THROW(write_blt(zero), UsageError);
}
