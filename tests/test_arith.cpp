// Exact arithmetic: IEEE 754-2019 special cases written by hand, and a cross-check of add, mul,
// div and sqrt against an independent reference written here: codes decoded by hand from the
// format's spec parameters, results computed in boost::multiprecision::cpp_rational, rounded by
// a search over the sorted list of the format's values (nearest with ties to the even code, or
// directed) -- sharing no code with the oracle's decode and rounding.
#include "test_support.hpp"
#include "fpconform/arith.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <boost/multiprecision/cpp_int.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace {

using fpc::BigInt;
using fpc::CodeClass;
using fpc::ExactValue;
using fpc::Format;
using fpc::Op;
using fpc::Ordering;
using fpc::RoundResult;
using fpc::Rounding;
using Q = boost::multiprecision::cpp_rational;

constexpr Rounding kRne = Rounding::NearestEven, kRna = Rounding::NearestAway, kRtz = Rounding::TowardZero,
                   kRup = Rounding::TowardPositive, kRdn = Rounding::TowardNegative;

const Format& fmt(const char* name) { return fpc::format_by_name(name); }
std::string hex(uint64_t c) { return "0x" + BigInt(c).str(0, std::ios_base::hex); }

RoundResult ev(Op op, std::vector<uint64_t> codes, const char* format = "float16", Rounding m = kRne) {
  return fpc::eval(op, codes, fmt(format), fmt(format), m);
}
bool is_nan(const char* format, uint64_t code) { return fpc::decode(fmt(format), code).cls == CodeClass::NaN; }

#define EXPECT_EVAL(result, want_code, want_flags)                                          \
  do {                                                                                      \
    RoundResult r_ = (result);                                                              \
    EXPECT_EQ(hex(r_.code), hex(want_code)) << #result;                                     \
    EXPECT_EQ(fpc::flags_to_string(r_.flags), fpc::flags_to_string(want_flags)) << #result; \
  } while (0)
#define EXPECT_EVAL_NAN(result, format, want_flags)                                         \
  do {                                                                                      \
    RoundResult r_ = (result);                                                              \
    EXPECT_TRUE(is_nan(format, r_.code)) << #result << " gave " << hex(r_.code);            \
    EXPECT_EQ(fpc::flags_to_string(r_.flags), fpc::flags_to_string(want_flags)) << #result; \
  } while (0)

// float16 codes used below
constexpr uint64_t kZero = 0x0000, kNegZero = 0x8000, kOne = 0x3C00, kNegOne = 0xBC00, kTwo = 0x4000,
                   kThree = 0x4200, kFour = 0x4400, kInf = 0x7C00, kNegInf = 0xFC00, kNaN = 0x7E00,
                   kMinSub = 0x0001;
constexpr unsigned kInexact = fpc::kInexact, kInvalid = fpc::kInvalid, kDivByZero = fpc::kDivideByZero,
                   kOverflow = fpc::kOverflow, kUnderflow = fpc::kUnderflow;

// ------------------------------------------------------------------------------------------
// IEEE special cases

TEST(ArithSpecial, InfinitiesAndInvalid) {
  EXPECT_EVAL_NAN(ev(Op::Sub, {kInf, kInf}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Add, {kNegInf, kInf}), "float16", kInvalid);
  EXPECT_EVAL(ev(Op::Add, {kInf, kInf}), kInf, 0);
  EXPECT_EVAL(ev(Op::Sub, {kInf, kNegInf}), kInf, 0);
  EXPECT_EVAL(ev(Op::Add, {kNegInf, 0x7BFF}), kNegInf, 0);
  EXPECT_EVAL_NAN(ev(Op::Mul, {kZero, kInf}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Mul, {kNegInf, kNegZero}), "float16", kInvalid);
  EXPECT_EVAL(ev(Op::Mul, {kNegInf, kNegOne}), kInf, 0);
  EXPECT_EVAL(ev(Op::Mul, {kInf, kNegOne}), kNegInf, 0);
  EXPECT_EVAL_NAN(ev(Op::Div, {kZero, kZero}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Div, {kNegZero, kZero}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Div, {kInf, kNegInf}), "float16", kInvalid);
  EXPECT_EVAL(ev(Op::Div, {kInf, kTwo}), kInf, 0);
  EXPECT_EVAL(ev(Op::Div, {kInf, kNegZero}), kNegInf, 0);  // inf / 0 is exact: no divide-by-zero
  EXPECT_EVAL(ev(Op::Div, {kThree, kInf}), kZero, 0);
  EXPECT_EVAL(ev(Op::Div, {kThree, kNegInf}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Div, {kNegZero, kThree}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Div, {kZero, kNegOne}), kNegZero, 0);
}

TEST(ArithSpecial, DivideByZero) {
  EXPECT_EVAL(ev(Op::Div, {kOne, kZero}), kInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {kNegOne, kZero}), kNegInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {kOne, kNegZero}), kNegInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {kNegOne, kNegZero}), kInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {kMinSub, kZero}), kInf, kDivByZero);
  // the exact result is infinite in every rounding mode
  EXPECT_EVAL(ev(Op::Div, {kOne, kZero}, "float16", kRtz), kInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {kOne, kZero}, "float16", kRdn), kInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Div, {0x3C, 0x00}, "float8_e5m2"), 0x7Cu, kDivByZero);
  // E4M3FN has no inf: the infinite result becomes NaN
  EXPECT_TRUE(is_nan("float8_e4m3fn", ev(Op::Div, {0x38, 0x00}, "float8_e4m3fn").code));
  EXPECT_TRUE(ev(Op::Div, {0x38, 0x00}, "float8_e4m3fn").flags & kDivByZero);
}

