// Cryptographic primitives through OpenSSL 3 EVP. Every OpenSSL object is held by a
// unique_ptr with its free function, so nothing leaks on any path, and the OpenSSL
// error queue is drained whenever a call fails (so stale errors never leak into
// later, unrelated calls).
#include "allot/storage/crypto.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

namespace allot::crypto {

namespace {

struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct MdFree { void operator()(EVP_MD* p) const { EVP_MD_free(p); } };
struct KdfFree { void operator()(EVP_KDF* p) const { EVP_KDF_free(p); } };
struct KdfCtxFree { void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); } };
using Bio = std::unique_ptr<BIO, BioFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Md = std::unique_ptr<EVP_MD, MdFree>;
using Kdf = std::unique_ptr<EVP_KDF, KdfFree>;
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxFree>;

// A non-null pointer for empty inputs: some OpenSSL calls reject NULL even with length 0.
const unsigned char kEmpty[1] = {0};

const unsigned char* bytes_of(std::string_view s) {
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// Drains the OpenSSL error queue into a message suffix.
std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += out.empty() ? ": " : "; ";
    out += buf;
  }
  return out;
}

[[noreturn]] void fail(const std::string& what) { throw CryptoError(what + openssl_errors()); }

// SHA-256 fetched once (an implicit fetch on every call is slow in OpenSSL 3). The
// unique_ptr is destroyed at exit before OpenSSL's own atexit cleanup, which was
// registered earlier (during the first OpenSSL call, at the latest inside this fetch).
const EVP_MD* sha256_md() {
  static const Md md = [] {
    Md m(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    if (!m) fail("cannot fetch SHA256");
    return m;
  }();
  return md.get();
}

constexpr std::uint64_t kScryptN = std::uint64_t{1} << 15;
constexpr std::uint32_t kScryptR = 8;
constexpr std::uint32_t kScryptP = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::uint64_t kScryptMaxMem = std::uint64_t{64} << 20;  // 64 MiB

// Raw scrypt. Returns false (instead of throwing) when OpenSSL refuses the parameters
// (e.g. they need more than kScryptMaxMem), so verify_password can treat that as "no".
bool scrypt_raw(std::string_view password, std::string_view salt, std::uint64_t n,
                std::uint32_t r, std::uint32_t p, unsigned char* out, std::size_t out_len) {
  Kdf kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) fail("cannot fetch SCRYPT");
  KdfCtx ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) fail("EVP_KDF_CTX_new failed");
  std::uint64_t maxmem = kScryptMaxMem;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<unsigned char*>(bytes_of(password)),
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                        const_cast<unsigned char*>(bytes_of(salt)), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out, out_len, params) != 1) {
    ERR_clear_error();
    return false;
  }
  return true;
}

EVP_PKEY* checked(void* p) {
  if (!p) throw CryptoError("use of an empty (moved-from) SigningKey");
  return static_cast<EVP_PKEY*>(p);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a decimal unsigned integer that is all of `s` (no sign, no leading zero).
bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Decodes lower-case hex only (the stored form is ours), without throwing.
bool decode_stored_hex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.assign(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    char a = hex[2 * i], b = hex[2 * i + 1];
    if ((a >= 'A' && a <= 'F') || (b >= 'A' && b <= 'F')) return false;
    int hi = hex_value(a), lo = hex_value(b);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

// ---- hashing and hex ----

namespace {

// One SHA-256 context per thread, reset for each hash: the one-shot EVP_Digest
// allocates and frees a context every call, which showed in the voting path's
// profile (docs/PERFORMANCE.md).
EVP_MD_CTX* thread_sha256_ctx() {
  thread_local MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) fail("EVP_MD_CTX_new failed");
  return ctx.get();
}

// SHA-256 of the concatenation of `parts`.
Hash sha256_of(std::initializer_list<std::string_view> parts) {
  EVP_MD_CTX* ctx = thread_sha256_ctx();
  Hash h;
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex2(ctx, sha256_md(), nullptr) == 1;
  for (auto part : parts) ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, h.data(), &len) == 1 && len == h.size();
  if (!ok) fail("SHA-256 failed");
  return h;
}

}  // namespace

Hash sha256(std::string_view bytes) { return sha256_of({bytes}); }

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

std::string to_hex(const Hash& h) { return to_hex(h.data(), h.size()); }

