// Decoding codes to exact values and rounding exact values to codes: the oracle's core.
//
// Semantics are specified in docs/semantics.md; in brief:
//  * decode(format, code) gives the code's class and exact value (-0 keeps its sign).
//  * round_to_format(value, format, mode) finds the two neighbours of the value in the format
//    (computed with an unbounded exponent range), picks one by a single decision over
//    (parity of the lower neighbour's code, position of the value between the neighbours,
//    stochastic bits), then applies the format's range: overflow, underflow, flush to zero.
#pragma once

#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fpc {

enum class Rounding {
  NearestEven,     // rne: to nearest, ties to the even code
  NearestAway,     // rna: to nearest, ties away from zero
  TowardZero,      // rtz
  TowardPositive,  // rup
  TowardNegative,  // rdn
  ToOdd,           // rod: inexact results take the neighbour with the odd code
  Stochastic,      // sr: magnitude rounds up iff floor(f * 2^k) + r >= 2^k
};

// All modes, in a fixed order; "rne", "rna", ... are their short names.
inline constexpr Rounding kAllRoundings[] = {
    Rounding::NearestEven,    Rounding::NearestAway,    Rounding::TowardZero, Rounding::TowardPositive,
    Rounding::TowardNegative, Rounding::ToOdd,          Rounding::Stochastic};
std::string_view short_name(Rounding r);
Rounding rounding_by_name(std::string_view name);  // throws InputError

// Where NaN goes in a format that has no NaN (implementation-defined: CUDA gives +max for
// FP4/FP6, other libraries +0 or -0). Unpinned behaves as PositiveMax for float and code-table
// formats and PositiveZero for integers, and marks the result implementation-defined.
enum class NanIntoNoNan { Unpinned, PositiveMax, PositiveZero, NegativeZero };
// With saturation on, what ±inf inputs become. Max: ±max finite (CUDA's __NV_SATFINITE).
// NaN: infinity is not saturated: it stays ±inf where the format has inf and becomes NaN where
// it has none (ml_dtypes' saturating casts).
enum class InfUnderSaturation { Max, NaN };

struct Policy {
  bool saturate = false;  // overflow gives ±max finite instead of inf/NaN
  InfUnderSaturation inf_under_saturation = InfUnderSaturation::Max;
  NanIntoNoNan nan_into_no_nan = NanIntoNoNan::Unpinned;
  bool ftz = false;  // results that are subnormal after rounding become zero of the same sign
  bool daz = false;  // subnormal operands are read as zero of the same sign
};

// Stochastic rounding's explicit randomness: k bits, r in [0, 2^k).
struct RandomBits {
  int k = 0;
  uint64_t r = 0;
};

enum Flag : unsigned {
  kInexact = 1u << 0,
  kUnderflow = 1u << 1,  // tiny after rounding (unbounded exponent) and inexact
  kOverflow = 1u << 2,
  kInvalid = 1u << 3,
  kDivideByZero = 1u << 4,
};
std::string flags_to_string(unsigned flags);  // e.g. "inexact|overflow", "" when none

enum class CodeClass { Zero, Subnormal, Normal, Infinity, NaN };
std::string_view to_string(CodeClass c);

struct Decoded {
  CodeClass cls = CodeClass::Zero;
  ExactValue value;
};

// The code must be < 2^bits (throws InputError otherwise). daz reads subnormals as zero.
Decoded decode(const Format& f, uint64_t code, bool daz = false);

struct RoundResult {
  uint64_t code = 0;
  unsigned flags = 0;
  bool implementation_defined = false;  // NaN into a format without NaN, policy unpinned
  // The exact value lay exactly halfway between its two neighbours at the rounding position
  // (whatever the mode chose): the one tie test the checker and the generators ask.
  bool tie = false;
};

// Rounds an exact value into the format. For Stochastic, `random` supplies k <= 64 bits.
RoundResult round_to_format(const ExactValue& x, const Format& f, Rounding mode, const Policy& policy = {},
                            RandomBits random = {});

// decode + round: conversion of a code of one format into another.
RoundResult convert(uint64_t code, const Format& from, const Format& to, Rounding mode, const Policy& policy = {},
                    RandomBits random = {});

}  // namespace fpc
