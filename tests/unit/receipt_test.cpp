// Batched receipts (receipt/2): the batch tree is the RFC 9162 tree, every receipt
// of a batch verifies alone, and tampering is named.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "allot/storage/canonical.hpp"
#include "allot/storage/crypto.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/receipt.hpp"

namespace {

using nlohmann::json;
using namespace allot;

json statement_no(std::size_t i) {
  const std::string leaf = crypto::sha256_hex("ballot " + std::to_string(i));
  return receipt::statement("ABCDE-" + std::to_string(10000 + i), "borough-2026", leaf,
                            crypto::sha256_hex("manifest"));
}

std::vector<json> statements(std::size_t n) {
  std::vector<json> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(statement_no(i));
  return out;
}

const crypto::SigningKey& test_key() {
  static const crypto::SigningKey key = crypto::SigningKey::generate();
  return key;
}

std::string key_hex() { return crypto::to_hex(test_key().public_key()); }

TEST(Receipt, BatchPathsAreTheRfc9162InclusionProofs) {
  for (std::size_t n = 1; n <= 70; ++n) {
    const auto st = statements(n);
    const auto receipts = receipt::sign_batch(st, test_key());
    ASSERT_EQ(receipts.size(), n);
    std::vector<merkle::Hash> leaves;
    for (const auto& s : st) leaves.push_back(merkle::leaf_hash(canonical::dump(s)));
    const std::string root = crypto::to_hex(merkle::root(leaves));
    for (std::size_t i = 0; i < n; ++i) {
      const json& r = receipts[i];
      json want_path = json::array();
      for (const auto& h : merkle::inclusion_proof(leaves, i, n)) want_path.push_back(crypto::to_hex(h));
      EXPECT_EQ(r.at("batch").at("path"), want_path) << "size " << n << " index " << i;
      EXPECT_EQ(r.at("batch").at("root"), root);
      EXPECT_EQ(r.at("batch").at("index"), i);
      EXPECT_EQ(r.at("batch").at("size"), n);
      EXPECT_EQ(r.at("signature"), receipts[0].at("signature")) << "one signature per batch";
      EXPECT_EQ(receipt::check_batch(r, key_hex()), "") << "size " << n << " index " << i;
      json statement = r;
      statement.erase("batch");
      statement.erase("signature");
      EXPECT_EQ(statement, st[i]);
    }
  }
}

TEST(Receipt, ABatchOfOneIsTheSameEachTime) {
  // Ed25519 is deterministic and a batch of one has the statement's hash as root.
  const auto a = receipt::sign_batch({statement_no(3)}, test_key());
  const auto b = receipt::sign_batch({statement_no(3)}, test_key());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a[0].at("batch").at("path"), json::array());
}

TEST(Receipt, SignedBatchRefusesNoLeavesAndAnIndexOutside) {
  EXPECT_THROW(receipt::SignedBatch({}, test_key()), std::invalid_argument);
  const auto st = statements(3);
  const receipt::SignedBatch batch({receipt::statement_leaf(st[0]), receipt::statement_leaf(st[1]),
                                    receipt::statement_leaf(st[2])},
                                   test_key());
  EXPECT_EQ(batch.size(), 3u);
  EXPECT_EQ(batch.receipt(st[1], 1), receipt::sign_batch(st, test_key())[1]);
  EXPECT_THROW(batch.receipt(st[1], 3), std::out_of_range);
  // A statement given with another statement's index does not verify.
  EXPECT_NE(receipt::check_batch(batch.receipt(st[1], 2), key_hex()), "");
}

TEST(Receipt, CheckBatchNamesWhatIsWrong) {
  const auto receipts = receipt::sign_batch(statements(5), test_key());
  const json good = receipts[2];
  ASSERT_EQ(receipt::check_batch(good, key_hex()), "");
  auto fails = [&](const std::function<void(json&)>& edit, const std::string& words) {
    json r = good;
    edit(r);
    const std::string problem = receipt::check_batch(r, key_hex());
    EXPECT_NE(problem.find(words), std::string::npos) << "got: '" << problem << "' for " << r.dump();
  };
  fails([](json& r) { r["code"] = "00000-00000"; }, "not in its batch");
  fails([](json& r) { r["leaf"] = crypto::sha256_hex("another ballot"); }, "not in its batch");
  fails([](json& r) { r["election"] = "elsewhere"; }, "not in its batch");
  fails([](json& r) { r["batch"]["index"] = 3; }, "not in its batch");
  fails([](json& r) { r["batch"]["path"][0] = crypto::sha256_hex("x"); }, "not in its batch");
  fails([](json& r) { r["batch"]["path"].erase(0); }, "not in its batch");
  // The path alone cannot tell size 5 from 6 here; the signature covers the size.
  fails([](json& r) { r["batch"]["size"] = 6; }, "signature does not verify");
  fails([](json& r) { r["batch"]["index"] = 5; }, "below the batch size");
  fails([](json& r) { r["batch"]["index"] = -1; }, "whole numbers");
  fails([](json& r) { r["batch"]["size"] = "5"; }, "whole numbers");
  fails([](json& r) { r["batch"]["root"] = "ABC"; }, "64 lower-case hex");
  fails([](json& r) { r["batch"]["path"][0] = 7; }, "64 lower-case hex");
  fails([](json& r) { r["batch"]["path"] = "none"; }, "list of at most 64");
  fails([](json& r) { r["batch"]["extra"] = 1; }, "'extra' is not a field");
  fails([](json& r) { r.erase("batch"); }, "no batch object");
  fails([](json& r) { r["signature"] = std::string(128, '0'); }, "signature does not verify");
  fails([](json& r) { r.erase("signature"); }, "signature does not verify");
  {
    // A whole batch made and signed by another key.
    const auto other = crypto::SigningKey::generate();
    const auto forged = receipt::sign_batch(statements(5), other);
    EXPECT_NE(receipt::check_batch(forged[2], key_hex()).find("signature does not verify"), std::string::npos);
  }
  // The root of another (genuine) batch does not carry this statement.
  {
    const auto others = receipt::sign_batch({statement_no(10), statement_no(11), statement_no(12)}, test_key());
    json r = good;
    r["batch"] = others[2].at("batch");
    r["signature"] = others[2].at("signature");
    EXPECT_NE(receipt::check_batch(r, key_hex()).find("not in its batch"), std::string::npos);
  }
  EXPECT_EQ(receipt::check_batch(json::array(), key_hex()), "the receipt is not a JSON object");
}

}  // namespace
