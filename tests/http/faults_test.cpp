// Faults and concurrency through the real server on a loopback port.
//
// Disk full and read-only, in process: the store's SQLite runs on a fault-injecting
// VFS (support/fault_vfs.hpp) that fails the writes of the database and its WAL like
// ENOSPC or EROFS. Ballots and officer changes are then refused with 503
// "unavailable" and no receipt, reads and the code exchange go on, nothing
// acknowledged is lost, nothing refused is stored, and voting continues without a
// restart once the disk is back; the refused voters' codes are not used up.
//
// Disk full and read-only, for real: the `allot serve` binary with RLIMIT_FSIZE (the
// kernel refuses writes past the limit, EFBIG), then restarted without it; and on a
// data directory it may not write (as user nobody, since root ignores permissions),
// where it refuses to start and says why.
//
// Concurrency: 1,000 connections at once submit with the same kiosk token, or the
// same voting code: exactly one ballot.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "allot/http/api.hpp"
#include "allot/http/server.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/store.hpp"
#include "allot/storage/verify.hpp"
#include "fault_vfs.hpp"
#include "http_client.hpp"
#include "live_server.hpp"
#include "store_fixture.hpp"

namespace allot::testing {
namespace {

using nlohmann::json;
using Fault = FaultVfs::Fault;

const std::string kPw = "correct horse battery";
const std::string kEl = "/api/v1/elections/";
const std::string kO = "/api/v1/officer/elections/";
const Headers kJson = {{"Content-Type", "application/json"}};

Reply exchange_code(HttpClient& c, const std::string& code) {
  return c.request("POST", kEl + kE + "/session", json{{"code", code}}.dump(), kJson);
}

Reply cast(HttpClient& c, const std::string& session, const std::string& key, unsigned variant = 0) {
  return c.request(
      "POST", kEl + kE + "/ballot", json{{"answers", answers_for("", variant)}}.dump(),
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + session}, {"Idempotency-Key", key}});
}

// A voter from start to end: exchange, cast; the cast's reply (or the exchange's
// when that was refused).
Reply vote(const LiveServer& s, const std::string& code, const std::string& key, unsigned variant = 0) {
  HttpClient c = s.client();
  const Reply e = exchange_code(c, code);
  if (e.status != 200) return e;
  return cast(c, e.json().at("session").get<std::string>(), key, variant);
}

std::string error_of(const Reply& r) {
  try {
    return r.json().value("error", "");
  } catch (const std::exception&) {
    return "(not JSON: " + r.body.substr(0, 100) + ")";
  }
}

// What a refusal for a failing disk must look like: 503, JSON "unavailable" with a
// sentence that says nothing was saved, no receipt, and no internal path.
void expect_unavailable(const LiveServer& s, const Reply& r, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u) << r.header("content-type");
  EXPECT_EQ(error_of(r), "unavailable") << r.body;
  json body;
  try {
    body = r.json();
  } catch (const std::exception&) {
    return;
  }
  const std::string message = body.value("message", "");
  EXPECT_NE(message.find("nothing was saved"), std::string::npos) << message;
  EXPECT_EQ(message.find(s.dir.path().string()), std::string::npos) << message;
  EXPECT_EQ(message.find("allot.db"), std::string::npos) << message;
  EXPECT_FALSE(body.contains("receipt") || body.contains("leaf")) << r.body;
}

// The receipt of a leaf: 200 (sealed: "included", else "pending") when the ballot
// is stored, 404 when not.
int receipt_status(const LiveServer& s, const std::string& leaf) {
  return s.client().request("GET", kEl + kE + "/receipts/" + leaf).status;
}

std::int64_t turnout(const LiveServer& s) {
  const Reply r = s.client().request("GET", kEl + kE + "/turnout");
  if (r.status != 200) return -1;
  return r.json().at("ballots").get<std::int64_t>();
}

std::int64_t turnout_of(HttpClient c) {
  const Reply r = c.request("GET", kEl + kE + "/turnout");
  return r.status == 200 ? r.json().at("ballots").get<std::int64_t>() : -1;
}

const char* name_of(Fault f) { return f == Fault::DiskFull ? "disk full" : "read-only"; }

// ---- disk full and read-only, in process ----------------------------------------------

class HttpFaults : public ::testing::TestWithParam<Fault> {};

