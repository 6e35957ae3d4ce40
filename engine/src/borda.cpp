// borda: positional points for ranked ballots.
//
// Definition. A ballot that ranks r candidates gives r points to the candidate it
// ranks first, r-1 to the second, ... and 1 to the last one it ranks; the
// candidates it leaves out get nothing. This is the convention of our greedy
// rule for ranked ballots (the top of an r-long ranking gets r points), so a
// short ballot weighs less than a full one. Positions count candidates, not
// rank numbers: a skipped rank is ignored. Candidates marked at the same rank
// are tied there and share equally the points of the positions they occupy
// together: a group of g candidates after p earlier candidates gets, each,
// the average of r-p, r-p-1, ..., r-p-g+1, which is r - p - (g-1)/2 (so "A = B"
// on a 2-candidate ballot gives 1.5 each). A candidate marked twice counts at
// its first rank only; withdrawn candidates are removed from every ballot first
// (so r counts only candidates still running). A ballot's points are multiplied
// by its count. The option "implicit_ranking" of the Condorcet rules has no
// effect here: left-out candidates always get 0 points.
//
// The candidates are ordered by points, most first; equal points are tied, and
// the tie is settled by the tie order (RuleParams::tie_break) and recorded in a
// "tie_break" round. The first `seats` win, in that order.
//
// Output: a "points" round (tally: candidate -> exact points), "tie_break"
// rounds, a "ranking" round (figures: name -> rank, equal points = equal rank).
// parameters: ballots (exact), ranking ("A > B = C", as for the Condorcet rules),
// order (after tie-breaks). options[i]: figures points, rank, position; support
// = points rounded down; one explanation sentence.
//
// Invariants: the points of one ballot add up to r(r+1)/2 times its count; each
// candidate is ranked once; exactly min(seats, running candidates) winners.
//
// Arithmetic: exact. Twice the points are integers, so they are accumulated as
// GMP integers over 2 * 10^decimals (the largest decimals of a ballot count).
#include <algorithm>
#include <unordered_map>

#include "allot/engine/errors.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "support.hpp"

namespace allot {

namespace {

std::string names(const RankedElection& e, const std::vector<int>& who) {
  std::string s;
  for (std::size_t k = 0; k < who.size(); ++k) {
    if (k > 0) s += k + 1 == who.size() ? " and " : ", ";
    s += e.candidates[static_cast<std::size_t>(who[k])];
  }
  return s;
}

std::string points_text(const Rational& v) {
  const std::string s = exact_text(v);
  return s + (v == 1 ? " point" : " points");
}

}  // namespace

Result borda(const RankedElection& e, const RuleParams& params) {
  if (e.seats < 1) throw UsageError("seats must be at least 1");
  const Contest contest = contest_of(e);
  TieOrder tie(contest, params.tie_break);
  const auto n = e.candidates.size();
  std::vector<char> eligible(n, 1);
  for (int w : e.withdrawn)
    if (w >= 0 && static_cast<std::size_t>(w) < n) eligible[static_cast<std::size_t>(w)] = 0;
  std::vector<int> running;
  for (std::size_t c = 0; c < n; ++c)
    if (eligible[c]) running.push_back(static_cast<int>(c));

  int decimals = 0;
  for (const auto& b : e.ballots) {
    if (b.count.units < 0 || b.count.decimals < 0 || b.count.decimals > 18)
      throw UsageError("a ballot count must be a non-negative decimal");
    decimals = std::max(decimals, b.count.decimals);
  }
  std::vector<mpz_class> twice(n, 0);  // 2 * points * 10^decimals
  mpz_class total = 0;
  std::vector<int> seen(n, -1);
  std::vector<std::vector<int>> groups;
  for (std::size_t bi = 0; bi < e.ballots.size(); ++bi) {
    const auto& b = e.ballots[bi];
    mpz_class w = b.count.units;
    for (int d = b.count.decimals; d < decimals; ++d) w *= 10;
    total += w;
    groups.clear();
    long long r = 0;
    for (const auto& rank : b.ranks) {
      std::vector<int> g;
      for (int c : rank) {
        if (c == kOvervoteMark)
          throw UsageError("an overvote mark has no meaning in a Borda count (candidates marked at the same rank "
                           "are tied there)");
        if (c < 0 || static_cast<std::size_t>(c) >= n)
          throw UsageError("a ballot names an unknown candidate index " + std::to_string(c));
        const auto ci = static_cast<std::size_t>(c);
        if (!eligible[ci] || seen[ci] == static_cast<int>(bi)) continue;
        seen[ci] = static_cast<int>(bi);
        g.push_back(c);
      }
      if (!g.empty()) {
        r += static_cast<long long>(g.size());
        groups.push_back(std::move(g));
      }
    }
    long long before = 0;
    for (const auto& g : groups) {
      const auto size = static_cast<long long>(g.size());
      // 2 * (r - p - (g-1)/2) = 2r - 2p - g + 1.
      const long twice_points = static_cast<long>(2 * r - 2 * before - size + 1);
      for (int c : g) twice[static_cast<std::size_t>(c)] += w * twice_points;
      before += size;
    }
  }
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(decimals));
  std::vector<Rational> points(n);
  for (std::size_t c = 0; c < n; ++c) {
    points[c] = Rational(twice[c], scale * 2);
    points[c].canonicalize();
  }
  Rational ballots(total, scale);
  ballots.canonicalize();

