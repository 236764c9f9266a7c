// The dot-product oracle and `fpconform dot`: hand-worked examples (the expected codes are worked
// out in the comments from the model definitions in docs/mma.md, not taken from the code), the
// hand-picked measured rows that always run, NaN/inf, GEMM options and bad input.
#include "cli/cli.hpp"
#include "cli/dot_command.hpp"
#include "fpconform/dot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace fpc {
namespace {

const Format& F16() { return format_by_name("float16"); }
const Format& F32() { return format_by_name("float32"); }
const Format& E4M3() { return format_by_name("float8_e4m3fn"); }

uint64_t run_dot(std::string_view model, const Format& in, std::string_view out, std::vector<uint64_t> a,
                 std::vector<uint64_t> b, uint64_t c, GemmOptions g = {}) {
  return dot(dot_model(model, in.name, out), in, a, b, c, g).code;
}

// 1 + 3 * 2^-24 from fp16 operands: a = (1, 1, 1, 1), b = (1, 2^-24, 2^-24, 2^-24).
const std::vector<uint64_t> kOnes = {0x3c00, 0x3c00, 0x3c00, 0x3c00};
const std::vector<uint64_t> kTiny = {0x3c00, 0x0001, 0x0001, 0x0001};

TEST(Dot, FractionBitsDecideWhatSurvives) {
  // V100 keeps F = 23 bits below 2^0: each 2^-24 is cut to 0, D = 1.
  EXPECT_EQ(run_dot("v100", F16(), "float32", kOnes, kTiny, 0), 0x3f800000u);
  // A100 keeps 24: the sum 1 + 3 * 2^-24 is exact, then truncated to float32: 1 + 2^-23.
  EXPECT_EQ(run_dot("a100", F16(), "float32", kOnes, kTiny, 0), 0x3f800001u);
  // One rounding to nearest: 1 + 1.5 ulp is a tie between 1 + ulp and 1 + 2 ulp: even, 1 + 2 ulp.
  EXPECT_EQ(run_dot("exact", F16(), "float32", kOnes, kTiny, 0), 0x3f800002u);
}

TEST(Dot, ExactModelEveryRounding) {
  const DotModel& base = dot_model("exact", "float16", "float32");
  auto with = [&](Rounding r) {
    DotModel m = base;
    m.step_rounding = r;
    return dot(m, F16(), kOnes, kTiny, 0).code;
  };
  EXPECT_EQ(with(Rounding::NearestEven), 0x3f800002u);
  EXPECT_EQ(with(Rounding::NearestAway), 0x3f800002u);
  EXPECT_EQ(with(Rounding::TowardZero), 0x3f800001u);
  EXPECT_EQ(with(Rounding::TowardNegative), 0x3f800001u);
  EXPECT_EQ(with(Rounding::TowardPositive), 0x3f800002u);
  EXPECT_EQ(with(Rounding::ToOdd), 0x3f800001u);
}

TEST(Dot, SequentialAndPairwise) {
  // fma chain: 1, then 1 + 2^-24 ties to 1 (even), three times: 1.
  EXPECT_EQ(run_dot("sequential_fp32", F16(), "float32", kOnes, kTiny, 0), 0x3f800000u);
  // pairwise: (1 + 2^-24) -> 1, (2^-24 + 2^-24) = 2^-23, 1 + 2^-23 exact; + C = 0.
  EXPECT_EQ(run_dot("pairwise", F16(), "float32", kOnes, kTiny, 0), 0x3f800001u);
}

TEST(Dot, Fp8ThirteenBitsAndPromotion) {
  // C = 1 and 16 products 2^-7 * 2^-7 = 2^-14 (E4M3 0x04 is the subnormal 2^-7). Ada keeps 13
  // bits below 2^0: every product is cut, D = 1.
  std::vector<uint64_t> a(16, 0x04), b(16, 0x04);
  EXPECT_EQ(run_dot("ada-mma-fp8", E4M3(), "float32", a, b, 0x3f800000), 0x3f800000u);
  // Promotion every 16: the tensor core sums from zero (E = -14: all kept, 2^-10), then the
  // CUDA cores add it to C in FP32: 1 + 2^-10 = 0x3f802000.
  GemmOptions promote;
  promote.promotion_interval = 16;
  EXPECT_EQ(run_dot("ada-mma-fp8", E4M3(), "float32", a, b, 0x3f800000, promote), 0x3f802000u);
  // B200 keeps 25 bits: exact.
  EXPECT_EQ(run_dot("b200-fp8", E4M3(), "float32", a, b, 0x3f800000), 0x3f802000u);
}

TEST(Dot, SplitK) {
  // V100, K = 4 in two slices from zero: (1 + 2^-24 cut) = 1 and 2^-24 + 2^-24 = 2^-23, then
  // 0 + 1 + 2^-23 in FP32: 0x3f800001 (unsplit: 0x3f800000, above).
  GemmOptions split;
  split.split_k = 2;
  EXPECT_EQ(run_dot("v100", F16(), "float32", kOnes, kTiny, 0, split), 0x3f800001u);
  split.split_k = 3;
  EXPECT_THROW(run_dot("v100", F16(), "float32", kOnes, kTiny, 0, split), InputError);
}

TEST(Dot, Tf32InputRounding) {
  // 0x3f801000 = 1 + 2^-11: its low 13 bits are exactly half a TF32 ulp (2^-10):
  // truncation (PTX) gives 1, ties-away (cuBLAS) gives 1 + 2^-10 = 0x3f802000.
  std::vector<uint64_t> a = {0x3f801000}, b = {0x3f800000};
  EXPECT_EQ(run_dot("a100", F32(), "float32", a, b, 0), 0x3f800000u);
  EXPECT_EQ(run_dot("a100-cublas-tf32", F32(), "float32", a, b, 0), 0x3f802000u);
}

TEST(Dot, NanAndInfinity) {
  const uint64_t inf = 0x7c00, zero = 0, one = 0x3c00, ninf = 0xfc00;
  // inf * 0: NaN; tensor cores return the all-ones NaN.
  EXPECT_EQ(run_dot("h100", F16(), "float32", {inf, one}, {zero, one}, 0), 0x7fffffffu);
  // +inf + -inf: NaN.
  EXPECT_EQ(run_dot("h100", F16(), "float32", {inf, ninf}, {one, one}, 0), 0x7fffffffu);
  EXPECT_EQ(run_dot("h100", F16(), "float32", {inf, one}, {one, one}, 0), 0x7f800000u);
  // Overflow of a step gives inf even toward zero: 65504^2 * 2 > FP16 range with FP16 out.
  EXPECT_EQ(run_dot("h100", F16(), "float16", {0x7bff, 0x7bff}, {0x7bff, 0x7bff}, 0), 0x7c00u);
}

TEST(Dot, BadInput) {
  EXPECT_THROW(run_dot("a100", F16(), "float32", {1, 2}, {1}, 0), InputError);
  EXPECT_THROW(dot_model("a100", "float8_e4m3fn", "float32"), InputError);
  EXPECT_THROW(dot_model("nope", "float16", "float32"), InputError);
  EXPECT_THROW(run_dot("a100", F16(), "float32", {0x10000}, {1}, 0), InputError);
}

// Each hand-picked row of measured GPU output (tests/data/mma_hardware_rows.tsv, Khattak &
// Mikaitis, BSD-2) is reproduced by its model, and differs from the exactly rounded sum (so the
// row tells the models apart).
TEST(Dot, HandPickedMeasuredRows) {
  std::ifstream f(std::string(FPC_SOURCE_DIR) + "/tests/data/mma_hardware_rows.tsv");
  ASSERT_TRUE(f) << "tests/data/mma_hardware_rows.tsv missing";
  std::string line;
  int rows = 0;
  auto codes = [](const std::string& s) {
    std::vector<uint64_t> v;
    std::stringstream ss(s);
    std::string x;
    while (std::getline(ss, x, ',')) v.push_back(std::stoull(x, nullptr, 16));
    return v;
  };
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> col;
    std::stringstream ls(line);
    std::string x;
    while (std::getline(ls, x, '\t')) col.push_back(x);
    ASSERT_EQ(col.size(), 10u) << line;
    const Format& in = format_by_name(col[2]);
    const uint64_t c = std::stoull(col[8], nullptr, 16), d = std::stoull(col[9], nullptr, 16);
    auto a = codes(col[6]), b = codes(col[7]);
    EXPECT_EQ(dot(dot_model(col[4], col[2], col[3]), in, a, b, c).code, d) << col[0] << " " << col[1] << " row " << col[5];
    EXPECT_NE(dot(dot_model("exact", col[2], col[3]), in, a, b, c).code, d) << col[0] << " " << col[1];
    ++rows;
  }
  EXPECT_GE(rows, 20);
}

