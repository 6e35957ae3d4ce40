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
// Arithmetic: the outcome never depends on rounding. Each run is first done in
// 80-bit long double; every decision that is not certain at that precision (an
// option's supporters holding almost exactly its cost, two prices within 1e-11
// of each other, which includes every true tie) aborts the run, and it is redone
// in exact GMP rationals. Rounding errors of the fast run stay below 1e-15 of the
// share, 10,000 times under the margin that declares a decision uncertain. The
// price q itself is continuous in the budgets (a voter whose budget is within
// rounding of q pays the same either way), so only these discrete decisions
// need the check. Payments in explanations are shown rounded.
//
// For speed, ballots with the same set of options are grouped, and voters with
// the same remaining budget share one "budget class" whose value is stored once;
// pricing an option counts its supporters per class, then water-fills (the
// poor/rich iteration) over the classes.
#include <algorithm>
#include <numeric>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <thread>
#include <optional>

#include "allot/engine/errors.hpp"
#include "allot/engine/rules.hpp"
#include "support.hpp"

namespace allot {

namespace {

enum class Utility { Cost, Cardinality };

struct Pick {
  int option = -1;
  double q = 0;              // paid by each supporter who could afford it (display)
  std::string q_text;        // the same, exact ("p/q") or to 18 digits
  std::string rho_text;      // price per unit of utility
  std::int64_t full = 0;     // supporters who paid q
  std::int64_t partial = 0;  // supporters who paid all they had left (< q)
  double partial_paid = 0;   // what the partial payers paid together
};

struct Run {
  std::vector<Pick> picks;
  Money spent = 0;      // preselected + picks
  bool overspent = false;
  // Filled when recording: per option, supporters' money left at the end, and
  // per (option, funded option) what its supporters paid towards the latter.
  std::vector<double> left_of_supporters;
  std::vector<std::vector<double>> spent_on;
};

using Real = long double;
__extension__ using Wide = __int128;  // exact products of two int64

Real to_real(const Rational& r) {
  if (r.get_num().fits_slong_p() && r.get_den().fits_slong_p())
    return static_cast<Real>(r.get_num().get_si()) / static_cast<Real>(r.get_den().get_si());
  return static_cast<Real>(r.get_d());
}

// Within rounding of each other: the fast arithmetic cannot tell them apart.
bool close(Real a, Real b, Real scale) {
  return std::fabs(a - b) <= 1e-11L * (std::fabs(a) + std::fabs(b)) + 1e-12L * scale;
}

std::string real_text(Real v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.18Lg", v);
  return buf;
}

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
    // Supporter lists, flat, so that each run can copy them and drop voters who
    // have spent everything as it meets them.
    for (const auto& list : g.supporters) {
      offset_.push_back(flat_.size());
      base_len_.push_back(list.size());
      flat_.insert(flat_.end(), list.begin(), list.end());
    }
  }

  const std::vector<int>& candidates() const { return candidates_; }
  const std::vector<int>& preselected() const { return preselected_; }
  long long exact_checks() const { return exact_checks_; }

