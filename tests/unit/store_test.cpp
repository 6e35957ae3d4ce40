// The election store (storage/include/allot/storage/store.hpp): lifecycle and its
// SQL guards, credentials, concurrency and group commit, input checks, batches and
// proofs, kiosk tokens, the officer log, restart, and the exported record.
// Paper double entry: store_paper_test.cpp; migrations: store_migrations_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iterator>
#include <latch>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/receipt.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/store.hpp"
#include "allot/storage/verify.hpp"
#include "store_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Receipt;
using store::Store;
using store::StoreError;


#define EXPECT_STORE_ERROR(expected_code, ...)                                                  \
  do {                                                                                          \
    auto err_ = store_error([&] { __VA_ARGS__; });                                              \
    if (!err_) {                                                                                \
      ADD_FAILURE() << #__VA_ARGS__ << " did not throw StoreError (expected " << expected_code \
                    << ")";                                                                     \
    } else {                                                                                    \
      EXPECT_EQ(err_->code, expected_code) << #__VA_ARGS__ << ": " << err_->what();             \
    }                                                                                           \
  } while (0)

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string leaf_hex_of(const json& ballot) { return crypto::to_hex(merkle::leaf_hash(canonical::dump(ballot))); }

std::vector<std::string> leaves_of(const std::vector<json>& ballots) {
  std::vector<std::string> out;
  for (const auto& b : ballots) out.push_back(leaf_hex_of(b));
  return out;
}

