// Golden values for every built-in format, written by hand from the specifications:
// IEEE 754-2019 (binary16/32/64, clause 3.6; rounding 4.3; exceptions 7), the OCP 8-bit
// floating point spec v1.0 (E4M3, E5M2), OCP Microscaling v1.0 (E8M0, FP6 E2M3/E3M2, FP4 E2M1),
// and the ml_dtypes / LLVM APFloat definitions of the fnuz, b11, e3m4 and e4m3 variants.
// Codes are literal bit patterns, values are literal decimals / hex floats / ratios; nothing here
// is copied from the oracle's output.
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"
#include "fpconform/arith.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using fpc::BigInt;
using fpc::CodeClass;
using fpc::ExactValue;
using fpc::Format;
using fpc::Policy;
using fpc::RandomBits;
using fpc::RoundResult;
using fpc::Rounding;

constexpr Rounding kRne = Rounding::NearestEven, kRna = Rounding::NearestAway, kRtz = Rounding::TowardZero,
                   kRup = Rounding::TowardPositive, kRdn = Rounding::TowardNegative, kRod = Rounding::ToOdd,
                   kSr = Rounding::Stochastic;
constexpr unsigned kInexact = fpc::kInexact, kUnderflow = fpc::kUnderflow, kOverflow = fpc::kOverflow,
                   kInvalid = fpc::kInvalid, kDivByZero = fpc::kDivideByZero;

const Format& fmt(const char* name) { return fpc::format_by_name(name); }
ExactValue val(const char* text) { return fpc::parse_value(text); }
ExactValue decoded(const Format& f, uint64_t code) { return fpc::decode(f, code).value; }

RoundResult rnd(const ExactValue& x, const char* format, Rounding mode, const Policy& p = {},
                RandomBits rb = {}) {
  return fpc::round_to_format(x, fmt(format), mode, p, rb);
}
RoundResult rnd(const char* x, const char* format, Rounding mode, const Policy& p = {}, RandomBits rb = {}) {
  return rnd(val(x), format, mode, p, rb);
}

std::string hex(uint64_t c) { return "0x" + BigInt(c).str(0, std::ios_base::hex); }

#define EXPECT_IDENTICAL(a, b)                                                                       \
  EXPECT_TRUE(fpc::identical((a), (b))) << "  got " << fpc::to_exact_string(a) << "\n  want " \
                                        << fpc::to_exact_string(b)

// Expect the code (and, when given, the flags) of a rounding.
#define EXPECT_ROUND(result, want_code, want_flags)                                                       \
  do {                                                                                                   \
    RoundResult r_ = (result);                                                                           \
    EXPECT_EQ(hex(r_.code), hex(want_code)) << #result;                                                  \
    EXPECT_EQ(fpc::flags_to_string(r_.flags), fpc::flags_to_string(want_flags)) << #result;              \
  } while (0)

// Expect a NaN code of the named format.
#define EXPECT_NAN_RESULT(result, format, want_flags)                                                   \
  do {                                                                                                   \
    RoundResult r_ = (result);                                                                           \
    EXPECT_EQ(fpc::decode(fmt(format), r_.code).cls, CodeClass::NaN) << #result << " gave " << hex(r_.code); \
    EXPECT_EQ(fpc::flags_to_string(r_.flags), fpc::flags_to_string(want_flags)) << #result;              \
  } while (0)

// ------------------------------------------------------------------------------------------
// Per-format golden table

struct Golden {
  const char* name;
  int bits;
  uint64_t max_code;
  const char* max_value;
  uint64_t lowest_code;
  const char* lowest_value;
  uint64_t min_normal_code;
  const char* min_normal_value;
  uint64_t min_positive_code;  // smallest positive (subnormal where there are subnormals)
  const char* min_positive_value;
  bool has_inf;
  uint64_t pos_inf, neg_inf;
  bool has_neg_zero;
  uint64_t neg_zero;
  uint64_t nan_count;                 // number of NaN codes
  std::vector<uint64_t> nan_samples;  // codes that must be NaN
  std::vector<uint64_t> finite_samples;  // codes that must be finite (boundaries of the NaN/inf space)
};

const std::vector<Golden>& golden_table() {
  static const std::vector<Golden> t = {
      // IEEE 754 binary64: 1|11|52, bias 1023
      {"float64", 64, 0x7FEFFFFFFFFFFFFFu, "0x1.fffffffffffffp1023", 0xFFEFFFFFFFFFFFFFu, "-0x1.fffffffffffffp1023",
       0x0010000000000000u, "0x1p-1022", 1, "0x1p-1074", true, 0x7FF0000000000000u, 0xFFF0000000000000u, true,
       0x8000000000000000u, 2 * ((uint64_t{1} << 52) - 1),
       {0x7FF8000000000000u, 0x7FF0000000000001u, 0x7FFFFFFFFFFFFFFFu, 0xFFF0000000000001u, 0xFFFFFFFFFFFFFFFFu},
       {0x7FEFFFFFFFFFFFFFu, 0x000FFFFFFFFFFFFFu}},
      // IEEE 754 binary32: 1|8|23, bias 127
      {"float32", 32, 0x7F7FFFFFu, "0x1.fffffep127", 0xFF7FFFFFu, "-0x1.fffffep127", 0x00800000u, "0x1p-126", 1,
       "0x1p-149", true, 0x7F800000u, 0xFF800000u, true, 0x80000000u, 2 * ((uint64_t{1} << 23) - 1),
       {0x7FC00000u, 0x7F800001u, 0x7FFFFFFFu, 0xFF800001u, 0xFFFFFFFFu},
       {0x7F7FFFFFu, 0x007FFFFFu}},
      // TensorFloat-32: 1|8|10, bias 127, a 19-bit code
      {"tf32", 19, 0x3FBFFu, "0x1.ffcp127", 0x7FBFFu, "-0x1.ffcp127", 0x00400u, "0x1p-126", 1, "0x1p-136", true,
       0x3FC00u, 0x7FC00u, true, 0x40000u, 2 * 1023, {0x3FE00u, 0x3FC01u, 0x3FFFFu, 0x7FC01u, 0x7FFFFu},
       {0x3FBFFu, 0x003FFu}},
      // IEEE 754 binary16: 1|5|10, bias 15
      {"float16", 16, 0x7BFFu, "65504", 0xFBFFu, "-65504", 0x0400u, "0x1p-14", 1, "0x1p-24", true, 0x7C00u, 0xFC00u,
       true, 0x8000u, 2 * 1023, {0x7E00u, 0x7C01u, 0x7FFFu, 0xFC01u, 0xFFFFu}, {0x7BFFu, 0x03FFu}},
      // bfloat16: 1|8|7, bias 127
      {"bfloat16", 16, 0x7F7Fu, "0x1.fep127", 0xFF7Fu, "-0x1.fep127", 0x0080u, "0x1p-126", 1, "0x1p-133", true,
       0x7F80u, 0xFF80u, true, 0x8000u, 2 * 127, {0x7FC0u, 0x7F81u, 0x7FFFu, 0xFF81u, 0xFFFFu}, {0x7F7Fu, 0x007Fu}},
      // OCP E5M2: 1|5|2, bias 15, IEEE-like
      {"float8_e5m2", 8, 0x7Bu, "57344", 0xFBu, "-57344", 0x04u, "0x1p-14", 1, "0x1p-16", true, 0x7Cu, 0xFCu, true,
       0x80u, 6, {0x7Du, 0x7Eu, 0x7Fu, 0xFDu, 0xFEu, 0xFFu}, {0x7Bu, 0x03u}},
      // OCP E4M3: 1|4|3, bias 7, no inf, NaN S.1111.111
      {"float8_e4m3fn", 8, 0x7Eu, "448", 0xFEu, "-448", 0x08u, "0x1p-6", 1, "0x1p-9", false, 0, 0, true, 0x80u, 2,
       {0x7Fu, 0xFFu}, {0x7Eu, 0x78u, 0xF8u, 0x79u}},
      // E4M3FNUZ: bias 8, no inf, no -0, NaN 0x80
      {"float8_e4m3fnuz", 8, 0x7Fu, "240", 0xFFu, "-240", 0x08u, "0x1p-7", 1, "0x1p-10", false, 0, 0, false, 0, 1,
       {0x80u}, {0x7Fu, 0xFFu, 0x78u, 0x81u}},
      // E5M2FNUZ: bias 16
      {"float8_e5m2fnuz", 8, 0x7Fu, "57344", 0xFFu, "-57344", 0x04u, "0x1p-15", 1, "0x1p-17", false, 0, 0, false, 0, 1,
       {0x80u}, {0x7Fu, 0xFFu, 0x7Cu, 0x81u}},
      // E4M3B11FNUZ: bias 11
      {"float8_e4m3b11fnuz", 8, 0x7Fu, "30", 0xFFu, "-30", 0x08u, "0x1p-10", 1, "0x1p-13", false, 0, 0, false, 0, 1,
       {0x80u}, {0x7Fu, 0xFFu, 0x81u}},
      // E3M4: 1|3|4, bias 3, IEEE-like
      {"float8_e3m4", 8, 0x6Fu, "15.5", 0xEFu, "-15.5", 0x10u, "0.25", 1, "0.015625", true, 0x70u, 0xF0u, true, 0x80u,
       30, {0x71u, 0x78u, 0x7Fu, 0xF1u, 0xFFu}, {0x6Fu, 0x0Fu}},
      // E4M3: 1|4|3, bias 7, IEEE-like
      {"float8_e4m3", 8, 0x77u, "240", 0xF7u, "-240", 0x08u, "0x1p-6", 1, "0x1p-9", true, 0x78u, 0xF8u, true, 0x80u,
       14, {0x79u, 0x7Cu, 0x7Fu, 0xF9u, 0xFFu}, {0x77u, 0x07u}},
      // OCP MX E8M0: unsigned exponent, bias 127, 2^-127 .. 2^127, NaN 0xFF, no zero
      {"float8_e8m0fnu", 8, 0xFEu, "0x1p127", 0x00u, "0x1p-127", 0x00u, "0x1p-127", 0x00u, "0x1p-127", false, 0, 0,
       false, 0, 1, {0xFFu}, {0x00u, 0x7Fu, 0x80u, 0xFEu}},
      // NVIDIA UE5M3 (cuda_fp8.h, CUDA 13.4): unsigned 5|3, bias 15, no inf, NaN 0xFF only;
      // max 0xFE = 1.110b * 2^16 = 114688, min normal 0x08 = 2^-14, min subnormal 0x01 = 2^-17
      {"float8_e5m3fnu", 8, 0xFEu, "114688", 0x00u, "0", 0x08u, "0x1p-14", 0x01u, "0x1p-17", false, 0, 0, false, 0, 1,
       {0xFFu}, {0x00u, 0x07u, 0x08u, 0x7Fu, 0x80u, 0xF8u, 0xFEu}},
      // OCP MX FP6 E2M3: 1|2|3, bias 1, no inf/NaN
      {"float6_e2m3fn", 6, 0x1Fu, "7.5", 0x3Fu, "-7.5", 0x08u, "1", 1, "0.125", false, 0, 0, true, 0x20u, 0, {},
       {0x1Fu, 0x3Fu, 0x18u}},
      // OCP MX FP6 E3M2: 1|3|2, bias 3, no inf/NaN
      {"float6_e3m2fn", 6, 0x1Fu, "28", 0x3Fu, "-28", 0x04u, "0.25", 1, "0.0625", false, 0, 0, true, 0x20u, 0, {},
       {0x1Fu, 0x3Fu, 0x1Cu}},
      // OCP MX FP4 E2M1: 1|2|1, bias 1, no inf/NaN
      {"float4_e2m1fn", 4, 0x7u, "6", 0xFu, "-6", 0x2u, "1", 1, "0.5", false, 0, 0, true, 0x8u, 0, {},
       {0x7u, 0xFu, 0x6u}},
  };
  return t;
}