TEST(ArithSpecial, SquareRoot) {
  EXPECT_EVAL(ev(Op::Sqrt, {kNegZero}), kNegZero, 0);  // sqrt(-0) = -0
  EXPECT_EVAL(ev(Op::Sqrt, {kZero}), kZero, 0);
  EXPECT_EVAL(ev(Op::Sqrt, {kInf}), kInf, 0);
  EXPECT_EVAL_NAN(ev(Op::Sqrt, {kNegOne}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Sqrt, {kNegInf}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Sqrt, {0x8001}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Sqrt, {kNaN}), "float16", 0);
  EXPECT_EVAL(ev(Op::Sqrt, {kFour}), kTwo, 0);
  EXPECT_EVAL(ev(Op::Sqrt, {0x3400}), 0x3800u, 0);  // sqrt(1/4) = 1/2
  // sqrt(2) = 1.0110101000|0010011110...b: 0x3DA8 below, 0x3DA9 above
  EXPECT_EVAL(ev(Op::Sqrt, {kTwo}), 0x3DA8u, kInexact);
  EXPECT_EVAL(ev(Op::Sqrt, {kTwo}, "float16", kRup), 0x3DA9u, kInexact);
  EXPECT_EVAL(ev(Op::Sqrt, {kTwo}, "float16", kRtz), 0x3DA8u, kInexact);
  // sqrt(2^-24) = 2^-12 exact
  EXPECT_EVAL(ev(Op::Sqrt, {kMinSub}), 0x0C00u, 0);
  // -0 keeps its sign under -0-less formats too: FNUZ has no -0, so sqrt of +0 only
  EXPECT_EVAL(ev(Op::Sqrt, {0x00}, "float8_e4m3fnuz"), 0x00u, 0);
}

TEST(ArithSpecial, SignsOfExactZeroSums) {
  // IEEE 754-2019 6.3: x + (-x) = +0 in every mode but rdn, where it is -0; zeros of one sign
  // keep it; +0 + -0 follows the first rule.
  for (Rounding m : {kRne, kRna, kRtz, kRup, Rounding::ToOdd}) {
    SCOPED_TRACE(std::string(fpc::short_name(m)));
    EXPECT_EVAL(ev(Op::Add, {kThree, 0xC200}, "float16", m), kZero, 0);
    EXPECT_EVAL(ev(Op::Sub, {kThree, kThree}, "float16", m), kZero, 0);
    EXPECT_EVAL(ev(Op::Add, {kZero, kNegZero}, "float16", m), kZero, 0);
    EXPECT_EVAL(ev(Op::Add, {kNegZero, kNegZero}, "float16", m), kNegZero, 0);
    EXPECT_EVAL(ev(Op::Sub, {kNegZero, kZero}, "float16", m), kNegZero, 0);
    EXPECT_EVAL(ev(Op::Sub, {kZero, kZero}, "float16", m), kZero, 0);
  }
  EXPECT_EVAL(ev(Op::Add, {kThree, 0xC200}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Sub, {kThree, kThree}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Add, {kZero, kNegZero}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Add, {kNegZero, kZero}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Sub, {kZero, kZero}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Add, {kZero, kZero}, "float16", kRdn), kZero, 0);
  EXPECT_EVAL(ev(Op::Add, {kNegZero, kNegZero}, "float16", kRdn), kNegZero, 0);
  // x + 0 = x, including x = -0 + -0 above and x = min subnormal
  EXPECT_EVAL(ev(Op::Add, {kMinSub, kNegZero}, "float16", kRdn), kMinSub, 0);
  // An inexact result that rounds to zero keeps the sign of the exact result, in every mode:
  // float32 2^-30 - 2^-31 = 2^-31 -> float16 +0; -2^-30 + 2^-31 -> -0.
  const Format& f32 = fmt("float32");
  const Format& f16 = fmt("float16");
  const uint64_t p30 = 0x30800000, p31 = 0x30000000;  // 2^-30, 2^-31 in float32
  for (Rounding m : {kRne, kRtz, kRdn}) {
    const uint64_t ab[2] = {p30, p31 | 0x80000000};
    const uint64_t ba[2] = {p30 | 0x80000000, p31};
    EXPECT_EVAL(fpc::eval(Op::Add, ab, f32, f16, m), kZero, kInexact | kUnderflow);
    EXPECT_EVAL(fpc::eval(Op::Add, ba, f32, f16, m == kRdn ? kRtz : m), kNegZero, kInexact | kUnderflow);
  }
  const uint64_t ba[2] = {p30 | 0x80000000, p31};
  EXPECT_EVAL(fpc::eval(Op::Add, ba, f32, f16, kRup), kNegZero, kInexact | kUnderflow);
  EXPECT_EVAL(fpc::eval(Op::Add, ba, f32, f16, kRdn), 0x8001u, kInexact | kUnderflow);
  // products and quotients: the sign is the exclusive or
  EXPECT_EVAL(ev(Op::Mul, {kNegZero, kThree}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Mul, {kNegZero, 0xC200}), kZero, 0);
  EXPECT_EVAL(ev(Op::Mul, {kMinSub, 0xB800}, "float16", kRne), kNegZero, kInexact | kUnderflow);  // -2^-25: tie to 0
}

