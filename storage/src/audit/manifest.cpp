#include "allot/storage/manifest.hpp"

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "allot/engine/blt.hpp"
#include "allot/engine/pabulib.hpp"
#include "allot/engine/ranked.hpp"
#include "allot/engine/ranked_rules.hpp"
#include "allot/engine/result.hpp"
#include "allot/engine/rules.hpp"
#include "allot/engine/validate.hpp"

namespace allot::manifest {

using nlohmann::json;

namespace {

const std::regex& slug_re() {
  static const std::regex re("[a-z0-9][a-z0-9_-]{0,63}");
  return re;
}
const std::regex& option_id_re() {
  static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  return re;
}
const std::regex& lang_re() {
  static const std::regex re("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  return re;
}

bool is_int(const json& j) { return j.is_number_integer() || j.is_number_unsigned(); }

class Checker {
 public:
  std::vector<std::string> problems;
  void add(const std::string& where, const std::string& what) { problems.push_back(where + ": " + what); }

  // A text map: object language -> string, languages known.
  void texts(const json& parent, const char* key, const std::string& where,
             const std::set<std::string>& languages, bool required) {
    auto it = parent.find(key);
    const std::string at = where.empty() ? std::string(key) : where + "." + key;
    if (it == parent.end()) {
      if (required) add(at, "is missing (an object of texts by language, e.g. {\"en\": \"...\"})");
      return;
    }
    if (!it->is_object()) {
      add(at, "must be an object of texts by language, e.g. {\"en\": \"...\"}");
      return;
    }
    if (required && it->empty()) add(at, "needs a text in at least one language");
    for (const auto& [lang, text] : it->items()) {
      if (!languages.count(lang)) add(at + "." + lang, "language '" + lang + "' is not in the election's languages");
      if (!text.is_string()) add(at + "." + lang, "must be text");
      else if (text.get_ref<const std::string&>().size() > 20000) add(at + "." + lang, "is longer than 20000 bytes");
    }
  }

  std::string string_field(const json& parent, const char* key, const std::string& where, bool required,
                           const std::regex* pattern = nullptr, const char* pattern_text = nullptr) {
    auto it = parent.find(key);
    const std::string at = where.empty() ? std::string(key) : where + "." + key;
    if (it == parent.end()) {
      if (required) add(at, "is missing");
      return {};
    }
    if (!it->is_string()) {
      add(at, "must be text");
      return {};
    }
    const std::string s = it->get<std::string>();
    if (pattern && !std::regex_match(s, *pattern)) add(at, std::string("'") + s + "' " + pattern_text);
    return s;
  }

  std::int64_t int_field(const json& parent, const char* key, const std::string& where, bool required,
                         std::int64_t min, std::int64_t max, std::int64_t fallback = 0) {
    auto it = parent.find(key);
    const std::string at = where.empty() ? std::string(key) : where + "." + key;
    if (it == parent.end()) {
      if (required) add(at, "is missing");
      return fallback;
    }
    if (!is_int(*it)) {
      add(at, "must be a whole number");
      return fallback;
    }
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      add(at, "must be at most " + std::to_string(max));
      return fallback;
    }
    const auto v = it->get<std::int64_t>();
    if (v < min || v > max) {
      add(at, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return fallback;
    }
    return v;
  }

  void known_keys(const json& obj, const std::string& where, std::initializer_list<const char*> keys) {
    for (const auto& [k, v] : obj.items()) {
      (void)v;
      if (std::none_of(keys.begin(), keys.end(), [&k = k](const char* x) { return k == x; }))
        add(where.empty() ? k : where + "." + k, "is not a field of this document");
    }
  }
};

constexpr std::int64_t kMaxMoney = 1'000'000'000'000'000LL;  // 10^18 minor units

const char* kLimitKeys[] = {"min_choices",      "max_choices",      "min_cost",
                            "max_cost",         "min_points_total", "max_points_total",
                            "max_points_per_option", "max_choices_per_category"};

std::string default_language(const json& m) {
  auto it = m.find("languages");
  if (it != m.end() && it->is_array() && !it->empty() && (*it)[0].is_string()) return (*it)[0].get<std::string>();
  return "en";
}

BallotRules rules_of(const json& limits) {
  BallotRules r;
  if (!limits.is_object()) return r;
  auto get = [&](const char* k) -> std::optional<std::int64_t> {
    auto it = limits.find(k);
    if (it == limits.end() || !is_int(*it)) return std::nullopt;
    return it->get<std::int64_t>();
  };
  if (auto v = get("min_choices")) r.min_choices = static_cast<int>(*v);
  if (auto v = get("max_choices")) r.max_choices = static_cast<int>(*v);
  r.min_cost = get("min_cost");
  r.max_cost = get("max_cost");
  r.min_points_total = get("min_points_total");
  r.max_points_total = get("max_points_total");
  r.max_points_per_option = get("max_points_per_option");
  auto pc = limits.find("max_choices_per_category");
  if (pc != limits.end() && pc->is_object())
    for (const auto& [cat, n] : pc->items())
      if (is_int(n)) r.max_choices_per_category[cat] = n.get<int>();
  return r;
}

// The rule's applicability to a contest, or why not.
std::string rule_problem(const std::string& rule, const Contest& c) {
  if (const RuleInfo* info = find_rule(rule)) {
    if (c.format == BallotFormat::Ranked) return "'" + rule + "' does not count ranked ballots";
    return info->applicability ? info->applicability(c) : std::string();
  }
  if (find_ranked_rule(rule)) {
    if (c.kind != ContestKind::Selection || c.format != BallotFormat::Ranked)
      return "'" + rule + "' counts ranked ballots of a selection contest";
    // Refused here, not at the count: once the manifest is frozen the rule cannot change.
    if (rule == "irv" && c.seats != 1)
      return "'irv' elects one candidate but this contest has " + std::to_string(c.seats) +
             " seats: use 'stv' (or 'irv-multipass')";
    return {};
  }
  return "'" + rule + "' is not a rule allot knows (see allot tally --help)";
}

Result run_any(const std::string& rule, const Contest& contest, const Profile& profile, const RuleParams& params) {
  if (find_rule(rule)) return run_rule(rule, contest, profile, params);
  return run_ranked_rule(rule, ranked_of(contest, profile), params);
}


}  // namespace

std::string text_in(const json& texts, const std::string& language) {
  if (!texts.is_object() || texts.empty()) return {};
  auto it = texts.find(language);
  if (it != texts.end() && it->is_string()) return it->get<std::string>();
  for (const auto& [k, v] : texts.items()) {
    (void)k;
    if (v.is_string()) return v.get<std::string>();
  }
  return {};
}

std::vector<std::string> check_definition(const json& d) {
  Checker ck;
  if (!d.is_object()) return {"the election definition must be a JSON object"};
  ck.known_keys(d, "", {"allot", "election", "title", "description", "languages", "window", "tie_break", "districts",
                        "categories", "contests", "credentials", "keys"});
  if (d.contains("allot") && d["allot"] != "manifest/1") ck.add("allot", "must be \"manifest/1\"");
  ck.string_field(d, "election", "", true, &slug_re(),
                  "is not a valid election id (lower-case letters, digits, '-' or '_', at most 64)");

  std::set<std::string> languages;
  auto langs = d.find("languages");
  if (langs == d.end() || !langs->is_array() || langs->empty()) {
    ck.add("languages", "must list at least one language tag, the default first (e.g. [\"en\", \"ar\"])");
  } else {
    for (std::size_t i = 0; i < langs->size(); ++i) {
      const json& l = (*langs)[i];
      const std::string at = "languages[" + std::to_string(i) + "]";
      if (!l.is_string() || !std::regex_match(l.get<std::string>(), lang_re()))
        ck.add(at, "must be a language tag such as \"en\" or \"pt-BR\"");
      else if (!languages.insert(l.get<std::string>()).second)
        ck.add(at, "'" + l.get<std::string>() + "' is listed twice");
    }
  }
  ck.texts(d, "title", "", languages, true);
  ck.texts(d, "description", "", languages, false);
  if (auto w = d.find("window"); w != d.end()) {
    if (!w->is_object()) {
      ck.add("window", "must be {\"opens\": time, \"closes\": time}");
    } else {
      ck.known_keys(*w, "window", {"opens", "closes"});
      static const std::regex empty_or_time("|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");
      const auto opens = ck.string_field(*w, "opens", "window", false, &empty_or_time,
                                         "is not a time like 2026-11-23T09:00:00Z (UTC)");
      const auto closes = ck.string_field(*w, "closes", "window", false, &empty_or_time,
                                          "is not a time like 2026-11-30T18:00:00Z (UTC)");
      if (!opens.empty() && !closes.empty() && closes <= opens) ck.add("window", "closes must be after opens");
    }
  }
  {
    const auto tb = ck.string_field(d, "tie_break", "", false);
    if (d.contains("tie_break") && tb != "ticket" && tb != "id-order")
      ck.add("tie_break", "must be \"ticket\" (SHA-256 tickets from a public seed) or \"id-order\"");
  }

  auto id_list = [&](const char* key, std::set<std::string>& ids) {
    auto it = d.find(key);
    if (it == d.end()) return;
    if (!it->is_array()) {
      ck.add(key, "must be a list");
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& x = (*it)[i];
      const std::string at = std::string(key) + "[" + std::to_string(i) + "]";
      if (!x.is_object()) {
        ck.add(at, "must be an object with an id and a name");
        continue;
      }
      ck.known_keys(x, at, {"id", "name"});
      const auto id = ck.string_field(x, "id", at, true, &slug_re(),
                                      "is not a valid id (lower-case letters, digits, '-' or '_')");
      if (!id.empty() && !ids.insert(id).second) ck.add(at + ".id", "'" + id + "' is used twice");
      ck.texts(x, "name", at, languages, true);
    }
  };
  std::set<std::string> districts, categories;
  id_list("districts", districts);
  id_list("categories", categories);

  auto contests = d.find("contests");
  if (contests == d.end() || !contests->is_array()) {
    ck.add("contests", "must be a list of contests");
    return ck.problems;
  }
  std::set<std::string> contest_ids;
  for (std::size_t ci = 0; ci < contests->size(); ++ci) {
    const json& c = (*contests)[ci];
    const std::string at = "contests[" + std::to_string(ci) + "]";
    if (!c.is_object()) {
      ck.add(at, "must be an object");
      continue;
    }
    ck.known_keys(c, at, {"id", "kind", "format", "district", "title", "description", "budget", "currency",
                          "money_decimals", "seats", "limits", "rule", "rule_options", "options"});
    const auto id = ck.string_field(c, "id", at, true, &slug_re(),
                                    "is not a valid contest id (lower-case letters, digits, '-' or '_')");
    if (!id.empty() && !contest_ids.insert(id).second) ck.add(at + ".id", "'" + id + "' is used twice");
    const auto kind = ck.string_field(c, "kind", at, true);
    if (c.contains("kind") && !contest_kind_from_string(kind))
      ck.add(at + ".kind", "must be \"budget\" or \"selection\"");
    const auto format = ck.string_field(c, "format", at, true);
    if (c.contains("format") && !ballot_format_from_string(format))
      ck.add(at + ".format", "must be \"approval\", \"cumulative\" or \"ranked\"");
    const auto district = ck.string_field(c, "district", at, false);
    if (!district.empty() && !districts.count(district))
      ck.add(at + ".district", "'" + district + "' is not one of the election's districts");
    ck.texts(c, "title", at, languages, true);
    ck.texts(c, "description", at, languages, false);
    ck.int_field(c, "budget", at, kind == "budget", 0, kMaxMoney);
    ck.string_field(c, "currency", at, false);
    ck.int_field(c, "money_decimals", at, false, 0, 4);
    ck.int_field(c, "seats", at, false, 1, 10000, 1);
    if (auto l = c.find("limits"); l != c.end()) {
      if (!l->is_object()) {
        ck.add(at + ".limits", "must be an object");
      } else {
        for (const auto& [k, v] : l->items()) {
          const std::string lat = at + ".limits." + k;
          if (std::none_of(std::begin(kLimitKeys), std::end(kLimitKeys), [&k = k](const char* x) { return k == x; })) {
            ck.add(lat, "is not a ballot limit allot knows");
          } else if (k == "max_choices_per_category") {
            if (!v.is_object()) ck.add(lat, "must map category ids to numbers");
            else
              for (const auto& [cat, n] : v.items()) {
                if (!categories.count(cat)) ck.add(lat + "." + cat, "'" + cat + "' is not one of the categories");
                if (!is_int(n) || n.get<std::int64_t>() < 0 || n.get<std::int64_t>() > 100000)
                  ck.add(lat + "." + cat, "must be a whole number from 0 to 100000");
              }
          } else if (!is_int(v) || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > kMaxMoney) {
            ck.add(lat, "must be a whole number >= 0");
          } else if ((k == "min_choices" || k == "max_choices") && v.get<std::int64_t>() > 100000) {
            ck.add(lat, "must be at most 100000");
          }
        }
      }
    }
    ck.string_field(c, "rule", at, true);
    if (auto ro = c.find("rule_options"); ro != c.end()) {
      if (!ro->is_object()) ck.add(at + ".rule_options", "must map option names to text values");
      else
        for (const auto& [k, v] : ro->items())
          if (!v.is_string()) ck.add(at + ".rule_options." + k, "must be text (as with --option " + k + "=VALUE)");
    }
    auto options = c.find("options");
    if (options == c.end() || !options->is_array() || options->empty()) {
      ck.add(at + ".options", "must list at least one option");
      continue;
    }
    std::set<std::string> option_ids;
    for (std::size_t oi = 0; oi < options->size(); ++oi) {
      const json& o = (*options)[oi];
      const std::string oat = at + ".options[" + std::to_string(oi) + "]";
      if (!o.is_object()) {
        ck.add(oat, "must be an object");
        continue;
      }
      ck.known_keys(o, oat, {"id", "title", "description", "cost", "categories", "district", "picture"});
      const auto oid = ck.string_field(o, "id", oat, true, &option_id_re(),
                                       "is not a valid option id (letters, digits, '.', '-' or '_', at most 64)");
      if (!oid.empty() && !option_ids.insert(oid).second) ck.add(oat + ".id", "'" + oid + "' is used twice");
      ck.texts(o, "title", oat, languages, true);
      ck.texts(o, "description", oat, languages, false);
      const auto cost = ck.int_field(o, "cost", oat, kind == "budget", 0, kMaxMoney);
      if (kind == "selection" && cost != 0) ck.add(oat + ".cost", "must be 0 in a selection contest");
      if (auto cats = o.find("categories"); cats != o.end()) {
        if (!cats->is_array()) ck.add(oat + ".categories", "must be a list of category ids");
        else
          for (const auto& cat : *cats)
            if (!cat.is_string() || !categories.count(cat.get<std::string>()))
              ck.add(oat + ".categories", (cat.is_string() ? "'" + cat.get<std::string>() + "'" : std::string("a value")) +
                                              " is not one of the election's categories");
      }
      const auto od = ck.string_field(o, "district", oat, false);
      if (!od.empty() && !districts.count(od)) ck.add(oat + ".district", "'" + od + "' is not one of the districts");
      ck.string_field(o, "picture", oat, false);
    }
  }
  if (contests->empty()) ck.add("contests", "an election needs at least one contest");
  if (!ck.problems.empty()) return ck.problems;

  // Semantics, once the structure is sound: the engine's view of each contest.
  for (std::size_t ci = 0; ci < contests->size(); ++ci) {
    const Contest c = contest_at(d, ci);
    const std::string at = "contests[" + std::to_string(ci) + "]";
    for (const auto& p : validate_contest(c)) ck.add(at, p);
    if (c.kind == ContestKind::Budget && c.budget <= 0) ck.add(at + ".budget", "a budget contest needs a budget > 0");
    if (c.kind == ContestKind::Selection && c.seats > static_cast<int>(c.options.size()))
      ck.add(at + ".seats", "more seats than options");
    const auto rp = rule_problem((*contests)[ci].at("rule").get<std::string>(), c);
    if (!rp.empty()) ck.add(at + ".rule", rp);
  }

  if (auto cr = d.find("credentials"); cr != d.end()) {
    if (!cr->is_object()) {
      ck.add("credentials", "must be an object");
    } else {
      ck.known_keys(*cr, "credentials", {"codes", "by_district", "commitment"});
      const auto total = ck.int_field(*cr, "codes", "credentials", true, 0, 100'000'000);
      std::int64_t sum = 0;
      auto bd = cr->find("by_district");
      if (bd == cr->end() || !bd->is_object()) {
        ck.add("credentials.by_district", "must map districts to numbers of codes");
      } else {
        for (const auto& [k, v] : bd->items()) {
          if (!k.empty() && !districts.count(k)) ck.add("credentials.by_district." + k, "is not a district");
          if (!is_int(v) || v.get<std::int64_t>() < 0) ck.add("credentials.by_district." + k, "must be a number >= 0");
          else sum += v.get<std::int64_t>();
        }
        if (sum != total) ck.add("credentials", "codes per district do not add up to the total");
      }
      static const std::regex hex64("[0-9a-f]{64}");
      ck.string_field(*cr, "commitment", "credentials", true, &hex64, "is not a SHA-256 in hex");
    }
  }
  if (auto k = d.find("keys"); k != d.end()) {
    static const std::regex hex64("[0-9a-f]{64}");
    if (!k->is_object()) ck.add("keys", "must be an object");
    else {
      ck.known_keys(*k, "keys", {"signing"});
      ck.string_field(*k, "signing", "keys", true, &hex64, "is not an Ed25519 public key in hex");
    }
  }
  return ck.problems;
}

Contest contest_at(const json& m, std::size_t index) {
  const json& c = m.at("contests").at(index);
  const std::string lang = default_language(m);
  Contest out;
  out.id = c.at("id").get<std::string>();
  out.title = text_in(c.value("title", json::object()), lang);
  out.kind = *contest_kind_from_string(c.at("kind").get<std::string>());
  out.format = *ballot_format_from_string(c.at("format").get<std::string>());
  out.budget = c.value("budget", std::int64_t{0});
  out.seats = c.value("seats", 1);
  out.money_decimals = c.value("money_decimals", 0);
  out.currency = c.value("currency", std::string());
  out.district = c.value("district", std::string());
  out.rules = rules_of(c.value("limits", json::object()));
  for (const json& o : c.at("options")) {
    Option opt;
    opt.id = o.at("id").get<std::string>();
    opt.name = text_in(o.value("title", json::object()), lang);
    opt.cost = o.value("cost", std::int64_t{0});
    if (auto cats = o.find("categories"); cats != o.end() && cats->is_array())
      for (const auto& cat : *cats) opt.categories.push_back(cat.get<std::string>());
    opt.district = o.value("district", std::string());
    out.options.push_back(std::move(opt));
  }
  return out;
}

std::vector<Contest> contests_of(const json& m) {
  std::vector<Contest> out;
  for (std::size_t i = 0; i < m.at("contests").size(); ++i) out.push_back(contest_at(m, i));
  return out;
}

std::vector<std::size_t> visible_contests(const json& m, const std::string& district) {
  std::vector<std::size_t> out;
  const json& cs = m.at("contests");
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const std::string d = cs[i].value("district", std::string());
    if (d.empty() || d == district) out.push_back(i);
  }
  return out;
}

bool has_district(const json& m, const std::string& district) {
  if (district.empty()) return true;
  auto it = m.find("districts");
  if (it == m.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const json& x) { return x.value("id", std::string()) == district; });
}

