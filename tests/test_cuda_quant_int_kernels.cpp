// The integer CUDA block quantization kernels (kernels/cuda/quant_kernels.cuh): LLM.int8 rows
// (cuda_host_llm_int8_row, claims llm_int8_row "torch", rows of 256) and GPTQ 4-bit groups
// (cuda_host_uint4_group / cuda_host_int4_group, claim "torch", groups of 128), and the zero points
// block checks compare. Golden blocks are worked by hand from the formulas of
// oracle/src/quant_int.cpp (docs/quantization.md); deliberately wrong variants (ties away from
// zero, a zero point off by one) show that the check catches them.
#include "check/block/block_check.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::vector<uint32_t> bits(std::initializer_list<float> values, size_t pad_to) {
  std::vector<uint32_t> b;
  for (float v : values) b.push_back(std::bit_cast<uint32_t>(v));
  b.resize(pad_to, 0);  // +0.0f
  return b;
}

const fpc::BlockDistance& distance_to(const fpc::BlockCheckResult& r, const std::string& reference) {
  for (const fpc::BlockDistance& d : r.distances)
    if (d.reference == reference) return d;
  throw std::logic_error("no distance to " + reference);
}

TEST(CudaQuantIntKernels, ClaimsAndBlockSizes) {
  const fpc::BlockSubject& int8 = fpc::block_subject_by_name("cuda_host_llm_int8_row");
  EXPECT_EQ(int8.claims.scheme, "llm_int8_row");
  EXPECT_EQ(int8.claims.reference, "torch");
  EXPECT_EQ(int8.claims.blocksize, 256u);  // llm_int8_row has no default: the list row gives it
  EXPECT_EQ(fpc::check_blocksize(int8.claims), 256u);
  for (const char* name : {"cuda_host_uint4_group", "cuda_device_int4_group"}) {
    const fpc::BlockSubject& g = fpc::block_subject_by_name(name);
    EXPECT_EQ(g.claims.reference, "torch") << name;
    EXPECT_EQ(g.claims.blocksize, 128u) << name;
    EXPECT_TRUE(fpc::block_layout(g.claims).zero_points) << name;
  }
  EXPECT_FALSE(fpc::block_layout(int8.claims).zero_points);
  EXPECT_FALSE(fpc::block_layout(fpc::block_subject_by_name("cuda_host_bnb_nf4").claims).zero_points);
}

#if defined(FPC_KERNELS_HAVE_CUDA_HOST)
// Every adversarial kind (ties around every integer midpoint included) and 64 random blocks:
// bit-exact with the torch reference; only the NaN/inf block is undefined for the groups.
TEST(CudaQuantIntKernels, HostPathMatchesTheTorchReference) {
  for (const char* name : {"cuda_host_llm_int8_row", "cuda_host_uint4_group", "cuda_host_int4_group"}) {
    SCOPED_TRACE(name);
    const fpc::BlockSubject& s = fpc::block_subject_by_name(name);
    const fpc::BlockCheckResult r = fpc::run_block_check(s, 64, 5);
    EXPECT_TRUE(r.passed) << fpc::summary_line(r);
    EXPECT_GE(r.distances.front().blocks + 1, r.blocks) << fpc::summary_line(r);
    EXPECT_EQ(r.distances.front().zero_points_differing, 0u);
  }
}

// LLM.int8 by hand. Row [1, -2, 0.5, 127, 0 ...]: absmax 127 (stored 0x42fe0000), r = 127/127 = 1,
// codes rint(x): 1, -2 (0xfe), 0.5 -> 0 (tie to even), 127 (0x7f). Row [3, 5, -7, 254]: r = 0.5
// exactly, 1.5 -> 2, 2.5 -> 2, -3.5 -> -4 (0xfc), 127.
TEST(CudaQuantIntKernels, LlmInt8GoldenRows) {
  const fpc::BlockSubject& s = fpc::block_subject_by_name("cuda_host_llm_int8_row");
  fpc::BlockOutput a = s.run(bits({1, -2, 0.5f, 127}, 256));
  EXPECT_EQ(a.scale_codes, (std::vector<uint64_t>{0x42fe0000u}));
  EXPECT_EQ(std::vector<uint64_t>(a.codes.begin(), a.codes.begin() + 5), (std::vector<uint64_t>{0x01, 0xfe, 0x00, 0x7f, 0x00}));
  EXPECT_TRUE(a.zero_points.empty());
  fpc::BlockOutput b = s.run(bits({3, 5, -7, 254}, 256));
  EXPECT_EQ(b.scale_codes, (std::vector<uint64_t>{0x437e0000u}));
  EXPECT_EQ(std::vector<uint64_t>(b.codes.begin(), b.codes.begin() + 4), (std::vector<uint64_t>{0x02, 0x02, 0xfc, 0x7f}));
}

