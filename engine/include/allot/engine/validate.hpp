// Checking one voter's answer to one contest against the contest's ballot rules.
//
// The input names options by id (as the API and the paper-entry screen do); the
// output is the engine's Ballot (option indices) or every reason it is invalid,
// each a sentence a voter or officer understands ("'P9' is not on this ballot",
// "choose at most 3 projects; this ballot chooses 4").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot {

struct MarkedBallot {
  std::vector<std::string> options;   // approval: chosen; ranked: best first; cumulative: with points
  std::vector<std::int64_t> points;   // cumulative only, parallel to options
};

struct BallotCheck {
  bool ok = false;
  Ballot ballot;                      // valid only when ok
  std::vector<std::string> problems;  // empty when ok
};

BallotCheck check_ballot(const Contest& contest, const MarkedBallot& marked);

}  // namespace allot
