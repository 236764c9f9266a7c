// bitsandbytes blockwise FP4/NF4: the ideal reference and the CUDA and CPU kernel-faithful
// references. Expected codes come from the bitsandbytes algorithms worked by hand (thresholds of
// csrc/kernels.cu dQuantizeFP4/dQuantizeNF4, the float32 table and its midpoints), and from
// docs/seeds.md; float32 products were worked out bit by bit in the comments.
#include "fpconform/quantize.hpp"

#include <gtest/gtest.h>

#include "quant_test_support.hpp"

#include <string>
#include <vector>

namespace {

using fpc::BigInt;
using fpc::ExactValue;
using fpc::QuantOptions;
using fpc::Quantized;

using quant_test::val;
using quant_test::values;

Quantized quantize(const char* scheme, const char* reference, const std::vector<ExactValue>& in, size_t blocksize = 64) {
  QuantOptions o;
  o.scheme = scheme;
  o.reference = reference;
  o.blocksize = blocksize;
  return fpc::quantize(in, o);
}

// SEEDS: quantize_fp4([1, 2, 3, 4]) -> bytes [117, 35], absmax 4, in every reference: x/4 = 0.25,
// 0.5, 0.75, 1 lie on table entries or (0.75) strictly between 0.5833 and 0.8333.
TEST(QuantBnb, SeedOneTwoThreeFourInEveryReference) {
  for (const char* ref : {"ideal", "cuda", "cpu"}) {
    SCOPED_TRACE(ref);
    Quantized q = quantize("bnb_fp4", ref, values({"1", "2", "3", "4"}));
    EXPECT_EQ(q.codes, (std::vector<uint64_t>{7, 5, 2, 3}));
    EXPECT_EQ(q.packed, (std::vector<uint8_t>{117, 35}));
    ASSERT_EQ(q.blocks.size(), 1u);
    EXPECT_IDENTICAL(q.blocks[0].scale, val("4"));
    std::vector<ExactValue> d = fpc::dequantize(q);
    EXPECT_IDENTICAL(d[0], val("1"));
    EXPECT_IDENTICAL(d[3], val("4"));
    // 4 * float32(0.66666667) = 4 * 11184811 * 2^-24, exact in float32 too.
    EXPECT_IDENTICAL(d[2], val("2.6666667461395263671875"));
  }
}

// SEEDS: [1, 2, 3, 64] -> [0.333, 0.333, 0.333, 64]: 1/64..3/64 all land on code 1 (float32(1/192)).
TEST(QuantBnb, SeedOutlierInEveryReference) {
  const ExactValue c1 = fpc::decode(fpc::format_by_name("bnb_fp4"), 1).value;
  for (const char* ref : {"ideal", "cuda", "cpu"}) {
    SCOPED_TRACE(ref);
    Quantized q = quantize("bnb_fp4", ref, values({"1", "2", "3", "64"}));
    EXPECT_EQ(q.codes, (std::vector<uint64_t>{1, 1, 1, 3}));
    std::vector<ExactValue> d = fpc::dequantize(q);
    EXPECT_EQ(fpc::to_fixed_string(d[0], 3), "0.333");
    EXPECT_IDENTICAL(d[0], ExactValue::rational(false, c1.num * 64, c1.den));  // exact in float32 too
    EXPECT_IDENTICAL(d[3], val("64"));
  }
}

// x between the CUDA threshold 0.583333f (9786704 * 2^-24) and the midpoint of 0.5 and
// float32(2/3) = 11184811 * 2^-24 (exactly 9786709.5 * 2^-24; the CPU's float32 midpoint rounds
// 0.5 + 0.66666669 to 19573420 * 2^-24 and halves it: 9786710 * 2^-24).
TEST(QuantBnb, Fp4ThresholdsDifferFromMidpoints) {
  const ExactValue between = ExactValue::rational(false, 9786706, BigInt(1) << 24);
  const ExactValue cpu_midpoint = ExactValue::rational(false, 9786710, BigInt(1) << 24);
  std::vector<ExactValue> in = {val("1"), between, cpu_midpoint};  // absmax 1: scaled = x
  EXPECT_EQ(quantize("bnb_fp4", "ideal", in).codes, (std::vector<uint64_t>{3, 5, 2}));
  EXPECT_EQ(quantize("bnb_fp4", "cuda", in).codes, (std::vector<uint64_t>{3, 2, 2}));
  EXPECT_EQ(quantize("bnb_fp4", "cpu", in).codes, (std::vector<uint64_t>{3, 5, 5}));  // on the midpoint: lower
}

// float32(0.03979014977812767) is exactly half of float32(0.07958029955625534): the threshold is
// the exact midpoint between NF4 codes 7 (0) and 8. The ideal rne tie goes to the even code 8;
// CUDA's strict '>' and the CPU's lower-on-midpoint both give 7.
TEST(QuantBnb, Nf4TieAtTheFirstPositiveMidpoint) {
  const ExactValue c8 = fpc::decode(fpc::format_by_name("nf4"), 8).value;
  std::vector<ExactValue> in = {val("1"), ExactValue::rational(false, c8.num, c8.den * 2)};
  EXPECT_EQ(quantize("bnb_nf4", "ideal", in).codes[1], 8u);
  EXPECT_EQ(quantize("bnb_nf4", "cuda", in).codes[1], 7u);
  EXPECT_EQ(quantize("bnb_nf4", "cpu", in).codes[1], 7u);
}

// All-zero block: CUDA computes 0 * (1/0) = NaN, which fails every '>': FP4 code 0, NF4 code 0
// (= -1.0); its dequantization is -1 * 0 = -0. Ideal and CPU give the code of 0.0.
TEST(QuantBnb, AllZeroBlock) {
  std::vector<ExactValue> zeros = values({"0", "0", "0", "0"});
  Quantized cuda_nf4 = quantize("bnb_nf4", "cuda", zeros);
  EXPECT_EQ(cuda_nf4.codes, (std::vector<uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(cuda_nf4.packed, (std::vector<uint8_t>{0, 0}));
  EXPECT_TRUE(cuda_nf4.blocks[0].scale.is_zero());
  EXPECT_FALSE(cuda_nf4.blocks[0].note.empty());
  EXPECT_IDENTICAL(fpc::dequantize(cuda_nf4)[0], val("-0"));
  EXPECT_EQ(quantize("bnb_fp4", "cuda", zeros).codes, (std::vector<uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(quantize("bnb_nf4", "ideal", zeros).codes, (std::vector<uint64_t>{7, 7, 7, 7}));
  EXPECT_EQ(quantize("bnb_nf4", "cpu", zeros).codes, (std::vector<uint64_t>{7, 7, 7, 7}));
  // Four values are a short last block, which bitsandbytes' default backend (functional.py's
  // quantize_4bit -> backends/default/ops.py, the `rem` tail) stores with its absmax clamped:
  // float32(1e-38) = 0x006ce3ee (bnb 0.50.2 gives absmax 9.999999350456404e-39).
  Quantized cpu_fp4 = quantize("bnb_fp4", "cpu", zeros);
  EXPECT_EQ(cpu_fp4.codes, (std::vector<uint64_t>{0, 0, 0, 0}));
  EXPECT_IDENTICAL(cpu_fp4.blocks[0].scale, ExactValue::rational(false, 0x6ce3ee, BigInt(1) << 149));
  // A full block stores the unclamped absmax 0; only the reciprocal is clamped.
  std::vector<ExactValue> full(32, val("0"));
  Quantized cpu_full = quantize("bnb_fp4", "cpu", full, 32);
  EXPECT_EQ(cpu_full.codes, std::vector<uint64_t>(32, 0));
  EXPECT_TRUE(cpu_full.blocks[0].scale.is_zero());
}

// The default backend divides a short last block by its clamped absmax instead of multiplying by
// the reciprocal (backends/default/ops.py: `A_flat[full:] / am` against `A_com * (1.0 / absmax)`).
// absmax am = 0x3f9273d2 (1.14416), x = 0x3f7c54cb: float32(x / am) = 0x3f5c89db lies above the
// NF4 midpoint 0x3f5c89da (float32((0.7229568 + 1) / 2)) -> code 15, while float32(1 / am) =
// 0x3f5fbeb9 and float32(x * that) = 0x3f5c89da is on it -> code 14 (bnb 0.50.2: the same codes).
TEST(QuantBnb, CpuShortLastBlockDivides) {
  auto f32 = [](uint32_t bits) { return fpc::decode(fpc::format_by_name("float32"), bits).value; };
  std::vector<ExactValue> in = {f32(0x3f9273d2), f32(0x3f7c54cb)};
  EXPECT_EQ(quantize("bnb_nf4", "cpu", in, 64).codes[1], 15u);  // the tail: x / am
  std::vector<ExactValue> full(32, val("0"));
  full[0] = in[0];
  full[1] = in[1];
  EXPECT_EQ(quantize("bnb_nf4", "cpu", full, 32).codes[1], 14u);  // a full block: x * (1 / am)
}

// The absmax bits the CPU backend stores for NaN and inf (expected values from the sources, not
// from the reference): a full block's absmax is `A_com.abs().max(dim=-1)`, a dim reduction that
// returns the NaN it read, |x| — the quiet NaN 0x7fc00000 for the oracle's payload-free NaN; a
// short last block's is `A_flat[full:].abs().max().clamp(min=1e-38)`, ATen's whole-tensor max
// (ReduceAllOpsKernel.cpp -> vec::reduce_all), which combines values with Vectorized<float>
// `maximum` = max_ps(a, b) OR the unordered-compare mask, i.e. all ones (0xffffffff) as soon as a
// NaN meets any other value; a single value is returned as read. inf is an ordinary maximum.
// (bitsandbytes 0.50.2 with torch 2.15.0 on an x86-64 CPU, AVX2 or AVX-512 kernels, stores the
// same bits; ATen's generic kernels would store 0x7fc00000 for the tails, not modelled.)
TEST(QuantBnb, CpuNanAndInfAbsmaxBits) {
  auto scale_codes = [](const std::vector<ExactValue>& in) {
    std::vector<uint64_t> codes;
    for (const fpc::QuantBlock& b : quantize("bnb_fp4", "cpu", in, 32).blocks) codes.push_back(b.scale_code);
    return codes;
  };
  auto with_tail = [](std::vector<const char*> head, std::vector<const char*> tail) {
    std::vector<ExactValue> in(32, val("0.5"));
    for (size_t i = 0; i < head.size(); ++i) in[i] = val(head[i]);
    for (const char* t : tail) in.push_back(val(t));
    return in;
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(scale_codes(with_tail({"1", "nan"}, {})), (V{0x7fc00000}));               // (a) full block
  EXPECT_EQ(scale_codes(with_tail({"-nan"}, {})), (V{0x7fc00000}));                    // |-NaN|
  EXPECT_EQ(scale_codes(with_tail({}, {"nan", "2", "-1"})), (V{0x3f000000, 0xffffffff}));  // (b) short tail
  EXPECT_EQ(scale_codes(with_tail({}, {"2", "-nan"})), (V{0x3f000000, 0xffffffff}));
  EXPECT_EQ(scale_codes(with_tail({"nan"}, {"2", "nan"})), (V{0x7fc00000, 0xffffffff}));
  EXPECT_EQ(scale_codes(with_tail({}, {"nan"})), (V{0x3f000000, 0x7fc00000}));         // one value: uncombined
  EXPECT_EQ(scale_codes(values({"nan", "2", "-1"})), (V{0xffffffff}));               // shorter than a block
  EXPECT_EQ(scale_codes(with_tail({"-inf"}, {"inf", "1"})), (V{0x7f800000, 0x7f800000}));  // (c) inf
  EXPECT_EQ(scale_codes(with_tail({"inf", "nan"}, {"inf", "nan"})), (V{0x7fc00000, 0xffffffff}));
  // The element codes do not depend on the NaN's bits: x * (1 / NaN) and x / NaN are NaN, which
  // bucketize sends to the highest entry (FP4 code 3).
  EXPECT_EQ(quantize("bnb_fp4", "cpu", with_tail({}, {"nan", "2", "-1"}), 32).codes.back(), 3u);
}

// The zero codes: ideal keeps the sign (-0 -> 8); CUDA's sign test x < 0 is false for -0 (code 0)
// and true for tiny negatives (code 8); the CPU's sorted table puts +0 before -0, so tiny positive
// values (above the 0/-0 midpoint 0) get code 8 and tiny negatives code 0.
TEST(QuantBnb, Fp4ZeroCodes) {
  std::vector<ExactValue> in = values({"1", "-0", "0x1p-10", "-0x1p-10"});  // +-0.00098: below 0.0026
  EXPECT_EQ(quantize("bnb_fp4", "ideal", in).codes, (std::vector<uint64_t>{3, 8, 0, 8}));
  EXPECT_EQ(quantize("bnb_fp4", "cuda", in).codes, (std::vector<uint64_t>{3, 0, 0, 8}));
  EXPECT_EQ(quantize("bnb_fp4", "cpu", in).codes, (std::vector<uint64_t>{3, 0, 8, 0}));
}

// NaN in a block: CUDA's fmaxf skips it (absmax 2, NaN -> code 0); the CPU's torch.max propagates
// it, and torch.bucketize puts every NaN past the last midpoint (ATen Bucketization.cpp's
// cus_lower_bound: "the low bound of 'nan' ... be the end of boundary"): the highest entry, FP4
// code 3 (+1), NF4 code 15 (bnb 0.50.2 on the CPU: the same).
TEST(QuantBnb, NanInBlock) {
  std::vector<ExactValue> in = values({"nan", "2", "-1"});
  Quantized cuda = quantize("bnb_fp4", "cuda", in);
  EXPECT_EQ(cuda.codes, (std::vector<uint64_t>{0, 3, 13}));
  EXPECT_IDENTICAL(cuda.blocks[0].scale, val("2"));
  EXPECT_EQ(quantize("bnb_nf4", "cuda", in).codes, (std::vector<uint64_t>{0, 15, 2}));  // -0.5 > -0.61, not > -0.46
  Quantized cpu = quantize("bnb_fp4", "cpu", in);
  EXPECT_EQ(cpu.codes, (std::vector<uint64_t>{3, 3, 3}));
  EXPECT_EQ(quantize("bnb_nf4", "cpu", in).codes, (std::vector<uint64_t>{15, 15, 15}));
  EXPECT_TRUE(cpu.blocks[0].scale.is_nan());
  EXPECT_TRUE(fpc::dequantize(cpu)[1].is_nan());
  try {
    quantize("bnb_fp4", "ideal", in);
    ADD_FAILURE() << "the ideal reference has no rule for NaN";
  } catch (const fpc::InputError&) {
  }
}

// Infinity: CUDA's absmax is inf, 1/inf = 0, inf * 0 = NaN -> code 0, 1 * 0 = 0 -> code 0; the
// dequantized values are 0 * inf = NaN.
TEST(QuantBnb, InfinityInBlock) {
  Quantized q = quantize("bnb_fp4", "cuda", values({"inf", "1"}));
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0, 0}));
  EXPECT_TRUE(q.blocks[0].scale.is_inf());
  EXPECT_TRUE(fpc::dequantize(q)[1].is_nan());
}

// Subnormal-only block: CUDA's fast math reads subnormals as 0, so absmax 0 and every element NaN
// (NF4 code 0). The CPU clamps the absmax to 1e-38f for the reciprocal: 2^-140 * ~1e38 ~ 7e-5 and
// -1.4e-4 both land on NF4's zero (code 7). The ideal scales exactly: 0.5 -> code 12, -1 -> code 0.
TEST(QuantBnb, SubnormalOnlyBlock) {
  std::vector<ExactValue> in = values({"0x1p-140", "-0x1p-139"});
  Quantized cuda = quantize("bnb_nf4", "cuda", in);
  EXPECT_EQ(cuda.codes, (std::vector<uint64_t>{0, 0}));
  EXPECT_TRUE(cuda.blocks[0].scale.is_zero());
  EXPECT_EQ(quantize("bnb_nf4", "cpu", in).codes, (std::vector<uint64_t>{7, 7}));
  Quantized ideal = quantize("bnb_nf4", "ideal", in);
  EXPECT_EQ(ideal.codes, (std::vector<uint64_t>{12, 0}));
  EXPECT_IDENTICAL(ideal.blocks[0].scale, val("0x1p-139"));
}

// Every element NaN: CUDA's absmax stays at its start value -FLT_MAX.
TEST(QuantBnb, AllNanBlockCuda) {
  Quantized q = quantize("bnb_fp4", "cuda", values({"nan", "nan"}));
  EXPECT_IDENTICAL(q.blocks[0].scale, val("-0x1.fffffep127"));
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0, 0}));
}

