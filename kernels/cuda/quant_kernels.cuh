// Block quantization kernels written the way production CUDA kernels write them, with CUDA's own
// conversion intrinsics, as __host__ __device__ functions over one block:
//   * OCP MX v1.0 (MXFP8 E4M3/E5M2, MXFP6 E2M3/E3M2, MXFP4, MXINT8): the shared scale with
//     __nv_cvt_float_to_e8m0, the elements with __nv_cvt_float2_to_fp8x2 / _fp6x2 / _fp4x2
//     (pairs, as TransformerEngine's cvt.*x2 instructions) of x * 2^-E;
//   * NVFP4 (TransformerEngine's recipe): E4M3 block scale with __nv_cvt_float_to_fp8 SATFINITE,
//     E2M1 elements with __nv_cvt_float2_to_fp4x2;
//   * bitsandbytes blockwise FP4/NF4 (kQuantizeBlockwise; kernels/common/bnb_kernel.hpp);
//   * LLM.int8 row-wise absmax int8 and GPTQ-style int4/uint4 groups (scale and zero point).
// Compiled twice, like fp_wrappers.cuh: by g++ with the CUDA include directory (the headers' host
// path: quant_host.cpp, subjects cuda_host_*) and by nvcc for the GPU (quant_device_runner.cu,
// subjects cuda_device_*). Which reference of fpconform/quantize.hpp each kernel claims is in
// quant_kernel_list.hpp; the semantics are in docs/quantization.md "CUDA kernels".
//
// Every kernel has the shape of K::quantize(x, n, tensor_amax, codes, scale): n <= K::kBlock
// float32 values (bit patterns) of one block in, one element code per value and the block's scale
// code out. tensor_amax (max |x| over the whole tensor, NaN skipped) is used by NVFP4 only. The
// group kernels also write the block's zero point (quantize_block calls either shape).
#pragma once

#include "common/bnb_kernel.hpp"

#include <cuda_fp16.h>
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>

#include <cfloat>
#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define FPC_QUANT_HD __host__ __device__ inline
#else
#define FPC_QUANT_HD inline
#endif

