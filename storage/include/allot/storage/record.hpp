// The election record directory (docs/record-format.md): writing one atomically
// from its files, and reading one back as bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

#include "allot/storage/crypto.hpp"

namespace allot::record {

// Relative path ("manifest.json", "exports/city.pb") -> bytes, without index.json.
using Files = std::map<std::string, std::string>;

// The signed index.json bytes (canonical + "\n") listing every file of `files`.
std::string make_index(const Files& files, const std::string& election, const std::string& manifest_hash,
                       const crypto::SigningKey& key);

// Writes `files` plus index.json under `dir`, which must not exist yet: everything
// goes to a sibling temporary directory first, is fsynced, then renamed into place,
// so a record is either complete or absent. Throws std::runtime_error.
void write_record(const std::filesystem::path& dir, const Files& files, const std::string& election,
                  const std::string& manifest_hash, const crypto::SigningKey& key);

// Every regular file under `dir` (index.json included), by relative path with '/'.
// Throws std::runtime_error when `dir` is not a readable directory.
Files read_files(const std::filesystem::path& dir);

// One canonical document per line, each + "\n".
std::string jsonl(const std::vector<nlohmann::json>& docs);
// Canonical bytes + "\n".
std::string document(const nlohmann::json& doc);

// Adds "signature" (hex Ed25519 over canonical::signing_bytes) to a copy of `doc`.
nlohmann::json sign(const nlohmann::json& doc, const crypto::SigningKey& key);
// Checks doc["signature"] against `public_key_hex`.
bool signature_ok(const nlohmann::json& doc, const std::string& public_key_hex);

}  // namespace allot::record
