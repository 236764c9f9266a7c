// See lane_avx512.hpp. Compiled for the baseline ISA; only the functions marked with the AVX-512
// target use it, and they are only called after the CPU check.
#include "lane_avx512.hpp"

#include "fpconform/round.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FPC_HAVE_LANE_AVX512 1
#endif

namespace fpc::fast {

#ifdef FPC_HAVE_LANE_AVX512

bool lane_row_avx512_available() {
  static const bool yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return yes;
}

namespace {

#define FPC_AVX512 __attribute__((target("avx512f,avx512dq")))

// v of 16 lanes: the exact product, or the sum rounded to odd (float32 bits).
FPC_AVX512 inline __m512i lane_value(__m512 x, __m512 y, LaneOp op) {
  if (op == LaneOp::Mul) return _mm512_castps_si512(_mm512_mul_ps(x, y));  // exact: 2p <= 24 bits
  if (op == LaneOp::Sub) y = _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(y), _mm512_set1_epi32(INT32_MIN)));
  const __m512 s = _mm512_add_ps(x, y);
  const __m512 bp = _mm512_sub_ps(s, x);
  const __m512 ap = _mm512_sub_ps(s, bp);
  const __m512 err = _mm512_add_ps(_mm512_sub_ps(x, ap), _mm512_sub_ps(y, bp));  // s + err = x + y exactly
  const __m512i sb = _mm512_castps_si512(s), eb = _mm512_castps_si512(err);
  const __mmask16 finite =
      _mm512_cmplt_epu32_mask(_mm512_and_si512(sb, _mm512_set1_epi32(0x7FFFFFFF)), _mm512_set1_epi32(0x7F800000));
  const __mmask16 inexact = _mm512_cmp_ps_mask(err, _mm512_setzero_ps(), _CMP_NEQ_UQ);
  const __mmask16 even = _mm512_testn_epi32_mask(sb, _mm512_set1_epi32(1));
  const __mmask16 adjust = finite & inexact & even;
  // Round to odd: an inexact even sum moves one ulp toward the error: away from zero (+1 on the
  // magnitude bits) when err has the sum's sign, toward it (-1) otherwise.
  const __mmask16 toward_zero = _mm512_movepi32_mask(_mm512_xor_si512(sb, eb));
  const __m512i one = _mm512_set1_epi32(1);
  __m512i v = _mm512_mask_add_epi32(sb, adjust & ~toward_zero, sb, one);
  return _mm512_mask_sub_epi32(v, adjust & toward_zero, v, one);
}

// The keyed table's index of v: ((v >> shift) << 1) | sticky.
FPC_AVX512 inline __m512i table_key(__m512i v, __m128i shift, __m512i low) {
  const __m512i top = _mm512_slli_epi32(_mm512_srl_epi32(v, shift), 1);
  return _mm512_mask_or_epi32(top, _mm512_test_epi32_mask(v, low), top, _mm512_set1_epi32(1));
}

// Rounding v into the output by arithmetic; `ok` gets the lanes where that is right (v in the
// output's normal range, result finite).
struct InRange {
  __m512i low, half, half_minus_1, unbias, lo_field, field_span, limit, sign_bit;
  __m128i shift;
};

FPC_AVX512 InRange in_range_constants(const RoundInRange& g) {
  const int s = 23 - g.man_bits;
  const int delta = 127 - g.bias;  // float32 field minus output field
  InRange c;
  c.shift = _mm_cvtsi32_si128(s);
  c.low = _mm512_set1_epi32((1 << s) - 1);
  c.half = _mm512_set1_epi32(1 << (s - 1));
  c.half_minus_1 = _mm512_set1_epi32((1 << (s - 1)) - 1);
  c.unbias = _mm512_set1_epi32(delta << g.man_bits);
  c.lo_field = _mm512_set1_epi32(delta + 1);  // float32 fields of the output's normal binades
  c.field_span = _mm512_set1_epi32(static_cast<int>(g.field_ones) - 2);
  c.limit = _mm512_set1_epi32(static_cast<int>(g.field_ones << g.man_bits));  // the inf pattern
  c.sign_bit = _mm512_set1_epi32(static_cast<int>(g.sign_bit));
  return c;
}

// The mode is a template parameter: a switch on it inside the row's loop cost a tenth of the lane.
template <Rounding Mode>
FPC_AVX512 inline __m512i round_in_range(__m512i v, const InRange& c, __mmask16& ok) {
  const __m512i mag = _mm512_and_si512(v, _mm512_set1_epi32(0x7FFFFFFF));
  const __mmask16 neg = _mm512_movepi32_mask(v);
  const __m512i field = _mm512_srli_epi32(mag, 23);
  const __mmask16 normal = _mm512_cmple_epu32_mask(_mm512_sub_epi32(field, c.lo_field), c.field_span);
  __m512i r = mag;  // TowardZero, ToOdd
  if constexpr (Mode == Rounding::NearestEven) {
    const __m512i parity = _mm512_and_si512(_mm512_srl_epi32(mag, c.shift), _mm512_set1_epi32(1));
    r = _mm512_add_epi32(mag, _mm512_add_epi32(c.half_minus_1, parity));
  } else if constexpr (Mode == Rounding::NearestAway) {
    r = _mm512_add_epi32(mag, c.half);
  } else if constexpr (Mode == Rounding::TowardPositive) {
    r = _mm512_mask_add_epi32(mag, static_cast<__mmask16>(~neg), mag, c.low);
  } else if constexpr (Mode == Rounding::TowardNegative) {
    r = _mm512_mask_add_epi32(mag, neg, mag, c.low);
  }
  r = _mm512_srl_epi32(r, c.shift);
  if constexpr (Mode == Rounding::ToOdd)
    r = _mm512_mask_or_epi32(r, _mm512_test_epi32_mask(mag, c.low), r, _mm512_set1_epi32(1));
  r = _mm512_sub_epi32(r, c.unbias);
  ok = normal & _mm512_cmplt_epu32_mask(r, c.limit);
  return _mm512_mask_or_epi32(r, neg, r, c.sign_bit);
}