TEST(GoldenFormats, EveryBuiltinFloatHasAGoldenRow) {
  size_t floats = 0;
  for (const Format& f : fpc::builtin_formats()) {
    if (f.kind != fpc::FormatKind::Float) continue;
    ++floats;
    bool found = false;
    for (const Golden& g : golden_table()) found = found || f.name == g.name;
    EXPECT_TRUE(found) << f.name << " has no golden row: add one from its specification";
  }
  EXPECT_EQ(floats, golden_table().size());
}

TEST(GoldenFormats, ExtremesNonFiniteAndZeros) {
  for (const Golden& g : golden_table()) {
    SCOPED_TRACE(g.name);
    const Format& f = fmt(g.name);
    EXPECT_EQ(f.bits(), g.bits);
    EXPECT_EQ(hex(f.max_finite_code()), hex(g.max_code));
    EXPECT_IDENTICAL(decoded(f, g.max_code), val(g.max_value));
    EXPECT_EQ(hex(f.lowest_finite_code()), hex(g.lowest_code));
    EXPECT_IDENTICAL(decoded(f, g.lowest_code), val(g.lowest_value));
    EXPECT_EQ(hex(f.min_normal_code()), hex(g.min_normal_code));
    EXPECT_EQ(fpc::decode(f, g.min_normal_code).cls, CodeClass::Normal);
    EXPECT_IDENTICAL(decoded(f, g.min_normal_code), val(g.min_normal_value));
    EXPECT_EQ(hex(f.min_positive_code()), hex(g.min_positive_code));
    EXPECT_IDENTICAL(decoded(f, g.min_positive_code), val(g.min_positive_value));
    EXPECT_EQ(f.has_inf(), g.has_inf);
    if (g.has_inf) {
      EXPECT_EQ(hex(f.inf_code(false)), hex(g.pos_inf));
      EXPECT_EQ(hex(f.inf_code(true)), hex(g.neg_inf));
      EXPECT_IDENTICAL(decoded(f, g.pos_inf), ExactValue::infinity(false));
      EXPECT_IDENTICAL(decoded(f, g.neg_inf), ExactValue::infinity(true));
    }
    EXPECT_EQ(f.has_negative_zero(), g.has_neg_zero);
    if (g.has_neg_zero) {
      EXPECT_EQ(hex(f.zero_code(true)), hex(g.neg_zero));
      EXPECT_IDENTICAL(decoded(f, g.neg_zero), ExactValue::zero(true));
    } else {
      EXPECT_EQ(f.zero_code(true), f.zero_code(false));
    }
    EXPECT_EQ(f.has_nan(), g.nan_count > 0);
    if (g.nan_count > 0) {
      EXPECT_EQ(fpc::decode(f, f.nan_code()).cls, CodeClass::NaN) << hex(f.nan_code());
    }
    for (uint64_t c : g.nan_samples) EXPECT_EQ(fpc::decode(f, c).cls, CodeClass::NaN) << hex(c);
    for (uint64_t c : g.finite_samples) {
      CodeClass cls = fpc::decode(f, c).cls;
      EXPECT_TRUE(cls != CodeClass::NaN && cls != CodeClass::Infinity) << hex(c);
    }
    // Zero: +0 is code 0 wherever the format has a zero
    if (f.has_zero) {
      EXPECT_IDENTICAL(decoded(f, 0), ExactValue::zero(false));
    }
    // Formats of at most 16 bits: count every class over all codes.
    if (g.bits <= 16) {
      uint64_t nans = 0, infs = 0, neg_zeros = 0, pos_zeros = 0;
      for (uint64_t c = 0; c < f.code_count(); ++c) {
        fpc::Decoded d = fpc::decode(f, c);
        if (d.cls == CodeClass::NaN) ++nans;
        if (d.cls == CodeClass::Infinity) ++infs;
        if (d.cls == CodeClass::Zero) (d.value.negative ? neg_zeros : pos_zeros)++;
      }
      EXPECT_EQ(nans, g.nan_count);
      EXPECT_EQ(infs, g.has_inf ? 2u : 0u);
      EXPECT_EQ(neg_zeros, g.has_neg_zero ? 1u : 0u);
      EXPECT_EQ(pos_zeros, f.has_zero ? 1u : 0u);
    }
  }
}

TEST(GoldenFormats, CanonicalNaNCodes) {
  // IEEE-style formats: the quiet NaN sets the trailing significand's most significant bit
  // (IEEE 754-2019 6.2.1 recommendation); fn formats: S.1111.111; fnuz: the -0 pattern.
  EXPECT_EQ(hex(fmt("float64").nan_code()), hex(0x7FF8000000000000u));
  EXPECT_EQ(hex(fmt("float32").nan_code()), hex(0x7FC00000u));
  EXPECT_EQ(hex(fmt("tf32").nan_code()), hex(0x3FE00u));
  EXPECT_EQ(hex(fmt("float16").nan_code()), hex(0x7E00u));
  EXPECT_EQ(hex(fmt("bfloat16").nan_code()), hex(0x7FC0u));
  EXPECT_EQ(hex(fmt("float8_e5m2").nan_code()), hex(0x7Eu));
  EXPECT_EQ(hex(fmt("float8_e3m4").nan_code()), hex(0x78u));
  EXPECT_EQ(hex(fmt("float8_e4m3").nan_code()), hex(0x7Cu));
  EXPECT_EQ(hex(fmt("float8_e4m3fn").nan_code()), hex(0x7Fu));
  EXPECT_EQ(hex(fmt("float8_e4m3fnuz").nan_code()), hex(0x80u));
  EXPECT_EQ(hex(fmt("float8_e5m2fnuz").nan_code()), hex(0x80u));
  EXPECT_EQ(hex(fmt("float8_e4m3b11fnuz").nan_code()), hex(0x80u));
  EXPECT_EQ(hex(fmt("float8_e8m0fnu").nan_code()), hex(0xFFu));
  EXPECT_EQ(hex(fmt("float8_e5m3fnu").nan_code()), hex(0xFFu));
}

TEST(GoldenFormats, Fp4E2m1AllValues) {
  const Format& f = fmt("float4_e2m1fn");
  const char* const positive[8] = {"0", "0.5", "1", "1.5", "2", "3", "4", "6"};
  for (uint64_t c = 0; c < 8; ++c) {
    EXPECT_IDENTICAL(decoded(f, c), val(positive[c]));
    EXPECT_IDENTICAL(decoded(f, c | 8), val(positive[c]).negated());
  }
  EXPECT_EQ(fpc::decode(f, 1).cls, CodeClass::Subnormal);
  EXPECT_EQ(fpc::decode(f, 2).cls, CodeClass::Normal);
}

