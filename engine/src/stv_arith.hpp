// The three kinds of arithmetic Droop.py counts with, so that our STV variants
// (stv_variants.cpp) round exactly where the reference does. Private to the engine.
//
//  - fixed (DecimalArith, guard 0): a number is an integer count of 10^-p units.
//    Products and quotients are floored to p places unless a rule asks for
//    rounding up; comparisons are exact. Shown with `display` places (rounded half
//    up when display < p).
//  - guarded (DecimalArith, guard g > 0): p + g places are kept, but two numbers
//    closer than half a unit of the p-th place (10^g / 2 units) compare equal.
//    Rounding requests are ignored (always floor). Counts as "exact" for the rules
//    (no epsilon added to quotas, election needs more than the quota).
//  - rational (RationalArith): exact fractions; shown rounded half up to `display`
//    places (default 12).
//
// Every operation mirrors one of Droop.py's value classes (droop/values/*.py):
// `times` and `over` are its `*` and `/` operators, `mul`, `div` and `muldiv` its
// class methods with a rounding argument. Python's floor division is used
// throughout (GMP fdiv), so negative numbers behave as they do there. With
// `rust_display` a fixed number is printed as STV-rs prints it (sign, then the
// absolute value), which differs from Python only for negative numbers.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <string>

namespace allot::detail {

class DecimalArith {
 public:
  using V = mpz_class;

  DecimalArith(int precision, int guard, int display, bool rust_display = false)
      : precision_(precision), guard_(guard), rust_display_(rust_display) {
    scale_ = pow10(precision + guard);
    if (guard > 0) {
      // Guarded: display may exceed the precision (digits after '_' are guard digits).
      display_ = display < 0 ? precision : display;
      if (display_ > precision + guard) display_ = precision + guard;
      geps_ = pow10(guard) / 2;
      if (geps_ == 0) geps_ = 1;
    } else {
      display_ = (display < 0 || display > precision) ? precision : display;
      geps_ = 0;
    }
    drop_ = pow10(precision + guard - display_);
    half_drop_ = drop_ / 2;
    shown_ = pow10(display_);
  }

  bool guarded() const { return guard_ > 0; }
  // Droop.py's V.exact: quotas get no epsilon and election needs vote > quota.
  bool exact() const { return guard_ > 0; }
  int precision() const { return precision_; }
  int guard() const { return guard_; }
  int display() const { return display_; }

  V zero() const { return V(0); }
  V one() const { return scale_; }
  V epsilon() const { return V(1); }  // the smallest positive value
  V from_int(long n) const { return scale_ * V(n); }
  V from_mpz(const mpz_class& n) const { return scale_ * n; }
  // floor(q) in units, for ballot counts given as decimals.
  V from_rational(const mpq_class& q) const {
    V num = q.get_num() * scale_;
    V out;
    mpz_fdiv_q(out.get_mpz_t(), num.get_mpz_t(), q.get_den().get_mpz_t());
    return out;
  }

  // a * b (Droop's `*`): floored.
  V times(const V& a, const V& b) const { return floor_div(a * b, scale_); }
  // a / b (Droop's `/` and `//`): floored.
  V over(const V& a, const V& b) const { return floor_div(a * scale_, b); }
  // a / n for an integer n.
  V over_int(const V& a, long n) const { return floor_div(a, V(n)); }
  V times_int(const V& a, long n) const { return a * n; }
  // Droop's V.mul / V.div / V.muldiv with a rounding direction (ignored when guarded).
  V mul(const V& a, const V& b, bool up) const { return rounded(a * b, scale_, up); }
  V div(const V& a, const V& b, bool up) const { return rounded(a * scale_, b, up); }
  V muldiv(const V& a, const V& b, const V& c, bool up) const { return rounded(a * b, c, up); }

