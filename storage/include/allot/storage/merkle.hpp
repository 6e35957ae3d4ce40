// RFC 9162 (Certificate Transparency 2.0) Merkle trees, section 2.1:
//   leaf hash  = SHA-256(0x00 || leaf bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
// with the RFC's split (largest power of two smaller than n), inclusion proofs
// (2.1.3) and consistency proofs (2.1.4), and the verification algorithms of
// 2.1.3.2 and 2.1.4.2.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "allot/storage/crypto.hpp"

namespace allot::merkle {

using crypto::Hash;

Hash leaf_hash(std::string_view leaf_bytes);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();

// Root of the tree over the first `size` leaf hashes (size <= leaves.size()).
Hash root(const std::vector<Hash>& leaves, std::uint64_t size);
inline Hash root(const std::vector<Hash>& leaves) { return root(leaves, leaves.size()); }

// Inclusion proof of leaf `index` in the tree of the first `size` leaves.
// Throws std::out_of_range when index >= size or size > leaves.size().
std::vector<Hash> inclusion_proof(const std::vector<Hash>& leaves, std::uint64_t index,
                                  std::uint64_t size);
bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      const std::vector<Hash>& proof, const Hash& root);

// Consistency proof from the tree of size `old_size` to that of `new_size`
// (0 < old_size <= new_size <= leaves.size(); empty when old_size == new_size).
std::vector<Hash> consistency_proof(const std::vector<Hash>& leaves, std::uint64_t old_size,
                                    std::uint64_t new_size);
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& proof);

// An append-only tree that keeps only its right frontier (the roots of its perfect
// subtrees, largest first): append and root in O(log n), for the writer's log heads.
class Frontier {
 public:
  void append(const Hash& leaf);
  std::uint64_t size() const { return size_; }
  Hash root() const;
 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> stack_;  // perfect subtree roots, left to right
};

}  // namespace allot::merkle
