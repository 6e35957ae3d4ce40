#include "allot/engine/ranked_rules.hpp"

#include "allot/engine/errors.hpp"

namespace allot {

const std::vector<RankedRuleInfo>& all_ranked_rules() {
  static const std::vector<RankedRuleInfo> rules = {
      {"irv", "Instant-runoff voting (RCTab rules)",
       "one winner: eliminate the last-placed candidate until someone has a majority of active ballots", irv},
      {"stv", "Single transferable vote (RCTab rules)",
       "k winners: elect whoever reaches the Droop quota, pass on surpluses, eliminate the last-placed", stv},
      {"bottoms-up", "Bottoms-up (RCTab rules)",
       "eliminate the last-placed candidate until only k remain (or all are above a percentage)", bottoms_up},
      {"irv-multipass", "Sequential IRV (RCTab rules)",
       "run IRV, set the winner aside, run again on all ballots, until k seats are filled", irv_multipass},
      {"stv-meek", "Meek STV", "STV where elected candidates keep just a quota and pass the rest on exactly", stv_meek},
      {"stv-wigm", "Weighted inclusive Gregory STV", "STV passing surpluses at a transfer value over all ballots",
       stv_wigm},
      {"stv-warren", "Warren STV", "like Meek, but each elected candidate takes a fixed amount from each ballot",
       stv_warren},
      {"stv-scottish", "Scottish STV", "the rules of Scottish local elections (WIGM, 5 decimals)", stv_scottish},
      {"stv-mpls", "Minneapolis STV", "Minneapolis's STV rules (WIGM with batch defeats)", stv_mpls},
      {"stv-cfer", "CfER STV", "Citizens for Election Reform's STV rules", stv_cfer},
      {"qpq", "Quota preferential by quotient", "Woodall's QPQ: elect by quotients of votes to quota", qpq},
      {"schulze", "Schulze method", "orders candidates by their strongest beat-paths; the top k win", schulze},
      {"ranked-pairs", "Ranked pairs", "locks in the strongest pairwise wins that make no cycle", ranked_pairs},
      {"borda", "Borda count", "positional points: the top of an r-long ranking gets r points", borda},
  };
  return rules;
}

const RankedRuleInfo* find_ranked_rule(const std::string& name) {
  for (const auto& r : all_ranked_rules())
    if (r.name == name) return &r;
  return nullptr;
}

Result run_ranked_rule(const std::string& name, const RankedElection& e, const RuleParams& params) {
  const RankedRuleInfo* rule = find_ranked_rule(name);
  if (!rule) {
    std::string known;
    for (const auto& r : all_ranked_rules()) known += (known.empty() ? "" : ", ") + r.name;
    throw UsageError("unknown rule '" + name + "' for ranked ballots (known: " + known + ")");
  }
  if (e.candidates.empty()) throw UsageError("the election has no candidates");
  if (e.seats < 0) throw UsageError("the number of seats cannot be negative");
  return rule->run(e, params);
}

}  // namespace allot
