// Every row of docs/seeds.md, reproduced through the oracle API.
//
// The expected values are the articles' numbers (or, where the articles print a rounded value,
// the exact value whose rounding they print). Codes are written as literal bit patterns; exact
// values as decimal literals or integer ratios. No hardware floating point is involved.
#include "fpconform/blockwise.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using fpc::BigInt;
using fpc::ExactValue;
using fpc::Format;
using fpc::Rounding;

const Format& fmt(const char* name) { return fpc::format_by_name(name); }

ExactValue val(const char* text) { return fpc::parse_value(text); }

ExactValue decoded(const Format& f, uint64_t code) { return fpc::decode(f, code).value; }

uint64_t rne_code(const char* text, const Format& f) {
  return fpc::round_to_format(val(text), f, Rounding::NearestEven).code;
}

// The code as a string of `width` binary digits, most significant first.
std::string bit_string(uint64_t code, int width) {
  std::string s;
  for (int i = width - 1; i >= 0; --i) s += ((code >> i) & 1) ? '1' : '0';
  return s;
}

// A binary-digit string as an integer.
uint64_t from_bits(const std::string& bits) {
  uint64_t v = 0;
  for (char c : bits) v = (v << 1) | (c == '1' ? 1u : 0u);
  return v;
}

// sign | exponent | mantissa, given as binary-digit strings.
uint64_t assemble(int sign, const std::string& exponent, const std::string& mantissa) {
  return (static_cast<uint64_t>(sign) << (exponent.size() + mantissa.size())) |
         (from_bits(exponent) << mantissa.size()) | from_bits(mantissa);
}

#define EXPECT_IDENTICAL(a, b)                                                                       \
  EXPECT_TRUE(fpc::identical((a), (b))) << "  got " << fpc::to_exact_string(a) << "\n  want " \
                                        << fpc::to_exact_string(b)

// x truncated (toward zero) to 3 decimals, printed with exactly 3 decimals (x >= 0).
std::string truncate3(const ExactValue& x) {
  if (x.is_zero()) return "0.000";
  BigInt n = x.num * 1000 / x.den;  // floor for a positive value
  std::string digits = n.str();
  while (digits.size() < 4) digits.insert(0, "0");
  return digits.substr(0, digits.size() - 3) + "." + digits.substr(digits.size() - 3);
}

// ------------------------------------------------------------------------------------------
// Encodings and decodings

TEST(Seeds, Float32BitsOf0_15625) {
  const Format& f32 = fmt("float32");
  fpc::RoundResult r = fpc::round_to_format(val("0.15625"), f32, Rounding::NearestEven);
  EXPECT_EQ(r.code, 0x3E200000u);
  EXPECT_EQ(r.flags, 0u);
  EXPECT_EQ(bit_string(r.code, 32), "00111110001000000000000000000000");
  uint64_t code = assemble(0, "01111100", "01000000000000000000000");
  EXPECT_EQ(code, 0x3E200000u);
  fpc::Decoded d = fpc::decode(f32, code);
  EXPECT_EQ(d.cls, fpc::CodeClass::Normal);
  EXPECT_IDENTICAL(d.value, val("0.15625"));
  EXPECT_IDENTICAL(d.value, ExactValue::rational(false, 5, 32));
  EXPECT_EQ(fpc::to_exact_string(d.value), "0.15625");
}

TEST(Seeds, Float64Of3_14To20Decimals) {
  const Format& f64 = fmt("float64");
  fpc::RoundResult r = fpc::round_to_format(val("3.14"), f64, Rounding::NearestEven);
  EXPECT_EQ(r.code, 0x40091EB851EB851Fu);  // 3.14 = 0x1.91EB851EB851Fp+1 (the well-known pattern)
  EXPECT_EQ(r.flags, unsigned{fpc::kInexact});
  ExactValue v = decoded(f64, r.code);
  EXPECT_EQ(fpc::to_fixed_string(v, 20), "3.14000000000000012434");
  EXPECT_EQ(fpc::to_exact_string(v), "3.140000000000000124344978758017532527446746826171875");
  EXPECT_IDENTICAL(v, val("3.140000000000000124344978758017532527446746826171875"));
}

