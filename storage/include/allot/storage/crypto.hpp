// Cryptographic primitives, all through OpenSSL 3 (EVP): SHA-256, HMAC-SHA-256,
// Ed25519 signatures, scrypt password hashing, and the system's random source.
//
// Bytes are std::string (binary-safe). Hex is always lower-case. Every function
// throws CryptoError when OpenSSL fails or an input is malformed (wrong key length,
// bad hex); verification functions return false for a wrong signature instead.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace allot::crypto {

struct CryptoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Hash = std::array<unsigned char, 32>;

Hash sha256(std::string_view bytes);
std::string to_hex(const unsigned char* data, std::size_t size);
std::string to_hex(const Hash& h);
std::string to_hex(std::string_view bytes);
// Decodes lower- or upper-case hex; throws CryptoError on odd length or a non-hex char.
std::string from_hex(std::string_view hex);
Hash hash_from_hex(std::string_view hex);  // exactly 64 hex chars
std::string sha256_hex(std::string_view bytes);

Hash hmac_sha256(std::string_view key, std::string_view message);

// `n` bytes from the operating system's CSPRNG (RAND_bytes).
std::string random_bytes(std::size_t n);

// Ed25519. Raw 32-byte public keys and 64-byte signatures.
class SigningKey {
 public:
  static SigningKey generate();
  // PKCS#8 PEM text, as written by to_pem().
  static SigningKey from_pem(std::string_view pem);
  std::string to_pem() const;
  std::string public_key() const;  // 32 raw bytes
  std::string sign(std::string_view message) const;  // 64 raw bytes
  SigningKey(const SigningKey&);
  SigningKey& operator=(const SigningKey&);
  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();
 private:
  SigningKey() = default;
  void* pkey_ = nullptr;  // EVP_PKEY*
};

// false for a wrong signature, a wrong-length key or signature.
bool verify_signature(std::string_view public_key, std::string_view message,
                      std::string_view signature);

// scrypt (RFC 7914) through EVP_KDF. The stored form is
// "scrypt$N$r$p$<salt hex>$<hash hex>"; verify_password is constant-time on the hash.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view password, std::string_view stored);

// Constant-time comparison of two byte strings (false when lengths differ).
bool equal_constant_time(std::string_view a, std::string_view b);

// Writes `bytes` to `path` created with mode 0600 (owner read/write only), failing
// if it exists; fsyncs the file and its directory.
void write_secret_file(const std::filesystem::path& path, std::string_view bytes);

}  // namespace allot::crypto
