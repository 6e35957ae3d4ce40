// Pabulib `.pb` files (docs: ../shared/docs/pabulib-format.md): read and write.
//
// Pure functions over strings: the caller reads and writes files.
//
// Reading is lenient where real files are quirky (CRLF, BOM, CSV quoting, decimal
// commas, columns in any order, empty fields, `None`, duplicate ids in a vote) and
// strict where the data would be wrong (a vote naming an unknown project, a cost
// that is not a number, a missing section or column): then it throws FormatError
// with the 1-based line number and what is wrong. It never returns a partial read.
//
// Money: the budget and every cost are exact decimals. The contest's
// money_decimals is the largest number of significant decimals among them
// (trailing zeros ignored: "400000.0" has none), and every amount is scaled to
// integer minor units with it (2458488.22 -> 245848822 with money_decimals = 2).
//
// Ballots, as the reference (pabutools) reads them:
//  - approval / choose-1: the set of listed ids (a repeated id counts once);
//  - cumulative (and scoring): ids with parallel points; a repeated id keeps the
//    last points; a row without a points column is an empty ballot; points must
//    be whole numbers >= 0;
//  - ordinal: the ranking, best first; a repeated id keeps its first position.
//  Empty ids inside `vote` are skipped.
//
// Details of this implementation (engine/src/pabulib.cpp):
//  - Sections must come in the order META, PROJECTS, VOTES, each once; a marker is
//    an unquoted first field (any case, blanks around) with nothing else on the
//    line. The META header line (key;value) is skipped whatever it holds.
//  - A META key given twice: both pairs stay in `meta`; the last one is in effect
//    (meta_value returns it), as in pabutools' dict.
//  - Numbers: [+-]digits[(.|,)digits][e[+-]digits]; budget and costs must be >= 0
//    with at most 6 significant decimals and fit in int64 minor units.
//  - A project id containing a comma is a FormatError (no vote list could name it).
//  - Rows longer than their header: the extra fields are ignored; shorter rows
//    read the missing fields as empty.
//  - Ballot rules: min_sum_cost / max_sum_cost with more decimals than
//    money_decimals are rounded up / down to minor units. Every ballot total is a
//    whole number of minor units, so this admits exactly the same ballots. Values
//    that are not whole numbers >= 0 (amounts >= 0 for the cost bounds) leave the
//    rule unset; `min_points` has no counterpart in BallotRules (kept in meta only).
//    Rules are taken as written (no pabutools-style dropping of min_length = 1).
//  - contest.district = META district (empty when absent).
//  - Writing: META is written from `meta` (num_projects / num_votes replaced by the
//    real counts; budget kept as written when it equals contest.budget, else
//    format_decimal); budget / vote_type are appended if `meta` lacks them. Ballot
//    rules are not re-derived from contest.rules. Project id / cost / name /
//    category(ies) / district come from the contest (a raw field is kept when it
//    reads back to the same value, e.g. cost "4000.0"); vote (and points for
//    cumulative ballots) from the profile; every other column from the raw fields.
//    A name / category / district column is added when some option has one and
//    the file had no such column.
//    Throws UsageError for an option id that cannot be written (empty, `None`,
//    containing a comma, surrounding blanks) or a ballot naming a missing option.
//    money_decimals is not written: reading back derives it from the amounts, so
//    a contest whose amounts need fewer decimals than its money_decimals reads
//    back with fewer (the same amounts on a smaller scale).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "allot/engine/model.hpp"

namespace allot {

struct PabulibElection {
  // META pairs in file order (keys and values trimmed and unquoted).
  std::vector<std::pair<std::string, std::string>> meta;
  // The vote_type as written in the file: approval, choose-1, cumulative, ordinal, scoring.
  std::string vote_type;
  // The contest: kind Budget, format from vote_type (approval/choose-1 -> Approval,
  // cumulative/scoring -> Cumulative, ordinal -> Ranked), options in file order,
  // budget and costs in minor units, ballot rules from min_length, max_length,
  // min_sum_cost, max_sum_cost, max_points, max_sum_points, min_sum_points.
  // title = META description (or instance), currency = META currency.
  Contest contest;
  Profile profile;  // one ballot per VOTES row, in file order
  // Columns kept for a faithful rewrite.
  std::vector<std::string> project_columns;               // PROJECTS header
  std::vector<std::vector<std::string>> project_fields;  // per option, per column (raw, trimmed)
  std::vector<std::string> vote_columns;                  // VOTES header
  std::vector<std::vector<std::string>> vote_fields;     // per ballot, per column (raw, trimmed)

  const std::string* meta_value(const std::string& key) const;
};

// Parse a whole file's text. Throws FormatError.
PabulibElection parse_pabulib(std::string_view text);

// Write a file that parse_pabulib reads back to the same meta, contest options
// (ids, costs, names), budget and ballots. Uses LF line endings, quotes fields that
// need it, writes money with the contest's decimals.
std::string write_pabulib(const PabulibElection& election);

// Build a PabulibElection from a contest and its ballots (for export), with the
// standard META keys (description, country, unit, instance, num_projects,
// num_votes, budget, vote_type, rule) and columns project_id;cost;votes;name and
// voter_id;vote[;points]. `extra_meta` is appended after the standard keys.
// (Also written: currency and district when set, and the ballot rules as
// min_length, max_length, min_sum_cost, max_sum_cost, max_points, max_sum_points,
// min_sum_points; a key of `extra_meta` that is already present replaces its value
// in place instead of being repeated. category / district project columns are
// added when some option has them; voter ids are 1..n.)
PabulibElection pabulib_from_contest(
    const Contest& contest, const Profile& profile,
    const std::vector<std::pair<std::string, std::string>>& extra_meta = {});

// Format minor units as a decimal with the given number of decimals, no grouping:
// (245848822, 2) -> "2458488.22"; (-5, 2) -> "-0.05".
std::string format_decimal(Money minor, int decimals);

}  // namespace allot
