#include "allot/storage/store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <SQLiteCpp/Backup.h>
#include <sqlite3.h>

#include "allot/storage/canonical.hpp"
#include "allot/storage/codes.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/manifest.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/receipt.hpp"
#include "schema.hpp"
#include "writer.hpp"

namespace allot::store {

using nlohmann::json;
namespace fs = std::filesystem;

const char* to_string(Role r) {
  switch (r) {
    case Role::Admin: return "admin";
    case Role::Officer: return "officer";
    case Role::KioskStaff: return "kiosk-staff";
    case Role::Auditor: return "auditor";
  }
  return "officer";
}

std::optional<Role> role_from_string(const std::string& s) {
  if (s == "admin") return Role::Admin;
  if (s == "officer") return Role::Officer;
  if (s == "kiosk-staff") return Role::KioskStaff;
  if (s == "auditor") return Role::Auditor;
  return std::nullopt;
}

namespace {

const std::string kZeroHash(64, '0');

std::string blob_of(const merkle::Hash& h) { return std::string(reinterpret_cast<const char*>(h.data()), h.size()); }

merkle::Hash hash_of_blob(const SQLite::Column& c) {
  merkle::Hash h{};
  if (c.getBytes() != static_cast<int>(h.size())) throw StoreError("unavailable", "a stored hash has the wrong size");
  std::memcpy(h.data(), c.getBlob(), h.size());
  return h;
}

void bind_blob(SQLite::Statement& q, int index, const std::string& bytes) {
  q.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw StoreError("unavailable", "cannot read " + p.filename().string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_actor(const std::string& actor) {
  if (actor.empty()) throw StoreError("invalid", "every officer action needs the name of the officer doing it");
}

// A stored ballot as a receipt names it: its leaf and channel.
struct Stored {
  merkle::Hash leaf{};
  std::string channel;
};

struct ManifestInfo {
  json manifest;
  std::string hash;
  std::vector<Contest> contests;
};

// A log's head as the writer knows it: size, frontier and last leaf. Checked
// against the latest stored checkpoint before every use.
struct LogHead {
  merkle::Frontier frontier;
  merkle::Hash last{};
  std::uint64_t checkpoints = 0;
};

}  // namespace

struct Store::Impl {
  Options opts;
  std::string db_path;
  crypto::SigningKey key;
  std::string key_hex;
  std::string code_key;
  std::unique_ptr<Writer> writer;

  // Reader connections, reused.
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Connection>> pool;

  // Manifests of opened elections never change: cached for the voting path.
  mutable std::mutex manifest_mu;
  mutable std::map<std::string, std::shared_ptr<const ManifestInfo>> manifests;

  // Writer-thread only.
  std::map<std::string, LogHead> heads;

  // Receipts. Each cast that stores a ballot leaves its statement's leaf here
  // (writer thread); once the group's commit is durable, the writer signs one tree
  // over them all, and each cast then makes its own receipt from that tree.
  struct ReceiptSlot {
    crypto::Hash leaf{};                                // receipt::statement_leaf
    std::shared_ptr<const receipt::SignedBatch> batch;  // set after the commit
    std::size_t index = 0;                              // the leaf's place in `batch`
  };
  std::vector<ReceiptSlot*> group_receipts;  // writer thread only
  // Elections that received ballots in the current group -> their manifest hash
  // (writer thread only; see end_group).
  std::map<std::string, std::string> group_elections;
  std::atomic<std::uint64_t> receipts_made{0}, receipt_signatures{0};

  // The signed tree over `leaves`, counted.
  std::shared_ptr<const receipt::SignedBatch> sign_receipt_batch(std::vector<crypto::Hash> leaves) {
    auto batch = std::make_shared<const receipt::SignedBatch>(std::move(leaves), key);
    ++receipt_signatures;
    return batch;
  }

  // After a group's commit (writer thread). A failure leaves the batches unset:
  // each cast then signs its own receipt and reports what failed.
  void sign_group_receipts() noexcept {
    std::vector<ReceiptSlot*> slots;
    slots.swap(group_receipts);
    if (slots.empty()) return;
    try {
      std::vector<crypto::Hash> leaves;
      leaves.reserve(slots.size());
      for (const auto* slot : slots) leaves.push_back(slot->leaf);
      const auto batch = sign_receipt_batch(std::move(leaves));
      for (std::size_t i = 0; i < slots.size(); ++i) {
        slots[i]->batch = batch;
        slots[i]->index = i;
      }
    } catch (...) {
    }
  }

  Impl(Options o, crypto::SigningKey k) : opts(std::move(o)), key(std::move(k)) {}

  std::chrono::system_clock::time_point now() const {
    return opts.clock ? opts.clock() : std::chrono::system_clock::now();
  }

  // --- readers ---------------------------------------------------------------
  struct Lease {
    const Impl* impl;
    std::unique_ptr<Connection> db;
    ~Lease() {
      if (db) {
        std::lock_guard lk(impl->pool_mu);
        impl->pool.push_back(std::move(db));
      }
    }
    Connection& operator*() { return *db; }
    Connection* operator->() { return db.get(); }
  };
  Lease reader() const {
    std::unique_ptr<Connection> db;
    {
      std::lock_guard lk(pool_mu);
      if (!pool.empty()) {
        db = std::move(pool.back());
        pool.pop_back();
      }
    }
    if (!db) db = open_connection(db_path, false);
    return Lease{this, std::move(db)};
  }

  template <class F>
  auto read(F&& f) const {
    auto lease = reader();
    try {
      ReadTransaction tx(*lease);  // one snapshot for the whole read
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Connection&>>) {
        f(*lease);
        tx.commit();
      } else {
        auto out = f(*lease);
        tx.commit();
        return out;
      }
    } catch (const SQLite::Exception& e) {
      rethrow_sqlite(e);
    }
  }

  template <class F>
  auto write(F&& f) {
    return writer->run(std::forward<F>(f));
  }

  // --- shared queries ----------------------------------------------------------
  static std::string state_of(Connection& db, const std::string& election) {
    Stmt q(db, "SELECT state FROM elections WHERE id = ?");
    q.bind(1, election);
    if (!q.executeStep()) throw StoreError("not_found", "there is no election '" + election + "'");
    return q.getColumn(0).getString();
  }

  static void require_state(Connection& db, const std::string& election, std::initializer_list<const char*> ok,
                            const std::string& doing) {
    const std::string s = state_of(db, election);
    for (const char* x : ok)
      if (s == x) return;
    throw StoreError("wrong_state", "cannot " + doing + ": the election is " + s);
  }

  std::shared_ptr<const ManifestInfo> manifest_info(const std::string& election) const {
    {
      std::lock_guard lk(manifest_mu);
      auto it = manifests.find(election);
      if (it != manifests.end()) return it->second;
    }
    auto info = read([&](Connection& db) {
      Stmt q(db, "SELECT state, manifest, manifest_hash FROM elections WHERE id = ?");
      q.bind(1, election);
      if (!q.executeStep()) throw StoreError("not_found", "there is no election '" + election + "'");
      if (q.getColumn(1).isNull())
        throw StoreError("wrong_state", "the election '" + election + "' has not opened yet");
      auto i = std::make_shared<ManifestInfo>();
      i->manifest = canonical::parse(q.getColumn(1).getString());
      i->hash = q.getColumn(2).getString();
      i->contests = manifest::contests_of(i->manifest);
      return std::shared_ptr<const ManifestInfo>(i);
    });
    std::lock_guard lk(manifest_mu);
    manifests[election] = info;
    return info;
  }

  crypto::Hash credential_hmac(const std::string& normalized) const {
    return crypto::hmac_sha256(code_key, normalized);
  }

  std::string parse_typed(const std::string& typed) const {
    const auto p = codes::parse_code(typed);
    if (!p.ok) throw StoreError("invalid", p.problem);
    return p.normalized;
  }

  // --- logs (writer thread) ------------------------------------------------------
  LogHead& head(Connection& db, const std::string& election, const std::string& log) {
    const std::string k = election + '\x1f' + log;
    Stmt last(db,
                           "SELECT seq, size, root FROM checkpoints WHERE election = ? AND log = ? "
                           "ORDER BY seq DESC LIMIT 1");
    last.bind(1, election);
    last.bind(2, log);
    std::uint64_t size = 0, count = 0;
    merkle::Hash root = merkle::empty_root();
    if (last.executeStep()) {
      count = static_cast<std::uint64_t>(last.getColumn(0).getInt64()) + 1;
      size = static_cast<std::uint64_t>(last.getColumn(1).getInt64());
      root = hash_of_blob(last.getColumn(2));
    }
    auto it = heads.find(k);
    if (it != heads.end() && it->second.frontier.size() == size && it->second.frontier.root() == root &&
        it->second.checkpoints == count)
      return it->second;
    LogHead h;
    h.checkpoints = count;
    Stmt q(db, log == "ballots"
                                ? "SELECT leaf FROM ballots WHERE election = ? AND log_index IS NOT NULL "
                                  "ORDER BY log_index"
                                : "SELECT leaf FROM officer_log WHERE election = ? ORDER BY seq");
    q.bind(1, election);
    while (q.executeStep()) {
      h.last = hash_of_blob(q.getColumn(0));
      h.frontier.append(h.last);
    }
    // Every officer entry has its checkpoint; ballots may be sealed beyond none yet.
    if (log == "officer" && h.frontier.size() != size)
      throw StoreError("unavailable", "the officer log of '" + election + "' does not match its last checkpoint");
    if (log == "ballots" && (h.frontier.size() != size || h.frontier.root() != root))
      throw StoreError("unavailable", "the ballot log of '" + election + "' does not match its last checkpoint");
    heads[k] = h;
    return heads[k];
  }

  json write_checkpoint(Connection& db, const std::string& election, const std::string& log, LogHead& h,
                        const std::string& manifest_hash) {
    const merkle::Hash root = h.frontier.root();
    json cp = {{"allot", "checkpoint/1"},
               {"election", election},
               {"log", log},
               {"root", crypto::to_hex(root)},
               {"size", h.frontier.size()}};
    if (log == "ballots") cp["manifest"] = manifest_hash;
    cp = record::sign(cp, key);
    Stmt ins(db,
                          "INSERT INTO checkpoints (election, log, seq, size, root, document) "
                          "VALUES (?, ?, ?, ?, ?, ?)");
    ins.bind(1, election);
    ins.bind(2, log);
    ins.bind(3, static_cast<std::int64_t>(h.checkpoints));
    ins.bind(4, static_cast<std::int64_t>(h.frontier.size()));
    bind_blob(ins, 5, blob_of(root));
    ins.bind(6, canonical::dump(cp));
    ins.exec();
    ++h.checkpoints;
    return cp;
  }

  void log_action(Connection& db, const std::string& election, const std::string& actor,
                  const std::string& action, const json& details) {
    LogHead& h = head(db, election, "officer");
    const json entry = {{"action", action},
                        {"actor", actor},
                        {"allot", "officer-entry/1"},
                        {"at", iso_time(now())},
                        {"details", details},
                        {"election", election},
                        {"prev", h.frontier.size() == 0 ? kZeroHash : crypto::to_hex(h.last)},
                        {"seq", h.frontier.size()}};
    const std::string bytes = canonical::dump(entry);
    const merkle::Hash leaf = merkle::leaf_hash(bytes);
    Stmt ins(db, "INSERT INTO officer_log (election, seq, entry, leaf) VALUES (?, ?, ?, ?)");
    ins.bind(1, election);
    ins.bind(2, static_cast<std::int64_t>(h.frontier.size()));
    ins.bind(3, bytes);
    bind_blob(ins, 4, blob_of(leaf));
    ins.exec();
    h.frontier.append(leaf);
    h.last = leaf;
    write_checkpoint(db, election, "officer", h, "");
  }

  // Seals the pending batch: its ballots join the log sorted by leaf hash, then a
  // signed checkpoint. `always` writes a checkpoint even with nothing pending.
  void seal(Connection& db, const std::string& election, const std::string& manifest_hash, bool always) {
    LogHead& h = head(db, election, "ballots");
    Stmt pending(db,
                              "SELECT leaf FROM ballots WHERE election = ? AND log_index IS NULL ORDER BY leaf");
    pending.bind(1, election);
    std::vector<merkle::Hash> leaves;
    while (pending.executeStep()) leaves.push_back(hash_of_blob(pending.getColumn(0)));
    if (leaves.empty() && !always) return;
    Stmt upd(db, "UPDATE ballots SET log_index = ? WHERE election = ? AND leaf = ?");
    for (const auto& leaf : leaves) {
      upd.bind(1, static_cast<std::int64_t>(h.frontier.size()));
      upd.bind(2, election);
      bind_blob(upd, 3, blob_of(leaf));
      upd.exec();
      upd.reset();
      h.frontier.append(leaf);
      h.last = leaf;
    }
    Stmt del(db, "DELETE FROM pending_batches WHERE election = ?");
    del.bind(1, election);
    del.exec();
    write_checkpoint(db, election, "ballots", h, manifest_hash);
  }

  // Inserts one accepted ballot; the end of its write group seals the batch when it is full.
  void insert_ballot(Connection& db, const std::string& election, const std::string& manifest_hash,
                     const std::string& body, const merkle::Hash& leaf, const std::string& channel,
                     const std::string& district) {
    Stmt ins(db,
                          "INSERT INTO ballots (election, leaf, body, channel, district) VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, election);
    bind_blob(ins, 2, blob_of(leaf));
    ins.bind(3, body);
    ins.bind(4, channel);
    ins.bind(5, district);
    ins.exec();
    group_elections.emplace(election, manifest_hash);
  }

  // The end of a write group (writer thread, inside its transaction): each election
  // that received ballots seals its pending batch once it holds batch_min ballots,
  // or notes when the batch started filling (for seal_due). Sealing once per group
  // rather than at the batch_min-th ballot signs one checkpoint per group, and sets
  // the log positions of the group's ballots in the pages the group writes anyway.
  void end_group(Connection& db) {
    std::map<std::string, std::string> elections;
    elections.swap(group_elections);
    for (const auto& [election, manifest_hash] : elections) {
      Stmt count(db, "SELECT count(*) FROM ballots WHERE election = ? AND log_index IS NULL");
      count.bind(1, election);
      count.executeStep();
      const auto pending = static_cast<std::size_t>(count.getColumn(0).getInt64());
      if (pending == 0) continue;  // the ballots' requests were rolled back
      if (pending >= opts.batch_min) {
        seal(db, election, manifest_hash, false);
        continue;
      }
      Stmt batch(db, "INSERT OR IGNORE INTO pending_batches (election, opened_at) VALUES (?, ?)");
      batch.bind(1, election);
      batch.bind(2, unix_seconds(now()));
      batch.exec();
    }
  }

  // Ballots stored so far (sealed or not) per channel, every channel present.
  static std::map<std::string, std::int64_t> channel_counts(Connection& db, const std::string& election) {
    std::map<std::string, std::int64_t> out = {{"kiosk", 0}, {"online", 0}, {"paper", 0}};
    Stmt q(db, "SELECT channel, count(*) FROM ballots WHERE election = ? GROUP BY channel");
    q.bind(1, election);
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    return out;
  }

  json counts(Connection& db, const std::string& election, const json& manifest) {
    const auto channels = channel_counts(db, election);
    json by_channel = json::object();
    std::int64_t total = 0;
    for (const auto& [channel, n] : channels) {
      by_channel[channel] = n;
      total += n;
    }
    json codes_used = json::object();
    for (const auto& [d, n] : manifest.at("credentials").at("by_district").items()) {
      (void)n;
      codes_used[d] = 0;
    }
    Stmt u(db,
                        "SELECT district, count(*) FROM credentials WHERE election = ? AND kind = 'code' AND used = 1 "
                        "GROUP BY district");
    u.bind(1, election);
    while (u.executeStep()) codes_used[u.getColumn(0).getString()] = u.getColumn(1).getInt64();
    Stmt k(db, "SELECT count(*) FROM credentials WHERE election = ? AND kind = 'kiosk' AND used = 1");
    k.bind(1, election);
    k.executeStep();
    Stmt p(db,
                        "SELECT count(*) FROM paper_ballots WHERE election = ? AND status IN ('matched','resolved')");
    p.bind(1, election);
    p.executeStep();
    return json{{"ballots", total},
                {"by_channel", by_channel},
                {"codes_used", codes_used},
                {"kiosk_tokens_used", k.getColumn(0).getInt64()},
                {"paper_accepted", p.getColumn(0).getInt64()}};
  }

  std::vector<json> sealed_ballots(Connection& db, const std::string& election) const {
    std::vector<json> out;
    Stmt q(db,
                        "SELECT body FROM ballots WHERE election = ? AND log_index IS NOT NULL ORDER BY log_index");
    q.bind(1, election);
    while (q.executeStep()) out.push_back(canonical::parse(q.getColumn(0).getString()));
    return out;
  }

  std::vector<std::string> column_strings(Connection& db, const std::string& sql,
                                          const std::string& election) const {
    std::vector<std::string> out;
    Stmt q(db, sql);
    q.bind(1, election);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  }

  // --- credentials -----------------------------------------------------------------
  // `count` new kiosk tokens and their HMACs.
  std::pair<std::vector<std::string>, std::vector<std::string>> new_tokens(std::size_t count) const;
  // Stores kiosk tokens (their HMACs) with a district, on `kiosk` ("" = none),
  // valid for `ttl` from now (writer thread).
  void insert_tokens(Connection& db, const std::string& election, const std::vector<std::string>& hmacs,
                     const std::string& district, const std::string& kiosk, std::chrono::seconds ttl);
  // Store::cast and Store::cast_kiosk.
  // `known`: the credential as the caller read it earlier (no read before the write).
  Receipt cast(const std::string& election, const std::string& typed, const json& answers,
               const std::string& idempotency_key, bool kiosk_only, const CredentialInfo* known = nullptr);
  // The parts of a cast (defined with it, below).
  struct FreshCast;
  static json statement_of(const std::string& election, const ManifestInfo& info, const merkle::Hash& leaf);
  Receipt receipt_for(const Stored& s, bool repeat, json statement, const ReceiptSlot* slot, bool kiosk_only);
  // Checks a cast and makes its ballot; a repeat found by the read (no `known`)
  // goes to `repeat` and the result is null.
  std::shared_ptr<FreshCast> prepare_cast(const std::string& election, const std::string& typed,
                                          const std::string& idempotency_key, bool kiosk_only,
                                          const CredentialInfo* known, const json& answers,
                                          std::optional<Receipt>& repeat);
  void write_cast(Connection& db, FreshCast& c);
  Receipt finish_cast(FreshCast& c);
};

namespace {

crypto::SigningKey load_or_create_key(const fs::path& keys) {
  const fs::path p = keys / "signing.pem";
  if (fs::exists(p)) return crypto::SigningKey::from_pem(read_file(p));
  auto k = crypto::SigningKey::generate();
  crypto::write_secret_file(p, k.to_pem());
  return k;
}

std::string load_or_create_code_key(const fs::path& keys) {
  const fs::path p = keys / "codes.key";
  if (fs::exists(p)) {
    auto k = read_file(p);
    if (k.size() != 32) throw StoreError("unavailable", "the code key file is damaged (it must hold 32 bytes)");
    return k;
  }
  auto k = crypto::random_bytes(32);
  crypto::write_secret_file(p, k);
  return k;
}

void check_election_id(const std::string& id) {
  static const std::regex re("[a-z0-9][a-z0-9_-]{0,63}");
  if (!std::regex_match(id, re)) throw StoreError("invalid", "'" + id + "' is not a valid election id");
}

void check_definition_or_throw(const json& definition) {
  if (definition.is_object() &&
      (definition.contains("credentials") || definition.contains("keys") || definition.contains("allot")))
    throw StoreError("invalid", "a definition has no \"allot\", \"credentials\" or \"keys\": the store adds them at open");
  auto problems = manifest::check_definition(definition);
  if (!problems.empty())
    throw StoreError("invalid", "the election definition has " + std::to_string(problems.size()) + " problem" +
                                    (problems.size() == 1 ? "" : "s") + ": " + problems.front(),
                     problems);
}

void check_label(const std::string& what, const std::string& v) {
  static const std::regex re("[A-Za-z0-9][A-Za-z0-9_./-]{0,63}");
  if (!std::regex_match(v, re))
    throw StoreError("invalid", what + " must be 1 to 64 letters, digits or . _ / - (got '" + v + "')");
}

}  // namespace

Store::Store(Options options) {
  if (options.data_dir.empty()) throw StoreError("invalid", "the store needs a data directory");
  // Every failure here is about the data directory: the message names it, so an
  // operator sees at once which directory to fix (missing, read-only, damaged).
  const std::string dir = options.data_dir.string();
  auto refuse = [&dir](const std::string& code, const std::string& why) {
    return StoreError(code, "cannot use the data directory '" + dir + "': " + why);
  };
  try {
    std::error_code ec;
    fs::create_directories(options.data_dir / "keys", ec);
    if (ec) throw StoreError("unavailable", "cannot create it: " + ec.message());
    ::chmod((options.data_dir / "keys").c_str(), 0700);
    auto key = load_or_create_key(options.data_dir / "keys");
    impl_ = std::make_unique<Impl>(std::move(options), std::move(key));
    impl_->key_hex = crypto::to_hex(impl_->key.public_key());
    impl_->code_key = load_or_create_code_key(impl_->opts.data_dir / "keys");
    impl_->db_path = (impl_->opts.data_dir / "allot.db").string();
    auto db = open_connection(impl_->db_path, true);
    schema::migrate(*db);
  } catch (const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    throw refuse("unavailable", std::string(code == SQLITE_READONLY ? "it is read-only: " : "") + "the database " +
                                    "allot.db: " + e.what());
  } catch (const StoreError& e) {
    throw refuse(e.code, e.what());
  } catch (const std::runtime_error& e) {
    throw refuse("unavailable", e.what());
  }
  Impl* impl = impl_.get();
  Writer::Hooks hooks;
  hooks.on_group_end = [impl](Connection& db) { impl->end_group(db); };
  hooks.on_group_failed = [impl] {
    impl->heads.clear();
    impl->group_receipts.clear();  // their ballots were rolled back
    impl->group_elections.clear();
  };
  hooks.on_group_committed = [impl] { impl->sign_group_receipts(); };
  impl_->writer = std::make_unique<Writer>(impl_->db_path, impl_->opts.group_max, std::move(hooks),
                                           impl_->opts.wal_checkpoint_pages);
}

Store::~Store() {
  if (impl_) impl_->writer.reset();  // drains the queue
}

int Store::latest_schema_version() { return schema::latest_version(); }

int Store::schema_version() const {
  return impl_->read([](Connection& db) { return schema::version_of(db); });
}

std::string Store::signing_key_hex() const { return impl_->key_hex; }
const Options& Store::options() const { return impl_->opts; }
WriterStats Store::writer_stats() const { return impl_->writer->stats(); }
ReceiptStats Store::receipt_stats() const { return {impl_->receipts_made.load(), impl_->receipt_signatures.load()}; }

// --- officers -------------------------------------------------------------------

void Store::create_user(const std::string& actor, const std::string& username, const std::string& password,
                        Role role) {
  check_actor(actor);
  static const std::regex re("[a-z0-9][a-z0-9._-]{1,31}");
  if (!std::regex_match(username, re))
    throw StoreError("invalid", "a user name is 2 to 32 lower-case letters, digits, '.', '_' or '-'");
  if (password.size() < 10) throw StoreError("invalid", "a password needs at least 10 characters");
  if (password.size() > 1024) throw StoreError("invalid", "a password has at most 1024 characters");
  const std::string hashed = crypto::hash_password(password);
  impl_->write([&](Connection& db) {
    Stmt exists(db, "SELECT 1 FROM users WHERE username = ?");
    exists.bind(1, username);
    if (exists.executeStep()) throw StoreError("conflict", "there is already a user '" + username + "'");
    Stmt ins(db, "INSERT INTO users (username, role, password, created_at) VALUES (?, ?, ?, ?)");
    ins.bind(1, username);
    ins.bind(2, to_string(role));
    ins.bind(3, hashed);
    ins.bind(4, iso_time(impl_->now()));
    ins.exec();
    impl_->log_action(db, "", actor, "user.create", json{{"role", to_string(role)}, {"username", username}});
  });
}

std::optional<Role> Store::authenticate(const std::string& username, const std::string& password) const {
  auto row = impl_->read([&](Connection& db) -> std::optional<std::pair<std::string, std::string>> {
    Stmt q(db, "SELECT role, password FROM users WHERE username = ?");
    q.bind(1, username);
    if (!q.executeStep()) return std::nullopt;
    return std::make_pair(q.getColumn(0).getString(), q.getColumn(1).getString());
  });
  if (!row) {
    // Same work as for a real user, so timing does not reveal which names exist.
    static const std::string dummy = crypto::hash_password("not-a-real-password");
    crypto::verify_password(password, dummy);
    return std::nullopt;
  }
  if (!crypto::verify_password(password, row->second)) return std::nullopt;
  return role_from_string(row->first);
}

// --- elections ------------------------------------------------------------------

void Store::create_election(const std::string& actor, const json& definition) {
  check_actor(actor);
  check_definition_or_throw(definition);
  const std::string id = definition.at("election").get<std::string>();
  const std::string bytes = canonical::dump(definition);
  impl_->write([&](Connection& db) {
    Stmt exists(db, "SELECT 1 FROM elections WHERE id = ?");
    exists.bind(1, id);
    if (exists.executeStep()) throw StoreError("conflict", "there is already an election '" + id + "'");
    Stmt ins(db, "INSERT INTO elections (id, definition, created_at) VALUES (?, ?, ?)");
    ins.bind(1, id);
    ins.bind(2, bytes);
    ins.bind(3, iso_time(impl_->now()));
    ins.exec();
    impl_->log_action(db, id, actor, "election.create", json::object());
  });
}

void Store::update_election(const std::string& actor, const std::string& election, const json& definition) {
  check_actor(actor);
  check_election_id(election);
  check_definition_or_throw(definition);
  if (definition.at("election") != election)
    throw StoreError("invalid", "the definition's \"election\" must stay '" + election + "'");
  const std::string bytes = canonical::dump(definition);
  impl_->write([&](Connection& db) {
    const std::string s = Impl::state_of(db, election);
    if (s != "draft")
      throw StoreError("frozen", "the election '" + election + "' is " + s +
                                     "; its definition is frozen (a change needs a new election)");
    Stmt old(db, "SELECT definition FROM elections WHERE id = ?");
    old.bind(1, election);
    old.executeStep();
    if (old.getColumn(0).getString() == bytes) return;  // nothing changes, nothing is logged
    Stmt upd(db, "UPDATE elections SET definition = ? WHERE id = ?");
    upd.bind(1, bytes);
    upd.bind(2, election);
    upd.exec();
    impl_->log_action(db, election, actor, "election.update", json{{"what", "definition"}});
  });
}

void Store::delete_election(const std::string& actor, const std::string& election) {
  check_actor(actor);
  impl_->write([&](Connection& db) {
    const std::string s = Impl::state_of(db, election);
    if (s != "draft") throw StoreError("frozen", "the election '" + election + "' is " + s + "; it cannot be deleted");
    for (const char* sql : {"DELETE FROM credentials WHERE election = ?", "DELETE FROM elections WHERE id = ?"}) {
      Stmt d(db, sql);
      d.bind(1, election);
      d.exec();
    }
    // The election's own log stays (append-only) and records the deletion: an id
    // created again continues it, and a verifier sees the whole story.
    impl_->log_action(db, election, actor, "election.delete", json::object());
  });
}

std::vector<ElectionSummary> Store::list_elections() const {
  return impl_->read([](Connection& db) {
    std::vector<ElectionSummary> out;
    Stmt q(db, "SELECT id, state, definition, manifest_hash FROM elections ORDER BY created_at, id");
    while (q.executeStep()) {
      ElectionSummary s;
      s.id = q.getColumn(0).getString();
      s.state = q.getColumn(1).getString();
      s.title = canonical::parse(q.getColumn(2).getString()).value("title", json::object());
      s.manifest_hash = q.getColumn(3).isNull() ? "" : q.getColumn(3).getString();
      out.push_back(std::move(s));
    }
    return out;
  });
}

std::string Store::state(const std::string& election) const {
  return impl_->read([&](Connection& db) { return Impl::state_of(db, election); });
}

json Store::definition(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    Stmt q(db, "SELECT definition FROM elections WHERE id = ?");
    q.bind(1, election);
    if (!q.executeStep()) throw StoreError("not_found", "there is no election '" + election + "'");
    return canonical::parse(q.getColumn(0).getString());
  });
}

json Store::manifest(const std::string& election) const { return impl_->manifest_info(election)->manifest; }
std::string Store::manifest_hash(const std::string& election) const { return impl_->manifest_info(election)->hash; }
bool Store::known_opened(const std::string& election) const {
  std::lock_guard lk(impl_->manifest_mu);
  return impl_->manifests.count(election) != 0;
}

// --- credentials ----------------------------------------------------------------

std::vector<std::string> Store::generate_codes(const std::string& actor, const std::string& election,
                                               std::size_t count, const std::string& district) {
  check_actor(actor);
  if (count == 0 || count > 1'000'000) throw StoreError("invalid", "generate between 1 and 1000000 codes at a time");
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(codes::generate_code());
  impl_->write([&](Connection& db) {
    const std::string s = Impl::state_of(db, election);
    if (s != "draft")
      throw StoreError("frozen", "voting codes can only be generated before the election opens (it is " + s + ")");
    if (!district.empty()) {
      Stmt q(db, "SELECT definition FROM elections WHERE id = ?");
      q.bind(1, election);
      q.executeStep();
      if (!manifest::has_district(canonical::parse(q.getColumn(0).getString()), district))
        throw StoreError("invalid", "'" + district + "' is not a district of this election");
    }
    Stmt ins(db, "INSERT INTO credentials (election, hmac, kind, district) VALUES (?, ?, 'code', ?)");
    for (const auto& code : out) {
      const auto h = impl_->credential_hmac(codes::parse_code(code).normalized);
      ins.bind(1, election);
      bind_blob(ins, 2, blob_of(h));
      ins.bind(3, district);
      ins.exec();
      ins.reset();
    }
    impl_->log_action(db, election, actor, "codes.generate",
                      json{{"count", static_cast<std::int64_t>(count)}, {"district", district}});
  });
  return out;
}

namespace {

void check_token_ttl(std::chrono::seconds ttl) {
  if (ttl.count() <= 0 || ttl > std::chrono::hours(24))
    throw StoreError("invalid", "a kiosk token lives between 1 second and 24 hours");
}

}  // namespace

std::pair<std::vector<std::string>, std::vector<std::string>> Store::Impl::new_tokens(std::size_t count) const {
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.first.push_back(codes::generate_code());
    out.second.push_back(blob_of(credential_hmac(codes::parse_code(out.first.back()).normalized)));
  }
  return out;
}

