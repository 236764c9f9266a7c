// Parsing exact values from text and printing them back: parse_value, to_exact_string,
// to_general_string (printf %g semantics, rounded exactly, ties to even) and to_fixed_string.
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using fpc::BigInt;
using fpc::ExactValue;
using fpc::Rounding;

ExactValue val(const char* text) { return fpc::parse_value(text); }
ExactValue ratio(int64_t num, int64_t den) {
  return ExactValue::rational(num < 0, BigInt(num < 0 ? -num : num), BigInt(den));
}
BigInt pow10(unsigned n) { return boost::multiprecision::pow(BigInt(10), n); }

#define EXPECT_IDENTICAL(a, b)                                                                       \
  EXPECT_TRUE(fpc::identical((a), (b))) << "  got " << fpc::to_exact_string(a) << "\n  want " \
                                        << fpc::to_exact_string(b)

// ------------------------------------------------------------------------------------------
// parse_value

TEST(ParseValue, Decimals) {
  EXPECT_IDENTICAL(val("123"), ratio(123, 1));
  EXPECT_IDENTICAL(val("+123"), ratio(123, 1));
  EXPECT_IDENTICAL(val("-123"), ratio(-123, 1));
  EXPECT_IDENTICAL(val("3.14"), ratio(314, 100));
  EXPECT_IDENTICAL(val(".5"), ratio(1, 2));
  EXPECT_IDENTICAL(val("5."), ratio(5, 1));
  EXPECT_IDENTICAL(val("-.25"), ratio(-1, 4));
  EXPECT_IDENTICAL(val("00012.500"), ratio(25, 2));
  EXPECT_IDENTICAL(val("1e-40"), ExactValue::rational(false, 1, pow10(40)));
  EXPECT_IDENTICAL(val("6.02E23"), ExactValue::rational(false, BigInt(602) * pow10(21)));
  EXPECT_IDENTICAL(val("1E+5"), ratio(100000, 1));
  EXPECT_IDENTICAL(val("-1.5e-3"), ratio(-15, 10000));
  EXPECT_IDENTICAL(val("2.5e1"), ratio(25, 1));
  EXPECT_IDENTICAL(val("0.1"), ratio(1, 10));  // exact: not the binary64 0.1
  // 40 significant digits are kept exactly
  EXPECT_IDENTICAL(val("1.000000000000000000000000000000000000001"),
                   ExactValue::rational(false, pow10(39) + 1, pow10(39)));
}

TEST(ParseValue, Zeros) {
  ExactValue z = val("0"), pz = val("+0"), nz = val("-0");
  EXPECT_TRUE(z.is_zero() && !z.negative);
  EXPECT_TRUE(pz.is_zero() && !pz.negative);
  EXPECT_TRUE(nz.is_zero() && nz.negative);
  EXPECT_TRUE(val("-0.000e5").is_zero() && val("-0.000e5").negative);
  EXPECT_TRUE(val("0.0").is_zero() && !val("0.0").negative);
  EXPECT_TRUE(val("-0x0p0").is_zero() && val("-0x0p0").negative);
  EXPECT_TRUE(val("-0/5").is_zero() && val("-0/5").negative);
  EXPECT_EQ(fpc::compare(nz, z), 0);
  EXPECT_FALSE(fpc::identical(nz, z));
}

TEST(ParseValue, HexFloats) {
  EXPECT_IDENTICAL(val("0x1.8p3"), ratio(12, 1));
  EXPECT_IDENTICAL(val("-0x.4p-2"), ratio(-1, 16));
  EXPECT_IDENTICAL(val("0X1P-1074"), ExactValue::dyadic(false, 1, -1074));
  EXPECT_IDENTICAL(val("0xA.Bp0"), ratio(171, 16));
  EXPECT_IDENTICAL(val("0xa.bP+0"), ratio(171, 16));
  EXPECT_IDENTICAL(val("0x1p+4"), ratio(16, 1));
  EXPECT_IDENTICAL(val("0x10p0"), ratio(16, 1));
  EXPECT_IDENTICAL(val("0x1.fffffffffffffp1023"),
                   ExactValue::dyadic(false, (BigInt(1) << 53) - 1, 1023 - 52));
  EXPECT_IDENTICAL(val("+0x1p0"), ratio(1, 1));
}

