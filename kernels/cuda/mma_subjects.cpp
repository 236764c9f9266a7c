// The CUDA tensor-core dot subjects (fpconform/dot_subject.hpp): mma.sync for sm_80 / sm_89 /
// sm_90 / sm_100, wgmma for sm_90a, tcgen05 for sm_100a and the cuBLASLt FP8 GEMM with fast
// accumulation on and off (kernels in mma_sync_runner.cu, wgmma_runner.cu, tcgen05_runner.cu,
// cublaslt_runner.cpp). One subject per
// (instruction, GPU): each claims the model rows of its GPU (the rows live in the model table,
// oracle/src/dot_models.cpp; here only their names), and is available only on a device of its
// compute capability; elsewhere it is listed, and its checks skipped, with the reason.
#include "fpconform/dot_subject.hpp"

#if defined(FPC_HAVE_CUDA_MMA)
#include "mma_runner.h"
#endif

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace fpc {

namespace {

// One input type of an MMA subject: the format of A and B codes, the kernel's type and the K
// values checked (multiples of the instruction's k).
struct MmaType {
  const char* input;  // canonical format name of the codes (float32 for TF32: FP32 codes read as TF32)
  const char* type;   // op name prefix
  int kernel;         // cuda_mma::MmaInput (tcgen05: cuda_mma::Tcgen05Input)
  std::vector<size_t> ks;
  // tcgen05 only: the instruction (after "tcgen05.mma.cta_group::1."), cuda_mma::Tcgen05Kind and
  // cuda_mma::Tcgen05Scales, and the block-scale rule the op claims (one of its row's block_scales).
  const char* instruction = nullptr;
  int kind = 0, scale_vectors = 0;
  std::optional<BlockScaleRule> scales = {};
  const char* output = "float32";  // of C and D
};
const MmaType kFloat16{"float16", "float16", 0, {16, 32, 64}};
const MmaType kBFloat16{"bfloat16", "bfloat16", 1, {16, 32, 64}};
const MmaType kTf32{"float32", "tf32", 2, {8, 16, 32}};
const MmaType kE4M3{"float8_e4m3fn", "float8_e4m3fn", 3, {32, 64, 128}};
const MmaType kE5M2{"float8_e5m2", "float8_e5m2", 4, {32, 64, 128}};

// tcgen05.mma (sm_100a), M = N = 128; K values are whole instructions (k16, k8, k32, k64). FP6 and
// FP4 codes are handed over one per byte; the runner packs them as each kind reads them.
const std::vector<size_t> kTcK16 = {16, 32, 64}, kTcK8 = {8, 16, 32}, kTcK32 = {32, 64, 128}, kTcK64 = {64, 128, 256};
const BlockScaleRule kE8M0Block32{"float8_e8m0fnu", 32}, kE8M0Block16{"float8_e8m0fnu", 16},
    kUE4M3Block16{"float8_e4m3fn", 16};
const MmaType kTcFloat16{"float16", "float16", 0, kTcK16, "kind::f16 (f16 x f16 -> f32)", 0};
const MmaType kTcBFloat16{"bfloat16", "bfloat16", 1, kTcK16, "kind::f16 (bf16 x bf16 -> f32)", 0};
const MmaType kTcTf32{"float32", "tf32", 2, kTcK8, "kind::tf32 (tf32 x tf32 -> f32)", 1};
const MmaType kTcE4M3{"float8_e4m3fn", "float8_e4m3fn", 3, kTcK32, "kind::f8f6f4 (e4m3 x e4m3 -> f32)", 2};
const MmaType kTcE5M2{"float8_e5m2", "float8_e5m2", 4, kTcK32, "kind::f8f6f4 (e5m2 x e5m2 -> f32)", 2};
const MmaType kTcE2M3{"float6_e2m3fn", "float6_e2m3fn", 5, kTcK32, "kind::f8f6f4 (e2m3 x e2m3 -> f32)", 2};
const MmaType kTcE3M2{"float6_e3m2fn", "float6_e3m2fn", 6, kTcK32, "kind::f8f6f4 (e3m2 x e3m2 -> f32)", 2};
const MmaType kTcE2M1{"float4_e2m1fn", "float4_e2m1fn", 7, kTcK32, "kind::f8f6f4 (e2m1 x e2m1 -> f32)", 2};
// FP16 D (Table 39: kind::f16 with f16 inputs, kind::f8f6f4): the rows' FP16 outputs (rne).
const MmaType kTcFloat16F16{"float16", "float16", 0, kTcK16, "kind::f16 (f16 x f16 -> f16)", 0, 0, {}, "float16"};
const MmaType kTcE4M3F16{"float8_e4m3fn", "float8_e4m3fn", 3, kTcK32, "kind::f8f6f4 (e4m3 x e4m3 -> f16)", 2, 0, {}, "float16"};
const MmaType kTcE5M2F16{"float8_e5m2", "float8_e5m2", 4, kTcK32, "kind::f8f6f4 (e5m2 x e5m2 -> f16)", 2, 0, {}, "float16"};
const MmaType kTcE2M3F16{"float6_e2m3fn", "float6_e2m3fn", 5, kTcK32, "kind::f8f6f4 (e2m3 x e2m3 -> f16)", 2, 0, {}, "float16"};
const MmaType kTcE3M2F16{"float6_e3m2fn", "float6_e3m2fn", 6, kTcK32, "kind::f8f6f4 (e3m2 x e3m2 -> f16)", 2, 0, {}, "float16"};
const MmaType kTcE2M1F16{"float4_e2m1fn", "float4_e2m1fn", 7, kTcK32, "kind::f8f6f4 (e2m1 x e2m1 -> f16)", 2, 0, {}, "float16"};
const MmaType kMxE4M3{"float8_e4m3fn", "mxf8f6f4_float8_e4m3fn", 3, kTcK32,
                      "kind::mxf8f6f4.block_scale.scale_vec::1X (e4m3, ue8m0 per 32)", 3, 1, kE8M0Block32};
const MmaType kMxE5M2{"float8_e5m2", "mxf8f6f4_float8_e5m2", 4, kTcK32,
                      "kind::mxf8f6f4.block_scale.scale_vec::1X (e5m2, ue8m0 per 32)", 3, 1, kE8M0Block32};
const MmaType kMxE2M3{"float6_e2m3fn", "mxf8f6f4_float6_e2m3fn", 5, kTcK32,
                      "kind::mxf8f6f4.block_scale.scale_vec::1X (e2m3, ue8m0 per 32)", 3, 1, kE8M0Block32};
const MmaType kMxE3M2{"float6_e3m2fn", "mxf8f6f4_float6_e3m2fn", 6, kTcK32,
                      "kind::mxf8f6f4.block_scale.scale_vec::1X (e3m2, ue8m0 per 32)", 3, 1, kE8M0Block32};
const MmaType kMxE2M1{"float4_e2m1fn", "mxf8f6f4_float4_e2m1fn", 7, kTcK32,
                      "kind::mxf8f6f4.block_scale.scale_vec::1X (e2m1, ue8m0 per 32)", 3, 1, kE8M0Block32};
const MmaType kMxFp4Block32{"float4_e2m1fn", "mxfp4_e8m0_block32", 7, kTcK64,
                            "kind::mxf4nvf4.block_scale.scale_vec::2X (e2m1, ue8m0 per 32)", 4, 1, kE8M0Block32};
const MmaType kMxFp4Block16{"float4_e2m1fn", "mxfp4_e8m0_block16", 7, kTcK64,
                            "kind::mxf4nvf4.block_scale.scale_vec::4X (e2m1, ue8m0 per 16)", 4, 2, kE8M0Block16};
const MmaType kNvFp4{"float4_e2m1fn", "nvfp4_ue4m3_block16", 7, kTcK64,
                     "kind::mxf4nvf4.block_scale.scale_vec::4X (e2m1, ue4m3 per 16)", 4, 3, kUE4M3Block16};

enum class Runner { MmaSync, Wgmma, Tcgen05, CublasLt, CublasLtFastAccum };

struct MmaSubjectRow {
  const char* name;
  Runner runner;
  int arch;            // compute capability major * 10 + minor the subject runs on
  const char* gpu;     // for messages
  const char* entry;   // the instruction or call, with %s for the type
  // (type, claimed model) pairs
  std::vector<std::pair<const MmaType*, const char*>> ops;
  GemmOptions gemm = {};
  const char* note = "";
};

// The subjects. The claimed model of each op is the table's row for that GPU and instruction.
std::vector<MmaSubjectRow> subject_rows() {
  return {
      {"cuda_mma_sm80", Runner::MmaSync, 80, "NVIDIA A100", "mma.sync.aligned.m16n8k*.row.col.f32.%s.%s.f32",
       {{&kFloat16, "a100"}, {&kBFloat16, "a100"}, {&kTf32, "a100"}}},
      {"cuda_mma_sm89", Runner::MmaSync, 89, "NVIDIA Ada (L4, L40, RTX 40xx)", "mma.sync.aligned.m16n8k*.row.col.f32.%s.%s.f32",
       {{&kFloat16, "ada"}, {&kBFloat16, "ada"}, {&kTf32, "ada"}, {&kE4M3, "ada-mma-fp8"}, {&kE5M2, "ada-mma-fp8"}}},
      {"cuda_mma_sm90", Runner::MmaSync, 90, "NVIDIA H100/H200", "mma.sync.aligned.m16n8k*.row.col.f32.%s.%s.f32",
       {{&kFloat16, "h100"}, {&kBFloat16, "h100"}, {&kTf32, "h100"}, {&kE4M3, "h100-mma-fp8"}, {&kE5M2, "h100-mma-fp8"}}},
      {"cuda_mma_sm100", Runner::MmaSync, 100, "NVIDIA B200", "mma.sync.aligned.m16n8k*.row.col.f32.%s.%s.f32",
       {{&kFloat16, "b200"}, {&kBFloat16, "b200"}, {&kTf32, "b200"}, {&kE4M3, "b200-fp8"}, {&kE5M2, "b200-fp8"}}},
      {"cuda_wgmma_sm90a", Runner::Wgmma, 90, "NVIDIA H100/H200", "wgmma.mma_async.sync.aligned.m64n8k*.f32.%s.%s",
       {{&kFloat16, "h100"}, {&kBFloat16, "h100"}, {&kTf32, "h100"}, {&kE4M3, "h100-wgmma-fp8"}, {&kE5M2, "h100-wgmma-fp8"}}},
      // kind::f16 is MMA-Sim's one fused step of the instruction's 16 products with F = 25: the
      // measured b200 row (L = 16). kind::tf32: MMA-Sim fuses the instruction's 8 products in one
      // step, the b200 row (Khattak & Mikaitis, measured at K = 4 only) chains steps of 4; the two
      // agree on every measured dot, and the claim is the table's row (docs/mma.md).
      {"cuda_tcgen05_sm100a", Runner::Tcgen05, 100, "NVIDIA B200", "tcgen05.mma.cta_group::1.%s",
       {{&kTcFloat16, "b200"}, {&kTcBFloat16, "b200"}, {&kTcTf32, "b200"},
        {&kTcE4M3, "b200-f8f6f4"}, {&kTcE5M2, "b200-f8f6f4"}, {&kTcE2M3, "b200-f8f6f4"}, {&kTcE3M2, "b200-f8f6f4"},
        {&kTcE2M1, "b200-f8f6f4"}, {&kTcFloat16F16, "b200"}, {&kTcE4M3F16, "b200-f8f6f4"}, {&kTcE5M2F16, "b200-f8f6f4"},
        {&kTcE2M3F16, "b200-f8f6f4"}, {&kTcE3M2F16, "b200-f8f6f4"}, {&kTcE2M1F16, "b200-f8f6f4"},
        {&kMxE4M3, "b200-mxf8f6f4"}, {&kMxE5M2, "b200-mxf8f6f4"}, {&kMxE2M3, "b200-mxf8f6f4"},
        {&kMxE3M2, "b200-mxf8f6f4"}, {&kMxE2M1, "b200-mxf8f6f4"},
        {&kMxFp4Block32, "b200-mxf4nvf4"}, {&kMxFp4Block16, "b200-mxf4nvf4"}, {&kNvFp4, "b200-mxf4nvf4"}}},
      // cuBLASLt adds C in its epilogue (D = A.B + C with one FP32 rounding), after the tensor-core
      // sum from zero: promotion every 512 (every K checked) is that. Without fast accumulation the
      // claim is a promotion into FP32 every 128 products (CUTLASS/DeepSeek-V3's interval): the
      // library does not document its interval, and a failing check's diagnosis names the one it has.
      {"cublaslt_fp8_fast_accum_sm90", Runner::CublasLtFastAccum, 90, "NVIDIA H100/H200",
       "cublasLtMatmul %s x %s -> f32, CUBLASLT_MATMUL_DESC_FAST_ACCUM = 1",
       {{&kE4M3, "h100-wgmma-fp8"}, {&kE5M2, "h100-wgmma-fp8"}}, {512, 1}, "fast accumulation on"},
      {"cublaslt_fp8_sm90", Runner::CublasLt, 90, "NVIDIA H100/H200",
       "cublasLtMatmul %s x %s -> f32, CUBLASLT_MATMUL_DESC_FAST_ACCUM = 0",
       {{&kE4M3, "h100-wgmma-fp8"}, {&kE5M2, "h100-wgmma-fp8"}}, {128, 1}, "fast accumulation off"},
  };
}

const std::vector<size_t> kCublasLtKs = {32, 128, 512};

std::string entry_of(const MmaSubjectRow& row, const MmaType& type) {
  std::string e = row.entry;
  if (row.runner == Runner::Tcgen05) return e.replace(e.find("%s"), 2, type.instruction);
  const char* ptx_type = type.kernel == 2 ? "tf32" : type.kernel == 3 ? "e4m3" : type.kernel == 4 ? "e5m2" :
                         type.kernel == 1 ? "bf16" : "f16";
  for (int i = 0; i < 2; ++i) e.replace(e.find("%s"), 2, ptx_type);
  return e;
}

#if defined(FPC_HAVE_CUDA_MMA)
// The tcgen05 runner takes unpacked codes (1, 2 or 4 bytes) and one byte per scale code.
void run_tcgen05_batch(const MmaType& type, const std::string& what, const DotBatch& batch) {
  const auto in = static_cast<cuda_mma::Tcgen05Input>(type.kernel);
  const size_t bytes = static_cast<size_t>(cuda_mma::tcgen05_element_bytes(in)), n = batch.count * batch.K;
  std::vector<uint8_t> a(n * bytes), b(n * bytes), a_scales, b_scales;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t ai = static_cast<uint32_t>(batch.a[i]), bi = static_cast<uint32_t>(batch.b[i]);
    std::memcpy(&a[i * bytes], &ai, bytes);  // little-endian: the low bytes are the code
    std::memcpy(&b[i * bytes], &bi, bytes);
  }
  if (type.scales) {
    const size_t block = static_cast<size_t>(type.scales->block), want = batch.K % block == 0 ? n / block : 0;
    if (want == 0 || batch.a_scales.size() != want || batch.b_scales.size() != want)
      throw std::runtime_error(what + ": a block-scaled op needs " + std::to_string(n / block) + " scale codes of a and of b (one per " +
                               std::to_string(block) + " elements), got " + std::to_string(batch.a_scales.size()) + " and " +
                               std::to_string(batch.b_scales.size()));
    a_scales.assign(batch.a_scales.begin(), batch.a_scales.end());  // codes of an 8-bit format
    b_scales.assign(batch.b_scales.begin(), batch.b_scales.end());
  }
  std::vector<uint32_t> c(batch.count), d(batch.count);
  for (size_t i = 0; i < batch.count; ++i) c[i] = static_cast<uint32_t>(batch.c[i]);
  char err[512] = {};
  if (cuda_mma::run_tcgen05(static_cast<cuda_mma::Tcgen05Kind>(type.kind), in, a.data(), b.data(), a_scales.data(), b_scales.data(),
                            static_cast<cuda_mma::Tcgen05Scales>(type.scale_vectors), std::string(type.output) == "float16",
                            c.data(), d.data(), batch.count, batch.K, err, sizeof err) != 0)
    throw std::runtime_error(what + ": " + err);
  for (size_t i = 0; i < batch.count; ++i) batch.d[i] = d[i];
}

// Packs a batch's codes to the kernel's element width, runs it, and writes the FP32 results.
void run_batch(Runner runner, const MmaType& type, const std::string& what, const DotBatch& batch) {
  if (runner == Runner::Tcgen05) return run_tcgen05_batch(type, what, batch);
  const auto in = static_cast<cuda_mma::MmaInput>(type.kernel);
  const size_t bytes = static_cast<size_t>(cuda_mma::element_bytes(in)), n = batch.count * batch.K;
  std::vector<uint8_t> a(n * bytes), b(n * bytes);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t ai = static_cast<uint32_t>(batch.a[i]), bi = static_cast<uint32_t>(batch.b[i]);
    std::memcpy(&a[i * bytes], &ai, bytes);  // little-endian: the low bytes are the code
    std::memcpy(&b[i * bytes], &bi, bytes);
  }
  std::vector<uint32_t> c(batch.count), d(batch.count);
  for (size_t i = 0; i < batch.count; ++i) c[i] = static_cast<uint32_t>(batch.c[i]);
  char err[512] = {};
  int rc = 0;
  switch (runner) {
    case Runner::MmaSync: rc = cuda_mma::run_mma_sync(in, a.data(), b.data(), c.data(), d.data(), batch.count, batch.K, err, sizeof err); break;
    case Runner::Wgmma: rc = cuda_mma::run_wgmma(in, a.data(), b.data(), c.data(), d.data(), batch.count, batch.K, err, sizeof err); break;
    case Runner::Tcgen05: break;  // run_tcgen05_batch, above
    case Runner::CublasLt:
    case Runner::CublasLtFastAccum:
      rc = cuda_mma::run_cublaslt_fp8(in, runner == Runner::CublasLtFastAccum, a.data(), b.data(), c.data(), d.data(),
                                      batch.count, batch.K, err, sizeof err);
      break;
  }
  if (rc != 0) throw std::runtime_error(what + ": " + err);
  for (size_t i = 0; i < batch.count; ++i) batch.d[i] = d[i];
}

