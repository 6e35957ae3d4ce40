#include "allot/engine/rules.hpp"

#include "allot/engine/committee_rules.hpp"
#include "allot/engine/errors.hpp"
#include "support.hpp"

namespace allot {

namespace {

std::string budget_only(const Contest& c) {
  if (c.kind != ContestKind::Budget) return "it decides budget contests, and this is a selection contest";
  return {};
}

std::string approval_only(const Contest& c) {
  if (c.format != BallotFormat::Approval) return "it needs approval ballots";
  return {};
}

// phragmen and mes serve both kinds of contest: budget contests as defined in
// phragmen.cpp / mes.cpp, selection contests with unit costs (committee.cpp).
Result phragmen_any(const Contest& c, const Profile& p, const RuleParams& params) {
  return c.kind == ContestKind::Selection ? seq_phragmen_committee(c, p, params) : phragmen(c, p, params);
}

std::string mes_applicability(const Contest& c) {
  return c.kind == ContestKind::Selection ? committee_applicability(c) : std::string();
}

Result mes_any(const Contest& c, const Profile& p, const RuleParams& params) {
  return c.kind == ContestKind::Selection ? mes_committee(c, p, params) : mes_cost(c, p, params);
}

}  // namespace

const std::vector<RuleInfo>& all_rules() {
  static const std::vector<RuleInfo> rules = {
      {"greedy", "Greedy by support",
       "fund the most supported projects first; skip any that does not fit", budget_only, greedy},
      {"greedy-no-skip", "Greedy by support, no skipping",
       "fund the most supported projects first; stop at the first that does not fit", budget_only,
       greedy_no_skip},
      {"mes", "Method of Equal Shares (cost utilities)",
       "every voter gets an equal share of the budget to spend on projects she supports (selection "
       "contests: unit costs, with completion)",
       mes_applicability, mes_any},
      {"mes-card", "Method of Equal Shares (cardinality utilities)",
       "equal shares, counting each funded project a voter supports as one unit of satisfaction", budget_only,
       mes_card},
      {"mes-add1", "Method of Equal Shares with completion",
       "equal shares, raising each share step by step while the outcome fits, then greedy completion",
       budget_only, mes_add1},
      {"phragmen", "Sequential Phragmén",
       "supporters share each project's cost so that the largest load stays as small as possible",
       approval_only, phragmen_any},
      {"av", "Approval voting", "selection contests: the k candidates with the most approvals",
       committee_applicability, av},
      {"pav", "Proportional approval voting",
       "selection contests: each seat goes to the candidate adding the most satisfaction, a voter's "
       "second winner counting 1/2, her third 1/3...",
       committee_applicability, pav},
  };
  return rules;
}

const RuleInfo* find_rule(const std::string& name) {
  for (const auto& r : all_rules())
    if (r.name == name) return &r;
  return nullptr;
}

Result run_rule(const std::string& name, const Contest& contest, const Profile& profile,
                const RuleParams& params) {
  const RuleInfo* rule = find_rule(name);
  if (!rule) {
    std::string known;
    for (const auto& r : all_rules()) known += (known.empty() ? "" : ", ") + r.name;
    throw UsageError("unknown rule '" + name + "' (known rules: " + known + ")");
  }
  if (auto why = rule->applicability(contest); !why.empty())
    throw UsageError("rule '" + name + "' does not apply to this contest: " + why);
  if (auto problems = validate_contest(contest); !problems.empty())
    throw UsageError("the contest is not consistent: " + problems.front());
  return rule->run(contest, profile, params);
}

Fairness fairness(const Contest& contest, const Profile& profile, const std::vector<int>& winners) {
  Fairness f;
  std::vector<char> won(contest.options.size(), 0);
  for (int w : winners) {
    won[static_cast<std::size_t>(w)] = 1;
    f.spent += contest.options[static_cast<std::size_t>(w)].cost;
  }
  f.winners = winners.size();
  for (const auto& b : profile.ballots) {
    ++f.voters;
    if (b.options.empty()) ++f.empty_ballots;
    for (int o : b.options)
      if (won[static_cast<std::size_t>(o)]) {
        ++f.voters_with_a_winner;
        break;
      }
  }
  return f;
}

}  // namespace allot
