// See fast_wide.hpp (the proof is there). Compiled for the baseline ISA; only the functions marked
// with the AVX-512 target use it, and they are only called after the CPU check.
#include "fast_wide.hpp"

#include <stdexcept>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FPC_HAVE_WIDE_AVX512 1
#endif

namespace fpc::fast {

#ifdef FPC_HAVE_WIDE_AVX512

namespace {

#define FPC_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl")))

// The Rounding enum's values (round.hpp).
constexpr int kRne = 0, kRna = 1, kRtz = 2, kRup = 3, kRdn = 4, kRod = 5;

constexpr int kRN = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
constexpr int kRD = _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC;
constexpr int kRU = _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC;
constexpr int kRZ = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;

// The hardware mode of a directed or rne mode.
constexpr int hardware_rc(int mode) { return mode == kRtz ? kRZ : mode == kRup ? kRU : mode == kRdn ? kRD : kRN; }

// x op y (op z) correctly rounded with the embedded rounding Rc.
template <WideOp Op, int Rc>
FPC_AVX512 inline __m512 apply(__m512 a, __m512 b, __m512 c) {
  if constexpr (Op == WideOp::Add) return _mm512_add_round_ps(a, b, Rc);
  else if constexpr (Op == WideOp::Sub) return _mm512_sub_round_ps(a, b, Rc);
  else if constexpr (Op == WideOp::Mul) return _mm512_mul_round_ps(a, b, Rc);
  else if constexpr (Op == WideOp::Div) return _mm512_div_round_ps(a, b, Rc);
  else if constexpr (Op == WideOp::Sqrt) return _mm512_sqrt_round_ps(a, Rc);
  else return _mm512_fmadd_round_ps(a, b, c, Rc);
}
template <WideOp Op, int Rc>
FPC_AVX512 inline __m512d apply(__m512d a, __m512d b, __m512d c) {
  if constexpr (Op == WideOp::Add) return _mm512_add_round_pd(a, b, Rc);
  else if constexpr (Op == WideOp::Sub) return _mm512_sub_round_pd(a, b, Rc);
  else if constexpr (Op == WideOp::Mul) return _mm512_mul_round_pd(a, b, Rc);
  else if constexpr (Op == WideOp::Div) return _mm512_div_round_pd(a, b, Rc);
  else if constexpr (Op == WideOp::Sqrt) return _mm512_sqrt_round_pd(a, Rc);
  else return _mm512_fmadd_round_pd(a, b, c, Rc);
}

constexpr int arity(WideOp op) { return op == WideOp::Sqrt ? 1 : op == WideOp::Fma ? 3 : 2; }

// Round to odd from the two directed roundings: equal when exact, else the odd one of the two
// neighbours.
FPC_AVX512 inline __m512i pick_odd(__m512i down, __m512i up) {
  const __mmask16 keep = _mm512_cmpeq_epi32_mask(down, up) | _mm512_test_epi32_mask(down, _mm512_set1_epi32(1));
  return _mm512_mask_blend_epi32(keep, up, down);
}
FPC_AVX512 inline __m512i pick_odd64(__m512i down, __m512i up) {
  const __mmask8 keep = _mm512_cmpeq_epi64_mask(down, up) | _mm512_test_epi64_mask(down, _mm512_set1_epi64(1));
  return _mm512_mask_blend_epi64(keep, up, down);
}

// Lanes of a tail block: the first `left` of 8.
inline __mmask8 first8(size_t left) { return left >= 8 ? 0xff : static_cast<__mmask8>((1u << left) - 1); }

void push_rest(unsigned mask, size_t base, uint32_t* rest, size_t& count) {
  for (; mask != 0; mask &= mask - 1) rest[count++] = static_cast<uint32_t>(base + static_cast<size_t>(__builtin_ctz(mask)));
}

// ----- binary32: 16 cases a block --------------------------------------------------------------

FPC_AVX512 inline __m512i load32(const uint64_t* p, __mmask8 m0, __mmask8 m1) {
  const __m256i lo = _mm512_cvtepi64_epi32(_mm512_maskz_loadu_epi64(m0, p));
  const __m256i hi = _mm512_cvtepi64_epi32(_mm512_maskz_loadu_epi64(m1, p + 8));
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// Operands the lane may take: finite unless the specials follow IEEE, and not subnormal under daz.
FPC_AVX512 inline __mmask16 plain32(__m512i x, bool daz, bool specials) {
  const __m512i mag = _mm512_and_si512(x, _mm512_set1_epi32(0x7FFFFFFF));
  __mmask16 ok = specials ? 0xFFFF : _mm512_cmplt_epu32_mask(mag, _mm512_set1_epi32(0x7F800000));
  if (daz)  // 1 <= mag <= 0x7FFFFF: subnormal
    ok = static_cast<__mmask16>(ok & ~_mm512_cmplt_epu32_mask(_mm512_sub_epi32(mag, _mm512_set1_epi32(1)), _mm512_set1_epi32(0x7FFFFF)));
  return ok;
}

// binary32 rna through binary64 rounded to odd (half h of the block: 8 cases). Sets `reject` for
// v below binary32's normal range (the tie test below needs v's binary32 quantum to be 2^(e-23)).
template <WideOp Op>
FPC_AVX512 inline __m256i rna32_half(__m512 a, __m512 b, __m512 c, int h, __mmask8& reject) {
  const __m512d ad = _mm512_cvtps_pd(h == 0 ? _mm512_castps512_ps256(a) : _mm512_extractf32x8_ps(a, 1));
  const __m512d bd = _mm512_cvtps_pd(h == 0 ? _mm512_castps512_ps256(b) : _mm512_extractf32x8_ps(b, 1));
  const __m512d cd = _mm512_cvtps_pd(h == 0 ? _mm512_castps512_ps256(c) : _mm512_extractf32x8_ps(c, 1));
  const __m512i down = _mm512_castpd_si512(apply<Op, kRD>(ad, bd, cd));
  const __m512i up = _mm512_castpd_si512(apply<Op, kRU>(ad, bd, cd));
  const __m512i v = pick_odd64(down, up);  // RO64(x)
  const __m512d vd = _mm512_castsi512_pd(v);
  const __m256i nearest = _mm256_castps_si256(_mm512_cvt_roundpd_ps(vd, kRN));
  const __m256i toward_zero = _mm256_castps_si256(_mm512_cvt_roundpd_ps(vd, kRZ));
  const __mmask8 tie = _mm512_cmpeq_epi64_mask(_mm512_and_si512(v, _mm512_set1_epi64((int64_t{1} << 29) - 1)),
                                               _mm512_set1_epi64(int64_t{1} << 28));
  const __m512i mag = _mm512_and_si512(v, _mm512_set1_epi64(INT64_MAX));
  reject = _mm512_cmplt_epu64_mask(mag, _mm512_set1_epi64(int64_t{1023 - 126} << 52));
  // At a tie, RZ one step away from zero (+1 on the magnitude bits).
  return _mm256_mask_add_epi32(nearest, tie, toward_zero, _mm256_set1_epi32(1));
}

template <WideOp Op, int Mode>
FPC_AVX512 size_t kernel32(const WideKernel& k, const uint64_t* const* in, uint64_t* out, size_t n, uint32_t* rest) {
  constexpr int kArity = arity(Op);
  size_t count = 0;
  for (size_t i = 0; i < n; i += 16) {
    const size_t left = n - i;
    const __mmask8 m0 = first8(left), m1 = left > 8 ? first8(left - 8) : 0;
    const __mmask16 live = static_cast<__mmask16>(m0 | (m1 << 8));
    const __m512i ai = load32(in[0] + i, m0, m1);
    const __m512i bi = kArity > 1 ? load32(in[1] + i, m0, m1) : ai;
    const __m512i ci = kArity > 2 ? load32(in[2] + i, m0, m1) : ai;
    __mmask16 ok = plain32(ai, k.daz, k.ieee_specials);
    if (kArity > 1) ok &= plain32(bi, k.daz, k.ieee_specials);
    if (kArity > 2) ok &= plain32(ci, k.daz, k.ieee_specials);
    const __m512 a = _mm512_castsi512_ps(ai), b = _mm512_castsi512_ps(bi), c = _mm512_castsi512_ps(ci);
    __m512i r;
    if constexpr (Mode == kRod) {
      r = pick_odd(_mm512_castps_si512(apply<Op, kRD>(a, b, c)), _mm512_castps_si512(apply<Op, kRU>(a, b, c)));
    } else if constexpr (Mode == kRna) {
      __mmask8 low_reject = 0, high_reject = 0;
      const __m256i lo = rna32_half<Op>(a, b, c, 0, low_reject);
      const __m256i hi = rna32_half<Op>(a, b, c, 1, high_reject);
      r = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
      ok &= static_cast<__mmask16>(~(low_reject | (high_reject << 8)));
    } else {
      r = _mm512_castps_si512(apply<Op, hardware_rc(Mode)>(a, b, c));
    }
    if (k.planted_off_by_one)
      r = _mm512_mask_add_epi32(r, _mm512_cmpeq_epi32_mask(_mm512_and_si512(ai, _mm512_set1_epi32(7 << 23)), _mm512_set1_epi32(5 << 23)),
                                r, _mm512_set1_epi32(1));
    // Normal results below the largest finite value are the oracle's; the others where the
    // semantics' special results are the hardware's (fast_wide.hpp).
    const __m512i mag = _mm512_and_si512(r, _mm512_set1_epi32(0x7FFFFFFF));
    __mmask16 accept =
        _mm512_cmplt_epu32_mask(_mm512_sub_epi32(mag, _mm512_set1_epi32(0x800000)), _mm512_set1_epi32(0x7F7FFFFF - 0x800000));
    if (Mode != kRna) {
      if (k.ieee_zero) accept |= _mm512_cmpeq_epi32_mask(mag, _mm512_setzero_si512());
      if (!k.ftz) accept |= _mm512_cmplt_epu32_mask(_mm512_sub_epi32(mag, _mm512_set1_epi32(1)), _mm512_set1_epi32(0x7FFFFF));
    }
    if (k.ieee_big)
      accept = static_cast<__mmask16>(accept | _mm512_cmpeq_epi32_mask(mag, _mm512_set1_epi32(0x7F7FFFFF)) |
                                      _mm512_cmpeq_epi32_mask(mag, _mm512_set1_epi32(0x7F800000)));
    if (k.ieee_specials) {
      const __mmask16 nan = _mm512_cmpgt_epu32_mask(mag, _mm512_set1_epi32(0x7F800000));
      r = _mm512_mask_blend_epi32(nan, r, _mm512_set1_epi32(static_cast<int>(k.nan_res)));
      accept |= nan;
    }
    ok &= accept;
    _mm512_mask_storeu_epi64(out + i, m0, _mm512_cvtepu32_epi64(_mm512_castsi512_si256(r)));
    if (m1) _mm512_mask_storeu_epi64(out + i + 8, m1, _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(r, 1)));
    push_rest(live & ~ok, i, rest, count);
  }
  return count;
}

// ----- binary64: 8 cases a block ---------------------------------------------------------------

FPC_AVX512 inline __mmask8 plain64(__m512i x, bool daz, bool specials) {
  const __m512i mag = _mm512_and_si512(x, _mm512_set1_epi64(INT64_MAX));
  __mmask8 ok = specials ? 0xFF : _mm512_cmplt_epu64_mask(mag, _mm512_set1_epi64(int64_t{0x7FF} << 52));
  if (daz)
    ok = static_cast<__mmask8>(ok & ~_mm512_cmplt_epu64_mask(_mm512_sub_epi64(mag, _mm512_set1_epi64(1)),
                                                             _mm512_set1_epi64((int64_t{1} << 52) - 1)));
  return ok;
}

// Error terms that may mark a tie: non-zero and a power of two, subnormal or not finite.
FPC_AVX512 inline __mmask8 maybe_tie(__m512d e) {
  const __m512i eb = _mm512_castpd_si512(e);
  const __mmask8 nonzero = _mm512_test_epi64_mask(eb, _mm512_set1_epi64(INT64_MAX));
  const __mmask8 power_of_two = _mm512_testn_epi64_mask(eb, _mm512_set1_epi64((int64_t{1} << 52) - 1));
  const __m512i field = _mm512_and_si512(_mm512_srli_epi64(eb, 52), _mm512_set1_epi64(0x7FF));
  const __mmask8 edge = _mm512_cmpeq_epi64_mask(field, _mm512_setzero_si512()) |
                        _mm512_cmpeq_epi64_mask(field, _mm512_set1_epi64(0x7FF));
  return nonzero & (power_of_two | edge);
}

// binary64 rna: rne, and the cases where it may differ from rna rejected (see fast_wide.hpp).
template <WideOp Op>
FPC_AVX512 inline __m512d rna64(__m512d a, __m512d b, __m512d c, __mmask8& reject) {
  const __m512d s = apply<Op, kRN>(a, b, c);
  if constexpr (Op == WideOp::Add || Op == WideOp::Sub) {  // TwoSum
    const __m512d y = Op == WideOp::Sub ? _mm512_castsi512_pd(_mm512_xor_si512(_mm512_castpd_si512(b), _mm512_set1_epi64(INT64_MIN))) : b;
    const __m512d bp = _mm512_sub_round_pd(s, a, kRN);
    const __m512d ap = _mm512_sub_round_pd(s, bp, kRN);
    const __m512d e = _mm512_add_round_pd(_mm512_sub_round_pd(a, ap, kRN), _mm512_sub_round_pd(y, bp, kRN), kRN);
    reject = maybe_tie(e);
  } else if constexpr (Op == WideOp::Mul) {  // the exact product error, for |s| >= 2^-916
    const __m512d e = _mm512_fmsub_round_pd(a, b, s, kRN);
    const __m512i mag = _mm512_and_si512(_mm512_castpd_si512(s), _mm512_set1_epi64(INT64_MAX));
    reject = maybe_tie(e) | _mm512_cmplt_epu64_mask(mag, _mm512_set1_epi64(int64_t{1023 - 916} << 52));
  } else if constexpr (Op == WideOp::Fma) {
    reject = 0xff;
  } else {
    reject = 0;  // div, sqrt: no ties among normal results
  }
  return s;
}

template <WideOp Op, int Mode>
FPC_AVX512 size_t kernel64(const WideKernel& k, const uint64_t* const* in, uint64_t* out, size_t n, uint32_t* rest) {
  constexpr int kArity = arity(Op);
  size_t count = 0;
  for (size_t i = 0; i < n; i += 8) {
    const __mmask8 live = first8(n - i);
    const __m512i ai = _mm512_maskz_loadu_epi64(live, in[0] + i);
    const __m512i bi = kArity > 1 ? _mm512_maskz_loadu_epi64(live, in[1] + i) : ai;
    const __m512i ci = kArity > 2 ? _mm512_maskz_loadu_epi64(live, in[2] + i) : ai;
    __mmask8 ok = plain64(ai, k.daz, k.ieee_specials);
    if (kArity > 1) ok &= plain64(bi, k.daz, k.ieee_specials);
    if (kArity > 2) ok &= plain64(ci, k.daz, k.ieee_specials);
    const __m512d a = _mm512_castsi512_pd(ai), b = _mm512_castsi512_pd(bi), c = _mm512_castsi512_pd(ci);
    __m512i r;
    if constexpr (Mode == kRod) {
      r = pick_odd64(_mm512_castpd_si512(apply<Op, kRD>(a, b, c)), _mm512_castpd_si512(apply<Op, kRU>(a, b, c)));
    } else if constexpr (Mode == kRna) {
      __mmask8 reject = 0;
      r = _mm512_castpd_si512(rna64<Op>(a, b, c, reject));
      ok &= static_cast<__mmask8>(~reject);
    } else {
      r = _mm512_castpd_si512(apply<Op, hardware_rc(Mode)>(a, b, c));
    }
    if (k.planted_off_by_one)
      r = _mm512_mask_add_epi64(r, _mm512_cmpeq_epi64_mask(_mm512_and_si512(ai, _mm512_set1_epi64(int64_t{7} << 52)),
                                                           _mm512_set1_epi64(int64_t{5} << 52)),
                                r, _mm512_set1_epi64(1));
    const __m512i mag = _mm512_and_si512(r, _mm512_set1_epi64(INT64_MAX));
    constexpr int64_t kMinNormal = int64_t{1} << 52, kInf = int64_t{0x7FF} << 52, kMaxFinite = kInf - 1;
    __mmask8 accept =
        _mm512_cmplt_epu64_mask(_mm512_sub_epi64(mag, _mm512_set1_epi64(kMinNormal)), _mm512_set1_epi64(kMaxFinite - kMinNormal));
    if (Mode != kRna) {
      if (k.ieee_zero) accept |= _mm512_cmpeq_epi64_mask(mag, _mm512_setzero_si512());
      if (!k.ftz) accept |= _mm512_cmplt_epu64_mask(_mm512_sub_epi64(mag, _mm512_set1_epi64(1)), _mm512_set1_epi64(kMinNormal - 1));
    }
    if (k.ieee_big)
      accept = static_cast<__mmask8>(accept | _mm512_cmpeq_epi64_mask(mag, _mm512_set1_epi64(kMaxFinite)) |
                                     _mm512_cmpeq_epi64_mask(mag, _mm512_set1_epi64(kInf)));
    if (k.ieee_specials) {
      const __mmask8 nan = _mm512_cmpgt_epu64_mask(mag, _mm512_set1_epi64(kInf));
      r = _mm512_mask_blend_epi64(nan, r, _mm512_set1_epi64(static_cast<int64_t>(k.nan_res)));
      accept |= nan;
    }
    ok &= accept;
    _mm512_mask_storeu_epi64(out + i, live, r);
    push_rest(live & ~ok, i, rest, count);
  }
  return count;
}

using KernelFn = size_t (*)(const WideKernel&, const uint64_t* const*, uint64_t*, size_t, uint32_t*);

template <WideOp Op>
KernelFn kernel_for_mode(bool binary64, int mode) {
  switch (mode) {
    case kRne: return binary64 ? kernel64<Op, kRne> : kernel32<Op, kRne>;
    case kRna: return binary64 ? kernel64<Op, kRna> : kernel32<Op, kRna>;
    case kRtz: return binary64 ? kernel64<Op, kRtz> : kernel32<Op, kRtz>;
    case kRup: return binary64 ? kernel64<Op, kRup> : kernel32<Op, kRup>;
    case kRdn: return binary64 ? kernel64<Op, kRdn> : kernel32<Op, kRdn>;
    case kRod: return binary64 ? kernel64<Op, kRod> : kernel32<Op, kRod>;
    default: break;
  }
  throw std::logic_error("wide_lane: no hardware path for this rounding mode");
}

KernelFn kernel_for(const WideKernel& k) {
  switch (k.op) {
    case WideOp::Add: return kernel_for_mode<WideOp::Add>(k.binary64, k.mode);
    case WideOp::Sub: return kernel_for_mode<WideOp::Sub>(k.binary64, k.mode);
    case WideOp::Mul: return kernel_for_mode<WideOp::Mul>(k.binary64, k.mode);
    case WideOp::Div: return kernel_for_mode<WideOp::Div>(k.binary64, k.mode);
    case WideOp::Sqrt: return kernel_for_mode<WideOp::Sqrt>(k.binary64, k.mode);
    case WideOp::Fma: return kernel_for_mode<WideOp::Fma>(k.binary64, k.mode);
  }
  throw std::logic_error("wide_lane: unknown operation");
}

}  // namespace

bool wide_lane_available() {
  static const bool cpu =
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  // MXCSR bit 15 flushes results to zero, bit 6 reads subnormal operands as zero.
  return cpu && (_mm_getcsr() & 0x8040u) == 0;
}

size_t wide_lane(const WideKernel& k, const uint64_t* const* in, uint64_t* out, size_t n, uint32_t* rest) {
  return kernel_for(k)(k, in, out, n, rest);
}

#else

bool wide_lane_available() { return false; }
size_t wide_lane(const WideKernel&, const uint64_t* const*, uint64_t*, size_t, uint32_t*) {
  throw std::logic_error("wide_lane: not built for this CPU");
}

#endif

}  // namespace fpc::fast
