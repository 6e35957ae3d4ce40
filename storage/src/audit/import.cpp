#include "allot/storage/import.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <vector>

#include "allot/engine/blt.hpp"
#include "allot/engine/errors.hpp"
#include "allot/engine/pabulib.hpp"

namespace allot::importer {

using nlohmann::json;

ImportError::ImportError(int line_, const std::string& msg)
    : std::runtime_error(line_ > 0 ? "line " + std::to_string(line_) + ": " + msg : msg), line(line_), message_(msg) {}

namespace {

// The same bounds as manifest::check_definition.
constexpr std::int64_t kMaxMoney = 1'000'000'000'000'000LL;  // 10^18 minor units
constexpr int kMaxDecimals = 4;
constexpr std::size_t kMaxText = 20000;
constexpr std::int64_t kMaxChoices = 100000;
constexpr int kMaxSeats = 10000;
constexpr std::size_t kMaxIdLength = 64;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trim(std::string_view s) {
  std::size_t a = 0, b = s.size();
  while (a < b && (is_blank(s[a]) || s[a] == '\r' || s[a] == '\n')) ++a;
  while (b > a && (is_blank(s[b - 1]) || s[b - 1] == '\r' || s[b - 1] == '\n')) --b;
  return std::string(s.substr(a, b - a));
}

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool is_alnum_ascii(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string_view strip_bom(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

// Decodes one UTF-8 code point at text[i]; returns its length, or 0 when the bytes
// there are not valid UTF-8 (overlong forms, surrogates and > U+10FFFF refused).
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t len;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Refuses text that is not UTF-8, naming the line of the first bad byte.
void check_utf8(std::string_view text) {
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    const std::size_t n = decode_utf8(text, i, cp);
    if (n == 0)
      throw ImportError(line, "the text is not UTF-8 (save the file as UTF-8 text and upload it again)");
    if (cp == '\n') ++line;
    i += n;
  }
}

// Transliterations of U+00C0..U+017F (Latin-1 letters and Latin Extended-A).
const std::vector<std::string>& latin_table() {
  static const std::vector<std::string> table = [] {
    std::vector<std::string> v;
    auto run = [&](int n, const char* s) {
      for (int i = 0; i < n; ++i) v.emplace_back(s);
    };
    for (int upper_lower = 0; upper_lower < 2; ++upper_lower) {  // U+00C0..U+00DF, U+00E0..U+00FF
      run(6, "a"), run(1, "ae"), run(1, "c"), run(4, "e"), run(4, "i"), run(1, "d"), run(1, "n"), run(5, "o");
      run(1, ""), run(1, "o"), run(4, "u"), run(1, "y"), run(1, "th"), run(1, upper_lower ? "y" : "ss");
    }
    // U+0100..U+017F
    run(6, "a"), run(8, "c"), run(4, "d"), run(10, "e"), run(8, "g"), run(4, "h"), run(10, "i"), run(2, "ij");
    run(2, "j"), run(3, "k"), run(10, "l"), run(9, "n"), run(6, "o"), run(2, "oe"), run(6, "r"), run(8, "s");
    run(6, "t"), run(12, "u"), run(2, "w"), run(3, "y"), run(6, "z"), run(1, "s");
    return v;
  }();
  return table;
}

// The ASCII letters standing for a code point ("" when none).
std::string transliterate(char32_t cp) {
  if (cp < 0x80) return is_alnum_ascii(static_cast<char>(cp)) ? std::string(1, static_cast<char>(cp)) : std::string();
  if (cp >= 0xC0 && cp <= 0x17F) return latin_table()[cp - 0xC0];
  switch (cp) {
    case 0x218: case 0x219: return "s";  // Romanian S/s with comma below
    case 0x21A: case 0x21B: return "t";  // Romanian T/t with comma below
    default: return {};
  }
}

bool is_combining_mark(char32_t cp) { return cp >= 0x300 && cp <= 0x36F; }

// Cuts `s` to at most `max` bytes and drops trailing '-'.
std::string clip(std::string s, std::size_t max) {
  if (s.size() > max) s.resize(max);
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

std::string with_suffix(const std::string& base, int n) {
  const std::string suffix = "-" + std::to_string(n);
  return clip(base, kMaxIdLength - suffix.size()) + suffix;
}

// Project ids from a Pabulib file as option ids: characters other than letters,
// digits, '.', '-' and '_' become '-' (a run of them one '-'); an id must start
// with a letter or digit.
std::string option_id_from(std::string_view raw) {
  std::string out;
  bool gap = false;
  for (std::size_t i = 0; i < raw.size();) {
    char32_t cp;
    std::size_t n = decode_utf8(raw, i, cp);
    if (n == 0) n = 1, cp = 0xFFFD;
    i += n;
    if (cp < 0x80 && (is_alnum_ascii(static_cast<char>(cp)) || cp == '.' || cp == '-' || cp == '_')) {
      if (gap && !out.empty()) out += '-';
      gap = false;
      out += static_cast<char>(cp);
    } else if (const std::string t = transliterate(cp); !t.empty()) {
      if (gap && !out.empty()) out += '-';
      gap = false;
      out += t;
    } else if (!is_combining_mark(cp)) {
      gap = true;
    }
  }
  while (!out.empty() && !is_alnum_ascii(out.front())) out.erase(out.begin());
  if (out.size() > kMaxIdLength) out.resize(kMaxIdLength);
  return out;
}

bool valid_option_id(const std::string& id) {
  static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  return std::regex_match(id, re);
}

// Ids given out for texts (categories, districts): the same slug, the same id.
class IdRegistry {
 public:
  IdRegistry(std::string fallback_prefix, std::string language)
      : prefix_(std::move(fallback_prefix)), language_(std::move(language)) {}

  std::string id_for(const std::string& text) {
    std::string id = slug(text);
    if (id.empty()) {
      if (auto it = fallback_.find(text); it != fallback_.end()) return it->second;
      int n = static_cast<int>(entries_.size()) + 1;
      while (used_.count(prefix_ + std::to_string(n))) ++n;
      id = prefix_ + std::to_string(n);
      fallback_[text] = id;
    }
    if (used_.insert(id).second) entries_.push_back({{"id", id}, {"name", {{language_, text}}}});
    return id;
  }

  json entries() const { return entries_; }

 private:
  std::string prefix_, language_;
  std::set<std::string> used_;
  std::map<std::string, std::string> fallback_;
  json entries_ = json::array();
};

void check_text(const std::string& text, const std::string& what, int line) {
  if (text.size() > kMaxText) throw ImportError(line, what + " is longer than 20000 bytes");
}

std::string quoted_list(const std::vector<std::string>& items, std::size_t max = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < max; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > max) out += " and " + std::to_string(items.size() - max) + " more";
  return out;
}

// ------------------------------------------------------------------ money

// A non-negative decimal amount: whole digits and decimals (trailing zeros of the
// decimals removed), and how many decimals it was written with.
struct Amount {
  std::string whole, decimals;
  int written = 0;
};

std::optional<Amount> digits_amount(const std::string& s) {
  std::size_t dot = s.find('.');
  std::string whole = s.substr(0, dot), decimals = dot == std::string::npos ? std::string() : s.substr(dot + 1);
  if (dot != std::string::npos && decimals.empty()) return std::nullopt;
  if (whole.empty() && decimals.empty()) return std::nullopt;
  auto all_digits = [](const std::string& x) {
    return std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!all_digits(whole) || !all_digits(decimals)) return std::nullopt;
  const int written = static_cast<int>(decimals.size());
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size()));
  return Amount{whole, decimals, written};
}

// Parses an amount such as "12000.50". `what` names it in messages ("cost").
Amount parse_amount(const std::string& text, const std::string& what, int line) {
  const std::string q = what + " '" + text + "'";
  if (text.empty()) throw ImportError(line, what + " is empty");
  if (auto a = digits_amount(text)) return *a;
  if (text.front() == '-' && digits_amount(text.substr(1)))
    throw ImportError(line, q + " is negative (amounts are 0 or more)");
  // Thousands separators or a decimal comma: digits with ',', ' ', '\'', '_' or a
  // (narrow) no-break space between them.
  std::string stripped;
  bool separators = false;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "\xC2\xA0") == 0 || text.compare(i, 3, "\xE2\x80\xAF") == 0) {
      separators = true;
      i += text[i] == '\xC2' ? 2 : 3;
      continue;
    }
    const char c = text[i++];
    if (c == ',' || c == ' ' || c == '\'' || c == '_') separators = true;
    else stripped += c;
  }
  if (separators && !stripped.empty() && std::isdigit(static_cast<unsigned char>(stripped.front())) &&
      (digits_amount(stripped) || text.find(',') != std::string::npos))
    throw ImportError(line, q + " has a thousands separator or a decimal comma: write amounts with digits only and "
                            "'.' before the decimals, e.g. 12000.50");
  throw ImportError(line, q + " is not a number (write the amount alone, e.g. 12000.50)");
}