int cli(std::vector<std::string> args, const std::string& stdin_text, std::string& out) {
  std::istringstream in(stdin_text);
  std::ostringstream o;
  int rc = cli::cmd_dot(args, in, o);
  out = o.str();
  return rc;
}

TEST(DotCli, OneProductAndFilter) {
  std::string out;
  EXPECT_EQ(cli({"--model", "a100", "--in", "float16", "--out", "float32", "--a", "3c00,3c00,3c00,3c00", "--b",
                 "3c00,0001,0x0001,1", "--c", "0"},
                "", out),
            0);
  EXPECT_EQ(out.substr(0, 10), "0x3f800001");
  EXPECT_NE(out.find("rounds (rne) to 0x3f800002"), std::string::npos);
  EXPECT_EQ(cli({"--model", "v100", "--in", "float16", "--out", "float32"},
                "3c00 3c00 3c00 3c00 ; 3c00 1 1 1 ; 0\n\n0x3c00;0x3c00;3f800000\n0b00;3c00;0\n", out),
            0);
  // "0b00" is the hex code 0x0b00 (1.75 * 2^-13), not a binary prefix: 1.75 * 2^-13 in FP32 is
  // 0x39600000 (biased exponent 114, fraction 0.75).
  EXPECT_EQ(out, "0x3f800000\n0x40000000\n0x39600000\n");
}

