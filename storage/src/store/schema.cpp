#include "schema.hpp"

#include <stdexcept>
#include <string>

namespace allot::store::schema {

namespace {

// Trigger messages start with a code word the store maps to an error code:
// "frozen: ...", "state: ...", "append-only: ...".
const std::vector<Migration> kMigrations = {
    {1, "elections",
     R"SQL(
CREATE TABLE elections (
  id            TEXT PRIMARY KEY,
  state         TEXT NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft','open','closed','tallied','published')),
  definition    TEXT NOT NULL,          -- canonical JSON (docs/record-format.md)
  manifest      TEXT,                   -- canonical manifest, set at open
  manifest_hash TEXT,
  seed          TEXT,                   -- tie-break seed, set at tally
  created_at    TEXT NOT NULL
);
CREATE TRIGGER elections_frozen BEFORE UPDATE ON elections
WHEN OLD.state <> 'draft' AND (NEW.definition IS NOT OLD.definition OR NEW.id IS NOT OLD.id)
BEGIN SELECT RAISE(ABORT, 'frozen: the election is open or over; its definition cannot change'); END;
CREATE TRIGGER elections_manifest_once BEFORE UPDATE ON elections
WHEN OLD.manifest IS NOT NULL AND (NEW.manifest IS NOT OLD.manifest OR NEW.manifest_hash IS NOT OLD.manifest_hash)
BEGIN SELECT RAISE(ABORT, 'frozen: the manifest of an opened election cannot change'); END;
CREATE TRIGGER elections_seed_once BEFORE UPDATE ON elections
WHEN OLD.seed IS NOT NULL AND NEW.seed IS NOT OLD.seed
BEGIN SELECT RAISE(ABORT, 'frozen: the tie-break seed is set once'); END;
CREATE TRIGGER elections_lifecycle BEFORE UPDATE OF state ON elections
WHEN NEW.state <> OLD.state AND NOT (
     (OLD.state = 'draft'   AND NEW.state = 'open' AND NEW.manifest IS NOT NULL)
  OR (OLD.state = 'open'    AND NEW.state = 'closed')
  OR (OLD.state = 'closed'  AND NEW.state = 'tallied' AND NEW.seed IS NOT NULL)
  OR (OLD.state = 'tallied' AND NEW.state = 'published'))
BEGIN SELECT RAISE(ABORT, 'state: an election goes draft, open, closed, tallied, published, in that order'); END;
CREATE TRIGGER elections_delete BEFORE DELETE ON elections
WHEN OLD.state <> 'draft'
BEGIN SELECT RAISE(ABORT, 'frozen: an opened election cannot be deleted'); END;
)SQL"},
    {2, "credentials and ballots",
     R"SQL(
CREATE TABLE credentials (
  election   TEXT NOT NULL REFERENCES elections(id),
  hmac       BLOB NOT NULL,             -- HMAC-SHA-256 of the code under the key file
  kind       TEXT NOT NULL CHECK (kind IN ('code','kiosk')),
  district   TEXT NOT NULL DEFAULT '',
  expires_at INTEGER,                   -- kiosk tokens: unix seconds
  used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0,1)),
  PRIMARY KEY (election, hmac)
) WITHOUT ROWID;
CREATE TRIGGER credentials_codes_before_open BEFORE INSERT ON credentials
WHEN NEW.kind = 'code' AND (SELECT state FROM elections WHERE id = NEW.election) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'frozen: voting codes can only be added before the election opens'); END;
CREATE TRIGGER credentials_tokens_while_open BEFORE INSERT ON credentials
WHEN NEW.kind = 'kiosk' AND (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
BEGIN SELECT RAISE(ABORT, 'state: kiosk tokens are issued only while the election is open'); END;
CREATE TRIGGER credentials_use_once BEFORE UPDATE ON credentials
WHEN NEW.election IS NOT OLD.election OR NEW.hmac IS NOT OLD.hmac OR NEW.kind IS NOT OLD.kind
  OR NEW.district IS NOT OLD.district OR NEW.expires_at IS NOT OLD.expires_at
  OR OLD.used = 1 OR NEW.used <> 1
  OR (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
BEGIN SELECT RAISE(ABORT, 'frozen: a credential only changes from unused to used, while the election is open'); END;
CREATE TRIGGER credentials_delete BEFORE DELETE ON credentials
WHEN (SELECT state FROM elections WHERE id = OLD.election) <> 'draft'
BEGIN SELECT RAISE(ABORT, 'frozen: credentials of an opened election cannot be deleted'); END;

-- A ballot row holds no credential reference and no time. The table is keyed by
-- leaf hash, so even its physical order says nothing about arrival.
CREATE TABLE ballots (
  election  TEXT NOT NULL REFERENCES elections(id),
  leaf      BLOB NOT NULL,              -- SHA-256(0x00 || body)
  body      TEXT NOT NULL,              -- canonical ballot/1 document
  channel   TEXT NOT NULL CHECK (channel IN ('online','kiosk','paper')),
  district  TEXT NOT NULL,
  log_index INTEGER,                    -- position in the ballot log, set when its batch seals
  PRIMARY KEY (election, leaf)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ballots_log ON ballots (election, log_index);
CREATE TRIGGER ballots_while_open BEFORE INSERT ON ballots
WHEN (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
BEGIN SELECT RAISE(ABORT, 'state: ballots are accepted only while the election is open'); END;
CREATE TRIGGER ballots_immutable BEFORE UPDATE ON ballots
WHEN NEW.election IS NOT OLD.election OR NEW.leaf IS NOT OLD.leaf OR NEW.body IS NOT OLD.body
  OR NEW.channel IS NOT OLD.channel OR NEW.district IS NOT OLD.district
  OR (OLD.log_index IS NOT NULL AND NEW.log_index IS NOT OLD.log_index)
BEGIN SELECT RAISE(ABORT, 'append-only: a stored ballot never changes'); END;
CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN SELECT RAISE(ABORT, 'append-only: a stored ballot is never deleted'); END;

-- When the pending batch of an election started filling (for time-based sealing).
CREATE TABLE pending_batches (
  election  TEXT PRIMARY KEY REFERENCES elections(id),
  opened_at INTEGER NOT NULL
);
)SQL"},
    {3, "logs, checkpoints and results",
     R"SQL(
CREATE TABLE officer_log (
  election TEXT NOT NULL,               -- '' for actions outside any election (accounts)
  seq      INTEGER NOT NULL,
  entry    TEXT NOT NULL,               -- canonical officer-entry/1
  leaf     BLOB NOT NULL,
  PRIMARY KEY (election, seq)
) WITHOUT ROWID;
CREATE TRIGGER officer_log_no_update BEFORE UPDATE ON officer_log
BEGIN SELECT RAISE(ABORT, 'append-only: the officer log never changes'); END;
CREATE TRIGGER officer_log_no_delete BEFORE DELETE ON officer_log
BEGIN SELECT RAISE(ABORT, 'append-only: the officer log never changes'); END;

CREATE TABLE checkpoints (
  election TEXT NOT NULL,
  log      TEXT NOT NULL CHECK (log IN ('ballots','officer')),
  seq      INTEGER NOT NULL,
  size     INTEGER NOT NULL,
  root     BLOB NOT NULL,
  document TEXT NOT NULL,               -- signed canonical checkpoint/1
  PRIMARY KEY (election, log, seq)
) WITHOUT ROWID;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'append-only: checkpoints never change'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'append-only: checkpoints never change'); END;

CREATE TABLE results (
  election TEXT PRIMARY KEY REFERENCES elections(id),
  document TEXT NOT NULL,               -- signed canonical result/1
  hash     TEXT NOT NULL
);
CREATE TRIGGER results_no_update BEFORE UPDATE ON results
BEGIN SELECT RAISE(ABORT, 'append-only: a signed result never changes'); END;
CREATE TRIGGER results_no_delete BEFORE DELETE ON results
BEGIN SELECT RAISE(ABORT, 'append-only: a signed result never changes'); END;
)SQL"},
    {4, "officer accounts",
     R"SQL(
CREATE TABLE users (
  username   TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role IN ('admin','officer','kiosk-staff','auditor')),
  password   TEXT NOT NULL,             -- scrypt$N$r$p$salt$hash
  created_at TEXT NOT NULL
);
)SQL"},
    {5, "paper ballots",
     R"SQL(
CREATE TABLE paper_ballots (
  election TEXT NOT NULL REFERENCES elections(id),
  batch    TEXT NOT NULL,
  serial   TEXT NOT NULL,
  status   TEXT NOT NULL CHECK (status IN ('pending','matched','disputed','resolved','spoiled')),
  PRIMARY KEY (election, batch, serial)
) WITHOUT ROWID;
CREATE TABLE paper_entries (
  election TEXT NOT NULL,
  batch    TEXT NOT NULL,
  serial   TEXT NOT NULL,
  entry    INTEGER NOT NULL CHECK (entry IN (1,2,3)),  -- 3 = the resolving look
  officer  TEXT NOT NULL,
  district TEXT NOT NULL,
  answers  TEXT NOT NULL,               -- canonical, normalized answers ('' for spoiled)
  PRIMARY KEY (election, batch, serial, entry)
) WITHOUT ROWID;
CREATE TRIGGER paper_entries_no_update BEFORE UPDATE ON paper_entries
BEGIN SELECT RAISE(ABORT, 'append-only: a keyed paper entry never changes'); END;
CREATE TRIGGER paper_entries_no_delete BEFORE DELETE ON paper_entries
BEGIN SELECT RAISE(ABORT, 'append-only: a keyed paper entry never changes'); END;
)SQL"},
    {6, "no replacing rows",
     // INSERT OR REPLACE deletes the old row without firing DELETE triggers (unless
     // recursive_triggers is on, which a foreign connection may not set): refuse any
     // insert whose key exists, before conflict resolution can replace it.
     R"SQL(
CREATE TRIGGER elections_no_replace BEFORE INSERT ON elections
WHEN EXISTS (SELECT 1 FROM elections WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'append-only: this election id exists'); END;
CREATE TRIGGER credentials_no_replace BEFORE INSERT ON credentials
WHEN EXISTS (SELECT 1 FROM credentials WHERE election = NEW.election AND hmac = NEW.hmac)
BEGIN SELECT RAISE(ABORT, 'append-only: this credential exists'); END;
CREATE TRIGGER ballots_no_replace BEFORE INSERT ON ballots
WHEN EXISTS (SELECT 1 FROM ballots WHERE election = NEW.election AND leaf = NEW.leaf)
BEGIN SELECT RAISE(ABORT, 'append-only: this ballot exists'); END;
CREATE TRIGGER officer_log_no_replace BEFORE INSERT ON officer_log
WHEN EXISTS (SELECT 1 FROM officer_log WHERE election = NEW.election AND seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'append-only: this officer-log entry exists'); END;
CREATE TRIGGER checkpoints_no_replace BEFORE INSERT ON checkpoints
WHEN EXISTS (SELECT 1 FROM checkpoints WHERE election = NEW.election AND log = NEW.log AND seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'append-only: this checkpoint exists'); END;
CREATE TRIGGER results_no_replace BEFORE INSERT ON results
WHEN EXISTS (SELECT 1 FROM results WHERE election = NEW.election)
BEGIN SELECT RAISE(ABORT, 'append-only: this result exists'); END;
CREATE TRIGGER paper_entries_no_replace BEFORE INSERT ON paper_entries
WHEN EXISTS (SELECT 1 FROM paper_entries WHERE election = NEW.election AND batch = NEW.batch
             AND serial = NEW.serial AND entry = NEW.entry)
BEGIN SELECT RAISE(ABORT, 'append-only: this paper entry exists'); END;
CREATE TRIGGER paper_ballots_no_replace BEFORE INSERT ON paper_ballots
WHEN EXISTS (SELECT 1 FROM paper_ballots WHERE election = NEW.election AND batch = NEW.batch AND serial = NEW.serial)
BEGIN SELECT RAISE(ABORT, 'append-only: this paper ballot exists'); END;
CREATE TRIGGER paper_ballots_status BEFORE UPDATE ON paper_ballots
WHEN NEW.election IS NOT OLD.election OR NEW.batch IS NOT OLD.batch OR NEW.serial IS NOT OLD.serial
  OR NOT ((OLD.status = 'pending' AND NEW.status IN ('matched','disputed'))
       OR (OLD.status = 'disputed' AND NEW.status IN ('resolved','spoiled')))
BEGIN SELECT RAISE(ABORT, 'append-only: a paper ballot goes pending, then matched or disputed, then resolved or spoiled'); END;
CREATE TRIGGER paper_ballots_no_delete BEFORE DELETE ON paper_ballots
BEGIN SELECT RAISE(ABORT, 'append-only: a paper ballot is never deleted'); END;
CREATE TRIGGER ballots_log_index_unique BEFORE UPDATE OF log_index ON ballots
WHEN NEW.log_index IS NOT NULL AND EXISTS (SELECT 1 FROM ballots WHERE election = NEW.election
     AND log_index = NEW.log_index AND leaf <> NEW.leaf)
BEGIN SELECT RAISE(ABORT, 'append-only: this log position is taken'); END;
)SQL"},
    {7, "idempotency keys",
     R"SQL(
-- A client's retry of a ballot (same code, same key) gets the first receipt back.
-- Rows live only while the election is open: close deletes them.
CREATE TABLE idempotency (
  election TEXT NOT NULL REFERENCES elections(id),
  key      BLOB NOT NULL,               -- HMAC(code key, normalized code || 0x00 || client key)
  leaf     BLOB NOT NULL,
  PRIMARY KEY (election, key)
) WITHOUT ROWID;
)SQL"},
    {8, "registered kiosks",
     R"SQL(
-- A kiosk registered while the election is open; its tokens are issued on it and
-- stop working when it is retired. A kiosk is never deleted and only ever goes
-- from in service to retired.
CREATE TABLE kiosks (
  election      TEXT NOT NULL REFERENCES elections(id),
  id            TEXT NOT NULL,          -- short slug, unique in the election
  name          TEXT NOT NULL,          -- 1 to 80 characters, unique in the election (any case)
  district      TEXT NOT NULL DEFAULT '',
  registered_by TEXT NOT NULL,
  retired       INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0,1)),
  PRIMARY KEY (election, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX kiosks_name ON kiosks (election, name COLLATE NOCASE);
CREATE TRIGGER kiosks_while_open BEFORE INSERT ON kiosks
WHEN (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
BEGIN SELECT RAISE(ABORT, 'state: kiosks are registered only while the election is open'); END;
CREATE TRIGGER kiosks_no_replace BEFORE INSERT ON kiosks
WHEN EXISTS (SELECT 1 FROM kiosks WHERE election = NEW.election AND id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'append-only: this kiosk exists'); END;
CREATE TRIGGER kiosks_retire_once BEFORE UPDATE ON kiosks
WHEN NEW.election IS NOT OLD.election OR NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name
  OR NEW.district IS NOT OLD.district OR NEW.registered_by IS NOT OLD.registered_by
  OR OLD.retired = 1 OR NEW.retired <> 1
  OR (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
BEGIN SELECT RAISE(ABORT, 'frozen: a kiosk only changes from in service to retired, while the election is open'); END;
CREATE TRIGGER kiosks_no_delete BEFORE DELETE ON kiosks
BEGIN SELECT RAISE(ABORT, 'append-only: a registered kiosk is never deleted'); END;

-- The kiosk a token was issued on (NULL: a voting code, or a token issued without one).
ALTER TABLE credentials ADD COLUMN kiosk TEXT;
-- Covers the counts per kiosk (Store::kiosks) without reading an election's codes.
CREATE INDEX credentials_kiosk ON credentials (election, kiosk, used, expires_at) WHERE kiosk IS NOT NULL;
CREATE TRIGGER credentials_kiosk_in_service BEFORE INSERT ON credentials
WHEN NEW.kiosk IS NOT NULL AND (NEW.kind <> 'kiosk' OR NOT EXISTS (
       SELECT 1 FROM kiosks WHERE election = NEW.election AND id = NEW.kiosk
       AND retired = 0 AND district = NEW.district))
BEGIN SELECT RAISE(ABORT, 'state: tokens are issued only on a kiosk in service, for its district'); END;
-- As in migration 2, with the kiosk column, and a token of a retired kiosk never votes.
DROP TRIGGER credentials_use_once;
CREATE TRIGGER credentials_use_once BEFORE UPDATE ON credentials
WHEN NEW.election IS NOT OLD.election OR NEW.hmac IS NOT OLD.hmac OR NEW.kind IS NOT OLD.kind
  OR NEW.district IS NOT OLD.district OR NEW.expires_at IS NOT OLD.expires_at OR NEW.kiosk IS NOT OLD.kiosk
  OR OLD.used = 1 OR NEW.used <> 1
  OR (SELECT state FROM elections WHERE id = NEW.election) <> 'open'
  OR EXISTS (SELECT 1 FROM kiosks WHERE election = NEW.election AND id = NEW.kiosk AND retired = 1)
BEGIN SELECT RAISE(ABORT, 'frozen: a credential only goes from unused to used, while open, its kiosk in service'); END;
)SQL"},
};

}  // namespace

const std::vector<Migration>& migrations() { return kMigrations; }
int latest_version() { return kMigrations.back().version; }

int version_of(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

void migrate(SQLite::Database& db, int target) {
  if (target < 0) target = latest_version();
  const int current = version_of(db);
  if (current > latest_version())
    throw std::runtime_error("the database has schema version " + std::to_string(current) +
                             ", newer than this program knows (" + std::to_string(latest_version()) +
                             "): use a newer allot");
  for (const auto& m : kMigrations) {
    if (m.version <= current || m.version > target) continue;
    SQLite::Transaction tx(db);
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    tx.commit();
  }
}

}  // namespace allot::store::schema
