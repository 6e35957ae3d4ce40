// irv, stv, bottoms_up, irv_multipass: ranked-choice counts that reproduce RCTab
// (the US tabulator by Bright Spots), round by round. The rules, in our words, are
// in ../shared/docs/rcv-rules.md sections 3 to 8; this header is the short form.
//
// Definition. Every ballot starts worth one vote and counts for its highest-ranked
// continuing candidate (not excluded, not elected, not eliminated). Each round:
//   1. Count. Ballots whose candidate left the count look again from the top of
//      the ballot for the next continuing candidate. Skipped ranks, overvotes
//      (two or more names at one rank) and repeated names are handled by the
//      options below; a ballot that runs out of usable marks becomes inactive,
//      in one of four buckets (overvotes, skippedRankings, exhaustedChoices,
//      repeatedRankings). A ballot with no marks at all is an undervote.
//   2. Threshold. Droop: floor(active / (seats + 1)) + one unit, in whole votes or
//      (non_integer_threshold) in decimal_places decimals; Hare (hare_quota):
//      active / seats rounded up; percentage bottoms-up: active x percent.
//      Single seat: recomputed every round (so it shrinks as ballots exhaust)
//      unless first_round_determines_threshold, or continue_until_two after the
//      winner is known. More seats: round 1 only.
//   3. Winners: whoever reaches the threshold (nobody while undeclared write-ins
//      hold votes); everyone left when no more candidates remain than open seats;
//      with two left in a single-seat count, the one ahead.
//   4. Surplus (multi-seat STV): fraction f = truncate((tally - threshold) / tally);
//      every ballot of the winner moves on worth truncate(value x f), the rest
//      stays ("parked") with the winner. Weighted inclusive Gregory, rounded per
//      ballot.
//   5. Otherwise eliminate: undeclared write-ins first, then (percentage mode with
//      cutoff) everyone below the threshold, then (batch_elimination) everyone who
//      could not overtake the next candidate even with all the votes below, then
//      the single last candidate. Ties: the `tiebreak` option (section 6 of the
//      rules: seeded java.util.Random draws, candidate order, a shuffled order,
//      previous-round counts), or by default the contest's published tie order
//      (RuleParams::tie_break).
// Modes: irv (one seat), stv (several seats, surplus transfer), bottoms_up (no
// quota: eliminate until `seats` remain; or, with bottoms_up_percentage, until
// everyone left holds more than that share), irv_multipass (IRV once per seat,
// each pass excluding the earlier winners and recounting all ballots).
//
// Options (RuleParams::options, the names of the neutral case files):
//   overvote_rule = exhaust_immediately (default) | skip_to_next_rank |
//                   exhaust_if_multiple_continuing
//   max_skipped_ranks = N | unlimited (default);  max_rankings = N | max (default;
//   deeper ranks are ignored);  exhaust_on_duplicate = false;  decimal_places = 4
//   (1-20);  non_integer_threshold, hare_quota, batch_elimination,
//   cutoff_elimination, continue_until_two, first_round_determines_threshold,
//   single_winner_per_round = false;  stop_after_round = N;
//   bottoms_up_percentage = P (percent, decimal text; bottoms_up with 0 seats);
//   tiebreak = random | interactive | previous_round_counts_then_random |
//              previous_round_counts_then_interactive | candidate_order |
//              generate_permutation | tie_order (default: RuleParams::tie_break);
//   random_seed = integer;  tiebreak_permutation = comma-joined names (default:
//   candidate order);  undeclared_write_ins = true|false (informative: the
//   candidate named "$UWI" is the undeclared write-ins);
//   rctab_winner_election_mode = RCTab's mode name (checked against the rule).
//   variant = rctab (default) | condorcet_php: the counts of the Condorcet PHP
//   library instead (see "Condorcet PHP variant" near the end of this file), with
//   quota = droop | hare | hagenbach_bischoff | imperiali and implicit_ranking.
//
// Invariants (checked by the tests on every reference case):
//   1. Conservation: in every round, the tallies of continuing candidates + the
//      votes parked with winners + the four inactive buckets + the final-round
//      surplus = all non-undervote ballots.
//   2. A candidate is elected or eliminated at most once; elections and
//      eliminations never share a round.
//   3. Buckets only grow; a continuing candidate's tally never shrinks (IRV).
//
// Arithmetic: exact. Ballot values are integers scaled by 10^decimal_places (what
// RCTab's BigDecimal truncation keeps), tallies integers scaled by
// 10^(decimal_places + count decimals), in 128-bit integers with overflow checks
// and GMP for the few products that do not fit. Never floating point, except the
// Java random draw (a double, as in Java) that picks an index.
//
// Speed: identical ballots are grouped; each group keeps the position of its
// current mark, and a round only rescans the groups held by candidates who left
// the count in the round before (RCTab rescans from rank 1, but skip and duplicate
// problems are fixed properties of a ballot, computed once, and the continuing set
// only shrinks, so resuming at the current mark gives the same answer).
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "allot/engine/errors.hpp"
#include "allot/engine/numbers.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "allot/engine/tiebreak.hpp"
#include "java_random.hpp"

