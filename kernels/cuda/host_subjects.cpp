// "cuda_host": the CUDA headers' host path, compiled by the C++ compiler (not nvcc). Every op's
// batch function is a plain loop over the cases calling one inline wrapper of fp_wrappers.cuh.
#include "cuda_ops.hpp"
#include "fp_wrappers.cuh"

#include <stdexcept>
#include <string>

#ifndef FPC_CUDA_VERSION
#define FPC_CUDA_VERSION "unknown"
#endif

namespace fpc::cuda_ops {
namespace {

template <typename R, typename A, R (*F)(A)>
void unary_loop(const uint64_t* const* in, uint64_t* out, size_t n) {
  const uint64_t* a = in[0];
  for (size_t i = 0; i < n; ++i) out[i] = F(static_cast<A>(a[i]));
}
template <auto F>
BatchFn unary() {
  return []<typename R, typename A>(R (*)(A)) -> BatchFn { return &unary_loop<R, A, F>; }(F);
}

template <uint16_t (*F)(uint16_t, uint16_t)>
void binary16_loop(const uint64_t* const* in, uint64_t* out, size_t n) {
  const uint64_t* a = in[0];
  const uint64_t* b = in[1];
  for (size_t i = 0; i < n; ++i) out[i] = F(static_cast<uint16_t>(a[i]), static_cast<uint16_t>(b[i]));
}

// One half of the x2 conversion: the case in half `Hi`, its complement in the other half.
template <uint16_t (*F)(uint32_t, uint32_t), bool Hi>
void x2_half_loop(const uint64_t* const* in, uint64_t* out, size_t n) {
  const uint64_t* a = in[0];
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<uint32_t>(a[i]);
    if constexpr (Hi) {
      out[i] = static_cast<uint16_t>(F(~x, x) >> 8);
    } else {
      out[i] = static_cast<uint16_t>(F(x, ~x) & 0xFFu);
    }
  }
}

using cudaw::f32_to_fp8;
using cudaw::f32x2_to_fp8x2;

BatchFn host_batch_fn(Id id) {
  switch (id) {
    case Id::F32ToE4m3Sat: return unary<&f32_to_fp8<__NV_E4M3, __NV_SATFINITE>>();
    case Id::F32ToE4m3NoSat: return unary<&f32_to_fp8<__NV_E4M3, __NV_NOSAT>>();
    case Id::F32ToE5m2Sat: return unary<&f32_to_fp8<__NV_E5M2, __NV_SATFINITE>>();
    case Id::F32ToE5m2NoSat: return unary<&f32_to_fp8<__NV_E5M2, __NV_NOSAT>>();
    case Id::F32x2ToE4m3SatLo: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E4M3, __NV_SATFINITE>, false>;
    case Id::F32x2ToE4m3SatHi: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E4M3, __NV_SATFINITE>, true>;
    case Id::F32x2ToE4m3NoSatLo: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E4M3, __NV_NOSAT>, false>;
    case Id::F32x2ToE4m3NoSatHi: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E4M3, __NV_NOSAT>, true>;
    case Id::F32x2ToE5m2SatLo: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E5M2, __NV_SATFINITE>, false>;
    case Id::F32x2ToE5m2SatHi: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E5M2, __NV_SATFINITE>, true>;
    case Id::F32x2ToE5m2NoSatLo: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E5M2, __NV_NOSAT>, false>;
    case Id::F32x2ToE5m2NoSatHi: return &x2_half_loop<&f32x2_to_fp8x2<__NV_E5M2, __NV_NOSAT>, true>;
    case Id::F32ToBf16Rn: return unary<&cudaw::f32_to_bf16_rn>();
    case Id::F32ToBf16Rz: return unary<&cudaw::f32_to_bf16_rz>();
    case Id::F32ToBf16Ru: return unary<&cudaw::f32_to_bf16_ru>();
    case Id::F32ToBf16Rd: return unary<&cudaw::f32_to_bf16_rd>();
    case Id::F32ToF16Rn: return unary<&cudaw::f32_to_f16_rn>();
    case Id::F32ToF16Rz: return unary<&cudaw::f32_to_f16_rz>();
    case Id::F32ToF16Ru: return unary<&cudaw::f32_to_f16_ru>();
    case Id::F32ToF16Rd: return unary<&cudaw::f32_to_f16_rd>();
    case Id::E4m3ToF16: return unary<&cudaw::fp8_to_f16<__NV_E4M3>>();
    case Id::E5m2ToF16: return unary<&cudaw::fp8_to_f16<__NV_E5M2>>();
    case Id::Bf16ToF32: return unary<&cudaw::bf16_to_f32>();
    case Id::F16ToF32: return unary<&cudaw::f16_to_f32>();
    case Id::F16Add: return &binary16_loop<&cudaw::f16_add>;
    case Id::F16Sub: return &binary16_loop<&cudaw::f16_sub>;
    case Id::F16Mul: return &binary16_loop<&cudaw::f16_mul>;
    case Id::F16Div: return &binary16_loop<&cudaw::f16_div>;
    case Id::Bf16Add: return &binary16_loop<&cudaw::bf16_add>;
    case Id::Bf16Sub: return &binary16_loop<&cudaw::bf16_sub>;
    case Id::Bf16Mul: return &binary16_loop<&cudaw::bf16_mul>;
    case Id::Bf16Div: return &binary16_loop<&cudaw::bf16_div>;
    case Id::F16Fma:   // device only: the headers declare __hfma for nvcc alone
    case Id::Bf16Fma:
      break;
  }
  throw std::logic_error("cuda_host: no host path for op id " + std::to_string(static_cast<int>(id)));
}

}  // namespace

Subject make_cuda_host_subject() {
  Subject s;
  s.name = "cuda_host";
  s.description = std::string("host path of the CUDA ") + FPC_CUDA_VERSION +
                  " headers cuda_fp16.h, cuda_bf16.h, cuda_fp8.h (compiled by the C++ compiler, not nvcc)";
  for (const Spec& spec : specs()) {
    if (!spec.host) continue;
    SubjectOp op;
    op.name = spec.name;
    op.entry = spec.entry;
    op.semantics = semantics_of(spec);
    op.run = host_batch_fn(spec.id);
    s.ops.push_back(std::move(op));
  }
  return s;
}

}  // namespace fpc::cuda_ops
