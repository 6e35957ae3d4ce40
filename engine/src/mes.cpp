// mes, mes-card, mes-add1: the Method of Equal Shares.
//
// Definition (equalshares.net; pabutools' method_of_equal_shares). Every ballot
// gets an equal share b of the budget (b = budget / number of ballots, empty
// ballots included). A voter supports the options her ballot lists. Round by
// round, an option p can be bought if its supporters together still hold at least
// cost(p). Its price per unit of utility rho(p) is the smallest rho such that,
// when every supporter i pays min(budget_i, rho * u_i(p)), the payments add up to
// cost(p). The affordable option with the smallest rho is funded (ties: tie
// order), its supporters pay, and the next round starts. It ends when nothing is
// affordable.
//   - cost utilities (mes, mes-add1): u_i(p) = cost(p), so rho = price per unit
//     of money; an option that costs nothing gives no utility and is never funded.
//   - cardinality utilities (mes-card): u_i(p) = 1, so rho = what each supporter
//     pays; an option that costs nothing but has supporters is funded first.
// Both utilities are the same for every supporter, so every supporter who can
// pays the same amount q and the others pay all they have left.
//
// mes-add1 (completion used by Wieliczka, Swiecie, Assen): run mes with shares
// b, b+s, b+2s, ... (s = 1 currency unit by default) until the outcome is
// exhaustive (no other supported option fits in what is left: keep it) or costs
// more than the budget (keep the previous one); then fund greedily, by number of
// supporters, whatever still fits.
//
// Invariants: spent <= budget; nobody pays more than her share (payments are
// min(budget_i, q) and budgets never go negative); each option funded once.
//
// Arithmetic: exact. Shares, payments and prices are GMP rationals, so no
// decision depends on rounding. For speed, ballots with the same set of options
// are grouped, and voters with the same remaining budget share one "budget class"
// whose value is stored once: pricing an option counts its supporters per class
// (integers) and then does a few rational operations per class.
#include <algorithm>
#include <numeric>
#include <optional>

#include "allot/engine/errors.hpp"
#include "allot/engine/rules.hpp"
#include "support.hpp"

namespace allot {

namespace {

enum class Utility { Cost, Cardinality };

struct Pick {
  int option = -1;
  Rational q;         // paid by each supporter who could afford it
  Rational rho;       // price per unit of utility
  std::int64_t full = 0;     // supporters who paid q
  std::int64_t partial = 0;  // supporters who paid all they had left (< q)
  Rational partial_paid;     // what the partial payers paid together
};

struct Run {
  std::vector<Pick> picks;
  Money spent = 0;      // preselected + picks
  bool overspent = false;
  // Filled when recording: per option, supporters' money left at the end, and
  // per (option, funded option) what its supporters paid towards the latter.
  std::vector<Rational> left_of_supporters;
  std::vector<std::vector<double>> spent_on;
};

class Mes {
 public:
  Mes(const Contest& c, const detail::Groups& g, Utility u, const TieOrder& tie)
      : c_(c), g_(g), u_(u), tie_(tie) {
    for (std::size_t o = 0; o < c.options.size(); ++o) {
      const bool supported = g.support[o] > 0;
      const Money cost = c.options[o].cost;
      if (!supported) continue;
      if (cost > 0) candidates_.push_back(static_cast<int>(o));
      else if (u == Utility::Cardinality) preselected_.push_back(static_cast<int>(o));
    }
  }

  const std::vector<int>& candidates() const { return candidates_; }
  const std::vector<int>& preselected() const { return preselected_; }