void Store::Impl::insert_tokens(Connection& db, const std::string& election,
                                const std::vector<std::string>& hmacs, const std::string& district,
                                const std::string& kiosk, std::chrono::seconds ttl) {
  Stmt ins(db,
                        "INSERT INTO credentials (election, hmac, kind, district, expires_at, kiosk) "
                        "VALUES (?, ?, 'kiosk', ?, ?, ?)");
  for (const auto& h : hmacs) {
    ins.bind(1, election);
    bind_blob(ins, 2, h);
    ins.bind(3, district);
    ins.bind(4, unix_seconds(now() + ttl));
    if (kiosk.empty()) ins.bind(5);
    else ins.bind(5, kiosk);
    ins.exec();
    ins.reset();
  }
}

std::string Store::issue_kiosk_token(const std::string& actor, const std::string& election,
                                     const std::string& district, std::chrono::seconds ttl) {
  check_actor(actor);
  check_token_ttl(ttl);
  auto info = impl_->manifest_info(election);
  if (!manifest::has_district(info->manifest, district))
    throw StoreError("invalid", "'" + district + "' is not a district of this election");
  const auto [tokens, hmacs] = impl_->new_tokens(1);
  impl_->write([&, &hmacs = hmacs](Connection& db) {
    Impl::require_state(db, election, {"open"}, "issue a kiosk token");
    impl_->insert_tokens(db, election, hmacs, district, "", ttl);
    impl_->log_action(db, election, actor, "kiosk.token", json{{"district", district}});
  });
  return tokens.front();
}