// The rows where x * (127 / absmax) is not finite and the reference gives code 0: all zero
// (127 / 0 = inf, 0 * inf = NaN; scale +0 even with -0s), subnormal only (127 / 2^-140
// overflows to inf: every code 0, scale 2^-140 = 0x200 — the ideal reference gives 127 there),
// a NaN (scale the quiet NaN) and +inf (scale +inf, r = 0: finite x give 0, inf * 0 is NaN).
TEST(CudaQuantIntKernels, LlmInt8RowsWithoutAFiniteProduct) {
  const fpc::BlockSubject& s = fpc::block_subject_by_name("cuda_host_llm_int8_row");
  const float inf = std::numeric_limits<float>::infinity();
  struct Row {
    std::vector<uint32_t> x;
    uint64_t scale;
  };
  const Row rows[] = {{bits({0, -0.0f, 0}, 256), 0x0u},
                      {bits({0x1p-140f, -0x1p-141f}, 256), 0x200u},
                      {bits({1, std::numeric_limits<float>::quiet_NaN(), 2}, 256), 0x7fc00000u},
                      {bits({1, inf, -3}, 256), 0x7f800000u}};
  for (const Row& row : rows) {
    fpc::BlockOutput out = s.run(row.x);
    EXPECT_EQ(out.scale_codes, (std::vector<uint64_t>{row.scale}));
    EXPECT_EQ(out.codes, std::vector<uint64_t>(256, 0));
  }
  fpc::QuantOptions ideal = s.claims;
  ideal.reference = "ideal";
  const fpc::Quantized q = fpc::quantize(std::vector<fpc::ExactValue>{fpc::parse_value("0x1p-140")}, ideal);
  EXPECT_EQ(q.codes, (std::vector<uint64_t>{0x7f}));
}

// GPTQ asymmetric by hand: group [-1, 2, 0.5, 1, 0 ...]: xmin -1, xmax 2, scale = float32(3 / 15)
// = 0x3e4ccccd, zero = rint(1 / scale) = rint(5.0) = 5 (1 / 0.2000000030 = 4.99999993 rounds to
// 5.0f); codes rint(x / scale) + 5: -5 + 5 = 0, 10 + 5 = 15, 2.5 -> 2 (tie to even; 0.5 / scale
// = 2.49999996 rounds to 2.5f) + 5 = 7, 5 + 5 = 10, zeros 5.
TEST(CudaQuantIntKernels, Uint4GoldenGroup) {
  fpc::BlockOutput out = fpc::block_subject_by_name("cuda_host_uint4_group").run(bits({-1, 2, 0.5f, 1}, 128));
  EXPECT_EQ(out.scale_codes, (std::vector<uint64_t>{0x3e4ccccdu}));
  EXPECT_EQ(out.zero_points, (std::vector<int64_t>{5}));
  EXPECT_EQ(std::vector<uint64_t>(out.codes.begin(), out.codes.begin() + 5), (std::vector<uint64_t>{0, 15, 7, 10, 5}));
}

// GPTQ symmetric by hand: group [-3, 1.5, 0.75, 0.2, 0 ...]: xmax = max(|-3|, 1.5) = 3, xmin = -3,
// scale = float32(6 / 15) = 0x3ecccccd, zero 8; -3 / scale = -7.4999999 rounds to -7.5f, ties to
// -8: code 0; 1.5 -> 3.75 -> 4: 12; 0.75 -> 1.875 -> 2: 10; 0.2f / 0.4f = 0.5 exactly -> 0: 8.
TEST(CudaQuantIntKernels, Int4GoldenGroup) {
  fpc::BlockOutput out = fpc::block_subject_by_name("cuda_host_int4_group").run(bits({-3, 1.5f, 0.75f, 0.2f}, 128));
  EXPECT_EQ(out.scale_codes, (std::vector<uint64_t>{0x3ecccccdu}));
  EXPECT_EQ(out.zero_points, (std::vector<int64_t>{8}));
  EXPECT_EQ(std::vector<uint64_t>(out.codes.begin(), out.codes.begin() + 5), (std::vector<uint64_t>{0, 12, 10, 8, 8}));
}