TEST(ParseValue, Fractions) {
  EXPECT_IDENTICAL(val("1/3"), ratio(1, 3));
  EXPECT_IDENTICAL(val("-7/2"), ratio(-7, 2));
  EXPECT_IDENTICAL(val("6/4"), ratio(3, 2));
  EXPECT_IDENTICAL(val("+10/6"), ratio(5, 3));
  EXPECT_IDENTICAL(val("123456789012345678901234567890/1"),
                   ExactValue::rational(false, BigInt("123456789012345678901234567890")));
}

TEST(ParseValue, Specials) {
  for (const char* s : {"inf", "INF", "+inf", "Infinity", "infinity", "+INFINITY"}) {
    ExactValue v = val(s);
    EXPECT_TRUE(v.is_inf() && !v.negative) << s;
  }
  for (const char* s : {"-inf", "-Infinity", "-INF"}) {
    ExactValue v = val(s);
    EXPECT_TRUE(v.is_inf() && v.negative) << s;
  }
  for (const char* s : {"nan", "NaN", "NAN", "-nan", "+nan"}) EXPECT_TRUE(val(s).is_nan()) << s;
}

TEST(ParseValue, MalformedInputsThrow) {
  const char* const bad[] = {"1.2.3", "1e",   "--1",   "0x1.8",  "abc",   "",      "1/0",  "1e5.5",   "0x",
                             "0xp1",  "0x1p", ".",     "-",      "+",     "e5",    "1/",   "/2",      "1.5/2",
                             "1/-2",  " 1",   "1 ",    "in",     "nanx",  "inff",  "1e+",  "0x1.8p3.5", "++1",
                             "+-1",   "1,5",  "0x1.g", "1e5e5",  "0b101", "1/2/3", "-/3",  "1_000",   "\xef\xbc\x91"};
  for (const char* s : bad) EXPECT_THROW(fpc::parse_value(s), fpc::InputError) << "'" << s << "'";
}