namespace {

struct CredentialRow {
  std::string kind, district, kiosk;
  bool used = false;
  bool retired = false;  // issued on a kiosk that has been retired
  std::optional<std::int64_t> expires_at;
};

std::optional<CredentialRow> find_credential(Connection& db, const std::string& election,
                                             const std::string& hmac) {
  Stmt q(db,
                      "SELECT c.kind, c.district, c.used, c.expires_at, coalesce(c.kiosk, ''), "
                      "coalesce(k.retired, 0) FROM credentials c "
                      "LEFT JOIN kiosks k ON k.election = c.election AND k.id = c.kiosk "
                      "WHERE c.election = ? AND c.hmac = ?");
  q.bind(1, election);
  bind_blob(q, 2, hmac);
  if (!q.executeStep()) return std::nullopt;
  CredentialRow r;
  r.kind = q.getColumn(0).getString();
  r.district = q.getColumn(1).getString();
  r.used = q.getColumn(2).getInt() != 0;
  if (!q.getColumn(3).isNull()) r.expires_at = q.getColumn(3).getInt64();
  r.kiosk = q.getColumn(4).getString();
  r.retired = q.getColumn(5).getInt() != 0;
  return r;
}

[[noreturn]] void refuse_credential(const std::optional<CredentialRow>& row, std::int64_t now) {
  if (!row)
    throw StoreError("unknown_code",
                     "this code is not a voting code of this election: please check it, or ask for help");
  if (row->used)
    throw StoreError("already_used", row->kind == "kiosk" ? "this kiosk token has already been used"
                                                          : "this code has already been used to vote");
  if (row->retired)
    throw StoreError("retired", "this kiosk has been retired: its tokens no longer work, ask the staff for help");
  if (row->expires_at && *row->expires_at <= now)
    throw StoreError("expired", "this kiosk token has expired: ask the staff for a new one");
  throw StoreError("unavailable", "the credential could not be used");
}

void check_usable(const std::optional<CredentialRow>& row, std::int64_t now) {
  if (!row || row->used || row->retired || (row->expires_at && *row->expires_at <= now)) refuse_credential(row, now);
}

}  // namespace