  // One run with every ballot's share = `share` (minor units). Stops early when
  // `stop_above` >= 0 and the spending passes it (the outcome is then infeasible).
  // With `certify`, the run also works out how far the share could grow with every
  // decision of the run staying the same (horizon()).
  Run run(const Rational& share, bool record, Money stop_above, bool certify = false) {
    Run out;
    share_exact_ = share;
    const Real share_r = to_real(share);
    scale_ = share_r;
    certify_ = certify;
    horizon_ = std::numeric_limits<Real>::infinity();
    const std::size_t ng = g_.sets.size();
    cls_.assign(ng, 1);
    vals_.assign({Real(0), share_r});
    slope_.assign({Real(0), Real(1)});
    parent_.assign({-1, -1});
    made_by_.assign({-1, -1});
    exact_slot_.assign({-1, -1});
    pool_used_ = 0;
    exact_slot_[0] = new_exact(Rational(0));
    exact_slot_[1] = new_exact(share);
    picks_.clear();
    live_ = flat_;
    len_ = base_len_;
    if (sgn(share) <= 0) cls_.assign(ng, 0);
    std::vector<int> active = candidates_;
    std::vector<Real> lb(c_.options.size()), lb_slope(c_.options.size(), Real(0));
    std::vector<std::pair<int, std::pair<Real, Real>>> affordable;  // evaluated this round: rho, slope
    for (int o : active) {
      const auto i = static_cast<std::size_t>(o);
      lb[i] = u_ == Utility::Cost ? Real(1) / static_cast<Real>(g_.support[i])
                                  : static_cast<Real>(c_.options[i].cost) / static_cast<Real>(g_.support[i]);
    }
    for (int o : preselected_) out.spent += c_.options[static_cast<std::size_t>(o)].cost;
    if (record) out.spent_on.assign(c_.options.size(), std::vector<double>(c_.options.size(), 0.0));

    std::vector<char> removed(c_.options.size(), 0);
    auto by_bound = [&](int a, int b) {
      const Real la = lb[static_cast<std::size_t>(a)], lbb = lb[static_cast<std::size_t>(b)];
      return la < lbb || (!(lbb < la) && tie_.before(a, b));
    };
    std::sort(active.begin(), active.end(), by_bound);
    while (!active.empty()) {
      ++round_;
      int best = -1;
      Real best_rho = 0, best_q = 0, best_rho_slope = 0, best_q_slope = 0;
      bool best_simple = false;
      std::int64_t best_support = 0;
      std::size_t evaluated = 0;
      affordable.clear();
      simple_.clear();
      for (int o : active) {
        const auto i = static_cast<std::size_t>(o);
        if (best >= 0 && lb[i] > best_rho && !close(lb[i], best_rho, 0)) break;
        ++evaluated;
        Real q, q_slope = 0;
        if (!price(o, q, q_slope)) {
          removed[i] = 1;
          continue;
        }
        candidate_.clear();
        for (int k : classes_) candidate_.push_back({k, acc_[static_cast<std::size_t>(k)]});
        const Real per = u_ == Utility::Cost ? static_cast<Real>(c_.options[i].cost) : Real(1);
        const Real rho = q / per, rho_slope = q_slope / per;
        lb[i] = rho;
        lb_slope[i] = rho_slope;
        const bool simple = all_rich_;
        const std::int64_t support_now = weight_;
        if (certify_) affordable.push_back({o, {rho, simple ? Real(0) : rho_slope}});
        if (certify_ && simple) simple_.push_back(o);
        bool better;
        if (best < 0) better = true;
        else if (simple && best_simple) {
          // Both prices are exact ratios of integers: cost/support (cardinality)
          // or 1/support (cost utilities). Compare them exactly.
          const Money co = u_ == Utility::Cost ? 1 : c_.options[i].cost;
          const Money cb = u_ == Utility::Cost ? 1 : c_.options[static_cast<std::size_t>(best)].cost;
          const Wide lhs = static_cast<Wide>(co) * best_support, rhs = static_cast<Wide>(cb) * support_now;
          better = lhs < rhs || (lhs == rhs && tie_.before(o, best));
        } else if (!close(rho, best_rho, 0)) better = rho < best_rho;
        else {
          const int c = cmp(exact_rho(o), exact_rho(best));
          better = c < 0 || (c == 0 && tie_.before(o, best));
        }
        if (better) {
          std::swap(candidate_, best_classes_);
          best_simple = simple;
          best_support = support_now;
          best = o;
          best_rho = rho;
          best_q = q;
          best_rho_slope = rho_slope;
          best_q_slope = q_slope;
        }
      }
      if (certify_ && best >= 0) {
        // The winner must stay ahead of every other affordable option, evaluated
        // (its price) or not (its lower bound).
        // Two prices that are exact integer ratios compare the same way for every
        // share while nobody is poor (which price() constrains).
        auto is_simple = [&](int o) { return std::find(simple_.begin(), simple_.end(), o) != simple_.end(); };
        for (const auto& [o, r] : affordable)
          if (o != best && !(best_simple && is_simple(o))) constrain(r.first, r.second, best_rho, best_rho_slope, 0);
        for (std::size_t j = evaluated; j < active.size(); ++j) {
          const auto i = static_cast<std::size_t>(active[j]);
          constrain(lb[i], lb_slope[i], best_rho, best_rho_slope, 0);
        }
      }
      // Only the evaluated prefix has new bounds: re-sort it and merge with the rest.
      std::sort(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(evaluated), by_bound);
      std::inplace_merge(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(evaluated), active.end(),
                         by_bound);
      active.erase(std::remove_if(active.begin(), active.end(),
                                  [&](int o) { return removed[static_cast<std::size_t>(o)] != 0; }),
                   active.end());
      if (best < 0) break;
      Pick pick = pay(best, best_q, best_q_slope, record ? &out.spent_on : nullptr);
      pick.rho_text = real_text(best_rho);
      out.picks.push_back(pick);
      out.spent += c_.options[static_cast<std::size_t>(best)].cost;
      active.erase(std::find(active.begin(), active.end(), best));
      if (stop_above >= 0 && out.spent > stop_above) {
        out.overspent = true;
        return out;
      }
    }
    if (record) {
      out.left_of_supporters.assign(c_.options.size(), 0.0);
      for (std::size_t gi = 0; gi < ng; ++gi) {
        const double v = static_cast<double>(vals_[static_cast<std::size_t>(cls_[gi])]);
        if (v <= 0) continue;
        const double part = v * static_cast<double>(g_.weight[gi]);
        for (int o : g_.sets[gi]) out.left_of_supporters[static_cast<std::size_t>(o)] += part;
      }
    }
    return out;
  }

