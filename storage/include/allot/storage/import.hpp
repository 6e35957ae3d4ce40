// Importing one contest of an election definition (docs/record-format.md) from a
// file an officer uploads (docs/officers.md, "Importing projects and candidates"):
//
//  - "csv": a project list (a header row, then one project per row);
//  - "pb":  a Pabulib file: its projects, budget and ballot limits (its votes are ignored);
//  - "blt": a BLT file: its candidates and seats, for a ranked contest (its ballots
//           are ignored).
//
// Every text goes under `language`. Nothing is imported from a file with an error:
// ImportError names the line (1-based; 0 for the file as a whole) and what is wrong,
// e.g. "line 7: cost 'abc' is not a number".
//
// What each format gives:
//  - csv: kind "budget", format "approval", rule "mes-add1", no limits. The budget,
//    currency, money_decimals and rule come from ContestDefaults (a project list
//    holds none of them); without them the budget is the total cost of all the
//    projects and money_decimals the most decimals a cost uses.
//  - pb:  kind "budget"; format "approval" (approval, choose-1 with max_choices 1),
//    "cumulative" (cumulative, scoring) or "approval" for ordinal files (an election
//    definition has no ranked budget contest: no rule counts one; min_length and
//    max_length still bound the number of projects chosen); budget, costs and
//    money_decimals (at most 4) from the file; limits from min_length, max_length,
//    min_sum_cost, max_sum_cost (and for cumulative max_points, max_sum_points,
//    min_sum_points); currency from META (else ContestDefaults); rule "mes-add1";
//    titles from the `name` column (else the id), descriptions from `description`.
//    Project ids that are not valid option ids (letters, digits, '.', '-', '_', at
//    most 64) are rewritten ('/' and other characters become '-'), kept unique.
//    The file's META district is not applied (the contest is city-wide until the
//    officer says otherwise).
//  - blt: kind "selection", format "ranked", seats from the header, one option per
//    candidate not withdrawn (withdrawn candidates are left out), id = a lower-case
//    ASCII slug of the name (unique; "c<N>" when the name has no Latin letters or
//    digits), title = the name, rule "stv".
//  Categories and option districts (csv and pb) are turned into ids (lower-case ASCII
//  slugs: "Green spaces" -> "green-spaces", "Zieleń" -> "zielen"; the same text gives
//  the same id); the definition must list them (import_file returns them).
//
// The contest passes manifest::check_definition once put into a definition whose
// languages include `language` and which lists the returned categories and districts.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace allot::importer {

struct ImportError : std::runtime_error {
  int line;  // 1-based; 0 = the file as a whole
  // what() reads "line 7: <msg>" (or just <msg> when line is 0).
  ImportError(int line, const std::string& msg);
  const std::string& message() const { return message_; }  // without the "line N: " prefix

 private:
  std::string message_;
};

struct ContestDefaults {
  // csv: the budget in minor units; 0 = the total cost of all projects. (pb: unused,
  // the file's budget is taken.)
  std::int64_t budget = 0;
  // csv: the currency; pb: used when the file's META has no currency.
  std::string currency;
  // csv: decimals of the currency (0..4); a cost may not use more. -1 = the most
  // decimals any cost uses. (pb: unused, derived from the file's amounts.)
  int money_decimals = -1;
  // Every format: the counting rule; "" = "mes-add1" (csv, pb) or "stv" (blt).
  std::string rule;
  // Every format: the contest title; "" = pb: META description (else instance),
  // blt: the file's title, csv (and empty titles): the contest id.
  std::string title;
};

// The contest JSON (as in docs/record-format.md, "contests" items) from a file.
// `format` is "csv", "pb" or "blt" (any case; a leading '.' is ignored).
// Throws ImportError (also for an unknown format or an invalid contest id).
nlohmann::json contest_from_file(const std::string& format, std::string_view text,
                                 const std::string& contest_id, const std::string& language);

// The same with defaults, returning
//   {"contest": {...},
//    "categories": [{"id": "green-spaces", "name": {language: "Green spaces"}}, ...],
//    "districts":  [{"id": "north", "name": {language: "North"}}, ...],
//    "notes": ["3 withdrawn candidates left out: ...", ...]}
// `categories` / `districts` list every id the options use, in order of first use,
// shaped as the definition's "categories" / "districts" entries: the caller adds
// those the definition does not have yet. `notes` are sentences for the officer
// about what was changed or left out (empty when nothing was).
nlohmann::json import_file(const std::string& format, std::string_view text, const std::string& contest_id,
                           const std::string& language, const ContestDefaults& defaults = {});

// The id made from a text (categories, districts, BLT candidates): lower-case ASCII
// letters, digits and '-', Latin letters with diacritics transliterated, at most 64
// characters; "" when nothing is left.
std::string slug(std::string_view text);

}  // namespace allot::importer