CredentialInfo Store::credential_info(const std::string& election, const std::string& typed) const {
  const auto info = impl_->manifest_info(election);
  const std::string normalized = impl_->parse_typed(typed);
  const auto h = blob_of(impl_->credential_hmac(normalized));
  const auto now = unix_seconds(impl_->now());
  return impl_->read([&](Connection& db) {
    Impl::require_state(db, election, {"open"}, "vote");
    auto row = find_credential(db, election, h);
    check_usable(row, now);
    return CredentialInfo{row->kind, row->district, row->kiosk};
  });
}

std::string Store::credential_district(const std::string& election, const std::string& typed) const {
  return credential_info(election, typed).district;
}

// --- kiosks ---------------------------------------------------------------------

namespace {

// 1 to 80 characters of UTF-8 text, no control characters, no spaces around it.
void check_kiosk_name(const std::string& name) {
  std::size_t chars = 0;
  for (unsigned char ch : name) {
    if (ch < 0x20 || ch == 0x7f) throw StoreError("invalid", "a kiosk's name has no control characters");
    if ((ch & 0xC0) != 0x80) ++chars;
  }
  if (chars == 0 || chars > 80) throw StoreError("invalid", "a kiosk's name is 1 to 80 characters");
  if (name.front() == ' ' || name.back() == ' ')
    throw StoreError("invalid", "a kiosk's name has no spaces at its start or end");
  try {
    canonical::dump(json(name));
  } catch (const canonical::CanonicalError&) {
    throw StoreError("invalid", "a kiosk's name must be UTF-8 text");
  }
}

void check_kiosk_id(const std::string& id) {
  static const std::regex re("[a-z0-9][a-z0-9_-]{0,31}");
  if (!std::regex_match(id, re))
    throw StoreError("invalid", "a kiosk id is 1 to 32 lower-case letters, digits, '-' or '_' (got '" + id + "')");
}

// A kiosk id made from its name: "Library front desk" -> "library-front-desk".
std::string slug_of(const std::string& name) {
  std::string out;
  for (unsigned char ch : name) {
    if (ch < 0x80 && std::isalnum(ch)) out += static_cast<char>(std::tolower(ch));
    else if (!out.empty() && out.back() != '-') out += '-';
    if (out.size() >= 24) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? std::string("kiosk") : out;
}

bool kiosk_exists(Connection& db, const std::string& election, const std::string& id) {
  Stmt q(db, "SELECT 1 FROM kiosks WHERE election = ? AND id = ?");
  q.bind(1, election);
  q.bind(2, id);
  return q.executeStep();
}

// Kiosks with their token counts: every kiosk of the election, or only `id`.
std::vector<Kiosk> kiosk_rows(Connection& db, const std::string& election, std::int64_t now,
                              const std::string& id = "") {
  Stmt q(db,
                      "SELECT k.id, k.name, k.district, k.registered_by, k.retired, count(c.hmac), "
                      "coalesce(sum(c.used), 0), "
                      "coalesce(sum(c.used = 0 AND k.retired = 0 AND c.expires_at > ?2), 0) "
                      "FROM kiosks k LEFT JOIN credentials c ON c.election = k.election AND c.kiosk = k.id "
                      "WHERE k.election = ?1 AND (?3 = '' OR k.id = ?3) "
                      "GROUP BY k.id ORDER BY k.name COLLATE NOCASE, k.id");
  q.bind(1, election);
  q.bind(2, now);
  q.bind(3, id);
  std::vector<Kiosk> out;
  while (q.executeStep()) {
    Kiosk k;
    k.id = q.getColumn(0).getString();
    k.name = q.getColumn(1).getString();
    k.district = q.getColumn(2).getString();
    k.registered_by = q.getColumn(3).getString();
    k.retired = q.getColumn(4).getInt() != 0;
    k.tokens_issued = q.getColumn(5).getInt64();
    k.tokens_used = q.getColumn(6).getInt64();
    k.tokens_available = q.getColumn(7).getInt64();
    out.push_back(std::move(k));
  }
  return out;
}

Kiosk kiosk_or_throw(Connection& db, const std::string& election, const std::string& id, std::int64_t now) {
  auto rows = kiosk_rows(db, election, now, id);
  if (rows.empty()) throw StoreError("not_found", "there is no kiosk '" + id + "' in this election");
  return rows.front();
}

}  // namespace

Kiosk Store::register_kiosk(const std::string& actor, const std::string& election, const std::string& name,
                            const std::string& district, const std::string& id) {
  check_actor(actor);
  check_kiosk_name(name);
  if (!id.empty()) check_kiosk_id(id);
  auto info = impl_->manifest_info(election);  // wrong_state before open
  if (!manifest::has_district(info->manifest, district))
    throw StoreError("invalid", "'" + district + "' is not a district of this election");
  return impl_->write([&](Connection& db) {
    Impl::require_state(db, election, {"open"}, "register a kiosk");
    Stmt same(db, "SELECT name FROM kiosks WHERE election = ? AND name = ? COLLATE NOCASE");
    same.bind(1, election);
    same.bind(2, name);
    if (same.executeStep())
      throw StoreError("conflict", "there is already a kiosk named '" + same.getColumn(0).getString() + "'");
    std::string kid = id;
    if (!kid.empty() && kiosk_exists(db, election, kid))
      throw StoreError("conflict", "there is already a kiosk '" + kid + "'");
    if (kid.empty()) {
      const std::string base = slug_of(name);
      kid = base;
      for (int n = 2; kiosk_exists(db, election, kid); ++n) kid = base + "-" + std::to_string(n);
    }
    Stmt ins(db,
                          "INSERT INTO kiosks (election, id, name, district, registered_by) VALUES (?, ?, ?, ?, ?)");
    ins.bind(1, election);
    ins.bind(2, kid);
    ins.bind(3, name);
    ins.bind(4, district);
    ins.bind(5, actor);
    ins.exec();
    impl_->log_action(db, election, actor, "kiosk.register",
                      json{{"district", district}, {"kiosk", kid}, {"name", name}});
    Kiosk k;
    k.id = kid;
    k.name = name;
    k.district = district;
    k.registered_by = actor;
    return k;
  });
}

std::vector<Kiosk> Store::kiosks(const std::string& election) const {
  const auto now = unix_seconds(impl_->now());
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    return kiosk_rows(db, election, now);
  });
}

