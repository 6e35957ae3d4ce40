// The single writer: a thread that owns the only writing connection and commits
// the requests waiting in its queue together (group commit).
//
// Each request runs inside its own SAVEPOINT of the group's transaction, so one
// refused request (an exception) leaves the others intact. The caller's run() call
// returns only after COMMIT has returned, i.e. once the change is durable (WAL with
// synchronous=FULL); if COMMIT fails, every request of the group fails and nothing
// of it is stored.
//
// The write-ahead log is copied back into the database file (a SQLite checkpoint)
// by a second thread on its own connection, not by the commit that crosses the
// threshold: otherwise one group in every few hundred ballots would wait for that
// copy and its fsync.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "allot/storage/store.hpp"

namespace allot::store {

// A connection that keeps its prepared statements. Compiling a statement (its
// triggers included) costs several times more than running it: before this cache,
// sqlite3_prepare was 40% of the instructions of a cast (callgrind, docs/PERFORMANCE.md).
// A connection is used by one thread at a time (the writer, or a reader's lease).
class Connection : public SQLite::Database {
 public:
  using SQLite::Database::Database;
  ~Connection() { statements_.clear(); }  // finalized before the connection closes

 private:
  friend class Stmt;
  struct Entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool busy = false;
  };
  std::unordered_map<std::string, Entry> statements_;
};

// A statement of a Connection, prepared on first use and kept; reset and unbound
// when this handle goes. Used like SQLite::Statement. Should the same SQL already be
// in use on this connection (a nested query), this handle prepares its own copy.
class Stmt {
 public:
  Stmt(Connection& db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  operator SQLite::Statement&() { return *statement_; }
  template <class... A>
  void bind(A&&... a) {
    statement_->bind(std::forward<A>(a)...);
  }
  bool executeStep() { return statement_->executeStep(); }
  int exec() { return statement_->exec(); }
  SQLite::Column getColumn(int index) const { return statement_->getColumn(index); }
  void reset() { statement_->reset(); }

 private:
  Connection::Entry* entry_ = nullptr;
  std::unique_ptr<SQLite::Statement> own_;
  SQLite::Statement* statement_ = nullptr;
};

class Writer {
 public:
  using Job = std::function<void(Connection&)>;

  // The owner's hooks, all run on the writer thread:
  // - `on_group_end(db)` after the group's requests, inside its transaction and a
  //   savepoint of its own (the store seals the batches the group filled). What it
  //   throws rolls back only its own changes; the group still commits.
  // - `on_group_failed` after a group rolled back, so the owner can drop caches
  //   built from the uncommitted state.
  // - `on_group_committed` after a group's commit is durable and before any of its
  //   requests returns (the store signs the group's receipts); it must not throw.
  struct Hooks {
    std::function<void(Connection&)> on_group_end;
    std::function<void()> on_group_failed;
    std::function<void()> on_group_committed;
  };
  // `checkpoint_pages`: the log length (pages) at which the checkpoint thread copies
  // the log back into the database file.
  Writer(const std::string& db_path, std::size_t group_max, Hooks hooks, int checkpoint_pages);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `f(db)` on the writer thread inside a transaction and returns its value
  // after the commit; rethrows what f threw (its changes rolled back).
  template <class F>
  auto run(F&& f) -> std::invoke_result_t<F&, Connection&> {
    using R = std::invoke_result_t<F&, Connection&>;
    if constexpr (std::is_void_v<R>) {
      submit([&](Connection& db) { f(db); });
    } else {
      std::optional<R> out;
      submit([&](Connection& db) { out.emplace(f(db)); });
      return std::move(*out);
    }
  }

  // As run(), without waiting: `then` gets a null pointer once the commit is durable
  // (after on_group_committed), or what the job or the commit threw. `then` runs on
  // the writer thread, so it must be quick and must not throw: it hands the rest of
  // the work to another thread. Throws StoreError("unavailable") when the writer is
  // stopping (the job is not queued).
  void run_then(Job job, std::function<void(std::exception_ptr)> then);

  WriterStats stats() const;

 private:
  struct Item {
    Job job;
    std::function<void(std::exception_ptr)> then;  // run() waits on a promise it sets
  };
  void submit(Job job);
  void loop();
  void checkpoint_loop();
  // Installed on the writing connection: called after each commit with the log's length.
  static int on_wal_commit(void* self, sqlite3* db, const char* name, int pages);

  std::string path_;
  std::size_t group_max_;
  int checkpoint_pages_;
  Hooks hooks_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  bool checkpoint_due_ = false;
  std::condition_variable checkpoint_cv_;
  std::thread checkpoint_thread_;
  std::thread thread_;
};

// Opens a connection with the store's settings (WAL, synchronous=FULL, foreign
// keys, busy timeout).
std::unique_ptr<Connection> open_connection(const std::string& path, bool writable);

// A read transaction (one snapshot) on a reader connection, with cached statements.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& db);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  void commit();

 private:
  Connection& db_;
  bool done_ = false;
};

// The index in WriterStats::group_sizes of a group of `size` requests.
std::size_t group_size_bucket(std::size_t size);

// Maps SQLite failures to StoreError: trigger messages ("frozen: ...", "state: ...",
// "append-only: ...") keep their sentence; disk full, read-only or I/O errors become
// "unavailable".
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e);

}  // namespace allot::store
