// The CUDA tensor-core dot subjects (kernels/cuda/mma_subjects.cpp): registered in every build,
// each op claiming a row of the model table for its input, its K values whole instructions, and,
// without their GPU, skipped with the reason. On a GPU (scripts/device-check.sh runs *Device*),
// the subject of the device's architecture must pass its claimed model.
#include "check/dot/dot_check.hpp"
#include "fpconform/dot_subject.hpp"

#if defined(FPC_KERNELS_HAVE_CUDA_MMA)
#include "cuda/mma_runner.h"
#endif

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace fpc {
namespace {

// The K of one instruction by input type (PTX ISA: mma m16n8k16 / wgmma m64nNk16 for FP16 and
// BF16, k8 for TF32, k32 for E4M3/E5M2; tcgen05.mma: k32 for kind::f8f6f4 and mxf8f6f4 (FP6,
// FP4 too), k64 for kind::mxf4nvf4).
const std::map<std::string, size_t> kInstructionK = {
    {"float16_to_float32", 16}, {"bfloat16_to_float32", 16}, {"tf32_to_float32", 8},
    {"float8_e4m3fn_to_float32", 32}, {"float8_e5m2_to_float32", 32}, {"float6_e2m3fn_to_float32", 32},
    {"float6_e3m2fn_to_float32", 32}, {"float4_e2m1fn_to_float32", 32},
    {"mxf8f6f4_float8_e4m3fn_to_float32", 32}, {"mxf8f6f4_float8_e5m2_to_float32", 32},
    {"mxf8f6f4_float6_e2m3fn_to_float32", 32}, {"mxf8f6f4_float6_e3m2fn_to_float32", 32},
    {"mxf8f6f4_float4_e2m1fn_to_float32", 32}, {"mxfp4_e8m0_block32_to_float32", 64},
    {"mxfp4_e8m0_block16_to_float32", 64}, {"nvfp4_ue4m3_block16_to_float32", 64}, {"float16_to_float16", 16},
    {"float8_e4m3fn_to_float16", 32}, {"float8_e5m2_to_float16", 32}, {"float6_e2m3fn_to_float16", 32},
    {"float6_e3m2fn_to_float16", 32}, {"float4_e2m1fn_to_float16", 32}};

const std::set<std::string> kCudaSubjects = {"cuda_mma_sm80",    "cuda_mma_sm89",     "cuda_mma_sm90",
                                             "cuda_mma_sm100",   "cuda_wgmma_sm90a",  "cublaslt_fp8_sm90",
                                             "cublaslt_fp8_fast_accum_sm90", "cuda_tcgen05_sm100a"};

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
      // FP32 D; tcgen05 also FP16 D where the instruction has it (its *_to_float16 ops).
      EXPECT_TRUE(op.claim.output == "float32" || (s.name == "cuda_tcgen05_sm100a" && op.claim.output == "float16"))
          << op.claim.output;
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

// tcgen05 (B200): each kind claims its row of the table (docs/mma.md), the block-scaled ones the
// scale rule of their instruction form (PTX ISA Table 57: mxf8f6f4 UE8M0 per 32; mxf4nvf4 UE8M0
// per 32 (scale_vec::2X) or per 16 (4X), UE4M3 per 16 (4X)), and that rule is one of the row's.
TEST(CudaMma, Tcgen05OpsClaimTheB200RowsAndTheirScaleRules) {
  struct Want {
    const char* model;
    const char* input;
    const char* scale_format;  // nullptr: not block-scaled
    int block;
    const char* output = "float32";
  };
  const std::map<std::string, Want> want = {
      {"float16_to_float32", {"b200", "float16", nullptr, 0}},
      {"bfloat16_to_float32", {"b200", "bfloat16", nullptr, 0}},
      {"tf32_to_float32", {"b200", "float32", nullptr, 0}},
      {"float8_e4m3fn_to_float32", {"b200-f8f6f4", "float8_e4m3fn", nullptr, 0}},
      {"float8_e5m2_to_float32", {"b200-f8f6f4", "float8_e5m2", nullptr, 0}},
      {"float6_e2m3fn_to_float32", {"b200-f8f6f4", "float6_e2m3fn", nullptr, 0}},
      {"float6_e3m2fn_to_float32", {"b200-f8f6f4", "float6_e3m2fn", nullptr, 0}},
      {"float4_e2m1fn_to_float32", {"b200-f8f6f4", "float4_e2m1fn", nullptr, 0}},
      {"mxf8f6f4_float8_e4m3fn_to_float32", {"b200-mxf8f6f4", "float8_e4m3fn", "float8_e8m0fnu", 32}},
      {"mxf8f6f4_float8_e5m2_to_float32", {"b200-mxf8f6f4", "float8_e5m2", "float8_e8m0fnu", 32}},
      {"mxf8f6f4_float6_e2m3fn_to_float32", {"b200-mxf8f6f4", "float6_e2m3fn", "float8_e8m0fnu", 32}},
      {"mxf8f6f4_float6_e3m2fn_to_float32", {"b200-mxf8f6f4", "float6_e3m2fn", "float8_e8m0fnu", 32}},
      {"mxf8f6f4_float4_e2m1fn_to_float32", {"b200-mxf8f6f4", "float4_e2m1fn", "float8_e8m0fnu", 32}},
      {"mxfp4_e8m0_block32_to_float32", {"b200-mxf4nvf4", "float4_e2m1fn", "float8_e8m0fnu", 32}},
      {"mxfp4_e8m0_block16_to_float32", {"b200-mxf4nvf4", "float4_e2m1fn", "float8_e8m0fnu", 16}},
      {"nvfp4_ue4m3_block16_to_float32", {"b200-mxf4nvf4", "float4_e2m1fn", "float8_e4m3fn", 16}},
      // FP16 D: kind::f16 with f16 inputs and kind::f8f6f4 (PTX ISA Table 39), the rows' FP16 outputs.
      {"float16_to_float16", {"b200", "float16", nullptr, 0, "float16"}},
      {"float8_e4m3fn_to_float16", {"b200-f8f6f4", "float8_e4m3fn", nullptr, 0, "float16"}},
      {"float8_e5m2_to_float16", {"b200-f8f6f4", "float8_e5m2", nullptr, 0, "float16"}},
      {"float6_e2m3fn_to_float16", {"b200-f8f6f4", "float6_e2m3fn", nullptr, 0, "float16"}},
      {"float6_e3m2fn_to_float16", {"b200-f8f6f4", "float6_e3m2fn", nullptr, 0, "float16"}},
      {"float4_e2m1fn_to_float16", {"b200-f8f6f4", "float4_e2m1fn", nullptr, 0, "float16"}}};
  const DotSubject& s = dot_subject_by_name("cuda_tcgen05_sm100a");
  std::set<std::string> seen;
  for (const DotOp& op : s.ops) {
    SCOPED_TRACE(op.name);
    ASSERT_TRUE(want.count(op.name));
    seen.insert(op.name);
    const Want& w = want.at(op.name);
    EXPECT_EQ(op.claim.model, w.model);
    EXPECT_EQ(op.claim.input, w.input);
    EXPECT_EQ(op.claim.output, w.output);
    EXPECT_EQ(op.entry.rfind("tcgen05.mma.cta_group::1.kind::", 0), 0u) << op.entry;
    const DotModel& row = dot_model(op.claim.model, op.claim.input, op.claim.output);
    if (w.scale_format == nullptr) {
      EXPECT_FALSE(op.claim.scales.has_value());
      EXPECT_TRUE(row.block_scales.empty());
      continue;
    }
    ASSERT_TRUE(op.claim.scales.has_value());
    EXPECT_EQ(op.claim.scales->format, w.scale_format);
    EXPECT_EQ(op.claim.scales->block, w.block);
    bool in_row = false;
    for (const BlockScaleRule& rule : row.block_scales)
      in_row = in_row || (rule.format == op.claim.scales->format && rule.block == op.claim.scales->block);
    EXPECT_TRUE(in_row) << "the claimed rule is not one of " << row.name << "'s block_scales";
    for (size_t k : op.ks) EXPECT_EQ(k % static_cast<size_t>(w.block), 0u) << "K = " << k;
  }
  EXPECT_EQ(seen.size(), want.size());
}

TEST(CudaMma, Tcgen05WithoutAB200SaysWhy) {
  const DotSubject& s = dot_subject_by_name("cuda_tcgen05_sm100a");
  if (s.available) GTEST_SKIP() << "a B200 is here: the subject runs";
  EXPECT_EQ(s.unavailable_reason.rfind("skipped: ", 0), 0u) << s.unavailable_reason;
#if defined(FPC_KERNELS_HAVE_TCGEN05_SM100A)
  // Built with sm_100a code: the reason is the device, never the build.
  EXPECT_EQ(s.unavailable_reason.find("built without"), std::string::npos) << s.unavailable_reason;
#endif
  // A block-scaled op's batch without scales would be refused too; without a B200 every op throws.
  for (const DotOp& op : s.ops) EXPECT_THROW(op.run(DotBatch{}), std::exception) << op.name;
}

#if defined(FPC_KERNELS_HAVE_CUDA_MMA)
// The instruction descriptors, bit by bit from the PTX ISA (9.7.16.4.2, Tables 42-44), worked by
// hand for M = N = 128, FP32 D, dense, K-major A and B, scale factor IDs 0:
//   Table 42: dtype F32 = 1 << 4; atype << 7, btype << 10; N >> 3 = 16 << 17 = 0x200000;
//             M >> 4 = 8 << 24 = 0x8000000.
//   Tables 43/44: scale type (UE8M0 = 1) << 23 = 0x800000; M >> 7 = 1 << 27 = 0x8000000.
//   FP16 D (Table 39: kind::f16 with f16 inputs, kind::f8f6f4): dtype F16 = 0.
TEST(CudaMma, Tcgen05InstructionDescriptorsFollowThePtxTables) {
  using cuda_mma::Tcgen05Input;
  using cuda_mma::Tcgen05Kind;
  using cuda_mma::Tcgen05Scales;
  const auto desc = [](Tcgen05Kind kind, Tcgen05Input in, Tcgen05Scales scales, bool f16_out = false) {
    return cuda_mma::tcgen05_instruction_descriptor(kind, in, scales, f16_out);
  };
  EXPECT_EQ(desc(Tcgen05Kind::F16, Tcgen05Input::Float16, Tcgen05Scales::None), 0x08200010u);
  EXPECT_EQ(desc(Tcgen05Kind::F16, Tcgen05Input::BFloat16, Tcgen05Scales::None), 0x08200490u);  // BF16 = 1
  EXPECT_EQ(desc(Tcgen05Kind::Tf32, Tcgen05Input::Tf32, Tcgen05Scales::None), 0x08200910u);      // TF32 = 2
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E4M3, Tcgen05Scales::None), 0x08200010u);    // E4M3 = 0
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E5M2, Tcgen05Scales::None), 0x08200490u);    // E5M2 = 1
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E2M3, Tcgen05Scales::None), 0x08200d90u);    // E2M3 = 3
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E3M2, Tcgen05Scales::None), 0x08201210u);    // E3M2 = 4
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E2M1, Tcgen05Scales::None), 0x08201690u);    // E2M1 = 5
  EXPECT_EQ(desc(Tcgen05Kind::MxF8F6F4, Tcgen05Input::E4M3, Tcgen05Scales::E8M0Block32), 0x08a00000u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF8F6F4, Tcgen05Input::E2M1, Tcgen05Scales::E8M0Block32), 0x08a01680u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, Tcgen05Scales::E8M0Block32), 0x08a00480u);  // E2M1 = 1
  EXPECT_EQ(desc(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, Tcgen05Scales::E8M0Block16), 0x08a00480u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, Tcgen05Scales::UE4M3Block16), 0x08200480u);  // UE4M3 = 0
  // FP16 D: dtype F16 = 0 (bit 4 clear).
  EXPECT_EQ(desc(Tcgen05Kind::F16, Tcgen05Input::Float16, Tcgen05Scales::None, true), 0x08200000u);
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E5M2, Tcgen05Scales::None, true), 0x08200480u);
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E2M1, Tcgen05Scales::None, true), 0x08201680u);
  // Combinations the instruction does not have.
  EXPECT_EQ(desc(Tcgen05Kind::F16, Tcgen05Input::BFloat16, Tcgen05Scales::None, true), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::Tf32, Tcgen05Input::Tf32, Tcgen05Scales::None, true), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF8F6F4, Tcgen05Input::E4M3, Tcgen05Scales::E8M0Block32, true), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::F16, Tcgen05Input::E4M3, Tcgen05Scales::None), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::F8F6F4, Tcgen05Input::E4M3, Tcgen05Scales::E8M0Block32), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF8F6F4, Tcgen05Input::E4M3, Tcgen05Scales::UE4M3Block16), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, Tcgen05Scales::None), 0u);
  EXPECT_EQ(desc(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E4M3, Tcgen05Scales::E8M0Block32), 0u);
}

