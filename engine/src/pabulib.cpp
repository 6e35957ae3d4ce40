// Pabulib `.pb` reader and writer (see allot/engine/pabulib.hpp and
// ../shared/docs/pabulib-format.md). Pure: text in, text out.
#include "allot/engine/pabulib.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "allot/engine/errors.hpp"

namespace allot {

namespace {

// ---------------------------------------------------------------- text helpers

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

// `None` (any case) is pabutools' spelling of a missing value.
bool is_none(std::string_view s) { return iequals(s, "none"); }
bool is_missing(std::string_view s) { return s.empty() || is_none(s); }

std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  std::string r = "'";
  if (s.size() > kMax) {
    r.append(s.substr(0, kMax));
    r += "...";
  } else {
    r.append(s);
  }
  r += "'";
  return r;
}

// Calls f(token, index) for every `,`-separated token (trimmed), including empty ones.
template <typename F>
void for_each_token(std::string_view s, F&& f) {
  std::size_t index = 0, start = 0;
  for (;;) {
    std::size_t comma = s.find(',', start);
    std::string_view tok = s.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    f(trim(tok), index++);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

std::vector<std::string> split_categories(std::string_view field) {
  std::vector<std::string> out;
  if (is_missing(field)) return out;
  for_each_token(field, [&](std::string_view tok, std::size_t) {
    if (tok.empty()) return;
    if (std::find(out.begin(), out.end(), tok) == out.end()) out.emplace_back(tok);
  });
  return out;
}

// ---------------------------------------------------------------- exact decimals

constexpr int kMaxMoneyDecimals = 6;

constexpr std::array<std::int64_t, 19> kPow10 = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

// value = m / 10^scale, normalised: no trailing zero in m when scale > 0.
struct Decimal {
  std::int64_t m = 0;
  int scale = 0;
};

enum class NumErr { Ok, NotNumber, TooManyDecimals, TooLarge };

bool mul_pow10(std::int64_t v, int k, std::int64_t& out) {
  if (k < 0 || k >= static_cast<int>(kPow10.size())) {
    if (v == 0) {
      out = 0;
      return true;
    }
    return false;
  }
  return !__builtin_mul_overflow(v, kPow10[static_cast<std::size_t>(k)], &out);
}

// Accepts [+-]digits[(.|,)digits][(e|E)[+-]digits] with at least one digit before
// the exponent; a decimal comma is a decimal point.
NumErr parse_decimal(std::string_view s, int max_scale, Decimal& out) {
  const std::size_t n = s.size();
  std::size_t i = 0;
  bool neg = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  const std::size_t int_begin = i;
  while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t int_end = i;
  std::size_t frac_begin = i, frac_end = i;
  if (i < n && (s[i] == '.' || s[i] == ',')) {
    frac_begin = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return NumErr::NotNumber;
  long exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    const std::size_t eb = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      if (exp < 100000) exp = exp * 10 + (s[i] - '0');
      ++i;
    }
    if (i == eb) return NumErr::NotNumber;
    if (eneg) exp = -exp;
  }
  if (i != n) return NumErr::NotNumber;
  while (frac_end > frac_begin && s[frac_end - 1] == '0') --frac_end;
  const long frac_len = static_cast<long>(frac_end - frac_begin);
  if (exp == 0 && frac_len > max_scale) return NumErr::TooManyDecimals;

  std::int64_t m = 0;
  auto add_digit = [&m](char c) {
    return !__builtin_mul_overflow(m, 10, &m) && !__builtin_add_overflow(m, c - '0', &m);
  };
  for (std::size_t k = int_begin; k < int_end; ++k)
    if (!add_digit(s[k])) return NumErr::TooLarge;
  for (std::size_t k = frac_begin; k < frac_end; ++k)
    if (!add_digit(s[k])) return NumErr::TooLarge;
  if (m == 0) {
    out = Decimal{};
    return NumErr::Ok;
  }
  long scale = frac_len - exp;
  if (scale < 0) {
    if (!mul_pow10(m, static_cast<int>(-scale), m)) return NumErr::TooLarge;
    scale = 0;
  }
  while (scale > 0 && m % 10 == 0) {
    m /= 10;
    --scale;
  }
  if (scale > max_scale) return NumErr::TooManyDecimals;
  out.m = neg ? -m : m;
  out.scale = static_cast<int>(scale);
  return NumErr::Ok;
}

// d in units of 10^-decimals, exactly (d.scale <= decimals), or nullopt on overflow.
std::optional<std::int64_t> to_minor(const Decimal& d, int decimals) {
  std::int64_t r = 0;
  if (!mul_pow10(d.m, decimals - d.scale, r)) return std::nullopt;
  return r;
}

// d in units of 10^-decimals, rounded up or down when d has more decimals.
std::optional<std::int64_t> to_minor_rounded(const Decimal& d, int decimals, bool round_up) {
  if (d.scale <= decimals) return to_minor(d, decimals);
  const int drop = d.scale - decimals;
  if (drop >= static_cast<int>(kPow10.size())) return round_up ? (d.m > 0 ? 1 : 0) : (d.m < 0 ? -1 : 0);
  const std::int64_t p = kPow10[static_cast<std::size_t>(drop)];
  std::int64_t q = d.m / p;
  const std::int64_t r = d.m % p;
  if (r != 0) {
    if (round_up && r > 0) ++q;
    if (!round_up && r < 0) --q;
  }
  return q;
}

// Is `raw` (a decimal as written) exactly minor / 10^decimals?
bool decimal_matches(std::string_view raw, std::int64_t minor, int decimals) {
  Decimal d;
  if (parse_decimal(raw, 18, d) != NumErr::Ok) return false;
  std::int64_t lhs = 0, rhs = 0;
  if (d.scale <= decimals) {
    if (!mul_pow10(d.m, decimals - d.scale, lhs)) return false;
    return lhs == minor;
  }
  if (!mul_pow10(minor, d.scale - decimals, rhs)) return false;
  return rhs == d.m;
}

std::optional<std::int64_t> parse_whole(std::string_view s) {
  Decimal d;
  if (parse_decimal(s, 0, d) != NumErr::Ok || d.m < 0) return std::nullopt;
  return d.m;
}

// ---------------------------------------------------------------- CSV records

// Reads `;`-separated records with double-quote quoting. Every field is unquoted
// and trimmed. A quoted field may span lines; the record's line is where it starts.
class RecordReader {
 public:
  explicit RecordReader(std::string_view text) : s_(text) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  bool next() {
    if (pos_ >= s_.size()) return false;
    line_ = next_line_;
    count_ = 0;
    first_quoted_ = false;
    for (;;) {
      std::string& f = slot();
      const bool q = read_field(f);
      if (count_ == 1) first_quoted_ = q;
      if (pos_ < s_.size() && s_[pos_] == ';') {
        ++pos_;
        continue;
      }
      end_line();
      return true;
    }
  }

  int line() const { return line_; }
  std::size_t lines_left() const {
    const std::string_view rest = s_.substr(pos_);
    return static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '\n')) + 1;
  }
  std::size_t size() const { return count_; }
  const std::string& operator[](std::size_t i) const { return fields_[i]; }
  // The field or "" past the end of a short row.
  std::string_view get(std::size_t i) const {
    return i < count_ ? std::string_view(fields_[i]) : std::string_view();
  }
  bool blank() const { return count_ == 1 && !first_quoted_ && fields_[0].empty(); }
  // META / PROJECTS / VOTES (any case, unquoted, nothing else on the line).
  std::string_view marker() const {
    if (count_ == 0 || first_quoted_) return {};
    for (std::size_t i = 1; i < count_; ++i)
      if (!fields_[i].empty()) return {};
    const std::string& f = fields_[0];
    if (iequals(f, "meta")) return "meta";
    if (iequals(f, "projects")) return "projects";
    if (iequals(f, "votes")) return "votes";
    return {};
  }

