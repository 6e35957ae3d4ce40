// Private helpers shared by the rules: support counts and ballots grouped by the
// set of options they list. Not part of the engine's public interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "allot/engine/model.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/result.hpp"

namespace allot::detail {

// For every option, how many ballots list it (a ballot counts once).
std::vector<std::int64_t> listing_counts(const Contest& c, const Profile& p);

// Greedy support: approvals (approval ballots), total points (cumulative), or
// positional points (ranked: the top of an r-long ranking gets r points).
std::vector<std::int64_t> greedy_scores(const Contest& c, const Profile& p);

// What greedy_scores counts, in words: "votes" or "points".
const char* score_unit(const Contest& c);

// Ballots grouped by the exact set of options they list (weights = multiplicity).
struct Groups {
  std::vector<std::vector<int>> sets;          // per group, sorted option indices
  std::vector<std::int64_t> weight;            // per group
  std::vector<std::vector<int>> supporters;    // per option, group indices
  std::vector<std::int64_t> support;           // per option, total weight
  std::int64_t total = 0;                      // all ballots, empty ones included
};
Groups group_ballots(const Contest& c, const Profile& p);

// Fills result.options with one entry per option (not selected, support given).
void init_outcomes(Result& r, const Contest& c, const std::vector<std::int64_t>& support);

// Finishes a result: spent from winners, selected flags, budget, tie order.
void finish(Result& r, const Contest& c, const class TieOrder& tie);

std::string ordinal(long long n);  // 1st, 2nd, 3rd, 4th...
std::string option_label(const Contest& c, int option);  // "P6" or "P6 (Park benches)"
std::string money(const Contest& c, Money m);
std::string money(const Contest& c, const Rational& m, int extra = 0);

}  // namespace allot::detail