// Faithful dequantization multiplies in float32: block [3, 2] gives code 2 for 2/3 in every
// reference (CUDA: 2 * float32(1/3) = 0x1.555556p-1 > 0.583333f). The ideal product
// 3 * 11184811 * 2^-24 = 33554433 * 2^-24 needs 26 bits; float32 rounds it to exactly 2.
TEST(QuantBnb, DequantizationInFloat32) {
  std::vector<ExactValue> in = values({"3", "2"});
  Quantized ideal = quantize("bnb_fp4", "ideal", in), cuda = quantize("bnb_fp4", "cuda", in);
  EXPECT_EQ(ideal.codes, (std::vector<uint64_t>{3, 2}));
  EXPECT_EQ(cuda.codes, (std::vector<uint64_t>{3, 2}));
  EXPECT_IDENTICAL(fpc::dequantize(ideal)[1], ExactValue::rational(false, 33554433, BigInt(1) << 24));
  EXPECT_IDENTICAL(fpc::dequantize(cuda)[1], val("2"));
}

// Blocks: a short last block, absmax per block, two codes a byte across block boundaries.
TEST(QuantBnb, BlocksAndPacking) {
  std::vector<ExactValue> in;
  for (int i = 0; i < 33; ++i) in.push_back(val(i == 31 ? "-8" : "1"));
  in[32] = val("0.5");
  Quantized q = quantize("bnb_fp4", "ideal", in, 32);
  ASSERT_EQ(q.blocks.size(), 2u);
  EXPECT_IDENTICAL(q.blocks[0].scale, val("8"));
  EXPECT_IDENTICAL(q.blocks[1].scale, val("0.5"));
  EXPECT_EQ(q.codes[31], 11u);  // -1
  EXPECT_EQ(q.codes[0], 6u);    // 1/8 lies between the midpoints 0.086 (to 0.0052) and 0.208 (to 0.25) of 0.1667
  EXPECT_EQ(q.packed.size(), 17u);
  EXPECT_EQ(q.packed[16], 0x30);  // the lone last code (3 = 1.0) in the high nibble, padding 0
}

