// Thin wrappers over NVIDIA's cuda_fp16.h / cuda_bf16.h / cuda_fp8.h / cuda_fp6.h / cuda_fp4.h and
// the float32/float64 rounding intrinsics, taking and returning raw codes (the bit patterns of the
// formats as unsigned integers, zero-extended to 64 bits), never host floats.
//
// One source, compiled twice:
//   * by a plain C++ compiler (g++ with the CUDA include directory): the headers' HOST PATH,
//     i.e. the bit-twiddling / float-emulation code NVIDIA ships for __host__ callers
//     (kernels/cuda/host_subjects.cpp);
//   * by nvcc for the device (kernels/cuda/device_runner.cu): the same wrappers then reach the PTX
//     cvt / f16 / bf16 instructions the headers select under __CUDA_ARCH__.
// Where a CUDA API takes a float/double (float -> fp8, ...), the wrapper builds it from the code
// bits with memcpy inside, so no floating-point value ever crosses this interface.
//
// Every wrapper has the shape `code f(code...)` (one code per operand). The x2 APIs are checked one
// lane at a time by lane_lo/lane_hi: the case goes into the lane under test and its bitwise
// complement into the other, so a swapped packing order or one lane leaking into the other shows
// up as mismatches. Entry points the headers declare for nvcc only (__hfma, hsqrt, hrcp, the
// __f*_r?/__d*_r? intrinsics, PTX tf32 cvt) are defined under __CUDACC__ as __device__ functions.
#pragma once

#include <cuda_runtime_api.h>  // CUDART_VERSION (cuda_fp16.h defines it only from CUDA 12)

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

// What the headers of this CUDA release offer (kernels/cuda/version_module.cpp compiles these
// wrappers against every release from 11.8 on); the rows of cuda_op_list.hpp are gated alike.
//   FPC_CUDA_HOST_ARITH  half/bfloat16 arithmetic callable on the host (12.2)
//   FPC_CUDA_MX          cuda_fp6.h, cuda_fp4.h and e8m0 (12.8)
//   FPC_CUDA_DOUBLE4_32A the aligned double4 the x4 class constructors take (13.0)
//   FPC_CUDA_UE5M3       the UE5M3 conversions (13.4)
//   FPC_CUDA_MODES_13_5  fp6/fp4 round up/down and e8m0 round-to-nearest (13.5)
#if CUDART_VERSION >= 12020 || defined(__CUDACC__)
#define FPC_CUDA_HOST_ARITH 1
#else
#define FPC_CUDA_HOST_ARITH 0
#endif
#define FPC_CUDA_MX (CUDART_VERSION >= 12080)
#define FPC_CUDA_DOUBLE4_32A (CUDART_VERSION >= 13000)
#define FPC_CUDA_UE5M3 (CUDART_VERSION >= 13040)
#define FPC_CUDA_MODES_13_5 (CUDART_VERSION >= 13050)
// The rows of a release from 13.4 on, in a list a translation unit of this release expands
// (FPC_CUDA_OPS in cuda_op_list.hpp): X where the headers have them, nothing before.
#define FPC_CUDA_ROW_NONE(...)
#if FPC_CUDA_UE5M3
#define FPC_CUDA_IF_13_4(X) X
#else
#define FPC_CUDA_IF_13_4(X) FPC_CUDA_ROW_NONE
#endif
#if FPC_CUDA_MX
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#endif

#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__CUDACC__)
#define FPC_CUDA_HD __host__ __device__ __forceinline__
#define FPC_CUDA_D __device__ __forceinline__
#else
#define FPC_CUDA_HD inline
#endif

