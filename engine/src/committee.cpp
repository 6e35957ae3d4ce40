// av, pav, seq-phragmen, mes-committee: approval committee rules for selection
// contests (choose k = contest.seats of the candidates; approval ballots).
//
// Definitions. A voter approves the candidates her ballot lists; every ballot
// counts once, empty ones included (they matter only for MES's shares).
//   av: the k candidates with the most approvals.
//   pav (sequential proportional approval voting, harmonic weights): seat by
//     seat, add the candidate with the largest marginal gain, the sum over its
//     approvers of 1/(w+1), w = how many already-elected candidates that voter
//     approves. A voter's first elected candidate counts 1, the second 1/2, ...
//   seq-phragmen (sequential Phragmén, each seat costs 1): voters carry a load,
//     0 at the start. Electing c spreads one unit over its approvers so that they
//     all end with the same load: new_load(c) = (sum of their loads + 1) /
//     approvers(c). Seat by seat, the candidate with the smallest new load is
//     elected and its approvers' loads are set to it.
//   mes-committee (Method of Equal Shares, as in abcvoting's Rule X for
//     committees: every seat costs 1, the budget is k, every voter holds an
//     equal share k/n): round by round, a candidate whose approvers together
//     still hold 1 can be bought; its price rho is the smallest amount such that
//     approvers paying min(what they have left, rho) add up to 1; the cheapest is
//     elected and its approvers pay. This often elects fewer than k. Completion
//     (the mes-add1 rule of the budget contests, used by Wieliczka, Swiecie and
//     Assen): raise every voter's share in equal steps and rerun, keeping the
//     first outcome that fills the seats (or elects every approved candidate) or,
//     when one step more would elect more than k, the last outcome that did not;
//     then fill the seats left greedily by approvals.
//   Seats left after every approved candidate is elected are filled with
//   unapproved candidates in tie order (av, pav, seq-phragmen, and MES's
//   completion alike), so there are always min(k, candidates) winners.
//
// How mes-committee is computed, and why. It reuses mes_add1 (mes.cpp), which
// already does the share raising with exact decisions, certified step skipping
// and an optional second thread: the contest is turned into a budget contest
// with every candidate costing C = n * S minor units (S = option
// "steps_per_seat", default 100, n = ballots) and budget k * C, so each voter's
// starting share is k * S units and a raising step of 1 unit per voter adds 1/S
// of a seat to the total budget. The budget can only grow in whole steps, so
// where the outcome changes between two steps the rule sees the change at the
// next step: S = 100 resolves the share to 1% of a seat's worth per step
// (equalshares.net's "add 1 currency unit per voter" is about as fine for
// typical project costs). Exactness is unaffected: every MES run is exact, only
// the grid of shares tried is discrete. Since every candidate costs the same,
// cost and cardinality utilities coincide. The figures of the rounds are then
// recomputed exactly here by replaying the kept run in rationals (the budget
// rule reports payments rounded), and shown in seats (payment / C).
//
// Ties: TieOrder (RuleParams::tie_break) everywhere: equal approvals (av, and
// MES's completion), equal gains (pav), equal loads (seq-phragmen), equal
// prices (MES). A round whose choice was a tie says so.
//
// Output: winners in the order elected; one round per seat ("elect"; for MES
// a "raise" round first, and "complete" rounds for the seats the completion
// fills) with option/elected, the figures behind the choice and, in tally, the
// score of every candidate still in the running that round (av: approvals; pav:
// marginal gain; seq-phragmen: new load, "none" for candidates nobody approves;
// MES: none). options[i].support = approvals. One explanation per candidate.
//
// Invariants: exactly min(k, candidates) winners, no candidate twice; pav
// gains and phragmen loads are exact; MES: nobody pays more than her share.
//
// Arithmetic: exact (GMP rationals). Ballots with the same approval set are
// grouped; within a group every voter has the same count of elected candidates
// and the same load, so each round costs one pass over the groups. The pass
// itself counts integers: pav counts approvers per number of elected
// candidates (then sums count/(w+1)), seq-phragmen per "load level" (voters
// with equal loads; each seat creates one level), then does a few rational
// operations per level.
#include "allot/engine/committee_rules.hpp"

#include <algorithm>
#include <limits>

#include "allot/engine/errors.hpp"
#include "support.hpp"

