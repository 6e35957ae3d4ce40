// Registered kiosks in the store (storage/include/allot/storage/store.hpp): register,
// list and retire; pools of tokens bound to the kiosk and its district; retired
// kiosks' tokens refused; the kiosk cast that is exactly once per token and key
// (also across a restart); the triggers behind it; the record with kiosk actions
// verifying; and the writer's group-size histogram.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "../../storage/src/store/writer.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/receipt.hpp"
#include "allot/storage/store.hpp"
#include "allot/storage/verify.hpp"
#include "store_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Store;

constexpr std::chrono::seconds kHour{3600};

// The officer-log entries of one action.
std::vector<json> entries_of(const Store& s, const std::string& action) {
  std::vector<json> out;
  for (const auto& e : s.officer_log(kE))
    if (e.at("action") == action) out.push_back(e);
  return out;
}

class StoreKioskTest : public ::testing::Test {
 protected:
  TempDir dir{"kiosk"};
  FakeClock clock;
  std::unique_ptr<Store> s = std::make_unique<Store>(store_options(dir.path(), clock));

  void reopen() {
    s.reset();
    s = std::make_unique<Store>(store_options(dir.path(), clock));
  }
};

TEST_F(StoreKioskTest, RegisterListAndTheirRefusals) {
  prepare_election(*s, 1, 0, /*open=*/false);
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Library", ""); }), "wrong_state");  // draft
  s->open("admin", kE);
  EXPECT_TRUE(s->kiosks(kE).empty());

  const auto lib = s->register_kiosk("kim", kE, "Library front desk", "north");
  EXPECT_EQ(lib.id, "library-front-desk");
  EXPECT_EQ(lib.name, "Library front desk");
  EXPECT_EQ(lib.district, "north");
  EXPECT_EQ(lib.registered_by, "kim");
  EXPECT_FALSE(lib.retired);
  const auto hall = s->register_kiosk("olga", kE, "Town hall", "", "hall-1");
  EXPECT_EQ(hall.id, "hall-1");
  // A name whose id is taken gets the next free one.
  EXPECT_EQ(s->register_kiosk("kim", kE, "Library front-desk!", "south").id, "library-front-desk-2");

  const auto list = s->kiosks(kE);
  ASSERT_EQ(list.size(), 3u);  // by name
  EXPECT_EQ(list[0].id, "library-front-desk");
  EXPECT_EQ(list[1].id, "library-front-desk-2");
  EXPECT_EQ(list[2].id, "hall-1");
  EXPECT_EQ(list[2].district, "");
  EXPECT_EQ(list[0].tokens_issued, 0);

  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "LIBRARY FRONT DESK", ""); }), "conflict");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Another", "", "hall-1"); }), "conflict");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "West", "west"); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "", ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, std::string(81, 'a'), ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, " Padded", ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Tab\there", ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Bad \xff bytes", ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Good", "", "Not A Slug"); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("", kE, "Good", ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", "nope", "Good", ""); }), "not_found");
  // 80 characters of two bytes each are fine.
  std::string long_name;
  for (int i = 0; i < 80; ++i) long_name += "\xc3\xa9";  // é
  EXPECT_EQ(s->register_kiosk("kim", kE, long_name, "").id, "kiosk");
  EXPECT_EQ(s->kiosks(kE).size(), 4u);

  const auto logged = entries_of(*s, "kiosk.register");
  ASSERT_EQ(logged.size(), 4u);
  EXPECT_EQ(logged[0].at("actor"), "kim");
  EXPECT_EQ(logged[0].at("details"),
            json({{"district", "north"}, {"kiosk", "library-front-desk"}, {"name", "Library front desk"}}));
  s->close("admin", kE);
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Late", ""); }), "wrong_state");
  EXPECT_EQ(s->kiosks(kE).size(), 4u);  // still listed after close
}

