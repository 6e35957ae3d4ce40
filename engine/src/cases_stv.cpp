// Reference cases for the STV variants after Droop.py and STV-rs
// (../shared/testdata/stv, layout in ../shared/docs/rcv-rules.md section 8 and
// blt-format.md): methods stv_meek, stv_wigm, stv_warren, stv_scottish, stv_mpls,
// stv_cfer and qpq.
//
// The case's options (droop_rule, arithmetic, precision, guard, display, omega,
// defeat_batch, equalize, tie_order; withdrawn through the election) become rule
// options; STV-rs cases (options.rule naming stv-rs) run as droop_rule=stv-rs.
// Compared: winners and defeated candidates in the order they changed state (as
// the reference transcripts list them: a QPQ restart can re-elect a candidate),
// the initial quota, the final tally, and every logged step the case gives: its
// round, action, message, figures (quota, votes, surplus, residual, nt_votes,
// total) and per-candidate tallies, states, keep factors and quotients. Numbers
// are compared numerically; STV-rs steps that print no tallies are not compared
// there. The detail names the first differences, step by step.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "allot/engine/cases.hpp"
#include "allot/engine/rules.hpp"
#include "case_diff.hpp"
#include "stv_variants.hpp"

namespace allot {

namespace {

using detail::Differences;

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

RuleParams params_of_case(const nlohmann::json& doc) {
  RuleParams p;
  const nlohmann::json options = doc.value("options", nlohmann::json::object());
  if (!options.is_object()) return p;
  for (const char* key : {"droop_rule", "arithmetic", "precision", "guard", "display", "omega", "defeat_batch",
                          "equalize", "tie_order", "integer_quota", "undeclared", "force_positive_surplus"}) {
    if (!options.contains(key) || options[key].is_null()) continue;
    p.options[key] = text_of(options[key]);
  }
  if (!options.contains("droop_rule") && options.contains("rule") && options["rule"].is_string() &&
      options["rule"].get<std::string>().find("stv-rs") != std::string::npos)
    p.options["droop_rule"] = "stv-rs";
  // Droop.py reads defeat_batch only in its meek, warren and wigm rules (the -batch
  // rules take it from their name); elsewhere a file's [droop defeat_batch=...] is
  // an unused option.
  if (auto r = p.options.find("droop_rule"); r != p.options.end() && r->second != "meek" && r->second != "warren" &&
                                             r->second != "wigm")
    p.options.erase("defeat_batch");
  // Write-in placeholders marked in the BLT file ("[undeclared 4]", 1-based numbers).
  if (!p.options.count("undeclared") && options.contains("blt_options") && options["blt_options"].is_array()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : options["blt_options"]) {
      if (!item.is_string()) continue;
      std::string t = item.get<std::string>();
      if (t.rfind("[undeclared", 0) != 0) continue;
      for (char& ch : t)
        if (ch == '[' || ch == ']') ch = ' ';
      std::size_t pos = t.find("undeclared") + 10;
      while (pos < t.size()) {
        const std::size_t b = t.find_first_not_of(' ', pos);
        if (b == std::string::npos) break;
        const std::size_t en = t.find(' ', b);
        const std::string tok = t.substr(b, en == std::string::npos ? std::string::npos : en - b);
        if (!tok.empty() && tok.find_first_not_of("0123456789") == std::string::npos) list.push_back(std::stoi(tok));
        else list.push_back(tok);
        pos = en == std::string::npos ? t.size() : en;
      }
    }
    if (!list.empty()) p.options["undeclared"] = list.dump();
  }
  if (options.contains("droop_options") && options["droop_options"].is_object()) {
    const auto& d = options["droop_options"];
    if (!p.options.count("integer_quota") && d.contains("integer_quota") && !d["integer_quota"].is_null())
      p.options["integer_quota"] = text_of(d["integer_quota"]);
  }
  return p;
}


std::string name_list(const std::vector<std::string>& names) {
  std::string s = "[";
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s + "]";
}

void compare_sequence(const char* what, const nlohmann::json& expected, const std::vector<int>& got,
                      const std::vector<std::string>& names, Differences& diffs) {
  std::vector<std::string> want, have;
  for (const auto& x : expected) want.push_back(text_of(x));
  for (int c : got) have.push_back(names[static_cast<std::size_t>(c)]);
  if (want != have) diffs.add(std::string(what) + ": got " + name_list(have) + ", expected " + name_list(want));
}

// Expected map (name -> number or code) against ours (candidate -> text).
template <class T>
void compare_map(const std::string& where, const char* what, const nlohmann::json& expected,
                 const std::vector<std::pair<int, T>>& got, const std::vector<std::string>& names,
                 bool numeric, Differences& diffs) {
  std::map<std::string, std::string> mine;
  for (const auto& [c, v] : got) {
    if constexpr (std::is_same_v<T, char>) mine[names[static_cast<std::size_t>(c)]] = std::string(1, v);
    else mine[names[static_cast<std::size_t>(c)]] = v;
  }
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    const std::string want = text_of(it.value());
    auto m = mine.find(it.key());
    if (m == mine.end()) {
      diffs.add(where + what + " of " + it.key() + " is missing, expected " + want);
      continue;
    }
    const bool same = numeric ? same_number(m->second, want) : m->second == want;
    if (!same) diffs.add(where + what + " of " + it.key() + " is " + m->second + ", expected " + want);
    mine.erase(m);
  }
  for (const auto& [name, v] : mine) diffs.add(where + what + " has " + name + " = " + v + ", which the case does not list");
}

