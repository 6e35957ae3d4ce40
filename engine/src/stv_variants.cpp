// stv_meek, stv_warren, stv_wigm, stv_scottish, stv_mpls, stv_cfer, qpq: the
// single-transferable-vote rules of Droop.py (jklundell/droop), counted the way
// Droop.py counts them, step for step and digit for digit; and STV-rs's Meek
// (gendx/stv-rs), which follows Droop.py's Meek and adds "equalized" counting of
// equal preferences.
//
// Definitions (one paragraph per rule; the `droop_rule` option picks a variant).
//  - Meek (meek, warren): every candidate has a keep factor (1 while hopeful, 0
//    once defeated). A ballot gives each candidate it ranks, in order, the share
//    of its remaining weight the candidate keeps, and passes the rest on. The
//    quota is the votes so kept divided by seats + 1. Keep factors of elected
//    candidates are lowered (kf * quota / vote) and the ballots recounted until a
//    hopeful candidate reaches the quota, or the total surplus is below omega
//    (10^-omega) or stops shrinking; then the lowest candidate is defeated (with
//    `defeat_batch=safe`, every "sure loser" group that cannot catch up even with
//    the whole surplus is defeated at once). Warren: a candidate keeps its keep
//    factor's worth of the ballot (not that fraction of what is left).
//    meek-prf is the PR Foundation's reference rule (fixed 9 places, omega 10^-6,
//    keep values rounded up, no batch defeats). stv-rs is STV-rs's Meek: the same
//    count as Droop.py's Meek without batch defeats, logged the way STV-rs logs it;
//    `equalize=true` counts a ballot with equal preferences as the average of all
//    orderings of each equal group.
//  - WIGM (wigm, wigm-prf, wigm-prf-batch): weighted inclusive Gregory method.
//    Candidates at the quota are elected; the largest surplus is transferred by
//    reweighting every ballot the candidate holds (weight * surplus / vote);
//    with no surplus left, the lowest candidate is defeated and its ballots move
//    on at their current weight. -batch first defeats every sure-loser group.
//  - scotland: Scottish local-election STV (2007 order): WIGM with 5 places,
//    integer quota floor(ballots / (seats + 1)) + 1, transfer values truncated,
//    ties broken by the most recent stage at which the tied candidates differed,
//    then by lot (tie order).
//  - mpls: Minneapolis STV: 4 places, integer quota; candidates are elected one
//    at a time as their surplus is transferred; from round 2 every certain loser
//    is defeated at once; votes of a candidate defeated in the last round stay.
//  - cfer (cfer, cfer-batch): the CfER proposal: all surpluses of a round are
//    transferred together; cfer-batch defeats the largest safe defeat set.
//  - qpq: Woodall's quota preferential by quotient. A hopeful candidate's quotient
//    is v / (1 + t): v ballots have it as their top hopeful choice and have so far
//    elected t candidates in total. The quota is va / (1 + seats - tx) (va active
//    ballots, tx candidates elected by inactive ones). The highest quotient above
//    the quota is elected and each of its ballots is now deemed to have elected
//    1/q; otherwise the lowest quotient is excluded and the count restarts.
//
// Invariants: at most `seats` candidates are elected; a withdrawn candidate is
// never counted; every candidate ends elected, defeated or withdrawn; the log has
// one entry per action Droop.py (STV-rs) logs, with the same numbers as printed.
//
// Arithmetic (stv_arith.hpp): fixed point with p places, guarded fixed point
// (p + g places, values within the guard compare equal) or exact rationals, with
// Droop.py's defaults per rule. Every product, quotient, rounding direction,
// comparison and iteration order follows the reference (including Python's sort
// on near-equal guarded values), because a one-unit difference in the last place
// can change who is defeated.
//
// Options (RuleParams::options, named as in the reference case files):
//  - droop_rule: stv_meek: meek (default), meek-prf, stv-rs; stv_warren: warren;
//    stv_wigm: wigm (default), wigm-prf, wigm-prf-batch; stv_scottish: scotland;
//    stv_mpls: mpls; stv_cfer: cfer (default), cfer-batch; qpq: qpq.
//  - arithmetic (fixed | guarded | rational), precision, guard, display: digits.
//    Defaults as in Droop.py: meek, warren and wigm count guarded with 18 + 9
//    places (fixed: 9 places; rational: shown with 12); stv-rs fixed 9. The other
//    rules fix their arithmetic (meek-prf fixed 9, wigm-prf 4, scotland 5, mpls 4,
//    cfer 5, qpq guarded 9 + 9) and note any option that tried to change it.
//  - omega: k or 10^-k (meek, warren: precision / 2 guarded, 2/3 of the precision
//    fixed, 10 rational; meek-prf and stv-rs: 6).
//  - defeat_batch: meek, warren: safe (default) | none; wigm: none (default) |
//    zero; wigm-prf, cfer: true | false picks the -batch rule.
//  - integer_quota (wigm), equalize (stv-rs), force_positive_surplus (stv-rs:
//    true, false, or unset = only where the Droop.py-compatible count stops),
//    undeclared (mpls: write-in placeholders defeated first).
//  - tie_order: candidate names (JSON list or comma-separated), Droop.py's [tie]
//    order: the first tied candidate in it is defeated, or has its surplus
//    transferred first. Without it, a Ticket tie-break orders candidates by their
//    tickets, otherwise candidate order is used (Droop.py's default).
// An unknown value throws UsageError.
//
// Ballots: a rank with several candidates is an equal preference. Only Droop.py's
// meek and warren rules and STV-rs count such ballots (Droop.py splits the weight
// evenly and each share passes on to the next rank on its own; STV-rs can also
// average the orders); the other rules count them in the number of ballots but
// give them to no one, as Droop.py does, and say so in the result's notes.
// Withdrawn candidates are removed from ballots; ballots left empty are not
// counted at all. Repeated candidates count at their first rank.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "allot/engine/tiebreak.hpp"
#include "stv_arith.hpp"
#include "stv_variants.hpp"

