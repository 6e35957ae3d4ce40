// The load generator's reading of the server's answers (bench/load_client.hpp): only
// the top-level strings it needs, without building the document.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "load_client.hpp"

namespace {

using allot::load::TopLevelStrings;
using Strings = std::vector<std::string>;

TEST(LoadClient, ReadsTopLevelStringsAndStopsEarly) {
  // A receipt as the server writes it: keys sorted, the long document last.
  const std::string receipt =
      R"({"code":"ABCDE-FGHJK","leaf":"00ff","receipt":{"leaf":"inner","batch":{"path":["a","b"],"size":2}}})";
  EXPECT_EQ(TopLevelStrings::read(receipt, {"leaf", "code"}), (Strings{"00ff", "ABCDE-FGHJK"}));
  // Keys in any order, nested ones of the same name ignored, a broken tail never read.
  EXPECT_EQ(TopLevelStrings::read(R"({"receipt":{"leaf":"inner","code":"x"},"leaf":"top","code":"c"})",
                                  {"leaf", "code"}),
            (Strings{"top", "c"}));
  EXPECT_EQ(TopLevelStrings::read(R"({"session":"tok","x":)", {"session"}), (Strings{"tok"}));
  EXPECT_EQ(TopLevelStrings::read(R"({"district":"","election":"e","expires_in":1800,"session":"s1"})", {"session"}),
            (Strings{"s1"}));
}

TEST(LoadClient, MissingKeysWrongTypesAndBadBodiesGiveNothing) {
  EXPECT_FALSE(TopLevelStrings::read(R"({"leaf":"x"})", {"leaf", "code"}));
  EXPECT_FALSE(TopLevelStrings::read(R"({"leaf":"x","code":7})", {"leaf", "code"}));
  EXPECT_FALSE(TopLevelStrings::read(R"({"inner":{"code":"c"},"leaf":"x"})", {"leaf", "code"}));
  EXPECT_FALSE(TopLevelStrings::read(R"(["leaf","x"])", {"leaf"}));
  EXPECT_FALSE(TopLevelStrings::read(R"("leaf")", {"leaf"}));
  EXPECT_FALSE(TopLevelStrings::read("", {"leaf"}));
  EXPECT_FALSE(TopLevelStrings::read("<html>", {"leaf"}));
  EXPECT_FALSE(TopLevelStrings::read(R"({"leaf":)", {"leaf"}));
}

}  // namespace