TEST(DotCli, ExplainAndList) {
  std::string out;
  EXPECT_EQ(cli({"--model", "v100", "--in", "float16", "--out", "float32", "--a", "3c00,3c00,3c00,3c00", "--b",
                 "3c00,1,1,1", "--c", "0", "--explain"},
                "", out),
            0);
  EXPECT_NE(out.find("cut to 0"), std::string::npos) << out;
  EXPECT_EQ(cli({"--list"}, "", out), 0);
  EXPECT_NE(out.find("h100-wgmma-fp8"), std::string::npos);
  EXPECT_NE(out.find("L=32, F=13"), std::string::npos);
  EXPECT_EQ(cli({"--list", "--json"}, "", out), 0);
  EXPECT_NE(out.find("\"dot_models\""), std::string::npos);
}

TEST(DotCli, BadInputIsOneErrorLine) {
  std::ostringstream o, e;
  EXPECT_EQ(cli::run({"dot", "--model", "a100", "--in", "float16", "--out", "float32", "--a", "zz", "--b", "1", "--c",
                      "0"},
                     o, e),
            2);
  const std::string err = e.str();
  EXPECT_EQ(err.rfind("fpconform: error: ", 0), 0u);
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
  std::string out;
  EXPECT_THROW(cli({"--model", "a100", "--in", "float16", "--out", "float32"}, "3c00 ; 3c00\n", out), InputError);
  EXPECT_THROW(cli({"--model", "a100", "--in", "float16", "--out", "float32"}, "3c00 ; 3c00 3c00 ; 0\n", out), InputError);
}

}  // namespace
}  // namespace fpc

