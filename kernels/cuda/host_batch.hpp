// The host path's batch functions: one plain loop over the cases per op, calling one inline
// wrapper of fp_wrappers.cuh / lane_wrappers.cuh. Shared by cuda_host (host_subjects.cpp) and the
// per-release modules (version_module.cpp); include after fp_wrappers.cuh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace fpc::cudaw {

using RawBatchFn = void (*)(const uint64_t* const* in, uint64_t* out, size_t n);

template <code (*F)(code)>
void loop1(const uint64_t* const* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F(in[0][i]);
}
template <code (*F)(code, code)>
void loop2(const uint64_t* const* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F(in[0][i], in[1][i]);
}
template <code (*F)(code, code, code)>
void loop3(const uint64_t* const* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = F(in[0][i], in[1][i], in[2][i]);
}
// A lane op (lane_spread.hpp): one call per vector of the batch.
template <auto F>
void loop_lanes(const uint64_t* const* in, uint64_t* out, size_t n) {
  constexpr int arity = LaneFn<decltype(F)>::arity;
  const uint64_t* b = arity > 1 ? in[1] : nullptr;
  const uint64_t* c = arity > 2 ? in[2] : nullptr;
  const size_t vectors = lane_vectors(n, LaneFn<decltype(F)>::lanes);
  for (size_t e = 0; e < vectors; ++e) run_lane_vector<F>(in[0], b, c, out, n, e);
}
template <auto F>
constexpr RawBatchFn batch() {
  if constexpr (LaneFn<decltype(F)>::value) return &loop_lanes<F>;
  else if constexpr (std::is_same_v<decltype(F), code (*)(code)>) return &loop1<F>;
  else if constexpr (std::is_same_v<decltype(F), code (*)(code, code)>) return &loop2<F>;
  else return &loop3<F>;
}

}  // namespace fpc::cudaw
