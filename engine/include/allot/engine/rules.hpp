// The registry of tally rules. A new rule = one header/source pair, one entry in
// rules.cpp, a few fixtures.
//
// Every rule is a pure function (contest, ballots, parameters) -> Result with
// these invariants, asserted by the tests for every rule and input:
//   1. spent <= budget (budget contests) and no option is selected twice;
//   2. spent equals the sum of the winners' costs;
//   3. rules that complete greedily leave no affordable, supported option unfunded.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "allot/engine/model.hpp"
#include "allot/engine/result.hpp"
#include "allot/engine/tiebreak.hpp"

namespace allot {

struct RuleParams {
  TieBreak tie_break;
  // Rule-specific options by name (documented per rule), e.g. {"step", "1"}.
  std::map<std::string, std::string> options;
};

struct RuleInfo {
  std::string name;       // e.g. "mes-add1"
  std::string title;      // e.g. "Method of Equal Shares with completion"
  std::string summary;    // one line for --help and the compare table
  // Empty when the rule applies to the contest, else the reason it does not.
  std::string (*applicability)(const Contest&);
  Result (*run)(const Contest&, const Profile&, const RuleParams&);
};

// All rules, in the order the CLI lists them.
const std::vector<RuleInfo>& all_rules();
// nullptr when unknown.
const RuleInfo* find_rule(const std::string& name);

// Runs a rule by name. Throws UsageError for an unknown rule, a rule that does not
// apply to the contest, or a bad parameter.
Result run_rule(const std::string& name, const Contest& contest, const Profile& profile,
                const RuleParams& params = {});

// Budget rules (budget_rules.cpp, mes.cpp, phragmen.cpp).
Result greedy(const Contest& contest, const Profile& profile, const RuleParams& params);
Result greedy_no_skip(const Contest& contest, const Profile& profile, const RuleParams& params);
Result mes_cost(const Contest& contest, const Profile& profile, const RuleParams& params);
Result mes_card(const Contest& contest, const Profile& profile, const RuleParams& params);
Result mes_add1(const Contest& contest, const Profile& profile, const RuleParams& params);
Result phragmen(const Contest& contest, const Profile& profile, const RuleParams& params);

// Fairness figures of an outcome, for comparing rules side by side.
struct Fairness {
  std::int64_t voters = 0;               // ballots counted
  std::int64_t voters_with_a_winner = 0; // ballots listing at least one winner
  std::int64_t empty_ballots = 0;        // ballots listing nothing
  Money spent = 0;
  std::size_t winners = 0;
};
Fairness fairness(const Contest& contest, const Profile& profile, const std::vector<int>& winners);

}  // namespace allot
