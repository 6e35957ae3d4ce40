#include <gtest/gtest.h>

#include "allot/engine/blt.hpp"
#include "allot/engine/errors.hpp"
#include "shared_data.hpp"

using namespace allot;
using namespace allot::testing;

TEST(BltTest, ReadsTheCoreFormat) {
  BltFile f = parse_blt(read_file(fixtures_dir() / "blt" / "example.blt"));
  const auto& e = f.election;
  EXPECT_EQ(e.candidates, (std::vector<std::string>{"Alice", "Bob", "Carol", "Dave"}));
  EXPECT_EQ(e.seats, 2);
  EXPECT_EQ(e.title, "Example election");
  EXPECT_EQ(e.withdrawn, (std::vector<int>{3}));
  ASSERT_EQ(e.ballots.size(), 4u);
  EXPECT_EQ(e.ballots[0].count.units, 3);
  EXPECT_EQ(e.ballots[0].ranks, (std::vector<std::vector<int>>{{0}, {2}, {3}}));
  EXPECT_EQ(e.ballots[3].ranks, (std::vector<std::vector<int>>{{3}, {1}, {0}, {2}}));
}

TEST(BltTest, ReadsExtensions) {
  BltFile f = parse_blt(read_file(fixtures_dir() / "blt" / "extensions.blt"));
  const auto& e = f.election;
  EXPECT_EQ(f.nicknames, (std::vector<std::string>{"apple", "banana", "cherry"}));
  EXPECT_EQ(e.withdrawn, (std::vector<int>{2}));
  EXPECT_EQ(f.tie_order, (std::vector<int>{1, 0, 2}));
  ASSERT_EQ(e.ballots.size(), 3u);
  EXPECT_EQ(e.ballots[0].ranks, (std::vector<std::vector<int>>{{0}, {1, 2}}));  // equal preference
  EXPECT_EQ(e.ballots[1].count, (BallotCount{15, 1}));                         // 1.5
  EXPECT_EQ(e.ballots[1].ranks, (std::vector<std::vector<int>>{{1}, {}, {0}}));  // skipped rank
  EXPECT_TRUE(e.ballots[2].ranks.empty());                                      // empty ballot
  EXPECT_EQ(e.title, "Fruit committee");
}

TEST(BltTest, RoundTrips) {
  for (const char* name : {"example.blt", "extensions.blt"}) {
    BltFile f = parse_blt(read_file(fixtures_dir() / "blt" / name));
    BltFile g = parse_blt(write_blt(f.election, f.tie_order));
    EXPECT_EQ(g.election.candidates, f.election.candidates) << name;
    EXPECT_EQ(g.election.ballots, f.election.ballots) << name;
    EXPECT_EQ(g.election.withdrawn, f.election.withdrawn) << name;
    EXPECT_EQ(g.election.seats, f.election.seats) << name;
    EXPECT_EQ(g.election.title, f.election.title) << name;
    EXPECT_EQ(g.tie_order, f.tie_order) << name;
  }
}

namespace {

void expect_error(const std::string& text, int line, const std::string& what) {
  try {
    parse_blt(text);
    ADD_FAILURE() << "no error for:\n" << text;
  } catch (const FormatError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(BltTest, BadFilesNameTheLine) {
  expect_error("", 1, "ends before the header");
  expect_error("x 1\n", 1, "number of candidates");
  expect_error("2\n1 1 0\n", 2, "number of seats");
  expect_error("2 1\n1 1 3 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "candidate 3 does not exist");
  expect_error("2 1\n1 1 2\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "must end with 0");
  expect_error("2 1\nabc 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", 2, "must start with its weight");
  expect_error("2 1\n1 1 0\n", 2, "the end of the ballots");
  expect_error("2 1\n1 1 0\n0\n\"A\"\n", 4, "every candidate's name");
  expect_error("2 1\n1 1 0\n0\n\"A\"\nB\n\"T\"\n", 5, "quoted name of candidate 2");
  expect_error("2 1\n-3\n1 1 0\n0\n\"A\"\n\"B\"\n", 2, "withdrawn candidate -3 does not exist");
  expect_error("2 1\n1 fig 0\n0\n\"A\"\n\"B\"\n", 2, "neither a candidate number nor a nickname");
  expect_error("2 1\n[nick a]\n0\n\"A\"\n\"B\"\n", 2, "[nick] must give 2 nicknames");
  expect_error("2 1\n1 1 0\n0\n\"A\n\"B\"\n", 4, "not closed");
}

TEST(BltTest, RefusesNamesItCannotWrite) {
  RankedElection e;
  e.candidates = {"say \"hi\""};
  EXPECT_THROW(write_blt(e), UsageError);
}