  // One run with every ballot's share = `share` (minor units). Stops early when
  // `stop_above` >= 0 and the spending passes it (the outcome is then infeasible).
  Run run(const Rational& share, bool record, Money stop_above) {
    Run out;
    const std::size_t ng = g_.sets.size();
    cls_.assign(ng, 1);
    vals_.clear();
    vals_.push_back(Rational(0));
    vals_.push_back(share);
    if (sgn(share) <= 0) cls_.assign(ng, 0);
    std::vector<int> active = candidates_;
    std::vector<Rational> lb(c_.options.size());
    for (int o : active) {
      const auto i = static_cast<std::size_t>(o);
      lb[i] = u_ == Utility::Cost ? Rational(1, g_.support[i])
                                  : Rational(c_.options[i].cost, g_.support[i]);
      lb[i].canonicalize();
    }
    for (int o : preselected_) out.spent += c_.options[static_cast<std::size_t>(o)].cost;
    if (record) out.spent_on.assign(c_.options.size(), std::vector<double>(c_.options.size(), 0.0));

    std::vector<char> removed(c_.options.size(), 0);
    while (!active.empty()) {
      std::sort(active.begin(), active.end(), [&](int a, int b) {
        const int cmpv = cmp(lb[static_cast<std::size_t>(a)], lb[static_cast<std::size_t>(b)]);
        return cmpv != 0 ? cmpv < 0 : tie_.before(a, b);
      });
      int best = -1;
      Rational best_rho, best_q;
      for (int o : active) {
        const auto i = static_cast<std::size_t>(o);
        if (best >= 0 && lb[i] > best_rho) break;
        Rational q;
        if (!price(o, q)) {
          removed[i] = 1;
          continue;
        }
        Rational rho = u_ == Utility::Cost ? Rational(q / c_.options[i].cost) : q;
        lb[i] = rho;
        if (best < 0 || rho < best_rho || (rho == best_rho && tie_.before(o, best))) {
          best = o;
          best_rho = rho;
          best_q = q;
        }
      }
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [&](int o) { return removed[static_cast<std::size_t>(o)] != 0; }),
                   active.end());
      if (best < 0) break;
      Pick pick = pay(best, best_q, record ? &out.spent_on : nullptr);
      pick.rho = best_rho;
      out.picks.push_back(pick);
      out.spent += c_.options[static_cast<std::size_t>(best)].cost;
      active.erase(std::find(active.begin(), active.end(), best));
      if (stop_above >= 0 && out.spent > stop_above) {
        out.overspent = true;
        return out;
      }
    }
    if (record) {
      out.left_of_supporters.assign(c_.options.size(), Rational(0));
      for (std::size_t gi = 0; gi < ng; ++gi) {
        const Rational& v = vals_[static_cast<std::size_t>(cls_[gi])];
        if (sgn(v) == 0) continue;
        Rational part = v * g_.weight[gi];
        for (int o : g_.sets[gi]) out.left_of_supporters[static_cast<std::size_t>(o)] += part;
      }
    }
    return out;
  }

  // Exhaustive: no candidate outside the outcome fits in what is left.
  bool exhaustive(const Run& r) const {
    std::vector<char> in(c_.options.size(), 0);
    for (const auto& p : r.picks) in[static_cast<std::size_t>(p.option)] = 1;
    for (int o : candidates_)
      if (!in[static_cast<std::size_t>(o)] && r.spent + c_.options[static_cast<std::size_t>(o)].cost <= c_.budget)
        return false;
    return true;
  }

 private:
  // Supporters of `o` per budget class: fills classes_ (distinct, unsorted) and acc_.
  void count_classes(int o) {
    ++stamp_now_;
    if (stamp_.size() < vals_.size()) {
      stamp_.resize(vals_.size(), 0);
      acc_.resize(vals_.size(), 0);
    }
    classes_.clear();
    for (int gi : g_.supporters[static_cast<std::size_t>(o)]) {
      const auto k = static_cast<std::size_t>(cls_[static_cast<std::size_t>(gi)]);
      if (k == 0) continue;
      if (stamp_[k] != stamp_now_) {
        stamp_[k] = stamp_now_;
        acc_[k] = 0;
        classes_.push_back(static_cast<int>(k));
      }
      acc_[k] += g_.weight[static_cast<std::size_t>(gi)];
    }
  }

  // The payment q of every supporter who can afford it; false when the
  // supporters cannot afford the option at all.
  bool price(int o, Rational& q) {
    count_classes(o);
    const Money cost = c_.options[static_cast<std::size_t>(o)].cost;
    Rational total(0);
    std::int64_t weight = 0;
    for (int k : classes_) {
      total += vals_[static_cast<std::size_t>(k)] * acc_[static_cast<std::size_t>(k)];
      weight += acc_[static_cast<std::size_t>(k)];
    }
    if (total < cost) return false;
    std::sort(classes_.begin(), classes_.end(), [&](int a, int b) {
      return vals_[static_cast<std::size_t>(a)] < vals_[static_cast<std::size_t>(b)];
    });
    Rational rest(cost);
    for (int k : classes_) {
      const auto ks = static_cast<std::size_t>(k);
      q = rest / weight;
      if (q <= vals_[ks]) return true;
      rest -= vals_[ks] * acc_[ks];
      weight -= acc_[ks];
    }
    return false;  // unreachable when total >= cost
  }