TEST(Seeds, Float16BitsOf3_14) {
  const Format& f16 = fmt("float16");
  uint64_t code = rne_code("3.14", f16);
  EXPECT_EQ(code, 0x4248u);
  EXPECT_EQ(bit_string(code, 16), "0100001001001000");
  EXPECT_IDENTICAL(decoded(f16, code), val("3.140625"));
  EXPECT_EQ(fpc::to_exact_string(decoded(f16, code)), "3.140625");
}

TEST(Seeds, Float16MaxFinite) {
  const Format& f16 = fmt("float16");
  uint64_t code = assemble(0, "11110", "1111111111");
  EXPECT_EQ(code, 0x7BFFu);
  EXPECT_EQ(f16.max_finite_code(), code);
  EXPECT_IDENTICAL(decoded(f16, code), val("65504"));
  // exponent 0b11111 is reserved for inf (mantissa 0) and NaN (mantissa != 0)
  EXPECT_EQ(fpc::decode(f16, assemble(0, "11111", "0000000000")).cls, fpc::CodeClass::Infinity);
  EXPECT_EQ(fpc::decode(f16, assemble(0, "11111", "0000000001")).cls, fpc::CodeClass::NaN);
  EXPECT_EQ(fpc::decode(f16, assemble(0, "11111", "1111111111")).cls, fpc::CodeClass::NaN);
}

TEST(Seeds, Float16MinNormal) {
  const Format& f16 = fmt("float16");
  uint64_t code = assemble(0, "00001", "0000000000");
  EXPECT_EQ(f16.min_normal_code(), code);
  EXPECT_EQ(fpc::decode(f16, code).cls, fpc::CodeClass::Normal);
  EXPECT_EQ(fpc::to_exact_string(decoded(f16, code)), "0.00006103515625");
  EXPECT_IDENTICAL(decoded(f16, code), ExactValue::dyadic(false, 1, -14));
}

TEST(Seeds, Float16OfMinus27_15625) {
  const Format& f16 = fmt("float16");
  fpc::RoundResult r = fpc::round_to_format(val("-27.15625"), f16, Rounding::NearestEven);
  EXPECT_EQ(r.code, assemble(1, "10011", "1011001010"));
  EXPECT_EQ(r.code, 0xCECAu);
  EXPECT_EQ(r.flags, 0u);  // exact
  EXPECT_IDENTICAL(decoded(f16, r.code), val("-27.15625"));
}

TEST(Seeds, Bfloat16Of3_14) {
  const Format& bf16 = fmt("bfloat16");
  uint64_t code = rne_code("3.14", bf16);
  EXPECT_EQ(code, assemble(0, "10000000", "1001001"));
  EXPECT_EQ(code, 0x4049u);
  EXPECT_IDENTICAL(decoded(bf16, code), val("3.140625"));
}

TEST(Seeds, Bfloat16MaxFinite) {
  const Format& bf16 = fmt("bfloat16");
  uint64_t code = assemble(0, "11111110", "1111111");
  EXPECT_EQ(bf16.max_finite_code(), code);
  ExactValue v = decoded(bf16, code);
  EXPECT_IDENTICAL(v, ExactValue::dyadic(false, 255, 120));  // (2 - 2^-7) * 2^127
  EXPECT_EQ(fpc::to_general_string(v, 17), "3.3895313892515355e+38");
}

TEST(Seeds, Float16AndBfloat16Of1_2) {
  EXPECT_EQ(fpc::to_exact_string(decoded(fmt("float16"), rne_code("1.2", fmt("float16")))), "1.2001953125");
  EXPECT_EQ(fpc::to_exact_string(decoded(fmt("bfloat16"), rne_code("1.2", fmt("bfloat16")))), "1.203125");
}

TEST(Seeds, Float8E4m3fnMaxFinite) {
  const Format& f = fmt("float8_e4m3fn");
  uint64_t code = assemble(0, "1111", "110");
  EXPECT_EQ(code, 0x7Eu);
  EXPECT_EQ(f.max_finite_code(), code);
  EXPECT_IDENTICAL(decoded(f, code), val("448"));
  EXPECT_EQ(fpc::decode(f, assemble(0, "1111", "111")).cls, fpc::CodeClass::NaN);
}

TEST(Seeds, Float8E5m2MaxFinite) {
  const Format& f = fmt("float8_e5m2");
  uint64_t code = assemble(0, "11110", "11");
  EXPECT_EQ(code, 0x7Bu);
  EXPECT_EQ(f.max_finite_code(), code);
  EXPECT_IDENTICAL(decoded(f, code), val("57344"));
}

