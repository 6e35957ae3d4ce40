// The election store: one SQLite file and two key files in a data directory.
//
// Every SQL statement of allot lives in storage/src/store. Writes go through one
// writer thread that commits waiting requests together (group commit) and answers
// each caller only after the transaction holding its change is durable (WAL,
// synchronous=FULL). Reads use their own connections.
//
// Guarantees (each enforced by SQL triggers as well as by this API, so no path can
// bypass them): an opened election's definition never changes; a credential votes
// once; a ballot is never changed or deleted and holds no credential reference and
// no time; the logs are append-only. Errors are StoreError with a stable code
// (for the HTTP layer) and a sentence a person understands.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "allot/storage/record.hpp"

namespace allot::store {

// Stable error codes.
//   invalid       the request is malformed or breaks a rule (problems say how)
//   not_found     no such election, user, entry ...
//   frozen        the election is open (or later): its definition cannot change
//   wrong_state   the action does not fit the election's state
//   unknown_code  no such voting code or kiosk token for this election
//   already_used  the code or token has voted already
//   expired       the kiosk token is too old
//   retired       the kiosk token was issued on a kiosk that has been retired
//   conflict      the action clashes with what exists (duplicate id, same officer twice)
//   not_sealed    the ballot's batch is not sealed yet: no inclusion proof yet
//   unavailable   the store could not save (disk full, read-only): nothing was saved
struct StoreError : std::runtime_error {
  StoreError(std::string code, const std::string& message, std::vector<std::string> problems = {})
      : std::runtime_error(message), code(std::move(code)), problems(std::move(problems)) {}
  std::string code;
  std::vector<std::string> problems;
};

enum class Role { Admin, Officer, KioskStaff, Auditor };
const char* to_string(Role r);
std::optional<Role> role_from_string(const std::string& s);

struct Options {
  std::filesystem::path data_dir;
  // A batch of ballots seals (joins the log, shuffled) once this many wait ...
  std::size_t batch_min = 16;
  // ... or when seal_due() finds it older than this.
  std::chrono::seconds batch_max_age{300};
  // Most requests committed in one transaction.
  std::size_t group_max = 1024;
  // The write-ahead log's length (pages of 4 KB) at which a second thread copies it
  // back into the database file. A longer log copies a page changed by several
  // commits once: 8,000 pages (32 MB) wrote a fifth less than 1,000 under load and
  // halved the checkpoint thread's CPU per ballot (docs/PERFORMANCE.md).
  int wal_checkpoint_pages = 8000;
  // The clock for officer-log times, token expiry and batch age (tests inject one).
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct Receipt {
  nlohmann::json document;  // signed receipt/2 (storage/include/allot/storage/receipt.hpp)
  std::string code;         // "XXXXX-XXXXX"
  std::string leaf;         // leaf hash, hex
  std::string channel;      // the ballot's channel: "online" (a voting code) or "kiosk" (a kiosk token)
  bool repeat = false;      // the ballot was stored earlier, with the same code and idempotency key
};

// What an unused credential is (Store::credential_info).
struct CredentialInfo {
  std::string kind;      // "code" or "kiosk"
  std::string district;  // "" = none
  std::string kiosk;     // the registered kiosk a token was issued on, "" = none
};

// A kiosk registered for an election, with what became of its tokens.
struct Kiosk {
  std::string id;        // short slug, unique in the election
  std::string name;      // 1 to 80 characters, unique in the election (any case)
  std::string district;  // "" = none; every token issued on it has this district
  std::string registered_by;
  bool retired = false;
  std::int64_t tokens_issued = 0;
  std::int64_t tokens_used = 0;
  std::int64_t tokens_available = 0;  // unused, unexpired and still usable (0 once retired)
};

// Tokens issued together on one kiosk (Store::issue_kiosk_tokens).
struct KioskPool {
  std::string kiosk;
  std::string district;
  std::vector<std::string> tokens;
};

struct ElectionSummary {
  std::string id;
  std::string state;
  nlohmann::json title;  // language -> text
  std::string manifest_hash;  // "" in draft
};

struct WriterStats {
  // Upper bounds of the group-size histogram's buckets (a last one counts larger groups).
  static constexpr std::array<std::uint64_t, 8> kGroupSizeBounds = {1, 2, 4, 8, 16, 32, 64, 128};

