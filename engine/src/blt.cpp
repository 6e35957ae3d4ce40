#include "allot/engine/blt.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "allot/engine/errors.hpp"

namespace allot {

namespace {

struct Token {
  enum Kind { Word, Quoted, Group } kind;
  std::string text;
  int line;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  int line = 1;
  std::size_t i = 0;
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
      static_cast<unsigned char>(s[2]) == 0xBF)
    i = 3;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '"') {
      const int start = line;
      std::string text;
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\n') throw FormatError(start, "a quoted name is not closed on its line");
        text.push_back(s[i++]);
      }
      if (i >= s.size()) throw FormatError(start, "a quoted name is not closed");
      ++i;
      out.push_back({Token::Quoted, text, start});
    } else if (c == '[') {
      const int start = line;
      std::string text;
      ++i;
      while (i < s.size() && s[i] != ']') {
        if (s[i] == '\n') ++line;
        text.push_back(s[i++]);
      }
      if (i >= s.size()) throw FormatError(start, "a '[' option is not closed with ']'");
      ++i;
      out.push_back({Token::Group, text, start});
    } else {
      std::string text;
      while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '"' && s[i] != '[' &&
             s[i] != '#')
        text.push_back(s[i++]);
      out.push_back({Token::Word, text, line});
    }
  }
  return out;
}

bool parse_int(const std::string& s, long long& v) {
  if (s.empty() || s.size() > 18) return false;
  std::size_t k = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (k == s.size()) return false;
  for (std::size_t j = k; j < s.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(s[j]))) return false;
  v = std::stoll(s);
  return true;
}

// A non-negative decimal weight as units / 10^decimals.
bool parse_weight(const std::string& s, BallotCount& w) {
  std::string digits;
  int decimals = 0;
  bool dot = false;
  for (char c : s) {
    if (c == '.' && !dot) dot = true;
    else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
      if (dot) ++decimals;
    } else return false;
  }
  while (decimals > 0 && !digits.empty() && digits.back() == '0') {
    digits.pop_back();
    --decimals;
  }
  if (digits.empty() || digits.size() > 18) return false;
  w = BallotCount{std::stoll(digits), decimals};
  return true;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

}  // namespace

