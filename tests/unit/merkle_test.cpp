#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "allot/storage/merkle.hpp"

using namespace allot::merkle;
using allot::crypto::hash_from_hex;
using allot::crypto::to_hex;

namespace {

// The Certificate Transparency reference tree (RFC 6962 / RFC 9162 test data, as used
// by google/certificate-transparency and transparency-dev/merkle).
std::vector<std::string> ct_leaf_inputs() {
  return {std::string(),
          std::string("\x00", 1),
          "\x10",
          "\x20\x21",
          "\x30\x31",
          "\x40\x41\x42\x43",
          "\x50\x51\x52\x53\x54\x55\x56\x57",
          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
}

std::vector<Hash> ct_leaves() {
  std::vector<Hash> out;
  for (const auto& in : ct_leaf_inputs()) out.push_back(leaf_hash(in));
  return out;
}

// Published roots of the trees of sizes 1..8.
const char* const kCtRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> hashes(std::initializer_list<const char*> hex) {
  std::vector<Hash> out;
  for (const char* h : hex) out.push_back(hash_from_hex(h));
  return out;
}

struct InclusionVector {
  std::uint64_t index, size;
  std::vector<Hash> path;
};

std::vector<InclusionVector> ct_inclusion_vectors() {
  return {
      {0, 1, {}},
      {0, 8, hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8, hashes({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 3, hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5, hashes({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
  };
}

struct ConsistencyVector {
  std::uint64_t old_size, new_size;
  std::vector<Hash> proof;
};

std::vector<ConsistencyVector> ct_consistency_vectors() {
  return {
      {1, 1, {}},
      {1, 8, hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8, hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5, hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {6, 7, hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
}

// The shape of an inclusion path, straight from RFC 9162's PATH recursion: for each proof
// hash, bottom-up, whether it is the left sibling. The proof does not authenticate the tree
// size by itself (the signed checkpoint does), so a proof also verifies for another size
// exactly when the shapes are the same.
std::vector<bool> path_shape(std::uint64_t m, std::uint64_t n) {
  if (n <= 1) return {};
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  std::vector<bool> s = m < k ? path_shape(m, k) : path_shape(m - k, n - k);
  s.push_back(m >= k);
  return s;
}

// Likewise for consistency proofs, from RFC 9162's SUBPROOF recursion: 'T' when the old
// root itself starts the path (b true at m == n), 'S' for an old subtree root in the
// proof, then per proof hash 'L' (left sibling: in both trees) or 'R' (right: new only).
std::string consistency_shape(std::uint64_t m, std::uint64_t n, bool b = true) {
  if (m == n) return b ? "T" : "S";
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k ? consistency_shape(m, k, b) + "R" : consistency_shape(m - k, n - k, false) + "L";
}

Hash flip(Hash h, std::size_t byte = 0) {
  h[byte] ^= 0x01;
  return h;
}

}  // namespace

TEST(MerkleTest, HashesFollowRfc9162) {
  EXPECT_EQ(to_hex(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(leaf_hash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  // node = SHA-256(0x01 || left || right)
  Hash l = leaf_hash("a"), r = leaf_hash("b");
  std::string buf("\x01", 1);
  buf.append(reinterpret_cast<const char*>(l.data()), l.size());
  buf.append(reinterpret_cast<const char*>(r.data()), r.size());
  EXPECT_EQ(node_hash(l, r), allot::crypto::sha256(buf));
  EXPECT_NE(node_hash(l, r), node_hash(r, l));
}

TEST(MerkleTest, CtRootsForSizes1To8) {
  auto leaves = ct_leaves();
  EXPECT_EQ(root(leaves, 0), empty_root());
  Frontier f;
  EXPECT_EQ(f.root(), empty_root());
  for (std::uint64_t n = 1; n <= 8; ++n) {
    EXPECT_EQ(to_hex(root(leaves, n)), kCtRoots[n - 1]) << "size " << n;
    f.append(leaves[n - 1]);
    EXPECT_EQ(f.size(), n);
    EXPECT_EQ(to_hex(f.root()), kCtRoots[n - 1]) << "frontier size " << n;
  }
  EXPECT_EQ(root(leaves), root(leaves, 8));
  EXPECT_THROW(root(leaves, 9), std::out_of_range);
}

TEST(MerkleTest, CtInclusionVectors) {
  auto leaves = ct_leaves();
  for (const auto& v : ct_inclusion_vectors()) {
    SCOPED_TRACE("index " + std::to_string(v.index) + " size " + std::to_string(v.size));
    Hash rt = hash_from_hex(kCtRoots[v.size - 1]);
    EXPECT_EQ(inclusion_proof(leaves, v.index, v.size), v.path);
    EXPECT_TRUE(verify_inclusion(leaves[v.index], v.index, v.size, v.path, rt));
    // Corruptions (as in the CT suites): wrong index, size, leaf, root, extra/missing hashes.
    if (v.index > 0) {
      EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index - 1, v.size, v.path, rt));
    }
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index + 1, v.size, v.path, rt));
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index ^ 2, v.size, v.path, rt));
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size * 2, v.path, rt));
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size / 2, v.path, rt));
    EXPECT_FALSE(verify_inclusion(leaf_hash("WrongLeaf"), v.index, v.size, v.path, rt));
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size, v.path, empty_root()));
    auto longer = v.path;
    longer.push_back(rt);
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size, longer, rt));
    auto prefixed = v.path;
    prefixed.insert(prefixed.begin(), rt);
    EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size, prefixed, rt));
    if (!v.path.empty()) {
      auto shorter = v.path;
      shorter.pop_back();
      EXPECT_FALSE(verify_inclusion(leaves[v.index], v.index, v.size, shorter, rt));
    }
  }
}

