// Wrappers of CUDA's vector entry points as functions of Lanes (lane_spread.hpp says how a batch's
// cases are spread over the lanes). Included at the end of fp_wrappers.cuh, whose plumbing it uses.
//
// Lane l is the l-th element of the vector: `.x .y .z .w` of float2/float4/double2, and for the
// packed types the bits [l*slot, (l+1)*slot) of the storage word, lane 0 lowest. That is what
// the documentation says: cuda_fp16.h/cuda_bf16.h "Low 16 bits of the return value correspond to
// a.x and high 16 bits ... to a.y" (__float22half2_rn, __floats2half2_rn, bfloat16 likewise); the
// PTX ISA's cvt ("the value converted from input a is stored in the upper 8 bits of d and the value
// converted from input b is stored in the lower 8 bits", which the headers call with a = x.y,
// b = x.x; packed sources: "the value converted from the lower 8 bits of a is stored in the lower
// 16 bits of d"); and the x4 classes build their storage from the x2 conversions of (x, y) in the
// low half and (z, w) in the high half. The half2/bfloat162 results are read as their 32-bit
// patterns, so the claim is checked on bits, not on struct fields. Packed results are split into
// slots; the top lane keeps every bit above it, so stray bits come back as out-of-range codes.
#pragma once

#include "lane_spread.hpp"

namespace fpc::cudaw {

// --- packing: lane l <-> bits [l*Slot, (l+1)*Slot) ---
template <int N, int Slot>
FPC_CUDA_HD code pack(Lanes<N> x) {
  code s = 0;
  for (int l = 0; l < N; ++l) s |= (x.v[l] & kLowMask<Slot>) << (Slot * l);
  return s;
}
template <int N, int Slot>
FPC_CUDA_HD Lanes<N> unpack(code s) {
  Lanes<N> r;
  for (int l = 0; l < N; ++l) r.v[l] = l == N - 1 ? s >> (Slot * l) : (s >> (Slot * l)) & kLowMask<Slot>;
  return r;
}

// --- half2 / bfloat162 / float2 / float4 <-> lanes ---
FPC_CUDA_HD __half2 h2_of(Lanes<2> x) { return __half2(bits_as<__half2_raw>(static_cast<uint32_t>(pack<2, 16>(x)))); }
FPC_CUDA_HD __nv_bfloat162 bf2_of(Lanes<2> x) {
  return __nv_bfloat162(bits_as<__nv_bfloat162_raw>(static_cast<uint32_t>(pack<2, 16>(x))));
}
FPC_CUDA_HD Lanes<2> lanes_of(__half2 h) { return unpack<2, 16>(bits_as<uint32_t>(h)); }
FPC_CUDA_HD Lanes<2> lanes_of(__nv_bfloat162 h) { return unpack<2, 16>(bits_as<uint32_t>(h)); }
FPC_CUDA_HD Lanes<2> lanes_of(float2 f) { return {{code_of(f.x), code_of(f.y)}}; }
FPC_CUDA_HD Lanes<4> lanes_of(float4 f) { return {{code_of(f.x), code_of(f.y), code_of(f.z), code_of(f.w)}}; }

// The class constructors take __half2/__nv_bfloat162, the pair sources of fp_wrappers.cuh build raws.
template <class T>
FPC_CUDA_HD T value_of(T v) { return v; }
FPC_CUDA_HD __half2 value_of(__half2_raw r) { return __half2(r); }
FPC_CUDA_HD __nv_bfloat162 value_of(__nv_bfloat162_raw r) { return __nv_bfloat162(r); }

// --- half2 / bfloat162 arithmetic: one wrapper per (function, type) ---
#define FPC_CUDA_H2_UNARY(QUAL, NAME, FN)                                        \
  QUAL Lanes<2> f16x2_##NAME(Lanes<2> a) { return lanes_of(FN(h2_of(a))); }     \
  QUAL Lanes<2> bf16x2_##NAME(Lanes<2> a) { return lanes_of(FN(bf2_of(a))); }
#define FPC_CUDA_H2_BINARY(QUAL, NAME, FN)                                                                 \
  QUAL Lanes<2> f16x2_##NAME(Lanes<2> a, Lanes<2> b) { return lanes_of(FN(h2_of(a), h2_of(b))); }          \
  QUAL Lanes<2> bf16x2_##NAME(Lanes<2> a, Lanes<2> b) { return lanes_of(FN(bf2_of(a), bf2_of(b))); }
#define FPC_CUDA_H2_TERNARY(QUAL, NAME, FN)                                                               \
  QUAL Lanes<2> f16x2_##NAME(Lanes<2> a, Lanes<2> b, Lanes<2> c) {                                       \
    return lanes_of(FN(h2_of(a), h2_of(b), h2_of(c)));                                                    \
  }                                                                                                       \
  QUAL Lanes<2> bf16x2_##NAME(Lanes<2> a, Lanes<2> b, Lanes<2> c) {                                      \
    return lanes_of(FN(bf2_of(a), bf2_of(b), bf2_of(c)));                                                 \
  }