namespace allot {

namespace {

using detail::JavaRandom;

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

// ---------------------------------------------------------------------------
// Exact scaled integers.

[[noreturn]] void too_large() {
  throw UsageError("the count's numbers grew past 38 digits; use fewer decimal_places");
}

i128 add(i128 a, i128 b) {
  i128 r;
  if (__builtin_add_overflow(a, b, &r)) too_large();
  return r;
}

i128 mul(i128 a, i128 b) {
  i128 r;
  if (__builtin_mul_overflow(a, b, &r)) too_large();
  return r;
}

i128 pow10(int n) {
  i128 r = 1;
  for (int i = 0; i < n; ++i) r = mul(r, 10);
  return r;
}

mpz_class to_mpz(i128 v) {
  const bool neg = v < 0;
  const u128 u = neg ? static_cast<u128>(0) - static_cast<u128>(v) : static_cast<u128>(v);
  mpz_class hi(static_cast<unsigned long>(static_cast<std::uint64_t>(u >> 64)));
  mpz_class lo(static_cast<unsigned long>(static_cast<std::uint64_t>(u)));
  mpz_class r = (hi << 64) + lo;
  return neg ? mpz_class(-r) : r;
}

i128 from_mpz(const mpz_class& z) {
  if (sgn(z) < 0) return -from_mpz(mpz_class(-z));
  if (mpz_sizeinbase(z.get_mpz_t(), 2) > 126) too_large();
  mpz_class hi = z >> 64;
  mpz_class lo = z - (hi << 64);
  return static_cast<i128>((static_cast<u128>(hi.get_ui()) << 64) | static_cast<u128>(lo.get_ui()));
}

// floor(a * b / c) for a, b >= 0 and c > 0.
i128 mul_div_floor(i128 a, i128 b, i128 c) {
  i128 p;
  if (!__builtin_mul_overflow(a, b, &p)) return p / c;
  mpz_class q = to_mpz(a) * to_mpz(b);
  mpz_fdiv_q(q.get_mpz_t(), q.get_mpz_t(), to_mpz(c).get_mpz_t());
  return from_mpz(q);
}

std::string digits_of(u128 u) {
  if (u == 0) return "0";
  std::string s;
  while (u > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

// v / 10^scale as exact decimal text, trailing zeros dropped; `group` adds
// thousands separators ("1,234.5").
std::string dec(i128 v, int scale, bool group = false) {
  const bool neg = v < 0;
  std::string s = digits_of(neg ? static_cast<u128>(0) - static_cast<u128>(v) : static_cast<u128>(v));
  if (static_cast<int>(s.size()) <= scale) s.insert(0, static_cast<std::size_t>(scale) + 1 - s.size(), '0');
  std::string ip = s.substr(0, s.size() - static_cast<std::size_t>(scale));
  std::string fp = s.substr(s.size() - static_cast<std::size_t>(scale));
  while (!fp.empty() && fp.back() == '0') fp.pop_back();
  if (group) {
    std::string g;
    for (std::size_t i = 0; i < ip.size(); ++i) {
      g.push_back(ip[i]);
      const std::size_t left = ip.size() - 1 - i;
      if (left > 0 && left % 3 == 0) g.push_back(',');
    }
    ip = g;
  }
  return (neg ? "-" : "") + ip + (fp.empty() ? "" : "." + fp);
}

std::string votes_text(i128 v, int scale) {
  const std::string t = dec(v, scale, true);
  return t + (t == "1" ? " vote" : " votes");
}

// Parses a non-negative decimal ("15", "12.5") into units / 10^scale.
bool parse_decimal(const std::string& text, i128& units, int& scale) {
  units = 0;
  scale = 0;
  bool dot = false, any = false;
  for (char ch : text) {
    if (ch == '.' && !dot) {
      dot = true;
    } else if (ch >= '0' && ch <= '9') {
      units = mul(units, 10) + (ch - '0');
      if (dot) ++scale;
      any = true;
    } else {
      return false;
    }
  }
  return any && scale <= 18;
}

// ---------------------------------------------------------------------------
// Options.

enum class Mode { Single, Stv, BottomsUp, Percentage, MultiPass };
enum class Overvote { Exhaust, Skip, IfMultiple };
enum class Tie { TieOrder, Random, Interactive, PreviousThenRandom, PreviousThenInteractive, CandidateOrder, Permutation };
enum class Variant { Rctab, CondorcetPhp };
enum class Quota { Droop, Hare, HagenbachBischoff, Imperiali };

struct Config {
  Mode mode = Mode::Single;
  std::string rule;  // registry name
  int seats = 1;
  Overvote overvote = Overvote::Exhaust;
  int max_skipped = -1;   // -1: unlimited
  int max_rankings = -1;  // -1: no limit
  bool exhaust_on_duplicate = false;
  int dp = 4;
  bool non_integer = false, hare = false, batch = false, cutoff = false, until_two = false;
  bool first_round = false, one_per_round = false;
  int stop_after = 0;  // 0: none
  std::string pct_text;
  i128 pct_units = 0;  // fraction = pct_units / 10^pct_scale
  int pct_scale = 0;
  Tie tie = Tie::TieOrder;
  bool has_seed = false;
  std::int64_t seed = 0;
  std::vector<int> permutation;  // tie-break order for candidate_order / generate_permutation
  Variant variant = Variant::Rctab;
  Quota quota = Quota::Droop;
  bool quota_given = false;
  bool implicit_ranking = true;
  Figures used;  // the options as applied, for Result::parameters
};

bool parse_bool(const std::string& key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  throw UsageError("option " + key + " must be true or false, not '" + v + "'");
}

long long parse_int(const std::string& key, const std::string& v, long long lo, long long hi) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v.size() || n < lo || n > hi)
    throw UsageError("option " + key + " must be a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi) + ", not '" + v + "'");
  return n;
}

bool is_blank(const std::string& v) { return v.empty() || v == "null"; }

// "A,B,C" into candidate indices. Names may themselves contain commas ("Vail,
// Christopher L."), so the text is split only where a whole name ends.
std::vector<int> parse_name_list(const std::string& key, const std::string& text, const std::vector<std::string>& names) {
  std::vector<int> out;
  std::vector<char> used(names.size(), 0);
  std::function<bool(std::size_t)> go = [&](std::size_t p) -> bool {
    while (p < text.size() && text[p] == ' ') ++p;
    if (p >= text.size()) return true;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& n = names[i];
      if (used[i] || n.empty() || text.compare(p, n.size(), n) != 0) continue;
      const std::size_t q = p + n.size();
      if (q != text.size() && text[q] != ',') continue;
      used[i] = 1;
      out.push_back(static_cast<int>(i));
      if (go(q == text.size() ? q : q + 1)) return true;
      used[i] = 0;
      out.pop_back();
    }
    return false;
  };
  if (!go(0)) throw UsageError("option " + key + " must list candidate names separated by commas; cannot read '" + text + "'");
  return out;
}

const std::set<std::string>& known_options() {
  static const std::set<std::string> k = {
      "overvote_rule", "max_skipped_ranks", "max_rankings", "exhaust_on_duplicate", "decimal_places",
      "non_integer_threshold", "hare_quota", "batch_elimination", "cutoff_elimination", "continue_until_two",
      "first_round_determines_threshold", "stop_after_round", "bottoms_up_percentage", "single_winner_per_round",
      "tiebreak", "random_seed", "tiebreak_permutation", "undeclared_write_ins", "rctab_winner_election_mode",
      "variant", "quota", "implicit_ranking"};
  return k;
}

Config parse_config(const RankedElection& e, const RuleParams& params, Mode mode, const char* rule) {
  Config c;
  c.mode = mode;
  c.rule = rule;
  c.seats = e.seats;
  const auto& o = params.options;
  for (const auto& [k, v] : o)
    if (!known_options().count(k)) {
      std::string list;
      for (const auto& n : known_options()) list += (list.empty() ? "" : ", ") + n;
      throw UsageError("unknown option '" + k + "' for rule " + rule + " (known: " + list + ")");
    }
  auto get = [&](const char* k) -> const std::string* {
    auto it = o.find(k);
    return it == o.end() ? nullptr : &it->second;
  };
  auto flag = [&](const char* k, bool& out) {
    if (const auto* v = get(k); v && !is_blank(*v)) out = parse_bool(k, *v);
  };

  if (const auto* v = get("variant"); v && !is_blank(*v)) {
    if (*v == "rctab") c.variant = Variant::Rctab;
    else if (*v == "condorcet_php") c.variant = Variant::CondorcetPhp;
    else throw UsageError("option variant must be rctab or condorcet_php, not '" + *v + "'");
  }
  if (const auto* v = get("overvote_rule"); v && !is_blank(*v)) {
    if (*v == "exhaust_immediately" || *v == "exhaustImmediately") c.overvote = Overvote::Exhaust;
    else if (*v == "skip_to_next_rank" || *v == "alwaysSkipToNextRank") c.overvote = Overvote::Skip;
    else if (*v == "exhaust_if_multiple_continuing" || *v == "exhaustIfMultipleContinuing") c.overvote = Overvote::IfMultiple;
    else throw UsageError("option overvote_rule must be exhaust_immediately, skip_to_next_rank or exhaust_if_multiple_continuing, not '" + *v + "'");
  }
  if (const auto* v = get("max_skipped_ranks"); v && !is_blank(*v))
    c.max_skipped = *v == "unlimited" ? -1 : static_cast<int>(parse_int("max_skipped_ranks", *v, 0, 1000000));
  if (const auto* v = get("max_rankings"); v && !is_blank(*v))
    c.max_rankings = *v == "max" ? -1 : static_cast<int>(parse_int("max_rankings", *v, 1, 1000000));
  flag("exhaust_on_duplicate", c.exhaust_on_duplicate);
  if (const auto* v = get("decimal_places"); v && !is_blank(*v))
    c.dp = static_cast<int>(parse_int("decimal_places", *v, 1, 20));
  flag("non_integer_threshold", c.non_integer);
  flag("hare_quota", c.hare);
  flag("batch_elimination", c.batch);
  flag("cutoff_elimination", c.cutoff);
  flag("continue_until_two", c.until_two);
  flag("first_round_determines_threshold", c.first_round);
  flag("single_winner_per_round", c.one_per_round);
  bool uwi = false;
  flag("undeclared_write_ins", uwi);
  if (const auto* v = get("implicit_ranking"); v && !is_blank(*v)) c.implicit_ranking = parse_bool("implicit_ranking", *v);
  if (const auto* v = get("stop_after_round"); v && !is_blank(*v))
    c.stop_after = static_cast<int>(parse_int("stop_after_round", *v, 1, 1000000));
  if (const auto* v = get("bottoms_up_percentage"); v && !is_blank(*v)) {
    if (mode != Mode::BottomsUp) throw UsageError("option bottoms_up_percentage applies to the bottoms-up rule only");
    if (!parse_decimal(*v, c.pct_units, c.pct_scale) || c.pct_units <= 0 || c.pct_units >= pow10(c.pct_scale + 2))
      throw UsageError("option bottoms_up_percentage must be a percentage between 0 and 100, not '" + *v + "'");
    c.pct_text = *v;
    c.pct_scale += 2;  // percent -> fraction
    c.mode = Mode::Percentage;
  }
  if (const auto* v = get("quota"); v && !is_blank(*v)) {
    std::string q;
    for (char ch : *v) q.push_back(ch == '-' || ch == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    if (q.size() > 6 && q.substr(q.size() - 6) == "_quota") q = q.substr(0, q.size() - 6);
    if (q == "droop") c.quota = Quota::Droop;
    else if (q == "hare") c.quota = Quota::Hare;
    else if (q == "hagenbach_bischoff") c.quota = Quota::HagenbachBischoff;
    else if (q == "imperiali") c.quota = Quota::Imperiali;
    else throw UsageError("option quota must be droop, hare, hagenbach_bischoff or imperiali, not '" + *v + "'");
    c.quota_given = true;
    if (c.variant == Variant::Rctab) {
      if (c.quota == Quota::Hare) c.hare = true;
      else if (c.quota != Quota::Droop) throw UsageError("RCTab counts use the droop or hare quota only");
    }
  }
  if (const auto* v = get("tiebreak"); v && !is_blank(*v)) {
    const std::string& t = *v;
    if (t == "random") c.tie = Tie::Random;
    else if (t == "interactive" || t == "stopCountingAndAsk") c.tie = Tie::Interactive;
    else if (t == "previous_round_counts_then_random" || t == "previousRoundCountsThenRandom") c.tie = Tie::PreviousThenRandom;
    else if (t == "previous_round_counts_then_interactive" || t == "previousRoundCountsThenAsk") c.tie = Tie::PreviousThenInteractive;
    else if (t == "candidate_order" || t == "useCandidateOrder") c.tie = Tie::CandidateOrder;
    else if (t == "generate_permutation" || t == "generatePermutation") c.tie = Tie::Permutation;
    else if (t == "tie_order") c.tie = Tie::TieOrder;
    else throw UsageError("option tiebreak must be random, interactive, previous_round_counts_then_random, "
                          "previous_round_counts_then_interactive, candidate_order, generate_permutation or tie_order, not '" + t + "'");
  }
  if (const auto* v = get("random_seed"); v && !is_blank(*v)) {
    c.seed = parse_int("random_seed", *v, -(1LL << 62), 1LL << 62);
    c.has_seed = true;
  }
  if ((c.tie == Tie::Random || c.tie == Tie::PreviousThenRandom || c.tie == Tie::Permutation) && !c.has_seed &&
      c.variant == Variant::Rctab)
    throw UsageError("tiebreak " + o.at("tiebreak") + " needs the option random_seed");
  if (const auto* v = get("tiebreak_permutation"); v && !is_blank(*v)) {
    c.permutation = parse_name_list("tiebreak_permutation", *v, e.candidates);
  } else {
    for (std::size_t i = 0; i < e.candidates.size(); ++i)
      if (e.candidates[i] != "$UWI") c.permutation.push_back(static_cast<int>(i));
  }

  // The RCTab mode name, when given, must agree with the rule.
  if (const auto* v = get("rctab_winner_election_mode"); v && !is_blank(*v)) {
    const std::string& m = *v;
    bool ok = false;
    switch (mode) {
      case Mode::Single: ok = m == "singleWinnerMajority"; break;
      case Mode::Stv:
        ok = m == "multiWinnerAllowMultipleWinnersPerRound" || m == "multiWinnerAllowOnlyOneWinnerPerRound";
        if (m == "multiWinnerAllowOnlyOneWinnerPerRound") c.one_per_round = true;
        break;
      case Mode::BottomsUp:
      case Mode::Percentage:
        ok = m == "bottomsUp" || m == "bottomsUpUsingPercentageThreshold";
        if (m == "bottomsUpUsingPercentageThreshold" && c.mode != Mode::Percentage)
          throw UsageError("mode bottomsUpUsingPercentageThreshold needs the option bottoms_up_percentage");
        break;
      case Mode::MultiPass: ok = m == "multiPassIrv"; break;
    }
    if (!ok) throw UsageError(std::string("rctab_winner_election_mode ") + m + " does not belong to rule " + rule);
  }

  // RCTab's own validation, where breaking it would make the count meaningless.
  if (c.variant == Variant::Rctab) {
    if (c.mode == Mode::Single && e.seats != 1) throw UsageError("irv elects one candidate; the election has " + std::to_string(e.seats) + " seats (use stv or irv-multipass)");
    if ((c.mode == Mode::Stv || c.mode == Mode::BottomsUp || c.mode == Mode::MultiPass) && e.seats < 1)
      throw UsageError(std::string(rule) + " needs at least one seat");
    if (c.hare && c.non_integer) throw UsageError("hare_quota and non_integer_threshold cannot be combined");
    if ((c.hare || c.non_integer) && c.mode != Mode::Stv)
      throw UsageError("hare_quota and non_integer_threshold apply to multi-seat stv only");
    if (c.batch && (c.mode == Mode::Stv || c.mode == Mode::Percentage))
      throw UsageError("batch_elimination is not allowed in multi-seat stv or percentage bottoms-up");
    if (c.cutoff && c.mode != Mode::Percentage) throw UsageError("cutoff_elimination applies to percentage bottoms-up only");
  }
  if (c.mode == Mode::Percentage) c.seats = 0;
  if (c.mode == Mode::MultiPass) c.seats = e.seats;

  auto yes = [](bool b) { return std::string(b ? "true" : "false"); };
  const char* ov = c.overvote == Overvote::Exhaust ? "exhaust_immediately" : c.overvote == Overvote::Skip ? "skip_to_next_rank" : "exhaust_if_multiple_continuing";
  const char* tn[] = {"tie_order", "random", "interactive", "previous_round_counts_then_random",
                      "previous_round_counts_then_interactive", "candidate_order", "generate_permutation"};
  if (c.variant == Variant::Rctab) {
    c.used = {{"seats", std::to_string(c.seats)},
              {"overvote_rule", ov},
              {"max_skipped_ranks", c.max_skipped < 0 ? "unlimited" : std::to_string(c.max_skipped)},
              {"max_rankings", c.max_rankings < 0 ? "max" : std::to_string(c.max_rankings)},
              {"exhaust_on_duplicate", yes(c.exhaust_on_duplicate)},
              {"decimal_places", std::to_string(c.dp)},
              {"non_integer_threshold", yes(c.non_integer)},
              {"hare_quota", yes(c.hare)},
              {"batch_elimination", yes(c.batch)},
              {"continue_until_two", yes(c.until_two)},
              {"first_round_determines_threshold", yes(c.first_round)},
              {"single_winner_per_round", yes(c.one_per_round)},
              {"tiebreak", tn[static_cast<int>(c.tie)]}};
    if (c.has_seed) c.used.push_back({"random_seed", std::to_string(c.seed)});
    if (c.stop_after > 0) c.used.push_back({"stop_after_round", std::to_string(c.stop_after)});
    if (c.mode == Mode::Percentage) {
      c.used.push_back({"bottoms_up_percentage", c.pct_text});
      c.used.push_back({"cutoff_elimination", yes(c.cutoff)});
    }
  } else {
    const char* qn[] = {"droop", "hare", "hagenbach_bischoff", "imperiali"};
    c.used = {{"variant", "condorcet_php"}, {"seats", std::to_string(c.seats)}, {"implicit_ranking", yes(c.implicit_ranking)}};
    if (c.mode == Mode::Stv) c.used.push_back({"quota", qn[static_cast<int>(c.quota)]});
  }
  return c;
}

// ---------------------------------------------------------------------------
// Ballots, grouped.
//
// Each group is one distinct ballot: its marked ranks in order. A mark is a
// candidate index (>= 0), kOvervoteMark (an explicit overvote), or -(2 + k) for
// a rank with several names stored at multi[k] as (n, c1..cn). fatal_at is the
// first mark at which the ballot dies whatever happens to the candidates: a gap
// of skipped ranks longer than max_skipped_ranks, or (exhaust_on_duplicate) a
// name seen before on the ballot.

enum class Status : std::uint8_t { Active, Overvote, Skipped, Exhausted, Repeated, FinalSurplus };

struct Prepared {
  int ncand = 0;
  int count_decimals = 0;  // ballot counts are units / 10^count_decimals
  std::vector<std::int64_t> weight;
  std::vector<std::uint32_t> begin;  // group g: marks [begin[g], begin[g + 1])
  std::vector<std::int32_t> marks;
  std::vector<std::int32_t> rank_of;
  std::vector<std::int32_t> multi;
  std::vector<std::int32_t> fatal_at;
  std::vector<Status> fatal_kind;
  i128 total = 0;       // all ballots, 10^-count_decimals
  i128 undervotes = 0;  // ballots with no marks
  bool has_explicit_overvote = false;
  std::size_t groups() const { return weight.size(); }
};

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 31);
}

Prepared prepare(const RankedElection& e, const Config& cfg) {
  Prepared P;
  P.ncand = static_cast<int>(e.candidates.size());
  for (const auto& b : e.ballots) {
    if (b.count.units < 0 || b.count.decimals < 0 || b.count.decimals > 18) throw UsageError("a ballot has a negative or unreadable count");
    if (b.count.units > 0) P.count_decimals = std::max(P.count_decimals, b.count.decimals);
  }
  const std::size_t depth_limit = cfg.max_rankings >= 0 ? static_cast<std::size_t>(cfg.max_rankings) : SIZE_MAX;
  // Storage reserved up front (an upper bound), so it never moves while filling.
  std::size_t mark_bound = 0;
  for (const auto& b : e.ballots) mark_bound += std::min(b.ranks.size(), depth_limit);
  P.marks.reserve(mark_bound);
  P.rank_of.reserve(mark_bound);
  P.weight.reserve(e.ballots.size());
  P.begin.reserve(e.ballots.size() + 1);
  P.fatal_at.reserve(e.ballots.size());
  P.fatal_kind.reserve(e.ballots.size());
  P.begin.push_back(0);

  // Open addressing. A slot holds the hash's top 32 bits and group + 1 (0: empty),
  // so a probe is one memory access and full comparisons happen only on a likely
  // match. Zeroed lazily by the allocator.
  struct Slot {
    std::uint32_t tag;
    std::uint32_t group1;
  };
  std::size_t cap = 1024;
  while (cap < e.ballots.size() * 2) cap <<= 1;
  std::unique_ptr<Slot, void (*)(void*)> table_mem(static_cast<Slot*>(std::calloc(cap, sizeof(Slot))), std::free);
  if (!table_mem) throw std::bad_alloc();
  Slot* table = table_mem.get();

  // The ballots' keys are built a few ballots ahead, and their table slots
  // prefetched, so the (random) probes overlap instead of waiting in turn.
  struct Pending {
    std::vector<std::int32_t> key;  // per mark: rank, n, names...
    std::uint64_t hash = 0;
    std::int64_t weight = 0;
  };
  constexpr std::size_t kAhead = 24;
  std::array<Pending, kAhead> ring;
  auto load = [&](std::size_t i, Pending& p) {
    const RankedBallot& b = e.ballots[i];
    p.key.clear();
    p.weight = 0;
    if (b.count.units == 0) return;
    const i128 w128 = mul(b.count.units, pow10(P.count_decimals - b.count.decimals));
    if (w128 > static_cast<i128>(INT64_MAX)) too_large();
    p.weight = static_cast<std::int64_t>(w128);
    std::uint64_t h = 0x1234567;
    const std::size_t depth = std::min(b.ranks.size(), depth_limit);
    for (std::size_t r = 0; r < depth; ++r) {
      const auto& cs = b.ranks[r];
      if (cs.empty()) continue;
      p.key.push_back(static_cast<std::int32_t>(r + 1));
      p.key.push_back(static_cast<std::int32_t>(cs.size()));
      h = mix(h, r + 1);
      h = mix(h, cs.size());
      for (int c : cs) {
        if (c != kOvervoteMark && (c < 0 || c >= P.ncand)) throw UsageError("a ballot names candidate index " + std::to_string(c) + ", which does not exist");
        if (c == kOvervoteMark) P.has_explicit_overvote = true;
        p.key.push_back(c);
        h = mix(h, static_cast<std::uint64_t>(static_cast<std::int64_t>(c) + 7));
      }
    }
    p.hash = h;
    if (!p.key.empty()) __builtin_prefetch(&table[h & (cap - 1)]);
  };

  std::vector<std::int32_t> seen(static_cast<std::size_t>(P.ncand) + 1, -1);
  const std::size_t n = e.ballots.size();
  for (std::size_t i = 0; i < std::min(kAhead, n); ++i) load(i, ring[i]);
  for (std::size_t i = 0; i < n; ++i) {
    Pending& cur = ring[i % kAhead];
    // Second stage: the slot of a ballot a little ahead is in cache by now; fetch
    // the start of the group it points to (a likely duplicate).
    if (i + 8 < n) {
      const Pending& soon = ring[(i + 8) % kAhead];
      if (!soon.key.empty()) {
        const Slot& sl = table[soon.hash & (cap - 1)];
        if (sl.group1 != 0 && sl.tag == static_cast<std::uint32_t>(soon.hash >> 32) && sl.group1 < P.begin.size())
          __builtin_prefetch(&P.begin[sl.group1 - 1]);
      }
    }
    // Third stage: and the marks of that group.
    if (i + 3 < n) {
      const Pending& next = ring[(i + 3) % kAhead];
      if (!next.key.empty()) {
        const Slot& sl = table[next.hash & (cap - 1)];
        if (sl.group1 != 0 && sl.tag == static_cast<std::uint32_t>(next.hash >> 32) && sl.group1 < P.begin.size()) {
          const std::uint32_t m = P.begin[sl.group1 - 1];
          __builtin_prefetch(P.rank_of.data() + m);
          __builtin_prefetch(P.marks.data() + m);
        }
      }
    }
    const std::vector<std::int32_t>& key = cur.key;
    const std::int64_t w = cur.weight;
    if (w > 0) {
      P.total = add(P.total, w);
      if (key.empty()) {
        P.undervotes = add(P.undervotes, w);
      } else {
        auto same = [&](std::size_t g) {
          std::size_t k = 0;
          for (std::uint32_t m = P.begin[g]; m < P.begin[g + 1]; ++m) {
            if (k + 2 > key.size() || key[k] != P.rank_of[m]) return false;
            const std::int32_t code = P.marks[m];
            if (code >= kOvervoteMark) {
              if (key[k + 1] != 1 || key[k + 2] != code) return false;
              k += 3;
            } else {
              const auto off = static_cast<std::size_t>(-code - 2);
              const std::int32_t len = P.multi[off];
              if (key[k + 1] != len) return false;
              for (std::int32_t j = 0; j < len; ++j)
                if (key[k + 2 + static_cast<std::size_t>(j)] != P.multi[off + 1 + static_cast<std::size_t>(j)]) return false;
              k += 2 + static_cast<std::size_t>(len);
            }
          }
          return k == key.size();
        };
        const std::uint64_t h = cur.hash;
        std::size_t slot = h & (cap - 1);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        std::int64_t found = -1;
        while (table[slot].group1 != 0) {
          if (table[slot].tag == tag && same(table[slot].group1 - 1)) {
            found = table[slot].group1 - 1;
            break;
          }
          slot = (slot + 1) & (cap - 1);
        }
        if (found >= 0) {
          std::int64_t& gw = P.weight[static_cast<std::size_t>(found)];
          if (__builtin_add_overflow(gw, w, &gw)) too_large();
        } else {
          // A new group.
          const auto g = static_cast<std::int32_t>(P.weight.size());
          table[slot] = Slot{tag, static_cast<std::uint32_t>(g) + 1};
          P.weight.push_back(w);
          std::int32_t fatal = -1;
          Status kind = Status::Active;
          std::int32_t prev_rank = 0, index = 0;
          for (std::size_t k = 0; k < key.size(); ++index) {
            const std::int32_t rank = key[k], len = key[k + 1];
            P.rank_of.push_back(rank);
            if (len == 1) {
              P.marks.push_back(key[k + 2]);
            } else {
              P.marks.push_back(-2 - static_cast<std::int32_t>(P.multi.size()));
              P.multi.push_back(len);
              for (std::int32_t j = 0; j < len; ++j) P.multi.push_back(key[k + 2 + static_cast<std::size_t>(j)]);
            }
            if (fatal < 0 && cfg.max_skipped >= 0 && rank - prev_rank > cfg.max_skipped + 1) {
              fatal = index;
              kind = Status::Skipped;
            }
            prev_rank = rank;
            if (fatal < 0 && cfg.exhaust_on_duplicate) {
              for (std::int32_t j = 0; j < len; ++j) {
                const std::int32_t c = key[k + 2 + static_cast<std::size_t>(j)];
                auto& sn = seen[static_cast<std::size_t>(c == kOvervoteMark ? P.ncand : c)];
                if (sn == g) {
                  fatal = index;
                  kind = Status::Repeated;
                  break;
                }
                sn = g;
              }
            }
            k += 2 + static_cast<std::size_t>(len);
          }
          P.begin.push_back(static_cast<std::uint32_t>(P.marks.size()));
          P.fatal_at.push_back(fatal < 0 ? index : fatal);
          P.fatal_kind.push_back(kind);
        }
      }
    }
    if (i + kAhead < n) load(i + kAhead, cur);
  }
  if (P.has_explicit_overvote && cfg.overvote == Overvote::IfMultiple && cfg.variant == Variant::Rctab)
    throw UsageError("overvote_rule exhaust_if_multiple_continuing cannot be used with explicit overvote marks");
  return P;
}

// ---------------------------------------------------------------------------
// One RCTab count (one pass of irv_multipass, or the whole count otherwise).

constexpr int kToExhausted = -1;  // transfer target: the ballots became inactive
constexpr int kToResidual = -2;   // transfer target: residual surplus (truncation dust)

enum Bucket : int { kOvervotes = 0, kSkipped, kExhaustedChoices, kRepeated, kFinalSurplus, kNumBuckets };
enum class Elect { None, Threshold, AllRemaining, TopOfTwo, FirstRoundTop, OnePerRound, Percentage };
enum class Elim { None, Uwi, Cutoff, Batch, Lowest };

struct TieNote {
  bool winner = false;
  std::vector<int> tied;
  int chosen = -1;
  std::string how;  // "by random draw", "it had fewer votes in round 2 (3)", ...
};

struct RoundRec {
  int number = 0;
  std::vector<i128> tally;  // scale S; valid where shown
  std::vector<char> shown;
  i128 threshold = 0;
  int threshold_scale = 0;
  i128 active = 0;
  std::vector<int> elected, eliminated;
  Elect elect = Elect::None;
  Elim elim = Elim::None;
  std::optional<TieNote> tie;
  std::array<i128, kNumBuckets> buckets{};
  i128 residual = 0;  // multi-seat: truncation dust kept by winners so far
  // Moves made in the next round by the candidates decided in this one.
  std::map<int, std::map<int, i128>> transfers;
};

class Count {
 public:
  Count(const RankedElection& e, const Prepared& P, const Config& cfg, std::vector<char> excluded,
        const RuleParams& params, const std::vector<std::string>& java_names, std::vector<std::string>& notes,
        int pass)
      : e_(e), P_(P), cfg_(cfg), params_(params), java_names_(java_names), notes_(notes), pass_(pass),
        n_(P.ncand), excluded_(std::move(excluded)) {
    seats_ = cfg.mode == Mode::MultiPass ? 1 : cfg.seats;
    S_ = cfg.dp + P.count_decimals;
    unit_ = pow10(cfg.dp);
    cont_.assign(static_cast<std::size_t>(n_), 0);
    for (int c = 0; c < n_; ++c)
      if (!excluded_[static_cast<std::size_t>(c)]) {
        cont_[static_cast<std::size_t>(c)] = 1;
        ++num_candidates_;
      }
    for (int c = 0; c < n_; ++c)
      if (e.candidates[static_cast<std::size_t>(c)] == "$UWI") uwi_ = c;
    elected_round.assign(static_cast<std::size_t>(n_), 0);
    eliminated_round.assign(static_cast<std::size_t>(n_), 0);
    tally_.assign(static_cast<std::size_t>(n_), 0);
    parked_.assign(static_cast<std::size_t>(n_), 0);
    display_.assign(static_cast<std::size_t>(n_), 0);
    holders_.assign(static_cast<std::size_t>(n_), {});
    const std::size_t G = P.groups();
    rec_.assign(G, -1);
    pos_.assign(G, 0);
    status_.assign(G, Status::Active);
    value_.assign(G, unit_);
    if (cfg.tie == Tie::Random || cfg.tie == Tie::PreviousThenRandom || cfg.tie == Tie::Permutation) rng_.emplace(cfg.seed);
    permutation_ = cfg.permutation;
    if (cfg.tie == Tie::Permutation) {
      // RCTab sorts the names, then shuffles them with the seeded generator.
      std::sort(permutation_.begin(), permutation_.end(), [&](int a, int b) {
        return detail::java_string_less(java_names_[static_cast<std::size_t>(a)], java_names_[static_cast<std::size_t>(b)]);
      });
      detail::java_shuffle(permutation_, *rng_);
      std::string list;
      for (int c : permutation_) list += (list.empty() ? "" : ", ") + e.candidates[static_cast<std::size_t>(c)];
      notes_.push_back(prefix() + "tie-break order generated with java.util.Random(" + std::to_string(cfg.seed) +
                       ") shuffling the sorted names: " + list + ".");
    }
    if (cfg.tie == Tie::TieOrder) tie_order_.emplace(contest_of(e), params.tie_break);
  }