 private:
  std::string& slot() {
    if (count_ == fields_.size()) fields_.emplace_back();
    return fields_[count_++];
  }

  static bool stop(char c) { return c == ';' || c == '\n' || c == '\r'; }

  void count_newlines(std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s_[k] == '\n') ++next_line_;
      else if (s_[k] == '\r' && (k + 1 >= s_.size() || s_[k + 1] != '\n')) ++next_line_;
    }
  }

  // Returns whether the field was quoted.
  bool read_field(std::string& f) {
    const std::size_t n = s_.size();
    std::size_t q = pos_;
    while (q < n && (s_[q] == ' ' || s_[q] == '\t')) ++q;
    if (q < n && s_[q] == '"') {
      f.clear();
      std::size_t i = q + 1;
      for (;;) {
        const std::size_t j = s_.find('"', i);
        if (j == std::string_view::npos) throw FormatError(line_, "a quoted field is never closed");
        count_newlines(i, j);
        f.append(s_.data() + i, j - i);
        if (j + 1 < n && s_[j + 1] == '"') {
          f.push_back('"');
          i = j + 2;
          continue;
        }
        i = j + 1;
        break;
      }
      // Text after the closing quote is kept, as Python's csv module does.
      std::size_t k = i;
      while (k < n && !stop(s_[k])) ++k;
      f.append(s_.data() + i, k - i);
      pos_ = k;
      const std::string_view t = trim(f);
      if (t.size() != f.size()) {
        const std::size_t off = static_cast<std::size_t>(t.data() - f.data());
        const std::size_t len = t.size();
        f.erase(0, off);
        f.resize(len);
      }
      return true;
    }
    std::size_t k = q;
    while (k < n && !stop(s_[k])) ++k;
    f.assign(trim(s_.substr(q, k - q)));
    pos_ = k;
    return false;
  }

  void end_line() {
    if (pos_ >= s_.size()) return;
    if (s_[pos_] == '\r') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '\n') ++pos_;
    } else if (s_[pos_] == '\n') {
      ++pos_;
    }
    ++next_line_;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int next_line_ = 1;
  int line_ = 0;
  std::vector<std::string> fields_;
  std::size_t count_ = 0;
  bool first_quoted_ = false;
};

