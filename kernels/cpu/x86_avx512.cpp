// "cpu_avx512_bf16" and "cpu_avx512_fp16": the AVX-512 half-precision extensions, each its own
// subject because CPUs have one without the other (AMD Zen 4/5 have AVX512-BF16, not -FP16).
//
// cpu_avx512_bf16
//   float32_to_bfloat16   vcvtneps2bf16 zmm (_mm512_cvtneps_pbh), 16 lanes. Intel's SDM
//                         (VCVTNEPS2BF16): "uses Round to nearest (even) rounding mode. Output
//                         denormals are always flushed to zero and input denormals are always
//                         treated as zero. MXCSR is not consulted nor updated." Declared exactly so:
//                         rne with daz and ftz. (A float32 input that is normal never rounds to a
//                         bfloat16 subnormal, so the flush that shows is the input's: float32
//                         subnormals give ±0 where IEEE rounding gives the bfloat16 subnormal or
//                         min normal.) NaN: the top 16 bits with the quiet bit set.
//
// cpu_avx512_fp16, with each embedded rounding ({rn,rd,ru,rz}-sae) as its own op:
//   float32_to_float16_<mode>  vcvtps2phx  (_mm512_cvtx_roundps_ph)
//   float64_to_float16_<mode>  vcvtpd2ph   (_mm512_cvt_roundpd_ph)
//   float16_to_float32         vcvtph2psx  (_mm512_cvtxph_ps), float16_to_float64 vcvtph2pd
//   float16_<op>_<mode>        vaddph vsubph vmulph vdivph vsqrtph vfmadd132ph
//                              (_mm512_{add,sub,mul,div,sqrt,fmadd}_round_ph)
//   Declared: IEEE 754 correct rounding in the embedded direction, subnormals kept. Every batch
//   pins MXCSR to 0x1F80 (DAZ and FTZ off: vcvtps2phx is documented to honour DAZ for its float32
//   inputs), so no caller setting can make an op flush.
//   NOT RUN YET: no machine this was developed on has AVX512-FP16; the ops are compiled (their
//   instructions, embedded roundings included, checked in the object code) and listed
//   unavailable there. tests/test_cpu_native_subjects.cpp checks them wherever the CPU has it.
//
// Only the functions that execute these instructions are compiled for them (target attributes);
// the registry checks the CPU (__builtin_cpu_supports, which also requires the OS to save the
// AVX-512 state) and lists the subject unavailable otherwise.
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

class ScopedMxcsr {  // per thread, for one batch
 public:
  ScopedMxcsr() : saved_(_mm_getcsr()) { _mm_setcsr(0x1F80); }
  ~ScopedMxcsr() { _mm_setcsr(saved_); }
  ScopedMxcsr(const ScopedMxcsr&) = delete;
  ScopedMxcsr& operator=(const ScopedMxcsr&) = delete;

 private:
  unsigned saved_;
};

// --- AVX512-BF16 -------------------------------------------------------------------------------

__attribute__((target("avx512f,avx512bf16"))) void cvtneps_pbh_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const size_t count = n - i < 16 ? n - i : 16;
    alignas(64) uint32_t lanes[16];
    alignas(32) uint16_t result[16];
    gather(in + i, count, lanes);
    const __m256bh r = _mm512_cvtneps_pbh(_mm512_castsi512_ps(_mm512_load_si512(lanes)));
    static_assert(sizeof r == sizeof result);
    __builtin_memcpy(result, &r, sizeof result);
    scatter(result, count, out + i);
  }
}

void float32_to_bfloat16(const uint64_t* const* in, uint64_t* out, size_t n) { cvtneps_pbh_lanes(in[0], out, n); }

// --- AVX512-FP16 -------------------------------------------------------------------------------

#define FPC_FP16_TARGET __attribute__((target("avx512f,avx512fp16")))

template <int R>
FPC_FP16_TARGET void cvtx_roundps_ph_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const size_t count = n - i < 16 ? n - i : 16;
    alignas(64) uint32_t lanes[16];
    alignas(32) uint16_t result[16];
    gather(in + i, count, lanes);
    const __m256h r = _mm512_cvtx_roundps_ph(_mm512_castsi512_ps(_mm512_load_si512(lanes)), R | _MM_FROUND_NO_EXC);
    static_assert(sizeof r == sizeof result);
    __builtin_memcpy(result, &r, sizeof result);
    scatter(result, count, out + i);
  }
}

template <int R>
FPC_FP16_TARGET void cvt_roundpd_ph_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    alignas(64) uint64_t lanes[8];
    alignas(16) uint16_t result[8];
    gather(in + i, count, lanes);
    const __m128h r = _mm512_cvt_roundpd_ph(_mm512_castsi512_pd(_mm512_load_si512(lanes)), R | _MM_FROUND_NO_EXC);
    static_assert(sizeof r == sizeof result);
    __builtin_memcpy(result, &r, sizeof result);
    scatter(result, count, out + i);
  }
}