  void run() {
    while (keep_going()) one_round();
  }

  // Outputs.
  std::vector<RoundRec> rounds;
  std::vector<int> winners;
  std::vector<int> elected_round, eliminated_round;  // 0: not
  int seats() const { return seats_; }
  int scale() const { return S_; }
  int pass() const { return pass_; }
  bool stalled() const { return stalled_; }
  const std::vector<char>& excluded() const { return excluded_; }
  int uwi() const { return uwi_; }
  std::string undervotes_text() const { return dec(P_.undervotes, P_.count_decimals); }

 private:
  std::string prefix() const { return pass_ > 0 ? "Pass " + std::to_string(pass_) + ": " : ""; }
  const std::string& name(int c) const { return e_.candidates[static_cast<std::size_t>(c)]; }
  bool cont(int c) const { return cont_[static_cast<std::size_t>(c)] != 0; }
  i128& tally(int c) { return tally_[static_cast<std::size_t>(c)]; }

  int n_elim() const {
    int k = 0;
    for (int r : eliminated_round) k += r > 0;
    return k;
  }

  bool keep_going() const {
    const int done = static_cast<int>(rounds.size());
    if (stalled_) return false;
    if (cfg_.stop_after > 0 && done >= cfg_.stop_after) return false;
    const int nw = static_cast<int>(winners.size());
    if (nw == num_candidates_ && seats_ > num_candidates_) return false;
    if (cfg_.until_two)
      return n_elim() + nw + 1 < num_candidates_ || (done > 0 && !rounds.back().eliminated.empty());
    if (cfg_.mode == Mode::Percentage) return nw == 0;
    return nw < seats_ || (seats_ > 1 && cfg_.mode != Mode::BottomsUp && done > 0 && !rounds.back().elected.empty());
  }