// Every row of every table, as text: a fingerprint to show nothing changed.
std::string db_fingerprint(const std::filesystem::path& dir) {
  SQLite::Database db(db_file(dir).string(), SQLite::OPEN_READONLY, 5000);
  std::string out;
  for (const char* table : {"elections", "credentials", "ballots", "pending_batches", "officer_log", "checkpoints",
                            "results", "users", "paper_ballots", "paper_entries"}) {
    out += std::string("[") + table + "]\n";
    SQLite::Statement q(db, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
    while (q.executeStep()) {
      for (int i = 0; i < q.getColumnCount(); ++i) {
        const auto c = q.getColumn(i);
        if (c.isNull()) out += "NULL";
        else if (c.isBlob()) out += crypto::to_hex(std::string(static_cast<const char*>(c.getBlob()),
                                                              static_cast<std::size_t>(c.getBytes())));
        else out += c.getString();
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

// A code in another spelling: lower case, no dashes, 0 -> o and 1 -> l/I.
std::string confusable_spelling(const std::string& code) {
  std::string out;
  bool flip = false;
  for (char c : code) {
    if (c == '-') continue;
    if (c == '0') out += 'o';
    else if (c == '1') out += (flip = !flip) ? 'l' : 'I';
    else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// --- 2. lifecycle -------------------------------------------------------------------

TEST(StoreLifecycle, FullLifecycleInOrder) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  s.create_election("admin", store_definition());
  EXPECT_EQ(s.state(kE), "draft");
  auto codes = s.generate_codes("admin", kE, 3);
  ASSERT_EQ(codes.size(), 3u);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), 3u);
  for (const auto& c : codes) EXPECT_TRUE(codes::parse_code(c).ok) << c;
  s.open("admin", kE);
  EXPECT_EQ(s.state(kE), "open");
  const json m = s.manifest(kE);
  EXPECT_EQ(m.at("allot"), "manifest/1");
  EXPECT_EQ(m.at("credentials").at("codes"), 3);
  EXPECT_EQ(m.at("keys").at("signing"), s.signing_key_hex());
  EXPECT_EQ(s.manifest_hash(kE), crypto::sha256_hex(canonical::dump(m)));
  const Receipt r = s.cast(kE, codes[0], answers_for(""));
  EXPECT_EQ(r.leaf.size(), 64u);
  EXPECT_TRUE(receipt::check_batch(r.document, s.signing_key_hex()).empty());
  EXPECT_EQ(r.document.at("code"), r.code);
  EXPECT_EQ(r.document.at("manifest"), s.manifest_hash(kE));
  s.close("admin", kE);
  EXPECT_EQ(s.state(kE), "closed");
  const json result = s.tally("admin", kE, "12 34 56");
  EXPECT_EQ(s.state(kE), "tallied");
  EXPECT_EQ(result.at("allot"), "result/1");
  EXPECT_EQ(result.at("counts").at("ballots"), 1);
  EXPECT_TRUE(record::signature_ok(result, s.signing_key_hex()));
  EXPECT_EQ(s.result(kE), result);
  s.publish("admin", kE);
  EXPECT_EQ(s.state(kE), "published");
  const auto list = s.list_elections();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, kE);
  EXPECT_EQ(list[0].state, "published");
  EXPECT_EQ(list[0].manifest_hash, s.manifest_hash(kE));
}

TEST(StoreLifecycle, WrongOrderIsRefused) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  EXPECT_STORE_ERROR("not_found", s.open("admin", kE));
  EXPECT_STORE_ERROR("not_found", s.state(kE));
  auto codes = prepare_election(s, 4, 0, /*open=*/false).codes;
  // draft
  EXPECT_STORE_ERROR("wrong_state", s.close("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.tally("admin", kE, "seed"));
  EXPECT_STORE_ERROR("wrong_state", s.publish("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.cast(kE, codes[0], answers_for("")));
  EXPECT_STORE_ERROR("wrong_state", s.result(kE));
  EXPECT_STORE_ERROR("wrong_state", s.manifest(kE));
  EXPECT_EQ(s.state(kE), "draft");
  s.open("admin", kE);
  // open
  EXPECT_STORE_ERROR("wrong_state", s.open("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.tally("admin", kE, "seed"));
  EXPECT_STORE_ERROR("wrong_state", s.publish("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.record_files(kE));
  EXPECT_STORE_ERROR("wrong_state", s.preview(kE, "city", "greedy", {}, "seed"));
  s.cast(kE, codes[0], answers_for(""));
  s.close("admin", kE);
  // closed
  EXPECT_STORE_ERROR("wrong_state", s.close("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.open("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.publish("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.cast(kE, codes[1], answers_for("")));
  EXPECT_STORE_ERROR("wrong_state", s.issue_kiosk_token("admin", kE, ""));
  EXPECT_NO_THROW(s.preview(kE, "city", "greedy", {}, "seed"));
  s.tally("admin", kE, "seed");
  // tallied
  EXPECT_STORE_ERROR("wrong_state", s.tally("admin", kE, "seed"));
  EXPECT_STORE_ERROR("wrong_state", s.close("admin", kE));
  s.publish("admin", kE);
  EXPECT_STORE_ERROR("wrong_state", s.publish("admin", kE));
  EXPECT_STORE_ERROR("wrong_state", s.tally("admin", kE, "other seed"));
  EXPECT_EQ(s.state(kE), "published");
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
}

TEST(StoreLifecycle, DefinitionAndCodesFreezeAtOpen) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  prepare_election(s, 2, 0, /*open=*/false);
  // Draft: the definition can change.
  json changed = store_definition();
  changed["title"] = texts("Renamed");
  s.update_election("admin", kE, changed);
  EXPECT_EQ(s.definition(kE), changed);
  s.open("admin", kE);
  const json before = s.definition(kE);
  const json manifest_before = s.manifest(kE);
  json again = store_definition();
  again["title"] = texts("Renamed after open");
  {
    auto e = store_error([&] { s.update_election("admin", kE, again); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "frozen") << e->what();
  }
  EXPECT_EQ(s.definition(kE), before);
  EXPECT_STORE_ERROR("frozen", s.generate_codes("admin", kE, 5));
  EXPECT_STORE_ERROR("frozen", s.delete_election("admin", kE));
  EXPECT_EQ(s.manifest(kE), manifest_before);
  EXPECT_EQ(s.manifest(kE).at("credentials").at("codes"), 2);
  EXPECT_EQ(s.state(kE), "open");
  // Nothing of these refusals reached the officer log.
  for (const auto& entry : s.officer_log(kE)) EXPECT_NE(entry.at("action"), "election.delete");
  EXPECT_EQ(s.officer_log(kE).back().at("action"), "election.open");
}

TEST(StoreLifecycle, DeletedDraftCanBeCreatedAgainAndVerifies) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  prepare_election(s, 2, 0, /*open=*/false);
  s.delete_election("admin", kE);
  EXPECT_STORE_ERROR("not_found", s.state(kE));
  // The id can be created again; its log is append-only, so it keeps the deleted
  // draft's story: create ... delete, then the new create. A verifier replays both.
  s.create_election("admin", store_definition());
  auto codes = s.generate_codes("admin", kE, 2);
  s.open("admin", kE);
  s.cast(kE, codes[0], answers_for(""));
  s.close("admin", kE);
  s.tally("admin", kE, "seed");
  const auto log = s.officer_log(kE);
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().at("action"), "election.create");
  std::vector<std::string> actions;
  for (const auto& e : log) actions.push_back(e.at("action").get<std::string>());
  const auto del = std::find(actions.begin(), actions.end(), "election.delete");
  ASSERT_NE(del, actions.end()) << "the deletion is in the election's own log";
  ASSERT_NE(del + 1, actions.end());
  EXPECT_EQ(*(del + 1), "election.create");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "election.create"), 2);
  const auto out = dir / "record";
  s.export_record(kE, out);
  const auto report = verify::verify_record(out);
  EXPECT_TRUE(report.ok()) << report.text();
}

// Direct SQL through another connection: the triggers refuse, nothing changes.
TEST(StoreTriggers, DirectSqlIsRefused) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock, /*batch_min=*/2));
  auto codes = prepare_election(s, 4).codes;
  for (int i = 0; i < 3; ++i) s.cast(kE, codes[static_cast<std::size_t>(i)], answers_for("", i));
  // One election fully tallied too, for the results table.
  auto done_codes = prepare_election(s, 2, 0, true, "done-2026").codes;  // one used, one not
  s.cast("done-2026", done_codes[0], answers_for(""));
  s.close("admin", "done-2026");
  s.tally("admin", "done-2026", "seed");
  const std::string before = db_fingerprint(dir.path());

  struct Case {
    const char* sql;
    const char* expect;  // a word the refusal names
  };
  const Case cases[] = {
      {"UPDATE elections SET definition = '{}' WHERE id = 'test-2026'", "frozen"},
      {"UPDATE elections SET manifest = '{\"forged\":1}' WHERE id = 'test-2026'", "frozen"},
      {"UPDATE elections SET manifest_hash = 'ab' WHERE id = 'test-2026'", "frozen"},
      {"UPDATE elections SET manifest = NULL, manifest_hash = NULL, state = 'draft' WHERE id = 'test-2026'", ""},
      {"UPDATE elections SET state = 'draft' WHERE id = 'test-2026'", "state"},
      {"UPDATE elections SET state = 'published' WHERE id = 'test-2026'", "state"},
      {"UPDATE elections SET seed = 'other' WHERE id = 'done-2026'", "frozen"},
      {"DELETE FROM elections WHERE id = 'test-2026'", "frozen"},
      {"UPDATE ballots SET body = '{\"forged\":1}' WHERE election = 'test-2026'", "append-only"},
      {"UPDATE ballots SET channel = 'paper' WHERE election = 'test-2026'", "append-only"},
      {"UPDATE ballots SET log_index = NULL WHERE election = 'test-2026' AND log_index IS NOT NULL", "append-only"},
      {"UPDATE ballots SET log_index = log_index + 100 WHERE election = 'test-2026' AND log_index IS NOT NULL",
       "append-only"},
      {"DELETE FROM ballots WHERE election = 'test-2026'", "append-only"},
      {"DELETE FROM ballots WHERE election = 'done-2026'", "append-only"},
      {"INSERT INTO ballots (election, leaf, body, channel, district) "
       "VALUES ('done-2026', randomblob(32), '{}', 'online', '')",
       "state"},
      {"UPDATE officer_log SET entry = '{}' WHERE election = 'test-2026'", "append-only"},
      {"UPDATE officer_log SET seq = seq + 100 WHERE election = 'test-2026'", "append-only"},
      {"DELETE FROM officer_log WHERE election = 'test-2026'", "append-only"},
      {"UPDATE checkpoints SET document = '{}' WHERE election = 'test-2026'", "append-only"},
      {"DELETE FROM checkpoints WHERE election = 'test-2026'", "append-only"},
      {"UPDATE results SET document = '{}'", "append-only"},
      {"DELETE FROM results", "append-only"},
      {"INSERT INTO credentials (election, hmac, kind, district) VALUES ('test-2026', randomblob(32), 'code', '')",
       "frozen"},
      {"INSERT INTO credentials (election, hmac, kind, district, expires_at) "
       "VALUES ('done-2026', randomblob(32), 'kiosk', '', 4102444800)",
       "state"},
      {"UPDATE credentials SET used = 0 WHERE election = 'test-2026' AND used = 1", "frozen"},
      {"UPDATE credentials SET used = 1 WHERE election = 'done-2026' AND used = 0", "frozen"},
      {"UPDATE credentials SET district = 'north' WHERE election = 'test-2026'", "frozen"},
      {"UPDATE credentials SET hmac = randomblob(32) WHERE election = 'test-2026' AND used = 0", "frozen"},
      {"DELETE FROM credentials WHERE election = 'test-2026'", "frozen"},
      {"DELETE FROM credentials WHERE election = 'test-2026' AND used = 1", "frozen"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.sql);
    const std::string err = direct_sql(dir.path(), c.sql);
    EXPECT_NE(err, "") << "SQLite accepted it";
    EXPECT_NE(err.find(c.expect), std::string::npos) << err;
    EXPECT_EQ(db_fingerprint(dir.path()), before);
  }
  // The store still works and its state is intact.
  EXPECT_STORE_ERROR("already_used", s.cast(kE, codes[0], answers_for("")));
  s.cast(kE, codes[3], answers_for(""));
  s.close("admin", kE);
  s.tally("admin", kE, "seed");
  const auto out = dir / "record";
  s.export_record(kE, out);
  const auto report = verify::verify_record(out);
  EXPECT_TRUE(report.ok()) << report.text();
}

// "OR REPLACE" deletes the conflicting row without firing DELETE triggers (unless
// recursive_triggers is on, which an intruder's connection does not set), and an
// UPDATE that is not refused can push out another row through a UNIQUE index. The
// guarantees of store.hpp ("no path can bypass them") need these refused too.
TEST(StoreTriggers, ReplaceConflictResolutionCannotBypassTriggers) {
  struct Case {
    const char* what;
    const char* sql;
  };
  const Case cases[] = {
      {"rewrite a ballot body",
       "INSERT OR REPLACE INTO ballots (election, leaf, body, channel, district, log_index) "
       "SELECT election, leaf, '{\"forged\":1}', channel, district, log_index FROM ballots "
       "WHERE election = 'test-2026' AND log_index = 0"},
      {"push a sealed ballot out of the log",
       "UPDATE OR REPLACE ballots SET log_index = 0 WHERE election = 'test-2026' AND log_index IS NULL"},
      {"rewrite an officer log entry",
       "INSERT OR REPLACE INTO officer_log (election, seq, entry, leaf) "
       "SELECT election, seq, '{\"forged\":1}', leaf FROM officer_log WHERE election = 'test-2026' AND seq = 0"},
      {"rewrite a checkpoint",
       "INSERT OR REPLACE INTO checkpoints (election, log, seq, size, root, document) "
       "SELECT election, log, seq, size, root, '{\"forged\":1}' FROM checkpoints "
       "WHERE election = 'test-2026' AND log = 'ballots' AND seq = 0"},
      {"rewrite an opened election's definition",
       "INSERT OR REPLACE INTO elections (id, state, definition, manifest, manifest_hash, seed, created_at) "
       "SELECT id, state, '{\"forged\":1}', manifest, manifest_hash, seed, created_at FROM elections "
       "WHERE id = 'test-2026'"},
      {"rewrite a signed result",
       "INSERT OR REPLACE INTO results (election, document, hash) "
       "SELECT election, '{\"forged\":1}', hash FROM results WHERE election = 'done-2026'"},
      {"revive a used voting code as an unused kiosk token",
       "INSERT OR REPLACE INTO credentials (election, hmac, kind, district, expires_at, used) "
       "SELECT election, hmac, 'kiosk', district, 4102444800, 0 FROM credentials "
       "WHERE election = 'test-2026' AND used = 1"},
  };
  // One data directory made once (the store closed, so all of it is in allot.db),
  // copied afresh for every case so a statement that gets through cannot hide the
  // next one.
  TempDir dir;
  FakeClock clock;
  const auto origin = dir / "origin";
  std::vector<std::string> codes;
  {
    Store s(store_options(origin, clock, /*batch_min=*/2));
    codes = prepare_election(s, 4).codes;
    for (int i = 0; i < 3; ++i) s.cast(kE, codes[static_cast<std::size_t>(i)], answers_for("", i));  // 2 sealed, 1 pending
    auto done_codes = prepare_election(s, 1, 0, true, "done-2026").codes;
    s.cast("done-2026", done_codes[0], answers_for(""));
    s.close("admin", "done-2026");
    s.tally("admin", "done-2026", "seed");
  }
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const auto data = dir / ("case" + std::to_string(n++));
    std::filesystem::copy(origin, data, std::filesystem::copy_options::recursive);
    const std::string before = db_fingerprint(data);
    const std::string err = direct_sql(data, c.sql);
    EXPECT_NE(err, "") << "SQLite accepted: " << c.sql;
    EXPECT_EQ(db_fingerprint(data), before) << c.sql;
    // A used code never votes again, whatever happened above.
    Store s(store_options(data, clock, /*batch_min=*/2));
    EXPECT_STORE_ERROR("already_used", s.cast(kE, codes[0], answers_for("")));
  }
}

// --- 3. credentials ---------------------------------------------------------------------

TEST(StoreCredentials, SpellingsTyposUnknownAndReuse) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  auto codes = prepare_election(s, 40).codes;
  // A code with a 0 or a 1 in it, for the confusables.
  auto conf = std::find_if(codes.begin(), codes.end(),
                           [](const std::string& c) { return c.find_first_of("01") != std::string::npos; });
  ASSERT_NE(conf, codes.end());
  const std::string confusable_code = *conf;
  codes.erase(conf);

  std::int64_t expected = 0;
  // lower case, with dashes
  std::string lower = codes[0];
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  s.cast(kE, lower, answers_for(""));
  ++expected;
  // without dashes, with spaces
  std::string spaced;
  for (char ch : codes[1])
    if (ch != '-') spaced += ch;
  spaced.insert(4, " ");
  s.cast(kE, spaced, answers_for(""));
  ++expected;
  // O/I/L for 0/1, lower case, no dashes
  const std::string confused = confusable_spelling(confusable_code);
  ASSERT_NE(confused.find_first_of("olI"), std::string::npos) << confused;
  EXPECT_EQ(s.credential_district(kE, confused), "");
  s.cast(kE, confused, answers_for(""));
  ++expected;
  EXPECT_EQ(stored_ballots(dir.path(), kE), expected);
  // Each of those spellings used the one credential: the canonical spelling is now used.
  EXPECT_STORE_ERROR("already_used", s.cast(kE, codes[0], answers_for("")));
  EXPECT_STORE_ERROR("already_used", s.cast(kE, codes[1], answers_for("")));
  EXPECT_STORE_ERROR("already_used", s.cast(kE, confusable_code, answers_for("")));

  // A typo: one symbol changed (the check symbol catches every single substitution).
  std::string typo = codes[2];
  typo[0] = typo[0] == 'X' ? 'Y' : 'X';
  {
    auto e = store_error([&] { s.cast(kE, typo, answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "invalid");
    EXPECT_STREQ(e->what(), "this code has a typing mistake: please check it");
  }
  EXPECT_STORE_ERROR("invalid", s.cast(kE, "ABC", answers_for("")));
  EXPECT_STORE_ERROR("invalid", s.cast(kE, codes[2] + "!", answers_for("")));
  EXPECT_STORE_ERROR("invalid", s.credential_district(kE, typo));
  EXPECT_EQ(stored_ballots(dir.path(), kE), expected);
  // An unknown but well-formed code.
  {
    auto e = store_error([&] { s.cast(kE, codes::generate_code(), answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "unknown_code") << e->what();
  }
  EXPECT_EQ(stored_ballots(dir.path(), kE), expected);
  // The code behind the typo still votes once.
  s.cast(kE, codes[2], answers_for(""));
  ++expected;
  {
    auto e = store_error([&] { s.cast(kE, codes[2], answers_for("", 1)); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "already_used");
    EXPECT_STREQ(e->what(), "this code has already been used to vote");
  }
  EXPECT_STORE_ERROR("already_used", s.credential_district(kE, codes[2]));
  EXPECT_EQ(stored_ballots(dir.path(), kE), expected);
  // A code of another election is unknown here.
  auto other = prepare_election(s, 1, 0, true, "other-2026").codes;
  EXPECT_STORE_ERROR("unknown_code", s.cast(kE, other[0], answers_for("")));
  EXPECT_EQ(stored_ballots(dir.path(), kE), expected);
}

TEST(StoreCredentials, BallotsHoldNoCodeAndNoTime) {
  TempDir dir;
  FakeClock clock;
  const auto data = dir / "data";
  std::vector<std::string> all_codes;
  {
    Store s(store_options(data, clock, /*batch_min=*/3));
    auto prepared = prepare_election(s, 6, 3);
    all_codes = prepared.codes;
    all_codes.insert(all_codes.end(), prepared.north_codes.begin(), prepared.north_codes.end());
    for (std::size_t i = 0; i < 4; ++i) s.cast(kE, prepared.codes[i], answers_for("", static_cast<unsigned>(i)));
    for (std::size_t i = 0; i < 3; ++i)
      s.cast(kE, prepared.north_codes[i], answers_for("north", static_cast<unsigned>(i)));

    const auto bodies = stored_ballot_bodies(data, kE);
    ASSERT_EQ(bodies.size(), 7u);
    for (const auto& body : bodies) {
      EXPECT_TRUE(canonical::is_canonical(body)) << body;
      const json b = canonical::parse(body);
      std::vector<std::string> keys;
      for (const auto& [k, v] : b.items()) {
        (void)v;
        keys.push_back(k);
      }
      EXPECT_EQ(keys, (std::vector<std::string>{"allot", "answers", "channel", "district", "manifest", "nonce"}))
          << body;
      EXPECT_EQ(b.at("channel"), "online");
      EXPECT_EQ(b.at("manifest"), s.manifest_hash(kE));
      EXPECT_EQ(b.at("nonce").get<std::string>().size(), 32u);
    }
    // The ballots table has no column for a credential or a time.
    SQLite::Database db(db_file(data).string(), SQLite::OPEN_READONLY, 5000);
    SQLite::Statement cols(db, "SELECT name FROM pragma_table_info('ballots') ORDER BY cid");
    std::vector<std::string> names;
    while (cols.executeStep()) names.push_back(cols.getColumn(0).getString());
    EXPECT_EQ(names, (std::vector<std::string>{"election", "leaf", "body", "channel", "district", "log_index"}));

    // While the store is open (WAL in use): no code in clear in the database files.
    for (const char* f : {"allot.db", "allot.db-wal"}) {
      const std::string bytes = read_bytes(data / f);
      for (const auto& c : all_codes) {
        const std::string plain = codes::parse_code(c).normalized;
        EXPECT_EQ(bytes.find(c), std::string::npos) << f << " holds " << c;
        EXPECT_EQ(bytes.find(plain), std::string::npos) << f << " holds " << plain;
      }
    }
  }
  // After the store has gone (checkpointed WAL): still none.
  for (const auto& entry : std::filesystem::directory_iterator(data)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = read_bytes(entry.path());
    for (const auto& c : all_codes) {
      EXPECT_EQ(bytes.find(c), std::string::npos) << entry.path() << " holds " << c;
      EXPECT_EQ(bytes.find(codes::parse_code(c).normalized), std::string::npos) << entry.path();
    }
  }
}

// --- 4. concurrency ----------------------------------------------------------------------

TEST(StoreConcurrency, SameCodeFromManyThreadsVotesOnce) {
  for (bool gated : {false, true}) {
    SCOPED_TRACE(gated ? "requests held in one group" : "free-running");
    TempDir dir;
    FakeClock clock;
    Store s(store_options(dir.path(), clock, /*batch_min=*/4));
    auto codes = prepare_election(s, 1).codes;
    constexpr int kThreads = 32;
    std::atomic<int> ok{0}, used{0}, other{0};
    std::vector<std::string> receipts(kThreads);
    std::latch go(1);
    std::optional<WriterGate> gate;
    if (gated) gate.emplace(dir.path());
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] {
        go.wait();
        try {
          receipts[static_cast<std::size_t>(i)] = s.cast(kE, codes[0], answers_for("", static_cast<unsigned>(i))).leaf;
          ++ok;
        } catch (const StoreError& e) {
          if (e.code == "already_used") ++used;
          else ++other;
        }
      });
    go.count_down();
    if (gate) gate->release_when_queued(s, 2);
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(used.load(), kThreads - 1);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
    EXPECT_EQ(used_codes(dir.path(), kE), 1);
    const auto st = s.writer_stats();
    std::printf("[ same code, %s ] writer: %llu transactions, %llu requests, largest group %llu\n",
                gated ? "gated" : "free", static_cast<unsigned long long>(st.transactions),
                static_cast<unsigned long long>(st.requests), static_cast<unsigned long long>(st.largest_group));
    if (gated) {
      EXPECT_GT(st.largest_group, 1u);
    }
  }
}

TEST(StoreConcurrency, DistinctCodesCommitInGroups) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock, /*batch_min=*/16));
  constexpr int kThreads = 64;
  auto prepared = prepare_election(s, kThreads / 2, kThreads / 2);
  std::vector<std::pair<std::string, std::string>> voters;  // code, district
  for (const auto& c : prepared.codes) voters.emplace_back(c, "");
  for (const auto& c : prepared.north_codes) voters.emplace_back(c, "north");
  const auto before = s.writer_stats();
  const auto receipts_before = s.receipt_stats();
  std::vector<std::string> leaves(kThreads);
  std::vector<json> documents(kThreads);
  std::atomic<int> failures{0};
  std::latch go(1);
  WriterGate gate(dir.path());
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      go.wait();
      const auto& [code, district] = voters[static_cast<std::size_t>(i)];
      try {
        const auto r = s.cast(kE, code, answers_for(district, static_cast<unsigned>(i)));
        leaves[static_cast<std::size_t>(i)] = r.leaf;
        documents[static_cast<std::size_t>(i)] = r.document;
      } catch (const std::exception& e) {
        ++failures;
        std::printf("cast failed: %s\n", e.what());
      }
    });
  go.count_down();
  gate.release_when_queued(s, 2);
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(stored_ballots(dir.path(), kE), kThreads);
  EXPECT_EQ(used_codes(dir.path(), kE), kThreads);
  std::set<std::string> distinct(leaves.begin(), leaves.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads));
  const auto after = s.writer_stats();
  const auto tx = after.transactions - before.transactions;
  const auto req = after.requests - before.requests;
  std::printf("[ 64 codes ] writer: %llu transactions for %llu requests, largest group %llu\n",
              static_cast<unsigned long long>(tx), static_cast<unsigned long long>(req),
              static_cast<unsigned long long>(after.largest_group));
  EXPECT_EQ(req, static_cast<std::uint64_t>(kThreads));
  EXPECT_LT(tx, req);
  EXPECT_GT(after.largest_group, 1u);
  // One signature per commit group covers its receipts, and each receipt verifies alone.
  const auto receipts_after = s.receipt_stats();
  EXPECT_EQ(receipts_after.receipts - receipts_before.receipts, static_cast<std::uint64_t>(kThreads));
  EXPECT_LE(receipts_after.signatures - receipts_before.signatures, tx);
  std::uint64_t largest_batch = 0;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    EXPECT_EQ(receipt::check_batch(documents[i], s.signing_key_hex()), "") << i;
    EXPECT_EQ(documents[i].value("leaf", ""), leaves[i]);
    largest_batch = std::max(largest_batch, documents[i].at("batch").at("size").get<std::uint64_t>());
  }
  EXPECT_EQ(largest_batch, after.largest_group);
  // Every ballot made it into the log with a batch seal (64 = 4 x 16).
  s.close("admin", kE);
  const auto sealed = leaves_of(s.ballots(kE));
  EXPECT_EQ(std::set<std::string>(sealed.begin(), sealed.end()), distinct);
}

