// Reference cases in the neutral JSON layout of ../shared/docs/rcv-rules.md
// section 8 (folders ../shared/testdata/rcv, stv and condorcet): run one case with
// our rules and say exactly what differs from the reference. Used by
// `allot conformance DIR` and by the tests, so a new case needs no code.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked.hpp"

namespace allot {

struct CaseOutcome {
  bool passed = false;
  std::string detail;  // when not passed: what differs (first differences, round by round)
};

// True when the document looks like a reference case (has "method" and "expected").
bool is_reference_case(const nlohmann::json& doc);

// Runs a case; dispatches on "method". Never throws for a bad case: a case it
// cannot read or a method it does not know is a failure with a message.
CaseOutcome run_reference_case(const nlohmann::json& doc);

// Reads the case's "candidates", "seats", "ballots" (and "options.excluded" /
// "options.withdrawn") into a RankedElection. "$OVERVOTE" becomes kOvervoteMark;
// "$UWI" (when options.undeclared_write_ins is true) becomes an extra candidate
// named "$UWI" appended last. Throws std::runtime_error on a malformed case.
RankedElection election_of_case(const nlohmann::json& doc);

// Numbers in cases are decimal strings (or JSON numbers): exact comparison.
bool same_number(const std::string& a, const std::string& b);

// Reads "12", "-3.250", "1e-3" or "7/2" exactly (base 10 always); false if it is
// not a number.
bool parse_exact_number(const std::string& text, Rational& out);

// Per corpus (each in its own source file).
CaseOutcome run_rcv_case(const nlohmann::json& doc);        // irv, stv_rctab, bottoms_up*, irv_multipass,
                                                            // irv_condorcet_php, stv_condorcet_php
CaseOutcome run_stv_case(const nlohmann::json& doc);        // stv_meek, stv_wigm, stv_warren, stv_scottish, stv_mpls, stv_cfer, qpq
CaseOutcome run_condorcet_case(const nlohmann::json& doc);  // schulze_*, ranked_pairs_*

}  // namespace allot