TEST(GoldenFormats, Fp6Values) {
  // E2M3: subnormals k/8, normals (1 + m/8) * 2^(e-1)
  const Format& e2m3 = fmt("float6_e2m3fn");
  for (uint64_t k = 1; k < 8; ++k) EXPECT_IDENTICAL(decoded(e2m3, k), ExactValue::rational(false, k, 8));
  EXPECT_IDENTICAL(decoded(e2m3, 0x08), val("1"));
  EXPECT_IDENTICAL(decoded(e2m3, 0x09), val("1.125"));
  EXPECT_IDENTICAL(decoded(e2m3, 0x10), val("2"));
  EXPECT_IDENTICAL(decoded(e2m3, 0x18), val("4"));
  EXPECT_IDENTICAL(decoded(e2m3, 0x3F), val("-7.5"));
  // E3M2: subnormals k/16, normals (1 + m/4) * 2^(e-3)
  const Format& e3m2 = fmt("float6_e3m2fn");
  for (uint64_t k = 1; k < 4; ++k) EXPECT_IDENTICAL(decoded(e3m2, k), ExactValue::rational(false, k, 16));
  EXPECT_IDENTICAL(decoded(e3m2, 0x0C), val("1"));
  EXPECT_IDENTICAL(decoded(e3m2, 0x1C), val("16"));
  EXPECT_IDENTICAL(decoded(e3m2, 0x1E), val("24"));
}

TEST(GoldenFormats, E8m0PowersOfTwo) {
  const Format& f = fmt("float8_e8m0fnu");
  EXPECT_FALSE(f.has_sign);
  for (uint64_t c = 0; c < 255; ++c) {
    fpc::Decoded d = fpc::decode(f, c);
    EXPECT_EQ(d.cls, CodeClass::Normal) << c;
    EXPECT_IDENTICAL(d.value, ExactValue::dyadic(false, 1, static_cast<int64_t>(c) - 127));
  }
  EXPECT_EQ(fpc::decode(f, 0xFF).cls, CodeClass::NaN);
  EXPECT_IDENTICAL(decoded(f, 127), val("1"));
  // exact powers of two encode to their exponent field
  EXPECT_ROUND(rnd("1", "float8_e8m0fnu", kRne), 0x7Fu, 0);
  EXPECT_ROUND(rnd("0x1p-127", "float8_e8m0fnu", kRne), 0x00u, 0);
  EXPECT_ROUND(rnd("0x1p127", "float8_e8m0fnu", kRne), 0xFEu, 0);
  // between 1 and 2: the tie is 1.5 (arithmetic midpoint); ties go to the even field (2 = 0x80)
  EXPECT_ROUND(rnd("1.5", "float8_e8m0fnu", kRne), 0x80u, kInexact);
  EXPECT_ROUND(rnd("1.4999", "float8_e8m0fnu", kRne), 0x7Fu, kInexact);
  // tie between 2 (0x80) and 4 (0x81): both significands are 1 (odd), so, as LLVM APFloat and
  // ml_dtypes do, the tie goes to the larger power
  EXPECT_ROUND(rnd("3", "float8_e8m0fnu", kRne), 0x81u, kInexact);
  EXPECT_ROUND(rnd("3", "float8_e8m0fnu", kRna), 0x81u, kInexact);
  EXPECT_ROUND(rnd("1.1", "float8_e8m0fnu", kRup), 0x80u, kInexact);
  EXPECT_ROUND(rnd("1.9", "float8_e8m0fnu", kRtz), 0x7Fu, kInexact);
  // negative values have no code: NaN and invalid
  EXPECT_NAN_RESULT(rnd("-1", "float8_e8m0fnu", kRne), "float8_e8m0fnu", kInvalid);
}