// cast_async: the checks that need no write throw at once; every other outcome
// arrives through `done` (on the writer thread) as a function that returns the
// receipt or throws what cast would have thrown.
TEST(StoreConcurrency, CastAsyncAnswersAsCastDoesWithoutWaiting) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  constexpr std::size_t kVoters = 48;
  const auto codes = prepare_election(s, kVoters + 2).codes;
  std::vector<store::CredentialInfo> known;
  for (const auto& c : codes) known.push_back(s.credential_info(kE, c));

  // Each done hands its function to the test's thread through a promise.
  using Finish = std::function<store::Receipt()>;
  auto cast = [&](std::size_t i, const json& answers) {
    auto arrived = std::make_shared<std::promise<Finish>>();
    auto f = arrived->get_future();
    s.cast_async(kE, codes[i], known[i], answers, [arrived](Finish finish) { arrived->set_value(std::move(finish)); });
    return f;
  };
  std::vector<std::future<Finish>> pending;
  for (std::size_t i = 0; i < kVoters; ++i) pending.push_back(cast(i, answers_for("", static_cast<unsigned>(i))));
  std::set<std::string> leaves;
  for (auto& f : pending) {
    const store::Receipt r = f.get()();
    EXPECT_FALSE(r.repeat);
    EXPECT_EQ(r.channel, "online");
    EXPECT_EQ(receipt::check_batch(r.document, s.signing_key_hex()), "");
    leaves.insert(r.leaf);
  }
  EXPECT_EQ(leaves.size(), kVoters);
  EXPECT_EQ(stored_ballots(dir.path(), kE), static_cast<int>(kVoters));

  // The store keeps no key for these (the caller's session answers a retry): no
  // row ties a code to its ballot, and the code again is refused by the write.
  {
    SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READONLY);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM idempotency").getInt(), 0);
  }
  auto again = cast(1, answers_for("")).get();
  EXPECT_EQ(error_code([&] { again(); }), "already_used");
  // Answers that do not fit: refused at once, and `done` is never called.
  bool called = false;
  EXPECT_EQ(error_code([&] {
              s.cast_async(kE, codes[kVoters], known[kVoters], json{{"nope", 1}}, [&](Finish) { called = true; });
            }),
            "invalid");
  EXPECT_FALSE(called);
  // Closed meanwhile: refused by the write.
  s.close("admin", kE);
  auto closed = cast(kVoters + 1, answers_for("")).get();
  EXPECT_EQ(error_code([&] { closed(); }), "wrong_state");
  EXPECT_EQ(stored_ballots(dir.path(), kE), static_cast<int>(kVoters));
}