namespace allot {

namespace {

using detail::DecimalArith;
using detail::RationalArith;
using detail::StvRun;
using detail::StvStep;

// ---------------------------------------------------------------- options

enum class Family { Meek, Wigm, Qpq, StvRs };
enum class St : char { Hopeful, Elected, Defeated, Withdrawn };

struct Options {
  std::string method;
  std::string rule;        // Droop.py rule name (or "stv-rs")
  std::string arithmetic;  // fixed | guarded | rational
  int precision = -1;
  int guard = -1;
  int display = -1;
  int omega10 = -1;
  std::string defeat_batch;  // meek: safe | none; wigm: none | zero
  bool batch = false;        // wigm-prf-batch, cfer-batch
  bool integer_quota = false;
  bool equalize = false;
  int force_positive = -1;    // STV-rs --force-positive-surplus: 1 on, 0 off, -1 only when needed
  std::vector<int> tie_rank;  // per candidate: 0 = first in tie order
  bool explicit_tie_order = false;
  std::vector<char> undeclared;  // mpls: undeclared write-in placeholders
  std::vector<std::string> notes;
};

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

const std::string* find_option(const RuleParams& p, const std::string& key) {
  auto it = p.options.find(key);
  if (it == p.options.end()) return nullptr;
  if (it->second.empty() || it->second == "null") return nullptr;
  return &it->second;
}

int int_option(const RuleParams& p, const std::string& key, int lo, int hi) {
  const std::string* s = find_option(p, key);
  if (!s) return -1;
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(*s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != s->size() || v < lo || v > hi)
    throw UsageError(key + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                     ", got '" + *s + "'");
  return v;
}

bool bool_option(const RuleParams& p, const std::string& key, bool fallback) {
  const std::string* s = find_option(p, key);
  if (!s) return fallback;
  const std::string v = lower(*s);
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw UsageError(key + " must be true or false, got '" + *s + "'");
}

// omega: an exponent ("6" means 10^-6) or the number itself ("0.000001", "1e-6").
int omega_option(const RuleParams& p) {
  const std::string* s = find_option(p, "omega");
  if (!s) return -1;
  const std::string& t = *s;
  const bool plain_int = !t.empty() && std::all_of(t.begin(), t.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (plain_int && t.size() <= 3) {
    const int k = std::stoi(t);
    if (k >= 1 && k <= 100) return k;
  }
  // A decimal (or exponent) form of 10^-k.
  std::string digits, text = t;
  int exp10 = 0;
  if (auto e = text.find_first_of("eE"); e != std::string::npos) {
    try {
      exp10 = std::stoi(text.substr(e + 1));
    } catch (const std::exception&) {
      throw UsageError("omega must be 10^-k, written k or 0.00..01, got '" + t + "'");
    }
    text = text.substr(0, e);
  }
  int decimals = 0;
  bool dot = false, ok = !text.empty();
  for (char ch : text) {
    if (ch == '.' && !dot) dot = true;
    else if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
      if (dot) ++decimals;
    } else ok = false;
  }
  // Strip leading zeros; the rest must be 1 followed by zeros.
  std::size_t first = digits.find_first_not_of('0');
  if (ok && first != std::string::npos && digits[first] == '1' &&
      digits.find_first_not_of('0', first + 1) == std::string::npos) {
    const int trailing = static_cast<int>(digits.size() - first - 1);
    const int k = decimals - trailing - exp10;
    if (k >= 1 && k <= 100) return k;
  }
  throw UsageError("omega must be 10^-k, written k or 0.00..01, got '" + t + "'");
}

// A list of candidates: a JSON array of names (or 1-based numbers), or names
// separated by commas.
std::vector<int> candidate_list(const RuleParams& p, const std::string& key, const RankedElection& e) {
  std::vector<int> out;
  const std::string* s = find_option(p, key);
  if (!s) return out;
  std::vector<std::string> items;
  std::vector<int> numbers;
  if (!s->empty() && (*s)[0] == '[') {
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(*s);
    } catch (const std::exception&) {
      throw UsageError(key + " must be a JSON list of candidate names, got '" + *s + "'");
    }
    if (!j.is_array()) throw UsageError(key + " must be a list of candidate names");
    for (const auto& x : j) {
      if (x.is_string()) items.push_back(x.get<std::string>());
      else if (x.is_number_integer()) items.push_back("#" + std::to_string(x.get<int>()));
      else throw UsageError(key + " must list candidate names");
    }
  } else {
    std::string cur;
    for (char ch : *s + ",") {
      if (ch == ',') {
        auto b = cur.find_first_not_of(' '), en = cur.find_last_not_of(' ');
        if (b != std::string::npos) items.push_back(cur.substr(b, en - b + 1));
        cur.clear();
      } else cur.push_back(ch);
    }
  }
  for (const auto& item : items) {
    int found = -1;
    for (std::size_t i = 0; i < e.candidates.size(); ++i)
      if (e.candidates[i] == item) found = static_cast<int>(i);
    if (found < 0 && item.size() > 1 && item[0] == '#') {
      try {
        const int k = std::stoi(item.substr(1));
        if (k >= 1 && k <= static_cast<int>(e.candidates.size())) found = k - 1;
      } catch (const std::exception&) {
      }
    }
    if (found < 0) throw UsageError(key + " names unknown candidate '" + item + "'");
    if (std::find(out.begin(), out.end(), found) != out.end())
      throw UsageError(key + " names candidate '" + item + "' twice");
    out.push_back(found);
  }
  return out;
}

std::string method_rule_default(const std::string& method) {
  if (method == "stv_meek") return "meek";
  if (method == "stv_warren") return "warren";
  if (method == "stv_wigm") return "wigm";
  if (method == "stv_scottish") return "scotland";
  if (method == "stv_mpls") return "mpls";
  if (method == "stv_cfer") return "cfer";
  if (method == "qpq") return "qpq";
  throw UsageError("unknown STV variant '" + method + "'");
}

Options parse_options(const std::string& method, const RankedElection& e, const RuleParams& p) {
  Options o;
  o.method = method;
  o.rule = method_rule_default(method);
  if (const std::string* r = find_option(p, "droop_rule")) {
    const std::string v = lower(*r);
    static const std::map<std::string, std::vector<std::string>> allowed = {
        {"stv_meek", {"meek", "meek-prf", "stv-rs"}},
        {"stv_warren", {"warren"}},
        {"stv_wigm", {"wigm", "wigm-prf", "wigm-prf-batch"}},
        {"stv_scottish", {"scotland"}},
        {"stv_mpls", {"mpls"}},
        {"stv_cfer", {"cfer", "cfer-batch"}},
        {"qpq", {"qpq"}}};
    const auto& ok = allowed.at(method);
    if (std::find(ok.begin(), ok.end(), v) == ok.end()) {
      std::string list;
      for (const auto& x : ok) list += (list.empty() ? "" : ", ") + x;
      throw UsageError("droop_rule for " + method + " must be one of " + list + ", got '" + *r + "'");
    }
    o.rule = v;
  }
  o.equalize = bool_option(p, "equalize", false);
  if (o.equalize && o.rule != "stv-rs" && o.rule != "meek")
    throw UsageError("equalize (equal-preference counting) is an option of Meek's rule only");
  if (o.equalize && o.rule == "meek") {
    o.rule = "stv-rs";  // equalized counting is STV-rs's
    o.notes.push_back("Equal preferences are counted as STV-rs does with equalize=true (every order of an equal "
                      "group weighted equally), with STV-rs's Meek count.");
  }
  const std::string* batch = find_option(p, "defeat_batch");
  const std::string bv = batch ? lower(*batch) : "";
  if (o.rule == "wigm-prf-batch" || o.rule == "cfer-batch") o.batch = true;
  if (o.rule == "wigm-prf" || o.rule == "wigm-prf-batch" || o.rule == "cfer" || o.rule == "cfer-batch") {
    if (batch) {
      if (bv == "true" || bv == "safe" || bv == "batch") o.batch = true;
      else if (bv == "false" || bv == "none") o.batch = false;
      else throw UsageError("defeat_batch for " + o.rule + " must be true or false, got '" + *batch + "'");
      if (o.rule == "wigm-prf" || o.rule == "wigm-prf-batch") o.rule = o.batch ? "wigm-prf-batch" : "wigm-prf";
      else o.rule = o.batch ? "cfer-batch" : "cfer";
    }
  } else if (o.rule == "meek" || o.rule == "warren") {
    o.defeat_batch = bv.empty() ? "safe" : bv;
    if (o.defeat_batch != "safe" && o.defeat_batch != "none")
      throw UsageError("defeat_batch for " + o.rule + " must be safe or none, got '" + *batch + "'");
  } else if (o.rule == "wigm") {
    o.defeat_batch = bv.empty() ? "none" : bv;
    if (o.defeat_batch != "none" && o.defeat_batch != "zero")
      throw UsageError("defeat_batch for wigm must be none or zero, got '" + *batch + "'");
  } else if (batch && bv != "none" && bv != "false") {
    throw UsageError("defeat_batch is not an option of " + o.rule + " (got '" + *batch + "')");
  }

  // Arithmetic, with Droop.py's defaults; some rules fix it.
  const std::string* ar = find_option(p, "arithmetic");
  const std::string asked = ar ? lower(*ar) : "";
  if (!asked.empty() && asked != "fixed" && asked != "guarded" && asked != "rational")
    throw UsageError("arithmetic must be fixed, guarded or rational, got '" + *ar + "'");
  const int precision = int_option(p, "precision", 0, 60);
  const int guard = int_option(p, "guard", 0, 60);
  const int display = int_option(p, "display", 0, 60);
  const int omega = omega_option(p);
  struct Forced {
    const char* rule;
    const char* arithmetic;
    int precision, guard, display, omega;
  };
  static const Forced forced[] = {{"meek-prf", "fixed", 9, 0, 9, 6},  {"wigm-prf", "fixed", 4, 0, 4, -1},
                                  {"wigm-prf-batch", "fixed", 4, 0, 4, -1}, {"scotland", "fixed", 5, 0, 5, -1},
                                  {"mpls", "fixed", 4, 0, 4, -1},     {"cfer", "fixed", 5, 0, 5, -1},
                                  {"cfer-batch", "fixed", 5, 0, 5, -1}, {"qpq", "guarded", 9, 9, 9, -1}};
  bool done = false;
  for (const auto& f : forced) {
    if (o.rule != f.rule) continue;
    o.arithmetic = f.arithmetic;
    o.precision = f.precision;
    o.guard = f.guard;
    o.display = f.display;
    o.omega10 = f.omega;
    const bool overridden = (!asked.empty() && asked != f.arithmetic) || (precision >= 0 && precision != f.precision) ||
                            (guard >= 0 && guard != f.guard && o.arithmetic == std::string("guarded")) ||
                            (display >= 0 && display != f.display) || (omega >= 0 && f.omega >= 0 && omega != f.omega);
    if (overridden)
      o.notes.push_back("Droop.py's " + o.rule + " rule always counts with " + f.arithmetic + " arithmetic to " +
                        std::to_string(f.precision) + " places; the arithmetic options given were not used.");
    done = true;
  }
  if (!done) {
    const bool meekish = o.rule == "meek" || o.rule == "warren";
    if (o.rule == "stv-rs") o.arithmetic = asked.empty() ? "fixed" : asked;
    else o.arithmetic = asked.empty() ? "guarded" : asked;
    if (o.arithmetic == "guarded") {
      o.precision = precision >= 0 ? precision : 18;
      o.guard = guard >= 0 ? guard : o.precision / 2;
      o.display = display >= 0 ? display : o.precision;
      if (meekish) o.omega10 = omega >= 0 ? omega : o.precision / 2;
    } else if (o.arithmetic == "fixed") {
      o.precision = precision >= 0 ? precision : 9;
      o.guard = 0;
      o.display = display >= 0 ? display : o.precision;
      if (meekish || o.rule == "stv-rs") o.omega10 = omega >= 0 ? omega : (o.rule == "stv-rs" ? 6 : o.precision * 2 / 3);
    } else {
      o.precision = -1;
      o.guard = 0;
      o.display = display >= 0 ? display : 12;
      if (meekish) o.omega10 = omega >= 0 ? omega : 10;
      if (o.rule == "stv-rs") o.omega10 = omega >= 0 ? omega : 6;
    }
    if ((meekish || o.rule == "stv-rs") && o.omega10 < 1)
      throw UsageError("omega must be at least 1 (an iteration stops when the surplus is below 10^-omega)");
  }
  o.integer_quota = bool_option(p, "integer_quota", false);
  if (o.integer_quota && o.rule != "wigm") throw UsageError("integer_quota is an option of the wigm rule only");
  if (const std::string* f = find_option(p, "force_positive_surplus")) {
    const std::string v = lower(*f);
    if (v == "auto") o.force_positive = -1;
    else o.force_positive = bool_option(p, "force_positive_surplus", false) ? 1 : 0;
    if (o.rule != "stv-rs")
      throw UsageError("force_positive_surplus is an option of STV-rs's Meek (droop_rule=stv-rs) only");
  }

  // Tie order: the first candidate in it loses a tie for defeat and wins a tie
  // for election or surplus transfer (Droop.py's [tie] order).
  const int n = static_cast<int>(e.candidates.size());
  o.tie_rank.assign(static_cast<std::size_t>(n), 0);
  std::vector<int> order = candidate_list(p, "tie_order", e);
  if (!order.empty()) {
    o.explicit_tie_order = true;
    std::vector<char> listed(static_cast<std::size_t>(n), 0);
    for (int c : order) listed[static_cast<std::size_t>(c)] = 1;
    for (int c = 0; c < n; ++c)
      if (!listed[static_cast<std::size_t>(c)]) order.push_back(c);
  } else if (p.tie_break.method == TieBreak::Method::Ticket) {
    order = TieOrder(contest_of(e), p.tie_break).order();
  } else {
    for (int c = 0; c < n; ++c) order.push_back(c);
  }
  for (std::size_t k = 0; k < order.size(); ++k) o.tie_rank[static_cast<std::size_t>(order[k])] = static_cast<int>(k);

  o.undeclared.assign(static_cast<std::size_t>(n), 0);
  for (int c : candidate_list(p, "undeclared", e)) o.undeclared[static_cast<std::size_t>(c)] = 1;
  return o;
}

// ---------------------------------------------------------------- helpers

mpq_class count_value(const BallotCount& b) {
  mpz_class den;
  mpz_ui_pow_ui(den.get_mpz_t(), 10, static_cast<unsigned long>(b.decimals));
  mpq_class q(mpz_class(static_cast<long>(b.units)), den);
  q.canonicalize();
  return q;
}

std::string join(const std::vector<std::string>& parts, const char* sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
  return s;
}

// Python's list.sort (CPython 2.7) for lists under 64 items: the first run, then
// binary insertion. Only the "less" relation is used, exactly as Python uses it,
// so that guarded values closer than the guard (which compare equal) end up in
// the same places as in Droop.py. `reverse` reverses before and after sorting, as
// Python does to keep equal items stable.
template <class Less>
void py_sort(std::vector<int>& v, Less lt, bool reverse) {
  if (reverse) std::reverse(v.begin(), v.end());
  const std::size_t n = v.size();
  if (n >= 64) {
    std::stable_sort(v.begin(), v.end(), lt);
  } else if (n >= 2) {
    std::size_t run = 2;
    if (lt(v[1], v[0])) {
      while (run < n && lt(v[run], v[run - 1])) ++run;
      std::reverse(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(run));
    } else {
      while (run < n && !lt(v[run], v[run - 1])) ++run;
    }
    for (std::size_t start = run; start < n; ++start) {
      const int pivot = v[start];
      std::size_t l = 0, r = start;
      while (l < r) {
        const std::size_t m = l + ((r - l) >> 1);
        if (lt(pivot, v[m])) r = m;
        else l = m + 1;
      }
      for (std::size_t k = start; k > l; --k) v[k] = v[k - 1];
      v[l] = pivot;
    }
  }
  if (reverse) std::reverse(v.begin(), v.end());
}

// ---------------------------------------------------------------- the count

template <class A>
class Counter {
 public:
  using V = typename A::V;

  struct Ballot {
    V mult;
    std::vector<int> rank;  // strict ranking (candidate indices)
    std::size_t index = 0;  // WIGM/QPQ: position of the current top candidate
    V weight;
    V residual;
  };
  struct EqBallot {
    V mult;
    std::vector<std::vector<int>> rank;  // at least one rank holds several candidates
    V residual;
  };

  Counter(const A& arith, const RankedElection& e, const Options& o, Family fam)
      : a(arith), o(o), fam(fam), n(static_cast<int>(e.candidates.size())), seats(e.seats), names(e.candidates) {
    const auto N = static_cast<std::size_t>(n);
    st.assign(N, St::Hopeful);
    pending.assign(N, 0);
    vote.assign(N, a.zero());
    kf.assign(N, a.zero());
    quotient.assign(N, a.zero());
    tc.assign(N, a.zero());
    has_kf.assign(N, 0);
    has_quotient.assign(N, 0);
    for (int w : e.withdrawn)
      if (w >= 0 && w < n) st[static_cast<std::size_t>(w)] = St::Withdrawn;
    quota = surplus = votes = residual = exhausted = a.zero();
    mpq_class total = 0;
    for (const auto& b : e.ballots) {
      std::vector<std::vector<int>> ranks;
      std::vector<char> seen(N, 0);
      bool equal = false;
      for (const auto& r : b.ranks) {
        std::vector<int> marks;
        for (int c : r) {
          if (c < 0 || c >= n) continue;  // overvote marks and the like
          const auto ci = static_cast<std::size_t>(c);
          if (st[ci] == St::Withdrawn || seen[ci]) continue;
          seen[ci] = 1;
          marks.push_back(c);
        }
        if (marks.empty()) continue;
        if (marks.size() > 1) equal = true;
        ranks.push_back(std::move(marks));
      }
      if (ranks.empty()) continue;  // only withdrawn candidates, or nobody: not a ballot
      const mpq_class q = count_value(b.count);
      total += q;
      if (equal) {
        eq.push_back(EqBallot{a.from_rational(q), std::move(ranks), a.zero()});
      } else {
        Ballot bl{a.from_rational(q), {}, 0, a.one(), a.zero()};
        for (const auto& r : ranks) bl.rank.push_back(r[0]);
        ballots.push_back(std::move(bl));
      }
    }
    nballots = a.from_rational(total);
    mpz_fdiv_q(nballots_floor.get_mpz_t(), total.get_num().get_mpz_t(), total.get_den().get_mpz_t());
  }