// Values far beyond every format's range: the result must round exactly as the true value does.
TEST(ParseValue, HugeAndTinyExponents) {
  const fpc::Format& f16 = fpc::format_by_name("float16");
  ExactValue tiny = val("1e-99999"), huge = val("1e99999");
  EXPECT_TRUE(tiny.is_finite_nonzero() && !tiny.negative);
  EXPECT_TRUE(huge.is_finite_nonzero() && !huge.negative);
  EXPECT_LT(fpc::compare(tiny, val("1e-1000")), 0);
  EXPECT_GT(fpc::compare(huge, val("1e1000")), 0);
  // 1e-99999 behaves as a tiny positive, 1e99999 overflows (float16, hand-derived)
  EXPECT_EQ(fpc::round_to_format(tiny, f16, Rounding::NearestEven).code, 0x0000u);
  EXPECT_EQ(fpc::round_to_format(tiny, f16, Rounding::NearestEven).flags, unsigned{fpc::kInexact | fpc::kUnderflow});
  EXPECT_EQ(fpc::round_to_format(tiny, f16, Rounding::TowardPositive).code, 0x0001u);
  EXPECT_EQ(fpc::round_to_format(val("-1e-99999"), f16, Rounding::NearestEven).code, 0x8000u);
  EXPECT_EQ(fpc::round_to_format(val("-1e-99999"), f16, Rounding::TowardNegative).code, 0x8001u);
  EXPECT_EQ(fpc::round_to_format(huge, f16, Rounding::NearestEven).code, 0x7C00u);
  EXPECT_EQ(fpc::round_to_format(huge, f16, Rounding::NearestEven).flags, unsigned{fpc::kOverflow | fpc::kInexact});
  EXPECT_EQ(fpc::round_to_format(huge, f16, Rounding::TowardZero).code, 0x7BFFu);
  EXPECT_EQ(fpc::round_to_format(val("-1e99999"), f16, Rounding::NearestEven).code, 0xFC00u);
  EXPECT_EQ(fpc::round_to_format(val("1e-999999999999999999999999"), f16, Rounding::TowardPositive).code, 0x0001u);
  EXPECT_EQ(fpc::round_to_format(val("1e999999999999999999999999"), f16, Rounding::NearestEven).code, 0x7C00u);
  EXPECT_EQ(fpc::round_to_format(val("0x1p-9999999999999"), f16, Rounding::TowardPositive).code, 0x0001u);
  EXPECT_EQ(fpc::round_to_format(val("0x1p9999999999999"), f16, Rounding::TowardZero).code, 0x7BFFu);
  EXPECT_EQ(fpc::round_to_format(val("0e99999999999"), f16, Rounding::TowardPositive).code, 0x0000u);

  // Every built-in float format, every mode: the parsed text rounds as the true value would.
  // (The parser may shorten the work for such values, never change the result.)
  const ExactValue true_tiny = ExactValue::rational(false, 1, pow10(99999));
  const ExactValue true_huge = ExactValue::rational(false, pow10(99999));
  for (const fpc::Format& f : fpc::builtin_formats()) {
    for (Rounding m : fpc::kAllRoundings) {
      fpc::RandomBits rb = m == Rounding::Stochastic ? fpc::RandomBits{64, ~uint64_t{0}} : fpc::RandomBits{};
      for (bool neg : {false, true}) {
        SCOPED_TRACE(f.name + " " + std::string(fpc::short_name(m)) + (neg ? " negative" : ""));
        ExactValue t = neg ? tiny.negated() : tiny, tt = neg ? true_tiny.negated() : true_tiny;
        ExactValue h = neg ? huge.negated() : huge, th = neg ? true_huge.negated() : true_huge;
        fpc::RoundResult a = fpc::round_to_format(t, f, m, {}, rb), b = fpc::round_to_format(tt, f, m, {}, rb);
        EXPECT_EQ(a.code, b.code);
        EXPECT_EQ(a.flags, b.flags);
        a = fpc::round_to_format(h, f, m, {}, rb);
        b = fpc::round_to_format(th, f, m, {}, rb);
        EXPECT_EQ(a.code, b.code);
        EXPECT_EQ(a.flags, b.flags);
      }
    }
  }
}