namespace fpc::cuda_quant {

using bnb_kernel::bits_of;
using bnb_kernel::float_of;

// ---- OCP MX ----

// The element formats: the exponent of the largest normal binade (emax), float32(1 / max) for the
// round-up scale rule (TransformerEngine's Quantized_Limits<T>::max_norm_rcp), and the conversion
// of a pair into two codes (first element in the low lane).
template <__nv_fp8_interpretation_t I, int Emax, int Max>
struct Fp8 {
  static constexpr int kEmax = Emax;
  static constexpr float kMaxRcp = 1.0f / static_cast<float>(Max);
  FPC_QUANT_HD static void pair(float a, float b, uint8_t* out) {
    const unsigned p = __nv_cvt_float2_to_fp8x2(make_float2(a, b), __NV_SATFINITE, I);
    out[0] = static_cast<uint8_t>(p & 0xff);
    out[1] = static_cast<uint8_t>(p >> 8);
  }
};
using E4m3 = Fp8<__NV_E4M3, 8, 448>;
using E5m2 = Fp8<__NV_E5M2, 15, 57344>;
template <__nv_fp6_interpretation_t I, int Emax, int MaxTimes8>
struct Fp6 {
  static constexpr int kEmax = Emax;
  static constexpr float kMaxRcp = 8.0f / static_cast<float>(MaxTimes8);
  FPC_QUANT_HD static void pair(float a, float b, uint8_t* out) {
    const unsigned p = __nv_cvt_float2_to_fp6x2(make_float2(a, b), I, cudaRoundNearest);  // saturating
    out[0] = static_cast<uint8_t>(p & 0xff);
    out[1] = static_cast<uint8_t>(p >> 8);
  }
};
using E2m3 = Fp6<__NV_E2M3, 2, 60>;  // max 7.5
using E3m2 = Fp6<__NV_E3M2, 4, 224>;  // max 28
struct E2m1 {
  static constexpr int kEmax = 2;
  static constexpr float kMaxRcp = 1.0f / 6.0f;
  FPC_QUANT_HD static void pair(float a, float b, uint8_t* out) {
    const unsigned p = __nv_cvt_float2_to_fp4x2(make_float2(a, b), __NV_E2M1, cudaRoundNearest);  // saturating
    out[0] = static_cast<uint8_t>(p & 0xf);
    out[1] = static_cast<uint8_t>((p >> 4) & 0xf);
  }
};
// MXINT8: int8 with an implicit scale 2^-6, clamped to +-127 (symmetric). No CUDA conversion
// intrinsic exists for it; rintf rounds half to even on the host (default mode) and the device.
struct Int8 {
  static constexpr int kEmax = 0;
  static constexpr float kMaxRcp = 64.0f / 127.0f;
  FPC_QUANT_HD static uint8_t one(float v) {
    float q = rintf(v * 64.0f);  // exact scaling by a power of two
    q = q > 127.0f ? 127.0f : (q < -127.0f ? -127.0f : q);
    return static_cast<uint8_t>(static_cast<int8_t>(q));
  }
  FPC_QUANT_HD static void pair(float a, float b, uint8_t* out) {
    out[0] = one(a);
    out[1] = one(b);
  }
};

// How the shared exponent is chosen (fpconform/quantize.hpp MxScaleRule):
//   Floor (OCP MX v1.0 6.3): biased E = e8m0_rz(amax) - emax_elem, clamped at 0 (E >= -127).
//     __nv_cvt_float_to_e8m0 with cudaRoundZero is floor(log2 |amax|) + 127 (0 below 2^-127).
//   RoundUp (TransformerEngine float_to_e8m0 / cuBLAS): biased E = e8m0_rp_satfinite(amax *
//     float32(1 / max_elem)): the smallest power of two >= the float32 product, saturating at 254.
enum class ScaleRule { Floor, RoundUp };

// 2^-(biased - 127) as a float32, exactly, for biased in [0, 254]: 2^127 at 0 (a normal float),
// 2^-127 at 254 (the subnormal 0x00400000). Bit arithmetic rather than ldexpf/exp2f: one integer
// expression that is exact on host and device alike, and (unlike TransformerEngine's
// exp2f_rcp, docs/quantization.md) right at both ends of the E8M0 range.
FPC_QUANT_HD float exp2_neg(unsigned biased) {
  return float_of(biased == 254 ? 0x00400000u : (254u - biased) << 23);
}

// max |x| over the block, NaN propagating (so that a NaN element gives the NaN scale, as OCP MX
// 6.3 asks; fmaxf would skip it).
FPC_QUANT_HD float amax_nan(const uint32_t* x, size_t n) {
  float amax = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    const float a = fabsf(float_of(x[i]));
    if (a > amax || a != a) amax = a;
    if (amax != amax) break;
  }
  return amax;
}

template <class Element, ScaleRule Rule>
struct Mx {
  static constexpr size_t kBlock = 32;
  FPC_QUANT_HD static void quantize(const uint32_t* x, size_t n, float /*tensor_amax*/, uint8_t* codes, uint32_t* scale) {
    const float amax = amax_nan(x, n);
    if (!(amax <= FLT_MAX)) {  // NaN or infinity in the block: X = NaN (0xFF); elements: signed zeros
      *scale = 0xFF;
      for (size_t i = 0; i + 1 < n; i += 2) Element::pair(copysignf(0.0f, float_of(x[i])), copysignf(0.0f, float_of(x[i + 1])), codes + i);
      if (n % 2) odd_tail(copysignf(0.0f, float_of(x[n - 1])), codes + n - 1);
      return;
    }
    unsigned biased;
    if constexpr (Rule == ScaleRule::Floor) {
      const int floor_biased = static_cast<int>(__nv_cvt_float_to_e8m0(amax, __NV_NOSAT, cudaRoundZero));
      biased = static_cast<unsigned>(floor_biased > Element::kEmax ? floor_biased - Element::kEmax : 0);
    } else {
      biased = __nv_cvt_float_to_e8m0(amax * Element::kMaxRcp, __NV_SATFINITE, cudaRoundPosInf);
    }
    *scale = biased;
    const float inv = exp2_neg(biased);
    for (size_t i = 0; i + 1 < n; i += 2) Element::pair(float_of(x[i]) * inv, float_of(x[i + 1]) * inv, codes + i);
    if (n % 2) odd_tail(float_of(x[n - 1]) * inv, codes + n - 1);
  }
  FPC_QUANT_HD static void odd_tail(float v, uint8_t* code) {
    uint8_t two[2];
    Element::pair(v, 0.0f, two);
    *code = two[0];
  }
};

