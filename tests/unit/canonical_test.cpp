#include <gtest/gtest.h>

#include <string>

#include "allot/storage/canonical.hpp"

using namespace allot::canonical;
using nlohmann::json;

namespace {

// The message of the CanonicalError `f` throws, or "" when it does not throw.
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const CanonicalError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST(CanonicalTest, DumpsCompactSortedIntegers) {
  json j = {{"b", 1}, {"a", {{"z", -5}, {"y", json::array({true, false, nullptr})}}},
            {"c", "text"}, {"big", 18446744073709551615ull}, {"min", INT64_MIN}};
  EXPECT_EQ(dump(j),
            R"({"a":{"y":[true,false,null],"z":-5},"b":1,"big":18446744073709551615,)"
            R"("c":"text","min":-9223372036854775808})");
  EXPECT_EQ(dump(json::object()), "{}");
  EXPECT_EQ(dump(json::array()), "[]");
  EXPECT_EQ(dump(json("")), R"("")");
}

TEST(CanonicalTest, KeysSortByBytesIncludingNonAscii) {
  // Byte order: "B" (0x42) < "a" (0x61) < "z" (0x7a) < "é" (0xc3 0xa9) < "中" (0xe4 ...)
  // < "😀" (0xf0 ...). UTF-16 order would put U+1F600 before U+4E2D; bytes do not.
  json j = json::object();
  for (const char* k : {"😀", "中", "é", "z", "a", "B", "aa", ""}) j[k] = 0;
  EXPECT_EQ(dump(j), R"({"":0,"B":0,"a":0,"aa":0,"z":0,"é":0,"中":0,"😀":0})");
  EXPECT_TRUE(is_canonical(dump(j)));
  EXPECT_FALSE(is_canonical(R"({"é":0,"z":0})"));
}

TEST(CanonicalTest, EscapingRules) {
  EXPECT_EQ(dump(json("\x1f")), R"("\u001f")");  // lower-case hex
  EXPECT_EQ(dump(json(std::string("\0", 1))), R"("\u0000")");
  EXPECT_EQ(dump(json("\x0b")), R"("\u000b")");
  EXPECT_EQ(dump(json("\"\\\b\f\n\r\t")), R"("\"\\\b\f\n\r\t")");
  EXPECT_EQ(dump(json("a/b")), R"("a/b")");  // "/" is not escaped
  EXPECT_EQ(dump(json("\x7f")), "\"\x7f\"");  // DEL is not a C0 control
  EXPECT_EQ(dump(json("zażółć 中文 😀")), "\"zażółć 中文 😀\"");  // UTF-8 as is
  EXPECT_TRUE(is_canonical(R"("\u001f")"));
  EXPECT_FALSE(is_canonical(R"("\u001F")"));  // upper-case escape
  EXPECT_FALSE(is_canonical(R"("\/")"));
  EXPECT_FALSE(is_canonical(R"("\u0041")"));  // needless escape
  EXPECT_FALSE(is_canonical(R"("\u00e9")"));
  EXPECT_TRUE(is_canonical("\"\xc3\xa9\""));
  EXPECT_FALSE(is_canonical(R"("\u0008")"));  // must be \b
  EXPECT_TRUE(is_canonical(R"("\b")"));
  // Escapes parse to the same string.
  EXPECT_EQ(parse(R"("\u00e9\ud83d\ude00\/")"), json("é😀/"));
}

TEST(CanonicalTest, RefusesFloatsWithTheirPath) {
  json j = {{"contests", json::array({{{"cost", 1.5}}})}};
  std::string msg = error_of([&] { dump(j); });
  EXPECT_EQ(msg, "/contests/0/cost: fractional numbers are not allowed");
  EXPECT_TRUE(contains(error_of([&] { dump(json(2.0)); }), "fractional"));
  json k = {{"a/b~c", 0.5}};
  EXPECT_EQ(error_of([&] { dump(k); }), "/a~1b~0c: fractional numbers are not allowed");
  EXPECT_TRUE(contains(error_of([&] { signing_bytes(json{{"x", 0.1}}); }), "/x"));
}

TEST(CanonicalTest, RefusesInvalidUtf8WhenDumping) {
  std::string msg = error_of([] { dump(json{{"k", json::array({"ok", "bad\xff"})}}); });
  EXPECT_TRUE(contains(msg, "/k/1")) << msg;
  EXPECT_TRUE(contains(msg, "UTF-8")) << msg;
  EXPECT_TRUE(contains(error_of([] { dump(json{{"\xc0\x80", 1}}); }), "UTF-8"));
  EXPECT_TRUE(contains(error_of([] { dump(json("\xed\xa0\x80")); }), "UTF-8"));  // surrogate
  EXPECT_FALSE(error_of([] { dump(json::binary({1, 2})); }).empty());
}

TEST(CanonicalTest, ParseRefusesDuplicateKeys) {
  std::string msg = error_of([] { parse(R"({"a":1,"b":{"x":1,"x":2}})"); });
  EXPECT_TRUE(contains(msg, "duplicate key \"x\"")) << msg;
  EXPECT_TRUE(contains(msg, "byte 18")) << msg;
  EXPECT_FALSE(error_of([] { parse(R"({"a":1,"a":1})"); }).empty());
  // The same key in different objects is fine.
  EXPECT_NO_THROW(parse(R"({"a":{"a":1},"b":{"a":2}})"));
}

TEST(CanonicalTest, ParseRefusesFloats) {
  for (const char* bad : {"1.0", "1e3", "1E3", "-0.5", R"({"a":[1,2.5]})", "0e0"}) {
    std::string msg = error_of([&] { parse(bad); });
    EXPECT_TRUE(contains(msg, "fractional")) << bad << ": " << msg;
  }
  EXPECT_TRUE(contains(error_of([] { parse(R"({"cost":1.5})"); }), "byte 8"));
}

TEST(CanonicalTest, ParseIntegers) {
  EXPECT_EQ(parse("0"), json(0));
  EXPECT_EQ(parse("-7"), json(-7));
  EXPECT_EQ(parse("18446744073709551615").get<std::uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(parse("-9223372036854775808").get<std::int64_t>(), INT64_MIN);
  EXPECT_TRUE(contains(error_of([] { parse("18446744073709551616"); }), "out of range"));
  EXPECT_TRUE(contains(error_of([] { parse("-9223372036854775809"); }), "out of range"));
  EXPECT_FALSE(error_of([] { parse("01"); }).empty());
  EXPECT_FALSE(error_of([] { parse("-"); }).empty());
  EXPECT_FALSE(error_of([] { parse("+1"); }).empty());
  EXPECT_FALSE(is_canonical("-0"));  // parses, but writes as 0
  EXPECT_TRUE(is_canonical("-1"));
}

TEST(CanonicalTest, ParseRefusesInvalidUtf8) {
  for (const std::string bad : {"\"\xff\"", "\"\xc3\"", "\"\xc3(\"", "\"\xc0\xaf\"",
                                "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                                "{\"\xfe\":1}", "\"\x80\""}) {
    std::string msg = error_of([&] { parse(bad); });
    EXPECT_TRUE(contains(msg, "invalid UTF-8")) << msg;
    EXPECT_TRUE(contains(msg, "byte ")) << msg;
  }
  EXPECT_TRUE(contains(error_of([] { parse("[\"ab\xff\"]"); }), "byte 4"));
  // Lone surrogates in escapes are refused too.
  EXPECT_FALSE(error_of([] { parse(R"("\ud800")"); }).empty());
  EXPECT_FALSE(error_of([] { parse(R"("\udc00")"); }).empty());
  EXPECT_FALSE(error_of([] { parse(R"("\ud800\u0041")"); }).empty());
}

TEST(CanonicalTest, ParseRefusesTrailingAndMalformedInput) {
  std::string msg = error_of([] { parse("{}x"); });
  EXPECT_TRUE(contains(msg, "trailing")) << msg;
  EXPECT_TRUE(contains(msg, "byte 2")) << msg;
  for (const char* bad : {"", " ", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "{a:1}", "[1 2]", "tru",
                          "nul", "\"abc", "\"a\tb\"", "\"\\x\"", "\"\\u12\"", "{}{}", "[]]",
                          "'a'", "\xef\xbb\xbf{}", "{,}", "{\"a\":1,}"}) {
    EXPECT_FALSE(error_of([&] { parse(bad); }).empty()) << bad;
  }
  // Deep nesting is refused rather than overflowing the stack.
  std::string deep(100000, '[');
  EXPECT_TRUE(contains(error_of([&] { parse(deep); }), "nesting"));
}

TEST(CanonicalTest, ParseAcceptsWhitespaceButItIsNotCanonical) {
  EXPECT_EQ(parse(" { \"a\" : [ 1 , 2 ] }\n"), (json{{"a", {1, 2}}}));
  EXPECT_TRUE(is_canonical(R"({"a":[1,2]})"));
  EXPECT_FALSE(is_canonical(R"({"a": [1,2]})"));
  EXPECT_FALSE(is_canonical(R"({"a":[1,2]} )"));
  EXPECT_FALSE(is_canonical("{\"a\":[1,2]}\n"));
  EXPECT_FALSE(is_canonical(R"({"b":1,"a":2})"));  // unsorted
  EXPECT_FALSE(is_canonical("not json"));
  EXPECT_FALSE(is_canonical("1.0"));
}

TEST(CanonicalTest, RoundTripsDocuments) {
  const std::string doc =
      R"({"allot":"ballot/1","answers":{"city":{"options":["P1","P4"]},)"
      R"("north":{"options":["N2","N5"],"points":[3,2]}},"channel":"online",)"
      R"("district":"north","manifest":"ab","nonce":"00","title":{"ar":"ميزانية","en":"Budget\n\"x\""}})";
  ASSERT_TRUE(is_canonical(doc));
  EXPECT_EQ(dump(parse(doc)), doc);
}

TEST(CanonicalTest, SigningBytesDropOnlyTopLevelSignature) {
  json doc = {{"allot", "receipt/1"}, {"signature", "abcd"}, {"inner", {{"signature", "kept"}}}};
  EXPECT_EQ(signing_bytes(doc), R"({"allot":"receipt/1","inner":{"signature":"kept"}})");
  EXPECT_EQ(doc.size(), 3u);  // the argument is untouched
  json unsigned_doc = {{"a", 1}};
  EXPECT_EQ(signing_bytes(unsigned_doc), dump(unsigned_doc));
  EXPECT_THROW(signing_bytes(json::array()), CanonicalError);
}