TEST(QuantBnb, BlocksizesAndReferencesAreChecked) {
  std::vector<ExactValue> in = values({"1"});
  for (size_t bad : {size_t{16}, size_t{48}, size_t{8192}}) EXPECT_THROW(quantize("bnb_fp4", "ideal", in, bad), fpc::InputError);
  EXPECT_THROW(quantize("bnb_fp4", "te", in), fpc::InputError);
  EXPECT_THROW(quantize("bnb_fp5", "ideal", in), fpc::InputError);
  // Faithful references model float32 kernels: 0.1 is not a float32 value.
  EXPECT_THROW(quantize("bnb_fp4", "cuda", values({"0.1"})), fpc::InputError);
  EXPECT_NO_THROW(quantize("bnb_fp4", "ideal", values({"0.1"})));
}

// The dynamic map (create_dynamic_map, modelled in float32): 256 ascending entries, 0 at 127,
// 1 at 255; the largest below 1 is the mean of the last two float32 linspace(0.1, 1, 65)
// boundaries: step = float32(1 - 0.1f) / 64 = 15099494 * 2^-30, b63 = float32(1 - step) =
// 16541286 * 2^-24, mean = float32((b63 + 1) / 2) = 16659251 * 2^-24.
TEST(QuantBnb, DynamicMap) {
  const std::vector<ExactValue>& map = fpc::bnb_dynamic_map();
  ASSERT_EQ(map.size(), 256u);
  for (size_t i = 1; i < map.size(); ++i) EXPECT_LT(fpc::compare(map[i - 1], map[i]), 0) << i;
  EXPECT_TRUE(map[127].is_zero());
  EXPECT_IDENTICAL(map[255], val("1"));
  EXPECT_IDENTICAL(map[254], ExactValue::rational(false, 16659251, BigInt(1) << 24));
  EXPECT_IDENTICAL(map[0], ExactValue::rational(true, 16659251, BigInt(1) << 24));
}

