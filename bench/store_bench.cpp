// Durable ballots per second through Store::cast (no HTTP): the store's own limit,
// with 1, 8, 32 and 128 concurrent voters, in a fresh data directory on this disk.
// Figures only. Usage: allot_store_bench [--voters V] [BALLOTS_PER_RUN] [DIR]
// With --voters, one run with V concurrent voters and the store settings `allot
// serve` uses (Options' defaults), ending with the line "ballots/s=N": the durable
// limit `scripts/bench load` sets the server's figure against.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "allot/storage/store.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::vector<int> runs = {1, 8, 32, 128};
  bool one_run = false;
  if (!args.empty() && args[0] == "--voters") {
    const int v = args.size() > 1 ? std::atoi(args[1].c_str()) : 0;
    if (v < 1 || v > 4096) {
      std::fprintf(stderr, "allot_store_bench: --voters needs a number of concurrent voters from 1 to 4096\n");
      return 2;
    }
    runs = {v};
    one_run = true;
    args.erase(args.begin(), args.begin() + 2);
  }
  const std::size_t n = args.size() > 0 ? std::strtoul(args[0].c_str(), nullptr, 10) : 20000;
  if (n == 0) {
    std::fprintf(stderr, "allot_store_bench: BALLOTS_PER_RUN must be a number of at least 1\n");
    return 2;
  }
  const fs::path base = args.size() > 1 ? fs::path(args[1]) : fs::temp_directory_path() / "allot-store-bench";
  std::printf("Durable ballots through Store::cast (WAL, synchronous=FULL, group commit), %zu ballots per run\n", n);
  std::printf("%8s %12s %10s %12s %14s\n", "voters", "ballots/s", "p50 ms", "p99 ms", "largest group");
  double rate = 0;
  for (int voters : runs) {
    fs::remove_all(base);
    allot::store::Options o;
    o.data_dir = base;
    if (!one_run) o.batch_min = 64;
    allot::store::Store st(o);
    const json def = json::parse(R"({"election":"bench","languages":["en"],"title":{"en":"Bench"},
      "contests":[{"id":"c","kind":"budget","format":"approval","title":{"en":"C"},"budget":1000,
      "limits":{"max_cost":1000},"rule":"greedy","options":[
      {"id":"a","title":{"en":"A"},"cost":300},{"id":"b","title":{"en":"B"},"cost":400},
      {"id":"d","title":{"en":"D"},"cost":500}]}]})");
    st.create_election("bench", def);
    const auto codes = st.generate_codes("bench", "bench", n);
    st.open("bench", "bench");
    const json answers = json::parse(R"({"c":{"options":["a","b"]}})");
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(voters));
    std::atomic<std::size_t> next{0};
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < voters; ++t)
      threads.emplace_back([&, t] {
        for (std::size_t i = next++; i < codes.size(); i = next++) {
          const auto s = std::chrono::steady_clock::now();
          st.cast("bench", codes[i], answers);
          lat[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        }
      });
    for (auto& th : threads) th.join();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<double> all;
    for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    auto pct = [&](double p) { return all[static_cast<std::size_t>(p * static_cast<double>(all.size() - 1))]; };
    rate = static_cast<double>(n) / secs;
    std::printf("%8d %12.0f %10.2f %12.2f %14llu\n", voters, rate, pct(0.5), pct(0.99),
                static_cast<unsigned long long>(st.writer_stats().largest_group));
  }
  fs::remove_all(base);
  if (one_run) std::printf("ballots/s=%.0f\n", rate);
  return 0;
}
