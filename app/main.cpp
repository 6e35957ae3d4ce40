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
    "  allot verify RECORD [--receipt FILE]\n"
    "  allot serve --data DIR [--port N] [--tls-cert F --tls-key F] [--config FILE]\n"
    "  allot demo --data DIR [--ballots N] [--publish]\n"
    "  allot codes --data DIR --election ID --count N [--district D] --out FILE.csv\n"
    "  allot export --data DIR --election ID --out RECORD\n"
    "  allot election list|create|update|show|open|close|tally|publish --data DIR ...\n"
    "  allot backup --data DIR --out FILE\n"
    "  allot rules\n"
    "  allot help | --help\n"
    "  allot version | --version\n"
    "\n"
    "Commands:\n"
    "  tally        count the ballots of a Pabulib file with a rule and explain the outcome\n"
    "  conformance  check the rules against reference outcomes (DIR holds .pb files and expected/)\n"
    "  verify       check a signed election record (and a voter's receipt): signatures, logs, counts, re-tally\n"
    "  serve        run the voting site and its API over a data directory\n"
    "  demo         create two ready demo elections (budget and pilot selection) in a data directory\n"
    "  codes        generate voting codes for an election before it opens (printable CSV)\n"
    "  export       write the signed election record of a tallied election\n"
    "  election     create, open, close, tally and publish elections in a data directory\n"
    "  backup       copy the database while the server runs (keys are backed up separately)\n"
    "  rules        list the tally rules\n"
    "\n"
    "Run 'allot tally --help' for the tally options, 'allot verify --help' for the checks.\n";

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
  if (cmd == "verify") return allot::cli::verify_main(std::move(args));
  if (cmd == "serve") return allot::cli::serve_main(std::move(args));
  if (cmd == "demo") return allot::cli::demo_main(std::move(args));
  if (cmd == "codes") return allot::cli::codes_main(std::move(args));
  if (cmd == "export") return allot::cli::export_main(std::move(args));
  if (cmd == "election") return allot::cli::election_main(std::move(args));
  if (cmd == "backup") return allot::cli::backup_main(std::move(args));
  std::cerr << "allot: unknown command '" << cmd << "'\n\n" << kUsageText;
  return allot::cli::kUsage;
}
