// bitsandbytes' blockwise 4-bit quantizer as its CUDA kernel computes it (csrc/kernels.cu:
// kQuantizeBlockwise with dQuantizeFP4 / dQuantizeNF4, built with --use_fast_math), written once
// for every compiler that runs it: g++ (the CPU port, cpu_bnb_*_cuda_port, and the host path
// of the CUDA kernels, cuda_host_bnb_*) and nvcc (cuda_device_bnb_*, kernels/cuda/). No CUDA
// header is needed. Semantics: docs/quantization.md, "bitsandbytes ... cuda".
//
// Fast math's flush-to-zero is done by hand (flush()): idempotent, so the result is the same
// whether or not the compiler also flushes. 1 / absmax is the correctly rounded quotient, not
// fast math's approximate reciprocal (neither the oracle's `cuda` reference nor this models it).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define FPC_BNB_HD __host__ __device__ inline
#else
#define FPC_BNB_HD inline
#endif

namespace fpc::bnb_kernel {

FPC_BNB_HD float float_of(uint32_t b) {
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}
FPC_BNB_HD uint32_t bits_of(float f) {
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

// CUDA --use_fast_math: a subnormal operand or result is flushed to zero of the same sign.
FPC_BNB_HD float flush(float x) {
  return (bits_of(x) & 0x7f800000u) == 0 ? float_of(bits_of(x) & 0x80000000u) : x;
}

// dQuantizeFP4: sign = x < 0, then |x| through the decimal float32 thresholds (strict >).
FPC_BNB_HD unsigned char fp4_tree(float x) {
  const int sign = x < 0 ? 0b1000 : 0;
  x = fabsf(x);
  if (x > 0.29166667f) {
    if (x > 0.583333f) return static_cast<unsigned char>((x > 0.8333333f ? 0b0011 : 0b0010) + sign);
    return static_cast<unsigned char>((x > 0.4166667f ? 0b101 : 0b100) + sign);
  }
  if (x > 0.0859375f) return static_cast<unsigned char>((x > 0.20833333f ? 0b0111 : 0b0110) + sign);
  return static_cast<unsigned char>((x > 0.00260417f ? 0b0001 : 0b0000) + sign);
}

// dQuantizeNF4: a binary search over the 15 decimal float32 midpoints, strict >; NaN -> 0.
FPC_BNB_HD unsigned char nf4_tree(float x) {
  if (x > 0.03979014977812767f) {
    if (x > 0.3893125355243683f) {
      if (x > 0.6427869200706482f) return x > 0.8614784181118011f ? 0b1111 : 0b1110;
      return x > 0.5016634166240692f ? 0b1101 : 0b1100;
    }
    if (x > 0.2035212516784668f) return x > 0.2920137718319893f ? 0b1011 : 0b1010;
    return x > 0.1202552504837513f ? 0b1001 : 0b1000;
  }
  if (x > -0.33967943489551544f) {
    if (x > -0.13791173323988914f) return x > -0.045525018125772476f ? 0b0111 : 0b0110;
    return x > -0.23460740596055984f ? 0b0101 : 0b0100;
  }
  if (x > -0.6106329262256622f) return x > -0.4599952697753906f ? 0b0011 : 0b0010;
  return x > -0.8480964004993439f ? 0b0001 : 0b0000;
}

// One block of n float32 values (bit patterns): codes[i] (unpacked 4-bit codes) and the stored
// absmax as float32 bits. absmax = fmaxf over |x| from -FLT_MAX (NaN skipped); r = 1 / absmax;
// each element's code from flush(x * r).
template <bool Fp4>
FPC_BNB_HD void quantize_block(const uint32_t* x, size_t n, uint8_t* codes, uint32_t* absmax_bits) {
  float absmax = -FLT_MAX;
  for (size_t i = 0; i < n; ++i) {
    const float a = fabsf(flush(float_of(x[i])));
    // NaN skipped by hand: glibc's fmaxf (the host path) turns a signalling NaN into a quiet NaN
    // that the next fmaxf then drops together with the absmax so far (IEEE 754-2008 maxNum);
    // CUDA's fmaxf skips every NaN.
    if ((bits_of(a) & 0x7fffffffu) <= 0x7f800000u) absmax = fmaxf(absmax, a);
  }
  *absmax_bits = bits_of(absmax);
  const float r = flush(1.0f / absmax);
  for (size_t i = 0; i < n; ++i) {
    const float s = flush(flush(float_of(x[i])) * r);
    codes[i] = Fp4 ? fp4_tree(s) : nf4_tree(s);
  }
}

}  // namespace fpc::bnb_kernel
