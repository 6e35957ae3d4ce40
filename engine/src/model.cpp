#include "allot/engine/model.hpp"

#include <set>

namespace allot {

const char* to_string(ContestKind k) {
  switch (k) {
    case ContestKind::Budget: return "budget";
    case ContestKind::Selection: return "selection";
  }
  return "budget";
}

const char* to_string(BallotFormat f) {
  switch (f) {
    case BallotFormat::Approval: return "approval";
    case BallotFormat::Cumulative: return "cumulative";
    case BallotFormat::Ranked: return "ranked";
  }
  return "approval";
}

std::optional<ContestKind> contest_kind_from_string(const std::string& s) {
  if (s == "budget") return ContestKind::Budget;
  if (s == "selection") return ContestKind::Selection;
  return std::nullopt;
}

std::optional<BallotFormat> ballot_format_from_string(const std::string& s) {
  if (s == "approval") return BallotFormat::Approval;
  if (s == "cumulative") return BallotFormat::Cumulative;
  if (s == "ranked") return BallotFormat::Ranked;
  return std::nullopt;
}

int Contest::find_option(const std::string& option_id) const {
  for (std::size_t i = 0; i < options.size(); ++i)
    if (options[i].id == option_id) return static_cast<int>(i);
  return -1;
}

std::vector<std::string> validate_contest(const Contest& c) {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (const auto& o : c.options) {
    if (o.id.empty()) problems.push_back("an option has an empty id");
    else if (!seen.insert(o.id).second) problems.push_back("option id '" + o.id + "' is used twice");
    if (o.cost < 0) problems.push_back("option '" + o.id + "' has a negative cost");
  }
  if (c.kind == ContestKind::Budget && c.budget < 0) problems.push_back("the budget is negative");
  if (c.kind == ContestKind::Selection && c.seats < 1) problems.push_back("the number of seats must be at least 1");
  if (c.money_decimals < 0 || c.money_decimals > 6) problems.push_back("money decimals must be between 0 and 6");
  if (c.rules.min_choices < 0) problems.push_back("the minimum number of choices is negative");
  if (c.rules.max_choices && *c.rules.max_choices < c.rules.min_choices)
    problems.push_back("the maximum number of choices is below the minimum");
  if (c.rules.min_cost && c.rules.max_cost && *c.rules.max_cost < *c.rules.min_cost)
    problems.push_back("the maximum ballot cost is below the minimum");
  if (c.rules.max_points_total && *c.rules.max_points_total < 0)
    problems.push_back("the points total is negative");
  if (c.rules.max_points_per_option && *c.rules.max_points_per_option < 0)
    problems.push_back("the points per option limit is negative");
  return problems;
}

}  // namespace allot