// The amount in minor units with `decimals` decimals (which covers its own).
std::int64_t minor_units(const Amount& a, int decimals, const std::string& text, const std::string& what, int line) {
  std::string digits = a.whole + a.decimals + std::string(static_cast<std::size_t>(decimals) - a.decimals.size(), '0');
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.size() > 19) throw ImportError(line, what + " '" + text + "' is too large");
  std::int64_t v = 0;
  for (char c : digits) {
    if (v > (std::numeric_limits<std::int64_t>::max() - (c - '0')) / 10)
      throw ImportError(line, what + " '" + text + "' is too large");
    v = v * 10 + (c - '0');
  }
  if (v > kMaxMoney) throw ImportError(line, what + " '" + text + "' is too large");
  return v;
}

// ------------------------------------------------------------------ CSV

struct Record {
  int line = 0;
  std::vector<std::string> fields;
};

char detect_delimiter(std::string_view text) {
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted && c == ',') ++commas;
    else if (!quoted && c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

// RFC 4180 records: "..." fields with "" for a quote, delimiters and line breaks
// inside quotes, CRLF / LF / CR line ends. Blank records are dropped.
std::vector<Record> parse_csv(std::string_view text, char delim) {
  std::vector<Record> records;
  int line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto line_end = [&](std::size_t k) { return text[k] == '\r' || text[k] == '\n'; };
  while (i < n) {
    Record rec;
    rec.line = line;
    for (;;) {
      std::string field;
      std::size_t j = i;
      while (j < n && is_blank(text[j])) ++j;
      if (j < n && text[j] == '"') {
        const int started = line;
        i = j + 1;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            closed = true;
            ++i;
            break;
          }
          if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
            field += '\n';
            ++line;
            ++i;
            continue;
          }
          field += c;
          ++i;
        }
        if (!closed)
          throw ImportError(started, "a quoted field starts on this line but its closing quote (\") is missing");
        while (i < n && is_blank(text[i])) ++i;
        if (i < n && text[i] != delim && !line_end(i))
          throw ImportError(line, "text follows a closing quote: a quote inside a quoted field must be doubled (\"\")");
      } else {
        while (i < n && text[i] != delim && !line_end(i)) field += text[i++];
      }
      rec.fields.push_back(trim(field));
      if (i < n && text[i] == delim) {
        ++i;
        continue;
      }
      if (i < n) {  // a line end
        if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
      }
      break;
    }
    const bool blank = std::all_of(rec.fields.begin(), rec.fields.end(), [](const std::string& f) { return f.empty(); });
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}

