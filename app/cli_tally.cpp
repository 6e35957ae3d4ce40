// allot tally: count a Pabulib file with one rule, or compare every rule.
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "allot/engine/blt.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "cli.hpp"

namespace allot::cli {

namespace {

const char* kTallyHelp =
    "Usage: allot tally FILE.pb [options]\n"
    "       allot tally FILE.blt [--rule RULE] [--seats K] [--option KEY=VALUE]... [--json]\n"
    "\n"
    "Counts the ballots of a Pabulib file and prints the funded projects, the total\n"
    "cost, the budget and one sentence per project saying why it was or was not funded.\n"
    "For a BLT file (ranked ballots) it prints the winners, every round and one sentence\n"
    "per candidate.\n"
    "\n"
    "BLT options:\n"
    "  --rule RULE        irv, stv, bottoms-up, irv-multipass, stv-meek, stv-wigm, stv-warren,\n"
    "                     stv-scottish, stv-mpls, stv-cfer, qpq, schulze, ranked-pairs, borda\n"
    "                     (default: irv for one seat, stv for more)\n"
    "  --seats K          number of winners (default: the file's)\n"
    "  --option KEY=VALUE a rule option, e.g. overvote_rule=skip_to_next_rank, decimal_places=4,\n"
    "                     strength=margin (see docs/rules/); repeat for several\n"
    "\n"
    "Pabulib options:\n"
    "  --rule RULE        greedy, greedy-no-skip, mes, mes-card, mes-add1 or phragmen\n"
    "                     (default: the file's own rule when allot knows it, else greedy)\n"
    "  --compare          run every rule that applies and show them side by side\n"
    "  --json             print the full result document (with rounds) as JSON\n"
    "  --tie-break M      id-order (default, as the reference) or ticket\n"
    "  --seed TEXT        the public seed for --tie-break ticket\n"
    "  --step N           mes-add1: raise each voter's share by N currency units a step (default 1)\n";

std::string default_rule(const PabulibElection& e) {
  if (const std::string* r = e.meta_value("rule")) {
    if (*r == "greedy" || *r == "greedy-no-skip") return *r;
    if (r->rfind("equalshares", 0) == 0) return "mes-add1";
  }
  return "greedy";
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << (100.0 * static_cast<double>(part) / static_cast<double>(whole)) << "%";
  return s.str();
}

int compare(const PabulibElection& e, const RuleParams& params, bool json) {
  const Contest& c = e.contest;
  std::vector<std::pair<const RuleInfo*, Result>> results;
  std::vector<std::string> skipped;
  for (const auto& rule : all_rules()) {
    if (auto why = rule.applicability(c); !why.empty()) {
      skipped.push_back(rule.name + ": " + why);
      continue;
    }
    results.emplace_back(&rule, rule.run(c, e.profile, params));
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [rule, r] : results) {
      const Fairness f = fairness(c, e.profile, r.winners);
      nlohmann::json winners = nlohmann::json::array();
      for (int w : r.winners) winners.push_back(c.options[static_cast<std::size_t>(w)].id);
      out.push_back({{"rule", rule->name},
                     {"title", rule->title},
                     {"winners", winners},
                     {"spent", r.spent},
                     {"budget", r.budget},
                     {"projects_funded", f.winners},
                     {"voters", f.voters},
                     {"voters_with_a_funded_project", f.voters_with_a_winner}});
    }
    std::cout << nlohmann::json({{"contest", c.title}, {"rules", out}, {"not_applicable", skipped}}).dump(2)
              << "\n";
    return kOk;
  }
  std::cout << "Comparing rules on: " << (c.title.empty() ? c.id : c.title) << "\n";
  std::cout << "Budget " << money_text(c.budget, c.money_decimals) << ", " << e.profile.ballots.size()
            << " ballots, " << c.options.size() << " projects\n\n";
  std::cout << std::left << std::setw(16) << "rule" << std::right << std::setw(8) << "funded" << std::setw(18)
            << "total cost" << "   voters with at least one funded project they chose\n";
  for (const auto& [rule, r] : results) {
    const Fairness f = fairness(c, e.profile, r.winners);
    std::cout << std::left << std::setw(16) << rule->name << std::right << std::setw(8) << f.winners
              << std::setw(18) << money_text(r.spent, c.money_decimals) << "   " << f.voters_with_a_winner
              << " of " << f.voters << " (" << percent(f.voters_with_a_winner, f.voters) << ")\n";
  }
  for (const auto& s : skipped) std::cout << "  (not applicable: " << s << ")\n";
  std::cout << "\nProject by project (x = funded):\n";
  std::cout << std::left << std::setw(14) << "project" << std::right << std::setw(16) << "cost" << std::setw(9)
            << "support";
  for (const auto& [rule, r] : results) std::cout << "  " << rule->name;
  std::cout << "\n";
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    std::cout << std::left << std::setw(14) << c.options[i].id << std::right << std::setw(16)
              << money_text(c.options[i].cost, c.money_decimals) << std::setw(9)
              << results.front().second.options[i].support;
    for (const auto& [rule, r] : results) {
      const std::string mark = r.options[i].selected ? "x" : ".";
      std::cout << "  " << std::setw(static_cast<int>(rule->name.size())) << mark;
    }
    std::cout << "\n";
  }
  return kOk;
}

}  // namespace

