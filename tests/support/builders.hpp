// Small builders for hand-made contests in tests.
#pragma once

#include <string>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot::testing {

// A budget contest with options named by id and their costs.
inline Contest budget_contest(Money budget, const std::vector<std::pair<std::string, Money>>& options,
                              BallotFormat format = BallotFormat::Approval) {
  Contest c;
  c.id = "test";
  c.title = "Test contest";
  c.kind = ContestKind::Budget;
  c.format = format;
  c.budget = budget;
  for (const auto& [id, cost] : options) c.options.push_back(Option{id, "", cost, {}, {}});
  return c;
}

// Adds `count` identical approval ballots listing the given option ids.
inline void approve(Profile& p, const Contest& c, const std::vector<std::string>& ids, int count = 1) {
  Ballot b;
  for (const auto& id : ids) b.options.push_back(c.find_option(id));
  for (int i = 0; i < count; ++i) p.ballots.push_back(b);
}

inline std::vector<std::string> ids(const Contest& c, const std::vector<int>& options) {
  std::vector<std::string> out;
  for (int o : options) out.push_back(c.options[static_cast<std::size_t>(o)].id);
  return out;
}

}  // namespace allot::testing
