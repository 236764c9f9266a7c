// Block quantizers against the oracle: for blocks generated from each subject's claims
// (gen::quant_block: ties between element codes, power-of-two amax boundaries, one outlier, all
// equal, mixed-sign zeros, subnormals, NaN/inf where the claimed reference defines them), the
// subject's codes and scale equal its claimed reference bit-exactly, judged by the block check
// itself (check_blocks, harness/check/block/block_check.hpp). One test per block subject (fpconform/
// block_subject.hpp), test-only ones excluded, unavailable ones skipped. A failure prints the
// shrunk block, the block check's summary line with its first difference, and the RC_PARAMS line.
#include "generators.hpp"
#include "property.hpp"

#include "check/block/block_check.hpp"
#include "fpconform/block_subject.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <span>
#include <string>
#include <vector>

namespace fpc {
namespace {

constexpr int kBlocksPerSubject = 1000;

// The block's values that are not +0: "[i] 0xBITS = exact", one a line.
std::string block_text(const std::vector<uint32_t>& bits) {
  std::string s = "block of " + std::to_string(bits.size()) + " float32 values (the others +0):";
  const Format& f32 = format_by_name("float32");
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == 0) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", bits[i]);
    s += "\n  [" + std::to_string(i) + "] " + hex + " = " + to_exact_string(decode(f32, bits[i]).value);
  }
  return s;
}

// "" when the subject passes the block check on this one block; otherwise the block and the check's
// summary line (claimed and other references' distances, the first difference).
std::string block_mismatch_text(const BlockSubject& s, const std::vector<uint32_t>& bits) {
  const std::vector<BlockCase> cases = {{"generated", bits}};
  const BlockCheckResult r =
      check_blocks(s.name, s.claims, cases, 0, 1, [&](size_t, const BlockCase& c) { return s.run(c.bits); });
  if (block_check_status(r) == "pass") return "";
  return block_text(bits) + "\n" + summary_line(r);
}

// The property for one subject. `last_failure`, when given, receives the last failing block run
// (after shrinking: the shrunk counterexample).
auto block_property(const BlockSubject& s, std::vector<uint32_t>* last_failure = nullptr) {
  return [&s, last_failure, blocks = gen::quant_block(s.claims)] {
    const std::vector<uint32_t> bits = *blocks;
    const std::string text = block_mismatch_text(s, bits);
    if (!text.empty()) {
      if (last_failure) *last_failure = bits;
      RC_FAIL(text);
    }
  };
}

