#include "allot/engine/numbers.hpp"

#include <cstdlib>

namespace allot {

namespace {

std::string group_thousands(const std::string& digits) {
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[i]);
    const std::size_t left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  return out;
}

// Round |q| * 10^digits half away from zero; returns sign separately.
mpz_class scaled_round(const Rational& q, int digits, bool& negative) {
  negative = sgn(q) < 0;
  mpz_class scale;
  mpz_ui_pow_ui(scale.get_mpz_t(), 10, static_cast<unsigned long>(digits));
  mpz_class num = abs(q.get_num()) * scale * 2 + q.get_den();
  mpz_class den = q.get_den() * 2;
  mpz_class r;
  mpz_fdiv_q(r.get_mpz_t(), num.get_mpz_t(), den.get_mpz_t());
  if (r == 0) negative = false;
  return r;
}

std::string format_scaled(const mpz_class& r, int digits, bool negative, bool grouping) {
  std::string s = r.get_str();
  if (static_cast<int>(s.size()) <= digits) s.insert(0, static_cast<std::size_t>(digits) + 1 - s.size(), '0');
  std::string ip = s.substr(0, s.size() - static_cast<std::size_t>(digits));
  std::string fp = s.substr(s.size() - static_cast<std::size_t>(digits));
  std::string out = negative ? "-" : "";
  out += grouping ? group_thousands(ip) : ip;
  if (digits > 0) out += "." + fp;
  return out;
}

}  // namespace

std::string exact_text(const Rational& q) {
  mpz_class den = q.get_den();
  int twos = 0, fives = 0;
  while (mpz_divisible_ui_p(den.get_mpz_t(), 2)) { den /= 2; ++twos; }
  while (mpz_divisible_ui_p(den.get_mpz_t(), 5)) { den /= 5; ++fives; }
  if (den != 1 || std::max(twos, fives) > 40) return q.get_str();
  const int digits = std::max(twos, fives);
  bool neg = false;
  mpz_class r = scaled_round(q, digits, neg);
  return format_scaled(r, digits, neg, false);
}

std::string decimal_text(const Rational& q, int digits) {
  bool neg = false;
  mpz_class r = scaled_round(q, digits, neg);
  return format_scaled(r, digits, neg, false);
}

std::string money_text(const Rational& minor, int decimals, int extra) {
  Rational major = minor / Rational(mpz_class(pow10_money(decimals)));
  bool neg = false;
  mpz_class r = scaled_round(major, decimals + extra, neg);
  return format_scaled(r, decimals + extra, neg, true);
}

std::string money_text(Money minor, int decimals) {
  return money_text(Rational(mpz_class(static_cast<long>(minor))), decimals, 0);
}

Money pow10_money(int n) {
  Money v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

std::string count_text(long long n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace allot
