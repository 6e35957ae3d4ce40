// The crash loop: the real `allot serve` binary killed with SIGKILL while voters
// cast ballots over HTTP, many times, and afterwards nothing acknowledged is missing.
//
// The store alone has the same test in-process (tests/store/crash_test.cpp); this
// one goes through everything a voter's ballot goes through: the HTTP server, the
// API, sessions, the store's group commit, and a process that dies at any moment.
//
//   1. With the CLI: an election (one approval contest), CODES voting codes, open.
//   2. KILLS times: start `allot serve --port 0`, run the load client
//      (bench/load_client.hpp) over the codes not done yet, and SIGKILL the server
//      at a seeded random moment, uniformly MIN_MS to MAX_MS after it listens. Every
//      ballot answered with a receipt is "acknowledged" (its code and leaf hash are
//      kept); a ballot sent without an answer has an unknown fate, and its code
//      goes back to the queue like every code not done yet.
//   3. Once more without a kill: the codes of unknown fate are tried again. A code
//      refused as already used was stored without its answer reaching the voter
//      ("stored unacknowledged"); the others vote now.
//   4. With the CLI: close, tally, publish, export the record, `allot verify` it.
//      The record's ballots.jsonl is read here, each line's leaf hash computed as
//      docs/record-format.md defines it (SHA-256 of 0x00 and the line), so what is
//      checked is what auditors get, read without the server or the store.
//
// Checks: every acknowledged leaf is in the record (lost = 0); no code has two
// different acknowledged leaves, no leaf is there twice, the record has exactly one
// ballot per used code (the close entry's counts) and exactly as many ballots as
// acknowledged plus stored-unacknowledged (no ballot from nowhere) (double = 0);
// every kill found the server running; `allot verify` passes. The last line is
//   kills=K acknowledged=A found=F lost=L double=D
// Exit status 0 when all holds, 1 otherwise, 2 on bad usage.
//
//   allot_crashloop [--kills N] [--seed S] [--codes N] [--connections N]
//                   [--min-ms MS] [--max-ms MS] [--allot PATH] [--keep]
#include <openssl/evp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "load_client.hpp"

#ifndef ALLOT_BINARY
#error "ALLOT_BINARY (path of the allot binary) must be defined"
#endif


namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using allot::testing::ChildProcess;

const std::string kElection = "crashloop";
const char* kDefinition = R"({"election":"crashloop","languages":["en"],"title":{"en":"Crash loop"},
  "contests":[{"id":"c","kind":"budget","format":"approval","title":{"en":"C"},"budget":1000,
  "limits":{"max_cost":1000},"rule":"greedy","options":[
  {"id":"a","title":{"en":"A"},"cost":300},{"id":"b","title":{"en":"B"},"cost":400},
  {"id":"d","title":{"en":"D"},"cost":500}]}]})";
const char* kAnswers = R"({"c":{"options":["a","b"]}})";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  int kills = 100;
  unsigned long seed = 20261123;
  std::size_t codes = 0;  // 0: 1,000 per kill
  std::size_t connections = 32;
  int min_ms = 20, max_ms = 300;
  std::string allot = ALLOT_BINARY;
  bool keep = false;
};

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `allot ARGS...` to its end; throws with its output when it fails.
void allot_cli(const Settings& s, const fs::path& work, std::vector<std::string> args) {
  args.insert(args.begin(), s.allot);
  const fs::path log = work / "cli.log";
  fs::remove(log);
  ChildProcess p(args, log, log);
  const int status = p.wait();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string cmd;
    for (const auto& a : args) cmd += (cmd.empty() ? "" : " ") + a;
    throw std::runtime_error(cmd + " failed (" + describe(status) + "):\n" + read_text(log));
  }
}

// `allot serve` on a free loopback port.
struct Server {
  std::unique_ptr<ChildProcess> process;
  std::string port;
};