  Pick pay(int o, const Rational& q, std::vector<std::vector<double>>* spent_on) {
    Pick pick;
    pick.option = o;
    pick.q = q;
    count_classes(o);
    // New class for each old class among the supporters.
    std::vector<int> remap(vals_.size(), -1);
    for (int k : classes_) {
      const auto ks = static_cast<std::size_t>(k);
      if (vals_[ks] <= q) {
        remap[ks] = 0;
        if (vals_[ks] < q) {
          pick.partial += acc_[ks];
          pick.partial_paid += vals_[ks] * acc_[ks];
        } else {
          pick.full += acc_[ks];
        }
      } else {
        remap[ks] = static_cast<int>(vals_.size());
        vals_.push_back(vals_[ks] - q);
        pick.full += acc_[ks];
      }
    }
    const double qd = q.get_d();
    for (int gi : g_.supporters[static_cast<std::size_t>(o)]) {
      auto& k = cls_[static_cast<std::size_t>(gi)];
      if (k == 0) continue;
      if (spent_on) {
        const double paid = std::min(vals_[static_cast<std::size_t>(k)].get_d(), qd) *
                            static_cast<double>(g_.weight[static_cast<std::size_t>(gi)]);
        for (int p : g_.sets[static_cast<std::size_t>(gi)])
          (*spent_on)[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)] += paid;
      }
      k = remap[static_cast<std::size_t>(k)];
    }
    return pick;
  }

  const Contest& c_;
  const detail::Groups& g_;
  Utility u_;
  const TieOrder& tie_;
  std::vector<int> candidates_, preselected_;
  std::vector<int> cls_;         // per group: budget class
  std::vector<Rational> vals_;   // per class: remaining budget of one voter
  std::vector<std::uint64_t> stamp_;
  std::vector<std::int64_t> acc_;
  std::vector<int> classes_;
  std::uint64_t stamp_now_ = 0;
};

std::string who_paid(const Contest& c, const Pick& p) {
  std::string s;
  if (p.partial == 0) {
    s = count_text(p.full, "supporter", "supporters") + " paid " + detail::money(c, p.q, 2) + " each";
  } else if (p.full == 0) {
    s = count_text(p.partial, "supporter", "supporters") + " paid all they had left (" +
        detail::money(c, p.partial_paid, 2) + " together)";
  } else {
    s = count_text(p.full, "supporter", "supporters") + " paid " + detail::money(c, p.q, 2) +
        " each and " + std::to_string(p.partial) + " more paid all they had left (" +
        detail::money(c, p.partial_paid, 2) + " together)";
  }
  return s;
}