// ---------------------------------------------------------------- shared column logic

constexpr std::size_t kNoColumn = static_cast<std::size_t>(-1);

std::size_t find_column(const std::vector<std::string>& cols, std::string_view name) {
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i] == name) return i;
  return kNoColumn;
}

struct ProjectColumns {
  std::size_t id, cost, name, category, district;
  explicit ProjectColumns(const std::vector<std::string>& cols)
      : id(find_column(cols, "project_id")),
        cost(find_column(cols, "cost")),
        name(find_column(cols, "name")),
        category(find_column(cols, "category")),
        district(find_column(cols, "district")) {
    if (category == kNoColumn) category = find_column(cols, "categories");
  }
};

enum class VoteKind { Approval, Cumulative, Ordinal };

std::optional<VoteKind> vote_kind(std::string_view vote_type) {
  if (iequals(vote_type, "approval") || iequals(vote_type, "choose-1")) return VoteKind::Approval;
  if (iequals(vote_type, "cumulative") || iequals(vote_type, "scoring")) return VoteKind::Cumulative;
  if (iequals(vote_type, "ordinal")) return VoteKind::Ordinal;
  return std::nullopt;
}

BallotFormat format_of(VoteKind k) {
  switch (k) {
    case VoteKind::Approval: return BallotFormat::Approval;
    case VoteKind::Cumulative: return BallotFormat::Cumulative;
    case VoteKind::Ordinal: return BallotFormat::Ranked;
  }
  return BallotFormat::Approval;
}

const char* vote_type_of(BallotFormat f) {
  switch (f) {
    case BallotFormat::Approval: return "approval";
    case BallotFormat::Cumulative: return "cumulative";
    case BallotFormat::Ranked: return "ordinal";
  }
  return "approval";
}

// Ballot rules from META (last value of each key wins, like pabutools' dict).
// A value that is not a whole number >= 0 (or a decimal amount >= 0 for the cost
// bounds) leaves the rule unset; the pair stays in meta either way.
BallotRules rules_from_meta(const PabulibElection& e, int money_decimals) {
  BallotRules r;
  auto whole = [&](const char* key) -> std::optional<std::int64_t> {
    const std::string* v = e.meta_value(key);
    return v ? parse_whole(*v) : std::nullopt;
  };
  auto as_int = [](std::optional<std::int64_t> v) -> std::optional<int> {
    if (!v || *v > 0x7fffffff) return std::nullopt;
    return static_cast<int>(*v);
  };
  // Ballots' total costs are whole multiples of 10^-money_decimals, so rounding the
  // lower bound up and the upper bound down admits exactly the same ballots.
  auto amount = [&](const char* key, bool round_up) -> std::optional<Money> {
    const std::string* v = e.meta_value(key);
    Decimal d;
    if (!v || parse_decimal(*v, 18, d) != NumErr::Ok || d.m < 0) return std::nullopt;
    return to_minor_rounded(d, money_decimals, round_up);
  };
  if (auto v = as_int(whole("min_length"))) r.min_choices = *v;
  r.max_choices = as_int(whole("max_length"));
  r.min_cost = amount("min_sum_cost", true);
  r.max_cost = amount("max_sum_cost", false);
  r.max_points_per_option = whole("max_points");
  r.max_points_total = whole("max_sum_points");
  r.min_points_total = whole("min_sum_points");
  return r;
}

// ---------------------------------------------------------------- the parser

struct SvHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

enum class Section { None, Meta, Projects, Votes };

class Parser {
 public:
  explicit Parser(std::string_view text) : rd_(text) {}

  PabulibElection run() {
    while (rd_.next()) {
      if (rd_.blank()) continue;
      const std::string_view mk = rd_.marker();
      if (!mk.empty()) {
        enter_section(mk);
        continue;
      }
      switch (section_) {
        case Section::None:
          throw FormatError(rd_.line(), "expected the META section first, got " + quoted(rd_[0]));
        case Section::Meta: meta_row(); break;
        case Section::Projects: project_row(); break;
        case Section::Votes: vote_row(); break;
      }
    }
    if (section_ == Section::None) throw FormatError(0, "no META section: this is not a Pabulib file");
    if (section_ == Section::Meta) {
      end_meta();
      throw FormatError(0, "no PROJECTS section");
    }
    if (section_ == Section::Projects) {
      end_projects();
      throw FormatError(0, "no VOTES section");
    }
    e_.contest.rules = rules_from_meta(e_, e_.contest.money_decimals);
    return std::move(e_);
  }

