// allot_bench DIR [--rule R] [--reps N]: times every rule on every .pb file in DIR
// and prints a table (parse time, then the median tally time per rule, in ms).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "allot/engine/errors.hpp"
#include "cli.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: allot_bench DIR|FILE.pb [--rule R] [--reps N]\n");
    return 2;
  }
  std::string only_rule;
  int reps = 3;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--rule") only_rule = argv[i + 1];
    else if (a == "--reps") reps = std::max(1, std::atoi(argv[i + 1]));
  }
  std::vector<fs::path> files;
  const fs::path in = argv[1];
  if (fs::is_directory(in)) {
    for (const auto& e : fs::directory_iterator(in))
      if (e.path().extension() == ".pb") files.push_back(e.path());
  } else {
    files.push_back(in);
  }
  std::sort(files.begin(), files.end());
  std::vector<const allot::RuleInfo*> rules;
  for (const auto& r : allot::all_rules())
    if (only_rule.empty() || r.name == only_rule) rules.push_back(&r);

  std::printf("%-58s %8s %8s", "file", "voters", "parse");
  for (auto* r : rules) std::printf(" %14s", r->name.c_str());
  std::printf("\n");
  double worst = 0;
  std::string worst_name;
  for (const auto& f : files) {
    auto t0 = Clock::now();
    allot::PabulibElection e;
    try {
      e = allot::cli::load_pabulib(f.string());
    } catch (const std::exception& err) {
      std::printf("%s: %s\n", f.filename().c_str(), err.what());
      continue;
    }
    const double parse_ms = ms_since(t0);
    std::string name = f.stem().string();
    if (name.size() > 58) name = name.substr(0, 55) + "...";
    std::printf("%-58s %8zu %8.1f", name.c_str(), e.profile.ballots.size(), parse_ms);
    for (auto* r : rules) {
      if (!r->applicability(e.contest).empty()) {
        std::printf(" %14s", "-");
        continue;
      }
      std::vector<double> times;
      for (int k = 0; k < reps; ++k) {
        auto t1 = Clock::now();
        auto result = r->run(e.contest, e.profile, {});
        times.push_back(ms_since(t1));
        if (result.spent > result.budget) std::printf("!");
      }
      std::sort(times.begin(), times.end());
      const double med = times[times.size() / 2];
      if (med > worst) {
        worst = med;
        worst_name = f.stem().string() + " " + r->name;
      }
      std::printf(" %14.2f", med);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("\nslowest: %s %.1f ms; peak memory %.1f MB (median of %d runs each, times in ms)\n",
              worst_name.c_str(), worst, static_cast<double>(ru.ru_maxrss) / 1024.0, reps);
  return 0;
}
