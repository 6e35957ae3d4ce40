// Reference cases for the RCTab-compatible counts (../shared/testdata/rcv) and the
// Condorcet PHP instant-runoff and STV cases (../shared/testdata/condorcet, methods
// irv_condorcet_php and stv_condorcet_php). Layout: ../shared/docs/rcv-rules.md
// section 8.
//
// Methods: irv -> irv; stv_rctab -> stv; bottoms_up and bottoms_up_percentage ->
// bottoms_up; irv_multipass -> irv_multipass; irv_condorcet_php and
// stv_condorcet_php -> irv and stv with variant=condorcet_php. The case's options
// become rule options under the same names (arrays such as tiebreak_permutation
// comma-joined, nulls dropped, unknown keys left out and named if the case
// fails); excluded candidates come in through the election.
//
// Compared, numerically (same_number):
//   - winners: in order, except that candidates elected in the same round (or
//     sharing a place in a Condorcet PHP ranking) are compared as a set;
//   - every expected round (every pass for irv_multipass): each candidate's tally
//     (and no extra ones), the threshold, who was elected and eliminated (as sets),
//     the exhausted total, every inactive bucket the case gives, and every
//     transfer the case gives (and no extra ones);
//   - the number of rounds, final_threshold, total_ballots and undervotes;
//   - Condorcet PHP: winners, the full ranking, the per-round tallies, the quota
//     (stv) and the majority (irv). Those references print floating-point numbers
//     rounded to 11+ decimals, so a value with 6 or more printed decimals matches
//     when ours rounds to it; shorter ones must be equal.
// A count that cannot finish (for example a tie that needs an operator's decision)
// is a failure whose detail says why. The detail lists the first differences.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "allot/engine/cases.hpp"
#include "case_diff.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"

namespace allot {

namespace {

using nlohmann::json;

using detail::Differences;

std::string text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_array()) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + text_of(x);
    return s;
  }
  return v.dump();
}

// "12", "-0.25", "1e-3", "61/3" -> exact rational.
bool to_rational(const std::string& text, Rational& out) { return parse_exact_number(text, out); }

int printed_decimals(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos || s.find_first_of("eE/") != std::string::npos) return 0;
  return static_cast<int>(s.size() - dot - 1);
}

// Equal; or, for rounded floating-point printouts (6+ decimals), equal once ours is
// rounded to the printed decimals.
bool matches(const std::string& mine, const std::string& expected, bool rounded_reference) {
  if (same_number(mine, expected)) return true;
  if (!rounded_reference) return false;
  const int k = printed_decimals(expected);
  if (k < 6) return false;
  Rational a, b;
  if (!to_rational(mine, a) || !to_rational(expected, b)) return false;
  mpz_class p;
  mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(k));
  Rational diff = abs(a - b) * p * 2;
  return diff <= 1;
}

// Text of a number for messages: ours is exact, possibly "p/q".
std::string show(const std::string& mine) {
  if (mine.find('/') == std::string::npos) return mine;
  Rational q;
  if (!to_rational(mine, q)) return mine;
  return decimal_text(q, 12) + "...";
}

std::string set_text(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s + "}";
}

std::string list_text(const std::vector<std::string>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
  return s + "]";
}

const std::string* figure(const Round& r, const std::string& name) {
  for (const auto& [k, v] : r.figures)
    if (k == name) return &v;
  return nullptr;
}

std::vector<std::string> names_of(const RankedElection& e, const std::vector<int>& ids) {
  std::vector<std::string> v;
  for (int c : ids) v.push_back(e.candidates[static_cast<std::size_t>(c)]);
  return v;
}

std::vector<std::string> strings_of(const json& a) {
  std::vector<std::string> v;
  if (a.is_array())
    for (const auto& x : a) v.push_back(text_of(x));
  return v;
}

// Winners in groups (a group: elected in one round, or sharing one place).
void compare_winner_groups(const std::vector<std::vector<std::string>>& groups, const std::vector<std::string>& expected,
                           const std::string& where, Differences& d) {
  std::vector<std::string> flat;
  for (const auto& g : groups) flat.insert(flat.end(), g.begin(), g.end());
  bool ok = flat.size() == expected.size();
  std::size_t at = 0;
  for (const auto& g : groups) {
    if (!ok) break;
    std::vector<std::string> slice(expected.begin() + static_cast<long>(at), expected.begin() + static_cast<long>(at + g.size()));
    ok = set_text(slice) == set_text(g);
    at += g.size();
  }
  if (!ok) d.add(where + "winners are " + list_text(flat) + ", expected " + list_text(expected));
}