 private:
  static const char* upper(Section s) {
    switch (s) {
      case Section::Meta: return "META";
      case Section::Projects: return "PROJECTS";
      case Section::Votes: return "VOTES";
      case Section::None: break;
    }
    return "";
  }

  void enter_section(std::string_view mk) {
    const Section next = mk == "meta" ? Section::Meta : mk == "projects" ? Section::Projects : Section::Votes;
    const int marker_line = rd_.line();
    if (static_cast<int>(next) != static_cast<int>(section_) + 1) {
      std::string msg = std::string("unexpected ") + upper(next) + " section";
      if (static_cast<int>(next) <= static_cast<int>(section_)) msg += " (repeated or out of order)";
      else msg += std::string(" before the ") + upper(static_cast<Section>(static_cast<int>(section_) + 1)) + " section";
      throw FormatError(marker_line, msg + "; expected META, PROJECTS, VOTES in this order");
    }
    if (section_ == Section::Meta) end_meta();
    if (section_ == Section::Projects) end_projects();
    section_ = next;
    // The header: the next non-blank line.
    bool got = false;
    while (rd_.next()) {
      if (rd_.blank()) continue;
      got = true;
      break;
    }
    if (!got || !rd_.marker().empty())
      throw FormatError(got ? rd_.line() : marker_line,
                        std::string("the ") + upper(next) + " section has no header line");
    header_line_ = rd_.line();
    if (next == Section::Meta) {
      meta_line_ = marker_line;
      return;  // always key;value, not data
    }
    std::vector<std::string> cols;
    cols.reserve(rd_.size());
    for (std::size_t i = 0; i < rd_.size(); ++i) cols.push_back(rd_[i]);
    if (next == Section::Projects) {
      const ProjectColumns pc(cols);
      if (pc.id == kNoColumn) throw FormatError(header_line_, "the PROJECTS header has no 'project_id' column");
      if (pc.cost == kNoColumn) throw FormatError(header_line_, "the PROJECTS header has no 'cost' column");
      pcols_ = pc;
      e_.project_columns = std::move(cols);
    } else {
      vote_col_ = find_column(cols, "vote");
      points_col_ = find_column(cols, "points");
      if (vote_col_ == kNoColumn) throw FormatError(header_line_, "the VOTES header has no 'vote' column");
      e_.vote_columns = std::move(cols);
      const std::size_t rows = rd_.lines_left();  // an upper bound on the ballots
      e_.profile.ballots.reserve(rows);
      e_.vote_fields.reserve(rows);
    }
  }

  void meta_row() {
    std::string key(rd_[0]);
    std::string value(rd_.get(1));
    e_.meta.emplace_back(std::move(key), std::move(value));
    meta_lines_.push_back(rd_.line());
  }

  // Line of the last pair with this key (the one in effect), or the META marker.
  int meta_line_of(std::string_view key) const {
    for (std::size_t i = e_.meta.size(); i-- > 0;)
      if (e_.meta[i].first == key) return meta_lines_[i];
    return meta_line_;
  }

  void end_meta() {
    Contest& c = e_.contest;
    const std::string* vt = e_.meta_value("vote_type");
    if (!vt || is_missing(*vt)) throw FormatError(meta_line_of("vote_type"), "META has no vote_type");
    const auto kind = vote_kind(*vt);
    if (!kind)
      throw FormatError(meta_line_of("vote_type"),
                        "unknown vote_type " + quoted(*vt) +
                            " (expected approval, choose-1, cumulative, scoring or ordinal)");
    kind_ = *kind;
    e_.vote_type = *vt;
    c.kind = ContestKind::Budget;
    c.format = format_of(kind_);

    const std::string* budget = e_.meta_value("budget");
    if (!budget || is_missing(*budget)) throw FormatError(meta_line_of("budget"), "META has no budget");
    budget_ = amount(*budget, "budget", meta_line_of("budget"));

    auto value = [&](const char* key) -> std::string {
      const std::string* v = e_.meta_value(key);
      return (v && !is_none(*v)) ? *v : std::string();
    };
    const std::string instance = value("instance");
    c.id = instance.empty() ? "pb" : instance;
    c.title = value("description");
    if (c.title.empty()) c.title = instance;
    c.currency = value("currency");
    c.district = value("district");
  }

  Decimal amount(std::string_view raw, const char* what, int line) {
    Decimal d;
    switch (parse_decimal(raw, kMaxMoneyDecimals, d)) {
      case NumErr::Ok: break;
      case NumErr::NotNumber:
        throw FormatError(line, std::string(what) + " must be a number, got " + quoted(raw));
      case NumErr::TooManyDecimals:
        throw FormatError(line, std::string(what) + " has more than 6 decimals: " + quoted(raw));
      case NumErr::TooLarge: throw FormatError(line, std::string(what) + " is too large: " + quoted(raw));
    }
    if (d.m < 0) throw FormatError(line, std::string(what) + " must not be negative, got " + quoted(raw));
    return d;
  }

