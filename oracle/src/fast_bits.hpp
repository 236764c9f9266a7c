// Bit-level rounding and exact integer arithmetic on binary float codes: the engine behind the
// fast references (fast_reference.cpp). Internal to the oracle library.
//
// Everything here is uint64 / unsigned __int128 arithmetic; no hardware floating point. Each
// routine mirrors one piece of the exact oracle (round.cpp's round_float, arith.cpp's exact ops)
// decision for decision, and tests/test_fast_reference.cpp proves the whole path equal to the
// oracle (exhaustively where the domain allows, by dense boundary sampling elsewhere).
//
// The special results that do not depend on a value's digits (NaN into the format, ±inf, ±0,
// overflow per sign) are not re-derived here: OutSpec takes them from the oracle itself
// (round_to_format on NaN, ±inf, ±0 and ±2^(emax+2)), so policy questions (saturation, inf under
// saturation, NaN into a NaN-less format, fnuz zeros, E8M0's missing zero) have exactly one
// implementation.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <array>
#include <bit>
#include <cstdint>

namespace fpc::fast {

__extension__ typedef unsigned __int128 u128;

inline int msb64(uint64_t x) { return 63 - std::countl_zero(x); }  // x != 0
inline int msb128(u128 x) {
  const auto hi = static_cast<uint64_t>(x >> 64);
  return hi != 0 ? 64 + msb64(hi) : msb64(static_cast<uint64_t>(x));
}

// A binary float format (FormatKind::Float, at most 64 bits), unpacked for integer code.
struct Geom {
  int m = 0, bias = 0, emin = 0, emax = 0, qmax = 0;
  bool has_sign = true, has_zero = true, has_subnormals = true;
  NonFinite nf = NonFinite::Ieee;
  uint64_t mant_mask = 0, field_ones = 0, code_mask = 0, sign_bit = 0;  // sign_bit 0 when unsigned
  uint64_t Mmax = 0;             // largest finite significand (2^m + top finite mantissa)
  uint64_t min_normal_code = 0;  // code of 2^emin
  uint64_t min_pos_code = 0;     // smallest positive code
  int q_below_emin = 0;          // the rounding quantum's exponent below 2^emin
  // No mantissa bits: whether the code of 2^k counts as odd, by the parity of k's field (asked
  // of the oracle, see m0_parity).
  std::array<bool, 2> odd_without_mantissa{false, false};
  // IEEE-style with zero and subnormals: the fast lanes apply (specials have field all ones).
  bool ieee_lanes = false;
  // ieee_lanes and every finite value is an integer multiple of 2^(emin - m) below 2^61, so the
  // sum of two fits an int64 (float16 and narrower: 2^40).
  bool fixed_ok = false;

  explicit Geom(const Format& f);
  Geom() = default;
};

// Rounding into one format under one deterministic mode and policy.
struct OutSpec {
  Geom g;
  Rounding mode = Rounding::NearestEven;
  bool ftz = false;
  uint64_t nan_res = 0;     // NaN into the format (policy applied)
  uint64_t inf_res[2]{};    // +inf, -inf into the format
  uint64_t zero_res[2]{};   // an exact +0, -0 into the format (E8M0: its smallest code)
  uint64_t ovf_res[2]{};    // a finite value beyond the range, per sign