struct Column {
  const char* key;
  std::vector<const char*> names;
};

const std::vector<Column>& csv_columns() {
  static const std::vector<Column> cols = {
      {"id", {"id", "project_id", "project id"}},
      {"title", {"title", "name"}},
      {"cost", {"cost"}},
      {"description", {"description"}},
      {"categories", {"category", "categories"}},
      {"district", {"district"}},
      {"picture", {"picture"}},
  };
  return cols;
}

std::vector<std::string> split_list(const std::string& field) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t end = std::min(field.find_first_of(";|", start), field.size());
    std::string item = trim(std::string_view(field).substr(start, end - start));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

json budget_contest_skeleton(const std::string& contest_id, const std::string& language, const std::string& title) {
  return {{"id", contest_id},
          {"kind", "budget"},
          {"format", "approval"},
          {"district", ""},
          {"title", {{language, title}}},
          {"seats", 1},
          {"limits", json::object()},
          {"rule", "mes-add1"},
          {"rule_options", json::object()},
          {"options", json::array()}};
}

json option_json(const std::string& id, const std::string& language, const std::string& title,
                 const std::string& description, std::int64_t cost, const std::vector<std::string>& categories,
                 const std::string& district, const std::string& picture) {
  json o = {{"id", id},
            {"title", {{language, title}}},
            {"cost", cost},
            {"categories", categories},
            {"district", district},
            {"picture", picture}};
  if (!description.empty()) o["description"] = {{language, description}};
  return o;
}