// NVIDIA UE5M3 from the cuda_fp8.h 13.4 documentation and encoding: value (1 + m/8) * 2^(e-15)
// for e = 1..31 (0xFF excepted), m/8 * 2^-14 for e = 0; no sign bit.
TEST(GoldenFormats, Ue5m3Values) {
  const Format& f = fmt("float8_e5m3fnu");
  EXPECT_FALSE(f.has_sign);
  EXPECT_EQ(&fmt("ue5m3"), &f);  // NVIDIA's name is an alias
  for (uint64_t k = 1; k < 8; ++k) {
    EXPECT_EQ(fpc::decode(f, k).cls, CodeClass::Subnormal) << k;
    EXPECT_IDENTICAL(decoded(f, k), ExactValue::dyadic(false, k, -17));  // k/8 * 2^-14
  }
  EXPECT_IDENTICAL(decoded(f, 0x78), val("1"));       // e = 15, m = 0
  EXPECT_IDENTICAL(decoded(f, 0x7C), val("1.5"));     // e = 15, m = 4
  EXPECT_IDENTICAL(decoded(f, 0x80), val("2"));       // e = 16
  EXPECT_IDENTICAL(decoded(f, 0xF8), val("65536"));   // e = 31, m = 0: above float16's max
  EXPECT_IDENTICAL(decoded(f, 0xFD), val("106496"));  // 1.625 * 2^16
  EXPECT_EQ(fpc::decode(f, 0xFF).cls, CodeClass::NaN);
  // round to nearest: 114688 + 4096 (half an ulp of 2^16) ties to the even 0xFE; above it is
  // out of range, NaN without saturation (no inf), max with it; toward zero stays at max
  EXPECT_ROUND(rnd("118784", "float8_e5m3fnu", kRne), 0xFEu, kInexact);
  EXPECT_NAN_RESULT(rnd("118785", "float8_e5m3fnu", kRne), "float8_e5m3fnu", kInexact | kOverflow);
  Policy sat;
  sat.saturate = true;
  EXPECT_ROUND(rnd("118785", "float8_e5m3fnu", kRne, sat), 0xFEu, kInexact | kOverflow);
  EXPECT_ROUND(rnd("1e6", "float8_e5m3fnu", kRtz), 0xFEu, kInexact | kOverflow);
  EXPECT_NAN_RESULT(rnd("114689", "float8_e5m3fnu", kRup), "float8_e5m3fnu", kInexact | kOverflow);
  EXPECT_NAN_RESULT(rnd("inf", "float8_e5m3fnu", kRne), "float8_e5m3fnu", kInvalid);
  // subnormals: half the smallest (2^-18) ties to even zero; a hair above rounds up
  EXPECT_ROUND(rnd("0x1p-18", "float8_e5m3fnu", kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1.0001p-18", "float8_e5m3fnu", kRne), 0x01u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-30", "float8_e5m3fnu", kRup), 0x01u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1.8p-17", "float8_e5m3fnu", kRne), 0x02u, kInexact | kUnderflow);  // 1.5 ulp: even 2
  // negative values: the format has no sign, so only those rounding to zero have a code (+0);
  // -0 is +0; the rest are NaN and invalid. (CUDA's conversions drop the sign first; their
  // rows declare the op abs, kernels/cuda/cuda_op_list.hpp.)
  EXPECT_ROUND(rnd("-0", "float8_e5m3fnu", kRne), 0x00u, 0);
  EXPECT_ROUND(rnd("-0x1p-20", "float8_e5m3fnu", kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_NAN_RESULT(rnd("-1", "float8_e5m3fnu", kRne), "float8_e5m3fnu", kInvalid);
}

TEST(GoldenFormats, Integers) {
  struct Row {
    const char* name;
    int bits;
    uint64_t max_code;
    const char* max_value;
    uint64_t lowest_code;
    const char* lowest_value;
  };
  const Row rows[] = {{"int8", 8, 0x7F, "127", 0x80, "-128"},
                      {"uint8", 8, 0xFF, "255", 0x00, "0"},
                      {"int4", 4, 0x7, "7", 0x8, "-8"},
                      {"uint4", 4, 0xF, "15", 0x0, "0"}};
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const Format& f = fmt(r.name);
    EXPECT_EQ(f.kind, fpc::FormatKind::Integer);
    EXPECT_EQ(f.bits(), r.bits);
    EXPECT_EQ(f.max_finite_code(), r.max_code);
    EXPECT_EQ(f.lowest_finite_code(), r.lowest_code);
    EXPECT_IDENTICAL(decoded(f, r.max_code), val(r.max_value));
    if (r.lowest_code != 0) {
      EXPECT_IDENTICAL(decoded(f, r.lowest_code), val(r.lowest_value));
    }
    EXPECT_FALSE(f.has_nan());
    EXPECT_FALSE(f.has_inf());
    EXPECT_FALSE(f.has_negative_zero());
    // every code decodes to a distinct integer in [lowest, max]
    for (uint64_t c = 0; c < f.code_count(); ++c) {
      ExactValue v = decoded(f, c);
      EXPECT_GE(fpc::compare(v, val(r.lowest_value)), 0);
      EXPECT_LE(fpc::compare(v, val(r.max_value)), 0);
    }
  }
  EXPECT_IDENTICAL(decoded(fmt("int8"), 0xFF), val("-1"));
  EXPECT_IDENTICAL(decoded(fmt("int4"), 0xF), val("-1"));
  EXPECT_IDENTICAL(decoded(fmt("int4"), 0x9), val("-7"));
  // rounding to integers: ties, range, saturation with invalid
  EXPECT_ROUND(rnd("2.5", "int8", kRne), 0x02u, kInexact);
  EXPECT_ROUND(rnd("2.5", "int8", kRna), 0x03u, kInexact);
  EXPECT_ROUND(rnd("-2.5", "int8", kRne), 0xFEu, kInexact);
  EXPECT_ROUND(rnd("-2.5", "int8", kRna), 0xFDu, kInexact);
  EXPECT_ROUND(rnd("-2.5", "int8", kRdn), 0xFDu, kInexact);
  EXPECT_ROUND(rnd("-2.5", "int8", kRup), 0xFEu, kInexact);
  EXPECT_ROUND(rnd("-128.5", "int8", kRne), 0x80u, kInexact);  // tie: -128 is even
  EXPECT_ROUND(rnd("-129", "int8", kRne), 0x80u, kInvalid);
  EXPECT_ROUND(rnd("127.5", "int8", kRne), 0x7Fu, kInvalid);  // tie rounds to 128: out of range
  EXPECT_ROUND(rnd("127.5", "int8", kRtz), 0x7Fu, kInexact);
  EXPECT_ROUND(rnd("300", "int8", kRne), 0x7Fu, kInvalid);
  EXPECT_ROUND(rnd("-0.5", "uint8", kRne), 0x00u, kInexact);
  EXPECT_ROUND(rnd("-1", "uint8", kRne), 0x00u, kInvalid);
  EXPECT_ROUND(rnd("255.4", "uint8", kRne), 0xFFu, kInexact);
  EXPECT_ROUND(rnd("7.5", "int4", kRdn), 0x7u, kInexact);
  EXPECT_ROUND(rnd("7.5", "int4", kRup), 0x7u, kInvalid);
  EXPECT_ROUND(rnd("-8.9", "int4", kRtz), 0x8u, kInexact);
  EXPECT_ROUND(rnd("inf", "int8", kRne), 0x7Fu, kInvalid);
  EXPECT_ROUND(rnd("-inf", "int8", kRne), 0x80u, kInvalid);
  EXPECT_ROUND(rnd("-0", "int8", kRne), 0x00u, 0);
}

// ------------------------------------------------------------------------------------------
// Overflow thresholds per rounding mode

TEST(GoldenOverflow, Float8E4m3fn) {
  const char* f = "float8_e4m3fn";  // max 448 = 1.110b * 2^8, ulp 32; 480 would be the NaN pattern
  Policy sat;
  sat.saturate = true;
  EXPECT_ROUND(rnd("448", f, kRne), 0x7Eu, 0);
  EXPECT_ROUND(rnd("464", f, kRne), 0x7Eu, kInexact);  // tie between 448 (even) and 480
  EXPECT_NAN_RESULT(rnd("464.0000001", f, kRne), f, kOverflow | kInexact);
  EXPECT_ROUND(rnd("464.0000001", f, kRne, sat), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-464", f, kRne), 0xFEu, kInexact);
  EXPECT_NAN_RESULT(rnd("-464.0000001", f, kRne), f, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-464.0000001", f, kRne, sat), 0xFEu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRne, sat), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("463.9999", f, kRna), 0x7Eu, kInexact);
  EXPECT_NAN_RESULT(rnd("464", f, kRna), f, kOverflow | kInexact);  // ties away: 480
  EXPECT_ROUND(rnd("480", f, kRtz), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRtz), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e9", f, kRtz), 0xFEu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("448", f, kRup), 0x7Eu, 0);
  EXPECT_NAN_RESULT(rnd("448.0001", f, kRup), f, kOverflow | kInexact);
  EXPECT_ROUND(rnd("448.0001", f, kRup, sat), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e9", f, kRup), 0xFEu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRdn), 0x7Eu, kOverflow | kInexact);
  EXPECT_NAN_RESULT(rnd("-448.0001", f, kRdn), f, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRod), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e9", f, kRod), 0xFEu, kOverflow | kInexact);
  // stochastic: 449 is 1/32 of the way to 480; 479 is 31/32 of the way
  EXPECT_ROUND(rnd("449", f, kSr, {}, {4, 15}), 0x7Eu, kInexact);  // floor(16/32) + 15 < 16
  EXPECT_ROUND(rnd("479", f, kSr, {}, {4, 0}), 0x7Eu, kInexact);   // floor(16*31/32) = 15, + 0 < 16
  EXPECT_NAN_RESULT(rnd("479", f, kSr, {}, {4, 1}), f, kOverflow | kInexact);
}

TEST(GoldenOverflow, Float16) {
  const char* f = "float16";  // max 65504, ulp 32; the unbounded next value 65536 has an even code
  Policy sat;
  sat.saturate = true;
  EXPECT_ROUND(rnd("65519.99", f, kRne), 0x7BFFu, kInexact);
  EXPECT_ROUND(rnd("65520", f, kRne), 0x7C00u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-65520", f, kRne), 0xFC00u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65520", f, kRne, sat), 0x7BFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65519.99", f, kRna), 0x7BFFu, kInexact);
  EXPECT_ROUND(rnd("65520", f, kRna), 0x7C00u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65520", f, kRtz), 0x7BFFu, kInexact);  // rtz: 65520 lies below 65536, no overflow
  EXPECT_ROUND(rnd("65536", f, kRtz), 0x7BFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRtz), 0x7BFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65504.001", f, kRup), 0x7C00u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e9", f, kRup), 0xFBFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65504.001", f, kRdn), 0x7BFFu, kInexact);
  EXPECT_ROUND(rnd("-65504.001", f, kRdn), 0xFC00u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("65520", f, kRod), 0x7BFFu, kInexact);
  EXPECT_ROUND(rnd("1e9", f, kRod), 0x7BFFu, kOverflow | kInexact);
}

TEST(GoldenOverflow, OtherFormats) {
  // E5M2: max 57344 = 1.11b * 2^15, ulp 8192; tie at 61440 goes to the even 65536 -> inf
  EXPECT_ROUND(rnd("61439.99", "float8_e5m2", kRne), 0x7Bu, kInexact);
  EXPECT_ROUND(rnd("61440", "float8_e5m2", kRne), 0x7Cu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-61440", "float8_e5m2", kRne), 0xFCu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("61440", "float8_e5m2", kRtz), 0x7Bu, kInexact);
  // bfloat16: max 0x1.fep127, half ulp 2^119: 0x1.ffp127 is the tie, going up (max code odd)
  EXPECT_ROUND(rnd("0x1.ffp127", "bfloat16", kRne), 0x7F80u, kOverflow | kInexact);
  EXPECT_ROUND(rnd(ExactValue::rational(false, (BigInt(511) << 119) - 1), "bfloat16", kRne), 0x7F7Fu, kInexact);
  // float32: max 0x1.fffffep127; tie 0x1.ffffffp127 -> inf
  EXPECT_ROUND(rnd("0x1.ffffffp127", "float32", kRne), 0x7F800000u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("0x1.fffffefffp127", "float32", kRne), 0x7F7FFFFFu, kInexact);
  // E4M3 (IEEE-like): max 240, ulp 16, tie 248 -> inf 0x78
  EXPECT_ROUND(rnd("247.99", "float8_e4m3", kRne), 0x77u, kInexact);
  EXPECT_ROUND(rnd("248", "float8_e4m3", kRne), 0x78u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("240.01", "float8_e4m3", kRup), 0x78u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1000", "float8_e4m3", kRtz), 0x77u, kOverflow | kInexact);
  // E3M4: max 15.5, ulp 0.5, tie 15.75 -> inf 0x70
  EXPECT_ROUND(rnd("15.74", "float8_e3m4", kRne), 0x6Fu, kInexact);
  EXPECT_ROUND(rnd("15.75", "float8_e3m4", kRne), 0x70u, kOverflow | kInexact);
  // FNUZ formats: overflow to their single NaN 0x80, or to max with saturation
  Policy sat;
  sat.saturate = true;
  EXPECT_ROUND(rnd("247.99", "float8_e4m3fnuz", kRne), 0x7Fu, kInexact);
  EXPECT_ROUND(rnd("248", "float8_e4m3fnuz", kRne), 0x80u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-248", "float8_e4m3fnuz", kRne), 0x80u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("248", "float8_e4m3fnuz", kRne, sat), 0x7Fu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-248", "float8_e4m3fnuz", kRne, sat), 0xFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("61440", "float8_e5m2fnuz", kRne), 0x80u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("61439", "float8_e5m2fnuz", kRne), 0x7Fu, kInexact);
  EXPECT_ROUND(rnd("30.99", "float8_e4m3b11fnuz", kRne), 0x7Fu, kInexact);  // max 30, ulp 2
  EXPECT_ROUND(rnd("31", "float8_e4m3b11fnuz", kRne), 0x80u, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e9", "float8_e4m3b11fnuz", kRtz), 0x7Fu, kOverflow | kInexact);
  // E8M0: max 2^127; the tie 1.5 * 2^127 stays on the even field 0xFE; beyond: NaN
  // 1.5 * 2^127 is the 2^127/2^128 tie, which goes up (significand parity) and so overflows
  EXPECT_NAN_RESULT(rnd("0x1.8p127", "float8_e8m0fnu", kRne), "float8_e8m0fnu", kOverflow | kInexact);
  EXPECT_ROUND(rnd("0x1.7ffffffp127", "float8_e8m0fnu", kRne), 0xFEu, kInexact);
  EXPECT_ROUND(rnd("0x1.8000001p127", "float8_e8m0fnu", kRne), 0xFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("0x1.0000001p127", "float8_e8m0fnu", kRup), 0xFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("0x1p200", "float8_e8m0fnu", kRtz), 0xFEu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("0x1p200", "float8_e8m0fnu", kRne, sat), 0xFEu, kOverflow | kInexact);
  // FP6 / FP4: no inf, no NaN: always saturate
  EXPECT_ROUND(rnd("7.6", "float6_e2m3fn", kRup), 0x1Fu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("30", "float6_e3m2fn", kRne), 0x1Fu, kOverflow | kInexact);  // tie 28|32 goes to 32
  EXPECT_ROUND(rnd("29.99", "float6_e3m2fn", kRne), 0x1Fu, kInexact);
}

TEST(GoldenOverflow, Fp4SaturatesUnderEveryMode) {
  for (Rounding m : fpc::kAllRoundings) {
    SCOPED_TRACE(std::string(fpc::short_name(m)));
    RandomBits rb = m == kSr ? RandomBits{8, 255} : RandomBits{};
    EXPECT_ROUND(rnd("1e9", "float4_e2m1fn", m, {}, rb), 0x7u, kOverflow | kInexact);
    EXPECT_ROUND(rnd("-1e9", "float4_e2m1fn", m, {}, rb), 0xFu, kOverflow | kInexact);
    EXPECT_IDENTICAL(decoded(fmt("float4_e2m1fn"), rnd("1e9", "float4_e2m1fn", m, {}, rb).code), val("6"));
  }
}

// ------------------------------------------------------------------------------------------
// Subnormals and underflow

TEST(GoldenSubnormal, Float16Boundaries) {
  const char* f = "float16";  // min subnormal 2^-24, largest subnormal 1023 * 2^-24, min normal 2^-14
  EXPECT_IDENTICAL(decoded(fmt(f), 0x03FF), ExactValue::rational(false, 1023, BigInt(1) << 24));
  EXPECT_EQ(fpc::decode(fmt(f), 0x03FF).cls, CodeClass::Subnormal);
  EXPECT_ROUND(rnd("0x1p-24", f, kRne), 0x0001u, 0);  // exact subnormal: tiny but exact, no underflow
  EXPECT_ROUND(rnd("0x1p-25", f, kRne), 0x0000u, kInexact | kUnderflow);  // tie 0|1: even 0
  EXPECT_ROUND(rnd("-0x1p-25", f, kRne), 0x8000u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1.000001p-25", f, kRne), 0x0001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-25", f, kRna), 0x0001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-25", f, kRup), 0x0001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-25", f, kRtz), 0x0000u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0x1p-25", f, kRdn), 0x8001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0x1p-25", f, kRup), 0x8000u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-100", f, kRup), 0x0001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1.8p-24", f, kRne), 0x0002u, kInexact | kUnderflow);  // tie 1|2: even 2
  EXPECT_ROUND(rnd("0x1.4p-23", f, kRne), 0x0002u, kInexact | kUnderflow);  // 2.5: tie 2|3
  EXPECT_ROUND(rnd("0x1.4p-23", f, kRna), 0x0003u, kInexact | kUnderflow);
  // subnormal/normal boundary: 1023.5 * 2^-24 is a tie between 0x03FF and 0x0400 (even).
  // With an unbounded exponent it is exactly representable (2047 * 2^-25), below 2^-14: tiny.
  EXPECT_ROUND(rnd(ExactValue::rational(false, 2047, BigInt(1) << 25), f, kRne), 0x0400u, kInexact | kUnderflow);
  // 2^-14 - 2^-26 rounds (unbounded, 11 bits at 2^-25: 2047.5 -> 2048) to 2^-14 itself: NOT tiny.
  ExactValue just_below = ExactValue::rational(false, 4095, BigInt(1) << 26);
  EXPECT_ROUND(rnd(just_below, f, kRne), 0x0400u, kInexact);
  EXPECT_ROUND(rnd(just_below, f, kRna), 0x0400u, kInexact);
  EXPECT_ROUND(rnd(just_below, f, kRtz), 0x03FFu, kInexact | kUnderflow);
  EXPECT_ROUND(rnd(just_below.negated(), f, kRne), 0x8400u, kInexact);
  // 2^-14 - 2^-40: rounds up to 2^-14 both bounded and unbounded
  ExactValue very_close = ExactValue::rational(false, (BigInt(1) << 26) - 1, BigInt(1) << 40);
  EXPECT_ROUND(rnd(very_close, f, kRup), 0x0400u, kInexact);
  EXPECT_ROUND(rnd(very_close, f, kRne), 0x0400u, kInexact);
  EXPECT_ROUND(rnd(very_close, f, kRdn), 0x03FFu, kInexact | kUnderflow);
  // just below the boundary tie: 0x03FF, tiny
  ExactValue below_tie = ExactValue::rational(false, (BigInt(2047) << 15) - 1, BigInt(1) << 40);
  EXPECT_ROUND(rnd(below_tie, f, kRne), 0x03FFu, kInexact | kUnderflow);
  // min normal exactly
  EXPECT_ROUND(rnd("0x1p-14", f, kRne), 0x0400u, 0);
}

TEST(GoldenSubnormal, OtherFormats) {
  // E4M3FN: min subnormal 2^-9; 2^-10 is the tie 0|1
  EXPECT_ROUND(rnd("0x1p-10", "float8_e4m3fn", kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1.8p-10", "float8_e4m3fn", kRne), 0x01u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0x1.8p-10", "float8_e4m3fn", kRne), 0x81u, kInexact | kUnderflow);
  // 7.5 * 2^-9 (between 0x07 and the min normal 0x08): tie goes to 0x08 (even)
  EXPECT_ROUND(rnd("0x1.ep-7", "float8_e4m3fn", kRne), 0x08u, kInexact | kUnderflow);
  // FNUZ: tiny negative values that round to zero become +0 (there is no -0)
  EXPECT_ROUND(rnd("-0x1p-20", "float8_e4m3fnuz", kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0", "float8_e4m3fnuz", kRne), 0x00u, 0);
  // bfloat16: largest subnormal 127 * 2^-133; the tie with 2^-126 goes to the normal
  EXPECT_ROUND(rnd(ExactValue::rational(false, 255, BigInt(1) << 134), "bfloat16", kRne), 0x0080u,
               kInexact | kUnderflow);
  // E8M0: no zero; anything below 2^-127 gives 2^-127
  EXPECT_ROUND(rnd("0x1p-200", "float8_e8m0fnu", kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-200", "float8_e8m0fnu", kRtz), 0x00u, kInexact | kUnderflow);
  // FP4: 0.25 is the tie 0|0.5
  EXPECT_ROUND(rnd("0.25", "float4_e2m1fn", kRne), 0x0u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.26", "float4_e2m1fn", kRne), 0x1u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.75", "float4_e2m1fn", kRne), 0x2u, kInexact | kUnderflow);  // tie 0.5|1: even 1.0
  EXPECT_ROUND(rnd("2.5", "float4_e2m1fn", kRne), 0x4u, kInexact);                 // tie 2|3: even 2
  EXPECT_ROUND(rnd("5", "float4_e2m1fn", kRne), 0x6u, kInexact);                   // tie 4|6: even 4
  EXPECT_ROUND(rnd("5", "float4_e2m1fn", kRna), 0x7u, kInexact);
}

// ------------------------------------------------------------------------------------------
// The tie flag: the rounding core reports whether the exact value lay halfway between its two
// neighbours (the checker classifies tie_breaking by it).

TEST(GoldenRounding, TieFlagOnHandWrittenMidpoints) {
  for (Rounding m : {kRne, kRna, kRtz, kRup, kRdn, kRod}) {
    EXPECT_TRUE(rnd(val("1.0625"), "float8_e4m3fn", m).tie);    // between 1 and 1.125
    EXPECT_TRUE(rnd(val("-0.25"), "float4_e2m1fn", m).tie);     // between -0 and -0.5
    EXPECT_TRUE(rnd(val("1.00048828125"), "float16", m).tie);   // 1 + 2^-11
    EXPECT_TRUE(rnd(val("3"), "float8_e8m0fnu", m).tie);        // between 2 and 4
    EXPECT_TRUE(rnd(val("2.5"), "int8", m).tie);
    EXPECT_FALSE(rnd(val("1.0625000001"), "float8_e4m3fn", m).tie);
    EXPECT_FALSE(rnd(val("1.125"), "float8_e4m3fn", m).tie);    // exact
    EXPECT_FALSE(rnd(val("2.4"), "int8", m).tie);
  }
}

// Every midpoint of two neighbouring finite values of every format of at most 8 bits, computed
// here as (a + b) / 2, is a tie in every mode; a 2^-20 part of the gap either side is not.
TEST(GoldenRounding, TieFlagOnEveryMidpointOfSmallFormats) {
  for (const Format& f : fpc::builtin_formats()) {
    if (f.bits() > 8) continue;
    std::vector<ExactValue> values;
    for (uint64_t c = 0; c <= f.code_mask(); ++c) {
      const ExactValue v = decoded(f, c);
      if (v.is_finite_nonzero() || v.is_zero()) values.push_back(v);
    }
    std::sort(values.begin(), values.end(), [](const ExactValue& a, const ExactValue& b) { return fpc::compare(a, b) < 0; });
    size_t midpoints = 0;
    for (size_t i = 0; i + 1 < values.size(); ++i) {
      if (fpc::compare(values[i], values[i + 1]) == 0) continue;  // -0 and +0
      std::vector<ExactValue> ab = {values[i], values[i + 1]};
      const ExactValue sum = fpc::exact_op(fpc::Op::Add, ab, kRne).value;
      std::vector<ExactValue> half_of = {sum, val("0.5")};
      const ExactValue mid = fpc::exact_op(fpc::Op::Mul, half_of, kRne).value;
      std::vector<ExactValue> gap_of = {values[i + 1], values[i]};
      const ExactValue gap = fpc::exact_op(fpc::Op::Sub, gap_of, kRne).value;
      std::vector<ExactValue> nudge_of = {gap, val("0x1p-20")};
      const ExactValue nudge = fpc::exact_op(fpc::Op::Mul, nudge_of, kRne).value;
      std::vector<ExactValue> above_of = {mid, nudge}, below_of = {mid, nudge};
      const ExactValue above = fpc::exact_op(fpc::Op::Add, above_of, kRne).value;
      const ExactValue below = fpc::exact_op(fpc::Op::Sub, below_of, kRne).value;
      for (Rounding m : {kRne, kRna, kRtz, kRup, kRdn, kRod}) {
        Policy p;
        p.saturate = true;
        EXPECT_TRUE(fpc::round_to_format(mid, f, m, p).tie) << f.name << " midpoint " << fpc::to_exact_string(mid);
        EXPECT_FALSE(fpc::round_to_format(above, f, m, p).tie) << f.name << " above " << fpc::to_exact_string(mid);
        EXPECT_FALSE(fpc::round_to_format(below, f, m, p).tie) << f.name << " below " << fpc::to_exact_string(mid);
        EXPECT_FALSE(fpc::round_to_format(values[i], f, m, p).tie) << f.name << " value " << fpc::to_exact_string(values[i]);
      }
      ++midpoints;
    }
    EXPECT_GT(midpoints, 0u) << f.name;
  }
}

// Round to odd

TEST(GoldenRounding, RoundToOdd) {
  const char* f = "float16";
  EXPECT_ROUND(rnd("1", f, kRod), 0x3C00u, 0);               // exact: unchanged even code
  EXPECT_ROUND(rnd("0x1.002p0", f, kRod), 0x3C01u, kInexact);  // 1 + 2^-11, a tie: odd
  EXPECT_ROUND(rnd("0x1.001p0", f, kRod), 0x3C01u, kInexact);  // 1 + 2^-12
  EXPECT_ROUND(rnd("0x1.005p0", f, kRod), 0x3C01u, kInexact);  // between 0x3C01 and 0x3C02
  EXPECT_ROUND(rnd("0x1.009p0", f, kRod), 0x3C03u, kInexact);  // between 0x3C02 and 0x3C03
  EXPECT_ROUND(rnd("-0x1.001p0", f, kRod), 0xBC01u, kInexact);
  EXPECT_ROUND(rnd("0x1.fffp0", f, kRod), 0x3FFFu, kInexact);  // between 0x3FFF and 2.0
  EXPECT_ROUND(rnd("0x1p-30", f, kRod), 0x0001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0x1p-30", f, kRod), 0x8001u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("3.14", "float8_e4m3fn", kRod), 0x45u, kInexact);  // between 3.0 (0x44) and 3.25 (0x45)
  EXPECT_ROUND(rnd("3.3", "float8_e4m3fn", kRod), 0x45u, kInexact);   // between 3.25 (0x45) and 3.5 (0x46)
  // rod into a wider format, then rne into the narrow one, equals a direct rne (the reason rod exists):
  // 1 + 2^-11 + 2^-30 -> float32 rod -> float16 rne must not see a false tie
  ExactValue x = val("0x1.00200004p0");
  RoundResult wide = fpc::round_to_format(x, fmt("float32"), kRod);
  RoundResult twice = fpc::convert(wide.code, fmt("float32"), fmt(f), kRne);
  EXPECT_EQ(hex(twice.code), hex(0x3C01u));
  EXPECT_EQ(hex(rnd(x, f, kRne).code), hex(0x3C01u));
}

// ------------------------------------------------------------------------------------------
// Stochastic rounding: with k bits and f the exact fraction, up iff floor(f * 2^k) + r >= 2^k

// x = base + frac * ulp in float16 around 1 (ulp 2^-10), frac = fn/fd in [0, 1)
ExactValue one_plus(const BigInt& fn, const BigInt& fd) {
  return ExactValue::rational(false, (BigInt(1) << 10) * fd + fn, (BigInt(1) << 10) * fd);
}

TEST(GoldenRounding, StochasticSpecificCases) {
  const char* f = "float16";
  ExactValue x = one_plus(3, 10);  // f = 0.3 above 1.0 (0x3C00)
  EXPECT_IDENTICAL(x, val("10243/10240"));
  // k = 4: floor(0.3 * 16) = 4 -> up iff r >= 12
  EXPECT_ROUND(rnd(x, f, kSr, {}, {4, 11}), 0x3C00u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {4, 12}), 0x3C01u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {4, 15}), 0x3C01u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {4, 0}), 0x3C00u, kInexact);
  // k = 8: floor(0.3 * 256) = 76 -> up iff r >= 180
  EXPECT_ROUND(rnd(x, f, kSr, {}, {8, 179}), 0x3C00u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {8, 180}), 0x3C01u, kInexact);
  // k = 1: floor(0.6) = 0 -> never up
  EXPECT_ROUND(rnd(x, f, kSr, {}, {1, 1}), 0x3C00u, kInexact);
  // k = 0: truncation
  EXPECT_ROUND(rnd(x, f, kSr, {}, {0, 0}), 0x3C00u, kInexact);
  // k = 64: floor(0.3 * 2^64) = 5534023222112865484 -> up iff r >= 12912720851596686132
  EXPECT_ROUND(rnd(x, f, kSr, {}, {64, 12912720851596686131u}), 0x3C00u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {64, 12912720851596686132u}), 0x3C01u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {64, ~uint64_t{0}}), 0x3C01u, kInexact);
  EXPECT_ROUND(rnd(x, f, kSr, {}, {64, 0}), 0x3C00u, kInexact);
  // the sign: the magnitude rounds
  EXPECT_ROUND(rnd(x.negated(), f, kSr, {}, {4, 12}), 0xBC01u, kInexact);
  EXPECT_ROUND(rnd(x.negated(), f, kSr, {}, {4, 11}), 0xBC00u, kInexact);
  // exact values never move
  EXPECT_ROUND(rnd("1", f, kSr, {}, {4, 15}), 0x3C00u, 0);
  EXPECT_ROUND(rnd("1", f, kSr, {}, {64, ~uint64_t{0}}), 0x3C00u, 0);
  // invalid random bits
  EXPECT_THROW(rnd(x, f, kSr, {}, {65, 0}), fpc::InputError);
  EXPECT_THROW(rnd(x, f, kSr, {}, {4, 16}), fpc::InputError);
  EXPECT_THROW(rnd(x, f, kSr, {}, {-1, 0}), fpc::InputError);
}

TEST(GoldenRounding, StochasticCountsOverAllRandomValues) {
  struct Case {
    const char* format;
    ExactValue x;
    uint64_t lower, upper;  // codes of the neighbours nearer to / farther from zero
    BigInt fn, fd;          // the exact fraction of the gap
  };
  const std::vector<Case> cases = {
      {"float16", one_plus(3, 10), 0x3C00, 0x3C01, 3, 10},
      {"float16", one_plus(1, 2), 0x3C00, 0x3C01, 1, 2},
      {"float16", one_plus(1023, 1024), 0x3C00, 0x3C01, 1023, 1024},
      {"float16", one_plus(1, 1000003), 0x3C00, 0x3C01, 1, 1000003},
      {"float16", one_plus(2, 3).negated(), 0xBC00, 0xBC01, 2, 3},
      // subnormal: (5 + 7/9) * 2^-24
      {"float16", ExactValue::rational(false, 52, BigInt(9) << 24), 0x0005, 0x0006, 7, 9},
      // E4M3FN around 1 (ulp 1/8): 1 + (5/7)/8
      {"float8_e4m3fn", ExactValue::rational(false, 61, 56), 0x38, 0x39, 5, 7},
      // bnb-like: FP4 between 2 and 3: 2 + 1/3
      {"float4_e2m1fn", val("7/3"), 0x4, 0x5, 1, 3},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.format) + " " + fpc::to_exact_string(c.x));
    for (int k = 1; k <= 10; ++k) {
      uint64_t n = uint64_t{1} << k;
      uint64_t want_up = static_cast<uint64_t>(BigInt(c.fn * n / c.fd));
      uint64_t ups = 0;
      for (uint64_t r = 0; r < n; ++r) {
        RoundResult res = rnd(c.x, c.format, kSr, {}, {k, r});
        bool up = res.code == c.upper;
        EXPECT_TRUE(up || res.code == c.lower) << "k=" << k << " r=" << r << " gave " << hex(res.code);
        EXPECT_EQ(up, want_up + r >= n) << "k=" << k << " r=" << r;
        ups += up ? 1 : 0;
      }
      EXPECT_EQ(ups, want_up) << "k=" << k;
    }
  }
}