namespace allot {

namespace {

void check(const Contest& c, const char* rule) {
  if (auto why = committee_applicability(c); !why.empty())
    throw UsageError(std::string("rule '") + rule + "' does not apply to this contest: " + why);
  if (c.seats < 1) throw UsageError("seats must be at least 1");
}

// "3.5", "7/3 ≈ 2.333".
std::string num(const Rational& q) {
  std::string s = exact_text(q);
  if (s.find('/') != std::string::npos) s += " ≈ " + decimal_text(q, 3);
  return s;
}

std::string label(const Contest& c, int o) { return detail::option_label(c, o); }

std::string approvals_text(std::int64_t n) { return count_text(n, "approval", "approvals"); }

// Candidates in `among` other than `o` whose score equals o's.
template <typename Same>
std::vector<int> equals_of(int o, const std::vector<int>& among, Same same) {
  std::vector<int> out;
  for (int x : among)
    if (x != o && same(x)) out.push_back(x);
  return out;
}

std::string list_of(const Contest& c, const std::vector<int>& who) {
  std::string s;
  for (std::size_t k = 0; k < who.size(); ++k) {
    if (k > 0) s += k + 1 == who.size() ? " and " : ", ";
    s += label(c, who[k]);
  }
  return s;
}

Result start(const Contest& c, const detail::Groups& g, const char* rule, const char* title) {
  Result r;
  r.rule = rule;
  r.rule_title = title;
  r.ballots = g.total;
  detail::init_outcomes(r, c, g.support);
  return r;
}

// Fills the explanation of every candidate nobody approves and that was not elected.
void explain_unapproved(Result& r, const detail::Groups& g, const std::vector<char>& won) {
  for (std::size_t i = 0; i < won.size(); ++i)
    if (!won[i] && g.support[i] == 0) r.options[i].explanation = "Not elected: nobody approves it.";
}

}  // namespace

std::string committee_applicability(const Contest& c) {
  if (c.kind != ContestKind::Selection)
    return "it chooses k of n candidates in a selection contest, and this is a budget contest";
  if (c.format != BallotFormat::Approval) return "it needs approval ballots";
  return {};
}

// ---- av ----------------------------------------------------------------------

Result av(const Contest& c, const Profile& p, const RuleParams& params) {
  check(c, "av");
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  Result r = start(c, g, "av", "Approval voting");
  const auto m = c.options.size();
  const std::size_t k = std::min(m, static_cast<std::size_t>(c.seats));
  r.parameters = {{"seats", std::to_string(c.seats)}};

  std::vector<int> order = tie.order();
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return g.support[static_cast<std::size_t>(a)] > g.support[static_cast<std::size_t>(b)];
  });
  auto sup = [&](int o) { return g.support[static_cast<std::size_t>(o)]; };
  for (std::size_t i = 0; i < k; ++i) {
    const int o = order[i];
    r.winners.push_back(o);
    Round round;
    round.action = "elect";
    round.option = o;
    round.elected = {o};
    for (std::size_t j = i; j < m; ++j) round.tally.push_back({order[j], std::to_string(sup(order[j]))});
    round.figures = {{"seat", std::to_string(i + 1)}, {"approvals", std::to_string(sup(o))}};
    const std::vector<int> rest(order.begin() + static_cast<std::ptrdiff_t>(i), order.end());
    const auto tied = equals_of(o, rest, [&](int x) { return sup(x) == sup(o); });
    if (sup(o) == 0)
      round.text = label(c, o) + " elected to seat " + std::to_string(i + 1) +
                   ": nobody approves any candidate left, so the seat goes by tie order (" +
                   tie.method().method_name() + ").";
    else
      round.text = label(c, o) + " elected to seat " + std::to_string(i + 1) + ": " + approvals_text(sup(o)) +
                   ", the most among the candidates left" +
                   (tied.empty() ? std::string(".")
                                 : ", equal with " + list_of(c, tied) + "; the tie order (" +
                                       tie.method().method_name() + ") put it first.");
    r.rounds.push_back(round);
  }
  std::vector<char> won(m, 0);
  for (int w : r.winners) won[static_cast<std::size_t>(w)] = 1;
  const int last = r.winners.empty() ? -1 : r.winners.back();
  const int first_out = k < m ? order[k] : -1;
  for (std::size_t pos = 0; pos < m; ++pos) {
    const int o = order[pos];
    auto& out = r.options[static_cast<std::size_t>(o)];
    out.figures = {{"approvals", std::to_string(sup(o))}, {"position", std::to_string(pos + 1)}};
    if (won[static_cast<std::size_t>(o)]) {
      if (sup(o) == 0) {
        out.explanation = "Elected to fill a seat: nobody approves it, but fewer candidates are approved than there "
                          "are seats (tie order " + std::string(tie.method().method_name()) + ").";
        continue;
      }
      out.explanation = "Elected: " + approvals_text(sup(o)) + ", " + detail::ordinal(static_cast<long long>(pos + 1)) +
                        " by approvals";
      if (first_out >= 0 && sup(first_out) == sup(o))
        out.explanation += "; " + label(c, first_out) + " has as many but the tie order (" +
                           tie.method().method_name() + ") put " + label(c, o) + " ahead";
      else if (first_out >= 0)
        out.explanation += "; the most approved candidate not elected, " + label(c, first_out) + ", has " +
                           std::to_string(sup(first_out));
      out.explanation += ".";
    } else if (sup(o) > 0) {
      out.explanation = "Not elected: " + approvals_text(sup(o));
      if (sup(o) == sup(last))
        out.explanation += ", as many as " + label(c, last) + ", the last candidate elected, but the tie order (" +
                           tie.method().method_name() + ") put " + label(c, last) + " ahead.";
      else
        out.explanation += "; the last candidate elected, " + label(c, last) + ", has " + std::to_string(sup(last)) + ".";
    }
  }
  explain_unapproved(r, g, won);
  detail::finish(r, c, tie);
  return r;
}