TEST_P(HttpFaults, BallotsAndChangesAre503WhileTheDiskFailsAndNothingIsLost) {
  const Fault fault = GetParam();
  FaultVfs::Scope vfs;  // before the store opens its connections
  LiveServer s{"faults"};
  s.store->create_user("setup", "root", kPw, store::Role::Admin);
  const auto codes = prepare_election(*s.store, 10).codes;
  const std::string kiosk_token = s.store->issue_kiosk_token("setup", kE, "", std::chrono::hours(1));
  Officer root = sign_in(s, "root", kPw);

  // Four voters before the fault: their receipts are what must not be lost.
  std::vector<std::string> acknowledged;
  for (unsigned i = 0; i < 4; ++i) {
    const Reply r = vote(s, codes[i], "before-" + std::to_string(i), i);
    ASSERT_EQ(r.status, 201) << r.body;
    acknowledged.push_back(r.json().at("leaf").get<std::string>());
  }
  const std::int64_t stored_before = stored_ballots(s.dir.path(), kE);
  ASSERT_EQ(stored_before, 4);

  vfs.set(fault);
  SCOPED_TRACE(name_of(fault));

  // The code exchange and the ballot page only read: they work. The cast is refused,
  // and so is its retry with the same key.
  HttpClient voter = s.client();
  const Reply ex = exchange_code(voter, codes[4]);
  ASSERT_EQ(ex.status, 200) << ex.body;
  const std::string session = ex.json().at("session").get<std::string>();
  EXPECT_EQ(voter.request("GET", kEl + kE + "/ballot", "", {{"Authorization", "Bearer " + session}}).status, 200);
  expect_unavailable(s, cast(voter, session, "during-0004"), "a ballot");
  expect_unavailable(s, cast(voter, session, "during-0004"), "the same ballot again");
  expect_unavailable(s, vote(s, codes[5], "during-0005"), "another voter's ballot");
  expect_unavailable(s,
                     s.client().request("POST", kEl + kE + "/kiosk-ballot",
                                        json{{"token", kiosk_token}, {"answers", answers_for("")}}.dump(),
                                        {{"Content-Type", "application/json"}, {"Idempotency-Key", "kiosk-during-1"}}),
                     "a kiosk ballot");

  // Officers' changes are refused too; their reads and signing in work.
  expect_unavailable(s, root.call("POST", "/api/v1/officer/elections", store_definition("new-e").dump()),
                     "creating an election");
  expect_unavailable(s, root.call("POST", kO + kE + "/kiosk-tokens", json{{"district", ""}}.dump()),
                     "a kiosk token");
  expect_unavailable(s, root.call("POST", kO + kE + "/close"), "closing the election");
  expect_unavailable(s,
                     root.call("POST", "/api/v1/officer/users",
                                  json{{"username", "newbie"}, {"password", kPw}, {"role", "officer"}}.dump()),
                     "creating a user");
  EXPECT_EQ(sign_in(s, "root", kPw).cookie.empty(), false);
  EXPECT_EQ(root.call("GET", kO + kE + "/log").status, 200);
  EXPECT_EQ(s.client().request("GET", kEl + kE).status, 200);
  EXPECT_EQ(turnout(s), 4);
  for (const auto& leaf : acknowledged) EXPECT_EQ(receipt_status(s, leaf), 200) << leaf;
  EXPECT_GT(vfs.refused(), 0u) << "the fault never hit a write";
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 4);
  EXPECT_EQ(used_codes(s.dir.path(), kE), 4);
  EXPECT_EQ(s.store->state(kE), "open");

  // The disk is back: no restart, the same session and key vote (the code was not
  // used up), so do the others who were refused.
  vfs.set(Fault::None);
  const Reply again = cast(voter, session, "during-0004");
  ASSERT_EQ(again.status, 201) << again.body;
  acknowledged.push_back(again.json().at("leaf").get<std::string>());
  const Reply other = vote(s, codes[5], "after-0005");
  ASSERT_EQ(other.status, 201) << other.body;
  acknowledged.push_back(other.json().at("leaf").get<std::string>());
  const Reply kiosk = s.client().request("POST", kEl + kE + "/kiosk-ballot",
                                         json{{"token", kiosk_token}, {"answers", answers_for("")}}.dump(),
                                         {{"Content-Type", "application/json"}, {"Idempotency-Key", "kiosk-after-1"}});
  ASSERT_EQ(kiosk.status, 201) << kiosk.body;
  acknowledged.push_back(kiosk.json().at("leaf").get<std::string>());
  EXPECT_EQ(root.call("POST", kO + kE + "/kiosk-tokens", json{{"district", ""}}.dump()).status, 201);
  EXPECT_EQ(turnout(s), 7);

  // Close, tally, publish: every acknowledged ballot is in the log and the record verifies.
  ASSERT_EQ(root.call("POST", kO + kE + "/close").status, 200);
  ASSERT_EQ(root.call("POST", kO + kE + "/tally", json{{"seed", "faults 1 2 3"}}.dump()).status, 200);
  ASSERT_EQ(root.call("POST", kO + kE + "/publish").status, 200);
  for (const auto& leaf : acknowledged) {
    const Reply r = s.client().request("GET", kEl + kE + "/receipts/" + leaf);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status == 200) {
      EXPECT_EQ(r.json().value("status", ""), "included") << r.body;
    }
  }
  EXPECT_EQ(s.store->ballots(kE).size(), 7u);
  const Reply rec = s.client().request("GET", kEl + kE + "/record");
  ASSERT_EQ(rec.status, 200) << rec.body.substr(0, 200);
  const auto report = verify::verify_files(record::from_tar(rec.body));
  EXPECT_TRUE(report.ok()) << report.text();
}

