// Reference cases from Condorcet PHP (../shared/testdata/condorcet): methods
// schulze_winning, schulze_margin, schulze_ratio, ranked_pairs_winning and
// ranked_pairs_margin, run with our schulze / ranked_pairs (condorcet.cpp).
//
// What is compared:
//   - expected.winners: the reference's winners. When the method leaves a tie
//     at the top, the reference names every tied candidate (two winners for one
//     seat), so the comparison is with the set of candidates in our ranking's
//     top groups: the groups, from the first, needed to fill `seats` (our
//     winners are a subset of it, chosen by the tie order). Same set = pass.
//   - expected.ranking: the full ranking as tie groups, best first; compared
//     group by group as sets, against our options' "rank" figures.
//   - expected.stats (Schulze only): the strongest-path matrix p[X][Y], compared
//     numerically (same_number: "67/55" = 1.21818...) with the figures "X>Y" of
//     our "strongest_paths" round.
// options.implicit_ranking (default true) is passed on as the rule option.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "allot/engine/cases.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"

namespace allot {

namespace {

std::string set_text(const std::set<std::string>& s) {
  std::string out = "{";
  for (const auto& x : s) out += (out.size() > 1 ? ", " : "") + x;
  return out + "}";
}

std::string value_text(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

CaseOutcome run_condorcet_case(const nlohmann::json& doc) {
  CaseOutcome out;
  try {
    const std::string method = doc.at("method").get<std::string>();
    Result (*rule)(const RankedElection&, const RuleParams&) = nullptr;
    RuleParams params;
    bool is_schulze = false;
    if (method == "schulze_winning" || method == "schulze_margin" || method == "schulze_ratio") {
      rule = schulze;
      is_schulze = true;
      params.options["strength"] = method.substr(std::string("schulze_").size());
    } else if (method == "ranked_pairs_winning" || method == "ranked_pairs_margin") {
      rule = ranked_pairs;
      params.options["strength"] = method.substr(std::string("ranked_pairs_").size());
    } else {
      out.detail = "run_condorcet_case does not know method '" + method + "'";
      return out;
    }
    const nlohmann::json options = doc.value("options", nlohmann::json::object());
    bool implicit = true;
    if (options.is_object() && options.contains("implicit_ranking") && !options["implicit_ranking"].is_null()) {
      const auto& v = options["implicit_ranking"];
      implicit = v.is_boolean() ? v.get<bool>() : value_text(v) == "true";
    }
    params.options["implicit_ranking"] = implicit ? "true" : "false";

    const RankedElection e = election_of_case(doc);
    const Result r = rule(e, params);
    const nlohmann::json& expected = doc.at("expected");

    // Our ranking, as tie groups of names.
    std::vector<std::set<std::string>> ours;
    for (std::size_t i = 0; i < r.options.size(); ++i)
      for (const auto& [key, value] : r.options[i].figures)
        if (key == "rank") {
          const auto k = static_cast<std::size_t>(std::stoul(value));
          if (ours.size() < k) ours.resize(k);
          ours[k - 1].insert(e.candidates[i]);
        }

    std::vector<std::string> diffs;
    bool compared = false;
    if (expected.contains("winners")) {
      compared = true;
      std::set<std::string> want;
      for (const auto& w : expected["winners"]) want.insert(w.get<std::string>());
      std::set<std::string> top;
      for (const auto& g : ours) {
        if (top.size() >= static_cast<std::size_t>(std::max(e.seats, 1))) break;
        top.insert(g.begin(), g.end());
      }
      if (want != top)
        diffs.push_back("winners: expected " + set_text(want) + ", our top ranked " + set_text(top));
    }
    if (expected.contains("ranking")) {
      compared = true;
      const auto& want = expected["ranking"];
      const std::size_t n = std::max(want.size(), ours.size());
      for (std::size_t k = 0; k < n; ++k) {
        std::set<std::string> w;
        if (k < want.size())
          for (const auto& x : want[k]) w.insert(x.get<std::string>());
        const std::set<std::string> o = k < ours.size() ? ours[k] : std::set<std::string>{};
        if (w != o) {
          diffs.push_back("ranking group " + std::to_string(k + 1) + ": expected " + set_text(w) + ", got " +
                          set_text(o) + " (ours: " + [&] {
                            for (const auto& [key, value] : r.parameters)
                              if (key == "ranking") return value;
                            return std::string();
                          }() + ")");
          break;
        }
      }
    }
    if (is_schulze && expected.contains("stats") && expected["stats"].is_object()) {
      compared = true;
      const Figures* paths = nullptr;
      for (const auto& round : r.rounds)
        if (round.action == "strongest_paths") paths = &round.figures;
      int shown = 0;
      for (const auto& [from, row] : expected["stats"].items()) {
        if (!row.is_object()) continue;
        for (const auto& [to, value] : row.items()) {
          const std::string key = from + ">" + to;
          std::string got;
          bool found = false;
          if (paths)
            for (const auto& [k, v] : *paths)
              if (k == key) {
                got = v;
                found = true;
                break;
              }
          const std::string want = value_text(value);
          if (!found || !same_number(want, got)) {
            if (shown++ < 5)
              diffs.push_back("strongest path " + key + ": expected " + want + ", got " + (found ? got : "nothing"));
          }
        }
      }
      if (shown > 5) diffs.push_back("and " + std::to_string(shown - 5) + " more strongest-path differences");
    }
    if (!compared) {
      out.detail = "the case expects nothing we compare (no winners, ranking or stats)";
      return out;
    }
    out.passed = diffs.empty();
    for (std::size_t k = 0; k < diffs.size(); ++k) out.detail += (k ? "; " : "") + diffs[k];
  } catch (const std::exception& ex) {
    out.passed = false;
    out.detail = std::string("could not run the case: ") + ex.what();
  }
  return out;
}

}  // namespace allot