  // --- candidate sets, in ballot (candidate) order
  std::vector<int> with(St s) const {
    std::vector<int> out;
    for (int i = 0; i < n; ++i)
      if (st[static_cast<std::size_t>(i)] == s) out.push_back(i);
    return out;
  }
  std::vector<int> hopeful() const { return with(St::Hopeful); }
  std::vector<int> elected() const { return with(St::Elected); }
  std::vector<int> pending_list() const {
    std::vector<int> out;
    for (int i = 0; i < n; ++i)
      if (st[static_cast<std::size_t>(i)] == St::Elected && pending[static_cast<std::size_t>(i)]) out.push_back(i);
    return out;
  }
  std::vector<int> hopeful_or_elected() const {
    std::vector<int> out;
    for (int i = 0; i < n; ++i)
      if (st[static_cast<std::size_t>(i)] == St::Hopeful || st[static_cast<std::size_t>(i)] == St::Elected)
        out.push_back(i);
    return out;
  }
  int count_of(St s) const {
    int k = 0;
    for (int i = 0; i < n; ++i) k += st[static_cast<std::size_t>(i)] == s;
    return k;
  }
  int seats_left() const { return seats - count_of(St::Elected); }
  int nhopeful() const { return count_of(St::Hopeful); }

  V& vote_of(int i) { return vote[static_cast<std::size_t>(i)]; }
  V& kf_of(int i) { return kf[static_cast<std::size_t>(i)]; }
  const std::string& name(int i) const { return names[static_cast<std::size_t>(i)]; }

  // Candidate.surplus: the vote above the quota, never negative.
  V cand_surplus(int i) const {
    V s = vote[static_cast<std::size_t>(i)] - quota;
    return a.cmp(s, a.zero()) < 0 ? a.zero() : s;
  }
  V sum_votes(const std::vector<int>& cs) const {
    V s = a.zero();
    for (int i : cs) s += vote[static_cast<std::size_t>(i)];
    return s;
  }

  // Candidates sorted by (vote, ballot order), as Candidates.byVote.
  std::vector<int> by_vote(std::vector<int> cs, bool reverse) const {
    py_sort(cs,
            [this](int x, int y) {
              const int c = a.cmp(vote[static_cast<std::size_t>(x)], vote[static_cast<std::size_t>(y)]);
              if (c != 0) return c < 0;
              return x < y;
            },
            reverse);
    return cs;
  }
  std::vector<int> by_tie_order(std::vector<int> cs) const {
    std::stable_sort(cs.begin(), cs.end(), [this](int x, int y) {
      return o.tie_rank[static_cast<std::size_t>(x)] < o.tie_rank[static_cast<std::size_t>(y)];
    });
    return cs;
  }
  // Python's min()/max() over values (near-equal guarded values do not replace).
  V py_min(const std::vector<V>& vs) const {
    V m = vs.front();
    for (const auto& v : vs)
      if (a.cmp(v, m) < 0) m = v;
    return m;
  }
  V py_max(const std::vector<V>& vs) const {
    V m = vs.front();
    for (const auto& v : vs)
      if (a.cmp(v, m) > 0) m = v;
    return m;
  }
  // Droop's V.min: the exact minimum.
  V exact_min(const std::vector<V>& vs) const {
    V m = vs.front();
    for (const auto& v : vs)
      if (a.cmp_exact(v, m) < 0) m = v;
    return m;
  }
  std::vector<V> votes_of(const std::vector<int>& cs) const {
    std::vector<V> out;
    for (int i : cs) out.push_back(vote[static_cast<std::size_t>(i)]);
    return out;
  }
  std::string names_of(const std::vector<int>& cs) const {
    std::vector<std::string> parts;
    for (int i : cs) parts.push_back(name(i));
    return join(parts);
  }

  // --- state changes, each logged as Droop.py logs it
  void elect(int i, const std::string& msg, bool pend = false) {
    st[static_cast<std::size_t>(i)] = St::Elected;
    pending[static_cast<std::size_t>(i)] = pend;
    log("elect", msg + ": " + name(i));
  }
  void defeat(int i, const std::string& msg) {
    st[static_cast<std::size_t>(i)] = St::Defeated;
    log("defeat", msg + ": " + name(i));
  }
  void unpend(int i, const std::string& msg) {
    pending[static_cast<std::size_t>(i)] = 0;
    if (!msg.empty()) log("unpend", msg + ": " + name(i));
  }
  void new_round() {
    ++round;
    log("round", "New Round");
  }

  char code(int i) const {
    switch (st[static_cast<std::size_t>(i)]) {
      case St::Withdrawn: return 'W';
      case St::Hopeful: return 'H';
      case St::Elected: return (fam == Family::Wigm && pending[static_cast<std::size_t>(i)]) ? 'e' : 'E';
      case St::Defeated: return 'D';
    }
    return '?';
  }

  // Droop.py's record of an action (record.py + the rule family's additions).
  void log(const std::string& tag, const std::string& msg) {
    StvStep s;
    s.round = round;
    s.action = tag;
    s.msg = msg;
    V eligible_votes = a.zero();
    for (int i = 0; i < n; ++i) {
      const auto ci = static_cast<std::size_t>(i);
      s.state.emplace_back(i, code(i));
      if (st[ci] == St::Withdrawn) continue;
      s.tally.emplace_back(i, a.str(vote[ci]));
      eligible_votes += vote[ci];
      if (fam == Family::Meek && has_kf[ci]) s.keep_factor.emplace_back(i, a.str(kf[ci]));
      if (fam == Family::Qpq && has_quotient[ci]) s.quotient.emplace_back(i, a.str(quotient[ci]));
    }
    s.figures.emplace_back("quota", a.str(quota));
    s.figures.emplace_back("votes", a.str(fam == Family::Qpq ? votes : eligible_votes));
    if (fam != Family::Qpq) s.figures.emplace_back("surplus", a.str(surplus));
    if (fam == Family::Meek) s.figures.emplace_back("residual", a.str(residual));
    if (fam == Family::Wigm) s.figures.emplace_back("nt_votes", a.str(exhausted));
    steps.push_back(std::move(s));
    if (tag == "round") round_votes.push_back(vote);
  }

  // STV-rs's record of an action.
  void log_rs(const std::string& action, bool full) {
    StvStep s;
    s.action = action;
    s.full = full;
    V total_votes = a.zero();
    for (int i = 0; i < n; ++i) {
      const auto ci = static_cast<std::size_t>(i);
      total_votes += vote[ci];
      if (st[ci] == St::Withdrawn) continue;
      s.state.emplace_back(i, code(i));
      s.tally.emplace_back(i, a.str(vote[ci]));
    }
    s.figures.emplace_back("quota", a.str(quota));
    s.figures.emplace_back("votes", a.str(total_votes));
    s.figures.emplace_back("residual", a.str(residual));
    s.figures.emplace_back("total", a.str(total_votes + residual));
    s.figures.emplace_back("surplus", a.str(surplus));
    steps.push_back(std::move(s));
  }

  // --- ballots (WIGM family)
  V ballot_vote(const Ballot& b) const { return a.cmp(b.mult, a.one()) == 0 ? b.weight : a.times(b.weight, b.mult); }
  bool exhausted_ballot(const Ballot& b) const { return b.index >= b.rank.size(); }
  int top(const Ballot& b) const { return exhausted_ballot(b) ? -1 : b.rank[b.index]; }
  // Moves a ballot on to its next hopeful candidate and credits it there (or to
  // the non-transferable pile).
  void transfer(Ballot& b) {
    while (!exhausted_ballot(b) && st[static_cast<std::size_t>(top(b))] != St::Hopeful) ++b.index;
    if (exhausted_ballot(b)) exhausted += ballot_vote(b);
    else vote[static_cast<std::size_t>(top(b))] += ballot_vote(b);
  }
  void first_preferences() {
    for (auto& b : ballots) vote[static_cast<std::size_t>(b.rank[0])] += ballot_vote(b);
  }

  const A& a;
  const Options& o;
  Family fam;
  int n;
  int seats;
  std::vector<std::string> names;
  std::vector<St> st;
  std::vector<char> pending;
  std::vector<V> vote, kf, quotient, tc;
  std::vector<char> has_kf, has_quotient;
  V nballots;
  mpz_class nballots_floor;
  V quota, surplus, votes, residual, exhausted;
  int round = 0;
  std::vector<Ballot> ballots;
  std::vector<EqBallot> eq;
  std::vector<StvStep> steps;
  std::vector<std::vector<V>> round_votes;  // votes at the start of each round (Scottish ties)

  // Sure losers (Droop.py's batch defeat): the largest group of lowest hopeful
  // candidates whose votes together with `surp` stay below the next candidate,
  // never splitting candidates the arithmetic cannot tell apart, and never more
  // than can be defeated with seats still to fill.
  std::vector<int> sure_losers(const V& surp) {
    const std::vector<int> sorted = by_vote(hopeful(), false);
    std::vector<std::vector<int>> groups;
    std::vector<int> group;
    V v = a.zero();
    for (int x : sorted) {
      if (a.cmp(v + surp, vote_of(x)) >= 0) {
        group.push_back(x);
      } else {
        if (!group.empty()) groups.push_back(group);
        group = {x};
        v = vote_of(x);
      }
    }
    if (!group.empty()) groups.push_back(group);
    v = a.zero();
    const int max_defeat = nhopeful() - seats_left();
    int maxg = -1, ncand = 0;
    for (std::size_t g = 0; g + 1 < groups.size(); ++g) {
      ncand += static_cast<int>(groups[g].size());
      if (ncand > max_defeat) break;
      v += sum_votes(groups[g]);
      if (a.cmp(v + surp, vote_of(groups[g + 1][0])) < 0) maxg = static_cast<int>(g);
    }
    std::vector<int> batch;
    for (int g = 0; g <= maxg; ++g) batch.insert(batch.end(), groups[static_cast<std::size_t>(g)].begin(),
                                                 groups[static_cast<std::size_t>(g)].end());
    return batch;
  }
};

// ---------------------------------------------------------------- Meek, Warren

// With exact fractions a keep factor's numerator and denominator can double in
// length at every iteration when several elected candidates share ballots, and
// a count whose surplus approaches a limit never ends (Droop.py runs forever
// too). Reference counts stay under a few hundred bits; past this bound the count
// stops with a UsageError rather than run for hours.
constexpr std::size_t kMaxExactBits = std::size_t{1} << 17;

template <class A>
void check_exact_growth(const A& a, const typename A::V& v) {
  if (a.size_bits(v) > kMaxExactBits)
    throw UsageError("Meek's iteration with exact (rational) arithmetic does not settle on this election: the keep "
                     "factors grow without bound; count with guarded or fixed arithmetic instead");
}

template <class A>
class MeekCount {
 public:
  using V = typename A::V;
  using C = Counter<A>;

  MeekCount(C& c, bool prf, bool warren) : c_(c), a_(c.a), prf_(prf), warren_(warren) {
    omega_ = a_.over(a_.one(), a_.from_mpz(pow10(c.o.omega10)));
  }

  void run() {
    if (prf_) run_prf();
    else run_param();
  }

 private:
  static mpz_class pow10(int k) {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(k));
    return p;
  }

  // Keep and pass-on weights (Droop.py's kw_warren and kw_meekOpenSTV).
  std::pair<V, V> split(const V& kfv, const V& weight) const {
    if (warren_) {
      V keep = a_.cmp(kfv, weight) < 0 ? kfv : weight;
      return {keep, weight - keep};
    }
    return {a_.mul(weight, kfv, false), a_.mul(weight, a_.one() - kfv, false)};
  }

  void distribute() {
    for (int i : c_.hopeful_or_elected()) c_.vote_of(i) = a_.zero();
    c_.residual = a_.zero();
    for (auto& b : c_.ballots) {
      b.residual = b.mult;
      V weight = a_.one();
      for (int cid : b.rank) {
        const V& k = c_.kf_of(cid);
        if (a_.is_zero(k)) continue;
        auto [keep, rest] = split(k, weight);
        const V add = a_.times(keep, b.mult);
        c_.vote_of(cid) += add;
        b.residual -= add;
        weight = rest;
        if (a_.cmp(weight, a_.zero()) <= 0) break;
      }
      c_.residual += b.residual;
    }
    if (c_.eq.empty()) return;
    std::vector<char> live(static_cast<std::size_t>(c_.n), 0);
    for (int i : c_.hopeful_or_elected()) live[static_cast<std::size_t>(i)] = 1;
    for (auto& b : c_.eq) {
      b.residual = b.mult;
      dist(b, live, 0, a_.one());
      c_.residual += b.residual;
    }
  }

