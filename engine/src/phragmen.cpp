// phragmen: sequential Phragmén for approval ballots.
//
// Definition (pabutools' sequential_phragmen). Voters carry a load, 0 at the
// start. Funding option p spreads its cost over its supporters so that they all
// end with the same load: new_load(p) = (sum of their loads + cost(p)) /
// supporters(p). Each round funds the option with the smallest new load (ties:
// tie order) and sets its supporters' loads to it. Options costing more than the
// whole budget are never considered; options nobody supports have an infinite
// load and are considered only once every supported option is gone. Counting
// stops as soon as an option with the smallest new load (any of the tied ones)
// does not fit in the money left: no skipping.
//
// Invariants: spent <= budget; each option funded once; loads never decrease.
//
// Arithmetic: exact rationals. Supporters with the same load share one "load
// level" (each round creates one), so a new load is a few rational operations per
// level after counting supporters per level with integers.
#include <algorithm>

#include "allot/engine/rules.hpp"
#include "support.hpp"

namespace allot {

Result phragmen(const Contest& c, const Profile& p, const RuleParams& params) {
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  Result r;
  r.rule = "phragmen";
  r.rule_title = "Sequential Phragmén";
  r.parameters = {{"skip", "false"}};
  r.ballots = g.total;
  detail::init_outcomes(r, c, g.support);

  std::vector<int> active;
  for (std::size_t o = 0; o < c.options.size(); ++o)
    if (c.options[o].cost <= c.budget) active.push_back(static_cast<int>(o));
  std::vector<int> level(g.sets.size(), 0);
  std::vector<Rational> levels{Rational(0)};
  std::vector<std::uint64_t> stamp;
  std::vector<std::int64_t> acc;
  std::uint64_t now = 0;
  std::vector<int> seen;

  Money spent = 0;
  int stop_option = -1;
  int round_no = 0;
  // Loads only grow, so an option's last computed new load is a lower bound on
  // its next one: options are kept sorted by that bound (unsupported last) and a
  // round stops looking once the bound exceeds the best load found.
  std::vector<Rational> lb(c.options.size());
  for (int o : active) {
    const auto i = static_cast<std::size_t>(o);
    if (g.support[i] > 0) lb[i] = Rational(c.options[i].cost, g.support[i]);
    lb[i].canonicalize();
  }
  auto by_bound = [&](int a, int b) {
    const auto ia = static_cast<std::size_t>(a), ib = static_cast<std::size_t>(b);
    const bool fa = g.support[ia] > 0, fb = g.support[ib] > 0;
    if (fa != fb) return fa;
    if (fa) {
      const int cv = cmp(lb[ia], lb[ib]);
      if (cv != 0) return cv < 0;
    }
    return tie.before(a, b);
  };
  std::sort(active.begin(), active.end(), by_bound);
  std::vector<Rational> loads(c.options.size());
  while (!active.empty()) {
    bool have_min = false, min_inf = false;
    Rational min_load;
    std::vector<int> tied;
    std::size_t evaluated = 0;
    for (int o : active) {
      const auto i = static_cast<std::size_t>(o);
      bool inf = g.support[i] == 0;
      if (have_min && !min_inf && (inf || lb[i] > min_load)) break;
      ++evaluated;
      if (!inf) {
        ++now;
        if (stamp.size() < levels.size()) {
          stamp.resize(levels.size(), 0);
          acc.resize(levels.size(), 0);
        }
        seen.clear();
        for (int gi : g.supporters[i]) {
          const auto l = static_cast<std::size_t>(level[static_cast<std::size_t>(gi)]);
          if (l == 0) continue;
          if (stamp[l] != now) {
            stamp[l] = now;
            acc[l] = 0;
            seen.push_back(static_cast<int>(l));
          }
          acc[l] += g.weight[static_cast<std::size_t>(gi)];
        }
        Rational sum(c.options[i].cost);
        for (int l : seen) sum += levels[static_cast<std::size_t>(l)] * acc[static_cast<std::size_t>(l)];
        loads[i] = sum / g.support[i];
        lb[i] = loads[i];
      }
      int order;  // -1: better than the current minimum, 0: tied, 1: worse
      if (!have_min) order = -1;
      else if (inf && min_inf) order = 0;
      else if (inf) order = 1;
      else if (min_inf) order = -1;
      else order = cmp(loads[i], min_load) < 0 ? -1 : (loads[i] == min_load ? 0 : 1);
      if (order < 0) {
        have_min = true;
        min_inf = inf;
        if (!inf) min_load = loads[i];
        tied.assign(1, o);
      } else if (order == 0) {
        tied.push_back(o);
      }
    }
    std::sort(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(evaluated), by_bound);
    std::inplace_merge(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(evaluated), active.end(),
                       by_bound);
    // Stop if any tied option does not fit.
    int misfit = -1;
    for (int o : tied)
      if (spent + c.options[static_cast<std::size_t>(o)].cost > c.budget) {
        if (misfit < 0 || tie.before(o, misfit)) misfit = o;
      }
    if (misfit >= 0) {
      stop_option = misfit;
      Round round;
      round.action = "stop";
      round.option = misfit;
      round.text = detail::option_label(c, misfit) + " would be next but costs " +
                   detail::money(c, c.options[static_cast<std::size_t>(misfit)].cost) + ", more than the " +
                   detail::money(c, c.budget - spent) + " left: counting stops.";
      r.rounds.push_back(round);
      break;
    }
    const int best = *std::min_element(tied.begin(), tied.end(), [&](int a, int b) { return tie.before(a, b); });
    const auto bi = static_cast<std::size_t>(best);
    ++round_no;
    const int new_level = static_cast<int>(levels.size());
    levels.push_back(min_inf ? Rational(0) : min_load);
    for (int gi : g.supporters[bi]) level[static_cast<std::size_t>(gi)] = new_level;
    spent += c.options[bi].cost;
    r.winners.push_back(best);
    active.erase(std::find(active.begin(), active.end(), best));
    Round round;
    round.action = "fund";
    round.option = best;
    if (min_inf) {
      round.text = detail::option_label(c, best) + " funded from money left over (nobody voted for it); " +
                   detail::money(c, c.budget - spent) + " left.";
      r.options[bi].explanation = "Funded from money left over: nobody voted for it, but it fitted in the " +
                                  detail::money(c, c.budget - spent + c.options[bi].cost) +
                                  " left after every supported project.";
    } else {
      round.figures = {{"load", min_load.get_str()}, {"supporters", std::to_string(g.support[bi])}};
      round.text = detail::option_label(c, best) + " funded: its " +
                   count_text(g.support[bi], "supporter", "supporters") + " now carry a load of " +
                   detail::money(c, min_load, 2) + " each.";
      r.options[bi].explanation = "Funded in round " + std::to_string(round_no) + ": its " +
                                  count_text(g.support[bi], "supporter", "supporters") +
                                  " could share its cost with the smallest maximum load, " +
                                  detail::money(c, min_load, 2) + " each.";
      r.options[bi].figures = round.figures;
    }
    r.rounds.push_back(round);
  }
  std::vector<char> won(c.options.size(), 0);
  for (int w : r.winners) won[static_cast<std::size_t>(w)] = 1;
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    if (won[i]) continue;
    auto& out = r.options[i];
    const Money cost = c.options[i].cost;
    if (cost > c.budget)
      out.explanation = "Not funded: its cost " + detail::money(c, cost) + " is more than the whole budget of " +
                        detail::money(c, c.budget) + ".";
    else if (static_cast<int>(i) == stop_option)
      out.explanation = "Not funded: it was next in line but its cost " + detail::money(c, cost) +
                        " did not fit in the " + detail::money(c, c.budget - spent) + " left, so counting stopped.";
    else if (g.support[i] == 0)
      out.explanation = "Not funded: nobody voted for it.";
    else if (stop_option >= 0)
      out.explanation = "Not funded: counting stopped at " + detail::option_label(c, stop_option) +
                        " before its supporters could take on its cost.";
    else
      out.explanation = "Not funded.";
  }
  detail::finish(r, c, tie);
  return r;
}

}  // namespace allot
