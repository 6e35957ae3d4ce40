#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "allot/storage/crypto.hpp"

using namespace allot::crypto;

namespace {

std::string hex(const Hash& h) { return to_hex(h); }

// A PKCS#8 PEM for an Ed25519 key given by its raw 32-byte private seed (RFC 8032 form),
// built with OpenSSL directly so SigningKey::from_pem can load it.
std::string pem_from_seed(const std::string& seed) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                   reinterpret_cast<const unsigned char*>(seed.data()),
                                   seed.size()),
      &EVP_PKEY_free);
  if (!key) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1)
    return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// A fresh empty directory under the system temp dir, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "allot-crypto-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// FIPS 180-2 / NIST examples.
TEST(CryptoTest, Sha256KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(hex(sha256(std::string("\0", 1))),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

// RFC 4231 test cases 1, 2, 4, 6 and 7.
TEST(CryptoTest, HmacSha256Rfc4231) {
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(hmac_sha256(from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                            std::string(50, '\xcd'))),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(hex(hmac_sha256(std::string(131, '\xaa'),
                            "This is a test using a larger than block-size key and a larger than "
                            "block-size data. The key needs to be hashed before being used by the "
                            "HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  // An empty key and message are valid inputs.
  EXPECT_EQ(hex(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoTest, HexRoundTripAndErrors) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string h = to_hex(all);
  EXPECT_EQ(h.substr(0, 8), "00010203");
  EXPECT_EQ(h.substr(h.size() - 4), "feff");
  EXPECT_EQ(from_hex(h), all);
  EXPECT_EQ(from_hex("DEADbeef"), "\xde\xad\xbe\xef");
  EXPECT_EQ(from_hex(""), "");
  EXPECT_THROW(from_hex("abc"), CryptoError);
  EXPECT_THROW(from_hex("zz"), CryptoError);
  EXPECT_THROW(from_hex("0g"), CryptoError);
  EXPECT_THROW(from_hex(" 00"), CryptoError);
  Hash hh = sha256("abc");
  EXPECT_EQ(hash_from_hex(to_hex(hh)), hh);
  EXPECT_THROW(hash_from_hex("00"), CryptoError);
  EXPECT_THROW(hash_from_hex(to_hex(hh) + "00"), CryptoError);
  EXPECT_THROW(hash_from_hex(std::string(63, '0') + "x"), CryptoError);
}

TEST(CryptoTest, RandomBytes) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  std::string a = random_bytes(32), b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(CryptoTest, EqualConstantTime) {
  EXPECT_TRUE(equal_constant_time("", ""));
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "ab"));
}

TEST(CryptoTest, Ed25519SignVerifyRoundTrip) {
  SigningKey key = SigningKey::generate();
  std::string pub = key.public_key();
  ASSERT_EQ(pub.size(), 32u);
  std::string sig = key.sign("ballot");
  ASSERT_EQ(sig.size(), 64u);
  EXPECT_TRUE(verify_signature(pub, "ballot", sig));
  EXPECT_FALSE(verify_signature(pub, "ballot!", sig));         // wrong message
  EXPECT_FALSE(verify_signature(SigningKey::generate().public_key(), "ballot", sig));  // wrong key
  std::string bad = sig;
  bad[10] = static_cast<char>(bad[10] ^ 1);
  EXPECT_FALSE(verify_signature(pub, "ballot", bad));
  EXPECT_FALSE(verify_signature(pub.substr(1), "ballot", sig));   // wrong key length
  EXPECT_FALSE(verify_signature(pub, "ballot", sig.substr(1)));   // wrong signature length
  EXPECT_FALSE(verify_signature("", "", ""));
  // Signing the empty message works too.
  EXPECT_TRUE(verify_signature(pub, "", key.sign("")));
}

TEST(CryptoTest, Ed25519CopyAndMove) {
  SigningKey a = SigningKey::generate();
  SigningKey b = a;  // copy shares the key
  EXPECT_EQ(a.public_key(), b.public_key());
  SigningKey c = SigningKey::generate();
  c = a;
  EXPECT_EQ(c.public_key(), a.public_key());
  SigningKey d = std::move(b);
  EXPECT_EQ(d.public_key(), a.public_key());
  EXPECT_THROW(b.public_key(), CryptoError);  // NOLINT: moved-from use is defined to throw
  SigningKey e = SigningKey::generate();
  e = std::move(d);
  EXPECT_TRUE(verify_signature(a.public_key(), "x", e.sign("x")));
  const SigningKey& same = e;  // through a reference: clang warns about a plain e = e
  e = same;                    // self-assignment
  EXPECT_EQ(e.public_key(), a.public_key());
}

// RFC 8032 section 7.1, TEST 1 (empty message).
TEST(CryptoTest, Ed25519Rfc8032Vector1) {
  std::string pem = pem_from_seed(
      from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_FALSE(pem.empty());
  SigningKey key = SigningKey::from_pem(pem);
  EXPECT_EQ(to_hex(key.public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
      "1cf9b46bd25bf5f0595bbe24655141438e7a100b";
  EXPECT_EQ(to_hex(key.sign("")), expected);
  EXPECT_TRUE(verify_signature(key.public_key(), "", from_hex(expected)));
  EXPECT_FALSE(verify_signature(key.public_key(), "x", from_hex(expected)));
}

TEST(CryptoTest, PemRoundTrip) {
  SigningKey key = SigningKey::generate();
  std::string pem = key.to_pem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);  // PKCS#8
  SigningKey back = SigningKey::from_pem(pem);
  EXPECT_EQ(back.public_key(), key.public_key());
  EXPECT_EQ(back.to_pem(), pem);
  EXPECT_TRUE(verify_signature(key.public_key(), "m", back.sign("m")));
  EXPECT_THROW(SigningKey::from_pem(""), CryptoError);
  EXPECT_THROW(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
               CryptoError);
  // A valid PKCS#8 key of another type is refused.
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> x(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"),
                                                        &EVP_PKEY_free);
  ASSERT_TRUE(x);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), x.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  EXPECT_THROW(SigningKey::from_pem(std::string(data, static_cast<std::size_t>(len))), CryptoError);
}

TEST(CryptoTest, ScryptHashAndVerify) {
  std::string stored = hash_password("correct horse");
  // scrypt$N$r$p$<16-byte salt hex>$<32-byte hash hex>
  EXPECT_EQ(stored.rfind("scrypt$32768$8$1$", 0), 0u) << stored;
  EXPECT_EQ(stored.size(), std::string("scrypt$32768$8$1$").size() + 32 + 1 + 64);
  EXPECT_TRUE(verify_password("correct horse", stored));
  EXPECT_FALSE(verify_password("correct horse ", stored));
  EXPECT_FALSE(verify_password("", stored));
  EXPECT_NE(hash_password("correct horse"), stored);  // fresh salt every time
  std::string empty = hash_password("");
  EXPECT_TRUE(verify_password("", empty));
  EXPECT_FALSE(verify_password("x", empty));
}

// RFC 7914 section 12, third vector, through the stored form.
TEST(CryptoTest, ScryptRfc7914Vector) {
  const std::string expected =
      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff10927"
      "9d9830dac727afb94a83ee6d8360cbdfa2cc0640";
  const std::string stored = "scrypt$1024$8$16$" + to_hex(std::string("NaCl")) + "$" + expected;
  EXPECT_TRUE(verify_password("password", stored));
  EXPECT_FALSE(verify_password("Password", stored));
  std::string flipped = stored;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(verify_password("password", flipped));
}

TEST(CryptoTest, ScryptMalformedStoredFormsAreFalse) {
  const std::string salt = std::string(32, 'a');
  const std::string hash = std::string(64, 'b');
  for (const std::string& s : {
           std::string(""),
           std::string("scrypt"),
           "bcrypt$1024$8$1$" + salt + "$" + hash,
           "scrypt$1024$8$1$" + salt,                          // missing field
           "scrypt$1024$8$1$" + salt + "$" + hash + "$",       // extra field
           "scrypt$1000$8$1$" + salt + "$" + hash,             // N not a power of two
           "scrypt$1$8$1$" + salt + "$" + hash,                // N too small
           "scrypt$01024$8$1$" + salt + "$" + hash,            // leading zero
           "scrypt$-1024$8$1$" + salt + "$" + hash,            // sign
           "scrypt$1024$0$1$" + salt + "$" + hash,             // r = 0
           "scrypt$1024$8$0$" + salt + "$" + hash,             // p = 0
           "scrypt$1024$8$99999999999999999999$" + salt + "$" + hash,  // overflow
           "scrypt$1024$8$1073741824$" + salt + "$" + hash,    // r*p too large
           "scrypt$1048576$8$1$" + salt + "$" + hash,          // needs 1 GiB: above maxmem
           "scrypt$1024$8$1$" + salt + "x$" + hash,            // bad hex
           "scrypt$1024$8$1$" + salt + "$" + hash + "0",       // odd hex
           "scrypt$1024$8$1$" + salt + "$" + std::string(64, 'B'),  // upper-case hex
           "scrypt$1024$8$1$$" + hash,                         // empty salt
           "scrypt$1024$8$1$" + salt + "$" + std::string(8, 'b'),  // hash too short
       }) {
    EXPECT_FALSE(verify_password("pw", s)) << s;
  }
}

TEST(CryptoTest, WriteSecretFile) {
  TempDir dir;
  auto path = dir.path / "key.pem";
  std::string content("secret\0bytes", 12);
  write_secret_file(path, content);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(slurp(path), content);
  // Refuses to overwrite, and leaves the file alone.
  try {
    write_secret_file(path, "other");
    FAIL() << "overwrote an existing file";
  } catch (const CryptoError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(path), content);
  // Missing directory.
  EXPECT_THROW(write_secret_file(dir.path / "no" / "such", "x"), CryptoError);
  // An empty file is fine.
  write_secret_file(dir.path / "empty", "");
  EXPECT_EQ(std::filesystem::file_size(dir.path / "empty"), 0u);
}