std::vector<std::string> block_subject_names() {
  std::vector<std::string> names;
  for (const BlockSubject& s : block_subjects())
    if (!s.test_only) names.push_back(s.name);
  return names;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

class BlockSubjectAgainstReference : public testing::TestWithParam<std::string> {};

TEST_P(BlockSubjectAgainstReference, MatchesItsClaimedReferenceBitExactly) {
  const BlockSubject& s = block_subject_by_name(GetParam());
  if (!s.available) GTEST_SKIP() << s.name << ": " << s.unavailable_reason;
  prop::check("block/" + s.name, kBlocksPerSubject, block_property(s));
}

INSTANTIATE_TEST_SUITE_P(BlockSubjects, BlockSubjectAgainstReference, testing::ValuesIn(block_subject_names()), test_name);

// The values of a block that are not ±0.
std::vector<uint32_t> nonzero(const std::vector<uint32_t>& bits) {
  std::vector<uint32_t> v;
  for (uint32_t b : bits)
    if ((b & 0x7fffffffu) != 0) v.push_back(b);
  return v;
}

std::vector<uint32_t> find_and_shrink(const BlockSubject& s) {
  const std::string& name = s.name;
  std::vector<uint32_t> shrunk;
  const rc::detail::TestResult result = prop::run("planted/block/" + name, 2000, block_property(s, &shrunk));
  EXPECT_TRUE(result.is<rc::detail::FailureResult>()) << name << ": the planted bug was not found";
  if (!result.is<rc::detail::FailureResult>()) return {};
  const auto& failure = result.get<rc::detail::FailureResult>();
  std::cout << name << ": found after " << failure.numSuccess << " passing blocks; shrunk:\n"
            << failure.description << "\n" << prop::replay_line("planted/block/" + name, failure) << "\n";
  EXPECT_EQ(block_mismatch_text(s, shrunk).empty(), false) << "the shrunk block passes";
  return shrunk;
}

// The property can fail. A local test-only subject, MXFP4 that rounds its elements to nearest with
// ties away from zero while claiming the ideal reference (ties to even): found, and shrunk to the
// simplest block that shows it: the unit amax 6 (scale 2^0) and one positive exact tie between two
// E2M1 values whose lower one is even (0.25, 1.25, 2.5 or 5), every other value +0.
TEST(PlantedBlockBug, TiesAwayIsShrunkToOneExactTie) {
  BlockSubject planted;
  planted.name = "planted_mxfp4_ties_away";
  planted.claims.scheme = "mxfp4";
  planted.claims.blocksize = 32;
  planted.test_only = true;
  planted.run = [claims = planted.claims](std::span<const uint32_t> bits) {
    QuantOptions away = claims;
    away.element_rounding = Rounding::NearestAway;
    std::vector<ExactValue> values;
    for (uint32_t b : bits) values.push_back(decode(format_by_name("float32"), b).value);
    const Quantized q = quantize(values, away);
    return BlockOutput{q.codes, {q.blocks[0].scale_code}};
  };
  const std::vector<uint32_t> shrunk = find_and_shrink(planted);
  ASSERT_EQ(shrunk.size(), 32u);
  const std::vector<uint32_t> values = nonzero(shrunk);
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(shrunk[0], 0x40c00000u) << "the amax is not 6";
  const uint32_t tie = values[1];
  const Format& f32 = format_by_name("float32");
  const ExactValue x = decode(f32, tie).value;
  bool found = false;
  for (int64_t twice : {1, 5, 10, 20})  // 2x the midpoints 0.25, 1.25, 2.5, 5 (in quarters: 1, 5, 10, 20)
    found |= compare(x, ExactValue::rational(false, twice, 4)) == 0;
  EXPECT_TRUE(found) << to_exact_string(x) << " is not a positive E2M1 tie with an even lower neighbour";
}

// planted_mxfp4_scale_from_amax_over_6 (kernels/cpu/block_subjects.cpp) takes its shared exponent
// from amax / 6, one binade too small whenever amax's significand is below 1.5: found, and shrunk
// to at most two positive values whose amax has a significand below 1.5 (e.g. the block [4]: the
// floor rule gives E = 0, amax / 6 gives E = -1; or [6, 8]), every other value +0.
TEST(PlantedBlockBug, ScaleFromAmaxOverSixIsShrunkToAPowerOfTwoAmax) {
  const std::vector<uint32_t> shrunk = find_and_shrink(block_subject_by_name("planted_mxfp4_scale_from_amax_over_6"));
  ASSERT_EQ(shrunk.size(), 32u);
  const std::vector<uint32_t> values = nonzero(shrunk);
  ASSERT_GE(values.size(), 1u);
  EXPECT_LE(values.size(), 2u);
  uint32_t amax = 0;
  for (uint32_t v : values) {
    EXPECT_EQ(v & 0x80000000u, 0u) << std::hex << v << " is not positive";
    amax = std::max(amax, v);
  }
  EXPECT_LT(amax & 0x007fffffu, 0x00400000u) << std::hex << amax << ": significand not below 1.5";
}

// planted_bnb_fp4_cuda_port_as_ideal: the bitsandbytes CUDA port labelled as the ideal reference.
// Its differences are many (the kernel's `x < 0` gives -0 and flushed negative subnormals the code
// of +0 where the ideal keeps the sign; its decimal thresholds sit beside the exact midpoints):
// found, and shrunk to the amax 1 in slot 0 and few other values, all of them zeros, subnormals or
// values a few ulps from a bnb_fp4 midpoint.
TEST(PlantedBlockBug, CudaPortClaimingIdealIsFoundAndShrunk) {
  const BlockSubject& s = block_subject_by_name("planted_bnb_fp4_cuda_port_as_ideal");
  const std::vector<uint32_t> shrunk = find_and_shrink(s);
  ASSERT_EQ(shrunk.size(), 64u);
  EXPECT_EQ(shrunk[0], 0x3f800000u) << "the amax is not 1";
  const std::vector<uint32_t> midpoints = block_tie_grid(s.claims).midpoints;
  for (size_t i = 1; i < shrunk.size(); ++i) {
    const uint32_t x = shrunk[i];
    bool near_midpoint = false;
    for (uint32_t m : midpoints) near_midpoint |= x + 8 >= m && x <= m + 8;
    EXPECT_TRUE((x & 0x7f800000u) == 0 || near_midpoint) << "[" << i << "] 0x" << std::hex << x;
  }
}

}  // namespace
}  // namespace fpc