TEST(MerkleTest, CtConsistencyVectors) {
  auto leaves = ct_leaves();
  for (const auto& v : ct_consistency_vectors()) {
    SCOPED_TRACE("sizes " + std::to_string(v.old_size) + " -> " + std::to_string(v.new_size));
    Hash r1 = hash_from_hex(kCtRoots[v.old_size - 1]);
    Hash r2 = hash_from_hex(kCtRoots[v.new_size - 1]);
    EXPECT_EQ(consistency_proof(leaves, v.old_size, v.new_size), v.proof);
    EXPECT_TRUE(verify_consistency(v.old_size, v.new_size, r1, r2, v.proof));
    if (v.proof.empty()) continue;
    EXPECT_FALSE(verify_consistency(v.old_size - 1, v.new_size, r1, r2, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size + 1, v.new_size, r1, r2, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size ^ 2, v.new_size, r1, r2, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size, v.new_size * 2, r1, r2, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size, v.new_size / 2, r1, r2, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size, v.new_size, r2, r1, v.proof));
    EXPECT_FALSE(verify_consistency(v.old_size, v.new_size, r1, r2, {}));
    for (const Hash& extra : {r1, r2, v.proof[0]}) {
      auto longer = v.proof;
      longer.push_back(extra);
      EXPECT_FALSE(verify_consistency(v.old_size, v.new_size, r1, r2, longer));
      auto prefixed = v.proof;
      prefixed.insert(prefixed.begin(), extra);
      EXPECT_FALSE(verify_consistency(v.old_size, v.new_size, r1, r2, prefixed));
    }
    auto shorter = v.proof;
    shorter.pop_back();
    EXPECT_FALSE(verify_consistency(v.old_size, v.new_size, r1, r2, shorter));
  }
}

TEST(MerkleTest, EdgeCases) {
  auto leaves = ct_leaves();
  EXPECT_THROW(inclusion_proof(leaves, 0, 0), std::out_of_range);
  EXPECT_THROW(inclusion_proof(leaves, 3, 3), std::out_of_range);
  EXPECT_THROW(inclusion_proof(leaves, 0, 9), std::out_of_range);
  EXPECT_THROW(consistency_proof(leaves, 3, 9), std::out_of_range);
  EXPECT_THROW(consistency_proof(leaves, 5, 4), std::out_of_range);
  EXPECT_TRUE(consistency_proof(leaves, 4, 4).empty());
  // Size 0 is trivially consistent with everything, given the empty root.
  EXPECT_TRUE(consistency_proof(leaves, 0, 5).empty());
  EXPECT_TRUE(verify_consistency(0, 5, empty_root(), root(leaves, 5), {}));
  EXPECT_TRUE(verify_consistency(0, 0, empty_root(), empty_root(), {}));
  EXPECT_FALSE(verify_consistency(0, 5, leaves[0], root(leaves, 5), {}));
  EXPECT_FALSE(verify_consistency(0, 5, empty_root(), root(leaves, 5), {empty_root()}));
  // Equal sizes need equal roots and an empty proof.
  EXPECT_TRUE(verify_consistency(3, 3, root(leaves, 3), root(leaves, 3), {}));
  EXPECT_FALSE(verify_consistency(3, 3, root(leaves, 3), root(leaves, 4), {}));
  EXPECT_FALSE(verify_consistency(3, 3, root(leaves, 3), root(leaves, 3), {leaves[0]}));
  EXPECT_FALSE(verify_consistency(4, 3, root(leaves, 4), root(leaves, 3), {}));
  // Inclusion: index out of range, empty tree.
  EXPECT_FALSE(verify_inclusion(leaves[0], 0, 0, {}, empty_root()));
  EXPECT_FALSE(verify_inclusion(leaves[0], 1, 1, {}, leaves[0]));
  EXPECT_TRUE(verify_inclusion(leaves[0], 0, 1, {}, leaves[0]));
  EXPECT_FALSE(verify_inclusion(leaves[0], 0, 1, {}, leaves[1]));
}