  std::uint64_t transactions = 0;
  std::uint64_t requests = 0;        // requests committed or refused
  std::uint64_t largest_group = 0;
  std::size_t queue_depth = 0;
  // Committed transactions by the number of requests in them: group_sizes[i] counts
  // groups of more than kGroupSizeBounds[i-1] and at most kGroupSizeBounds[i]
  // requests (not cumulative); the last entry those of more than 128.
  std::array<std::uint64_t, kGroupSizeBounds.size() + 1> group_sizes{};
  std::uint64_t group_size_sum = 0;  // requests in committed transactions
  // The write-ahead log: its length in pages after the last commit, and the
  // checkpoints (copies of the log into the database file) run beside the writer.
  std::uint64_t wal_pages = 0;
  std::uint64_t wal_checkpoints = 0;
  // Groups whose end step (sealing full batches) failed and was rolled back alone:
  // their ballots are stored and wait in the pending batch.
  std::uint64_t seal_failures = 0;
};

struct ReceiptStats {
  std::uint64_t receipts = 0;    // receipt documents made (repeats included)
  std::uint64_t signatures = 0;  // Ed25519 signatures they needed: one per batch
};

struct PaperOutcome {
  std::string status;   // pending | matched | disputed | resolved | spoiled
  std::string message;  // for the officer
};

class Store {
 public:
  // Opens (creating if needed) the data directory: database file, signing key and
  // code key (mode 0600), migrations to the latest schema. Starts the writer.
  explicit Store(Options options);
  ~Store();  // finishes every queued request, then stops the writer
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int latest_schema_version();
  int schema_version() const;
  std::string signing_key_hex() const;  // Ed25519 public key
  const Options& options() const;
  WriterStats writer_stats() const;
  // Receipts signed so far, and the signatures that covered them (one per batch).
  ReceiptStats receipt_stats() const;

  // --- officers -------------------------------------------------------------
  void create_user(const std::string& actor, const std::string& username, const std::string& password, Role role);
  // The user's role when the password is right.
  std::optional<Role> authenticate(const std::string& username, const std::string& password) const;

  // --- elections (definitions: docs/record-format.md manifest, without
  // "allot", "credentials" and "keys") ----------------------------------------
  void create_election(const std::string& actor, const nlohmann::json& definition);
  void update_election(const std::string& actor, const std::string& election, const nlohmann::json& definition);
  void delete_election(const std::string& actor, const std::string& election);  // draft only
  std::vector<ElectionSummary> list_elections() const;
  std::string state(const std::string& election) const;
  nlohmann::json definition(const std::string& election) const;
  nlohmann::json manifest(const std::string& election) const;     // open and later
  std::string manifest_hash(const std::string& election) const;   // open and later
  // True when this store has already read the election's manifest, so it exists and
  // has opened (an opened election is never deleted); answered from memory. False
  // means "not known yet": ask state().
  bool known_opened(const std::string& election) const;

  // --- credentials ----------------------------------------------------------
  // New voting codes (draft only); returns them (the caller prints them; only
  // their HMACs are stored).
  std::vector<std::string> generate_codes(const std::string& actor, const std::string& election, std::size_t count,
                                          const std::string& district = "");
  // A single-use kiosk token (open only) valid for `ttl` (1 s to 24 h), on no
  // registered kiosk (the simple path; see issue_kiosk_tokens).
  std::string issue_kiosk_token(const std::string& actor, const std::string& election, const std::string& district,
                                std::chrono::seconds ttl = std::chrono::minutes(15));
  // What an unused code or token is (kind, district, kiosk), or a StoreError
  // (unknown_code, already_used, retired, expired; invalid for a mistyped one). Used
  // to show a voter their ballot.
  CredentialInfo credential_info(const std::string& election, const std::string& typed) const;
  // credential_info(...).district.
  std::string credential_district(const std::string& election, const std::string& typed) const;

  // --- kiosks (open only) -----------------------------------------------------
  // Registers a kiosk: `name` 1 to 80 characters (no control characters, no spaces
  // around it), `district` one of the election's ("" = none), `id` a short slug
  // (lower-case letters, digits, '-', '_'; at most 32) or "" to make one from the
  // name. Refuses: invalid (name, id, unknown district), conflict (the name, in
  // any case, or the id is taken), wrong_state (not open). Logged as
  // kiosk.register {kiosk, name, district} in the same transaction.
  Kiosk register_kiosk(const std::string& actor, const std::string& election, const std::string& name,
                       const std::string& district = "", const std::string& id = "");
  // The election's kiosks by name, with their token counts (any state; empty when none).
  std::vector<Kiosk> kiosks(const std::string& election) const;
  // `count` (1 to 50) single-use tokens on a kiosk in service, each with the
  // kiosk's district, valid for `ttl` (1 s to 24 h). Refuses: not_found (no such
  // kiosk), retired (the kiosk is retired), invalid, wrong_state. Logged once as
  // kiosk.tokens {kiosk, count}.
  KioskPool issue_kiosk_tokens(const std::string& actor, const std::string& election, const std::string& kiosk,
                               std::size_t count, std::chrono::seconds ttl);
  // Retires a kiosk: from now on its unused tokens are refused ("retired"). Returns
  // the kiosk as it is now. Refuses: not_found, conflict (already retired),
  // wrong_state. Logged as kiosk.retire {kiosk}.
  Kiosk retire_kiosk(const std::string& actor, const std::string& election, const std::string& kiosk);

  // --- lifecycle ------------------------------------------------------------
  void open(const std::string& actor, const std::string& election);
  void close(const std::string& actor, const std::string& election);
  // Official tally with the manifest's rules and this seed; returns the signed result.
  nlohmann::json tally(const std::string& actor, const std::string& election, const std::string& seed);
  void publish(const std::string& actor, const std::string& election);
  // Any rule on a closed (or later) election's ballots; never stored or signed.
  nlohmann::json preview(const std::string& election, const std::string& contest, const std::string& rule,
                         const std::map<std::string, std::string>& rule_options, const std::string& seed) const;
  nlohmann::json result(const std::string& election) const;  // tallied and later