TEST_F(StoreKioskTest, PoolTokensAreBoundToTheKioskAndItsDistrict) {
  prepare_election(*s, 0);
  const auto k = s->register_kiosk("kim", kE, "North library", "north");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 3, kHour);
  EXPECT_EQ(pool.kiosk, k.id);
  EXPECT_EQ(pool.district, "north");
  ASSERT_EQ(pool.tokens.size(), 3u);
  EXPECT_EQ(std::set<std::string>(pool.tokens.begin(), pool.tokens.end()).size(), 3u);
  for (const auto& t : pool.tokens) {
    EXPECT_TRUE(codes::parse_code(t).ok) << t;
    const auto info = s->credential_info(kE, t);
    EXPECT_EQ(info.kind, "kiosk");
    EXPECT_EQ(info.district, "north");
    EXPECT_EQ(info.kiosk, k.id);
  }
  const auto r = s->cast(kE, pool.tokens[0], answers_for("north"));
  EXPECT_EQ(r.channel, "kiosk");
  EXPECT_FALSE(r.repeat);
  const auto ballots = s->ballots(kE);  // batches of one: sealed at once
  ASSERT_EQ(ballots.size(), 1u);
  EXPECT_EQ(ballots[0].at("district"), "north");
  EXPECT_EQ(ballots[0].at("channel"), "kiosk");
  EXPECT_TRUE(ballots[0].at("answers").contains("north-parks"));
  EXPECT_EQ(s->turnout_by_channel(kE),
            (std::map<std::string, std::int64_t>{{"kiosk", 1}, {"online", 0}, {"paper", 0}}));

  auto listed = s->kiosks(kE).at(0);
  EXPECT_EQ(listed.tokens_issued, 3);
  EXPECT_EQ(listed.tokens_used, 1);
  EXPECT_EQ(listed.tokens_available, 2);
  clock.advance(kHour);
  listed = s->kiosks(kE).at(0);
  EXPECT_EQ(listed.tokens_available, 0);
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[1], answers_for("north")); }), "expired");

  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, k.id, 0, kHour); }), "invalid");
  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, k.id, 51, kHour); }), "invalid");
  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, k.id, 1, std::chrono::hours(25)); }), "invalid");
  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, k.id, 1, std::chrono::seconds(0)); }), "invalid");
  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, "elsewhere", 1, kHour); }), "not_found");
  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("", kE, k.id, 1, kHour); }), "invalid");
  EXPECT_EQ(s->issue_kiosk_tokens("kim", kE, k.id, 50, std::chrono::hours(24)).tokens.size(), 50u);

  const auto logged = entries_of(*s, "kiosk.tokens");
  ASSERT_EQ(logged.size(), 2u);  // once per pool, never a token
  EXPECT_EQ(logged[0].at("details"), json({{"count", 3}, {"kiosk", k.id}}));
  EXPECT_EQ(logged[1].at("details"), json({{"count", 50}, {"kiosk", k.id}}));
  for (const auto& e : s->officer_log(kE))
    for (const auto& t : pool.tokens) EXPECT_EQ(e.dump().find(t), std::string::npos) << "a token in the log";
}

TEST_F(StoreKioskTest, RetiredKioskTokensStopWorking) {
  prepare_election(*s, 0);
  const auto k = s->register_kiosk("kim", kE, "Market stall", "south");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 3, kHour);
  const auto first = s->cast_kiosk(kE, pool.tokens[0], answers_for("south"), "queue-0000-0001");

  const auto retired = s->retire_kiosk("olga", kE, k.id);
  EXPECT_TRUE(retired.retired);
  EXPECT_EQ(retired.tokens_issued, 3);
  EXPECT_EQ(retired.tokens_used, 1);
  EXPECT_EQ(retired.tokens_available, 0);
  for (const auto* call : {"cast", "info"}) {
    SCOPED_TRACE(call);
    auto e = store_error([&] {
      if (std::string(call) == "cast") s->cast(kE, pool.tokens[1], answers_for("south"));
      else s->credential_info(kE, pool.tokens[1]);
    });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "retired");
    EXPECT_NE(std::string(e->what()).find("this kiosk has been retired"), std::string::npos) << e->what();
  }
  // The ballot sent before retiring is still answered with its receipt when resent.
  const auto again = s->cast_kiosk(kE, pool.tokens[0], answers_for("south"), "queue-0000-0001");
  EXPECT_TRUE(again.repeat);
  EXPECT_EQ(again.leaf, first.leaf);
  // A used token stays "already used", not "retired".
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[0], answers_for("south")); }), "already_used");

  EXPECT_EQ(error_code([&] { s->issue_kiosk_tokens("kim", kE, k.id, 1, kHour); }), "conflict");
  EXPECT_EQ(error_code([&] { s->retire_kiosk("kim", kE, k.id); }), "conflict");
  EXPECT_EQ(error_code([&] { s->retire_kiosk("kim", kE, "nowhere"); }), "not_found");
  // Its name stays taken.
  EXPECT_EQ(error_code([&] { s->register_kiosk("kim", kE, "Market stall", "south"); }), "conflict");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
  EXPECT_EQ(entries_of(*s, "kiosk.retire").at(0).at("details"), json({{"kiosk", k.id}}));
  EXPECT_EQ(entries_of(*s, "kiosk.retire").at(0).at("actor"), "olga");
  s->close("admin", kE);
  EXPECT_EQ(error_code([&] { s->retire_kiosk("kim", kE, k.id); }), "wrong_state");
}