// An all-zero asymmetric group widens to [-1, 1]: scale = float32(2 / 15) = 0x3e088889
// (0.13333334), 1 / scale = 7.49999963 rounds to 7.4999995f (not 7.5f): zero 7, every code 7. The
// ideal reference divides exactly: 1 / (2/15) = 7.5 ties to 8. The check shows that distance as
// zero points (and values) differing from the ideal while the torch claim passes.
TEST(CudaQuantIntKernels, AllZeroGroupZeroPointDiffersFromTheIdeal) {
  const fpc::BlockSubject& s = fpc::block_subject_by_name("cuda_host_uint4_group");
  fpc::BlockOutput out = s.run(std::vector<uint32_t>(128, 0x80000000u));
  EXPECT_EQ(out.scale_codes, (std::vector<uint64_t>{0x3e088889u}));
  EXPECT_EQ(out.zero_points, (std::vector<int64_t>{7}));
  EXPECT_EQ(out.codes, std::vector<uint64_t>(128, 7));
  const fpc::BlockCheckResult r = fpc::run_block_check(s, fpc::BlockCaseSet::parse("adversarial"), 1);
  EXPECT_TRUE(r.passed) << fpc::summary_line(r);
  const fpc::BlockDistance& ideal = distance_to(r, "ideal");
  EXPECT_GE(ideal.zero_points_differing, 1u) << fpc::summary_line(r);
  EXPECT_NE(fpc::summary_line(r).find("zero points"), std::string::npos) << fpc::summary_line(r);
}

// A group whose float32 scale underflows to 0 (range 2^-149: 2^-149 / 15 rounds to 0) has no
// torch value (-xmin / 0 and x / 0 are NaN/inf): the reference declines it (the block is not
// compared) and the kernel answers without an undefined conversion. Group [2^-149, -2^-149, 0 ...]:
// the ideal scale 2^-148 / 15 is exact, zero round(7.5) = 8, codes round(7.5) + 8 = 16 -> 15,
// round(-7.5) + 8 = 0, 0 + 8 = 8.
TEST(CudaQuantIntKernels, GroupScaleUnderflowIsUndefined) {
  const std::vector<uint32_t> x = bits({0x1p-149f, -0x1p-149f}, 128);
  std::vector<fpc::ExactValue> values;
  for (uint32_t b : x) values.push_back(fpc::decode(fpc::format_by_name("float32"), b).value);
  fpc::QuantOptions o = fpc::block_subject_by_name("cuda_host_uint4_group").claims;
  EXPECT_THROW(fpc::quantize(values, o), fpc::InputError);
  o.reference = "ideal";
  const fpc::Quantized ideal = fpc::quantize(values, o);
  EXPECT_EQ(ideal.blocks[0].zero_point, 8);
  EXPECT_EQ(std::vector<uint64_t>(ideal.codes.begin(), ideal.codes.begin() + 3), (std::vector<uint64_t>{15, 0, 8}));
  for (const char* name : {"cuda_host_uint4_group", "cuda_host_int4_group"}) {
    fpc::BlockOutput out = fpc::block_subject_by_name(name).run(x);
    EXPECT_EQ(out.scale_codes, (std::vector<uint64_t>{0})) << name;
    ASSERT_EQ(out.zero_points.size(), 1u) << name;
    EXPECT_EQ(out.zero_points[0], std::string(name) == "cuda_host_int4_group" ? 8 : 0) << name;
  }
}