TEST(Seeds, Float8Of3_14) {
  EXPECT_IDENTICAL(decoded(fmt("float8_e4m3fn"), rne_code("3.14", fmt("float8_e4m3fn"))), val("3.25"));
  EXPECT_IDENTICAL(decoded(fmt("float8_e5m2"), rne_code("3.14", fmt("float8_e5m2"))), val("3.0"));
}

TEST(Seeds, Fp4E2m1Layout) {
  const Format& f = fmt("float4_e2m1fn");
  EXPECT_TRUE(f.has_sign);
  EXPECT_EQ(f.exp_bits, 2);
  EXPECT_EQ(f.man_bits, 1);
  EXPECT_EQ(f.bits(), 4);
  EXPECT_EQ(f.code_count(), 16u);
}

TEST(Seeds, Tf32Layout) {
  const Format& tf32 = fmt("tf32");
  const Format& f32 = fmt("float32");
  const Format& f16 = fmt("float16");
  EXPECT_TRUE(tf32.has_sign);
  EXPECT_EQ(tf32.exp_bits, 8);
  EXPECT_EQ(tf32.man_bits, 10);
  EXPECT_EQ(tf32.bits(), 19);
  // float32's range ...
  EXPECT_EQ(tf32.emin(), f32.emin());
  EXPECT_EQ(tf32.emax(), f32.emax());
  EXPECT_IDENTICAL(decoded(tf32, tf32.min_normal_code()), decoded(f32, f32.min_normal_code()));
  // ... float16's precision
  EXPECT_EQ(tf32.man_bits, f16.man_bits);
  EXPECT_IDENTICAL(decoded(tf32, rne_code("1.2", tf32)), val("1.2001953125"));
}

// ------------------------------------------------------------------------------------------
// bfloat16 as torch.finfo prints it

TEST(Seeds, Bfloat16Finfo) {
  const Format& bf16 = fmt("bfloat16");
  ExactValue max = decoded(bf16, bf16.max_finite_code());
  ExactValue min = decoded(bf16, bf16.lowest_finite_code());
  // eps: the gap between 1 and the next value, computed exactly from the codes
  uint64_t one = rne_code("1", bf16);
  ExactValue next = decoded(bf16, one + 1);
  ASSERT_TRUE(next.is_finite_nonzero());
  BigInt eps_num = next.num - next.den;  // next - 1 = (num - den) / den
  ASSERT_GT(eps_num, 0);
  ExactValue eps = ExactValue::rational(false, eps_num, next.den);
  ExactValue smallest_normal = decoded(bf16, bf16.min_normal_code());
  ExactValue tiny = smallest_normal;  // torch's tiny is the smallest normal
  // resolution = 10^-P with P = floor(-log10(eps)) = the largest P with 10^P * eps <= 1
  int64_t p = 0;
  BigInt ten_p = 1;
  while (ten_p * 10 * eps.num <= eps.den) {
    ten_p *= 10;
    ++p;
  }
  ExactValue resolution = ExactValue::rational(false, 1, ten_p);
  ExactValue smallest_subnormal = decoded(bf16, bf16.min_positive_code());

  EXPECT_EQ(fpc::to_general_string(max, 6), "3.38953e+38");
  EXPECT_EQ(fpc::to_general_string(min, 6), "-3.38953e+38");
  EXPECT_EQ(fpc::to_general_string(eps, 6), "0.0078125");
  EXPECT_EQ(fpc::to_general_string(smallest_normal, 6), "1.17549e-38");
  EXPECT_EQ(fpc::to_general_string(tiny, 6), "1.17549e-38");
  EXPECT_EQ(p, 2);
  EXPECT_EQ(fpc::to_general_string(resolution, 6), "0.01");
  // exact values
  EXPECT_IDENTICAL(max, ExactValue::dyadic(false, 255, 120));
  EXPECT_IDENTICAL(min, ExactValue::dyadic(true, 255, 120));
  EXPECT_IDENTICAL(eps, ExactValue::dyadic(false, 1, -7));
  EXPECT_IDENTICAL(smallest_normal, ExactValue::dyadic(false, 1, -126));
  EXPECT_IDENTICAL(resolution, val("0.01"));
  EXPECT_EQ(fpc::decode(bf16, bf16.min_positive_code()).cls, fpc::CodeClass::Subnormal);
  EXPECT_IDENTICAL(smallest_subnormal, ExactValue::dyadic(false, 1, -133));
  EXPECT_EQ(fpc::to_general_string(smallest_subnormal, 6), "9.18355e-41");
}

