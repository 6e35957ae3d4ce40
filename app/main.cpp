// allot: the command-line tool. Thin: argument handling and files here, all
// counting in the engine library.
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

const char* kUsageText =
    "allot - participatory budgeting voting engine\n"
    "\n"
    "Usage:\n"
    "  allot tally FILE.pb [--rule RULE] [--json] [--tie-break id-order|ticket --seed TEXT] [--step N]\n"
    "  allot tally FILE.pb --compare [--json]\n"
    "  allot conformance DIR\n"
    "  allot rules\n"
    "  allot help | --help\n"
    "  allot version | --version\n"
    "\n"
    "Commands:\n"
    "  tally        count the ballots of a Pabulib file with a rule and explain the outcome\n"
    "  conformance  check the rules against reference outcomes (DIR holds .pb files and expected/)\n"
    "  rules        list the tally rules\n"
    "\n"
    "Run 'allot tally --help' for the tally options.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsageText;
    return allot::cli::kUsage;
  }
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    std::cout << kUsageText;
    return allot::cli::kOk;
  }
  if (cmd == "version" || cmd == "--version") {
    std::cout << "allot 0.1.0\n";
    return allot::cli::kOk;
  }
  if (cmd == "rules") {
    for (const auto& r : allot::all_rules()) std::cout << r.name << "\t" << r.title << ": " << r.summary << "\n";
    return allot::cli::kOk;
  }
  if (cmd == "tally") return allot::cli::tally_main(std::move(args));
  if (cmd == "conformance") return allot::cli::conformance_main(std::move(args));
  std::cerr << "allot: unknown command '" << cmd << "'\n\n" << kUsageText;
  return allot::cli::kUsage;
}