  // Looks for the ballot's next continuing candidate from its current mark.
  void place(std::size_t g) {
    const std::uint32_t b = P_.begin[g];
    const auto m = static_cast<std::int32_t>(P_.begin[g + 1] - b);
    const std::int32_t fatal = P_.fatal_at[g];
    for (std::int32_t k = pos_[g]; k < m; ++k) {
      if (k == fatal) {
        status_[g] = P_.fatal_kind[g];
        return;
      }
      const std::int32_t code = P_.marks[b + static_cast<std::uint32_t>(k)];
      const bool last = k == m - 1;
      if (code >= 0) {
        if (cont(code)) {
          rec_[g] = code;
          pos_[g] = k;
          return;
        }
      } else {
        const std::int32_t* cs = nullptr;
        std::int32_t n = 1;
        if (code == kOvervoteMark) {
          cs = &P_.marks[b + static_cast<std::uint32_t>(k)];
        } else {
          const auto off = static_cast<std::size_t>(-code - 2);
          n = P_.multi[off];
          cs = &P_.multi[off + 1];
        }
        if (cfg_.overvote == Overvote::Exhaust) {
          status_[g] = Status::Overvote;
          return;
        }
        if (cfg_.overvote == Overvote::Skip) {
          if (last) {
            status_[g] = Status::Exhausted;
            return;
          }
          continue;
        }
        int continuing = 0, first = -1;
        for (std::int32_t j = 0; j < n; ++j)
          if (cs[j] >= 0 && cont(cs[j])) {
            ++continuing;
            if (first < 0) first = cs[j];
          }
        if (continuing >= 2) {
          status_[g] = Status::Overvote;
          return;
        }
        if (first >= 0) {
          rec_[g] = first;
          pos_[g] = k;
          return;
        }
      }
      if (last) {
        status_[g] = Status::Exhausted;
        return;
      }
    }
    status_[g] = Status::Exhausted;
  }

  static int bucket_of(Status s) {
    switch (s) {
      case Status::Overvote: return kOvervotes;
      case Status::Skipped: return kSkipped;
      case Status::Repeated: return kRepeated;
      case Status::FinalSurplus: return kFinalSurplus;
      default: return kExhaustedChoices;
    }
  }

  void move_ballots(int r) {
    const std::size_t G = P_.groups();
    if (r == 1) {
      for (std::size_t g = 0; g < G; ++g) {
        place(g);
        const i128 amount = mul(P_.weight[g], value_[g]);
        if (status_[g] == Status::Active) {
          i128& t = tally(rec_[g]);
          t = add(t, amount);
          holders_[static_cast<std::size_t>(rec_[g])].push_back(static_cast<std::int32_t>(g));
        } else {
          i128& bk = buckets_[static_cast<std::size_t>(bucket_of(status_[g]))];
          bk = add(bk, amount);
        }
      }
      return;
    }
    std::sort(departed_.begin(), departed_.end());
    const bool seats_filled = cfg_.mode == Mode::Stv && seats_ > 1 && static_cast<int>(winners.size()) >= seats_;
    std::vector<i128> acc(static_cast<std::size_t>(n_) + 1);
    for (int d : departed_) {
      std::fill(acc.begin(), acc.end(), 0);
      std::vector<std::int32_t> list;
      list.swap(holders_[static_cast<std::size_t>(d)]);
      for (std::int32_t gi : list) {
        const auto g = static_cast<std::size_t>(gi);
        const i128 amount = mul(P_.weight[g], value_[g]);
        rec_[g] = -1;
        if (seats_filled) {
          status_[g] = Status::FinalSurplus;
          buckets_[kFinalSurplus] = add(buckets_[kFinalSurplus], amount);
          acc[static_cast<std::size_t>(n_)] += amount;
          continue;
        }
        place(g);
        if (status_[g] == Status::Active) {
          i128& t = tally(rec_[g]);
          t = add(t, amount);
          holders_[static_cast<std::size_t>(rec_[g])].push_back(gi);
          acc[static_cast<std::size_t>(rec_[g])] += amount;
        } else {
          i128& bk = buckets_[static_cast<std::size_t>(bucket_of(status_[g]))];
          bk = add(bk, amount);
          acc[static_cast<std::size_t>(n_)] += amount;
        }
      }
      tally(d) = 0;
      auto& tr = rounds[static_cast<std::size_t>(r) - 2].transfers[d];
      for (int c = 0; c < n_; ++c)
        if (acc[static_cast<std::size_t>(c)] != 0) tr[c] = acc[static_cast<std::size_t>(c)];
      if (acc[static_cast<std::size_t>(n_)] != 0) tr[kToExhausted] = acc[static_cast<std::size_t>(n_)];
    }
    departed_.clear();
  }

  void compute_threshold(i128 active) {
    if (cfg_.mode == Mode::Percentage) {
      threshold_ = mul(active, cfg_.pct_units);
      threshold_scale_ = S_ + cfg_.pct_scale;
      return;
    }
    threshold_scale_ = S_;
    const int d = cfg_.non_integer ? cfg_.dp : 0;
    const i128 step = pow10(S_ - d);
    if (cfg_.hare) {
      const i128 div = mul(step, seats_);
      threshold_ = mul((active + div - 1) / div, step);
    } else {
      const i128 div = mul(step, seats_ + 1);
      threshold_ = mul(active / div + 1, step);
    }
  }

  // tally (scale S) compared with the threshold: <0, 0, >0.
  int vs_threshold(i128 t) const {
    const i128 lhs = threshold_scale_ > S_ ? mul(t, pow10(threshold_scale_ - S_)) : t;
    return lhs < threshold_ ? -1 : lhs > threshold_ ? 1 : 0;
  }

  std::vector<int> continuing() const {
    std::vector<int> v;
    for (int c = 0; c < n_; ++c)
      if (cont(c)) v.push_back(c);
    return v;
  }

  // ----- ties -----

  [[noreturn]] void needs_operator(int r, const std::vector<int>& tied, bool winner) const {
    std::string list;
    for (std::size_t i = 0; i < tied.size(); ++i)
      list += (i == 0 ? "" : i + 1 == tied.size() ? " and " : ", ") + name(tied[i]);
    throw UsageError(prefix() + "round " + std::to_string(r) + ": " + list + " are tied " +
                     (winner ? "for election" : "for elimination") +
                     " and the tiebreak option asks an operator to decide (interactive), which a reproducible count cannot do");
  }

  int draw(int r, const std::vector<int>& list, bool winner, TieNote& note) {
    const double d = rng_->next_double();
    const int index = static_cast<int>(std::floor(d * static_cast<double>(list.size())));
    ++draws_;
    // Shortest text that reads back as the same double (what Java prints).
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf - 1, d);
    *res.ptr = '\0';
    std::string names;
    for (std::size_t i = 0; i < list.size(); ++i) names += (i ? ", " : "") + name(list[i]);
    notes_.push_back(prefix() + "round " + std::to_string(r) + ": random tie-break " + (winner ? "for election" : "for elimination") +
                     " among [" + names + "]: draw " + std::to_string(draws_) + " of java.util.Random(" +
                     std::to_string(cfg_.seed) + ") nextDouble() = " + buf + ", index " + std::to_string(index) + " -> " +
                     name(list[static_cast<std::size_t>(index)]) + ".");
    note.how = "by a seeded random draw";
    return list[static_cast<std::size_t>(index)];
  }