TEST(ArithSpecial, FusedMultiplyAddRoundsOnce) {
  // Found by hand in float16 (p = 11): a = b = 1 + 2^-10 (0x3C01), c = 2^-11 (0x1000).
  // a*b = 1 + 2^-9 + 2^-20 exactly. fma: 1 + 2^-9 + 2^-11 + 2^-20 lies above the midpoint between
  // 1 + 2^-9 (0x3C02) and 1 + 3*2^-10 (0x3C03): 0x3C03.
  // mul then add: a*b rounds to 0x3C02 (error 2^-20 < half ulp 2^-11); 0x3C02 + 2^-11 is then an
  // exact tie, going to the even 0x3C02.
  const uint64_t a = 0x3C01, c = 0x1000;
  EXPECT_EVAL(ev(Op::Fma, {a, a, c}), 0x3C03u, kInexact);
  EXPECT_EVAL(ev(Op::Mul, {a, a}), 0x3C02u, kInexact);
  EXPECT_EVAL(ev(Op::Add, {0x3C02, c}), 0x3C02u, kInexact);
  // cancellation: fma(a, a, -(1 + 2^-9)) = 2^-20 exactly (a subnormal), mul+add gives 0
  EXPECT_EVAL(ev(Op::Fma, {a, a, 0xBC02}), 0x0010u, 0);
  EXPECT_EVAL(ev(Op::Add, {0x3C02, 0xBC02}), kZero, 0);
  // zero signs: an exact zero sum follows 6.3
  EXPECT_EVAL(ev(Op::Fma, {kOne, kOne, kNegOne}), kZero, 0);
  EXPECT_EVAL(ev(Op::Fma, {kOne, kOne, kNegOne}, "float16", kRdn), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Fma, {kNegZero, kOne, kNegZero}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Fma, {kNegZero, kOne, kZero}), kZero, 0);
  EXPECT_EVAL(ev(Op::Fma, {kNegZero, kOne, kZero}, "float16", kRdn), kNegZero, 0);
  // specials
  EXPECT_EVAL_NAN(ev(Op::Fma, {kInf, kZero, kOne}), "float16", kInvalid);
  EXPECT_EVAL_NAN(ev(Op::Fma, {kInf, kOne, kNegInf}), "float16", kInvalid);
  EXPECT_EVAL(ev(Op::Fma, {kTwo, kThree, kInf}), kInf, 0);
  EXPECT_EVAL(ev(Op::Fma, {kInf, kTwo, kOne}), kInf, 0);
  EXPECT_TRUE(is_nan("float16", ev(Op::Fma, {kInf, kZero, kNaN}).code));
  // overflow only after the single rounding: 65504 * 2 - 65504 = 65504
  EXPECT_EVAL(ev(Op::Fma, {0x7BFF, kTwo, 0xFBFF}), 0x7BFFu, 0);
  EXPECT_EVAL(ev(Op::Mul, {0x7BFF, kTwo}), kInf, kOverflow | kInexact);
}

TEST(ArithSpecial, MinMax) {
  // IEEE 754-2019 9.6: minimum/maximum propagate NaN; minimumNumber/maximumNumber ignore one NaN;
  // -0 < +0 for all four.
  EXPECT_TRUE(is_nan("float16", ev(Op::Minimum, {kNaN, kOne}).code));
  EXPECT_TRUE(is_nan("float16", ev(Op::Maximum, {kOne, kNaN}).code));
  EXPECT_EVAL(ev(Op::MinimumNumber, {kNaN, kOne}), kOne, 0);
  EXPECT_EVAL(ev(Op::MinimumNumber, {kOne, kNaN}), kOne, 0);
  EXPECT_EVAL(ev(Op::MaximumNumber, {kNaN, kNegInf}), kNegInf, 0);
  EXPECT_TRUE(is_nan("float16", ev(Op::MinimumNumber, {kNaN, kNaN}).code));
  EXPECT_TRUE(is_nan("float16", ev(Op::MaximumNumber, {kNaN, 0xFFFF}).code));
  EXPECT_EVAL(ev(Op::Minimum, {kNegZero, kZero}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Minimum, {kZero, kNegZero}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::Maximum, {kNegZero, kZero}), kZero, 0);
  EXPECT_EVAL(ev(Op::Maximum, {kZero, kNegZero}), kZero, 0);
  EXPECT_EVAL(ev(Op::MinimumNumber, {kZero, kNegZero}), kNegZero, 0);
  EXPECT_EVAL(ev(Op::MaximumNumber, {kNegZero, kZero}), kZero, 0);
  EXPECT_EVAL(ev(Op::Minimum, {kNegInf, kOne}), kNegInf, 0);
  EXPECT_EVAL(ev(Op::Maximum, {kTwo, kThree}), kThree, 0);
  EXPECT_EVAL(ev(Op::Minimum, {kNegOne, 0xC000}), 0xC000u, 0);
  EXPECT_EVAL(ev(Op::Maximum, {kInf, 0x7BFF}), kInf, 0);
  EXPECT_EVAL(ev(Op::MinimumNumber, {kMinSub, kZero}), kZero, 0);
}

