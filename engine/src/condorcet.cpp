// schulze, ranked_pairs: Condorcet rules for ranked ballots.
//
// Both rules start from the pairwise count: for every ordered pair of
// candidates (X, Y), how many ballots rank X above Y. X "beats" Y when more
// ballots rank X above Y than Y above X. The definitions follow Condorcet PHP
// (julien-boudry/Condorcet), whose test cases we match exactly
// (../shared/testdata/condorcet).
//
// Ballots. RankedBallot::ranks gives, rank by rank, the candidates marked there;
// several candidates at one rank are tied on that ballot, skipped ranks are
// ignored. A candidate marked twice counts at its first (best) rank only (the
// reference rejects such a ballot as invalid). Withdrawn candidates are removed
// from every ballot before counting; they take no part in the count, have no
// rank and never win. Option "implicit_ranking" (true by default, as in the
// reference): true = the candidates a ballot leaves out are tied below every
// candidate it ranks (so a ballot "A" says A beats all others); false = a
// ballot says nothing about the candidates it leaves out (a ballot "A > B"
// counts A over B only). An overvote mark has no meaning here: UsageError.
//
// schulze (option "strength" = winning (default) | margin | ratio).
//   d[X][Y], the strength of X's direct defeat of Y, exists only when X beats Y:
//     winning: ballots ranking X above Y;
//     margin:  ballots ranking X above Y minus ballots ranking Y above X;
//     ratio:   (X above Y) / (Y above X), and (X above Y) + 1 when nobody ranks
//              Y above X (the reference's convention for an unopposed defeat).
//   Otherwise d[X][Y] = 0 ("no defeat", below every real strength).
//   A path's strength is that of its weakest defeat; p[X][Y] is the strength of
//   the strongest path from X to Y (widest paths, Floyd-Warshall). The ranking is
//   built group by group: among the candidates not yet ranked, the next group is
//   every candidate C with p[C][B] >= p[B][C] for every other unranked B. Members
//   of one group have equal paths both ways: they are tied by the method.
//
// ranked_pairs (Tideman; option "strength" = winning (default) | margin).
//   Every pair where X beats Y is a candidate arc X>Y with its strength (winning
//   votes, or margin) and its opposition (ballots ranking Y above X). Arcs are
//   sorted by strength, strongest first; equal strengths by opposition, smallest
//   first. Arcs with equal strength and equal opposition form one batch and are
//   considered together: all of them are added to the arcs already locked, and
//   every arc of the batch that then lies on a cycle is dropped; the others are
//   locked. (So a cycle made only of tied arcs drops all of them.) The ranking
//   is built group by group: the next group is every unranked candidate that no
//   locked arc from an unranked candidate points to.
//
// Seats and ties. The rule's full ordering is its ranking with each tie group
// put in tie order (RuleParams::tie_break, a TieOrder over the candidate names);
// the first `seats` candidates win, in that order. Every group of two or more is
// recorded in a "tie_break" round, so a reader sees which order the method left
// open and how it was settled. Withdrawn candidates come after everyone else in
// no particular rank.
//
// Output, besides winners:
//   parameters: strength, implicit_ranking, ballots (exact total weight),
//     ranking = the method's ranking as text, "A > B = C > D" (">" between
//     groups, "=" inside a group, candidates of a group in tie order), and
//     order = the full ordering after tie-breaks, names joined by " > ".
//   rounds: "pairwise" (figures "X>Y" -> ballots ranking X above Y, every ordered
//     pair), then for schulze "defeats" (figures "X>Y" -> d[X][Y] for each
//     defeat) and "strongest_paths" (figures "X>Y" -> p[X][Y], every ordered
//     pair, 0 = no path), for ranked_pairs one "lock" or "skip" round per arc in
//     sorted order; then one "rank" round per group (figures rank, candidates;
//     elected = its members among the winners), "tie_break" rounds, and a last
//     "ranking" round whose figures are candidate name -> rank (1 = first group).
//   options[i]: figures rank (the method's group, 1-based) and position (in the
//     full ordering); support = ballots that rank the candidate (rounded down
//     when counts are decimal); one explanation sentence.
//   ballots: the total ballot count, rounded down (exact in parameters).
//
// Arithmetic: exact. Ballot counts are units / 10^decimals; all counts are
// integers over the largest 10^decimals (summed in 128-bit integers, redone in
// GMP integers on overflow), strengths GMP rationals, so no comparison
// (ratio strengths included) ever rounds. Identical ballots are merged first,
// and only the candidates a ballot ranks can be above anyone, so a ballot
// ranking r of n candidates costs r*n additions.
#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <unordered_map>