KioskPool Store::issue_kiosk_tokens(const std::string& actor, const std::string& election, const std::string& kiosk,
                                    std::size_t count, std::chrono::seconds ttl) {
  check_actor(actor);
  if (count == 0 || count > 50) throw StoreError("invalid", "issue between 1 and 50 kiosk tokens at a time");
  check_token_ttl(ttl);
  const auto [tokens, hmacs] = impl_->new_tokens(count);
  const auto now = unix_seconds(impl_->now());
  return impl_->write([&, &tokens = tokens, &hmacs = hmacs](Connection& db) {
    Impl::require_state(db, election, {"open"}, "issue kiosk tokens");
    const Kiosk k = kiosk_or_throw(db, election, kiosk, now);
    if (k.retired)
      throw StoreError("conflict", "the kiosk '" + k.name + "' has been retired: register a new kiosk instead");
    impl_->insert_tokens(db, election, hmacs, k.district, k.id, ttl);
    impl_->log_action(db, election, actor, "kiosk.tokens",
                      json{{"count", static_cast<std::int64_t>(count)}, {"kiosk", k.id}});
    return KioskPool{k.id, k.district, tokens};
  });
}

Kiosk Store::retire_kiosk(const std::string& actor, const std::string& election, const std::string& kiosk) {
  check_actor(actor);
  const auto now = unix_seconds(impl_->now());
  return impl_->write([&](Connection& db) {
    Impl::require_state(db, election, {"open"}, "retire a kiosk");
    if (kiosk_or_throw(db, election, kiosk, now).retired)
      throw StoreError("conflict", "the kiosk '" + kiosk + "' is already retired");
    Stmt upd(db, "UPDATE kiosks SET retired = 1 WHERE election = ? AND id = ?");
    upd.bind(1, election);
    upd.bind(2, kiosk);
    upd.exec();
    impl_->log_action(db, election, actor, "kiosk.retire", json{{"kiosk", kiosk}});
    return kiosk_or_throw(db, election, kiosk, now);
  });
}

// --- lifecycle ------------------------------------------------------------------

void Store::open(const std::string& actor, const std::string& election) {
  check_actor(actor);
  impl_->write([&](Connection& db) {
    const std::string s = Impl::state_of(db, election);
    if (s != "draft") throw StoreError("wrong_state", "the election '" + election + "' is already " + s);
    Stmt q(db, "SELECT definition FROM elections WHERE id = ?");
    q.bind(1, election);
    q.executeStep();
    json m = canonical::parse(q.getColumn(0).getString());
    json by_district = json::object({{"", 0}});
    if (auto ds = m.find("districts"); ds != m.end())
      for (const auto& d : *ds) by_district[d.at("id").get<std::string>()] = 0;
    std::int64_t total = 0;
    Stmt c(db,
                        "SELECT district, count(*) FROM credentials WHERE election = ? AND kind = 'code' "
                        "GROUP BY district");
    c.bind(1, election);
    while (c.executeStep()) {
      const std::string d = c.getColumn(0).getString();
      if (!by_district.contains(d))
        throw StoreError("invalid", "codes were generated for district '" + d +
                                        "', which is no longer in the definition: put the district back first");
      by_district[d] = c.getColumn(1).getInt64();
      total += c.getColumn(1).getInt64();
    }
    std::string all;
    Stmt h(db, "SELECT hmac FROM credentials WHERE election = ? AND kind = 'code' ORDER BY hmac");
    h.bind(1, election);
    while (h.executeStep()) all.append(static_cast<const char*>(h.getColumn(0).getBlob()),
                                       static_cast<std::size_t>(h.getColumn(0).getBytes()));
    m["allot"] = "manifest/1";
    m["credentials"] = {{"by_district", by_district}, {"codes", total}, {"commitment", crypto::sha256_hex(all)}};
    m["keys"] = {{"signing", impl_->key_hex}};
    if (!m.contains("tie_break")) m["tie_break"] = "ticket";
    auto problems = manifest::check_definition(m);
    if (!problems.empty()) throw StoreError("invalid", "the election cannot open: " + problems.front(), problems);
    const std::string bytes = canonical::dump(m);
    const std::string hash = crypto::sha256_hex(bytes);
    Stmt upd(db, "UPDATE elections SET manifest = ?, manifest_hash = ?, state = 'open' WHERE id = ?");
    upd.bind(1, bytes);
    upd.bind(2, hash);
    upd.bind(3, election);
    upd.exec();
    impl_->log_action(db, election, actor, "election.open", json{{"manifest", hash}});
    impl_->seal(db, election, hash, true);  // the empty log's first checkpoint
  });
}

void Store::close(const std::string& actor, const std::string& election) {
  check_actor(actor);
  auto info = impl_->manifest_info(election);
  impl_->write([&](Connection& db) {
    Impl::require_state(db, election, {"open"}, "close the election");
    impl_->seal(db, election, info->hash, true);
    LogHead& h = impl_->head(db, election, "ballots");
    const json counts = impl_->counts(db, election, info->manifest);
    Stmt upd(db, "UPDATE elections SET state = 'closed' WHERE id = ?");
    upd.bind(1, election);
    upd.exec();
    Stmt forget(db, "DELETE FROM idempotency WHERE election = ?");
    forget.bind(1, election);
    forget.exec();
    impl_->log_action(
        db, election, actor, "election.close",
        json{{"checkpoint", {{"root", crypto::to_hex(h.frontier.root())}, {"size", h.frontier.size()}}},
             {"counts", counts}});
  });
}

json Store::tally(const std::string& actor, const std::string& election, const std::string& seed) {
  check_actor(actor);
  if (seed.empty() || seed.size() > 256)
    throw StoreError("invalid", "the tie-break seed must be 1 to 256 characters (e.g. numbers drawn in public)");
  for (unsigned char ch : seed)
    if (ch < 0x20 || ch == 0x7f) throw StoreError("invalid", "the tie-break seed must be printable text");
  auto info = impl_->manifest_info(election);
  // Count outside the writer (the ballots of a closed election never change).
  auto ballots = impl_->read([&](Connection& db) {
    Impl::require_state(db, election, {"closed"}, "tally");
    return impl_->sealed_ballots(db, election);
  });
  json contests = json::array();
  try {
    for (std::size_t i = 0; i < info->contests.size(); ++i)
      contests.push_back(manifest::tally_contest(info->manifest, i, ballots, seed));
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError("invalid", std::string("the tally failed: ") + e.what());
  }
  return impl_->write([&](Connection& db) {
    Impl::require_state(db, election, {"closed"}, "tally");
    auto last_doc = [&](const char* log) {
      Stmt q(db,
                          "SELECT document FROM checkpoints WHERE election = ? AND log = ? ORDER BY seq DESC LIMIT 1");
      q.bind(1, election);
      q.bind(2, log);
      if (!q.executeStep()) throw StoreError("unavailable", "a log of this election has no checkpoint");
      return canonical::parse(q.getColumn(0).getString());
    };
    Stmt ce(db,
                         "SELECT entry FROM officer_log WHERE election = ? AND entry LIKE '{\"action\":\"election.close\"%'"
                         " ORDER BY seq DESC LIMIT 1");
    ce.bind(1, election);
    if (!ce.executeStep()) throw StoreError("unavailable", "the election has no close entry");
    const json counts = canonical::parse(ce.getColumn(0).getString()).at("details").at("counts");
    json doc = {{"allot", "result/1"},
                {"ballot_checkpoint", last_doc("ballots")},
                {"contests", contests},
                {"counts", counts},
                {"election", election},
                {"manifest", info->hash},
                {"officer_checkpoint", last_doc("officer")},
                {"seed", seed},
                {"tie_break", info->manifest.value("tie_break", std::string("ticket"))}};
    doc = record::sign(doc, impl_->key);
    const std::string bytes = canonical::dump(doc);
    const std::string hash = crypto::sha256_hex(bytes);
    Stmt ins(db, "INSERT INTO results (election, document, hash) VALUES (?, ?, ?)");
    ins.bind(1, election);
    ins.bind(2, bytes);
    ins.bind(3, hash);
    ins.exec();
    Stmt upd(db, "UPDATE elections SET seed = ?, state = 'tallied' WHERE id = ?");
    upd.bind(1, seed);
    upd.bind(2, election);
    upd.exec();
    impl_->log_action(db, election, actor, "election.tally", json{{"result", hash}, {"seed", seed}});
    return doc;
  });
}

void Store::publish(const std::string& actor, const std::string& election) {
  check_actor(actor);
  impl_->write([&](Connection& db) {
    Impl::require_state(db, election, {"tallied"}, "publish");
    Stmt q(db, "SELECT hash FROM results WHERE election = ?");
    q.bind(1, election);
    if (!q.executeStep()) throw StoreError("wrong_state", "there is no result to publish");
    const std::string hash = q.getColumn(0).getString();
    Stmt upd(db, "UPDATE elections SET state = 'published' WHERE id = ?");
    upd.bind(1, election);
    upd.exec();
    impl_->log_action(db, election, actor, "election.publish", json{{"result", hash}});
  });
}