// A write group seals once, at its end: its ballots and the batch left pending
// before it join the log together under one signed checkpoint, however many times
// batch_min they hold. A group that leaves fewer than batch_min pending seals
// nothing, and the pending batch's age starts then (seal_due).
TEST(StoreConcurrency, AGroupSealsItsFullBatchOnceAtItsEnd) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock, /*batch_min=*/16));
  constexpr std::size_t kVoters = 48;
  const auto codes = prepare_election(s, kVoters).codes;
  std::vector<store::CredentialInfo> known;
  for (const auto& c : codes) known.push_back(s.credential_info(kE, c));
  const auto checkpoints_before = s.checkpoints(kE, "ballots").size();
  using Finish = std::function<store::Receipt()>;
  auto cast = [&](std::size_t i) {
    auto arrived = std::make_shared<std::promise<Finish>>();
    auto f = arrived->get_future();
    s.cast_async(kE, codes[i], known[i], answers_for("", static_cast<unsigned>(i)),
                 [arrived](Finish finish) { arrived->set_value(std::move(finish)); });
    return f;
  };
  std::vector<std::future<Finish>> pending;
  {
    // The writer takes the first cast alone and waits for the gate; the next 40
    // queue behind it and form the second group.
    WriterGate gate(dir.path());
    const auto before = s.writer_stats();
    pending.push_back(cast(0));
    while (s.writer_stats().queue_depth != 0) std::this_thread::yield();
    for (std::size_t i = 1; i <= 40; ++i) pending.push_back(cast(i));
    gate.release_when_queued(s, 40);
    for (auto& f : pending) f.get()();
    const auto after = s.writer_stats();
    EXPECT_EQ(after.transactions - before.transactions, 2u);
    EXPECT_EQ(after.largest_group, 40u);
  }
  auto cps = s.checkpoints(kE, "ballots");
  ASSERT_EQ(cps.size(), checkpoints_before + 1) << "one seal for the group of 40, none for the group of 1";
  EXPECT_EQ(cps.back().at("size"), 41);
  EXPECT_EQ(s.ballots(kE).size(), 41u);

  // Five more, one group each: fewer than batch_min pending, nothing sealed yet.
  std::vector<std::string> late;
  for (std::size_t i = 41; i < 46; ++i) late.push_back(cast(i).get()().leaf);
  EXPECT_EQ(s.checkpoints(kE, "ballots").size(), checkpoints_before + 1);
  EXPECT_EQ(error_code([&] { s.inclusion_proof(kE, late.front()); }), "not_sealed");
  s.seal_due();  // not old enough yet
  EXPECT_EQ(s.checkpoints(kE, "ballots").size(), checkpoints_before + 1);
  clock.advance(store_options(dir.path(), clock).batch_max_age + std::chrono::seconds(1));
  s.seal_due();
  cps = s.checkpoints(kE, "ballots");
  ASSERT_EQ(cps.size(), checkpoints_before + 2);
  EXPECT_EQ(cps.back().at("size"), 46);
  EXPECT_EQ(s.inclusion_proof(kE, late.front()).at("tree_size"), 46);
}

