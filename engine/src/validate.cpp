#include "allot/engine/validate.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "allot/engine/numbers.hpp"

namespace allot {

namespace {

std::string noun(const Contest& c, long long n) {
  if (c.kind == ContestKind::Budget) return n == 1 ? "project" : "projects";
  return n == 1 ? "option" : "options";
}

}  // namespace

BallotCheck check_ballot(const Contest& c, const MarkedBallot& m) {
  BallotCheck out;
  auto& problems = out.problems;
  const bool cumulative = c.format == BallotFormat::Cumulative;
  if (cumulative && m.points.size() != m.options.size()) {
    problems.push_back("every chosen " + noun(c, 1) + " needs its points (" + std::to_string(m.options.size()) +
                       " chosen, " + std::to_string(m.points.size()) + " points given)");
    return out;
  }
  if (!cumulative && !m.points.empty()) problems.push_back("points are only for cumulative ballots");

  std::set<int> seen;
  std::vector<int> options;
  std::vector<std::int64_t> points;
  for (std::size_t i = 0; i < m.options.size(); ++i) {
    const std::string& id = m.options[i];
    const int o = c.find_option(id);
    if (o < 0) {
      problems.push_back("'" + id + "' is not on this ballot");
      continue;
    }
    if (!seen.insert(o).second) {
      problems.push_back(std::string(c.format == BallotFormat::Ranked ? "'" + id + "' is ranked more than once"
                                                                       : "'" + id + "' is chosen more than once"));
      continue;
    }
    options.push_back(o);
    if (cumulative) points.push_back(m.points[i]);
  }

  const auto chosen = static_cast<long long>(options.size());
  const auto& r = c.rules;
  const char* verb = c.format == BallotFormat::Ranked ? "rank" : "choose";
  if (chosen < r.min_choices)
    problems.push_back(std::string(verb) + " at least " + std::to_string(r.min_choices) + " " +
                       noun(c, r.min_choices) + "; this ballot has " + std::to_string(chosen));
  if (r.max_choices && chosen > *r.max_choices)
    problems.push_back(std::string(verb) + " at most " + std::to_string(*r.max_choices) + " " +
                       noun(c, *r.max_choices) + "; this ballot has " + std::to_string(chosen));

  if (c.format == BallotFormat::Approval) {
    Money total = 0;
    for (int o : options) total += c.options[static_cast<std::size_t>(o)].cost;
    if (r.max_cost && total > *r.max_cost)
      problems.push_back("the chosen projects cost " + money_text(total, c.money_decimals) +
                         " together, more than the " + money_text(*r.max_cost, c.money_decimals) + " allowed");
    if (r.min_cost && total < *r.min_cost)
      problems.push_back("the chosen projects cost " + money_text(total, c.money_decimals) +
                         " together, less than the " + money_text(*r.min_cost, c.money_decimals) + " required");
    std::map<std::string, int> per_category;
    for (int o : options)
      for (const auto& cat : c.options[static_cast<std::size_t>(o)].categories) ++per_category[cat];
    for (const auto& [cat, limit] : r.max_choices_per_category) {
      auto it = per_category.find(cat);
      if (it != per_category.end() && it->second > limit)
        problems.push_back("choose at most " + std::to_string(limit) + " " + noun(c, limit) + " in '" + cat +
                           "'; this ballot has " + std::to_string(it->second));
    }
  }

  if (cumulative) {
    std::int64_t total = 0;
    bool overflow = false;
    for (std::size_t i = 0; i < options.size(); ++i) {
      const auto& id = c.options[static_cast<std::size_t>(options[i])].id;
      if (points[i] < 0) problems.push_back("points for '" + id + "' cannot be negative");
      if (r.max_points_per_option && points[i] > *r.max_points_per_option)
        problems.push_back("at most " + std::to_string(*r.max_points_per_option) + " points for one " + noun(c, 1) +
                           "; '" + id + "' has " + std::to_string(points[i]));
      if (__builtin_add_overflow(total, points[i], &total)) overflow = true;
    }
    if (overflow) problems.push_back("the points add up to more than can be counted");
    else if (r.max_points_total && total > *r.max_points_total)
      problems.push_back("give at most " + std::to_string(*r.max_points_total) + " points in all; this ballot gives " +
                         std::to_string(total));
    else if (r.min_points_total && total < *r.min_points_total)
      problems.push_back("give at least " + std::to_string(*r.min_points_total) +
                         " points in all; this ballot gives " + std::to_string(total));
  }

  if (!problems.empty()) return out;
  out.ok = true;
  if (c.format == BallotFormat::Approval) std::sort(options.begin(), options.end());
  out.ballot.options = std::move(options);
  out.ballot.points = std::move(points);
  return out;
}

}  // namespace allot