// Every proof of every tree up to 70 leaves verifies, and any single change breaks it.
TEST(MerkleTest, PropertyAllProofsUpTo70) {
  constexpr std::uint64_t kMax = 70;
  std::mt19937_64 rng(20261123);
  std::vector<Hash> leaves;
  for (std::uint64_t i = 0; i < kMax; ++i) leaves.push_back(leaf_hash(std::to_string(rng())));
  std::vector<Hash> roots(kMax + 1);
  Frontier f;
  roots[0] = root(leaves, 0);
  for (std::uint64_t n = 1; n <= kMax; ++n) {
    roots[n] = root(leaves, n);
    f.append(leaves[n - 1]);
    ASSERT_EQ(f.root(), roots[n]) << n;
  }
  auto pick = [&](std::size_t bound) { return static_cast<std::size_t>(rng() % bound); };

  for (std::uint64_t n = 1; n <= kMax; ++n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      auto proof = inclusion_proof(leaves, i, n);
      ASSERT_TRUE(verify_inclusion(leaves[i], i, n, proof, roots[n])) << i << "/" << n;
      EXPECT_FALSE(verify_inclusion(flip(leaves[i], pick(32)), i, n, proof, roots[n]));
      EXPECT_FALSE(verify_inclusion(leaves[i], i, n, proof, flip(roots[n], pick(32))));
      if (!proof.empty()) {
        auto bad = proof;
        std::size_t k = pick(bad.size());
        bad[k] = flip(bad[k], pick(32));
        EXPECT_FALSE(verify_inclusion(leaves[i], i, n, bad, roots[n])) << i << "/" << n;
      }
      for (std::uint64_t j = 0; j < n + 2; ++j) {
        if (j == i) continue;
        EXPECT_FALSE(verify_inclusion(leaves[i], j, n, proof, roots[n]))
            << i << "/" << n << " as index " << j;
      }
      for (std::uint64_t m = 0; m <= kMax + 1; ++m) {
        if (m == n) continue;
        bool same_shape = i < m && path_shape(i, m) == path_shape(i, n);
        EXPECT_EQ(verify_inclusion(leaves[i], i, m, proof, roots[n]), same_shape)
            << i << "/" << n << " as size " << m;
      }
    }
  }

  for (std::uint64_t n = 1; n <= kMax; ++n) {
    for (std::uint64_t m = 1; m <= n; ++m) {
      auto proof = consistency_proof(leaves, m, n);
      ASSERT_TRUE(verify_consistency(m, n, roots[m], roots[n], proof)) << m << "->" << n;
      EXPECT_EQ(proof.empty(), m == n);
      EXPECT_FALSE(verify_consistency(m, n, flip(roots[m], pick(32)), roots[n], proof));
      EXPECT_FALSE(verify_consistency(m, n, roots[m], flip(roots[n], pick(32)), proof));
      if (!proof.empty()) {
        auto bad = proof;
        std::size_t k = pick(bad.size());
        bad[k] = flip(bad[k], pick(32));
        EXPECT_FALSE(verify_consistency(m, n, roots[m], roots[n], bad)) << m << "->" << n;
      }
      // Changing a size breaks the proof unless the sizes give the same proof shape
      // (the proof binds roots, not sizes: a signed checkpoint binds a root to its size).
      auto same_shape = [&](std::uint64_t m2, std::uint64_t n2) {
        return m < n && 0 < m2 && m2 < n2 && consistency_shape(m2, n2) == consistency_shape(m, n);
      };
      for (std::uint64_t m2 = 0; m2 <= kMax; ++m2) {
        if (m2 == m) continue;
        EXPECT_EQ(verify_consistency(m2, n, roots[m], roots[n], proof), same_shape(m2, n))
            << m << "->" << n << " as old size " << m2;
      }
      for (std::uint64_t n2 = 0; n2 <= kMax + 1; ++n2) {
        if (n2 == n) continue;
        EXPECT_EQ(verify_consistency(m, n2, roots[m], roots[n], proof), same_shape(m, n2))
            << m << "->" << n << " as new size " << n2;
      }
    }
  }
}
