// Thin wrappers over NVIDIA's cuda_fp16.h / cuda_bf16.h / cuda_fp8.h, taking and returning raw
// codes (the bit patterns of the formats as unsigned integers), never host floats.
//
// One source, compiled twice:
//   * by a plain C++ compiler (g++ with the CUDA include directory): the headers' HOST PATH,
//     i.e. the bit-twiddling / float-emulation code NVIDIA ships for __host__ callers;
//   * by nvcc for the device (issue 4): the same wrappers then reach the PTX cvt / f16 / bf16
//     instructions the headers select under __CUDA_ARCH__.
// Where the CUDA API itself takes a float (float -> fp8/bf16/half), the wrapper builds that float
// from the code bits with memcpy inside, so no float value ever crosses this interface.
//
// Entry points that exist only for the device (the headers declare __hfma for nvcc only) are
// wrapped under __CUDACC__ as __device__ functions.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define FPC_CUDA_HD __host__ __device__ __forceinline__
#define FPC_CUDA_D __device__ __forceinline__
#else
#define FPC_CUDA_HD inline
#endif

namespace fpc::cudaw {

// --- code <-> CUDA type plumbing (bit copies only) ---
FPC_CUDA_HD float f32_from_code(uint32_t code) {
  float f;
  memcpy(&f, &code, sizeof f);
  return f;
}
FPC_CUDA_HD uint32_t code_from_f32(float f) {
  uint32_t code;
  memcpy(&code, &f, sizeof code);
  return code;
}
FPC_CUDA_HD __half half_from_code(uint16_t code) {
  __half_raw r;
  r.x = code;
  return __half(r);
}
FPC_CUDA_HD uint16_t code_from_half(__half h) { return static_cast<__half_raw>(h).x; }
FPC_CUDA_HD __nv_bfloat16 bf16_from_code(uint16_t code) {
  __nv_bfloat16_raw r;
  r.x = code;
  return __nv_bfloat16(r);
}
FPC_CUDA_HD uint16_t code_from_bf16(__nv_bfloat16 h) { return static_cast<__nv_bfloat16_raw>(h).x; }

// --- cuda_fp8.h: float -> fp8 (scalar and x2), fp8 -> halfraw ---
template <__nv_fp8_interpretation_t Interp, __nv_saturation_t Sat>
FPC_CUDA_HD uint8_t f32_to_fp8(uint32_t x) {
  return static_cast<uint8_t>(__nv_cvt_float_to_fp8(f32_from_code(x), Sat, Interp));
}
// x2: lo goes into float2.x, hi into float2.y; returns the packed 16-bit storage as the header
// produces it (documented: .x in the low byte, .y in the high byte).
template <__nv_fp8_interpretation_t Interp, __nv_saturation_t Sat>
FPC_CUDA_HD uint16_t f32x2_to_fp8x2(uint32_t lo, uint32_t hi) {
  float2 v;
  v.x = f32_from_code(lo);
  v.y = f32_from_code(hi);
  return static_cast<uint16_t>(__nv_cvt_float2_to_fp8x2(v, Sat, Interp));
}
template <__nv_fp8_interpretation_t Interp>
FPC_CUDA_HD uint16_t fp8_to_f16(uint8_t x) {
  return static_cast<uint16_t>(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(x), Interp).x);
}

// --- cuda_bf16.h: float -> bfloat16 in four modes, bfloat16 -> float, arithmetic ---
FPC_CUDA_HD uint16_t f32_to_bf16_rn(uint32_t x) { return code_from_bf16(__float2bfloat16_rn(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_bf16_rz(uint32_t x) { return code_from_bf16(__float2bfloat16_rz(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_bf16_ru(uint32_t x) { return code_from_bf16(__float2bfloat16_ru(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_bf16_rd(uint32_t x) { return code_from_bf16(__float2bfloat16_rd(f32_from_code(x))); }
FPC_CUDA_HD uint32_t bf16_to_f32(uint16_t x) { return code_from_f32(__bfloat162float(bf16_from_code(x))); }

FPC_CUDA_HD uint16_t bf16_add(uint16_t a, uint16_t b) { return code_from_bf16(__hadd(bf16_from_code(a), bf16_from_code(b))); }
FPC_CUDA_HD uint16_t bf16_sub(uint16_t a, uint16_t b) { return code_from_bf16(__hsub(bf16_from_code(a), bf16_from_code(b))); }
FPC_CUDA_HD uint16_t bf16_mul(uint16_t a, uint16_t b) { return code_from_bf16(__hmul(bf16_from_code(a), bf16_from_code(b))); }
FPC_CUDA_HD uint16_t bf16_div(uint16_t a, uint16_t b) { return code_from_bf16(__hdiv(bf16_from_code(a), bf16_from_code(b))); }

// --- cuda_fp16.h: float -> half in four modes, half -> float, arithmetic ---
FPC_CUDA_HD uint16_t f32_to_f16_rn(uint32_t x) { return code_from_half(__float2half_rn(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_f16_rz(uint32_t x) { return code_from_half(__float2half_rz(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_f16_ru(uint32_t x) { return code_from_half(__float2half_ru(f32_from_code(x))); }
FPC_CUDA_HD uint16_t f32_to_f16_rd(uint32_t x) { return code_from_half(__float2half_rd(f32_from_code(x))); }
FPC_CUDA_HD uint32_t f16_to_f32(uint16_t x) { return code_from_f32(__half2float(half_from_code(x))); }

FPC_CUDA_HD uint16_t f16_add(uint16_t a, uint16_t b) { return code_from_half(__hadd(half_from_code(a), half_from_code(b))); }
FPC_CUDA_HD uint16_t f16_sub(uint16_t a, uint16_t b) { return code_from_half(__hsub(half_from_code(a), half_from_code(b))); }
FPC_CUDA_HD uint16_t f16_mul(uint16_t a, uint16_t b) { return code_from_half(__hmul(half_from_code(a), half_from_code(b))); }
FPC_CUDA_HD uint16_t f16_div(uint16_t a, uint16_t b) { return code_from_half(__hdiv(half_from_code(a), half_from_code(b))); }

#if defined(__CUDACC__)
// Device only: the headers declare __hfma for nvcc compilations alone (no host path).
FPC_CUDA_D uint16_t f16_fma(uint16_t a, uint16_t b, uint16_t c) {
  return code_from_half(__hfma(half_from_code(a), half_from_code(b), half_from_code(c)));
}
FPC_CUDA_D uint16_t bf16_fma(uint16_t a, uint16_t b, uint16_t c) {
  return code_from_bf16(__hfma(bf16_from_code(a), bf16_from_code(b), bf16_from_code(c)));
}
#endif

}  // namespace fpc::cudaw
