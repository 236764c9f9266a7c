#include "fpconform/round.hpp"

#include <array>
#include <optional>

namespace fpc {

namespace mp = boost::multiprecision;

std::string_view short_name(Rounding r) {
  switch (r) {
    case Rounding::NearestEven: return "rne";
    case Rounding::NearestAway: return "rna";
    case Rounding::TowardZero: return "rtz";
    case Rounding::TowardPositive: return "rup";
    case Rounding::TowardNegative: return "rdn";
    case Rounding::ToOdd: return "rod";
    case Rounding::Stochastic: return "sr";
  }
  return "?";
}

Rounding rounding_by_name(std::string_view name) {
  for (Rounding r : kAllRoundings)
    if (short_name(r) == name) return r;
  throw InputError("unknown rounding mode '" + std::string(name.substr(0, 40)) +
                   "' (expected rne, rna, rtz, rup, rdn, rod or sr)");
}

std::string flags_to_string(unsigned flags) {
  static const std::pair<unsigned, const char*> names[] = {{kInexact, "inexact"},
                                                           {kUnderflow, "underflow"},
                                                           {kOverflow, "overflow"},
                                                           {kInvalid, "invalid"},
                                                           {kDivideByZero, "divide_by_zero"}};
  std::string s;
  for (auto [bit, name] : names)
    if (flags & bit) s += (s.empty() ? "" : "|") + std::string(name);
  return s;
}

std::string_view to_string(CodeClass c) {
  switch (c) {
    case CodeClass::Zero: return "zero";
    case CodeClass::Subnormal: return "subnormal";
    case CodeClass::Normal: return "normal";
    case CodeClass::Infinity: return "inf";
    case CodeClass::NaN: return "nan";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Decoding

namespace {

Decoded decode_float(const Format& f, uint64_t code, bool daz) {
  const int m = f.man_bits, e = f.exp_bits;
  const uint64_t mant_mask = (uint64_t{1} << m) - 1, field_all_ones = (uint64_t{1} << e) - 1;
  const bool negative = f.has_sign && ((code >> (e + m)) & 1) != 0;
  const uint64_t field = (code >> m) & field_all_ones, mant = code & mant_mask;
  switch (f.nonfinite) {
    case NonFinite::Ieee:
      if (field == field_all_ones)
        return mant == 0 ? Decoded{CodeClass::Infinity, ExactValue::infinity(negative)}
                         : Decoded{CodeClass::NaN, ExactValue::nan(negative)};
      break;
    case NonFinite::FN:
      if (field == field_all_ones && mant == mant_mask) return {CodeClass::NaN, ExactValue::nan(negative)};
      break;
    case NonFinite::FNUZ:
      if (negative && field == 0 && mant == 0) return {CodeClass::NaN, ExactValue::nan(true)};
      break;
    case NonFinite::Finite: break;
  }
  if (field == 0 && f.has_zero) {
    if (mant == 0 || !f.has_subnormals || daz) return {CodeClass::Zero, ExactValue::zero(negative)};
    return {CodeClass::Subnormal, ExactValue::dyadic(negative, mant, f.emin() - m)};
  }
  BigInt significand = (BigInt(1) << m) + mant;
  return {CodeClass::Normal, ExactValue::dyadic(negative, significand, static_cast<int64_t>(field) - f.bias - m)};
}

}  // namespace

Decoded decode(const Format& f, uint64_t code, bool daz) {
  if ((code & ~f.code_mask()) != 0)
    throw InputError("code 0x" + BigInt(code).str(0, std::ios_base::hex) + " does not fit " + f.name + " (" +
                     std::to_string(f.bits()) + " bits)");
  switch (f.kind) {
    case FormatKind::Float: return decode_float(f, code, daz);
    case FormatKind::Integer: {
      bool negative = f.has_sign && ((code >> (f.int_bits - 1)) & 1) != 0;
      BigInt mag = negative ? (BigInt(1) << f.int_bits) - code : BigInt(code);
      ExactValue v = ExactValue::rational(negative, mag);
      return {v.is_zero() ? CodeClass::Zero : CodeClass::Normal, v};
    }
    case FormatKind::CodeTable: {
      const ExactValue& v = f.table.at(code);
      return {v.is_zero() ? CodeClass::Zero : CodeClass::Normal, v};
    }
  }
  throw std::logic_error("decode: unknown format kind");
}

// ---------------------------------------------------------------------------------------------
// The rounding decision, shared by every kind of format

namespace {

// Where the exact value lies between its neighbour nearer zero ("lower") and the one farther
// from zero ("upper"), as a fraction f of the gap measured from the lower one.
enum class Position { Exact, BelowHalf, Half, AboveHalf };

struct Bracket {
  Position position = Position::Exact;
  bool lower_odd = false;  // the lower neighbour's code is odd
  uint64_t sr_floor = 0;   // floor(f * 2^k), for stochastic rounding
};

// Position and floor(f * 2^k) of f = rem / den, 0 <= rem < den.
Bracket locate(const BigInt& rem, const BigInt& den, bool lower_odd, const RandomBits& rb) {
  Bracket b;
  b.lower_odd = lower_odd;
  if (rem == 0) return b;
  BigInt twice = rem * 2;
  b.position = twice < den ? Position::BelowHalf : (twice == den ? Position::Half : Position::AboveHalf);
  if (rb.k > 0) b.sr_floor = static_cast<uint64_t>(BigInt((rem << rb.k) / den));
  return b;
}

// true: the value takes its neighbour farther from zero. `negative` is the value's sign.
bool round_away(Rounding mode, bool negative, const Bracket& b, const RandomBits& rb) {
  if (b.position == Position::Exact) return false;
  switch (mode) {
    case Rounding::NearestEven:
      return b.position == Position::AboveHalf || (b.position == Position::Half && b.lower_odd);
    case Rounding::NearestAway: return b.position != Position::BelowHalf;
    case Rounding::TowardZero: return false;
    case Rounding::TowardPositive: return !negative;
    case Rounding::TowardNegative: return negative;
    case Rounding::ToOdd: return !b.lower_odd;  // neighbouring codes alternate in parity
    case Rounding::Stochastic:
      // floor(f * 2^k) + r >= 2^k, without overflow for k = 64
      if (rb.k == 64) return rb.r != 0 && b.sr_floor >= uint64_t{0} - rb.r;
      return b.sr_floor >= (uint64_t{1} << rb.k) - rb.r;
  }
  return false;
}

void check_random_bits(Rounding mode, const RandomBits& rb) {
  if (mode != Rounding::Stochastic) return;
  if (rb.k < 0 || rb.k > 64) throw InputError("stochastic rounding takes 0..64 random bits");
  if (rb.k < 64 && (rb.r >> rb.k) != 0)
    throw InputError("stochastic random value " + std::to_string(rb.r) + " does not fit in " + std::to_string(rb.k) +
                     " bits");
}

// NaN into a format: its canonical NaN, or the policy for formats without one.
RoundResult nan_result(const Format& f, const Policy& p, unsigned flags) {
  if (f.has_nan()) return {f.nan_code(), flags, false};
  RoundResult r{0, flags | kInvalid, false};
  switch (p.nan_into_no_nan) {
    case NanIntoNoNan::Unpinned:
      r.implementation_defined = true;
      r.code = f.kind == FormatKind::Integer ? f.zero_code(false) : f.max_finite_code();
      break;
    case NanIntoNoNan::PositiveMax: r.code = f.max_finite_code(); break;
    case NanIntoNoNan::PositiveZero: r.code = f.zero_code(false); break;
    case NanIntoNoNan::NegativeZero: r.code = f.zero_code(true); break;
  }
  return r;
}

uint64_t extreme_code(const Format& f, bool negative) {
  return negative ? f.lowest_finite_code() : f.max_finite_code();
}

// ±inf into a format.
RoundResult infinity_result(const Format& f, bool negative, const Policy& p) {
  if (f.kind == FormatKind::Float && !f.has_sign && negative) return nan_result(f, p, kInvalid);
  if (f.has_inf() && !p.saturate) return {f.inf_code(negative), 0, false};
  if (f.has_inf()) {  // saturating IEEE-style format: a policy, as libraries differ
    if (p.inf_under_saturation == InfUnderSaturation::NaN) return {f.inf_code(negative), 0, false};  // unsaturated
    return {extreme_code(f, negative), kInvalid, false};
  }
  if (f.has_nan() && !(p.saturate && p.inf_under_saturation == InfUnderSaturation::Max))
    return nan_result(f, p, kInvalid);
  return {extreme_code(f, negative), kInvalid, false};
}

// ----- binary floats --------------------------------------------------------------------------

uint64_t sign_bit(const Format& f, bool negative) {
  return negative && f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0;
}

// Code of the positive value M * 2^q (M > 0) that the format represents exactly.
uint64_t encode_magnitude(const Format& f, const BigInt& M, int64_t q) {
  const int m = f.man_bits;
  const int64_t e = msb(M) + q;
  if (e < f.emin()) {  // subnormal: mantissa counts units of 2^(emin - m)
    int64_t shift = q - (f.emin() - m);
    return static_cast<uint64_t>(BigInt(M << static_cast<unsigned>(shift)));
  }
  int64_t s = q - (e - m);
  BigInt sig = s >= 0 ? BigInt(M << static_cast<unsigned>(s)) : BigInt(M >> static_cast<unsigned>(-s));
  uint64_t mant = static_cast<uint64_t>(sig) - (uint64_t{1} << m);
  uint64_t field = static_cast<uint64_t>(e + f.bias);
  return (field << m) | mant;
}

// Whether the value M * 2^q (M >= 0) counts as odd for ties and rod, without encoding it.
bool magnitude_code_odd(const Format& f, const BigInt& M) {
  if (M == 0) return false;
  if (f.man_bits > 0) return (M & 1) != 0;  // the code's lsb is the mantissa's
  // No mantissa bits (E8M0): every nonzero value has significand 1, which is odd, so ties go to
  // the larger power of two, as LLVM APFloat and ml_dtypes round them.
  return true;
}

struct Scaled {  // |x| = (I + rem/den) * 2^q
  BigInt I, rem, den;
};

Scaled scale_to_quantum(const ExactValue& x, int64_t q) {
  Scaled s;
  if (q >= 0) {
    s.den = x.den << static_cast<unsigned>(q);
    s.I = x.num / s.den;
    s.rem = x.num % s.den;
  } else {
    BigInt n = x.num << static_cast<unsigned>(-q);
    s.den = x.den;
    s.I = n / s.den;
    s.rem = n % s.den;
  }
  return s;
}

// Magnitude M * 2^q after rounding x at quantum q.
BigInt round_at_quantum(const Format& f, const ExactValue& x, int64_t q, Rounding mode, const RandomBits& rb,
                        bool& inexact, bool* tie = nullptr) {
  Scaled s = scale_to_quantum(x, q);
  Bracket b = locate(s.rem, s.den, magnitude_code_odd(f, s.I), rb);
  inexact = s.rem != 0;
  if (tie) *tie = b.position == Position::Half;
  if (round_away(mode, x.negative, b, rb)) ++s.I;
  return s.I;
}

RoundResult round_float(const ExactValue& x, const Format& f, Rounding mode, const Policy& p, const RandomBits& rb) {
  const int m = f.man_bits;
  const bool negative = x.negative;
  if (x.is_zero()) {
    if (!f.has_zero) return {f.min_positive_code(), kInexact | kUnderflow, true};
    return {f.zero_code(negative), 0, false};
  }
  const int64_t e = floor_log2(x.num, x.den);
  if (!f.has_zero && e < f.emin()) {  // below the smallest value of a format with no zero
    if (negative && !f.has_sign) return nan_result(f, p, kInvalid);
    return {f.min_positive_code(), kInexact | kUnderflow, false};
  }
  const int64_t q = e >= f.emin() ? e - m : (f.has_subnormals ? f.emin() - m : f.emin());
  bool inexact = false, tie = false;
  BigInt M = round_at_quantum(f, x, q, mode, rb, inexact, &tie);
  unsigned flags = inexact ? unsigned{kInexact} : 0u;
  auto result = [tie](uint64_t code, unsigned fl) { return RoundResult{code, fl, false, tie}; };

  if (negative && !f.has_sign) {  // unsigned format: only values rounding to zero survive
    if (M == 0 && f.has_zero) return result(f.zero_code(false), flags | kUnderflow);
    return nan_result(f, p, kInvalid);
  }

  const int64_t qmax = f.emax() - m;
  const BigInt Mmax = (BigInt(1) << m) + f.top_finite_mantissa();
  if (q > qmax || (q == qmax && M > Mmax)) {
    flags |= kOverflow | kInexact;
    // IEEE 754-2019 7.4. Stochastic rounding reaches here only when the neighbour its bits chose
    // lies beyond max; it then overflows as the nearest modes do (which keeps it monotone for
    // fixed bits: a choice of max itself is not an overflow).
    bool to_infinity = mode == Rounding::NearestEven || mode == Rounding::NearestAway ||
                       mode == Rounding::Stochastic || (mode == Rounding::TowardPositive && !negative) ||
                       (mode == Rounding::TowardNegative && negative);
    if (p.saturate || !to_infinity || f.nonfinite == NonFinite::Finite)
      return result(sign_bit(f, negative) | f.max_finite_code(), flags);
    if (f.has_inf()) return result(f.inf_code(negative), flags);
    return nan_result(f, p, flags);
  }

  // Tiny after rounding: the result, rounded with an unbounded exponent range, is below 2^emin.
  bool tiny = e < f.emin();
  if (tiny && e == f.emin() - 1) {
    bool ignored = false;
    BigInt unbounded = round_at_quantum(f, x, e - m, mode, rb, ignored);
    tiny = unbounded < (BigInt(1) << (m + 1));
  }
  if (tiny && inexact) flags |= kUnderflow;

  if (M == 0) return result(f.zero_code(negative), flags);
  const bool subnormal_result = msb(M) + q < f.emin();
  if (subnormal_result && p.ftz) return result(f.zero_code(negative), kInexact | kUnderflow);
  return result(sign_bit(f, negative) | encode_magnitude(f, M, q), flags);
}

// ----- integers -------------------------------------------------------------------------------

RoundResult round_integer(const ExactValue& x, const Format& f, Rounding mode, const RandomBits& rb) {
  if (x.is_zero()) return {0, 0, false};
  Scaled s = scale_to_quantum(x, 0);
  Bracket b = locate(s.rem, s.den, (s.I & 1) != 0, rb);
  BigInt M = s.I;
  if (round_away(mode, x.negative, b, rb)) ++M;
  unsigned flags = s.rem != 0 ? unsigned{kInexact} : 0u;
  const bool tie = b.position == Position::Half;
  const BigInt limit = x.negative ? (f.has_sign ? BigInt(1) << (f.int_bits - 1) : BigInt(0))
                                  : BigInt(f.max_finite_code());
  if (M > limit) return {extreme_code(f, x.negative), kInvalid, false, tie};
  if (!x.negative || M == 0) return {static_cast<uint64_t>(M), flags, false, tie};
  return {static_cast<uint64_t>(BigInt((BigInt(1) << f.int_bits) - M)), flags, false, tie};
}

// ----- code tables ----------------------------------------------------------------------------

RoundResult round_code_table(const ExactValue& x, const Format& f, Rounding mode, const RandomBits& rb) {
  std::optional<size_t> lo, hi;  // greatest value below x, least value above x
  for (size_t c = 0; c < f.table.size(); ++c) {
    int cmp = compare(f.table[c], x);
    if (cmp == 0) return {f.table[c].is_zero() ? f.zero_code(x.negative) : c, 0, false};
    if (cmp < 0 && (!lo || compare(f.table[c], f.table[*lo]) > 0)) lo = c;
    if (cmp > 0 && (!hi || compare(f.table[c], f.table[*hi]) < 0)) hi = c;
  }
  if (!lo || !hi) return {lo ? *lo : *hi, kOverflow | kInexact, false};  // beyond the table: saturate
  auto magnitude_cmp = [](const ExactValue& a, const ExactValue& b) { return compare(a.abs(), b.abs()); };
  // "lower" is the neighbour nearer zero; the value's direction is toward the other one.
  size_t lower = magnitude_cmp(f.table[*lo], f.table[*hi]) <= 0 ? *lo : *hi;
  size_t upper = lower == *lo ? *hi : *lo;
  const ExactValue &a = f.table[lower], &z = f.table[upper];
  // f = |x - a| / |z - a| as rem/den over a common denominator.
  auto signed_num = [](const ExactValue& v, const BigInt& scale) {
    BigInt n = v.is_zero() ? BigInt(0) : BigInt(v.num * scale);
    return v.negative ? BigInt(-n) : n;
  };
  const BigInt den_x = x.is_zero() ? BigInt(1) : x.den, den_a = a.is_zero() ? BigInt(1) : a.den,
               den_z = z.is_zero() ? BigInt(1) : z.den;
  BigInt common = den_x * den_a * den_z;
  BigInt xs = signed_num(x, den_a * den_z), as = signed_num(a, den_x * den_z), zs = signed_num(z, den_x * den_a);
  BigInt rem = mp::abs(BigInt(xs - as)), gap = mp::abs(BigInt(zs - as));
  Bracket b = locate(rem, gap, (lower & 1) != 0, rb);
  bool toward_negative = upper == *lo;
  size_t chosen = round_away(mode, toward_negative, b, rb) ? upper : lower;
  uint64_t code = f.table[chosen].is_zero() ? f.zero_code(x.negative) : chosen;
  return {code, kInexact, false, b.position == Position::Half};
}

}  // namespace

RoundResult round_to_format(const ExactValue& x, const Format& f, Rounding mode, const Policy& policy,
                            RandomBits random) {
  check_random_bits(mode, random);
  if (mode != Rounding::Stochastic) random = {};
  if (x.is_nan()) return nan_result(f, policy, 0);
  if (x.is_inf()) return infinity_result(f, x.negative, policy);
  switch (f.kind) {
    case FormatKind::Float: return round_float(x, f, mode, policy, random);
    case FormatKind::Integer: return round_integer(x, f, mode, random);
    case FormatKind::CodeTable: return round_code_table(x, f, mode, random);
  }
  throw std::logic_error("round_to_format: unknown format kind");
}

RoundResult convert(uint64_t code, const Format& from, const Format& to, Rounding mode, const Policy& policy,
                    RandomBits random) {
  return round_to_format(decode(from, code, policy.daz).value, to, mode, policy, random);
}

}  // namespace fpc