// The fault starts in the middle of a group commit: a few frames of the WAL written,
// the rest refused, while ten voters submit at once. Then the store restarts while
// the disk still fails (recovery from the WAL as it was left), and the disk comes
// back. Every acknowledged ballot is there, no refused one is, and every refused
// voter can still vote.
TEST_P(HttpFaults, AFaultInTheMiddleOfAGroupCommitLosesNothingAcknowledged) {
  const Fault fault = GetParam();
  SCOPED_TRACE(name_of(fault));
  FaultVfs::Scope vfs;
  LiveServer s{"faults"};
  constexpr int kVoters = 10;
  // How many WAL writes of the round go through before the disk fails: 0 refuses the
  // first frame; a few refuse a commit whose first frames are written.
  const std::vector<std::int64_t> countdowns = {0, 3, 8, 12, 20, 45};
  const auto codes = prepare_election(*s.store, kVoters * countdowns.size()).codes;
  std::vector<std::string> acknowledged;
  int refused_total = 0;
  int refused_after_writes = 0;  // refusals in rounds where some frames had been written
  std::size_t next_code = 0;
  for (const std::int64_t writes : countdowns) {
    SCOPED_TRACE("the fault after " + std::to_string(writes) + " writes");
    // Sessions first, so that the casts arrive together.
    std::vector<std::string> round_codes, sessions;
    for (int i = 0; i < kVoters; ++i) {
      HttpClient c = s.client();
      round_codes.push_back(codes[next_code++]);
      const Reply e = exchange_code(c, round_codes.back());
      ASSERT_EQ(e.status, 200) << e.body;
      sessions.push_back(e.json().at("session").get<std::string>());
    }
    vfs.arm(fault, writes);
    std::vector<Reply> replies(kVoters);
    {
      std::latch go(kVoters);
      std::vector<std::thread> ts;
      for (int i = 0; i < kVoters; ++i)
        ts.emplace_back([&, i] {
          HttpClient c = s.client();
          c.connect();
          go.arrive_and_wait();
          replies[i] = cast(c, sessions[i], "group-" + round_codes[i].substr(0, 5) + "-" + std::to_string(i), i);
        });
      for (auto& t : ts) t.join();
    }
    std::vector<std::string> refused_codes;
    for (int i = 0; i < kVoters; ++i) {
      if (replies[i].status == 201) {
        acknowledged.push_back(replies[i].json().at("leaf").get<std::string>());
      } else {
        expect_unavailable(s, replies[i], "voter " + std::to_string(i));
        refused_codes.push_back(round_codes[i]);
      }
    }
    refused_total += static_cast<int>(refused_codes.size());
    if (writes > 0) refused_after_writes += static_cast<int>(refused_codes.size());
    RecordProperty("after_" + std::to_string(writes) + "_writes_refused", static_cast<int>(refused_codes.size()));

    // Restart with the disk still failing (its close cannot checkpoint), then bring it back.
    s.stop();
    vfs.set(Fault::None);
    s.start();
    for (const auto& leaf : acknowledged) EXPECT_EQ(receipt_status(s, leaf), 200) << "lost: " << leaf;
    EXPECT_EQ(stored_ballots(s.dir.path(), kE), static_cast<std::int64_t>(acknowledged.size()))
        << "a refused ballot was stored";
    for (const auto& code : refused_codes) {
      const Reply r = vote(s, code, "revote-" + code.substr(0, 5));
      ASSERT_EQ(r.status, 201) << "a refused voter cannot vote again: " << r.body;
      acknowledged.push_back(r.json().at("leaf").get<std::string>());
    }
    EXPECT_EQ(used_codes(s.dir.path(), kE), static_cast<std::int64_t>(acknowledged.size()));
  }
  // The first round (no write let through) refused everyone; in later ones the fault
  // hit after frames of a commit were written. How the voters split between
  // acknowledged and refused there depends on how the writer grouped them.
  EXPECT_GE(refused_total, kVoters);
  EXPECT_GT(refused_after_writes, 0) << "the fault never hit after part of a commit was written";
  EXPECT_EQ(static_cast<int>(acknowledged.size()), kVoters * static_cast<int>(countdowns.size()));

  s.store->close("setup", kE);
  for (const auto& leaf : acknowledged) EXPECT_EQ(receipt_status(s, leaf), 200) << leaf;
  EXPECT_EQ(s.store->ballots(kE).size(), acknowledged.size());
}