  // Droop.py's recursive descent for a ballot with equal rankings: the weight is
  // split evenly among the live candidates of a rank, and what each of them
  // passes on goes to the next rank by itself.
  void dist(typename C::EqBallot& b, const std::vector<char>& live, std::size_t i, const V& weight) {
    if (a_.is_zero(weight) || i >= b.rank.size()) return;
    std::vector<int> cids;
    for (int x : b.rank[i])
      if (live[static_cast<std::size_t>(x)]) cids.push_back(x);
    if (cids.empty()) return;
    const V cweight = a_.over(weight, a_.from_int(static_cast<long>(cids.size())));
    for (int x : cids) {
      auto [keep, rest] = split(c_.kf_of(x), cweight);
      const V add = a_.times(keep, b.mult);
      c_.vote_of(x) += add;
      b.residual -= add;
      dist(b, live, i + 1, rest);
    }
  }

  bool has_quota(int i) const {
    const int cmp = a_.cmp(c_.vote[static_cast<std::size_t>(i)], c_.quota);
    return a_.exact() ? cmp > 0 : cmp >= 0;
  }
  V calc_quota() const {
    V q = a_.over(c_.votes, a_.from_int(c_.seats + 1));
    return a_.exact() ? q : q + a_.epsilon();
  }

  int break_tie(const std::vector<int>& tied, const std::string& label) {
    if (tied.size() == 1) return tied[0];
    const int t = c_.by_tie_order(tied)[0];
    c_.log("tie", "Break tie (" + label + "): [" + c_.names_of(tied) + "] -> " + c_.name(t));
    return t;
  }

  // Sure losers: the largest group of lowest candidates whose votes together with
  // the whole surplus stay below the next candidate (never splitting near-ties).
  std::vector<int> batch_defeat(const V& surp) {
    if (c_.o.defeat_batch == "none") return {};
    return c_.sure_losers(surp);
  }

  enum class Status { None, Omega, Batch, Elected, Stable };
  static const char* status_name(Status s) {
    switch (s) {
      case Status::Omega: return "omega";
      case Status::Batch: return "batch";
      case Status::Elected: return "elected";
      case Status::Stable: return "stable";
      case Status::None: break;
    }
    return "none";
  }

  Status iterate(std::vector<int>& batch) {
    Status status = Status::None;
    V last = c_.nballots;
    while (true) {
      distribute();
      c_.votes = c_.sum_votes(c_.hopeful_or_elected());
      c_.quota = calc_quota();
      for (int x : c_.hopeful())
        if (has_quota(x)) {
          c_.elect(x, "Elect");
          status = Status::Elected;
        }
      c_.surplus = a_.zero();
      for (int x : c_.elected()) c_.surplus += c_.vote_of(x) - c_.quota;
      if (status == Status::Elected) return status;
      if (a_.cmp(c_.surplus, omega_) <= 0) return Status::Omega;
      if (a_.cmp(c_.surplus, last) >= 0) return Status::Stable;  // Droop.py logs "Stable state detected"
      batch = batch_defeat(c_.surplus);
      if (!batch.empty()) return Status::Batch;
      last = c_.surplus;
      update_keep_factors();
    }
  }

  // kf = kf * quota / vote, each step rounded up (Droop.py's NZ variant; STV-rs too).
  void update_keep_factors() {
    for (int x : c_.elected())
      if (!a_.is_zero(c_.vote_of(x))) {  // (where Droop.py would divide by zero)
        c_.kf_of(x) = a_.div(a_.mul(c_.kf_of(x), c_.quota, true), c_.vote_of(x), true);
        check_exact_growth(a_, c_.kf_of(x));
      }
  }

  std::vector<int> lowest(const std::vector<int>& hop, const V& low) const {
    std::vector<int> out;
    for (int x : hop)
      if (a_.cmp_exact(c_.vote[static_cast<std::size_t>(x)], low) == 0) out.push_back(x);
    return out;
  }

  void zero_out(int x) {
    c_.kf_of(x) = a_.zero();
    c_.vote_of(x) = a_.zero();
  }

  // Droop.py's meek.py (rules meek and warren).
  void run_param() {
    c_.votes = c_.nballots;
    c_.quota = calc_quota();
    for (int x : c_.hopeful()) {
      c_.kf_of(x) = a_.one();
      c_.has_kf[static_cast<std::size_t>(x)] = 1;
    }
    for (const auto& b : c_.ballots) c_.vote_of(b.rank[0]) += b.mult;
    for (const auto& b : c_.eq) {
      const V share = a_.times(a_.over(a_.one(), a_.from_int(static_cast<long>(b.rank[0].size()))), b.mult);
      for (int x : b.rank[0]) c_.vote_of(x) += share;
    }
    c_.log("begin", "Begin Count");
    while (!(c_.nhopeful() <= c_.seats_left() || c_.seats_left() <= 0)) {
      c_.new_round();
      std::vector<int> batch;
      const Status status = iterate(batch);
      c_.log("iterate", std::string("Iterate (") + status_name(status) + ")");
      if (status == Status::Elected) continue;
      if (status == Status::Batch) {
        std::sort(batch.begin(), batch.end());
        for (int x : batch) {
          c_.defeat(x, "Defeat certain loser");
          zero_out(x);
          distribute();
        }
        continue;
      }
      const std::vector<int> hop = c_.hopeful();
      if (hop.empty()) continue;
      const V low = c_.exact_min(c_.votes_of(hop));
      std::vector<int> lows;
      for (int x : hop)
        if (a_.cmp(low + c_.surplus, c_.vote_of(x)) >= 0) lows.push_back(x);
      if (lows.empty()) lows = lowest(hop, low);  // a negative total surplus
      const int loser = break_tie(lows, "defeat");
      c_.defeat(loser, status == Status::Omega ? "Defeat (surplus " + a_.str(c_.surplus) + " < omega)"
                                               : "Defeat (stable surplus " + a_.str(c_.surplus) + ")");
      zero_out(loser);
      distribute();
    }
    for (int x : c_.hopeful()) {
      if (c_.count_of(St::Elected) < c_.seats) {
        c_.elect(x, "Elect remaining");
      } else {
        c_.defeat(x, "Defeat remaining");
        zero_out(x);
        distribute();
      }
    }
    c_.votes = c_.sum_votes(c_.elected());
    c_.residual = c_.nballots - c_.votes;
  }

  // Droop.py's meek_prf.py: keep values rounded up, no equal rankings, no batches.
  void distribute_prf() {
    for (int i : c_.hopeful_or_elected()) c_.vote_of(i) = a_.zero();
    c_.residual = a_.zero();
    for (auto& b : c_.ballots) {
      V weight = a_.one();
      b.residual = b.mult;
      for (int cid : b.rank) {
        const V& k = c_.kf_of(cid);
        if (a_.is_zero(k)) continue;
        const V keep_weight = a_.mul(weight, k, true);
        const V keep_value = a_.times(keep_weight, b.mult);
        c_.vote_of(cid) += keep_value;
        weight -= keep_weight;
        b.residual -= keep_value;
        if (a_.cmp(weight, a_.zero()) <= 0) break;
      }
      c_.residual += b.residual;
    }
  }

  void run_prf() {
    for (int x : c_.hopeful()) {
      c_.kf_of(x) = a_.one();
      c_.has_kf[static_cast<std::size_t>(x)] = 1;
    }
    c_.votes = c_.nballots;
    c_.quota = a_.over(c_.votes, a_.from_int(c_.seats + 1)) + a_.epsilon();
    for (const auto& b : c_.ballots) c_.vote_of(b.rank[0]) += b.mult;
    c_.log("begin", "Begin Count");
    while (c_.nhopeful() > c_.seats_left() && c_.seats_left() > 0) {
      c_.new_round();
      Status status = Status::None;
      V last = c_.nballots;
      while (true) {
        distribute_prf();
        c_.votes = c_.sum_votes(c_.hopeful_or_elected());
        c_.quota = a_.over(c_.votes, a_.from_int(c_.seats + 1)) + a_.epsilon();
        for (int x : c_.hopeful())
          if (a_.cmp(c_.vote_of(x), c_.quota) >= 0) {
            c_.elect(x, "Elect");
            status = Status::Elected;
          }
        c_.surplus = a_.zero();
        for (int x : c_.elected()) c_.surplus += c_.vote_of(x) - c_.quota;
        if (a_.cmp(c_.surplus, a_.zero()) < 0) c_.surplus = a_.zero();
        if (status != Status::Elected) {
          if (a_.cmp(c_.surplus, omega_) < 0) status = Status::Omega;
          else if (a_.cmp(c_.surplus, last) >= 0) status = Status::Stable;
        }
        if (status != Status::None) break;
        last = c_.surplus;
        update_keep_factors();
      }
      if (status == Status::Elected) continue;
      const std::vector<int> hop = c_.hopeful();
      if (hop.empty()) continue;
      const V low = c_.exact_min(c_.votes_of(hop));
      std::vector<int> lows;
      for (int x : hop)
        if (a_.cmp(low + c_.surplus, c_.vote_of(x)) >= 0) lows.push_back(x);
      if (lows.empty()) lows = lowest(hop, low);
      const int loser = break_tie(lows, "defeat low candidate");
      c_.defeat(loser, status == Status::Omega ? "Defeat (surplus " + a_.str(c_.surplus) + " < omega)"
                                               : "Defeat (stable surplus " + a_.str(c_.surplus) + ")");
      zero_out(loser);
    }
    for (int x : c_.hopeful()) {
      if (c_.count_of(St::Elected) < c_.seats) {
        c_.elect(x, "Elect remaining");
      } else {
        c_.defeat(x, "Defeat remaining");
        zero_out(x);
      }
    }
    c_.votes = c_.sum_votes(c_.elected());
    c_.residual = c_.nballots - c_.votes;
  }

  C& c_;
  const A& a_;
  bool prf_;
  bool warren_;
  V omega_;
};

// ---------------------------------------------------------------- STV-rs Meek

// STV-rs's Droop.py-compatible count stops with an error where Droop.py would:
// an elected candidate fell below the quota, the total surplus went negative, and
// no candidate is left within it of the lowest vote (or more candidates reach the
// quota than seats remain). STV-rs's --force-positive-surplus avoids that.
struct StvRsStops {};

template <class A>
class StvRsCount {
 public:
  using V = typename A::V;
  using C = Counter<A>;

