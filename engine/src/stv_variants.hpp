// The STV variants of stv_variants.cpp with their full step log, for the
// reference-case runner (cases_stv.cpp) and the tests. Private to the engine.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "allot/engine/ranked.hpp"
#include "allot/engine/result.hpp"
#include "allot/engine/rules.hpp"

namespace allot::detail {

// One logged action, as Droop.py (or STV-rs) records it. Numbers are text at the
// display precision, exactly as the reference tools print them.
struct StvStep {
  int round = 0;           // Droop.py's round (stage) number; STV-rs logs none
  std::string action;      // begin | round | count | elect | defeat | tie | iterate | unpend | transfer | end
  std::string msg;         // "Elect: Castor", "Break tie (defeat): [Pollux, Helen] -> Pollux", ...
  bool full = true;        // STV-rs prints candidate tallies only for some actions
  // Per candidate (index): tally, state code (H, E, e = elected with transfer
  // pending, D, W), Meek keep factor, QPQ quotient. Withdrawn candidates have a
  // state only.
  std::vector<std::pair<int, std::string>> tally;
  std::vector<std::pair<int, char>> state;
  std::vector<std::pair<int, std::string>> keep_factor;
  std::vector<std::pair<int, std::string>> quotient;
  // quota, votes, surplus, and per family residual (Meek), nt_votes (WIGM), total (STV-rs).
  std::vector<std::pair<std::string, std::string>> figures;
};

struct StvRun {
  Result result;
  std::string log_style;          // "droop" or "stv-rs"
  std::vector<StvStep> steps;
  // Candidates in the order they entered the elected (or defeated) state from
  // another state, step after step. QPQ re-elects candidates after a restart, so
  // `elected_sequence` can name one several times; Result::winners names each once.
  std::vector<int> elected_sequence;
  std::vector<int> defeated_sequence;
  std::string initial_quota;                             // at the first logged step
  std::vector<std::pair<int, std::string>> final_tally;  // eligible candidates
};

// method: stv_meek, stv_wigm, stv_warren, stv_scottish, stv_mpls, stv_cfer or qpq.
// Throws UsageError for an unknown method or a bad option.
StvRun run_stv_variant(const std::string& method, const RankedElection& e, const RuleParams& params);

}  // namespace allot::detail
