#include "writer.hpp"

#include "allot/storage/thread_name.hpp"

#include <sqlite3.h>

#include <algorithm>

namespace allot::store {

Stmt::Stmt(Connection& db, const std::string& sql) {
  auto& e = db.statements_[sql];
  if (!e.busy) {
    if (!e.statement) e.statement = std::make_unique<SQLite::Statement>(db, sql);
    e.busy = true;
    entry_ = &e;
    statement_ = e.statement.get();
    return;
  }
  own_ = std::make_unique<SQLite::Statement>(db, sql);
  statement_ = own_.get();
}

Stmt::~Stmt() {
  if (!entry_) return;
  statement_->tryReset();
  try {
    statement_->clearBindings();
  } catch (...) {
    entry_->statement.reset();  // prepared again on next use
  }
  entry_->busy = false;
}

ReadTransaction::ReadTransaction(Connection& db) : db_(db) { Stmt(db_, "BEGIN").exec(); }

ReadTransaction::~ReadTransaction() {
  if (done_) return;
  try {
    Stmt(db_, "ROLLBACK").exec();
  } catch (...) {
  }
}

void ReadTransaction::commit() {
  Stmt(db_, "COMMIT").exec();
  done_ = true;
}

std::unique_ptr<Connection> open_connection(const std::string& path, bool writable) {
  const int flags = writable ? (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX)
                             : (SQLite::OPEN_READONLY | SQLite::OPEN_FULLMUTEX);
  auto db = std::make_unique<Connection>(path, flags, 5000);
  if (writable) {
    db->exec("PRAGMA journal_mode = WAL");
    // A request's SAVEPOINT journal stays in memory (it is a few pages): no temporary
    // file is created, written and deleted per group.
    db->exec("PRAGMA temp_store = MEMORY");
  }
  db->exec("PRAGMA synchronous = FULL");
  db->exec("PRAGMA foreign_keys = ON");
  db->exec("PRAGMA recursive_triggers = ON");  // REPLACE's deletions fire DELETE triggers too
  return db;
}

void rethrow_sqlite(const SQLite::Exception& e) {
  const std::string msg = e.what();
  auto after = [&](const std::string& prefix) -> std::optional<std::string> {
    auto p = msg.find(prefix);
    if (p == std::string::npos) return std::nullopt;
    return msg.substr(p + prefix.size());
  };
  if (auto m = after("frozen: ")) throw StoreError("frozen", *m);
  if (auto m = after("state: ")) throw StoreError("wrong_state", *m);
  if (auto m = after("append-only: ")) throw StoreError("invalid", *m);
  const int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_FULL || code == SQLITE_READONLY || code == SQLITE_IOERR || code == SQLITE_CANTOPEN ||
      code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    throw StoreError("unavailable", "the store cannot save right now (" + msg + "); nothing was saved");
  if (code == SQLITE_CONSTRAINT) throw StoreError("conflict", "this clashes with what is stored (" + msg + ")");
  throw StoreError("unavailable", "the store failed (" + msg + "); nothing was saved");
}

Writer::Writer(const std::string& db_path, std::size_t group_max, Hooks hooks, int checkpoint_pages)
    : path_(db_path),
      group_max_(group_max == 0 ? 1 : group_max),
      checkpoint_pages_(checkpoint_pages < 1 ? 1 : checkpoint_pages),
      hooks_(std::move(hooks)) {
  // Open on the calling thread first so a bad path fails the constructor.
  open_connection(path_, true);
  checkpoint_thread_ = std::thread([this] {
    name_this_thread("allot-wal");
    checkpoint_loop();
  });
  thread_ = std::thread([this] {
    name_this_thread("allot-writer");
    loop();
  });
}

Writer::~Writer() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  checkpoint_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

int Writer::on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  auto* w = static_cast<Writer*>(self);
  bool wake = false;
  {
    std::lock_guard lk(w->mu_);
    w->stats_.wal_pages = static_cast<std::uint64_t>(pages);
    if (pages >= w->checkpoint_pages_ && !w->checkpoint_due_) wake = w->checkpoint_due_ = true;
  }
  if (wake) w->checkpoint_cv_.notify_one();
  return SQLITE_OK;
}

// PASSIVE: copies what no reader still needs, without waiting for readers or the
// writer. Once the whole log is copied, the writer's next transaction starts the
// log over from its beginning. A failed attempt (e.g. disk full) is retried at the
// next commit that finds the log long; the log itself stays the durable copy.
void Writer::checkpoint_loop() {
  std::unique_ptr<Connection> db;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      checkpoint_cv_.wait(lk, [&] { return stopping_ || checkpoint_due_; });
      if (stopping_) return;
    }
    try {
      if (!db) db = open_connection(path_, true);
      int log = 0, copied = 0;
      const int rc = sqlite3_wal_checkpoint_v2(db->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      if (rc == SQLITE_OK) {
        std::lock_guard lk(mu_);
        ++stats_.wal_checkpoints;
      } else if (rc != SQLITE_BUSY) {
        db.reset();  // reopened for the next attempt
      }
    } catch (...) {
      db.reset();
    }
    std::lock_guard lk(mu_);
    checkpoint_due_ = false;
  }
}