// The write-ahead log is copied into the database file by the checkpoint thread,
// and the log starts over, so it stays short however many ballots are cast.
TEST(StoreConcurrency, WriteAheadLogIsCopiedBackAndStaysShort) {
  TempDir dir;
  FakeClock clock;
  auto options = store_options(dir.path(), clock, /*batch_min=*/16);
  options.wal_checkpoint_pages = 1000;
  Store s(options);
  constexpr int kVoters = 400;
  const auto codes = prepare_election(s, kVoters).codes;
  std::uint64_t longest = 0;
  for (int i = 0; i < kVoters; ++i) {
    s.cast(kE, codes[static_cast<std::size_t>(i)], answers_for("", static_cast<unsigned>(i)));
    longest = std::max(longest, s.writer_stats().wal_pages);
  }
  const auto st = s.writer_stats();
  std::printf("[ wal ] %d ballots: longest log %llu pages, %llu checkpoints\n", kVoters,
              static_cast<unsigned long long>(longest), static_cast<unsigned long long>(st.wal_checkpoints));
  EXPECT_GE(longest, 1000u);  // the run did pass the threshold
  EXPECT_GE(st.wal_checkpoints, 1u);
  EXPECT_LT(longest, 2500u);  // and the log started over instead of growing
  EXPECT_EQ(stored_ballots(dir.path(), kE), kVoters);
}

// --- 5. bad input -------------------------------------------------------------------------

TEST(StoreBadInput, MalformedAnswersAreRefusedPrecisely) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  auto prepared = prepare_election(s, 1, 1);
  const std::string code = prepared.codes[0];
  const std::string north = prepared.north_codes[0];

  auto with = [](json a, const std::string& contest, const json& answer) {
    a[contest] = answer;
    return a;
  };
  struct Case {
    std::string what;
    std::string code;
    json answers;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"not an object", code, json::array({"P1"}),
       "the ballot is not valid: the answers must be an object with one entry per question"},
      {"a string", code, json("P1"),
       "the ballot is not valid: the answers must be an object with one entry per question"},
      {"unknown contest", code, with(answers_for(""), "nope", json{{"options", json::array()}}),
       "the ballot is not valid: 'nope' is not a question on this ballot"},
      {"another district's contest", code,
       with(answers_for(""), "north-parks", json{{"options", {"N1"}}, {"points", {1}}}),
       "the ballot is not valid: 'north-parks' is not a question on this ballot"},
      {"unknown option", code, with(answers_for(""), "city", json{{"options", {"P9"}}}),
       "the ballot is not valid: city: 'P9' is not on this ballot"},
      {"option of another contest", code, with(answers_for(""), "mayor", json{{"options", {"P1"}}}),
       "the ballot is not valid: mayor: 'P1' is not on this ballot"},
      {"too many choices", code, with(answers_for(""), "city", json{{"options", {"P1", "P2", "P3", "P4"}}}),
       "the ballot is not valid: city: choose at most 3 projects; this ballot has 4"},
      {"over budget", code, with(answers_for(""), "city", json{{"options", {"P2", "P3", "P4"}}}),
       "the ballot is not valid: city: the chosen projects cost 1,000 together, more than the 900 allowed"},
      {"points on approval", code, with(answers_for(""), "city", json{{"options", {"P1"}}, {"points", {1}}}),
       "the ballot is not valid: city: points are only for cumulative ballots"},
      {"approval repeats", code, with(answers_for(""), "city", json{{"options", {"P1", "P1"}}}),
       "the ballot is not valid: city: 'P1' is chosen more than once"},
      {"ranked repeats", code, with(answers_for(""), "mayor", json{{"options", {"A", "B", "A"}}}),
       "the ballot is not valid: mayor: 'A' is ranked more than once"},
      {"answer not an object", code, with(answers_for(""), "mayor", json::array({"A"})),
       "the ballot is not valid: mayor: the answer must be an object with \"options\""},
      {"unknown answer field", code, with(answers_for(""), "mayor", json{{"options", {"A"}}, {"rank", 1}}),
       "the ballot is not valid: mayor: 'rank' is not part of an answer"},
      {"options not a list", code, with(answers_for(""), "mayor", json{{"options", "A"}}),
       "the ballot is not valid: mayor: \"options\" must be a list of option ids"},
      {"points over the total", north,
       with(answers_for("north"), "north-parks", json{{"options", {"N1", "N2"}}, {"points", {3, 3}}}),
       "the ballot is not valid: north-parks: give at most 5 points in all; this ballot gives 6"},
      {"points missing", north, with(answers_for("north"), "north-parks", json{{"options", {"N1", "N2"}}}),
       "the ballot is not valid: north-parks: every chosen project needs its points (2 chosen, 0 points given)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto e = store_error([&] { s.cast(kE, c.code, c.answers); });
    ASSERT_TRUE(e) << "accepted: " << c.answers.dump();
    EXPECT_EQ(e->code, "invalid");
    EXPECT_EQ(std::string(e->what()), c.message);
    EXPECT_FALSE(e->problems.empty());
    EXPECT_EQ(stored_ballots(dir.path(), kE), 0);
  }
  // Omitted contests are abstentions (min_choices 0), normalized to empty answers.
  const Receipt r = s.cast(kE, code, json::object({{"city", {{"options", {"P4", "P1"}}}}}));
  const auto ballots = s.ballots(kE);
  ASSERT_EQ(ballots.size(), 1u);
  EXPECT_EQ(ballots[0].at("answers"),
            json::parse(R"({"city":{"options":["P1","P4"]},"mayor":{"options":[]}})"));
  EXPECT_EQ(leaf_hex_of(ballots[0]), r.leaf);
  // The north code still works after all its refusals.
  s.cast(kE, north, answers_for("north"));
  EXPECT_EQ(stored_ballots(dir.path(), kE), 2);
}