// User formats reach far beyond the built-in ones (bias up to +-100000, 15 exponent bits):
// values there must parse exactly.
TEST(ParseValue, ExtremeUserFormatsSeeExactValues) {
  const fpc::Format& low = fpc::format_by_name("e15m2:bias=100000");    // min normal 2^-99999
  const fpc::Format& high = fpc::format_by_name("e15m2:bias=-100000");  // max 1.75 * 2^132766
  // 2^-80000 = field 20000, mantissa 0; 2^-99999 is the min normal (field 1)
  EXPECT_EQ(fpc::round_to_format(val("0x1p-80000"), low, Rounding::NearestEven).code, uint64_t{20000} << 2);
  EXPECT_EQ(fpc::round_to_format(val("0x1p-80000"), low, Rounding::NearestEven).flags, 0u);
  EXPECT_EQ(fpc::round_to_format(val("0x1p-99999"), low, Rounding::NearestEven).code, uint64_t{1} << 2);
  EXPECT_EQ(fpc::round_to_format(val("0x1p-100001"), low, Rounding::NearestEven).code, 1u);  // min subnormal
  EXPECT_EQ(fpc::round_to_format(val("0x1p132766"), high, Rounding::NearestEven).code, uint64_t{32766} << 2);
  EXPECT_EQ(fpc::round_to_format(val("0x1p132766"), high, Rounding::NearestEven).flags, 0u);
  // decimal: 10^-25000 and 3 * 10^35000 are ordinary numbers there
  for (Rounding m : {Rounding::NearestEven, Rounding::TowardZero, Rounding::TowardPositive}) {
    SCOPED_TRACE(std::string(fpc::short_name(m)));
    EXPECT_EQ(fpc::round_to_format(val("1e-25000"), low, m).code,
              fpc::round_to_format(ExactValue::rational(false, 1, pow10(25000)), low, m).code);
    EXPECT_EQ(fpc::round_to_format(val("3e35000"), high, m).code,
              fpc::round_to_format(ExactValue::rational(false, 3 * pow10(35000)), high, m).code);
    EXPECT_EQ(fpc::round_to_format(val("1e-30130"), low, m).code,
              fpc::round_to_format(ExactValue::rational(false, 1, pow10(30130)), low, m).code);
  }
  // and they are not mistaken for the max or a zero
  fpc::RoundResult r = fpc::round_to_format(val("1e-25000"), low, Rounding::NearestEven);
  EXPECT_EQ(fpc::decode(low, r.code).cls, fpc::CodeClass::Normal);
  r = fpc::round_to_format(val("3e35000"), high, Rounding::NearestEven);
  EXPECT_EQ(fpc::decode(high, r.code).cls, fpc::CodeClass::Normal);
  EXPECT_EQ(r.flags, unsigned{fpc::kInexact});
}

// ------------------------------------------------------------------------------------------
// to_exact_string

TEST(PrintExact, Values) {
  EXPECT_EQ(fpc::to_exact_string(val("3.140625")), "3.140625");
  EXPECT_EQ(fpc::to_exact_string(val("0.15625")), "0.15625");
  EXPECT_EQ(fpc::to_exact_string(val("65504")), "65504");
  EXPECT_EQ(fpc::to_exact_string(val("-27.15625")), "-27.15625");
  EXPECT_EQ(fpc::to_exact_string(ExactValue::dyadic(false, 1, -24)), "0.000000059604644775390625");
  EXPECT_EQ(fpc::to_exact_string(ExactValue::dyadic(false, 1, 100)), "1267650600228229401496703205376");
  EXPECT_EQ(fpc::to_exact_string(ratio(6, 4)), "1.5");
  EXPECT_EQ(fpc::to_exact_string(ratio(12, 1)), "12");
  EXPECT_EQ(fpc::to_exact_string(val("0")), "0");
  EXPECT_EQ(fpc::to_exact_string(val("-0")), "-0");
  EXPECT_EQ(fpc::to_exact_string(val("inf")), "inf");
  EXPECT_EQ(fpc::to_exact_string(val("-inf")), "-inf");
  EXPECT_EQ(fpc::to_exact_string(val("nan")), "nan");
  // non-dyadic rationals print as a reduced fraction
  EXPECT_EQ(fpc::to_exact_string(ratio(1, 3)), "1/3");
  EXPECT_EQ(fpc::to_exact_string(ratio(-1, 3)), "-1/3");
  EXPECT_EQ(fpc::to_exact_string(ratio(10, 6)), "5/3");
  EXPECT_EQ(fpc::to_exact_string(val("0.1")), "1/10");
}

TEST(PrintExact, RoundTripsEveryFloat16Code) {
  const fpc::Format& f16 = fpc::format_by_name("float16");
  for (uint64_t c = 0; c < f16.code_count(); ++c) {
    ExactValue v = fpc::decode(f16, c).value;
    if (v.is_nan()) continue;
    std::string s = fpc::to_exact_string(v);
    ASSERT_TRUE(fpc::identical(fpc::parse_value(s), v)) << c << " " << s;
    ASSERT_EQ(fpc::round_to_format(fpc::parse_value(s), f16, Rounding::NearestEven).code, c) << s;
  }
}