// A subject whose codes and scales are right but whose zero point is off by one fails, and the
// distance counts exactly its zero points (every block, no value, no scale).
TEST(CudaQuantIntKernels, AWrongZeroPointFailsTheCheck) {
  fpc::BlockSubject wrong = fpc::block_subject_by_name("cuda_host_uint4_group");
  wrong.name = "planted_uint4_zero_point_plus_one";
  wrong.run = [inner = wrong.run](std::span<const uint32_t> x) {
    fpc::BlockOutput out = inner(x);
    for (int64_t& z : out.zero_points) z += 1;
    return out;
  };
  const fpc::BlockCheckResult r = fpc::run_block_check(wrong, 8, 3);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(fpc::block_check_status(r), "fail");
  const fpc::BlockDistance& torch = r.distances.front();
  EXPECT_EQ(torch.blocks_differing, torch.blocks);
  EXPECT_EQ(torch.zero_points_differing, torch.blocks);
  EXPECT_EQ(torch.values_differing, 0u);
  EXPECT_EQ(torch.scales_differing, 0u);
  EXPECT_NE(torch.first.find("zero point expected"), std::string::npos) << torch.first;

  // Missing zero points are a malformed answer (error), not a pass.
  fpc::BlockSubject none = fpc::block_subject_by_name("cuda_host_int4_group");
  none.run = [inner = none.run](std::span<const uint32_t> x) {
    fpc::BlockOutput out = inner(x);
    out.zero_points.clear();
    return out;
  };
  const fpc::BlockCheckResult e = fpc::run_block_check(none, 2, 3);
  EXPECT_EQ(fpc::block_check_status(e), "error");
  EXPECT_NE(e.error.find("0 zero points"), std::string::npos) << e.error;
}

// LLM.int8 rounded half away from zero (std::round instead of rintf) is caught by the ties
// blocks (every integer midpoint at r = 1) and by nothing else: random blocks hit exact ties
// almost never.
TEST(CudaQuantIntKernels, TiesAwayFromZeroIsCaught) {
  fpc::BlockSubject away = fpc::block_subject_by_name("cuda_host_llm_int8_row");
  away.name = "planted_llm_int8_ties_away";
  away.run = [](std::span<const uint32_t> x) {
    float absmax = 0;
    for (uint32_t b : x) absmax = std::fmax(absmax, std::fabs(std::bit_cast<float>(b)));
    const float r = 127.0f / absmax;
    fpc::BlockOutput out;
    out.scale_codes = {std::bit_cast<uint32_t>(absmax)};
    for (uint32_t b : x) {
      const float s = std::bit_cast<float>(b) * r;
      out.codes.push_back(std::isfinite(s) ? static_cast<uint8_t>(static_cast<int8_t>(std::round(s))) : 0);
    }
    return out;
  };
  const fpc::BlockCheckResult adversarial = fpc::run_block_check(away, fpc::BlockCaseSet::parse("adversarial"), 1);
  EXPECT_FALSE(adversarial.passed);
  EXPECT_NE(adversarial.distances.front().first.rfind("ties block", 0), std::string::npos) << adversarial.distances.front().first;
  const fpc::BlockCheckResult random = fpc::run_block_check(away, fpc::BlockCaseSet::parse("random:16"), 1);
  EXPECT_TRUE(random.passed) << fpc::summary_line(random);
}
#endif

}  // namespace