TEST(ArithSpecial, CompareCodes) {
  const Format& f16 = fmt("float16");
  EXPECT_EQ(fpc::compare_codes(f16, kOne, kTwo), Ordering::Less);
  EXPECT_EQ(fpc::compare_codes(f16, kTwo, kOne), Ordering::Greater);
  EXPECT_EQ(fpc::compare_codes(f16, kTwo, kTwo), Ordering::Equal);
  EXPECT_EQ(fpc::compare_codes(f16, kZero, kNegZero), Ordering::Equal);
  EXPECT_EQ(fpc::compare_codes(f16, kNaN, kNaN), Ordering::Unordered);
  EXPECT_EQ(fpc::compare_codes(f16, kNaN, kOne), Ordering::Unordered);
  EXPECT_EQ(fpc::compare_codes(f16, kOne, 0xFFFF), Ordering::Unordered);
  EXPECT_EQ(fpc::compare_codes(f16, kNegInf, kNegZero), Ordering::Less);
  EXPECT_EQ(fpc::compare_codes(f16, kInf, kInf), Ordering::Equal);
  EXPECT_EQ(fpc::compare_codes(f16, kNegOne, kNegInf), Ordering::Greater);
  EXPECT_EQ(fpc::compare_codes(f16, 0x8001, kZero), Ordering::Less);
  EXPECT_EQ(fpc::compare_codes(fmt("float8_e4m3fn"), 0x7F, 0x7E), Ordering::Unordered);
  EXPECT_EQ(fpc::compare_codes(fmt("float8_e4m3fn"), 0x7E, 0xFE), Ordering::Greater);
  EXPECT_EQ(fpc::compare_codes(fmt("float8_e4m3fnuz"), 0x80, 0x00), Ordering::Unordered);
  EXPECT_EQ(fpc::compare_codes(fmt("bnb_fp4"), 0, 8), Ordering::Equal);
  EXPECT_EQ(fpc::compare_codes(fmt("int8"), 0xFF, 0x01), Ordering::Less);
  EXPECT_EQ(fpc::to_string(Ordering::Unordered), "unordered");
  // every pair of e4m3fn codes: consistent with the sign/magnitude layout
  const Format& e4 = fmt("float8_e4m3fn");
  for (uint64_t a = 0; a < 256; ++a)
    for (uint64_t b = 0; b < 256; ++b) {
      Ordering o = fpc::compare_codes(e4, a, b);
      bool nan = (a & 0x7F) == 0x7F || (b & 0x7F) == 0x7F;
      if (nan) {
        EXPECT_EQ(o, Ordering::Unordered);
        continue;
      }
      // order of sign-magnitude codes: map to a signed key (-0 and +0 both 0)
      auto key = [](uint64_t c) { return (c & 0x80) ? -static_cast<int64_t>(c & 0x7F) : static_cast<int64_t>(c); };
      int64_t ka = key(a), kb = key(b);
      Ordering want = ka < kb ? Ordering::Less : (ka > kb ? Ordering::Greater : Ordering::Equal);
      ASSERT_EQ(o, want) << hex(a) << " vs " << hex(b);
    }
}

TEST(ArithSpecial, OpNamesAndArity) {
  const std::pair<const char*, int> ops[] = {{"add", 2},     {"sub", 2},     {"mul", 2},           {"div", 2},
                                             {"fma", 3},     {"sqrt", 1},    {"minimum", 2},       {"maximum", 2},
                                             {"minimumNumber", 2}, {"maximumNumber", 2}, {"abs", 1},
                                             {"rcp", 1},     {"add_clamp01", 2}, {"sub_clamp01", 2},
                                             {"mul_clamp01", 2}, {"fma_clamp01", 3}, {"fma_relu", 3}};
  for (auto [name, n] : ops) {
    Op op = fpc::op_by_name(name);
    EXPECT_EQ(fpc::to_string(op), name);
    EXPECT_EQ(fpc::arity(op), n);
  }
  EXPECT_THROW(fpc::op_by_name("pow"), fpc::InputError);
  const ExactValue one = fpc::parse_value("1");
  const ExactValue two[2] = {one, one};
  EXPECT_THROW(fpc::exact_op(Op::Sqrt, two, kRne), fpc::InputError);
  EXPECT_THROW(fpc::exact_op(Op::Fma, two, kRne), fpc::InputError);
}

