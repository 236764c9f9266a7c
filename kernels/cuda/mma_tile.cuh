// What the mma.sync and wgmma runners share: the fragment coordinates of the PTX ISA's register
// layouts (mma m16n8k16 for FP16/BF16, m16n8k8 for TF32, m16n8k32 for FP8; a wgmma warp's
// 16-row slice of A and of D uses the same layouts), the packing of a tile's operands, and the
// copies in and out of the device.
//
// A tile is 8 dots: dot j is row j of A and column j of B, and its result is D[j][j] (C[j][j] is
// its addend, every other entry of C is 0). The other entries of D are products of different
// dots and are never read; rows 8..15 of A are zero.
#pragma once

#include "mma_runner.h"

#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <type_traits>

namespace fpc::cuda_mma {

template <MmaInput In>
struct Shape;
template <>
struct Shape<MmaInput::Float16> {
  static constexpr int k = 16, bytes = 2, a_elems = 8, b_elems = 4;
};
template <>
struct Shape<MmaInput::BFloat16> : Shape<MmaInput::Float16> {};
template <>
struct Shape<MmaInput::Tf32> {
  static constexpr int k = 8, bytes = 4, a_elems = 4, b_elems = 2;
};
template <>
struct Shape<MmaInput::E4M3> {
  static constexpr int k = 32, bytes = 1, a_elems = 16, b_elems = 8;
};
template <>
struct Shape<MmaInput::E5M2> : Shape<MmaInput::E4M3> {};

// Element i of a thread's A fragment (g = lane / 4, t = lane % 4): its row and column (k).
template <MmaInput In>
__device__ inline void a_coord(int i, int g, int t, int& row, int& col) {
  if constexpr (Shape<In>::bytes == 2) {  // a0..a7 in 4 registers of 2
    row = g + 8 * ((i >> 1) & 1);
    col = 2 * t + (i & 1) + 8 * (i >> 2);
  } else if constexpr (Shape<In>::bytes == 4) {  // a0..a3, one a register
    row = g + 8 * (i & 1);
    col = t + 4 * (i >> 1);
  } else {  // a0..a15 in 4 registers of 4
    row = g + 8 * ((i >> 2) & 1);
    col = 4 * t + (i & 3) + 16 * (i >> 3);
  }
}
// Element i of a thread's B fragment: its row (k); its column is g.
template <MmaInput In>
__device__ inline int b_row(int i, int t) {
  if constexpr (Shape<In>::bytes == 2) return 2 * t + (i & 1) + 8 * (i >> 1);
  else if constexpr (Shape<In>::bytes == 4) return t + 4 * i;
  else return 4 * t + (i & 3) + 16 * (i >> 2);
}
// Element i (0..3) of a thread's C/D fragment: row g or g + 8, column 2t or 2t + 1.
__device__ inline void c_coord(int i, int g, int t, int& row, int& col) {
  row = g + 8 * (i >> 1);
  col = 2 * t + (i & 1);
}

template <MmaInput In>
__device__ inline uint32_t load_element(const void* p, size_t index) {
  if constexpr (Shape<In>::bytes == 1) return static_cast<const uint8_t*>(p)[index];
  else if constexpr (Shape<In>::bytes == 2) return static_cast<const uint16_t*>(p)[index];
  else return static_cast<const uint32_t*>(p)[index];
}

// The thread's A fragment of dots base..base+7 at k0 (rows 8..15 and missing dots zero).
template <MmaInput In>
__device__ inline void load_a(const void* a, size_t base, size_t count, size_t K, size_t k0, int g, int t, uint32_t (&ra)[4]) {
  constexpr int per_register = 4 / Shape<In>::bytes;
  for (int r = 0; r < 4; ++r) ra[r] = 0;
  for (int i = 0; i < Shape<In>::a_elems; ++i) {
    int row, col;
    a_coord<In>(i, g, t, row, col);
    if (row >= 8 || base + row >= count) continue;
    ra[i / per_register] |= load_element<In>(a, (base + row) * K + k0 + col) << (8 * Shape<In>::bytes * (i % per_register));
  }
}

// The thread's B fragment (column g: dot base + g).
template <MmaInput In>
__device__ inline void load_b(const void* b, size_t base, size_t count, size_t K, size_t k0, int g, int t, uint32_t (&rb)[2]) {
  constexpr int per_register = 4 / Shape<In>::bytes;
  rb[0] = rb[1] = 0;
  if (base + g >= count) return;
  for (int i = 0; i < Shape<In>::b_elems; ++i)
    rb[i / per_register] |= load_element<In>(b, (base + g) * K + k0 + b_row<In>(i, t)) << (8 * Shape<In>::bytes * (i % per_register));
}

// C on the diagonal, 0 elsewhere; `row_offset` is the warp's first row (wgmma: 16 * warp).
__device__ inline void load_c(const uint32_t* c, size_t base, size_t count, int row_offset, int g, int t, float (&acc)[4]) {
  for (int i = 0; i < 4; ++i) {
    int row, col;
    c_coord(i, g, t, row, col);
    row += row_offset;
    acc[i] = (row == col && base + row < count) ? __uint_as_float(c[base + row]) : 0.0f;
  }
}

__device__ inline void store_d(uint32_t* d, size_t base, size_t count, int row_offset, int g, int t, const float (&acc)[4]) {
  for (int i = 0; i < 4; ++i) {
    int row, col;
    c_coord(i, g, t, row, col);
    row += row_offset;
    if (row == col && base + row < count) d[base + row] = __float_as_uint(acc[i]);
  }
}

inline int fail(cudaError_t e, const char* what, char* err, size_t len) {
  std::snprintf(err, len, "%s: %s", what, cudaGetErrorString(e));
  return 1;
}

// After a kernel launch: its launch error, its completion, then `words` bytes of d copied back
// from the device's d_device. 0, or 1 with the message in err.
inline int finish_launch(uint32_t* d, const char* d_device, size_t words, char* err, size_t len) {
  cudaError_t e;
  if ((e = cudaGetLastError()) != cudaSuccess) return fail(e, "kernel launch", err, len);
  if ((e = cudaDeviceSynchronize()) != cudaSuccess) return fail(e, "kernel", err, len);
  if ((e = cudaMemcpy(d, d_device, words, cudaMemcpyDeviceToHost)) != cudaSuccess)
    return fail(e, "cudaMemcpy from the device", err, len);
  return 0;
}

// Copies a, b, c to the device, runs `launch(a, b, c, d)` and copies d back.
template <typename Launch>
int run_on_device(int bytes, const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K,
                  char* err, size_t len, Launch launch) {
  if (count == 0) return 0;
  const size_t operand = count * K * static_cast<size_t>(bytes);
  const size_t words = count * sizeof(uint32_t);
  char* buf = nullptr;
  cudaError_t e = cudaMalloc(&buf, 2 * operand + 2 * words + 64);
  if (e != cudaSuccess) return fail(e, "cudaMalloc", err, len);
  // Each region 16-byte aligned.
  const size_t a_at = 0, b_at = (operand + 15) / 16 * 16, c_at = b_at + (operand + 15) / 16 * 16,
               d_at = c_at + (words + 15) / 16 * 16;
  int rc = 0;
  if ((e = cudaMemcpy(buf + a_at, a, operand, cudaMemcpyHostToDevice)) != cudaSuccess ||
      (e = cudaMemcpy(buf + b_at, b, operand, cudaMemcpyHostToDevice)) != cudaSuccess ||
      (e = cudaMemcpy(buf + c_at, c, words, cudaMemcpyHostToDevice)) != cudaSuccess) {
    rc = fail(e, "cudaMemcpy to the device", err, len);
  } else {
    launch(buf + a_at, buf + b_at, reinterpret_cast<const uint32_t*>(buf + c_at), reinterpret_cast<uint32_t*>(buf + d_at));
    rc = finish_launch(d, buf + d_at, words, err, len);
  }
  cudaFree(buf);
  return rc;
}

// The K check and the switch from the runtime input type to the kernel's template argument:
// run(std::integral_constant<MmaInput, In>{}) for `in`.
template <typename Run>
int dispatch(MmaInput in, size_t K, char* err, size_t len, Run run) {
  if (K == 0 || K % static_cast<size_t>(instruction_k(in)) != 0) {
    std::snprintf(err, len, "K = %zu is not a multiple of the instruction's k = %d", K, instruction_k(in));
    return 1;
  }
  switch (in) {
    case MmaInput::Float16: return run(std::integral_constant<MmaInput, MmaInput::Float16>{});
    case MmaInput::BFloat16: return run(std::integral_constant<MmaInput, MmaInput::BFloat16>{});
    case MmaInput::Tf32: return run(std::integral_constant<MmaInput, MmaInput::Tf32>{});
    case MmaInput::E4M3: return run(std::integral_constant<MmaInput, MmaInput::E4M3>{});
    case MmaInput::E5M2: return run(std::integral_constant<MmaInput, MmaInput::E5M2>{});
  }
  std::snprintf(err, len, "unknown input type");
  return 1;
}

}  // namespace fpc::cuda_mma