 private:
  struct PickState {
    int option = -1;
    std::vector<std::pair<int, std::int64_t>> classes;  // supporters per class when it was paid
    bool q_known = false;
    Rational q;                                         // exact payment, computed on demand
  };

  // Supporters of `o` per budget class: fills classes_ (distinct, unsorted) and acc_.
  void count_classes(int o) {
    ++stamp_now_;
    if (stamp_.size() < vals_.size()) {
      stamp_.resize(vals_.size(), 0);
      acc_.resize(vals_.size(), 0);
    }
    classes_.clear();
    const auto oi = static_cast<std::size_t>(o);
    int* list = live_.data() + offset_[oi];
    std::size_t& len = len_[oi];
    for (std::size_t j = 0; j < len;) {
      const int gi = list[j];
      const auto k = static_cast<std::size_t>(cls_[static_cast<std::size_t>(gi)]);
      if (k == 0) {  // spent everything: never counts again in this run
        list[j] = list[--len];
        continue;
      }
      ++j;
      if (stamp_[k] != stamp_now_) {
        stamp_[k] = stamp_now_;
        acc_[k] = 0;
        classes_.push_back(static_cast<int>(k));
      }
      acc_[k] += g_.weight[static_cast<std::size_t>(gi)];
    }
  }

  // The payment q of every supporter who can afford it; false when the
  // supporters cannot afford the option at all. Water-filling: q is the level at
  // which sum(min(budget_i, q)) = cost (the reference's poor/rich iteration).
  bool price(int o, Real& q, Real& q_slope) {
    count_classes(o);
    const Money cost_m = c_.options[static_cast<std::size_t>(o)].cost;
    const Real cost = static_cast<Real>(cost_m);
    Real total = 0, total_slope = 0;
    std::int64_t weight = 0;
    for (int k : classes_) {
      const auto ks = static_cast<std::size_t>(k);
      total += vals_[ks] * static_cast<Real>(acc_[ks]);
      total_slope += slope_[ks] * static_cast<Real>(acc_[ks]);
      weight += acc_[ks];
    }
    if (certify_) constrain(total, total_slope, cost, 0, cost);
    if (close(total, cost, cost)) {
      // Too close to call: add up the supporters' exact budgets.
      ++exact_checks_;
      Rational exact_total(0);
      for (int k : classes_) exact_total += exact_value(k) * acc_[static_cast<std::size_t>(k)];
      if (exact_total < cost_m) return false;
    } else if (total < cost) {
      return false;
    }
    if (weight == 0) return false;
    Real poor_sum = 0;
    std::int64_t rich = weight;
    poor_.assign(classes_.size(), 0);
    for (;;) {
      q = (cost - poor_sum) / static_cast<Real>(rich);
      bool changed = false;
      for (std::size_t j = 0; j < classes_.size(); ++j) {
        if (poor_[j]) continue;
        const auto ks = static_cast<std::size_t>(classes_[j]);
        if (vals_[ks] < q) {
          poor_[j] = 1;
          poor_sum += vals_[ks] * static_cast<Real>(acc_[ks]);
          rich -= acc_[ks];
          changed = true;
        }
      }
      if (!changed || rich <= 0) break;
    }
    // Nobody poor, for certain: then q = cost / supporters exactly, whatever the share.
    all_rich_ = rich == weight;
    for (std::size_t j = 0; all_rich_ && j < classes_.size(); ++j)
      if (close(vals_[static_cast<std::size_t>(classes_[j])], q, scale_)) all_rich_ = false;
    weight_ = weight;
    if (rich <= 0) {  // everyone pays all they have (total == cost up to rounding)
      q = 0;
      for (int k : classes_) q = std::max(q, vals_[static_cast<std::size_t>(k)]);
      horizon_ = 0;
      return true;
    }
    if (certify_) {
      // q = (cost - what the poor have) / rich, affine in the share while the
      // split between poor and rich classes stays the same.
      Real poor_slope = 0;
      for (std::size_t j = 0; j < classes_.size(); ++j)
        if (poor_[j]) poor_slope += slope_[static_cast<std::size_t>(classes_[j])] * static_cast<Real>(acc_[static_cast<std::size_t>(classes_[j])]);
      q_slope = -poor_slope / static_cast<Real>(rich);
      for (int k : classes_) {
        const auto ks = static_cast<std::size_t>(k);
        constrain(vals_[ks], slope_[ks], q, q_slope, scale_);
      }
    }
    return true;
  }