// ------------------------------------------------------------------------------------------
// to_general_string: printf("%.Ng") from the exact value, ties to even

TEST(PrintGeneral, Notation) {
  EXPECT_EQ(fpc::to_general_string(val("123456"), 6), "123456");
  EXPECT_EQ(fpc::to_general_string(val("1234567"), 6), "1.23457e+06");
  EXPECT_EQ(fpc::to_general_string(val("100000"), 6), "100000");
  EXPECT_EQ(fpc::to_general_string(val("1000000"), 6), "1e+06");
  EXPECT_EQ(fpc::to_general_string(val("1e100"), 6), "1e+100");
  EXPECT_EQ(fpc::to_general_string(val("1.5e-300"), 6), "1.5e-300");
  EXPECT_EQ(fpc::to_general_string(val("0.0001"), 6), "0.0001");
  EXPECT_EQ(fpc::to_general_string(val("0.00001"), 6), "1e-05");
  EXPECT_EQ(fpc::to_general_string(val("0.000123456789"), 6), "0.000123457");
  EXPECT_EQ(fpc::to_general_string(val("-0.5"), 6), "-0.5");
  EXPECT_EQ(fpc::to_general_string(val("0.0078125"), 6), "0.0078125");
  EXPECT_EQ(fpc::to_general_string(val("65504"), 5), "65504");
  EXPECT_EQ(fpc::to_general_string(val("65504"), 4), "6.55e+04");
  EXPECT_EQ(fpc::to_general_string(val("65504"), 3), "6.55e+04");
  EXPECT_EQ(fpc::to_general_string(val("25"), 1), "2e+01");
  EXPECT_EQ(fpc::to_general_string(val("1/3"), 6), "0.333333");
  EXPECT_EQ(fpc::to_general_string(val("2/3"), 6), "0.666667");
  EXPECT_EQ(fpc::to_general_string(val("-2/3"), 3), "-0.667");
  EXPECT_EQ(fpc::to_general_string(val("0"), 6), "0");
  EXPECT_EQ(fpc::to_general_string(val("-0"), 6), "-0");
  EXPECT_EQ(fpc::to_general_string(val("inf"), 6), "inf");
  EXPECT_EQ(fpc::to_general_string(val("-inf"), 6), "-inf");
  EXPECT_EQ(fpc::to_general_string(val("nan"), 6), "nan");
  EXPECT_EQ(fpc::to_general_string(val("1e-5"), 1), "1e-05");
  EXPECT_EQ(fpc::to_general_string(val("12345678901234567890"), 20), "12345678901234567890");
  EXPECT_EQ(fpc::to_general_string(val("0.1000000000000000055511151231257827021181583404541015625"), 17),
            "0.10000000000000001");
  EXPECT_EQ(fpc::to_general_string(val("0.1000000000000000055511151231257827021181583404541015625"), 20),
            "0.10000000000000000555");
}