#include "allot/engine/errors.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "support.hpp"

namespace allot {

namespace {

enum class Strength { Winning, Margin, Ratio };

const char* strength_name(Strength s) {
  switch (s) {
    case Strength::Winning: return "winning";
    case Strength::Margin: return "margin";
    case Strength::Ratio: return "ratio";
  }
  return "winning";
}

Strength parse_strength(const RuleParams& params, bool ratio_allowed) {
  auto it = params.options.find("strength");
  if (it == params.options.end() || it->second == "winning") return Strength::Winning;
  if (it->second == "margin") return Strength::Margin;
  if (it->second == "ratio" && ratio_allowed) return Strength::Ratio;
  throw UsageError(std::string("strength must be ") + (ratio_allowed ? "winning, margin or ratio" : "winning or margin") +
                   ", got '" + it->second + "'");
}

bool parse_implicit(const RuleParams& params) {
  auto it = params.options.find("implicit_ranking");
  if (it == params.options.end() || it->second == "true") return true;
  if (it->second == "false") return false;
  throw UsageError("implicit_ranking must be true or false, got '" + it->second + "'");
}

struct VectorHash {
  std::size_t operator()(const std::vector<int>& v) const {
    std::size_t h = 1469598103934665603ull;
    for (int x : v) h = (h ^ static_cast<std::size_t>(x + 2)) * 1099511628211ull;
    return h;
  }
};

__extension__ using Wide = __int128;

// acc += w; false on overflow (never for GMP integers).
bool add_to(Wide& acc, Wide w) { return !__builtin_add_overflow(acc, w, &acc); }
bool add_to(mpz_class& acc, const mpz_class& w) {
  acc += w;
  return true;
}

// A non-negative 128-bit integer as a GMP integer.
mpz_class to_mpz(Wide v) {
  const auto hi = static_cast<unsigned long long>(v >> 64), lo = static_cast<unsigned long long>(v);
  mpz_class h, l;
  mpz_import(h.get_mpz_t(), 1, 1, sizeof hi, 0, 0, &hi);
  mpz_import(l.get_mpz_t(), 1, 1, sizeof lo, 0, 0, &lo);
  return (h << 64) + l;
}

// The pairwise count of an election.
struct Pairwise {
  int n = 0;                       // all candidates, withdrawn included
  std::vector<char> eligible;      // not withdrawn
  std::vector<int> running;        // eligible candidates, by index
  std::vector<Rational> above;     // above[x*n+y]: ballots ranking x above y
  std::vector<Rational> ranked_by; // ballots that rank each candidate
  Rational total;                  // all ballots
  bool implicit = true;