std::size_t group_size_bucket(std::size_t size) {
  const auto& bounds = WriterStats::kGroupSizeBounds;
  const auto it = std::lower_bound(bounds.begin(), bounds.end(), size);
  return static_cast<std::size_t>(it - bounds.begin());
}

WriterStats Writer::stats() const {
  std::lock_guard lk(mu_);
  WriterStats s = stats_;
  s.queue_depth = queue_.size();
  return s;
}

void Writer::submit(Job job) {
  std::promise<void> done;
  std::future<void> f = done.get_future();
  run_then(std::move(job), [&done](std::exception_ptr error) {
    if (error) done.set_exception(error);
    else done.set_value();
  });
  f.get();
}

void Writer::run_then(Job job, std::function<void(std::exception_ptr)> then) {
  {
    std::lock_guard lk(mu_);
    if (stopping_) throw StoreError("unavailable", "the store is shutting down; nothing was saved");
    queue_.push_back(Item{std::move(job), std::move(then)});
  }
  cv_.notify_one();
}

void Writer::loop() {
  std::unique_ptr<Connection> db;
  // The writing connection never checkpoints itself (see checkpoint_loop).
  auto open = [&] {
    try {
      db = open_connection(path_, true);
      sqlite3_wal_hook(db->getHandle(), &Writer::on_wal_commit, this);
    } catch (...) {
      db.reset();  // every request will be refused as "unavailable"
    }
  };
  open();
  for (;;) {
    std::deque<Item> group;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && group.size() < group_max_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!db) open();
    if (!db) {
      for (auto& item : group)
        item.then(std::make_exception_ptr(
            StoreError("unavailable", "the store's database cannot be opened; nothing was saved")));
      continue;
    }
    std::vector<std::exception_ptr> errors(group.size());
    bool group_ok = true;
    // A failure of the transaction itself fails every request of the group.
    auto fail_all = [&](const SQLite::Exception& e) {
      group_ok = false;
      try {
        rethrow_sqlite(e);
      } catch (...) {
        for (auto& err : errors) err = std::current_exception();
      }
    };
    try {
      Stmt(*db, "BEGIN IMMEDIATE").exec();
    } catch (const SQLite::Exception& e) {
      fail_all(e);
    }
    if (group_ok) {
      for (std::size_t i = 0; i < group.size(); ++i) {
        try {
          Stmt(*db, "SAVEPOINT request").exec();
        } catch (const SQLite::Exception& e) {
          fail_all(e);
          break;
        }
        try {
          try {
            group[i].job(*db);
          } catch (const SQLite::Exception& e) {
            rethrow_sqlite(e);
          }
          Stmt(*db, "RELEASE request").exec();
        } catch (...) {
          errors[i] = std::current_exception();
          try {
            Stmt(*db, "ROLLBACK TO request").exec();
            Stmt(*db, "RELEASE request").exec();
          } catch (...) {
            group_ok = false;
            break;
          }
        }
      }
      if (group_ok && hooks_.on_group_end && std::any_of(errors.begin(), errors.end(), [](auto& e) { return !e; })) {
        try {
          Stmt(*db, "SAVEPOINT group_end").exec();
        } catch (const SQLite::Exception& e) {
          fail_all(e);
        }
        if (group_ok) {
          try {
            hooks_.on_group_end(*db);
            Stmt(*db, "RELEASE group_end").exec();
          } catch (...) {
            {
              std::lock_guard lk(mu_);
              ++stats_.seal_failures;
            }
            try {
              Stmt(*db, "ROLLBACK TO group_end").exec();
              Stmt(*db, "RELEASE group_end").exec();
            } catch (...) {
              group_ok = false;
            }
          }
        }
      }
      if (group_ok) {
        try {
          Stmt(*db, "COMMIT").exec();
        } catch (const SQLite::Exception& e) {
          fail_all(e);
        }
      }
      if (!group_ok) {
        try {
          Stmt(*db, "ROLLBACK").exec();
        } catch (...) {
        }
        for (auto& err : errors)
          if (!err)
            err = std::make_exception_ptr(
                StoreError("unavailable", "the store could not save this group of requests; nothing was saved"));
        if (hooks_.on_group_failed) hooks_.on_group_failed();
      } else if (hooks_.on_group_committed) {
        hooks_.on_group_committed();
      }
    }
    {
      // The lock is taken once per group anyway; the histogram adds two increments.
      std::lock_guard lk(mu_);
      stats_.requests += group.size();
      if (group.size() > stats_.largest_group) stats_.largest_group = group.size();
      if (group_ok) {
        ++stats_.transactions;
        ++stats_.group_sizes[group_size_bucket(group.size())];
        stats_.group_size_sum += group.size();
      }
    }
    for (std::size_t i = 0; i < group.size(); ++i) group[i].then(errors[i]);
    // A failed group may have left the writing connection unusable (e.g. disk
    // full): reopen it for the next group.
    if (!group_ok) open();
  }
}

}  // namespace allot::store
