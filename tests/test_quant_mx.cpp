// OCP MX v1.0 (MXFP8/MXFP6/MXFP4/MXINT8) and NVFP4. Expected values worked by hand from the OCP
// MX v1.0 conversion (section 6.3: X = 2^(floor(log2 amax) - emax_elem), elements V/X rounded and
// clamped to the element's max), the named scale alternatives and NVIDIA's NVFP4 recipe; the
// TransformerEngine float32 cases were computed with numpy float32, independently of the oracle.
#include "fpconform/quantize.hpp"

#include <gtest/gtest.h>

#include "quant_test_support.hpp"

#include <string>
#include <vector>

namespace {

using fpc::ExactValue;
using fpc::MxScaleRule;
using fpc::QuantOptions;
using fpc::Quantized;

using quant_test::val;
using quant_test::values;

Quantized mx(const char* scheme, const std::vector<ExactValue>& in, MxScaleRule rule = MxScaleRule::Floor,
             fpc::Rounding rounding = fpc::Rounding::NearestEven) {
  QuantOptions o;
  o.scheme = scheme;
  o.scale_rule = rule;
  o.element_rounding = rounding;
  return fpc::quantize(in, o);
}

// amax 6: floor(log2 6) - 2 = 0, X = 1: E2M1 codes 1 -> 0x2, 2 -> 0x4, 3 -> 0x5, 6 -> 0x7; E8M0 code
// 127; two codes a byte, first element in the low nibble.
TEST(QuantMx, Mxfp4SpecExample) {
  Quantized q = mx("mxfp4", values({"1", "2", "3", "6"}));
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x2, 0x4, 0x5, 0x7}));
  EXPECT_EQ(q.blocks[0].scale_code, 127u);
  EXPECT_IDENTICAL(q.blocks[0].scale, val("1"));
  EXPECT_EQ(q.packed, (std::vector<uint8_t>{0x42, 0x75}));
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[2], val("3"));
}

// The scale rules on amax 7 and 6.5 (E2M1, max 6, emax 2):
//  floor: E = 0; 7 and 6.5 saturate to 6.
//  ceil: E = ceil(log2(7/6)) = 1; 7/2 = 3.5 ties to even 4 -> 8. 6.5/6 > 1 -> E = 1 as well.
//  roundup: float32(7 * float32(1/6)) = 1.1666... -> E = 1.
//  even: 7 = 0b111 rounded to 2 bits ties to even 0b1000 -> exponent 3 -> E = 1;
//        6.5 = 0b110.1 rounds to 0b110 -> exponent 2 -> E = 0 (6.5 saturates to 6).
TEST(QuantMx, ScaleRules) {
  auto first = [](const Quantized& q) { return fpc::dequantize(q)[0]; };
  std::vector<ExactValue> seven = values({"7"}), six_half = values({"6.5"});
  EXPECT_IDENTICAL(first(mx("mxfp4", seven, MxScaleRule::Floor)), val("6"));
  EXPECT_IDENTICAL(first(mx("mxfp4", seven, MxScaleRule::Ceil)), val("8"));
  EXPECT_IDENTICAL(first(mx("mxfp4", seven, MxScaleRule::RoundUp)), val("8"));
  EXPECT_IDENTICAL(first(mx("mxfp4", seven, MxScaleRule::Even)), val("8"));
  EXPECT_EQ(mx("mxfp4", seven, MxScaleRule::Ceil).blocks[0].scale_code, 128u);
  EXPECT_IDENTICAL(first(mx("mxfp4", six_half, MxScaleRule::Floor)), val("6"));
  EXPECT_IDENTICAL(first(mx("mxfp4", six_half, MxScaleRule::Ceil)), val("6"));  // 3.25 -> 3, times 2
  EXPECT_EQ(mx("mxfp4", six_half, MxScaleRule::Ceil).blocks[0].scale_code, 128u);
  EXPECT_EQ(mx("mxfp4", six_half, MxScaleRule::Even).blocks[0].scale_code, 127u);
}

// NaN or infinity anywhere: scale NaN (0xFF) and every element decodes to NaN.
TEST(QuantMx, NanAndInfinityGiveTheNanScale) {
  for (const char* bad : {"nan", "inf", "-inf"}) {
    SCOPED_TRACE(bad);
    Quantized q = mx("mxfp8_e4m3", values({"1", bad, "2"}));
    EXPECT_EQ(q.blocks[0].scale_code, 0xFFu);
    EXPECT_TRUE(q.blocks[0].scale.is_nan());
    for (const ExactValue& d : fpc::dequantize(q)) EXPECT_TRUE(d.is_nan());
  }
}