TEST(PrintGeneral, RoundingTiesAndCarries) {
  EXPECT_EQ(fpc::to_general_string(val("3.140625"), 6), "3.14062");   // tie: even
  EXPECT_EQ(fpc::to_general_string(val("3.140635"), 6), "3.14064");   // tie: even (up)
  EXPECT_EQ(fpc::to_general_string(val("3.1406250001"), 6), "3.14063");
  EXPECT_EQ(fpc::to_general_string(val("9.999995"), 6), "10");         // tie, carries into a new digit
  EXPECT_EQ(fpc::to_general_string(val("9.9999951"), 6), "10");
  EXPECT_EQ(fpc::to_general_string(val("9.9999949"), 6), "9.99999");
  EXPECT_EQ(fpc::to_general_string(val("-9.999995"), 6), "-10");
  EXPECT_EQ(fpc::to_general_string(val("999999.5"), 6), "1e+06");     // carry into exponent form
  EXPECT_EQ(fpc::to_general_string(val("999999.4"), 6), "999999");
  EXPECT_EQ(fpc::to_general_string(val("0.000099999996"), 6), "0.0001");  // carry out of exponent form
  EXPECT_EQ(fpc::to_general_string(val("0.0000999994"), 6), "9.99994e-05");
  EXPECT_EQ(fpc::to_general_string(val("9.5"), 1), "1e+01");
  EXPECT_EQ(fpc::to_general_string(val("0.25"), 1), "0.2");
  EXPECT_EQ(fpc::to_general_string(val("0.35"), 1), "0.4");
  EXPECT_EQ(fpc::to_general_string(val("2.5"), 1), "2");
  EXPECT_EQ(fpc::to_general_string(val("3.5"), 1), "4");
  EXPECT_EQ(fpc::to_general_string(val("99.95"), 3), "100");
  EXPECT_EQ(fpc::to_general_string(val("99.95"), 2), "1e+02");
}

// ------------------------------------------------------------------------------------------
// to_fixed_string

TEST(PrintFixed, Values) {
  EXPECT_EQ(fpc::to_fixed_string(val("2.5"), 0), "2");
  EXPECT_EQ(fpc::to_fixed_string(val("3.5"), 0), "4");
  EXPECT_EQ(fpc::to_fixed_string(val("0.125"), 2), "0.12");
  EXPECT_EQ(fpc::to_fixed_string(val("0.375"), 2), "0.38");
  EXPECT_EQ(fpc::to_fixed_string(val("-0.125"), 2), "-0.12");
  EXPECT_EQ(fpc::to_fixed_string(val("1/3"), 5), "0.33333");
  EXPECT_EQ(fpc::to_fixed_string(val("2/3"), 5), "0.66667");
  EXPECT_EQ(fpc::to_fixed_string(val("-2/3"), 1), "-0.7");
  EXPECT_EQ(fpc::to_fixed_string(val("123.456"), 1), "123.5");
  EXPECT_EQ(fpc::to_fixed_string(val("0.05"), 1), "0.0");
  EXPECT_EQ(fpc::to_fixed_string(val("0.15"), 1), "0.2");
  EXPECT_EQ(fpc::to_fixed_string(val("999.96"), 1), "1000.0");
  EXPECT_EQ(fpc::to_fixed_string(val("1e-30"), 3), "0.000");
  EXPECT_EQ(fpc::to_fixed_string(val("5e-7"), 6), "0.000000");
  EXPECT_EQ(fpc::to_fixed_string(val("1.5e-6"), 6), "0.000002");
  EXPECT_EQ(fpc::to_fixed_string(val("12"), 3), "12.000");
  EXPECT_EQ(fpc::to_fixed_string(val("1e20"), 2), "100000000000000000000.00");
  // zeros keep their sign and exactly `decimals` digits, as printf("%.Nf") does
  EXPECT_EQ(fpc::to_fixed_string(val("0"), 4), "0.0000");
  EXPECT_EQ(fpc::to_fixed_string(val("-0"), 2), "-0.00");
  EXPECT_EQ(fpc::to_fixed_string(val("0"), 0), "0");
  EXPECT_EQ(fpc::to_fixed_string(val("-0.001"), 2), "-0.00");  // printf keeps the sign
  EXPECT_EQ(fpc::to_fixed_string(val("inf"), 3), "inf");
  EXPECT_EQ(fpc::to_fixed_string(val("-inf"), 3), "-inf");
  EXPECT_EQ(fpc::to_fixed_string(val("nan"), 3), "nan");
  // float64(3.14) to 20 decimals (SEEDS)
  EXPECT_EQ(fpc::to_fixed_string(val("3.140000000000000124344978758017532527446746826171875"), 20),
            "3.14000000000000012434");
}

}  // namespace