TEST(StoreBadInput, ClosedUnknownAndDraftElections) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  auto codes = prepare_election(s, 2).codes;
  auto draft_codes = prepare_election(s, 1, 0, /*open=*/false, "draft-2026").codes;
  {
    auto e = store_error([&] { s.cast("nope", codes[0], answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "not_found");
    EXPECT_STREQ(e->what(), "there is no election 'nope'");
  }
  {
    auto e = store_error([&] { s.cast("draft-2026", draft_codes[0], answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "wrong_state");
    EXPECT_STREQ(e->what(), "the election 'draft-2026' has not opened yet");
  }
  s.cast(kE, codes[0], answers_for(""));
  s.close("admin", kE);
  {
    auto e = store_error([&] { s.cast(kE, codes[1], answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "wrong_state");
    EXPECT_STREQ(e->what(), "cannot vote: the election is closed");
  }
  EXPECT_STORE_ERROR("wrong_state", s.credential_district(kE, codes[1]));
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);
  EXPECT_EQ(used_codes(dir.path(), kE), 1);
  EXPECT_EQ(stored_ballots(dir.path(), "draft-2026"), 0);
  // Known from memory only once opened and its manifest read; never for a draft
  // or an unknown id (those ask the database).
  EXPECT_TRUE(s.known_opened(kE));
  EXPECT_FALSE(s.known_opened("draft-2026"));
  EXPECT_FALSE(s.known_opened("nope"));
}

// --- 6. batches and proofs -------------------------------------------------------------

// Sealing runs at the end of a write group, in a savepoint of its own: when it
// fails, only the seal is rolled back. The group's ballots are stored and wait in
// the pending batch, and the failure is counted. Here a checkpoint row with the next
// number, written behind the store's back, makes every later seal fail.
TEST(StoreBatches, AFailedSealLeavesTheGroupsBallotsStoredAndPending) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock, /*batch_min=*/2));
  const auto codes = prepare_election(s, 4).codes;
  s.cast(kE, codes[0], answers_for("", 0));
  s.cast(kE, codes[1], answers_for("", 1));  // a batch of 2: sealed
  const auto sealed = s.checkpoints(kE, "ballots").size();
  EXPECT_EQ(s.ballots(kE).size(), 2u);
  {
    SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READWRITE, 5000);
    SQLite::Statement ins(db,
                          "INSERT INTO checkpoints (election, log, seq, size, root, document) "
                          "VALUES (?, 'ballots', ?, 0, x'00', '{}')");
    ins.bind(1, kE);
    ins.bind(2, static_cast<std::int64_t>(sealed));
    ins.exec();
  }
  const auto before = s.writer_stats().seal_failures;
  const auto r2 = s.cast(kE, codes[2], answers_for("", 2));
  const auto r3 = s.cast(kE, codes[3], answers_for("", 3));  // would seal a batch of 2: fails
  EXPECT_FALSE(r2.leaf.empty());
  EXPECT_FALSE(r3.leaf.empty());
  EXPECT_EQ(s.writer_stats().seal_failures - before, 1u);
  EXPECT_EQ(stored_ballots(dir.path(), kE), 4);
  EXPECT_EQ(used_codes(dir.path(), kE), 4);
  SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READONLY, 5000);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM ballots WHERE log_index IS NULL").getInt(), 2);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM checkpoints WHERE log = 'ballots'").getInt(),
            static_cast<int>(sealed) + 1);  // only the row written behind the store's back
}

TEST(StoreBatches, SealingProofsAndSignatures) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock, /*batch_min=*/4));
  auto codes = prepare_election(s, 20).codes;
  std::vector<Receipt> receipts;
  std::size_t next = 0;
  auto cast = [&] {
    receipts.push_back(s.cast(kE, codes[next], answers_for("", static_cast<unsigned>(next))));
    ++next;
  };
  for (int i = 0; i < 3; ++i) cast();
  for (const auto& r : receipts) {
    auto e = store_error([&] { s.inclusion_proof(kE, r.leaf); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "not_sealed") << e->what();
  }
  EXPECT_TRUE(s.ballots(kE).empty());
  EXPECT_EQ(s.checkpoints(kE, "ballots").size(), 1u);  // the empty log at open
  cast();  // the 4th fills the batch
  EXPECT_EQ(s.ballots(kE).size(), 4u);
  for (const auto& r : receipts) EXPECT_NO_THROW(s.inclusion_proof(kE, r.leaf));
  // A small batch seals on time only.
  cast();
  cast();
  clock.advance(std::chrono::seconds(299));
  s.seal_due();
  EXPECT_EQ(s.ballots(kE).size(), 4u);
  EXPECT_STORE_ERROR("not_sealed", s.inclusion_proof(kE, receipts.back().leaf));
  clock.advance(std::chrono::seconds(2));
  s.seal_due();
  EXPECT_EQ(s.ballots(kE).size(), 6u);
  // 5 more: one full batch of 4 and 1 pending, sealed at close.
  for (int i = 0; i < 5; ++i) cast();
  EXPECT_EQ(s.ballots(kE).size(), 10u);
  EXPECT_STORE_ERROR("not_found", s.inclusion_proof(kE, std::string(64, 'a')));
  EXPECT_STORE_ERROR("invalid", s.inclusion_proof(kE, "xyz"));
  s.close("admin", kE);
  const auto ballots = s.ballots(kE);
  ASSERT_EQ(ballots.size(), 11u);

  const auto cps = s.checkpoints(kE, "ballots");
  std::vector<std::uint64_t> sizes;
  for (const auto& cp : cps) sizes.push_back(cp.at("size").get<std::uint64_t>());
  EXPECT_EQ(sizes, (std::vector<std::uint64_t>{0, 4, 6, 10, 11}));
  const auto leaves = leaves_of(ballots);
  // Each batch (between consecutive checkpoints) is sorted by leaf hash.
  for (std::size_t i = 1; i < sizes.size(); ++i)
    EXPECT_TRUE(std::is_sorted(leaves.begin() + static_cast<std::ptrdiff_t>(sizes[i - 1]),
                               leaves.begin() + static_cast<std::ptrdiff_t>(sizes[i])))
        << "batch " << i;
  // Every receipt's leaf is in the log exactly once.
  std::set<std::string> leaf_set(leaves.begin(), leaves.end());
  EXPECT_EQ(leaf_set.size(), leaves.size());
  for (const auto& r : receipts) EXPECT_EQ(leaf_set.count(r.leaf), 1u);

  // Checkpoints: signed, bound to the manifest, roots right.
  std::vector<merkle::Hash> leaf_hashes;
  for (const auto& l : leaves) leaf_hashes.push_back(crypto::hash_from_hex(l));
  for (const auto& cp : cps) {
    EXPECT_TRUE(record::signature_ok(cp, s.signing_key_hex())) << cp.dump();
    EXPECT_EQ(cp.at("manifest"), s.manifest_hash(kE));
    EXPECT_EQ(cp.at("log"), "ballots");
    EXPECT_EQ(cp.at("root"), crypto::to_hex(merkle::root(leaf_hashes, cp.at("size").get<std::uint64_t>())));
  }
  json tampered = cps.back();
  tampered["size"] = 12;
  EXPECT_FALSE(record::signature_ok(tampered, s.signing_key_hex()));
  EXPECT_FALSE(record::signature_ok(cps.back(), crypto::to_hex(crypto::SigningKey::generate().public_key())));
  for (const auto& cp : s.checkpoints(kE, "officer")) EXPECT_TRUE(record::signature_ok(cp, s.signing_key_hex()));

  // Inclusion proofs against the final checkpoint.
  for (const auto& r : receipts) {
    const json p = s.inclusion_proof(kE, r.leaf);
    std::vector<merkle::Hash> path;
    for (const auto& h : p.at("path")) path.push_back(crypto::hash_from_hex(h.get<std::string>()));
    const auto root = crypto::hash_from_hex(p.at("checkpoint").at("root").get<std::string>());
    EXPECT_EQ(p.at("tree_size"), 11);
    EXPECT_EQ(p.at("checkpoint"), cps.back());
    EXPECT_EQ(leaves.at(p.at("leaf_index").get<std::size_t>()), r.leaf);
    EXPECT_TRUE(merkle::verify_inclusion(crypto::hash_from_hex(r.leaf), p.at("leaf_index").get<std::uint64_t>(),
                                         p.at("tree_size").get<std::uint64_t>(), path, root))
        << r.leaf;
    EXPECT_TRUE(record::signature_ok(p.at("checkpoint"), s.signing_key_hex()));
    EXPECT_TRUE(receipt::check_batch(r.document, s.signing_key_hex()).empty());
  }
  // Consistency between every pair of non-empty checkpoints.
  for (std::size_t i = 1; i < cps.size(); ++i)
    for (std::size_t j = i; j < cps.size(); ++j) {
      const auto a = sizes[i], b = sizes[j];
      const json p = s.consistency_proof(kE, a, b);
      std::vector<merkle::Hash> path;
      for (const auto& h : p.at("path")) path.push_back(crypto::hash_from_hex(h.get<std::string>()));
      EXPECT_TRUE(merkle::verify_consistency(
          a, b, crypto::hash_from_hex(p.at("old").at("root").get<std::string>()),
          crypto::hash_from_hex(p.at("new").at("root").get<std::string>()), path))
          << a << " -> " << b;
      EXPECT_EQ(p.at("old"), cps[i]);
      EXPECT_EQ(p.at("new"), cps[j]);
    }
  EXPECT_STORE_ERROR("invalid", s.consistency_proof(kE, 0, 4));
  EXPECT_STORE_ERROR("invalid", s.consistency_proof(kE, 6, 4));
  EXPECT_STORE_ERROR("not_found", s.consistency_proof(kE, 5, 6));
}