// The shared-memory packing of one 16-byte chunk, worked by hand from the layout docs/mma.md
// states (PTX ISA 9.7.16.10.4: f8f6f4/mxf8f6f4 FP6 and FP4 16 to a chunk with padding, mxf4nvf4
// FP4 two per byte; the first element in the low bits).
TEST(CudaMma, Tcgen05PacksSubByteOperandsAsTheInstructionReadsThem) {
  using cuda_mma::Tcgen05Input;
  using cuda_mma::Tcgen05Kind;
  uint32_t w[4];
  uint8_t fp6[16] = {};
  fp6[0] = 0x3f;
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::F8F6F4, Tcgen05Input::E2M3, fp6, w), 16);
  EXPECT_EQ(w[0], 0x3fu);
  EXPECT_EQ(w[1] | w[2] | w[3], 0u);
  fp6[0] = 0;
  fp6[5] = 0x3f;   // bits 30..35: straddles the first two words
  fp6[15] = 0x2a;  // bits 90..95: the top of the 12 packed bytes; bytes 12..15 stay zero
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::MxF8F6F4, Tcgen05Input::E3M2, fp6, w), 16);
  EXPECT_EQ(w[0], 0xc0000000u);
  EXPECT_EQ(w[1], 0x0000000fu);
  EXPECT_EQ(w[2], 0xa8000000u);
  EXPECT_EQ(w[3], 0u);
  uint8_t fp4[32];
  for (int i = 0; i < 32; ++i) fp4[i] = static_cast<uint8_t>(i % 16);
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::F8F6F4, Tcgen05Input::E2M1, fp4, w), 16);  // 8 bytes + 8 padding
  EXPECT_EQ(w[0], 0x76543210u);
  EXPECT_EQ(w[1], 0xfedcba98u);
  EXPECT_EQ(w[2] | w[3], 0u);
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, fp4, w), 32);  // no padding
  EXPECT_EQ(w[0], 0x76543210u);
  EXPECT_EQ(w[1], 0xfedcba98u);
  EXPECT_EQ(w[2], 0x76543210u);
  EXPECT_EQ(w[3], 0xfedcba98u);
  uint8_t fp8[16];
  for (int i = 0; i < 16; ++i) fp8[i] = static_cast<uint8_t>(0x80 + i);
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::F8F6F4, Tcgen05Input::E5M2, fp8, w), 16);
  EXPECT_EQ(w[0], 0x83828180u);
  EXPECT_EQ(w[3], 0x8f8e8d8cu);
  const uint16_t fp16[8] = {0x3c00, 0x4000, 0, 0, 0, 0, 0, 0xc000};
  EXPECT_EQ(cuda_mma::tcgen05_pack_chunk(Tcgen05Kind::F16, Tcgen05Input::Float16, fp16, w), 8);
  EXPECT_EQ(w[0], 0x40003c00u);
  EXPECT_EQ(w[3], 0xc0000000u);
}