json import_csv(std::string_view text, const std::string& contest_id, const std::string& language,
                const ContestDefaults& defaults) {
  text = strip_bom(text);
  if (trim(text).empty()) throw ImportError(0, "the file is empty");
  const char delim = detect_delimiter(text);
  const std::vector<Record> records = parse_csv(text, delim);
  if (records.empty()) throw ImportError(0, "the file is empty");
  json notes = json::array();

  // The header.
  const Record& header = records.front();
  std::map<std::string, std::size_t> at;  // column key -> index
  std::map<std::string, std::string> named;  // column key -> header name as written
  std::vector<std::string> ignored;
  for (std::size_t k = 0; k < header.fields.size(); ++k) {
    const std::string name = lower_ascii(header.fields[k]);
    if (name.empty()) continue;
    const Column* col = nullptr;
    for (const auto& c : csv_columns())
      if (std::find_if(c.names.begin(), c.names.end(), [&](const char* x) { return name == x; }) != c.names.end())
        col = &c;
    if (!col) {
      ignored.push_back("'" + header.fields[k] + "'");
      continue;
    }
    if (at.count(col->key))
      throw ImportError(header.line, "the columns '" + named[col->key] + "' and '" + header.fields[k] +
                                         "' both give the " + col->key + ": keep one");
    at[col->key] = k;
    named[col->key] = header.fields[k];
  }
  for (const char* required : {"id", "title", "cost"})
    if (!at.count(required))
      throw ImportError(header.line, std::string("no '") + required +
                                         "' column (the header row needs id, title and cost; found " +
                                         (header.fields.size() == 1 ? "a single column: separate columns with ',' or ';'"
                                                                    : quoted_list(header.fields, 10)) +
                                         ")");
  if (!ignored.empty()) notes.push_back("columns not imported: " + quoted_list(ignored, 10));
  if (records.size() == 1) throw ImportError(0, "the file has a header row but no projects");

  if (defaults.money_decimals > kMaxDecimals)
    throw ImportError(0, "money_decimals must be between 0 and 4");
  IdRegistry categories("category-", language), districts("district-", language);
  struct Row {
    int line;
    std::string id, title, description, cost_text, district, picture;
    Amount cost;
    std::vector<std::string> categories;
  };
  std::vector<Row> rows;
  std::map<std::string, int> first_line;  // project id -> line
  int decimals = defaults.money_decimals;
  int needed = 0;
  const std::size_t width = header.fields.size();
  auto field = [&](const Record& r, const char* key) -> std::string {
    auto it = at.find(key);
    return it == at.end() ? std::string() : r.fields[it->second];
  };
  for (std::size_t ri = 1; ri < records.size(); ++ri) {
    const Record& r = records[ri];
    const bool extra_filled =
        r.fields.size() > width &&
        std::any_of(r.fields.begin() + static_cast<std::ptrdiff_t>(width), r.fields.end(),
                    [](const std::string& f) { return !f.empty(); });
    if (r.fields.size() < width || extra_filled)
      throw ImportError(r.line, std::to_string(r.fields.size()) + " fields, but the header row has " +
                                    std::to_string(width) + " (a field holding '" + std::string(1, delim) +
                                    "' must be in double quotes)");
    Row row;
    row.line = r.line;
    row.id = field(r, "id");
    if (row.id.empty()) throw ImportError(r.line, "the project id is empty");
    if (!valid_option_id(row.id))
      throw ImportError(r.line, "project id '" + row.id +
                                    "' may hold only letters, digits, '.', '-' and '_', start with a letter or digit, "
                                    "and have at most 64 characters");
    if (auto [it, fresh] = first_line.emplace(row.id, r.line); !fresh)
      throw ImportError(r.line, "project id '" + row.id + "' is used twice (first on line " +
                                    std::to_string(it->second) + ")");
    row.title = field(r, "title");
    if (row.title.empty()) throw ImportError(r.line, "project '" + row.id + "' has no title");
    check_text(row.title, "the title of project '" + row.id + "'", r.line);
    row.description = field(r, "description");
    check_text(row.description, "the description of project '" + row.id + "'", r.line);
    row.cost_text = field(r, "cost");
    row.cost = parse_amount(row.cost_text, "cost", r.line);
    // Significant decimals must fit; without given decimals, the currency's are the
    // most any cost is written with ("12000.50": 2).
    const int d = static_cast<int>(row.cost.decimals.size());
    if (decimals >= 0 && d > decimals)
      throw ImportError(r.line, "cost '" + row.cost_text + "' has more decimals than the currency's " +
                                    std::to_string(decimals));
    if (d > kMaxDecimals)
      throw ImportError(r.line, "cost '" + row.cost_text + "' has more than 4 decimals, the most allot keeps");
    needed = std::max(needed, std::min(row.cost.written, kMaxDecimals));
    for (const auto& c : split_list(field(r, "categories"))) row.categories.push_back(categories.id_for(c));
    if (const std::string dist = field(r, "district"); !dist.empty()) row.district = districts.id_for(dist);
    row.picture = field(r, "picture");
    check_text(row.picture, "the picture of project '" + row.id + "'", r.line);
    rows.push_back(std::move(row));
  }
  if (decimals < 0) decimals = needed;

  json contest = budget_contest_skeleton(contest_id, language, defaults.title.empty() ? contest_id : defaults.title);
  std::int64_t total = 0;
  for (const Row& row : rows) {
    const std::int64_t cost = minor_units(row.cost, decimals, row.cost_text, "cost", row.line);
    if (total > kMaxMoney - cost) throw ImportError(row.line, "the costs add up to more than allot can hold");
    total += cost;
    contest["options"].push_back(option_json(row.id, language, row.title, row.description, cost, row.categories,
                                             row.district, row.picture));
  }
  std::int64_t budget = defaults.budget;
  if (budget < 0 || budget > kMaxMoney) throw ImportError(0, "the budget must be between 0 and 10^18 minor units");
  if (budget == 0) {
    if (total == 0)
      throw ImportError(0, "every project costs 0, so the budget cannot be taken from the costs: give a budget");
    budget = total;
    notes.push_back("the budget is the total cost of all projects; set the real budget");
  }
  contest["budget"] = budget;
  contest["currency"] = defaults.currency;
  contest["money_decimals"] = decimals;
  if (!defaults.rule.empty()) contest["rule"] = defaults.rule;
  return {{"contest", contest},
          {"categories", categories.entries()},
          {"districts", districts.entries()},
          {"notes", notes}};
}