FPC_FP16_TARGET void cvtxph_ps_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 16) {
    const size_t count = n - i < 16 ? n - i : 16;
    alignas(32) uint16_t lanes[16];
    alignas(64) uint32_t result[16];
    gather(in + i, count, lanes);
    __m256h h;
    static_assert(sizeof h == sizeof lanes);
    __builtin_memcpy(&h, lanes, sizeof lanes);
    const __m512 r = _mm512_cvtxph_ps(h);
    _mm512_store_si512(result, _mm512_castps_si512(r));
    scatter(result, count, out + i);
  }
}

FPC_FP16_TARGET void cvtph_pd_lanes(const uint64_t* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; i += 8) {
    const size_t count = n - i < 8 ? n - i : 8;
    alignas(16) uint16_t lanes[8];
    alignas(64) uint64_t result[8];
    gather(in + i, count, lanes);
    __m128h h;
    static_assert(sizeof h == sizeof lanes);
    __builtin_memcpy(&h, lanes, sizeof lanes);
    const __m512d r = _mm512_cvtph_pd(h);
    _mm512_store_si512(result, _mm512_castpd_si512(r));
    scatter(result, count, out + i);
  }
}

enum class Fp16Op { Add, Sub, Mul, Div, Sqrt, Fma };

// One float16 arithmetic instruction over 32 lanes per step, operands in[0..arity).
template <Fp16Op Op, int R>
FPC_FP16_TARGET void fp16_arith_lanes(const uint64_t* const* in, uint64_t* out, size_t n) {
  constexpr int arity = Op == Fp16Op::Sqrt ? 1 : Op == Fp16Op::Fma ? 3 : 2;
  constexpr int mode = R | _MM_FROUND_NO_EXC;
  for (size_t i = 0; i < n; i += 32) {
    const size_t count = n - i < 32 ? n - i : 32;
    alignas(64) uint16_t lanes[3][32] = {};
    alignas(64) uint16_t result[32];
    __m512h v[3];
    for (int k = 0; k < arity; ++k) {
      gather(in[k] + i, count, lanes[k]);
      v[k] = _mm512_castsi512_ph(_mm512_load_si512(lanes[k]));
    }
    __m512h r;
    if constexpr (Op == Fp16Op::Add) r = _mm512_add_round_ph(v[0], v[1], mode);
    if constexpr (Op == Fp16Op::Sub) r = _mm512_sub_round_ph(v[0], v[1], mode);
    if constexpr (Op == Fp16Op::Mul) r = _mm512_mul_round_ph(v[0], v[1], mode);
    if constexpr (Op == Fp16Op::Div) r = _mm512_div_round_ph(v[0], v[1], mode);
    if constexpr (Op == Fp16Op::Sqrt) r = _mm512_sqrt_round_ph(v[0], mode);
    if constexpr (Op == Fp16Op::Fma) r = _mm512_fmadd_round_ph(v[0], v[1], v[2], mode);
    _mm512_store_si512(result, _mm512_castph_si512(r));
    scatter(result, count, out + i);
  }
}

// Batch functions: MXCSR pinned, then the lane loop.
template <void (*Lanes)(const uint64_t*, uint64_t*, size_t)>
void unary_batch(const uint64_t* const* in, uint64_t* out, size_t n) {
  ScopedMxcsr pin;
  Lanes(in[0], out, n);
}
template <Fp16Op Op, int R>
void arith_batch(const uint64_t* const* in, uint64_t* out, size_t n) {
  ScopedMxcsr pin;
  fp16_arith_lanes<Op, R>(in, out, n);
}

// The instance of a template for the embedded rounding of direction r.
template <template <int> class Of>
BatchFn for_rounding(Rounding r) {
  switch (r) {
    case Rounding::TowardNegative: return Of<_MM_FROUND_TO_NEG_INF>::fn;
    case Rounding::TowardPositive: return Of<_MM_FROUND_TO_POS_INF>::fn;
    case Rounding::TowardZero: return Of<_MM_FROUND_TO_ZERO>::fn;
    default: return Of<_MM_FROUND_TO_NEAREST_INT>::fn;
  }
}
template <int R>
struct PsToPh {
  static constexpr auto fn = &unary_batch<&cvtx_roundps_ph_lanes<R>>;
};
template <int R>
struct PdToPh {
  static constexpr auto fn = &unary_batch<&cvt_roundpd_ph_lanes<R>>;
};
template <Fp16Op Op>
struct ArithAt {
  template <int R>
  struct Of {
    static constexpr auto fn = &arith_batch<Op, R>;
  };
};

}  // namespace
#endif  // FPC_HAVE_X86

