// CUDA's vector entry points as subjects: half2/bfloat162 arithmetic and conversions, and the x2/x4
// classes of cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (kernels/cuda/lane_wrappers.cuh). Each op declares
// the semantics of one lane; a batch's cases are spread over every lane of the vectors
// (kernels/cuda/lane_spread.hpp), so that a swapped packing order or a lane computed from another
// lane's operands gives other cases' results.
//
// Against the oracle, through the checker, every host vector op is checked by the quick suite
// (tests/test_reports.cpp: every input of ≤ 16-bit domains, else boundary and 65536 random cases;
// bfloat16x2 max_nan/min_nan are its known failures) and, with the exact oracle on batches of
// 65536, by CudaHostSubject.EveryOtherUnaryOpMatchesTheOracle. Here: the ops are listed with their
// semantics; with their lanes in the reverse order they give other results on many cases, and the
// checker fails them — so the checks above would catch a swapped order in NVIDIA's code (or ours).
#include "check/element/checker.hpp"
#include "test_support.hpp"

#include "../kernels/cuda/lane_spread.hpp"
#include "fpconform/format.hpp"
#include "fpconform/semantics.hpp"
#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using fpc::CaseSource;
using fpc::CheckOutcome;
using fpc::MismatchClass;
using fpc::Subject;
using fpc::SubjectOp;

const SubjectOp& op_named(const Subject& s, const std::string& name) {
  for (const SubjectOp& op : s.ops)
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name + " in " + s.name);
}

struct VectorOp {
  std::string name;
  int lanes;
  bool host;  // the header has a host path
};

// Every vector op, named as docs/cuda.md lists them.
std::vector<VectorOp> vector_ops() {
  std::vector<VectorOp> ops;
  for (const std::string t : {"float16", "bfloat16"}) {
    for (const char* f : {"add", "sub", "mul", "div", "add_rn", "sub_rn", "mul_rn", "add_sat", "sub_sat", "mul_sat",
                          "max", "min", "max_nan", "min_nan", "abs"})
      ops.push_back({t + "x2_" + f, 2, true});
    for (const char* f : {"fma", "fma_sat", "fma_relu", "sqrt", "rcp"}) ops.push_back({t + "x2_" + f, 2, false});
    for (const std::string& f : {"float32x2_to_" + t + "x2_rn", "float32_pair_to_" + t + "x2_rn", t + "x2_to_float32x2",
                                t + "x2_low_high_to_float32"})
      ops.push_back({f, 2, true});
  }
  for (const std::string c : {"fp8_e4m3", "fp8_e5m2", "fp6_e2m3", "fp6_e3m2", "fp4_e2m1"}) {
    for (const char* f : {"x2_from_float32x2", "x2_from_float64x2", "x2_from_float16x2", "x2_from_bfloat16x2",
                          "x2_to_float32x2", "x2_to_float16x2"})
      ops.push_back({c + f, 2, true});
    for (const char* f : {"x4_from_float32x4", "x4_from_float64x4", "x4_from_float16x2_pair", "x4_from_bfloat16x2_pair",
                          "x4_to_float32x4"})
      ops.push_back({c + f, 4, true});
  }
  return ops;
}