// One RCTab round against its expected record.
void compare_round(const RankedElection& e, const Round& mine, const json& er, const std::string& where, Differences& d) {
  std::map<std::string, std::string> tally;
  for (const auto& [c, v] : mine.tally) tally[e.candidates[static_cast<std::size_t>(c)]] = v;
  if (er.contains("tally") && er["tally"].is_object()) {
    for (const auto& [name, v] : er["tally"].items()) {
      const std::string exp = text_of(v);
      auto it = tally.find(name);
      if (it == tally.end()) d.add(where + "no tally for " + name + ", expected " + exp);
      else if (!same_number(it->second, exp)) d.add(where + "tally of " + name + " is " + it->second + ", expected " + exp);
    }
    for (const auto& [name, v] : tally)
      if (!er["tally"].contains(name)) d.add(where + "tally of " + name + " is " + v + ", expected none (not in the count)");
  }
  if (er.contains("threshold") && !er["threshold"].is_null()) {
    const std::string exp = text_of(er["threshold"]);
    const std::string* t = figure(mine, "threshold");
    if (!t || !same_number(*t, exp)) d.add(where + "threshold is " + (t ? *t : "missing") + ", expected " + exp);
  }
  for (const char* key : {"elected", "eliminated"}) {
    if (!er.contains(key)) continue;
    const auto got = set_text(names_of(e, std::string(key) == "elected" ? mine.elected : mine.eliminated));
    const auto exp = set_text(strings_of(er[key]));
    if (got != exp) d.add(where + key + " " + got + ", expected " + exp);
  }
  if (er.contains("exhausted") && !er["exhausted"].is_null()) {
    const std::string exp = text_of(er["exhausted"]);
    const std::string* t = figure(mine, "exhausted");
    if (!t || !same_number(*t, exp)) d.add(where + "exhausted is " + (t ? *t : "missing") + ", expected " + exp);
  }
  if (er.contains("inactive") && er["inactive"].is_object())
    for (const auto& [k, v] : er["inactive"].items()) {
      const std::string exp = text_of(v);
      const std::string* t = figure(mine, k);
      if (!t || !same_number(*t, exp)) d.add(where + "inactive " + k + " is " + (t ? *t : "missing") + ", expected " + exp);
    }
  if (er.contains("transfers") && er["transfers"].is_object()) {
    std::map<std::string, std::map<std::string, std::string>> got;
    for (const auto& [from, f] : mine.transfers) {
      auto& m = got[e.candidates[static_cast<std::size_t>(from)]];
      for (const auto& [to, v] : f) m[to] = v;
    }
    for (const auto& [from, tos] : er["transfers"].items()) {
      const auto it = got.find(from);
      std::map<std::string, std::string> empty;
      const auto& m = it == got.end() ? empty : it->second;
      if (it == got.end() && !tos.empty()) d.add(where + "no transfers from " + from + ", expected " + tos.dump());
      if (it == got.end()) continue;
      for (const auto& [to, v] : tos.items()) {
        const std::string exp = text_of(v);
        auto jt = m.find(to);
        if (jt == m.end()) d.add(where + "transfer " + from + " -> " + to + " is missing, expected " + exp);
        else if (!same_number(jt->second, exp)) d.add(where + "transfer " + from + " -> " + to + " is " + jt->second + ", expected " + exp);
      }
      for (const auto& [to, v] : m)
        if (!tos.contains(to) && !same_number(v, "0")) d.add(where + "transfer " + from + " -> " + to + " is " + v + ", expected none");
    }
    for (const auto& [from, m] : got)
      if (!er["transfers"].contains(from) && !m.empty()) d.add(where + "transfers from " + from + " are not expected");
  }
}

// A count's rounds (one pass) against the expected record {winners, rounds,
// final_threshold, total_ballots, undervotes}.
void compare_count(const RankedElection& e, const Result& r, const std::vector<const Round*>& rounds, const json& exp,
                   const std::string& where, Differences& d) {
  if (exp.contains("winners")) {
    std::vector<std::vector<std::string>> groups;
    for (const Round* x : rounds)
      if (!x->elected.empty()) groups.push_back(names_of(e, x->elected));
    compare_winner_groups(groups, strings_of(exp["winners"]), where, d);
  }
  if (exp.contains("rounds") && exp["rounds"].is_array()) {
    const auto& er = exp["rounds"];
    if (er.size() != rounds.size())
      d.add(where + "the count has " + std::to_string(rounds.size()) + " rounds, expected " + std::to_string(er.size()));
    for (std::size_t i = 0; i < er.size(); ++i) {
      const int n = er[i].value("round", static_cast<int>(i) + 1);
      const std::string at = where + "round " + std::to_string(n) + ": ";
      if (n < 1 || static_cast<std::size_t>(n) > rounds.size()) {
        d.add(at + "missing (the count has " + std::to_string(rounds.size()) + " rounds)");
        continue;
      }
      compare_round(e, *rounds[static_cast<std::size_t>(n) - 1], er[i], at, d);
    }
  }
  if (exp.contains("final_threshold") && !exp["final_threshold"].is_null() && !rounds.empty()) {
    const std::string want = text_of(exp["final_threshold"]);
    const std::string* t = figure(*rounds.back(), "threshold");
    if (!t || !same_number(*t, want)) d.add(where + "final threshold is " + (t ? *t : "missing") + ", expected " + want);
  }
  if (exp.contains("total_ballots") && !exp["total_ballots"].is_null()) {
    const std::string want = text_of(exp["total_ballots"]);
    if (!same_number(std::to_string(r.ballots), want)) d.add(where + "total ballots " + std::to_string(r.ballots) + ", expected " + want);
  }
  if (exp.contains("undervotes") && !exp["undervotes"].is_null() && !rounds.empty()) {
    const std::string want = text_of(exp["undervotes"]);
    const std::string* t = figure(*rounds.front(), "undervotes");
    if (!t || !same_number(*t, want)) d.add(where + "undervotes " + (t ? *t : "missing") + ", expected " + want);
  }
}