json Store::preview(const std::string& election, const std::string& contest, const std::string& rule,
                    const std::map<std::string, std::string>& rule_options, const std::string& seed) const {
  auto info = impl_->manifest_info(election);
  auto ballots = impl_->read([&](Connection& db) {
    Impl::require_state(db, election, {"closed", "tallied", "published"}, "preview a tally");
    return impl_->sealed_ballots(db, election);
  });
  for (std::size_t i = 0; i < info->contests.size(); ++i) {
    if (info->contests[i].id != contest) continue;
    try {
      return manifest::tally_contest_with(info->manifest, i, ballots, rule, rule_options, seed);
    } catch (const std::exception& e) {
      throw StoreError("invalid", e.what());
    }
  }
  throw StoreError("not_found", "there is no contest '" + contest + "' in this election");
}

json Store::result(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    Stmt q(db, "SELECT document FROM results WHERE election = ?");
    q.bind(1, election);
    if (!q.executeStep()) {
      Impl::state_of(db, election);  // not_found when there is no such election
      throw StoreError("wrong_state", "the election '" + election + "' has not been tallied");
    }
    return canonical::parse(q.getColumn(0).getString());
  });
}

// --- voting ---------------------------------------------------------------------

namespace {

// The code a voter notes down: the first 50 bits of the leaf, as XXXXX-XXXXX.
std::string receipt_code(const merkle::Hash& leaf) {
  const std::string code =
      codes::base32_prefix(std::string(reinterpret_cast<const char*>(leaf.data()), leaf.size()), 10);
  return code.substr(0, 5) + "-" + code.substr(5);
}

// The ballot stored earlier with this idempotency key.
std::optional<Stored> idempotent_ballot(Connection& db, const std::string& election, const std::string& key) {
  Stmt q(db,
                      "SELECT i.leaf, b.channel FROM idempotency i "
                      "JOIN ballots b ON b.election = i.election AND b.leaf = i.leaf "
                      "WHERE i.election = ? AND i.key = ?");
  q.bind(1, election);
  bind_blob(q, 2, key);
  if (!q.executeStep()) return std::nullopt;
  return Stored{hash_of_blob(q.getColumn(0)), q.getColumn(1).getString()};
}

[[noreturn]] void refuse_not_kiosk() {
  throw StoreError("unknown_code", "this is not a kiosk token of this election: please check it, or ask for help");
}

}  // namespace

Receipt Store::cast(const std::string& election, const std::string& typed, const json& answers,
                    const std::string& idempotency_key) {
  return impl_->cast(election, typed, answers, idempotency_key, false);
}

Receipt Store::cast(const std::string& election, const std::string& typed, const CredentialInfo& known,
                    const json& answers, const std::string& idempotency_key) {
  return impl_->cast(election, typed, answers, idempotency_key, false, &known);
}

Receipt Store::cast_kiosk(const std::string& election, const std::string& token, const json& answers,
                          const std::string& idempotency_key) {
  if (idempotency_key.empty())
    throw StoreError("invalid", "a kiosk sends every ballot with an idempotency key, so that a resend is safe");
  return impl_->cast(election, token, answers, idempotency_key, true);
}

// One ballot on its way to the store: made and checked on the caller's thread,
// written by a writer job, turned into a receipt afterwards. Shared between the
// caller and the job: the writer's group keeps a pointer to `slot` until it signs.
struct Store::Impl::FreshCast {
  std::string election;
  std::shared_ptr<const ManifestInfo> info;
  std::string h;     // the credential's HMAC
  std::string ikey;  // the idempotency key's HMAC, "" when none
  std::int64_t t = 0;
  bool kiosk_only = false;
  std::string district, channel, body;
  merkle::Hash fresh{};
  json statement;  // the fresh ballot's receipt statement
  ReceiptSlot slot;
  // Set by the write: the ballot stored (this one, or the one a concurrent retry
  // with the same key stored first).
  Stored ballot;
  bool repeat = false;
};

json Store::Impl::statement_of(const std::string& election, const ManifestInfo& info, const merkle::Hash& leaf) {
  return receipt::statement(receipt_code(leaf), election, crypto::to_hex(leaf), info.hash);
}

// The receipt of a stored ballot: from its commit group's signed tree when `slot`
// has one, signed alone otherwise (a repeat, or when the group's signing failed).
Receipt Store::Impl::receipt_for(const Stored& s, bool repeat, json statement, const ReceiptSlot* slot,
                                 bool kiosk_only) {
  if (kiosk_only && s.channel != "kiosk") refuse_not_kiosk();
  Receipt r;
  r.leaf = statement.at("leaf").get<std::string>();
  r.code = statement.at("code").get<std::string>();
  if (slot && slot->batch) {
    r.document = slot->batch->receipt(std::move(statement), slot->index);
  } else {
    const auto alone = sign_receipt_batch({receipt::statement_leaf(statement)});
    r.document = alone->receipt(std::move(statement), 0);
  }
  ++receipts_made;
  r.channel = s.channel;
  r.repeat = repeat;
  return r;
}

std::shared_ptr<Store::Impl::FreshCast> Store::Impl::prepare_cast(const std::string& election,
                                                                  const std::string& typed,
                                                                  const std::string& idempotency_key,
                                                                  bool kiosk_only, const CredentialInfo* known,
                                                                  const json& answers,
                                                                  std::optional<Receipt>& repeat) {
  auto c = std::make_shared<FreshCast>();
  c->election = election;
  c->kiosk_only = kiosk_only;
  c->info = manifest_info(election);
  const std::string normalized = parse_typed(typed);
  c->h = blob_of(credential_hmac(normalized));
  if (!idempotency_key.empty()) {
    if (idempotency_key.size() < 8 || idempotency_key.size() > 128 ||
        !std::all_of(idempotency_key.begin(), idempotency_key.end(),
                     [](char ch) { return ch > 0x20 && ch < 0x7f; }))
      throw StoreError("invalid", "an idempotency key is 8 to 128 printable characters without spaces");
    c->ikey = blob_of(credential_hmac(normalized + std::string(1, '\0') + idempotency_key));
  }
  c->t = unix_seconds(now());
  // A caller that knows the credential skips this read: the write checks the
  // election's state, uses the credential only if it is still usable, and finds a
  // repeat with the same key; a refusal there gives the same error as here.
  std::optional<CredentialRow> row;
  if (known) {
    row = CredentialRow{known->kind, known->district, known->kiosk, false, false, std::nullopt};
  } else {
    std::optional<Stored> stored;
    read([&](Connection& db) {
      Impl::require_state(db, election, {"open"}, "vote");
      if (!c->ikey.empty()) stored = idempotent_ballot(db, election, c->ikey);
      if (!stored) row = find_credential(db, election, c->h);
    });
    if (stored) {
      repeat = receipt_for(*stored, true, statement_of(election, *c->info, stored->leaf), nullptr, kiosk_only);
      return nullptr;
    }
  }
  if (kiosk_only && row && row->kind != "kiosk") refuse_not_kiosk();
  if (kiosk_only && !row)
    throw StoreError("unknown_code", "this is not a kiosk token of this election: the kiosk should ask for new tokens");
  check_usable(row, c->t);
  const auto check = manifest::check_answers(c->info->manifest, c->info->contests, row->district, answers);
  if (!check.ok)
    throw StoreError("invalid", "the ballot is not valid: " + check.problems.front(), check.problems);
  c->district = row->district;
  c->channel = row->kind == "kiosk" ? "kiosk" : "online";
  const json doc = manifest::make_ballot(c->info->hash, c->channel, c->district, check.answers,
                                         crypto::to_hex(crypto::random_bytes(16)));
  c->body = canonical::dump(doc);
  c->fresh = merkle::leaf_hash(c->body);
  c->statement = statement_of(election, *c->info, c->fresh);
  c->slot.leaf = receipt::statement_leaf(c->statement);
  return c;
}

// The writer's part of a cast (writer thread, inside the request's savepoint).
void Store::Impl::write_cast(Connection& db, FreshCast& c) {
  const std::string& election = c.election;
  Impl::require_state(db, election, {"open"}, "vote");  // it may have closed meanwhile
  // A token of a kiosk retired meanwhile is not used (the trigger refuses it too).
  Stmt use(db,
           "UPDATE credentials SET used = 1 WHERE election = ?1 AND hmac = ?2 AND used = 0 "
           "AND (expires_at IS NULL OR expires_at > ?3) "
           "AND NOT EXISTS (SELECT 1 FROM kiosks k WHERE k.election = ?1 "
           "AND k.id = credentials.kiosk AND k.retired = 1)");
  use.bind(1, election);
  bind_blob(use, 2, c.h);
  use.bind(3, c.t);
  if (use.exec() != 1) {
    // A concurrent retry with the same key may have stored the ballot meanwhile.
    if (!c.ikey.empty())
      if (auto stored = idempotent_ballot(db, election, c.ikey)) {
        c.ballot = *stored;
        c.repeat = true;
        return;
      }
    refuse_credential(find_credential(db, election, c.h), c.t);
  }
  insert_ballot(db, election, c.info->hash, c.body, c.fresh, c.channel, c.district);
  if (!c.ikey.empty()) {
    Stmt ins(db, "INSERT INTO idempotency (election, key, leaf) VALUES (?, ?, ?)");
    ins.bind(1, election);
    bind_blob(ins, 2, c.ikey);
    bind_blob(ins, 3, blob_of(c.fresh));
    ins.exec();
  }
  // Last, so that only a stored ballot's statement is signed with the group (if the
  // savepoint's release still failed, the slot is signed but never used: its cast
  // gets the error). The caller keeps `c` (and so the slot) until after the signing.
  group_receipts.push_back(&c.slot);
  c.ballot = Stored{c.fresh, c.channel};
  c.repeat = false;
}

// The receipt once the write has committed.
Receipt Store::Impl::finish_cast(FreshCast& c) {
  if (c.repeat)
    return receipt_for(c.ballot, true, statement_of(c.election, *c.info, c.ballot.leaf), nullptr, c.kiosk_only);
  return receipt_for(c.ballot, false, std::move(c.statement), &c.slot, c.kiosk_only);
}

