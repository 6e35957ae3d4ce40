// The verifier behind `allot verify RECORD`: trusts nothing but the record's files
// and the engine, re-derives every figure, and names what broke.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "allot/storage/record.hpp"

namespace allot::verify {

struct Check {
  std::string name;     // short name of the check, e.g. "ballot log root"
  bool ok = false;
  std::string detail;   // what was found: a figure when ok, what broke (file, line, field) when not
};

struct Report {
  std::vector<Check> checks;
  bool ok() const;
  // Failures only, by check name (for tests): true when some failed check's name
  // contains `name`.
  bool failed(const std::string& name) const;
  std::string text() const;  // readable report, one line per check, then a verdict
};

// Verifies a record given as files (as record::read_files returns them).
Report verify_files(const record::Files& files);
Report verify_record(const std::filesystem::path& dir);

// Checks a voter's receipt (receipt/2, or receipt/1 of earlier versions) against a
// record: signed by the record's key (for receipt/2 through its batch proof), same
// election and manifest, the leaf is a ballot of the log, and its inclusion proof
// against the final checkpoint verifies.
Report verify_receipt(const record::Files& files, const nlohmann::json& receipt);

}  // namespace allot::verify