// The Condorcet PHP cases: winners, ranking, per-round tallies, quota / majority.
void compare_condorcet(const RankedElection& e, const Result& r, const json& exp, bool stv, Differences& d) {
  // Places from the options' "rank" figures.
  std::map<int, std::vector<std::string>> places;
  for (const auto& o : r.options)
    for (const auto& [k, v] : o.figures)
      if (k == "rank") places[std::stoi(v)].push_back(e.candidates[static_cast<std::size_t>(o.option)]);
  if (exp.contains("winners")) {
    std::vector<std::vector<std::string>> groups;
    if (stv) {
      for (int w : r.winners) groups.push_back({e.candidates[static_cast<std::size_t>(w)]});
    } else {
      groups.push_back(names_of(e, r.winners));
    }
    compare_winner_groups(groups, strings_of(exp["winners"]), "", d);
  }
  if (exp.contains("ranking") && exp["ranking"].is_array()) {
    std::vector<std::vector<std::string>> got;
    for (const auto& [p, names] : places) got.push_back(names);
    const auto& want = exp["ranking"];
    bool ok = got.size() >= want.size();
    for (std::size_t i = 0; ok && i < want.size(); ++i) ok = set_text(got[i]) == set_text(strings_of(want[i]));
    if (!ok) {
      std::string g, w;
      for (const auto& x : got) g += set_text(x);
      for (const auto& x : want) w += set_text(strings_of(x));
      d.add("ranking is " + g + ", expected " + w);
    }
  }
  // Round tallies: stv lists them as expected.rounds[{round, tally}], irv as
  // expected.stats.rounds{"1": {...}}.
  std::vector<std::pair<int, json>> want_rounds;
  if (stv && exp.contains("rounds") && exp["rounds"].is_array()) {
    for (std::size_t i = 0; i < exp["rounds"].size(); ++i) {
      const auto& x = exp["rounds"][i];
      want_rounds.push_back({x.value("round", static_cast<int>(i) + 1), x.value("tally", json::object())});
    }
  }
  const json stats = exp.value("stats", json::object());
  if (!stv && stats.is_object() && stats.contains("rounds") && stats["rounds"].is_object())
    for (const auto& [k, v] : stats["rounds"].items()) want_rounds.push_back({std::stoi(k), v});
  for (const auto& [n, tally] : want_rounds) {
    const std::string at = "round " + std::to_string(n) + ": ";
    if (n < 1 || static_cast<std::size_t>(n) > r.rounds.size()) {
      d.add(at + "missing (the count has " + std::to_string(r.rounds.size()) + " rounds)");
      continue;
    }
    const Round& mine = r.rounds[static_cast<std::size_t>(n) - 1];
    std::map<std::string, std::string> got;
    for (const auto& [c, v] : mine.tally) got[e.candidates[static_cast<std::size_t>(c)]] = v;
    for (const auto& [name, v] : tally.items()) {
      const std::string want = text_of(v);
      auto it = got.find(name);
      if (it == got.end()) d.add(at + "no tally for " + name + ", expected " + want);
      else if (!matches(it->second, want, true)) d.add(at + "tally of " + name + " is " + show(it->second) + ", expected " + want);
    }
    for (const auto& [name, v] : got)
      if (!tally.contains(name)) d.add(at + "tally of " + name + " is " + show(v) + ", expected none");
  }
  if (stv && exp.contains("quota") && !exp["quota"].is_null() && !r.rounds.empty()) {
    const std::string want = text_of(exp["quota"]);
    const std::string* q = figure(r.rounds.front(), "quota");
    if (!q || !matches(*q, want, true)) d.add("quota is " + (q ? show(*q) : std::string("missing")) + ", expected " + want);
  }
  if (!stv && stats.is_object() && stats.contains("majority") && !r.rounds.empty()) {
    const std::string want = text_of(stats["majority"]);
    const std::string* m = figure(r.rounds.front(), "majority");
    if (!m || !matches(*m, want, true)) d.add("majority is " + (m ? show(*m) : std::string("missing")) + ", expected " + want);
  }
}