  int break_tie(int r, std::vector<int> tied, bool winner) {
    auto jl = [&](int a, int b) {
      return detail::java_string_less(java_names_[static_cast<std::size_t>(a)], java_names_[static_cast<std::size_t>(b)]);
    };
    std::sort(tied.begin(), tied.end(), jl);
    TieNote note;
    note.winner = winner;
    note.tied = tied;
    int chosen = -1;
    switch (cfg_.tie) {
      case Tie::Interactive: needs_operator(r, tied, winner);
      case Tie::Random: chosen = draw(r, tied, winner, note); break;
      case Tie::PreviousThenRandom:
      case Tie::PreviousThenInteractive: {
        std::vector<int> list = tied;
        for (int k = r - 1; k >= 1 && list.size() > 1; --k) {
          // Java rebuilds the list through a HashSet: its iteration order matters
          // when a random draw follows (rules section 6).
          std::vector<std::string> names;
          for (int c : list) names.push_back(java_names_[static_cast<std::size_t>(c)]);
          std::vector<int> hs;
          for (std::size_t i : detail::java_hash_set_order(names)) hs.push_back(list[i]);
          const auto& t = rounds[static_cast<std::size_t>(k) - 1].tally;
          i128 best = t[static_cast<std::size_t>(hs[0])];
          for (int c : hs) {
            const i128 v = t[static_cast<std::size_t>(c)];
            if (winner ? v > best : v < best) best = v;
          }
          list.clear();
          for (int c : hs)
            if (t[static_cast<std::size_t>(c)] == best) list.push_back(c);
          if (list.size() == 1) {
            chosen = list[0];
            note.how = std::string("because it had ") + (winner ? "more" : "fewer") + " votes in round " + std::to_string(k) +
                       " (" + dec(best, S_, true) + ")";
          }
        }
        if (chosen < 0) {
          if (cfg_.tie == Tie::PreviousThenInteractive) needs_operator(r, list, winner);
          chosen = draw(r, list, winner, note);
          note.how = "by a seeded random draw (earlier rounds did not separate them)";
        }
        break;
      }
      case Tie::CandidateOrder:
      case Tie::Permutation: {
        const std::set<int> s(tied.begin(), tied.end());
        if (winner) {
          for (int c : permutation_)
            if (s.count(c)) {
              chosen = c;
              break;
            }
        } else {
          for (auto it = permutation_.rbegin(); it != permutation_.rend(); ++it)
            if (s.count(*it)) {
              chosen = *it;
              break;
            }
        }
        if (chosen < 0) chosen = winner ? tied.front() : tied.back();
        note.how = std::string("because it comes ") + (winner ? "first" : "last") + " in the " +
                   (cfg_.tie == Tie::Permutation ? "generated tie-break order" : "candidate order");
        break;
      }
      case Tie::TieOrder: {
        chosen = tied.front();
        for (int c : tied)
          if (winner ? tie_order_->rank(c) < tie_order_->rank(chosen) : tie_order_->rank(c) > tie_order_->rank(chosen)) chosen = c;
        note.how = std::string("because it comes ") + (winner ? "first" : "last") + " in the contest's tie order (" +
                   params_.tie_break.method_name() + ")";
        break;
      }
    }
    note.chosen = chosen;
    rounds.back().tie = note;
    return chosen;
  }

  // ----- one round -----

  void one_round() {
    const int r = static_cast<int>(rounds.size()) + 1;
    rounds.emplace_back();
    rounds.back().number = r;
    move_ballots(r);
    RoundRec& rr = rounds.back();
    rr.tally = tally_;
    rr.shown.assign(static_cast<std::size_t>(n_), 0);
    i128 active = buckets_[kFinalSurplus];
    for (int c = 0; c < n_; ++c)
      if (cont(c)) {
        rr.shown[static_cast<std::size_t>(c)] = 1;
        active = add(active, tally(c));
      }
    rr.active = active;

    bool recompute;
    if (seats_ > 1) recompute = r == 1;
    else recompute = r == 1 || !(cfg_.first_round || (cfg_.until_two && !winners.empty()));
    if (recompute) compute_threshold(active);
    rr.threshold = threshold_;
    rr.threshold_scale = threshold_scale_;

    const std::vector<int> live = continuing();
    const int ncont = static_cast<int>(live.size());
    const bool uwi_votes = uwi_ >= 0 && cont(uwi_) && tally(uwi_) > 0;
    auto by_votes_desc = [&](std::vector<int>& v) {
      std::stable_sort(v.begin(), v.end(), [&](int a, int b) { return tally(a) > tally(b); });
    };

    // Winners.
    std::vector<int> sel;
    Elect why = Elect::None;
    if (!uwi_votes) {
      if (cfg_.mode == Mode::Percentage) {
        bool all = ncont > 0;
        for (int c : live) all = all && vs_threshold(tally(c)) > 0;
        if (all) {
          sel = live;
          why = Elect::Percentage;
        }
      } else {
        const int open = seats_ - static_cast<int>(winners.size());
        if (open > 0) {
          if (ncont <= open) {
            sel = live;
            why = Elect::AllRemaining;
          } else if (cfg_.first_round && ncont - 1 == seats_) {
            i128 best = tally(live[0]);
            for (int c : live) best = std::max(best, tally(c));
            for (int c : live)
              if (tally(c) == best) sel.push_back(c);
            why = Elect::FirstRoundTop;
          } else if (cfg_.mode != Mode::BottomsUp) {
            for (int c : live)
              if (c != uwi_ && vs_threshold(tally(c)) >= 0) sel.push_back(c);
            if (!sel.empty()) why = Elect::Threshold;
          }
        }
        const bool several = sel.size() > 1 && (cfg_.one_per_round || cfg_.first_round);
        const bool last_two = seats_ == 1 && sel.empty() && ncont == 2 && open == 1;
        if (several || last_two) {
          i128 best = tally(live[0]);
          for (int c : live) best = std::max(best, tally(c));
          std::vector<int> top;
          for (int c : live)
            if (tally(c) == best) top.push_back(c);
          if (last_two) why = Elect::TopOfTwo;
          else if (why != Elect::FirstRoundTop) why = Elect::OnePerRound;
          sel = top.size() > 1 ? std::vector<int>{break_tie(r, top, true)} : top;
        }
      }
    }

    if (!sel.empty()) {
      by_votes_desc(sel);
      rounds.back().elect = why;
      for (int w : sel) {
        elected_round[static_cast<std::size_t>(w)] = r;
        winners.push_back(w);
        rounds.back().elected.push_back(w);
        rounds.back().transfers[w];  // every decided candidate gets an entry
        if (!cfg_.until_two) {
          cont_[static_cast<std::size_t>(w)] = 0;
          departed_.push_back(w);
        }
      }
      if (seats_ > 1 && cfg_.mode == Mode::Stv) {
        for (int w : sel) {
          const i128 t = tally(w);
          const i128 extra = t - threshold_;
          const i128 f = extra > 0 ? mul_div_floor(extra, unit_, t) : 0;
          for (std::int32_t gi : holders_[static_cast<std::size_t>(w)]) {
            const auto g = static_cast<std::size_t>(gi);
            const i128 moving = mul_div_floor(value_[g], f, unit_);
            parked_[static_cast<std::size_t>(w)] = add(parked_[static_cast<std::size_t>(w)], mul(P_.weight[g], value_[g] - moving));
            value_[g] = moving;
          }
          surplus_fraction[w] = f;
        }
      }
    } else if (static_cast<int>(winners.size()) < seats_ || (cfg_.until_two && n_elim() < num_candidates_ - 2) ||
               cfg_.mode == Mode::Percentage) {
      std::vector<int> out;
      Elim how = Elim::None;
      if (ncont == 0) {
        stalled_ = true;
      } else if (uwi_votes) {
        out = {uwi_};
        how = Elim::Uwi;
      } else {
        if (cfg_.mode == Mode::Percentage && cfg_.cutoff) {
          for (int c : live)
            if (vs_threshold(tally(c)) < 0) out.push_back(c);
          if (static_cast<int>(out.size()) == ncont)
            throw UsageError(prefix() + "round " + std::to_string(r) + ": every candidate is below the threshold, so cutoff elimination cannot go on (RCTab stops here too)");
          if (!out.empty()) how = Elim::Cutoff;
        }
        if (out.empty() && cfg_.batch) {
          out = batch(live);
          if (out.size() < 2) out.clear();
          else how = Elim::Batch;
        }
        if (out.empty()) {
          i128 low = tally(live[0]);
          for (int c : live) low = std::min(low, tally(c));
          std::vector<int> bottom;
          for (int c : live)
            if (tally(c) == low) bottom.push_back(c);
          out = {bottom.size() > 1 ? break_tie(r, bottom, false) : bottom[0]};
          how = Elim::Lowest;
        }
      }
      RoundRec& cur = rounds.back();
      cur.elim = how;
      std::stable_sort(out.begin(), out.end(), [&](int a, int b) { return tally(a) < tally(b); });
      for (int c : out) {
        eliminated_round[static_cast<std::size_t>(c)] = r;
        cont_[static_cast<std::size_t>(c)] = 0;
        departed_.push_back(c);
        cur.eliminated.push_back(c);
        cur.transfers[c];
      }
    }

    // Multi-seat: from the round after their election, winners show the votes
    // parked with them, capped at the threshold; the excess is the residual surplus.
    RoundRec& cur = rounds.back();
    if (seats_ > 1) {
      for (int w : winners) {
        const int er = elected_round[static_cast<std::size_t>(w)];
        if (er == r) continue;
        if (er == r - 1 && cfg_.mode == Mode::Stv) {
          const i128 p = parked_[static_cast<std::size_t>(w)];
          display_[static_cast<std::size_t>(w)] = std::min(p, threshold_);
          if (p > threshold_) {
            rounds[static_cast<std::size_t>(r) - 2].transfers[w][kToResidual] = p - threshold_;
            residual_ = add(residual_, p - threshold_);
          }
        }
        cur.tally[static_cast<std::size_t>(w)] = display_[static_cast<std::size_t>(w)];
        cur.shown[static_cast<std::size_t>(w)] = 1;
      }
    }
    cur.buckets = buckets_;
    cur.residual = residual_;
  }

  // RCTab's batch elimination (rules section 5).
  std::vector<int> batch(std::vector<int> live) {
    std::stable_sort(live.begin(), live.end(), [&](int a, int b) { return tally(a) < tally(b); });
    i128 running = 0;
    std::vector<int> seen, elim, previous;
    std::size_t i = 0;
    while (i < live.size()) {
      const i128 v = tally(live[i]);
      std::size_t j = i;
      while (j < live.size() && tally(live[j]) == v) ++j;
      std::vector<int> next = elim;
      if (running < v)
        for (int c : seen)
          if (std::find(elim.begin(), elim.end(), c) == elim.end()) next.push_back(c);
      running = add(running, mul(v, static_cast<i128>(j - i)));
      for (std::size_t k = i; k < j; ++k) seen.push_back(live[k]);
      if (next.size() > elim.size()) {
        previous = elim;
        elim = next;
      }
      i = j;
    }
    if (cfg_.until_two && static_cast<int>(elim.size()) + n_elim() == num_candidates_ - 1) elim = previous;
    return elim;
  }

  const RankedElection& e_;
  const Prepared& P_;
  const Config& cfg_;
  const RuleParams& params_;
  const std::vector<std::string>& java_names_;
  std::vector<std::string>& notes_;
  int pass_ = 0;
  int n_ = 0;
  int seats_ = 1;
  int S_ = 0;
  i128 unit_ = 1;
  int num_candidates_ = 0;  // not excluded, undeclared write-ins included
  int uwi_ = -1;
  std::vector<char> excluded_;
  std::vector<char> cont_;
  std::vector<i128> tally_, parked_, display_;
  std::vector<std::vector<std::int32_t>> holders_;
  std::vector<std::int32_t> rec_, pos_;
  std::vector<Status> status_;
  std::vector<i128> value_;
  std::array<i128, kNumBuckets> buckets_{};
  i128 residual_ = 0;
  std::vector<int> departed_;
  i128 threshold_ = 0;
  int threshold_scale_ = 0;
  bool stalled_ = false;
  std::optional<JavaRandom> rng_;
  std::optional<TieOrder> tie_order_;
  std::vector<int> permutation_;
  int draws_ = 0;

 public:
  std::map<int, i128> surplus_fraction;  // stv winner -> share of each ballot passed on (scale dp)
};

// ---------------------------------------------------------------------------
// The result document: rounds, sentences, explanations.

std::string join_names(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i == 0 ? "" : i + 1 == v.size() ? " and " : ", ") + v[i];
  return s;
}

class Writer {
 public:
  Writer(const RankedElection& e, const Config& cfg) : e_(e), cfg_(cfg) {}

  std::string label(int c) const {
    const std::string& n = e_.candidates[static_cast<std::size_t>(c)];
    return n == "$UWI" ? "undeclared write-ins" : n;
  }
  std::string key(int c) const { return e_.candidates[static_cast<std::size_t>(c)]; }