  // Records that a(t) - b(t), affine in the share t, must keep its sign: the run
  // stays valid for shares up to where it would cross zero.
  void constrain(Real a, Real a_slope, Real b, Real b_slope, Real scale) {
    if (close(a, b, scale)) {
      horizon_ = 0;
      return;
    }
    const Real d = a - b, ds = a_slope - b_slope;
    Real h;
    if (d > 0 && ds < 0) h = d / -ds;
    else if (d < 0 && ds > 0) h = -d / ds;
    else return;
    horizon_ = std::min(horizon_, h);
  }

 public:
  // After a certified run: how much the share can grow with the same outcome.
  Real horizon() const { return horizon_; }

 private:

  // Exact water-filling over (class, weight) pairs with exact class values.
  Rational exact_price(const std::vector<std::pair<int, std::int64_t>>& classes, Money cost) {
    std::vector<std::pair<Rational, std::int64_t>> v;
    v.reserve(classes.size());
    std::int64_t weight = 0;
    for (const auto& [k, w] : classes) {
      v.push_back({exact_value(k), w});
      weight += w;
    }
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Rational rest(static_cast<long>(cost)), q;
    for (const auto& [val, w] : v) {
      q = rest / weight;
      if (q <= val) return q;
      rest -= val * w;
      weight -= w;
    }
    return v.empty() ? Rational(0) : v.back().first;
  }

  // The exact remaining budget of one voter of class k.
  const Rational& exact_value(int k) {
    const auto ks = static_cast<std::size_t>(k);
    if (exact_slot_[ks] < 0) {
      Rational v = exact_value(parent_[ks]) - exact_q(made_by_[ks]);
      if (sgn(v) < 0) v = 0;
      exact_slot_[ks] = new_exact(v);
    }
    return pool_[static_cast<std::size_t>(exact_slot_[ks])];
  }

  // Exact values live in a pool reused from run to run (no allocation per class).
  int new_exact(const Rational& v) {
    if (pool_used_ == pool_.size()) pool_.emplace_back();
    pool_[pool_used_] = v;
    return static_cast<int>(pool_used_++);
  }

  const Rational& exact_q(int pick) {
    auto& p = picks_[static_cast<std::size_t>(pick)];
    if (!p.q_known) {
      p.q = exact_price(p.classes, c_.options[static_cast<std::size_t>(p.option)].cost);
      p.q_known = true;
    }
    return p.q;
  }

  // Exact price per unit of utility of option o now (cached within a round).
  Rational exact_rho(int o) {
    ++exact_checks_;
    auto& cache = rho_cache_[o];
    if (cache.first == round_) return cache.second;
    count_classes(o);
    std::vector<std::pair<int, std::int64_t>> cl;
    for (int k : classes_) cl.push_back({k, acc_[static_cast<std::size_t>(k)]});
    const Money cost = c_.options[static_cast<std::size_t>(o)].cost;
    Rational q = exact_price(cl, cost);
    cache = {round_, u_ == Utility::Cost ? Rational(q / static_cast<long>(cost)) : q};
    return cache.second;
  }

