// "cpu_f16c": x86 F16C, the half-precision conversions every x86-64 CPU since 2012 has.
//
//   float32_to_float16_imm_<mode>    vcvtps2ph ymm, imm8 = the mode's _MM_FROUND_TO_* (imm8[2] = 0:
//                                    imm8[1:0] picks the rounding, MXCSR.RC is ignored)
//   float32_to_float16_mxcsr_<mode>  vcvtps2ph ymm, _MM_FROUND_CUR_DIRECTION (imm8[2] = 1) with
//                                    MXCSR.RC set to the mode for the batch
//   float16_to_float32               vcvtph2ps ymm (exact)
//
// Declared semantics, from Intel's SDM (VCVTPS2PH): correct rounding in the selected direction,
// tiny results delivered as float16 subnormals (MXCSR.FTZ is ignored), overflow to ±inf or ±max
// per the IEEE direction, NaNs quieted. Every batch runs with MXCSR pinned to its power-on value
// 0x1F80 (all exceptions masked, DAZ and FTZ off) with RC as described below, and restored after,
// so the caller's floating-point environment cannot leak into the results.
//
// The intrinsics are _mm256_cvtps_ph and _mm256_cvtph_ps (8 lanes; the same instruction as
// _mm_cvtps_ph on 4). Only these functions are compiled for f16c (target attribute); the rest of
// the build stays baseline x86-64 and the subject is unavailable on CPUs without F16C.
#include "machine_ops.hpp"
#include "machine_subjects.hpp"

// GCC only: clang 14 has neither the AVX512-FP16 intrinsics nor __builtin_cpu_supports("f16c").
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define FPC_HAVE_X86 1
#endif

namespace fpc::machine_subjects {

#if defined(FPC_HAVE_X86)
namespace {

constexpr unsigned kMxcsrDefault = 0x1F80;  // exceptions masked, RC = nearest, no DAZ/FTZ
constexpr unsigned kMxcsrRoundingMask = 0x6000;

// MXCSR.RC (bits 13-14) of a rounding direction.
unsigned mxcsr_rc(Rounding r) {
  switch (r) {
    case Rounding::TowardNegative: return 0x2000;
    case Rounding::TowardPositive: return 0x4000;
    case Rounding::TowardZero: return 0x6000;
    default: return 0x0000;
  }
}

// Pins MXCSR for one batch (per thread) and restores the caller's value afterwards.
class ScopedMxcsr {
 public:
  explicit ScopedMxcsr(unsigned value) : saved_(_mm_getcsr()) { _mm_setcsr(value); }
  ~ScopedMxcsr() { _mm_setcsr(saved_); }
  ScopedMxcsr(const ScopedMxcsr&) = delete;
  ScopedMxcsr& operator=(const ScopedMxcsr&) = delete;

 private:
  unsigned saved_;
};

template <int Imm>
__attribute__((target("f16c"))) void cvtps_ph_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    alignas(32) uint32_t lanes[8];
    alignas(16) uint16_t result[8];
    gather(in + i, count, lanes);
    const __m256 x = _mm256_castsi256_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(lanes)));
    _mm_store_si128(reinterpret_cast<__m128i*>(result), _mm256_cvtps_ph(x, Imm));
    scatter(result, count, out + i);
  }
}

__attribute__((target("f16c"))) void cvtph_ps_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    alignas(16) uint16_t lanes[8];
    alignas(32) uint32_t result[8];
    gather(in + i, count, lanes);
    const __m256 y = _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(lanes)));
    _mm256_store_si256(reinterpret_cast<__m256i*>(result), _mm256_castps_si256(y));
    scatter(result, count, out + i);
  }
}