// ------------------------------------------------------------------------------------------
// NF4 code table, as float32

const char* const kNf4Printed[16] = {
    "-1.0",
    "-0.6961928009986877",
    "-0.5250730514526367",
    "-0.39491748809814453",
    "-0.28444138169288635",
    "-0.18477343022823334",
    "-0.09105003625154495",
    "0.0",
    "0.07958029955625534",
    "0.16093020141124725",
    "0.24611230194568634",
    "0.33791524171829224",
    "0.44070982933044434",
    "0.5626170039176941",
    "0.7229568362236023",
    "1.0",
};

TEST(Seeds, Nf4TableAsFloat32) {
  const Format& nf4 = fmt("nf4");
  const Format& f32 = fmt("float32");
  ASSERT_EQ(nf4.kind, fpc::FormatKind::CodeTable);
  ASSERT_EQ(nf4.code_count(), 16u);
  ASSERT_EQ(nf4.table_literals.size(), 16u);
  for (uint64_t i = 0; i < 16; ++i) {
    SCOPED_TRACE("nf4 code " + std::to_string(i));
    ExactValue entry = decoded(nf4, i);
    // The entry is the defining literal rounded (rne) to float32 ...
    fpc::RoundResult lit = fpc::round_to_format(val(nf4.table_literals[i].c_str()), f32, Rounding::NearestEven);
    EXPECT_IDENTICAL(entry, decoded(f32, lit.code));
    // ... it is a float32 value ...
    fpc::RoundResult self = fpc::round_to_format(entry, f32, Rounding::NearestEven);
    EXPECT_EQ(self.flags, 0u);
    // ... and the decimal the article prints denotes that same float32 value.
    fpc::RoundResult printed = fpc::round_to_format(val(kNf4Printed[i]), f32, Rounding::NearestEven);
    EXPECT_EQ(printed.code, self.code);
    EXPECT_IDENTICAL(decoded(f32, printed.code), entry);
    // 9 significant digits identify a float32: printing the entry with 9 digits reads back to it.
    std::string nine = fpc::to_general_string(entry, 9);
    EXPECT_EQ(fpc::round_to_format(fpc::parse_value(nine), f32, Rounding::NearestEven).code, self.code) << nine;
  }
  // Ascending, with -1, 0 and 1 exact at codes 0, 7 and 15.
  for (uint64_t i = 1; i < 16; ++i) EXPECT_LT(fpc::compare(decoded(nf4, i - 1), decoded(nf4, i)), 0) << i;
  EXPECT_IDENTICAL(decoded(nf4, 0), val("-1"));
  EXPECT_IDENTICAL(decoded(nf4, 7), val("0"));
  EXPECT_IDENTICAL(decoded(nf4, 15), val("1"));
}

// ------------------------------------------------------------------------------------------
// bitsandbytes FP4 blockwise quantization

TEST(Seeds, BnbFp4TableRoundedTo4Decimals) {
  const Format& fp4 = fmt("bnb_fp4");
  const char* const printed[16] = {"0.0000",  "0.0052",  "0.6667",  "1.0000",  "0.3333",  "0.5000",
                                   "0.1667",  "0.2500",  "0.0000",  "-0.0052", "-0.6667", "-1.0000",
                                   "-0.3333", "-0.5000", "-0.1667", "-0.2500"};
  ASSERT_EQ(fp4.code_count(), 16u);
  for (uint64_t i = 0; i < 16; ++i) {
    SCOPED_TRACE("bnb_fp4 code " + std::to_string(i));
    ExactValue v = decoded(fp4, i);
    if (v.is_zero()) {
      // Codes 0 and 8 are +0 and -0 (bitsandbytes returns 0.0f * sign); the article prints both as 0.0000.
      EXPECT_EQ(v.negative, i == 8);
      EXPECT_EQ(fpc::to_fixed_string(v.abs(), 4), printed[i]);
    } else {
      EXPECT_EQ(fpc::to_fixed_string(v, 4), printed[i]);
      EXPECT_EQ(v.negative, i >= 8);  // bit 3 is the sign
    }
  }
  EXPECT_TRUE(decoded(fp4, 0).is_zero());
  EXPECT_TRUE(decoded(fp4, 8).is_zero());
}

