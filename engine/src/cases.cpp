// Shared parts of the reference-case runners: reading a case's election and
// comparing numbers. The per-corpus runners live in cases_rcv.cpp,
// cases_stv.cpp and cases_condorcet.cpp; the dispatcher in cases_dispatch.cpp.
#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

#include "allot/engine/cases.hpp"
#include "allot/engine/numbers.hpp"

namespace allot {

// Parses "12", "-3.250", "1e-3", "7/2" or a JSON number's text into a rational.
bool parse_exact_number(const std::string& text, Rational& out) {
  std::string s = text;
  if (s.empty()) return false;
  try {
    if (s.find('/') != std::string::npos) {
      out = Rational(s, 10);
      out.canonicalize();
      return true;
    }
    int exp10 = 0;
    if (auto e = s.find_first_of("eE"); e != std::string::npos) {
      exp10 = std::stoi(s.substr(e + 1));
      s = s.substr(0, e);
    }
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
      neg = s[0] == '-';
      s = s.substr(1);
    }
    std::string digits;
    int decimals = 0;
    bool dot = false;
    for (char c : s) {
      if (c == '.' && !dot) dot = true;
      else if (c >= '0' && c <= '9') {
        digits.push_back(c);
        if (dot) ++decimals;
      } else return false;
    }
    if (digits.empty()) return false;
    mpz_class num(digits, 10), den(1);
    const int shift = decimals - exp10;
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(shift >= 0 ? shift : -shift));
    if (shift >= 0) den = p;
    else num *= p;
    out = Rational(neg ? mpz_class(-num) : num, den);
    out.canonicalize();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool same_number(const std::string& a, const std::string& b) {
  Rational x, y;
  if (!parse_exact_number(a, x) || !parse_exact_number(b, y)) return a == b;
  return x == y;
}

bool is_reference_case(const nlohmann::json& doc) {
  return doc.is_object() && doc.contains("method") && doc.contains("expected");
}

RankedElection election_of_case(const nlohmann::json& doc) {
  RankedElection e;
  e.title = doc.value("name", "");
  std::map<std::string, int> index;
  for (const auto& c : doc.at("candidates")) {
    const std::string name = c.get<std::string>();
    index[name] = static_cast<int>(e.candidates.size());
    e.candidates.push_back(name);
  }
  const nlohmann::json options = doc.value("options", nlohmann::json::object());
  const bool uwi = options.is_object() && options.value("undeclared_write_ins", false);
  if (uwi) {
    index["$UWI"] = static_cast<int>(e.candidates.size());
    e.candidates.push_back("$UWI");
  }
  e.seats = doc.value("seats", 1);
  for (const char* key : {"excluded", "withdrawn"}) {
    if (!options.is_object() || !options.contains(key) || !options[key].is_array()) continue;
    for (const auto& name : options[key]) {
      auto it = index.find(name.get<std::string>());
      if (it == index.end()) throw std::runtime_error("options." + std::string(key) + " names unknown candidate " + name.dump());
      e.withdrawn.push_back(it->second);
    }
  }
  for (const auto& b : doc.at("ballots")) {
    RankedBallot rb;
    for (const auto& rank : b.at("ranking")) {
      std::vector<int> marks;
      for (const auto& m : rank) {
        const std::string name = m.get<std::string>();
        if (name == "$OVERVOTE") {
          marks.push_back(kOvervoteMark);
          continue;
        }
        auto it = index.find(name);
        if (it == index.end()) throw std::runtime_error("a ballot names unknown candidate '" + name + "'");
        marks.push_back(it->second);
      }
      rb.ranks.push_back(std::move(marks));
    }
    const auto& count = b.contains("count") ? b.at("count") : nlohmann::json(1);
    std::string text = count.is_string() ? count.get<std::string>() : count.dump();
    Rational q;
    if (!parse_exact_number(text, q) || sgn(q) < 0) throw std::runtime_error("bad ballot count " + count.dump());
    // As units / 10^decimals.
    int decimals = 0;
    Rational scaled = q;
    while (scaled.get_den() != 1 && decimals < 18) {
      scaled *= 10;
      ++decimals;
    }
    if (scaled.get_den() != 1 || !scaled.get_num().fits_slong_p())
      throw std::runtime_error("ballot count " + count.dump() + " is not a decimal that fits");
    rb.count = BallotCount{scaled.get_num().get_si(), decimals};
    e.ballots.push_back(std::move(rb));
  }
  return e;
}

}  // namespace allot