// Double quantization: absmax 1 and 3, mean 2, centred -1 and +1, second-level absmax 1: codes 0
// (the most negative entry) and 255 (1.0); the reconstructed absmax values 2 + map[0] and 3.
TEST(QuantBnb, DoubleQuantization) {
  std::vector<ExactValue> in;
  for (int i = 0; i < 64; ++i) in.push_back(val(i == 0 ? "1" : (i == 32 ? "3" : "0.5")));
  QuantOptions o;
  o.scheme = "bnb_nf4";
  o.blocksize = 32;
  o.double_quant = true;
  Quantized q = fpc::quantize(in, o);
  ASSERT_TRUE(q.nested.has_value());
  EXPECT_IDENTICAL(q.nested->offset, val("2"));
  EXPECT_EQ(q.nested->codes, (std::vector<uint64_t>{0, 255}));
  ASSERT_EQ(q.nested->absmax2.size(), 1u);
  EXPECT_IDENTICAL(q.nested->absmax2[0], val("1"));
  std::vector<ExactValue> d = fpc::dequantize(q);
  EXPECT_IDENTICAL(d[32], val("3"));  // code 15 (1.0) times the reconstructed absmax 3
  ExactValue a0 = ExactValue::rational(false, BigInt(2) * (BigInt(1) << 24) - 16659251, BigInt(1) << 24);
  EXPECT_IDENTICAL(d[0], a0);  // code 15 (1.0) times 2 + map[0]
  o.reference = "cuda";
  EXPECT_THROW(fpc::quantize(in, o), fpc::InputError);
}

}  // namespace

