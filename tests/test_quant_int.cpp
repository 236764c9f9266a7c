// LLM.int8 vector-wise quantization and GPTQ-style 4-bit groups. Expected values are worked by hand
// from the formulas (docs/quantization.md); the float32 ("torch") cases were computed with numpy
// float32 arithmetic, independently of the oracle, and are written as hex floats.
#include "fpconform/quantize.hpp"

#include <gtest/gtest.h>

#include "quant_test_support.hpp"

#include <string>
#include <vector>

namespace {

using fpc::ExactValue;
using fpc::QuantOptions;
using fpc::Quantized;

using quant_test::val;
using quant_test::values;

Quantized quantize(const char* scheme, const char* reference, const std::vector<ExactValue>& in, size_t cols = 0,
                   size_t blocksize = 0) {
  QuantOptions o;
  o.scheme = scheme;
  o.reference = reference;
  o.cols = cols;
  o.blocksize = blocksize;
  return fpc::quantize(in, o);
}

// Signed value of an int8 / int4 code.
int64_t int8_of(uint64_t code) { return code >= 128 ? static_cast<int64_t>(code) - 256 : static_cast<int64_t>(code); }

std::vector<int64_t> int8s(const Quantized& q) {
  std::vector<int64_t> v;
  for (uint64_t c : q.codes) v.push_back(int8_of(c));
  return v;
}

// Row [1, -2, 0.5, 4]: absmax 4, x * 127/4 = 31.75, -63.5 (tie -> -64), 15.875, 127; the zero row
// stays 0.
TEST(QuantLlmInt8, RowWise) {
  Quantized q = quantize("llm_int8_row", "ideal", values({"1", "-2", "0.5", "4", "0", "0", "0", "0"}), 4);
  EXPECT_EQ(int8s(q), (std::vector<int64_t>{32, -64, 16, 127, 0, 0, 0, 0}));
  ASSERT_EQ(q.blocks.size(), 2u);
  EXPECT_IDENTICAL(q.blocks[0].scale, val("4"));
  EXPECT_TRUE(q.blocks[1].scale.is_zero());
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[0], val("128/127"));
  EXPECT_IDENTICAL(d[3], val("4"));
  EXPECT_IDENTICAL(d[4], val("0"));
  // The same in float32 arithmetic; dequantization = float32(float32(q * absmax) * 7.874015718698502e-3f).
  Quantized t = quantize("llm_int8_row", "torch", values({"1", "-2", "0.5", "4"}));
  EXPECT_EQ(int8s(t), (std::vector<int64_t>{32, -64, 16, 127}));
}

// Columns of [[1, 2], [-4, 1]]: column 0 absmax 4 (31.75 -> 32, -127), column 1 absmax 2 (127,
// 63.5 -> 64); codes stay in input order.
TEST(QuantLlmInt8, ColumnWise) {
  Quantized q = quantize("llm_int8_col", "ideal", values({"1", "2", "-4", "1"}), 2);
  EXPECT_EQ(int8s(q), (std::vector<int64_t>{32, 127, -127, 64}));
  ASSERT_EQ(q.blocks.size(), 2u);
  EXPECT_EQ(q.blocks[1].members, (std::vector<size_t>{1, 3}));
  EXPECT_IDENTICAL(q.blocks[1].scale, val("2"));
}

// float32 arithmetic changes a code: x * 127 / absmax = -126.50000062 exactly (ideal -127), but
// float32(127 / absmax) and the float32 product give -126.49999... -> -126 (numpy float32).
TEST(QuantLlmInt8, Float32ProductChangesTheCode) {
  std::vector<ExactValue> in = values({"0x1.40389ep+6", "-0x1.3ef5ep+6"});
  EXPECT_EQ(int8s(quantize("llm_int8_row", "ideal", in)), (std::vector<int64_t>{127, -127}));
  EXPECT_EQ(int8s(quantize("llm_int8_row", "torch", in)), (std::vector<int64_t>{127, -126}));
}

TEST(QuantLlmInt8, BadShapes) {
  EXPECT_THROW(quantize("llm_int8_row", "ideal", values({"1", "2", "3"}), 2), fpc::InputError);
  EXPECT_THROW(quantize("llm_int8_row", "ideal", values({"nan", "2"})), fpc::InputError);
}

// Asymmetric group [-1, 0.5, 2]: scale 3/15 = 1/5, zero round(1 / (1/5)) = 5; 0.5 * 5 = 2.5 ties to
// 2 -> code 7; dequantized (7 - 5) / 5 = 0.4.
TEST(QuantInt4Group, AsymmetricWithTie) {
  Quantized q = quantize("uint4_group", "ideal", values({"-1", "0.5", "2"}), 0, 3);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0, 7, 15}));
  EXPECT_IDENTICAL(q.blocks[0].scale, val("1/5"));
  EXPECT_EQ(q.blocks[0].zero_point, 5);
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[0], val("-1"));
  EXPECT_IDENTICAL(d[1], val("2/5"));
  EXPECT_IDENTICAL(d[2], val("2"));
  EXPECT_EQ(q.packed, (std::vector<uint8_t>{0x70, 0x0f}));  // low nibble first
}

// The range always contains 0: [1, 2, 3] has xmin 0, scale 1/5, zero 0 -> codes 5, 10, 15.
TEST(QuantInt4Group, RangeIncludesZero) {
  Quantized q = quantize("uint4_group", "ideal", values({"1", "2", "3"}), 0, 3);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{5, 10, 15}));
  EXPECT_EQ(q.blocks[0].zero_point, 0);
}