// A ballot session's cast skips the read (it knows the credential from the code
// exchange), but a token that expired or whose kiosk was retired after the exchange
// is refused by the write, with the same error as a cast that reads first.
TEST_F(StoreKioskTest, AKnownCredentialIsCheckedAgainByTheWrite) {
  prepare_election(*s, 0);
  const auto k = s->register_kiosk("kim", kE, "Market stall", "south");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 4, kHour);
  std::vector<store::CredentialInfo> info;
  for (const auto& t : pool.tokens) info.push_back(s->credential_info(kE, t));
  const auto r = s->cast(kE, pool.tokens[0], info[0], answers_for("south"), "session-key-0001");
  EXPECT_EQ(r.channel, "kiosk");
  EXPECT_FALSE(r.repeat);
  EXPECT_EQ(receipt::check_batch(r.document, s->signing_key_hex()), "");
  const auto again = s->cast(kE, pool.tokens[0], info[0], answers_for("south"), "session-key-0001");
  EXPECT_TRUE(again.repeat);
  EXPECT_EQ(again.leaf, r.leaf);
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[0], info[0], answers_for("south"), "session-key-0002"); }),
            "already_used");
  // Used by another path after this session's exchange.
  s->cast(kE, pool.tokens[1], answers_for("south"));
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[1], info[1], answers_for("south"), "session-key-0003"); }),
            "already_used");
  // Answers that do not fit the district are refused before anything is written.
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[2], info[2], answers_for("north"), "session-key-0004"); }),
            "invalid");
  clock.advance(kHour);
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[2], info[2], answers_for("south"), "session-key-0005"); }),
            "expired");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 2);

  const auto k2 = s->register_kiosk("kim", kE, "Library", "south");
  const auto pool2 = s->issue_kiosk_tokens("kim", kE, k2.id, 1, kHour);
  const auto info2 = s->credential_info(kE, pool2.tokens[0]);
  s->retire_kiosk("olga", kE, k2.id);
  EXPECT_EQ(error_code([&] { s->cast(kE, pool2.tokens[0], info2, answers_for("south"), "session-key-0006"); }),
            "retired");
  s->close("olga", kE);
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[3], info[3], answers_for("south"), "session-key-0007"); }),
            "wrong_state");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 2);
}

TEST_F(StoreKioskTest, KioskCastIsExactlyOncePerTokenAndKeyAcrossARestart) {
  auto e = prepare_election(*s, 1);
  const auto k = s->register_kiosk("kim", kE, "Library", "");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 2, kHour);
  // Voting codes are not for this path, and a kiosk always sends a key.
  EXPECT_EQ(error_code([&] { s->cast_kiosk(kE, e.codes[0], answers_for(""), "queue-0000-0001"); }),
            "unknown_code");
  EXPECT_EQ(error_code([&] { s->cast_kiosk(kE, pool.tokens[0], answers_for(""), ""); }), "invalid");
  EXPECT_EQ(error_code([&] { s->cast_kiosk(kE, pool.tokens[0], answers_for(""), "short"); }), "invalid");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 0);

  const auto first = s->cast_kiosk(kE, pool.tokens[0], answers_for("", 1), "queue-0000-0001");
  EXPECT_FALSE(first.repeat);
  EXPECT_EQ(first.channel, "kiosk");
  reopen();  // the server restarted while the kiosk waited for its answer
  const auto again = s->cast_kiosk(kE, pool.tokens[0], answers_for("", 2), "queue-0000-0001");
  EXPECT_TRUE(again.repeat);
  EXPECT_EQ(again.channel, "kiosk");
  EXPECT_EQ(again.leaf, first.leaf);
  EXPECT_EQ(again.code, first.code);
  EXPECT_EQ(again.document, first.document);
  EXPECT_EQ(error_code([&] { s->cast_kiosk(kE, pool.tokens[0], answers_for(""), "queue-0000-0002"); }),
            "already_used");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
  // A voting code's receipt, repeated, says online.
  const auto online = s->cast(kE, e.codes[0], answers_for(""), "phone-key-0001");
  EXPECT_EQ(online.channel, "online");
  EXPECT_EQ(s->cast(kE, e.codes[0], answers_for(""), "phone-key-0001").channel, "online");
}