AnswersCheck check_answers(const json& m, const std::vector<Contest>& contests, const std::string& district,
                           const json& answers) {
  AnswersCheck out;
  out.answers = json::object();
  if (!answers.is_object()) {
    out.problems.push_back("the answers must be an object with one entry per question");
    return out;
  }
  if (!has_district(m, district)) {
    out.problems.push_back("'" + district + "' is not a district of this election");
    return out;
  }
  const auto visible = visible_contests(m, district);
  std::set<std::string> visible_ids;
  for (auto i : visible) visible_ids.insert(contests[i].id);
  for (const auto& [k, v] : answers.items()) {
    (void)v;
    if (!visible_ids.count(k)) out.problems.push_back("'" + k + "' is not a question on this ballot");
  }
  for (auto i : visible) {
    const Contest& c = contests[i];
    json a = json::object({{"options", json::array()}});
    if (auto it = answers.find(c.id); it != answers.end()) a = *it;
    const std::string who = c.id + ": ";
    if (!a.is_object()) {
      out.problems.push_back(who + "the answer must be an object with \"options\"");
      continue;
    }
    bool shape_ok = true;
    for (const auto& [k, v] : a.items()) {
      (void)v;
      if (k != "options" && k != "points") {
        out.problems.push_back(who + "'" + k + "' is not part of an answer");
        shape_ok = false;
      }
    }
    MarkedBallot mb;
    const json opts = a.value("options", json::array());
    if (!opts.is_array()) {
      out.problems.push_back(who + "\"options\" must be a list of option ids");
      continue;
    }
    if (opts.size() > c.options.size() * 2 + 8) {
      out.problems.push_back(who + "too many options listed");
      continue;
    }
    for (const auto& o : opts) {
      if (!o.is_string()) {
        out.problems.push_back(who + "\"options\" must hold option ids as text");
        shape_ok = false;
        break;
      }
      mb.options.push_back(o.get<std::string>());
    }
    if (auto p = a.find("points"); p != a.end()) {
      if (!p->is_array()) {
        out.problems.push_back(who + "\"points\" must be a list of whole numbers");
        shape_ok = false;
      } else {
        for (const auto& x : *p) {
          if (!is_int(x) || x.get<std::int64_t>() < 0 || x.get<std::int64_t>() > 1'000'000'000) {
            out.problems.push_back(who + "points must be whole numbers from 0 to 1000000000");
            shape_ok = false;
            break;
          }
          mb.points.push_back(x.get<std::int64_t>());
        }
      }
    }
    if (!shape_ok) continue;
    BallotCheck bc = check_ballot(c, mb);
    if (!bc.ok) {
      for (const auto& p : bc.problems) out.problems.push_back(who + p);
      continue;
    }
    json norm = json::object();
    json ids = json::array();
    json pts = json::array();
    if (c.format == BallotFormat::Ranked) {
      for (int o : bc.ballot.options) ids.push_back(c.options[static_cast<std::size_t>(o)].id);
    } else {
      std::vector<std::size_t> order(bc.ballot.options.size());
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(),
                [&](std::size_t x, std::size_t y) { return bc.ballot.options[x] < bc.ballot.options[y]; });
      for (auto k : order) {
        ids.push_back(c.options[static_cast<std::size_t>(bc.ballot.options[k])].id);
        if (c.format == BallotFormat::Cumulative) pts.push_back(bc.ballot.points[k]);
      }
    }
    norm["options"] = ids;
    if (c.format == BallotFormat::Cumulative) norm["points"] = pts;
    out.answers[c.id] = norm;
    out.ballots[c.id] = bc.ballot;
  }
  out.ok = out.problems.empty();
  if (!out.ok) {
    out.answers = json::object();
    out.ballots.clear();
  }
  return out;
}