  explicit StvRsCount(C& c) : c_(c), a_(c.a), force_(c.o.force_positive == 1) {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(c.o.omega10));
    omega_ = a_.over(a_.one(), a_.from_mpz(p));
    // Pascal's triangle rows 0..n (equalized counting).
    const auto N = static_cast<std::size_t>(c.n) + 1;
    pascal_.assign(N, std::vector<long>(N, 0));
    pascal_[0][0] = 1;
    for (std::size_t i = 1; i < N; ++i) {
      pascal_[i][0] = 1;
      for (std::size_t j = 1; j <= i; ++j) pascal_[i][j] = pascal_[i - 1][j - 1] + pascal_[i - 1][j];
    }
  }

  void run() {
    for (int i = 0; i < c_.n; ++i) {
      c_.kf_of(i) = a_.one();
      c_.has_kf[static_cast<std::size_t>(i)] = 1;
    }
    c_.quota = threshold(a_.zero());
    count_votes();
    c_.residual = a_.zero();  // STV-rs, like Droop.py, shows no residual at the start
    c_.log_rs("Begin Count", true);
    while (true) {
      const int candidates = c_.nhopeful();
      const int to_elect = c_.seats - c_.count_of(St::Elected);
      if (to_elect <= 0 || candidates <= to_elect || candidates == 0) break;
      const Status it = iterate();
      c_.log_rs(std::string("Iterate (") + (it == Status::Elected ? "elected" : it == Status::Stable ? "stable" : "omega") + ")",
                false);
      if (it == Status::Elected) continue;
      const std::string reason = it == Status::Stable ? "stable surplus " + a_.str(c_.surplus)
                                                      : "surplus " + a_.str(c_.surplus) + " < omega";
      const int loser = next_defeated();
      c_.st[static_cast<std::size_t>(loser)] = St::Defeated;
      c_.log_rs("Defeat (" + reason + "): " + c_.name(loser), true);
      c_.kf_of(loser) = a_.zero();
      c_.vote_of(loser) = a_.zero();
      count_votes();
    }
    for (int i = 0; i < c_.n; ++i) {
      if (c_.st[static_cast<std::size_t>(i)] != St::Hopeful) continue;
      if (c_.count_of(St::Elected) < c_.seats) {
        c_.st[static_cast<std::size_t>(i)] = St::Elected;
        c_.log_rs("Elect remaining: " + c_.name(i), true);
      } else {
        c_.st[static_cast<std::size_t>(i)] = St::Defeated;
        c_.log_rs("Defeat remaining: " + c_.name(i), true);
        c_.kf_of(i) = a_.zero();
        c_.vote_of(i) = a_.zero();
      }
      count_votes();
    }
    c_.log_rs("Count Complete", true);
  }

 private:
  enum class Status { Elected, Stable, Omega };

  V threshold(const V& exhausted) const {
    V t = a_.over_int(c_.nballots - exhausted, c_.seats + 1);
    return a_.exact() ? t : t + a_.epsilon();
  }

  void split(const V& power, int cand, V& used, V& rest) const {
    const V& k = c_.kf[static_cast<std::size_t>(cand)];
    used = a_.mul(power, k, false);
    rest = a_.mul(power, a_.one() - k, false);
  }

  void credit(int cand, const V& used, const V& mult, V& unused) {
    const V scaled = a_.times(used, mult);
    c_.vote_of(cand) += scaled;
    unused -= scaled;
  }

  void count_votes() {
    for (int i = 0; i < c_.n; ++i) c_.vote_of(i) = a_.zero();
    c_.residual = a_.zero();
    for (const auto& b : c_.ballots) {
      V unused = b.mult;
      V power = a_.one();
      for (int cand : b.rank) {
        V used, rest;
        split(power, cand, used, rest);
        credit(cand, used, b.mult, unused);
        power = rest;
        if (a_.is_zero(power)) break;
      }
      c_.residual += unused;
    }
    for (const auto& b : c_.eq) {
      V unused = b.mult;
      if (c_.o.equalize) equalized(b, unused);
      else recursive(b, a_.one(), 0, unused);
      c_.residual += unused;
    }
  }

  // STV-rs's Droop.py-compatible count of a ballot with equal preferences.
  void recursive(const typename C::EqBallot& b, V power, std::size_t i, V& unused) {
    if (i == b.rank.size()) return;
    std::vector<int> live;
    for (int x : b.rank[i])
      if (!a_.is_zero(c_.kf[static_cast<std::size_t>(x)])) live.push_back(x);
    if (live.empty()) return;
    power = a_.over_int(power, static_cast<long>(live.size()));
    for (int x : live) {
      V used, rest;
      split(power, x, used, rest);
      credit(x, used, b.mult, unused);
      if (!a_.is_zero(rest)) recursive(b, rest, i + 1, unused);
    }
  }

  // STV-rs's equalized count: each equal group acts as the average of all its
  // orderings. A member keeps kf * sum_j e_j(others' unused factors) / C(n-1, j) / n
  // of the power; the product of the unused factors passes on.
  void equalized(const typename C::EqBallot& b, V& unused) {
    V power = a_.one();
    for (const auto& r : b.rank) {
      if (r.size() == 1) {
        V used, rest;
        split(power, r[0], used, rest);
        credit(r[0], used, b.mult, unused);
        power = rest;
      } else {
        std::vector<V> keep, unused_f;
        for (int x : r) {
          keep.push_back(c_.kf[static_cast<std::size_t>(x)]);
          unused_f.push_back(a_.one() - keep.back());
        }
        const std::vector<long>& row = pascal_[r.size() - 1];
        for (std::size_t i = 0; i < r.size(); ++i) {
          const V w = a_.over_int(a_.times(polyweights(unused_f, i, row), keep[i]), static_cast<long>(r.size()));
          credit(r[i], a_.times(power, w), b.mult, unused);
        }
        V rest = a_.one();
        for (const auto& u : unused_f) rest = a_.times(rest, u);
        power = a_.times(power, rest);
      }
      if (a_.is_zero(power)) break;
    }
  }

  V polyweights(const std::vector<V>& coef, std::size_t skip, const std::vector<long>& row) const {
    const std::size_t deg = coef.size() - 1;
    std::vector<V> poly(deg + 1, a_.zero());
    poly[0] = a_.one();
    for (std::size_t i = 0; i < coef.size(); ++i) {
      if (i == skip || a_.is_zero(coef[i])) continue;
      V prev = poly[0];
      for (std::size_t j = 1; j <= deg; ++j) {
        V tmp = poly[j];
        poly[j] += a_.times(prev, coef[i]);
        prev = tmp;
      }
    }
    V result = a_.zero();
    for (std::size_t i = 0; i <= deg; ++i) result += a_.over_int(poly[i], row[i]);
    return result;
  }

  Status iterate() {
    V last = c_.nballots;
    while (true) {
      count_votes();
      c_.quota = threshold(c_.residual);
      bool any = false;
      for (int i = 0; i < c_.n; ++i) {
        if (c_.st[static_cast<std::size_t>(i)] != St::Hopeful) continue;
        const int cmp = a_.cmp(c_.vote_of(i), c_.quota);
        if (a_.exact() ? cmp > 0 : cmp >= 0) {
          if (c_.count_of(St::Elected) >= c_.seats) {
            if (!force_) throw StvRsStops{};
            continue;  // never more winners than seats
          }
          c_.st[static_cast<std::size_t>(i)] = St::Elected;
          c_.log_rs("Elect: " + c_.name(i), true);
          any = true;
        }
      }
      // Droop.py's total surplus can be negative when an elected candidate falls
      // below the quota; with --force-positive-surplus such a candidate adds 0.
      c_.surplus = a_.zero();
      for (int x : c_.elected())
        if (!force_ || a_.cmp(c_.vote_of(x), c_.quota) > 0) c_.surplus += c_.vote_of(x) - c_.quota;
      if (any) return Status::Elected;
      if (a_.cmp(c_.surplus, omega_) <= 0) return Status::Omega;
      if (a_.cmp(c_.surplus, last) >= 0) return Status::Stable;
      last = c_.surplus;
      for (int x : c_.elected())
        if (!a_.is_zero(c_.vote_of(x))) {
          c_.kf_of(x) = a_.div(a_.mul(c_.kf_of(x), c_.quota, true), c_.vote_of(x), true);
          check_exact_growth(a_, c_.kf_of(x));
        }
    }
  }

  int next_defeated() {
    const std::vector<int> hop = c_.hopeful();
    V low = c_.vote_of(hop[0]);
    for (int x : hop)
      if (a_.cmp(c_.vote_of(x), low) < 0) low = c_.vote_of(x);
    const V limit = low + c_.surplus;
    std::vector<int> lows;
    for (int x : hop)
      if (a_.cmp(c_.vote_of(x), limit) <= 0) lows.push_back(x);
    if (lows.empty()) {
      if (!force_) throw StvRsStops{};
      lows = {hop[0]};
    }
    if (lows.size() == 1) return lows[0];
    const int t = c_.by_tie_order(lows)[0];
    c_.log_rs("Break tie (defeat): [" + c_.names_of(lows) + "] -> " + c_.name(t), false);
    return t;
  }

  C& c_;
  const A& a_;
  bool force_;
  V omega_;
  std::vector<std::vector<long>> pascal_;
};

// ---------------------------------------------------------------- WIGM family

template <class A>
class WigmCount {
 public:
  using V = typename A::V;
  using C = Counter<A>;

  explicit WigmCount(C& c) : c_(c), a_(c.a) {}

  void run() {
    const std::string& r = c_.o.rule;
    if (r == "wigm") run_wigm();
    else if (r == "wigm-prf" || r == "wigm-prf-batch") run_wigm_prf();
    else if (r == "scotland") run_scotland();
    else if (r == "mpls") run_mpls();
    else run_cfer();
  }

 private:
  using Ballot = typename C::Ballot;

  int break_tie(const std::vector<int>& tied, const std::string& label) {
    if (tied.size() == 1) return tied[0];
    const int t = c_.by_tie_order(tied)[0];
    c_.log("tie", "Break tie (" + label + "): [" + c_.names_of(tied) + "] -> " + c_.name(t));
    return t;
  }

  // Ballots whose current top candidate is one of `cs`, moved on.
  void transfer_from(const std::vector<int>& cs) {
    for (auto& b : c_.ballots) {
      const int t = c_.top(b);
      if (t >= 0 && std::find(cs.begin(), cs.end(), t) != cs.end()) c_.transfer(b);
    }
  }
  // The surplus of `h` passed on: each of its ballots reweighted by
  // (weight * surplus) / vote, floored (or muldiv for Scotland).
  void transfer_surplus(int h, const V& surp, bool muldiv) {
    const V hv = c_.vote_of(h);
    for (auto& b : c_.ballots) {
      if (c_.top(b) != h) continue;
      b.weight = muldiv ? a_.muldiv(b.weight, surp, hv, false) : a_.over(a_.times(b.weight, surp), hv);
      c_.transfer(b);
    }
    c_.vote_of(h) = c_.quota;
  }

  bool has_quota(int i) const {
    const int cmp = a_.cmp(c_.vote[static_cast<std::size_t>(i)], c_.quota);
    return a_.exact() ? cmp > 0 : cmp >= 0;
  }
  bool at_quota(int i) const { return a_.cmp(c_.vote[static_cast<std::size_t>(i)], c_.quota) >= 0; }

  void begin() {
    c_.first_preferences();
    c_.exhausted = a_.zero();
    c_.log("begin", "Begin Count");
  }

  // The pending candidate with the highest vote.
  template <class Tie>
  int highest_pending(Tie tie) {
    const std::vector<int> pend = c_.pending_list();
    const V high = c_.py_max(c_.votes_of(pend));
    std::vector<int> highs;
    for (int x : pend)
      if (a_.cmp(c_.vote_of(x), high) == 0) highs.push_back(x);
    return tie(highs);
  }
  std::vector<int> lowest_hopeful() const {
    const std::vector<int> hop = c_.hopeful();
    const V low = c_.py_min(c_.votes_of(hop));
    std::vector<int> lows;
    for (int x : hop)
      if (a_.cmp(c_.vote[static_cast<std::size_t>(x)], low) == 0) lows.push_back(x);
    return lows;
  }

  void finish_remaining() {
    for (int x : c_.pending_list()) c_.unpend(x, "");
    for (int x : c_.hopeful()) {
      if (c_.count_of(St::Elected) < c_.seats) c_.elect(x, "Elect remaining");
      else c_.defeat(x, "Defeat remaining");
    }
  }

  // Droop.py's wigm.py.
  void run_wigm() {
    if (c_.o.integer_quota) {
      mpz_class q = c_.nballots_floor / (c_.seats + 1) + 1;
      c_.quota = a_.from_mpz(q);
    } else {
      c_.quota = a_.over(c_.nballots, a_.from_int(c_.seats + 1));
      if (!a_.exact()) c_.quota += a_.epsilon();
    }
    begin();
    while (c_.nhopeful() > c_.seats_left() && c_.seats_left() > 0) {
      c_.new_round();
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (has_quota(x)) c_.elect(x, "Elect, transfer pending", true);
      if (!c_.pending_list().empty()) {
        const int h = highest_pending([this](const std::vector<int>& t) { return break_tie(t, "surplus"); });
        c_.unpend(h, "Transfer high surplus");
        const V surp = c_.vote_of(h) - c_.quota;
        transfer_surplus(h, surp, false);
        c_.log("transfer", "Surplus transferred: " + c_.name(h) + " (" + a_.str(surp) + ")");
      } else if (c_.nhopeful() > 0) {
        std::vector<int> lows = lowest_hopeful();
        const V low = c_.vote_of(lows[0]);
        // Batch(zero) defeats every hopeful candidate without a vote, unless that
        // would leave seats unfilled (where Droop.py's final check fails).
        if (a_.cmp(low, a_.zero()) == 0 && c_.o.defeat_batch == "zero" &&
            c_.nhopeful() - static_cast<int>(lows.size()) >= c_.seats_left()) {
          for (int x : lows) c_.defeat(x, "Defeat batch(zero)");
        } else {
          const int t = break_tie(lows, "defeat");
          c_.defeat(t, "Defeat");
          lows = {t};
        }
        for (int x : lows) {
          transfer_from({x});
          c_.vote_of(x) = a_.zero();
          c_.log("transfer", "Transfer defeated: " + c_.name(x));
        }
      }
    }
    finish_remaining();
  }