// The fused clamps CUDA documents (cuda_fp16.h): _sat "clamps the result to range [0.0, 1.0]. NaN
// results are flushed to +0.0"; _relu "negative result is clamped to 0. NaN result is converted to
// canonical NaN". abs is IEEE 754-2019 5.5.1; rcp is 1/x rounded once. Values by hand (float16).
TEST(ArithSpecial, AbsRcpAndFusedClamps) {
  constexpr uint64_t kHalf = 0x3800, kQuarter = 0x3400, kThreeQuarters = 0x3A00, kNegHalf = 0xB800,
                     kOneAndHalf = 0x3E00, kNegOneAndHalf = 0xBE00;
  EXPECT_EVAL(ev(Op::Abs, {kNegOneAndHalf}), kOneAndHalf, 0u);
  EXPECT_EVAL(ev(Op::Abs, {kNegZero}), kZero, 0u);
  EXPECT_EVAL(ev(Op::Abs, {kNegInf}), kInf, 0u);
  EXPECT_EVAL_NAN(ev(Op::Abs, {kNaN}), "float16", 0u);
  // abs rounds once into the output format: |-3| into E8M0 is 2^1 (rtz) or 2^2 (rup).
  const Format& e8m0 = fmt("float8_e8m0fnu");
  EXPECT_EQ(hex(fpc::eval(Op::Abs, std::vector<uint64_t>{0xC200}, fmt("float16"), e8m0, kRtz).code), "0x80");
  EXPECT_EQ(hex(fpc::eval(Op::Abs, std::vector<uint64_t>{0xC200}, fmt("float16"), e8m0, kRup).code), "0x81");
  // 1/3 = 0x1.555...p-2: float16 keeps 10 fraction bits 0101010101, the rest 0101... < half: 0x3555.
  EXPECT_EVAL(ev(Op::Rcp, {kThree}), 0x3555, kInexact);
  EXPECT_EVAL(ev(Op::Rcp, {kFour}), kQuarter, 0u);
  EXPECT_EVAL(ev(Op::Rcp, {kNegZero}), kNegInf, kDivByZero);
  EXPECT_EVAL(ev(Op::Rcp, {kInf}), kZero, 0u);
  // [0, 1] clamps: inside the range the plain result, outside 0 or 1, NaN and -0 give +0.
  EXPECT_EVAL(ev(Op::AddClamp01, {kHalf, kQuarter}), kThreeQuarters, 0u);
  EXPECT_EVAL(ev(Op::AddClamp01, {kThreeQuarters, kHalf}), kOne, 0u);
  EXPECT_EVAL(ev(Op::AddClamp01, {kNegZero, kNegZero}), kZero, 0u);
  EXPECT_EVAL(ev(Op::AddClamp01, {kNaN, kOne}), kZero, 0u);
  EXPECT_EVAL(ev(Op::AddClamp01, {kInf, kNegInf}), kZero, 0u);  // inf - inf is NaN, flushed to +0
  EXPECT_EVAL(ev(Op::AddClamp01, {kInf, kOne}), kOne, 0u);
  EXPECT_EVAL(ev(Op::SubClamp01, {kHalf, kOne}), kZero, 0u);
  EXPECT_EVAL(ev(Op::MulClamp01, {kHalf, kHalf}), kQuarter, 0u);
  EXPECT_EVAL(ev(Op::MulClamp01, {kNegHalf, kHalf}), kZero, 0u);
  EXPECT_EVAL(ev(Op::FmaClamp01, {kTwo, kTwo, 0xC300}), kHalf, 0u);  // 4 - 3.5
  EXPECT_EVAL(ev(Op::FmaClamp01, {kTwo, kTwo, kOne}), kOne, 0u);
  // relu: maximum(x, +0).
  EXPECT_EVAL(ev(Op::FmaRelu, {kOne, kOne, kNegHalf}), kHalf, 0u);
  EXPECT_EVAL(ev(Op::FmaRelu, {kNegOne, kOne, kHalf}), kZero, 0u);
  EXPECT_EVAL(ev(Op::FmaRelu, {kNegZero, kOne, kNegZero}), kZero, 0u);  // fma gives -0, relu +0
  EXPECT_EVAL(ev(Op::FmaRelu, {kTwo, kTwo, kOne}), 0x4500, 0u);         // 5: no upper clamp
  EXPECT_EVAL(ev(Op::FmaRelu, {kNegInf, kOne, kOne}), kZero, 0u);
  EXPECT_EVAL_NAN(ev(Op::FmaRelu, {kNaN, kOne, kOne}), "float16", 0u);
  EXPECT_EVAL_NAN(ev(Op::FmaRelu, {kInf, kZero, kOne}), "float16", kInvalid);
}

TEST(ArithSpecial, MixedFormats) {
  const Format& f16 = fmt("float16");
  const Format& e4 = fmt("float8_e4m3fn");
  const uint64_t ones[2] = {kOne, kOne};
  EXPECT_EVAL(fpc::eval(Op::Add, ones, f16, e4, kRne), 0x40u, 0);  // 2.0
  const uint64_t big[2] = {0x5F00, kOne};                           // 448 + 1 = 449 -> 448
  EXPECT_EVAL(fpc::eval(Op::Add, big, f16, e4, kRne), 0x7Eu, kInexact);
  const uint64_t over[2] = {0x5F00, 0x4C00};                        // 448 + 16 = 464: tie -> 448
  EXPECT_EVAL(fpc::eval(Op::Add, over, f16, e4, kRne), 0x7Eu, kInexact);
  const uint64_t over2[2] = {0x5F00, 0x4C01};                       // just above the tie: NaN
  EXPECT_TRUE(is_nan("float8_e4m3fn", fpc::eval(Op::Add, over2, f16, e4, kRne).code));
}

// ------------------------------------------------------------------------------------------
// The independent reference

struct RefFormat {  // from the specs: sign | e | m, bias, non-finite rules
  const char* name;
  int e, m, bias;
  enum Style { Ieee, FN, FNUZ, E8M0 } style;
};
const RefFormat kRefE4M3FN{"float8_e4m3fn", 4, 3, 7, RefFormat::FN};
const RefFormat kRefE5M2{"float8_e5m2", 5, 2, 15, RefFormat::Ieee};
const RefFormat kRefF16{"float16", 5, 10, 15, RefFormat::Ieee};
const RefFormat kRefSqrtFormats[] = {
    kRefE4M3FN,
    kRefE5M2,
    {"float8_e4m3fnuz", 4, 3, 8, RefFormat::FNUZ},
    {"float8_e5m2fnuz", 5, 2, 16, RefFormat::FNUZ},
    {"float8_e4m3b11fnuz", 4, 3, 11, RefFormat::FNUZ},
    {"float8_e3m4", 3, 4, 3, RefFormat::Ieee},
    {"float8_e4m3", 4, 3, 7, RefFormat::Ieee},
    {"float8_e8m0fnu", 8, 0, 127, RefFormat::E8M0},
    kRefF16,
};

Q pow2(int64_t e) {
  return e >= 0 ? Q(BigInt(1) << static_cast<unsigned>(e)) : Q(BigInt(1), BigInt(1) << static_cast<unsigned>(-e));
}

struct RefVal {
  enum Kind { Num, Inf, NaN } kind = Num;
  bool neg = false;  // sign (also of zero)
  Q mag;             // magnitude
};

