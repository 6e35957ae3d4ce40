#include "allot/engine/tiebreak.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace allot {

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

std::string tie_ticket(const std::string& seed, const std::string& option_id) {
  return sha256_hex(sha256_hex(sha256_hex(seed) + ":id:" + option_id) + "0");
}

TieOrder::TieOrder(const Contest& contest, const TieBreak& method) : method_(method) {
  const std::size_t n = contest.options.size();
  tickets_.assign(n, std::string());
  if (method.method == TieBreak::Method::Ticket)
    for (std::size_t i = 0; i < n; ++i) tickets_[i] = tie_ticket(method.seed, contest.options[i].id);
  order_.resize(n);
  std::iota(order_.begin(), order_.end(), 0);
  std::sort(order_.begin(), order_.end(), [&](int a, int b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (tickets_[ua] != tickets_[ub]) return tickets_[ua] < tickets_[ub];
    return contest.options[ua].id < contest.options[ub].id;
  });
  rank_.assign(n, 0);
  for (std::size_t r = 0; r < n; ++r) rank_[static_cast<std::size_t>(order_[r])] = static_cast<int>(r);
}

}  // namespace allot