std::vector<ExactValue> values(std::initializer_list<const char*> texts) {
  std::vector<ExactValue> v;
  for (const char* t : texts) v.push_back(val(t));
  return v;
}

TEST(Seeds, BnbQuantizeFp4OneTwoThreeFour) {
  const Format& fp4 = fmt("bnb_fp4");
  std::vector<ExactValue> in = values({"1.0", "2.0", "3.0", "4.0"});
  fpc::AbsmaxQuantized q = fpc::quantize_absmax(in, fp4, 64);
  // x / 4 = 0.25, 0.5, 0.75, 1 -> codes 0111 (0.25), 0101 (0.5), 0010 (0.6667: nearer than 1), 0011 (1)
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0b0111, 0b0101, 0b0010, 0b0011}));
  EXPECT_EQ(q.packed, (std::vector<uint8_t>{117, 35}));
  ASSERT_EQ(q.absmax.size(), 1u);
  EXPECT_IDENTICAL(q.absmax[0], val("4.0"));
  std::vector<ExactValue> d = fpc::dequantize_absmax(q);
  ASSERT_EQ(d.size(), 4u);
  const char* const printed[4] = {"1.000", "2.000", "2.666", "4.000"};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(truncate3(d[i]), printed[i]) << i;
  // Exact values: code * absmax with the float32 table entries.
  EXPECT_IDENTICAL(d[0], val("1"));
  EXPECT_IDENTICAL(d[1], val("2"));
  // float32(0.66666667) = 0x3F2AAAAB = 11184811 * 2^-24
  EXPECT_IDENTICAL(d[2], ExactValue::rational(false, BigInt(4) * 11184811, BigInt(1) << 24));
  EXPECT_IDENTICAL(d[2], val("2.6666667461395263671875"));
  EXPECT_IDENTICAL(d[3], val("4"));
}

TEST(Seeds, BnbQuantizeFp4WithOutlier) {
  const Format& fp4 = fmt("bnb_fp4");
  std::vector<ExactValue> in = values({"1.0", "2.0", "3.0", "64.0"});
  fpc::AbsmaxQuantized q = fpc::quantize_absmax(in, fp4, 64);
  // x / 64 = 1/64, 2/64, 3/64: all nearest to 0.00520833 (code 1); 1 -> code 3
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{1, 1, 1, 3}));
  ASSERT_EQ(q.absmax.size(), 1u);
  EXPECT_IDENTICAL(q.absmax[0], val("64"));
  std::vector<ExactValue> d = fpc::dequantize_absmax(q);
  ASSERT_EQ(d.size(), 4u);
  const char* const printed[4] = {"0.333", "0.333", "0.333", "64.000"};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(truncate3(d[i]), printed[i]) << i;
  EXPECT_IDENTICAL(d[3], val("64.0"));
  EXPECT_IDENTICAL(d[0], d[1]);
  EXPECT_IDENTICAL(d[0], d[2]);
}

// ------------------------------------------------------------------------------------------
// Storage of the articles' MLP

// Kilobytes (1024 bytes) of a 784-128-64-10 MLP with weights in `weights` and float32 biases.
ExactValue mlp_kilobytes(const Format& weights) {
  const int64_t layers[] = {784, 128, 64, 10};
  BigInt weight_count = 0, bias_count = 0;
  for (size_t i = 0; i + 1 < 4; ++i) {
    weight_count += BigInt(layers[i]) * layers[i + 1];
    bias_count += layers[i + 1];
  }
  BigInt bits = weight_count * weights.bits() + bias_count * fmt("float32").bits();
  return ExactValue::rational(false, bits, BigInt(8) * 1024);
}

TEST(Seeds, MlpStorage) {
  EXPECT_EQ(fpc::to_exact_string(mlp_kilobytes(fmt("float32"))), "427.2890625");
  EXPECT_EQ(fpc::to_exact_string(mlp_kilobytes(fmt("int8"))), "107.4140625");
  EXPECT_EQ(fpc::to_exact_string(mlp_kilobytes(fmt("float4_e2m1fn"))), "54.1015625");
  EXPECT_IDENTICAL(mlp_kilobytes(fmt("float32")), val("427.2890625"));
  EXPECT_IDENTICAL(mlp_kilobytes(fmt("int8")), val("107.4140625"));
  EXPECT_IDENTICAL(mlp_kilobytes(fmt("float4_e2m1fn")), val("54.1015625"));
}

}  // namespace