TEST(CudaVectorOps, ListedWithTheSemanticsOfOneLane) {
  const Subject& host = fpc::subject_by_name("cuda_host");
  const Subject& device = fpc::subject_by_name("cuda_device");
  size_t host_ops = 0;
  for (const VectorOp& v : vector_ops()) {
    const SubjectOp& d = op_named(device, v.name);
    EXPECT_FALSE(d.entry.empty()) << v.name;
    if (!v.host) continue;
    ++host_ops;
    EXPECT_EQ(op_named(host, v.name).semantics.describe(), d.semantics.describe()) << v.name;
  }
  EXPECT_EQ(host_ops, 93u);         // 30 arithmetic, 8 conversions, 5 classes x 11
  EXPECT_EQ(vector_ops().size(), 103u);  // and 10 device-only arithmetic ops
  const std::pair<const char*, const char*> expected[] = {
      {"float16x2_add", "add float16->float16 rne"},
      {"bfloat16x2_div", "div bfloat16->bfloat16 rne"},
      {"float16x2_mul_sat", "mul_clamp01 float16->float16 rne"},
      {"bfloat16x2_max", "maximumNumber bfloat16->bfloat16 rne"},
      {"float16x2_min_nan", "minimum float16->float16 rne"},
      {"bfloat16x2_fma_relu", "fma_relu bfloat16->bfloat16 rne"},
      {"float32_pair_to_bfloat16x2_rn", "convert float32->bfloat16 rne"},
      {"float16x2_low_high_to_float32", "convert float16->float32 rne"},
      {"fp8_e4m3x2_from_float32x2", "convert float32->float8_e4m3fn rne sat"},
      {"fp8_e5m2x4_from_bfloat16x2_pair", "convert bfloat16->float8_e5m2 rne sat"},
      {"fp6_e3m2x2_to_float16x2", "convert float6_e3m2fn->float16 rne"},
      {"fp4_e2m1x4_from_float64x4", "convert float64->float4_e2m1fn rne sat"},
      {"fp4_e2m1x4_to_float32x4", "convert float4_e2m1fn->float32 rne"},
  };
  for (const auto& [name, describe] : expected) EXPECT_EQ(op_named(device, name).semantics.describe(), describe) << name;
  // As the headers document: FP8 constructors use __NV_SATFINITE (inf -> max), FP6/FP4 ones send NaN to +MAXNORM.
  EXPECT_EQ(op_named(device, "fp8_e4m3x2_from_float16x2").semantics.policy.inf_under_saturation,
            fpc::InfUnderSaturation::Max);
  EXPECT_EQ(op_named(device, "fp6_e2m3x4_from_float32x4").semantics.policy.nan_into_no_nan, fpc::NanIntoNoNan::PositiveMax);
  EXPECT_EQ(op_named(device, "fp8_e4m3x4_from_float32x4").semantics.policy.nan_into_no_nan, fpc::NanIntoNoNan::Unpinned);
}

TEST(CudaVectorOps, FpconformSubjectsListsThem) {
  const auto o = fpc::testing_support::cli({"subjects"});
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* name : {"float16x2_add", "bfloat16x2_abs", "fp8_e4m3x4_to_float32x4", "fp4_e2m1x2_from_float16x2"})
    EXPECT_NE(o.out.find(name), std::string::npos) << name;
}

#if defined(FPC_KERNELS_HAVE_CUDA_HOST)

// The op as it would behave with its lanes in the reverse order (lane l <-> lane N-1-l, e.g. the
// PTX operand order a -> high bits taken for the storage order): the cases of those lanes of every
// vector exchanged before the real op runs, which spreads the batch the same way (lane_spread.hpp),
// so each case gets the result computed from its partner's operands.
SubjectOp with_lanes_reversed(const SubjectOp& op, int lanes) {
  SubjectOp r = op;
  r.run = [run = op.run, lanes, arity = op.semantics.arity()](const uint64_t* const* in, uint64_t* out, size_t n) {
    const size_t q = fpc::cudaw::lane_vectors(n, lanes);
    std::vector<std::vector<uint64_t>> moved(static_cast<size_t>(arity));
    std::vector<const uint64_t*> ptrs(moved.size());
    for (size_t k = 0; k < moved.size(); ++k) {
      moved[k].assign(in[k], in[k] + n);
      for (size_t e = 0; e < q; ++e)
        for (int l = 0; l < lanes / 2; ++l) {
          const size_t i = fpc::cudaw::lane_case(e, l, q), j = fpc::cudaw::lane_case(e, lanes - 1 - l, q);
          if (i < n && j < n) std::swap(moved[k][i], moved[k][j]);
        }
      ptrs[k] = moved[k].data();
    }
    run(ptrs.data(), out, n);
  };
  return r;
}

CaseSource cases_for(const fpc::OpSemantics& s) {
  return s.in->bits() * s.arity() <= 16 ? CaseSource::exhaustive(s) : CaseSource::boundary(s);
}

bool is_nan(const fpc::Format& f, uint64_t code) {
  return code <= f.code_mask() && fpc::code_class(f, code) == fpc::CodeClass::NaN;
}

// How many of the cases get another result from `changed` than from `op`, both run in the
// checker's chunks (the quick suite's tests/test_reports.cpp run and the checks above prove `op`
// equal to the oracle on these cases, so these are the cases the checker would fail).
uint64_t cases_that_differ(const SubjectOp& op, const SubjectOp& changed, const CaseSource& cases) {
  std::vector<std::vector<uint64_t>> operands(static_cast<size_t>(cases.operand_arrays()),
                                              std::vector<uint64_t>(fpc::kCheckChunk));
  std::vector<uint64_t*> fill_ptrs;
  std::vector<const uint64_t*> run_ptrs;
  for (auto& o : operands) fill_ptrs.push_back(o.data()), run_ptrs.push_back(o.data());
  std::vector<uint64_t> a(fpc::kCheckChunk), b(fpc::kCheckChunk);
  uint64_t differ = 0;
  for (uint64_t first = 0; first < cases.count(); first += fpc::kCheckChunk) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(fpc::kCheckChunk, cases.count() - first));
    cases.fill(first, n, fill_ptrs.data());
    op.run(run_ptrs.data(), a.data(), n);
    changed.run(run_ptrs.data(), b.data(), n);
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i] && !(is_nan(*op.semantics.out, a[i]) && is_nan(*op.semantics.out, b[i]))) ++differ;
  }
  return differ;
}