std::string figure_of(const detail::StvStep& s, const std::string& key, bool& found) {
  for (const auto& f : s.figures)
    if (f.first == key) {
      found = true;
      return f.second;
    }
  found = false;
  return "";
}

void compare_step(std::size_t k, const nlohmann::json& want, const detail::StvStep& got, bool droop_style,
                  const std::vector<std::string>& names, Differences& diffs) {
  std::string label = got.msg.empty() ? got.action : got.msg;
  const std::string where = "step " + std::to_string(k + 1) + " (" + label + "): ";
  if (droop_style && want.contains("round") && want["round"].is_number_integer() && want["round"].get<int>() != got.round)
    diffs.add(where + "round " + std::to_string(got.round) + ", expected " + std::to_string(want["round"].get<int>()));
  if (want.contains("action") && text_of(want["action"]) != got.action)
    diffs.add(where + "action '" + got.action + "', expected '" + text_of(want["action"]) + "'");
  if (want.contains("msg") && text_of(want["msg"]) != got.msg)
    diffs.add(where + "message '" + got.msg + "', expected '" + text_of(want["msg"]) + "'");
  for (const char* key : {"quota", "votes", "surplus", "residual", "nt_votes", "total"}) {
    if (!want.contains(key) || want[key].is_null()) continue;
    bool found = false;
    const std::string mine = figure_of(got, key, found);
    const std::string expected = text_of(want[key]);
    if (!found) diffs.add(where + key + " is not reported, expected " + expected);
    else if (!same_number(mine, expected)) diffs.add(where + key + " is " + mine + ", expected " + expected);
  }
  auto nonempty = [&](const char* key) { return want.contains(key) && want[key].is_object() && !want[key].empty(); };
  if (nonempty("tally")) compare_map(where, "tally", want["tally"], got.tally, names, true, diffs);
  if (nonempty("state")) compare_map(where, "state", want["state"], got.state, names, false, diffs);
  if (nonempty("keep_factor")) compare_map(where, "keep factor", want["keep_factor"], got.keep_factor, names, true, diffs);
  if (nonempty("quotient")) compare_map(where, "quotient", want["quotient"], got.quotient, names, true, diffs);
}

}  // namespace

CaseOutcome run_stv_case(const nlohmann::json& doc) {
  CaseOutcome out;
  try {
    const std::string method = doc.value("method", "");
    const RankedElection e = election_of_case(doc);
    const RuleParams params = params_of_case(doc);
    const detail::StvRun run = detail::run_stv_variant(method, e, params);
    const nlohmann::json expected = doc.at("expected");
    Differences diffs;
    if (expected.contains("winners"))
      compare_sequence("winners", expected["winners"], run.elected_sequence, e.candidates, diffs);
    if (expected.contains("defeated_order"))
      compare_sequence("defeated order", expected["defeated_order"], run.defeated_sequence, e.candidates, diffs);
    if (expected.contains("quota") && !expected["quota"].is_null() &&
        !same_number(run.initial_quota, text_of(expected["quota"])))
      diffs.add("quota is " + run.initial_quota + ", expected " + text_of(expected["quota"]));
    if (expected.contains("final_tally") && expected["final_tally"].is_object())
      compare_map("", "final tally", expected["final_tally"], run.final_tally, e.candidates, true, diffs);
    if (expected.contains("steps") && expected["steps"].is_array()) {
      const auto& steps = expected["steps"];
      const bool droop_style = run.log_style == "droop";
      if (steps.size() != run.steps.size())
        diffs.add(std::to_string(run.steps.size()) + " steps logged, expected " + std::to_string(steps.size()));
      const std::size_t both = std::min(steps.size(), run.steps.size());
      for (std::size_t k = 0; k < both; ++k) compare_step(k, steps[k], run.steps[k], droop_style, e.candidates, diffs);
    }
    out.passed = diffs.empty();
    if (!out.passed) out.detail = diffs.text();
  } catch (const std::exception& ex) {
    out.passed = false;
    out.detail = std::string("could not run the case: ") + ex.what();
  }
  return out;
}

}  // namespace allot