namespace fpc {
namespace {

uint32_t f32_bits(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
float f32_value(uint64_t code) {
  const uint32_t u = static_cast<uint32_t>(code);
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

// Seeded FP16 lines of moderate values (exponents -6..6), K = 16.
std::vector<DotRecord> fp16_lines(size_t n) {
  uint64_t s = 12345;
  auto next = [&] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  std::vector<DotRecord> rows(n);
  for (auto& r : rows) {
    for (int k = 0; k < 16; ++k) {
      r.a.push_back((next() & 0x83ff) | ((9 + next() % 13) << 10));
      r.b.push_back((next() & 0x83ff) | ((9 + next() % 13) << 10));
    }
    r.c = convert((next() & 0x83ff) | ((9 + next() % 13) << 10), F16(), F32(), Rounding::NearestEven).code;
  }
  return rows;
}

// A real CPU subject: the plain C loop in float (d = c; d += a_k * b_k). FP16 products are exact
// in float, so the loop is the FMA chain: diagnosis names sequential_fp32 and no tensor core.
TEST(DotDiagnose, CpuFloatLoopBehavesAsSequential) {
  auto rows = fp16_lines(200);
  for (auto& r : rows) {
    float d = f32_value(r.c);
    for (size_t k = 0; k < r.a.size(); ++k)
      d += f32_value(convert(r.a[k], F16(), F32(), Rounding::NearestEven).code) *
           f32_value(convert(r.b[k], F16(), F32(), Rounding::NearestEven).code);
    r.d = f32_bits(d);
  }
  auto found = diagnose_dot(F16(), F32(), rows);
  ASSERT_EQ(found.size(), 1u) << (found.empty() ? "none" : found[0].label + " ...");
  EXPECT_EQ(found[0].model.name, "sequential_fp32");
}

// A planted subject: an H100-like accumulator that keeps 20 fraction bits instead of 25. No
// table row reproduces it; the neighbour search names it.
TEST(DotDiagnose, PlantedWrongFractionBits) {
  auto rows = fp16_lines(200);
  const DotModel planted = with_parameters(dot_model("h100", "float16", "float32"), std::nullopt, 20);
  for (auto& r : rows) r.d = dot(planted, F16(), r.a, r.b, r.c).code;
  auto found = diagnose_dot(F16(), F32(), rows);
  bool named = false;
  for (const auto& c : found) named = named || c.label.rfind("as h100 with F=20", 0) == 0;
  EXPECT_TRUE(named) << found.size() << " candidates";
  for (const auto& c : found) EXPECT_NE(c.label.rfind("h100 (", 0), 0u) << "the published h100 row must not match";
}

TEST(DotCli, Diagnose) {
  std::string out;
  // One measured A100 FP16 -> FP32 row (tests/data/mma_hardware_rows.tsv, row 8).
  const std::string line =
      "c1e1 38bf 2a3a 414f ba8b 3a01 b89f 3e40 ; 3cc9 b968 a010 bcf8 2bbd 3b0f a436 bd7c ; 3f0c006d ; c103026d\n";
  EXPECT_EQ(cli({"--diagnose", "--in", "float16", "--out", "float32"}, line, out), 0);
  EXPECT_NE(out.find("behaves exactly as: "), std::string::npos) << out;
  EXPECT_NE(out.find("a100 (L=8, F=24"), std::string::npos) << out;
  EXPECT_EQ(out.find("exact ("), std::string::npos) << out;
  EXPECT_THROW(cli({"--diagnose", "--in", "float16", "--out", "float32"}, "1 ; 1 ; 0\n", out), InputError);
}

}  // namespace
}  // namespace fpc