  const Rational& at(int x, int y) const { return above[static_cast<std::size_t>(x * n + y)]; }
  bool beats(int x, int y) const { return at(x, y) > at(y, x); }
};

Pairwise count_pairwise(const RankedElection& e, bool implicit) {
  Pairwise pw;
  pw.n = static_cast<int>(e.candidates.size());
  pw.implicit = implicit;
  const auto n = static_cast<std::size_t>(pw.n);
  pw.eligible.assign(n, 1);
  for (int w : e.withdrawn)
    if (w >= 0 && w < pw.n) pw.eligible[static_cast<std::size_t>(w)] = 0;
  for (int c = 0; c < pw.n; ++c)
    if (pw.eligible[static_cast<std::size_t>(c)]) pw.running.push_back(c);

  int decimals = 0;
  for (const auto& b : e.ballots) {
    if (b.count.units < 0 || b.count.decimals < 0 || b.count.decimals > 18)
      throw UsageError("a ballot count must be a non-negative decimal");
    decimals = std::max(decimals, b.count.decimals);
  }
  // Identical ballots (after normalising) are merged: key = group index per
  // candidate, -1 = not ranked.
  std::unordered_map<std::vector<int>, mpz_class, VectorHash> merged;
  std::vector<int> pos(n);
  mpz_class all_weight = 0;
  for (const auto& b : e.ballots) {
    std::fill(pos.begin(), pos.end(), -1);
    int group = 0;
    for (const auto& rank : b.ranks) {
      bool any = false;
      for (int c : rank) {
        if (c == kOvervoteMark)
          throw UsageError("an overvote mark has no meaning in a Condorcet or Borda count (candidates marked at "
                           "the same rank are tied there)");
        if (c < 0 || c >= pw.n) throw UsageError("a ballot names an unknown candidate index " + std::to_string(c));
        const auto ci = static_cast<std::size_t>(c);
        if (!pw.eligible[ci] || pos[ci] >= 0) continue;
        pos[ci] = group;
        any = true;
      }
      if (any) ++group;
    }
    mpz_class w = b.count.units;
    for (int d = b.count.decimals; d < decimals; ++d) w *= 10;
    all_weight += w;
    auto [it, fresh] = merged.try_emplace(pos, w);
    if (!fresh) it->second += w;
  }
  // Only a ranked candidate is ever above another: ranked x is above y when y
  // is ranked lower, or y is left out and the ranking is implicit. Sums are kept
  // in 128-bit integers; on the (absurd) overflow, they are redone in GMP.
  std::vector<mpz_class> above(n * n, 0), ranked(n, 0);
  std::vector<int> listed;
  auto count_all = [&](auto& acc_above, auto& acc_ranked, auto weight_of) {
    for (const auto& [key, w] : merged) {
      if (w == 0) continue;
      const auto ww = weight_of(w);
      listed.clear();
      for (int x : pw.running)
        if (key[static_cast<std::size_t>(x)] >= 0) listed.push_back(x);
      for (int x : listed) {
        const int px = key[static_cast<std::size_t>(x)];
        if (!add_to(acc_ranked[static_cast<std::size_t>(x)], ww)) return false;
        auto* row = &acc_above[static_cast<std::size_t>(x) * n];
        for (int y : pw.running) {
          const int py = key[static_cast<std::size_t>(y)];
          if ((py >= 0 ? px < py : implicit) && !add_to(row[static_cast<std::size_t>(y)], ww)) return false;
        }
      }
    }
    return true;
  };
  bool fast = true;
  for (const auto& kv : merged)
    if (!kv.second.fits_slong_p()) fast = false;
  if (fast) {
    std::vector<Wide> wa(n * n, 0), wr(n, 0);
    fast = count_all(wa, wr, [](const mpz_class& w) { return static_cast<Wide>(w.get_si()); });
    if (fast) {
      for (std::size_t i = 0; i < n * n; ++i) above[i] = to_mpz(wa[i]);
      for (std::size_t i = 0; i < n; ++i) ranked[i] = to_mpz(wr[i]);
    }
  }
  if (!fast) count_all(above, ranked, [](const mpz_class& w) -> const mpz_class& { return w; });
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(decimals));
  auto q = [&](const mpz_class& v) {
    Rational r(v, scale);
    r.canonicalize();
    return r;
  };
  pw.above.reserve(n * n);
  for (const auto& v : above) pw.above.push_back(q(v));
  for (const auto& v : ranked) pw.ranked_by.push_back(q(v));
  pw.total = q(all_weight);
  return pw;
}

// "12", "9/7 ≈ 1.286".
std::string strength_text(const Rational& v) {
  std::string s = exact_text(v);
  if (s.find('/') != std::string::npos) s += " ≈ " + decimal_text(v, 3);
  return s;
}

std::string pair_key(const RankedElection& e, int x, int y) {
  return e.candidates[static_cast<std::size_t>(x)] + ">" + e.candidates[static_cast<std::size_t>(y)];
}

// "A", "A and B", "A, B and C".
std::string name_list(const RankedElection& e, const std::vector<int>& who) {
  std::string s;
  for (std::size_t k = 0; k < who.size(); ++k) {
    if (k > 0) s += k + 1 == who.size() ? " and " : ", ";
    s += e.candidates[static_cast<std::size_t>(who[k])];
  }
  return s;
}

Round pairwise_round(const RankedElection& e, const Pairwise& pw) {
  Round round;
  round.action = "pairwise";
  round.text = "Pairwise count over " + exact_text(pw.total) + " ballots: for every two candidates X and Y, how many "
               "ballots rank X above Y (" +
               (pw.implicit ? "candidates a ballot leaves out count as tied below those it ranks"
                            : "a ballot says nothing about candidates it leaves out") +
               ").";
  for (int x : pw.running)
    for (int y : pw.running)
      if (x != y) round.figures.push_back({pair_key(e, x, y), exact_text(pw.at(x, y))});
  return round;
}

// What every Condorcet rule does once it has its ranking (tie groups, best
// first): rank rounds, tie-breaks, winners, the ranking in parameters and the
// option figures. `why` gives each candidate's explanation of its rank.
void finish_ranking(Result& r, const RankedElection& e, const Contest& contest, const Pairwise& pw,
                    std::vector<std::vector<int>> groups, const TieOrder& tie, const char* method,
                    const std::function<std::string(int, std::size_t)>& why) {
  if (e.seats < 1) throw UsageError("seats must be at least 1");
  for (auto& g : groups) std::sort(g.begin(), g.end(), [&](int a, int b) { return tie.before(a, b); });
  std::vector<int> order;
  for (const auto& g : groups) order.insert(order.end(), g.begin(), g.end());
  const std::size_t seats = std::min(order.size(), static_cast<std::size_t>(e.seats));
  r.winners.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(seats));
  std::vector<char> won(static_cast<std::size_t>(pw.n), 0);
  for (int w : r.winners) won[static_cast<std::size_t>(w)] = 1;