// vcvtps2ph with the immediate's rounding. MXCSR.RC is deliberately set to another direction
// (toward zero; up for the toward-zero immediate), so a CPU that read MXCSR.RC instead of imm8
// would fail the check rather than pass by coincidence.
template <int Imm>
void float32_to_float16_imm(const uint64_t* const* in, uint64_t* out, size_t n) {
  ScopedMxcsr pin(Imm == _MM_FROUND_TO_ZERO ? kMxcsrDefault | mxcsr_rc(Rounding::TowardPositive)
                                            : kMxcsrDefault | mxcsr_rc(Rounding::TowardZero));
  cvtps_ph_lanes<Imm>(in[0], out, n);
}

BatchFn float32_to_float16_mxcsr(Rounding r) {
  return [rc = mxcsr_rc(r)](const uint64_t* const* in, uint64_t* out, size_t n) {
    ScopedMxcsr pin((kMxcsrDefault & ~kMxcsrRoundingMask) | rc);
    cvtps_ph_lanes<_MM_FROUND_CUR_DIRECTION>(in[0], out, n);
  };
}

void float16_to_float32(const uint64_t* const* in, uint64_t* out, size_t n) {
  ScopedMxcsr pin(kMxcsrDefault);
  cvtph_ps_lanes(in[0], out, n);
}

BatchFn imm_op(Rounding r) {
  switch (r) {
    case Rounding::TowardNegative: return &float32_to_float16_imm<_MM_FROUND_TO_NEG_INF>;
    case Rounding::TowardPositive: return &float32_to_float16_imm<_MM_FROUND_TO_POS_INF>;
    case Rounding::TowardZero: return &float32_to_float16_imm<_MM_FROUND_TO_ZERO>;
    default: return &float32_to_float16_imm<_MM_FROUND_TO_NEAREST_INT>;
  }
}

}  // namespace
#endif  // FPC_HAVE_X86

Subject make_cpu_f16c_subject() {
  Subject s;
  s.name = "cpu_f16c";
  s.description = "x86 F16C on the host CPU: vcvtps2ph (_mm256_cvtps_ph) with each rounding immediate and with "
                  "MXCSR.RC, vcvtph2ps (_mm256_cvtph_ps), 8 lanes per instruction";
  const char* imm_names[] = {"_MM_FROUND_TO_NEAREST_INT", "_MM_FROUND_TO_NEG_INF", "_MM_FROUND_TO_POS_INF",
                             "_MM_FROUND_TO_ZERO"};
  const char* rc_names[] = {"RC=nearest", "RC=down", "RC=up", "RC=toward zero"};
  int k = 0;
  for (const Direction& d : kDirections) {
    BatchFn run;
#if defined(FPC_HAVE_X86)
    run = imm_op(d.rounding);
#endif
    s.ops.push_back(declare_op(std::string("float32_to_float16_imm_") + d.suffix,
                               std::string("_mm256_cvtps_ph(x, ") + imm_names[k++] + ")", "convert", "float32",
                               "float16", d.rounding, run));
  }
  k = 0;
  for (const Direction& d : kDirections) {
    BatchFn run;
#if defined(FPC_HAVE_X86)
    run = float32_to_float16_mxcsr(d.rounding);
#endif
    s.ops.push_back(declare_op(std::string("float32_to_float16_mxcsr_") + d.suffix,
                               std::string("_mm256_cvtps_ph(x, _MM_FROUND_CUR_DIRECTION) with MXCSR ") + rc_names[k++],
                               "convert", "float32", "float16", d.rounding, run));
  }
  BatchFn widen;
#if defined(FPC_HAVE_X86)
  widen = &float16_to_float32;
#endif
  s.ops.push_back(declare_op("float16_to_float32", "_mm256_cvtph_ps(x)", "convert", "float16", "float32",
                             Rounding::NearestEven, widen));
#if defined(FPC_HAVE_X86)
  __builtin_cpu_init();  // in case the registry is built before libgcc's constructor ran
  if (!__builtin_cpu_supports("f16c")) make_unavailable(s, "skipped: CPU lacks f16c");
#else
  make_unavailable(s, "skipped: not an x86-64 build");
#endif
  return s;
}

}  // namespace fpc::machine_subjects
