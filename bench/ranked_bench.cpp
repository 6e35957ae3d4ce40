// allot_ranked_bench [BALLOTS] [CANDIDATES] [REPS]: times the RCTab-compatible irv
// and stv (3 seats) on a generated election (default 1,000,000 ballots, 20
// candidates) and prints the figures (median of REPS runs, default 3).
//
// The election is deterministic (std::mt19937_64, fixed seed) and shaped like real
// ranked-choice data: candidates have skewed popularity (weight 1 / (rank+1)^1.1),
// voters sit on a left-right line and prefer nearby candidates, and each ballot
// ranks 1 to 10 candidates (shorter ballots more common), drawn without
// replacement by the Gumbel trick (Plackett-Luce). About 2% of ballots carry an
// overvote or a skipped rank, and 1% are blank.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "allot/engine/ranked.hpp"
#include "allot/engine/ranked_rules.hpp"

namespace {

using Clock = std::chrono::steady_clock;

allot::RankedElection generate(std::size_t ballots, int candidates) {
  std::mt19937_64 rng(20240601);
  allot::RankedElection e;
  e.title = "generated";
  for (int c = 0; c < candidates; ++c) e.candidates.push_back("Candidate " + std::to_string(c + 1));
  std::vector<double> log_weight(static_cast<std::size_t>(candidates)), position(static_cast<std::size_t>(candidates));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int c = 0; c < candidates; ++c) {
    log_weight[static_cast<std::size_t>(c)] = -1.1 * std::log(c + 1.0);
    position[static_cast<std::size_t>(c)] = unit(rng);
  }
  // Ballot lengths 1..10, shorter ones more common.
  std::discrete_distribution<int> length({22, 18, 15, 12, 9, 7, 6, 5, 3, 3});
  std::extreme_value_distribution<double> gumbel(0.0, 1.0);
  std::vector<std::pair<double, int>> score(static_cast<std::size_t>(candidates));
  e.ballots.reserve(ballots);
  for (std::size_t i = 0; i < ballots; ++i) {
    allot::RankedBallot b;
    const double voter = unit(rng);
    if (unit(rng) < 0.01) {  // blank ballot
      e.ballots.push_back(std::move(b));
      continue;
    }
    for (int c = 0; c < candidates; ++c) {
      const double distance = std::abs(voter - position[static_cast<std::size_t>(c)]);
      score[static_cast<std::size_t>(c)] = {log_weight[static_cast<std::size_t>(c)] - 3.0 * distance + gumbel(rng), c};
    }
    const int len = std::min(candidates, length(rng) + 1);
    std::partial_sort(score.begin(), score.begin() + len, score.end(), std::greater<>());
    for (int k = 0; k < len; ++k) b.ranks.push_back({score[static_cast<std::size_t>(k)].second});
    const double odd = unit(rng);
    if (odd < 0.01 && len >= 2) {
      b.ranks[1].push_back(b.ranks[0][0] == 0 ? 1 : 0);  // an overvote at rank 2
      if (b.ranks[1][0] == b.ranks[1][1]) b.ranks[1].pop_back();
    } else if (odd < 0.02 && len >= 2) {
      b.ranks.insert(b.ranks.begin() + 1, std::vector<int>{});  // a skipped rank
    }
    e.ballots.push_back(std::move(b));
  }
  return e;
}

double run_ms(allot::Result (*rule)(const allot::RankedElection&, const allot::RuleParams&), const allot::RankedElection& e,
              const allot::RuleParams& params, int reps, allot::Result& last) {
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = Clock::now();
    last = rule(e, params);
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void report(const char* what, const allot::RankedElection& e, const allot::Result& r, double ms) {
  std::string winners;
  for (int w : r.winners) winners += (winners.empty() ? "" : ", ") + e.candidates[static_cast<std::size_t>(w)];
  std::printf("%-22s %8.1f ms   %2zu rounds   winners: %s\n", what, ms, r.rounds.size(), winners.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t ballots = argc > 1 ? static_cast<std::size_t>(std::atoll(argv[1])) : 1000000;
  const int candidates = argc > 2 ? std::atoi(argv[2]) : 20;
  const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;

  const auto t0 = Clock::now();
  allot::RankedElection e = generate(ballots, candidates);
  const double gen_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::printf("generated %zu ballots, %d candidates in %.0f ms (not timed below)\n", ballots, candidates, gen_ms);

  allot::RuleParams params;
  params.options = {{"overvote_rule", "exhaust_immediately"}, {"max_skipped_ranks", "1"}, {"decimal_places", "4"}};
  allot::Result r;
  e.seats = 1;
  report("irv", e, r, run_ms(allot::irv, e, params, reps, r));
  params.options["batch_elimination"] = "true";
  report("irv (batch elim.)", e, r, run_ms(allot::irv, e, params, reps, r));
  params.options.erase("batch_elimination");
  e.seats = 3;
  report("stv, 3 seats", e, r, run_ms(allot::stv, e, params, reps, r));
  params.options["non_integer_threshold"] = "true";
  report("stv, 3 seats, frac.", e, r, run_ms(allot::stv, e, params, reps, r));
  return 0;
}
