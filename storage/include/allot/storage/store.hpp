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

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
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
  // The clock for officer-log times, token expiry and batch age (tests inject one).
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct Receipt {
  nlohmann::json document;  // signed receipt/1
  std::string code;         // "XXXXX-XXXXX"
  std::string leaf;         // leaf hash, hex
};

struct ElectionSummary {
  std::string id;
  std::string state;
  nlohmann::json title;  // language -> text
  std::string manifest_hash;  // "" in draft
};

struct WriterStats {
  std::uint64_t transactions = 0;
  std::uint64_t requests = 0;        // requests committed or refused
  std::uint64_t largest_group = 0;
  std::size_t queue_depth = 0;
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

  // --- credentials ----------------------------------------------------------
  // New voting codes (draft only); returns them (the caller prints them; only
  // their HMACs are stored).
  std::vector<std::string> generate_codes(const std::string& actor, const std::string& election, std::size_t count,
                                          const std::string& district = "");
  // A single-use kiosk token (open only) valid for `ttl`.
  std::string issue_kiosk_token(const std::string& actor, const std::string& election, const std::string& district,
                                std::chrono::seconds ttl = std::chrono::minutes(15));
  // The district of an unused code or token, or a StoreError (unknown_code,
  // already_used, expired). Used to show a voter their ballot.
  std::string credential_district(const std::string& election, const std::string& typed) const;

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
  // receipt of the ballot stored the first time instead of "already used", and
  // never stores twice. Keys are kept (as an HMAC with the code) only until close.
  Receipt cast(const std::string& election, const std::string& typed, const nlohmann::json& answers,
               const std::string& idempotency_key = "");
  // Ballots stored so far (sealed or not), for the live turnout screen.
  std::int64_t turnout(const std::string& election) const;
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