std::string to_hex(std::string_view bytes) { return to_hex(bytes_of(bytes), bytes.size()); }

std::string from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    throw CryptoError("bad hex: odd length " + std::to_string(hex.size()));
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < hex.size(); ++i) {
    int v = hex_value(hex[i]);
    if (v < 0) throw CryptoError("bad hex: character " + std::to_string(i) + " is not a hex digit");
    if (i % 2 == 0)
      out[i / 2] = static_cast<char>(v << 4);
    else
      out[i / 2] = static_cast<char>(static_cast<unsigned char>(out[i / 2]) | v);
  }
  return out;
}

Hash hash_from_hex(std::string_view hex) {
  if (hex.size() != 64)
    throw CryptoError("bad hash: expected 64 hex characters, got " + std::to_string(hex.size()));
  std::string raw = from_hex(hex);
  Hash h;
  std::memcpy(h.data(), raw.data(), h.size());
  return h;
}

std::string sha256_hex(std::string_view bytes) { return to_hex(sha256(bytes)); }

// RFC 2104 over the thread's SHA-256 context: OpenSSL's HMAC() looks the MAC
// algorithm up by name on every call, which cost more than the hashing itself.
Hash hmac_sha256(std::string_view key, std::string_view message) {
  constexpr std::size_t kBlock = 64;
  std::array<char, kBlock> k{};
  if (key.size() > kBlock) {
    const Hash kh = sha256(key);
    std::copy(kh.begin(), kh.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<char, kBlock> ipad{}, opad{};
  for (std::size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<char>(k[i] ^ 0x36);
    opad[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  const Hash inner = sha256_of({std::string_view(ipad.data(), kBlock), message});
  const Hash out = sha256_of({std::string_view(opad.data(), kBlock),
                              std::string_view(reinterpret_cast<const char*>(inner.data()), inner.size())});
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(ipad.data(), ipad.size());
  OPENSSL_cleanse(opad.data(), opad.size());
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t done = 0;
  while (done < n) {
    int chunk = static_cast<int>(std::min<std::size_t>(n - done, 1 << 20));
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + done), chunk) != 1)
      fail("RAND_bytes failed");
    done += static_cast<std::size_t>(chunk);
  }
  return out;
}

// ---- Ed25519 ----

SigningKey SigningKey::generate() {
  EVP_PKEY* p = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (!p) fail("Ed25519 key generation failed");
  SigningKey k;
  k.pkey_ = p;
  return k;
}

SigningKey SigningKey::from_pem(std::string_view pem) {
  if (pem.size() > static_cast<std::size_t>(INT_MAX)) throw CryptoError("PEM text too long");
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail("BIO_new_mem_buf failed");
  Pkey p(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!p) fail("not a PEM private key");
  if (!EVP_PKEY_is_a(p.get(), "ED25519")) {
    ERR_clear_error();
    throw CryptoError("the PEM private key is not an Ed25519 key");
  }
  SigningKey k;
  k.pkey_ = p.release();
  return k;
}

std::string SigningKey::to_pem() const {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("BIO_new failed");
  if (PEM_write_bio_PrivateKey(bio.get(), checked(pkey_), nullptr, nullptr, 0, nullptr,
                               nullptr) != 1)
    fail("PEM_write_bio_PrivateKey failed");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || !data) fail("PEM output is empty");
  return std::string(data, static_cast<std::size_t>(len));
}

std::string SigningKey::public_key() const {
  unsigned char buf[32];
  std::size_t len = sizeof buf;
  if (EVP_PKEY_get_raw_public_key(checked(pkey_), buf, &len) != 1 || len != sizeof buf)
    fail("EVP_PKEY_get_raw_public_key failed");
  return std::string(reinterpret_cast<const char*>(buf), len);
}

std::string SigningKey::sign(std::string_view message) const {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) fail("EVP_MD_CTX_new failed");
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, checked(pkey_)) != 1)
    fail("EVP_DigestSignInit failed");
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  if (EVP_DigestSign(ctx.get(), sig, &len, bytes_of(message), message.size()) != 1 ||
      len != sizeof sig)
    fail("Ed25519 signing failed");
  return std::string(reinterpret_cast<const char*>(sig), len);
}