// ------------------------------------------------------------------ Pabulib

json import_pb(std::string_view text, const std::string& contest_id, const std::string& language,
               const ContestDefaults& defaults) {
  if (trim(strip_bom(text)).empty()) throw ImportError(0, "the file is empty");
  PabulibElection pe;
  try {
    pe = parse_pabulib(text);
  } catch (const FormatError& e) {
    throw ImportError(e.line(), e.message());
  }
  const Contest& c = pe.contest;
  json notes = json::array();
  if (c.money_decimals > kMaxDecimals)
    throw ImportError(0, "the budget and costs use " + std::to_string(c.money_decimals) +
                             " decimals; allot keeps money with at most 4");
  if (c.budget <= 0) throw ImportError(0, "the budget (META budget) must be more than 0");
  if (c.budget > kMaxMoney) throw ImportError(0, "the budget is larger than allot can hold");
  if (c.options.empty()) throw ImportError(0, "the file lists no projects");

  std::string title = defaults.title.empty() ? trim(c.title) : defaults.title;
  if (title.empty()) title = contest_id;
  check_text(title, "the title", 0);
  json contest = budget_contest_skeleton(contest_id, language, title);

  const std::string vote_type = lower_ascii(trim(pe.vote_type));
  std::string format = "approval";
  if (c.format == BallotFormat::Cumulative) format = "cumulative";
  if (c.format == BallotFormat::Ranked)
    notes.push_back("the file's ballots are ranked (ordinal), which a budget contest cannot have: imported as an "
                    "approval contest");
  contest["format"] = format;

  // Limits.
  json limits = json::object();
  const BallotRules& r = c.rules;
  std::optional<std::int64_t> max_choices = r.max_choices;
  if (vote_type == "choose-1" && (!max_choices || *max_choices > 1)) max_choices = 1;
  std::vector<std::string> dropped;
  auto put = [&](const char* key, std::optional<std::int64_t> v, std::int64_t max) {
    if (!v) return;
    if (*v < 0 || *v > max) dropped.push_back(std::string(key) + " " + std::to_string(*v));
    else limits[key] = *v;
  };
  if (r.min_choices > 0) put("min_choices", r.min_choices, kMaxChoices);
  put("max_choices", max_choices, kMaxChoices);
  if (limits.contains("min_choices") && limits.contains("max_choices") &&
      limits["min_choices"].get<std::int64_t>() > limits["max_choices"].get<std::int64_t>())
    throw ImportError(0, "min_length (" + std::to_string(r.min_choices) + ") is above max_length (" +
                             std::to_string(*max_choices) + ")");
  put("min_cost", r.min_cost, kMaxMoney);
  put("max_cost", r.max_cost, kMaxMoney);
  if (limits.contains("min_cost") && limits.contains("max_cost") &&
      limits["min_cost"].get<std::int64_t>() > limits["max_cost"].get<std::int64_t>())
    throw ImportError(0, "min_sum_cost is above max_sum_cost");
  if (format == "cumulative") {
    put("max_points_per_option", r.max_points_per_option, kMaxMoney);
    put("max_points_total", r.max_points_total, kMaxMoney);
    put("min_points_total", r.min_points_total, kMaxMoney);
  } else {
    if (r.max_points_per_option || r.max_points_total || r.min_points_total)
      notes.push_back("the points limits (max_points, max_sum_points, min_sum_points) are not imported: ballots "
                      "give no points in this contest");
  }
  if (!dropped.empty()) notes.push_back("limits out of range not imported: " + quoted_list(dropped));
  contest["limits"] = limits;

  // Options.
  std::size_t description_col = pe.project_columns.size();
  for (std::size_t k = 0; k < pe.project_columns.size(); ++k)
    if (lower_ascii(trim(pe.project_columns[k])) == "description") description_col = k;
  IdRegistry categories("category-", language), districts("district-", language);
  std::set<std::string> used;
  std::vector<std::string> renamed;
  for (std::size_t i = 0; i < c.options.size(); ++i) {
    const Option& o = c.options[i];
    std::string id = o.id;
    if (!valid_option_id(id)) {
      id = option_id_from(o.id);
      if (id.empty()) id = "p" + std::to_string(i + 1);
    }
    if (used.count(id)) {
      int n = 2;
      while (used.count(with_suffix(id, n))) ++n;
      id = with_suffix(id, n);
    }
    used.insert(id);
    if (id != o.id) renamed.push_back("'" + o.id + "' -> '" + id + "'");
    if (o.cost > kMaxMoney) throw ImportError(0, "the cost of project '" + o.id + "' is larger than allot can hold");
    std::string name = trim(o.name);
    if (name.empty()) name = o.id;
    check_text(name, "the name of project '" + o.id + "'", 0);
    std::string description;
    if (description_col < pe.project_columns.size() && i < pe.project_fields.size() &&
        description_col < pe.project_fields[i].size()) {
      description = trim(pe.project_fields[i][description_col]);
      if (lower_ascii(description) == "none") description.clear();
    }
    check_text(description, "the description of project '" + o.id + "'", 0);
    std::vector<std::string> cats;
    for (const auto& cat : o.categories)
      if (const std::string t = trim(cat); !t.empty()) {
        const std::string cid = categories.id_for(t);
        if (std::find(cats.begin(), cats.end(), cid) == cats.end()) cats.push_back(cid);
      }
    const std::string district = trim(o.district).empty() ? std::string() : districts.id_for(trim(o.district));
    contest["options"].push_back(option_json(id, language, name, description, o.cost, cats, district, ""));
  }
  if (!renamed.empty()) notes.push_back("project ids changed into valid option ids: " + quoted_list(renamed));
  if (!trim(c.district).empty())
    notes.push_back("the file is for the district '" + trim(c.district) +
                    "': set the contest's district if it is not city-wide");

  contest["budget"] = c.budget;
  contest["currency"] = trim(c.currency).empty() ? defaults.currency : trim(c.currency);
  contest["money_decimals"] = c.money_decimals;
  if (!defaults.rule.empty()) contest["rule"] = defaults.rule;
  return {{"contest", contest},
          {"categories", categories.entries()},
          {"districts", districts.entries()},
          {"notes", notes}};
}

