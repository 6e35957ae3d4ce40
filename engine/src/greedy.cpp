// greedy: "fund the most supported projects first".
//
// Definition. Order the options by support, highest first: approvals for
// approval ballots, total points for cumulative ballots, positional points for
// ranked ballots (the top of an r-long ranking gets r points, the next r-1...).
// Options with no support, and options that cost nothing, come last (their
// support-per-cost is zero in the reference). Equal support: tie order (id order
// by default, which is what the reference does). Walk the order with the money
// left: fund what fits; skip what does not (default, what cities do) or stop at
// the first that does not fit (greedy-no-skip).
//
// Invariants: spent <= budget; each option considered once; with skipping, no
// unfunded option costs at most the money left at the end.
//
// Arithmetic: integers only (costs in minor units, integer support).
#include <algorithm>
#include <numeric>

#include "allot/engine/rules.hpp"
#include "support.hpp"

namespace allot {

namespace {

Result run_greedy(const Contest& c, const Profile& p, const RuleParams& params, bool skip) {
  TieOrder tie(c, params.tie_break);
  Result r;
  r.rule = skip ? "greedy" : "greedy-no-skip";
  r.rule_title = skip ? "Greedy by support" : "Greedy by support, stopping at the first that does not fit";
  r.parameters = {{"skip", skip ? "true" : "false"}, {"support", detail::score_unit(c)}};
  r.ballots = static_cast<std::int64_t>(p.ballots.size());

  const auto scores = detail::greedy_scores(c, p);
  detail::init_outcomes(r, c, scores);
  const char* unit = detail::score_unit(c);

  auto eligible = [&](int o) {
    const auto i = static_cast<std::size_t>(o);
    return scores[i] > 0 && c.options[i].cost > 0;
  };
  std::vector<int> order = tie.order();
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const bool ea = eligible(a), eb = eligible(b);
    if (ea != eb) return ea;
    if (!ea) return false;
    return scores[static_cast<std::size_t>(a)] > scores[static_cast<std::size_t>(b)];
  });

  Money left = c.budget;
  bool stopped = false;
  int stopped_at = -1;
  for (std::size_t pos = 0; pos < order.size(); ++pos) {
    const int o = order[pos];
    const auto i = static_cast<std::size_t>(o);
    const Option& opt = c.options[i];
    OptionOutcome& out = r.options[i];
    const std::string place = detail::ordinal(static_cast<long long>(pos) + 1);
    const std::string support_text =
        std::to_string(scores[i]) + " " + (scores[i] == 1 ? (unit[0] == 'v' ? "vote" : "point") : unit);
    out.figures = {{"position", std::to_string(pos + 1)}, {"support", std::to_string(scores[i])},
                   {"cost", std::to_string(opt.cost)}, {"left_before", std::to_string(left)}};
    Round round;
    round.option = o;
    round.figures = out.figures;
    if (stopped) {
      out.explanation = "Not funded: counting stopped at " + detail::option_label(c, stopped_at) +
                        ", which did not fit, before its turn came (" + place + " by " + unit + ").";
      continue;
    }
    if (opt.cost <= left) {
      left -= opt.cost;
      r.winners.push_back(o);
      round.action = "fund";
      if (eligible(o))
        out.explanation = "Funded: " + support_text + " (" + place + " by " + unit + "); its cost " +
                          detail::money(c, opt.cost) + " fitted in the " +
                          detail::money(c, left + opt.cost) + " still unspent.";
      else if (scores[i] == 0)
        out.explanation = "Funded from money left over: nobody voted for it, but its cost " +
                          detail::money(c, opt.cost) + " fitted in the " +
                          detail::money(c, left + opt.cost) + " left after every supported project.";
      else
        out.explanation = "Funded: it costs nothing and " + support_text + " supported it.";
      round.text = detail::option_label(c, o) + " funded (" + support_text + "); " +
                   detail::money(c, left) + " left.";
    } else if (skip) {
      round.action = "skip";
      out.explanation = "Not funded: its cost " + detail::money(c, opt.cost) + " did not fit in the " +
                        detail::money(c, left) + " left when its turn came (" + place + " by " + unit +
                        ", " + support_text + ").";
      if (opt.cost > c.budget)
        out.explanation = "Not funded: its cost " + detail::money(c, opt.cost) +
                          " is more than the whole budget of " + detail::money(c, c.budget) + ".";
      round.text = detail::option_label(c, o) + " skipped: costs " + detail::money(c, opt.cost) +
                   ", only " + detail::money(c, left) + " left.";
    } else {
      round.action = "stop";
      stopped = true;
      stopped_at = o;
      out.explanation = "Not funded: its cost " + detail::money(c, opt.cost) + " did not fit in the " +
                        detail::money(c, left) + " left when its turn came (" + place + " by " + unit +
                        "), so counting stopped here.";
      round.text = detail::option_label(c, o) + " does not fit (" + detail::money(c, opt.cost) +
                   " > " + detail::money(c, left) + "); counting stops.";
    }
    r.rounds.push_back(round);
  }
  r.parameters.push_back({"left_over", std::to_string(left)});
  detail::finish(r, c, tie);
  return r;
}

}  // namespace

Result greedy(const Contest& c, const Profile& p, const RuleParams& params) {
  return run_greedy(c, p, params, true);
}

Result greedy_no_skip(const Contest& c, const Profile& p, const RuleParams& params) {
  return run_greedy(c, p, params, false);
}

}  // namespace allot