// Symmetric [-3, 1, 2]: xmax = 3, xmin = -3, scale 6/15 = 2/5, zero 8; x * 5/2 = -7.5 (tie -> -8), 2.5
// (-> 2), 5: codes 0, 10, 13; -3 comes back as (0 - 8) * 2/5 = -3.2.
TEST(QuantInt4Group, Symmetric) {
  Quantized q = quantize("int4_group", "ideal", values({"-3", "1", "2"}), 0, 3);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0, 10, 13}));
  EXPECT_EQ(q.blocks[0].zero_point, 8);
  EXPECT_IDENTICAL(fpc::dequantize(q)[0], val("-16/5"));
}

// GPTQ's symmetric quirk: with no negative value xmin stays 0, so scale = xmax / 15 and zero 8
// leave only 7 steps: [1, 2, 3] -> 13, 15 (18 clamped), 15 (23 clamped); 2 and 3 both come back 1.4.
TEST(QuantInt4Group, SymmetricAllPositiveClamps) {
  Quantized q = quantize("int4_group", "ideal", values({"1", "2", "3"}), 0, 3);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{13, 15, 15}));
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[1], val("7/5"));
  EXPECT_IDENTICAL(d[2], val("7/5"));
}

// All zero: the range is widened to [-1, 1]; scale 2/15, zero round(7.5) = 8 (tie to even).
TEST(QuantInt4Group, AllZero) {
  Quantized q = quantize("uint4_group", "ideal", values({"0", "-0"}), 0, 2);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{8, 8}));
  EXPECT_EQ(q.blocks[0].zero_point, 8);
  EXPECT_IDENTICAL(q.blocks[0].scale, val("2/15"));
  EXPECT_TRUE(fpc::dequantize(q)[1].is_zero());
}

// [-1, 1.15f, 1.3f]: exactly x / scale = 15/2 for x = 1.15f (0x1.266666p+0), a tie that rne sends to
// 8 (+7 = 15); in float32 (numpy) scale = 0x1.3a06d4p-3 and x / scale = 0x1.dffffep+2 < 7.5 -> 14.
TEST(QuantInt4Group, Float32DivisionBreaksATie) {
  std::vector<ExactValue> in = values({"-1", "0x1.266666p+0", "0x1.4cccccp+0"});
  Quantized ideal = quantize("uint4_group", "ideal", in, 0, 3);
  Quantized torch = quantize("uint4_group", "torch", in, 0, 3);
  EXPECT_EQ(ideal.codes, (std::vector<uint64_t>{0, 15, 15}));
  EXPECT_EQ(torch.codes, (std::vector<uint64_t>{0, 14, 15}));
  EXPECT_IDENTICAL(torch.blocks[0].scale, val("0x1.3a06d4p-3"));
  EXPECT_EQ(torch.blocks[0].zero_point, 7);
  EXPECT_IDENTICAL(fpc::dequantize(torch)[1], val("0x1.12c5fap+0"));
}

// Groups: consecutive runs of the group size within rows; "row" = one group per row.
TEST(QuantInt4Group, GroupsAndRows) {
  std::vector<ExactValue> in = values({"1", "2", "3", "4", "-1", "-2", "-3", "-4"});
  EXPECT_EQ(quantize("uint4_group", "ideal", in, 4, 2).blocks.size(), 4u);
  EXPECT_EQ(quantize("uint4_group", "ideal", in, 4, fpc::kWholeRow).blocks.size(), 2u);
  EXPECT_EQ(quantize("uint4_group", "ideal", in, 0, fpc::kWholeRow).blocks.size(), 1u);
  EXPECT_THROW(quantize("uint4_group", "ideal", in, 4, 3), fpc::InputError);
}

}  // namespace

namespace {

// torch LLM.int8 with a non-finite row statistic: the stored absmax is float32 +inf (r = 127/inf
// = 0: finite x give 0, inf * 0 is NaN -> code 0) or the quiet NaN (every product NaN -> 0).
TEST(QuantLlmInt8, TorchStoresNonFiniteRowStatistics) {
  Quantized inf = quantize("llm_int8_row", "torch", values({"1", "inf", "-3"}));
  EXPECT_EQ(inf.blocks[0].scale_code, 0x7f800000u);
  EXPECT_EQ(inf.codes, (std::vector<uint64_t>{0, 0, 0}));
  Quantized nan = quantize("llm_int8_row", "torch", values({"1", "nan", "2"}));
  EXPECT_EQ(nan.blocks[0].scale_code, 0x7fc00000u);
  EXPECT_EQ(nan.codes, (std::vector<uint64_t>{0, 0, 0}));
}

// A torch group whose float32 scale underflows: (2^-149 - 0) / 15 rounds to 0, so -xmin / scale
// and x / scale are NaN/inf: no torch result. The ideal divides exactly (scale 2^-149 / 15, zero
// 0, code round(15) = 15).
TEST(QuantInt4Group, TorchDeclinesAnUnderflowingScale) {
  EXPECT_THROW(quantize("uint4_group", "torch", values({"0x1p-149", "0"}), 0, 2), fpc::InputError);
  EXPECT_THROW(quantize("int4_group", "torch", values({"0x1p-149", "0"}), 0, 2), fpc::InputError);
  Quantized ideal = quantize("uint4_group", "ideal", values({"0x1p-149", "0"}), 0, 2);
  EXPECT_EQ(ideal.blocks[0].zero_point, 0);
  EXPECT_EQ(ideal.codes, (std::vector<uint64_t>{15, 0}));
}

}  // namespace