// All zero: the smallest scale 2^-127 (code 0) and zero elements, -0 keeping its sign (E2M1 0x8).
TEST(QuantMx, AllZeroBlock) {
  Quantized q = mx("mxfp4", values({"0", "-0"}));
  EXPECT_EQ(q.blocks[0].scale_code, 0u);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x0, 0x8}));
  EXPECT_IDENTICAL(fpc::dequantize(q)[1], val("-0"));
}

// Scale underflow: amax 2^-140 wants E = -142, clamped to -127; 2^-140 / 2^-127 = 2^-13 is below
// E2M1's smallest subnormal 0.5, so the element rounds to 0.
TEST(QuantMx, ScaleUnderflowIsClamped) {
  Quantized q = mx("mxfp4", values({"0x1p-140"}));
  EXPECT_EQ(q.blocks[0].scale_code, 0u);
  EXPECT_EQ(q.codes[0], 0u);
  EXPECT_FALSE(q.blocks[0].note.empty());
}

// Scale overflow: amax 2^200 wants E = 198: NaN under floor; roundup (float32(2^200) = inf, the
// satfinite conversion) saturates to 2^127, the element saturating to 6.
TEST(QuantMx, ScaleOverflow) {
  EXPECT_EQ(mx("mxfp4", values({"0x1p200"})).blocks[0].scale_code, 0xFFu);
  Quantized r = mx("mxfp4", values({"0x1p200"}), MxScaleRule::RoundUp);
  EXPECT_EQ(r.blocks[0].scale_code, 254u);
  EXPECT_EQ(r.codes[0], 0x7u);
}

// MXFP8 E4M3 with one outlier: amax 448 -> E = 8 - 8 = 0; 0.001 becomes the subnormal 2^-9 (code 1),
// 2^-11 (a quarter of 2^-9) rounds to 0.
TEST(QuantMx, Mxfp8OutlierAndSubnormals) {
  Quantized q = mx("mxfp8_e4m3", values({"448", "0.001", "0x1p-11", "-448"}));
  EXPECT_EQ(q.blocks[0].scale_code, 127u);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x7e, 0x01, 0x00, 0xfe}));
}

// MXFP8 E5M2 and MXFP6: emax 15, 2, 4.
TEST(QuantMx, OtherElementFormats) {
  EXPECT_EQ(mx("mxfp8_e5m2", values({"57344"})).blocks[0].scale_code, 127u);  // log2 57344 = 15.8 -> 15 - 15
  EXPECT_EQ(mx("mxfp6_e2m3", values({"7.5"})).blocks[0].scale_code, 127u);
  EXPECT_EQ(mx("mxfp6_e3m2", values({"28"})).blocks[0].scale_code, 127u);
  EXPECT_EQ(mx("mxfp6_e3m2", values({"32"})).blocks[0].scale_code, 128u);  // 5 - 4 = 1
  Quantized q = mx("mxfp6_e2m3", values({"1", "2", "3"}));
  EXPECT_EQ(q.packed.size(), 3u);  // 6-bit codes one a byte
}

// MXINT8: elements are int8 / 64. [1, -2, 2^-6]: amax 2 -> E = 1 - 0 = 1; 0.5, -1, 2^-7 -> 32, -64,
// 0.5 (tie to 0). amax 1.999 -> E = 0: 1.999 * 64 = 127.9 -> 127, and -1.999 -> -127 (not -128).
TEST(QuantMx, Mxint8) {
  Quantized q = mx("mxint8", values({"1", "-2", "0x1p-6"}));
  EXPECT_EQ(q.blocks[0].scale_code, 128u);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x20, 0xc0, 0x00}));
  Quantized s = mx("mxint8", values({"1.999", "-1.999"}));
  EXPECT_EQ(s.blocks[0].scale_code, 127u);
  EXPECT_EQ(s.codes, (std::vector<uint64_t>{0x7f, 0x81}));
  EXPECT_IDENTICAL(fpc::dequantize(s)[1], val("-127/64"));
}

// Element rounding other than rne: 2.9 in E2M1 (X = 1) -> 3 (rne) or 2 (rtz).
TEST(QuantMx, ElementRounding) {
  EXPECT_EQ(mx("mxfp4", values({"6", "2.9"})).codes[1], 0x5u);
  EXPECT_EQ(mx("mxfp4", values({"6", "2.9"}), MxScaleRule::Floor, fpc::Rounding::TowardZero).codes[1], 0x4u);
}