  Result r;
  r.rule = "borda";
  r.rule_title = "Borda count";
  r.ballots = mpz_class(ballots.get_num() / ballots.get_den()).get_si();
  r.parameters = {{"points", "r for the first of r ranked candidates, down to 1; equal ranks share"},
                  {"ballots", exact_text(ballots)}};
  for (std::size_t i = 0; i < n; ++i) {
    OptionOutcome o;
    o.option = static_cast<int>(i);
    o.support = mpz_class(points[i].get_num() / points[i].get_den()).get_si();
    r.options.push_back(o);
  }
  {
    Round round;
    round.action = "points";
    round.text = "Borda points: a ballot ranking r candidates gives r points to its first, r-1 to its second, ... "
                 "1 to its last; tied candidates share the points of their positions.";
    for (int c : running) round.tally.push_back({c, exact_text(points[static_cast<std::size_t>(c)])});
    r.rounds.push_back(round);
  }

  std::vector<int> order = running;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const int cv = cmp(points[static_cast<std::size_t>(a)], points[static_cast<std::size_t>(b)]);
    return cv != 0 ? cv > 0 : tie.before(a, b);
  });
  std::vector<std::vector<int>> ranks;
  for (int c : order) {
    if (ranks.empty() || points[static_cast<std::size_t>(ranks.back().front())] != points[static_cast<std::size_t>(c)])
      ranks.push_back({});
    ranks.back().push_back(c);
  }
  const std::size_t seats = std::min(order.size(), static_cast<std::size_t>(e.seats));
  r.winners.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(seats));
  std::vector<char> won(n, 0);
  for (int w : r.winners) won[static_cast<std::size_t>(w)] = 1;

  std::string ranking_text, order_text;
  std::vector<std::size_t> rank_of(n, 0), position_of(n, 0);
  std::size_t position = 0;
  for (std::size_t k = 0; k < ranks.size(); ++k) {
    std::string members;
    for (std::size_t j = 0; j < ranks[k].size(); ++j) {
      const int c = ranks[k][j];
      members += (j ? " = " : "") + e.candidates[static_cast<std::size_t>(c)];
      order_text += (order_text.empty() ? "" : " > ") + e.candidates[static_cast<std::size_t>(c)];
      rank_of[static_cast<std::size_t>(c)] = k + 1;
      position_of[static_cast<std::size_t>(c)] = ++position;
    }
    ranking_text += (k ? " > " : "") + members;
    if (ranks[k].size() < 2) continue;
    Round round;
    round.action = "tie_break";
    std::size_t in = 0;
    for (int c : ranks[k])
      if (won[static_cast<std::size_t>(c)]) {
        ++in;
        round.elected.push_back(c);
      }
    round.figures = {{"rank", std::to_string(k + 1)},
                     {"points", exact_text(points[static_cast<std::size_t>(ranks[k].front())])},
                     {"tie_break", tie.method().method_name()}};
    round.text = names(e, ranks[k]) + " have equal points (" +
                 exact_text(points[static_cast<std::size_t>(ranks[k].front())]) + "); the tie order (" +
                 tie.method().method_name() + ") puts them in the order " + names(e, ranks[k]) + ".";
    if (in > 0 && in < ranks[k].size()) round.text += " That decides who is elected: " + names(e, round.elected) + ".";
    r.rounds.push_back(round);
    r.notes.push_back(names(e, ranks[k]) + " have equal Borda points; the tie order (" +
                      std::string(tie.method().method_name()) + ") settled their order" +
                      (in > 0 && in < ranks[k].size() ? ", which decided a seat." : "."));
  }
  {
    Round round;
    round.action = "ranking";
    round.text = "Ranking by points: " + ranking_text + ". Elected: " + names(e, r.winners) + ".";
    for (int c : order)
      round.figures.push_back({e.candidates[static_cast<std::size_t>(c)], std::to_string(rank_of[static_cast<std::size_t>(c)])});
    round.elected = r.winners;
    r.rounds.push_back(round);
  }
  r.parameters.push_back({"ranking", ranking_text});
  r.parameters.push_back({"order", order_text});

  const int last_in = r.winners.empty() ? -1 : r.winners.back();
  const int first_out = seats < order.size() ? order[seats] : -1;
  for (int c : running) {
    const auto ci = static_cast<std::size_t>(c);
    auto& out = r.options[ci];
    out.figures = {{"points", exact_text(points[ci])}, {"rank", std::to_string(rank_of[ci])},
                   {"position", std::to_string(position_of[ci])}};
    std::string s = (won[ci] ? "Elected. Ranked " : "Not elected. Ranked ") +
                    detail::ordinal(static_cast<long long>(rank_of[ci])) + " with " + points_text(points[ci]);
    const auto& group = ranks[rank_of[ci] - 1];
    if (group.size() > 1) {
      std::vector<int> others;
      for (int o : group)
        if (o != c) others.push_back(o);
      s += ", equal with " + names(e, others);
    }
    if (won[ci] && first_out >= 0 && points[ci] != points[static_cast<std::size_t>(first_out)])
      s += "; the best candidate not elected, " + e.candidates[static_cast<std::size_t>(first_out)] + ", has " +
           points_text(points[static_cast<std::size_t>(first_out)]);
    else if (!won[ci] && last_in >= 0 && points[ci] != points[static_cast<std::size_t>(last_in)])
      s += "; the last candidate elected, " + e.candidates[static_cast<std::size_t>(last_in)] + ", has " +
           points_text(points[static_cast<std::size_t>(last_in)]);
    else if (group.size() > 1 && first_out >= 0)
      s += "; the tie order (" + std::string(tie.method().method_name()) + ") placed it " +
           detail::ordinal(static_cast<long long>(position_of[ci])) + ", which decided the seat";
    out.explanation = s + ".";
  }
  for (std::size_t c = 0; c < n; ++c)
    if (!eligible[c]) r.options[c].explanation = "Not elected. Withdrawn: it took no part in the count.";
  detail::finish(r, contest, tie);
  return r;
}

}  // namespace allot
