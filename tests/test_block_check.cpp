// Block checks: the built-in block subjects against the references, the planted ones caught, the
// distances to the ideal and the faithful references reported apart.
#include "check/block/block_check.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

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
