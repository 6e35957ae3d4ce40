#include "allot/engine/ranked.hpp"

namespace allot {

Contest contest_of(const RankedElection& e) {
  Contest c;
  c.id = e.title.empty() ? "ranked" : e.title;
  c.title = e.title;
  c.kind = ContestKind::Selection;
  c.format = BallotFormat::Ranked;
  c.seats = e.seats;
  for (const auto& name : e.candidates) c.options.push_back(Option{name, name, 0, {}, {}});
  return c;
}

RankedElection ranked_of(const Contest& c, const Profile& p) {
  RankedElection e;
  e.title = c.title;
  e.seats = c.seats;
  for (const auto& o : c.options) e.candidates.push_back(o.id);
  for (const auto& b : p.ballots) {
    RankedBallot rb;
    for (int o : b.options) rb.ranks.push_back({o});
    e.ballots.push_back(std::move(rb));
  }
  return e;
}

}  // namespace allot
