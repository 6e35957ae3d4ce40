#include <nlohmann/json.hpp>

#include <sstream>

#include "allot/engine/numbers.hpp"
#include "allot/engine/result.hpp"
#include "support.hpp"

namespace allot {

namespace {

nlohmann::json figures_json(const Figures& f) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : f) j[k] = v;
  return j;
}

const std::string& id_of(const Contest& c, int o) { return c.options[static_cast<std::size_t>(o)].id; }

}  // namespace

nlohmann::json result_to_json(const Contest& c, const Result& r) {
  using nlohmann::json;
  json doc;
  doc["format"] = "allot.result/1";
  doc["contest"] = {{"id", c.id},
                    {"title", c.title},
                    {"kind", to_string(c.kind)},
                    {"ballot_format", to_string(c.format)},
                    {"budget", c.budget},
                    {"money_decimals", c.money_decimals},
                    {"currency", c.currency}};
  doc["rule"] = {{"name", r.rule}, {"title", r.rule_title}, {"parameters", figures_json(r.parameters)}};
  json order = json::array();
  for (int o : r.tie_order) order.push_back(id_of(c, o));
  doc["tie_break"] = {{"method", r.tie_break.method_name()}, {"order", order}};
  // Rules with their own tie-break modes (RCTab's) name the mode they used.
  for (const auto& [k, v] : r.parameters)
    if (k == "tiebreak" && !v.empty() && v != "tie_order") doc["tie_break"]["method"] = v;
  if (r.tie_break.method == TieBreak::Method::Ticket) doc["tie_break"]["seed"] = r.tie_break.seed;
  doc["ballots"] = r.ballots;
  json winners = json::array();
  for (int w : r.winners) winners.push_back(id_of(c, w));
  doc["winners"] = winners;
  doc["spent"] = r.spent;
  doc["budget"] = r.budget;
  doc["left_over"] = r.budget - r.spent;
  json rounds = json::array();
  for (const auto& round : r.rounds) {
    json jr = {{"number", round.number}, {"action", round.action}, {"text", round.text},
               {"figures", figures_json(round.figures)}};
    jr["option"] = round.option >= 0 ? json(id_of(c, round.option)) : json(nullptr);
    if (!round.tally.empty()) {
      json tally = json::object();
      for (const auto& [o, v] : round.tally) tally[id_of(c, o)] = v;
      jr["tally"] = tally;
    }
    if (!round.elected.empty() || !round.eliminated.empty() || !round.tally.empty()) {
      json el = json::array(), ex = json::array();
      for (int o : round.elected) el.push_back(id_of(c, o));
      for (int o : round.eliminated) ex.push_back(id_of(c, o));
      jr["elected"] = el;
      jr["eliminated"] = ex;
    }
    if (!round.transfers.empty()) {
      json tr = json::object();
      for (const auto& [from, to] : round.transfers) tr[id_of(c, from)] = figures_json(to);
      jr["transfers"] = tr;
    }
    rounds.push_back(jr);
  }
  doc["rounds"] = rounds;
  json options = json::array();
  for (const auto& o : r.options) {
    const Option& opt = c.options[static_cast<std::size_t>(o.option)];
    options.push_back({{"id", opt.id},
                       {"name", opt.name},
                       {"cost", opt.cost},
                       {"selected", o.selected},
                       {"support", o.support},
                       {"explanation", o.explanation},
                       {"figures", figures_json(o.figures)}});
  }
  doc["options"] = options;
  doc["notes"] = r.notes;
  return doc;
}

std::string result_to_text(const Contest& c, const Result& r) {
  std::ostringstream out;
  out << r.rule_title << " (" << r.rule << ")\n";
  if (!c.title.empty()) out << "Contest: " << c.title << "\n";
  out << "Ballots: " << r.ballots << "\n";
  if (c.kind == ContestKind::Budget)
    out << "Budget: " << detail::money(c, r.budget) << "   Spent: " << detail::money(c, r.spent)
        << "   Left over: " << detail::money(c, r.budget - r.spent) << "\n";
  else
    out << "Seats: " << c.seats << "\n";
  std::string mode;
  for (const auto& [k, v] : r.parameters)
    if (k == "tiebreak" && v != "tie_order") mode = v;
  out << "Tie-break: " << (mode.empty() ? std::string(r.tie_break.method_name()) : mode);
  if (mode.empty() && r.tie_break.method == TieBreak::Method::Ticket) out << " (seed \"" << r.tie_break.seed << "\")";
  if (c.kind == ContestKind::Budget) {
    out << "\n\nFunded (" << r.winners.size() << "), in the order chosen:\n";
    for (int w : r.winners) {
      const Option& o = c.options[static_cast<std::size_t>(w)];
      out << "  " << o.id << "  " << detail::money(c, o.cost);
      if (!o.name.empty()) out << "  " << o.name;
      out << "\n";
    }
  } else {
    out << "\n\nElected (" << r.winners.size() << "), in order:\n";
    for (int w : r.winners) out << "  " << c.options[static_cast<std::size_t>(w)].id << "\n";
  }
  const bool ranked = c.kind == ContestKind::Selection;
  if (ranked && !r.rounds.empty()) {
    out << "\nRounds:\n";
    for (const auto& round : r.rounds) out << "  " << round.number << ". " << round.text << "\n";
  }
  out << (ranked ? "\nWhy, candidate by candidate:\n" : "\nWhy, project by project:\n");
  for (const auto& o : r.options) {
    const Option& opt = c.options[static_cast<std::size_t>(o.option)];
    out << "  " << opt.id << ": " << o.explanation << "\n";
  }
  for (const auto& n : r.notes) out << "\nNote: " << n << "\n";
  return out.str();
}

}  // namespace allot