int tally_main(std::vector<std::string> argv) {
  try {
    Args args(std::move(argv));
    if (args.flag("--help") || args.flag("-h")) {
      std::cout << kTallyHelp;
      return kOk;
    }
    const bool json = args.flag("--json");
    const bool cmp = args.flag("--compare");
    auto rule = args.value("--rule");
    auto step = args.value("--step");
    RuleParams params;
    params.tie_break = tie_break_from(args);
    if (step) params.options["step"] = *step;
    auto seats = args.value("--seats");
    std::map<std::string, std::string> rule_options;  // --option, for ranked rules
    while (auto opt = args.value("--option")) {
      const auto eq = opt->find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--option needs KEY=VALUE, got '" + *opt + "'");
      rule_options[opt->substr(0, eq)] = opt->substr(eq + 1);
    }
    if (auto bad = args.unknown_flag()) throw UsageError("unknown option " + *bad);
    auto files = args.positional();
    if (files.size() != 1) throw UsageError(files.empty() ? "tally needs a .pb or .blt file" : "tally takes one file");
    if (cmp && rule) throw UsageError("--compare runs every rule; leave out --rule");
    const std::string& path = files[0];
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".blt") == 0) {
      if (cmp) throw UsageError("--compare is for .pb files");
      BltFile blt;
      try {
        blt = parse_blt(read_file(path));
      } catch (const FormatError& err) {
        std::cerr << "allot: " << path << ": " << err.what() << "\n";
        return kUsage;
      }
      RankedElection& e = blt.election;
      if (step) throw UsageError("--step is for mes-add1 on .pb files");
      params.options = rule_options;
      if (seats) {
        try {
          std::size_t used = 0;
          e.seats = std::stoi(*seats, &used);
          if (used != seats->size() || e.seats < 1) throw std::invalid_argument("seats");
        } catch (const std::exception&) {
          throw UsageError("--seats must be a whole number of at least 1, got '" + *seats + "'");
        }
      }
      const std::string name = rule ? *rule : (e.seats > 1 ? "stv" : "irv");
      // A BLT [tie] line is the Droop.py tie order: it applies to the STV variants
      // that come from Droop.py; the other rules use --tie-break.
      const bool droop_family = name == "qpq" || (name.rfind("stv-", 0) == 0);
      if (droop_family && !blt.tie_order.empty() && !params.options.count("tie_order")) {
        std::string order;
        for (int c : blt.tie_order) order += (order.empty() ? "" : ",") + e.candidates[static_cast<std::size_t>(c)];
        params.options["tie_order"] = order;
      }
      Result r = run_ranked_rule(name, e, params);
      const Contest c = contest_of(e);
      if (json) std::cout << result_to_json(c, r).dump(2) << "\n";
      else std::cout << result_to_text(c, r);
      return kOk;
    }
    if (seats) throw UsageError("--seats is for .blt files");
    if (!rule_options.empty()) throw UsageError("--option is for .blt files");

    PabulibElection e;
    try {
      e = load_pabulib(path);
    } catch (const FormatError& err) {
      std::cerr << "allot: " << path << ": " << err.what() << "\n";
      return kUsage;
    }
    if (cmp) return compare(e, params, json);
    const std::string name = rule ? *rule : default_rule(e);
    Result r = run_rule(name, e.contest, e.profile, params);
    if (json) std::cout << result_to_json(e.contest, r).dump(2) << "\n";
    else std::cout << result_to_text(e.contest, r);
    return kOk;
  } catch (const UsageError& err) {
    std::cerr << "allot tally: " << err.what() << "\n\n" << kTallyHelp;
    return kUsage;
  } catch (const std::exception& err) {
    std::cerr << "allot tally: " << err.what() << "\n";
    return kUsage;
  }
}

}  // namespace allot::cli