json make_ballot(const std::string& manifest_hash, const std::string& channel, const std::string& district,
                 const json& answers, const std::string& nonce_hex) {
  return json{{"allot", "ballot/1"}, {"answers", answers}, {"channel", channel},
              {"district", district}, {"manifest", manifest_hash}, {"nonce", nonce_hex}};
}

std::vector<std::string> check_ballot_document(const json& m, const std::string& manifest_hash,
                                               const std::vector<Contest>& contests, const json& b) {
  std::vector<std::string> problems;
  if (!b.is_object()) return {"a ballot must be a JSON object"};
  for (const auto& [k, v] : b.items()) {
    (void)v;
    if (k != "allot" && k != "answers" && k != "channel" && k != "district" && k != "manifest" && k != "nonce")
      problems.push_back("'" + k + "' is not a field of a ballot");
  }
  if (b.value("allot", json()) != "ballot/1") problems.push_back("\"allot\" must be \"ballot/1\"");
  if (b.value("manifest", json()) != manifest_hash)
    problems.push_back("it is bound to another manifest than this election's");
  const json channel = b.value("channel", json());
  if (channel != "online" && channel != "kiosk" && channel != "paper")
    problems.push_back("\"channel\" must be online, kiosk or paper");
  static const std::regex nonce_re("[0-9a-f]{32}");
  const json nonce = b.value("nonce", json());
  if (!nonce.is_string() || !std::regex_match(nonce.get<std::string>(), nonce_re))
    problems.push_back("\"nonce\" must be 32 lower-case hex digits");
  const json district = b.value("district", json());
  if (!district.is_string()) {
    problems.push_back("\"district\" must be text");
    return problems;
  }
  if (!b.contains("answers")) {
    problems.push_back("\"answers\" is missing");
    return problems;
  }
  const AnswersCheck ac = check_answers(m, contests, district.get<std::string>(), b["answers"]);
  for (const auto& p : ac.problems) problems.push_back(p);
  if (ac.ok && ac.answers != b["answers"])
    problems.push_back("the answers are not in their normal form (one entry per question shown, options in ballot order)");
  return problems;
}