namespace {

// SEEDS storage: the articles' 784-128-64-10 MLP holds 109184 weights and 202 float32 biases.
// Packed as bnb_fp4 (two codes a byte) the weights take 54592 bytes, as LLM.int8 codes 109184:
// with the 808 bias bytes, 55400 B = 54.1015625 KB and 109992 B = 107.4140625 KB (absmax and
// row statistics not counted, as in the articles).
TEST(QuantBnb, SeedStorageFromPackedSizes) {
  const size_t weights = 784 * 128 + 128 * 64 + 64 * 10, bias_bytes = (128 + 64 + 10) * 4;
  std::vector<ExactValue> zeros(weights, ExactValue::zero());
  QuantOptions fp4;
  fp4.scheme = "bnb_fp4";
  QuantOptions int8;
  int8.scheme = "llm_int8_row";
  int8.cols = 64;  // any row length dividing the count (109184 = 64 * 1706)
  auto kilobytes = [&](size_t bytes) { return fpc::to_exact_string(ExactValue::rational(false, bytes, 1024)); };
  EXPECT_EQ(kilobytes(fpc::quantize(zeros, fp4).packed.size() + bias_bytes), "54.1015625");
  EXPECT_EQ(kilobytes(fpc::quantize(zeros, int8).packed.size() + bias_bytes), "107.4140625");
}

}  // namespace
