// What a rule returns: the outcome, the rounds that led to it and one plain
// sentence per option. The same document feeds the CLI, the API, the web replay
// and the auditor's re-tally.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "allot/engine/model.hpp"
#include "allot/engine/tiebreak.hpp"

namespace allot {

// Named exact figures ("cost" -> "50000", "payment" -> "961/10"), in a stable order.
using Figures = std::vector<std::pair<std::string, std::string>>;

struct Round {
  int number = 0;          // 1-based, in the order things happened
  std::string action;      // fund | skip | stop | raise | complete | count | ...
  int option = -1;         // the option the round is about, or -1
  std::string text;        // a sentence a person understands
  Figures figures;         // exact values behind the sentence (threshold, exhausted, ...)
  // Ranked and committee rules: a counting round.
  std::vector<std::pair<int, std::string>> tally;  // candidate -> votes (exact decimal text)
  std::vector<int> elected;                        // decided in this round
  std::vector<int> eliminated;
  // Votes that move in the next round: from candidate -> {recipient id or
  // "exhausted" -> amount}.
  std::vector<std::pair<int, Figures>> transfers;
};

struct OptionOutcome {
  int option = -1;
  bool selected = false;
  std::int64_t support = 0;  // ballots listing it (approvals); points for point-based rules
  std::string explanation;   // one plain sentence: why it won or lost
  Figures figures;
};

struct Result {
  std::string rule;                 // registry name, e.g. "mes-add1"
  std::string rule_title;           // e.g. "Method of Equal Shares with completion"
  Figures parameters;               // the rule's parameters as used
  std::vector<int> winners;         // option indices, in the order chosen
  Money spent = 0;                  // total cost of the winners (minor units)
  Money budget = 0;                 // the contest's budget (minor units)
  std::int64_t ballots = 0;         // ballots counted
  std::vector<Round> rounds;
  std::vector<OptionOutcome> options;  // one per contest option, in contest order
  TieBreak tie_break;
  std::vector<int> tie_order;       // options from first to last in tie order
  std::vector<std::string> notes;   // anything an auditor should know
};

// The result document (see docs/rules/README.md for the fields). Top-level
// `winners` lists the winning option ids.
nlohmann::json result_to_json(const Contest& contest, const Result& result);

// Human-readable report: winners, total cost, budget, explanations.
std::string result_to_text(const Contest& contest, const Result& result);

}  // namespace allot
