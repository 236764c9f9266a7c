// TEST-ONLY subject "planted_bugs": deliberately wrong converters, written with plain integer bit
// manipulation the way the buggy originals were. Each claims the semantics its name promises and
// violates them in exactly one known way, so the checker's classes and diagnosis can be tested:
//
//   float32_to_bfloat16_ties_away  claims rne; adds 0x8000 then truncates, so ties go away from
//                                  zero (behaves exactly as rna).
//   float32_to_bfloat16_truncate   claims rne; keeps the top 16 bits (behaves exactly as rtz).
//                                  NaNs are quieted, not truncated, so rtz explains every case.
//   float32_to_e4m3_via_float16    claims rne + saturation; rounds to float16 (rne) first and then
//                                  to float8_e4m3fn (rne, saturating): double rounding.
//   float32_to_e4m3_clamp_first    claims non-saturating rne; clamps |x| > 448 (inf included) to
//                                  448 before rounding, so 465 gives 448 instead of NaN (behaves
//                                  exactly as saturation with ±inf -> ±max).
#include "test_subjects.hpp"

#include "fpconform/format.hpp"

#include <bit>
#include <cstdint>

namespace fpc::test_subjects {
namespace {

// A small binary format for the bit-level rounder below.
struct Bits {
  int exp_bits;
  int man_bits;
  int bias;
  bool fn;  // no inf; NaN only at all ones (OCP E4M3); otherwise IEEE-like
};
constexpr Bits kF16{5, 10, 15, false};
constexpr Bits kE4m3{4, 3, 7, true};

uint64_t nan_code(const Bits& t, bool neg) {
  const uint64_t mag = t.fn ? (uint64_t{1} << (t.exp_bits + t.man_bits)) - 1
                            : (((uint64_t{1} << t.exp_bits) - 1) << t.man_bits) | (uint64_t{1} << (t.man_bits - 1));
  return mag | (uint64_t{neg} << (t.exp_bits + t.man_bits));
}

// Rounds (-1)^neg * mag * 2^exp to nearest, ties to even, into t. mag < 2^40.
uint64_t round_rne(bool neg, uint64_t mag, int exp, const Bits& t, bool saturate) {
  const uint64_t sign = uint64_t{neg} << (t.exp_bits + t.man_bits);
  if (mag == 0) return sign;
  const int m = t.man_bits;
  const int emin = 1 - t.bias;
  const int e = exp + static_cast<int>(std::bit_width(mag)) - 1;  // exponent of the leading bit
  const int q = (e > emin ? e : emin) - m;                         // exponent of the last kept bit
  const int s = q - exp;                                           // bits dropped
  uint64_t kept = 0;
  if (s <= 0) {
    kept = mag << -s;
  } else if (s < 63) {
    kept = mag >> s;
    const uint64_t rem = mag & ((uint64_t{1} << s) - 1);
    const uint64_t half = uint64_t{1} << (s - 1);
    if (rem > half || (rem == half && (kept & 1) != 0)) ++kept;
  }  // else: far below half the smallest subnormal; rounds to zero
  if (kept == 0) return sign;
  // In the lowest binade the kept integer is the code itself; above it, add the exponent field.
  const int64_t field_minus_one = static_cast<int64_t>(q) + m + t.bias - 1;
  uint64_t code = kept;
  if (q > emin - m) code += static_cast<uint64_t>(field_minus_one) << m;
  const uint64_t all_ones_exp = ((uint64_t{1} << t.exp_bits) - 1) << m;
  const uint64_t max_code = t.fn ? all_ones_exp + (uint64_t{1} << m) - 2 : all_ones_exp - 1;
  if (code > max_code) {
    if (saturate) return sign | max_code;
    return t.fn ? nan_code(t, neg) : sign | all_ones_exp;
  }
  return sign | code;
}

// float32 and float16 codes as (sign, integer magnitude, exponent); false for inf/NaN.
struct Parts {
  bool neg;
  uint64_t mag;
  int exp;
};
bool f32_parts(uint32_t x, Parts& p) {
  const uint32_t field = (x >> 23) & 0xFFu;
  const uint32_t frac = x & 0x7FFFFFu;
  p.neg = (x >> 31) != 0;
  if (field == 0xFF) return false;
  p.mag = field == 0 ? frac : frac | 0x800000u;
  p.exp = field == 0 ? -149 : static_cast<int>(field) - 150;
  return true;
}
bool f16_parts(uint16_t x, Parts& p) {
  const uint32_t field = (x >> 10) & 0x1Fu;
  const uint32_t frac = x & 0x3FFu;
  p.neg = (x >> 15) != 0;
  if (field == 0x1F) return false;
  p.mag = field == 0 ? frac : frac | 0x400u;
  p.exp = field == 0 ? -24 : static_cast<int>(field) - 25;
  return true;
}
bool f32_is_nan(uint32_t x) { return (x & 0x7FFFFFFFu) > 0x7F800000u; }

uint16_t bf16_ties_away(uint32_t x) {
  if (f32_is_nan(x)) return static_cast<uint16_t>((x >> 16) | 0x0040u);  // quiet, sign kept
  return static_cast<uint16_t>((x + 0x8000u) >> 16);                      // the bug: ties carry up
}

uint16_t bf16_truncate(uint32_t x) {
  if (f32_is_nan(x)) return static_cast<uint16_t>((x >> 16) | 0x0040u);
  return static_cast<uint16_t>(x >> 16);  // the bug: the low half is dropped
}

uint16_t f32_to_f16_rne(uint32_t x) {
  Parts p{};
  if (!f32_parts(x, p)) {
    const bool neg = (x >> 31) != 0;
    if (f32_is_nan(x)) return static_cast<uint16_t>(nan_code(kF16, neg));
    return static_cast<uint16_t>(neg ? 0xFC00u : 0x7C00u);
  }
  return static_cast<uint16_t>(round_rne(p.neg, p.mag, p.exp, kF16, false));
}

uint8_t e4m3_via_f16(uint32_t x) {
  const uint16_t h = f32_to_f16_rne(x);  // the bug: a first rounding
  Parts p{};
  if (!f16_parts(h, p)) {
    const bool neg = (h >> 15) != 0;
    if ((h & 0x3FFu) != 0) return static_cast<uint8_t>(nan_code(kE4m3, neg));
    return static_cast<uint8_t>(neg ? 0xFEu : 0x7Eu);  // ±inf saturates to ±448
  }
  return static_cast<uint8_t>(round_rne(p.neg, p.mag, p.exp, kE4m3, true));
}

uint8_t e4m3_clamp_first(uint32_t x) {
  const bool neg = (x >> 31) != 0;
  if (f32_is_nan(x)) return static_cast<uint8_t>(nan_code(kE4m3, neg));
  // The bug: |x| > 448 (0x43E00000), inf included, becomes 448 before rounding is considered.
  if ((x & 0x7FFFFFFFu) > 0x43E00000u) return static_cast<uint8_t>(neg ? 0xFEu : 0x7Eu);
  Parts p{};
  f32_parts(x, p);  // finite here: inf was clamped above
  return static_cast<uint8_t>(round_rne(p.neg, p.mag, p.exp, kE4m3, false));
}

template <typename R, R (*F)(uint32_t)>
void f32_loop(const uint64_t* const* in, uint64_t* out, size_t n) {
  const uint64_t* a = in[0];
  for (size_t i = 0; i < n; ++i) out[i] = F(static_cast<uint32_t>(a[i]));
}

SubjectOp make_op(const char* name, const char* entry, const char* to, bool saturate, BatchFn fn) {
  SubjectOp op;
  op.name = name;
  op.entry = entry;
  op.semantics.op = "convert";
  op.semantics.in = &format_by_name("float32");
  op.semantics.out = &format_by_name(to);
  op.semantics.rounding = Rounding::NearestEven;
  op.semantics.policy.saturate = saturate;
  op.run = std::move(fn);
  return op;
}

}  // namespace

Subject make_planted_bugs_subject() {
  Subject s;
  s.name = "planted_bugs";
  s.description = "TEST ONLY: deliberately wrong converters (ties away, truncation, double rounding via "
                  "float16, saturation before rounding) for testing the checker";
  s.test_only = true;
  s.ops.push_back(make_op("float32_to_bfloat16_ties_away", "(x + 0x8000) >> 16", "bfloat16", false,
                          &f32_loop<uint16_t, bf16_ties_away>));
  s.ops.push_back(make_op("float32_to_bfloat16_truncate", "x >> 16", "bfloat16", false,
                          &f32_loop<uint16_t, bf16_truncate>));
  s.ops.push_back(make_op("float32_to_e4m3_via_float16", "rne(rne(x, float16), float8_e4m3fn, sat)",
                          "float8_e4m3fn", true, &f32_loop<uint8_t, e4m3_via_f16>));
  s.ops.push_back(make_op("float32_to_e4m3_clamp_first", "rne(clamp(x, -448, 448), float8_e4m3fn)",
                          "float8_e4m3fn", false, &f32_loop<uint8_t, e4m3_clamp_first>));
  return s;
}

}  // namespace fpc::test_subjects
