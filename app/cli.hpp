// The `allot` command-line tool: shared helpers of the subcommands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "allot/engine/pabulib.hpp"
#include "allot/engine/rules.hpp"

namespace allot::cli {

// Exit codes: 0 success, 1 a check failed (conformance), 2 bad usage or input.
constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

// Reads a whole file; throws std::runtime_error("cannot read FILE: reason").
std::string read_file(const std::string& path);

// Reads and parses a .pb file; throws FormatError / std::runtime_error.
PabulibElection load_pabulib(const std::string& path);

// Simple argument cursor: positional arguments and --flags with values.
class Args {
 public:
  explicit Args(std::vector<std::string> args) : args_(std::move(args)) {}
  bool flag(const std::string& name);                          // --name
  std::optional<std::string> value(const std::string& name);   // --name V or --name=V
  std::vector<std::string> positional();                       // what is left, in order
  // The first remaining argument that starts with "--", if any.
  std::optional<std::string> unknown_flag() const;

 private:
  std::vector<std::string> args_;
};

// Tie-break from --tie-break and --seed; throws UsageError.
TieBreak tie_break_from(Args& args);

int tally_main(std::vector<std::string> args);
int conformance_main(std::vector<std::string> args);
int verify_main(std::vector<std::string> args);
int demo_main(std::vector<std::string> args);
int codes_main(std::vector<std::string> args);
int export_main(std::vector<std::string> args);
int election_main(std::vector<std::string> args);
int backup_main(std::vector<std::string> args);
int serve_main(std::vector<std::string> args);

}  // namespace allot::cli
