// How the vector entry points (half2/bfloat162 arithmetic and conversions, the __nv_fp8x2/x4,
// __nv_fp6x2/x4 and __nv_fp4x2/x4 classes) are checked: every lane carries a case of its own.
//
// Such an op is a function of Lanes<N> (one code per lane, lane l being the vector's l-th
// element: `.x` `.y` `.z` `.w`, or the bits [l*slot, (l+1)*slot) of a packed storage word). Its
// declared semantics are those of one lane (e.g. add float16->float16 rne). A batch of n cases is
// spread over q = ceil(n/N) vectors: lane l of vector e carries case lane_case(e, l, q), a
// bijection of [0,q)x[0,N) onto [0, N*q) ⊇ [0, n). Even lanes run forwards and odd lanes
// backwards through their block of q cases, so a vector's lanes hold unrelated cases: for the
// exhaustive 2^16 float16 codes the two lanes of a half2 hold x and ~x (not x and -x, which an
// even function such as abs would map alike). A lane swap, one lane computed from another's
// operands, or a packing order other than the declared one therefore gives another case's result
// and shows up as mismatches. Slots past n read a valid case (index mod n) and are not written.
//
// No CUDA header here: host_subjects.cpp and device_runner.cu run lane ops through
// run_lane_vector, and tests use lane_case to emulate a swapped order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#if defined(__CUDACC__)
#define FPC_LANES_HD __host__ __device__ __forceinline__
#else
#define FPC_LANES_HD inline
#endif

namespace fpc::cudaw {

template <int N>
struct Lanes {
  uint64_t v[N];
};

// The case in lane `lane` of vector `e` (q vectors in the batch).
FPC_LANES_HD size_t lane_case(size_t e, int lane, size_t q) {
  const size_t block = static_cast<size_t>(lane) * q;
  return block + ((lane % 2 == 0) ? e : q - 1 - e);
}
// Vectors needed for n cases of an N-lane op.
FPC_LANES_HD size_t lane_vectors(size_t n, int lanes) { return (n + static_cast<size_t>(lanes) - 1) / lanes; }

// LaneFn<decltype(&f)>: whether f is a lane op, with its lane count and arity.
template <class Fn>
struct LaneFn : std::false_type {};
template <int N, class... Args>
struct LaneFn<Lanes<N> (*)(Args...)> : std::true_type {
  static constexpr int lanes = N;
  static constexpr int arity = static_cast<int>(sizeof...(Args));
};

// Runs vector e of a batch of n cases: operand k of case i is in[k][i], results to out[i].
template <auto F>
FPC_LANES_HD void run_lane_vector(const uint64_t* a, const uint64_t* b, const uint64_t* c, uint64_t* out, size_t n,
                                  size_t e) {
  using T = LaneFn<decltype(F)>;
  constexpr int N = T::lanes;
  const size_t q = lane_vectors(n, N);
  const uint64_t* src[3] = {a, b, c};
  Lanes<N> x[3] = {};
  for (int k = 0; k < T::arity; ++k)
    for (int l = 0; l < N; ++l) x[k].v[l] = src[k][lane_case(e, l, q) % n];
  Lanes<N> r;
  if constexpr (T::arity == 1) r = F(x[0]);
  else if constexpr (T::arity == 2) r = F(x[0], x[1]);
  else r = F(x[0], x[1], x[2]);
  for (int l = 0; l < N; ++l) {
    const size_t i = lane_case(e, l, q);
    if (i < n) out[i] = r.v[l];
  }
}

}  // namespace fpc::cudaw