INSTANTIATE_TEST_SUITE_P(Faults, HttpFaults, ::testing::Values(Fault::DiskFull, Fault::ReadOnly),
                         [](const ::testing::TestParamInfo<Fault>& i) {
                           return std::string(i.param == Fault::DiskFull ? "DiskFull" : "ReadOnly");
                         });

// ---- disk full and read-only, for real: the `allot serve` binary ------------------------

// A data directory with an admin (root) and the test election open with `n` codes,
// made by the store in process and closed again (its WAL checkpointed away).
std::vector<std::string> prepare_data(const std::filesystem::path& dir, std::size_t n) {
  store::Options o;
  o.data_dir = dir;
  store::Store st(o);
  st.create_user("setup", "root", kPw, store::Role::Admin);
  return prepare_election(st, n).codes;
}

// How the child starts: limits and the user it runs as, set between fork and exec.
struct ChildSetup {
  rlim_t file_size_limit = RLIM_INFINITY;  // RLIMIT_FSIZE (SIGXFSZ ignored: writes fail with EFBIG)
  bool as_nobody = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// `allot serve` on `data` (port 0, access log discarded, stderr to `err_file`).
struct ServeChild {
  pid_t pid = -1;
  std::uint16_t port = 0;
  std::string first_line;

  ServeChild() = default;
  ServeChild(const ServeChild&) = delete;
  ServeChild& operator=(const ServeChild&) = delete;