// ---- NVFP4, TransformerEngine's recipe (transformer_engine/common/cast/nvfp4/core_nvfp4.cuh) ----
// S_enc = 2688 / tensor_amax (capped at FLT_MAX; 1 for a zero amax or a zero quotient); the E4M3
// block scale S = e4m3_satfinite(amax_block * (S_enc * (1/6))); elements e2m1 of
// x * min(1 / (S * (1 / S_enc)), FLT_MAX). Claims nvfp4 reference "te".
struct Nvfp4 {
  static constexpr size_t kBlock = 16;
  FPC_QUANT_HD static float global_encode_scale(float tensor_amax) {
    float s_enc = 2688.0f / tensor_amax;
    s_enc = fminf(s_enc, FLT_MAX);
    return (tensor_amax == 0.0f || s_enc == 0.0f) ? 1.0f : s_enc;
  }
  FPC_QUANT_HD static void quantize(const uint32_t* x, size_t n, float tensor_amax, uint8_t* codes, uint32_t* scale) {
    const float s_enc = global_encode_scale(tensor_amax);
    const float s_dec_tensor = 1.0f / s_enc;
    float amax = 0.0f;
    for (size_t i = 0; i < n; ++i) amax = fmaxf(amax, fabsf(float_of(x[i])));
    const __nv_fp8_storage_t s_code = __nv_cvt_float_to_fp8(amax * (s_enc * (1.0f / 6.0f)), __NV_SATFINITE, __NV_E4M3);
    *scale = s_code;
    const float s_dec = __half2float(__half(__nv_cvt_fp8_to_halfraw(s_code, __NV_E4M3)));
    const float element_scale = fminf(1.0f / (s_dec * s_dec_tensor), FLT_MAX);
    for (size_t i = 0; i + 1 < n; i += 2) E2m1::pair(float_of(x[i]) * element_scale, float_of(x[i + 1]) * element_scale, codes + i);
    if (n % 2) {
      uint8_t two[2];
      E2m1::pair(float_of(x[n - 1]) * element_scale, 0.0f, two);
      codes[n - 1] = two[0];
    }
  }
};

// ---- bitsandbytes blockwise 4-bit (kQuantizeBlockwise, blocksize 64) ----
template <bool Fp4>
struct Bnb {
  static constexpr size_t kBlock = 64;
  FPC_QUANT_HD static void quantize(const uint32_t* x, size_t n, float /*tensor_amax*/, uint8_t* codes, uint32_t* scale) {
    bnb_kernel::quantize_block<Fp4>(x, n, codes, scale);
  }
};