#if FPC_CUDA_HOST_ARITH
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, add, __hadd2)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, sub, __hsub2)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, mul, __hmul2)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, div, __h2div)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, add_rn, __hadd2_rn)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, sub_rn, __hsub2_rn)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, mul_rn, __hmul2_rn)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, add_sat, __hadd2_sat)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, sub_sat, __hsub2_sat)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, mul_sat, __hmul2_sat)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, max, __hmax2)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, min, __hmin2)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, max_nan, __hmax2_nan)
FPC_CUDA_H2_BINARY(FPC_CUDA_HD, min_nan, __hmin2_nan)
FPC_CUDA_H2_UNARY(FPC_CUDA_HD, abs, __habs2)
#endif  // FPC_CUDA_HOST_ARITH
#if defined(__CUDACC__)
// Device only: the headers declare these for nvcc compilations alone.
FPC_CUDA_H2_TERNARY(FPC_CUDA_D, fma, __hfma2)
FPC_CUDA_H2_TERNARY(FPC_CUDA_D, fma_sat, __hfma2_sat)
FPC_CUDA_H2_TERNARY(FPC_CUDA_D, fma_relu, __hfma2_relu)
FPC_CUDA_H2_UNARY(FPC_CUDA_D, sqrt, h2sqrt)
FPC_CUDA_H2_UNARY(FPC_CUDA_D, rcp, h2rcp)
#endif
#undef FPC_CUDA_H2_UNARY
#undef FPC_CUDA_H2_BINARY
#undef FPC_CUDA_H2_TERNARY

// --- half2 / bfloat162 conversions ---
#if FPC_CUDA_HOST_ARITH  // 11.8 .. 12.1 declare the float2 forms for the device only
FPC_CUDA_HD Lanes<2> f32x2_to_f16x2_rn(Lanes<2> x) { return lanes_of(__float22half2_rn(F32::two(x.v[0], x.v[1]))); }
FPC_CUDA_HD Lanes<2> f32_pair_to_f16x2_rn(Lanes<2> x) {
  return lanes_of(__floats2half2_rn(f32_of(x.v[0]), f32_of(x.v[1])));
}
FPC_CUDA_HD Lanes<2> f16x2_to_f32x2(Lanes<2> x) { return lanes_of(__half22float2(h2_of(x))); }
FPC_CUDA_HD Lanes<2> f16x2_low_high_to_f32(Lanes<2> x) {
  const __half2 h = h2_of(x);
  return {{code_of(__low2float(h)), code_of(__high2float(h))}};
}
FPC_CUDA_HD Lanes<2> f32x2_to_bf16x2_rn(Lanes<2> x) {
  return lanes_of(__float22bfloat162_rn(F32::two(x.v[0], x.v[1])));
}
FPC_CUDA_HD Lanes<2> f32_pair_to_bf16x2_rn(Lanes<2> x) {
  return lanes_of(__floats2bfloat162_rn(f32_of(x.v[0]), f32_of(x.v[1])));
}
FPC_CUDA_HD Lanes<2> bf16x2_to_f32x2(Lanes<2> x) { return lanes_of(__bfloat1622float2(bf2_of(x))); }
FPC_CUDA_HD Lanes<2> bf16x2_low_high_to_f32(Lanes<2> x) {
  const __nv_bfloat162 h = bf2_of(x);
  return {{code_of(__low2float(h)), code_of(__high2float(h))}};
}

#endif  // FPC_CUDA_HOST_ARITH

// --- the x2 / x4 classes of cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (C: the class; Slot: bits a lane) ---
// Constructors: the storage word __x, split into lanes.
template <class C, class Src, int Slot>
FPC_CUDA_HD Lanes<2> x2_from(Lanes<2> x) {
  return unpack<2, Slot>(C(value_of(Src::two(x.v[0], x.v[1]))).__x);
}
template <class C, int Slot>
FPC_CUDA_HD Lanes<4> x4_from_f32(Lanes<4> x) {
  float4 f;
  f.x = f32_of(x.v[0]);
  f.y = f32_of(x.v[1]);
  f.z = f32_of(x.v[2]);
  f.w = f32_of(x.v[3]);
  return unpack<4, Slot>(C(f).__x);
}
#if FPC_CUDA_DOUBLE4_32A
template <class C, int Slot>
FPC_CUDA_HD Lanes<4> x4_from_f64(Lanes<4> x) {
  double4_32a f;  // double4 is deprecated in CUDA 13; the classes take its aligned variants alike
  f.x = f64_of(x.v[0]);
  f.y = f64_of(x.v[1]);
  f.z = f64_of(x.v[2]);
  f.w = f64_of(x.v[3]);
  return unpack<4, Slot>(C(f).__x);
}
#endif
// The (lo, hi) pair constructors: lanes 0, 1 in lo and lanes 2, 3 in hi.
template <class C, class Src, int Slot>
FPC_CUDA_HD Lanes<4> x4_from_pairs(Lanes<4> x) {
  return unpack<4, Slot>(C(value_of(Src::two(x.v[0], x.v[1])), value_of(Src::two(x.v[2], x.v[3]))).__x);
}
// Conversion operators: the lanes packed into __x, converted back.
template <class C, int N, int Slot>
FPC_CUDA_HD C packed_class(Lanes<N> x) {
  C c;
  c.__x = static_cast<decltype(c.__x)>(pack<N, Slot>(x));
  return c;
}
template <class C, int Slot>
FPC_CUDA_HD Lanes<2> x2_to_f32x2(Lanes<2> x) { return lanes_of(static_cast<float2>(packed_class<C, 2, Slot>(x))); }
template <class C, int Slot>
FPC_CUDA_HD Lanes<2> x2_to_f16x2(Lanes<2> x) { return lanes_of(static_cast<__half2>(packed_class<C, 2, Slot>(x))); }
template <class C, int Slot>
FPC_CUDA_HD Lanes<4> x4_to_f32x4(Lanes<4> x) { return lanes_of(static_cast<float4>(packed_class<C, 4, Slot>(x))); }

}  // namespace fpc::cudaw