// ---- pav ---------------------------------------------------------------------

Result pav(const Contest& c, const Profile& p, const RuleParams& params) {
  check(c, "pav");
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  Result r = start(c, g, "pav", "Proportional approval voting (sequential)");
  const auto m = c.options.size();
  const std::size_t k = std::min(m, static_cast<std::size_t>(c.seats));
  r.parameters = {{"seats", std::to_string(c.seats)}, {"weights", "harmonic: 1, 1/2, 1/3, ..."}};

  std::vector<int> elected_of(g.sets.size(), 0);  // per group: elected candidates it approves
  std::vector<char> won(m, 0);
  std::vector<Rational> gain(m), last_gain(m), elected_gain(m);
  std::vector<int> remaining = tie.order();
  std::vector<std::int64_t> by_level;
  std::vector<std::size_t> round_of(m, 0);
  std::vector<std::string> tie_note(m);
  Rational score = 0;
  for (std::size_t seat = 0; seat < k; ++seat) {
    int best = -1;
    for (int o : remaining) {
      const auto i = static_cast<std::size_t>(o);
      // Sum over approvers of 1/(w+1): count approvers per w first.
      by_level.assign(seat + 1, 0);
      for (int gi : g.supporters[i])
        by_level[static_cast<std::size_t>(elected_of[static_cast<std::size_t>(gi)])] += g.weight[static_cast<std::size_t>(gi)];
      Rational s = 0;
      for (std::size_t w = 0; w < by_level.size(); ++w)
        if (by_level[w] != 0) s += Rational(by_level[w], static_cast<long>(w + 1));
      s.canonicalize();
      gain[i] = s;
      if (best < 0 || s > gain[static_cast<std::size_t>(best)]) best = o;  // remaining is in tie order
    }
    const auto bi = static_cast<std::size_t>(best);
    Round round;
    round.action = "elect";
    round.option = best;
    round.elected = {best};
    for (int o : remaining) round.tally.push_back({o, exact_text(gain[static_cast<std::size_t>(o)])});
    score += gain[bi];
    round.figures = {{"seat", std::to_string(seat + 1)}, {"gain", exact_text(gain[bi])},
                     {"approvals", std::to_string(g.support[bi])}, {"score", exact_text(score)}};
    const auto tied = equals_of(best, remaining, [&](int x) { return gain[static_cast<std::size_t>(x)] == gain[bi]; });
    if (!tied.empty())
      tie_note[bi] = " It tied with " + list_of(c, tied) + "; the tie order (" + tie.method().method_name() +
                     ") put it first.";
    if (sgn(gain[bi]) == 0)
      round.text = label(c, best) + " elected to seat " + std::to_string(seat + 1) +
                   ": nobody approves any candidate left, so the seat goes by tie order (" +
                   tie.method().method_name() + ").";
    else
      round.text = label(c, best) + " elected to seat " + std::to_string(seat + 1) + ": it adds " + num(gain[bi]) +
                   " to the PAV score (now " + num(score) + "), the largest gain" +
                   (tied.empty() ? std::string(".")
                                 : ", equal with " + list_of(c, tied) + "; the tie order (" +
                                       tie.method().method_name() + ") put it first.");
    r.rounds.push_back(round);
    r.winners.push_back(best);
    won[bi] = 1;
    round_of[bi] = seat + 1;
    elected_gain[bi] = gain[bi];
    for (int gi : g.supporters[bi]) ++elected_of[static_cast<std::size_t>(gi)];
    last_gain = gain;
    remaining.erase(std::find(remaining.begin(), remaining.end(), best));
  }
  r.parameters.push_back({"score", exact_text(score)});
  const int last = r.winners.empty() ? -1 : r.winners.back();
  for (std::size_t i = 0; i < m; ++i) {
    auto& out = r.options[i];
    out.figures = {{"approvals", std::to_string(g.support[i])}};
    if (won[i]) {
      out.figures.push_back({"gain", exact_text(elected_gain[i])});
      if (g.support[i] == 0)
        out.explanation = "Elected to fill a seat: nobody approves it, but fewer candidates are approved than there "
                          "are seats.";
      else
        out.explanation = "Elected in round " + std::to_string(round_of[i]) + ": with the largest gain, " +
                          num(elected_gain[i]) + ", from its " + approvals_text(g.support[i]) +
                          " (each approver counts 1/(w+1), w = candidates she approves already elected)." +
                          tie_note[i];
      continue;
    }
    if (g.support[i] == 0) continue;
    const auto li = static_cast<std::size_t>(last);
    out.figures.push_back({"last_gain", exact_text(last_gain[i])});
    out.explanation = "Not elected: in the last round (" + std::to_string(k) + ") it would have added " +
                      num(last_gain[i]);
    if (last_gain[i] == last_gain[li])
      out.explanation += ", as much as " + label(c, last) + ", but the tie order (" + tie.method().method_name() +
                         ") put " + label(c, last) + " first.";
    else
      out.explanation += ", less than " + label(c, last) + "'s " + num(last_gain[li]) + ".";
  }
  explain_unapproved(r, g, won);
  detail::finish(r, c, tie);
  return r;
}