  std::string ranking_text, order_text;
  std::vector<std::size_t> rank_of(static_cast<std::size_t>(pw.n), 0), position_of(static_cast<std::size_t>(pw.n), 0);
  std::size_t position = 0;
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const auto& g = groups[k];
    std::string members;
    for (std::size_t j = 0; j < g.size(); ++j) {
      members += (j ? " = " : "") + e.candidates[static_cast<std::size_t>(g[j])];
      rank_of[static_cast<std::size_t>(g[j])] = k + 1;
      position_of[static_cast<std::size_t>(g[j])] = ++position;
      order_text += (order_text.empty() ? "" : " > ") + e.candidates[static_cast<std::size_t>(g[j])];
    }
    ranking_text += (k ? " > " : "") + members;
    Round round;
    round.action = "rank";
    round.figures = {{"rank", std::to_string(k + 1)}, {"candidates", members}};
    for (int c : g)
      if (won[static_cast<std::size_t>(c)]) round.elected.push_back(c);
    round.text = (g.size() == 1 ? name_list(e, g) + " is" : name_list(e, g) + " are tied") + " " +
                 detail::ordinal(static_cast<long long>(k + 1)) + " by " + method + ".";
    r.rounds.push_back(round);
  }
  for (std::size_t k = 0; k < groups.size(); ++k) {
    const auto& g = groups[k];
    if (g.size() < 2) continue;
    Round round;
    round.action = "tie_break";
    round.figures = {{"rank", std::to_string(k + 1)}, {"tie_break", tie.method().method_name()}};
    std::size_t in = 0;
    for (int c : g) in += won[static_cast<std::size_t>(c)] ? 1 : 0;
    for (int c : g)
      if (won[static_cast<std::size_t>(c)]) round.elected.push_back(c);
    round.text = name_list(e, g) + " are tied " + detail::ordinal(static_cast<long long>(k + 1)) + "; the tie order (" +
                 tie.method().method_name() + ") puts them in the order " + name_list(e, g) + ".";
    if (in > 0 && in < g.size())
      round.text += " That decides who is elected: " + name_list(e, round.elected) + ".";
    r.rounds.push_back(round);
    r.notes.push_back("The method ranks " + name_list(e, g) + " equal " + detail::ordinal(static_cast<long long>(k + 1)) +
                      "; the tie order (" + tie.method().method_name() + ") settled their order" +
                      (in > 0 && in < g.size() ? ", which decided a seat." : "."));
  }
  {
    Round round;
    round.action = "ranking";
    round.text = "Ranking: " + ranking_text + ". Elected: " + name_list(e, r.winners) + ".";
    for (int c : order) round.figures.push_back({e.candidates[static_cast<std::size_t>(c)],
                                                 std::to_string(rank_of[static_cast<std::size_t>(c)])});
    round.elected = r.winners;
    r.rounds.push_back(round);
  }
  r.parameters.push_back({"ranking", ranking_text});
  r.parameters.push_back({"order", order_text});

  for (std::size_t k = 0; k < groups.size(); ++k) {
    for (int c : groups[k]) {
      const auto ci = static_cast<std::size_t>(c);
      auto& out = r.options[ci];
      out.figures = {{"rank", std::to_string(k + 1)}, {"position", std::to_string(position_of[ci])}};
      std::string text = (won[ci] ? "Elected. " : "Not elected. ") + why(c, k);
      const auto& g = groups[k];
      if (g.size() > 1) {
        std::vector<int> others;
        for (int o : g)
          if (o != c) others.push_back(o);
        std::size_t in = 0;
        for (int o : g) in += won[static_cast<std::size_t>(o)] ? 1 : 0;
        if (in > 0 && in < g.size())
          text += " Tied with " + name_list(e, others) + ", it was placed " +
                  detail::ordinal(static_cast<long long>(position_of[ci])) + " by the tie order (" +
                  tie.method().method_name() + "), which decided the seat.";
      }
      out.explanation = text;
    }
  }
  for (int c = 0; c < pw.n; ++c) {
    if (pw.eligible[static_cast<std::size_t>(c)]) continue;
    r.options[static_cast<std::size_t>(c)].explanation = "Not elected. Withdrawn: it took no part in the count.";
  }
  detail::finish(r, contest, tie);
}

