// allot verify RECORD [--receipt FILE]: check an election record (and a voter's
// receipt) trusting nothing but the record's files.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "allot/engine/errors.hpp"
#include "allot/storage/record.hpp"
#include "allot/storage/verify.hpp"
#include "cli.hpp"

namespace allot::cli {

namespace {

const char* kVerifyHelp =
    "Usage: allot verify RECORD [--receipt FILE]\n"
    "\n"
    "RECORD is an election record directory, or a .tar archive of one (as downloaded).\n"
    "Checks the record: every signature, the hash chains and Merkle\n"
    "checkpoints of the ballot and officer logs, that the officers' actions happened in\n"
    "an allowed order, that the counts agree with the ballots, and that re-counting\n"
    "every contest from the ballots gives exactly the published result and exports.\n"
    "Prints one line per check ('ok' or 'FAIL', with what was found) and a verdict.\n"
    "\n"
    "Options:\n"
    "  --receipt FILE   also check a voter's receipt (receipt/2 or receipt/1 JSON): signed by\n"
    "                   the election's key, its code matches, and its ballot is in the log\n"
    "\n"
    "Exit status: 0 verified, 1 a check failed, 2 bad usage or an unreadable path.\n"
    "See docs/auditors.md for the list of checks.\n";

}  // namespace

int verify_main(std::vector<std::string> raw) {
  try {
    Args args(std::move(raw));
    if (args.flag("--help") || args.flag("-h")) {
      std::cout << kVerifyHelp;
      return kOk;
    }
    const auto receipt_path = args.value("--receipt");
    if (auto unknown = args.unknown_flag()) throw UsageError("unknown option " + *unknown);
    const auto positional = args.positional();
    if (positional.size() != 1) throw UsageError("give exactly one record directory or .tar file");
    const std::filesystem::path dir = positional.front();

    std::error_code ec;
    const bool is_archive = !std::filesystem::is_directory(dir, ec) && std::filesystem::is_regular_file(dir, ec);
    if (!is_archive && !std::filesystem::is_directory(dir, ec)) {
      std::cerr << "allot verify: " << dir.string() << " is not a readable directory or .tar file\n";
      return kUsage;
    }
    std::string archive;
    if (is_archive) {
      try {
        archive = read_file(dir.string());
      } catch (const std::exception& e) {
        std::cerr << "allot verify: " << e.what() << "\n";
        return kUsage;
      }
    }
    nlohmann::json receipt;
    if (receipt_path) {
      std::string bytes;
      try {
        bytes = read_file(*receipt_path);
        receipt = nlohmann::json::parse(bytes);
      } catch (const std::exception& e) {
        std::cerr << "allot verify: cannot read the receipt " << *receipt_path << ": " << e.what() << "\n";
        return kUsage;
      }
    }

    record::Files files;
    verify::Report report;
    try {
      files = is_archive ? record::from_tar(archive) : record::read_files(dir);
      report = verify::verify_files(files);
    } catch (const std::exception& e) {
      // A record holding a symlink or a special file (or a damaged archive) is not a
      // record: report it as a failed check.
      report.checks.push_back({"record files", false, e.what()});
    }
    if (receipt_path) {
      const verify::Report r = verify::verify_receipt(files, receipt);
      report.checks.insert(report.checks.end(), r.checks.begin(), r.checks.end());
    }
    std::cout << report.text();
    return report.ok() ? kOk : kFailed;
  } catch (const UsageError& err) {
    std::cerr << "allot verify: " << err.what() << "\n\n" << kVerifyHelp;
    return kUsage;
  } catch (const std::exception& err) {
    std::cerr << "allot verify: " << err.what() << "\n";
    return kUsage;
  }
}

}  // namespace allot::cli
