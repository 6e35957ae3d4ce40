#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"

using namespace allot::codes;

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kCheckAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

// A normalized code (13 symbols + check) from a seeded generator.
std::string seeded_code(std::mt19937_64& rng, int symbols = kCodeSymbols) {
  std::string body;
  for (int i = 0; i < symbols; ++i) body += kAlphabet[rng() % 32];
  return body + check_symbol(body);
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST(CodesTest, CheckSymbolKnownValues) {
  EXPECT_EQ(check_symbol(""), '0');
  EXPECT_EQ(check_symbol("0"), '0');
  EXPECT_EQ(check_symbol("1"), '1');
  EXPECT_EQ(check_symbol("Z"), 'Z');    // 31
  EXPECT_EQ(check_symbol("10"), '*');   // 32
  EXPECT_EQ(check_symbol("11"), '~');   // 33
  EXPECT_EQ(check_symbol("12"), '$');   // 34
  EXPECT_EQ(check_symbol("13"), '=');   // 35
  EXPECT_EQ(check_symbol("14"), 'U');   // 36
  EXPECT_EQ(check_symbol("15"), '0');   // 37
  EXPECT_EQ(check_symbol("ZZ"), 'R');   // 1023 = 27 * 37 + 24, symbol 24
  // "ZZZZZZZZZZZZZ" = 32^13 - 1 (65 bits, beyond uint64): (32^13 mod 37) - 1.
  unsigned r = 1;
  for (int i = 0; i < 13; ++i) r = r * 32 % 37;
  EXPECT_EQ(check_symbol("ZZZZZZZZZZZZZ"), kCheckAlphabet[(r + 36) % 37]);
  EXPECT_EQ(check_symbol("ZZZZZZZZZZZZZ"), 'Q');  // 36893488147419103231 mod 37 = 23
  EXPECT_EQ(check_symbol("7K3QMR9D2XH4T"), 'T');  // 8759207440856040602 mod 37 = 26
  EXPECT_EQ(check_symbol("ABCDEFGHJKMNP"), 'N');  // mod 37 = 21
  EXPECT_TRUE(parse_code("7K3QM-R9D2X-H4TT").ok);
  EXPECT_THROW(check_symbol("I"), std::invalid_argument);
  EXPECT_THROW(check_symbol("a"), std::invalid_argument);
}

TEST(CodesTest, Base32Prefix) {
  EXPECT_EQ(base32_prefix("", 0), "");
  EXPECT_EQ(base32_prefix(std::string(5, '\0'), 8), "00000000");
  EXPECT_EQ(base32_prefix(std::string(5, '\xff'), 8), "ZZZZZZZZ");
  // 0x08 0x42 0x10 0x84 0x21 = 00001 00001 00001 ... -> all ones
  EXPECT_EQ(base32_prefix("\x08\x42\x10\x84\x21", 8), "11111111");
  // "f" = 0x66 = 01100 110: one symbol (12 = 'C'); a second would need bits past the end.
  EXPECT_EQ(base32_prefix("f", 1), "C");
  EXPECT_THROW(base32_prefix("f", 2), std::invalid_argument);
  // Receipt codes: the first 50 bits of a hash as 10 symbols, MSB first.
  auto h = allot::crypto::sha256("abc");  // ba7816bf8f01...
  std::string bytes(reinterpret_cast<const char*>(h.data()), h.size());
  // 0xba 0x78 0x16 0xbf 0x8f 0x01 0xcf = 10111 01001 11100 00001 01101 01111 11100 01111 00000 00111
  EXPECT_EQ(base32_prefix(bytes, 10), "Q9W1DFWF07");
}

TEST(CodesTest, FormatCode) {
  EXPECT_EQ(format_code(""), "");
  EXPECT_EQ(format_code("ABCDE"), "ABCDE");
  EXPECT_EQ(format_code("ABCDEF"), "ABCDE-F");
  EXPECT_EQ(format_code("7K3QMR9D2XH4TPAZ"), "7K3QM-R9D2X-H4TPA-Z");
  EXPECT_EQ(format_code("7K3QMR9D2XH4TP"), "7K3QM-R9D2X-H4TP");
}

TEST(CodesTest, GeneratedCodesParse) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string code = generate_code();
    EXPECT_EQ(code.size(), 14u + 2u) << code;  // 14 symbols, two dashes
    EXPECT_EQ(code[5], '-');
    EXPECT_EQ(code[11], '-');
    Parsed p = parse_code(code);
    ASSERT_TRUE(p.ok) << code << ": " << p.problem;
    EXPECT_EQ(format_code(p.normalized), code);
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 200u);
  Parsed p = parse_code(generate_code(4), 4);
  EXPECT_TRUE(p.ok) << p.problem;
  EXPECT_EQ(p.normalized.size(), 5u);
  EXPECT_THROW(generate_code(0), std::invalid_argument);
}

TEST(CodesTest, RoundTripsSeededCodes) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 1000; ++i) {
    std::string code = seeded_code(rng);
    Parsed p = parse_code(format_code(code));
    ASSERT_TRUE(p.ok) << code << ": " << p.problem;
    EXPECT_EQ(p.normalized, code);
  }
}

TEST(CodesTest, AcceptsHowPeopleTypeCodes) {
  std::mt19937_64 rng(7);
  std::string code = seeded_code(rng);
  std::string lower;
  for (char c : code) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(parse_code(lower).ok);
  EXPECT_TRUE(parse_code(" " + format_code(lower) + " ").ok);
  std::string spaced;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) spaced += i % 8 == 0 ? ". " : " ";
    spaced += code[i];
  }
  Parsed p = parse_code(spaced);
  EXPECT_TRUE(p.ok) << spaced << ": " << p.problem;
  EXPECT_EQ(p.normalized, code);

  // Confusables: I and L read as 1, O as 0 (either case).
  std::string body = "10L0I1OoilABC";
  std::string clean = "1010110011ABC";
  std::string typed = body + check_symbol(clean);
  p = parse_code(typed);
  ASSERT_TRUE(p.ok) << p.problem;
  EXPECT_EQ(p.normalized, clean + check_symbol(clean));
}