  Pick pay(int o, Real q, Real q_slope, std::vector<std::vector<double>>* spent_on) {
    Pick pick;
    pick.option = o;
    pick.q = static_cast<double>(q);
    pick.q_text = real_text(q);
    PickState state;
    state.option = o;
    const int pick_index = static_cast<int>(picks_.size());
    // New class for each old class among the supporters. A voter whose budget is
    // clearly below q pays all of it (class 0); any other gets a new class, whose
    // exact value (max(old - q, 0)) is worked out only if a close call needs it.
    remap_.assign(vals_.size(), -1);
    for (const auto& [k, count] : best_classes_) {
      const auto ks = static_cast<std::size_t>(k);
      state.classes.push_back({k, count});
      const Real v = vals_[ks];
      const bool near = close(v, q, scale_);
      if (v < q && !near) {
        remap_[ks] = 0;
        pick.partial += count;
        pick.partial_paid += static_cast<double>(v) * static_cast<double>(count);
      } else {
        remap_[ks] = static_cast<int>(vals_.size());
        vals_.push_back(near ? std::max<Real>(v - q, 0) : v - q);
        slope_.push_back(slope_[ks] - q_slope);
        if (near) horizon_ = 0;
        parent_.push_back(k);
        made_by_.push_back(pick_index);
        exact_slot_.push_back(-1);
        pick.full += count;
      }
    }
    picks_.push_back(std::move(state));
    const double qd = pick.q;
    const int* list = live_.data() + offset_[static_cast<std::size_t>(o)];
    for (std::size_t j = 0; j < len_[static_cast<std::size_t>(o)]; ++j) {
      const int gi = list[j];
      auto& k = cls_[static_cast<std::size_t>(gi)];
      if (k == 0) continue;
      if (spent_on) {
        const double paid = std::min(static_cast<double>(vals_[static_cast<std::size_t>(k)]), qd) *
                            static_cast<double>(g_.weight[static_cast<std::size_t>(gi)]);
        for (int p : g_.sets[static_cast<std::size_t>(gi)])
          (*spent_on)[static_cast<std::size_t>(p)][static_cast<std::size_t>(o)] += paid;
      }
      k = remap_[static_cast<std::size_t>(k)];
    }
    return pick;
  }

  const Contest& c_;
  const detail::Groups& g_;
  Utility u_;
  const TieOrder& tie_;
  std::vector<int> candidates_, preselected_;
  Rational share_exact_;
  Real scale_ = 0;
  std::vector<int> cls_;        // per group: budget class
  std::vector<Real> vals_;      // per class: remaining budget of one voter (fast)
  std::vector<Real> slope_;     // per class: how that budget grows with the share
  bool certify_ = false;
  bool all_rich_ = false;       // set by price(): no supporter is poor, for certain
  std::vector<int> simple_;     // options of this round whose price is an integer ratio
  std::int64_t weight_ = 0;     // set by price(): supporters with money left
  Real horizon_ = 0;
  std::vector<int> parent_;     // per class: the class it came from (-1 for 0 and 1)
  std::vector<int> made_by_;    // per class: the pick that made it
  std::vector<int> exact_slot_;  // per class: index in pool_ of its exact value, or -1
  std::vector<Rational> pool_;
  std::size_t pool_used_ = 0;
  std::vector<PickState> picks_;
  std::map<int, std::pair<std::uint64_t, Rational>> rho_cache_;
  std::uint64_t round_ = 0;
  long long exact_checks_ = 0;
  std::vector<std::uint64_t> stamp_;
  std::vector<std::int64_t> acc_;
  std::vector<int> classes_;
  std::vector<char> poor_;
  std::vector<int> remap_;
  std::uint64_t stamp_now_ = 0;
  std::vector<int> flat_, live_;                // supporter groups of every option, back to back
  std::vector<std::size_t> offset_, base_len_, len_;
  std::vector<std::pair<int, std::int64_t>> candidate_, best_classes_;  // (class, supporters)
};

// Exhaustive: no candidate outside the outcome fits in what is left.
bool is_exhaustive(const Contest& c, const Mes& mes, const Run& r) {
  std::vector<char> in(c.options.size(), 0);
  for (const auto& p : r.picks) in[static_cast<std::size_t>(p.option)] = 1;
  for (int o : mes.candidates())
    if (!in[static_cast<std::size_t>(o)] && r.spent + c.options[static_cast<std::size_t>(o)].cost <= c.budget)
      return false;
  return true;
}