// Why the subject of `row` cannot run here, or "" when it can.
std::string unavailable_reason(const MmaSubjectRow& row) {
  static const cuda_mma::DeviceInfo device = cuda_mma::device_info();
  if (device.count < 0) return std::string("skipped: no CUDA device (") + device.error + ")";
  if (device.count == 0) return "skipped: no CUDA device";
  const int arch = device.major * 10 + device.minor;
  if (arch != row.arch)
    return "skipped: the device is " + std::string(device.name) + " (sm_" + std::to_string(arch) + "), this subject is for sm_" +
           std::to_string(row.arch) + " (" + row.gpu + ")";
  if (row.runner == Runner::Wgmma && !cuda_mma::wgmma_built()) return "skipped: built without sm_90a device code";
  if (row.runner == Runner::Tcgen05 && !cuda_mma::tcgen05_built()) return "skipped: built without sm_100a device code";
  if (row.runner == Runner::CublasLt || row.runner == Runner::CublasLtFastAccum) {
    char why[256] = {};
    if (!cuda_mma::cublaslt_available(why, sizeof why)) return std::string("skipped: ") + why;
  }
  return "";
}
#else
std::string unavailable_reason(const MmaSubjectRow&) {
  return "skipped: no CUDA device code (the MMA kernels are built with -DFPC_CUDA_MMA=ON where nvcc is found)";
}
#endif

}  // namespace

