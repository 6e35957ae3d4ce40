// Canonical JSON: the one byte form of every document allot hashes or signs.
//
// Rules (a subset of RFC 8785 that our documents stay inside):
//  - objects with keys sorted by byte order, no insignificant whitespace;
//  - strings UTF-8 as is (no \u escapes except for control characters, which use
//    lower-case \u00xx, and the two-character escapes \" \\ \b \f \n \r \t);
//  - numbers are integers only (a floating-point value is refused);
//  - invalid UTF-8 is refused.
// A document is canonical when its bytes equal canonical(parse(bytes)); verifiers
// insist on that, so any changed byte of a record file is detected.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace allot::canonical {

struct CanonicalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CanonicalError for a float or invalid UTF-8.
std::string dump(const nlohmann::json& j);

// Parses strictly: duplicate keys, trailing bytes, invalid UTF-8 and floats are
// refused with CanonicalError (message says what and where).
nlohmann::json parse(std::string_view bytes);

// True when `bytes` is exactly the canonical form of what it parses to.
bool is_canonical(std::string_view bytes);

// Signed documents carry their signature in a top-level "signature" field
// (hex Ed25519 over the canonical bytes of the object without that field).
std::string signing_bytes(const nlohmann::json& object);  // canonical dump without "signature"

// Field checks shared by the record's verifiers: a string of exactly 64 lower-case
// hex digits (a hash or a key, as records write them); a whole number >= 0.
bool is_hex64(const nlohmann::json& j);
bool is_count(const nlohmann::json& j);

}  // namespace allot::canonical
