// Shared helpers for the store tests: a small valid election definition, a
// temporary data directory, an injectable clock, and a few probes that look at the
// database file directly (read-only) to check what the API cannot show.
//
// The election ("test-2026"):
//   city         budget 900, approval, city-wide, at most 3 projects, max cost 900,
//                rule mes-add1; P1 100, P2 200, P3 300, P4 500
//   north-parks  budget 500, cumulative, district "north", at most 5 points in all,
//                rule greedy; N1 200, N2 300, N3 250
//   mayor        selection, ranked, city-wide, 1 seat, rule irv; A, B, C
// Districts: north, south. A voter of "north" answers all three contests; anyone
// else answers city and mayor.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "allot/storage/store.hpp"

namespace allot::testing {

using nlohmann::json;

// The id of store_definition()'s election.
inline const std::string kE = "test-2026";

inline json texts(const std::string& en) { return json{{"en", en}}; }

inline json store_definition(const std::string& id = "test-2026") {
  auto option = [](const std::string& oid, std::int64_t cost) {
    return json{{"id", oid}, {"title", texts("Option " + oid)}, {"cost", cost}};
  };
  json city = {{"id", "city"},
               {"kind", "budget"},
               {"format", "approval"},
               {"district", ""},
               {"title", texts("City projects")},
               {"budget", 900},
               {"currency", "GBP"},
               {"money_decimals", 0},
               {"limits", {{"max_choices", 3}, {"max_cost", 900}}},
               {"rule", "mes-add1"},
               {"options", json::array({option("P1", 100), option("P2", 200), option("P3", 300), option("P4", 500)})}};
  json north = {{"id", "north-parks"},
                {"kind", "budget"},
                {"format", "cumulative"},
                {"district", "north"},
                {"title", texts("North parks")},
                {"budget", 500},
                {"currency", "GBP"},
                {"money_decimals", 0},
                {"limits", {{"max_points_total", 5}}},
                {"rule", "greedy"},
                {"options", json::array({option("N1", 200), option("N2", 300), option("N3", 250)})}};
  json mayor = {{"id", "mayor"},
                {"kind", "selection"},
                {"format", "ranked"},
                {"district", ""},
                {"title", texts("Mayor")},
                {"seats", 1},
                {"rule", "irv"},
                {"options", json::array({option("A", 0), option("B", 0), option("C", 0)})}};
  return json{{"election", id},
              {"title", texts("Test election " + id)},
              {"languages", json::array({"en"})},
              {"tie_break", "ticket"},
              {"districts", json::array({json{{"id", "north"}, {"name", texts("North")}},
                                         json{{"id", "south"}, {"name", texts("South")}}})},
              {"contests", json::array({city, north, mayor})}};
}

// Valid answers for a voter of `district`; `variant` picks one of a few shapes so a
// tally has something to count.
inline json answers_for(const std::string& district, unsigned variant = 0) {
  static const std::vector<std::vector<std::string>> city = {{"P1", "P2"}, {"P3"}, {"P1", "P4"}, {}, {"P2", "P3"}};
  static const std::vector<std::vector<std::string>> mayor = {{"A", "B"}, {"B"}, {"C", "A", "B"}, {"A"}, {}};
  json a = {{"city", {{"options", city[variant % city.size()]}}},
            {"mayor", {{"options", mayor[variant % mayor.size()]}}}};
  if (district == "north") {
    static const std::vector<std::pair<std::vector<std::string>, std::vector<int>>> parks = {
        {{"N1", "N2"}, {3, 2}}, {{"N3"}, {5}}, {{}, {}}, {{"N2"}, {1}}};
    const auto& p = parks[variant % parks.size()];
    a["north-parks"] = {{"options", p.first}, {"points", p.second}};
  }
  return a;
}

// A unique, empty directory under the system's temporary directory, removed (with
// everything in it) when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& tag = "store") {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto p = std::filesystem::temp_directory_path() /
               ("allot-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                std::to_string(rd()));
      if (std::filesystem::create_directory(p)) {
        path_ = p;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  std::filesystem::path path_;
};

// A clock the test moves by hand (thread-safe). Starts at 2026-11-23T09:00:00Z.
class FakeClock {
 public:
  static constexpr std::int64_t kStart = 1'795'424'400;  // 2026-11-23T09:00:00Z
  FakeClock() : now_(std::make_shared<std::atomic<std::int64_t>>(kStart)) {}
  void advance(std::chrono::seconds s) { *now_ += s.count(); }
  std::int64_t seconds() const { return *now_; }
  std::function<std::chrono::system_clock::time_point()> fn() const {
    auto n = now_;
    return [n] { return std::chrono::system_clock::time_point(std::chrono::seconds(n->load())); };
  }

 private:
  std::shared_ptr<std::atomic<std::int64_t>> now_;
};

inline store::Options store_options(const std::filesystem::path& dir, const FakeClock& clock,
                                    std::size_t batch_min = 1) {
  store::Options o;
  o.data_dir = dir;
  o.batch_min = batch_min;
  o.clock = clock.fn();
  return o;
}

// Runs f and returns the StoreError it threw, or nothing when it threw none (any
// other exception propagates and fails the test).
template <class F>
std::optional<store::StoreError> store_error(F&& f) {
  try {
    f();
  } catch (const store::StoreError& e) {
    return e;
  }
  return std::nullopt;
}

// The code of the StoreError f throws, or "(no error)".
template <class F>
std::string error_code(F&& f) {
  auto e = store_error(std::forward<F>(f));
  return e ? e->code : std::string("(no error)");
}

inline std::filesystem::path db_file(const std::filesystem::path& data_dir) { return data_dir / "allot.db"; }

// Runs one statement through a separate read-write connection, as an intruder
// with the database file could; returns the error message, or "" when SQLite
// accepted it.
inline std::string direct_sql(const std::filesystem::path& data_dir, const std::string& sql) {
  SQLite::Database db(db_file(data_dir).string(), SQLite::OPEN_READWRITE, 5000);
  try {
    db.exec(sql);
  } catch (const SQLite::Exception& e) {
    return e.what();
  }
  return "";
}

// Every ballot row (sealed or not) of an election, read through a separate
// read-only connection.
inline std::int64_t stored_ballots(const std::filesystem::path& data_dir, const std::string& election) {
  SQLite::Database db(db_file(data_dir).string(), SQLite::OPEN_READONLY, 5000);
  SQLite::Statement q(db, "SELECT count(*) FROM ballots WHERE election = ?");
  q.bind(1, election);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

inline std::vector<std::string> stored_ballot_bodies(const std::filesystem::path& data_dir,
                                                     const std::string& election) {
  SQLite::Database db(db_file(data_dir).string(), SQLite::OPEN_READONLY, 5000);
  SQLite::Statement q(db, "SELECT body FROM ballots WHERE election = ? ORDER BY leaf");
  q.bind(1, election);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(0).getString());
  return out;
}

inline std::int64_t used_codes(const std::filesystem::path& data_dir, const std::string& election) {
  SQLite::Database db(db_file(data_dir).string(), SQLite::OPEN_READONLY, 5000);
  SQLite::Statement q(db, "SELECT count(*) FROM credentials WHERE election = ? AND used = 1");
  q.bind(1, election);
  q.executeStep();
  return q.getColumn(0).getInt64();
}

// A store with the test election created, `codes` city-wide codes and
// `north_codes` codes of district north generated, and (when `open`) opened.
struct OpenElection {
  std::vector<std::string> codes;
  std::vector<std::string> north_codes;
};

inline OpenElection prepare_election(store::Store& s, std::size_t codes, std::size_t north_codes = 0,
                                     bool open = true, const std::string& id = "test-2026") {
  OpenElection out;
  s.create_election("admin", store_definition(id));
  if (codes > 0) out.codes = s.generate_codes("admin", id, codes);
  if (north_codes > 0) out.north_codes = s.generate_codes("admin", id, north_codes, "north");
  if (open) s.open("admin", id);
  return out;
}

// Holds the database's write lock from another connection, so the store's writer
// waits in BEGIN (its busy timeout is 5 s) while requests pile up behind it; then
// lets go once at least `depth` wait in the queue (release_when_queued), or at once
// (release). The requests queued meanwhile are committed in order.
class WriterGate {
 public:
  explicit WriterGate(const std::filesystem::path& data_dir)
      : db_(db_file(data_dir).string(), SQLite::OPEN_READWRITE, 5000) {
    db_.exec("BEGIN IMMEDIATE");
  }
  void release_when_queued(const store::Store& s, std::size_t depth) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (s.writer_stats().queue_depth < depth && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    release();
  }
  void release() {
    if (held_) db_.exec("ROLLBACK");
    held_ = false;
  }

 private:
  SQLite::Database db_;
  bool held_ = true;
};

}  // namespace allot::testing