// The runner refuses what the instruction cannot do before it looks for a device.
TEST(CudaMma, Tcgen05RunnerRefusesBadShapesAndMissingScales) {
  using namespace cuda_mma;
  const uint16_t a[16] = {}, b[16] = {};
  const uint8_t codes[64] = {};
  const uint32_t c[1] = {};
  uint32_t d[1] = {0xdeadbeef};
  char err[256] = {};
  EXPECT_NE(run_tcgen05(Tcgen05Kind::F16, Tcgen05Input::Float16, a, b, nullptr, nullptr, Tcgen05Scales::None, false, c, d, 1, 8,
                        err, sizeof err),
            0);
  EXPECT_NE(std::string(err).find("not a multiple of the instruction's k = 16"), std::string::npos) << err;
  EXPECT_NE(run_tcgen05(Tcgen05Kind::MxF4NvF4, Tcgen05Input::E2M1, codes, codes, nullptr, nullptr, Tcgen05Scales::UE4M3Block16,
                        false, c, d, 1, 64, err, sizeof err),
            0);
  EXPECT_NE(std::string(err).find("needs the scales"), std::string::npos) << err;
  EXPECT_NE(run_tcgen05(Tcgen05Kind::F16, Tcgen05Input::BFloat16, a, b, nullptr, nullptr, Tcgen05Scales::None, true, c, d, 1, 16,
                        err, sizeof err),
            0);  // no FP16 D for bf16 inputs
  EXPECT_NE(std::string(err).find("does not take"), std::string::npos) << err;
  EXPECT_EQ(d[0], 0xdeadbeefu);
}
#endif

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
