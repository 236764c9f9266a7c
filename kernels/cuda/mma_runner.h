// The tensor-core dot runners' plain interface (no fpconform or CUDA headers), between the nvcc
// translation units (mma_sync_runner.cu, wgmma_runner.cu) and cublaslt_runner.cpp on one side and
// mma_subjects.cpp on the other. Every runner computes `count` dot products d[i] = a[i].b[i] + c[i]
// of length K on the current device, operands packed as their formats' codes: a and b hold
// count * K elements of `element_bytes` (1: FP8, 2: FP16/BF16, 4: FP32 read as TF32), row-major
// (dot i reads elements i*K .. i*K + K - 1); c and d are FP32 bit patterns. Each returns 0, or
// non-zero with a message in err[0..err_len).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fpc::cuda_mma {

// The input types of the kernels (the K one instruction takes in brackets).
enum class MmaInput : int {
  Float16 = 0,  // mma m16n8k16 / wgmma m64n8k16 (16)
  BFloat16,     // (16)
  Tf32,         // mma m16n8k8 / wgmma m64n8k8 (8): FP32 codes, read as TF32 by the instruction
  E4M3,         // mma m16n8k32 (sm_89+) / wgmma m64n8k32 (32)
  E5M2,         // (32)
};

// The K of one instruction for `in` (16, 8 or 32); K of a batch must be a multiple of it.
int instruction_k(MmaInput in);
// Bytes of one packed element of `in`.
int element_bytes(MmaInput in);

struct DeviceInfo {
  int count = 0;          // CUDA devices; -1 when the runtime fails (error says why)
  int major = 0, minor = 0;
  char name[128] = {};
  char error[256] = {};
};
// Device 0's compute capability and name.
DeviceInfo device_info();

// mma.sync.aligned.m16n8kK.row.col.f32.T.T.f32, chained over K (each instruction's D is the next
// C). Built for sm_80 and up (FP8: sm_89 and up).
int run_mma_sync(MmaInput in, const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K,
                 char* err, size_t err_len);
// The architectures the mma.sync code was built for, e.g. "sm_80 sm_89 sm_90 sm_100".
const char* mma_sync_architectures();

// wgmma.mma_async.sync.aligned.m64n8kK.f32.T.T (A in registers, B in shared memory), chained over
// K in the accumulator. sm_90a only; non-zero ("not built") where the build has no sm_90a code.
int run_wgmma(MmaInput in, const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K,
              char* err, size_t err_len);
bool wgmma_built();

// cuBLASLt FP8 GEMM (cublasLtMatmul, A E4M3/E5M2 "TN", C and D FP32, FP32 compute) with
// CUBLASLT_MATMUL_DESC_FAST_ACCUM set to `fast_accum`; libcublasLt is opened at run time.
// E4M3/E5M2 only. Where the library cannot be opened, cublaslt_available() says why.
int run_cublaslt_fp8(MmaInput in, bool fast_accum, const void* a, const void* b, const uint32_t* c, uint32_t* d,
                     size_t count, size_t K, char* err, size_t err_len);
bool cublaslt_available(char* why, size_t why_len);

}  // namespace fpc::cuda_mma