// ------------------------------------------------------------------ BLT

json import_blt(std::string_view text, const std::string& contest_id, const std::string& language,
                const ContestDefaults& defaults) {
  if (trim(strip_bom(text)).empty()) throw ImportError(0, "the file is empty");
  BltFile f;
  try {
    f = parse_blt(text);
  } catch (const FormatError& e) {
    throw ImportError(e.line(), e.message());
  }
  const RankedElection& e = f.election;
  json notes = json::array();
  const std::set<int> withdrawn(e.withdrawn.begin(), e.withdrawn.end());
  std::vector<std::string> left_out;
  std::set<std::string> used;
  json options = json::array();
  for (std::size_t i = 0; i < e.candidates.size(); ++i) {
    std::string name = trim(e.candidates[i]);
    if (name.empty()) name = "Candidate " + std::to_string(i + 1);
    if (withdrawn.count(static_cast<int>(i))) {
      left_out.push_back(name);
      continue;
    }
    check_text(name, "the name of candidate " + std::to_string(i + 1), 0);
    std::string id = slug(name);
    if (id.empty()) id = "c" + std::to_string(i + 1);
    if (used.count(id)) {
      int n = 2;
      while (used.count(with_suffix(id, n))) ++n;
      id = with_suffix(id, n);
    }
    used.insert(id);
    options.push_back({{"id", id},
                       {"title", {{language, name}}},
                       {"cost", 0},
                       {"categories", json::array()},
                       {"district", ""},
                       {"picture", ""}});
  }
  if (!left_out.empty())
    notes.push_back(std::to_string(left_out.size()) + " withdrawn candidate" + (left_out.size() == 1 ? "" : "s") +
                    " left out: " + quoted_list(left_out, 10));
  if (!f.tie_order.empty())
    notes.push_back("the file's [tie] order is not imported: ties are broken by the election's tie-break");
  if (options.empty()) throw ImportError(0, "no candidate stands (every candidate is withdrawn)");
  if (e.seats < 1 || e.seats > kMaxSeats) throw ImportError(1, "the number of seats must be between 1 and 10000");
  if (e.seats > static_cast<int>(options.size()))
    throw ImportError(1, "the file asks for " + std::to_string(e.seats) + " seats but only " +
                             std::to_string(options.size()) + " candidate" + (options.size() == 1 ? "" : "s") +
                             " stand" + (options.size() == 1 ? "s" : ""));
  std::string title = defaults.title.empty() ? trim(e.title) : defaults.title;
  if (title.empty()) title = contest_id;
  check_text(title, "the title", 0);
  json contest = {{"id", contest_id},
                  {"kind", "selection"},
                  {"format", "ranked"},
                  {"district", ""},
                  {"title", {{language, title}}},
                  {"budget", 0},
                  {"seats", e.seats},
                  {"limits", json::object()},
                  {"rule", defaults.rule.empty() ? std::string("stv") : defaults.rule},
                  {"rule_options", json::object()},
                  {"options", options}};
  return {{"contest", contest}, {"categories", json::array()}, {"districts", json::array()}, {"notes", notes}};
}

}  // namespace