void register_cuda_mma_dot_subjects(std::vector<DotSubject>& subjects) {
  for (const MmaSubjectRow& row : subject_rows()) {
    DotSubject s;
    s.name = row.name;
    s.description = std::string(row.runner == Runner::MmaSync ? "mma.sync" : row.runner == Runner::Wgmma ? "wgmma" : "cuBLASLt FP8 GEMM") +
                    " on " + row.gpu + " (sm_" + std::to_string(row.arch) + (row.runner == Runner::Wgmma ? "a" : "") + ")" +
                    (*row.note ? std::string(", ") + row.note : "") + ", FP32 accumulate; one MMA tile of 8 dots per warp" +
                    (row.runner == Runner::Wgmma ? "group" : "");
    if (row.runner == Runner::Tcgen05)
      s.description = std::string("tcgen05.mma on ") + row.gpu + " (sm_100a), D in tensor memory (FP32; FP16 for the *_to_float16 ops); one 128 x 128 tile " +
                      "of 128 dots per CTA (never run on a B200 here)";
    if (row.runner == Runner::CublasLt || row.runner == Runner::CublasLtFastAccum)
      s.description = std::string("cuBLASLt FP8 GEMM (cublasLtMatmul, TN, FP32 C and D) on ") + row.gpu + ", " + row.note;
    s.unavailable_reason = unavailable_reason(row);
    s.available = s.unavailable_reason.empty();
    for (const auto& type_and_model : row.ops) {
      const MmaType* type = type_and_model.first;  // (a plain variable: captured below)
      const char* model = type_and_model.second;
      const bool cublas = row.runner == Runner::CublasLt || row.runner == Runner::CublasLtFastAccum;
      DotOp op;
      op.name = std::string(type->type) + "_to_" + type->output;
      op.entry = entry_of(row, *type);
      op.claim = {model, type->input, type->output, row.gemm, type->scales};
      op.ks = cublas ? kCublasLtKs : type->ks;
      op.run = [why = s.name + " cannot run: " + s.unavailable_reason](const DotBatch&) { throw std::logic_error(why); };
#if defined(FPC_HAVE_CUDA_MMA)
      if (s.available)
        op.run = [runner = row.runner, type, what = s.name + "/" + op.name](const DotBatch& b) { run_batch(runner, *type, what, b); };
#endif
      s.ops.push_back(std::move(op));
    }
    subjects.push_back(std::move(s));
  }
}

}  // namespace fpc