RefVal ref_decode(const RefFormat& F, uint64_t code) {
  if (F.style == RefFormat::E8M0) {
    if (code == 0xFF) return {RefVal::NaN, false, 0};
    return {RefVal::Num, false, pow2(static_cast<int64_t>(code) - 127)};
  }
  const uint64_t all = (uint64_t{1} << F.e) - 1, mant_all = (uint64_t{1} << F.m) - 1;
  const bool sign = (code >> (F.e + F.m)) & 1;
  const uint64_t ex = (code >> F.m) & all, mant = code & mant_all;
  if (F.style == RefFormat::Ieee && ex == all) return {mant == 0 ? RefVal::Inf : RefVal::NaN, sign, 0};
  if (F.style == RefFormat::FN && ex == all && mant == mant_all) return {RefVal::NaN, sign, 0};
  if (F.style == RefFormat::FNUZ && sign && ex == 0 && mant == 0) return {RefVal::NaN, true, 0};
  if (ex == 0) return {RefVal::Num, sign, Q(mant) * pow2(1 - F.bias - F.m)};
  return {RefVal::Num, sign, Q((uint64_t{1} << F.m) + mant) * pow2(static_cast<int64_t>(ex) - F.bias - F.m)};
}

// The format's non-negative finite values in increasing order, with their codes, plus the value
// the next code would have with an unbounded exponent (the overflow sentinel).
struct RefTable {
  RefFormat F;
  std::vector<Q> mags;
  std::vector<uint64_t> codes;
  Q sentinel;
  uint64_t sentinel_parity = 0;
  uint64_t sign_bit = 0;
};

RefTable ref_table(const RefFormat& F) {
  RefTable t{F, {}, {}, 0, 0, 0};
  const int width = F.style == RefFormat::E8M0 ? 8 : 1 + F.e + F.m;
  t.sign_bit = F.style == RefFormat::E8M0 ? 0 : uint64_t{1} << (width - 1);
  const uint64_t positive_codes = F.style == RefFormat::E8M0 ? 256 : t.sign_bit;
  for (uint64_t c = 0; c < positive_codes; ++c) {
    RefVal v = ref_decode(F, c);
    if (v.kind != RefVal::Num) continue;
    if (!t.mags.empty()) {
      EXPECT_GT(v.mag, t.mags.back()) << F.name << " codes out of order at " << c;
    }
    t.mags.push_back(v.mag);
    t.codes.push_back(c);
  }
  // next after max with an unbounded exponent: max + 2^(exponent of max - m)
  const uint64_t max_code = t.codes.back();
  const int64_t max_exp_field = F.style == RefFormat::E8M0 ? static_cast<int64_t>(max_code)
                                                            : static_cast<int64_t>(max_code >> F.m);
  t.sentinel = t.mags.back() + pow2(max_exp_field - F.bias - F.m);
  t.sentinel_parity = (max_code + 1) & 1;
  return t;
}

struct RefResult {
  uint64_t code = 0;
  bool nan = false;
  bool inexact = false;
};

uint64_t ref_zero(const RefTable& t, bool neg) {
  return neg && t.F.style != RefFormat::FNUZ && t.F.style != RefFormat::E8M0 ? t.sign_bit : 0;
}
RefResult ref_infinity(const RefTable& t, bool neg) {
  if (t.F.style == RefFormat::Ieee) {
    uint64_t inf = ((uint64_t{1} << t.F.e) - 1) << t.F.m;
    return {inf | (neg ? t.sign_bit : 0), false, false};
  }
  return {0, true, false};
}

// Where |r| lies in the table: exactly on index lo, or strictly between lo and lo + 1 (where
// lo + 1 == size means the sentinel), with the comparison against the midpoint.
struct Where {
  size_t lo = 0;
  bool exact = false;
  int vs_mid = 0;      // -1 below the midpoint, 0 on it, +1 above
  bool beyond = false; // |r| >= sentinel
};

Where locate(const RefTable& t, const Q& a) {  // a > 0
  Where w;
  auto it = std::upper_bound(t.mags.begin(), t.mags.end(), a);  // first > a
  if (it == t.mags.begin()) {  // below the smallest value (E8M0 only): treat as "at lo = 0 from below"
    w.lo = 0;
    w.vs_mid = -2;
    return w;
  }
  w.lo = static_cast<size_t>(it - t.mags.begin()) - 1;
  if (t.mags[w.lo] == a) {
    w.exact = true;
    return w;
  }
  const Q& lo = t.mags[w.lo];
  const Q hi = w.lo + 1 < t.mags.size() ? t.mags[w.lo + 1] : t.sentinel;
  if (w.lo + 1 == t.mags.size() && a >= t.sentinel) {
    w.beyond = true;
    return w;
  }
  Q mid = (lo + hi) / 2;
  w.vs_mid = a < mid ? -1 : (a > mid ? 1 : 0);
  return w;
}

// Round a located magnitude with sign `neg` in `mode`.
RefResult pick(const RefTable& t, const Where& w, bool neg, Rounding mode) {
  const uint64_t sign = neg ? t.sign_bit : 0;
  if (w.vs_mid == -2) return {t.codes[0], false, true};  // E8M0 below 2^-127: the smallest value
  if (w.exact) {
    if (t.mags[w.lo] == 0) return {ref_zero(t, neg), false, false};
    return {t.codes[w.lo] | sign, false, false};
  }
  const bool at_top = w.lo + 1 == t.mags.size();
  const bool toward_zero = mode == kRtz || (mode == kRdn && !neg) || (mode == kRup && neg);
  const bool away = (mode == kRup && !neg) || (mode == kRdn && neg);
  bool up;  // take the neighbour farther from zero
  if (toward_zero) up = false;
  else if (away) up = true;
  else if (w.beyond) up = true;
  else if (w.vs_mid != 0) up = w.vs_mid > 0;
  else if (mode == kRna) up = true;
  else {  // rne tie: the even code
    uint64_t hi_parity = at_top ? t.sentinel_parity : (t.codes[w.lo + 1] & 1);
    up = hi_parity == 0;
  }
  if (!up) {
    if (t.mags[w.lo] == 0) return {ref_zero(t, neg), false, true};
    return {t.codes[w.lo] | sign, false, true};
  }
  if (at_top) {  // overflow
    RefResult r = ref_infinity(t, neg);
    r.inexact = true;
    return r;
  }
  return {t.codes[w.lo + 1] | sign, false, true};
}

