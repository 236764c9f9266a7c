// Every row of the dot-model table against the slow reference (oracle/testing/dot_reference.cpp:
// exact rationals, codes read from their bit fields, nothing shared with oracle/src/dot.cpp but
// the row): random dots of every row and input format, with NaN/inf/zeros/subnormals mixed in,
// block scales for the block-scaled rows, other L/F, FP8 promotion and split-K. Plus the
// block-scaled rows on cases worked by hand (docs/mma.md, "Block-scaled B200 rows").
#include "dot_random.hpp"
#include "dot_reference.hpp"

#include "fpconform/dot.hpp"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

namespace fpc {
namespace {

std::string show(const std::vector<uint64_t>& v) {
  std::ostringstream o;
  o << std::hex;
  for (uint64_t x : v) o << x << ' ';
  return o.str();
}

// Accepted input formats of a row: its own, and float32 for a TF32 row.
std::vector<const Format*> inputs_of(const DotModel& m) {
  std::vector<const Format*> r;
  for (const auto& f : m.inputs) r.push_back(&format_by_name(f));
  if (m.tf32 != Tf32Input::None) r.push_back(&format_by_name("float32"));
  return r;
}

int centre_of(const Format& f) { return f.bias + (f.exp_bits > 3 ? -2 : 0); }

TEST(DotReference, EveryRowAgreesWithTheSlowReference) {
  std::mt19937_64 rng(20261207);
  int compared = 0;
  for (const DotModel& row : dot_models()) {
    for (const Format* in : inputs_of(row)) {
      const Format& out = format_by_name(row.output);
      const int dots = row.kind == DotKind::Sequential || row.kind == DotKind::Pairwise ? 60 : 150;
      for (int i = 0; i < dots; ++i) {
        DotModel m = row;
        GemmOptions g;
        const uint64_t knob = rng();
        // Other parameters (what diagnosis tries), for the fused rows whose steps allow them.
        if (m.kind == DotKind::Fused && m.exact_group == 0 && (knob & 7) == 0) {
          m.F = static_cast<int>((knob >> 3) % 41);
          m.L = 1 << ((knob >> 9) % 7);
        }
        size_t K = 1 + rng() % 70;
        if (m.exact_group == 0 && (knob & 0x300) == 0x100) g.promotion_interval = 16;
        if (m.exact_group == 0 && (knob & 0xc00) == 0x400 && K % 2 == 0) g.split_k = 2;
        std::vector<uint64_t> a(K), b(K);
        const int centre = centre_of(*in);
        for (size_t k = 0; k < K; ++k) {
          a[k] = testing::random_code(*in, rng(), centre);
          b[k] = testing::random_code(*in, rng(), centre);
        }
        const uint64_t c = testing::random_code(out, rng(), centre_of(out) + static_cast<int>(rng() % 5));
        DotScales scales;
        std::vector<uint64_t> sa, sb;
        if (!m.block_scales.empty()) {
          const BlockScaleRule& r = m.block_scales[rng() % m.block_scales.size()];
          scales.format = &format_by_name(r.format);
          scales.block = r.block;
          const size_t n = (K + static_cast<size_t>(r.block) - 1) / static_cast<size_t>(r.block);
          for (size_t j = 0; j < n; ++j) {
            sa.push_back(testing::random_code(*scales.format, rng(), scales.format->bias));
            sb.push_back(testing::random_code(*scales.format, rng(), scales.format->bias));
          }
          scales.a = sa;
          scales.b = sb;
        }
        const DotScales* sp = m.block_scales.empty() ? nullptr : &scales;
        const uint64_t want = testing::reference_dot(m, *in, a, b, c, g, sp);
        const uint64_t got = sp ? dot(m, *in, a, b, c, *sp, g).code : dot(m, *in, a, b, c, g).code;
        ASSERT_EQ(got, want) << m.name << " " << in->name << "->" << m.output << " " << describe_parameters(m)
                             << " promotion " << g.promotion_interval << " split " << g.split_k << "\n a: " << show(a)
                             << "\n b: " << show(b) << "\n c: " << std::hex << c << "\n sa: " << show(sa)
                             << "\n sb: " << show(sb);
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 10000);
}

// The exact row's one-pass fixed-point path (FP8/FP6/FP4 and FP16 inputs) at its edges, against
// the slow reference: products that cancel to an exact zero, zero products of either sign with a
// zero C of either sign, C far below and far above the products' window (the general path then
// answers), NaN/inf operands, every rounding mode.
TEST(DotReference, ExactFixedPointEdgesAgreeWithTheSlowReference) {
  std::mt19937_64 rng(99);
  int compared = 0;
  for (const char* in_name : {"float8_e4m3fn", "float8_e5m2", "float6_e2m3fn", "float4_e2m1fn", "float16"}) {
    const Format& in = format_by_name(in_name);
    const Format& f32 = format_by_name("float32");
    for (const Rounding mode : {Rounding::NearestEven, Rounding::TowardZero, Rounding::TowardPositive,
                                Rounding::TowardNegative, Rounding::NearestAway, Rounding::ToOdd}) {
      DotModel row = dot_model("exact", in.name, "float32");
      row.step_rounding = mode;
      for (int i = 0; i < 200; ++i) {
        const size_t K = 1 + rng() % 40;
        std::vector<uint64_t> a(K), b(K);
        const uint64_t sign = in.code_count() >> 1;
        for (size_t k = 0; k < K; ++k) {
          a[k] = testing::random_code(in, rng(), centre_of(in));
          b[k] = testing::random_code(in, rng(), centre_of(in));
        }
        switch (i % 5) {
          case 0:  // a . b cancels exactly: the second half negates the first half's products
            for (size_t k = 0; k + 1 < K; k += 2) a[k + 1] = a[k] ^ sign, b[k + 1] = b[k];
            break;
          case 1:  // every product a signed zero
            for (size_t k = 0; k < K; ++k) a[k] = (rng() & 1) ? sign : 0;
            break;
          default: break;
        }
        uint64_t c = testing::random_code(f32, rng(), 127 + static_cast<int>(rng() % 9) - 4);
        if (i % 5 == 1) c = (rng() & 1) ? 0x80000000u : 0u;
        if (i % 5 == 2) c = (c & 0x807fffffu) | (static_cast<uint64_t>(1 + rng() % 20) << 23);    // 2^-126 .. 2^-107
        if (i % 5 == 3) c = (c & 0x807fffffu) | (static_cast<uint64_t>(230 + rng() % 24) << 23);  // 2^103 .. 2^126
        const uint64_t want = testing::reference_dot(row, in, a, b, c, GemmOptions{}, nullptr);
        ASSERT_EQ(dot(row, in, a, b, c).code, want) << short_name(mode) << " " << in.name << "\n a: " << show(a)
                                                    << "\n b: " << show(b) << "\n c: " << std::hex << c;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 4000);
}

// dot_batch is dot() row by row.
TEST(DotReference, BatchEqualsOneByOne) {
  const DotModel& m = dot_model("h100-wgmma-fp8", "float8_e4m3fn", "float32");
  const Format& in = format_by_name("float8_e4m3fn");
  std::mt19937_64 rng(7);
  const size_t n = 200, K = 32;
  std::vector<uint64_t> a(n * K), b(n * K), c(n), d(n);
  for (auto& x : a) x = testing::random_code(in, rng(), 7);
  for (auto& x : b) x = testing::random_code(in, rng(), 7);
  for (auto& x : c) x = testing::random_code(format_by_name("float32"), rng(), 127);
  dot_batch(m, in, K, a, b, c, d);
  for (size_t i = 0; i < n; ++i)
    EXPECT_EQ(d[i], dot(m, in, std::span(a).subspan(i * K, K), std::span(b).subspan(i * K, K), c[i]).code) << i;
  EXPECT_THROW(dot_batch(m, in, K, std::span(a).first(10), b, c, d), InputError);
}


// The IEEE chains meet infinities in order: max + max overflows to +inf, then + (-inf) is NaN in
// the FMA loop (IEEE 754 7.2), which resolving the operands up front (+inf, -inf: "-inf") missed.
TEST(DotReference, IeeeChainsMeetInfinitiesInOrder) {
  const Format& f32 = format_by_name("float32");
  const std::vector<uint64_t> a{0x7f7fffff, 0x7f7fffff, 0xff800000}, b{0x3f800000, 0x3f800000, 0x3f800000};
  for (const char* name : {"sequential_fp32", "pairwise"}) {
    const DotModel& m = dot_model(name, "float32", "float32");
    const uint64_t d = dot(m, f32, a, b, 0).code;
    EXPECT_EQ(decode(f32, d).cls, CodeClass::NaN) << name;
    EXPECT_EQ(d, testing::reference_dot(m, f32, a, b, 0)) << name;
  }
  // The exact sum has no order: the one infinite operand, -inf.
  EXPECT_EQ(dot(dot_model("exact", "float32", "float32"), f32, a, b, 0).code, 0xff800000u);
}

// Block-scaled rows on cases worked by hand from MMA-Sim's definition (docs/mma.md, "Block-scaled
// B200 rows"); the expected codes are the hand computation's, not the evaluator's.
uint64_t scaled(const char* model, const char* in, std::vector<uint64_t> a, std::vector<uint64_t> b, uint64_t c,
                const char* scale_format, int block, std::vector<uint64_t> sa, std::vector<uint64_t> sb) {
  const DotModel& m = dot_model(model, in, "float32");
  DotScales s{&format_by_name(scale_format), block, sa, sb};
  const uint64_t got = dot(m, format_by_name(in), a, b, c, s).code;
  EXPECT_EQ(got, testing::reference_dot(m, format_by_name(in), a, b, c, {}, &s));
  return got;
}

TEST(DotBlockScaled, Mxf8f6f4ScalesShiftProductsAgainstC) {
  // 32 products 1.5 * 1 (E4M3 0x3c, 0x38) with scales 2^-12 and 2^-13 (E8M0 0x73, 0x72): each is
  // 1.5 * 2^-25, aligned at 0 + 0 - 12 - 13 = -25. C = 1 gives E = 0, F = 25 keeps multiples of
  // 2^-25: each product is cut to 2^-25, D = 1 + 32 * 2^-25 = 1 + 2^-20 (0x3f800008), while the
  // exact sum 1 + 48 * 2^-25 = 1 + 1.5 * 2^-20 is 0x3f80000c.
  std::vector<uint64_t> a(32, 0x3c), b(32, 0x38);
  EXPECT_EQ(scaled("b200-mxf8f6f4", "float8_e4m3fn", a, b, 0x3f800000, "float8_e8m0fnu", 32, {0x73}, {0x72}), 0x3f800008u);
  // One binade lower (2^-13 * 2^-13): 1.5 * 2^-26 = 0.75 * 2^-25 is cut to nothing: D = 1.
  EXPECT_EQ(scaled("b200-mxf8f6f4", "float8_e4m3fn", a, b, 0x3f800000, "float8_e8m0fnu", 32, {0x72}, {0x72}), 0x3f800000u);
  // A NaN scale (E8M0 0xff) makes the result the tensor cores' NaN.
  EXPECT_EQ(scaled("b200-mxf8f6f4", "float8_e4m3fn", a, b, 0x3f800000, "float8_e8m0fnu", 32, {0xff}, {0x7f}), 0x7fffffffu);
  // FP4 operands (E2M1 6 = 0x7): 6 * 6 * 2^-1 * 2^0 = 18, the other products zero: 0x41900000.
  std::vector<uint64_t> f4(32, 0), g4(32, 0);
  f4[5] = g4[5] = 0x7;
  EXPECT_EQ(scaled("b200-mxf8f6f4", "float4_e2m1fn", f4, g4, 0, "float8_e8m0fnu", 32, {0x7e}, {0x7f}), 0x41900000u);
}

TEST(DotBlockScaled, Mxf4nvf4GroupsOf16AreExactAndAlignedAtTheirScales) {
  // K = 64 E2M1, E8M0 scales per 16 (MXFP4, block16), C = 0. Groups: +6*6 and -6*6 scaled by
  // 2^20 (cancel), sixteen 0.5*0.5 = 4 scaled by 2^-17 (= 2^-15), one 0.5*0.5 scaled by 2^-17
  // (= 2^-19). E = 20 (the scales' exponents), F = 35: kept to 2^-15, so the third group stays
  // (it is summed before it is cut: product by product, each 2^-19 would vanish) and the fourth
  // is cut: D = 2^-15 (0x38000000); the exact sum 2^-15 + 2^-19 is 0x38080000.
  std::vector<uint64_t> a(64, 0), b(64, 0);
  a[0] = 0x7, b[0] = 0x7;
  a[16] = 0xf, b[16] = 0x7;
  for (int k = 32; k < 48; ++k) a[k] = b[k] = 0x1;
  a[48] = b[48] = 0x1;
  EXPECT_EQ(scaled("b200-mxf4nvf4", "float4_e2m1fn", a, b, 0, "float8_e8m0fnu", 16, {0x93, 0x93, 0x6e, 0x6e},
                   {0x7f, 0x7f, 0x7f, 0x7f}),
            0x38000000u);
  // With F = 40 the fourth group survives too: 2^-15 + 2^-19 = 0x38080000.
  DotModel wide = with_parameters(dot_model("b200-mxf4nvf4", "float4_e2m1fn", "float32"), std::nullopt, 40);
  const std::vector<uint64_t> sa{0x93, 0x93, 0x6e, 0x6e}, sb{0x7f, 0x7f, 0x7f, 0x7f};
  EXPECT_EQ(dot(wide, format_by_name("float4_e2m1fn"), a, b, 0, DotScales{&format_by_name("float8_e8m0fnu"), 16, sa, sb})
                .code,
            0x38080000u);
}

TEST(DotBlockScaled, Nvfp4ScaleSignificandsMultiplyAndTheSignIsIgnored) {
  // NVFP4: UE4M3 scales per 16. 1.5 * 1 (E2M1 0x3, 0x2) * 1.125 (E4M3 0x39) * 1.25 (0x3a) =
  // 2.109375 = 0x40070000; an E4M3 scale with its sign bit set (0xb9) reads as the same UE4M3.
  std::vector<uint64_t> a(16, 0), b(16, 0);
  a[0] = 0x3, b[0] = 0x2;
  EXPECT_EQ(scaled("b200-mxf4nvf4", "float4_e2m1fn", a, b, 0, "float8_e4m3fn", 16, {0x39}, {0x3a}), 0x40070000u);
  EXPECT_EQ(scaled("b200-mxf4nvf4", "float4_e2m1fn", a, b, 0, "float8_e4m3fn", 16, {0xb9}, {0x3a}), 0x40070000u);
}

TEST(DotBlockScaled, ScalesAreRequiredAndChecked) {
  const DotModel& m = dot_model("b200-mxf4nvf4", "float4_e2m1fn", "float32");
  const Format& in = format_by_name("float4_e2m1fn");
  std::vector<uint64_t> a(16, 2), b(16, 2), one{0x7f};
  EXPECT_THROW(dot(m, in, a, b, 0), InputError);  // no scales
  EXPECT_THROW(dot(m, in, a, b, 0, DotScales{&format_by_name("float8_e4m3fn"), 32, one, one}), InputError);  // ue4m3/32
  EXPECT_THROW(dot(m, in, a, b, 0, DotScales{&format_by_name("float8_e8m0fnu"), 16, {}, one}), InputError);  // count
  EXPECT_THROW(dot(dot_model("b200-fp8", "float8_e4m3fn", "float32"), format_by_name("float8_e4m3fn"), a, b, 0,
                   DotScales{&format_by_name("float8_e8m0fnu"), 32, one, one}),
               InputError);  // a row without scales
}

}  // namespace
}  // namespace fpc