Profile profile_of(const Contest& contest, const std::vector<json>& ballots) {
  Profile profile;
  for (const json& b : ballots) {
    const auto& answers = b.at("answers");
    auto it = answers.find(contest.id);
    if (it == answers.end()) continue;
    MarkedBallot mb;
    for (const auto& o : it->at("options")) mb.options.push_back(o.get<std::string>());
    if (auto p = it->find("points"); p != it->end())
      for (const auto& x : *p) mb.points.push_back(x.get<std::int64_t>());
    BallotCheck bc = check_ballot(contest, mb);
    if (!bc.ok) throw std::runtime_error("contest " + contest.id + ": a ballot is invalid: " + bc.problems.front());
    profile.ballots.push_back(std::move(bc.ballot));
  }
  return profile;
}

json tally_contest_with(const json& m, std::size_t index, const std::vector<json>& ballots, const std::string& rule,
                        const std::map<std::string, std::string>& rule_options, const std::string& seed) {
  const Contest contest = contest_at(m, index);
  const Profile profile = profile_of(contest, ballots);
  RuleParams params;
  params.tie_break = m.value("tie_break", std::string("ticket")) == "id-order" ? TieBreak::id_order()
                                                                               : TieBreak::ticket(seed);
  params.options = rule_options;
  const std::string problem = rule_problem(rule, contest);
  if (!problem.empty()) throw std::runtime_error("contest " + contest.id + ": " + problem);
  const Result r = run_any(rule, contest, profile, params);
  return json{{"contest", contest.id},
              {"ballots", static_cast<std::int64_t>(profile.ballots.size())},
              {"rule", rule},
              {"result", result_to_json(contest, r)}};
}

json tally_contest(const json& m, std::size_t index, const std::vector<json>& ballots, const std::string& seed) {
  const json& c = m.at("contests").at(index);
  std::map<std::string, std::string> options;
  if (auto ro = c.find("rule_options"); ro != c.end())
    for (const auto& [k, v] : ro->items()) options[k] = v.get<std::string>();
  return tally_contest_with(m, index, ballots, c.at("rule").get<std::string>(), options, seed);
}

Export export_contest(const json& m, std::size_t index, const std::vector<json>& ballots) {
  const Contest contest = contest_at(m, index);
  Export out;
  const bool budget = contest.kind == ContestKind::Budget;
  const bool ranked = contest.kind == ContestKind::Selection && contest.format == BallotFormat::Ranked;
  if (!budget && !ranked) return out;
  const Profile profile = profile_of(contest, ballots);
  if (budget) {
    out.file_name = contest.id + ".pb";
    out.bytes = write_pabulib(pabulib_from_contest(contest, profile, {{"instance", m.at("election").get<std::string>()}}));
  } else {
    out.file_name = contest.id + ".blt";
    out.bytes = write_blt(ranked_of(contest, profile));
  }
  return out;
}

}  // namespace allot::manifest