// ---- zero points through the block file protocol -----------------------------------------------
namespace {

using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;
using fpc::testing_support::TempDir;
using nlohmann::json;

std::vector<unsigned char> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void put_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void put_le(std::vector<unsigned char>& out, uint64_t v, int width) {
  for (int b = 0; b < width; ++b) out.push_back(static_cast<unsigned char>(v >> (8 * b)));
}

json json_file(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// Answers a uint4_group directory as an outside program would, from the torch reference itself
// (no CUDA needed): codes.bin (1 byte a code), scales.bin (float32 bits), zero_points.bin (int32).
void answer_groups(const std::string& dir, const fpc::QuantOptions& claims) {
  const std::vector<unsigned char> values = file_bytes(dir + "/values.bin");
  std::vector<unsigned char> codes, scales, zeros;
  for (size_t start = 0; start < values.size() / 4; start += claims.blocksize) {
    std::vector<fpc::ExactValue> block;
    for (size_t i = 0; i < claims.blocksize; ++i) {
      uint32_t b = 0;
      for (int k = 3; k >= 0; --k) b = (b << 8) | values[(start + i) * 4 + static_cast<size_t>(k)];
      block.push_back(fpc::decode(fpc::format_by_name("float32"), b).value);
    }
    fpc::Quantized q;
    try {
      q = fpc::quantize(block, claims);
    } catch (const fpc::InputError&) {  // the NaN/inf group: no reference, any answer
      q.codes.assign(claims.blocksize, 0);
      q.blocks.resize(1);
    }
    for (uint64_t c : q.codes) codes.push_back(static_cast<unsigned char>(c));
    put_le(scales, q.blocks[0].scale_code, 4);
    put_le(zeros, static_cast<uint32_t>(static_cast<int32_t>(q.blocks[0].zero_point)), 4);
  }
  put_bytes(dir + "/codes.bin", codes);
  put_bytes(dir + "/scales.bin", scales);
  put_bytes(dir + "/zero_points.bin", zeros);
}

TEST(BlockFilesZeroPoints, GroupsWriteAndCheckZeroPoints) {
  TempDir tmp;
  const std::string dir = tmp / "groups";
  Outcome w = cli({"cases", "--scheme", "uint4_group", "--reference", "torch", "--cases", "all:4", "--seed", "2", "-o", dir});
  ASSERT_EQ(w.status, 0) << w.err;
  EXPECT_NE(w.out.find("zero_points.bin"), std::string::npos) << w.out;
  const json sidecar = json_file(dir + "/cases.json");
  EXPECT_EQ(sidecar["zero_points"], (json{{"file", "zero_points.bin"}, {"format", "int32"}, {"width", 4}}));
  fpc::QuantOptions claims;
  claims.scheme = "uint4_group";
  claims.reference = "torch";
  claims.blocksize = 128;
  answer_groups(dir, claims);
  Outcome pass = cli({"check", dir, "--report", tmp / "pass.json"});
  EXPECT_EQ(pass.status, 0) << pass.out << pass.err;
  EXPECT_EQ(cli({"report", "validate", tmp / "pass.json"}).status, 0);
  EXPECT_EQ(json_file(tmp / "pass.json")["block_checks"][0]["distances"][0]["zero_points_differing"], 0);

  // A zero point off by one in block 3 (codes and scales right): that block fails, on its zero
  // point alone.
  std::vector<unsigned char> zeros = file_bytes(dir + "/zero_points.bin");
  zeros[3 * 4] ^= 1;
  put_bytes(dir + "/zero_points.bin", zeros);
  Outcome fail = cli({"check", dir, "--report", tmp / "fail.json"});
  EXPECT_EQ(fail.status, 1) << fail.out << fail.err;
  EXPECT_EQ(cli({"report", "validate", tmp / "fail.json"}).status, 0);
  const json d = json_file(tmp / "fail.json")["block_checks"][0]["distances"][0];
  EXPECT_EQ(d["blocks_differing"], 1);
  EXPECT_EQ(d["zero_points_differing"], 1);
  EXPECT_EQ(d["values_differing"], 0);
  EXPECT_EQ(d["scales_differing"], 0);
  EXPECT_NE(d["first_difference"].get<std::string>().find("block 3: zero point expected"), std::string::npos) << d;
  Outcome summary = cli({"report", "summary", tmp / "fail.json"});
  EXPECT_NE(summary.out.find("1 zero points"), std::string::npos) << summary.out;

  // zero_points.bin truncated, too long, missing; the sidecar entry missing: bad input.
  put_bytes(dir + "/zero_points.bin", std::vector<unsigned char>(zeros.begin(), zeros.end() - 1));
  expect_input_error({"check", dir});
  std::vector<unsigned char> longer = zeros;
  put_le(longer, 0, 4);
  put_bytes(dir + "/zero_points.bin", longer);
  expect_input_error({"check", dir});
  std::filesystem::remove(dir + "/zero_points.bin");
  expect_input_error({"check", dir});
  put_bytes(dir + "/zero_points.bin", zeros);
  json no_entry = sidecar;
  no_entry.erase("zero_points");
  std::ofstream(dir + "/cases.json") << no_entry.dump();
  expect_input_error({"check", dir});
  json wide = sidecar;
  wide["zero_points"]["width"] = 8;
  std::ofstream(dir + "/cases.json") << wide.dump();
  expect_input_error({"check", dir});

  // Schemes without zero points neither write nor take the entry.
  const std::string bnb = tmp / "bnb";
  ASSERT_EQ(cli({"cases", "--scheme", "bnb_fp4", "--cases", "adversarial", "-o", bnb}).status, 0);
  json bnb_sidecar = json_file(bnb + "/cases.json");
  EXPECT_FALSE(bnb_sidecar.contains("zero_points"));
  bnb_sidecar["zero_points"] = sidecar["zero_points"];
  std::ofstream(bnb + "/cases.json") << bnb_sidecar.dump();
  expect_input_error({"check", bnb});
}

}  // namespace