Result start_result(const RankedElection& e, const Pairwise& pw, const char* rule, std::string title) {
  Result r;
  r.rule = rule;
  r.rule_title = std::move(title);
  r.ballots = static_cast<std::int64_t>(mpz_class(pw.total.get_num() / pw.total.get_den()).get_si());
  std::vector<std::int64_t> support;
  for (const auto& v : pw.ranked_by) support.push_back(mpz_class(v.get_num() / v.get_den()).get_si());
  r.options.clear();
  for (std::size_t i = 0; i < e.candidates.size(); ++i) {
    OptionOutcome o;
    o.option = static_cast<int>(i);
    o.support = support[i];
    r.options.push_back(o);
  }
  return r;
}

}  // namespace

Result schulze(const RankedElection& e, const RuleParams& params) {
  const Strength strength = parse_strength(params, true);
  const bool implicit = parse_implicit(params);
  const Contest contest = contest_of(e);
  TieOrder tie(contest, params.tie_break);
  const Pairwise pw = count_pairwise(e, implicit);
  const int n = pw.n;
  const auto idx = [n](int x, int y) { return static_cast<std::size_t>(x * n + y); };

  Result r = start_result(e, pw, "schulze", std::string("Schulze method (") + strength_name(strength) + ")");
  r.parameters = {{"strength", strength_name(strength)}, {"implicit_ranking", implicit ? "true" : "false"},
                  {"ballots", exact_text(pw.total)}};
  r.rounds.push_back(pairwise_round(e, pw));

  // Direct defeats.
  std::vector<Rational> p(static_cast<std::size_t>(n * n), Rational(0));
  Round defeats;
  defeats.action = "defeats";
  defeats.text = std::string("Direct defeats: X defeats Y when more ballots rank X above Y than Y above X; its strength "
                             "is ") +
                 (strength == Strength::Winning  ? "the number of ballots ranking X above Y"
                  : strength == Strength::Margin ? "that number minus the ballots ranking Y above X"
                                                 : "the ratio of the two (votes + 1 when nobody ranks Y above X)") +
                 ".";
  for (int x : pw.running)
    for (int y : pw.running) {
      if (x == y || !pw.beats(x, y)) continue;
      Rational s;
      switch (strength) {
        case Strength::Winning: s = pw.at(x, y); break;
        case Strength::Margin: s = pw.at(x, y) - pw.at(y, x); break;
        case Strength::Ratio:
          s = sgn(pw.at(y, x)) != 0 ? Rational(pw.at(x, y) / pw.at(y, x)) : Rational(pw.at(x, y) + 1);
          break;
      }
      p[idx(x, y)] = s;
      defeats.figures.push_back({pair_key(e, x, y), exact_text(s)});
    }
  r.rounds.push_back(defeats);

  // Strongest paths (widest paths).
  for (int i : pw.running)
    for (int j : pw.running) {
      if (i == j) continue;
      for (int k : pw.running) {
        if (k == i || k == j) continue;
        const Rational& via = std::min(p[idx(j, i)], p[idx(i, k)]);
        if (via > p[idx(j, k)]) p[idx(j, k)] = via;
      }
    }
  Round paths;
  paths.action = "strongest_paths";
  paths.text = "Strongest paths: a path's strength is that of its weakest defeat; for every X and Y, the strongest "
               "path from X to Y (0 = none).";
  for (int x : pw.running)
    for (int y : pw.running)
      if (x != y) paths.figures.push_back({pair_key(e, x, y), exact_text(p[idx(x, y)])});
  r.rounds.push_back(paths);

  // Ranking.
  std::vector<std::vector<int>> groups;
  std::vector<char> done(static_cast<std::size_t>(n), 0);
  std::size_t left = pw.running.size();
  while (left > 0) {
    std::vector<int> g;
    for (int c : pw.running) {
      if (done[static_cast<std::size_t>(c)]) continue;
      bool top = true;
      for (int b : pw.running)
        if (b != c && !done[static_cast<std::size_t>(b)] && p[idx(c, b)] < p[idx(b, c)]) top = false;
      if (top) g.push_back(c);
    }
    if (g.empty())  // impossible (the Schulze relation is transitive); never loop
      for (int c : pw.running)
        if (!done[static_cast<std::size_t>(c)]) g.push_back(c);
    for (int c : g) done[static_cast<std::size_t>(c)] = 1;
    left -= g.size();
    groups.push_back(g);
  }

  auto why = [&](int c, std::size_t k) -> std::string {
    const std::string place = "Ranked " + detail::ordinal(static_cast<long long>(k + 1));
    const std::string& name = e.candidates[static_cast<std::size_t>(c)];
    if (pw.running.size() == 1) return place + ": the only candidate.";
    if (k == 0) {
      // The closest challenger it beats: the strongest path back to it.
      int rival = -1;
      for (int b : pw.running) {
        if (b == c || !(p[idx(c, b)] > p[idx(b, c)])) continue;
        if (rival < 0 || p[idx(b, c)] > p[idx(rival, c)] ||
            (p[idx(b, c)] == p[idx(rival, c)] && tie.before(b, rival)))
          rival = b;
      }
      std::string s;
      if (groups[0].size() == 1) {
        bool strict = true;
        for (int b : pw.running)
          if (b != c && !(p[idx(c, b)] > p[idx(b, c)])) strict = false;
        s = place + (strict ? ": beats every other candidate by its strongest path"
                            : ": no other candidate has a stronger path to it than it has back");
      } else {
        std::vector<int> others;
        for (int o : groups[0])
          if (o != c) others.push_back(o);
        s = place + ", tied with " + name_list(e, others) +
            " (equal strongest paths both ways): no candidate has a stronger path to it than it has back";
      }
      if (rival >= 0)
        s += " (e.g. to " + e.candidates[static_cast<std::size_t>(rival)] + ": " + strength_text(p[idx(c, rival)]) +
             " against " + strength_text(p[idx(rival, c)]) + " back)";
      return s + ".";
    }
    // A candidate of the group above with a stronger path to it (one exists: the
    // relation is transitive).
    int above = -1;
    for (int x : groups[k - 1])
      if (p[idx(x, c)] > p[idx(c, x)]) {
        above = x;
        break;
      }
    std::string s = place;
    if (groups[k].size() > 1) {
      std::vector<int> others;
      for (int o : groups[k])
        if (o != c) others.push_back(o);
      s += ", tied with " + name_list(e, others);
    }
    if (above >= 0) {
      const std::string& an = e.candidates[static_cast<std::size_t>(above)];
      s += ": " + an + " (ranked " + detail::ordinal(static_cast<long long>(k)) + ") has a stronger path to " + name +
           " than " + name + " has back, " + strength_text(p[idx(above, c)]) + " against " +
           strength_text(p[idx(c, above)]);
    }
    if (k + 1 < groups.size())
      s += "; its strongest paths to the candidates ranked below it are at least as strong as theirs back";
    return s + ".";
  };
  finish_ranking(r, e, contest, pw, groups, tie, "strongest paths", why);
  return r;
}

