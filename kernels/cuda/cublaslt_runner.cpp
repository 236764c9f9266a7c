// The cuBLASLt FP8 GEMM runner (mma_runner.h). libcublasLt is opened at run time (dlopen), so
// that fpconform neither links nor needs it: where it is missing the subjects say so. A batch of
// dots is one GEMM D = A^T B + C of M x M outputs (M = the batch rounded up to 16): dot i is
// column i of A (K x M, "T") and of B (K x M, "N"), C is zero but for C[i][i] = c[i], and d[i] is
// D[i][i] (cuBLASLt FP8 takes only the "TN" layout, column-major).
#include "mma_runner.h"

#include <cublasLt.h>
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace fpc::cuda_mma {
namespace {

struct CublasLt {
  void* handle = nullptr;
  std::string error;
#define FPC_LT_FN(name) decltype(&::name) name = nullptr;
  FPC_LT_FN(cublasLtCreate)
  FPC_LT_FN(cublasLtDestroy)
  FPC_LT_FN(cublasLtGetStatusString)
  FPC_LT_FN(cublasLtMatmulDescCreate)
  FPC_LT_FN(cublasLtMatmulDescDestroy)
  FPC_LT_FN(cublasLtMatmulDescSetAttribute)
  FPC_LT_FN(cublasLtMatrixLayoutCreate)
  FPC_LT_FN(cublasLtMatrixLayoutDestroy)
  FPC_LT_FN(cublasLtMatmulPreferenceCreate)
  FPC_LT_FN(cublasLtMatmulPreferenceDestroy)
  FPC_LT_FN(cublasLtMatmulPreferenceSetAttribute)
  FPC_LT_FN(cublasLtMatmulAlgoGetHeuristic)
  FPC_LT_FN(cublasLtMatmul)
#undef FPC_LT_FN
};

const CublasLt& library() {
  static const CublasLt lt = [] {
    CublasLt l;
    for (const char* name : {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so"})
      if ((l.handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    if (!l.handle) {
      l.error = "libcublasLt.so.13 (or .12) cannot be opened";
      return l;
    }
#define FPC_LT_LOAD(name)                                                             \
  l.name = reinterpret_cast<decltype(l.name)>(dlsym(l.handle, #name));               \
  if (!l.name) {                                                                      \
    l.error = std::string("libcublasLt has no ") + #name;                            \
    return l;                                                                         \
  }
    FPC_LT_LOAD(cublasLtCreate)
    FPC_LT_LOAD(cublasLtDestroy)
    FPC_LT_LOAD(cublasLtGetStatusString)
    FPC_LT_LOAD(cublasLtMatmulDescCreate)
    FPC_LT_LOAD(cublasLtMatmulDescDestroy)
    FPC_LT_LOAD(cublasLtMatmulDescSetAttribute)
    FPC_LT_LOAD(cublasLtMatrixLayoutCreate)
    FPC_LT_LOAD(cublasLtMatrixLayoutDestroy)
    FPC_LT_LOAD(cublasLtMatmulPreferenceCreate)
    FPC_LT_LOAD(cublasLtMatmulPreferenceDestroy)
    FPC_LT_LOAD(cublasLtMatmulPreferenceSetAttribute)
    FPC_LT_LOAD(cublasLtMatmulAlgoGetHeuristic)
    FPC_LT_LOAD(cublasLtMatmul)
#undef FPC_LT_LOAD
    return l;
  }();
  return lt;
}

// The dots of one GEMM at most (its C and D are M x M floats: 4 MiB each).
constexpr size_t kDotsPerGemm = 1024;

// Everything one GEMM holds, released however it ends.
struct Gemm {
  const CublasLt& lt;
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a = nullptr, b = nullptr, c = nullptr, d = nullptr;
  cublasLtMatmulPreference_t preference = nullptr;
  char* device = nullptr;
  ~Gemm() {
    if (preference) lt.cublasLtMatmulPreferenceDestroy(preference);
    for (cublasLtMatrixLayout_t l : {a, b, c, d})
      if (l) lt.cublasLtMatrixLayoutDestroy(l);
    if (op) lt.cublasLtMatmulDescDestroy(op);
    if (handle) lt.cublasLtDestroy(handle);
    if (device) cudaFree(device);
  }
};

int run_gemm(const CublasLt& lt, cudaDataType_t type, bool fast_accum, const uint8_t* a, const uint8_t* b,
             const uint32_t* c, uint32_t* d, size_t count, size_t K, char* err, size_t len) {
  const size_t M = (count + 15) / 16 * 16;
  const size_t operand = M * K, matrix = M * M * sizeof(float);
  constexpr size_t kWorkspace = size_t{32} << 20;
  Gemm g{lt};
  auto lt_fail = [&](cublasStatus_t s, const char* what) {
    std::snprintf(err, len, "%s: %s", what, lt.cublasLtGetStatusString(s));
    return 1;
  };
  auto cuda_fail = [&](cudaError_t e, const char* what) {
    std::snprintf(err, len, "%s: %s", what, cudaGetErrorString(e));
    return 1;
  };
  cudaError_t e = cudaMalloc(&g.device, 2 * operand + 2 * matrix + kWorkspace);
  if (e != cudaSuccess) return cuda_fail(e, "cudaMalloc");
  char* da = g.device;
  char* db = da + operand;
  char* dc = db + operand;
  char* dd = dc + matrix;
  char* workspace = dd + matrix;
  std::vector<uint8_t> host_operand(operand, 0);
  std::vector<float> host_c(M * M, 0.0f);
  std::memcpy(host_operand.data(), a, count * K);
  if ((e = cudaMemcpy(da, host_operand.data(), operand, cudaMemcpyHostToDevice)) != cudaSuccess) return cuda_fail(e, "cudaMemcpy");
  std::memcpy(host_operand.data(), b, count * K);
  if ((e = cudaMemcpy(db, host_operand.data(), operand, cudaMemcpyHostToDevice)) != cudaSuccess) return cuda_fail(e, "cudaMemcpy");
  for (size_t i = 0; i < count; ++i) std::memcpy(&host_c[i + i * M], &c[i], sizeof(float));
  if ((e = cudaMemcpy(dc, host_c.data(), matrix, cudaMemcpyHostToDevice)) != cudaSuccess) return cuda_fail(e, "cudaMemcpy");

  cublasStatus_t s;
  if ((s = lt.cublasLtCreate(&g.handle)) != CUBLAS_STATUS_SUCCESS) return lt_fail(s, "cublasLtCreate");
  if ((s = lt.cublasLtMatmulDescCreate(&g.op, CUBLAS_COMPUTE_32F, CUDA_R_32F)) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmulDescCreate");
  const int32_t transpose = CUBLAS_OP_T, no_transpose = CUBLAS_OP_N;
  const int8_t fast = fast_accum ? 1 : 0;
  if ((s = lt.cublasLtMatmulDescSetAttribute(g.op, CUBLASLT_MATMUL_DESC_TRANSA, &transpose, sizeof transpose)) != CUBLAS_STATUS_SUCCESS ||
      (s = lt.cublasLtMatmulDescSetAttribute(g.op, CUBLASLT_MATMUL_DESC_TRANSB, &no_transpose, sizeof no_transpose)) != CUBLAS_STATUS_SUCCESS ||
      (s = lt.cublasLtMatmulDescSetAttribute(g.op, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast, sizeof fast)) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmulDescSetAttribute");
  const uint64_t rows_k = K, cols = M, ld = M;
  if ((s = lt.cublasLtMatrixLayoutCreate(&g.a, type, rows_k, cols, static_cast<int64_t>(K))) != CUBLAS_STATUS_SUCCESS ||
      (s = lt.cublasLtMatrixLayoutCreate(&g.b, type, rows_k, cols, static_cast<int64_t>(K))) != CUBLAS_STATUS_SUCCESS ||
      (s = lt.cublasLtMatrixLayoutCreate(&g.c, CUDA_R_32F, M, M, static_cast<int64_t>(ld))) != CUBLAS_STATUS_SUCCESS ||
      (s = lt.cublasLtMatrixLayoutCreate(&g.d, CUDA_R_32F, M, M, static_cast<int64_t>(ld))) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatrixLayoutCreate");
  if ((s = lt.cublasLtMatmulPreferenceCreate(&g.preference)) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmulPreferenceCreate");
  const uint64_t workspace_bytes = kWorkspace;
  if ((s = lt.cublasLtMatmulPreferenceSetAttribute(g.preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
                                                   sizeof workspace_bytes)) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmulPreferenceSetAttribute");
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  if ((s = lt.cublasLtMatmulAlgoGetHeuristic(g.handle, g.op, g.a, g.b, g.c, g.d, g.preference, 1, &heuristic, &found)) !=
      CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmulAlgoGetHeuristic");
  if (found == 0) {
    std::snprintf(err, len, "cuBLASLt has no algorithm for this FP8 GEMM on this device");
    return 1;
  }
  const float one = 1.0f;
  if ((s = lt.cublasLtMatmul(g.handle, g.op, &one, da, g.a, db, g.b, &one, dc, g.c, dd, g.d, &heuristic.algo, workspace,
                             kWorkspace, nullptr)) != CUBLAS_STATUS_SUCCESS)
    return lt_fail(s, "cublasLtMatmul");
  if ((e = cudaDeviceSynchronize()) != cudaSuccess) return cuda_fail(e, "cublasLtMatmul");
  // The diagonal: column i, row i.
  for (size_t i = 0; i < count; ++i)
    if ((e = cudaMemcpy(&d[i], dd + (i + i * M) * sizeof(float), sizeof(float), cudaMemcpyDeviceToHost)) != cudaSuccess)
      return cuda_fail(e, "cudaMemcpy");
  return 0;
}

}  // namespace

bool cublaslt_available(char* why, size_t why_len) {
  const CublasLt& lt = library();
  if (!lt.error.empty()) std::snprintf(why, why_len, "%s", lt.error.c_str());
  return lt.error.empty();
}

int run_cublaslt_fp8(MmaInput in, bool fast_accum, const void* a, const void* b, const uint32_t* c, uint32_t* d,
                     size_t count, size_t K, char* err, size_t len) {
  if (in != MmaInput::E4M3 && in != MmaInput::E5M2) {
    std::snprintf(err, len, "the cuBLASLt runner takes E4M3 or E5M2 inputs");
    return 1;
  }
  if (K == 0 || K % 16 != 0) {
    std::snprintf(err, len, "K = %zu: a cuBLASLt FP8 GEMM needs a multiple of 16", K);
    return 1;
  }
  const CublasLt& lt = library();
  if (!lt.error.empty()) {
    std::snprintf(err, len, "%s", lt.error.c_str());
    return 1;
  }
  const cudaDataType_t type = in == MmaInput::E4M3 ? CUDA_R_8F_E4M3 : CUDA_R_8F_E5M2;
  const auto* pa = static_cast<const uint8_t*>(a);
  const auto* pb = static_cast<const uint8_t*>(b);
  for (size_t first = 0; first < count; first += kDotsPerGemm) {
    const size_t n = std::min(kDotsPerGemm, count - first);
    if (int rc = run_gemm(lt, type, fast_accum, pa + first * K, pb + first * K, c + first, d + first, n, K, err, len)) return rc;
  }
  return 0;
}

}  // namespace fpc::cuda_mma