  // Sure losers (wigm_prf.py's batchDefeat).
  std::vector<int> sure_losers() {
    V surp = a_.zero();
    for (int x : c_.pending_list()) surp += c_.vote_of(x) - c_.quota;
    return c_.sure_losers(surp);
  }

  // Droop.py's wigm_prf.py (PR Foundation reference WIGM).
  void run_wigm_prf() {
    c_.quota = a_.over(c_.nballots, a_.from_int(c_.seats + 1)) + a_.epsilon();
    begin();
    while (c_.nhopeful() > c_.seats_left() && c_.seats_left() > 0) {
      c_.new_round();
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (at_quota(x)) c_.elect(x, "Elect, transfer pending", true);
      if (c_.o.batch) {
        const std::vector<int> losers = sure_losers();
        if (!losers.empty()) {
          std::vector<int> ordered = losers;
          std::sort(ordered.begin(), ordered.end());
          for (int x : ordered) c_.defeat(x, "Defeat sure loser");
          if (c_.nhopeful() <= c_.seats_left()) break;
          transfer_from(losers);
          for (int x : losers) c_.vote_of(x) = a_.zero();
          c_.log("transfer", "Transfer defeated: " + c_.names_of(losers));
          continue;
        }
      }
      if (!c_.pending_list().empty()) {
        const int h = highest_pending([this](const std::vector<int>& t) { return break_tie(t, "surplus"); });
        c_.unpend(h, "Transfer high surplus");
        const V surp = c_.vote_of(h) - c_.quota;
        transfer_surplus(h, surp, false);
        c_.log("transfer", "Surplus transferred: " + c_.name(h) + " (" + a_.str(surp) + ")");
      } else if (c_.nhopeful() > 0) {
        const int t = break_tie(lowest_hopeful(), "defeat");
        c_.defeat(t, "Defeat");
        transfer_from({t});
        c_.vote_of(t) = a_.zero();
        c_.log("transfer", "Transfer defeated: " + c_.name(t));
      }
    }
    finish_remaining();
  }

  // Scottish rules 49 and 51: the most recent earlier stage at which the tied
  // candidates differed decides; otherwise lot (the tie order).
  int scottish_tie(const std::vector<int>& tied, const std::string& reason) {
    if (tied.size() == 1) return tied[0];
    const bool defeat = reason.find("defeat") != std::string::npos;
    std::vector<int> list = tied;
    for (int r = c_.round - 1; r >= 0; --r) {
      const auto& then = c_.round_votes[static_cast<std::size_t>(r)];
      std::sort(list.begin(), list.end());
      py_sort(list,
              [&](int x, int y) {
                const int cmp = a_.cmp(then[static_cast<std::size_t>(x)], then[static_cast<std::size_t>(y)]);
                if (cmp != 0) return cmp < 0;
                return x < y;
              },
              false);
      const V ref = then[static_cast<std::size_t>(defeat ? list.front() : list.back())];
      std::vector<int> keep;
      for (int x : list)
        if (a_.cmp(then[static_cast<std::size_t>(x)], ref) == 0) keep.push_back(x);
      list = keep;
      if (list.size() == 1) {
        c_.log("tie", "Break tie by prior stage (" + reason + "): [" + c_.names_of(tied) + "] -> " + c_.name(list[0]));
        return list[0];
      }
    }
    const int t = c_.by_tie_order(list)[0];
    c_.log("tie", "Break tie by lot (" + reason + "): [" + c_.names_of(tied) + "] -> " + c_.name(t));
    return t;
  }

  bool scottish_complete() const { return c_.seats_left() <= 0 || c_.nhopeful() <= c_.seats_left(); }

  // Droop.py's scotland.py (Scottish Local Government Elections Order 2007).
  void run_scotland() {
    c_.quota = a_.from_mpz(mpz_class(c_.nballots_floor / (c_.seats + 1) + 1));
    begin();
    while (true) {
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (at_quota(x)) c_.elect(x, "Elect, transfer pending", true);
      if (scottish_complete()) break;
      c_.new_round();
      c_.surplus = a_.zero();
      for (int x : c_.pending_list()) c_.surplus += c_.cand_surplus(x);
      if (!c_.pending_list().empty()) {
        const int h = highest_pending([this](const std::vector<int>& t) { return scottish_tie(t, "largest surplus"); });
        c_.unpend(h, "Transfer high surplus");
        const V surp = c_.vote_of(h) - c_.quota;
        transfer_surplus(h, surp, true);
        c_.log("transfer", "Surplus transferred: " + c_.name(h) + " (" + a_.str(surp) + ")");
        continue;
      }
      if (c_.nhopeful() > 0) {
        const int t = scottish_tie(lowest_hopeful(), "defeat low candidate");
        c_.defeat(t, "Defeat low candidate");
        transfer_from({t});
        c_.vote_of(t) = a_.zero();
        c_.log("transfer", "Transfer defeated: " + c_.name(t));
      }
      if (scottish_complete()) break;
    }
    for (int x : c_.pending_list()) c_.unpend(x, "");
    if (c_.nhopeful() <= c_.seats_left())
      for (int x : c_.hopeful()) c_.elect(x, "Elect remaining candidates");
    for (int x : c_.hopeful()) c_.defeat(x, "Defeat remaining candidates");
  }

  // Undeclared write-in placeholders count for no surplus and are never elected
  // ("other than any undeclared write-in candidate", 167.70(c)(1)a).
  bool undeclared(int i) const { return c_.o.undeclared[static_cast<std::size_t>(i)] != 0; }
  V total_surplus() const {
    V s = a_.zero();
    for (int i = 0; i < c_.n; ++i)
      if (!undeclared(i)) s += c_.cand_surplus(i);
    return s;
  }

  // Minneapolis 167.20: the candidates who cannot be elected even with every
  // vote from those tied or below them and the whole surplus.
  std::vector<int> certain_losers(const V& surp) {
    const std::vector<int> sorted = c_.by_vote(c_.hopeful(), false);
    std::vector<std::vector<int>> groups;
    std::vector<int> group;
    V gv = a_.zero();
    for (int x : sorted) {
      if (a_.cmp(c_.vote_of(x), gv) == 0) {
        group.push_back(x);
      } else {
        if (!group.empty()) groups.push_back(group);
        group = {x};
        gv = c_.vote_of(x);
      }
    }
    if (!group.empty()) groups.push_back(group);
    V v = a_.zero();
    std::vector<int> losers, maybe;
    const int max_defeat = c_.nhopeful() - c_.seats_left();
    for (std::size_t g = 0; g + 1 < groups.size(); ++g) {
      maybe.insert(maybe.end(), groups[g].begin(), groups[g].end());
      if (static_cast<int>(maybe.size()) > max_defeat) break;
      v += a_.times_int(c_.vote_of(groups[g][0]), static_cast<long>(groups[g].size()));
      if (a_.cmp(v + surp, c_.vote_of(groups[g + 1][0])) >= 0) continue;
      losers = maybe;
    }
    std::sort(losers.begin(), losers.end());
    return losers;
  }

  bool defeat_group(const std::vector<int>& group, const std::string& what) {
    if (group.empty()) return false;
    for (int x : group) c_.defeat(x, "Defeat " + what);
    transfer_from(group);
    for (int x : group) c_.vote_of(x) = a_.zero();
    c_.surplus = total_surplus();
    c_.log("transfer", "Transfer defeated: " + c_.names_of(group));
    return true;
  }

  // Droop.py's mpls.py (Minneapolis Code of Ordinances 167.70).
  void run_mpls() {
    c_.quota = a_.from_mpz(mpz_class(c_.nballots_floor / (c_.seats + 1) + 1));
    c_.first_preferences();
    c_.exhausted = a_.zero();
    c_.new_round();
    while (true) {
      c_.surplus = total_surplus();
      c_.log("count", "Count Votes");
      std::vector<int> with_quota;
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (at_quota(x) && !undeclared(x)) with_quota.push_back(x);
      if (c_.count_of(St::Elected) + static_cast<int>(with_quota.size()) >= c_.seats) {
        for (int x : with_quota) c_.elect(x, "Candidate at threshold");
        break;
      }
      c_.new_round();
      if (c_.round >= 2) {
        bool defeated = false;
        if (c_.round == 2) {
          std::vector<int> und;
          for (int x : c_.hopeful())
            if (c_.o.undeclared[static_cast<std::size_t>(x)]) und.push_back(x);
          defeated = defeat_group(und, "undeclared write-in");
        }
        if (!defeated) defeated = defeat_group(certain_losers(c_.surplus), "certain loser");
        if (defeated) continue;
      }
      with_quota.clear();
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (at_quota(x) && !undeclared(x)) with_quota.push_back(x);
      if (!with_quota.empty()) {
        const V high = c_.py_max(c_.votes_of(with_quota));
        std::vector<int> highs;
        for (int x : with_quota)
          if (a_.cmp(c_.vote_of(x), high) == 0) highs.push_back(x);
        const int h = break_tie(highs, "largest surplus");
        c_.elect(h, "Elect");
        const V surp = c_.vote_of(h) - c_.quota;
        transfer_surplus(h, surp, false);
        c_.surplus = total_surplus();
        c_.log("transfer", "Transfer surplus: " + c_.name(h) + " (" + a_.str(surp) + ")");
        continue;
      }
      if (c_.nhopeful() > c_.seats_left()) {
        const int t = break_tie(lowest_hopeful(), "defeat low candidate");
        c_.defeat(t, "Defeat low candidate");
        if (c_.nhopeful() > c_.seats_left()) {  // votes of a last-round defeat stay
          transfer_from({t});
          c_.vote_of(t) = a_.zero();
          c_.surplus = total_surplus();
          c_.log("transfer", "Transfer defeated: " + c_.name(t));
        }
      }
      if (c_.nhopeful() <= c_.seats_left()) break;
    }
    if (c_.nhopeful() <= c_.seats_left())
      for (int x : c_.hopeful()) c_.elect(x, "Elect remaining candidates");
    for (int x : c_.hopeful()) c_.defeat(x, "Defeat remaining candidates");
  }

  // CfER 10059(k): the largest defeat set that cannot change the result.
  std::vector<int> defeat_set() {
    V surp = a_.zero();
    for (int x : c_.pending_list()) surp += c_.vote_of(x) - c_.quota;
    const std::vector<int> cands = c_.by_vote(c_.hopeful(), false);
    std::vector<int> best;
    const int elected = c_.count_of(St::Elected);
    const V top = cands.empty() ? a_.zero() : c_.vote_of(cands.back());
    for (std::size_t t = 0; t + 1 < cands.size(); ++t) {
      const std::vector<int> trial(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(t + 1));
      const int next = cands[t + 1];
      if (static_cast<int>(cands.size() - t - 1) + elected < c_.seats) break;
      const V in_set = c_.sum_votes(trial);
      if (a_.cmp(in_set + surp, c_.vote_of(next)) >= 0) continue;
      if (elected + 1 == c_.seats || static_cast<int>(cands.size() - trial.size()) + elected == c_.seats ||
          a_.cmp(in_set + surp, c_.quota - top) < 0 ||
          (a_.cmp(surp, a_.zero()) == 0 && a_.cmp(in_set - c_.vote_of(cands[t]), c_.quota - top) < 0))
        best = trial;
    }
    return best;
  }

  // Droop.py's cfer.py (the CfER ranked-voting proposal, section 10059).
  void run_cfer() {
    c_.quota = a_.over(c_.nballots, a_.from_int(c_.seats + 1)) + a_.epsilon();
    begin();
    while (true) {
      c_.new_round();
      if (c_.round == 1 && c_.nhopeful() <= c_.seats) {
        for (int x : c_.hopeful()) c_.elect(x, "Elect all");
        break;
      }
      for (int x : c_.by_vote(c_.hopeful(), true))
        if (at_quota(x)) {
          const bool surplus = a_.cmp(c_.vote_of(x), c_.quota) > 0;
          c_.elect(x, surplus ? "Elect, transfer pending" : "Elect", surplus);
        }
      if (c_.count_of(St::Elected) >= c_.seats) {
        for (int x : c_.pending_list()) c_.unpend(x, "");
        for (int x : c_.hopeful()) c_.defeat(x, "Defeat remaining");
        break;
      }
      std::vector<int> defeats;
      if (c_.o.batch) defeats = defeat_set();
      if (!defeats.empty()) {
        std::vector<int> ordered = defeats;
        std::sort(ordered.begin(), ordered.end());
        for (int x : ordered) c_.defeat(x, "Defeat batch");
      } else if (!c_.pending_list().empty()) {
        for (int x : c_.pending_list()) {
          c_.unpend(x, "Transfer surplus");
          const V surp = c_.vote_of(x) - c_.quota;
          transfer_surplus(x, surp, false);
          c_.log("transfer", "Surplus transferred: " + c_.name(x) + " (" + a_.str(surp) + ")");
        }
      } else {
        if (c_.nhopeful() == 0) break;  // nothing left to defeat (Droop.py would fail here)
        const int t = break_tie(lowest_hopeful(), "defeat");
        c_.defeat(t, "Defeat");
        defeats = {t};
      }
      if (!defeats.empty()) {
        if (c_.nhopeful() + c_.count_of(St::Elected) <= c_.seats) {
          for (int x : c_.pending_list()) c_.elect(x, "Elect pending");
          for (int x : c_.hopeful()) c_.elect(x, "Elect remaining");
          break;
        }
        transfer_from(defeats);
        for (int x : defeats) c_.vote_of(x) = a_.zero();
        c_.log("transfer", "Transfer defeated: " + c_.names_of(defeats));
      }
    }
  }

