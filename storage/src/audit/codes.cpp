// Crockford base32 codes with the mod-37 check symbol.
#include "allot/storage/codes.hpp"

#include <stdexcept>

#include "allot/storage/crypto.hpp"

namespace allot::codes {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// The check alphabet: the 32 symbols then the values 32..36.
constexpr std::string_view kCheckAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

int symbol_value(char c) {
  std::size_t i = kAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

bool is_check_only(char c) { return c == '*' || c == '~' || c == '$' || c == '=' || c == 'U'; }

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '\t' || c == '\n' || c == '\r';
}

// Names the (possibly multi-byte UTF-8) character starting at typed[i] for a message.
std::string name_character(std::string_view typed, std::size_t i) {
  auto c = static_cast<unsigned char>(typed[i]);
  std::size_t len = 1;
  if (c >= 0xC0 && c < 0xE0)
    len = 2;
  else if (c >= 0xE0 && c < 0xF0)
    len = 3;
  else if (c >= 0xF0 && c < 0xF8)
    len = 4;
  if (c < 0x20 || c == 0x7F) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    return std::string("the control character 0x") + kDigits[c >> 4] + kDigits[c & 0x0F];
  }
  return "\"" + std::string(typed.substr(i, len)) + "\"";
}


// "a code" -> "codes", "a receipt code" -> "receipt codes".
std::string what_plural(std::string_view what) {
  return std::string(what.substr(what.find(' ') + 1)) + "s";
}

// Reads typed symbols the forgiving way (case, separators, I/L/O); `allow(c)` says
// which normalized characters may appear. Fills `out`, or returns the problem.
template <typename Allow>
std::string read_symbols(std::string_view typed, Allow allow, const char* what, std::string& out) {
  for (std::size_t i = 0; i < typed.size(); ++i) {
    char c = typed[i];
    if (is_separator(c)) continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (!allow(c))
      return name_character(typed, i) + " cannot be part of " + what + ": " + what_plural(what) +
             " have only digits and letters";
    out += c;
  }
  return {};
}

}  // namespace

char check_symbol(std::string_view normalized_without_check) {
  unsigned r = 0;
  for (char c : normalized_without_check) {
    int v = symbol_value(c);
    if (v < 0)
      throw std::invalid_argument(std::string("check_symbol: '") + c +
                                  "' is not a Crockford base32 symbol");
    r = (r * 32 + static_cast<unsigned>(v)) % 37;
  }
  return kCheckAlphabet[r];
}

std::string base32_prefix(std::string_view bytes, int symbols) {
  if (symbols < 0) throw std::invalid_argument("base32_prefix: negative symbol count");
  if (static_cast<std::size_t>(symbols) * 5 > bytes.size() * 8)
    throw std::invalid_argument("base32_prefix: not enough bytes for " + std::to_string(symbols) +
                                " symbols");
  std::string out;
  out.reserve(static_cast<std::size_t>(symbols));
  for (int s = 0; s < symbols; ++s) {
    unsigned v = 0;
    for (int b = 0; b < 5; ++b) {
      std::size_t bit = static_cast<std::size_t>(s) * 5 + static_cast<std::size_t>(b);
      unsigned byte = static_cast<unsigned char>(bytes[bit / 8]);
      v = (v << 1) | ((byte >> (7 - bit % 8)) & 1u);
    }
    out += kAlphabet[v];
  }
  return out;
}

std::string format_code(std::string_view normalized) {
  std::string out;
  out.reserve(normalized.size() + normalized.size() / 5);
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    if (i > 0 && i % 5 == 0) out += '-';
    out += normalized[i];
  }
  return out;
}

std::string generate_code(int symbols) {
  if (symbols <= 0) throw std::invalid_argument("generate_code: symbols must be positive");
  // 5 random bits per symbol: uniform over the alphabet, no modulo bias.
  // Codes whose check symbol would be one of *~$=U are drawn again: printed codes
  // then hold only digits and letters (5 of 37 values skipped: 0.2 bits less).
  std::size_t bytes = (static_cast<std::size_t>(symbols) * 5 + 7) / 8;
  for (;;) {
    std::string body = base32_prefix(crypto::random_bytes(bytes), symbols);
    const char check = check_symbol(body);
    if (check == '*' || check == '~' || check == '$' || check == '=' || check == 'U') continue;
    body += check;
    return format_code(body);
  }
}

Parsed parse_receipt_code(std::string_view typed) {
  Parsed result;
  std::string code;
  result.problem = read_symbols(typed, [](char c) { return symbol_value(c) >= 0; }, "a receipt code", code);
  if (!result.problem.empty()) return result;
  if (code.size() != static_cast<std::size_t>(kReceiptSymbols)) {
    result.problem = "a receipt code has " + std::to_string(kReceiptSymbols) +
                     " characters (not counting the dash); this one has " + std::to_string(code.size());
    return result;
  }
  result.ok = true;
  result.normalized = std::move(code);
  return result;
}

std::string base32_bits(std::string_view normalized) {
  std::string out((normalized.size() * 5 + 7) / 8, '\0');
  std::size_t bit = 0;
  for (char c : normalized) {
    const int v = symbol_value(c);
    if (v < 0) throw std::invalid_argument(std::string("base32_bits: '") + c + "' is not a Crockford base32 symbol");
    for (int b = 4; b >= 0; --b, ++bit)
      if ((v >> b) & 1) out[bit / 8] = static_cast<char>(static_cast<unsigned char>(out[bit / 8]) | (0x80u >> (bit % 8)));
  }
  return out;
}

Parsed parse_code(std::string_view typed, int symbols) {
  Parsed result;
  const std::size_t length = static_cast<std::size_t>(symbols < 0 ? 0 : symbols) + 1;
  std::string code;
  result.problem = read_symbols(typed, [](char c) { return symbol_value(c) >= 0 || is_check_only(c); }, "a code", code);
  if (!result.problem.empty()) return result;
  if (code.size() != length) {
    result.problem = "a code has " + std::to_string(length) + " characters (not counting dashes); "
                     "this one has " + std::to_string(code.size());
    return result;
  }
  for (std::size_t i = 0; i + 1 < code.size(); ++i) {
    if (is_check_only(code[i])) {
      result.problem = "\"" + std::string(1, code[i]) +
                       "\" can only be the last character of a code: please check it";
      return result;
    }
  }
  if (check_symbol(std::string_view(code).substr(0, length - 1)) != code.back()) {
    result.problem = "this code has a typing mistake: please check it";
    return result;
  }
  result.ok = true;
  result.normalized = std::move(code);
  return result;
}

}  // namespace allot::codes
