// Exact extended-real values: the currency of the oracle.
//
// Every value the oracle reasons about is an ExactValue: NaN, ±infinity, ±0, or a non-zero
// rational number stored as sign + magnitude num/den with arbitrary-precision integers. No
// hardware floating point is used anywhere on a result path; decimal text is parsed into exact
// rationals and printed back from them.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fpc {

using BigInt = boost::multiprecision::cpp_int;

// Thrown for malformed user input (value text, format specs, option values). The CLI turns it
// into one error line and exit status 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class ValueKind { Zero, Finite, Infinity, NaN };

// ±0, ±inf, NaN, or sign * num/den with num > 0, den > 0 (not necessarily reduced).
struct ExactValue {
  ValueKind kind = ValueKind::Zero;
  bool negative = false;
  BigInt num = 0;  // magnitude numerator (Finite only)
  BigInt den = 1;  // magnitude denominator (Finite only)

  static ExactValue zero(bool negative = false);
  static ExactValue infinity(bool negative = false);
  static ExactValue nan(bool negative = false);
  // sign * num / den; num == 0 gives a zero of that sign. den must be positive.
  static ExactValue rational(bool negative, BigInt num, BigInt den = 1);
  // sign * mag * 2^exp2
  static ExactValue dyadic(bool negative, const BigInt& mag, int64_t exp2);

  bool is_nan() const { return kind == ValueKind::NaN; }
  bool is_inf() const { return kind == ValueKind::Infinity; }
  bool is_zero() const { return kind == ValueKind::Zero; }
  bool is_finite_nonzero() const { return kind == ValueKind::Finite; }

  ExactValue negated() const;
  ExactValue abs() const;
};

// Numeric comparison of two non-NaN values (-0 == +0). Returns -1, 0 or 1.
int compare(const ExactValue& a, const ExactValue& b);
// Exact equality including the sign of zero (NaN equals NaN).
bool identical(const ExactValue& a, const ExactValue& b);

// floor(log2(num/den)) for positive num, den.
int64_t floor_log2(const BigInt& num, const BigInt& den);
// The index of the most significant set bit of a positive integer.
int64_t msb(const BigInt& x);

// Parses an exact value. Accepted (case-insensitive, optional leading sign):
//   decimal   123  -0  3.14  .5  1e-40  6.02E23
//   hex float 0x1.8p3  -0x.4p-2       (C99 style; the 'p' exponent is required)
//   fraction  1/3  -7/2               (integers only)
//   special   inf  infinity  nan
// Decimal exponents beyond ±40000 are replaced by ±40000 (binary ones beyond ±140000 by
// ±140000): every value of magnitude below 10^-40000 (above 10^40000) rounds identically into
// every format the oracle supports, user specs included, so the result is unchanged while the
// work stays bounded. Throws InputError on anything else.
ExactValue parse_value(std::string_view text);

// Exact decimal expansion of a dyadic value (reduced den a power of two), e.g. "3.140625", "-0",
// "inf", "nan". For a non-dyadic rational, prints num/den.
std::string to_exact_string(const ExactValue& v);
// printf("%.{digits}g")-style text rounded exactly (ties to even) from the exact value,
// e.g. "3.38953e+38", "0.0078125". digits >= 1.
std::string to_general_string(const ExactValue& v, int digits = 6);
// Fixed notation with exactly `decimals` digits after the point, rounded exactly (ties to
// even), e.g. 3.14 with 20 decimals -> "3.14000000000000012434".
std::string to_fixed_string(const ExactValue& v, int decimals);

}  // namespace fpc
