// allot conformance DIR: run every reference case of a Pabulib-style directory
// (DIR/*.pb and DIR/expected/<stem>.<rule>.json) and compare the selected sets.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "allot/engine/cases.hpp"
#include "allot/engine/errors.hpp"
#include "cli.hpp"

namespace allot::cli {

namespace {

namespace fs = std::filesystem;

// Reference rule names (pabutools) -> ours.
const std::map<std::string, std::string>& rule_names() {
  static const std::map<std::string, std::string> m = {{"greedy", "greedy"},
                                                       {"mes_cost", "mes"},
                                                       {"mes_card", "mes-card"},
                                                       {"mes_cost_add1", "mes-add1"},
                                                       {"phragmen", "phragmen"}};
  return m;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// Empty when equal; else what differs.
std::string diff_sets(const std::set<std::string>& expected, const std::set<std::string>& got) {
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(), std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(extra));
  if (missing.empty() && extra.empty()) return {};
  std::string s;
  if (!missing.empty()) s += "expected but not selected [" + join(missing) + "]";
  if (!extra.empty()) s += std::string(s.empty() ? "" : "; ") + "selected but not expected [" + join(extra) + "]";
  return s;
}

// Reference cases in the neutral JSON layout (rcv, stv, condorcet folders).
int run_case_files(std::vector<fs::path> files) {
  std::sort(files.begin(), files.end());
  int passed = 0, failed = 0;
  for (const auto& path : files) {
    const std::string name = path.stem().string();
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(read_file(path.string()));
    } catch (const std::exception& e) {
      std::cout << "FAIL " << name << ": cannot read the case: " << e.what() << "\n";
      ++failed;
      continue;
    }
    if (!is_reference_case(doc)) continue;  // not a case file
    const auto t0 = std::chrono::steady_clock::now();
    const CaseOutcome out = run_reference_case(doc);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (out.passed) {
      std::cout << "PASS " << name << " (" << static_cast<long>(ms + 0.5) << " ms)\n";
      ++passed;
    } else {
      std::cout << "FAIL " << name << ": " << out.detail << "\n";
      ++failed;
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? kOk : kFailed;
}

}  // namespace

int conformance_main(std::vector<std::string> argv) {
  Args args(std::move(argv));
  if (args.flag("--help") || args.flag("-h")) {
    std::cout << "Usage: allot conformance DIR|CASE.json\n\n"
                 "DIR holds either Pabulib files (*.pb) with expected/<stem>.<rule>.json reference\n"
                 "outcomes (rules: greedy, mes_cost, mes_card, mes_cost_add1, phragmen), or reference\n"
                 "cases in the neutral JSON layout (one file per case: RCTab, STV and Condorcet cases).\n"
                 "Prints PASS or FAIL per case and a last line 'N passed, M failed'; exits 0 only when\n"
                 "none failed.\n";
    return kOk;
  }
  if (auto bad = args.unknown_flag()) {
    std::cerr << "allot conformance: unknown option " << *bad << "\n";
    return kUsage;
  }
  auto pos = args.positional();
  if (pos.size() != 1) {
    std::cerr << "Usage: allot conformance DIR\n";
    return kUsage;
  }
  const fs::path dir = pos[0];
  const fs::path expected_dir = dir / "expected";
  std::error_code ec;
  if (fs::is_regular_file(dir, ec) || (fs::is_directory(dir, ec) && !fs::is_directory(expected_dir, ec))) {
    std::vector<fs::path> files;
    if (fs::is_regular_file(dir, ec)) files.push_back(dir);
    else
      for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    if (!files.empty()) return run_case_files(files);
  }
  if (!fs::is_directory(dir, ec) || !fs::is_directory(expected_dir, ec)) {
    std::cerr << "allot conformance: " << dir.string()
              << " must be a directory with an expected/ folder (Pabulib cases) or JSON reference cases\n";
    return kUsage;
  }
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(expected_dir))
    if (entry.path().extension() == ".json") cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());

  int passed = 0, failed = 0, skipped = 0;
  std::string loaded_stem;
  PabulibElection election;
  std::string load_error;
  for (const auto& path : cases) {
    const std::string name = path.stem().string();  // <stem>.<rule>
    const auto dot = name.rfind('.');
    if (dot == std::string::npos) continue;
    const std::string stem = name.substr(0, dot), ref_rule = name.substr(dot + 1);
    nlohmann::json exp;
    try {
      exp = nlohmann::json::parse(read_file(path.string()));
    } catch (const std::exception& e) {
      std::cout << "FAIL " << name << ": cannot read the expected outcome: " << e.what() << "\n";
      ++failed;
      continue;
    }
    if (exp.value("status", "ok") != "ok") {
      std::cout << "SKIP " << name << ": the reference has no outcome (status " << exp.value("status", "")
                << ")\n";
      ++skipped;
      continue;
    }
    auto rn = rule_names().find(ref_rule);
    if (rn == rule_names().end()) {
      std::cout << "FAIL " << name << ": unknown reference rule '" << ref_rule << "'\n";
      ++failed;
      continue;
    }
    if (stem != loaded_stem) {
      loaded_stem = stem;
      load_error.clear();
      try {
        election = load_pabulib((dir / (stem + ".pb")).string());
      } catch (const std::exception& e) {
        load_error = e.what();
      }
    }
    if (!load_error.empty()) {
      std::cout << "FAIL " << name << ": cannot read " << stem << ".pb: " << load_error << "\n";
      ++failed;
      continue;
    }
    try {
      const auto t0 = std::chrono::steady_clock::now();
      Result r = run_rule(rn->second, election.contest, election.profile);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      std::set<std::string> want, got;
      for (const auto& id : exp.at("selected")) want.insert(id.get<std::string>());
      for (int w : r.winners) got.insert(election.contest.options[static_cast<std::size_t>(w)].id);
      std::string what = diff_sets(want, got);
      if (what.empty() && exp.contains("selected_add1_phase")) {
        std::set<std::string> want1, got1;
        for (const auto& id : exp.at("selected_add1_phase")) want1.insert(id.get<std::string>());
        for (const auto& round : r.rounds)
          if (round.action == "fund") got1.insert(election.contest.options[static_cast<std::size_t>(round.option)].id);
        if (auto d = diff_sets(want1, got1); !d.empty()) what = "before completion: " + d;
      }
      if (what.empty()) {
        std::cout << "PASS " << name << " (" << static_cast<long>(ms + 0.5) << " ms)\n";
        ++passed;
      } else {
        std::cout << "FAIL " << name << ": " << what << "\n";
        ++failed;
      }
    } catch (const std::exception& e) {
      std::cout << "FAIL " << name << ": " << e.what() << "\n";
      ++failed;
    }
  }
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped) std::cout << ", " << skipped << " skipped";
  std::cout << "\n";
  return failed == 0 ? kOk : kFailed;
}

}  // namespace allot::cli
