// Paper ballots keyed twice (Store::paper_enter / paper_resolve / paper_spoil /
// paper_report).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "allot/storage/store.hpp"
#include "store_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Store;


json batch_report(const Store& s, const std::string& batch) {
  for (const auto& b : s.paper_report(kE))
    if (b.at("batch") == batch) return b;
  return json();
}

void expect_counts(const json& r, int counted, int matched, int disputed, int resolved, int pending, int spoiled,
                   int accepted) {
  ASSERT_TRUE(r.is_object()) << r.dump();
  EXPECT_EQ(r.at("counted"), counted) << r.dump();
  EXPECT_EQ(r.at("matched"), matched) << r.dump();
  EXPECT_EQ(r.at("disputed"), disputed) << r.dump();
  EXPECT_EQ(r.at("resolved"), resolved) << r.dump();
  EXPECT_EQ(r.at("pending"), pending) << r.dump();
  EXPECT_EQ(r.at("spoiled"), spoiled) << r.dump();
  EXPECT_EQ(r.at("accepted"), accepted) << r.dump();
}

std::vector<json> paper_ballots(const Store& s) {
  std::vector<json> out;
  for (const auto& b : s.ballots(kE))
    if (b.at("channel") == "paper") out.push_back(b);
  return out;
}

TEST(StorePaper, DoubleEntryDisputesAndResolution) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  prepare_election(s, 0, 0, /*open=*/false);
  {
    auto e = store_error([&] { s.paper_enter("olga", kE, "B1", "1", "", answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "wrong_state") << e->what();
  }
  s.open("admin", kE);
  const json a = answers_for("north", 0);
  const json b = answers_for("north", 1);

  // S1: two officers agree -> counted.
  auto out = s.paper_enter("olga", kE, "B1", "1", "north", a);
  EXPECT_EQ(out.status, "pending");
  EXPECT_FALSE(out.message.empty());
  {
    auto e = store_error([&] { s.paper_enter("olga", kE, "B1", "1", "north", a); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "conflict") << e->what();
  }
  EXPECT_TRUE(paper_ballots(s).empty());
  out = s.paper_enter("oscar", kE, "B1", "1", "north", a);
  EXPECT_EQ(out.status, "matched");
  auto papers = paper_ballots(s);
  ASSERT_EQ(papers.size(), 1u);
  EXPECT_EQ(papers[0].at("district"), "north");
  EXPECT_EQ(papers[0].at("answers").at("north-parks"), a.at("north-parks"));
  // A matched ballot takes no further entry.
  {
    auto e = store_error([&] { s.paper_enter("pia", kE, "B1", "1", "north", a); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "conflict") << e->what();
  }

  // S2: the entries differ -> disputed, listed with both entries.
  EXPECT_EQ(s.paper_enter("olga", kE, "B1", "2", "north", a).status, "pending");
  EXPECT_EQ(s.paper_enter("oscar", kE, "B1", "2", "north", b).status, "disputed");
  // S3: a different district is a dispute too.
  EXPECT_EQ(s.paper_enter("olga", kE, "B1", "3", "", answers_for("")).status, "pending");
  EXPECT_EQ(s.paper_enter("oscar", kE, "B1", "3", "south", answers_for("")).status, "disputed");
  // S4: waits for its second entry.
  EXPECT_EQ(s.paper_enter("olga", kE, "B1", "4", "", answers_for("")).status, "pending");
  // Another batch.
  EXPECT_EQ(s.paper_enter("pia", kE, "B2", "1", "", answers_for("", 2)).status, "pending");
  EXPECT_EQ(s.paper_enter("olga", kE, "B2", "1", "", answers_for("", 2)).status, "matched");

  {
    const json r = batch_report(s, "B1");
    expect_counts(r, 4, 1, 2, 0, 1, 0, 1);
    ASSERT_EQ(r.at("to_resolve").size(), 2u);
    const json& d = r.at("to_resolve")[0];
    EXPECT_EQ(d.at("serial"), "2");
    ASSERT_EQ(d.at("entries").size(), 2u);
    EXPECT_EQ(d.at("entries")[0].at("officer"), "olga");
    EXPECT_EQ(d.at("entries")[1].at("officer"), "oscar");
    EXPECT_EQ(d.at("entries")[0].at("answers").at("north-parks"), a.at("north-parks"));
    EXPECT_EQ(d.at("entries")[1].at("answers").at("north-parks"), b.at("north-parks"));
    EXPECT_EQ(d.at("entries")[0].at("district"), "north");
    const json& d3 = r.at("to_resolve")[1];
    EXPECT_EQ(d3.at("serial"), "3");
    EXPECT_EQ(d3.at("entries")[0].at("district"), "");
    EXPECT_EQ(d3.at("entries")[1].at("district"), "south");
    EXPECT_EQ(r.at("waiting"), json::array({"4"}));
    expect_counts(batch_report(s, "B2"), 1, 1, 0, 0, 0, 0, 1);
  }
  // A disputed ballot takes no more entries; only a third officer resolves it.
  {
    auto e = store_error([&] { s.paper_enter("pia", kE, "B1", "2", "north", a); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "conflict") << e->what();
  }
  for (const char* officer : {"olga", "oscar"}) {
    SCOPED_TRACE(officer);
    auto e = store_error([&] { s.paper_resolve(officer, kE, "B1", "2", "north", b); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "conflict") << e->what();
    auto e2 = store_error([&] { s.paper_spoil(officer, kE, "B1", "3"); });
    ASSERT_TRUE(e2);
    EXPECT_EQ(e2->code, "conflict") << e2->what();
  }
  // Resolving or spoiling what is not disputed is refused.
  EXPECT_EQ(error_code([&] { s.paper_resolve("pia", kE, "B1", "1", "north", a); }), "conflict");
  EXPECT_EQ(error_code([&] { s.paper_resolve("pia", kE, "B1", "4", "", answers_for("")); }), "conflict");
  EXPECT_EQ(error_code([&] { s.paper_resolve("pia", kE, "B9", "1", "", answers_for("")); }), "not_found");
  EXPECT_EQ(error_code([&] { s.paper_spoil("pia", kE, "B9", "1"); }), "not_found");
  // An invalid paper ballot is refused before anything is saved.
  {
    json bad = answers_for("");
    bad["city"]["options"] = {"P2", "P3", "P4"};
    auto e = store_error([&] { s.paper_enter("pia", kE, "B3", "1", "", bad); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "invalid") << e->what();
    EXPECT_TRUE(batch_report(s, "B3").is_null());
  }
  EXPECT_EQ(error_code([&] { s.paper_enter("pia", kE, "bad batch!", "1", "", answers_for("")); }),
            "invalid");

  EXPECT_EQ(s.paper_resolve("pia", kE, "B1", "2", "north", b).status, "resolved");
  EXPECT_EQ(s.paper_spoil("pia", kE, "B1", "3").status, "spoiled");
  EXPECT_EQ(error_code([&] { s.paper_resolve("quinn", kE, "B1", "2", "north", b); }), "conflict");

  const json r = batch_report(s, "B1");
  expect_counts(r, 4, 1, 0, 1, 1, 1, 2);
  EXPECT_TRUE(r.at("to_resolve").empty());

  papers = paper_ballots(s);
  ASSERT_EQ(papers.size(), 3u);  // B1/1 matched, B1/2 resolved, B2/1 matched
  int with_b = 0;
  for (const auto& p : papers) with_b += p.at("answers").contains("north-parks") &&
                                          p.at("answers").at("north-parks") == b.at("north-parks");
  EXPECT_EQ(with_b, 1);  // the resolved one carries the third officer's answers
  EXPECT_EQ(stored_ballots(dir.path(), kE), 3);

  // The officer log names each step; the close counts agree.
  std::vector<std::string> actions;
  for (const auto& e : s.officer_log(kE)) actions.push_back(e.at("action"));
  auto count = [&](const std::string& a) { return std::count(actions.begin(), actions.end(), a); };
  EXPECT_EQ(count("paper.enter"), 7);
  EXPECT_EQ(count("paper.dispute"), 2);
  EXPECT_EQ(count("paper.resolve"), 1);
  EXPECT_EQ(count("paper.spoil"), 1);
  s.close("admin", kE);
  const json counts = s.officer_log(kE).back().at("details").at("counts");
  EXPECT_EQ(counts.at("paper_accepted"), 3);
  EXPECT_EQ(counts.at("by_channel").at("paper"), 3);
  EXPECT_EQ(error_code([&] { s.paper_enter("olga", kE, "B1", "4", "", answers_for("")); }), "wrong_state");
}

}  // namespace
