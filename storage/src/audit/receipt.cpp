#include "allot/storage/receipt.hpp"

#include <stdexcept>
#include <utility>

#include "allot/storage/canonical.hpp"
#include "allot/storage/merkle.hpp"
#include "allot/storage/record.hpp"

namespace allot::receipt {

using nlohmann::json;

json statement(const std::string& code, const std::string& election, const std::string& leaf_hex,
               const std::string& manifest_hash) {
  return json{{"allot", "receipt/2"}, {"code", code}, {"election", election}, {"leaf", leaf_hex},
              {"manifest", manifest_hash}};
}

json batch_document(const std::string& root_hex, std::uint64_t size) {
  return json{{"allot", "receipt-batch/1"}, {"root", root_hex}, {"size", size}};
}

namespace {

using merkle::Hash;

// The tree's levels bottom-up: level 0 the leaves; on each level a node without a
// right sibling moves up unchanged. That is the RFC 9162 tree (its split at the
// largest power of two below n gives the same nodes), built in O(n) rather than
// one O(n) proof per leaf.
std::vector<std::vector<Hash>> levels_of(std::vector<Hash> leaves) {
  std::vector<std::vector<Hash>> levels;
  levels.push_back(std::move(leaves));
  while (levels.back().size() > 1) {
    const auto& below = levels.back();
    std::vector<Hash> up;
    up.reserve((below.size() + 1) / 2);
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) up.push_back(merkle::node_hash(below[i], below[i + 1]));
    if (below.size() % 2 == 1) up.push_back(below.back());
    levels.push_back(std::move(up));
  }
  return levels;
}

// The inclusion path of leaf `index`, nearest sibling first (RFC 9162 order).
json path_of(const std::vector<std::vector<Hash>>& levels, std::size_t index) {
  json path = json::array();
  for (std::size_t level = 0; level + 1 < levels.size(); ++level, index /= 2) {
    const std::size_t sibling = index ^ 1;
    if (sibling < levels[level].size()) path.push_back(crypto::to_hex(levels[level][sibling]));
  }
  return path;
}

}  // namespace

crypto::Hash statement_leaf(const json& statement) { return merkle::leaf_hash(canonical::dump(statement)); }

SignedBatch::SignedBatch(std::vector<Hash> leaves, const crypto::SigningKey& key) {
  if (leaves.empty()) throw std::invalid_argument("a receipt batch has at least one statement");
  const std::size_t n = leaves.size();
  levels_ = levels_of(std::move(leaves));
  root_hex_ = crypto::to_hex(levels_.back().front());
  signature_hex_ = crypto::to_hex(key.sign(canonical::signing_bytes(batch_document(root_hex_, n))));
}

json SignedBatch::receipt(json statement, std::size_t index) const {
  if (index >= size()) throw std::out_of_range("a receipt's index is outside its batch");
  statement["batch"] = json{{"index", index}, {"path", path_of(levels_, index)}, {"root", root_hex_}, {"size", size()}};
  statement["signature"] = signature_hex_;
  return statement;
}

std::vector<json> sign_batch(const std::vector<json>& statements, const crypto::SigningKey& key) {
  if (statements.empty()) return {};
  std::vector<Hash> leaves;
  leaves.reserve(statements.size());
  for (const auto& s : statements) leaves.push_back(statement_leaf(s));
  const SignedBatch batch(std::move(leaves), key);
  std::vector<json> out;
  out.reserve(statements.size());
  for (std::size_t i = 0; i < statements.size(); ++i) out.push_back(batch.receipt(statements[i], i));
  return out;
}

std::string check_batch(const json& receipt, const std::string& public_key_hex) {
  if (!receipt.is_object()) return "the receipt is not a JSON object";
  const auto batch = receipt.find("batch");
  if (batch == receipt.end() || !batch->is_object()) return "the receipt has no batch object";
  for (const auto& [k, v] : batch->items()) {
    (void)v;
    if (k != "index" && k != "path" && k != "root" && k != "size") return "batch: '" + k + "' is not a field of a batch";
  }
  const json index = batch->value("index", json()), size = batch->value("size", json()),
             root = batch->value("root", json()), path = batch->value("path", json());
  if (!canonical::is_count(index) || !canonical::is_count(size)) return "batch index and size must be whole numbers";
  if (index.get<std::uint64_t>() >= size.get<std::uint64_t>()) return "batch index must be below the batch size";
  if (!canonical::is_hex64(root)) return "batch root must be 64 lower-case hex digits";
  if (!path.is_array() || path.size() > 64) return "batch path must be a list of at most 64 hashes";
  std::vector<Hash> proof;
  for (const auto& h : path) {
    if (!canonical::is_hex64(h)) return "every hash of the batch path is 64 lower-case hex digits";
    proof.push_back(crypto::hash_from_hex(h.get<std::string>()));
  }
  json st = receipt;
  st.erase("batch");
  st.erase("signature");
  if (!merkle::verify_inclusion(merkle::leaf_hash(canonical::dump(st)), index.get<std::uint64_t>(),
                                size.get<std::uint64_t>(), proof, crypto::hash_from_hex(root.get<std::string>())))
    return "the receipt's statement is not in its batch: the path does not lead to the batch root";
  json signed_batch = batch_document(root.get<std::string>(), size.get<std::uint64_t>());
  signed_batch["signature"] = receipt.value("signature", json());
  if (!record::signature_ok(signed_batch, public_key_hex))
    return "the batch signature does not verify with the key " + public_key_hex;
  return "";
}

}  // namespace allot::receipt