  bool start(const std::filesystem::path& data, const std::filesystem::path& err_file, const ChildSetup& setup) {
    int out[2];
    if (::pipe(out) != 0) return false;
    const std::string data_s = data.string(), err_s = err_file.string();
    pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {  // only async-signal-safe calls from here to exec
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      const int err = ::open(err_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0666);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
      if (setup.as_nobody && (::setgroups(0, nullptr) != 0 || ::setresgid(setup.gid, setup.gid, setup.gid) != 0 ||
                              ::setresuid(setup.uid, setup.uid, setup.uid) != 0))
        ::_exit(126);
      ::signal(SIGXFSZ, SIG_IGN);
      const rlimit lim{setup.file_size_limit, setup.file_size_limit};
      if (setup.file_size_limit != RLIM_INFINITY && ::setrlimit(RLIMIT_FSIZE, &lim) != 0) ::_exit(125);
      ::execl(ALLOT_BINARY, "allot", "serve", "--data", data_s.c_str(), "--port", "0", "--access-log", "/dev/null",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");  // kept open: the child prints "stopped" last
    char line[256] = {0};
    const bool got = std::fgets(line, sizeof line, out_) != nullptr;
    first_line = got ? line : "";
    if (first_line.rfind("listening on http://127.0.0.1:", 0) != 0) return false;
    port = static_cast<std::uint16_t>(std::stoi(first_line.substr(first_line.rfind(':') + 1)));
    return true;
  }
  // SIGTERM and wait; the exit status (or -1).
  int stop() {
    if (pid <= 0) return -1;
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  ~ServeChild() {
    stop();
    if (out_ != nullptr) std::fclose(out_);
  }
  HttpClient client() const { return HttpClient("127.0.0.1", port); }

 private:
  FILE* out_ = nullptr;
};

std::string slurp(const std::filesystem::path& f) {
  std::string out;
  if (FILE* in = std::fopen(f.c_str(), "rb")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, in)) > 0;) out.append(buf, n);
    std::fclose(in);
  }
  return out;
}

// Disk full for real: the server may not write past a file size limit (RLIMIT_FSIZE),
// so its WAL fills. Voters get 503 once it is full; a restart without the limit
// finds every acknowledged ballot, and the refused voters vote.
TEST(HttpFaultsServe, DiskFullByFileSizeLimitThenRestart) {
  TempDir dir("serve-full");
  TempDir logs("serve-full-log");
  const std::filesystem::path data = dir / "data";
  std::filesystem::create_directory(data);
  const auto codes = prepare_data(data, 80);
  ChildSetup setup;
  // The WAL may grow to about 50 pages: a few dozen ballots, not eighty.
  setup.file_size_limit = static_cast<rlim_t>(std::filesystem::file_size(data / "allot.db")) + 200 * 1024;
  ServeChild child;
  ASSERT_TRUE(child.start(data, logs / "stderr", setup)) << child.first_line << slurp(logs / "stderr");

  std::vector<std::string> acknowledged;
  std::vector<std::string> refused;
  std::size_t next = 0;
  for (; next < codes.size() && refused.size() < 3; ++next) {
    HttpClient c = child.client();
    const Reply e = exchange_code(c, codes[next]);
    ASSERT_EQ(e.status, 200) << e.body;
    const Reply r = cast(c, e.json().at("session").get<std::string>(), "full-key-" + std::to_string(next), next);
    if (r.status == 201) {
      ASSERT_TRUE(refused.empty()) << "a ballot was stored after the disk was full (voter " << next << ")";
      acknowledged.push_back(r.json().at("leaf").get<std::string>());
      continue;
    }
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(error_of(r), "unavailable") << r.body;
    EXPECT_NE(r.body.find("nothing was saved"), std::string::npos) << r.body;
    refused.push_back(codes[next]);
  }
  ASSERT_FALSE(refused.empty()) << "the file size limit never refused a ballot";
  ASSERT_FALSE(acknowledged.empty()) << "the limit refused the first ballot already";
  RecordProperty("acknowledged_before_full", static_cast<int>(acknowledged.size()));
  // The server is still up and reads work; officers' changes are refused.
  EXPECT_EQ(child.client().request("GET", "/healthz").status, 200);
  EXPECT_EQ(turnout_of(child.client()), static_cast<std::int64_t>(acknowledged.size()));
  {
    HttpClient c = child.client();
    const Reply in =
        c.request("POST", "/api/v1/officer/signin", json{{"username", "root"}, {"password", kPw}}.dump(), kJson);
    ASSERT_EQ(in.status, 200) << in.body;
    const std::string cookie = in.header("set-cookie").substr(0, in.header("set-cookie").find(';'));
    const Reply change = c.request("POST", kO + kE + "/kiosk-tokens", json{{"district", ""}}.dump(),
                                   {{"Content-Type", "application/json"},
                                    {"Cookie", cookie},
                                    {"X-CSRF-Token", in.json().at("csrf").get<std::string>()}});
    EXPECT_EQ(change.status, 503) << change.body;
  }
  EXPECT_EQ(child.stop(), 0) << slurp(logs / "stderr");

  // Restart without the limit.
  ServeChild again;
  ASSERT_TRUE(again.start(data, logs / "stderr", ChildSetup{})) << again.first_line << slurp(logs / "stderr");
  for (const auto& leaf : acknowledged)
    EXPECT_EQ(again.client().request("GET", kEl + kE + "/receipts/" + leaf).status, 200) << "lost: " << leaf;
  EXPECT_EQ(turnout_of(again.client()), static_cast<std::int64_t>(acknowledged.size()));
  for (const auto& code : refused) {
    HttpClient c = again.client();
    const Reply e = exchange_code(c, code);
    ASSERT_EQ(e.status, 200) << "a refused voter's code was used up: " << e.body;
    EXPECT_EQ(cast(c, e.json().at("session").get<std::string>(), "again-" + code.substr(0, 5)).status, 201);
  }
  EXPECT_EQ(turnout_of(again.client()), static_cast<std::int64_t>(acknowledged.size() + refused.size()));
  EXPECT_EQ(again.stop(), 0) << slurp(logs / "stderr");
}

// A data directory the server may not write (read-only files in a read-only
// directory; as root, whom permissions do not stop, the server runs as nobody): the
// server refuses to start, says why, and changes nothing on disk. (A disk that turns
// read-only while the server runs is HttpFaults.*ReadOnly: 503 for every write.)
TEST(HttpFaultsServe, ReadOnlyDataDirectoryRefusesToStartAndChangesNothing) {
  TempDir dir("serve-ro");
  TempDir logs("serve-ro-log");
  const std::filesystem::path data = dir / "data";
  std::filesystem::create_directory(data);
  prepare_data(data, 4);
  ChildSetup setup;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("nobody");
    if (pw == nullptr) GTEST_SKIP() << "running as root and there is no user nobody to run the server as";
    setup.as_nobody = true;
    setup.uid = pw->pw_uid;
    setup.gid = pw->pw_gid;
    // nobody must be able to reach the binary and the data, and root's TempDir
    // must be able to remove it afterwards (root ignores the modes).
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    ASSERT_EQ(::chmod(logs.path().c_str(), 0777), 0);
    for (const auto& e : std::filesystem::recursive_directory_iterator(data))
      ASSERT_EQ(::chown(e.path().c_str(), setup.uid, setup.gid), 0) << e.path();
    ASSERT_EQ(::chown(data.c_str(), setup.uid, setup.gid), 0);
  }
  std::map<std::string, std::string> before;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    if (e.is_regular_file()) {
      before[e.path().string()] = slurp(e.path());
      ::chmod(e.path().c_str(), 0444);
    } else {
      ::chmod(e.path().c_str(), 0555);
    }
  }
  ::chmod(data.c_str(), 0555);

  // The server refuses to start: it could only answer 503 to every voter, and an
  // operator must see at once that the data directory is not writable.
  ServeChild child;
  const bool started = child.start(data, logs / "stderr", setup);
  const int exit_code = child.stop();
  const std::string err = slurp(logs / "stderr");
  EXPECT_FALSE(started) << "the server started on a read-only data directory: " << child.first_line;
  EXPECT_NE(exit_code, 0) << err;
  EXPECT_TRUE(err.find("readonly") != std::string::npos || err.find("read-only") != std::string::npos)
      << "the reason is not said: " << err;
  EXPECT_NE(err.find(data.string()), std::string::npos) << "the message does not name the data directory: " << err;
  RecordProperty("read_only_start_message", err.substr(0, 200));

  // Nothing changed on disk, nothing was added.
  std::size_t files = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(data)) {
    if (!f.is_regular_file()) continue;
    ++files;
    EXPECT_TRUE(before.count(f.path().string())) << "new file " << f.path();
    EXPECT_TRUE(before[f.path().string()] == slurp(f.path())) << "changed: " << f.path();
  }
  EXPECT_EQ(files, before.size());
  // Give the directory back so that it can be removed (also as a user who is not root).
  for (const auto& f : std::filesystem::recursive_directory_iterator(data)) ::chmod(f.path().c_str(), 0755);
  ::chmod(data.c_str(), 0755);
}