  std::string labels(const std::vector<int>& cs) const {
    std::vector<std::string> v;
    for (int c : cs) v.push_back(label(c));
    return join_names(v);
  }

  static std::string threshold_text(const RoundRec& rr) { return dec(rr.threshold, rr.threshold_scale, true); }

  // "9 of its votes moved to B, 2 to C and 1 became inactive" (subject: " of its votes")
  std::string moves(const std::map<int, i128>& tr, int S, const std::string& subject) const {
    std::vector<std::pair<int, i128>> v;
    i128 out = 0;
    for (const auto& [to, amount] : tr)
      if (to >= 0) v.push_back({to, amount});
      else if (to == kToExhausted) out = amount;
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < v.size(); ++i)
      parts.push_back(dec(v[i].second, S, true) + (i == 0 ? subject + " moved to " : " to ") + label(v[i].first));
    if (out > 0) parts.push_back(dec(out, S, true) + (parts.empty() ? subject : "") + " became inactive");
    if (parts.empty()) return "";
    return join_names(parts);
  }

  std::string round_text(const Count& k, const RoundRec& rr, bool last_round) const {
    const int S = k.scale();
    const std::string head = (k.pass() > 0 ? "Pass " + std::to_string(k.pass()) + ", round " : "Round ") + std::to_string(rr.number) + ": ";
    const std::string thr = threshold_text(rr);
    auto votes = [&](int c) { return votes_text(rr.tally[static_cast<std::size_t>(c)], S); };
    std::string s;
    std::string tie;
    if (rr.tie) {
      std::vector<int> others;
      for (int c : rr.tie->tied)
        if (c != rr.tie->chosen) others.push_back(c);
      tie = " (tied with " + labels(others) + "; " + label(rr.tie->chosen) + " was " + (rr.tie->winner ? "chosen " : "picked to go ") +
            rr.tie->how + ")";
    }
    if (!rr.elected.empty()) {
      const bool one = rr.elected.size() == 1;
      std::vector<std::string> parts;
      for (int c : rr.elected) parts.push_back(label(c) + " (" + dec(rr.tally[static_cast<std::size_t>(c)], S, true) + ")");
      switch (rr.elect) {
        case Elect::Threshold:
          s = one ? label(rr.elected[0]) + " reached the threshold of " + thr + " with " + votes(rr.elected[0]) + " and was elected"
                  : join_names(parts) + " reached the threshold of " + thr + " votes and were elected";
          break;
        case Elect::AllRemaining:
          s = join_names(parts) + (one ? " was" : " were") + " elected: no more candidates were left than open seats";
          break;
        case Elect::TopOfTwo:
          s = "nobody reached " + thr + " votes, so " + label(rr.elected[0]) + ", ahead of the last two with " + votes(rr.elected[0]) + ", was elected";
          break;
        case Elect::FirstRoundTop:
          s = label(rr.elected[0]) + ", top of the last " + std::to_string(k.seats() + 1) + " candidates with " + votes(rr.elected[0]) +
              ", was elected (the threshold of " + thr + " was fixed in round 1)";
          break;
        case Elect::OnePerRound:
          s = label(rr.elected[0]) + " had the most votes (" + dec(rr.tally[static_cast<std::size_t>(rr.elected[0])], S, true) +
              ") and was elected (one winner per round; threshold " + thr + ")";
          break;
        case Elect::Percentage:
          s = "every remaining candidate had more than " + cfg_.pct_text + "% of the active votes (" + thr + "), so " +
              join_names(parts) + (one ? " was" : " were") + " elected";
          break;
        case Elect::None: break;
      }
      s += tie;
      std::vector<std::string> surplus;
      for (int c : rr.elected) {
        auto it = rr.transfers.find(c);
        if (it == rr.transfers.end()) continue;
        const std::string m = moves(it->second, S, one ? " of its surplus" : " of " + label(c) + "'s surplus");
        if (!m.empty()) surplus.push_back(m);
      }
      if (!surplus.empty()) s += "; " + join_names(surplus);
    } else if (!rr.eliminated.empty()) {
      const bool one = rr.eliminated.size() == 1;
      int won_before = 0;
      for (int w : k.winners) won_before += k.elected_round[static_cast<std::size_t>(w)] < rr.number;
      const std::string nobody = cfg_.mode == Mode::Percentage ? "not everyone had more than " + thr + " votes"
                                 : cfg_.mode == Mode::BottomsUp ? "more candidates remained than seats"
                                 : won_before >= std::max(k.seats(), 1) ? "the count goes on until two candidates remain"
                                 : "nobody reached " + thr + " votes";
      std::vector<std::string> parts;
      for (int c : rr.eliminated) parts.push_back(label(c) + " (" + dec(rr.tally[static_cast<std::size_t>(c)], S, true) + ")");
      switch (rr.elim) {
        case Elim::Uwi:
          s = "undeclared write-ins hold " + votes(rr.eliminated[0]) + " and are eliminated before anyone can win";
          break;
        case Elim::Cutoff:
          s = join_names(parts) + (one ? " was" : " were") + " below the threshold of " + thr + " votes and " + (one ? "was" : "were") + " eliminated";
          break;
        case Elim::Batch:
          s = nobody + "; " + join_names(parts) + " could not overtake the next candidate even with all their votes together, so they were eliminated at once";
          break;
        default:
          s = nobody + "; " + label(rr.eliminated[0]) + ", with the fewest votes (" + dec(rr.tally[static_cast<std::size_t>(rr.eliminated[0])], S, true) +
              "), was eliminated" + tie;
      }
      std::vector<std::string> mv;
      for (int c : rr.eliminated) {
        auto it = rr.transfers.find(c);
        if (it == rr.transfers.end()) continue;
        const std::string m = moves(it->second, S, " of its votes");
        if (!m.empty()) mv.push_back(m);
      }
      // "... was eliminated and 9 of its votes moved to B." / "...; 9 of its votes
      // moved to B and 3 became inactive."
      if (one && !mv.empty()) s += (mv[0].find(" and ") == std::string::npos ? " and " : "; ") + mv[0];
      else if (!mv.empty()) {
        std::map<int, i128> all;
        for (int c : rr.eliminated)
          if (auto it = rr.transfers.find(c); it != rr.transfers.end())
            for (const auto& [to, a] : it->second) all[to] += a;
        s += "; " + moves(all, S, " of their votes");
      }
    } else if (last_round && rr.buckets[kFinalSurplus] > 0) {
      s = "all seats are filled, so the last surplus (" + votes_text(rr.buckets[kFinalSurplus], S) + ") is set aside as final-round surplus";
    } else if (last_round && cfg_.stop_after > 0 && rr.number >= cfg_.stop_after) {
      s = "counting stops after this round, as the stop_after_round option asks";
    } else if (last_round) {
      std::vector<int> left;
      for (int c = 0; c < static_cast<int>(rr.shown.size()); ++c)
        if (rr.shown[static_cast<std::size_t>(c)] && k.eliminated_round[static_cast<std::size_t>(c)] == 0) left.push_back(c);
      std::vector<std::string> parts;
      for (int c : left) parts.push_back(label(c) + " " + dec(rr.tally[static_cast<std::size_t>(c)], S, true));
      s = "the final tally is " + join_names(parts);
    } else {
      s = "nothing was decided";
    }
    return head + s + ".";
  }

  Round make_round(const Count& k, const RoundRec& rr, bool last_round, int number) const {
    const int S = k.scale();
    Round out;
    out.number = number;
    out.action = "count";
    out.text = round_text(k, rr, last_round);
    for (int c = 0; c < static_cast<int>(rr.shown.size()); ++c)
      if (rr.shown[static_cast<std::size_t>(c)]) out.tally.push_back({c, dec(rr.tally[static_cast<std::size_t>(c)], S)});
    out.elected = rr.elected;
    out.eliminated = rr.eliminated;
    const i128 exhausted = rr.buckets[kOvervotes] + rr.buckets[kSkipped] + rr.buckets[kExhaustedChoices] + rr.buckets[kRepeated];
    out.figures = {{"threshold", dec(rr.threshold, rr.threshold_scale)},
                   {"exhausted", dec(exhausted, S)},
                   {"overvotes", dec(rr.buckets[kOvervotes], S)},
                   {"skippedRankings", dec(rr.buckets[kSkipped], S)},
                   {"exhaustedChoices", dec(rr.buckets[kExhaustedChoices], S)},
                   {"repeatedRankings", dec(rr.buckets[kRepeated], S)}};
    if (cfg_.mode == Mode::Stv && k.seats() > 1) {
      if (last_round) out.figures.push_back({"finalRoundSurplus", dec(rr.buckets[kFinalSurplus], S)});
      out.figures.push_back({"residualSurplus", dec(rr.residual, S)});
    }
    out.figures.push_back({"undervotes", k.undervotes_text()});
    out.figures.push_back({"active", dec(rr.active, S)});
    if (k.pass() > 0) {
      out.figures.push_back({"pass", std::to_string(k.pass())});
      out.figures.push_back({"pass_round", std::to_string(rr.number)});
    }
    for (const auto& [from, tr] : rr.transfers) {
      Figures f;
      for (const auto& [to, amount] : tr)
        if (to >= 0) f.push_back({key(to), dec(amount, S)});
      if (auto it = tr.find(kToExhausted); it != tr.end()) f.push_back({"exhausted", dec(it->second, S)});
      if (auto it = tr.find(kToResidual); it != tr.end()) f.push_back({"residual surplus", dec(it->second, S)});
      out.transfers.push_back({from, f});
    }
    return out;
  }

  std::string explain(const Count& k, int c) const {
    const int S = k.scale();
    const std::string in = k.pass() > 0 ? "in pass " + std::to_string(k.pass()) + ", round " : "in round ";
    if (k.excluded()[static_cast<std::size_t>(c)]) return "";
    const int er = k.elected_round[static_cast<std::size_t>(c)];
    const int xr = k.eliminated_round[static_cast<std::size_t>(c)];
    if (er > 0) {
      const RoundRec& rr = k.rounds[static_cast<std::size_t>(er) - 1];
      const std::string v = votes_text(rr.tally[static_cast<std::size_t>(c)], S);
      const std::string thr = Writer::threshold_text(rr);
      std::string s;
      switch (rr.elect) {
        case Elect::Threshold:
          s = "Elected " + in + std::to_string(er) + " with " + v + (vs(rr, c, S) > 0 ? ", above" : ", reaching") + " the threshold of " + thr + ".";
          break;
        case Elect::AllRemaining:
          s = "Elected " + in + std::to_string(er) + " with " + v + ": no more candidates were left than open seats.";
          break;
        case Elect::TopOfTwo:
          s = "Elected " + in + std::to_string(er) + " with " + v + ", ahead of the only other candidate left (nobody reached the threshold of " + thr + ").";
          break;
        case Elect::FirstRoundTop:
          s = "Elected " + in + std::to_string(er) + " with " + v + ", the most of the last candidates (the threshold of " + thr + " was fixed in round 1).";
          break;
        case Elect::OnePerRound:
          s = "Elected " + in + std::to_string(er) + " with " + v + ", the most votes that round (threshold " + thr + ", one winner per round).";
          break;
        case Elect::Percentage:
          s = "Elected " + in + std::to_string(er) + " with " + v + ", more than " + cfg_.pct_text + "% of the active votes (" + thr + ").";
          break;
        case Elect::None: break;
      }
      if (rr.tie && rr.tie->chosen == c) s.insert(s.size() - 1, ", after winning a tie " + rr.tie->how);
      return s;
    }
    if (xr > 0) {
      const RoundRec& rr = k.rounds[static_cast<std::size_t>(xr) - 1];
      const std::string v = dec(rr.tally[static_cast<std::size_t>(c)], S, true);
      switch (rr.elim) {
        case Elim::Uwi:
          return "Undeclared write-ins, eliminated " + in + std::to_string(xr) + " with " + votes_text(rr.tally[static_cast<std::size_t>(c)], S) +
                 " (they cannot win and go first).";
        case Elim::Cutoff:
          return "Eliminated " + in + std::to_string(xr) + " with " + votes_text(rr.tally[static_cast<std::size_t>(c)], S) +
                 ", below the threshold of " + Writer::threshold_text(rr) + ".";
        case Elim::Batch: {
          std::vector<int> others;
          for (int o : rr.eliminated)
            if (o != c) others.push_back(o);
          return "Eliminated " + in + std::to_string(xr) + " with " + votes_text(rr.tally[static_cast<std::size_t>(c)], S) + ", together with " +
                 labels(others) + ": even with all their votes combined they could not overtake the next candidate.";
        }
        default:
          if (rr.tie && rr.tie->chosen == c) {
            std::vector<int> others;
            for (int o : rr.tie->tied)
              if (o != c) others.push_back(o);
            return "Eliminated " + in + std::to_string(xr) + ": tied with " + labels(others) + " for the fewest votes (" + v +
                   ") and lost the tie-break, " + rr.tie->how + ".";
          }
          return "Eliminated " + in + std::to_string(xr) + " with the fewest votes (" + v + ").";
      }
    }
    const RoundRec& last = k.rounds.back();
    if (last.shown[static_cast<std::size_t>(c)])
      return "Not elected: still in the count when counting ended after round " + std::to_string(last.number) + ", with " +
             votes_text(last.tally[static_cast<std::size_t>(c)], S) + ".";
    return "Not elected.";
  }

 private:
  static int vs(const RoundRec& rr, int c, int S) {
    const i128 t = rr.tally[static_cast<std::size_t>(c)];
    const i128 lhs = rr.threshold_scale > S ? mul(t, pow10(rr.threshold_scale - S)) : t;
    return lhs < rr.threshold ? -1 : lhs > rr.threshold ? 1 : 0;
  }

  const RankedElection& e_;
  const Config& cfg_;
};

