// Schema migrations (storage/src/store/schema.hpp): every older schema upgrades to
// the latest when a Store opens it, keeping its data; a newer one is refused.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "../../storage/src/store/schema.hpp"
#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/store.hpp"
#include "allot/storage/verify.hpp"
#include "store_fixture.hpp"

namespace {

using namespace allot;
using namespace allot::testing;
using nlohmann::json;
using store::Store;


std::vector<std::string> table_names(const std::filesystem::path& dir) {
  SQLite::Database db(db_file(dir).string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

int user_version(const std::filesystem::path& dir) {
  SQLite::Database db(db_file(dir).string(), SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA user_version").getInt();
}

TEST(StoreMigrations, MigrationsAreNumberedInOrder) {
  const auto& ms = store::schema::migrations();
  ASSERT_FALSE(ms.empty());
  for (std::size_t i = 0; i < ms.size(); ++i) EXPECT_EQ(ms[i].version, static_cast<int>(i) + 1) << ms[i].name;
  EXPECT_EQ(store::schema::latest_version(), ms.back().version);
  EXPECT_EQ(Store::latest_schema_version(), ms.back().version);
  ASSERT_GE(ms.size(), 8u);
  EXPECT_STREQ(ms[7].name, "registered kiosks");
}

std::vector<std::string> column_names(const std::filesystem::path& dir, const std::string& table) {
  SQLite::Database db(db_file(dir).string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
  q.bind(1, table);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

// Version 8 adds the kiosks table and the kiosk a token was issued on; codes and
// tokens stored before it have no kiosk.
TEST(StoreMigrations, Version8AddsKiosks) {
  TempDir dir;
  {
    SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    store::schema::migrate(db, 7);
    EXPECT_EQ(column_names(dir.path(), "kiosks"), std::vector<std::string>{});
    EXPECT_EQ(column_names(dir.path(), "credentials").back(), "used");
    db.exec("INSERT INTO elections (id, definition, created_at) VALUES ('test-2026', '{}', 'now')");
    db.exec("INSERT INTO credentials (election, hmac, kind) VALUES ('test-2026', randomblob(32), 'code')");
    store::schema::migrate(db, 8);
    EXPECT_EQ(store::schema::version_of(db), 8);
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM credentials WHERE kiosk IS NULL").getInt(), 1);
  }
  EXPECT_EQ(column_names(dir.path(), "kiosks"),
            (std::vector<std::string>{"election", "id", "name", "district", "registered_by", "retired"}));
  EXPECT_EQ(column_names(dir.path(), "credentials").back(), "kiosk");
}

TEST(StoreMigrations, EmptyFileAndFreshDirectoryMigrateToLatest) {
  {
    TempDir dir;
    std::ofstream(db_file(dir.path())).close();  // a zero-byte file
    ASSERT_EQ(std::filesystem::file_size(db_file(dir.path())), 0u);
    FakeClock clock;
    {
      Store s(store_options(dir.path(), clock));
      EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
    }
    EXPECT_EQ(user_version(dir.path()), Store::latest_schema_version());
    // Opening again changes nothing.
    const auto tables = table_names(dir.path());
    Store again(store_options(dir.path(), clock));
    EXPECT_EQ(again.schema_version(), Store::latest_schema_version());
    EXPECT_EQ(table_names(dir.path()), tables);
  }
  {
    TempDir dir;
    FakeClock clock;
    Store s(store_options(dir / "new", clock));
    EXPECT_EQ(s.schema_version(), Store::latest_schema_version());
    EXPECT_TRUE(std::filesystem::exists(dir / "new" / "keys" / "signing.pem"));
    EXPECT_TRUE(std::filesystem::exists(dir / "new" / "keys" / "codes.key"));
    const auto perms = std::filesystem::status(dir / "new" / "keys" / "codes.key").permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
  }
}

// The officer log as the store writes it: entry + leaf + signed checkpoint.
struct LogWriter {
  SQLite::Database& db;
  const crypto::SigningKey& key;
  std::vector<merkle::Hash> leaves;

  void append(const std::string& action, const json& details, const std::string& at) {
    const json entry = {{"action", action},
                        {"actor", "admin"},
                        {"allot", "officer-entry/1"},
                        {"at", at},
                        {"details", details},
                        {"election", kE},
                        {"prev", leaves.empty() ? std::string(64, '0') : crypto::to_hex(leaves.back())},
                        {"seq", leaves.size()}};
    const std::string bytes = canonical::dump(entry);
    const auto leaf = merkle::leaf_hash(bytes);
    const std::string leaf_blob(reinterpret_cast<const char*>(leaf.data()), leaf.size());
    SQLite::Statement ins(db, "INSERT INTO officer_log (election, seq, entry, leaf) VALUES (?, ?, ?, ?)");
    ins.bind(1, kE);
    ins.bind(2, static_cast<std::int64_t>(leaves.size()));
    ins.bind(3, bytes);
    ins.bind(4, leaf_blob.data(), static_cast<int>(leaf_blob.size()));
    ins.exec();
    leaves.push_back(leaf);
    const auto root = merkle::root(leaves);
    const json cp = record::sign(json{{"allot", "checkpoint/1"},
                                      {"election", kE},
                                      {"log", "officer"},
                                      {"root", crypto::to_hex(root)},
                                      {"size", leaves.size()}},
                                 key);
    const std::string root_blob(reinterpret_cast<const char*>(root.data()), root.size());
    SQLite::Statement c(db,
                        "INSERT INTO checkpoints (election, log, seq, size, root, document) VALUES (?, 'officer', ?, ?, ?, ?)");
    c.bind(1, kE);
    c.bind(2, static_cast<std::int64_t>(leaves.size() - 1));
    c.bind(3, static_cast<std::int64_t>(leaves.size()));
    c.bind(4, root_blob.data(), static_cast<int>(root_blob.size()));
    c.bind(5, canonical::dump(cp));
    c.exec();
  }
};

const std::string& password_hash() {
  static const std::string h = crypto::hash_password("a long enough password");
  return h;
}

// For every older version k: a database made by migrations 1..k holding data valid
// at k opens as the latest schema, and the data still works.
TEST(StoreMigrations, EveryOlderVersionUpgradesAndKeepsItsData) {
  const int latest = Store::latest_schema_version();
  for (int k = 0; k < latest; ++k) {
    SCOPED_TRACE("from version " + std::to_string(k));
    TempDir dir;
    FakeClock clock;
    // The data directory's keys, made up front so the test can write data the
    // store will recognise.
    std::filesystem::create_directories(dir / "keys");
    const auto signing = crypto::SigningKey::generate();
    crypto::write_secret_file(dir / "keys" / "signing.pem", signing.to_pem());
    const std::string code_key = crypto::random_bytes(32);
    crypto::write_secret_file(dir / "keys" / "codes.key", code_key);
    std::vector<std::string> codes;
    for (int i = 0; i < 3; ++i) codes.push_back(codes::generate_code());
    const std::string definition = canonical::dump(store_definition());
    {
      SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      db.exec("PRAGMA synchronous = OFF");  // set-up only: no need to wait for the disk
      store::schema::migrate(db, k);
      ASSERT_EQ(store::schema::version_of(db), k);
      if (k >= 1) {
        SQLite::Statement e(db, "INSERT INTO elections (id, definition, created_at) VALUES (?, ?, ?)");
        e.bind(1, kE);
        e.bind(2, definition);
        e.bind(3, "2026-11-23T09:00:00Z");
        e.exec();
      }
      if (k >= 2) {
        for (const auto& c : codes) {
          const auto h = crypto::hmac_sha256(code_key, codes::parse_code(c).normalized);
          const std::string blob(reinterpret_cast<const char*>(h.data()), h.size());
          SQLite::Statement ins(db, "INSERT INTO credentials (election, hmac, kind, district) VALUES (?, ?, 'code', '')");
          ins.bind(1, kE);
          ins.bind(2, blob.data(), static_cast<int>(blob.size()));
          ins.exec();
        }
      }
      if (k >= 3) {
        LogWriter log{db, signing, {}};
        log.append("election.create", json::object(), "2026-11-23T09:00:00Z");
        log.append("codes.generate", json{{"count", 3}, {"district", ""}}, "2026-11-23T09:00:00Z");
      }
      if (k >= 4) {
        SQLite::Statement u(db, "INSERT INTO users (username, role, password, created_at) VALUES (?, ?, ?, ?)");
        u.bind(1, "olga");
        u.bind(2, "officer");
        u.bind(3, password_hash());
        u.bind(4, "2026-11-23T09:00:00Z");
        u.exec();
      }
    }
    Store s(store_options(dir.path(), clock));
    EXPECT_EQ(s.schema_version(), latest);
    EXPECT_EQ(user_version(dir.path()), latest);
    EXPECT_EQ(s.signing_key_hex(), crypto::to_hex(signing.public_key()));
    if (k >= 4) {
      SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READONLY);
      EXPECT_EQ(db.execAndGet("SELECT password FROM users WHERE username = 'olga'").getString(), password_hash());
      // scrypt is slow on purpose: log in once, on the oldest schema that has users.
      if (k == 4) {
        EXPECT_EQ(s.authenticate("olga", "a long enough password"), store::Role::Officer);
      }
    }
    if (k < 1) {
      EXPECT_TRUE(s.list_elections().empty());
      continue;
    }
    EXPECT_EQ(s.state(kE), "draft");
    EXPECT_EQ(canonical::dump(s.definition(kE)), definition);
    if (k < 2) {
      codes = s.generate_codes("admin", kE, 3);
    }
    s.open("admin", kE);
    EXPECT_EQ(s.manifest(kE).at("credentials").at("codes"), 3);
    for (std::size_t i = 0; i < codes.size(); ++i) s.cast(kE, codes[i], answers_for("", static_cast<unsigned>(i)));
    EXPECT_EQ(error_code([&] { s.cast(kE, codes[0], answers_for("")); }), "already_used");
    s.register_kiosk("admin", kE, "Library", "north");
    const auto pool = s.issue_kiosk_tokens("admin", kE, "library", 1, std::chrono::hours(1));
    EXPECT_EQ(s.cast(kE, pool.tokens[0], answers_for("north")).channel, "kiosk");
    const auto log = s.officer_log(kE);
    ASSERT_FALSE(log.empty());
    if (k >= 3) {
      // The log written at version k continues: one chain from election.create.
      EXPECT_EQ(log.front().at("action"), "election.create");
      EXPECT_EQ(log.at(2).at("action"), "election.open");
      EXPECT_EQ(log.at(2).at("seq"), 2);
      EXPECT_EQ(log.at(2).at("prev"), crypto::to_hex(merkle::leaf_hash(canonical::dump(log.at(1)))));
    }
    if (k == 3) {
      // The whole record verifies, the entries written at version 3 included (the
      // log code is the same for later versions, so once is enough).
      s.close("admin", kE);
      s.tally("admin", kE, "seed");
      EXPECT_EQ(s.ballots(kE).size(), 4u);
      const auto out = dir / "record";
      s.export_record(kE, out);
      const auto report = verify::verify_record(out);
      EXPECT_TRUE(report.ok()) << report.text();
    }
  }
}

TEST(StoreMigrations, NewerDatabaseIsRefused) {
  TempDir dir;
  const int newer = Store::latest_schema_version() + 1;
  {
    SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    store::schema::migrate(db);
    db.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  const auto tables = table_names(dir.path());
  FakeClock clock;
  auto e = store_error([&] { Store s(store_options(dir.path(), clock)); });
  ASSERT_TRUE(e) << "a database from a newer allot was opened";
  EXPECT_EQ(e->code, "unavailable");
  const std::string msg = e->what();
  EXPECT_NE(msg.find("schema version " + std::to_string(newer)), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer than this program knows"), std::string::npos) << msg;
  // Untouched.
  EXPECT_EQ(user_version(dir.path()), newer);
  EXPECT_EQ(table_names(dir.path()), tables);
  // schema::migrate itself refuses too.
  SQLite::Database db(db_file(dir.path()).string(), SQLite::OPEN_READWRITE);
  EXPECT_THROW(store::schema::migrate(db), std::runtime_error);
}

}  // namespace
