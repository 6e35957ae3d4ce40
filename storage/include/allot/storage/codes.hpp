// Human-friendly secrets: voting codes, kiosk tokens and receipt codes, in
// Crockford base32 (alphabet 0123456789ABCDEFGHJKMNPQRSTVWXYZ).
//
// A voting code carries about 65 random bits (13 symbols) plus one check symbol
// (Crockford's mod-37 check, alphabet extended with *~$=U), shown in groups of
// four or five for reading aloud, e.g. "7K3QM-R9D2X-H4TPA-Z". Reading a code:
//  - case-insensitive; spaces, dashes and dots are ignored;
//  - I and L read as 1, O reads as 0 (Crockford's confusables), U only as the check;
//  - wrong length, an unknown symbol or a failed check gives a precise message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace allot::codes {

constexpr int kCodeSymbols = 13;  // 65 bits of entropy

struct Parsed {
  bool ok = false;
  std::string normalized;  // canonical upper-case symbols incl. check, no dashes
  std::string problem;     // a sentence for the voter when !ok
};

// A new random code (system CSPRNG), formatted with dashes. Its check symbol is
// always a digit or a letter (codes that would end in *~$=U are drawn again), so a
// 13-symbol code carries 64.8 bits of entropy.
std::string generate_code(int symbols = kCodeSymbols);
// Normalizes and checks a typed code.
Parsed parse_code(std::string_view typed, int symbols = kCodeSymbols);
// Formats a normalized code with dashes every five symbols.
std::string format_code(std::string_view normalized);

// Base32 (Crockford alphabet, no check) of the first bits of `bytes`:
// `symbols` symbols = 5*symbols bits. Used for receipt codes from a leaf hash.
std::string base32_prefix(std::string_view bytes, int symbols);

char check_symbol(std::string_view normalized_without_check);

// Receipt codes: the first 50 bits of a ballot's leaf hash, 10 symbols shown as
// "4HX2M-9QKDA", no check symbol (a receipt is looked up, never trusted).
constexpr int kReceiptSymbols = 10;
// Normalizes a typed receipt code with the same forgiving reading as voting codes.
Parsed parse_receipt_code(std::string_view typed);
// The bits that normalized base32 symbols stand for, as bytes (5 bits a symbol,
// the last byte padded with zero bits): "ZZ" -> 0xFF 0xC0.
std::string base32_bits(std::string_view normalized);

}  // namespace allot::codes