  // -1, 0, 1; guarded numbers within the guard compare equal.
  int cmp(const V& a, const V& b) const {
    if (guard_ > 0) {
      V d = a - b;
      if (abs(d) < geps_) return 0;
    }
    int c = ::cmp(a, b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  // Exact comparison (Droop's Guarded.min and truth tests look at the raw value).
  int cmp_exact(const V& a, const V& b) const {
    int c = ::cmp(a, b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  bool is_zero(const V& a) const { return a == 0; }

  std::string str(const V& a) const {
    if (rust_display_ && a < 0) return "-" + str(V(-a));
    V v = a;
    if (drop_ != 1) v = floor_div(v + half_drop_, drop_);
    V whole = floor_div(v, shown_);
    V frac = v - whole * shown_;
    std::string out = whole.get_str();
    if (guard_ > 0 && display_ > precision_) {
      const V split = pow10(display_ - precision_);
      V hi = floor_div(frac, split), lo = frac - floor_div(frac, split) * split;
      return out + "." + pad(hi, precision_) + "_" + pad(lo, display_ - precision_);
    }
    if (display_ == 0) return out + "." + frac.get_str();  // Python "%d.%00d"
    return out + "." + pad(frac, display_);
  }

  // Binary digits of a value's numerator and denominator (for guarding exact
  // counts that grow without bound; fixed-point values stay small).
  std::size_t size_bits(const V&) const { return 0; }

  mpq_class to_rational(const V& a) const {
    mpq_class q(a, scale_);
    q.canonicalize();
    return q;
  }

 private:
  static V pow10(int n) {
    V p;
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(n < 0 ? 0 : n));
    return p;
  }
  static V floor_div(const V& a, const V& b) {
    V q;
    mpz_fdiv_q(q.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
    return q;
  }
  V rounded(const V& num, const V& den, bool up) const {
    V q, r;
    mpz_fdiv_qr(q.get_mpz_t(), r.get_mpz_t(), num.get_mpz_t(), den.get_mpz_t());
    if (up && guard_ == 0 && r != 0) q += 1;
    return q;
  }
  static std::string pad(const V& v, int width) {
    std::string s = v.get_str();
    if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<std::size_t>(width) - s.size(), '0');
    return s;
  }

  int precision_;
  int guard_;
  int display_ = 0;
  bool rust_display_;
  V scale_, geps_, drop_, half_drop_, shown_;
};

class RationalArith {
 public:
  using V = mpq_class;

  explicit RationalArith(int display) : display_(display < 0 ? 12 : display) {
    mpz_ui_pow_ui(shown_.get_mpz_t(), 10, static_cast<unsigned long>(display_));
  }

  bool guarded() const { return false; }
  bool exact() const { return true; }
  int precision() const { return -1; }
  int guard() const { return 0; }
  int display() const { return display_; }

  V zero() const { return V(0); }
  V one() const { return V(1); }
  V epsilon() const { return V(0); }
  V from_int(long n) const { return V(mpz_class(n)); }
  V from_mpz(const mpz_class& n) const { return V(n); }
  V from_rational(const mpq_class& q) const { return q; }

  V times(const V& a, const V& b) const { return a * b; }
  V over(const V& a, const V& b) const { return a / b; }
  V over_int(const V& a, long n) const { return a / V(n); }
  V times_int(const V& a, long n) const { return a * V(n); }
  V mul(const V& a, const V& b, bool) const { return a * b; }
  V div(const V& a, const V& b, bool) const { return a / b; }
  V muldiv(const V& a, const V& b, const V& c, bool) const { return a * b / c; }

  int cmp(const V& a, const V& b) const {
    int c = ::cmp(a, b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  int cmp_exact(const V& a, const V& b) const { return cmp(a, b); }
  bool is_zero(const V& a) const { return sgn(a) == 0; }

  // Rounded half up to `display` places (Droop's Rational.__str__).
  std::string str(const V& a) const {
    mpz_class v;
    if (sgn(a) == 0 || a.get_den() == 1) {
      v = a.get_num() * shown_;
    } else {
      V r = a + V(mpz_class(1), shown_ * 2);
      mpz_class num = r.get_num() * shown_;
      mpz_fdiv_q(v.get_mpz_t(), num.get_mpz_t(), r.get_den().get_mpz_t());
    }
    mpz_class whole, frac;
    mpz_fdiv_qr(whole.get_mpz_t(), frac.get_mpz_t(), v.get_mpz_t(), shown_.get_mpz_t());
    std::string f = frac.get_str();
    if (static_cast<int>(f.size()) < display_) f.insert(0, static_cast<std::size_t>(display_) - f.size(), '0');
    if (display_ == 0) f = frac.get_str();
    return whole.get_str() + "." + f;
  }

  std::size_t size_bits(const V& a) const {
    return mpz_sizeinbase(a.get_num().get_mpz_t(), 2) + mpz_sizeinbase(a.get_den().get_mpz_t(), 2);
  }

  mpq_class to_rational(const V& a) const { return a; }

 private:
  int display_;
  mpz_class shown_;
};

}  // namespace allot::detail