// Fills rounds and explanations from a recorded run.
void describe_run(Result& r, const Contest& c, const Mes& mes, const Run& run, const Rational& share,
                  const detail::Groups& g) {
  for (int o : mes.preselected()) {
    Round round;
    round.action = "fund";
    round.option = o;
    round.text = detail::option_label(c, o) + " costs nothing and has supporters: funded before the rounds.";
    r.rounds.push_back(round);
    r.winners.push_back(o);
    r.options[static_cast<std::size_t>(o)].explanation =
        "Funded: it costs nothing and " + count_text(g.support[static_cast<std::size_t>(o)], "voter", "voters") +
        " supported it.";
  }
  int number = 0;
  for (const auto& p : run.picks) {
    ++number;
    const auto i = static_cast<std::size_t>(p.option);
    Round round;
    round.action = "fund";
    round.option = p.option;
    round.figures = {{"payment", p.q.get_str()}, {"price_per_utility", p.rho.get_str()},
                     {"full_payers", std::to_string(p.full)}, {"partial_payers", std::to_string(p.partial)},
                     {"cost", std::to_string(c.options[i].cost)}};
    round.text = detail::option_label(c, p.option) + " funded: " + who_paid(c, p) + ".";
    r.rounds.push_back(round);
    r.winners.push_back(p.option);
    r.options[i].explanation = "Funded in equal-shares round " + std::to_string(number) + ": " + who_paid(c, p) + ".";
    r.options[i].figures = round.figures;
  }
  std::vector<char> won(c.options.size(), 0);
  for (int w : r.winners) won[static_cast<std::size_t>(w)] = 1;
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    if (won[i]) continue;
    auto& out = r.options[i];
    const Money cost = c.options[i].cost;
    if (g.support[i] == 0) {
      out.explanation = "Not funded: nobody voted for it.";
      continue;
    }
    if (cost == 0) {
      out.explanation = "Not funded: it costs nothing, so under cost utilities its supporters gain nothing from it.";
      continue;
    }
    const Rational& left = run.left_of_supporters[i];
    const Rational shares = share * g.support[i];
    out.figures = {{"supporters", std::to_string(g.support[i])}, {"left_of_supporters", left.get_str()},
                   {"cost", std::to_string(cost)}};
    if (shares < cost && left == shares) {
      out.explanation = "Not funded: the shares of its " + count_text(g.support[i], "supporter", "supporters") +
                        " add up to only " + detail::money(c, shares) + ", less than its cost " +
                        detail::money(c, cost) + ".";
      continue;
    }
    // Where the supporters' money went.
    std::vector<std::pair<double, int>> went;
    for (std::size_t f = 0; f < c.options.size(); ++f)
      if (run.spent_on[i][f] > 0.005) went.push_back({run.spent_on[i][f], static_cast<int>(f)});
    std::sort(went.begin(), went.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::string on;
    for (std::size_t k = 0; k < went.size() && k < 3; ++k) {
      if (k > 0) on += (k + 1 == std::min<std::size_t>(went.size(), 3)) ? " and " : ", ";
      on += detail::option_label(c, went[k].second);
    }
    out.explanation = "Not funded: its " + count_text(g.support[i], "supporter", "supporters") + " had only " +
                      detail::money(c, left) + " left of their shares, less than its cost " +
                      detail::money(c, cost) + (on.empty() ? "." : "; they had spent most of it on " + on + ".");
  }
}

Result mes_result(const Contest& c, const Profile& p, const RuleParams& params, Utility u, const char* name,
                  const char* title) {
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  Result r;
  r.rule = name;
  r.rule_title = title;
  r.ballots = g.total;
  detail::init_outcomes(r, c, g.support);
  Mes mes(c, g, u, tie);
  Rational share = g.total > 0 ? Rational(c.budget, g.total) : Rational(0);
  share.canonicalize();
  r.parameters = {{"utility", u == Utility::Cost ? "cost" : "cardinality"}, {"share", share.get_str()},
                  {"completion", "none"}};
  const Run run = mes.run(share, true, -1);
  describe_run(r, c, mes, run, share, g);
  detail::finish(r, c, tie);
  return r;
}

Rational parse_step(const Contest& c, const RuleParams& params) {
  auto it = params.options.find("step");
  Rational step(pow10_money(c.money_decimals));
  if (it == params.options.end()) return step;
  const std::string& s = it->second;
  // A positive decimal in currency units.
  std::size_t dot = s.find('.');
  std::string digits = s;
  int decimals = 0;
  if (dot != std::string::npos) {
    digits = s.substr(0, dot) + s.substr(dot + 1);
    decimals = static_cast<int>(s.size() - dot - 1);
  }
  if (digits.empty() || digits.size() > 18 || decimals > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
    throw UsageError("step must be a positive number of currency units, got '" + s + "'");
  Rational v(mpz_class(digits), mpz_class(pow10_money(decimals)));
  v.canonicalize();
  v *= pow10_money(c.money_decimals);
  if (sgn(v) <= 0) throw UsageError("step must be a positive number of currency units, got '" + s + "'");
  return v;
}

}  // namespace

Result mes_cost(const Contest& c, const Profile& p, const RuleParams& params) {
  return mes_result(c, p, params, Utility::Cost, "mes", "Method of Equal Shares (cost utilities)");
}

Result mes_card(const Contest& c, const Profile& p, const RuleParams& params) {
  return mes_result(c, p, params, Utility::Cardinality, "mes-card", "Method of Equal Shares (cardinality utilities)");
}

