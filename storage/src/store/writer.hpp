// The single writer: a thread that owns the only writing connection and commits
// the requests waiting in its queue together (group commit).
//
// Each request runs inside its own SAVEPOINT of the group's transaction, so one
// refused request (an exception) leaves the others intact. The caller's run() call
// returns only after COMMIT has returned, i.e. once the change is durable (WAL with
// synchronous=FULL); if COMMIT fails, every request of the group fails and nothing
// of it is stored.
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

#include "allot/storage/store.hpp"

namespace allot::store {

class Writer {
 public:
  using Job = std::function<void(SQLite::Database&)>;

  // `on_group_failed` runs on the writer thread after a group rolled back, so the
  // owner can drop caches built from the uncommitted state.
  Writer(const std::string& db_path, std::size_t group_max, std::function<void()> on_group_failed);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `f(db)` on the writer thread inside a transaction and returns its value
  // after the commit; rethrows what f threw (its changes rolled back).
  template <class F>
  auto run(F&& f) -> std::invoke_result_t<F&, SQLite::Database&> {
    using R = std::invoke_result_t<F&, SQLite::Database&>;
    if constexpr (std::is_void_v<R>) {
      submit([&](SQLite::Database& db) { f(db); });
    } else {
      std::optional<R> out;
      submit([&](SQLite::Database& db) { out.emplace(f(db)); });
      return std::move(*out);
    }
  }

  WriterStats stats() const;

 private:
  struct Item {
    Job job;
    std::promise<void> done;
  };
  void submit(Job job);
  void loop();
  void run_group(std::deque<Item>& group);

  std::string path_;
  std::size_t group_max_;
  std::function<void()> on_group_failed_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  WriterStats stats_;
  std::thread thread_;
};

// Opens a connection with the store's settings (WAL, synchronous=FULL, foreign
// keys, busy timeout).
std::unique_ptr<SQLite::Database> open_connection(const std::string& path, bool writable);

// The index in WriterStats::group_sizes of a group of `size` requests.
std::size_t group_size_bucket(std::size_t size);

// Maps SQLite failures to StoreError: trigger messages ("frozen: ...", "state: ...",
// "append-only: ...") keep their sentence; disk full, read-only or I/O errors become
// "unavailable".
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& e);

}  // namespace allot::store