std::string slug(std::string_view text) {
  std::string out;
  bool gap = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp;
    std::size_t n = decode_utf8(text, i, cp);
    if (n == 0) n = 1, cp = 0xFFFD;
    i += n;
    if (is_combining_mark(cp)) continue;
    const std::string t = lower_ascii(transliterate(cp));
    if (t.empty()) {
      gap = true;
      continue;
    }
    if (gap && !out.empty()) out += '-';
    gap = false;
    out += t;
    if (out.size() > kMaxIdLength) break;
  }
  return clip(out, kMaxIdLength);
}

json import_file(const std::string& format, std::string_view text, const std::string& contest_id,
                 const std::string& language, const ContestDefaults& defaults) {
  static const std::regex contest_re("[a-z0-9][a-z0-9_-]{0,63}");
  static const std::regex lang_re("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  if (!std::regex_match(contest_id, contest_re))
    throw ImportError(0, "'" + contest_id +
                             "' is not a valid contest id (lower-case letters, digits, '-' or '_', at most 64)");
  if (!std::regex_match(language, lang_re))
    throw ImportError(0, "'" + language + "' is not a language tag such as \"en\" or \"pt-BR\"");
  std::string f = lower_ascii(trim(format));
  if (!f.empty() && f.front() == '.') f.erase(0, 1);
  if (f != "csv" && f != "pb" && f != "blt")
    throw ImportError(0, "'" + format + "' is not a format allot imports (csv, pb or blt)");
  check_utf8(text);
  if (f == "csv") return import_csv(text, contest_id, language, defaults);
  if (f == "pb") return import_pb(text, contest_id, language, defaults);
  return import_blt(text, contest_id, language, defaults);
}

json contest_from_file(const std::string& format, std::string_view text, const std::string& contest_id,
                       const std::string& language) {
  return import_file(format, text, contest_id, language).at("contest");
}

}  // namespace allot::importer