const char* title_of(Mode m, Variant v) {
  if (v == Variant::CondorcetPhp)
    return m == Mode::Single ? "Instant-runoff voting (Condorcet PHP rules)" : "Single transferable vote (Condorcet PHP rules)";
  switch (m) {
    case Mode::Single: return "Instant-runoff voting (RCTab rules)";
    case Mode::Stv: return "Single transferable vote (RCTab rules)";
    case Mode::BottomsUp: return "Bottoms-up multi-winner (RCTab rules)";
    case Mode::Percentage: return "Bottoms-up with a percentage threshold (RCTab rules)";
    case Mode::MultiPass: return "Multi-pass instant-runoff (RCTab rules)";
  }
  return "";
}

std::vector<std::string> java_names_of(const RankedElection& e) {
  std::vector<std::string> v = e.candidates;
  for (auto& n : v)
    if (n == "$UWI") n = "Undeclared Write-ins";  // RCTab's own name for them
  return v;
}

void fill_common(Result& r, const RankedElection& e, const Config& cfg, const RuleParams& params, const Prepared& P) {
  r.rule = cfg.rule;
  r.rule_title = title_of(cfg.mode, cfg.variant);
  r.parameters = cfg.used;
  r.tie_break = params.tie_break;
  const i128 whole = P.total / pow10(P.count_decimals);
  r.ballots = static_cast<std::int64_t>(std::min<i128>(whole, INT64_MAX));
  r.options.resize(e.candidates.size());
  for (std::size_t i = 0; i < e.candidates.size(); ++i) r.options[i].option = static_cast<int>(i);
  if (cfg.tie == Tie::CandidateOrder) r.tie_order = cfg.permutation;
  else if (cfg.tie == Tie::TieOrder) r.tie_order = TieOrder(contest_of(e), params.tie_break).order();
}

Result run_rctab(const RankedElection& e, const RuleParams& params, Mode mode, const char* rule);
Result run_condorcet_php(const RankedElection& e, const Config& cfg, const RuleParams& params);

Result run_rctab(const RankedElection& e, const RuleParams& params, Mode mode, const char* rule) {
  const Config cfg = parse_config(e, params, mode, rule);
  if (cfg.variant == Variant::CondorcetPhp) return run_condorcet_php(e, cfg, params);
  const Prepared P = prepare(e, cfg);
  const std::vector<std::string> java_names = java_names_of(e);
  Result r;
  fill_common(r, e, cfg, params, P);
  Writer w(e, cfg);

  std::vector<char> excluded(e.candidates.size(), 0);
  for (int c : e.withdrawn) {
    if (c < 0 || c >= static_cast<int>(e.candidates.size())) throw UsageError("an excluded candidate index is out of range");
    excluded[static_cast<std::size_t>(c)] = 1;
  }
  std::vector<std::unique_ptr<Count>> passes;
  const int npasses = cfg.mode == Mode::MultiPass ? cfg.seats : 1;
  for (int p = 1; p <= npasses; ++p) {
    auto k = std::make_unique<Count>(e, P, cfg, excluded, params, java_names, r.notes, cfg.mode == Mode::MultiPass ? p : 0);
    k->run();
    const bool won = !k->winners.empty();
    for (int x : k->winners) excluded[static_cast<std::size_t>(x)] = 1;
    passes.push_back(std::move(k));
    if (!won) break;
    bool any_left = false;
    for (std::size_t c = 0; c < excluded.size(); ++c) any_left = any_left || !excluded[c];
    if (!any_left) break;
  }

  int number = 0;
  for (const auto& k : passes) {
    for (std::size_t i = 0; i < k->rounds.size(); ++i)
      r.rounds.push_back(w.make_round(*k, k->rounds[i], i + 1 == k->rounds.size(), ++number));
    for (int x : k->winners) r.winners.push_back(x);
  }
  // Per candidate: first-round votes and what happened to it (last pass it took part in).
  const Count& first = *passes.front();
  for (std::size_t c = 0; c < e.candidates.size(); ++c) {
    OptionOutcome& o = r.options[c];
    if (!first.rounds.empty() && first.rounds[0].shown[c])
      o.support = static_cast<std::int64_t>(first.rounds[0].tally[c] / pow10(first.scale()));
    o.selected = std::find(r.winners.begin(), r.winners.end(), static_cast<int>(c)) != r.winners.end();
    if (first.excluded()[c]) {
      o.explanation = "Excluded from the count: marks for this candidate are passed over.";
      continue;
    }
    for (auto it = passes.rbegin(); it != passes.rend(); ++it) {
      const Count& k = **it;
      if (k.excluded()[c] && !k.elected_round[c]) continue;
      if (k.rounds.empty()) continue;
      o.explanation = w.explain(k, static_cast<int>(c));
      if (!o.explanation.empty()) break;
    }
    if (o.explanation.empty()) o.explanation = "Not elected.";
    if (!first.rounds.empty() && first.rounds[0].shown[c])
      o.figures = {{"first_round_votes", dec(first.rounds[0].tally[c], first.scale())}};
    if (auto it = first.surplus_fraction.find(static_cast<int>(c)); it != first.surplus_fraction.end())
      o.figures.push_back({"surplus_fraction", dec(it->second, cfg.dp)});
  }
  r.notes.insert(r.notes.begin(), dec(P.total, P.count_decimals, true) + " ballots counted, " + dec(P.undervotes, P.count_decimals, true) +
                                      " of them ranking nobody (undervotes).");
  for (const auto& k : passes)
    if (k->stalled()) r.notes.push_back("The count stopped early: no candidate was left to eliminate.");
  return r;
}

// ---------------------------------------------------------------------------
// Condorcet PHP variant (variant=condorcet_php), after the InstantRunoff and
// SingleTransferableVote classes of julien-boudry/Condorcet.
//
// Ballots: a rank holding several names is a tie and is passed over; with
// implicit_ranking (the library's default) the names a ballot leaves out are
// appended as one last, tied rank (so a single missing name counts as a last
// choice). Skip, overvote and duplicate options do not apply.
//
// irv: every round counts each ballot for its first untied, still-open candidate.
// A candidate with more than half of all ballots (not just the active ones) wins;
// otherwise every candidate with the fewest votes is a loser, narrowed down
// (once per extra tied candidate) by the library's pairwise test: a tied candidate
// is spared when it beats another tied one head to head, or has a better overall
// head-to-head balance or more head-to-head wins. The count goes on after the
// winner, to rank everyone: winners take places from the top, losers from the
// bottom; the first place may be shared (all last candidates eliminated together).
//
// stv: quota from all ballots: droop floor(V/(seats+1) + 1), hare V/seats,
// hagenbach_bischoff V/(seats+1), imperiali V/(seats+2). Every round is counted
// afresh: a ballot whose first untied name is elected moves on worth
// weight x surplus/total of that winner; one whose first name is eliminated moves
// on at full weight; ballots of later winners are not passed on again. Everyone
// at or over the quota is elected (best first, ties by candidate order); if
// nobody is, the last candidate (ties: the later one in candidate order) is
// eliminated. Seats still open at the end go to the last eliminated. The library
// rounds tallies to 9 decimals in floating point; we count exactly (its own tests
// compare with a tolerance).

struct PhpBallot {
  std::vector<std::vector<int>> ranks;
  Rational weight;
};

std::vector<PhpBallot> php_ballots(const RankedElection& e, bool implicit) {
  std::vector<PhpBallot> out;
  const auto n = e.candidates.size();
  for (const auto& b : e.ballots) {
    PhpBallot pb;
    mpz_class den;
    mpz_ui_pow_ui(den.get_mpz_t(), 10, static_cast<unsigned long>(b.count.decimals));
    pb.weight = Rational(mpz_class(static_cast<long>(b.count.units)), den);
    pb.weight.canonicalize();
    if (sgn(pb.weight) <= 0) continue;
    std::vector<char> on(n, 0);
    for (const auto& rank : b.ranks) {
      if (rank.empty()) continue;
      std::vector<int> cs;
      for (int c : rank) {
        if (c == kOvervoteMark) {
          cs.push_back(-1);
          continue;
        }
        if (c < 0 || static_cast<std::size_t>(c) >= n) throw UsageError("a ballot names a candidate that does not exist");
        on[static_cast<std::size_t>(c)] = 1;
        cs.push_back(c);
      }
      pb.ranks.push_back(cs);
    }
    if (implicit) {
      std::vector<int> rest;
      for (std::size_t c = 0; c < n; ++c)
        if (!on[c]) rest.push_back(static_cast<int>(c));
      if (!rest.empty()) pb.ranks.push_back(rest);
    }
    out.push_back(std::move(pb));
  }
  return out;
}