// ---- concurrency: 1,000 submissions at once, one ballot ------------------------------------

// Both ends of every loopback connection are in this process: 1,000 connections need
// over 2,000 descriptors. Raises the soft limit toward the hard one.
bool enough_descriptors(rlim_t need) {
  rlimit l{};
  if (::getrlimit(RLIMIT_NOFILE, &l) != 0) return false;
  if (l.rlim_cur >= need) return true;
  if (l.rlim_max != RLIM_INFINITY && l.rlim_max < need) return false;
  l.rlim_cur = need;
  return ::setrlimit(RLIMIT_NOFILE, &l) == 0;
}

constexpr int kCrowd = 1000;

// Runs `request` on kCrowd connections, all opened first and released together;
// returns each one's "status error" ("exception ..." when the transport failed).
template <class F>
std::vector<std::string> crowd(const LiveServer& s, F request) {
  std::vector<std::string> out(kCrowd);
  std::latch connected(kCrowd);
  std::vector<std::thread> ts;
  ts.reserve(kCrowd);
  for (int i = 0; i < kCrowd; ++i)
    ts.emplace_back([&, i] {
      ClientOptions o;
      o.timeout = std::chrono::seconds(60);
      HttpClient c("127.0.0.1", s.server->port(), o);
      bool ok = true;
      try {
        c.connect();
      } catch (const std::exception& e) {
        out[i] = std::string("exception ") + e.what();
        ok = false;
      }
      connected.arrive_and_wait();  // every connection is open before any request is sent
      if (!ok) return;
      try {
        const Reply r = request(c, i);
        out[i] = std::to_string(r.status) + " " + error_of(r);
      } catch (const std::exception& e) {
        out[i] = std::string("exception ") + e.what();
      }
    });
  for (auto& t : ts) t.join();
  return out;
}

