// Exact numbers for the rules: GMP rationals, and how to show them to people.
#pragma once

#include <gmpxx.h>

#include <string>

#include "allot/engine/model.hpp"

namespace allot {

using Rational = mpq_class;

// Exact decimal text of a rational when its denominator divides a power of ten
// (up to 40 digits), otherwise "p/q". Used in machine-readable output.
std::string exact_text(const Rational& q);

// A rational in minor units shown as money in major units, rounded half away from
// zero to the contest's decimals plus `extra` digits, with thousands separators:
// (9610/1 minor, 2 decimals) -> "96.10"; (123456789, 2) -> "1,234,567.89".
std::string money_text(const Rational& minor, int decimals, int extra = 0);
std::string money_text(Money minor, int decimals);

// Rounded decimal text of a rational with `digits` decimals, no grouping.
std::string decimal_text(const Rational& q, int digits);

// 10^n as a Money (n in 0..18).
Money pow10_money(int n);

// "1 voter" / "312 voters".
std::string count_text(long long n, const char* singular, const char* plural);

}  // namespace allot