TEST(CodesTest, ExtendedCheckSymbols) {
  // Find bodies whose check is each of the extended symbols, and parse them.
  std::mt19937_64 rng(99);
  std::set<char> found;
  while (found.size() < 5) {
    std::string code = seeded_code(rng);
    char c = code.back();
    if (kCheckAlphabet.find(c) < 32) continue;
    found.insert(c);
    Parsed p = parse_code(code);
    ASSERT_TRUE(p.ok) << code << ": " << p.problem;
    if (c == 'U') {
      std::string lower = code;
      lower.back() = 'u';
      EXPECT_TRUE(parse_code(lower).ok);
    }
    // Extended symbols anywhere but last are refused with a clear message.
    std::string moved = std::string(1, c) + code.substr(1);
    Parsed q = parse_code(moved);
    EXPECT_FALSE(q.ok);
    EXPECT_TRUE(contains(q.problem, "last character")) << q.problem;
  }
}

TEST(CodesTest, RefusalsSayWhatIsWrong) {
  std::mt19937_64 rng(3);
  std::string code = seeded_code(rng);

  Parsed p = parse_code(code.substr(0, 13));
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(contains(p.problem, "14 characters")) << p.problem;
  EXPECT_TRUE(contains(p.problem, "13")) << p.problem;
  p = parse_code(code + "0");
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(contains(p.problem, "14 characters")) << p.problem;
  p = parse_code("");
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(contains(p.problem, "14 characters")) << p.problem;

  p = parse_code(code.substr(0, 6) + "#" + code.substr(6));
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(contains(p.problem, "\"#\"")) << p.problem;
  p = parse_code(code.substr(0, 6) + "é" + code.substr(7));
  EXPECT_FALSE(p.ok);
  EXPECT_TRUE(contains(p.problem, "\"é\"")) << p.problem;
  p = parse_code(code.substr(0, 6) + "_" + code.substr(7));
  EXPECT_TRUE(contains(p.problem, "\"_\"")) << p.problem;

  std::string typo = code;
  typo[3] = typo[3] == 'A' ? 'B' : 'A';
  p = parse_code(typo);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.problem, "this code has a typing mistake: please check it");
  EXPECT_TRUE(p.normalized.empty());
}

// The point of mod 37: every single-symbol substitution and every transposition of two
// adjacent symbols (check symbol included) is detected.
TEST(CodesTest, CheckDetectsEverySubstitutionAndTransposition) {
  std::mt19937_64 rng(2026);
  for (int n = 0; n < 200; ++n) {
    std::string code = seeded_code(rng);
    ASSERT_TRUE(parse_code(code).ok);
    for (std::size_t i = 0; i < code.size(); ++i) {
      for (char c : kCheckAlphabet) {
        if (c == code[i]) continue;
        std::string bad = code;
        bad[i] = c;
        EXPECT_FALSE(parse_code(bad).ok) << code << " -> " << bad;
      }
    }
    for (std::size_t i = 0; i + 1 < code.size(); ++i) {
      if (code[i] == code[i + 1]) continue;
      std::string bad = code;
      std::swap(bad[i], bad[i + 1]);
      EXPECT_FALSE(parse_code(bad).ok) << code << " -> " << bad;
    }
  }
}

// Printed codes hold only digits and letters, check symbol included.
TEST(CodesTest, GeneratedCodesEndInADigitOrLetter) {
  for (int i = 0; i < 2000; ++i) {
    const std::string code = allot::codes::generate_code();
    const char last = code.back();
    EXPECT_TRUE((last >= '0' && last <= '9') || (last >= 'A' && last <= 'Z' && last != 'U')) << code;
  }
}

// Receipt codes: 10 symbols, no check, read as forgivingly as voting codes; their
// bits are the leaf's first 50.
TEST(CodesTest, ReceiptCodesReadLooselyAndGiveTheLeafsFirstBits) {
  const auto p = allot::codes::parse_receipt_code(" 4hx2m-9qkda ");
  ASSERT_TRUE(p.ok) << p.problem;
  EXPECT_EQ(p.normalized, "4HX2M9QKDA");
  EXPECT_EQ(allot::codes::parse_receipt_code("4HX2M-9QKDO").normalized, "4HX2M9QKD0");
  EXPECT_FALSE(allot::codes::parse_receipt_code("4HX2M-9QKD").ok);
  EXPECT_NE(allot::codes::parse_receipt_code("4HX2M-9QKDA1").problem.find("10 characters"), std::string::npos);
  EXPECT_NE(allot::codes::parse_receipt_code("4HX2M-9QKD*").problem.find("\"*\""), std::string::npos);

  EXPECT_EQ(allot::codes::base32_bits("ZZ"), std::string("\xFF\xC0", 2));
  EXPECT_EQ(allot::codes::base32_bits("00"), std::string("\x00\x00", 2));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::string leaf(32, '\0');
    for (auto& ch : leaf) ch = static_cast<char>(rng() & 0xFF);
    const std::string bits = allot::codes::base32_bits(allot::codes::base32_prefix(leaf, allot::codes::kReceiptSymbols));
    ASSERT_EQ(bits.size(), 7u);
    EXPECT_EQ(bits.substr(0, 6), leaf.substr(0, 6));
    EXPECT_EQ(static_cast<unsigned char>(bits[6]), static_cast<unsigned char>(leaf[6]) & 0xC0u);
  }
}
