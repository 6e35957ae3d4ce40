// Rules for selection contests with ranked ballots, and their registry.
//
// Options travel in RuleParams::options with the names of the neutral case JSON
// (../shared/docs/rcv-rules.md section 8), values as text: e.g.
// {"overvote_rule", "skip_to_next_rank"}, {"max_skipped_ranks", "unlimited"},
// {"decimal_places", "4"}, {"tiebreak", "random"}, {"random_seed", "0"}.
// Every rule returns rounds with per-candidate tallies (Round::tally), who was
// elected or eliminated (Round::elected / eliminated), the transfers, and one
// plain sentence per candidate (Result::options[i].explanation).
#pragma once

#include <string>
#include <vector>

#include "allot/engine/ranked.hpp"
#include "allot/engine/result.hpp"
#include "allot/engine/rules.hpp"

namespace allot {

struct RankedRuleInfo {
  std::string name;     // e.g. "stv"
  std::string title;    // e.g. "Single transferable vote (RCTab rules)"
  std::string summary;  // one line
  Result (*run)(const RankedElection&, const RuleParams&);
};

const std::vector<RankedRuleInfo>& all_ranked_rules();
const RankedRuleInfo* find_ranked_rule(const std::string& name);
// Throws UsageError for an unknown rule or a bad option.
Result run_ranked_rule(const std::string& name, const RankedElection& e, const RuleParams& params = {});

// RCTab-compatible counts (rcv.cpp). irv: single winner (seats must be 1);
// stv: RCTab multi-winner STV (WIGM, truncated decimals); bottoms_up,
// bottoms_up_percentage and irv_multipass: RCTab's other modes.
Result irv(const RankedElection& e, const RuleParams& params);
Result stv(const RankedElection& e, const RuleParams& params);
Result bottoms_up(const RankedElection& e, const RuleParams& params);
Result irv_multipass(const RankedElection& e, const RuleParams& params);

// STV variants beyond RCTab (stv_variants.cpp), after Droop.py's rules.
Result stv_meek(const RankedElection& e, const RuleParams& params);
Result stv_wigm(const RankedElection& e, const RuleParams& params);
Result stv_warren(const RankedElection& e, const RuleParams& params);
Result stv_scottish(const RankedElection& e, const RuleParams& params);
Result stv_mpls(const RankedElection& e, const RuleParams& params);
Result stv_cfer(const RankedElection& e, const RuleParams& params);
Result qpq(const RankedElection& e, const RuleParams& params);

// Condorcet and positional rules (condorcet.cpp, borda.cpp).
// schulze: option "strength" = winning (default) | margin | ratio; full ordering,
// top `seats` win. ranked_pairs: option "strength" = winning | margin.
Result schulze(const RankedElection& e, const RuleParams& params);
Result ranked_pairs(const RankedElection& e, const RuleParams& params);
Result borda(const RankedElection& e, const RuleParams& params);

}  // namespace allot