// ---- LLM.int8 row-wise absmax int8 (bitsandbytes int8_vectorwise_quant) ----
// One row of Row values: absmax = max |x| (NaN propagating, as torch.max), r = 127.0f / absmax,
// q = rintf(x * r) (ties to even, as torch.round) clamped to [-128, 127]; the stored scale is the
// absmax as float32 bits (a NaN absmax as the quiet NaN 0x7fc00000: the references carry no NaN
// payload). Claims llm_int8_row "torch", whose model is bitsandbytes' torch implementation.
// Where x * r is NaN or infinite (an all-zero row: 0 * inf; a row of subnormals, where 127 /
// absmax overflows; NaN or inf in the row) the int8 cast is undefined; the reference gives code
// 0 there and so does this kernel (x86 torch's cast also gives 0: cvttss2si's 0x80000000).
// The division is IEEE float32 division on both paths. bitsandbytes' CUDA kernel
// (kInt8VectorQuant) instead computes __fdividef(127.0f, absmax), an approximate device-only
// division, and __float2int_rn(x * scale) on fp16 input, with fmaxf (NaN skipping) for the absmax
// and no clamp (inf -> INT_MAX, whose low byte is -1): the exact references cannot model
// __fdividef without a GPU measurement, so this kernel does not copy it (docs/quantization.md).
template <size_t Row>
struct LlmInt8Row {
  static constexpr size_t kBlock = Row;
  FPC_QUANT_HD static void quantize(const uint32_t* x, size_t n, float /*tensor_amax*/, uint8_t* codes, uint32_t* scale) {
    const float absmax = amax_nan(x, n);
    *scale = absmax != absmax ? 0x7fc00000u : bits_of(absmax);
    const float r = 127.0f / absmax;  // IEEE division (nvcc's default -prec-div=true), not __fdividef
    for (size_t i = 0; i < n; ++i) {
      const float s = float_of(x[i]) * r;
      if (!(fabsf(s) <= FLT_MAX)) {  // NaN or infinite: the reference's code 0
        codes[i] = 0;
        continue;
      }
      const float q = fminf(fmaxf(rintf(s), -128.0f), 127.0f);
      codes[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
  }
};

// ---- GPTQ-style 4-bit groups (GPTQ quant.py Quantizer.find_params / quantize, maxq = 15) ----
// Every step in float32, as the torch reference: xmin = min(min x, 0), xmax = max(max x, 0);
// symmetric: xmax = max(|xmin|, xmax), xmin = -xmax when xmin < 0; both zero: [-1, 1];
// scale = (xmax - xmin) / 15; zero = rintf(-xmin / scale) (symmetric: 8);
// q = clamp(rintf(x / scale) + zero, 0, 15). The divisions are IEEE float32 divisions on both
// paths. Outputs the uint4 codes, the scale as float32 bits and the group's zero point. The torch
// reference defines finite groups only (NaN or inf in a group: no claim) whose float32 scale is
// not 0.
template <bool Symmetric>
struct Int4Group {
  static constexpr size_t kBlock = 128;
  FPC_QUANT_HD static void quantize(const uint32_t* x, size_t n, float /*tensor_amax*/, uint8_t* codes, uint32_t* scale,
                                    int32_t* zero) {
    float xmin = 0.0f, xmax = 0.0f;
    for (size_t i = 0; i < n; ++i) {
      const float v = float_of(x[i]);
      if (v < xmin) xmin = v;
      if (v > xmax) xmax = v;
    }
    if (Symmetric) {
      if (fabsf(xmin) > xmax) xmax = fabsf(xmin);
      if (xmin < 0.0f) xmin = -xmax;
    }
    if (xmin == 0.0f && xmax == 0.0f) {
      xmin = -1.0f;
      xmax = 1.0f;
    }
    const float step = (xmax - xmin) / 15.0f;
    const float z = Symmetric ? 8.0f : rintf(-xmin / step);
    *scale = bits_of(step);
    // z is NaN or infinite only when step underflows to 0 (a range of at most 7 subnormal steps),
    // where the reference defines nothing; 0 then, not an undefined conversion.
    *zero = fabsf(z) < 2147483648.0f ? static_cast<int32_t>(z) : 0;
    for (size_t i = 0; i < n; ++i) {
      const float q = fminf(fmaxf(rintf(float_of(x[i]) / step) + z, 0.0f), 15.0f);
      codes[i] = static_cast<uint8_t>(q);
    }
  }
};

// Whether kernel K writes a zero point per block (quantize takes one more output).
template <class K>
inline constexpr bool kHasZeroPoints = false;
template <bool Symmetric>
inline constexpr bool kHasZeroPoints<Int4Group<Symmetric>> = true;

// One block of kernel K: codes, the scale code and, for kernels with zero points, *zero.
template <class K>
FPC_QUANT_HD void quantize_block(const uint32_t* x, size_t n, float tensor_amax, uint8_t* codes, uint32_t* scale, int32_t* zero) {
  if constexpr (kHasZeroPoints<K>)
    K::quantize(x, n, tensor_amax, codes, scale, zero);
  else
    K::quantize(x, n, tensor_amax, codes, scale);
}

// max |x| over the tensor, NaN skipped (fmaxf), as an amax reduction kernel computes it.
FPC_QUANT_HD float tensor_amax(const uint32_t* x, size_t n) {
  float amax = 0.0f;
  for (size_t i = 0; i < n; ++i) amax = fmaxf(amax, fabsf(float_of(x[i])));
  return amax;
}

}  // namespace fpc::cuda_quant