TEST_F(StoreKioskTest, TriggersKeepKiosksAndTheirTokensHonest) {
  prepare_election(*s, 1);
  const auto k = s->register_kiosk("kim", kE, "Library", "north");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 2, kHour);
  s->retire_kiosk("kim", kE, k.id);
  s->register_kiosk("kim", kE, "Hall", "");
  struct Case {
    const char* sql;
    const char* expect;
  };
  const Case cases[] = {
      {"UPDATE kiosks SET retired = 0 WHERE id = 'library'", "frozen"},
      {"UPDATE kiosks SET district = 'south' WHERE id = 'hall'", "frozen"},
      {"UPDATE kiosks SET name = 'Other' WHERE id = 'hall'", "frozen"},
      {"DELETE FROM kiosks", "append-only"},
      {"INSERT OR REPLACE INTO kiosks (election, id, name, district, registered_by) "
       "VALUES ('test-2026', 'library', 'Library', 'north', 'x')",
       "append-only"},
      {"UPDATE credentials SET used = 1 WHERE kiosk = 'library'", "frozen"},
      {"UPDATE credentials SET kiosk = 'hall' WHERE kiosk = 'library'", "frozen"},
      {"INSERT INTO credentials (election, hmac, kind, district, expires_at, kiosk) "
       "VALUES ('test-2026', randomblob(32), 'kiosk', 'north', 4102444800, 'library')",
       "state"},
      {"INSERT INTO credentials (election, hmac, kind, district, expires_at, kiosk) "
       "VALUES ('test-2026', randomblob(32), 'kiosk', 'north', 4102444800, 'hall')",
       "state"},  // not the hall's district
      {"INSERT INTO credentials (election, hmac, kind, district, expires_at, kiosk) "
       "VALUES ('test-2026', randomblob(32), 'kiosk', '', 4102444800, 'nowhere')",
       "state"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    const std::string err = direct_sql(dir.path(), c.sql);
    EXPECT_NE(err, "") << "SQLite accepted it";
    EXPECT_NE(err.find(c.expect), std::string::npos) << err;
  }
  EXPECT_EQ(error_code([&] { s->cast(kE, pool.tokens[0], answers_for("north")); }), "retired");
  EXPECT_EQ(s->kiosks(kE).size(), 2u);
}

TEST_F(StoreKioskTest, RecordWithKioskActionsVerifies) {
  auto e = prepare_election(*s, 2);
  s->cast(kE, e.codes[0], answers_for(""));
  const auto k = s->register_kiosk("kim", kE, "Library", "north");
  const auto pool = s->issue_kiosk_tokens("kim", kE, k.id, 3, kHour);
  s->cast_kiosk(kE, pool.tokens[0], answers_for("north", 1), "queue-0000-0001");
  s->cast_kiosk(kE, pool.tokens[1], answers_for("north", 2), "queue-0000-0002");
  s->retire_kiosk("kim", kE, k.id);
  const auto single = s->issue_kiosk_token("kim", kE, "south");
  s->cast(kE, single, answers_for("south"));
  s->close("admin", kE);
  const auto counts = s->officer_log(kE).back().at("details").at("counts");
  EXPECT_EQ(counts.at("by_channel").at("kiosk"), 3);
  EXPECT_EQ(counts.at("kiosk_tokens_used"), 3);
  s->tally("admin", kE, "seed");
  const auto out = dir / "record";
  s->export_record(kE, out);
  const auto report = verify::verify_record(out);
  EXPECT_TRUE(report.ok()) << report.text();
  EXPECT_NE(report.text().find("kiosk.register"), std::string::npos) << report.text();
}

TEST(StoreWriterStats, CommitGroupSizesFormAHistogram) {
  using store::group_size_bucket;
  EXPECT_EQ(group_size_bucket(1), 0u);
  EXPECT_EQ(group_size_bucket(2), 1u);
  EXPECT_EQ(group_size_bucket(3), 2u);
  EXPECT_EQ(group_size_bucket(4), 2u);
  EXPECT_EQ(group_size_bucket(5), 3u);
  EXPECT_EQ(group_size_bucket(128), 7u);
  EXPECT_EQ(group_size_bucket(129), 8u);
  EXPECT_EQ(group_size_bucket(100000), 8u);

  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  const auto e = prepare_election(s, 3);
  for (const auto& c : e.codes) s.cast(kE, c, answers_for(""));
  const auto w = s.writer_stats();
  std::uint64_t groups = 0;
  for (auto n : w.group_sizes) groups += n;
  EXPECT_EQ(groups, w.transactions);
  EXPECT_GE(w.group_sizes[0], 3u);  // one after the other: groups of one
  EXPECT_EQ(w.group_size_sum, w.requests);  // nothing was refused
}

}  // namespace
