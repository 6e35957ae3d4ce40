// The election record directory (docs/record-format.md): writing one atomically
// from its files, and reading one back as bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

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

// The record as one POSIX ustar archive, for download: a directory `top_dir`
// ("record/") holding every file of `files` (index.json included when present).
// Deterministic: entries sorted by path, each directory before its contents,
// mtime 0, uid/gid 0, no user names, mode 0644 (files) / 0755 (directories),
// two zero blocks at the end, padded to a multiple of 10240 bytes. Names longer
// than 100 bytes use the ustar prefix field. Throws std::runtime_error for a path
// that is not a relative file path or cannot be stored in a ustar header.
std::string to_tar(const Files& files, const std::string& top_dir = "record");

// Reads such an archive back: every regular file by its path below the archive's
// single top directory (when every file is under one; otherwise by its path as
// stored; a leading "./" is ignored). Also reads what GNU tar and bsdtar write
// (pax 'x' headers for long names and sizes, GNU 'L' long names; pax global
// headers ignored). Refuses links, devices and other special entries, absolute
// paths, ".." or empty components, a path given twice, bad checksums, truncated
// archives and anything after the end-of-archive blocks. Throws std::runtime_error.
Files from_tar(std::string_view archive);

}  // namespace allot::record
