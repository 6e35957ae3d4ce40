// The invariants every budget rule promises (see rules.hpp), as test assertions.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "allot/engine/rules.hpp"

namespace allot::testing {

inline void check_invariants(const Contest& c, const Profile& p, const Result& r, const std::string& where) {
  SCOPED_TRACE(where + " rule " + r.rule);
  Money sum = 0;
  std::set<int> seen;
  for (int w : r.winners) {
    EXPECT_TRUE(seen.insert(w).second) << "option funded twice";
    sum += c.options[static_cast<std::size_t>(w)].cost;
  }
  EXPECT_EQ(sum, r.spent);
  EXPECT_LE(r.spent, c.budget);
  ASSERT_EQ(r.options.size(), c.options.size());
  for (const auto& o : r.options) {
    EXPECT_FALSE(o.explanation.empty()) << "option " << c.options[static_cast<std::size_t>(o.option)].id;
    EXPECT_EQ(o.selected, seen.count(o.option) == 1);
  }
  if (r.rule == "greedy" || r.rule == "mes-add1") {
    const Money left = c.budget - r.spent;
    for (std::size_t i = 0; i < c.options.size(); ++i)
      if (!seen.count(static_cast<int>(i))) {
        EXPECT_GT(c.options[i].cost, left) << "option " << c.options[i].id << " fits in the money left";
      }
  }
  (void)p;
}


}  // namespace allot::testing
