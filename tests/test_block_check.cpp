// Block checks: the built-in block subjects against the references, the planted ones caught, the
// distances to the ideal and the faithful references reported apart.
#include "check/block/block_check.hpp"
#include "fpconform/arith.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <algorithm>
#include <map>
#include <set>

namespace {

using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;

const fpc::BlockDistance& distance(const fpc::BlockCheckResult& r, const std::string& reference) {
  for (const fpc::BlockDistance& d : r.distances)
    if (d.reference == reference) return d;
  throw std::runtime_error("no distance to " + reference);
}

TEST(BlockCheck, CasesCoverTheAdversarialKinds) {
  fpc::QuantOptions o;
  o.scheme = "bnb_fp4";
  o.blocksize = 64;
  std::vector<fpc::BlockCase> cases = fpc::block_cases(o, 5, 7);
  std::set<std::string> kinds;
  for (const fpc::BlockCase& c : cases) {
    kinds.insert(c.kind);
    EXPECT_EQ(c.bits.size(), 64u) << c.kind;
  }
  for (const char* k : {"one_outlier", "all_equal", "all_zero", "subnormal_only", "ties", "nan_inf", "random"})
    EXPECT_EQ(kinds.count(k), 1u) << k;
  EXPECT_EQ(fpc::block_cases(o, 5, 7).back().bits, cases.back().bits);  // deterministic
  EXPECT_NE(fpc::block_cases(o, 5, 8).back().bits, cases.back().bits);  // seeded
}

// The CUDA port of bitsandbytes' kernel is bit-exact with the CUDA-faithful reference, and the
// check measures how far that is from the ideal and from the CPU path (the thresholds and the
// all-zero/NaN/subnormal blocks differ).
TEST(BlockCheck, BnbCudaPortMatchesTheCudaReference) {
  for (const char* name : {"cpu_bnb_fp4_cuda_port", "cpu_bnb_nf4_cuda_port"}) {
    SCOPED_TRACE(name);
    fpc::BlockCheckResult r = fpc::run_block_check(fpc::block_subject_by_name(name), 8, 1);
    EXPECT_TRUE(r.passed) << fpc::summary_line(r);
    EXPECT_EQ(r.distances.front().reference, "cuda");
    EXPECT_GT(distance(r, "ideal").blocks_differing, 0u) << fpc::summary_line(r);
    EXPECT_GT(distance(r, "cpu").blocks_differing, 0u) << fpc::summary_line(r);
    EXPECT_LT(distance(r, "ideal").blocks, r.blocks);  // the ideal has no rule for the NaN/inf block
  }
}

TEST(BlockCheck, NativeMxfp4MatchesTheSpec) {
  fpc::BlockCheckResult r = fpc::run_block_check(fpc::block_subject_by_name("cpu_mxfp4"), 16, 3);
  EXPECT_TRUE(r.passed) << fpc::summary_line(r);
  EXPECT_EQ(r.distances.front().blocks, r.blocks);
}

// The same CUDA port labelled "ideal" fails, while its distance to the CUDA reference is 0.
TEST(BlockCheck, MislabelledPortIsCaughtAndExplained) {
  fpc::BlockCheckResult r = fpc::run_block_check(fpc::block_subject_by_name("planted_bnb_fp4_cuda_port_as_ideal"), 8, 1);
  EXPECT_FALSE(r.passed);
  EXPECT_GT(distance(r, "ideal").blocks_differing, 0u);
  EXPECT_EQ(distance(r, "cuda").blocks_differing, 0u);
  EXPECT_FALSE(distance(r, "ideal").first.empty());
}

// A scale exponent from amax / 6 is one step low whenever amax's significand is below 1.5.
TEST(BlockCheck, ScaleFromAmaxOverSixIsCaught) {
  fpc::BlockCheckResult r = fpc::run_block_check(fpc::block_subject_by_name("planted_mxfp4_scale_from_amax_over_6"), 16, 1);
  EXPECT_FALSE(r.passed);
  EXPECT_GT(r.distances.front().scales_differing, 0u);
  EXPECT_NE(fpc::summary_line(r).find("scale expected"), std::string::npos) << fpc::summary_line(r);
}

// Every scheme block checks take gets tie blocks, from the scheme table: the grid's sizes follow
// from the element formats (E2M1: 15 distinct finite values; E4M3FN: 126 positive finite values,
// so 253 with zero; MXINT8 and LLM.int8: -127..127 (/64); the int4 groups: 0..15 and -7..7), and
// at the unit amax every midpoint is an exact tie: the ideal reference reproduces the amax and
// puts the midpoint on one of its two neighbours.
TEST(BlockCheck, EverySchemeGetsTieBlocksFromTheSchemeTable) {
  const std::map<std::string, size_t> kMidpoints = {{"mxfp4", 14},       {"nvfp4", 14},       {"mxfp8_e4m3", 252},
                                                     {"mxint8", 254},      {"llm_int8_row", 254}, {"uint4_group", 15},
                                                     {"int4_group", 14}};
  size_t schemes = 0;
  for (const fpc::QuantSchemeInfo& info : fpc::quant_schemes()) {
    SCOPED_TRACE(info.name);
    fpc::QuantOptions o;
    o.scheme = info.name;
    if (info.name == "llm_int8_col") {  // one scale per column: not a block check's scheme
      EXPECT_THROW(fpc::check_blocksize(o), fpc::InputError);
      continue;
    }
    if (info.name == "llm_int8_row") o.blocksize = 32;
    ++schemes;
    const fpc::BlockTieGrid grid = fpc::block_tie_grid(o);
    ASSERT_FALSE(grid.midpoints.empty());
    if (kMidpoints.count(info.name)) {
      EXPECT_EQ(grid.midpoints.size(), kMidpoints.at(info.name));
    }
    const fpc::QuantElementGrid exact = fpc::quant_element_grid(info);
    const fpc::Format& f32 = fpc::format_by_name("float32");
    // Every tie block of the check is quantized at scale 1: its amax comes back as the top of the
    // grid, so its midpoints are exact ties of the element rounding (int4_group needs -amax too).
    size_t tie_blocks = 0;
    for (const fpc::BlockCase& c : fpc::block_cases(o, fpc::BlockCaseSet::parse("adversarial"), 1)) {
      if (c.kind != "ties") continue;
      ++tie_blocks;
      std::vector<fpc::ExactValue> block;
      for (uint32_t bits : c.bits) block.push_back(fpc::decode(f32, bits).value);
      const std::vector<fpc::ExactValue> back = fpc::dequantize(fpc::quantize(block, o));
      EXPECT_EQ(fpc::compare(back[0], exact.values.back()), 0) << "tie block " << tie_blocks << ": amax comes back as "
                                                               << fpc::to_exact_string(back[0]);
    }
    EXPECT_GT(tie_blocks, 0u);
    for (size_t i = 0; i + 1 < exact.values.size(); ++i) {
      const fpc::ExactValue pair[2] = {exact.values[i], exact.values[i + 1]};
      const fpc::ExactValue sum = fpc::exact_op(fpc::Op::Add, pair, fpc::Rounding::NearestEven).value;
      const fpc::ExactValue halves[2] = {sum, fpc::ExactValue::rational(false, 2)};
      const fpc::ExactValue mid = fpc::exact_op(fpc::Op::Div, halves, fpc::Rounding::NearestEven).value;
      if (mid.is_zero()) continue;
      std::vector<fpc::ExactValue> block(fpc::check_blocksize(o), fpc::ExactValue::zero());  // whole groups
      block[0] = exact.unit_amax;
      block[1] = mid;
      // A symmetric GPTQ group is symmetric only with a negative value in it (xmin < 0), so
      // symmetric grids get -amax too (no other scheme's scale changes with it).
      if (fpc::compare(exact.values.front().abs(), exact.values.back()) == 0) block[2] = exact.unit_amax.negated();
      const std::vector<fpc::ExactValue> back = fpc::dequantize(fpc::quantize(block, o));
      // Scale 1: the amax comes back as the top of the grid (itself; int4_group's 7.5 clamps to 7).
      EXPECT_EQ(fpc::compare(back[0], exact.values.back()), 0) << fpc::to_exact_string(back[0]);
      EXPECT_TRUE(fpc::compare(back[1], exact.values[i]) == 0 || fpc::compare(back[1], exact.values[i + 1]) == 0)
          << fpc::to_exact_string(mid) << " -> " << fpc::to_exact_string(back[1]);
      // The tie grid holds the midpoint itself (float32 holds every midpoint of these grids).
      const uint32_t bits = static_cast<uint32_t>(fpc::round_to_format(mid, f32, fpc::Rounding::NearestEven).code);
      EXPECT_NE(std::find(grid.midpoints.begin(), grid.midpoints.end(), bits), grid.midpoints.end());
    }
  }
  EXPECT_EQ(schemes, fpc::quant_schemes().size() - 1);
}

// A subject answering the nan_inf block under a reference that has no rule for it (NVFP4 ideal:
// finite values only) is not silently passed: the block is counted and shown as unjudged, with
// what the subject answered, and --strict-blocks fails the check.
TEST(BlockCheck, UnjudgedBlocksAreCountedShownAndFailUnderStrict) {
  fpc::QuantOptions claims;
  claims.scheme = "nvfp4";
  claims.blocksize = 16;
  const std::vector<fpc::BlockCase> cases = fpc::block_cases(claims, fpc::BlockCaseSet::parse("adversarial"), 1);
  size_t nan_inf = 0;
  for (const fpc::BlockCase& c : cases) nan_inf += c.kind == "nan_inf";
  ASSERT_EQ(nan_inf, 1u);
  const fpc::Format& f32 = fpc::format_by_name("float32");
  auto answers = [&](size_t, const fpc::BlockCase& c) {
    std::vector<fpc::ExactValue> values;
    for (uint32_t b : c.bits) values.push_back(fpc::decode(f32, b).value);
    fpc::BlockOutput out;
    if (c.kind == "nan_inf") {  // some guess: all zero codes, scale code 0x7f (E4M3 NaN)
      out.codes.assign(c.bits.size(), 0);
      out.scale_codes = {0x7f};
      return out;
    }
    const fpc::Quantized q = fpc::quantize(values, claims);
    out.codes = q.codes;
    out.scale_codes = {q.blocks[0].scale_code};
    return out;
  };
  const fpc::BlockCheckResult lax = fpc::check_blocks("guess", claims, cases, 0, cases.size(), answers);
  EXPECT_EQ(fpc::block_check_status(lax), "pass") << fpc::summary_line(lax);
  EXPECT_EQ(lax.unjudged, 1u);
  EXPECT_EQ(lax.distances.front().blocks + 1, lax.blocks);
  EXPECT_NE(lax.unjudged_first.find("nan_inf block"), std::string::npos) << lax.unjudged_first;
  EXPECT_NE(lax.unjudged_first.find("scale 0x7f"), std::string::npos) << lax.unjudged_first;
  EXPECT_NE(fpc::summary_line(lax).find("1 block unjudged (nan_inf block"), std::string::npos) << fpc::summary_line(lax);
  const fpc::BlockCheckResult strict = fpc::check_blocks("guess", claims, cases, 0, cases.size(), answers, true);
  EXPECT_EQ(fpc::block_check_status(strict), "fail") << fpc::summary_line(strict);
  EXPECT_FALSE(strict.passed);
  // A reference with a rule for every block (MX: the NaN scale) leaves none unjudged.
  const fpc::BlockCheckResult mx = fpc::run_block_check(fpc::block_subject_by_name("cpu_mxfp4"), fpc::BlockCaseSet::parse("adversarial"), 1,
                                                        0, std::numeric_limits<size_t>::max(), true);
  EXPECT_EQ(mx.unjudged, 0u);
  EXPECT_TRUE(mx.passed) << fpc::summary_line(mx);
}

TEST(BlockCheck, Cli) {
  auto ok = cli({"quantize", "--check", "all", "--blocks", "4"});
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("PASS  cpu_mxfp4"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("planted"), std::string::npos) << ok.out;  // test-only subjects only by name
  auto bad = cli({"quantize", "--check", "planted_mxfp4_scale_from_amax_over_6", "--blocks", "4", "--json"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(nlohmann::json::parse(bad.out)["checks"][0]["status"], "fail");
  expect_input_error({"quantize", "--check", "no_such_subject"});
  expect_input_error({"quantize", "--check", "cpu_mxfp4", "1", "2"});
  expect_input_error({"quantize", "--scheme", "mxfp4", "--seed", "3", "1"});
}

}  // namespace
