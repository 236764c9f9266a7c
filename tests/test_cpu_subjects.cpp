// The "cpu_bits" subject (kernels/cpu/native_subjects.cpp) against the exact oracle.
//
// Ground truth is fpc::exact_reference(op.semantics), never the subject's own trick. The inputs
// are boundary-dense float32 codes for the bfloat16 rounding point: every exponent field (0-255,
// so subnormals, inf and NaN included) x kept-bit patterns with the kept lsb even and odd x
// round bit x sticky patterns (the exact ties and one float32 ulp either side of them), a few
// random significands per exponent, both signs, and specials (zeros, inf, NaN payloads that the
// rounding carry would turn into inf or into the next NaN, the overflow threshold).
#include "check/element/checker.hpp"

#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/semantics.hpp"
#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

using fpc::Format;
using fpc::SubjectOp;

const SubjectOp& cpu_bits_op(const std::string& name) {
  const fpc::Subject& s = fpc::subject_by_name("cpu_bits");
  for (const SubjectOp& op : s.ops)
    if (op.name == name) return op;
  throw std::runtime_error("cpu_bits has no op " + name);
}

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// float32 codes around every bfloat16 rounding point. bfloat16 keeps the top 7 of float32's 23
// fraction bits in every binade (its exponent range is float32's, subnormals included), so the
// round bit is bit 15 and bits 0-14 are sticky everywhere.
std::vector<uint64_t> bf16_boundary_inputs() {
  std::set<uint64_t> codes;
  uint64_t seed = 0xB16B00B5;
  const uint64_t kept_patterns[] = {0x00, 0x01, 0x02, 0x3F, 0x40, 0x41, 0x55, 0x2A, 0x7E, 0x7F};
  const uint64_t sticky_patterns[] = {0x0000, 0x0001, 0x0002, 0x2AAA, 0x5555, 0x4000, 0x7FFE, 0x7FFF};
  for (uint64_t field = 0; field <= 255; ++field) {
    auto add = [&](uint64_t fraction) {
      const uint64_t mag = (field << 23) | (fraction & 0x7FFFFF);
      codes.insert(mag);
      codes.insert(mag | 0x80000000u);
    };
    for (uint64_t kept : kept_patterns)
      for (uint64_t round = 0; round <= 1; ++round)
        for (uint64_t sticky : sticky_patterns) add((kept << 16) | (round << 15) | sticky);
    for (int i = 0; i < 8; ++i) add(splitmix(seed));
  }
  for (uint64_t special : {0x00000000u, 0x00000001u, 0x00007FFFu, 0x00008000u, 0x00008001u, 0x0000FFFFu,
                           0x007F8000u, 0x007FFFFFu, 0x00800000u, 0x7F7F7FFFu, 0x7F7F8000u, 0x7F7FFFFFu,
                           0x7F800000u, 0x7F800001u, 0x7F807FFFu, 0x7F808000u, 0x7F80FFFFu, 0x7FBFFFFFu,
                           0x7FC00000u, 0x7FFF8000u, 0x7FFFFFFFu}) {
    codes.insert(special);
    codes.insert(special | 0x80000000u);
  }
  return {codes.begin(), codes.end()};
}

TEST(CpuBitsSubject, ListedAvailableWithItsClaim) {
  const fpc::Subject& s = fpc::subject_by_name("cpu_bits");
  EXPECT_TRUE(s.available);
  EXPECT_FALSE(s.test_only);
  const SubjectOp& op = cpu_bits_op("float32_to_bfloat16_rne_bits");
  EXPECT_EQ(op.semantics.describe(), "convert float32->bfloat16 rne");
  EXPECT_FALSE(op.semantics.policy.saturate);
}

TEST(CpuBitsSubject, Bfloat16RneBitsEqualsTheOracleOnBoundaryDenseInputs) {
  const SubjectOp& op = cpu_bits_op("float32_to_bfloat16_rne_bits");
  const Format& out = *op.semantics.out;
  const std::vector<uint64_t> in = bf16_boundary_inputs();
  ASSERT_GT(in.size(), 40000u);
  std::vector<uint64_t> got(in.size()), want(in.size());
  const uint64_t* ptrs[1] = {in.data()};
  op.run(ptrs, got.data(), in.size());
  fpc::exact_reference(op.semantics)(ptrs, want.data(), in.size());
  size_t failures = 0, ties = 0, nans = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    ties += (in[i] & 0xFFFF) == 0x8000;
    const bool want_nan = fpc::decode(out, want[i]).cls == fpc::CodeClass::NaN;
    if (want_nan) {
      ++nans;
      // Any NaN matches (the checker's default); the trick also keeps the sign and quiets it.
      ASSERT_LE(got[i], out.code_mask()) << std::hex << in[i];
      EXPECT_EQ(fpc::decode(out, got[i]).cls, fpc::CodeClass::NaN) << std::hex << "in 0x" << in[i];
      EXPECT_EQ(got[i] >> 15, in[i] >> 31) << std::hex << "sign of NaN from 0x" << in[i];
      EXPECT_NE(got[i] & 0x40, 0u) << std::hex << "quiet bit of NaN from 0x" << in[i];
      continue;
    }
    if (got[i] != want[i] && ++failures <= 10)
      ADD_FAILURE() << std::hex << "float32 0x" << in[i] << ": oracle 0x" << want[i] << ", cpu_bits 0x" << got[i];
  }
  EXPECT_EQ(failures, 0u);
  EXPECT_GT(ties, 5000u);  // the exact midpoints really are in the sample
  EXPECT_GT(nans, 300u);  // field 255 with a non-zero fraction, both signs
}

// The conformance run on this subject: the boundary cases and a slice of the exhaustive sweep
// (an unaligned one, as a shard gets) pass, with no implementation-defined cases.
TEST(CpuBitsSubject, ConformanceChecksPass) {
  const SubjectOp& op = cpu_bits_op("float32_to_bfloat16_rne_bits");
  fpc::CheckOptions options;
  options.threads = 2;
  const fpc::CaseSource boundary = fpc::CaseSource::boundary(op.semantics);
  fpc::CheckOutcome b = fpc::run_check(op, boundary, 0, boundary.count(), options);
  EXPECT_EQ(b.error, "");
  EXPECT_EQ(b.cases, boundary.count());
  EXPECT_EQ(b.passed, b.cases);
  EXPECT_EQ(b.failed, 0u);
  const fpc::CaseSource exhaustive = fpc::CaseSource::exhaustive(op.semantics);
  const uint64_t begin = 0x7F7F0123, end = begin + (uint64_t{1} << 21);  // across the overflow threshold and inf
  fpc::CheckOutcome e = fpc::run_check(op, exhaustive, begin, end, options);
  EXPECT_EQ(e.error, "");
  EXPECT_EQ(e.cases, end - begin);
  EXPECT_EQ(e.passed, e.cases);
  EXPECT_EQ(e.failed, 0u);
  EXPECT_EQ(e.implementation_defined, 0u);
}

}  // namespace