Receipt Store::Impl::cast(const std::string& election, const std::string& typed, const json& answers,
                          const std::string& idempotency_key, bool kiosk_only, const CredentialInfo* known) {
  std::optional<Receipt> repeat;
  const auto c = prepare_cast(election, typed, idempotency_key, kiosk_only, known, answers, repeat);
  if (!c) return std::move(*repeat);
  write([&](Connection& db) { write_cast(db, *c); });
  return finish_cast(*c);
}

void Store::cast_async(const std::string& election, const std::string& typed, const CredentialInfo& known,
                       const json& answers, std::function<void(std::function<Receipt()>)> done) {
  std::optional<Receipt> repeat;  // stays empty: no key, and a known credential skips the read
  const auto c = impl_->prepare_cast(election, typed, "", false, &known, answers, repeat);
  Impl* impl = impl_.get();
  impl->writer->run_then([impl, c](Connection& db) { impl->write_cast(db, *c); },
                         [impl, c, done = std::move(done)](std::exception_ptr error) {
                           done([impl, c, error]() -> Receipt {
                             if (error) std::rethrow_exception(error);
                             return impl->finish_cast(*c);
                           });
                         });
}

std::int64_t Store::turnout(const std::string& election) const {
  std::int64_t total = 0;
  for (const auto& [channel, n] : turnout_by_channel(election)) total += n;
  return total;
}

std::map<std::string, std::int64_t> Store::turnout_by_channel(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    return Impl::channel_counts(db, election);
  });
}

void Store::seal_due() {
  const auto cutoff = unix_seconds(impl_->now()) - impl_->opts.batch_max_age.count();
  auto due = impl_->read([&](Connection& db) {
    std::vector<std::string> out;
    Stmt q(db, "SELECT election FROM pending_batches WHERE opened_at <= ?");
    q.bind(1, cutoff);
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  });
  for (const auto& election : due) {
    auto info = impl_->manifest_info(election);
    impl_->write([&](Connection& db) {
      if (Impl::state_of(db, election) != "open") return;
      impl_->seal(db, election, info->hash, false);
    });
  }
}

// --- paper ballots ----------------------------------------------------------------

namespace {

struct PaperEntry {
  int entry;
  std::string officer, district, answers;
};

std::vector<PaperEntry> paper_entries(Connection& db, const std::string& election, const std::string& batch,
                                      const std::string& serial) {
  Stmt q(db,
                      "SELECT entry, officer, district, answers FROM paper_entries "
                      "WHERE election = ? AND batch = ? AND serial = ? ORDER BY entry");
  q.bind(1, election);
  q.bind(2, batch);
  q.bind(3, serial);
  std::vector<PaperEntry> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString()});
  return out;
}

std::optional<std::string> paper_status(Connection& db, const std::string& election, const std::string& batch,
                                        const std::string& serial) {
  Stmt q(db, "SELECT status FROM paper_ballots WHERE election = ? AND batch = ? AND serial = ?");
  q.bind(1, election);
  q.bind(2, batch);
  q.bind(3, serial);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getString();
}

void set_paper_status(Connection& db, const std::string& election, const std::string& batch,
                      const std::string& serial, const std::string& status) {
  const bool exists = paper_status(db, election, batch, serial).has_value();
  Stmt q(db, exists ? "UPDATE paper_ballots SET status = ?4 WHERE election = ?1 AND batch = ?2 AND serial = ?3"
                                 : "INSERT INTO paper_ballots (election, batch, serial, status) VALUES (?1, ?2, ?3, ?4)");
  q.bind(1, election);
  q.bind(2, batch);
  q.bind(3, serial);
  q.bind(4, status);
  q.exec();
}

void add_paper_entry(Connection& db, const std::string& election, const std::string& batch,
                     const std::string& serial, int entry, const std::string& officer, const std::string& district,
                     const std::string& answers) {
  Stmt q(db,
                      "INSERT INTO paper_entries (election, batch, serial, entry, officer, district, answers) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, election);
  q.bind(2, batch);
  q.bind(3, serial);
  q.bind(4, entry);
  q.bind(5, officer);
  q.bind(6, district);
  q.bind(7, answers);
  q.exec();
}

// A disputed paper ballot, looked at by an officer who keyed neither entry.
void require_third_look(Connection& db, const std::string& election, const std::string& batch,
                        const std::string& serial, const std::string& actor) {
  const auto status = paper_status(db, election, batch, serial);
  if (!status) throw StoreError("not_found", "there is no paper ballot " + batch + "/" + serial);
  if (*status != "disputed") throw StoreError("conflict", "this paper ballot is " + *status + ", not disputed");
  for (const auto& e : paper_entries(db, election, batch, serial))
    if (e.officer == actor)
      throw StoreError("conflict", "you keyed one of the two entries: a third officer must decide on this ballot");
}

}  // namespace

PaperOutcome Store::paper_enter(const std::string& actor, const std::string& election, const std::string& batch,
                                const std::string& serial, const std::string& district, const json& answers) {
  check_actor(actor);
  check_label("the batch", batch);
  check_label("the paper's serial number", serial);
  auto info = impl_->manifest_info(election);
  const auto check = manifest::check_answers(info->manifest, info->contests, district, answers);
  if (!check.ok) throw StoreError("invalid", "this paper ballot is not valid: " + check.problems.front(), check.problems);
  const std::string normalized = canonical::dump(check.answers);
  const json doc = manifest::make_ballot(info->hash, "paper", district, check.answers,
                                         crypto::to_hex(crypto::random_bytes(16)));
  const std::string body = canonical::dump(doc);
  const merkle::Hash leaf = merkle::leaf_hash(body);
  return impl_->write([&](Connection& db) -> PaperOutcome {
    Impl::require_state(db, election, {"open"}, "enter paper ballots");
    const auto status = paper_status(db, election, batch, serial);
    const json where = {{"batch", batch}, {"serial", serial}};
    if (!status) {
      add_paper_entry(db, election, batch, serial, 1, actor, district, normalized);
      set_paper_status(db, election, batch, serial, "pending");
      json d = where;
      d["entry"] = 1;
      impl_->log_action(db, election, actor, "paper.enter", d);
      return {"pending", "first entry saved: a second officer must now key this paper ballot"};
    }
    if (*status == "pending") {
      const auto entries = paper_entries(db, election, batch, serial);
      if (entries.at(0).officer == actor)
        throw StoreError("conflict", "you keyed the first entry of this paper ballot: a different officer must key the second");
      add_paper_entry(db, election, batch, serial, 2, actor, district, normalized);
      const bool same = entries.at(0).district == district && entries.at(0).answers == normalized;
      json d = where;
      d["entry"] = 2;
      if (same) {
        impl_->insert_ballot(db, election, info->hash, body, leaf, "paper", district);
        set_paper_status(db, election, batch, serial, "matched");
        d["outcome"] = "matched";
        impl_->log_action(db, election, actor, "paper.enter", d);
        return {"matched", "both entries agree: the paper ballot is counted"};
      }
      set_paper_status(db, election, batch, serial, "disputed");
      impl_->log_action(db, election, actor, "paper.dispute", d);
      return {"disputed", "the two entries differ: a third officer must look at the paper ballot"};
    }
    if (*status == "disputed")
      throw StoreError("conflict", "this paper ballot is disputed: it needs a third look (resolve), not another entry");
    throw StoreError("conflict", "this paper ballot is already " + *status);
  });
}

PaperOutcome Store::paper_resolve(const std::string& actor, const std::string& election, const std::string& batch,
                                  const std::string& serial, const std::string& district, const json& answers) {
  check_actor(actor);
  auto info = impl_->manifest_info(election);
  const auto check = manifest::check_answers(info->manifest, info->contests, district, answers);
  if (!check.ok) throw StoreError("invalid", "this paper ballot is not valid: " + check.problems.front(), check.problems);
  const json doc = manifest::make_ballot(info->hash, "paper", district, check.answers,
                                         crypto::to_hex(crypto::random_bytes(16)));
  const std::string body = canonical::dump(doc);
  const merkle::Hash leaf = merkle::leaf_hash(body);
  return impl_->write([&](Connection& db) -> PaperOutcome {
    Impl::require_state(db, election, {"open"}, "resolve paper ballots");
    require_third_look(db, election, batch, serial, actor);
    add_paper_entry(db, election, batch, serial, 3, actor, district, canonical::dump(check.answers));
    impl_->insert_ballot(db, election, info->hash, body, leaf, "paper", district);
    set_paper_status(db, election, batch, serial, "resolved");
    impl_->log_action(db, election, actor, "paper.resolve", json{{"batch", batch}, {"serial", serial}});
    return {"resolved", "resolved by a third look: the paper ballot is counted"};
  });
}

PaperOutcome Store::paper_spoil(const std::string& actor, const std::string& election, const std::string& batch,
                                const std::string& serial) {
  check_actor(actor);
  return impl_->write([&](Connection& db) -> PaperOutcome {
    Impl::require_state(db, election, {"open"}, "resolve paper ballots");
    require_third_look(db, election, batch, serial, actor);
    add_paper_entry(db, election, batch, serial, 3, actor, "", "");
    set_paper_status(db, election, batch, serial, "spoiled");
    impl_->log_action(db, election, actor, "paper.spoil", json{{"batch", batch}, {"serial", serial}});
    return {"spoiled", "the paper ballot is set aside as spoiled and not counted"};
  });
}