// VCVTPS2PH's rounding immediate for a hardware mode (RoundInRange::binary16_hardware).
template <Rounding Mode>
constexpr int binary16_immediate() {
  if constexpr (Mode == Rounding::TowardZero) return _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;
  if constexpr (Mode == Rounding::TowardPositive) return _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC;
  if constexpr (Mode == Rounding::TowardNegative) return _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC;
  return _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
}

// Every finite v into binary16 by the hardware; `ok` gets the finite lanes.
template <Rounding Mode>
FPC_AVX512 inline __m512i round_binary16(__m512i v, __mmask16& ok) {
  ok = _mm512_cmplt_epu32_mask(_mm512_and_si512(v, _mm512_set1_epi32(0x7FFFFFFF)), _mm512_set1_epi32(0x7F800000));
  return _mm512_cvtepu16_epi32(_mm512_cvtps_ph(_mm512_castsi512_ps(v), binary16_immediate<Mode>()));
}

enum class InRangeBy { Table, Arithmetic, Binary16Hardware };

// By: how lanes are rounded before the table takes the rest (Mode is unused with Table).
template <int Bytes, InRangeBy By, Rounding Mode>
FPC_AVX512 void lane_row(const LaneRow& r) {
  const __m512 x = _mm512_set1_ps(r.x);
  const __m128i shift = _mm_cvtsi32_si128(r.shift);
  const __m512i low = _mm512_set1_epi32(static_cast<int>((uint32_t{1} << r.shift) - 1));
  const __m512i entry_mask = _mm512_set1_epi32(Bytes == 4 ? -1 : (1 << (8 * Bytes)) - 1);
  const InRange c = in_range_constants(By == InRangeBy::Arithmetic ? r.in_range : RoundInRange{true, 0, 1, 15, 31, 0x8000});
  const LaneOp op = r.op;
  const uint32_t* y_bits = r.y_bits;
  const void* table = r.table;
  uint64_t* out = r.out;
  for (size_t i = 0, n = r.n; i < n; i += 16) {
    const size_t left = n - i;
    const __mmask16 m = left >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
    const __m512 y = _mm512_castsi512_ps(_mm512_maskz_loadu_epi32(m, y_bits + i));
    const __m512i v = lane_value(x, y, op);
    __mmask16 ok = 0;
    __m512i res = _mm512_setzero_si512();
    if constexpr (By == InRangeBy::Arithmetic) res = round_in_range<Mode>(v, c, ok);
    if constexpr (By == InRangeBy::Binary16Hardware) res = round_binary16<Mode>(v, ok);
    const __mmask16 from_table = m & static_cast<__mmask16>(~ok);
    if (from_table) {
      // Tables are padded (build_table), so the 4-byte reads of 1- and 2-byte entries stay inside.
      const __m512i g = _mm512_mask_i32gather_epi32(res, from_table, table_key(v, shift, low), table, Bytes);
      res = _mm512_mask_and_epi32(res, from_table, g, entry_mask);
    }
    _mm512_mask_storeu_epi64(out + i, static_cast<__mmask8>(m), _mm512_cvtepu32_epi64(_mm512_castsi512_si256(res)));
    _mm512_mask_storeu_epi64(out + i + 8, static_cast<__mmask8>(m >> 8),
                             _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(res, 1)));
  }
}

template <int Bytes, InRangeBy By>
void lane_row_for_mode(const LaneRow& r) {
  switch (static_cast<Rounding>(r.in_range.mode)) {
    case Rounding::NearestEven: return lane_row<Bytes, By, Rounding::NearestEven>(r);
    case Rounding::TowardPositive: return lane_row<Bytes, By, Rounding::TowardPositive>(r);
    case Rounding::TowardNegative: return lane_row<Bytes, By, Rounding::TowardNegative>(r);
    case Rounding::TowardZero: return lane_row<Bytes, By, Rounding::TowardZero>(r);
    default: break;
  }
  if constexpr (By == InRangeBy::Arithmetic) {
    switch (static_cast<Rounding>(r.in_range.mode)) {
      case Rounding::NearestAway: return lane_row<Bytes, By, Rounding::NearestAway>(r);
      case Rounding::ToOdd: return lane_row<Bytes, By, Rounding::ToOdd>(r);
      default: break;
    }
  }
  lane_row<Bytes, InRangeBy::Table, Rounding::TowardZero>(r);  // stochastic: never in_range.valid
}

template <int Bytes>
void lane_row_for_output(const LaneRow& r) {
  if (!r.in_range.valid) return lane_row<Bytes, InRangeBy::Table, Rounding::TowardZero>(r);
  if (r.in_range.binary16_hardware) return lane_row_for_mode<Bytes, InRangeBy::Binary16Hardware>(r);
  lane_row_for_mode<Bytes, InRangeBy::Arithmetic>(r);
}

}  // namespace

void lane_row_avx512(const LaneRow& r) {
  switch (r.entry_bytes) {
    case 1: return lane_row_for_output<1>(r);
    case 2: return lane_row_for_output<2>(r);
    default: return lane_row_for_output<4>(r);
  }
}

#else

bool lane_row_avx512_available() { return false; }
void lane_row_avx512(const LaneRow&) {}

#endif

}  // namespace fpc::fast
