// The hardware lane for IEEE binary32 and binary64 arithmetic (fast_reference.cpp, path
// "ieee-lane+exact-int"): add, sub, mul, div, sqrt, fma with both operands and the result in the
// same format (float32 or float64), every deterministic mode, 16 (binary32) or 8 (binary64) cases
// per AVX-512 instruction. Internal to the oracle library.
//
// Why the lane's results are the oracle's (the proof; docs/design.md, "Wide formats"):
//  * The lane decides a case when its result is a normal number below the largest finite one: no
//    policy (saturation, ftz, NaN rules) applies there and the oracle's result is the exact
//    result rounded once into the format with the mode. It also decides the other results where
//    the semantics' own special results (asked of the oracle by the caller, WideKernel) are the
//    IEEE ones the hardware gives: NaN results (replaced by the oracle's NaN code; the oracle's
//    arithmetic makes NaN exactly where IEEE 754 does), +-inf and overflow, +-0 (IEEE 754 6.3's
//    signs of exact zeros, under the embedded mode), subnormal results unless ftz (IEEE rounds
//    them at the fixed quantum 2^(emin-p+1), as the oracle does). Everything else (daz on a
//    subnormal operand, ftz on a subnormal result, policies that change specials, the cases
//    the rna test below rejects, rna's zero and subnormal results) is handed back to the
//    caller, which runs the integer engine (fast_bits.hpp).
//  * rne, rtz, rup, rdn: one instruction with embedded rounding ({rn,rz,ru,rd}-sae). IEEE 754
//    requires +, -, *, /, sqrt and fma to be correctly rounded in the operation's format; the
//    embedded rounding overrides MXCSR.RC, and the caller checks that MXCSR's FTZ and DAZ are off.
//  * rod: x is exact iff RD(x) == RU(x); else RD(x) and RU(x) are neighbours, and exactly one of
//    them has an odd significand, which is round-to-odd's answer.
//  * rna differs from rne only at ties (x exactly half-way between neighbours).
//      binary32: the operation is done in binary64 rounded to odd (v = RO64(x), by the rule
//      above); 53 >= 24 + 2, so rounding v into binary32 is rounding x (Boldo-Melquiond), and v
//      is a binary32 tie iff x is one (a tie has 25 bits, representable in binary64). With v
//      normal in binary32 a tie is v's low 29 mantissa bits = 1 followed by 28 zeros; then the
//      result is RZ32(v) one step away from zero, else RNE32(v).
//      binary64 div and sqrt: never a tie for a normal result (a tie M * 2^k, M odd of p+1 bits,
//      gives a = x*b with an odd significand M*B >= 2^p, or a = x^2 with odd M^2 of 2p+1 bits:
//      neither fits p bits), so rna = rne.
//      binary64 add, sub: TwoSum gives the exact error e = x - RN(x); a tie needs |e| = half a
//      gap between neighbours, a power of two; such e (and non-finite e) go to the caller.
//      binary64 mul: e = fma(a, b, -RN(ab)) is exact when |RN(ab)| >= 2^-916 (the error is a
//      multiple of ulp(a) ulp(b) >= 2^(e_s - 105) and below ulp(s)/2: at most 53 bits, normal);
//      smaller products and power-of-two errors go to the caller.
//      binary64 fma: no cheap exact error; every case goes to the caller.
// tests/test_fast_reference.cpp proves the lane equal to the oracle and to the integer engine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fpc::fast {

enum class WideOp { Add, Sub, Mul, Div, Sqrt, Fma };

struct WideKernel {
  bool binary64 = false;  // else binary32
  WideOp op = WideOp::Add;
  int mode = 0;           // the Rounding enum's value, deterministic modes only
  bool daz = false;
  bool ftz = false;
  // Which special results of the semantics are the hardware's (the caller asks the oracle's
  // OutSpec): NaN and inf operands follow IEEE and every NaN result is nan_res (ieee_specials);
  // exact and underflowed zeros are +-0 (ieee_zero); overflow gives the mode's IEEE result (inf,
  // or the largest finite value toward zero; round to odd: the largest finite value) and infinite
  // results are +-inf (ieee_big, which needs ieee_specials).
  bool ieee_specials = false, ieee_zero = false, ieee_big = false;
  uint64_t nan_res = 0;
  // Tests only: a deliberately wrong copy (one ulp off on the cases the lane decides whose
  // operand 0 has exponent field bits ...101) that the proofs must catch.
  bool planted_off_by_one = false;
};

// Whether this CPU and thread can run wide_lane now: AVX-512 F and DQ, and MXCSR with FTZ and DAZ
// off (checked on every call; the embedded rounding makes MXCSR's rounding mode irrelevant).
bool wide_lane_available();

// Computes out[i] for every case i < n the lane decides; writes the indices of the others in
// increasing order to rest[] (room for n) and returns how many. Operand k of case i is in[k][i]
// (only the low 32 bits are read for binary32). Requires wide_lane_available().
size_t wide_lane(const WideKernel& k, const uint64_t* const* in, uint64_t* out, size_t n, uint32_t* rest);

}  // namespace fpc::fast
