// Bit-exact copies of the few Java library behaviours RCTab's tie-breaks depend on
// (../shared/docs/rcv-rules.md section 6). Private to the engine.
//
//  - java.util.Random: the 48-bit linear congruential generator. The seed is
//    scrambled with 0x5DEECE66D; next(bits) steps seed = seed * 0x5DEECE66D + 0xB
//    (mod 2^48) and returns the top `bits` bits as a signed 32-bit int;
//    nextDouble() = ((next(26) << 27) + next(27)) * 2^-53; nextInt(bound) takes
//    next(31) and either scales it (bound a power of two) or reduces it modulo
//    bound, rejecting draws from the incomplete last block.
//  - Collections.shuffle(list, rnd): for i = n down to 2, swap element i-1 with
//    element rnd.nextInt(i).
//  - String.hashCode (over UTF-16 code units, 32-bit wrap-around) and String
//    compareTo order (UTF-16 code units, not UTF-8 bytes).
//  - The iteration order of `new HashSet<String>(list)` (Java 19 and later): a table
//    of tableSizeFor(ceil(max(n, 12) / 0.75)) buckets, bucket (h ^ (h >>> 16)) &
//    (capacity - 1), buckets in index order, insertion order within a bucket.
//
// Pure functions of their inputs: no global state.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace allot::detail {

class JavaRandom {
 public:
  explicit JavaRandom(std::int64_t seed);
  std::int32_t next(int bits);
  std::int32_t next_int();                    // next(32)
  std::int32_t next_int(std::int32_t bound);  // 0 <= r < bound; bound > 0
  double next_double();                       // [0, 1), multiples of 2^-53
  std::int64_t seed() const { return initial_; }

 private:
  std::uint64_t state_;
  std::int64_t initial_;
};

// Collections.shuffle(list, rnd), in place.
template <class T>
void java_shuffle(std::vector<T>& list, JavaRandom& rnd) {
  for (std::size_t i = list.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(rnd.next_int(static_cast<std::int32_t>(i)));
    std::swap(list[i - 1], list[j]);
  }
}

// UTF-8 text as UTF-16 code units (invalid bytes become U+FFFD).
std::u16string utf16_of(const std::string& utf8);

// Java's String.hashCode of the UTF-8 text.
std::int32_t java_string_hash(const std::string& utf8);

// Java's String.compareTo(a, b) < 0.
bool java_string_less(const std::string& a, const std::string& b);

// Positions of `names` in the iteration order of `new HashSet<>(names)` (names
// assumed distinct): result[k] = index into names of the k-th element iterated.
std::vector<std::size_t> java_hash_set_order(const std::vector<std::string>& names);

}  // namespace allot::detail