std::string who_paid(const Contest& c, const Pick& p) {
  std::string s;
  if (p.partial == 0) {
    s = count_text(p.full, "supporter", "supporters") + " paid " + detail::money(c, Rational(p.q), 2) + " each";
  } else if (p.full == 0) {
    s = count_text(p.partial, "supporter", "supporters") + " paid all they had left (" +
        detail::money(c, Rational(p.partial_paid), 2) + " together)";
  } else {
    s = count_text(p.full, "supporter", "supporters") + " paid " + detail::money(c, Rational(p.q), 2) +
        " each and " + std::to_string(p.partial) + " more paid all they had left (" +
        detail::money(c, Rational(p.partial_paid), 2) + " together)";
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
    round.figures = {{"payment", p.q_text}, {"price_per_utility", p.rho_text},
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
    const Rational left(run.left_of_supporters[i]);
    const Rational shares = share * g.support[i];
    out.figures = {{"supporters", std::to_string(g.support[i])}, {"left_of_supporters", decimal_text(left, 6)},
                   {"cost", std::to_string(cost)}};
    if (shares < cost) {
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
    const std::string who = "Not funded: its " + count_text(g.support[i], "supporter", "supporters");
    if (run.left_of_supporters[i] < 0.005)
      out.explanation = who + " had spent all of their shares" + (on.empty() ? "." : ", most of it on " + on + ".");
    else
      out.explanation = who + " had only " + detail::money(c, left, 2) + " left of their shares, less than its cost " +
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
  Rational v(mpz_class(digits, 10), mpz_class(pow10_money(decimals)));
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
  // Step skipping: each run also certifies how far the share can grow with every
  // decision unchanged; the steps inside that range have the same outcome (so
  // neither exhaustive nor over budget) and are not run. A 1% margin covers the
  // rounding of the certified range.
  const bool skipping = [&] {
    auto it = params.options.find("step_skipping");
    if (it == params.options.end() || it->second == "on") return true;
    if (it->second == "off") return false;
    throw UsageError("step_skipping must be on or off, got '" + it->second + "'");
  }();
  // On large elections the next step is run speculatively on a second thread
  // while this one runs the current step: when the current step does not end the
  // search and cannot skip, its result is ready. Each run is deterministic, so
  // the outcome does not depend on the threads.
  std::int64_t runs = 0;
  std::size_t work = 0;
  for (const auto& list : g.supporters) work += list.size();
  bool parallel = work >= 5000;
  if (auto it = params.options.find("threads"); it != params.options.end()) {
    if (it->second != "1" && it->second != "2") throw UsageError("threads must be 1 or 2, got '" + it->second + "'");
    parallel = it->second == "2";
  }
  std::unique_ptr<Mes> ahead;
  if (parallel) ahead = std::make_unique<Mes>(c, g, Utility::Cost, tie);
  if (g.total > 0) {
    const Real start_r = to_real(start), step_r = to_real(step);
    std::optional<std::pair<Run, Real>> prepared;  // the run of `steps`, done ahead
    for (;;) {
      const Rational share = start + step * steps;
      Run run;
      Real h;
      if (prepared) {
        run = std::move(prepared->first);
        h = prepared->second;
        prepared.reset();
      } else if (parallel) {
        Run next_run;
        Real next_h = 0;
        std::thread helper([&] {
          next_run = ahead->run(share + step, false, c.budget, skipping);
          next_h = ahead->horizon();
        });
        run = mes.run(share, false, c.budget, skipping);
        h = mes.horizon();
        helper.join();
        runs += 2;
        prepared.emplace(std::move(next_run), next_h);
      } else {
        run = mes.run(share, false, c.budget, skipping);
        h = mes.horizon();
        ++runs;
      }
      if (run.overspent || run.spent > c.budget) {
        overspend = run.spent;
        break;
      }
      kept = share;
      if (is_exhaustive(c, mes, run)) {
        exhaustive = true;
        break;
      }
      std::int64_t next = steps + 1;
      if (skipping && h > 0 && std::isfinite(h)) {
        const Real last_same = std::floor((to_real(share) + 0.99L * h - start_r) / step_r);
        if (last_same > static_cast<Real>(steps) && last_same < 9e15L) {
          next = static_cast<std::int64_t>(last_same) + 1;
          kept = start + step * (next - 1);
        }
      }
      if (next != steps + 1) prepared.reset();
      steps = next;
    }
  }
  const Rational final_share = kept ? *kept : start;
  r.parameters = {{"utility", "cost"}, {"start_share", start.get_str()}, {"step", step.get_str()},
                  {"steps", std::to_string(steps)}, {"final_share", final_share.get_str()},
                  {"completion", "greedy by supporters"}, {"runs", std::to_string(runs)},
                  {"exact_checks", std::to_string(mes.exact_checks() + (ahead ? ahead->exact_checks() : 0))}};
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
    run.left_of_supporters.assign(c.options.size(), 0.0);
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
