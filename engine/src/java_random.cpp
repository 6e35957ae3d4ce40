// Java library behaviours for RCTab-compatible tie-breaks: see java_random.hpp.
#include "java_random.hpp"

#include <algorithm>
#include <cmath>

namespace allot::detail {

namespace {

constexpr std::uint64_t kMultiplier = 0x5DEECE66DULL;
constexpr std::uint64_t kAddend = 0xBULL;
constexpr std::uint64_t kMask = (std::uint64_t{1} << 48) - 1;

// Two's-complement reinterpretation without implementation-defined conversions.
std::int32_t as_int32(std::uint32_t u) {
  return u < 0x80000000u ? static_cast<std::int32_t>(u)
                         : static_cast<std::int32_t>(static_cast<std::int64_t>(u) - (std::int64_t{1} << 32));
}

}  // namespace

JavaRandom::JavaRandom(std::int64_t seed)
    : state_((static_cast<std::uint64_t>(seed) ^ kMultiplier) & kMask), initial_(seed) {}

std::int32_t JavaRandom::next(int bits) {
  state_ = (state_ * kMultiplier + kAddend) & kMask;
  // (int)(seed >>> (48 - bits)): keep the low 32 bits of the shifted value.
  return as_int32(static_cast<std::uint32_t>(state_ >> (48 - bits)));
}

std::int32_t JavaRandom::next_int() { return next(32); }

std::int32_t JavaRandom::next_int(std::int32_t bound) {
  std::int32_t r = next(31);
  const std::int32_t m = bound - 1;
  if ((bound & m) == 0) {
    // (int)((bound * (long)r) >> 31)
    return static_cast<std::int32_t>((static_cast<std::int64_t>(bound) * r) >> 31);
  }
  // for (int u = r; u - (r = u % bound) + m < 0; u = next(31));  (32-bit wrap-around)
  std::int32_t u = r;
  for (;;) {
    r = u % bound;
    const std::uint32_t sum = static_cast<std::uint32_t>(u) - static_cast<std::uint32_t>(r) +
                              static_cast<std::uint32_t>(m);
    if (as_int32(sum) >= 0) break;
    u = next(31);
  }
  return r;
}

double JavaRandom::next_double() {
  const std::int64_t hi = next(26);
  const std::int64_t lo = next(27);
  return static_cast<double>((hi << 27) + lo) * 0x1.0p-53;
}

std::u16string utf16_of(const std::string& s) {
  std::u16string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0xFFFD;
    std::size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else if ((c >> 5) == 0x6) {
      len = 2;
    } else if ((c >> 4) == 0xE) {
      len = 3;
    } else if ((c >> 3) == 0x1E) {
      len = 4;
    }
    if (len > 1) {
      if (i + len > s.size()) {
        len = 1;
      } else {
        cp = c & (0xFFu >> (len + 1));
        bool ok = true;
        for (std::size_t k = 1; k < len; ++k) {
          const auto cc = static_cast<unsigned char>(s[i + k]);
          if ((cc >> 6) != 0x2) ok = false;
          cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (!ok) {
          cp = 0xFFFD;
          len = 1;
        }
      }
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

std::int32_t java_string_hash(const std::string& utf8) {
  std::uint32_t h = 0;
  for (char16_t u : utf16_of(utf8)) h = 31u * h + static_cast<std::uint32_t>(u);
  return as_int32(h);
}

bool java_string_less(const std::string& a, const std::string& b) {
  const std::u16string x = utf16_of(a), y = utf16_of(b);
  return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end());
}

std::vector<std::size_t> java_hash_set_order(const std::vector<std::string>& names) {
  // HashMap.newHashMap(max(n, 12)): capacity = tableSizeFor(ceil(n / 0.75)).
  const std::size_t n = std::max<std::size_t>(names.size(), 12);
  const auto wanted = static_cast<std::size_t>(std::ceil(static_cast<double>(n) / 0.75));
  std::size_t cap = 1;
  while (cap < wanted) cap <<= 1;
  std::vector<std::vector<std::size_t>> buckets(cap);
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto h = static_cast<std::uint32_t>(java_string_hash(names[i]));
    buckets[(h ^ (h >> 16)) & (cap - 1)].push_back(i);
  }
  std::vector<std::size_t> order;
  order.reserve(names.size());
  for (const auto& b : buckets) order.insert(order.end(), b.begin(), b.end());
  return order;
}

}  // namespace allot::detail