Result ranked_pairs(const RankedElection& e, const RuleParams& params) {
  const Strength strength = parse_strength(params, false);
  const bool implicit = parse_implicit(params);
  const Contest contest = contest_of(e);
  TieOrder tie(contest, params.tie_break);
  const Pairwise pw = count_pairwise(e, implicit);
  const int n = pw.n;
  const auto idx = [n](int x, int y) { return static_cast<std::size_t>(x * n + y); };

  Result r = start_result(e, pw, "ranked_pairs", std::string("Ranked pairs (") + strength_name(strength) + ")");
  r.parameters = {{"strength", strength_name(strength)}, {"implicit_ranking", implicit ? "true" : "false"},
                  {"ballots", exact_text(pw.total)}};
  r.rounds.push_back(pairwise_round(e, pw));

  struct Arc {
    int from, to;
    Rational strength, opposition;
  };
  std::vector<Arc> arcs;
  for (int x : pw.running)
    for (int y : pw.running)
      if (x != y && pw.beats(x, y))
        arcs.push_back({x, y, strength == Strength::Winning ? pw.at(x, y) : Rational(pw.at(x, y) - pw.at(y, x)),
                        pw.at(y, x)});
  // Strongest first, then smallest opposition; the rest (a batch) in tie order
  // of winner then loser, which only orders the rounds.
  std::stable_sort(arcs.begin(), arcs.end(), [&](const Arc& a, const Arc& b) {
    if (a.strength != b.strength) return a.strength > b.strength;
    if (a.opposition != b.opposition) return a.opposition < b.opposition;
    if (a.from != b.from) return tie.before(a.from, b.from);
    return tie.before(a.to, b.to);
  });

  std::vector<char> locked(static_cast<std::size_t>(n * n), 0);
  // A path from `from` to `to` in `graph`, as the list of nodes; empty if none.
  auto find_path = [&](const std::vector<char>& graph, int from, int to) {
    std::vector<int> parent(static_cast<std::size_t>(n), -2);
    std::vector<int> queue{from};
    parent[static_cast<std::size_t>(from)] = -1;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const int u = queue[head];
      if (u == to) break;
      for (int v : pw.running)
        if (graph[idx(u, v)] && parent[static_cast<std::size_t>(v)] == -2) {
          parent[static_cast<std::size_t>(v)] = u;
          queue.push_back(v);
        }
    }
    std::vector<int> path;
    if (parent[static_cast<std::size_t>(to)] == -2) return path;
    for (int v = to; v != -1; v = parent[static_cast<std::size_t>(v)]) path.push_back(v);
    std::reverse(path.begin(), path.end());
    return path;
  };
  const std::string measure = strength == Strength::Winning ? "winning votes" : "margin";
  auto arc_text = [&](const Arc& a) {
    return pair_key(e, a.from, a.to) + " (" + measure + " " + exact_text(a.strength) + ", opposed by " +
           exact_text(a.opposition) + ")";
  };
  std::vector<const Arc*> locked_into(static_cast<std::size_t>(n * n), nullptr);
  for (std::size_t start = 0; start < arcs.size();) {
    std::size_t end = start + 1;
    while (end < arcs.size() && arcs[end].strength == arcs[start].strength &&
           arcs[end].opposition == arcs[start].opposition)
      ++end;
    std::vector<char> trial = locked;
    for (std::size_t a = start; a < end; ++a) trial[idx(arcs[a].from, arcs[a].to)] = 1;
    std::vector<std::vector<int>> cycle(end - start);
    for (std::size_t a = start; a < end; ++a) cycle[a - start] = find_path(trial, arcs[a].to, arcs[a].from);
    for (std::size_t a = start; a < end; ++a) {
      const Arc& arc = arcs[a];
      Round round;
      round.figures = {{"pair", pair_key(e, arc.from, arc.to)}, {"strength", exact_text(arc.strength)},
                       {"opposition", exact_text(arc.opposition)}};
      const std::string batch =
          end - start > 1 ? " (considered together with " +
                                count_text(static_cast<long long>(end - start - 1), "other pair", "other pairs") +
                                " of equal strength and opposition)"
                          : "";
      const auto& path = cycle[a - start];
      if (path.empty()) {
        round.action = "lock";
        round.text = arc_text(arc) + " locked" + batch + ".";
        locked[idx(arc.from, arc.to)] = 1;
        locked_into[idx(arc.from, arc.to)] = &arc;
      } else {
        round.action = "skip";
        std::string via;
        for (std::size_t k = 0; k + 1 < path.size(); ++k)
          via += (k ? ", " : "") + pair_key(e, path[k], path[k + 1]);
        round.text = arc_text(arc) + " skipped: it would close a cycle with " + via + batch + ".";
        round.figures.push_back({"cycle", via});
      }
      r.rounds.push_back(round);
    }
    start = end;
  }

  // Ranking: repeatedly, every unranked candidate with no locked arc from an
  // unranked candidate.
  std::vector<std::vector<int>> groups;
  std::vector<char> done(static_cast<std::size_t>(n), 0);
  std::size_t left = pw.running.size();
  while (left > 0) {
    std::vector<int> g;
    for (int c : pw.running) {
      if (done[static_cast<std::size_t>(c)]) continue;
      bool top = true;
      for (int b : pw.running)
        if (!done[static_cast<std::size_t>(b)] && locked[idx(b, c)]) top = false;
      if (top) g.push_back(c);
    }
    if (g.empty())  // impossible (the locked arcs have no cycle); never loop
      for (int c : pw.running)
        if (!done[static_cast<std::size_t>(c)]) g.push_back(c);
    for (int c : g) done[static_cast<std::size_t>(c)] = 1;
    left -= g.size();
    groups.push_back(g);
  }

  auto why = [&](int c, std::size_t k) -> std::string {
    std::string s = "Ranked " + detail::ordinal(static_cast<long long>(k + 1));
    const std::string& name = e.candidates[static_cast<std::size_t>(c)];
    if (pw.running.size() == 1) return s + ": the only candidate.";
    if (groups[k].size() > 1) {
      std::vector<int> others;
      for (int o : groups[k])
        if (o != c) others.push_back(o);
      s += ", tied with " + name_list(e, others) + " (no locked pair separates them)";
    }
    if (k == 0) {
      std::vector<int> beaten;
      for (int y : pw.running)
        if (locked[idx(c, y)]) beaten.push_back(y);
      s += ": no locked pair defeats it";
      if (!beaten.empty()) s += "; it wins its locked pairs against " + name_list(e, beaten);
      return s + ".";
    }
    int above = -1;
    for (int x : groups[k - 1])
      if (locked[idx(x, c)]) {
        above = x;
        break;
      }
    if (above >= 0) {
      const Arc* a = locked_into[idx(above, c)];
      s += ": the locked pair " + arc_text(*a) + " places " + name + " below " +
           e.candidates[static_cast<std::size_t>(above)] + " (ranked " + detail::ordinal(static_cast<long long>(k)) +
           ")";
    }
    return s + ".";
  };
  finish_ranking(r, e, contest, pw, groups, tie, "ranked pairs", why);
  return r;
}

}  // namespace allot