RefResult ref_round(const RefTable& t, const Q& r, Rounding mode) {  // r != 0
  const bool neg = r < 0;
  return pick(t, locate(t, neg ? Q(-r) : r), neg, mode);
}

Q signed_value(const RefVal& v) { return v.neg ? Q(-v.mag) : v.mag; }

RefResult ref_binary(const RefTable& t, Op op, uint64_t ca, uint64_t cb, Rounding mode) {
  const RefVal a = ref_decode(t.F, ca), b = ref_decode(t.F, cb);
  if (a.kind == RefVal::NaN || b.kind == RefVal::NaN) return {0, true, false};
  const bool xneg = a.neg != b.neg;
  switch (op) {
    case Op::Add: {
      if (a.kind == RefVal::Inf && b.kind == RefVal::Inf) return a.neg == b.neg ? ref_infinity(t, a.neg) : RefResult{0, true, false};
      if (a.kind == RefVal::Inf) return ref_infinity(t, a.neg);
      if (b.kind == RefVal::Inf) return ref_infinity(t, b.neg);
      Q s = signed_value(a) + signed_value(b);
      if (s == 0) {
        bool both_zero_same_sign = a.mag == 0 && b.mag == 0 && a.neg == b.neg;
        return {ref_zero(t, both_zero_same_sign ? a.neg : mode == kRdn), false, false};
      }
      return ref_round(t, s, mode);
    }
    case Op::Mul: {
      if ((a.kind == RefVal::Inf && b.mag == 0 && b.kind == RefVal::Num) ||
          (b.kind == RefVal::Inf && a.mag == 0 && a.kind == RefVal::Num))
        return {0, true, false};
      if (a.kind == RefVal::Inf || b.kind == RefVal::Inf) return ref_infinity(t, xneg);
      Q p = a.mag * b.mag;
      if (p == 0) return {ref_zero(t, xneg), false, false};
      return ref_round(t, xneg ? Q(-p) : p, mode);
    }
    case Op::Div: {
      const bool a_zero = a.kind == RefVal::Num && a.mag == 0, b_zero = b.kind == RefVal::Num && b.mag == 0;
      if ((a_zero && b_zero) || (a.kind == RefVal::Inf && b.kind == RefVal::Inf)) return {0, true, false};
      if (a.kind == RefVal::Inf) return ref_infinity(t, xneg);
      if (b.kind == RefVal::Inf || a_zero) return {ref_zero(t, xneg), false, false};
      if (b_zero) return ref_infinity(t, xneg);
      Q q = a.mag / b.mag;
      return ref_round(t, xneg ? Q(-q) : q, mode);
    }
    default: break;
  }
  ADD_FAILURE() << "unsupported op";
  return {};
}

using fpc::testing_support::Failures;

void compare_with_oracle(const RefTable& t, const RefResult& want, const RoundResult& got, Failures& fail,
                         const std::string& what) {
  if (want.nan) {
    if (ref_decode(t.F, got.code).kind != RefVal::NaN) fail.add(what, ": got ", hex(got.code), ", want NaN");
    return;
  }
  if (got.code != want.code) fail.add(what, ": got ", hex(got.code), ", want ", hex(want.code));
  if (((got.flags & kInexact) != 0) != want.inexact)
    fail.add(what, ": inexact flag ", fpc::flags_to_string(got.flags), ", want ", want.inexact ? "inexact" : "exact");
}

void cross_check_pairs(const RefFormat& F, const std::vector<uint64_t>& codes, const std::vector<Rounding>& modes) {
  const RefTable t = ref_table(F);
  const Format& f = fmt(F.name);
  Failures fail;
  for (Op op : {Op::Add, Op::Mul, Op::Div})
    for (uint64_t a : codes)
      for (uint64_t b : codes)
        for (Rounding m : modes) {
          const uint64_t ab[2] = {a, b};
          RoundResult got = fpc::eval(op, ab, f, f, m);
          RefResult want = ref_binary(t, op, a, b, m);
          if (fail.count() < 1000)  // keep the messages cheap once it is clearly broken
            compare_with_oracle(t, want, got, fail,
                                std::string(fpc::to_string(op)) + "(" + hex(a) + ", " + hex(b) + ") " +
                                    std::string(fpc::short_name(m)));
          else
            fail.add("");
        }
  fail.report(std::string(F.name) + " add/mul/div");
}

std::vector<uint64_t> all_codes(int bits) {
  std::vector<uint64_t> v;
  for (uint64_t c = 0; c < (uint64_t{1} << bits); ++c) v.push_back(c);
  return v;
}

const std::vector<Rounding> kFiveModes = {kRne, kRna, kRtz, kRup, kRdn};