SigningKey::SigningKey(const SigningKey& other) : pkey_(other.pkey_) {
  // An EVP_PKEY is never modified after creation, so copies share it by reference count.
  if (pkey_ && EVP_PKEY_up_ref(static_cast<EVP_PKEY*>(pkey_)) != 1) {
    pkey_ = nullptr;
    fail("EVP_PKEY_up_ref failed");
  }
}

SigningKey& SigningKey::operator=(const SigningKey& other) {
  if (this != &other) {
    SigningKey copy(other);
    std::swap(pkey_, copy.pkey_);
  }
  return *this;
}

SigningKey::SigningKey(SigningKey&& other) noexcept : pkey_(other.pkey_) { other.pkey_ = nullptr; }

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  std::swap(pkey_, other.pkey_);
  return *this;
}

SigningKey::~SigningKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

bool verify_signature(std::string_view public_key, std::string_view message,
                      std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  Pkey p(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes_of(public_key),
                                     public_key.size()));
  if (!p) {
    ERR_clear_error();
    return false;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) fail("EVP_MD_CTX_new failed");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, p.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  bool ok = EVP_DigestVerify(ctx.get(), bytes_of(signature), signature.size(), bytes_of(message),
                             message.size()) == 1;
  ERR_clear_error();
  return ok;
}

// ---- scrypt ----

std::string hash_password(std::string_view password) {
  std::string salt = random_bytes(kSaltBytes);
  unsigned char out[kHashBytes];
  if (!scrypt_raw(password, salt, kScryptN, kScryptR, kScryptP, out, sizeof out))
    throw CryptoError("scrypt failed");
  return "scrypt$" + std::to_string(kScryptN) + "$" + std::to_string(kScryptR) + "$" +
         std::to_string(kScryptP) + "$" + to_hex(salt) + "$" + to_hex(out, sizeof out);
}

bool verify_password(std::string_view password, std::string_view stored) {
  // scrypt$N$r$p$<salt hex>$<hash hex>
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dollar = stored.find('$', start);
    parts.push_back(stored.substr(start, dollar == std::string_view::npos ? dollar : dollar - start));
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  std::uint64_t n = 0, r = 0, p = 0;
  if (!parse_decimal(parts[1], n) || !parse_decimal(parts[2], r) || !parse_decimal(parts[3], p))
    return false;
  // N a power of two > 1; r, p >= 1 with r*p < 2^30 (RFC 7914); memory is bounded by maxmem.
  if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1 || r > UINT32_MAX || p > UINT32_MAX ||
      r * p >= (std::uint64_t{1} << 30))
    return false;
  std::string salt, expected;
  if (!decode_stored_hex(parts[4], salt) || !decode_stored_hex(parts[5], expected)) return false;
  if (salt.empty() || salt.size() > 1024 || expected.size() < 16 || expected.size() > 64)
    return false;
  unsigned char out[64];
  if (!scrypt_raw(password, salt, n, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(p),
                  out, expected.size()))
    return false;
  bool ok = CRYPTO_memcmp(out, expected.data(), expected.size()) == 0;
  OPENSSL_cleanse(out, sizeof out);
  return ok;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(bytes_of(a), bytes_of(b), a.size()) == 0;
}

// ---- files ----

void write_secret_file(const std::filesystem::path& path, std::string_view bytes) {
  const std::string where = path.string();
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    int err = errno;
    throw CryptoError("cannot create secret file " + where + ": " + errno_text(err));
  }
  // From here on the file is ours: on failure, close and remove it so nothing partial stays.
  auto abandon = [&](const char* what, int err) {
    ::close(fd);
    ::unlink(path.c_str());
    throw CryptoError("cannot " + std::string(what) + " secret file " + where + ": " +
                      errno_text(err));
  };
  if (::fchmod(fd, 0600) != 0) abandon("set the mode of", errno);  // in case of an odd umask
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      abandon("write", errno);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0) abandon("fsync", errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    throw CryptoError("cannot close secret file " + where + ": " + errno_text(err));
  }
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    int err = errno;
    throw CryptoError("cannot open directory " + dir.string() + " to fsync " + where + ": " +
                      errno_text(err));
  }
  if (::fsync(dfd) != 0) {
    int err = errno;
    ::close(dfd);
    throw CryptoError("cannot fsync directory " + dir.string() + " after writing " + where +
                      ": " + errno_text(err));
  }
  ::close(dfd);
}

}  // namespace allot::crypto