// --- 7. kiosk tokens ----------------------------------------------------------------------

TEST(StoreKiosk, TokensAreSingleUseAndExpire) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  prepare_election(s, 1, 0, /*open=*/false);
  EXPECT_STORE_ERROR("wrong_state", s.issue_kiosk_token("staff", kE, ""));
  s.open("admin", kE);
  EXPECT_STORE_ERROR("invalid", s.issue_kiosk_token("staff", kE, "west"));
  EXPECT_STORE_ERROR("invalid", s.issue_kiosk_token("staff", kE, "", std::chrono::seconds(0)));
  EXPECT_STORE_ERROR("invalid", s.issue_kiosk_token("", kE, ""));

  const std::string t1 = s.issue_kiosk_token("staff", kE, "north", std::chrono::seconds(60));
  EXPECT_TRUE(codes::parse_code(t1).ok);
  EXPECT_EQ(s.credential_district(kE, t1), "north");
  clock.advance(std::chrono::seconds(59));
  const Receipt r1 = s.cast(kE, t1, answers_for("north"));
  {
    auto e = store_error([&] { s.cast(kE, t1, answers_for("north")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "already_used");
    EXPECT_STREQ(e->what(), "this kiosk token has already been used");
  }
  // Expired after its ttl.
  const std::string t2 = s.issue_kiosk_token("staff", kE, "", std::chrono::seconds(60));
  clock.advance(std::chrono::seconds(61));
  {
    auto e = store_error([&] { s.cast(kE, t2, answers_for("")); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, "expired") << e->what();
  }
  EXPECT_STORE_ERROR("expired", s.credential_district(kE, t2));
  EXPECT_EQ(stored_ballots(dir.path(), kE), 1);

  const auto ballots = s.ballots(kE);
  ASSERT_EQ(ballots.size(), 1u);
  EXPECT_EQ(ballots[0].at("channel"), "kiosk");
  EXPECT_EQ(ballots[0].at("district"), "north");
  EXPECT_EQ(leaf_hex_of(ballots[0]), r1.leaf);
  s.close("admin", kE);
  EXPECT_STORE_ERROR("wrong_state", s.issue_kiosk_token("staff", kE, ""));
  const auto close_entry = s.officer_log(kE).back();
  EXPECT_EQ(close_entry.at("details").at("counts").at("kiosk_tokens_used"), 1);
  EXPECT_EQ(close_entry.at("details").at("counts").at("by_channel").at("kiosk"), 1);
  int tokens = 0;
  for (const auto& e : s.officer_log(kE)) tokens += e.at("action") == "kiosk.token";
  EXPECT_EQ(tokens, 2);
}

// --- 9. officer log ------------------------------------------------------------------------

TEST(StoreOfficerLog, EveryActionChainedAndCheckpointed) {
  TempDir dir;
  FakeClock clock;
  Store s(store_options(dir.path(), clock));
  s.create_election("alice", store_definition());
  clock.advance(std::chrono::seconds(10));
  json def = store_definition();
  def["title"] = texts("Renamed");
  s.update_election("alice", kE, def);
  s.update_election("alice", kE, def);  // no change: not logged
  auto codes = s.generate_codes("bob", kE, 3);
  auto north = s.generate_codes("bob", kE, 2, "north");
  clock.advance(std::chrono::hours(1));
  s.open("alice", kE);
  const std::string token = s.issue_kiosk_token("kim", kE, "south");
  s.cast(kE, codes[0], answers_for(""));
  s.cast(kE, north[0], answers_for("north"));
  s.cast(kE, token, answers_for("south"));
  s.paper_enter("olga", kE, "B1", "1", "", answers_for(""));
  s.paper_enter("oscar", kE, "B1", "1", "", answers_for(""));
  clock.advance(std::chrono::hours(2));
  s.close("alice", kE);
  const json result = s.tally("alice", kE, "7 7 7");
  s.publish("alice", kE);

  const auto log = s.officer_log(kE);
  std::vector<std::string> actions;
  for (const auto& e : log) actions.push_back(e.at("action"));
  EXPECT_EQ(actions, (std::vector<std::string>{"election.create", "election.update", "codes.generate",
                                               "codes.generate", "election.open", "kiosk.token", "paper.enter",
                                               "paper.enter", "election.close", "election.tally",
                                               "election.publish"}));
  std::vector<merkle::Hash> leaves;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const json& e = log[i];
    EXPECT_EQ(e.at("seq"), i);
    EXPECT_EQ(e.at("allot"), "officer-entry/1");
    EXPECT_EQ(e.at("election"), kE);
    EXPECT_EQ(e.at("prev"), i == 0 ? std::string(64, '0') : crypto::to_hex(leaves.back())) << i;
    leaves.push_back(merkle::leaf_hash(canonical::dump(e)));
  }
  EXPECT_EQ(log[0].at("actor"), "alice");
  EXPECT_EQ(log[0].at("at"), "2026-11-23T09:00:00Z");
  EXPECT_EQ(log[1].at("at"), "2026-11-23T09:00:10Z");
  EXPECT_EQ(log[2].at("actor"), "bob");
  EXPECT_EQ(log[2].at("details"), json::parse(R"({"count":3,"district":""})"));
  EXPECT_EQ(log[3].at("details"), json::parse(R"({"count":2,"district":"north"})"));
  EXPECT_EQ(log[4].at("details"), json({{"manifest", s.manifest_hash(kE)}}));
  EXPECT_EQ(log[4].at("at"), "2026-11-23T10:00:10Z");
  EXPECT_EQ(log[5].at("details"), json({{"district", "south"}}));
  EXPECT_EQ(log[5].at("actor"), "kim");
  const auto ballot_cps = s.checkpoints(kE, "ballots");
  const json& close = log[8].at("details");
  EXPECT_EQ(close.at("checkpoint").at("root"), ballot_cps.back().at("root"));
  EXPECT_EQ(close.at("checkpoint").at("size"), ballot_cps.back().at("size"));
  EXPECT_EQ(close.at("counts"), json::parse(R"({"ballots":4,"by_channel":{"kiosk":1,"online":2,"paper":1},
      "codes_used":{"":1,"north":1,"south":0},"kiosk_tokens_used":1,"paper_accepted":1})"));
  const std::string result_hash = crypto::sha256_hex(canonical::dump(result));
  EXPECT_EQ(log[9].at("details"), json({{"result", result_hash}, {"seed", "7 7 7"}}));
  EXPECT_EQ(log[10].at("details"), json({{"result", result_hash}}));
  EXPECT_EQ(result.at("counts"), close.at("counts"));

  // One signed officer checkpoint after every entry: sizes 1, 2, 3, ...
  const auto cps = s.checkpoints(kE, "officer");
  ASSERT_EQ(cps.size(), log.size());
  for (std::size_t i = 0; i < cps.size(); ++i) {
    EXPECT_EQ(cps[i].at("size"), i + 1);
    EXPECT_EQ(cps[i].at("root"), crypto::to_hex(merkle::root(leaves, i + 1)));
    EXPECT_FALSE(cps[i].contains("manifest"));
    EXPECT_TRUE(record::signature_ok(cps[i], s.signing_key_hex()));
  }
  // The result cites the officer checkpoint just before the tally entry.
  EXPECT_EQ(result.at("officer_checkpoint"), cps[8]);
  EXPECT_EQ(result.at("ballot_checkpoint"), ballot_cps.back());
}

// --- 10. restart ------------------------------------------------------------------------

TEST(StoreRestart, ReopenKeepsKeysDataAndContinues) {
  TempDir dir;
  FakeClock clock;
  std::string key;
  std::vector<std::string> codes;
  std::vector<std::string> leaves;
  std::string manifest_hash;
  {
    Store s(store_options(dir.path(), clock, /*batch_min=*/3));
    codes = prepare_election(s, 10).codes;
    for (std::size_t i = 0; i < 4; ++i) leaves.push_back(s.cast(kE, codes[i], answers_for("", static_cast<unsigned>(i))).leaf);
    key = s.signing_key_hex();
    manifest_hash = s.manifest_hash(kE);
    EXPECT_EQ(s.ballots(kE).size(), 3u);  // one pending
  }
  {
    Store s(store_options(dir.path(), clock, /*batch_min=*/3));
    EXPECT_EQ(s.signing_key_hex(), key);
    EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
    EXPECT_EQ(s.state(kE), "open");
    EXPECT_EQ(s.manifest_hash(kE), manifest_hash);
    EXPECT_EQ(stored_ballots(dir.path(), kE), 4);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_STORE_ERROR("already_used", s.cast(kE, codes[i], answers_for("")));
    for (std::size_t i = 4; i < 9; ++i) leaves.push_back(s.cast(kE, codes[i], answers_for("", static_cast<unsigned>(i))).leaf);
  }
  {
    Store s(store_options(dir.path(), clock, /*batch_min=*/3));
    EXPECT_EQ(s.signing_key_hex(), key);
    s.close("admin", kE);
    const auto in_log = leaves_of(s.ballots(kE));
    EXPECT_EQ(std::set<std::string>(in_log.begin(), in_log.end()), std::set<std::string>(leaves.begin(), leaves.end()));
    for (const auto& l : leaves) {
      const json p = s.inclusion_proof(kE, l);
      std::vector<merkle::Hash> path;
      for (const auto& h : p.at("path")) path.push_back(crypto::hash_from_hex(h.get<std::string>()));
      EXPECT_TRUE(merkle::verify_inclusion(crypto::hash_from_hex(l), p.at("leaf_index").get<std::uint64_t>(),
                                           p.at("tree_size").get<std::uint64_t>(), path,
                                           crypto::hash_from_hex(p.at("checkpoint").at("root").get<std::string>())));
    }
    s.tally("admin", kE, "seed");
    const auto out = dir / "record";
    s.export_record(kE, out);
    const auto report = verify::verify_record(out);
    EXPECT_TRUE(report.ok()) << report.text();
  }
}

// --- 11. export and verify --------------------------------------------------------------

TEST(StoreRecord, ExportedRecordVerifies) {
  TempDir dir;
  FakeClock clock;
  const auto data = dir / "data";
  Store s(store_options(data, clock, /*batch_min=*/4));
  auto prepared = prepare_election(s, 12, 6);
  unsigned v = 0;
  std::vector<Receipt> receipts;
  for (const auto& c : prepared.codes) receipts.push_back(s.cast(kE, c, answers_for("", v++)));
  for (const auto& c : prepared.north_codes) receipts.push_back(s.cast(kE, c, answers_for("north", v++)));
  for (const char* d : {"", "north", "south"}) {
    const auto t = s.issue_kiosk_token("kim", kE, d);
    receipts.push_back(s.cast(kE, t, answers_for(d, v++)));
  }
  clock.advance(std::chrono::minutes(10));
  s.seal_due();
  s.paper_enter("olga", kE, "B1", "1", "north", answers_for("north", 1));
  s.paper_enter("oscar", kE, "B1", "1", "north", answers_for("north", 1));
  s.paper_enter("olga", kE, "B1", "2", "", answers_for("", 1));
  s.paper_enter("oscar", kE, "B1", "2", "", answers_for("", 2));
  s.paper_resolve("carla", kE, "B1", "2", "", answers_for("", 2));
  s.close("admin", kE);
  const json result = s.tally("admin", kE, "public draw 4 8 15");
  EXPECT_STORE_ERROR("invalid", s.tally("admin", kE, ""));
  const auto tallied = dir / "tallied";
  s.export_record(kE, tallied);
  s.publish("admin", kE);
  const auto out = dir / "record";
  s.export_record(kE, out);
  EXPECT_ANY_THROW(s.export_record(kE, out));  // never over an existing record

  std::set<std::string> names;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out))
    if (entry.is_regular_file()) names.insert(std::filesystem::relative(entry.path(), out).generic_string());
  EXPECT_EQ(names, (std::set<std::string>{"ballot-checkpoints.jsonl", "ballots.jsonl", "exports/city.pb",
                                          "exports/mayor.blt", "exports/north-parks.pb", "index.json",
                                          "manifest.json", "officer-checkpoints.jsonl", "officer-log.jsonl",
                                          "public-keys.json", "result.json"}));
  EXPECT_EQ(read_bytes(out / "result.json"), canonical::dump(result) + "\n");
  EXPECT_EQ(read_bytes(out / "manifest.json"), canonical::dump(s.manifest(kE)) + "\n");
  const std::string ballots = read_bytes(out / "ballots.jsonl");
  EXPECT_EQ(static_cast<std::size_t>(std::count(ballots.begin(), ballots.end(), '\n')), receipts.size() + 2);

  for (const auto& rec : {tallied, out}) {
    const auto report = verify::verify_record(rec);
    EXPECT_TRUE(report.ok()) << rec << "\n" << report.text();
  }
  const auto files = record::read_files(out);
  for (const auto& r : receipts) {
    const auto report = verify::verify_receipt(files, r.document);
    EXPECT_TRUE(report.ok()) << report.text();
  }
  // One changed byte of a ballot breaks the record.
  auto broken = files;
  std::string& b = broken.at("ballots.jsonl");
  const auto pos = b.find("\"P1\"");
  ASSERT_NE(pos, std::string::npos);
  b[pos + 2] = '2';
  EXPECT_FALSE(verify::verify_files(broken).ok());
}

}  // namespace