Server start_server(const Settings& s, const fs::path& work) {
  Server srv;
  srv.process = std::make_unique<ChildProcess>(
      std::vector<std::string>{s.allot, "serve", "--data", (work / "data").string(), "--port", "0", "--access-log",
                               (work / "access.log").string()},
      work / "serve.log");
  const auto line = srv.process->line(std::chrono::seconds(30));
  const std::string prefix = "listening on http://127.0.0.1:";
  if (!line || line->rfind(prefix, 0) != 0)
    throw std::runtime_error("allot serve did not start (" + (line ? "it said: " + *line : "no address printed") +
                             "); its log:\n" + read_text(work / "serve.log"));
  srv.port = line->substr(prefix.size());
  return srv;
}

std::string leaf_hash(const std::string& line) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const unsigned char zero = 0;
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, &zero, 1);
  EVP_DigestUpdate(ctx, line.data(), line.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

// What the voters were told, across all runs.
struct Ledger {
  std::map<std::string, std::string> acknowledged;  // code -> leaf
  std::set<std::string> sent_unanswered;            // codes whose ballot was sent without an answer
  std::set<std::string> stored_unacknowledged;      // of those, refused as already used on a later run
  std::size_t acknowledged_twice = 0;               // a code with two different acknowledged leaves
  std::map<std::string, std::size_t> unexpected;    // refusals and errors no voter should see here
  std::size_t unknown_total = 0;                    // ballots sent without an answer (all runs)

  // Takes a run's voters; returns the codes to try again.
  std::vector<std::string> take(const std::vector<allot::load::Voter>& voters) {
    std::vector<std::string> again;
    for (const auto& v : voters) {
      if (v.acknowledged()) {
        auto [it, fresh] = acknowledged.emplace(v.code, v.leaf);
        if (!fresh && it->second != v.leaf) ++acknowledged_twice;
      } else if (v.exchange_status == 409 && v.refusal == "already_used" && sent_unanswered.count(v.code)) {
        stored_unacknowledged.insert(v.code);
      } else if (!v.refusal.empty()) {
        ++unexpected[std::to_string(v.ballot_status ? v.ballot_status : v.exchange_status) + " " + v.refusal];
      } else if (v.error.find("an answer without") != std::string::npos) {
        ++unexpected[v.error];
      } else {
        // Not reached, or its connection broke: the server died. Try again later.
        if (v.unknown()) {
          sent_unanswered.insert(v.code);
          ++unknown_total;
        }
        again.push_back(v.code);
      }
    }
    return again;
  }
};

int run(const Settings& s) {
  ::signal(SIGPIPE, SIG_IGN);
  if (!fs::exists(s.allot)) throw UsageError("no allot binary at " + s.allot + " (give --allot PATH)");
  std::string tmpl = (fs::temp_directory_path() / "allot-crashloop-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  const fs::path work = tmpl;
  struct Cleanup {
    fs::path dir;
    bool keep;
    ~Cleanup() {
      if (keep) std::printf("kept %s\n", dir.c_str());
      else fs::remove_all(dir);
    }
  } cleanup{work, s.keep};

  const std::size_t n_codes = s.codes ? s.codes : 1000 * static_cast<std::size_t>(s.kills);
  const auto t0 = std::chrono::steady_clock::now();
  {
    std::ofstream def(work / "election.json");
    def << kDefinition;
  }
  const std::string data = (work / "data").string();
  allot_cli(s, work, {"election", "create", "--data", data, (work / "election.json").string()});
  allot_cli(s, work, {"codes", "--data", data, "--election", kElection, "--count", std::to_string(n_codes), "--out",
                      (work / "codes.csv").string()});
  allot_cli(s, work, {"election", "open", "--data", data, "--election", kElection});
  std::vector<std::string> pending;
  {
    std::ifstream in(work / "codes.csv");
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line.rfind("code,", 0) != 0) pending.push_back(line.substr(0, line.find(',')));
  }
  if (pending.size() != n_codes)
    throw std::runtime_error("codes.csv holds " + std::to_string(pending.size()) + " codes, not " +
                             std::to_string(n_codes));

  allot::load::Options lo;
  lo.election = kElection;
  lo.answers = kAnswers;
  lo.connections = s.connections;
  std::mt19937 rng(static_cast<std::mt19937::result_type>(s.seed));
  std::uniform_int_distribution<int> moment(s.min_ms, s.max_ms);
  Ledger ledger;
  int kills = 0, idle_kills = 0;
  std::size_t problems = 0;
  std::printf("crash loop: %d kills (seed %lu), %zu codes, %zu connections, kill %d-%d ms after listening\n", s.kills,
              s.seed, n_codes, s.connections, s.min_ms, s.max_ms);
  while (kills < s.kills) {
    Server srv = start_server(s, work);
    lo.port = srv.port;
    allot::load::Client client(lo);
    bool killed = false;
    const auto voters = client.run(pending, std::chrono::milliseconds(moment(rng)), [&] {
      srv.process->signal(SIGKILL);
      killed = true;
    });
    if (!killed) {  // every code was done before the moment came
      srv.process->signal(SIGKILL);
      ++idle_kills;
    }
    const int status = srv.process->wait();
    ++kills;
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      std::printf("FAIL: at kill %d the server had already ended (%s); its log:\n%s\n", kills,
                  describe(status).c_str(), read_text(work / "serve.log").c_str());
      ++problems;
    }
    pending = ledger.take(voters);
    if (kills % 10 == 0 || kills == s.kills)
      std::printf("  kill %3d: acknowledged %zu, ballot requests left unanswered %zu, codes left %zu\n", kills,
                  ledger.acknowledged.size(), ledger.unknown_total, pending.size());
  }

  // The ballots of unknown fate: stored (the code is used) or not (it votes now).
  std::vector<std::string> unknown;
  for (const auto& c : pending)
    if (ledger.sent_unanswered.count(c)) unknown.push_back(c);
  {
    Server srv = start_server(s, work);
    lo.port = srv.port;
    allot::load::Client client(lo);
    const auto voters = client.run(unknown);
    const auto left = ledger.take(voters);
    // Every request has its answer: nothing is in flight, so the way it ends does not
    // matter (SIGTERM could come before `allot serve` installs its handler, just
    // after it printed its address).
    srv.process->signal(SIGKILL);
    srv.process->wait();
    if (!left.empty()) {
      std::printf("FAIL: %zu ballots of unknown fate could not be settled after the last restart\n", left.size());
      ++problems;
    }
  }

  allot_cli(s, work, {"election", "close", "--data", data, "--election", kElection});
  allot_cli(s, work, {"election", "tally", "--data", data, "--election", kElection, "--seed", "crash loop"});
  allot_cli(s, work, {"election", "publish", "--data", data, "--election", kElection});
  const fs::path record = work / "record";
  allot_cli(s, work, {"export", "--data", data, "--election", kElection, "--out", record.string()});
  bool verified = true;
  {
    const fs::path log = work / "verify.log";
    ChildProcess p({s.allot, "verify", record.string()}, log, log);
    const int status = p.wait();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::printf("FAIL: allot verify (%s):\n%s\n", describe(status).c_str(), read_text(log).c_str());
      verified = false;
      ++problems;
    }
  }

  std::set<std::string> leaves;
  std::size_t ballots = 0, leaf_twice = 0;
  {
    std::ifstream in(record / "ballots.jsonl", std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      ++ballots;
      if (!leaves.insert(leaf_hash(line)).second) ++leaf_twice;
    }
  }
  std::int64_t codes_used = -1;
  {
    std::ifstream in(record / "officer-log.jsonl");
    for (std::string line; std::getline(in, line);) {
      const json entry = json::parse(line);
      if (entry.value("action", "") == "election.close")
        codes_used = entry.at("details").at("counts").at("codes_used").value("", std::int64_t{-1});
    }
  }
  std::size_t found = 0, lost = 0;
  for (const auto& [code, leaf] : ledger.acknowledged) {
    if (leaves.count(leaf)) {
      ++found;
    } else {
      ++lost;
      if (lost <= 10) std::printf("LOST: acknowledged ballot %s (code %s) is not in the record\n", leaf.c_str(), code.c_str());
    }
  }
  const std::size_t accounted = ledger.acknowledged.size() + ledger.stored_unacknowledged.size();
  const std::size_t from_nowhere = ballots > accounted ? ballots - accounted : 0;
  const std::size_t over_codes =
      codes_used >= 0 && static_cast<std::int64_t>(ballots) > codes_used ? ballots - static_cast<std::size_t>(codes_used) : 0;
  // Ballots beyond one per credential, however they show (the three views overlap).
  const std::size_t doubled = ledger.acknowledged_twice + std::max({leaf_twice, from_nowhere, over_codes});
  if (codes_used != static_cast<std::int64_t>(ballots)) {
    std::printf("FAIL: the record has %zu ballots but %lld used codes\n", ballots, static_cast<long long>(codes_used));
    ++problems;
  }
  if (ballots != accounted) {
    std::printf("FAIL: the record has %zu ballots; the voters account for %zu (%zu acknowledged, %zu stored "
                "without an answer)\n",
                ballots, accounted, ledger.acknowledged.size(), ledger.stored_unacknowledged.size());
    ++problems;
  }
  for (const auto& [what, n] : ledger.unexpected) {
    std::printf("FAIL: %zu voters got %s\n", n, what.c_str());
    ++problems;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("ballots in the record %zu (acknowledged %zu; stored without an answer %zu, of the %zu codes whose "
              "ballot went unanswered), codes used %lld of %zu; kills with every code done %d; verify %s; %.1f s\n",
              ballots, ledger.acknowledged.size(), ledger.stored_unacknowledged.size(), ledger.sent_unanswered.size(),
              static_cast<long long>(codes_used), n_codes, idle_kills, verified ? "passed" : "FAILED", secs);
  std::printf("kills=%d acknowledged=%zu found=%zu lost=%zu double=%zu\n", kills, ledger.acknowledged.size(), found,
              lost, doubled);
  return lost == 0 && doubled == 0 && problems == 0 ? 0 : 1;
}

