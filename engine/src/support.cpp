#include "support.hpp"

#include <algorithm>
#include <unordered_map>

#include "allot/engine/tiebreak.hpp"

namespace allot::detail {

std::vector<std::int64_t> listing_counts(const Contest& c, const Profile& p) {
  std::vector<std::int64_t> counts(c.options.size(), 0);
  std::vector<std::size_t> seen(c.options.size(), 0);
  std::size_t stamp = 0;
  for (const auto& b : p.ballots) {
    ++stamp;
    for (int o : b.options) {
      auto i = static_cast<std::size_t>(o);
      if (seen[i] == stamp) continue;
      seen[i] = stamp;
      ++counts[i];
    }
  }
  return counts;
}

std::vector<std::int64_t> greedy_scores(const Contest& c, const Profile& p) {
  switch (c.format) {
    case BallotFormat::Approval: return listing_counts(c, p);
    case BallotFormat::Cumulative: {
      std::vector<std::int64_t> s(c.options.size(), 0);
      for (const auto& b : p.ballots)
        for (std::size_t i = 0; i < b.options.size(); ++i)
          s[static_cast<std::size_t>(b.options[i])] += i < b.points.size() ? b.points[i] : 0;
      return s;
    }
    case BallotFormat::Ranked: {
      std::vector<std::int64_t> s(c.options.size(), 0);
      for (const auto& b : p.ballots) {
        const auto r = static_cast<std::int64_t>(b.options.size());
        for (std::size_t i = 0; i < b.options.size(); ++i)
          s[static_cast<std::size_t>(b.options[i])] += r - static_cast<std::int64_t>(i);
      }
      return s;
    }
  }
  return {};
}

const char* score_unit(const Contest& c) {
  return c.format == BallotFormat::Approval ? "votes" : "points";
}

namespace {
struct SetHash {
  std::size_t operator()(const std::vector<int>& v) const {
    std::size_t h = 1469598103934665603ull;
    for (int x : v) h = (h ^ static_cast<std::size_t>(x)) * 1099511628211ull;
    return h;
  }
};
}  // namespace

Groups group_ballots(const Contest& c, const Profile& p) {
  Groups g;
  std::unordered_map<std::vector<int>, std::size_t, SetHash> index;
  std::vector<int> key;
  for (const auto& b : p.ballots) {
    ++g.total;
    key.assign(b.options.begin(), b.options.end());
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
    if (key.empty()) continue;
    auto [it, fresh] = index.try_emplace(key, g.sets.size());
    if (fresh) {
      g.sets.push_back(key);
      g.weight.push_back(0);
    }
    ++g.weight[it->second];
  }
  g.supporters.assign(c.options.size(), {});
  g.support.assign(c.options.size(), 0);
  for (std::size_t gi = 0; gi < g.sets.size(); ++gi)
    for (int o : g.sets[gi]) {
      g.supporters[static_cast<std::size_t>(o)].push_back(static_cast<int>(gi));
      g.support[static_cast<std::size_t>(o)] += g.weight[gi];
    }
  return g;
}

void init_outcomes(Result& r, const Contest& c, const std::vector<std::int64_t>& support) {
  r.options.clear();
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    OptionOutcome o;
    o.option = static_cast<int>(i);
    o.support = support[i];
    r.options.push_back(o);
  }
}

void finish(Result& r, const Contest& c, const TieOrder& tie) {
  r.spent = 0;
  for (int w : r.winners) {
    r.spent += c.options[static_cast<std::size_t>(w)].cost;
    r.options[static_cast<std::size_t>(w)].selected = true;
  }
  r.budget = c.budget;
  r.tie_break = tie.method();
  r.tie_order = tie.order();
  for (std::size_t i = 0; i < r.rounds.size(); ++i) r.rounds[i].number = static_cast<int>(i) + 1;
}

std::string ordinal(long long n) {
  const long long t = n % 100;
  const char* suffix = "th";
  if (t < 11 || t > 13) {
    switch (n % 10) {
      case 1: suffix = "st"; break;
      case 2: suffix = "nd"; break;
      case 3: suffix = "rd"; break;
      default: break;
    }
  }
  return std::to_string(n) + suffix;
}

std::string option_label(const Contest& c, int option) {
  const auto& o = c.options[static_cast<std::size_t>(option)];
  return o.id;
}

std::string money(const Contest& c, Money m) { return money_text(m, c.money_decimals); }
std::string money(const Contest& c, const Rational& m, int extra) {
  return money_text(m, c.money_decimals, extra);
}

}  // namespace allot::detail
