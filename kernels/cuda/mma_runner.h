// The tensor-core dot runners' plain interface (no fpconform or CUDA headers), between the nvcc
// translation units (mma_sync_runner.cu, wgmma_runner.cu, tcgen05_runner.cu) and cublaslt_runner.cpp on one side and
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

// tcgen05.mma.cta_group::1 (sm_100a, B200), M = N = 128, chained over K with enable-input-d:
// the kinds and the exact types of A and B (both the same), and, for the block-scaled kinds, the
// scale vectors. Operands are unpacked codes: 2 bytes (FP16/BF16), 4 (FP32 read as TF32) or one
// byte per FP8/FP6/FP4 code (the kernel packs FP6/FP4 as the instruction reads them); a_scales and
// b_scales one byte per scale code, dot i's K / block codes at i * K / block.
enum class Tcgen05Kind : int {
  F16 = 0,   // kind::f16, K = 16 (f16, bf16)
  Tf32,      // kind::tf32, K = 8
  F8F6F4,    // kind::f8f6f4, K = 32 (e4m3, e5m2, e2m3, e3m2, e2m1)
  MxF8F6F4,  // kind::mxf8f6f4.block_scale.scale_vec::1X, K = 32, UE8M0 per 32
  MxF4NvF4,  // kind::mxf4nvf4.block_scale, K = 64 (e2m1): scale_vec::2X (UE8M0 per 32) or 4X (per 16)
};
enum class Tcgen05Input : int { Float16 = 0, BFloat16, Tf32, E4M3, E5M2, E2M3, E3M2, E2M1 };
enum class Tcgen05Scales : int { None = 0, E8M0Block32, E8M0Block16, UE4M3Block16 };
// The K of one instruction of `kind` (16, 8, 32, 32, 64).
int tcgen05_instruction_k(Tcgen05Kind kind);
// Bytes of one unpacked operand code of `in` (2, 4 or 1).
int tcgen05_element_bytes(Tcgen05Input in);
// The 32-bit instruction descriptor (PTX ISA 9.7.16.4.2, Tables 42-44) for M = N = 128, FP32 D
// (FP16 D with f16_out: kind::f16 with f16 inputs and kind::f8f6f4 only), K-major A and B; 0 when
// the kind does not take `in` with `scales` and that D.
uint32_t tcgen05_instruction_descriptor(Tcgen05Kind kind, Tcgen05Input in, Tcgen05Scales scales, bool f16_out = false);
// The 16 bytes of shared memory (four little-endian words) that the kernel makes of the unpacked
// codes at `codes` for `kind` and `in`; returns how many codes they hold (8, 4, 16 or 32).
int tcgen05_pack_chunk(Tcgen05Kind kind, Tcgen05Input in, const void* codes, uint32_t out[4]);
// Runs `count` dots on device 0 (c and d: FP32 codes, or with f16_out FP16 codes in the low 16
// bits); non-zero ("not built" where the build has no sm_100a code, or
// a refused combination / K) with a message in err.
int run_tcgen05(Tcgen05Kind kind, Tcgen05Input in, const void* a, const void* b, const uint8_t* a_scales,
                const uint8_t* b_scales, Tcgen05Scales scales, bool f16_out, const uint32_t* c, uint32_t* d, size_t count,
                size_t K, char* err, size_t err_len);
bool tcgen05_built();

}  // namespace fpc::cuda_mma