  // --- voting ---------------------------------------------------------------
  // A voter's ballot with a voting code or a kiosk token (whichever `typed` is):
  // validated against the manifest, then in one transaction the credential is
  // marked used and the ballot stored. Returns after the commit is durable.
  //
  // `idempotency_key` (optional, 8 to 128 printable characters, chosen by the
  // client per ballot): a repeated cast with the same code and key returns the
  // receipt of the ballot stored the first time (with `repeat` set) instead of
  // "already used", even though the credential is now used, and never stores
  // twice. Keys are kept (as an HMAC with the code) only until close.
  Receipt cast(const std::string& election, const std::string& typed, const nlohmann::json& answers,
               const std::string& idempotency_key = "");
  // As cast, for a caller that read the credential with credential_info earlier (a
  // voter's ballot session): `known` gives its kind and district, so no read comes
  // before the write. The write still refuses a credential that is used, expired or
  // of a retired kiosk by now, with the same errors as cast.
  Receipt cast(const std::string& election, const std::string& typed, const CredentialInfo& known,
               const nlohmann::json& answers, const std::string& idempotency_key);
  // As the cast with `known` above, without waiting for the commit and without an
  // idempotency key: the checks that need no write run now and throw as cast does;
  // then `done` is called once, on the store's writer thread, with a function that
  // returns the receipt or throws what cast would have thrown. `done` must be quick
  // and must not throw: it hands that function to a thread of the caller's (the
  // server runs it on the connection's I/O thread). The receipt is for a durable
  // ballot, as cast's. The caller answers a client's retry itself (a voter's ballot
  // session keeps its key and receipt); the store keeps nothing that ties the
  // ballot to its code, and a second cast with the code is refused as used.
  void cast_async(const std::string& election, const std::string& typed, const CredentialInfo& known,
                  const nlohmann::json& answers, std::function<void(std::function<Receipt()>)> done);
  // As cast, for a kiosk token only (a voting code is refused as unknown_code):
  // the path of a kiosk sending its queued ballots, where the key is required.
  Receipt cast_kiosk(const std::string& election, const std::string& token, const nlohmann::json& answers,
                     const std::string& idempotency_key);
  // Ballots stored so far (sealed or not), for the live turnout screen.
  std::int64_t turnout(const std::string& election) const;
  // The same by channel: "online", "kiosk" and "paper", each present.
  std::map<std::string, std::int64_t> turnout_by_channel(const std::string& election) const;
  // Seals every batch older than batch_max_age (the server calls this on a timer).
  void seal_due();

  // --- paper ballots (double entry) -----------------------------------------
  PaperOutcome paper_enter(const std::string& actor, const std::string& election, const std::string& batch,
                           const std::string& serial, const std::string& district, const nlohmann::json& answers);
  // The third look at a disputed paper ballot: accept these answers, or spoil it.
  PaperOutcome paper_resolve(const std::string& actor, const std::string& election, const std::string& batch,
                             const std::string& serial, const std::string& district, const nlohmann::json& answers);
  PaperOutcome paper_spoil(const std::string& actor, const std::string& election, const std::string& batch,
                           const std::string& serial);
  // Per batch: counted, matched, resolved, disputed (with both entries), pending, spoiled.
  nlohmann::json paper_report(const std::string& election) const;

  // --- audit ----------------------------------------------------------------
  std::vector<nlohmann::json> checkpoints(const std::string& election, const std::string& log) const;
  // {"leaf_index", "tree_size", "path": [hex], "checkpoint": signed}
  nlohmann::json inclusion_proof(const std::string& election, const std::string& leaf_hex) const;
  // The leaf hashes (hex) of the ballots whose receipt code is `typed` (the first
  // 50 bits of the leaf; normally one, more only by a 1 in 2^50 chance; none when
  // no ballot has it). A public election only (not_found for a draft); a mistyped
  // code is `invalid`. Reads the ballots' primary key as a range, never the whole table.
  std::vector<std::string> leaves_of_receipt(const std::string& election, const std::string& typed) const;
  // {"old_size", "new_size", "path": [hex], "old": checkpoint, "new": checkpoint}
  nlohmann::json consistency_proof(const std::string& election, std::uint64_t old_size, std::uint64_t new_size) const;
  std::vector<nlohmann::json> officer_log(const std::string& election) const;
  std::vector<nlohmann::json> ballots(const std::string& election) const;  // sealed, log order
  // The record's files (tallied or published elections) and writing them.
  record::Files record_files(const std::string& election) const;
  void export_record(const std::string& election, const std::filesystem::path& dir) const;

  // --- operations -----------------------------------------------------------
  // A consistent copy of the database to a new file while the store keeps running
  // (SQLite's online backup). The key files are not in it: back them up separately.
  void backup(const std::filesystem::path& file) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace allot::store