// ---- seq-phragmen -----------------------------------------------------------

Result seq_phragmen_committee(const Contest& c, const Profile& p, const RuleParams& params) {
  check(c, "seq-phragmen");
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  Result r = start(c, g, "seq-phragmen", "Sequential Phragmén (committee)");
  const auto m = c.options.size();
  const std::size_t k = std::min(m, static_cast<std::size_t>(c.seats));
  r.parameters = {{"seats", std::to_string(c.seats)}, {"seat_cost", "1"}};

  // Voters with the same load share one "load level" (each seat creates one):
  // a new load is then a few rational operations per level.
  std::vector<int> level(g.sets.size(), 0);
  std::vector<Rational> levels{Rational(0)};
  std::vector<std::int64_t> per_level;
  std::vector<char> won(m, 0);
  std::vector<Rational> next(m), last_next(m), elected_load(m);
  std::vector<int> remaining = tie.order();
  std::vector<std::size_t> round_of(m, 0);
  std::vector<std::string> tie_note(m);
  for (std::size_t seat = 0; seat < k; ++seat) {
    int best = -1;
    for (int o : remaining) {
      const auto i = static_cast<std::size_t>(o);
      if (g.support[i] == 0) continue;
      per_level.assign(levels.size(), 0);
      for (int gi : g.supporters[i])
        per_level[static_cast<std::size_t>(level[static_cast<std::size_t>(gi)])] += g.weight[static_cast<std::size_t>(gi)];
      Rational s = 1;
      for (std::size_t l = 1; l < levels.size(); ++l)
        if (per_level[l] != 0) s += levels[l] * per_level[l];
      next[i] = s / g.support[i];
      if (best < 0 || next[i] < next[static_cast<std::size_t>(best)]) best = o;  // remaining is in tie order
    }
    const bool unapproved = best < 0;
    if (unapproved) best = remaining.front();
    const auto bi = static_cast<std::size_t>(best);
    Round round;
    round.action = "elect";
    round.option = best;
    round.elected = {best};
    for (int o : remaining)
      round.tally.push_back({o, g.support[static_cast<std::size_t>(o)] > 0 ? exact_text(next[static_cast<std::size_t>(o)])
                                                                            : std::string("none")});
    if (unapproved) {
      round.text = label(c, best) + " elected to seat " + std::to_string(seat + 1) +
                   ": nobody approves any candidate left, so the seat goes by tie order (" +
                   tie.method().method_name() + ").";
    } else {
      round.figures = {{"seat", std::to_string(seat + 1)}, {"load", exact_text(next[bi])},
                       {"approvals", std::to_string(g.support[bi])}};
      const auto tied = equals_of(best, remaining, [&](int x) {
        return g.support[static_cast<std::size_t>(x)] > 0 && next[static_cast<std::size_t>(x)] == next[bi];
      });
      if (!tied.empty())
        tie_note[bi] = " It tied with " + list_of(c, tied) + "; the tie order (" + tie.method().method_name() +
                       ") put it first.";
      round.text = label(c, best) + " elected to seat " + std::to_string(seat + 1) + ": its " +
                   count_text(g.support[bi], "approver", "approvers") + " now carry a load of " + num(next[bi]) +
                   " of a seat each, the smallest possible" +
                   (tied.empty() ? std::string(".")
                                 : ", equal with " + list_of(c, tied) + "; the tie order (" +
                                       tie.method().method_name() + ") put it first.");
      const int fresh = static_cast<int>(levels.size());
      levels.push_back(next[bi]);
      for (int gi : g.supporters[bi]) level[static_cast<std::size_t>(gi)] = fresh;
      elected_load[bi] = next[bi];
    }
    r.rounds.push_back(round);
    r.winners.push_back(best);
    won[bi] = 1;
    round_of[bi] = seat + 1;
    last_next = next;
    remaining.erase(std::find(remaining.begin(), remaining.end(), best));
  }
  const int last = r.winners.empty() ? -1 : r.winners.back();
  for (std::size_t i = 0; i < m; ++i) {
    auto& out = r.options[i];
    out.figures = {{"approvals", std::to_string(g.support[i])}};
    if (won[i]) {
      if (g.support[i] == 0) {
        out.explanation = "Elected to fill a seat: nobody approves it, but fewer candidates are approved than there "
                          "are seats.";
        continue;
      }
      out.figures.push_back({"load", exact_text(elected_load[i])});
      out.explanation = "Elected in round " + std::to_string(round_of[i]) + ": its " +
                        count_text(g.support[i], "approver", "approvers") + " could take on the seat with the " +
                        "smallest load, " + num(elected_load[i]) +
                        " of a seat each (a load counts their share of every seat they helped elect)." + tie_note[i];
      continue;
    }
    if (g.support[i] == 0) continue;
    const auto li = static_cast<std::size_t>(last);
    out.figures.push_back({"last_load", exact_text(last_next[i])});
    out.explanation = "Not elected: in the last round (" + std::to_string(k) + ") its " +
                      count_text(g.support[i], "approver", "approvers") + " would have ended with a load of " +
                      num(last_next[i]) + " each";
    if (g.support[li] > 0 && last_next[i] == last_next[li])
      out.explanation += ", as small as " + label(c, last) + "'s, but the tie order (" + tie.method().method_name() +
                         ") put " + label(c, last) + " first.";
    else
      out.explanation += ", more than the " + num(last_next[li]) + " of " + label(c, last) + ".";
  }
  explain_unapproved(r, g, won);
  detail::finish(r, c, tie);
  return r;
}