// ------------------------------------------------------------------------------------------
// Exception flags

TEST(GoldenFlags, EachFlag) {
  const Format& f16 = fmt("float16");
  EXPECT_ROUND(rnd("1/3", "float16", kRne), 0x3555u, kInexact);  // 1/3 = 0x1.5555...p-2
  EXPECT_ROUND(rnd("1.5", "float16", kRne), 0x3E00u, 0);
  EXPECT_ROUND(rnd("0x1p-20", "float16", kRne), 0x0010u, 0);  // subnormal, exact: no underflow
  EXPECT_ROUND(rnd("1e-7", "float16", kRne), 0x0002u, kInexact | kUnderflow);  // 1e-7 / 2^-24 = 1.68
  EXPECT_ROUND(rnd("1e6", "float16", kRne), 0x7C00u, kOverflow | kInexact);
  const uint64_t inf = 0x7C00, ninf = 0xFC00, zero = 0x0000, nzero = 0x8000, one = 0x3C00, mone = 0xBC00;
  auto ev = [&](fpc::Op op, std::vector<uint64_t> codes, Rounding m = kRne) {
    return fpc::eval(op, codes, f16, f16, m);
  };
  RoundResult r = ev(fpc::Op::Sub, {inf, inf});
  EXPECT_EQ(fpc::decode(f16, r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, unsigned{kInvalid});
  r = ev(fpc::Op::Add, {inf, ninf});
  EXPECT_EQ(fpc::decode(f16, r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, unsigned{kInvalid});
  r = ev(fpc::Op::Mul, {zero, inf});
  EXPECT_EQ(fpc::decode(f16, r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, unsigned{kInvalid});
  EXPECT_ROUND(ev(fpc::Op::Div, {one, zero}), 0x7C00u, kDivByZero);
  EXPECT_ROUND(ev(fpc::Op::Div, {mone, zero}), 0xFC00u, kDivByZero);
  EXPECT_ROUND(ev(fpc::Op::Div, {one, nzero}), 0xFC00u, kDivByZero);
  r = ev(fpc::Op::Sqrt, {mone});
  EXPECT_EQ(fpc::decode(f16, r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, unsigned{kInvalid});
  // NaN in gives NaN out, quietly
  r = ev(fpc::Op::Add, {0x7E00, one});
  EXPECT_EQ(fpc::decode(f16, r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, 0u);
  // NaN into a format without NaN: invalid
  EXPECT_EQ(rnd("nan", "float4_e2m1fn", kRne).flags, unsigned{kInvalid});
  // flags_to_string names
  EXPECT_EQ(fpc::flags_to_string(0), "");
  EXPECT_EQ(fpc::flags_to_string(kInexact | kOverflow), "inexact|overflow");
  EXPECT_EQ(fpc::flags_to_string(kInvalid | kDivByZero | kUnderflow), "underflow|invalid|divide_by_zero");
}

// ------------------------------------------------------------------------------------------
// Policies

TEST(GoldenPolicy, SaturateAndInfinities) {
  Policy sat;
  sat.saturate = true;
  Policy sat_nan = sat;
  sat_nan.inf_under_saturation = fpc::InfUnderSaturation::NaN;
  EXPECT_NAN_RESULT(rnd("1000", "float8_e4m3fn", kRne), "float8_e4m3fn", kOverflow | kInexact);
  EXPECT_ROUND(rnd("1000", "float8_e4m3fn", kRne, sat), 0x7Eu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("1e6", "float16", kRne, sat), 0x7BFFu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e6", "float16", kRne, sat), 0xFBFFu, kOverflow | kInexact);
  // infinite inputs
  EXPECT_ROUND(rnd("inf", "float16", kRne), 0x7C00u, 0);
  EXPECT_ROUND(rnd("-inf", "float16", kRne), 0xFC00u, 0);
  EXPECT_EQ(hex(rnd("inf", "float16", kRne, sat).code), hex(0x7BFFu));
  EXPECT_EQ(hex(rnd("-inf", "float16", kRne, sat).code), hex(0xFBFFu));
  // ml_dtypes-style saturation leaves infinity unsaturated where the format has it
  EXPECT_EQ(hex(rnd("inf", "float16", kRne, sat_nan).code), hex(0x7C00u));
  // into E4M3FN (no inf): NaN unless saturating with inf -> max
  const Format& f16 = fmt("float16");
  const Format& e4m3fn = fmt("float8_e4m3fn");
  EXPECT_EQ(fpc::decode(e4m3fn, fpc::convert(0x7C00, f16, e4m3fn, kRne).code).cls, CodeClass::NaN);
  EXPECT_EQ(hex(fpc::convert(0x7C00, f16, e4m3fn, kRne, sat).code), hex(0x7Eu));
  EXPECT_EQ(hex(fpc::convert(0xFC00, f16, e4m3fn, kRne, sat).code), hex(0xFEu));
  EXPECT_EQ(fpc::decode(e4m3fn, fpc::convert(0x7C00, f16, e4m3fn, kRne, sat_nan).code).cls, CodeClass::NaN);
  EXPECT_EQ(hex(fpc::convert(0x7C00, f16, fmt("float8_e5m2"), kRne, sat).code), hex(0x7Bu));
  EXPECT_EQ(hex(fpc::convert(0x7C00, f16, fmt("float8_e5m2"), kRne).code), hex(0x7Cu));
  EXPECT_EQ(hex(fpc::convert(0x7C00, f16, fmt("float8_e4m3fnuz"), kRne).code), hex(0x80u));
  // into FP4 (no inf, no NaN): always the extreme value
  EXPECT_EQ(hex(fpc::convert(0x7C00, f16, fmt("float4_e2m1fn"), kRne).code), hex(0x7u));
  EXPECT_EQ(hex(fpc::convert(0xFC00, f16, fmt("float4_e2m1fn"), kRne).code), hex(0xFu));
}

TEST(GoldenPolicy, NanIntoFormatWithoutNan) {
  Policy pin_max, pin_zero, pin_nzero;
  pin_max.nan_into_no_nan = fpc::NanIntoNoNan::PositiveMax;
  pin_zero.nan_into_no_nan = fpc::NanIntoNoNan::PositiveZero;
  pin_nzero.nan_into_no_nan = fpc::NanIntoNoNan::NegativeZero;
  RoundResult r = rnd("nan", "float4_e2m1fn", kRne);
  EXPECT_TRUE(r.implementation_defined);
  EXPECT_TRUE(r.flags & kInvalid);
  EXPECT_EQ(hex(r.code), hex(0x7u));  // documented default: +max for float formats
  r = rnd("nan", "float4_e2m1fn", kRne, pin_max);
  EXPECT_FALSE(r.implementation_defined);
  EXPECT_EQ(hex(r.code), hex(0x7u));
  r = rnd("nan", "float4_e2m1fn", kRne, pin_zero);
  EXPECT_FALSE(r.implementation_defined);
  EXPECT_EQ(hex(r.code), hex(0x0u));
  r = rnd("nan", "float4_e2m1fn", kRne, pin_nzero);
  EXPECT_FALSE(r.implementation_defined);
  EXPECT_EQ(hex(r.code), hex(0x8u));
  EXPECT_EQ(hex(rnd("nan", "float6_e2m3fn", kRne, pin_nzero).code), hex(0x20u));
  EXPECT_EQ(hex(rnd("nan", "float6_e3m2fn", kRne, pin_max).code), hex(0x1Fu));
  // integers: +0 by default, still implementation-defined; they have no -0
  r = rnd("nan", "int8", kRne);
  EXPECT_TRUE(r.implementation_defined);
  EXPECT_EQ(hex(r.code), hex(0x0u));
  EXPECT_EQ(hex(rnd("nan", "int8", kRne, pin_max).code), hex(0x7Fu));
  EXPECT_FALSE(rnd("nan", "int8", kRne, pin_max).implementation_defined);
  // code tables: nf4's zero is code 7, its max (1.0) code 15
  EXPECT_EQ(hex(rnd("nan", "nf4", kRne, pin_zero).code), hex(7u));
  EXPECT_EQ(hex(rnd("nan", "nf4", kRne, pin_max).code), hex(15u));
  // formats with a NaN are not implementation-defined
  r = rnd("nan", "float8_e4m3fn", kRne);
  EXPECT_FALSE(r.implementation_defined);
  EXPECT_EQ(fpc::decode(fmt("float8_e4m3fn"), r.code).cls, CodeClass::NaN);
  EXPECT_EQ(r.flags, 0u);
  r = rnd("nan", "float8_e4m3fnuz", kRne);
  EXPECT_EQ(hex(r.code), hex(0x80u));
}

TEST(GoldenPolicy, FlushToZeroAndDenormalsAreZero) {
  Policy ftz, daz;
  ftz.ftz = true;
  daz.daz = true;
  EXPECT_ROUND(rnd("0x1p-20", "float16", kRne), 0x0010u, 0);
  EXPECT_ROUND(rnd("0x1p-20", "float16", kRne, ftz), 0x0000u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0x1p-20", "float16", kRne, ftz), 0x8000u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0x1p-14", "float16", kRne, ftz), 0x0400u, 0);
  EXPECT_ROUND(rnd("1", "float16", kRne, ftz), 0x3C00u, 0);
  // rounds up to the min normal: the result is not subnormal, so it is not flushed
  EXPECT_ROUND(rnd(ExactValue::rational(false, 4095, BigInt(1) << 26), "float16", kRne, ftz), 0x0400u, kInexact);
  EXPECT_ROUND(rnd("0x1p-8", "float8_e4m3fn", kRne), 0x02u, 0);  // subnormal 2 * 2^-9
  EXPECT_ROUND(rnd("0x1p-8", "float8_e4m3fn", kRne, ftz), 0x00u, kInexact | kUnderflow);
  // daz: subnormal operands read as zero of the same sign
  const Format& f16 = fmt("float16");
  const Format& f32 = fmt("float32");
  EXPECT_EQ(hex(fpc::convert(0x0001, f16, f32, kRne).code), hex(0x33800000u));  // 2^-24
  EXPECT_EQ(hex(fpc::convert(0x0001, f16, f32, kRne, daz).code), hex(0x00000000u));
  EXPECT_EQ(hex(fpc::convert(0x8001, f16, f32, kRne, daz).code), hex(0x80000000u));
  EXPECT_EQ(hex(fpc::convert(0x0400, f16, f32, kRne, daz).code), hex(0x38800000u));  // 2^-14 stays
  const uint64_t pair[2] = {0x0001, 0x0001};
  EXPECT_EQ(hex(fpc::eval(fpc::Op::Add, pair, f16, f16, kRne).code), hex(0x0002u));
  EXPECT_EQ(hex(fpc::eval(fpc::Op::Add, pair, f16, f16, kRne, daz).code), hex(0x0000u));
  EXPECT_EQ(fpc::decode(f16, 0x03FF, true).cls, CodeClass::Zero);
  EXPECT_IDENTICAL(fpc::decode(f16, 0x83FF, true).value, ExactValue::zero(true));
  EXPECT_EQ(fpc::compare_codes(f16, 0x0001, 0x0000, true), fpc::Ordering::Equal);
  EXPECT_EQ(fpc::compare_codes(f16, 0x0001, 0x0000, false), fpc::Ordering::Greater);
}

// ------------------------------------------------------------------------------------------
// User specs

void expect_same_codes(const Format& a, const Format& b) {
  ASSERT_EQ(a.bits(), b.bits());
  for (uint64_t c = 0; c < a.code_count(); ++c) {
    fpc::Decoded da = fpc::decode(a, c), db = fpc::decode(b, c);
    EXPECT_EQ(da.cls, db.cls) << hex(c);
    EXPECT_TRUE(fpc::identical(da.value, db.value)) << hex(c);
  }
  // rounding: every code's value and every midpoint of neighbouring codes, all modes
  for (uint64_t c = 0; c + 1 < a.code_count(); ++c) {
    ExactValue v = fpc::decode(a, c).value, w = fpc::decode(a, c + 1).value;
    std::vector<ExactValue> xs = {v};
    if (v.is_finite_nonzero() && w.is_finite_nonzero() && v.negative == w.negative)
      xs.push_back(ExactValue::rational(v.negative, v.num * w.den + w.num * v.den, v.den * w.den * 2));
    for (const ExactValue& x : xs)
      for (Rounding m : fpc::kAllRoundings) {
        RandomBits rb = m == kSr ? RandomBits{3, 5} : RandomBits{};
        RoundResult ra = fpc::round_to_format(x, a, m, {}, rb), rb2 = fpc::round_to_format(x, b, m, {}, rb);
        EXPECT_EQ(ra.code, rb2.code) << fpc::to_exact_string(x) << " " << fpc::short_name(m);
        EXPECT_EQ(ra.flags, rb2.flags) << fpc::to_exact_string(x) << " " << fpc::short_name(m);
      }
  }
}

TEST(GoldenUserSpecs, E4m3IsFloat8E4m3) {
  const Format& user = fmt("e4m3");
  const Format& builtin = fmt("float8_e4m3");
  EXPECT_NE(&user, &builtin);
  EXPECT_TRUE(user.is_user_defined);
  EXPECT_EQ(user.exp_bits, 4);
  EXPECT_EQ(user.man_bits, 3);
  EXPECT_EQ(user.bias, 7);
  EXPECT_EQ(user.nonfinite, fpc::NonFinite::Ieee);
  EXPECT_TRUE(user.has_sign);
  EXPECT_TRUE(user.has_subnormals);
  EXPECT_EQ(user.name, "e4m3");
  EXPECT_IDENTICAL(decoded(user, 0x77), val("240"));
  expect_same_codes(user, builtin);
}

TEST(GoldenUserSpecs, E5m2FnuzSpec) {
  const Format& user = fmt("e5m2:bias=16:nan=fnuz");
  EXPECT_EQ(user.name, "e5m2:bias=16:nan=fnuz");
  EXPECT_EQ(&fmt("e5m2:nan=fnuz:bias=16"), &user);  // same canonical spec, same interned format
  EXPECT_EQ(fpc::canonical_spec(user), "e5m2:bias=16:nan=fnuz");
  EXPECT_EQ(fpc::decode(user, 0x80).cls, CodeClass::NaN);
  EXPECT_IDENTICAL(decoded(user, 0x7F), val("57344"));
  expect_same_codes(user, fmt("float8_e5m2fnuz"));
}

TEST(GoldenUserSpecs, E3m2FiniteWithoutSubnormals) {
  const Format& f = fmt("e3m2:nan=none:subnormals=off");
  const char* n = "e3m2:nan=none:subnormals=off";
  EXPECT_EQ(f.name, n);
  EXPECT_FALSE(f.has_subnormals);
  EXPECT_FALSE(f.has_nan());
  EXPECT_FALSE(f.has_inf());
  EXPECT_EQ(f.bits(), 6);
  // exponent field 0 encodes only zeros
  for (uint64_t c = 0; c < 4; ++c) {
    EXPECT_EQ(fpc::decode(f, c).cls, CodeClass::Zero) << c;
    EXPECT_IDENTICAL(decoded(f, c), ExactValue::zero(false));
    EXPECT_IDENTICAL(decoded(f, c | 0x20), ExactValue::zero(true));
  }
  EXPECT_EQ(hex(f.min_positive_code()), hex(0x04u));
  EXPECT_IDENTICAL(decoded(f, 0x04), val("0.25"));
  EXPECT_EQ(hex(f.max_finite_code()), hex(0x1Fu));
  EXPECT_IDENTICAL(decoded(f, 0x1F), val("28"));
  for (uint64_t c = 0; c < 64; ++c) EXPECT_NE(fpc::decode(f, c).cls, CodeClass::NaN);
  EXPECT_ROUND(rnd("0.1", n, kRne), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.2", n, kRne), 0x04u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0.2", n, kRne), 0x24u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("-0.1", n, kRne), 0x20u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.01", n, kRup), 0x04u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.24", n, kRtz), 0x00u, kInexact | kUnderflow);
  EXPECT_ROUND(rnd("0.25", n, kRtz), 0x04u, 0);
  EXPECT_ROUND(rnd("1e9", n, kRne), 0x1Fu, kOverflow | kInexact);
  EXPECT_ROUND(rnd("-1e9", n, kRup), 0x3Fu, kOverflow | kInexact);
}

TEST(GoldenUserSpecs, BadSpecsThrow) {
  const char* const bad[] = {"e0m3",         "e16m2",         "e4m3:bias=x",       "e4m3:foo",
                             "e2m70",        "e1m3",          "",                  "e1m3:nan=ieee",
                             "e4m3:bias=",   "e4m3:nan=xyz",  "e4m3:subnormals=x", "e4m3:bias=1:bias=2",
                             "x4m3",         "e4",            "e4m",               "em3",
                             "e4m3:unsigned=1", "e4m3:",      "e4m3:nan=fnuz:unsigned", "e15m62"};
  for (const char* s : bad) EXPECT_THROW(fmt(s), fpc::InputError) << "'" << s << "'";
  EXPECT_NO_THROW(fmt("e8m7"));
  EXPECT_NO_THROW(fmt("e11m52"));
  EXPECT_NO_THROW(fmt("e5m2:nan=fn"));
}

}  // namespace