// Every host vector op, with its lanes reversed, gives other results on many cases. The checker's
// chunks hold consecutive cases (a float16 sweep's chunk is one binade of one sign), so a vector's
// lanes often hold similar values that a narrow target rounds alike: the share varies from 0.5 %
// (float64 -> fp4 boundary cases) to 100 % (the widenings).
TEST(CudaHostVectorOps, AReversedLaneOrderChangesManyResults) {
  const Subject& host = fpc::subject_by_name("cuda_host");
  ASSERT_TRUE(host.available) << host.unavailable_reason;
  size_t checked = 0;
  for (const VectorOp& v : vector_ops()) {
    if (!v.host) continue;
    const SubjectOp& op = op_named(host, v.name);
    const CaseSource cases = cases_for(op.semantics);
    const uint64_t differ = cases_that_differ(op, with_lanes_reversed(op, v.lanes), cases);
    EXPECT_GE(differ, std::min<uint64_t>(cases.count(), 100)) << v.name << " with its lanes reversed, " << cases.label();
    ++checked;
  }
  EXPECT_EQ(checked, 93u);
}

CheckOutcome check(const SubjectOp& op, const CaseSource& cases) {
  fpc::CheckOptions options;
  options.threads = 2;
  return fpc::run_check(op, cases, 0, cases.count(), options);
}

// Through the checker: the real op passes, the reversed one fails on exactly the cases whose
// result changed — a half2 sum, an fp8x2 widening and an fp4x4 packing.
TEST(CudaHostVectorOps, TheCheckerFailsAReversedLaneOrder) {
  const Subject& host = fpc::subject_by_name("cuda_host");
  ASSERT_TRUE(host.available) << host.unavailable_reason;
  for (const auto& [name, lanes] : std::vector<std::pair<std::string, int>>{
           {"float16x2_add", 2}, {"fp8_e4m3x2_to_float16x2", 2}, {"fp4_e2m1x4_from_float32x4", 4}}) {
    const SubjectOp& op = op_named(host, name);
    const SubjectOp reversed = with_lanes_reversed(op, lanes);
    const CaseSource cases = cases_for(op.semantics);
    const CheckOutcome good = check(op, cases);
    EXPECT_EQ(good.error, "") << name;
    EXPECT_EQ(good.failed, 0u) << name;
    const CheckOutcome bad = check(reversed, cases);
    EXPECT_EQ(bad.error, "") << name;
    EXPECT_EQ(bad.failed, cases_that_differ(op, reversed, cases)) << name;
    EXPECT_GT(bad.failed, 100u) << name;
    EXPECT_FALSE(bad.examples.empty()) << name;
  }
}

// CUDA 13.0's bfloat16 __hmax2_nan/__hmin2_nan host path calls the scalar __hmax_nan/__hmin_nan
// per lane and inherits their signed-zero deviation (docs/cuda.md, finding 1): max(-0, +0) = -0
// and min(+0, -0) = +0, in either lane; nothing else differs from the oracle on the boundary set.
TEST(CudaHostVectorOps, Bfloat162MaxMinNanInheritTheSignedZeroDeviation) {
  const Subject& host = fpc::subject_by_name("cuda_host");
  for (const std::string name : {"bfloat16x2_max_nan", "bfloat16x2_min_nan"}) {
    const SubjectOp& op = op_named(host, name);
    const CheckOutcome o = check(op, CaseSource::boundary(op.semantics));
    EXPECT_GT(o.failed, 0u) << name << ": the CUDA 13.0 host-path deviation is gone";
    EXPECT_EQ(o.failed, o.failed_by_class[static_cast<size_t>(MismatchClass::SignedZero)]) << name;
    const uint64_t first = name == "bfloat16x2_max_nan" ? 0x8000 : 0x0000;  // the operand returned
    for (const fpc::Counterexample& e : o.examples) {
      EXPECT_EQ(e.inputs, (std::vector<uint64_t>{first, first ^ 0x8000})) << name;
      EXPECT_EQ(e.actual, first) << name;
    }
  }
}

#endif  // FPC_KERNELS_HAVE_CUDA_HOST

}  // namespace