BltFile parse_blt(std::string_view text) {
  const auto toks = tokenize(text);
  BltFile f;
  auto& e = f.election;
  std::size_t i = 0;
  auto need = [&](const char* what) -> const Token& {
    if (i >= toks.size())
      throw FormatError(toks.empty() ? 1 : toks.back().line, std::string("the file ends before ") + what);
    return toks[i];
  };
  // Header.
  long long ncand = 0, seats = 0;
  {
    const Token& a = need("the header (candidates and seats)");
    if (a.kind != Token::Word || !parse_int(a.text, ncand) || ncand < 1 || ncand > 100000)
      throw FormatError(a.line, "the header must start with the number of candidates, got '" + a.text + "'");
    ++i;
    const Token& b = need("the number of seats");
    if (b.kind != Token::Word || !parse_int(b.text, seats) || seats < 0 || b.line != a.line)
      throw FormatError(b.line, "the header must give the number of seats after the number of candidates");
    ++i;
  }
  e.seats = static_cast<int>(seats);
  const int C = static_cast<int>(ncand);
  std::map<std::string, int> nick;
  std::vector<std::string> pending_withdrawn;
  std::vector<std::pair<std::string, int>> pending_tie;

  auto candidate = [&](const std::string& t, int line) -> int {
    long long v = 0;
    if (parse_int(t, v)) {
      if (v < 1 || v > C)
        throw FormatError(line, "candidate " + t + " does not exist (candidates are 1 to " + std::to_string(C) + ")");
      return static_cast<int>(v - 1);
    }
    auto it = nick.find(t);
    if (it == nick.end()) throw FormatError(line, "'" + t + "' is neither a candidate number nor a nickname");
    return it->second;
  };
  auto group = [&](const Token& t) {
    auto w = words(t.text);
    if (w.empty()) return;
    if (w[0] == "nick") {
      if (static_cast<int>(w.size()) - 1 != C)
        throw FormatError(t.line, "[nick] must give " + std::to_string(C) + " nicknames, got " +
                                      std::to_string(w.size() - 1));
      for (int k = 0; k < C; ++k) {
        nick[w[static_cast<std::size_t>(k) + 1]] = k;
        f.nicknames.push_back(w[static_cast<std::size_t>(k) + 1]);
      }
    } else if (w[0] == "withdrawn") {
      for (std::size_t k = 1; k < w.size(); ++k) e.withdrawn.push_back(candidate(w[k], t.line));
    } else if (w[0] == "tie") {
      for (std::size_t k = 1; k < w.size(); ++k) f.tie_order.push_back(candidate(w[k], t.line));
    } else {
      f.options.push_back(t.text);
    }
  };

  // Withdrawn line and options before the ballots.
  while (i < toks.size()) {
    const Token& t = toks[i];
    long long v = 0;
    if (t.kind == Token::Group) {
      group(t);
      ++i;
    } else if (t.kind == Token::Word && parse_int(t.text, v) && v < 0) {
      if (-v > C) throw FormatError(t.line, "withdrawn candidate " + t.text + " does not exist");
      e.withdrawn.push_back(static_cast<int>(-v - 1));
      ++i;
    } else {
      break;
    }
  }
  // Ballots, up to a lone 0.
  for (;;) {
    const Token& t = need("the end of the ballots (a line with a single 0)");
    if (t.kind == Token::Group) {
      group(t);
      ++i;
      continue;
    }
    if (t.kind != Token::Word) throw FormatError(t.line, "expected a ballot line or the closing 0, got a name");
    RankedBallot b;
    std::string weight = t.text;
    if (!weight.empty() && weight.front() == '(') {  // ballot identifier
      if (weight.back() != ')') throw FormatError(t.line, "a ballot identifier must be written (id)");
      ++i;
      const Token& w = need("the ballot weight");
      weight = w.text;
    }
    if (weight == "0") {
      ++i;
      break;
    }
    const int line = toks[i].line;
    if (!parse_weight(weight, b.count))
      throw FormatError(line, "a ballot must start with its weight (a number), got '" + weight + "'");
    // A zero weight written otherwise ("00", "0.0") would be read back as the closing 0.
    if (b.count.units == 0)
      throw FormatError(line, "a ballot's weight must be more than 0, got '" + weight +
                                  "' (a line with a single 0 ends the ballots)");
    ++i;
    for (;;) {
      if (i >= toks.size() || toks[i].kind != Token::Word || toks[i].line != line) {
        if (i < toks.size() && toks[i].kind == Token::Word && toks[i].text == "0")
          throw FormatError(line, "a ballot line must end with 0 on the same line");
        throw FormatError(line, "a ballot line must end with 0");
      }
      const std::string p = toks[i].text;
      ++i;
      if (p == "0") break;
      if (p == "-") {
        b.ranks.emplace_back();
        continue;
      }
      std::vector<int> rank;
      std::size_t start = 0;
      while (start <= p.size()) {
        const std::size_t eq = p.find('=', start);
        const std::string part = p.substr(start, eq == std::string::npos ? std::string::npos : eq - start);
        if (part.empty()) throw FormatError(line, "an equal preference '" + p + "' has an empty part");
        rank.push_back(candidate(part, line));
        if (eq == std::string::npos) break;
        start = eq + 1;
      }
      b.ranks.push_back(std::move(rank));
    }
    while (!b.ranks.empty() && b.ranks.back().empty()) b.ranks.pop_back();
    e.ballots.push_back(std::move(b));
  }
  // Options between the ballots and the names.
  while (i < toks.size() && toks[i].kind == Token::Group) group(toks[i++]);
  for (int k = 0; k < C; ++k) {
    const Token& t = need("every candidate's name");
    if (t.kind != Token::Quoted)
      throw FormatError(t.line, "expected the quoted name of candidate " + std::to_string(k + 1) + ", got '" +
                                    t.text + "'");
    e.candidates.push_back(t.text);
    ++i;
  }
  while (i < toks.size() && toks[i].kind == Token::Group) group(toks[i++]);
  if (i < toks.size() && toks[i].kind == Token::Quoted) e.title = toks[i++].text;
  // Anything after the title is ignored (comments, further strings), as other readers do.
  std::sort(e.withdrawn.begin(), e.withdrawn.end());
  e.withdrawn.erase(std::unique(e.withdrawn.begin(), e.withdrawn.end()), e.withdrawn.end());
  return f;
}

std::string write_blt(const RankedElection& e, const std::vector<int>& tie_order) {
  std::ostringstream out;
  auto check_name = [](const std::string& n) {
    if (n.find('"') != std::string::npos || n.find('\n') != std::string::npos)
      throw UsageError("name '" + n + "' cannot be written to a BLT file (it holds a quote or a line break)");
  };
  out << e.candidates.size() << " " << e.seats << "\n";
  if (!e.withdrawn.empty()) {
    for (std::size_t k = 0; k < e.withdrawn.size(); ++k) out << (k ? " " : "") << "-" << e.withdrawn[k] + 1;
    out << "\n";
  }
  if (!tie_order.empty()) {
    out << "[tie";
    for (int c : tie_order) out << " " << c + 1;
    out << "]\n";
  }
  for (const auto& b : e.ballots) {
    if (b.count.units <= 0) throw UsageError("a ballot of weight 0 or less cannot be written to a BLT file");
    const std::string digits = std::to_string(b.count.units);
    const auto decimals = static_cast<std::size_t>(b.count.decimals);
    if (decimals == 0) {
      out << digits;
    } else {
      const std::string padded =
          digits.size() <= decimals ? std::string(decimals + 1 - digits.size(), '0') + digits : digits;
      out << padded.substr(0, padded.size() - decimals) << '.' << padded.substr(padded.size() - decimals);
    }
    for (const auto& rank : b.ranks) {
      out << " ";
      if (rank.empty()) {
        out << "-";
        continue;
      }
      for (std::size_t k = 0; k < rank.size(); ++k) {
        if (rank[k] < 0) throw UsageError("an overvote mark cannot be written to a BLT file");
        out << (k ? "=" : "") << rank[k] + 1;
      }
    }
    out << " 0\n";
  }
  out << "0\n";
  for (const auto& n : e.candidates) {
    check_name(n);
    out << '"' << n << "\"\n";
  }
  check_name(e.title);
  out << '"' << e.title << "\"\n";
  return out.str();
}

}  // namespace allot
