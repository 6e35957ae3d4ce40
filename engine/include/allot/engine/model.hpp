// The data model of SPEC section 2: contests, options, ballots, profiles.
//
// Everything here is plain data. Money is integer minor units (int64): a contest
// says how many decimal places its currency shows (`money_decimals`), so 1234.56
// is stored as 123456 with money_decimals = 2. Points are integers.
//
// Ballots refer to options by index into Contest::options (dense, 0-based) so the
// rules can use arrays; validation (validate.hpp) turns a ballot that names
// option ids into this form, with precise reasons when it cannot.
//
// Invariants (checked by validate_contest):
//   1. option ids are unique and non-empty; costs are >= 0;
//   2. budget >= 0 for budget contests, seats >= 1 for selection contests;
//   3. min_choices <= max_choices when both are set.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace allot {

using Money = std::int64_t;  // minor units (e.g. pence)

enum class ContestKind { Budget, Selection };
enum class BallotFormat { Approval, Cumulative, Ranked };

const char* to_string(ContestKind k);
const char* to_string(BallotFormat f);
std::optional<ContestKind> contest_kind_from_string(const std::string& s);
std::optional<BallotFormat> ballot_format_from_string(const std::string& s);

struct Option {
  std::string id;                       // stable identity; compared as a string
  std::string name;                     // human title (may be empty)
  Money cost = 0;                       // budget contests; 0 for selection contests
  std::vector<std::string> categories;  // optional
  std::string district;                 // optional, informational for an option
};

// Constraints a ballot must satisfy; every bound is optional.
struct BallotRules {
  int min_choices = 0;                 // approval: options chosen; ranked: ranks used
  std::optional<int> max_choices;      // approval: max options; ranked: max ranks (r)
  std::optional<Money> min_cost;       // approval: total cost of the chosen options
  std::optional<Money> max_cost;       // approval: knapsack cap
  std::optional<std::int64_t> max_points_total;       // cumulative: P
  std::optional<std::int64_t> max_points_per_option;  // cumulative: m
  std::optional<std::int64_t> min_points_total;       // cumulative
  // Per-category limit on the number of chosen options (approval).
  std::map<std::string, int> max_choices_per_category;
};

struct Contest {
  std::string id;
  std::string title;
  ContestKind kind = ContestKind::Budget;
  BallotFormat format = BallotFormat::Approval;
  std::vector<Option> options;
  Money budget = 0;            // budget contests
  int seats = 1;               // selection contests
  int money_decimals = 0;      // how many decimals the currency shows
  std::string currency;        // e.g. "GBP"; informational
  std::string district;        // empty: city-wide
  BallotRules rules;

  // Index of the option with this id, or -1.
  int find_option(const std::string& option_id) const;
};

// One voter's answer to one contest, in terms of option indices.
//  - approval: `options` is the chosen set (sorted, unique); `points` empty.
//  - cumulative: `options` and `points` are parallel (points >= 0).
//  - ranked: `options` is the ranking, best first (no repeats); `points` empty.
struct Ballot {
  std::vector<int> options;
  std::vector<std::int64_t> points;
};

// All ballots cast in one contest. Every ballot counts once, including empty ones
// (they count for the per-voter share in MES, as in the reference).
struct Profile {
  std::vector<Ballot> ballots;
};

// Plain reasons for an inconsistent contest definition; empty when it is sound.
std::vector<std::string> validate_contest(const Contest& c);

}  // namespace allot