  C& c_;
  const A& a_;
};

// ---------------------------------------------------------------- QPQ

template <class A>
class QpqCount {
 public:
  using V = typename A::V;
  using C = Counter<A>;

  explicit QpqCount(C& c) : c_(c), a_(c.a) {}

  // Droop.py's qpq.py (Woodall, Voting matters 17).
  void run() {
    for (int x : c_.hopeful()) {
      tc(x) = a_.zero();
      c_.quotient[static_cast<std::size_t>(x)] = a_.zero();
      c_.has_quotient[static_cast<std::size_t>(x)] = 1;
    }
    tx_ = a_.zero();
    va_ = a_.zero();
    for (const auto& b : c_.ballots)
      if (!c_.exhausted_ballot(b)) va_ += b.mult;
    c_.quota = calc_quota();
    for (auto& b : c_.ballots) b.weight = a_.zero();
    bool restart = true;
    c_.log("begin", "Begin Count");
    while (!(c_.seats_left() <= 0 || c_.nhopeful() <= c_.seats_left())) {
      c_.new_round();
      if (restart) {
        restart = false;
        for (int x : c_.elected()) c_.st[static_cast<std::size_t>(x)] = St::Hopeful;
        for (auto& b : c_.ballots) {
          b.index = 0;
          b.weight = a_.zero();
          b.residual = a_.zero();
          advance(b);
        }
      }
      tx_ = a_.zero();
      va_ = a_.zero();
      for (int x : c_.hopeful()) {
        c_.vote_of(x) = a_.zero();
        tc(x) = a_.zero();
      }
      for (const auto& b : c_.ballots) {
        if (c_.exhausted_ballot(b)) {
          tx_ += a_.times(b.weight, b.mult);
        } else {
          va_ += b.mult;
          tc(c_.top(b)) += a_.times(b.weight, b.mult);
          c_.vote_of(c_.top(b)) += b.mult;
        }
      }
      for (int x : c_.hopeful()) q(x) = a_.over(c_.vote_of(x), a_.one() + tc(x));
      c_.quota = calc_quota();
      const std::vector<int> hop = c_.hopeful();
      std::vector<V> qs;
      for (int x : hop) qs.push_back(q(x));
      const V high = c_.py_max(qs);
      if (a_.cmp(high, c_.quota) > 0) {
        std::vector<int> highs;
        for (int x : hop)
          if (a_.cmp(q(x), high) == 0) highs.push_back(x);
        const int h = break_tie(highs, "largest quotient");
        c_.elect(h, "Elect high quotient");
        const V w = a_.over(a_.one(), q(h));
        for (auto& b : c_.ballots)
          if (c_.top(b) == h) {
            b.weight = w;
            advance(b);
          }
        c_.log("transfer", "Transfer elected: " + c_.name(h) + " (" + a_.str(high) + ")");
      } else {
        const V low = c_.py_min(qs);
        std::vector<int> lows;
        for (int x : hop)
          if (a_.cmp(q(x), low) == 0) lows.push_back(x);
        const int t = break_tie(lows, "smallest quotient");
        c_.defeat(t, "Defeat low quotient");
        for (auto& b : c_.ballots)
          if (c_.top(b) == t) advance(b);
        c_.log("transfer", "Transfer defeated: " + c_.name(t));
        restart = true;
      }
    }
    if (c_.nhopeful() <= c_.seats_left())
      for (int x : c_.hopeful()) c_.elect(x, "Elect remaining candidates");
    for (int x : c_.hopeful()) c_.defeat(x, "Defeat remaining candidates");
  }

 private:
  V& tc(int x) { return c_.tc[static_cast<std::size_t>(x)]; }
  V& q(int x) { return c_.quotient[static_cast<std::size_t>(x)]; }
  V calc_quota() const { return a_.over(va_, a_.from_int(1 + c_.seats) - tx_); }
  void advance(typename C::Ballot& b) {
    while (!c_.exhausted_ballot(b) && c_.st[static_cast<std::size_t>(c_.top(b))] != St::Hopeful) ++b.index;
  }
  int break_tie(const std::vector<int>& tied, const std::string& reason) {
    if (tied.size() == 1) return tied[0];
    const int t = c_.by_tie_order(tied)[0];
    c_.log("tie", "Break tie by lot (" + reason + "): [" + c_.names_of(tied) + "] -> " + c_.name(t));
    return t;
  }

  C& c_;
  const A& a_;
  V tx_, va_;
};

// ---------------------------------------------------------------- results

struct RuleTitle {
  const char* rule;
  const char* title;
};
const RuleTitle kTitles[] = {
    {"meek", "Meek STV (Droop.py, parametric)"},
    {"meek-prf", "Meek STV (PR Foundation reference rule)"},
    {"stv-rs", "Meek STV (STV-rs)"},
    {"warren", "Warren STV (Droop.py)"},
    {"wigm", "Weighted inclusive Gregory STV (Droop.py)"},
    {"wigm-prf", "Weighted inclusive Gregory STV (PR Foundation reference rule)"},
    {"wigm-prf-batch", "Weighted inclusive Gregory STV (PR Foundation reference rule, sure losers defeated together)"},
    {"scotland", "Scottish STV (local government elections, 2007 order)"},
    {"mpls", "Minneapolis STV"},
    {"cfer", "CfER STV (single defeats)"},
    {"cfer-batch", "CfER STV (batch defeats)"},
    {"qpq", "Quota preferential by quotient (Woodall)"},
};

std::string title_of(const std::string& rule) {
  for (const auto& t : kTitles)
    if (rule == t.rule) return t.title;
  return rule;
}

std::string figure(const StvStep& s, const std::string& key) {
  for (const auto& f : s.figures)
    if (f.first == key) return f.second;
  return "";
}

std::string tally_of(const StvStep& s, int c) {
  for (const auto& t : s.tally)
    if (t.first == c) return t.second;
  return "0";
}

// The step's action for STV-rs's log, which names no action.
std::string rs_action(const std::string& msg) {
  if (msg.rfind("Begin", 0) == 0) return "begin";
  if (msg.rfind("Iterate", 0) == 0) return "iterate";
  if (msg.rfind("Break tie", 0) == 0) return "tie";
  if (msg.rfind("Elect", 0) == 0) return "elect";
  if (msg.rfind("Defeat", 0) == 0) return "defeat";
  if (msg.rfind("Count Complete", 0) == 0) return "end";
  return "log";
}

std::string after_colon(const std::string& msg) {
  auto p = msg.find(": ");
  return p == std::string::npos ? "" : msg.substr(p + 2);
}

std::string sentence(const StvStep& s, const std::string& action, const std::string& msg, int stage,
                     const std::vector<std::string>& names, const std::vector<int>& elected,
                     const std::vector<int>& defeated, int about, bool rs) {
  const std::string where = rs ? "" : (stage > 0 ? "Round " + std::to_string(stage) + ": " : "");
  const std::string quota = figure(s, "quota");
  const std::string who = about >= 0 ? names[static_cast<std::size_t>(about)] : after_colon(msg);
  if (action == "begin") return "The count begins with first preferences; the quota is " + quota + ".";
  if (action == "round") return "Round " + std::to_string(stage) + " begins.";
  if (action == "count") return where + "votes are counted; the quota is " + quota + ".";
  if (action == "end") return "The count is complete.";
  if (action == "iterate") {
    std::string until = "the count settled";
    if (msg.find("elected") != std::string::npos) until = "a candidate reached the quota";
    else if (msg.find("omega") != std::string::npos) until = "the total surplus was below omega";
    else if (msg.find("stable") != std::string::npos) until = "the total surplus stopped shrinking";
    else if (msg.find("batch") != std::string::npos) until = "some candidates could no longer be elected";
    return where + "keep factors were lowered and the ballots recounted until " + until + "; the quota is " + quota + ".";
  }
  if (action == "tie") {
    // "Break tie [by ...] (reason): [A, B] -> A"
    const auto open = msg.find('('), close = msg.find(')');
    const auto lb = msg.find('['), rb = msg.find(']');
    const auto arrow = msg.find("-> ");
    if (open == std::string::npos || close == std::string::npos || lb == std::string::npos ||
        rb == std::string::npos || arrow == std::string::npos)
      return where + msg + ".";
    std::string tied = msg.substr(lb + 1, rb - lb - 1);
    if (auto comma = tied.rfind(", "); comma != std::string::npos) tied.replace(comma, 2, " and ");
    const std::string how = msg.find("prior stage") != std::string::npos
                                ? "the most recent stage at which they differed decided"
                                : "the tie order decided";
    return where + tied + " were tied (" + msg.substr(open + 1, close - open - 1) + "); " + how + ": " +
           msg.substr(arrow + 3) + ".";
  }
  if (action == "elect") {
    std::vector<std::string> ws;
    for (int c : elected) ws.push_back(names[static_cast<std::size_t>(c)]);
    const std::string list = ws.empty() ? who : join(ws, " and ");
    if (msg.find("remaining") != std::string::npos || msg.find("Elect all") != std::string::npos)
      return where + list + " was elected to fill a remaining seat.";
    if (msg.find("pending") != std::string::npos && msg.find("transfer pending") == std::string::npos)
      return where + list + " was declared elected.";
    if (msg.find("quotient") != std::string::npos)
      return where + list + " had the highest quotient, above the quota of " + quota + ", and was elected.";
    const std::string votes = about >= 0 ? tally_of(s, about) : "";
    return where + list + " reached the quota of " + quota + (votes.empty() ? "" : " with " + votes + " votes") +
           " and was elected" + (msg.find("transfer pending") != std::string::npos ? "; the surplus will be transferred." : ".");
  }
  if (action == "defeat") {
    std::vector<std::string> ls;
    for (int c : defeated) ls.push_back(names[static_cast<std::size_t>(c)]);
    const std::string list = ls.empty() ? who : join(ls, " and ");
    if (msg.find("remaining") != std::string::npos) return where + list + " was defeated: every seat is filled.";
    if (msg.find("certain loser") != std::string::npos || msg.find("sure loser") != std::string::npos ||
        msg.find("batch") != std::string::npos)
      return where + list + " could no longer be elected and was defeated.";
    if (msg.find("quotient") != std::string::npos) return where + list + " had the lowest quotient and was excluded.";
    return where + list + " had the fewest votes" + (about >= 0 ? " (" + tally_of(s, about) + ")" : "") + " and was defeated.";
  }
  if (action == "unpend") return where + "the surplus of " + who + " is transferred next.";
  if (action == "transfer") {
    if (msg.rfind("Transfer defeated", 0) == 0) return where + "the ballots of " + who + " were transferred.";
    auto open = msg.rfind('('), close = msg.rfind(')');
    std::string amount = open != std::string::npos && close != std::string::npos && close > open
                             ? msg.substr(open + 1, close - open - 1) : "";
    std::string whom = who.substr(0, who.rfind(" ("));
    if (msg.rfind("Transfer elected", 0) == 0)
      return where + "the ballots of " + whom + " moved on, each now counted as having elected 1/" + amount + " of a candidate.";
    return where + "the surplus of " + whom + " (" + amount + ") was transferred.";
  }
  return where + msg + ".";
}

