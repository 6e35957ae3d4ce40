// Where the shared reference data lives: one setting for every test.
// ALLOT_SHARED (environment) overrides; the default is ../shared beside the repo.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace allot::testing {

inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("ALLOT_SHARED"); env && *env) return env;
  return std::filesystem::path(ALLOT_SOURCE_DIR) / ".." / "shared";
}

inline std::filesystem::path fixtures_dir() {
  return std::filesystem::path(ALLOT_SOURCE_DIR) / "tests" / "fixtures";
}

inline std::string read_file(const std::filesystem::path& p);

}  // namespace allot::testing

#include <fstream>
#include <sstream>
inline std::string allot::testing::read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