std::map<std::string, int> tally(const std::vector<std::string>& outcomes) {
  std::map<std::string, int> m;
  for (const auto& o : outcomes) ++m[o];
  return m;
}

std::string describe(const std::map<std::string, int>& m) {
  std::string out;
  for (const auto& [k, n] : m) out += "  " + std::to_string(n) + " x " + k + "\n";
  return out;
}

TEST(HttpConcurrency, AThousandKioskBallotsWithOneTokenStoreOne) {
  ASSERT_TRUE(enough_descriptors(2 * kCrowd + 256)) << "the open-file limit is below " << 2 * kCrowd + 256;
  LiveServer s{"faults"};
  prepare_election(*s.store, 1);
  const std::string token = s.store->issue_kiosk_token("setup", kE, "", std::chrono::hours(1));
  const std::string body = json{{"token", token}, {"answers", answers_for("")}}.dump();
  const auto outcomes = crowd(s, [&](HttpClient& c, int i) {
    return c.request("POST", kEl + kE + "/kiosk-ballot", body,
                     {{"Content-Type", "application/json"}, {"Idempotency-Key", "crowd-key-" + std::to_string(i)}});
  });
  const auto m = tally(outcomes);
  EXPECT_EQ(m.count("201 ") ? m.at("201 ") : 0, 1) << describe(m);
  EXPECT_EQ(m.count("409 already_used") ? m.at("409 already_used") : 0, kCrowd - 1) << describe(m);
  EXPECT_EQ(s.store->turnout(kE), 1);
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 1);
  EXPECT_EQ(used_codes(s.dir.path(), kE), 1);
}

TEST(HttpConcurrency, AThousandVotersWithOneCodeStoreOne) {
  ASSERT_TRUE(enough_descriptors(2 * kCrowd + 256)) << "the open-file limit is below " << 2 * kCrowd + 256;
  LiveServer s{"faults"};
  const std::string code = prepare_election(*s.store, 1).codes.at(0);
  // Each connection exchanges the code, then casts with its session. An exchange
  // replaces the code's unfinished session, so most casts find theirs gone (401);
  // once the ballot is stored, exchanges and casts find the code used (409).
  const auto outcomes = crowd(s, [&](HttpClient& c, int i) {
    const Reply e = exchange_code(c, code);
    if (e.status != 200) return e;
    return cast(c, e.json().at("session").get<std::string>(), "crowd-code-" + std::to_string(i),
                static_cast<unsigned>(i));
  });
  auto m = tally(outcomes);
  EXPECT_EQ(m.count("201 ") ? m.at("201 ") : 0, 1) << describe(m);
  m.erase("201 ");
  m.erase("401 session_required");
  m.erase("409 already_used");
  EXPECT_TRUE(m.empty()) << "answers other than 201, 401 session_required and 409 already_used:\n" << describe(m);
  EXPECT_EQ(s.store->turnout(kE), 1);
  EXPECT_EQ(stored_ballots(s.dir.path(), kE), 1);
  EXPECT_EQ(used_codes(s.dir.path(), kE), 1);
  const auto all = tally(outcomes);
  for (const auto& [k, n] : all) RecordProperty(k, n);
}
}  // namespace
}  // namespace allot::testing