json Store::paper_report(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    std::map<std::string, json> batches;
    Stmt q(db, "SELECT batch, serial, status FROM paper_ballots WHERE election = ? ORDER BY batch, serial");
    q.bind(1, election);
    while (q.executeStep()) {
      const std::string b = q.getColumn(0).getString(), serial = q.getColumn(1).getString(),
                        status = q.getColumn(2).getString();
      json& r = batches[b];
      if (r.is_null())
        r = {{"batch", b}, {"counted", 0}, {"matched", 0}, {"resolved", 0}, {"disputed", 0}, {"pending", 0},
             {"spoiled", 0}, {"accepted", 0}, {"to_resolve", json::array()}, {"waiting", json::array()}};
      r["counted"] = r["counted"].get<int>() + 1;
      r[status] = r[status].get<int>() + 1;
      if (status == "matched" || status == "resolved") r["accepted"] = r["accepted"].get<int>() + 1;
      if (status == "disputed") {
        json entries = json::array();
        for (const auto& e : paper_entries(db, election, b, serial))
          entries.push_back({{"entry", e.entry},
                             {"officer", e.officer},
                             {"district", e.district},
                             {"answers", e.answers.empty() ? json() : canonical::parse(e.answers)}});
        r["to_resolve"].push_back({{"serial", serial}, {"entries", entries}});
      }
      if (status == "pending") r["waiting"].push_back(serial);
    }
    json out = json::array();
    for (auto& [k, v] : batches) {
      (void)k;
      out.push_back(v);
    }
    return out;
  });
}

// --- audit ------------------------------------------------------------------------

std::vector<json> Store::checkpoints(const std::string& election, const std::string& log) const {
  if (log != "ballots" && log != "officer") throw StoreError("invalid", "the log is 'ballots' or 'officer'");
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    std::vector<json> out;
    for (const auto& s : impl_->column_strings(
             db, "SELECT document FROM checkpoints WHERE election = ? AND log = '" + log + "' ORDER BY seq", election))
      out.push_back(canonical::parse(s));
    return out;
  });
}

namespace {

std::vector<merkle::Hash> log_leaves(Connection& db, const std::string& election, std::uint64_t size) {
  std::vector<merkle::Hash> leaves;
  Stmt q(db,
                      "SELECT leaf FROM ballots WHERE election = ? AND log_index IS NOT NULL AND log_index < ? "
                      "ORDER BY log_index");
  q.bind(1, election);
  q.bind(2, static_cast<std::int64_t>(size));
  while (q.executeStep()) leaves.push_back(hash_of_blob(q.getColumn(0)));
  return leaves;
}

json hex_list(const std::vector<merkle::Hash>& v) {
  json out = json::array();
  for (const auto& h : v) out.push_back(crypto::to_hex(h));
  return out;
}

json checkpoint_of_size(Connection& db, const std::string& election, std::uint64_t size) {
  Stmt q(db,
                      "SELECT document FROM checkpoints WHERE election = ? AND log = 'ballots' AND size = ? "
                      "ORDER BY seq LIMIT 1");
  q.bind(1, election);
  q.bind(2, static_cast<std::int64_t>(size));
  if (!q.executeStep())
    throw StoreError("not_found", "no ballot checkpoint has size " + std::to_string(size));
  return canonical::parse(q.getColumn(0).getString());
}

}  // namespace

std::vector<std::string> Store::leaves_of_receipt(const std::string& election, const std::string& typed) const {
  const codes::Parsed parsed = codes::parse_receipt_code(typed);
  if (!parsed.ok) throw StoreError("invalid", parsed.problem);
  // 50 bits fill 6 bytes and the top 2 bits of the 7th: every leaf with that
  // prefix lies between `low` (the rest zero) and `high` (the rest one).
  const std::string prefix = codes::base32_bits(parsed.normalized);  // 7 bytes
  std::string low = prefix + std::string(32 - prefix.size(), '\0');
  std::string high = low;
  high[6] = static_cast<char>(static_cast<unsigned char>(high[6]) | 0x3Fu);
  for (std::size_t i = prefix.size(); i < high.size(); ++i) high[i] = static_cast<char>(0xFF);
  return impl_->read([&](Connection& db) {
    const std::string state = Impl::state_of(db, election);
    if (state == "draft") throw StoreError("not_found", "there is no public election '" + election + "'");
    Stmt q(db, "SELECT leaf FROM ballots WHERE election = ? AND leaf BETWEEN ? AND ? ORDER BY leaf");
    q.bind(1, election);
    bind_blob(q, 2, low);
    bind_blob(q, 3, high);
    std::vector<std::string> out;
    while (q.executeStep()) {
      const auto* data = static_cast<const char*>(q.getColumn(0).getBlob());
      out.push_back(crypto::to_hex(std::string(data, static_cast<std::size_t>(q.getColumn(0).getBytes()))));
    }
    return out;
  });
}

json Store::inclusion_proof(const std::string& election, const std::string& leaf_hex) const {
  std::string leaf;
  try {
    leaf = crypto::from_hex(leaf_hex);
  } catch (const std::exception&) {
    throw StoreError("invalid", "a leaf hash is 64 hex digits");
  }
  if (leaf.size() != 32) throw StoreError("invalid", "a leaf hash is 64 hex digits");
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    Stmt q(db, "SELECT log_index FROM ballots WHERE election = ? AND leaf = ?");
    q.bind(1, election);
    bind_blob(q, 2, leaf);
    if (!q.executeStep()) throw StoreError("not_found", "no ballot of this election has this receipt");
    if (q.getColumn(0).isNull())
      throw StoreError("not_sealed",
                       "your ballot is stored; it joins the public log when its batch is sealed (at the latest when "
                       "voting closes): check again later");
    const auto index = static_cast<std::uint64_t>(q.getColumn(0).getInt64());
    Stmt c(db,
                        "SELECT size, document FROM checkpoints WHERE election = ? AND log = 'ballots' "
                        "ORDER BY seq DESC LIMIT 1");
    c.bind(1, election);
    c.executeStep();
    const auto size = static_cast<std::uint64_t>(c.getColumn(0).getInt64());
    const json cp = canonical::parse(c.getColumn(1).getString());
    const auto leaves = log_leaves(db, election, size);
    return json{{"checkpoint", cp},
                {"leaf", leaf_hex},
                {"leaf_index", index},
                {"path", hex_list(merkle::inclusion_proof(leaves, index, size))},
                {"tree_size", size}};
  });
}

json Store::consistency_proof(const std::string& election, std::uint64_t old_size, std::uint64_t new_size) const {
  if (old_size == 0 || old_size > new_size)
    throw StoreError("invalid", "a consistency proof goes from a smaller non-empty log to a larger one");
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    const json old_cp = checkpoint_of_size(db, election, old_size);
    const json new_cp = checkpoint_of_size(db, election, new_size);
    const auto leaves = log_leaves(db, election, new_size);
    return json{{"new", new_cp},
                {"new_size", new_size},
                {"old", old_cp},
                {"old_size", old_size},
                {"path", hex_list(merkle::consistency_proof(leaves, old_size, new_size))}};
  });
}

std::vector<json> Store::officer_log(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    if (!election.empty()) Impl::state_of(db, election);
    std::vector<json> out;
    for (const auto& s :
         impl_->column_strings(db, "SELECT entry FROM officer_log WHERE election = ? ORDER BY seq", election))
      out.push_back(canonical::parse(s));
    return out;
  });
}

std::vector<json> Store::ballots(const std::string& election) const {
  return impl_->read([&](Connection& db) {
    Impl::state_of(db, election);
    return impl_->sealed_ballots(db, election);
  });
}

record::Files Store::record_files(const std::string& election) const {
  record::Files files;
  json manifest_doc;
  impl_->read([&](Connection& db) {
    Impl::require_state(db, election, {"tallied", "published"}, "export the election record");
    Stmt m(db, "SELECT manifest FROM elections WHERE id = ?");
    m.bind(1, election);
    m.executeStep();
    manifest_doc = canonical::parse(m.getColumn(0).getString());
    files["manifest.json"] = m.getColumn(0).getString() + "\n";
    files["public-keys.json"] = record::document(json{{"allot", "keys/1"}, {"signing", impl_->key_hex}});
    auto lines = [&](const std::string& sql) {
      std::string out;
      for (const auto& s : impl_->column_strings(db, sql, election)) out += s + "\n";
      return out;
    };
    files["ballots.jsonl"] =
        lines("SELECT body FROM ballots WHERE election = ? AND log_index IS NOT NULL ORDER BY log_index");
    files["ballot-checkpoints.jsonl"] =
        lines("SELECT document FROM checkpoints WHERE election = ? AND log = 'ballots' ORDER BY seq");
    files["officer-checkpoints.jsonl"] =
        lines("SELECT document FROM checkpoints WHERE election = ? AND log = 'officer' ORDER BY seq");
    files["officer-log.jsonl"] = lines("SELECT entry FROM officer_log WHERE election = ? ORDER BY seq");
    Stmt r(db, "SELECT document FROM results WHERE election = ?");
    r.bind(1, election);
    r.executeStep();
    files["result.json"] = r.getColumn(0).getString() + "\n";
  });
  std::vector<json> ballots;
  {
    std::istringstream in(files["ballots.jsonl"]);
    std::string line;
    while (std::getline(in, line)) ballots.push_back(canonical::parse(line));
  }
  for (std::size_t i = 0; i < manifest_doc.at("contests").size(); ++i) {
    auto e = manifest::export_contest(manifest_doc, i, ballots);
    if (!e.file_name.empty()) files["exports/" + e.file_name] = std::move(e.bytes);
  }
  return files;
}

void Store::export_record(const std::string& election, const fs::path& dir) const {
  const auto files = record_files(election);
  try {
    record::write_record(dir, files, election, manifest_hash(election), impl_->key);
  } catch (const StoreError&) {
    throw;
  } catch (const std::exception& e) {
    throw StoreError("unavailable", e.what());
  }
}

void Store::backup(const fs::path& file) const {
  if (fs::exists(file)) throw StoreError("conflict", file.string() + " already exists: back up to a new file");
  const fs::path tmp = file.string() + ".partial";
  fs::remove(tmp);
  try {
    auto lease = impl_->reader();
    SQLite::Database dest(tmp.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    SQLite::Backup b(dest, *lease);
    b.executeStep(-1);  // the whole database in one step: a consistent snapshot
  } catch (const SQLite::Exception& e) {
    fs::remove(tmp);
    rethrow_sqlite(e);
  }
  fs::rename(tmp, file);
}

}  // namespace allot::store