TEST(ArithCrossCheck, ReferenceTablesMatchTheSpecs) {
  // the reference's own decoding, pinned to a few hand values
  RefTable e4 = ref_table(kRefE4M3FN);
  EXPECT_EQ(e4.mags.back(), Q(448));
  EXPECT_EQ(e4.codes.back(), 0x7Eu);
  EXPECT_EQ(e4.sentinel, Q(480));
  EXPECT_EQ(e4.mags.size(), 127u);  // 0x00 .. 0x7E
  RefTable e5 = ref_table(kRefE5M2);
  EXPECT_EQ(e5.mags.back(), Q(57344));
  EXPECT_EQ(e5.sentinel, Q(65536));
  RefTable h = ref_table(kRefF16);
  EXPECT_EQ(h.mags.back(), Q(65504));
  EXPECT_EQ(h.mags[1], pow2(-24));
  EXPECT_EQ(h.sentinel, Q(65536));
  RefTable e8 = ref_table(kRefSqrtFormats[7]);
  EXPECT_EQ(e8.mags.front(), pow2(-127));
  EXPECT_EQ(e8.mags.back(), pow2(127));
  EXPECT_EQ(e8.sentinel, pow2(128));
  // and the oracle decodes every 8-bit code of these formats to the same values
  for (const RefFormat& F : kRefSqrtFormats) {
    if (std::string(F.name) == "float16") continue;
    const Format& f = fmt(F.name);
    for (uint64_t c = 0; c < 256; ++c) {
      RefVal r = ref_decode(F, c);
      ExactValue v = fpc::decode(f, c).value;
      if (r.kind == RefVal::NaN) {
        EXPECT_TRUE(v.is_nan()) << F.name << " " << hex(c);
      } else if (r.kind == RefVal::Inf) {
        EXPECT_TRUE(v.is_inf() && v.negative == r.neg) << F.name << " " << hex(c);
      } else {
        ExactValue want = ExactValue::rational(r.neg, boost::multiprecision::numerator(r.mag),
                                               boost::multiprecision::denominator(r.mag));
        EXPECT_TRUE(fpc::identical(v, want)) << F.name << " " << hex(c);
      }
    }
  }
}

TEST(ArithCrossCheck, Float8E4m3fnAllPairs) { cross_check_pairs(kRefE4M3FN, all_codes(8), kFiveModes); }

TEST(ArithCrossCheck, Float8E5m2AllPairs) { cross_check_pairs(kRefE5M2, all_codes(8), kFiveModes); }

TEST(ArithCrossCheck, Float16StridedPairs) {
  std::vector<uint64_t> codes;
  for (uint64_t c = 0; c < 0x10000; c += 251) codes.push_back(c);
  for (uint64_t c : {0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xBC00, 0x3C01, 0x4000, 0x3555, 0x7BFF,
                     0xFBFF, 0x7C00, 0xFC00, 0x7E00, 0x0200, 0x5BFF, 0x1C00})
    codes.push_back(c);
  cross_check_pairs(kRefF16, codes, {kRne, kRtz, kRup, kRdn});
}

TEST(ArithCrossCheck, SqrtEveryCode) {
  for (const RefFormat& F : kRefSqrtFormats) {
    const RefTable t = ref_table(F);
    const Format& f = fmt(F.name);
    Failures fail;
    const uint64_t n = F.style == RefFormat::E8M0 ? 256 : uint64_t{1} << (1 + F.e + F.m);
    for (uint64_t c = 0; c < n; ++c) {
      const RefVal x = ref_decode(F, c);
      // the reference result for each mode
      std::vector<RefResult> want(kFiveModes.size());
      if (x.kind == RefVal::NaN || (x.neg && !(x.kind == RefVal::Num && x.mag == 0))) {
        for (RefResult& w : want) w = {0, true, false};  // NaN, and x < 0 is invalid
      } else if (x.kind == RefVal::Inf) {
        for (RefResult& w : want) w = ref_infinity(t, false);
      } else if (x.mag == 0) {
        for (RefResult& w : want) w = {ref_zero(t, x.neg), false, false};
      } else {
        // the largest table value v with v^2 <= x, by binary search on exact squares
        size_t lo = 0, hi = t.mags.size();  // invariant: mags[lo]^2 <= x (or lo == 0), mags[hi]^2 > x
        while (hi - lo > 1) {
          size_t mid = (lo + hi) / 2;
          if (t.mags[mid] * t.mags[mid] <= x.mag) lo = mid;
          else hi = mid;
        }
        if (t.mags[lo] * t.mags[lo] > x.mag) {
          fail.add(F.name, " ", hex(c), ": root below the smallest value");
          continue;
        }
        if (hi == t.mags.size()) {
          fail.add(F.name, " ", hex(c), ": root above the largest value");
          continue;
        }
        const Q& v = t.mags[lo];
        for (size_t i = 0; i < kFiveModes.size(); ++i) {
          const Rounding m = kFiveModes[i];
          if (v * v == x.mag) {
            want[i] = {t.codes[lo], false, false};
            continue;
          }
          const Q mid = (v + t.mags[hi]) / 2;
          const Q mid2 = mid * mid;  // sqrt(x) vs mid  <=>  x vs mid^2 (both positive)
          bool up;
          if (m == kRtz || m == kRdn) up = false;
          else if (m == kRup) up = true;
          else if (x.mag != mid2) up = x.mag > mid2;
          else up = m == kRna || (t.codes[hi] & 1) == 0;  // a tie (impossible here, but handled)
          want[i] = {up ? t.codes[hi] : t.codes[lo], false, true};
        }
      }
      for (size_t i = 0; i < kFiveModes.size(); ++i) {
        const uint64_t one[1] = {c};
        RoundResult got = fpc::eval(Op::Sqrt, one, f, f, kFiveModes[i]);
        compare_with_oracle(t, want[i], got, fail,
                            std::string("sqrt(") + hex(c) + ") " + std::string(fpc::short_name(kFiveModes[i])));
        if (!want[i].nan && x.kind == RefVal::Num && x.neg && x.mag == 0 && got.flags != 0)
          fail.add("sqrt(-0) flags ", fpc::flags_to_string(got.flags));
      }
    }
    fail.report(std::string(F.name) + " sqrt");
  }
}

}  // namespace