long number(const std::string& flag, const char* text, long min, long max) {
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || n < min || n > max)
    throw UsageError(flag + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                     ", not '" + text + "'");
  return n;
}

const char* kUsage =
    "Usage: allot_crashloop [--kills N] [--seed S] [--codes N] [--connections N]\n"
    "                       [--min-ms MS] [--max-ms MS] [--allot PATH] [--keep]\n"
    "Kills `allot serve` with SIGKILL N times (default 100) while voters cast ballots over\n"
    "HTTP, then checks that every acknowledged ballot is in the verified record.\n"
    "  --seed S         the kill moments (default 20261123)\n"
    "  --codes N        voting codes to create (default 1,000 per kill)\n"
    "  --connections N  the load client's connections (default 32)\n"
    "  --min-ms/--max-ms  a kill comes uniformly this long after the server listens (20-300)\n"
    "  --allot PATH     the allot binary (default: the one built with this test)\n"
    "  --keep           keep the temporary directory (data, record, logs)\n";

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> const char* {
        if (i + 1 >= argc) throw UsageError(a + " needs a value");
        return argv[++i];
      };
      if (a == "--help" || a == "-h") {
        std::printf("%s", kUsage);
        return 0;
      } else if (a == "--kills") s.kills = static_cast<int>(number(a, value(), 1, 100000));
      else if (a == "--seed") s.seed = static_cast<unsigned long>(number(a, value(), 0, 0x7fffffffL));
      else if (a == "--codes") s.codes = static_cast<std::size_t>(number(a, value(), 1, 10000000));
      else if (a == "--connections") s.connections = static_cast<std::size_t>(number(a, value(), 1, 1000));
      else if (a == "--min-ms") s.min_ms = static_cast<int>(number(a, value(), 0, 600000));
      else if (a == "--max-ms") s.max_ms = static_cast<int>(number(a, value(), 0, 600000));
      else if (a == "--allot") s.allot = value();
      else if (a == "--keep") s.keep = true;
      else throw UsageError("unknown argument '" + a + "'");
    }
    if (s.min_ms > s.max_ms) throw UsageError("--min-ms must not be more than --max-ms");
    return run(s);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "allot_crashloop: %s\n\n%s", e.what(), kUsage);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "allot_crashloop: %s\n", e.what());
    return 1;
  }
}