namespace allot::testing {
namespace {

// A retry with the same code and idempotency key gets the first receipt back and
// stores nothing twice; another key with a used code is "already used".
TEST(StoreIdempotency, RetryReturnsTheFirstReceipt) {
  TempDir dir;
  FakeClock clock;
  store::Store s(store_options(dir.path(), clock, /*batch_min=*/100));
  auto codes = prepare_election(s, 2).codes;
  const auto first = s.cast(kE, codes[0], answers_for("", 0), "kiosk-7-000001");
  const auto again = s.cast(kE, codes[0], answers_for("", 1), "kiosk-7-000001");
  EXPECT_EQ(first.leaf, again.leaf);
  EXPECT_EQ(first.code, again.code);
  EXPECT_EQ(first.document, again.document);
  EXPECT_EQ(s.turnout(kE), 1);
  EXPECT_EQ(error_code([&] { s.cast(kE, codes[0], answers_for("", 0), "kiosk-7-000002"); }), "already_used");
  EXPECT_EQ(error_code([&] { s.cast(kE, codes[0], answers_for("", 0)); }), "already_used");
  // The key belongs to the code: the same key with another code is a new ballot.
  const auto other = s.cast(kE, codes[1], answers_for("", 0), "kiosk-7-000001");
  EXPECT_NE(other.leaf, first.leaf);
  EXPECT_EQ(s.turnout(kE), 2);
  EXPECT_EQ(error_code([&] { s.cast(kE, codes[1], answers_for("", 0), "short"); }), "invalid");
  EXPECT_EQ(error_code([&] { s.cast(kE, codes[1], answers_for("", 0), "has a space"); }), "invalid");
}

TEST(StoreIdempotency, ConcurrentRetriesStoreOneBallot) {
  TempDir dir;
  FakeClock clock;
  store::Store s(store_options(dir.path(), clock, /*batch_min=*/100));
  auto codes = prepare_election(s, 1).codes;
  std::vector<std::string> leaves(16);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < leaves.size(); ++t)
    threads.emplace_back([&, t] { leaves[t] = s.cast(kE, codes[0], answers_for("", 0), "retry-key-42").leaf; });
  for (auto& th : threads) th.join();
  for (const auto& l : leaves) EXPECT_EQ(l, leaves.front());
  EXPECT_EQ(s.turnout(kE), 1);
}

TEST(StoreIdempotency, KeysAreForgottenAtClose) {
  TempDir dir;
  FakeClock clock;
  store::Store s(store_options(dir.path(), clock));
  auto codes = prepare_election(s, 1).codes;
  s.cast(kE, codes[0], answers_for("", 0), "forget-me-please");
  s.close("admin", kE);
  SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT count(*) FROM idempotency").getInt(), 0);
  EXPECT_EQ(error_code([&] { s.cast(kE, codes[0], answers_for("", 0), "forget-me-please"); }), "wrong_state");
}

}  // namespace
}  // namespace allot::testing
