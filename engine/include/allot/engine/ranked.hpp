// Ranked and committee elections: choosing k of n candidates (SPEC section 4,
// "Selection contests"). Plain data, as model.hpp.
//
// A ranked ballot keeps what the voter marked at every rank, including skipped
// ranks and overvotes (two or more candidates at one rank), because the counting
// rules (RCTab's options, docs: ../shared/docs/rcv-rules.md) decide what those
// mean. Identical ballots may be merged with a count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot {

// Special marks inside RankedBallot::ranks.
constexpr int kOvervoteMark = -1;  // an explicit "overvote here" mark (alone at its rank)

// A count of identical ballots: units / 10^decimals (almost always decimals = 0).
struct BallotCount {
  std::int64_t units = 1;
  int decimals = 0;
  bool operator==(const BallotCount&) const = default;
};

struct RankedBallot {
  // ranks[r] = candidate indices marked at rank r+1: empty = skipped rank,
  // two or more = overvote. Trailing empty ranks are dropped by readers.
  std::vector<std::vector<int>> ranks;
  BallotCount count;
  bool operator==(const RankedBallot&) const = default;
};

struct RankedElection {
  std::string title;
  std::vector<std::string> candidates;  // names; index = candidate id in ballots
  std::vector<RankedBallot> ballots;
  int seats = 1;
  std::vector<int> withdrawn;           // candidates that cannot win (BLT withdrawn / RCTab excluded)
};

// A selection contest with ranked ballots standing for a RankedElection (options =
// candidates, id = name), so results can be written with result_to_json.
Contest contest_of(const RankedElection& e);

// A ranked election from a selection contest and its (valid, strictly ranked) ballots.
RankedElection ranked_of(const Contest& c, const Profile& p);

}  // namespace allot