template <class A>
StvRun finish(Counter<A>& c, const Options& o, const RuleParams& params, const RankedElection& e) {
  StvRun run;
  run.log_style = c.fam == Family::StvRs ? "stv-rs" : "droop";
  if (c.fam != Family::StvRs) c.log("end", "Count Complete");
  run.steps = std::move(c.steps);
  const int n = c.n;
  if (!run.steps.empty()) run.initial_quota = figure(run.steps.front(), "quota");

  Result& r = run.result;
  r.rule = o.method;
  r.rule_title = title_of(o.rule);
  r.parameters.emplace_back("droop_rule", o.rule);
  r.parameters.emplace_back("arithmetic", o.arithmetic);
  if (o.precision >= 0) r.parameters.emplace_back("precision", std::to_string(o.precision));
  if (o.arithmetic == "guarded") r.parameters.emplace_back("guard", std::to_string(o.guard));
  r.parameters.emplace_back("display", std::to_string(c.a.display()));
  if (o.omega10 > 0) r.parameters.emplace_back("omega", "1e-" + std::to_string(o.omega10));
  if (!o.defeat_batch.empty()) r.parameters.emplace_back("defeat_batch", o.defeat_batch);
  if (o.rule == "stv-rs") {
    r.parameters.emplace_back("equalize", o.equalize ? "true" : "false");
    r.parameters.emplace_back("force_positive_surplus", o.force_positive == 1 ? "true" : "false");
  }
  r.parameters.emplace_back("quota", run.initial_quota);
  // The tie-break actually used: a given order, the engine's tie-break (tickets), or
  // candidate order (Droop.py's default).
  r.parameters.emplace_back("tiebreak", o.explicit_tie_order                                     ? "given_order"
                                        : params.tie_break.method == TieBreak::Method::Ticket ? "tie_order"
                                                                                               : "candidate_order");
  r.ballots = c.nballots_floor.fits_slong_p() ? c.nballots_floor.get_si() : 0;

  // Rounds: one per logged step; elected / eliminated = state changes at the step.
  std::vector<char> prev(static_cast<std::size_t>(n), 'H');
  for (int i = 0; i < n; ++i)
    if (c.st[static_cast<std::size_t>(i)] == St::Withdrawn) prev[static_cast<std::size_t>(i)] = 'W';
  std::vector<int> last_elect(static_cast<std::size_t>(n), -1), last_defeat(static_cast<std::size_t>(n), -1);
  std::vector<std::string> elect_msg(static_cast<std::size_t>(n)), defeat_msg(static_cast<std::size_t>(n));
  for (std::size_t k = 0; k < run.steps.size(); ++k) {
    const StvStep& s = run.steps[k];
    Round round;
    round.number = static_cast<int>(k) + 1;
    const bool rs = run.log_style == "stv-rs";
    round.action = rs ? rs_action(s.action) : s.action;
    const std::string msg = rs ? s.action : s.msg;
    for (const auto& [cand, code] : s.state) {
      const char before = prev[static_cast<std::size_t>(cand)];
      const bool was_elected = before == 'E' || before == 'e';
      const bool is_elected = code == 'E' || code == 'e';
      if (is_elected && !was_elected) {
        round.elected.push_back(cand);
        run.elected_sequence.push_back(cand);
        last_elect[static_cast<std::size_t>(cand)] = static_cast<int>(k);
        elect_msg[static_cast<std::size_t>(cand)] = msg;
      }
      if (code == 'D' && before != 'D') {
        round.eliminated.push_back(cand);
        run.defeated_sequence.push_back(cand);
        last_defeat[static_cast<std::size_t>(cand)] = static_cast<int>(k);
        defeat_msg[static_cast<std::size_t>(cand)] = msg;
      }
      prev[static_cast<std::size_t>(cand)] = code;
    }
    if (!round.elected.empty()) round.option = round.elected.front();
    else if (!round.eliminated.empty()) round.option = round.eliminated.front();
    else {
      const std::string who = after_colon(msg);
      for (int i = 0; i < n && !who.empty(); ++i)
        if (who == c.names[static_cast<std::size_t>(i)] || who.rfind(c.names[static_cast<std::size_t>(i)] + " (", 0) == 0)
          round.option = i;
    }
    for (const auto& t : s.tally) round.tally.push_back(t);
    if (!rs) round.figures.emplace_back("stage", std::to_string(s.round));
    for (const auto& f : s.figures) {
      if (f.first == "nt_votes") round.figures.emplace_back("exhausted", f.second);
      else round.figures.push_back(f);
    }
    round.text = sentence(s, round.action, msg, rs ? 0 : s.round, c.names, round.elected, round.eliminated,
                          round.option, rs);
    r.rounds.push_back(std::move(round));
  }
  // Final tally: the last step's.
  if (!run.steps.empty())
    for (const auto& t : run.steps.back().tally) run.final_tally.push_back(t);

  // Winners: elected at the end, in the order of their (last) election.
  std::vector<int> winners;
  for (int i = 0; i < n; ++i)
    if (c.st[static_cast<std::size_t>(i)] == St::Elected) winners.push_back(i);
  std::stable_sort(winners.begin(), winners.end(), [&](int x, int y) {
    return last_elect[static_cast<std::size_t>(x)] < last_elect[static_cast<std::size_t>(y)];
  });
  r.winners = winners;

  // First preferences (exact; an equal first rank shares the ballot), for `support`.
  std::vector<mpq_class> first(static_cast<std::size_t>(n), mpq_class(0));
  for (const auto& b : e.ballots) {
    std::vector<int> top;
    std::vector<char> seen(static_cast<std::size_t>(n), 0);
    for (const auto& rank : b.ranks) {
      for (int x : rank)
        if (x >= 0 && x < n && c.st[static_cast<std::size_t>(x)] != St::Withdrawn && !seen[static_cast<std::size_t>(x)]) {
          seen[static_cast<std::size_t>(x)] = 1;
          top.push_back(x);
        }
      if (!top.empty()) break;
    }
    if (top.empty()) continue;
    mpq_class share = count_value(b.count) / mpq_class(static_cast<long>(top.size()));
    for (int x : top) first[static_cast<std::size_t>(x)] += share;
  }
  for (int i = 0; i < n; ++i) {
    const auto ci = static_cast<std::size_t>(i);
    OptionOutcome out;
    out.option = i;
    out.selected = c.st[ci] == St::Elected;
    mpz_class fl;
    mpz_fdiv_q(fl.get_mpz_t(), first[ci].get_num().get_mpz_t(), first[ci].get_den().get_mpz_t());
    out.support = fl.fits_slong_p() ? fl.get_si() : 0;
    const std::string& nm = c.names[ci];
    const std::string fin = [&] {
      for (const auto& t : run.final_tally)
        if (t.first == i) return t.second;
      return std::string();
    }();
    auto stage_of = [&](int k) {
      if (k < 0 || run.log_style == "stv-rs") return std::string();
      return " in round " + std::to_string(run.steps[static_cast<std::size_t>(k)].round);
    };
    if (c.st[ci] == St::Withdrawn) {
      out.explanation = nm + " withdrew before the count and was not counted.";
    } else if (out.selected) {
      const std::string& m = elect_msg[ci];
      const std::string when = stage_of(last_elect[ci]);
      if (m.find("remaining") != std::string::npos || m.find("Elect all") != std::string::npos)
        out.explanation = nm + " was elected" + when + " to fill a remaining seat, with " + fin + " votes at the end.";
      else if (m.find("quotient") != std::string::npos)
        out.explanation = nm + " was elected" + when + " with the highest quotient above the quota.";
      else
        out.explanation = nm + " reached the quota and was elected" + when + "; " + fin + " votes at the end.";
    } else {
      const std::string& m = defeat_msg[ci];
      const std::string when = stage_of(last_defeat[ci]);
      const std::string at = last_defeat[ci] >= 0 ? tally_of(run.steps[static_cast<std::size_t>(last_defeat[ci])], i) : fin;
      if (m.find("remaining") != std::string::npos)
        out.explanation = nm + " was not elected: every seat was filled" + when + " (" + at + " votes).";
      else if (m.find("quotient") != std::string::npos)
        out.explanation = nm + " was excluded" + when + " with the lowest quotient.";
      else if (m.find("certain loser") != std::string::npos || m.find("sure loser") != std::string::npos ||
               m.find("batch") != std::string::npos)
        out.explanation = nm + " could no longer be elected and was defeated" + when + " with " + at + " votes.";
      else
        out.explanation = nm + " had the fewest votes and was defeated" + when + " with " + at + " votes.";
    }
    out.figures.emplace_back("first_preferences", exact_text(first[ci]));
    if (!fin.empty()) out.figures.emplace_back("final_votes", fin);
    r.options.push_back(std::move(out));
  }

  r.tie_break = params.tie_break;
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(o.tie_rank[static_cast<std::size_t>(i)])] = i;
  r.tie_order = order;
  std::vector<std::string> order_names;
  for (int i : order) order_names.push_back(c.names[static_cast<std::size_t>(i)]);
  const std::string source = o.explicit_tie_order ? "the given tie order"
                             : params.tie_break.method == TieBreak::Method::Ticket ? "the ticket order"
                                                                                    : "candidate order";
  r.notes.push_back("Ties are broken by " + source + " (" + join(order_names) +
                    "): the first of the tied candidates in it is the one defeated, or the one whose surplus goes first.");
  const bool counts_equal = o.rule == "meek" || o.rule == "warren" || o.rule == "stv-rs";
  if (!c.eq.empty() && !counts_equal)
    r.notes.push_back(std::to_string(c.eq.size()) +
                      " ballot line(s) with equal preferences count towards the quota but are given to no candidate, "
                      "as in Droop.py's " + o.rule + " rule.");
  for (const auto& note : o.notes) r.notes.push_back(note);
  return run;
}

template <class A>
StvRun count_with(const A& arith, const Options& o, const RankedElection& e, const RuleParams& params) {
  Family fam = Family::Wigm;
  if (o.rule == "meek" || o.rule == "meek-prf" || o.rule == "warren") fam = Family::Meek;
  else if (o.rule == "stv-rs") fam = Family::StvRs;
  else if (o.rule == "qpq") fam = Family::Qpq;
  Counter<A> c(arith, e, o, fam);
  const int eligible = c.count_of(St::Hopeful);
  if (e.seats < 1) throw UsageError("the election must have at least one seat");
  if (eligible == 0) throw UsageError("there are no candidates to elect (all withdrawn)");
  switch (fam) {
    case Family::Meek: MeekCount<A>(c, o.rule == "meek-prf", o.rule == "warren").run(); break;
    case Family::StvRs: StvRsCount<A>(c).run(); break;
    case Family::Qpq: QpqCount<A>(c).run(); break;
    case Family::Wigm: WigmCount<A>(c).run(); break;
  }
  return finish(c, o, params, e);
}

}  // namespace

namespace detail {

StvRun run_stv_variant(const std::string& method, const RankedElection& e, const RuleParams& params) {
  Options o = parse_options(method, e, params);
  for (const auto& b : e.ballots)
    if (b.count.units < 0) throw UsageError("ballot counts must not be negative");
  auto count = [&](const Options& opt) {
    if (opt.arithmetic == "rational") return count_with(RationalArith(opt.display), opt, e, params);
    if (opt.arithmetic == "guarded" && opt.guard > 0)
      return count_with(DecimalArith(opt.precision, opt.guard, opt.display), opt, e, params);
    return count_with(DecimalArith(opt.precision, 0, opt.display, opt.rule == "stv-rs"), opt, e, params);
  };
  try {
    return count(o);
  } catch (const StvRsStops&) {
    if (o.force_positive == 0)
      throw UsageError("STV-rs's Droop.py-compatible Meek count cannot go on: an elected candidate fell below the "
                       "quota and the total surplus became negative (set force_positive_surplus=true)");
    o.force_positive = 1;
    o.notes.push_back("The total surplus became negative (an elected candidate fell below the quota), where STV-rs's "
                      "Droop.py-compatible count stops; counted with STV-rs's --force-positive-surplus instead.");
    return count(o);
  }
}

}  // namespace detail

Result stv_meek(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_meek", e, params).result;
}
Result stv_wigm(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_wigm", e, params).result;
}
Result stv_warren(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_warren", e, params).result;
}
Result stv_scottish(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_scottish", e, params).result;
}
Result stv_mpls(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_mpls", e, params).result;
}
Result stv_cfer(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("stv_cfer", e, params).result;
}
Result qpq(const RankedElection& e, const RuleParams& params) {
  return detail::run_stv_variant("qpq", e, params).result;
}

}  // namespace allot
