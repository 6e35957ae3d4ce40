// Voters' receipts (docs/record-format.md, "Receipt").
//
// A receipt/2 document is a statement (the ballot's leaf, its receipt code, the
// election and manifest) plus proof that the election's key signed it. One Ed25519
// signature covers a whole batch of statements: they become the leaves of an RFC 9162
// Merkle tree, the key
// signs {"allot":"receipt-batch/1","root":..,"size":..} once, and each receipt
// carries the batch's root and size, its own index and its inclusion path. The
// store signs the receipts of one commit group together, so one signature serves
// the whole group instead of one per ballot (docs/PERFORMANCE.md).
//
// receipt/1 (one signature per receipt, issued by earlier versions) still verifies.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "allot/storage/crypto.hpp"

namespace allot::receipt {

// The signed part of a receipt/2: {"allot":"receipt/2","code","election","leaf","manifest"}.
nlohmann::json statement(const std::string& code, const std::string& election, const std::string& leaf_hex,
                         const std::string& manifest_hash);

// The document the key signs for a batch: {"allot":"receipt-batch/1","root":hex,"size":n}.
nlohmann::json batch_document(const std::string& root_hex, std::uint64_t size);

// A statement's leaf in its batch tree: SHA-256(0x00 || canonical bytes).
crypto::Hash statement_leaf(const nlohmann::json& statement);

// One batch tree over statement leaves, and the key's signature of its root and size.
// Making it costs the tree's hashes and one signature; the receipts are then made
// from it one by one, by whoever holds each statement.
class SignedBatch {
 public:
  // Throws std::invalid_argument for no leaves, and what signing throws.
  SignedBatch(std::vector<crypto::Hash> leaves, const crypto::SigningKey& key);
  std::size_t size() const { return levels_.front().size(); }
  // The receipt/2 of `statement`, whose leaf is leaf `index` of this batch: the
  // statement plus "batch" {"index","path","root","size"} and "signature".
  nlohmann::json receipt(nlohmann::json statement, std::size_t index) const;

 private:
  std::vector<std::vector<crypto::Hash>> levels_;  // the leaves first, the root last
  std::string root_hex_, signature_hex_;
};

// The receipt/2 documents of `statements`, in order, under one signature.
std::vector<nlohmann::json> sign_batch(const std::vector<nlohmann::json>& statements,
                                       const crypto::SigningKey& key);

// Empty when `receipt` is a receipt/2 whose statement is in its batch and whose batch
// the key `public_key_hex` signed; otherwise what is wrong, in a sentence.
std::string check_batch(const nlohmann::json& receipt, const std::string& public_key_hex);

}  // namespace allot::receipt