// The case's options under their own names. Keys the rules do not know are left
// out (and named in the detail if the case then fails).
RuleParams params_of(const json& doc, bool condorcet, std::vector<std::string>& ignored) {
  RuleParams p;
  const json options = doc.value("options", json::object());
  static const std::set<std::string> skip = {"excluded", "withdrawn", "condorcet_php_method"};
  static const std::set<std::string> known = {
      "overvote_rule", "max_skipped_ranks", "max_rankings", "exhaust_on_duplicate", "decimal_places",
      "non_integer_threshold", "hare_quota", "batch_elimination", "cutoff_elimination", "continue_until_two",
      "first_round_determines_threshold", "stop_after_round", "bottoms_up_percentage", "single_winner_per_round",
      "tiebreak", "random_seed", "tiebreak_permutation", "undeclared_write_ins", "rctab_winner_election_mode",
      "quota", "implicit_ranking"};
  if (options.is_object())
    for (const auto& [k, v] : options.items()) {
      if (v.is_null() || skip.count(k)) continue;
      if (!known.count(k)) {
        ignored.push_back(k);
        continue;
      }
      p.options[k] = text_of(v);
    }
  if (condorcet) p.options["variant"] = "condorcet_php";
  return p;
}

}  // namespace

CaseOutcome run_rcv_case(const nlohmann::json& doc) {
  CaseOutcome out;
  try {
    const std::string method = doc.value("method", "");
    const bool condorcet = method == "irv_condorcet_php" || method == "stv_condorcet_php";
    Result (*rule)(const RankedElection&, const RuleParams&) = nullptr;
    if (method == "irv" || method == "irv_condorcet_php") rule = irv;
    else if (method == "stv_rctab" || method == "stv_condorcet_php") rule = stv;
    else if (method == "bottoms_up" || method == "bottoms_up_percentage") rule = bottoms_up;
    else if (method == "irv_multipass") rule = irv_multipass;
    if (!rule) {
      out.detail = "method '" + method + "' is not an RCTab or Condorcet PHP ranked-choice method";
      return out;
    }
    if (condorcet) {
      const std::string m = doc.value("options", json::object()).value("condorcet_php_method", "");
      if (!m.empty() && m != (method == "irv_condorcet_php" ? "InstantRunoff" : "STV")) {
        out.detail = "condorcet_php_method " + m + " does not match method " + method;
        return out;
      }
    }
    const RankedElection e = election_of_case(doc);
    std::vector<std::string> ignored;
    const Result r = rule(e, params_of(doc, condorcet, ignored));
    const json& exp = doc.at("expected");
    Differences d;
    if (condorcet) {
      compare_condorcet(e, r, exp, method == "stv_condorcet_php", d);
    } else if (method == "irv_multipass") {
      if (exp.contains("winners")) {
        std::vector<std::vector<std::string>> groups;
        for (const auto& x : r.rounds)
          if (!x.elected.empty()) groups.push_back(names_of(e, x.elected));
        compare_winner_groups(groups, strings_of(exp["winners"]), "", d);
      }
      const json passes = exp.value("passes", json::array());
      int npasses = 0;
      for (const auto& x : r.rounds)
        if (const std::string* p = figure(x, "pass")) npasses = std::max(npasses, std::stoi(*p));
      if (static_cast<int>(passes.size()) != npasses)
        d.add("the count has " + std::to_string(npasses) + " passes, expected " + std::to_string(passes.size()));
      for (std::size_t k = 0; k < passes.size(); ++k) {
        std::vector<const Round*> rounds;
        for (const auto& x : r.rounds)
          if (const std::string* p = figure(x, "pass"); p && *p == std::to_string(k + 1)) rounds.push_back(&x);
        compare_count(e, r, rounds, passes[k], "pass " + std::to_string(k + 1) + ": ", d);
      }
    } else {
      std::vector<const Round*> rounds;
      for (const auto& x : r.rounds) rounds.push_back(&x);
      compare_count(e, r, rounds, exp, "", d);
    }
    out.passed = d.empty();
    if (!out.passed) {
      out.detail = d.text();
      if (!ignored.empty()) {
        std::string list;
        for (const auto& k : ignored) list += (list.empty() ? "" : ", ") + k;
        out.detail += " (options not understood, left out: " + list + ")";
      }
    }
  } catch (const std::exception& ex) {
    out.passed = false;
    out.detail = std::string("the count could not be run: ") + ex.what();
  }
  return out;
}

}  // namespace allot
