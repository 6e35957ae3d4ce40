// Byte-level mutation of a record: changes one byte at seeded random positions
// spread over all files and reports every change the verifier did not notice.
#pragma once

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "allot/storage/record.hpp"
#include "allot/storage/verify.hpp"

namespace allot::testing {

// Returns "byte N of FILE" for each of `count` single-byte changes (`change` maps
// the old byte to the new one) that verify::verify_files accepted, and the set of
// files the positions fell in through `files_hit`.
inline std::vector<std::string> unnoticed_byte_changes(const record::Files& valid, int count, std::uint64_t seed,
                                                       const std::function<char(char)>& change,
                                                       std::size_t* files_hit = nullptr) {
  std::size_t total = 0;
  for (const auto& [path, bytes] : valid) total += bytes.size();
  std::mt19937_64 rng(seed);
  std::vector<std::pair<std::string, std::size_t>> positions;
  for (int i = 0; i < count; ++i) {
    std::size_t at = rng() % total;
    for (const auto& [path, bytes] : valid) {
      if (at < bytes.size()) {
        positions.emplace_back(path, at);
        break;
      }
      at -= bytes.size();
    }
  }
  // Verifying is pure: share the positions out over a few threads.
  std::vector<char> noticed(positions.size(), 0);
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < positions.size(); i += threads) {
        record::Files copy = valid;
        char& byte = copy[positions[i].first][positions[i].second];
        byte = change(byte);
        noticed[i] = verify::verify_files(copy).ok() ? 0 : 1;
      }
    });
  for (auto& th : pool) th.join();
  std::vector<std::string> missed;
  std::vector<std::string> hit;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (!noticed[i]) missed.push_back("byte " + std::to_string(positions[i].second) + " of " + positions[i].first);
    if (std::find(hit.begin(), hit.end(), positions[i].first) == hit.end()) hit.push_back(positions[i].first);
  }
  if (files_hit) *files_hit = hit.size();
  return missed;
}

}  // namespace allot::testing