Subject make_cpu_avx512_bf16_subject() {
  Subject s;
  s.name = "cpu_avx512_bf16";
  s.description = "x86 AVX512-BF16 on the host CPU: vcvtneps2bf16 (_mm512_cvtneps_pbh), documented to round to "
                  "nearest even with input and output denormals flushed to zero";
  BatchFn run;
#if defined(FPC_HAVE_X86)
  run = &float32_to_bfloat16;
#endif
  SubjectOp op = declare_op("float32_to_bfloat16", "_mm512_cvtneps_pbh(x)", "convert", "float32", "bfloat16",
                            Rounding::NearestEven, run);
  op.semantics.policy.daz = true;
  op.semantics.policy.ftz = true;
  s.ops.push_back(std::move(op));
#if defined(FPC_HAVE_X86)
  __builtin_cpu_init();  // in case the registry is built before libgcc's constructor ran
  if (!__builtin_cpu_supports("avx512bf16")) make_unavailable(s, "skipped: CPU lacks avx512_bf16");
#else
  make_unavailable(s, "skipped: not an x86-64 build");
#endif
  return s;
}

Subject make_cpu_avx512_fp16_subject() {
  Subject s;
  s.name = "cpu_avx512_fp16";
  s.description = "x86 AVX512-FP16 on the host CPU: vcvtps2phx, vcvtpd2ph, vcvtph2psx, vcvtph2pd and float16 "
                  "add/sub/mul/div/sqrt/fma (vaddph ... vfmadd132ph) with each embedded rounding";
  const char* sae[] = {"_MM_FROUND_TO_NEAREST_INT", "_MM_FROUND_TO_NEG_INF", "_MM_FROUND_TO_POS_INF",
                       "_MM_FROUND_TO_ZERO"};
  struct ArithSpec {
    const char* op;
    const char* intrinsic;
    const char* args;
  };
  const ArithSpec arith[] = {{"add", "_mm512_add_round_ph", "a, b"},   {"sub", "_mm512_sub_round_ph", "a, b"},
                             {"mul", "_mm512_mul_round_ph", "a, b"},   {"div", "_mm512_div_round_ph", "a, b"},
                             {"sqrt", "_mm512_sqrt_round_ph", "a"},    {"fma", "_mm512_fmadd_round_ph", "a, b, c"}};
  int k = 0;
  for (const Direction& d : kDirections) {
    const std::string mode = std::string(sae[k++]) + " | _MM_FROUND_NO_EXC";
    BatchFn ps, pd;
    BatchFn ar[6];
#if defined(FPC_HAVE_X86)
    ps = for_rounding<PsToPh>(d.rounding);
    pd = for_rounding<PdToPh>(d.rounding);
    ar[0] = for_rounding<ArithAt<Fp16Op::Add>::Of>(d.rounding);
    ar[1] = for_rounding<ArithAt<Fp16Op::Sub>::Of>(d.rounding);
    ar[2] = for_rounding<ArithAt<Fp16Op::Mul>::Of>(d.rounding);
    ar[3] = for_rounding<ArithAt<Fp16Op::Div>::Of>(d.rounding);
    ar[4] = for_rounding<ArithAt<Fp16Op::Sqrt>::Of>(d.rounding);
    ar[5] = for_rounding<ArithAt<Fp16Op::Fma>::Of>(d.rounding);
#endif
    s.ops.push_back(declare_op(std::string("float32_to_float16_") + d.suffix, "_mm512_cvtx_roundps_ph(x, " + mode + ")",
                               "convert", "float32", "float16", d.rounding, ps));
    s.ops.push_back(declare_op(std::string("float64_to_float16_") + d.suffix, "_mm512_cvt_roundpd_ph(x, " + mode + ")",
                               "convert", "float64", "float16", d.rounding, pd));
    for (int j = 0; j < 6; ++j)
      s.ops.push_back(declare_op(std::string("float16_") + arith[j].op + "_" + d.suffix,
                                 std::string(arith[j].intrinsic) + "(" + arith[j].args + ", " + mode + ")", arith[j].op,
                                 "float16", "float16", d.rounding, ar[j]));
  }
  BatchFn widen32, widen64;
#if defined(FPC_HAVE_X86)
  widen32 = &unary_batch<&cvtxph_ps_lanes>;
  widen64 = &unary_batch<&cvtph_pd_lanes>;
#endif
  s.ops.push_back(declare_op("float16_to_float32", "_mm512_cvtxph_ps(x)", "convert", "float16", "float32",
                             Rounding::NearestEven, widen32));
  s.ops.push_back(declare_op("float16_to_float64", "_mm512_cvtph_pd(x)", "convert", "float16", "float64",
                             Rounding::NearestEven, widen64));
#if defined(FPC_HAVE_X86)
  __builtin_cpu_init();  // in case the registry is built before libgcc's constructor ran
  if (!__builtin_cpu_supports("avx512fp16")) make_unavailable(s, "skipped: CPU lacks avx512_fp16");
#else
  make_unavailable(s, "skipped: not an x86-64 build");
#endif
  return s;
}

}  // namespace fpc::machine_subjects