  void project_row() {
    const std::size_t ncols = e_.project_columns.size();
    std::vector<std::string> fields(ncols);
    for (std::size_t i = 0; i < ncols && i < rd_.size(); ++i) fields[i] = rd_[i];
    const int line = rd_.line();

    Option o;
    const std::string& id = fields[pcols_.id];
    if (is_missing(id)) throw FormatError(line, "project_id is empty");
    if (id.find(',') != std::string::npos)
      throw FormatError(line, "project id " + quoted(id) + " contains a comma, which no vote list can name");
    const std::string& cost = fields[pcols_.cost];
    if (is_missing(cost)) throw FormatError(line, "cost is missing for project " + quoted(id));
    costs_.push_back(amount(cost, "cost", line));
    cost_lines_.push_back(line);

    const int index = static_cast<int>(e_.contest.options.size());
    auto [it, inserted] = index_.try_emplace(id, index);
    if (!inserted)
      throw FormatError(line, "duplicate project id " + quoted(id) + " (first on line " +
                                  std::to_string(cost_lines_[static_cast<std::size_t>(it->second)]) + ")");
    o.id = id;
    if (pcols_.name != kNoColumn && !is_none(fields[pcols_.name])) o.name = fields[pcols_.name];
    if (pcols_.category != kNoColumn) o.categories = split_categories(fields[pcols_.category]);
    if (pcols_.district != kNoColumn && !is_none(fields[pcols_.district])) o.district = fields[pcols_.district];
    e_.contest.options.push_back(std::move(o));
    e_.project_fields.push_back(std::move(fields));
  }

  void end_projects() {
    Contest& c = e_.contest;
    int decimals = budget_.scale;
    for (const Decimal& d : costs_) decimals = std::max(decimals, d.scale);
    c.money_decimals = decimals;
    const auto b = to_minor(budget_, decimals);
    if (!b) throw FormatError(meta_line_of("budget"), "budget is too large: " + quoted(*e_.meta_value("budget")));
    c.budget = *b;
    for (std::size_t i = 0; i < costs_.size(); ++i) {
      const auto v = to_minor(costs_[i], decimals);
      if (!v) throw FormatError(cost_lines_[i], "cost is too large: " + quoted(e_.project_fields[i][pcols_.cost]));
      c.options[i].cost = *v;
    }
    stamp_.assign(c.options.size(), -1);
    where_.assign(c.options.size(), 0);
  }

  int lookup(std::string_view id, int line) const {
    const auto it = index_.find(id);
    if (it == index_.end()) throw FormatError(line, "the vote names project " + quoted(id) + ", which is not in PROJECTS");
    return it->second;
  }

  void vote_row() {
    const std::size_t ncols = e_.vote_columns.size();
    const int line = rd_.line();
    const int row = static_cast<int>(e_.profile.ballots.size());
    Ballot b;
    const std::string_view vote = rd_.get(vote_col_);
    const bool no_vote = is_missing(vote);

    if (kind_ == VoteKind::Cumulative) {
      const std::string_view pts = points_col_ == kNoColumn ? std::string_view() : rd_.get(points_col_);
      if (is_missing(pts)) {
        // No points: an empty ballot (pabutools); the ids must still exist.
        if (!no_vote)
          for_each_token(vote, [&](std::string_view id, std::size_t) {
            if (!id.empty()) lookup(id, line);
          });
      } else if (!no_vote) {
        points_.clear();
        for_each_token(pts, [&](std::string_view p, std::size_t) { points_.push_back(p); });
        for_each_token(vote, [&](std::string_view id, std::size_t k) {
          if (id.empty()) return;
          const int idx = lookup(id, line);
          if (k >= points_.size())
            throw FormatError(line, "the points list " + quoted(pts) + " is shorter than the vote list " + quoted(vote));
          const std::string_view p = points_[k];
          const auto v = parse_whole(p);
          if (!v)
            throw FormatError(line, "points must be whole numbers >= 0, got " + quoted(p) + " for project " + quoted(id));
          const auto u = static_cast<std::size_t>(idx);
          if (stamp_[u] == row) {
            b.points[where_[u]] = *v;  // a repeated id: the last points win
          } else {
            stamp_[u] = row;
            where_[u] = b.options.size();
            b.options.push_back(idx);
            b.points.push_back(*v);
          }
        });
      }
    } else if (!no_vote) {
      for_each_token(vote, [&](std::string_view id, std::size_t) {
        if (id.empty()) return;
        const int idx = lookup(id, line);
        const auto u = static_cast<std::size_t>(idx);
        if (stamp_[u] == row) return;  // repeated id: once (approval), first position (ordinal)
        stamp_[u] = row;
        b.options.push_back(idx);
      });
      if (kind_ == VoteKind::Approval) std::sort(b.options.begin(), b.options.end());
    }

    std::vector<std::string> fields(ncols);
    for (std::size_t i = 0; i < ncols && i < rd_.size(); ++i) fields[i] = rd_[i];
    e_.vote_fields.push_back(std::move(fields));
    e_.profile.ballots.push_back(std::move(b));
  }