namespace fpc::cudaw {

using code = uint64_t;

// --- code <-> CUDA type plumbing (bit copies only) ---
template <typename To, typename From>
FPC_CUDA_HD To bits_as(From from) {
  static_assert(sizeof(To) == sizeof(From));
  To to;
  memcpy(&to, &from, sizeof to);
  return to;
}
FPC_CUDA_HD float f32_of(code c) { return bits_as<float>(static_cast<uint32_t>(c)); }
FPC_CUDA_HD double f64_of(code c) { return bits_as<double>(c); }
FPC_CUDA_HD __half_raw hraw_of(code c) {
  __half_raw r;
  r.x = static_cast<unsigned short>(c);
  return r;
}
FPC_CUDA_HD __nv_bfloat16_raw braw_of(code c) {
  __nv_bfloat16_raw r;
  r.x = static_cast<unsigned short>(c);
  return r;
}
FPC_CUDA_HD __half half_of(code c) { return __half(hraw_of(c)); }
FPC_CUDA_HD __nv_bfloat16 bf16_of(code c) { return __nv_bfloat16(braw_of(c)); }

FPC_CUDA_HD code code_of(float f) { return bits_as<uint32_t>(f); }
FPC_CUDA_HD code code_of(double d) { return bits_as<uint64_t>(d); }
FPC_CUDA_HD code code_of(__half_raw h) { return h.x; }
FPC_CUDA_HD code code_of(__nv_bfloat16_raw h) { return h.x; }
FPC_CUDA_HD code code_of(__half h) { return static_cast<__half_raw>(h).x; }
FPC_CUDA_HD code code_of(__nv_bfloat16 h) { return static_cast<__nv_bfloat16_raw>(h).x; }
FPC_CUDA_HD code code_of(__half2_raw h) { return code{h.x} | (code{h.y} << 16); }
FPC_CUDA_HD code code_of(__nv_bfloat162_raw h) { return code{h.x} | (code{h.y} << 16); }

// Source formats of the narrowing conversions: one value, or a pair (lo -> .x, hi -> .y).
struct F64 {
  static constexpr int bits = 64;
  FPC_CUDA_HD static double one(code c) { return f64_of(c); }
  FPC_CUDA_HD static double2 two(code lo, code hi) {
    double2 v;
    v.x = f64_of(lo);
    v.y = f64_of(hi);
    return v;
  }
};
struct F32 {
  static constexpr int bits = 32;
  FPC_CUDA_HD static float one(code c) { return f32_of(c); }
  FPC_CUDA_HD static float2 two(code lo, code hi) {
    float2 v;
    v.x = f32_of(lo);
    v.y = f32_of(hi);
    return v;
  }
};
struct F16 {
  static constexpr int bits = 16;
  FPC_CUDA_HD static __half_raw one(code c) { return hraw_of(c); }
  FPC_CUDA_HD static __half2_raw two(code lo, code hi) {
    __half2_raw v;
    v.x = static_cast<unsigned short>(lo);
    v.y = static_cast<unsigned short>(hi);
    return v;
  }
};
struct BF16 {
  static constexpr int bits = 16;
  FPC_CUDA_HD static __nv_bfloat16_raw one(code c) { return braw_of(c); }
  FPC_CUDA_HD static __nv_bfloat162_raw two(code lo, code hi) {
    __nv_bfloat162_raw v;
    v.x = static_cast<unsigned short>(lo);
    v.y = static_cast<unsigned short>(hi);
    return v;
  }
};

// --- one overload set per target family, so the templates below can name the API by source type ---
using Interp8 = __nv_fp8_interpretation_t;
using Sat = __nv_saturation_t;
using Round = cudaRoundMode;

FPC_CUDA_HD unsigned to_fp8(double x, Sat s, Interp8 i) { return __nv_cvt_double_to_fp8(x, s, i); }
FPC_CUDA_HD unsigned to_fp8(float x, Sat s, Interp8 i) { return __nv_cvt_float_to_fp8(x, s, i); }
FPC_CUDA_HD unsigned to_fp8(__half_raw x, Sat s, Interp8 i) { return __nv_cvt_halfraw_to_fp8(x, s, i); }
FPC_CUDA_HD unsigned to_fp8(__nv_bfloat16_raw x, Sat s, Interp8 i) { return __nv_cvt_bfloat16raw_to_fp8(x, s, i); }
FPC_CUDA_HD unsigned to_fp8x2(double2 x, Sat s, Interp8 i) { return __nv_cvt_double2_to_fp8x2(x, s, i); }
FPC_CUDA_HD unsigned to_fp8x2(float2 x, Sat s, Interp8 i) { return __nv_cvt_float2_to_fp8x2(x, s, i); }
FPC_CUDA_HD unsigned to_fp8x2(__half2_raw x, Sat s, Interp8 i) { return __nv_cvt_halfraw2_to_fp8x2(x, s, i); }
FPC_CUDA_HD unsigned to_fp8x2(__nv_bfloat162_raw x, Sat s, Interp8 i) {
  return __nv_cvt_bfloat16raw2_to_fp8x2(x, s, i);
}

#if FPC_CUDA_MX
using Interp6 = __nv_fp6_interpretation_t;
FPC_CUDA_HD unsigned to_fp6(double x, Interp6 i, Round r) { return __nv_cvt_double_to_fp6(x, i, r); }
FPC_CUDA_HD unsigned to_fp6(float x, Interp6 i, Round r) { return __nv_cvt_float_to_fp6(x, i, r); }
FPC_CUDA_HD unsigned to_fp6(__half_raw x, Interp6 i, Round r) { return __nv_cvt_halfraw_to_fp6(x, i, r); }
FPC_CUDA_HD unsigned to_fp6(__nv_bfloat16_raw x, Interp6 i, Round r) { return __nv_cvt_bfloat16raw_to_fp6(x, i, r); }
FPC_CUDA_HD unsigned to_fp6x2(double2 x, Interp6 i, Round r) { return __nv_cvt_double2_to_fp6x2(x, i, r); }
FPC_CUDA_HD unsigned to_fp6x2(float2 x, Interp6 i, Round r) { return __nv_cvt_float2_to_fp6x2(x, i, r); }
FPC_CUDA_HD unsigned to_fp6x2(__half2_raw x, Interp6 i, Round r) { return __nv_cvt_halfraw2_to_fp6x2(x, i, r); }
FPC_CUDA_HD unsigned to_fp6x2(__nv_bfloat162_raw x, Interp6 i, Round r) {
  return __nv_cvt_bfloat16raw2_to_fp6x2(x, i, r);
}

FPC_CUDA_HD unsigned to_fp4(double x, Round r) { return __nv_cvt_double_to_fp4(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4(float x, Round r) { return __nv_cvt_float_to_fp4(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4(__half_raw x, Round r) { return __nv_cvt_halfraw_to_fp4(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4(__nv_bfloat16_raw x, Round r) { return __nv_cvt_bfloat16raw_to_fp4(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4x2(double2 x, Round r) { return __nv_cvt_double2_to_fp4x2(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4x2(float2 x, Round r) { return __nv_cvt_float2_to_fp4x2(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4x2(__half2_raw x, Round r) { return __nv_cvt_halfraw2_to_fp4x2(x, __NV_E2M1, r); }
FPC_CUDA_HD unsigned to_fp4x2(__nv_bfloat162_raw x, Round r) { return __nv_cvt_bfloat16raw2_to_fp4x2(x, __NV_E2M1, r); }

FPC_CUDA_HD unsigned to_e8m0(double x, Sat s, Round r) { return __nv_cvt_double_to_e8m0(x, s, r); }
FPC_CUDA_HD unsigned to_e8m0(float x, Sat s, Round r) { return __nv_cvt_float_to_e8m0(x, s, r); }
FPC_CUDA_HD unsigned to_e8m0(__nv_bfloat16_raw x, Sat s, Round r) { return __nv_cvt_bfloat16raw_to_e8m0(x, s, r); }
FPC_CUDA_HD unsigned to_e8m0x2(double2 x, Sat s, Round r) { return __nv_cvt_double2_to_e8m0x2(x, s, r); }
FPC_CUDA_HD unsigned to_e8m0x2(float2 x, Sat s, Round r) { return __nv_cvt_float2_to_e8m0x2(x, s, r); }
FPC_CUDA_HD unsigned to_e8m0x2(__nv_bfloat162_raw x, Sat s, Round r) {
  return __nv_cvt_bfloat162raw_to_e8m0x2(x, s, r);
}
#endif  // FPC_CUDA_MX

#if FPC_CUDA_UE5M3
FPC_CUDA_HD unsigned to_ue5m3(double x, Sat s, Round r) { return __nv_cvt_double_to_ue5m3(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3(float x, Sat s, Round r) { return __nv_cvt_float_to_ue5m3(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3(__half_raw x, Sat s, Round r) { return __nv_cvt_halfraw_to_ue5m3(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3(__nv_bfloat16_raw x, Sat s, Round r) { return __nv_cvt_bfloat16raw_to_ue5m3(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3x2(double2 x, Sat s, Round r) { return __nv_cvt_double2_to_ue5m3x2(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3x2(float2 x, Sat s, Round r) { return __nv_cvt_float2_to_ue5m3x2(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3x2(__half2_raw x, Sat s, Round r) { return __nv_cvt_half2raw_to_ue5m3x2(x, s, r); }
FPC_CUDA_HD unsigned to_ue5m3x2(__nv_bfloat162_raw x, Sat s, Round r) {
  return __nv_cvt_bfloat162raw_to_ue5m3x2(x, s, r);
}
#endif  // FPC_CUDA_UE5M3

// --- the conversions, scalar and pair, as code -> code ---
template <class Src, Interp8 I, Sat S>
FPC_CUDA_HD code fp8(code x) { return to_fp8(Src::one(x), S, I); }
template <class Src, Interp8 I, Sat S>
FPC_CUDA_HD code fp8x2(code lo, code hi) { return to_fp8x2(Src::two(lo, hi), S, I); }
#if FPC_CUDA_MX
template <class Src, Interp6 I, Round R>
FPC_CUDA_HD code fp6(code x) { return to_fp6(Src::one(x), I, R); }
template <class Src, Interp6 I, Round R>
FPC_CUDA_HD code fp6x2(code lo, code hi) { return to_fp6x2(Src::two(lo, hi), I, R); }
template <class Src, Round R>
FPC_CUDA_HD code fp4(code x) { return to_fp4(Src::one(x), R); }
template <class Src, Round R>
FPC_CUDA_HD code fp4x2(code lo, code hi) { return to_fp4x2(Src::two(lo, hi), R); }
template <class Src, Sat S, Round R>
FPC_CUDA_HD code e8m0(code x) { return to_e8m0(Src::one(x), S, R); }
template <class Src, Sat S, Round R>
FPC_CUDA_HD code e8m0x2(code lo, code hi) { return to_e8m0x2(Src::two(lo, hi), S, R); }
#endif  // FPC_CUDA_MX
#if FPC_CUDA_UE5M3
template <class Src, Sat S, Round R>
FPC_CUDA_HD code ue5m3(code x) { return to_ue5m3(Src::one(x), S, R); }
template <class Src, Sat S, Round R>
FPC_CUDA_HD code ue5m3x2(code lo, code hi) { return to_ue5m3x2(Src::two(lo, hi), S, R); }
FPC_CUDA_HD code ue5m3_to_bf16(code x) { return code_of(__nv_cvt_ue5m3_to_bf16raw(static_cast<__nv_fp8_storage_t>(x))); }
FPC_CUDA_HD code ue5m3x2_to_bf16x2(code lo, code hi) {
  return code_of(__nv_cvt_ue5m3x2_to_bf162raw(static_cast<__nv_fp8x2_storage_t>(lo | (hi << 8))));
}
FPC_CUDA_HD code ue5m3_to_f16(code x) { return code_of(__nv_cvt_ue5m3_to_halfraw(static_cast<__nv_fp8_storage_t>(x))); }
FPC_CUDA_HD code ue5m3x2_to_f16x2(code lo, code hi) {
  return code_of(__nv_cvt_ue5m3x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(lo | (hi << 8))));
}
#endif  // FPC_CUDA_UE5M3

template <Interp8 I>
FPC_CUDA_HD code fp8_to_f16(code x) { return code_of(__nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(x), I)); }
template <Interp8 I>
FPC_CUDA_HD code fp8x2_to_f16x2(code lo, code hi) {
  return code_of(__nv_cvt_fp8x2_to_halfraw2(static_cast<__nv_fp8x2_storage_t>(lo | (hi << 8)), I));
}
#if FPC_CUDA_MX
template <Interp6 I>
FPC_CUDA_HD code fp6_to_f16(code x) { return code_of(__nv_cvt_fp6_to_halfraw(static_cast<__nv_fp6_storage_t>(x), I)); }
template <Interp6 I>
FPC_CUDA_HD code fp6x2_to_f16x2(code lo, code hi) {
  return code_of(__nv_cvt_fp6x2_to_halfraw2(static_cast<__nv_fp6x2_storage_t>(lo | (hi << 8)), I));
}
FPC_CUDA_HD code fp4_to_f16(code x) { return code_of(__nv_cvt_fp4_to_halfraw(static_cast<__nv_fp4_storage_t>(x), __NV_E2M1)); }
FPC_CUDA_HD code fp4x2_to_f16x2(code lo, code hi) {
  return code_of(__nv_cvt_fp4x2_to_halfraw2(static_cast<__nv_fp4x2_storage_t>(lo | (hi << 4)), __NV_E2M1));
}
FPC_CUDA_HD code e8m0_to_bf16(code x) { return code_of(__nv_cvt_e8m0_to_bf16raw(static_cast<__nv_fp8_storage_t>(x))); }
FPC_CUDA_HD code e8m0x2_to_bf16x2(code lo, code hi) {
  return code_of(__nv_cvt_e8m0x2_to_bf162raw(static_cast<__nv_fp8x2_storage_t>(lo | (hi << 8))));
}
#endif  // FPC_CUDA_MX

// --- the scalar classes (__nv_fp8_e4m3, __nv_fp8_e8m0, __nv_fp6_e2m3, ...): constructors and
// the conversion operator to float, over the storage __x ---
template <class Src>
FPC_CUDA_HD auto class_arg(code x) {
  if constexpr (std::is_same_v<Src, F16>) return __half(hraw_of(x));
  else if constexpr (std::is_same_v<Src, BF16>) return __nv_bfloat16(braw_of(x));
  else return Src::one(x);
}
template <class C, class Src>
FPC_CUDA_HD code class_from(code x) { return C(class_arg<Src>(x)).__x; }
template <class C>
FPC_CUDA_HD code class_to_f32(code x) {
  C c;
  c.__x = static_cast<decltype(c.__x)>(x);
  return code_of(static_cast<float>(c));
}

// One lane of a pair conversion F2(lo, hi): the case in the lane under test, its complement
// (within the InBits of the source) in the other; the packed result's lanes are Slot bits wide.
// The low lane is masked to its slot, the high lane is everything above it, so stray bits show
// up as out-of-range codes.
template <int Bits>
inline constexpr code kLowMask = Bits >= 64 ? ~code{0} : (code{1} << (Bits % 64)) - 1;
template <code (*F2)(code, code), int InBits, int Slot>
FPC_CUDA_HD code lane_lo(code x) { return F2(x, ~x & kLowMask<InBits>) & kLowMask<Slot>; }
template <code (*F2)(code, code), int InBits, int Slot>
FPC_CUDA_HD code lane_hi(code x) { return F2(~x & kLowMask<InBits>, x) >> Slot; }

// --- cuda_bf16.h / cuda_fp16.h conversions ---
FPC_CUDA_HD code f32_to_bf16_rn(code x) { return code_of(__float2bfloat16_rn(f32_of(x))); }
FPC_CUDA_HD code f32_to_bf16_rz(code x) { return code_of(__float2bfloat16_rz(f32_of(x))); }
FPC_CUDA_HD code f32_to_bf16_ru(code x) { return code_of(__float2bfloat16_ru(f32_of(x))); }
FPC_CUDA_HD code f32_to_bf16_rd(code x) { return code_of(__float2bfloat16_rd(f32_of(x))); }
FPC_CUDA_HD code f64_to_bf16_rn(code x) { return code_of(__double2bfloat16(f64_of(x))); }
FPC_CUDA_HD code bf16_to_f32(code x) { return code_of(__bfloat162float(bf16_of(x))); }

FPC_CUDA_HD code f32_to_f16_rn(code x) { return code_of(__float2half_rn(f32_of(x))); }
FPC_CUDA_HD code f32_to_f16_rz(code x) { return code_of(__float2half_rz(f32_of(x))); }
FPC_CUDA_HD code f32_to_f16_ru(code x) { return code_of(__float2half_ru(f32_of(x))); }
FPC_CUDA_HD code f32_to_f16_rd(code x) { return code_of(__float2half_rd(f32_of(x))); }
FPC_CUDA_HD code f64_to_f16_rn(code x) { return code_of(__double2half(f64_of(x))); }
FPC_CUDA_HD code f16_to_f32(code x) { return code_of(__half2float(half_of(x))); }

// --- half / bfloat16 arithmetic: one wrapper per (function, type) ---
#define FPC_CUDA_H_UNARY(QUAL, NAME, FN)                                    \
  QUAL code f16_##NAME(code a) { return code_of(FN(half_of(a))); }          \
  QUAL code bf16_##NAME(code a) { return code_of(FN(bf16_of(a))); }
#define FPC_CUDA_H_BINARY(QUAL, NAME, FN)                                                      \
  QUAL code f16_##NAME(code a, code b) { return code_of(FN(half_of(a), half_of(b))); }          \
  QUAL code bf16_##NAME(code a, code b) { return code_of(FN(bf16_of(a), bf16_of(b))); }
#define FPC_CUDA_H_TERNARY(QUAL, NAME, FN)                                                                 \
  QUAL code f16_##NAME(code a, code b, code c) { return code_of(FN(half_of(a), half_of(b), half_of(c))); } \
  QUAL code bf16_##NAME(code a, code b, code c) { return code_of(FN(bf16_of(a), bf16_of(b), bf16_of(c))); }

#if FPC_CUDA_HOST_ARITH
FPC_CUDA_H_BINARY(FPC_CUDA_HD, add, __hadd)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, sub, __hsub)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, mul, __hmul)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, div, __hdiv)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, add_rn, __hadd_rn)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, sub_rn, __hsub_rn)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, mul_rn, __hmul_rn)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, add_sat, __hadd_sat)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, sub_sat, __hsub_sat)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, mul_sat, __hmul_sat)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, max, __hmax)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, min, __hmin)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, max_nan, __hmax_nan)
FPC_CUDA_H_BINARY(FPC_CUDA_HD, min_nan, __hmin_nan)
FPC_CUDA_H_UNARY(FPC_CUDA_HD, abs, __habs)
#endif  // FPC_CUDA_HOST_ARITH

#if defined(__CUDACC__)
// Device only: the headers declare these for nvcc compilations alone (no host path).
FPC_CUDA_H_TERNARY(FPC_CUDA_D, fma, __hfma)
FPC_CUDA_H_TERNARY(FPC_CUDA_D, fma_sat, __hfma_sat)
FPC_CUDA_H_TERNARY(FPC_CUDA_D, fma_relu, __hfma_relu)
FPC_CUDA_H_UNARY(FPC_CUDA_D, sqrt, hsqrt)
FPC_CUDA_H_UNARY(FPC_CUDA_D, rcp, hrcp)

// float32 / float64 with explicit rounding (CUDA math API intrinsics; device only).
#define FPC_CUDAW_ROUNDED(NAME, FN_F, FN_D, ARGS, CALL_F, CALL_D)                       \
  FPC_CUDA_D code f32_##NAME##_rn ARGS { return code_of(FN_F##_rn CALL_F); }           \
  FPC_CUDA_D code f32_##NAME##_rz ARGS { return code_of(FN_F##_rz CALL_F); }           \
  FPC_CUDA_D code f32_##NAME##_ru ARGS { return code_of(FN_F##_ru CALL_F); }           \
  FPC_CUDA_D code f32_##NAME##_rd ARGS { return code_of(FN_F##_rd CALL_F); }           \
  FPC_CUDA_D code f64_##NAME##_rn ARGS { return code_of(FN_D##_rn CALL_D); }           \
  FPC_CUDA_D code f64_##NAME##_rz ARGS { return code_of(FN_D##_rz CALL_D); }           \
  FPC_CUDA_D code f64_##NAME##_ru ARGS { return code_of(FN_D##_ru CALL_D); }           \
  FPC_CUDA_D code f64_##NAME##_rd ARGS { return code_of(FN_D##_rd CALL_D); }
#define FPC_CUDA_ARGS1 (code a)
#define FPC_CUDA_ARGS2 (code a, code b)
#define FPC_CUDA_ARGS3 (code a, code b, code c)
FPC_CUDAW_ROUNDED(add, __fadd, __dadd, FPC_CUDA_ARGS2, (f32_of(a), f32_of(b)), (f64_of(a), f64_of(b)))
FPC_CUDAW_ROUNDED(sub, __fsub, __dsub, FPC_CUDA_ARGS2, (f32_of(a), f32_of(b)), (f64_of(a), f64_of(b)))
FPC_CUDAW_ROUNDED(mul, __fmul, __dmul, FPC_CUDA_ARGS2, (f32_of(a), f32_of(b)), (f64_of(a), f64_of(b)))
FPC_CUDAW_ROUNDED(div, __fdiv, __ddiv, FPC_CUDA_ARGS2, (f32_of(a), f32_of(b)), (f64_of(a), f64_of(b)))
FPC_CUDAW_ROUNDED(fma, __fmaf, __fma, FPC_CUDA_ARGS3, (f32_of(a), f32_of(b), f32_of(c)),
                 (f64_of(a), f64_of(b), f64_of(c)))
FPC_CUDAW_ROUNDED(sqrt, __fsqrt, __dsqrt, FPC_CUDA_ARGS1, (f32_of(a)), (f64_of(a)))
FPC_CUDAW_ROUNDED(rcp, __frcp, __drcp, FPC_CUDA_ARGS1, (f32_of(a)), (f64_of(a)))

// float32 -> tf32 through PTX cvt (the result is a float32 bit pattern whose low 13 bits must be
// zero; the tf32 code is the top 19 bits). Low bits that are not zero come back as an
// out-of-range code (bit 32 set) rather than being shifted away.
FPC_CUDA_D code tf32_code(uint32_t r) { return (r & 0x1FFFu) != 0 ? (code{1} << 32) | r : code{r >> 13}; }
// One wrapper per cvt variant, executing the instruction where the target architecture has it
// (ptxas and LLVM NVPTX: rna and rna.satfinite from sm_80, rn/rz from sm_90, .satfinite on
// rn/rz from sm_100). Elsewhere it raises g_unsupported_instruction, which the device runner
// turns into an error for the whole batch: no value is made up, and (unlike __trap) the CUDA
// context survives for the next op.
static __device__ unsigned g_unsupported_instruction;
#define FPC_CUDAW_TF32(NAME, INSTR, MIN_ARCH)                                 \
  FPC_CUDA_D code NAME(code x) {                                             \
    if constexpr (kCudaArch >= MIN_ARCH) {                                   \
      uint32_t r;                                                            \
      asm(INSTR " %0, %1;" : "=r"(r) : "f"(f32_of(x)));                      \
      return tf32_code(r);                                                   \
    } else {                                                                 \
      g_unsupported_instruction = 1;                                         \
      return 0;                                                              \
    }                                                                        \
  }
#if defined(__CUDA_ARCH__)
inline constexpr int kCudaArch = __CUDA_ARCH__;
#else
inline constexpr int kCudaArch = 0;
#endif
FPC_CUDAW_TF32(f32_to_tf32_rna, "cvt.rna.tf32.f32", 800)
FPC_CUDAW_TF32(f32_to_tf32_rna_satfinite, "cvt.rna.satfinite.tf32.f32", 800)
FPC_CUDAW_TF32(f32_to_tf32_rn, "cvt.rn.tf32.f32", 900)
FPC_CUDAW_TF32(f32_to_tf32_rz, "cvt.rz.tf32.f32", 900)
FPC_CUDAW_TF32(f32_to_tf32_rn_satfinite, "cvt.rn.satfinite.tf32.f32", 1000)
FPC_CUDAW_TF32(f32_to_tf32_rz_satfinite, "cvt.rz.satfinite.tf32.f32", 1000)
#undef FPC_CUDAW_TF32
#undef FPC_CUDAW_ROUNDED
#undef FPC_CUDA_ARGS1
#undef FPC_CUDA_ARGS2
#undef FPC_CUDA_ARGS3
#endif  // __CUDACC__
#undef FPC_CUDA_H_UNARY
#undef FPC_CUDA_H_BINARY
#undef FPC_CUDA_H_TERNARY

}  // namespace fpc::cudaw

// The vector entry points (half2/bfloat162, the x2/x4 classes), checked lane by lane.
#include "lane_wrappers.cuh"
