// Approval committee rules: choose k = contest.seats of the contest's candidates
// (a selection contest with approval ballots). Same signature as the budget rules
// of rules.hpp, so they register the same way; definitions and arithmetic in
// ../../../src/committee.cpp.
//
// Every rule returns winners in the order chosen (exactly min(k, candidates) of
// them: when the rule itself stops short, the remaining seats are filled as
// documented), one Round per seat ("elect", or "complete" for MES's completion;
// MES adds one "raise" round first) with the exact figures behind the choice, and
// one plain sentence per candidate. Ties: RuleParams::tie_break (TieOrder).
// Each throws UsageError when the contest is not a selection contest with
// approval ballots (committee_applicability says why) or seats < 1.
#pragma once

#include <string>

#include "allot/engine/model.hpp"
#include "allot/engine/result.hpp"
#include "allot/engine/rules.hpp"

namespace allot {

// Empty when the committee rules apply to the contest, else the reason they do
// not (for RuleInfo::applicability).
std::string committee_applicability(const Contest& contest);

// av: approval voting, the k candidates with the most approvals.
Result av(const Contest& contest, const Profile& profile, const RuleParams& params);

// pav: sequential proportional approval voting (harmonic weights 1, 1/2, 1/3, ...).
Result pav(const Contest& contest, const Profile& profile, const RuleParams& params);

// seq_phragmen_committee: sequential Phragmén with every seat costing 1.
Result seq_phragmen_committee(const Contest& contest, const Profile& profile, const RuleParams& params);

// mes_committee: Method of Equal Shares (seats cost 1, budget k) with the
// mes-add1 completion. Options: "steps_per_seat" (default "100"), and mes-add1's
// "threads" and "step_skipping", passed on.
Result mes_committee(const Contest& contest, const Profile& profile, const RuleParams& params);

}  // namespace allot