Result run_condorcet_php(const RankedElection& e, const Config& cfg, const RuleParams& params) {
  const int n = static_cast<int>(e.candidates.size());
  const auto ballots = php_ballots(e, cfg.implicit_ranking);
  Rational total = 0;
  for (const auto& b : ballots) total += b.weight;
  Prepared dummy;
  dummy.total = 0;
  Result r;
  fill_common(r, e, cfg, params, dummy);
  r.ballots = static_cast<std::int64_t>(mpz_class(total.get_num() / total.get_den()).get_si());
  std::vector<char> done(static_cast<std::size_t>(n), 0);
  for (int c : e.withdrawn)
    if (c >= 0 && c < n) done[static_cast<std::size_t>(c)] = 1;
  std::vector<std::vector<int>> places;  // ranking, best first (filled from both ends)
  std::vector<Rational> first_round(static_cast<std::size_t>(n));
  std::vector<std::string> explanation(static_cast<std::size_t>(n));
  std::vector<int> winners;
  auto label = [&](int c) { return e.candidates[static_cast<std::size_t>(c)]; };
  auto names = [&](const std::vector<int>& v) {
    std::vector<std::string> s;
    for (int c : v) s.push_back(label(c));
    return join_names(s);
  };

  if (cfg.mode == Mode::Single) {
    const Rational majority = total / 2;
    // Pairwise counts, computed on first need (only ties use them).
    std::vector<Rational> pw;
    auto pairwise = [&]() -> const std::vector<Rational>& {
      if (!pw.empty()) return pw;
      pw.assign(static_cast<std::size_t>(n * n), Rational(0));
      for (const auto& b : ballots) {
        std::vector<int> at(static_cast<std::size_t>(n), -1);
        for (std::size_t k = 0; k < b.ranks.size(); ++k)
          for (int c : b.ranks[k])
            if (c >= 0 && at[static_cast<std::size_t>(c)] < 0) at[static_cast<std::size_t>(c)] = static_cast<int>(k);
        for (int x = 0; x < n; ++x)
          for (int y = 0; y < n; ++y)
            if (at[static_cast<std::size_t>(x)] >= 0 && at[static_cast<std::size_t>(y)] >= 0 && at[static_cast<std::size_t>(x)] < at[static_cast<std::size_t>(y)])
              pw[static_cast<std::size_t>(x * n + y)] += b.weight;
      }
      return pw;
    };
    auto narrow = [&](const std::vector<int>& losers) {
      const auto& p = pairwise();
      std::vector<int> wins(static_cast<std::size_t>(n), 0), balance(static_cast<std::size_t>(n), 0);
      for (int x = 0; x < n; ++x)
        for (int y = 0; y < n; ++y) {
          if (x == y) continue;
          const auto& a = p[static_cast<std::size_t>(x * n + y)];
          const auto& b = p[static_cast<std::size_t>(y * n + x)];
          if (a > b) {
            ++wins[static_cast<std::size_t>(x)];
            ++balance[static_cast<std::size_t>(x)];
          } else if (a < b) {
            --balance[static_cast<std::size_t>(x)];
          }
        }
      std::vector<int> keep;
      for (int x : losers) {
        bool lose = true;
        for (int y : losers) {
          if (x == y) continue;
          if (p[static_cast<std::size_t>(x * n + y)] > p[static_cast<std::size_t>(y * n + x)] ||
              balance[static_cast<std::size_t>(x)] > balance[static_cast<std::size_t>(y)] ||
              wins[static_cast<std::size_t>(x)] > wins[static_cast<std::size_t>(y)])
            lose = false;
        }
        if (lose) keep.push_back(x);
      }
      return keep.empty() ? losers : keep;
    };
    int open = 0;
    for (int c = 0; c < n; ++c) open += !done[static_cast<std::size_t>(c)];
    std::vector<std::vector<int>> top, bottom;  // bottom: worst first
    int round = 0;
    while (open > 0) {
      ++round;
      std::vector<Rational> score(static_cast<std::size_t>(n), Rational(0));
      for (const auto& b : ballots)
        for (const auto& rank : b.ranks) {
          if (rank.size() != 1) continue;
          const int c = rank[0];
          if (c >= 0 && !done[static_cast<std::size_t>(c)]) {
            score[static_cast<std::size_t>(c)] += b.weight;
            break;
          }
        }
      std::vector<int> live;
      for (int c = 0; c < n; ++c)
        if (!done[static_cast<std::size_t>(c)]) live.push_back(c);
      if (round == 1)
        for (int c : live) first_round[static_cast<std::size_t>(c)] = score[static_cast<std::size_t>(c)];
      Rational hi = score[static_cast<std::size_t>(live[0])], lo = hi;
      for (int c : live) {
        hi = std::max(hi, score[static_cast<std::size_t>(c)]);
        lo = std::min(lo, score[static_cast<std::size_t>(c)]);
      }
      Round out;
      out.number = round;
      out.action = "count";
      for (int c : live) out.tally.push_back({c, exact_text(score[static_cast<std::size_t>(c)])});
      out.figures = {{"majority", exact_text(majority)}};
      if (hi > majority) {
        std::vector<int> w;
        for (int c : live)
          if (score[static_cast<std::size_t>(c)] == hi) w.push_back(c);
        for (int c : w) {
          done[static_cast<std::size_t>(c)] = 1;
          top.push_back({c});
          explanation[static_cast<std::size_t>(c)] = "Ranked " + std::to_string(top.size()) + (top.size() == 1 ? " (the winner)" : "") +
                                                     ": more than half of all ballots (" + exact_text(majority) + ") in round " +
                                                     std::to_string(round) + ", with " + exact_text(hi) + ".";
        }
        out.elected = w;
        out.text = "Round " + std::to_string(round) + ": " + names(w) + " had more than half of all ballots (" + exact_text(hi) + " of " +
                   exact_text(total) + ") and " + (w.size() == 1 ? "takes" : "take") + " the next place.";
        open -= static_cast<int>(w.size());
      } else {
        std::vector<int> losers;
        for (int c : live)
          if (score[static_cast<std::size_t>(c)] == lo) losers.push_back(c);
        const std::size_t tied = losers.size();
        for (std::size_t i = 1; i < tied; ++i) losers = narrow(losers);
        for (int c : losers) {
          done[static_cast<std::size_t>(c)] = 1;
          explanation[static_cast<std::size_t>(c)] = "Eliminated in round " + std::to_string(round) + " with the fewest votes (" + exact_text(lo) + ")" +
                                                     (tied > losers.size() ? ", after the pairwise tie-break" : "") + ".";
        }
        bottom.push_back(losers);
        out.eliminated = losers;
        out.text = "Round " + std::to_string(round) + ": nobody had more than half of all ballots (" + exact_text(majority) + "); " + names(losers) +
                   ", with the fewest votes (" + exact_text(lo) + "), " + (losers.size() == 1 ? "was" : "were") + " eliminated" +
                   (tied > losers.size() ? " after the pairwise tie-break" : "") + ".";
        open -= static_cast<int>(losers.size());
      }
      r.rounds.push_back(out);
    }
    places = top;
    for (auto it = bottom.rbegin(); it != bottom.rend(); ++it) places.push_back(*it);
    if (!places.empty()) winners = places.front();
    for (int c : winners)
      if (top.empty() || top.front() != std::vector<int>{c})
        explanation[static_cast<std::size_t>(c)] = "Ranked first, shared: the last candidates left were eliminated together, so the library places them all first.";
  } else {
    const int seats = e.seats;
    Rational quota;
    switch (cfg.quota) {
      case Quota::Droop: {
        Rational q = total / (seats + 1) + 1;
        mpz_class f;
        mpz_fdiv_q(f.get_mpz_t(), q.get_num_mpz_t(), q.get_den_mpz_t());
        quota = Rational(f);
        break;
      }
      case Quota::Hare: quota = total / seats; break;
      case Quota::HagenbachBischoff: quota = total / (seats + 1); break;
      case Quota::Imperiali: quota = total / (seats + 2); break;
    }
    std::vector<char> elected(static_cast<std::size_t>(n), 0), eliminated(static_cast<std::size_t>(n), 0);
    std::vector<Rational> surplus(static_cast<std::size_t>(n)), at_election(static_cast<std::size_t>(n));
    std::vector<int> gone;  // eliminated, in order
    int round = 0;
    for (;;) {
      std::vector<int> live;
      for (int c = 0; c < n; ++c)
        if (!done[static_cast<std::size_t>(c)]) live.push_back(c);
      if (live.empty()) break;
      ++round;
      std::vector<Rational> score(static_cast<std::size_t>(n), Rational(0));
      for (const auto& b : ballots) {
        bool first = true;
        int bonus = -1;
        for (const auto& rank : b.ranks) {
          if (rank.size() != 1 || rank[0] < 0) continue;
          const int c = rank[0];
          if (first) {
            if (elected[static_cast<std::size_t>(c)]) {
              bonus = c;
              first = false;
              continue;
            }
            if (eliminated[static_cast<std::size_t>(c)]) {
              first = false;
              continue;
            }
          }
          if (!done[static_cast<std::size_t>(c)]) {
            if (bonus >= 0)
              score[static_cast<std::size_t>(c)] += b.weight * surplus[static_cast<std::size_t>(bonus)] / at_election[static_cast<std::size_t>(bonus)];
            else
              score[static_cast<std::size_t>(c)] += b.weight;
            break;
          }
        }
      }
      if (round == 1)
        for (int c : live) first_round[static_cast<std::size_t>(c)] = score[static_cast<std::size_t>(c)];
      std::stable_sort(live.begin(), live.end(), [&](int a, int b) { return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)]; });
      Round out;
      out.number = round;
      out.action = "count";
      for (int c : live) out.tally.push_back({c, exact_text(score[static_cast<std::size_t>(c)])});
      out.figures = {{"quota", exact_text(quota)}};
      std::vector<int> now;
      for (int c : live)
        if (score[static_cast<std::size_t>(c)] >= quota) {
          now.push_back(c);
          elected[static_cast<std::size_t>(c)] = 1;
          done[static_cast<std::size_t>(c)] = 1;
          surplus[static_cast<std::size_t>(c)] = score[static_cast<std::size_t>(c)] - quota;
          at_election[static_cast<std::size_t>(c)] = score[static_cast<std::size_t>(c)];
          places.push_back({c});
          explanation[static_cast<std::size_t>(c)] = "Elected in round " + std::to_string(round) + " with " + exact_text(score[static_cast<std::size_t>(c)]) +
                                                     " votes, reaching the quota of " + exact_text(quota) + ".";
        }
      if (!now.empty()) {
        out.elected = now;
        out.text = "Round " + std::to_string(round) + ": " + names(now) + " reached the quota of " + exact_text(quota) + " and " +
                   (now.size() == 1 ? "was" : "were") + " elected.";
        r.rounds.push_back(out);
        if (static_cast<int>(places.size()) >= seats) break;
        continue;
      }
      const int c = live.back();
      eliminated[static_cast<std::size_t>(c)] = 1;
      done[static_cast<std::size_t>(c)] = 1;
      gone.push_back(c);
      explanation[static_cast<std::size_t>(c)] = "Eliminated in round " + std::to_string(round) + " with the fewest votes (" +
                                                 exact_text(score[static_cast<std::size_t>(c)]) + ").";
      out.eliminated = {c};
      out.text = "Round " + std::to_string(round) + ": nobody reached the quota of " + exact_text(quota) + "; " + label(c) +
                 ", with the fewest votes (" + exact_text(score[static_cast<std::size_t>(c)]) + "), was eliminated.";
      r.rounds.push_back(out);
    }
    while (static_cast<int>(places.size()) < seats && !gone.empty()) {
      const int c = gone.back();
      gone.pop_back();
      places.push_back({c});
      explanation[static_cast<std::size_t>(c)] = "Elected to a seat left open when nobody else remained: the last candidate eliminated takes it.";
    }
    for (const auto& p : places)
      if (static_cast<int>(winners.size()) < seats) winners.push_back(p[0]);
  }
  r.winners = winners;
  for (int c = 0; c < n; ++c) {
    OptionOutcome& o = r.options[static_cast<std::size_t>(c)];
    const Rational& fr = first_round[static_cast<std::size_t>(c)];
    o.support = mpz_class(fr.get_num() / fr.get_den()).get_si();
    o.selected = std::find(winners.begin(), winners.end(), c) != winners.end();
    o.explanation = explanation[static_cast<std::size_t>(c)].empty() ? "Not elected." : explanation[static_cast<std::size_t>(c)];
    for (std::size_t p = 0; p < places.size(); ++p)
      if (std::find(places[p].begin(), places[p].end(), c) != places[p].end()) o.figures.push_back({"rank", std::to_string(p + 1)});
  }
  r.notes.push_back("Counted as the Condorcet PHP library does (variant=condorcet_php), in exact arithmetic.");
  return r;
}

}  // namespace

Result irv(const RankedElection& e, const RuleParams& params) { return run_rctab(e, params, Mode::Single, "irv"); }
Result stv(const RankedElection& e, const RuleParams& params) { return run_rctab(e, params, Mode::Stv, "stv"); }
Result bottoms_up(const RankedElection& e, const RuleParams& params) { return run_rctab(e, params, Mode::BottomsUp, "bottoms-up"); }
Result irv_multipass(const RankedElection& e, const RuleParams& params) { return run_rctab(e, params, Mode::MultiPass, "irv-multipass"); }

}  // namespace allot
