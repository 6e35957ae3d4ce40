// RFC 9162 section 2.1 Merkle trees.
#include "allot/storage/merkle.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

namespace allot::merkle {

namespace {

// Largest power of two strictly smaller than n (n >= 2): the RFC's split point k.
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

// MTH over leaves[begin, begin + n), n >= 1, in O(n) time and O(log n) space: leaves
// are merged like a binary counter into perfect subtrees, whose roots are then folded
// right to left — the same tree as the RFC's recursive split.
Hash subtree_root(const std::vector<Hash>& leaves, std::uint64_t begin, std::uint64_t n) {
  Frontier f;
  for (std::uint64_t i = 0; i < n; ++i) f.append(leaves[begin + i]);
  return f.root();
}

}  // namespace

Hash leaf_hash(std::string_view leaf_bytes) {
  std::string buf;
  buf.reserve(leaf_bytes.size() + 1);
  buf += '\x00';
  buf.append(leaf_bytes);
  return crypto::sha256(buf);
}

Hash node_hash(const Hash& left, const Hash& right) {
  char buf[1 + 2 * sizeof(Hash)];
  buf[0] = '\x01';
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  return crypto::sha256(std::string_view(buf, sizeof buf));
}

Hash empty_root() { return crypto::sha256(std::string_view()); }

Hash root(const std::vector<Hash>& leaves, std::uint64_t size) {
  if (size > leaves.size()) throw std::out_of_range("Merkle root: size exceeds the leaf count");
  if (size == 0) return empty_root();
  return subtree_root(leaves, 0, size);
}

std::vector<Hash> inclusion_proof(const std::vector<Hash>& leaves, std::uint64_t index,
                                  std::uint64_t size) {
  if (size > leaves.size()) throw std::out_of_range("inclusion proof: size exceeds the leaf count");
  if (index >= size) throw std::out_of_range("inclusion proof: index not below size");
  // PATH(m, D[begin:begin+n]) descends into the half holding m; the sibling subtree's
  // root is appended after the deeper path, so collect top-down and reverse.
  std::vector<Hash> proof;
  std::uint64_t begin = 0, n = size, m = index;
  while (n > 1) {
    std::uint64_t k = split_point(n);
    if (m < k) {
      proof.push_back(subtree_root(leaves, begin + k, n - k));
      n = k;
    } else {
      proof.push_back(subtree_root(leaves, begin, k));
      begin += k;
      m -= k;
      n -= k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

std::vector<Hash> consistency_proof(const std::vector<Hash>& leaves, std::uint64_t old_size,
                                    std::uint64_t new_size) {
  if (new_size > leaves.size())
    throw std::out_of_range("consistency proof: new size exceeds the leaf count");
  if (old_size > new_size) throw std::out_of_range("consistency proof: old size above new size");
  if (old_size == 0 || old_size == new_size) return {};  // trivially consistent
  // SUBPROOF(m, D[begin:begin+n], b), unrolled; siblings collected top-down, reversed.
  std::vector<Hash> proof;
  std::uint64_t begin = 0, n = new_size, m = old_size;
  bool whole = true;  // b: is the old tree's root this very subtree (no hash needed)?
  while (m != n) {
    std::uint64_t k = split_point(n);
    if (m <= k) {
      proof.push_back(subtree_root(leaves, begin + k, n - k));
      n = k;
    } else {
      proof.push_back(subtree_root(leaves, begin, k));
      begin += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (!whole) proof.push_back(subtree_root(leaves, begin, n));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                      const std::vector<Hash>& proof, const Hash& root) {
  // RFC 9162 2.1.3.2.
  if (index >= size) return false;
  std::uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = node_hash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                        const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size > new_size) return false;
  if (old_size == 0) return proof.empty() && old_root == empty_root();
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  // RFC 9162 2.1.4.2.
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = old_size - 1, sn = new_size - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

void Frontier::append(const Hash& leaf) {
  stack_.push_back(leaf);
  ++size_;
  // Each trailing zero bit of the new size closes one more perfect subtree.
  for (std::uint64_t s = size_; (s & 1) == 0; s >>= 1) {
    Hash right = stack_.back();
    stack_.pop_back();
    stack_.back() = node_hash(stack_.back(), right);
  }
}

Hash Frontier::root() const {
  if (stack_.empty()) return empty_root();
  Hash r = stack_.back();
  for (std::size_t i = stack_.size() - 1; i-- > 0;) r = node_hash(stack_[i], r);
  return r;
}

}  // namespace allot::merkle