// ---- mes-committee ----------------------------------------------------------

Result mes_committee(const Contest& c, const Profile& p, const RuleParams& params) {
  check(c, "mes-committee");
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  const auto m = c.options.size();
  const auto k = static_cast<std::size_t>(c.seats);

  std::int64_t per_seat = 100;
  if (auto it = params.options.find("steps_per_seat"); it != params.options.end()) {
    const std::string& s = it->second;
    if (s.empty() || s.size() > 7 || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) ||
        std::stoll(s) < 1 || std::stoll(s) > 1000000)
      throw UsageError("steps_per_seat must be a whole number from 1 to 1000000, got '" + s + "'");
    per_seat = std::stoll(s);
  }
  const std::int64_t n = std::max<std::int64_t>(g.total, 1);
  // Seat cost C = n * S, budget k * C: must fit in Money.
  const long double budget_ld = static_cast<long double>(n) * static_cast<long double>(per_seat) * static_cast<long double>(k);
  if (budget_ld > 4e18L) throw UsageError("too many ballots or seats for mes-committee's share grid; lower steps_per_seat");
  const Money seat = n * per_seat;

  Contest bc = c;
  bc.kind = ContestKind::Budget;
  bc.money_decimals = 0;
  bc.budget = seat * static_cast<Money>(k);
  bc.rules = BallotRules{};
  for (auto& o : bc.options) o.cost = seat;
  RuleParams mp;
  mp.tie_break = params.tie_break;
  mp.options["step"] = "1";
  for (const char* key : {"threads", "step_skipping"})
    if (auto it = params.options.find(key); it != params.options.end()) mp.options[key] = it->second;
  const Result inner = mes_add1(bc, p, mp);

  auto param_of = [&](const char* key) {
    for (const auto& [k2, v] : inner.parameters)
      if (k2 == key) return v;
    return std::string("0");
  };
  Rational start_share(param_of("start_share")), final_share(param_of("final_share"));
  start_share.canonicalize();
  final_share.canonicalize();
  const Rational seat_q(seat);
  const Rational start_seats = start_share / seat_q, final_seats = final_share / seat_q;
  Rational raises_q = final_share - start_share;  // steps of one unit
  const std::string raises = exact_text(raises_q);

  Result r = start(c, g, "mes-committee", "Method of Equal Shares (committee, with completion)");
  r.parameters = {{"seats", std::to_string(c.seats)},
                  {"steps_per_seat", std::to_string(per_seat)},
                  {"start_share", exact_text(start_seats)},
                  {"final_share", exact_text(final_seats)},
                  {"raises", raises},
                  {"completion", "greedy by approvals"},
                  {"runs", param_of("runs")},
                  {"exact_checks", param_of("exact_checks")}};

  // The raise round, in seats.
  std::vector<const Round*> funds, completes;
  std::string overspend;
  for (const auto& round : inner.rounds) {
    if (round.action == "fund") funds.push_back(&round);
    if (round.action == "complete") completes.push_back(&round);
    if (round.action == "raise")
      for (const auto& [key, v] : round.figures)
        if (key == "overspend_at_next_step") overspend = v;
  }
  {
    Round round;
    round.action = "raise";
    round.figures = {{"start_share", exact_text(start_seats)}, {"final_share", exact_text(final_seats)},
                     {"raises", raises}, {"step", exact_text(Rational(1) / seat_q)}};
    const std::string begin = "Every voter's share started at " + num(start_seats) + " of a seat (" +
                              std::to_string(c.seats) + " seats shared by " + count_text(g.total, "ballot", "ballots") + ")";
    if (g.total == 0) {
      round.text = "No ballots: nothing to share, so every seat is filled by the completion.";
    } else if (!overspend.empty()) {
      Rational next_seats = Rational(mpz_class(overspend)) / seat_q;
      round.text = begin + " and was raised " + raises + " times (each step adds 1/" + std::to_string(per_seat) +
                   " of a seat to the total) to " + num(final_seats) + " of a seat each; one step more and equal shares would elect " + num(next_seats) +
                   " candidates, more than " + std::to_string(c.seats) + ".";
      round.figures.push_back({"seats_at_next_step", exact_text(next_seats)});
    } else if (sgn(raises_q) == 0) {
      round.text = begin + ", enough for equal shares to fill the seats (or elect every approved candidate) without "
                           "raising it.";
    } else {
      round.text = begin + " and was raised " + raises + " times (each step adds 1/" + std::to_string(per_seat) +
                   " of a seat to the total) to " + num(final_seats) +
                   " of a seat each, where equal shares fill the seats (or elect every approved candidate).";
    }
    r.rounds.push_back(round);
  }

  // Replay the kept run exactly: every voter of a group holds the same amount.
  std::vector<Rational> left(g.sets.size(), final_share);
  std::vector<char> won(m, 0);
  std::vector<std::string> why(m);
  int number = 0;
  for (const Round* fund : funds) {
    const int o = fund->option;
    const auto oi = static_cast<std::size_t>(o);
    std::vector<int> sup = g.supporters[oi];
    std::sort(sup.begin(), sup.end(), [&](int a, int b) {
      return left[static_cast<std::size_t>(a)] < left[static_cast<std::size_t>(b)];
    });
    Rational rest = seat_q, q = 0;
    std::int64_t weight = g.support[oi];
    for (int gi : sup) {
      const auto gs = static_cast<std::size_t>(gi);
      q = rest / weight;
      if (q <= left[gs]) break;
      rest -= left[gs] * g.weight[gs];
      weight -= g.weight[gs];
      q = left[gs];  // everyone left pays all she has (only if the sums meet exactly)
    }
    std::int64_t full = 0, partial = 0;
    Rational partial_paid = 0;
    for (int gi : sup) {
      const auto gs = static_cast<std::size_t>(gi);
      if (left[gs] >= q) {
        full += g.weight[gs];
        left[gs] -= q;
      } else {
        partial += g.weight[gs];
        partial_paid += left[gs] * g.weight[gs];
        left[gs] = 0;
      }
    }
    ++number;
    const Rational q_seats = q / seat_q;
    Round round;
    round.action = "elect";
    round.option = o;
    round.elected = {o};
    round.figures = {{"payment", exact_text(q_seats)}, {"full_payers", std::to_string(full)},
                     {"partial_payers", std::to_string(partial)}, {"approvals", std::to_string(g.support[oi])}};
    std::string paid = count_text(full, "approver", "approvers") + " paid " + num(q_seats) + " of a seat each";
    if (partial > 0)
      paid += " and " + std::to_string(partial) + " more paid all they had left (" + num(partial_paid / seat_q) +
              " together)";
    round.text = label(c, o) + " elected (equal-shares round " + std::to_string(number) + "): " + paid + ".";
    r.rounds.push_back(round);
    r.winners.push_back(o);
    won[oi] = 1;
    why[oi] = "Elected in equal-shares round " + std::to_string(number) + ": " + paid + ", the lowest price per voter.";
    r.options[oi].figures = round.figures;
  }
  // What the approvers of each other candidate had left after the equal-shares rounds.
  std::vector<Rational> left_of(m, Rational(0));
  for (std::size_t gi = 0; gi < g.sets.size(); ++gi)
    for (int o : g.sets[gi]) left_of[static_cast<std::size_t>(o)] += left[gi] * g.weight[gi];
  for (const Round* comp : completes) {
    const int o = comp->option;
    const auto oi = static_cast<std::size_t>(o);
    Round round;
    round.action = "complete";
    round.option = o;
    round.elected = {o};
    round.figures = {{"approvals", std::to_string(g.support[oi])}};
    round.text = label(c, o) + " elected in the completion: " +
                 (g.support[oi] > 0 ? approvals_text(g.support[oi]) + ", the most among the candidates left."
                                    : "nobody approves it; the seat goes by tie order.");
    r.rounds.push_back(round);
    r.winners.push_back(o);
    won[oi] = 1;
    why[oi] = g.support[oi] > 0
                  ? "Elected in the completion: after the equal-shares rounds it had the most approvals (" +
                        std::to_string(g.support[oi]) + ") among the candidates left."
                  : "Elected to fill a seat: nobody approves it, but fewer candidates are approved than there are seats.";
    r.options[oi].figures = round.figures;
  }
  for (std::size_t i = 0; i < m; ++i) {
    auto& out = r.options[i];
    if (won[i]) {
      out.explanation = why[i];
      continue;
    }
    if (g.support[i] == 0) continue;
    const Rational had = left_of[i] / seat_q;
    out.figures = {{"approvals", std::to_string(g.support[i])}, {"left_of_approvers", exact_text(had)}};
    out.explanation = "Not elected: after the equal-shares rounds its " +
                      count_text(g.support[i], "approver", "approvers") + " had " + num(had) +
                      " of a seat left between them, less than the 1 seat it costs";
    out.explanation += completes.empty() ? "." : "; the completion filled the last seats with candidates with at least "
                                                 "as many approvals (ties by the tie order).";
  }
  explain_unapproved(r, g, won);
  detail::finish(r, c, tie);
  return r;
}

}  // namespace allot