  RecordReader rd_;
  PabulibElection e_;
  Section section_ = Section::None;
  VoteKind kind_ = VoteKind::Approval;
  int meta_line_ = 0;
  int header_line_ = 0;
  std::vector<int> meta_lines_;
  Decimal budget_;
  std::vector<Decimal> costs_;
  std::vector<int> cost_lines_;
  ProjectColumns pcols_{std::vector<std::string>{}};
  std::size_t vote_col_ = kNoColumn;
  std::size_t points_col_ = kNoColumn;
  std::unordered_map<std::string, int, SvHash, std::equal_to<>> index_;
  std::vector<int> stamp_;
  std::vector<std::size_t> where_;
  std::vector<std::string_view> points_;
};

// ---------------------------------------------------------------- writing

bool needs_quotes(std::string_view f, bool first_in_row) {
  if (f.empty()) return false;
  if (is_space(f.front()) || is_space(f.back())) return true;
  for (char c : f)
    if (c == ';' || c == '"' || c == '\n' || c == '\r') return true;
  // A first field that reads as a section marker.
  return first_in_row && (iequals(f, "meta") || iequals(f, "projects") || iequals(f, "votes"));
}

void put_field(std::string& out, std::string_view f, bool first_in_row) {
  if (!needs_quotes(f, first_in_row)) {
    out.append(f);
    return;
  }
  out.push_back('"');
  for (char c : f) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void put_row(std::string& out, const std::vector<std::string_view>& fields) {
  if (fields.size() == 1 && fields[0].empty()) {
    out += "\"\"\n";  // a lone empty field would read as a blank line
    return;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(';');
    put_field(out, fields[i], i == 0);
  }
  out.push_back('\n');
}

void check_writable_id(const std::string& id) {
  if (trim(id).empty() || is_none(trim(id)))
    throw UsageError("option id " + quoted(id) + " cannot be written to a Pabulib file");
  if (id.find(',') != std::string::npos)
    throw UsageError("option id " + quoted(id) + " contains a comma, which a Pabulib vote list cannot hold");
  if (trim(id).size() != id.size())
    throw UsageError("option id " + quoted(id) + " has surrounding blanks, which a Pabulib file drops");
}

std::string join_ids(const Contest& c, const Ballot& b) {
  std::string s;
  for (std::size_t k = 0; k < b.options.size(); ++k) {
    const int idx = b.options[k];
    if (idx < 0 || static_cast<std::size_t>(idx) >= c.options.size())
      throw UsageError("a ballot names option index " + std::to_string(idx) + ", which the contest does not have");
    if (k) s.push_back(',');
    s += c.options[static_cast<std::size_t>(idx)].id;
  }
  return s;
}

std::string join_points(const Ballot& b) {
  if (b.points.size() != b.options.size())
    throw UsageError("a cumulative ballot has " + std::to_string(b.options.size()) + " options but " +
                     std::to_string(b.points.size()) + " points");
  std::string s;
  for (std::size_t k = 0; k < b.points.size(); ++k) {
    if (k) s.push_back(',');
    s += std::to_string(b.points[k]);
  }
  return s;
}

std::string join_list(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (k) s.push_back(',');
    s += v[k];
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------- public API

const std::string* PabulibElection::meta_value(const std::string& key) const {
  for (std::size_t i = meta.size(); i-- > 0;)
    if (meta[i].first == key) return &meta[i].second;
  return nullptr;
}

PabulibElection parse_pabulib(std::string_view text) { return Parser(text).run(); }

std::string format_decimal(Money minor, int decimals) {
  if (decimals <= 0) return std::to_string(minor);
  const bool neg = minor < 0;
  const std::uint64_t u = neg ? std::uint64_t{0} - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
  std::string digits = std::to_string(u);
  const auto d = static_cast<std::size_t>(decimals);
  if (digits.size() <= d) digits.insert(0, d + 1 - digits.size(), '0');
  std::string r;
  r.reserve(digits.size() + 2);
  if (neg) r.push_back('-');
  r.append(digits, 0, digits.size() - d);
  r.push_back('.');
  r.append(digits, digits.size() - d, d);
  return r;
}

std::string write_pabulib(const PabulibElection& e) {
  const Contest& c = e.contest;
  const int dec = c.money_decimals;
  for (const Option& o : c.options) check_writable_id(o.id);

  std::string out;
  std::size_t estimate = 256;
  for (const auto& row : e.project_fields)
    for (const auto& f : row) estimate += f.size() + 1;
  for (const auto& row : e.vote_fields)
    for (const auto& f : row) estimate += f.size() + 1;
  out.reserve(estimate + estimate / 8);

  // META
  std::vector<std::string_view> row;
  out += "META\nkey;value\n";
  const std::string budget = format_decimal(c.budget, dec);
  const std::string nprojects = std::to_string(c.options.size());
  const std::string nvotes = std::to_string(e.profile.ballots.size());
  // Only the last budget pair is in effect; earlier ones are written as they are.
  std::size_t budget_at = e.meta.size();
  bool has_vote_type = false;
  for (std::size_t i = 0; i < e.meta.size(); ++i) {
    if (e.meta[i].first == "budget") budget_at = i;
    if (e.meta[i].first == "vote_type") has_vote_type = true;
  }
  const bool has_budget = budget_at < e.meta.size();
  for (std::size_t i = 0; i < e.meta.size(); ++i) {
    const auto& [k, v] = e.meta[i];
    std::string_view value = v;
    if (k == "num_projects") value = nprojects;
    else if (k == "num_votes") value = nvotes;
    else if (i == budget_at && !decimal_matches(trim(v), c.budget, dec)) value = budget;
    row.assign({k, value});
    put_row(out, row);
  }
  if (!has_vote_type) {
    row.assign({"vote_type", e.vote_type.empty() ? vote_type_of(c.format) : std::string_view(e.vote_type)});
    put_row(out, row);
  }
  if (!has_budget) {
    row.assign({"budget", budget});
    put_row(out, row);
  }

  // PROJECTS
  std::vector<std::string> pcols = e.project_columns;
  if (pcols.empty()) pcols = {"project_id", "cost"};
  if (find_column(pcols, "cost") == kNoColumn) pcols.insert(pcols.begin(), "cost");
  if (find_column(pcols, "project_id") == kNoColumn) pcols.insert(pcols.begin(), "project_id");
  {
    // Columns the model needs but the file did not have.
    bool any_name = false, any_category = false, any_district = false;
    for (const Option& o : c.options) {
      any_name = any_name || !o.name.empty();
      any_category = any_category || !o.categories.empty();
      any_district = any_district || !o.district.empty();
    }
    if (any_name && find_column(pcols, "name") == kNoColumn) pcols.emplace_back("name");
    if (any_category && find_column(pcols, "category") == kNoColumn && find_column(pcols, "categories") == kNoColumn)
      pcols.emplace_back("category");
    if (any_district && find_column(pcols, "district") == kNoColumn) pcols.emplace_back("district");
  }
  const bool same_pcols = pcols == e.project_columns;
  const ProjectColumns pc(pcols);
  out += "PROJECTS\n";
  row.assign(pcols.begin(), pcols.end());
  put_row(out, row);
  std::vector<std::string> owned(pcols.size());
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    const Option& o = c.options[i];
    const std::vector<std::string>* raw =
        (i < e.project_fields.size() && e.project_fields[i].size() == e.project_columns.size()) ? &e.project_fields[i]
                                                                                               : nullptr;
    for (std::size_t k = 0; k < pcols.size(); ++k) {
      std::string_view r;
      if (raw) {
        const std::size_t j = same_pcols ? k : find_column(e.project_columns, pcols[k]);
        if (j != kNoColumn) r = (*raw)[j];
      }
      std::string_view v = r;
      if (k == pc.id) {
        v = o.id;
      } else if (k == pc.cost) {
        if (!raw || !decimal_matches(r, o.cost, dec)) v = owned[k] = format_decimal(o.cost, dec);
      } else if (k == pc.name) {
        if (!raw || (is_none(r) ? std::string_view() : r) != o.name) v = o.name;
      } else if (k == pc.category) {
        if (!raw || split_categories(r) != o.categories) v = owned[k] = join_list(o.categories);
      } else if (k == pc.district) {
        if (!raw || (is_none(r) ? std::string_view() : r) != o.district) v = o.district;
      }
      row[k] = v;
    }
    put_row(out, row);
  }

  // VOTES
  const bool cumulative = c.format == BallotFormat::Cumulative;
  std::vector<std::string> vcols = e.vote_columns;
  if (vcols.empty()) vcols = {"voter_id"};
  if (find_column(vcols, "vote") == kNoColumn) vcols.push_back("vote");
  if (cumulative && find_column(vcols, "points") == kNoColumn) vcols.push_back("points");
  const bool same_vcols = vcols == e.vote_columns;
  const std::size_t vote_col = find_column(vcols, "vote");
  const std::size_t points_col = cumulative ? find_column(vcols, "points") : kNoColumn;
  const std::size_t voter_col = find_column(vcols, "voter_id");
  out += "VOTES\n";
  row.assign(vcols.begin(), vcols.end());
  put_row(out, row);
  std::string ids, pts, voter;
  for (std::size_t i = 0; i < e.profile.ballots.size(); ++i) {
    const Ballot& b = e.profile.ballots[i];
    const std::vector<std::string>* raw =
        (i < e.vote_fields.size() && e.vote_fields[i].size() == e.vote_columns.size()) ? &e.vote_fields[i] : nullptr;
    ids = join_ids(c, b);
    if (cumulative) pts = join_points(b);
    for (std::size_t k = 0; k < vcols.size(); ++k) {
      std::string_view v;
      if (raw) {
        if (same_vcols) {
          v = (*raw)[k];
        } else if (const std::size_t j = find_column(e.vote_columns, vcols[k]); j != kNoColumn) {
          v = (*raw)[j];
        }
      }
      if (k == vote_col) v = ids;
      else if (k == points_col) v = pts;
      else if (k == voter_col && !raw) v = voter = std::to_string(i + 1);
      row[k] = v;
    }
    put_row(out, row);
  }
  return out;
}

PabulibElection pabulib_from_contest(const Contest& contest, const Profile& profile,
                                     const std::vector<std::pair<std::string, std::string>>& extra_meta) {
  PabulibElection e;
  e.contest = contest;
  e.profile = profile;
  e.vote_type = vote_type_of(contest.format);
  const int dec = contest.money_decimals;
  for (const Option& o : contest.options) check_writable_id(o.id);

  auto& m = e.meta;
  m.emplace_back("description", contest.title);
  m.emplace_back("country", "");
  m.emplace_back("unit", "");
  m.emplace_back("instance", contest.id);
  m.emplace_back("num_projects", std::to_string(contest.options.size()));
  m.emplace_back("num_votes", std::to_string(profile.ballots.size()));
  m.emplace_back("budget", format_decimal(contest.budget, dec));
  m.emplace_back("vote_type", e.vote_type);
  m.emplace_back("rule", "unknown");
  if (!contest.currency.empty()) m.emplace_back("currency", contest.currency);
  if (!contest.district.empty()) m.emplace_back("district", contest.district);
  const BallotRules& r = contest.rules;
  if (r.min_choices > 0) m.emplace_back("min_length", std::to_string(r.min_choices));
  if (r.max_choices) m.emplace_back("max_length", std::to_string(*r.max_choices));
  if (r.min_cost) m.emplace_back("min_sum_cost", format_decimal(*r.min_cost, dec));
  if (r.max_cost) m.emplace_back("max_sum_cost", format_decimal(*r.max_cost, dec));
  if (r.max_points_per_option) m.emplace_back("max_points", std::to_string(*r.max_points_per_option));
  if (r.max_points_total) m.emplace_back("max_sum_points", std::to_string(*r.max_points_total));
  if (r.min_points_total) m.emplace_back("min_sum_points", std::to_string(*r.min_points_total));
  for (const auto& kv : extra_meta) {
    auto it = std::find_if(m.begin(), m.end(), [&](const auto& p) { return p.first == kv.first; });
    if (it != m.end()) it->second = kv.second;
    else m.push_back(kv);
  }

  bool any_category = false, any_district = false;
  for (const Option& o : contest.options) {
    any_category = any_category || !o.categories.empty();
    any_district = any_district || !o.district.empty();
  }
  e.project_columns = {"project_id", "cost", "votes", "name"};
  if (any_category) e.project_columns.emplace_back("category");
  if (any_district) e.project_columns.emplace_back("district");
  std::vector<std::int64_t> votes(contest.options.size(), 0);
  for (const Ballot& b : profile.ballots)
    for (int idx : b.options)
      if (idx >= 0 && static_cast<std::size_t>(idx) < votes.size()) ++votes[static_cast<std::size_t>(idx)];
  for (std::size_t i = 0; i < contest.options.size(); ++i) {
    const Option& o = contest.options[i];
    std::vector<std::string> f = {o.id, format_decimal(o.cost, dec), std::to_string(votes[i]), o.name};
    if (any_category) f.push_back(join_list(o.categories));
    if (any_district) f.push_back(o.district);
    e.project_fields.push_back(std::move(f));
  }

  const bool cumulative = contest.format == BallotFormat::Cumulative;
  e.vote_columns = {"voter_id", "vote"};
  if (cumulative) e.vote_columns.emplace_back("points");
  for (std::size_t i = 0; i < profile.ballots.size(); ++i) {
    const Ballot& b = profile.ballots[i];
    std::vector<std::string> f = {std::to_string(i + 1), join_ids(contest, b)};
    if (cumulative) f.push_back(join_points(b));
    e.vote_fields.push_back(std::move(f));
  }
  return e;
}

}  // namespace allot