  OutSpec(const Format& f, Rounding mode, const Policy& p);
  OutSpec() = default;
};

enum class Cls : uint8_t { Zero, Finite, Inf, NaN };

// A decoded operand: Finite values are (-1)^neg * sig * 2^exp with sig != 0.
struct Val {
  Cls cls = Cls::Zero;
  bool neg = false;
  uint64_t sig = 0;
  int exp = 0;
};

// decode() of round.cpp, in integers. The code must already be masked to the format's width.
inline Val decode(const Geom& f, uint64_t code, bool daz) {
  Val v;
  const uint64_t field = (code >> f.m) & f.field_ones, mant = code & f.mant_mask;
  v.neg = (code & f.sign_bit) != 0;
  switch (f.nf) {
    case NonFinite::Ieee:
      if (field == f.field_ones) {
        v.cls = mant == 0 ? Cls::Inf : Cls::NaN;
        return v;
      }
      break;
    case NonFinite::FN:
      if (field == f.field_ones && mant == f.mant_mask) {
        v.cls = Cls::NaN;
        return v;
      }
      break;
    case NonFinite::FNUZ:
      if (v.neg && field == 0 && mant == 0) {
        v.cls = Cls::NaN;
        return v;
      }
      break;
    case NonFinite::Finite: break;
  }
  if (field == 0 && f.has_zero) {
    if (mant == 0 || !f.has_subnormals || daz) return v;  // Cls::Zero
    v.cls = Cls::Finite;
    v.sig = mant;
    v.exp = f.emin - f.m;
    return v;
  }
  v.cls = Cls::Finite;
  v.sig = (uint64_t{1} << f.m) | mant;
  v.exp = static_cast<int>(field) - f.bias - f.m;
  return v;
}

// round_float() of round.cpp for a finite non-zero value, in integers; R is the (deterministic)
// rounding mode.
//
// The value is |x| = sig * 2^exp exactly when !sticky; when sticky, |x| lies strictly between
// sig * 2^exp and (sig + 1) * 2^exp, and sig must have msb(sig) >= m + 1 (m: the output's
// mantissa bits). Why that is enough: e = floor(log2 sig) + exp is then floor(log2|x|) for every
// point of the interval, so every quantity the oracle derives from e (q, the overflow and E8M0
// checks) is the same for all of them; the decision grid of the format near |x| (its codes and
// the midpoints between them) consists of multiples of 2^(q-1), and q - 1 >= e - m - 1 >= exp,
// so no grid point lies strictly inside the interval and all its points round alike: the kept
// integer M is the same, and the position against the half-way point is decided by the dropped
// bits of sig plus "something more" (sticky): dropped bits below half stay below half (both are
// multiples of the unit 2^exp), exactly half becomes above half, zero becomes below half. The
// oracle's tininess test (which looks one bit further, at the unbounded-exponent quantum) only
// sets a flag, never changes the code.
template <Rounding R>
[[gnu::always_inline]] inline uint64_t round_finite(const OutSpec& o, bool neg, uint64_t sig, int exp, bool sticky) {
  const Geom& g = o.g;
  const int lz = std::countl_zero(sig);
  sig <<= lz;
  exp -= lz;
  const int e = exp + 63;  // floor(log2 |x|)
  if (e < g.emin && !g.has_zero) [[unlikely]]
    return neg && !g.has_sign ? o.nan_res : g.min_pos_code;
  const int q = e >= g.emin ? e - g.m : g.q_below_emin;
  const int shift = q - exp;  // bits of sig below the quantum 2^q: >= 63 - m >= 1
  uint64_t M = 0, frac = 0;   // kept integer; dropped bits left-aligned (bit 63 = round bit)
  if (shift < 64) [[likely]] {
    M = sig >> shift;
    frac = sig << (64 - shift);
  } else {
    frac = shift == 64 ? sig : 1;  // shift > 64: below half a quantum, inexact
  }
  // The decision is data-dependent: bitwise operators keep it free of branches.
  constexpr uint64_t kHalf = uint64_t{1} << 63;
  const bool inexact = (frac != 0) | sticky;
  bool odd = (M & 1) != 0;
  if (g.m == 0) [[unlikely]]
    odd = M != 0 && g.odd_without_mantissa[static_cast<unsigned>(q + g.bias) & 1];  // M == 1: 2^q
  bool away = false;
  if constexpr (R == Rounding::NearestEven) away = (frac > kHalf) | ((frac == kHalf) & (sticky | odd));
  else if constexpr (R == Rounding::NearestAway) away = frac >= kHalf;
  else if constexpr (R == Rounding::TowardPositive) away = inexact & !neg;
  else if constexpr (R == Rounding::TowardNegative) away = inexact & neg;
  else if constexpr (R == Rounding::ToOdd) away = inexact & !odd;
  M += static_cast<uint64_t>(away);  // TowardZero never goes away
  if (!g.has_sign && neg) [[unlikely]]
    return M == 0 && g.has_zero ? 0 : o.nan_res;
  if (q > g.qmax || (q == g.qmax && M > g.Mmax)) [[unlikely]]
    return o.ovf_res[neg];
  if (M == 0) [[unlikely]]
    return o.zero_res[neg];
  if (o.ftz && q == g.emin - g.m && M < (uint64_t{1} << g.m)) [[unlikely]]
    return o.zero_res[neg];
  uint64_t code;
  if (e < g.emin && !g.has_subnormals) [[unlikely]]
    code = g.min_normal_code;  // M == 1 at quantum 2^emin
  else
    code = (static_cast<uint64_t>(q + g.m + g.bias - 1) << g.m) + M;  // a carry moves into the field
  return code | (g.sign_bit & (uint64_t{0} - static_cast<uint64_t>(neg)));
}

template <Rounding R>
inline uint64_t round_val(const OutSpec& o, const Val& v) {
  switch (v.cls) {
    case Cls::Zero: return o.zero_res[v.neg];
    case Cls::Inf: return o.inf_res[v.neg];
    case Cls::NaN: return o.nan_res;
    case Cls::Finite: break;
  }
  return round_finite<R>(o, v.neg, v.sig, v.exp, false);
}

// A 128-bit magnitude S * 2^exp (plus "something more" when sticky, which requires
// msb(S) >= 124, see add_finite) narrowed to 64 bits: the dropped bits join the sticky bit and
// the kept part has bit 63 set, so msb >= 63 >= m + 1 as round_finite requires.
template <Rounding R>
inline uint64_t round_wide(const OutSpec& o, bool neg, u128 S, int exp, bool sticky) {
  const int top = msb128(S);
  if (top <= 63) return round_finite<R>(o, neg, static_cast<uint64_t>(S), exp, sticky);
  const int sh = top - 63;
  sticky = sticky || (S & ((u128{1} << sh) - 1)) != 0;
  return round_finite<R>(o, neg, static_cast<uint64_t>(S >> sh), exp + sh, sticky);
}

// Exact sum of two finite non-zero values (sig < 2^106 each: a significand, or an exact product
// of two 53-bit significands for fma), rounded once.
//
// The operand with the larger leading exponent la is placed with its msb at bit 125 of a u128
// (quantum E0 = la - 125; the shift 125 - msb(as) >= 20 loses nothing); the other is shifted
// onto the same quantum. Nothing is lost unless the smaller operand reaches below 2^E0; then its
// lead exponent lb satisfies lb < E0 + 106 = la - 19, its magnitude is below 2^(la-18), and the
// exact sum lies strictly between two consecutive multiples of 2^E0: we keep the lower one and
// set sticky (for a difference: the truncated difference minus one). Its magnitude exceeds
// 2^la - 2^(la-18) >= 2^(la-1), so the kept integer has its msb at bit >= 124, which round_wide
// needs. A sum below 2^127 never overflows the u128.
template <Rounding R>
inline uint64_t add_finite(const OutSpec& o, bool an, u128 as, int ae, bool bn, u128 bs, int be) {
  int la = ae + msb128(as), lb = be + msb128(bs);
  if (la < lb) {
    std::swap(an, bn);
    std::swap(as, bs);
    std::swap(ae, be);
    std::swap(la, lb);
  }
  const int E0 = la - 125;
  const u128 A = as << (ae - E0);
  u128 B = 0;
  bool sticky = false;
  const int sh = be - E0;
  if (sh >= 0) {
    B = bs << sh;  // exact: msb(B) = lb - E0 <= 125
  } else if (sh > -128) {
    B = bs >> -sh;
    sticky = (bs & ((u128{1} << -sh) - 1)) != 0;
  } else {
    sticky = true;
  }
  if (an == bn) return round_wide<R>(o, an, A + B, E0, sticky);
  if (A > B || (A == B && sticky)) return round_wide<R>(o, an, A - B - (sticky ? 1 : 0), E0, sticky);
  if (A == B) return o.zero_res[R == Rounding::TowardNegative];  // exact cancellation: IEEE 6.3
  return round_wide<R>(o, bn, B - A, E0, false);                  // sticky is false here
}

// The exact sum of two decoded operands per arith.cpp's add (NaN and inf rules included).
template <Rounding R>
inline uint64_t add_vals(const OutSpec& o, const Val& a, const Val& b) {
  if (a.cls == Cls::NaN || b.cls == Cls::NaN) return o.nan_res;
  if (a.cls == Cls::Inf && b.cls == Cls::Inf && a.neg != b.neg) return o.nan_res;
  if (a.cls == Cls::Inf) return o.inf_res[a.neg];
  if (b.cls == Cls::Inf) return o.inf_res[b.neg];
  if (a.cls == Cls::Zero && b.cls == Cls::Zero)
    return o.zero_res[a.neg == b.neg ? a.neg : R == Rounding::TowardNegative];
  if (a.cls == Cls::Zero) return round_finite<R>(o, b.neg, b.sig, b.exp, false);
  if (b.cls == Cls::Zero) return round_finite<R>(o, a.neg, a.sig, a.exp, false);
  return add_finite<R>(o, a.neg, a.sig, a.exp, b.neg, b.sig, b.exp);
}

template <Rounding R>
inline uint64_t mul_vals(const OutSpec& o, const Val& a, const Val& b) {
  if (a.cls == Cls::NaN || b.cls == Cls::NaN) return o.nan_res;
  const bool neg = a.neg != b.neg;
  if ((a.cls == Cls::Inf && b.cls == Cls::Zero) || (a.cls == Cls::Zero && b.cls == Cls::Inf)) return o.nan_res;
  if (a.cls == Cls::Inf || b.cls == Cls::Inf) return o.inf_res[neg];
  if (a.cls == Cls::Zero || b.cls == Cls::Zero) return o.zero_res[neg];
  return round_wide<R>(o, neg, u128{a.sig} * b.sig, a.exp + b.exp, false);  // the exact product
}

// Quotient: (sa * 2^k) / sb with sa's msb moved to bit 127, so Q >= 2^127 / 2^64 = 2^63 and a
// non-zero remainder is the sticky bit (|x| lies strictly between Q and Q + 1 quanta).
template <Rounding R>
inline uint64_t div_vals(const OutSpec& o, const Val& a, const Val& b) {
  if (a.cls == Cls::NaN || b.cls == Cls::NaN) return o.nan_res;
  const bool neg = a.neg != b.neg;
  if ((a.cls == Cls::Zero && b.cls == Cls::Zero) || (a.cls == Cls::Inf && b.cls == Cls::Inf)) return o.nan_res;
  if (a.cls == Cls::Inf) return o.inf_res[neg];
  if (b.cls == Cls::Inf || a.cls == Cls::Zero) return o.zero_res[neg];
  if (b.cls == Cls::Zero) return o.inf_res[neg];
  const int k = 127 - msb64(a.sig);
  const u128 N = u128{a.sig} << k;
  const u128 Q = N / b.sig, Rm = N % b.sig;
  return round_wide<R>(o, neg, Q, a.exp - b.exp - k, Rm != 0);
}

// floor(sqrt(N)) and whether it is exact, digit by digit (N < 2^128).
inline uint64_t isqrt128(u128 N, bool& exact) {
  u128 rem = 0, root = 0;
  for (int i = 63; i >= 0; --i) {
    rem = (rem << 2) | ((N >> (2 * i)) & 3);
    const u128 trial = (root << 2) | 1;
    root <<= 1;
    if (rem >= trial) {
      rem -= trial;
      root |= 1;
    }
  }
  exact = rem == 0;
  return static_cast<uint64_t>(root);
}

// Square root: sig * 2^exp with exp made even, the significand shifted by an even amount t to
// put its msb at bit 126 or 127; then r = floor(sqrt(N)) lies in [2^63, 2^64) and sqrt|x| lies
// strictly between r and r + 1 quanta unless N is a perfect square.
template <Rounding R>
inline uint64_t sqrt_val(const OutSpec& o, const Val& a) {
  if (a.cls == Cls::NaN) return o.nan_res;
  if (a.cls == Cls::Zero) return o.zero_res[a.neg];
  if (a.neg) return o.nan_res;
  if (a.cls == Cls::Inf) return o.inf_res[0];
  uint64_t s = a.sig;
  int e = a.exp;
  if (e & 1) {  // s < 2^63, so s << 1 fits
    s <<= 1;
    e -= 1;
  }
  const int t = (127 - msb64(s)) & ~1;
  bool exact = false;
  const uint64_t r = isqrt128(u128{s} << t, exact);
  return round_finite<R>(o, false, r, (e - t) / 2, !exact);
}

// fma(a, b, c): the product of two significands (< 2^53 each: formats of up to 52 mantissa bits)
// is exact in a u128, then one exact sum as in add_finite.
template <Rounding R>
inline uint64_t fma_vals(const OutSpec& o, const Val& a, const Val& b, const Val& c) {
  if (a.cls == Cls::NaN || b.cls == Cls::NaN || c.cls == Cls::NaN) return o.nan_res;
  Val p;
  p.neg = a.neg != b.neg;
  if ((a.cls == Cls::Inf && b.cls == Cls::Zero) || (a.cls == Cls::Zero && b.cls == Cls::Inf)) return o.nan_res;
  if (a.cls == Cls::Inf || b.cls == Cls::Inf) p.cls = Cls::Inf;
  else if (a.cls == Cls::Zero || b.cls == Cls::Zero) p.cls = Cls::Zero;
  else {
    const u128 P = u128{a.sig} * b.sig;
    const int pe = a.exp + b.exp;
    if (c.cls == Cls::Inf) return o.inf_res[c.neg];
    if (c.cls == Cls::Zero) return round_wide<R>(o, p.neg, P, pe, false);
    return add_finite<R>(o, p.neg, P, pe, c.neg, c.sig, c.exp);
  }
  return add_vals<R>(o, p, c);
}

// ----- fast lanes for the common case (both operands finite, non-zero after daz) ----------------

// A code of an IEEE-style format whose exponent field is not all ones: its significand and
// exponent without branches (a subnormal reads mant * 2^(emin - m); daz is the caller's).
struct SigExp {
  uint64_t sig;
  int exp;
};
inline SigExp sig_exp(const Geom& f, uint64_t code) {
  const uint64_t field = (code >> f.m) & f.field_ones, mant = code & f.mant_mask;
  const uint64_t hidden = field != 0 ? uint64_t{1} << f.m : 0;
  const int fe = field != 0 ? static_cast<int>(field) : 1;
  return {mant | hidden, fe - f.bias - f.m};
}

// The value of a finite code as a signed integer multiple of 2^(emin - m), the format's
// smallest quantum: sig << (field - 1) for normals, mant for subnormals. Only for formats whose
// fixed-point span (top field + m bits) leaves room for a sum in an int64 (Geom::fixed_ok).
inline int64_t fixed_value(const Geom& f, uint64_t code, bool daz) {
  const uint64_t field = (code >> f.m) & f.field_ones, mant = code & f.mant_mask;
  uint64_t mag;
  if (field != 0) mag = (mant | (uint64_t{1} << f.m)) << (field - 1);
  else mag = daz ? 0 : mant;
  const auto v = static_cast<int64_t>(mag);
  return (code & f.sign_bit) != 0 ? -v : v;
}

}  // namespace fpc::fast
