// The CUDA tensor-core dot subjects (kernels/cuda/mma_subjects.cpp): registered in every build,
// each op claiming a row of the model table for its input, its K values whole instructions, and,
// without their GPU, skipped with the reason. On a GPU (scripts/device-check.sh runs *Device*),
// the subject of the device's architecture must pass its claimed model.
#include "check/dot/dot_check.hpp"
#include "fpconform/dot_subject.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace fpc {
namespace {

// The K of one instruction by input type (PTX ISA: mma m16n8k16 / wgmma m64nNk16 for FP16 and
// BF16, k8 for TF32, k32 for E4M3/E5M2).
const std::map<std::string, size_t> kInstructionK = {
    {"float16_to_float32", 16}, {"bfloat16_to_float32", 16}, {"tf32_to_float32", 8},
    {"float8_e4m3fn_to_float32", 32}, {"float8_e5m2_to_float32", 32}};

const std::set<std::string> kCudaSubjects = {"cuda_mma_sm80",    "cuda_mma_sm89",     "cuda_mma_sm90",
                                             "cuda_mma_sm100",   "cuda_wgmma_sm90a",  "cublaslt_fp8_sm90",
                                             "cublaslt_fp8_fast_accum_sm90"};

TEST(CudaMma, EverySubjectIsListedWithAClaimOfTheModelTable) {
  std::set<std::string> seen;
  for (const DotSubject& s : dot_subjects()) {
    if (!kCudaSubjects.count(s.name)) continue;
    seen.insert(s.name);
    EXPECT_FALSE(s.test_only) << s.name;
    ASSERT_FALSE(s.ops.empty()) << s.name;
    for (const DotOp& op : s.ops) {
      SCOPED_TRACE(s.name + "/" + op.name);
      const DotSetup setup = dot_setup(op.claim);  // throws for a model or format the table lacks
      EXPECT_EQ(setup.model->name, op.claim.model);
      EXPECT_EQ(op.claim.output, "float32");
      ASSERT_TRUE(kInstructionK.count(op.name));
      for (size_t k : op.ks) EXPECT_EQ(k % kInstructionK.at(op.name), 0u) << "K = " << k;
      EXPECT_FALSE(op.entry.empty());
      EXPECT_TRUE(static_cast<bool>(op.run));
    }
  }
  EXPECT_EQ(seen, kCudaSubjects);
  // The claims are the GPUs' rows: the fp8 mma.sync of Ada and the wgmma of H100 keep 13 bits.
  EXPECT_EQ(dot_subject_by_name("cuda_mma_sm89").ops.at(3).claim.model, "ada-mma-fp8");
  EXPECT_EQ(dot_subject_by_name("cuda_wgmma_sm90a").ops.at(3).claim.model, "h100-wgmma-fp8");
}

TEST(CudaMma, WithoutTheirGpuTheyAreSkippedWithTheReason) {
  for (const std::string& name : kCudaSubjects) {
    const DotSubject& s = dot_subject_by_name(name);
    if (s.available) continue;  // a GPU of this architecture is here
    EXPECT_EQ(s.unavailable_reason.rfind("skipped: ", 0), 0u) << name << ": " << s.unavailable_reason;
    for (const DotOp& op : s.ops) EXPECT_THROW(op.run(DotBatch{}), std::exception) << name << " must not pretend to run";
  }
}

// On a GPU: the subject of the device's architecture reproduces its claimed model bit for bit.
TEST(CudaMmaDevice, TheDeviceSubjectsMatchTheirClaimedModels) {
  bool any = false;
  for (const std::string& name : kCudaSubjects) {
    const DotSubject& s = dot_subject_by_name(name);
    if (!s.available) continue;
    any = true;
    for (const DotOp& op : s.ops)
      for (const char* label : {"boundary", "random:256"}) {
        const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse(label), 7);
        DotCheckRecord r = dot_check_record(s.name, op, label, 7, cases, 0, 1);
        run_dot_check(r, cases, op_answers(op, cases), 4);
        EXPECT_EQ(r.status, "pass") << dot_status_line(r);
      }
  }
  if (!any) GTEST_SKIP() << "no CUDA device of an architecture the MMA subjects are built for";
}

}  // namespace
}  // namespace fpc