// 32-element blocks: each block its own scale.
TEST(QuantMx, Blocks) {
  std::vector<ExactValue> in(64, val("1"));
  in[40] = val("12");
  Quantized q = mx("mxfp4", in);
  ASSERT_EQ(q.blocks.size(), 2u);
  EXPECT_EQ(q.blocks[0].scale_code, 125u);  // 0 - 2
  EXPECT_EQ(q.blocks[1].scale_code, 128u);  // 3 - 2
  EXPECT_EQ(q.codes[0], 0x6u);  // 1 / 2^-2 = 4
  EXPECT_EQ(q.codes[33], 0x1u); // 1 / 2 = 0.5
}

Quantized nvfp4(const std::vector<ExactValue>& in, const char* reference = "ideal") {
  QuantOptions o;
  o.scheme = "nvfp4";
  o.reference = reference;
  return fpc::quantize(in, o);
}

// Two 16-element blocks, tensor amax 6: g = 6/2688 = 1/448. Block 0 (amax 6): S = 6/6 * 448 = 448
// (E4M3 0x7e), elements x/(448 g) = x. Block 1 (amax 0.75): S = 0.75/6 * 448 = 56 (0x66), elements
// 8x: 0.75 -> 6, 0.25 -> 2.
TEST(QuantNvfp4, IdealTwoBlocks) {
  std::vector<ExactValue> in(32, val("0"));
  in[0] = val("6");
  in[1] = val("3");
  in[2] = val("-0.5");
  in[16] = val("0.75");
  in[17] = val("0.25");
  Quantized q = nvfp4(in);
  ASSERT_TRUE(q.tensor_scale.has_value());
  EXPECT_IDENTICAL(*q.tensor_scale, val("1/448"));
  ASSERT_EQ(q.blocks.size(), 2u);
  EXPECT_EQ(q.blocks[0].scale_code, 0x7eu);
  EXPECT_EQ(q.blocks[1].scale_code, 0x66u);
  EXPECT_EQ(q.codes[0], 0x7u);
  EXPECT_EQ(q.codes[1], 0x5u);
  EXPECT_EQ(q.codes[2], 0x9u);
  EXPECT_EQ(q.codes[16], 0x7u);
  EXPECT_EQ(q.codes[17], 0x4u);
  EXPECT_EQ(q.packed[0], 0x57);
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[0], val("6"));
  EXPECT_IDENTICAL(d[16], val("0.75"));
  EXPECT_IDENTICAL(d[17], val("0.25"));
}

// TransformerEngine: S_enc = float32(2688 / 6) = 448; S = e4m3(float32(6 * float32(448 *
// float32(1/6)))) = e4m3(448.0000305) -> 448; element scale 1 / float32(448 * float32(1/448)) = 1.
// Dequantization: float32(448 * 6) * float32(1.0 / 2688.0) = 1 (numpy), so 6 comes back as 6.
TEST(QuantNvfp4, TransformerEngineRecipe) {
  std::vector<ExactValue> in = values({"6", "3", "-0.5", "1"});
  Quantized q = nvfp4(in, "te");
  EXPECT_EQ(q.blocks[0].scale_code, 0x7eu);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x7, 0x5, 0x9, 0x2}));
  EXPECT_IDENTICAL(fpc::dequantize(q)[0], val("6"));
}

// The cases kernels get wrong: an all-zero block (scale 0, zero elements) next to a normal one, a
// block whose scale underflows E4M3 (amax / 6 * 448 / amax_tensor below 2^-10) and non-finite input.
TEST(QuantNvfp4, ZeroAndUnderflowingBlocks) {
  std::vector<ExactValue> in(48, val("0"));
  in[0] = val("6");
  in[32] = val("0x1p-20");
  Quantized q = nvfp4(in);
  EXPECT_EQ(q.blocks[1].scale_code, 0u);
  EXPECT_EQ(q.blocks[2].scale_code, 0u);
  EXPECT_EQ(q.codes[32], 0u);
  EXPECT_FALSE(q.blocks[2].note.empty());
  EXPECT_THROW(nvfp4(values({"1", "nan"})), fpc::InputError);
  Quantized zeros = nvfp4(values({"0", "0"}), "te");
  EXPECT_IDENTICAL(*zeros.tensor_scale, val("1"));
  EXPECT_EQ(zeros.codes, (std::vector<uint64_t>{0, 0}));
}

}  // namespace