Result mes_add1(const Contest& c, const Profile& p, const RuleParams& params) {
  TieOrder tie(c, params.tie_break);
  const auto g = detail::group_ballots(c, p);
  const Rational step = parse_step(c, params);
  Result r;
  r.rule = "mes-add1";
  r.rule_title = "Method of Equal Shares with completion";
  r.ballots = g.total;
  detail::init_outcomes(r, c, g.support);
  Mes mes(c, g, Utility::Cost, tie);
  Rational start = g.total > 0 ? Rational(c.budget, g.total) : Rational(0);
  start.canonicalize();

  // Raise the share step by step: keep the first exhaustive outcome, or the last
  // one within budget.
  std::int64_t steps = 0;
  std::optional<Rational> kept;  // share of the kept outcome; none: nothing fit
  Money overspend = -1;
  bool exhaustive = false;
  if (g.total > 0) {
    for (;; ++steps) {
      Rational share = start + step * steps;
      Run run = mes.run(share, false, c.budget);
      if (run.overspent || run.spent > c.budget) {
        overspend = run.spent;
        break;
      }
      kept = share;
      if (mes.exhaustive(run)) {
        exhaustive = true;
        break;
      }
    }
  }
  const Rational final_share = kept ? *kept : start;
  r.parameters = {{"utility", "cost"}, {"start_share", start.get_str()}, {"step", step.get_str()},
                  {"steps", std::to_string(steps)}, {"final_share", final_share.get_str()},
                  {"completion", "greedy by supporters"}};
  {
    Round round;
    round.action = "raise";
    round.figures = {{"start_share", start.get_str()}, {"final_share", final_share.get_str()},
                     {"steps", std::to_string(steps)}};
    if (!kept) {
      round.text = "Even at the starting share of " + detail::money(c, start, 2) +
                   " per voter the equal-shares outcome would overspend, so it is left empty and the "
                   "completion decides.";
    } else if (exhaustive) {
      round.text = "Each voter's share started at " + detail::money(c, start, 2) + " and was raised " +
                   count_text(steps, "time", "times") + " to " + detail::money(c, final_share, 2) +
                   ", where no other supported project fits in the money left.";
    } else {
      round.text = "Each voter's share started at " + detail::money(c, start, 2) + " and was raised " +
                   count_text(steps - 1, "time", "times") + " to " + detail::money(c, final_share, 2) +
                   "; one step more and the outcome would cost " + detail::money(c, overspend) +
                   ", more than the budget.";
      round.figures.push_back({"overspend_at_next_step", std::to_string(overspend)});
    }
    r.rounds.push_back(round);
  }
  Run run = kept ? mes.run(final_share, true, -1) : Run{};
  if (!kept) {
    run.left_of_supporters.assign(c.options.size(), Rational(0));
    run.spent_on.assign(c.options.size(), std::vector<double>(c.options.size(), 0.0));
  }
  describe_run(r, c, mes, run, final_share, g);

  // Completion: greedy by number of supporters (the reference's cost-satisfaction
  // greedy), unsupported and free options last, in tie order.
  Money spent = 0;
  std::vector<char> won(c.options.size(), 0);
  for (int w : r.winners) {
    spent += c.options[static_cast<std::size_t>(w)].cost;
    won[static_cast<std::size_t>(w)] = 1;
  }
  auto eligible = [&](int o) {
    const auto i = static_cast<std::size_t>(o);
    return g.support[i] > 0 && c.options[i].cost > 0;
  };
  std::vector<int> order = tie.order();
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const bool ea = eligible(a), eb = eligible(b);
    if (ea != eb) return ea;
    if (!ea) return false;
    return g.support[static_cast<std::size_t>(a)] > g.support[static_cast<std::size_t>(b)];
  });
  Money left = c.budget - spent;
  for (int o : order) {
    const auto i = static_cast<std::size_t>(o);
    if (won[i]) continue;
    const Money cost = c.options[i].cost;
    auto& out = r.options[i];
    if (cost <= left) {
      left -= cost;
      won[i] = 1;
      r.winners.push_back(o);
      Round round;
      round.action = "complete";
      round.option = o;
      round.text = detail::option_label(c, o) + " funded in the completion (" +
                   count_text(g.support[i], "supporter", "supporters") + "); " + detail::money(c, left) + " left.";
      r.rounds.push_back(round);
      out.explanation = "Funded in the completion: after the equal-shares rounds it was the most supported "
                        "remaining project (" + count_text(g.support[i], "supporter", "supporters") +
                        ") whose cost " + detail::money(c, cost) + " fitted in the " +
                        detail::money(c, left + cost) + " left.";
    } else {
      out.explanation += " In the completion its cost " + detail::money(c, cost) + " did not fit in the " +
                         detail::money(c, left) + " left.";
    }
  }
  detail::finish(r, c, tie);
  return r;
}

}  // namespace allot
