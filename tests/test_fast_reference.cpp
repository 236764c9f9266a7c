// Proof that every fast reference equals the exact oracle (docs/design.md, "The trust chain", link 2).
//
// The tests compare fast_reference(s) with exact_reference(s) code for code (NaN codes included):
//   * exhaustively, over every input, wherever the input domain has at most 2^16 points: every
//     conversion from a format of <= 16 bits (every mode, every policy variant), every pair of
//     8-bit (and narrower) codes for add/sub/mul/div, every code for sqrt of <= 16-bit formats,
//     every triple for fma on fp4;
//   * over every table entry's representative input (keyed tables of wider sources);
//   * by dense boundary sampling elsewhere. Conversions from float32/tf32/float64: every exponent
//     field (float64: every field near the target's range plus a sample of the rest) and every
//     subnormal leading-bit position, times every pattern of the five mantissa bits around the
//     target's round bit *at that exponent* (the round point moves with the exponent in the
//     target's subnormal range; the window holds the two lowest kept bits, the round bit and the
//     first sticky bits), times the rest of the sticky bits zero or not, times the kept bits above
//     the window zeros / ones (carries into the exponent and past the maximum) / random, times both
//     signs; plus specials (zeros, infinities, NaN payloads, extremes, subnormals) and random
//     codes. Binary operations on 16-bit and wider formats: every pair of exponent fields (up to 8
//     exponent bits; a dense subset beyond: close exponents, products and quotients near the
//     target's edges) with boundary mantissas, ties built on purpose, special operands, random
//     pairs.
// Every built-in binary float format takes part (the suites are generated from builtin_formats(),
// so a new row of the format table is picked up), with every deterministic rounding mode and the
// policy variants that can matter (saturation, inf under saturation, NaN into a NaN-less format,
// ftz, daz), plus user-defined formats for corners the table lacks. Where a fast path is not the
// one an exhaustive test proved (the bit-level engine's lanes, the hardware-float lane), it is
// compared with the proven one on every pair of the 8-bit formats and on many 16-bit pairs. The
// FastCorrupted tests corrupt one table entry (or pass off a wrong mode) and show that the same
// machinery reports it: these tests can fail.
//
// Every case compared with the oracle is counted; the total is printed at the end.
#include "fpconform/arith.hpp"
#include "fpconform/fast_reference.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"
#include "fpconform/semantics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using fpc::BatchFn;
using fpc::Format;
using fpc::FormatKind;
using fpc::InfUnderSaturation;
using fpc::NanIntoNoNan;
using fpc::OpSemantics;
using fpc::Policy;
using fpc::Rounding;

constexpr Rounding kModes[] = {Rounding::NearestEven,    Rounding::NearestAway,    Rounding::TowardZero,
                               Rounding::TowardPositive, Rounding::TowardNegative, Rounding::ToOdd};

struct Rng {  // xorshift64*: deterministic, seeded per test
  uint64_t s;
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
  bool coin() { return (next() >> 63) != 0; }
};

std::vector<const Format*> float_formats() {
  std::vector<const Format*> v;
  for (const Format& f : fpc::builtin_formats())
    if (f.kind == FormatKind::Float) v.push_back(&f);
  return v;
}

std::string hex(uint64_t c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(c));
  return buf;
}

std::string policy_text(const Policy& p) {
  std::string t;
  if (p.saturate) t += " sat";
  if (p.inf_under_saturation == InfUnderSaturation::NaN) t += " inf->nan";
  if (p.nan_into_no_nan == NanIntoNoNan::PositiveMax) t += " nan->+max";
  if (p.nan_into_no_nan == NanIntoNoNan::PositiveZero) t += " nan->+0";
  if (p.nan_into_no_nan == NanIntoNoNan::NegativeZero) t += " nan->-0";
  if (p.ftz) t += " ftz";
  if (p.daz) t += " daz";
  return t.empty() ? " default" : t;
}

std::string describe(const OpSemantics& s) {
  return s.op + " " + s.in->name + "->" + s.out->name + " " + std::string(fpc::short_name(s.rounding)) +
         policy_text(s.policy);
}

// ----- cases and the comparison machinery -----------------------------------------------------

struct Cases {
  int arity = 1;
  std::array<std::vector<uint64_t>, 3> ops;
  size_t size() const { return ops[0].size(); }
  void add(uint64_t a, uint64_t b = 0, uint64_t c = 0) {
    ops[0].push_back(a);
    if (arity > 1) ops[1].push_back(b);
    if (arity > 2) ops[2].push_back(c);
  }
};

std::atomic<uint64_t> g_compared{0};  // every case compared with the oracle, for the summary line

class CountingEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (g_compared > 0) std::cout << "[ fast     ] " << g_compared << " cases compared with the exact oracle in all\n";
  }
};
[[maybe_unused]] ::testing::Environment* const g_counting_env =
    ::testing::AddGlobalTestEnvironment(new CountingEnvironment);

struct Outcome {
  size_t compared = 0, mismatches = 0;
  std::string first;  // the first few mismatches, readable
};

// Runs `candidate` and the exact oracle on every case (the oracle on two threads) and compares
// the codes bit for bit.
Outcome compare_with_oracle(const OpSemantics& s, const BatchFn& candidate, const Cases& cases,
                            const BatchFn* oracle_override = nullptr) {
  const size_t n = cases.size();
  Outcome r;
  r.compared = n;
  if (n == 0) return r;
  std::vector<uint64_t> got(n), want(n);
  const uint64_t* in[3] = {cases.ops[0].data(), cases.arity > 1 ? cases.ops[1].data() : nullptr,
                           cases.arity > 2 ? cases.ops[2].data() : nullptr};
  candidate(in, got.data(), n);
  const BatchFn oracle = oracle_override != nullptr ? *oracle_override : fpc::exact_reference(s);
  auto run = [&](size_t lo, size_t hi) {
    const uint64_t* part[3] = {in[0] + lo, in[1] ? in[1] + lo : nullptr, in[2] ? in[2] + lo : nullptr};
    oracle(part, want.data() + lo, hi - lo);
  };
  if (n >= 4096) {
    std::thread t(run, n / 2, n);
    run(0, n / 2);
    t.join();
  } else {
    run(0, n);
  }
  g_compared += n;
  std::ostringstream os;
  for (size_t i = 0; i < n; ++i) {
    if (got[i] == want[i]) continue;
    if (r.mismatches++ >= 5) continue;
    os << "\n  " << describe(s) << " [" << fpc::fast_reference_name(s) << "] in:";
    for (int k = 0; k < cases.arity; ++k) {
      const uint64_t c = cases.ops[static_cast<size_t>(k)][i];
      os << " " << hex(c) << " (" << fpc::to_exact_string(fpc::decode(*s.in, c, s.policy.daz).value) << ")";
    }
    os << "  fast " << hex(got[i]) << "  oracle " << hex(want[i]) << " ("
       << fpc::to_exact_string(fpc::decode(*s.out, want[i]).value) << ")";
  }
  r.first = os.str();
  return r;
}

// Compares fast_reference(s) with the oracle; fails the test on any difference.
void expect_equal_to_oracle(const OpSemantics& s, const Cases& cases) {
  const auto fast = fpc::fast_reference(s);
  ASSERT_TRUE(fast.has_value()) << describe(s);
  const Outcome r = compare_with_oracle(s, *fast, cases);
  EXPECT_EQ(r.mismatches, 0u) << r.mismatches << " of " << r.compared << " cases differ:" << r.first;
}

// Two candidates on the same cases, no oracle: used to carry a proof from one to the other.
size_t count_differences(const BatchFn& a, const BatchFn& b, const Cases& cases, std::string& first) {
  const size_t n = cases.size();
  std::vector<uint64_t> x(n), y(n);
  const uint64_t* in[3] = {cases.ops[0].data(), cases.arity > 1 ? cases.ops[1].data() : nullptr,
                           cases.arity > 2 ? cases.ops[2].data() : nullptr};
  a(in, x.data(), n);
  b(in, y.data(), n);
  size_t d = 0;
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i] && d++ < 3) {
      first += "\n  in " + hex(cases.ops[0][i]);
      if (cases.arity > 1) first += " " + hex(cases.ops[1][i]);
      first += ": " + hex(x[i]) + " vs " + hex(y[i]);
    }
  return d;
}

// ----- semantics to cover ----------------------------------------------------------------------

// The policy variants that can change a code: the default, saturation, inf under saturation
// (when inf inputs exist and the target has NaN to give), each pinned NaN rule (when NaN results
// can arise and the target has no NaN), ftz (when results can be subnormal in the target), daz
// (source has subnormals).
std::vector<Policy> policy_variants(const Format& in, const Format& out, bool nan_results, bool tiny_results) {
  std::vector<Policy> v;
  v.push_back({});
  Policy p;
  p.saturate = true;
  v.push_back(p);
  if (in.has_inf() && (out.has_inf() || out.has_nan())) {
    p.inf_under_saturation = InfUnderSaturation::NaN;
    v.push_back(p);
  }
  if (!out.has_nan() && nan_results)
    for (NanIntoNoNan rule : {NanIntoNoNan::PositiveMax, NanIntoNoNan::PositiveZero, NanIntoNoNan::NegativeZero}) {
      Policy q;
      q.nan_into_no_nan = rule;
      v.push_back(q);
    }
  if (out.has_subnormals && tiny_results) {
    Policy q;
    q.ftz = true;
    v.push_back(q);
  }
  if (in.has_subnormals) {
    Policy q;
    q.daz = true;
    v.push_back(q);
  }
  return v;
}

// Policy variants for a conversion: NaN results need NaN inputs (or negative values into an
// unsigned format); subnormal results need source values below the target's smallest normal.
std::vector<Policy> convert_policy_variants(const Format& in, const Format& out) {
  const int in_min_exp = in.has_subnormals ? in.emin() - in.man_bits : in.emin();
  return policy_variants(in, out, in.has_nan() || (in.has_sign && !out.has_sign), in_min_exp < out.emin());
}

// Arithmetic can make NaN (0/0, sqrt(-1)) and subnormal results from anything.
std::vector<Policy> arith_policy_variants(const Format& in, const Format& out) { return policy_variants(in, out, true, true); }

bool is_default(const Policy& p) {
  return !p.saturate && !p.ftz && !p.daz && p.nan_into_no_nan == NanIntoNoNan::Unpinned;
}

OpSemantics semantics(const std::string& op, const Format& in, const Format& out, Rounding r, const Policy& p) {
  OpSemantics s;
  s.op = op;
  s.in = &in;
  s.out = &out;
  s.rounding = r;
  s.policy = p;
  return s;
}

// The outputs other than the operands' format that arithmetic is proven into (rne).
bool is_mixed_precision_output(const Format& f) {
  return f.name == "float32" || f.name == "float16" || f.name == "bfloat16" || f.name == "float8_e4m3fn";
}

// ----- case generators -------------------------------------------------------------------------

uint64_t pack(const Format& f, bool neg, uint64_t field, uint64_t mant) {
  uint64_t c = (field << f.man_bits) | mant;
  if (neg && f.has_sign) c |= uint64_t{1} << (f.bits() - 1);
  return c;
}

uint64_t ones(int n) { return n <= 0 ? 0 : (n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1); }

// Special and extreme codes of a float format, both signs.
std::vector<uint64_t> special_codes(const Format& f) {
  std::vector<uint64_t> v;
  const int m = f.man_bits;
  const uint64_t top = (uint64_t{1} << f.exp_bits) - 1;
  for (int neg = 0; neg < (f.has_sign ? 2 : 1); ++neg) {
    const bool n = neg != 0;
    for (uint64_t mant : {uint64_t{0}, uint64_t{1}, uint64_t{2}, ones(m) >> 1, ones(m) - (m > 0 ? 1 : 0), ones(m)}) {
      v.push_back(pack(f, n, 0, mant & ones(m)));    // zeros, subnormals
      v.push_back(pack(f, n, 1, mant & ones(m)));    // smallest normals
      v.push_back(pack(f, n, top, mant & ones(m)));  // inf, NaN payloads (or the top binade)
      v.push_back(pack(f, n, top - 1, mant & ones(m)));
    }
    if (m > 0) v.push_back(pack(f, n, top, uint64_t{1} << (m - 1)));  // quiet NaN bit only
    if (f.bias > 0 && static_cast<uint64_t>(f.bias) < top) v.push_back(pack(f, n, static_cast<uint64_t>(f.bias), 0));  // ±1
    v.push_back(f.max_finite_code() | (n && f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0));
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The rounding quantum exponent of `out` for a value of exponent e (round.cpp's q).
int64_t out_quantum(const Format& out, int64_t e) {
  if (e >= out.emin()) return e - out.man_bits;
  return out.has_subnormals ? out.emin() - out.man_bits : out.emin();
}

// Codes of `in` whose mantissa bits around the round position `r` (the bit of weight half the
// target's quantum) take every pattern, for a value whose leading one is mantissa bit `lead`
// (lead == m: the implicit bit of a normal code, nothing above it in the mantissa) in exponent
// field `field`. The five-bit window [r-2, r+2] holds the second-lowest and lowest kept bits,
// the round bit and the top two sticky bits; below it the rest of the sticky bits are zero or
// not, above it the kept bits are zeros, ones (carries into the exponent) or random. `full`
// enumerates window x below x above x sign; otherwise window x below, above and sign random.
void codes_around(const Format& in, uint64_t field, int r, int lead, Rng& rng, bool full, std::vector<uint64_t>& out) {
  const int m = in.man_bits;
  const uint64_t lead_bit = lead < m ? uint64_t{1} << lead : 0;
  const uint64_t free_mask = ones(std::min(lead, m));  // bits below the leading one
  auto emit = [&](bool neg, uint64_t mant) { out.push_back(pack(in, neg, field, mant & ones(m))); };
  const int lo = std::max(0, r - 2), hi = std::min(std::min(lead, m), r + 3);  // window [lo, hi)
  if (hi <= lo) {  // the round point lies above the leading bit, or no bit can be dropped
    for (int neg = 0; neg < 2; ++neg) {
      for (int i = 0; i < 4; ++i) emit(neg != 0, lead_bit | (rng.next() & free_mask));
      emit(neg != 0, lead_bit);
      emit(neg != 0, lead_bit | free_mask);
    }
    return;
  }
  const uint64_t above = free_mask & ~ones(hi);  // bits above the window, below the lead
  const uint64_t below = ones(lo);
  for (uint64_t pat = 0; pat <= ones(hi - lo); ++pat) {
    const uint64_t w = lead_bit | (pat << lo);
    for (int b = 0; b < (lo > 0 ? 2 : 1); ++b) {
      // below: zero, or non-zero (the lowest bit, all ones or random, in turn)
      uint64_t low = 0;
      if (b == 1) {
        const uint64_t choice = rng.below(3);
        low = choice == 0 ? 1 : choice == 1 ? below : ((rng.next() & below) | 1);
      }
      if (full) {
        for (uint64_t a : {uint64_t{0}, above, rng.next() & above})
          for (int neg = 0; neg < 2; ++neg) emit(neg != 0, w | a | low);
      } else {
        const uint64_t choice = rng.below(3);
        emit(rng.coin(), w | (choice == 0 ? 0 : choice == 1 ? above : rng.next() & above) | low);
      }
    }
  }
}

// Dense boundary cases for converting `in` (any width) into `out`.
Cases convert_cases(const Format& in, const Format& out, uint64_t seed, bool full, size_t randoms) {
  Rng rng{seed * 0x9E3779B97F4A7C15ULL + 1};
  Cases c;
  for (uint64_t code : special_codes(in)) c.add(code);
  const int m = in.man_bits;
  const uint64_t top_field = (uint64_t{1} << in.exp_bits) - 1;
  // Exponent fields: all of them for exponent widths up to 8; for wider ones every field whose
  // values lie near the target's range (where rounding depends on digits) plus a sample.
  std::vector<uint64_t> fields;
  if (in.exp_bits <= 8) {
    for (uint64_t f = 0; f <= top_field; ++f) fields.push_back(f);
  } else {
    // (A near range wider than 4096 fields keeps 64 fields at each end and 2048 random ones.)
    const int64_t lo = out.emin() - out.man_bits - 4, hi = out.emax() + 4;
    const int64_t near_lo = std::max<int64_t>(0, lo + in.bias),
                  near_hi = std::min<int64_t>(static_cast<int64_t>(top_field), hi + in.bias);
    const bool thin = near_hi - near_lo > 4096;
    for (uint64_t f = 0; f <= top_field; ++f) {
      const auto fi = static_cast<int64_t>(f);
      const bool near = fi >= near_lo && fi <= near_hi &&
                        (!thin || fi < near_lo + 64 || fi > near_hi - 64 || rng.below(static_cast<uint64_t>(near_hi - near_lo)) < 2048);
      if (near || f <= 2 || f + 2 >= top_field) fields.push_back(f);
    }
    for (int i = 0; i < 48; ++i) fields.push_back(rng.below(top_field + 1));
  }
  std::vector<uint64_t> codes;
  for (uint64_t field : fields) {
    // Contexts: (leading bit position, exponent of mantissa bit 0).
    std::vector<std::pair<int, int64_t>> contexts;
    if (field == 0 && in.has_zero) {
      for (int lead = 0; lead < m; ++lead) contexts.push_back({lead, static_cast<int64_t>(in.emin()) - m});
    } else {
      contexts.push_back({m, static_cast<int64_t>(field) - in.bias - m});
    }
    for (auto [lead, e0] : contexts) {
      const int64_t e = e0 + lead;  // the value's exponent
      const int64_t r = out_quantum(out, e) - 1 - e0;  // mantissa index of the round bit
      const int ri = static_cast<int>(std::clamp<int64_t>(r, -8, m + 8));
      codes.clear();
      codes_around(in, field, ri, lead, rng, full, codes);
      for (uint64_t code : codes) c.add(code);
    }
  }
  for (size_t i = 0; i < randoms; ++i) c.add(rng.next() & in.code_mask());
  return c;
}

Cases all_codes(const Format& f, int arity) {
  Cases c;
  c.arity = arity;
  const uint64_t n = f.code_count();
  if (arity == 1)
    for (uint64_t a = 0; a < n; ++a) c.add(a);
  else if (arity == 2)
    for (uint64_t a = 0; a < n; ++a)
      for (uint64_t b = 0; b < n; ++b) c.add(a, b);
  else
    for (uint64_t a = 0; a < n; ++a)
      for (uint64_t b = 0; b < n; ++b)
        for (uint64_t d = 0; d < n; ++d) c.add(a, b, d);
  return c;
}

// Boundary mantissas: zero, one ulp, half, all ones..., single bits and runs, random.
uint64_t boundary_mantissa(const Format& f, Rng& rng) {
  const int m = f.man_bits;
  if (m == 0) return 0;
  switch (rng.below(10)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ones(m);
    case 3: return ones(m) - 1;
    case 4: return uint64_t{1} << (m - 1);
    case 5: return (uint64_t{1} << (m - 1)) | 1;
    case 6: return uint64_t{1} << rng.below(static_cast<uint64_t>(m));               // one bit
    case 7: return ones(m) & ~ones(static_cast<int>(rng.below(static_cast<uint64_t>(m))));  // a run from the top
    case 8: return ones(static_cast<int>(rng.below(static_cast<uint64_t>(m)) + 1));       // a run from the bottom
    default: return rng.next() & ones(m);
  }
}

// Dense structured pairs for a binary operation on a float format of any width.
// With all_field_pairs, every pair of exponent fields (else: all of them up to 5 exponent bits,
// a dense subset beyond).
Cases binary_cases(const std::string& op, const Format& f, const Format& out, uint64_t seed, size_t per_field_pair,
                   size_t randoms, bool all_field_pairs = false) {
  Rng rng{seed * 0x9E3779B97F4A7C15ULL + 7};
  Cases c;
  c.arity = 2;
  const std::vector<uint64_t> sp = special_codes(f);
  for (uint64_t a : sp)
    for (uint64_t b : sp) c.add(a, b);
  const int m = f.man_bits;
  const int64_t top = (int64_t{1} << f.exp_bits) - 1;
  auto operand = [&](int64_t field) { return pack(f, rng.coin(), static_cast<uint64_t>(field), boundary_mantissa(f, rng)); };
  std::vector<std::pair<int64_t, int64_t>> field_pairs;
  if (f.exp_bits <= 5 || all_field_pairs) {
    for (int64_t a = 0; a <= top; ++a)
      for (int64_t b = 0; b <= top; ++b) field_pairs.push_back({a, b});
  } else {
    // Close exponents (alignment, cancellation, ties: gaps up to m + 4), products and quotients
    // landing near the target's edges, and a random sample.
    // Each family is thinned to about 1500 pairs by a keep-probability.
    const uint64_t close_total = static_cast<uint64_t>((top + 1) * (2 * m + 9));
    for (int64_t a = 0; a <= top; ++a)
      for (int64_t d = -(m + 4); d <= m + 4; ++d)
        if (a + d >= 0 && a + d <= top && rng.below(close_total) < 1500) field_pairs.push_back({a, a + d});
    const int64_t bias = f.bias;
    const uint64_t edge_total = static_cast<uint64_t>((top + 1) * 5);
    for (int64_t edge : {int64_t{out.emin()} - out.man_bits - 1, int64_t{out.emin()}, int64_t{out.emax()}})
      for (int64_t a = 0; a <= top; ++a)
        for (int64_t d = -2; d <= 2; ++d) {
          // mul: (a - bias) + (b - bias) = edge;  div: (a - bias) - (b - bias) = edge
          const int64_t bm = edge + 2 * bias - a + d, bd = a - edge + d;
          const int64_t b = op == "div" ? bd : bm;
          if (b >= 0 && b <= top && rng.below(edge_total) < 500) field_pairs.push_back({a, b});
        }
    for (int i = 0; i < 1500; ++i)
      field_pairs.push_back({static_cast<int64_t>(rng.below(static_cast<uint64_t>(top) + 1)),
                             static_cast<int64_t>(rng.below(static_cast<uint64_t>(top) + 1))});
  }
  for (auto [fa, fb] : field_pairs)
    for (size_t k = 0; k < per_field_pair; ++k) c.add(operand(fa), operand(fb));
  // Exact ties for add/sub: b is half an ulp of a (or of the target near a), give or take one ulp.
  for (size_t i = 0; i < randoms / 4; ++i) {
    const int64_t fa = 1 + static_cast<int64_t>(rng.below(static_cast<uint64_t>(top - 1)));
    const int64_t gap = static_cast<int64_t>(rng.below(static_cast<uint64_t>(m + 3))) + 1;
    if (fa - gap < 0) continue;
    uint64_t mb = rng.below(3) == 0 ? 0 : (rng.below(2) == 0 ? 1 : ones(m));
    c.add(pack(f, rng.coin(), static_cast<uint64_t>(fa), rng.next() & ones(m)),
          pack(f, rng.coin(), static_cast<uint64_t>(fa - gap), mb));
  }
  for (size_t i = 0; i < randoms; ++i) c.add(rng.next() & f.code_mask(), rng.next() & f.code_mask());
  return c;
}

// fma: all triples for formats of at most 4 bits, otherwise special triples, products cancelled
// by the addend, and random triples.
Cases fma_cases(const Format& f, uint64_t seed) {
  if (f.bits() * 3 <= 12) return all_codes(f, 3);
  Rng rng{seed * 0x9E3779B97F4A7C15ULL + 3};
  Cases c;
  c.arity = 3;
  const std::vector<uint64_t> sp = special_codes(f);
  for (uint64_t a : sp)
    for (uint64_t b : sp) c.add(a, b, sp[rng.below(sp.size())]);
  const uint64_t sign = f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0;
  for (int i = 0; i < 6000; ++i) {
    const uint64_t a = rng.next() & f.code_mask(), b = rng.next() & f.code_mask();
    // c = -(a*b) rounded somewhere nearby: the exact cancellation and near-cancellation cases
    const fpc::RoundResult p = fpc::eval(fpc::Op::Mul, std::array<uint64_t, 2>{a, b}, f, f,
                                         kModes[rng.below(6)], {});
    const uint64_t near = (p.code ^ sign) + (rng.below(3) - 1);
    c.add(a, b, near & f.code_mask());
    c.add(a, b, rng.next() & f.code_mask());
  }
  return c;
}

// ----- conversions -------------------------------------------------------------------------------

class FastConvert : public ::testing::TestWithParam<const Format*> {};

// Every conversion from this format into every binary float format, every deterministic mode and
// the policy variants: exhaustive when the source has at most 16 bits, otherwise every keyed-table
// entry's representative (small tables: every policy; big ones: the default policy) and dense
// boundary sampling; then the bit-level engine against the proven table on many random codes.
TEST_P(FastConvert, EqualsOracle) {
  const Format& in = *GetParam();
  const bool exhaustive = in.bits() <= 16;
  const Cases every = exhaustive ? all_codes(in, 1) : Cases{};
  size_t semantics_count = 0;
  const uint64_t before = g_compared;
  uint64_t seed = 1;
  for (const Format* outp : float_formats()) {
    const Format& out = *outp;
    // Boundary cases: every (window, sticky, above, sign) combination for the default policy,
    // (window, sticky) with random above bits and sign for the policy variants.
    const Cases full = exhaustive ? Cases{} : convert_cases(in, out, seed++, true, 4000);
    const Cases reduced = exhaustive ? Cases{} : convert_cases(in, out, seed++, false, 2000);
    for (Rounding r : kModes)
      for (const Policy& p : convert_policy_variants(in, out)) {
        const OpSemantics s = semantics("convert", in, out, r, p);
        const bool default_policy = is_default(p);
        ++semantics_count;
        ASSERT_FALSE(fpc::fast_reference_name(s).empty()) << describe(s);
        if (exhaustive) {
          expect_equal_to_oracle(s, every);
          continue;
        }
        expect_equal_to_oracle(s, default_policy ? full : reduced);
        const auto info = fpc::fast_reference_table_info(s);
        // Every table entry against the oracle at its representative: for every semantics when
        // the table has at most 2^15 entries, for every mode under the default policy up to 2^18,
        // under rne with the default policy beyond.
        const bool sweep_entries = info.entries <= (size_t{1} << 15) ||
                                   (default_policy && info.entries <= (size_t{1} << 18)) ||
                                   (default_policy && r == Rounding::NearestEven);
        if (info.entries > 0 && sweep_entries) {
          Cases probes;
          probes.ops[0] = fpc::testing::table_probes(s)[0];
          expect_equal_to_oracle(s, probes);
        }
        if (info.entries > 0 && (r == Rounding::NearestEven || r == Rounding::ToOdd)) {
          // The bit-level engine and the table agree on 2^18 random codes (no oracle involved: this
          // carries the table's proof over to the bit-level path and vice versa).
          Rng rng{seed * 31 + static_cast<uint64_t>(r)};
          Cases random;
          for (int i = 0; i < (1 << 18); ++i) random.add(rng.next() & in.code_mask());
          std::string first;
          EXPECT_EQ(count_differences(*fpc::fast_reference(s), *fpc::testing::bit_level_reference(s), random, first), 0u)
              << describe(s) << first;
        }
        if (HasFailure()) return;
      }
  }
  std::cout << "[ fast     ] convert from " << in.name << ": " << semantics_count << " semantics, "
            << (g_compared - before) << " cases compared with the oracle\n";
}

std::string format_param_name(const ::testing::TestParamInfo<const Format*>& info) { return info.param->name; }

INSTANTIATE_TEST_SUITE_P(FastRef, FastConvert, ::testing::ValuesIn(float_formats()), format_param_name);

// ----- arithmetic -----------------------------------------------------------------------------------

class FastArith : public ::testing::TestWithParam<const Format*> {};

// add, sub, mul, div, sqrt, fma on this format, the result rounded into the same format (every
// mode; the policy variants under rne and rup) and, for add and mul, into float32/float16/bfloat16
// (rne): exhaustive over all pairs for formats of at most 8 bits, all codes for sqrt of <= 16-bit
// formats, all triples for fma on 4-bit formats, dense structured cases otherwise.
TEST_P(FastArith, EqualsOracle) {
  const Format& f = *GetParam();
  const uint64_t before = g_compared;
  size_t semantics_count = 0;
  uint64_t seed = 1000;
  const bool small = f.bits() <= 8;
  for (const std::string op : {"add", "sub", "mul", "div", "sqrt", "fma"}) {
    if (op == "fma" && f.man_bits > 52) continue;
    const bool pair_sweep = small && op != "sqrt" && op != "fma";
    std::vector<const Format*> outs = {&f};
    if (op == "add" || op == "mul")  // mixed precision: the result rounded into another format
      for (const Format* o : float_formats())
        if (o != &f && is_mixed_precision_output(*o)) outs.push_back(o);
    for (const Format* outp : outs) {
      const Format& out = *outp;
      Cases cases;
      if (op == "sqrt") cases = f.bits() <= 16 ? all_codes(f, 1) : convert_cases(f, out, seed++, false, 4000);
      else if (op == "fma") cases = fma_cases(f, seed++);
      else if (pair_sweep) cases = all_codes(f, 2);
      else cases = binary_cases(op, f, out, seed++, f.exp_bits <= 5 ? 12 : 2, 8000);
      const bool same = &out == &f;
      // Formats with 6 to 8 exponent bits (bfloat16, tf32, float32): every pair of exponent
      // fields once more, under rne with the default policy.
      if (same && !pair_sweep && op != "sqrt" && op != "fma" && f.exp_bits > 5 && f.exp_bits <= 8)
        expect_equal_to_oracle(semantics(op, f, out, Rounding::NearestEven, {}),
                               binary_cases(op, f, out, seed++, 1, 0, true));
      for (Rounding r : kModes) {
        if (!same && r != Rounding::NearestEven) continue;
        const std::vector<Policy> variants =
            same ? arith_policy_variants(f, out) : std::vector<Policy>{Policy{}};
        for (const Policy& p : variants) {
          // The policy variants run under two modes (every mode runs under the default policy):
          // they change only the overflow, underflow and special branches, which rne (nearest)
          // and rup (directed, both directions by sign) reach.
          if (!is_default(p) && r != Rounding::NearestEven && r != Rounding::TowardPositive) continue;
          const OpSemantics s = semantics(op, f, out, r, p);
          ++semantics_count;
          expect_equal_to_oracle(s, cases);
          if (HasFailure()) return;
        }
      }
    }
  }
  std::cout << "[ fast     ] arithmetic on " << f.name << ": " << semantics_count << " semantics, "
            << (g_compared - before) << " cases compared with the oracle\n";
}

INSTANTIATE_TEST_SUITE_P(FastRef, FastArith, ::testing::ValuesIn(float_formats()), format_param_name);

// The bit-level engine's fast lanes (fixed-point add/sub, 64-bit mul) and the hardware-float lane
// (float-lane+keyed-table) are not what the 8-bit op tables are built from (those use the engine's
// general path); on every pair of every 8-bit format, every mode and policy, and into every output
// the hardware lane accepts, each is compared with the op tables proven above (no oracle needed:
// the tables are exhaustively equal to it).
TEST(FastLanes, EqualProvenOpTablesOnAllPairs) {
  size_t lane_semantics = 0;
  for (const Format* fp : float_formats()) {
    const Format& f = *fp;
    if (f.bits() > 8) continue;
    const Cases pairs = all_codes(f, 2);
    for (const std::string op : {"add", "sub", "mul", "div"})
      for (const Format* outp : float_formats())
        for (Rounding r : kModes)
          for (const Policy& p : arith_policy_variants(f, *outp)) {
            const OpSemantics s = semantics(op, f, *outp, r, p);
            // other outputs: those FastArith proves (add and mul into float32, float16, bfloat16,
            // e4m3fn under rne)
            if (outp != &f && (!is_default(p) || r != Rounding::NearestEven || (op != "add" && op != "mul") ||
                               !is_mixed_precision_output(*outp)))
              continue;
            const auto lane = fpc::testing::lane_reference(s);
            if (outp != &f && !lane) continue;
            ASSERT_EQ(fpc::fast_reference_name(s), "op-table");
            const auto table = fpc::fast_reference(s);
            std::string first;
            if (outp == &f) {
              EXPECT_EQ(count_differences(*table, *fpc::testing::bit_level_reference(s), pairs, first), 0u)
                  << describe(s) << " (bit-level)" << first;
            }
            if (lane) {
              ++lane_semantics;
              EXPECT_EQ(count_differences(*table, *lane, pairs, first), 0u) << describe(s) << " (lane)" << first;
            }
            if (HasFailure()) return;
          }
  }
  EXPECT_GT(lane_semantics, 500u);  // the hardware lane really was exercised
}

// The hardware lane against the integer engine for the 16-bit formats it serves, into every output
// it accepts, on structured and random pairs (about 300000 a semantics; no oracle: FastArith
// compares both with it on its own cases).
TEST(FastLanes, HardwareLaneEqualsIntegerEngineOn16BitFormats) {
  for (const Format* fp : float_formats()) {
    const Format& f = *fp;
    if (f.bits() != 16) continue;
    for (const std::string op : {"add", "sub", "mul"}) {
      Cases cases = binary_cases(op, f, f, 77, 16, 1 << 18);
      for (const Format* outp : float_formats())
        for (Rounding r : kModes)
          for (const Policy& p : arith_policy_variants(f, *outp)) {
            // into the operands' format every mode (policy variants under rne and rup); rne and
            // rod into the others
            if (outp == &f && !is_default(p) && r != Rounding::NearestEven && r != Rounding::TowardPositive) continue;
            if (outp != &f && (!is_default(p) || (r != Rounding::NearestEven && r != Rounding::ToOdd))) continue;
            const OpSemantics s = semantics(op, f, *outp, r, p);
            const auto lane = fpc::testing::lane_reference(s);
            if (!lane) continue;
            std::string first;
            EXPECT_EQ(count_differences(*lane, *fpc::testing::bit_level_reference(s), cases, first), 0u)
                << describe(s) << first;
            if (HasFailure()) return;
          }
    }
  }
}

// ----- the sweep-shaped paths ----------------------------------------------------------------------
// An exhaustive sweep hands the reference chunks of consecutive codes (conversions) or rows with
// operand 0 fixed and operand 1 consecutive (pairs); the fast references take other paths for
// those (run-length fills of keyed tables; the AVX-512 lane). These tests feed such chunks, of a
// length that is not a multiple of the vector width, and compare with the bit-level engine.

// a and b called on `cases` in consecutive batches of `batch` cases.
size_t count_differences_batched(const BatchFn& a, const BatchFn& b, const Cases& cases, size_t batch,
                                 std::string& first) {
  size_t d = 0;
  for (size_t at = 0; at < cases.size(); at += batch) {
    const size_t n = std::min(batch, cases.size() - at);
    Cases part;
    part.arity = cases.arity;
    for (int k = 0; k < cases.arity; ++k)
      part.ops[static_cast<size_t>(k)].assign(cases.ops[static_cast<size_t>(k)].begin() + static_cast<long>(at),
                                              cases.ops[static_cast<size_t>(k)].begin() + static_cast<long>(at + n));
    d += count_differences(a, b, part, first);
  }
  return d;
}

// Runs of consecutive float32 codes across every place a keyed table's runs can break: each
// exponent field's start, the largest finite values, inf and the NaNs, the sign change (positive
// NaNs to -0), the end of the code space, and random places.
TEST(FastSweepShapes, KeyedTableOnConsecutiveCodesEqualsBitLevel) {
  const Format& f32 = fpc::format_by_name("float32");
  Cases runs;
  auto run = [&](uint64_t start, uint64_t length) {
    for (uint64_t c = start; c < start + length && c <= 0xFFFFFFFFu; ++c) runs.add(c);
  };
  for (uint64_t field = 0; field < 256; field += 5) run((field << 23) + 0x80000000u * (field & 1) - 700, 1400);
  run(0x7F7FF000u, 0x2000);
  run(0x7FFFF000u, 0x2000);
  run(0xFFFFF000u, 0x1000);
  Rng rng{99};
  for (int i = 0; i < 24; ++i) run(rng.below(0xFFFF0000u), 3000);
  size_t semantics_count = 0;
  for (const Format* outp : float_formats()) {
    for (Rounding r : kModes)
      for (const Policy& p : convert_policy_variants(f32, *outp)) {
        const OpSemantics s = semantics("convert", f32, *outp, r, p);
        if (fpc::fast_reference_name(s) != "keyed-table") continue;
        ++semantics_count;
        std::string first;
        for (size_t batch : {1000u, 4096u})
          EXPECT_EQ(count_differences_batched(*fpc::fast_reference(s), *fpc::testing::bit_level_reference(s), runs,
                                              batch, first),
                    0u)
              << describe(s) << " batch " << batch << first;
        if (HasFailure()) return;
      }
  }
  EXPECT_GT(semantics_count, 50u);
}

// consecutive_compare, the checker's in-place comparison of an exhaustive sweep's chunk, against
// the exact oracle: on chunks of consecutive codes (every eighth chunk of 1024 of a 16-bit or
// narrower source; across exponent fields, the top codes and NaNs of float32 and float64), the
// oracle's own results stored at every width that holds the output code must compare equal, and
// the same results with one of them changed (lowest or highest stored bit; first, middle or last
// case) must compare different: the test can fail.
TEST(ConsecutiveCompare, EqualsOracleOnChunksAndSeesEveryChangedResult) {
  auto chunks_of = [](const Format& in) {
    std::vector<std::pair<uint64_t, size_t>> chunks;
    const uint64_t mask = in.code_mask();
    if (in.bits() <= 16) {
      for (uint64_t first = 0; first <= mask; first += 8 * 1024) chunks.push_back({first, size_t(std::min<uint64_t>(1024, mask - first + 1))});
      chunks.push_back({mask - 20, 21});
      return chunks;
    }
    const uint64_t sign = uint64_t{1} << (in.bits() - 1);
    const uint64_t fields = uint64_t{1} << in.exp_bits;
    const uint64_t step = in.bits() == 64 ? 97 : 7;
    for (uint64_t field = 1; field < fields; field += step)
      for (uint64_t s : {uint64_t{0}, sign}) chunks.push_back({s | ((field << in.man_bits) - 150), 301});
    chunks.push_back({0, 300});
    chunks.push_back({sign, 1024});
    chunks.push_back({(mask >> 1) - 1023, 1024});  // the largest positive NaNs
    chunks.push_back({mask - 512, 513});           // the top codes
    return chunks;
  };
  size_t semantics_count = 0, compared = 0;
  auto check = [&](const OpSemantics& s) {
    const auto compare = fpc::consecutive_compare(s);
    const std::string path = fpc::fast_reference_name(s);
    EXPECT_EQ(compare.has_value(), path == "code-table" || path == "keyed-table" || path == "op-table" ||
                                       path == "oracle-table") << describe(s);
    if (!compare) return;
    ++semantics_count;
    const BatchFn oracle = fpc::exact_reference(s);
    bool first_chunk = true;
    for (const auto& [first, n] : chunks_of(*s.in)) {
      std::vector<uint64_t> codes(n), want(n);
      for (size_t j = 0; j < n; ++j) codes[j] = first + j;
      const uint64_t* in[1] = {codes.data()};
      oracle(in, want.data(), n);
      compared += n;
      for (int bytes : {1, 2, 4, 8}) {
        if (bytes * 8 < s.out->bits()) continue;
        std::vector<unsigned char> stored(n * static_cast<size_t>(bytes));
        for (size_t j = 0; j < n; ++j) std::memcpy(&stored[j * static_cast<size_t>(bytes)], &want[j], static_cast<size_t>(bytes));
        ASSERT_FALSE(compare->differs(first, stored.data(), bytes, n)) << describe(s) << " first " << first << " bytes " << bytes;
        if (!first_chunk && bytes != 8) continue;  // changed results: every width on the first chunk
        for (size_t j : {size_t{0}, n / 2, n - 1})
          for (int bit : {0, bytes * 8 - 1}) {
            unsigned char& byte = stored[j * static_cast<size_t>(bytes) + static_cast<size_t>(bit / 8)];
            byte ^= static_cast<unsigned char>(1u << (bit % 8));
            EXPECT_TRUE(compare->differs(first, stored.data(), bytes, n)) << describe(s) << " case " << first + j << " bit " << bit;
            byte ^= static_cast<unsigned char>(1u << (bit % 8));
          }
      }
      first_chunk = false;
    }
  };
  for (const char* in : {"float8_e4m3fn", "bfloat16", "float16", "float32", "float64"})
    for (const Format* out : float_formats())
      for (Rounding r : {Rounding::NearestEven, Rounding::TowardZero}) {
        check(semantics("convert", fpc::format_by_name(in), *out, r, {}));
        if (HasFailure()) return;
      }
  for (const char* f : {"float16", "bfloat16"}) check(semantics("sqrt", fpc::format_by_name(f), fpc::format_by_name(f), Rounding::NearestEven, {}));
  EXPECT_FALSE(fpc::consecutive_compare(semantics("add", fpc::format_by_name("float16"), fpc::format_by_name("float16"), Rounding::NearestEven, {})));
  EXPECT_GT(semantics_count, 100u);
  std::cout << "consecutive_compare: " << semantics_count << " semantics, " << compared << " cases against the oracle\n";
}

// Whole rows (operand 0 fixed, operand 1 every code) of 16-bit and 8-bit pair sweeps, in batches
// of 1000, through the hardware lane, against the integer engine: every mode and policy variant
// into the operands' format, rne and rod into the others.
TEST(FastSweepShapes, HardwareLaneOnRowsEqualsIntegerEngine) {
  size_t semantics_count = 0;
  for (const Format* fp : float_formats()) {
    const Format& f = *fp;
    if (f.bits() > 16) continue;
    Cases rows;
    rows.arity = 2;
    std::vector<uint64_t> firsts = {0, 1, f.min_normal_code(), f.max_finite_code(), f.code_count() / 2 + 3};
    if (f.has_inf()) firsts.push_back(f.inf_code(false));
    if (f.has_nan()) firsts.push_back(f.nan_code());
    Rng rng{f.bits() * 7u + 1};
    for (int i = 0; i < (f.bits() > 8 ? 2 : 40); ++i) firsts.push_back(rng.below(f.code_count()));
    for (uint64_t a : firsts)
      for (uint64_t b = 0; b < f.code_count(); ++b) rows.add(a, b);
    for (const std::string op : {"add", "sub", "mul"})
      for (const Format* outp : float_formats())
        for (Rounding r : kModes)
          for (const Policy& p : arith_policy_variants(f, *outp)) {
            if (outp != &f && (!is_default(p) || (r != Rounding::NearestEven && r != Rounding::ToOdd))) continue;
            const OpSemantics s = semantics(op, f, *outp, r, p);
            const auto lane = fpc::testing::lane_reference(s);
            if (!lane) continue;
            ++semantics_count;
            std::string first;
            EXPECT_EQ(count_differences_batched(*lane, *fpc::testing::bit_level_reference(s), rows, 1000, first), 0u)
                << describe(s) << first;
            if (HasFailure()) return;
          }
  }
  EXPECT_GT(semantics_count, 300u);
}

// ----- user-defined formats --------------------------------------------------------------------------

// Corners the built-in table does not reach: no subnormals but a zero, no mantissa bits (the
// code's parity is the exponent's), unsigned IEEE-style formats, FN sources wider than 16 bits
// (bit-round), 64-bit formats with 61-62 mantissa bits, a 15-bit exponent, odd biases.
const char* const kUserSpecs[] = {"e5m2:subnormals=off", "e4m0:nan=fn",   "e3m0:nan=none:unsigned", "e4m3:unsigned",
                                  "e3m3:bias=2:nan=fnuz", "e4m3:bias=-3:nan=fn", "e5m10:subnormals=off",
                                  "e6m9:nan=fn",          "e8m23:subnormals=off", "e5m26:nan=fn",
                                  "e2m61:nan=none",       "e1m62:nan=none",       "e15m48"};

class FastUserFormat : public ::testing::TestWithParam<const char*> {};

// Conversions from and to the format (partners: itself, float64, float32, float16, e4m3fn), every
// mode and policy variant; then add/sub/mul/div/sqrt(/fma) on it.
TEST_P(FastUserFormat, EqualsOracle) {
  const Format& u = fpc::format_by_name(GetParam());
  const uint64_t before = g_compared;
  uint64_t seed = 5000;
  std::vector<const Format*> partners = {&u};
  for (const char* name : {"float64", "float32", "float16", "float8_e4m3fn"}) partners.push_back(&fpc::format_by_name(name));
  for (const Format* partner : partners)
    for (int dir = 0; dir < (partner == &u ? 1 : 2); ++dir) {
      const Format& in = dir == 0 ? u : *partner;
      const Format& out = dir == 0 ? *partner : u;
      const Cases cases = in.bits() <= 8 ? all_codes(in, 1) : convert_cases(in, out, seed++, false, 500);
      for (Rounding r : kModes)
        for (const Policy& p : convert_policy_variants(in, out)) {
          if (!is_default(p) && r != Rounding::NearestEven && r != Rounding::TowardNegative) continue;
          const OpSemantics s = semantics("convert", in, out, r, p);
          ASSERT_FALSE(fpc::fast_reference_name(s).empty()) << describe(s);
          expect_equal_to_oracle(s, cases);
          if (HasFailure()) return;
        }
    }
  for (const std::string op : {"add", "sub", "mul", "div", "sqrt", "fma"}) {
    if (op == "fma" && u.man_bits > 52) continue;
    Cases cases;
    if (op == "sqrt") {
      if (u.bits() <= 16) {
        cases = all_codes(u, 1);
      } else if (u.exp_bits <= 11) {
        cases = convert_cases(u, u, seed++, false, 2000);
      } else {
        Rng rng{seed++};
        for (uint64_t c : special_codes(u)) cases.add(c);
        for (int i = 0; i < 4000; ++i) cases.add(rng.next() & u.code_mask());
      }
    }
    else if (op == "fma") cases = fma_cases(u, seed++);
    else if (u.bits() <= 8) cases = all_codes(u, 2);
    else cases = binary_cases(op, u, u, seed++, u.exp_bits > 11 ? 1 : 2, u.exp_bits > 11 ? 1000 : 4000);
    // (With a 15-bit exponent the oracle's exact sums of far-apart operands hold 30000-bit
    // integers: fewer cases there.)
    for (Rounding r : kModes)
      for (const Policy& p : arith_policy_variants(u, u)) {
        if (!is_default(p) && r != Rounding::NearestEven && r != Rounding::TowardNegative) continue;
        expect_equal_to_oracle(semantics(op, u, u, r, p), cases);
        if (HasFailure()) return;
      }
  }
  std::cout << "[ fast     ] user format " << u.name << ": " << (g_compared - before)
            << " cases compared with the oracle\n";
}

std::string spec_param_name(const ::testing::TestParamInfo<const char*>& info) {
  std::string n = info.param;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(FastRef, FastUserFormat, ::testing::ValuesIn(kUserSpecs), spec_param_name);

// ----- coverage, API, caching ---------------------------------------------------------------------

TEST(FastReferenceApi, CoverageAndNames) {
  const Format &f32 = fpc::format_by_name("float32"), &f16 = fpc::format_by_name("float16"),
               &bf16 = fpc::format_by_name("bfloat16"), &e4m3 = fpc::format_by_name("float8_e4m3fn"),
               &f64 = fpc::format_by_name("float64"), &i8 = fpc::format_by_name("int8"),
               &nf4 = fpc::format_by_name("nf4");
  auto name = [](const char* op, const Format& a, const Format& b, Rounding r = Rounding::NearestEven) {
    return fpc::fast_reference_name(semantics(op, a, b, r, {}));
  };
  EXPECT_EQ(name("convert", f32, e4m3), "keyed-table");
  EXPECT_EQ(name("convert", f32, bf16), "keyed-table");
  EXPECT_EQ(name("convert", f32, f16), "keyed-table");
  EXPECT_EQ(name("convert", f16, e4m3), "code-table");
  EXPECT_EQ(name("convert", f64, f32), "bit-round");
  EXPECT_EQ(name("add", f16, f16), "float-lane+keyed-table");
  EXPECT_EQ(name("mul", bf16, bf16), "float-lane+keyed-table");
  EXPECT_EQ(name("add", bf16, f16), "exact-int+bit-round");  // binary64 -> float16 has no keyed table
  EXPECT_EQ(name("div", f16, f16), "exact-int+bit-round");
  // float32/float64 arithmetic: the hardware lane where the CPU has AVX-512, else the engine
  const bool lane = fpc::testing::wide_lane_reference(semantics("add", f32, f32, Rounding::NearestEven, {}), false).has_value();
  EXPECT_EQ(name("add", f32, f32), lane ? "ieee-lane+exact-int" : "exact-int+bit-round");
  EXPECT_EQ(name("add", f32, f16), "exact-int+bit-round");  // the lane needs the operands' format out
  EXPECT_EQ(name("mul", e4m3, e4m3), "op-table");
  EXPECT_EQ(name("sqrt", f16, f16), "op-table");
  EXPECT_EQ(name("convert", f16, i8), "oracle-table");
  EXPECT_EQ(name("convert", nf4, f32), "oracle-table");
  EXPECT_EQ(name("convert", f32, i8), "");                    // no fast path: 2^32 inputs, integer target
  EXPECT_EQ(name("convert", f32, e4m3, Rounding::Stochastic), "");  // no stochastic fast path
  EXPECT_FALSE(fpc::fast_reference(semantics("convert", f32, f16, Rounding::Stochastic, {})).has_value());
  EXPECT_EQ(name("minimum", f16, f16), "");
  EXPECT_EQ(name("minimum", e4m3, e4m3), "oracle-table");
  const auto info = fpc::fast_reference_table_info(semantics("convert", f32, e4m3, Rounding::NearestEven, {}));
  EXPECT_EQ(info.entries, size_t{1} << 14);  // sign, 8 exponent bits, 4 mantissa bits, sticky
  EXPECT_EQ(info.bytes, size_t{1} << 14);
}

// The oracle-table fallback (a table filled by the oracle itself) over its whole domain: the
// integer, code-table and min/max cases it covers.
TEST(FastReferenceApi, OracleTablesEqualOracle) {
  const Format &f16 = fpc::format_by_name("float16"), &e4m3 = fpc::format_by_name("float8_e4m3fn"),
               &e5m2 = fpc::format_by_name("float8_e5m2");
  for (const char* out : {"int8", "uint4", "nf4", "bnb_fp4"})
    expect_equal_to_oracle(semantics("convert", f16, fpc::format_by_name(out), Rounding::NearestEven, {}),
                           all_codes(f16, 1));
  for (const char* in : {"int8", "uint8", "int4", "nf4", "bnb_fp4"})
    for (Rounding r : {Rounding::NearestEven, Rounding::TowardNegative})
      expect_equal_to_oracle(semantics("convert", fpc::format_by_name(in), e4m3, r, {}),
                             all_codes(fpc::format_by_name(in), 1));
  for (const char* op : {"minimum", "maximum", "minimumNumber", "maximumNumber"})
    expect_equal_to_oracle(semantics(op, e5m2, e5m2, Rounding::NearestEven, {}), all_codes(e5m2, 2));
}

TEST(FastReferenceApi, BadCodesThrowLikeTheOracle) {
  const Format &f32 = fpc::format_by_name("float32"), &e4m3 = fpc::format_by_name("float8_e4m3fn");
  for (const OpSemantics& s : {semantics("convert", f32, e4m3, Rounding::NearestEven, {}),
                               semantics("convert", e4m3, f32, Rounding::NearestEven, {}),
                               semantics("add", e4m3, e4m3, Rounding::NearestEven, {}),
                               semantics("add", f32, f32, Rounding::NearestEven, {})}) {
    const uint64_t a[2] = {1, uint64_t{1} << 40}, b[2] = {1, 1};
    const uint64_t* in[2] = {a, b};
    uint64_t out[2];
    EXPECT_THROW((*fpc::fast_reference(s))(in, out, 2), fpc::InputError) << describe(s);
    EXPECT_THROW(fpc::exact_reference(s)(in, out, 2), fpc::InputError) << describe(s);
  }
}

// One table per semantics, shared by every batch function and safe to use from many threads.
TEST(FastReferenceApi, TablesAreSharedAndThreadSafe) {
  const OpSemantics s = semantics("convert", fpc::format_by_name("float32"), fpc::format_by_name("bfloat16"),
                                  Rounding::NearestEven, {});
  const BatchFn oracle = fpc::exact_reference(s);
  Rng rng{42};
  Cases cases;
  for (int i = 0; i < 20000; ++i) cases.add(rng.next() & 0xFFFFFFFFu);
  std::vector<uint64_t> want(cases.size());
  const uint64_t* in[1] = {cases.ops[0].data()};
  oracle(in, want.data(), cases.size());
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      const auto fast = fpc::fast_reference(s);  // concurrent first use: one build, one table
      std::vector<uint64_t> got(cases.size());
      (*fast)(in, got.data(), cases.size());
      if (got != want) ++bad;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

// ----- the IEEE binary32/binary64 hardware lane ("ieee-lane+exact-int") -------------------------------
// FastArith above proves it equal to the oracle on float32's and float64's structured cases (every
// mode, the policy variants). These tests add exhaustive sets: every pair of float8_e5m2 codes
// embedded into float32/float64 (with their exponents spread out, so that sums round and tie),
// against the oracle; pairs of float16 values embedded into float32 and random codes, against the
// integer engine (itself proven on the cases the lane hands it: FastWideLane.IntegerEngineEqualsOracle).

const Format& f32() { return fpc::format_by_name("float32"); }
const Format& f64() { return fpc::format_by_name("float64"); }

// The float32/float64 code of a float8_e5m2 code with its exponent spread out: field
// bias + (E - 15) * scale, clamped into the finite fields; subnormals stay subnormal (their two
// mantissa bits on top), inf and NaN stay inf and NaN (payload on top).
uint64_t embed_e5m2(uint64_t c, const Format& w, int scale) {
  const uint64_t sign = (c >> 7) & 1, field = (c >> 2) & 31, mant = c & 3;
  const int64_t top = (int64_t{1} << w.exp_bits) - 1;
  int64_t wf = 0;
  if (field == 31) wf = top;
  else if (field != 0) wf = std::clamp<int64_t>(w.bias + (static_cast<int64_t>(field) - 15) * scale, 1, top - 1);
  return (sign << (w.bits() - 1)) | (static_cast<uint64_t>(wf) << w.man_bits) | (mant << (w.man_bits - 2));
}

// The scales: values close together (scale 1), and spread so that sums of two round at the
// format's precision, ties included (float32: 1 + 2^-24 at scale 6, 4 * 6 = 24; float64: 1 +
// 2^-53 at scale 53, clamped at the ends of the range).
std::vector<int> embedding_scales(const Format& w) { return w.bits() == 32 ? std::vector<int>{1, 6} : std::vector<int>{1, 53}; }

Cases embedded_pairs(const Format& w, int scale) {
  Cases c;
  c.arity = 2;
  for (uint64_t a = 0; a < 256; ++a)
    for (uint64_t b = 0; b < 256; ++b) c.add(embed_e5m2(a, w, scale), embed_e5m2(b, w, scale));
  return c;
}

Cases embedded_singles(const Format& w, int scale) {
  Cases c;
  for (uint64_t a = 0; a < 256; ++a) c.add(embed_e5m2(a, w, scale));
  return c;
}

// Every triple of 64 codes (every fourth e5m2 code: zeros, subnormals, normals, inf, NaN).
Cases embedded_triples(const Format& w, int scale) {
  Cases c;
  c.arity = 3;
  for (uint64_t a = 0; a < 256; a += 4)
    for (uint64_t b = 1; b < 256; b += 4)
      for (uint64_t d = 2; d < 256; d += 4) c.add(embed_e5m2(a, w, scale), embed_e5m2(b, w, scale), embed_e5m2(d, w, scale));
  return c;
}

Cases embedded_cases(const std::string& op, const Format& w, int scale) {
  if (op == "sqrt") return embedded_singles(w, scale);
  if (op == "fma") return embedded_triples(w, scale);
  return embedded_pairs(w, scale);
}

constexpr const char* kWideOps[] = {"add", "sub", "mul", "div", "sqrt", "fma"};

std::vector<Policy> wide_policies() {
  Policy ftz, daz;
  ftz.ftz = true;
  daz.daz = true;
  return {Policy{}, ftz, daz};
}

TEST(FastWideLane, TakesFloat32AndFloat64Arithmetic) {
  if (!fpc::testing::wide_lane_reference(semantics("add", f32(), f32(), Rounding::NearestEven, {}), false))
    GTEST_SKIP() << "this CPU has no AVX-512 F/DQ/VL (or MXCSR flushes subnormals): the lane is not used here";
  for (const Format* w : {&f32(), &f64()})
    for (const char* op : kWideOps)
      for (Rounding r : kModes) {
        const OpSemantics s = semantics(op, *w, *w, r, {});
        const bool integer_only = w == &f64() && std::string(op) == "fma" && r == Rounding::NearestAway;
        EXPECT_EQ(fpc::fast_reference_name(s), integer_only ? "exact-int+bit-round" : "ieee-lane+exact-int") << describe(s);
      }
}

bool have_wide_lane() { return fpc::testing::wide_lane_reference(semantics("add", f32(), f32(), Rounding::NearestEven, {}), false).has_value(); }

// The semantics the embedded sets run: every mode at the spreading scale; rne and rna (ties) at
// scale 1; ftz and daz under rne and rdn at the spreading scale.
bool embedded_semantics(int scale, Rounding r, const Policy& p) {
  if (scale == 1) return is_default(p) && (r == Rounding::NearestEven || r == Rounding::NearestAway);
  return is_default(p) || r == Rounding::NearestEven || r == Rounding::TowardNegative;
}

TEST(FastWideLane, EqualsOracleOnEmbeddedE5M2Sets) {
  if (!have_wide_lane()) GTEST_SKIP() << "this CPU has no AVX-512 F/DQ/VL: the lane is not used here";
  size_t semantics_count = 0;
  for (const Format* w : {&f32(), &f64()})
    for (int scale : embedding_scales(*w))
      for (const char* op : kWideOps) {
        const Cases cases = embedded_cases(op, *w, scale);
        for (Rounding r : kModes)
          for (const Policy& p : wide_policies()) {
            if (!embedded_semantics(scale, r, p)) continue;
            const OpSemantics s = semantics(op, *w, *w, r, p);
            const auto lane = fpc::testing::wide_lane_reference(s, false);
            if (!lane) continue;  // binary64 fma under rna: the integer engine only (next test)
            ++semantics_count;
            const Outcome o = compare_with_oracle(s, *lane, cases);
            ASSERT_EQ(o.mismatches, 0u) << o.mismatches << " of " << o.compared << " differ (scale " << scale << "):" << o.first;
          }
      }
  EXPECT_GT(semantics_count, 100u);
}

// The integer engine (what the lane hands its other cases to; binary64 fma included, which is new)
// against the oracle on the same sets, every mode.
TEST(FastWideLane, IntegerEngineEqualsOracle) {
  for (const Format* w : {&f32(), &f64()})
    for (int scale : embedding_scales(*w))
      for (const char* op : kWideOps) {
        const Cases cases = embedded_cases(op, *w, scale);
        for (Rounding r : kModes) {
          if (!embedded_semantics(scale, r, Policy{})) continue;
          const OpSemantics s = semantics(op, *w, *w, r, {});
          const Outcome o = compare_with_oracle(s, *fpc::testing::bit_level_reference(s), cases);
          ASSERT_EQ(o.mismatches, 0u) << o.mismatches << " of " << o.compared << " differ (scale " << scale << "):" << o.first;
        }
      }
}

// Random codes of the whole format (NaN payloads, subnormals, every exponent) and random values
// near each other (sums that cancel, products near the range's ends), against the integer engine.
Cases random_wide_cases(const Format& w, int arity, uint64_t seed, size_t n) {
  Rng rng{seed};
  Cases c;
  c.arity = arity;
  const uint64_t mask = w.code_mask();
  for (size_t i = 0; i < n; ++i) {
    uint64_t x[3];
    for (uint64_t& v : x) v = rng.next() & mask;
    if (i % 2 == 1)  // operands within a few binades of operand 0
      for (int k = 1; k < 3; ++k) {
        const uint64_t field_bits = (uint64_t{1} << w.exp_bits) - 1;
        const uint64_t f0 = (x[0] >> w.man_bits) & field_bits;
        const uint64_t fk = std::clamp<int64_t>(static_cast<int64_t>(f0) + static_cast<int64_t>(rng.below(7)) - 3, 0,
                                                static_cast<int64_t>(field_bits));
        x[k] = (x[k] & ~(field_bits << w.man_bits)) | (fk << w.man_bits);
      }
    c.add(x[0], x[1], x[2]);
  }
  return c;
}

TEST(FastWideLane, EqualsIntegerEngineOnRandomCodes) {
  for (const Format* w : {&f32(), &f64()})
    for (const char* op : kWideOps) {
      const int arity = std::string(op) == "sqrt" ? 1 : std::string(op) == "fma" ? 3 : 2;
      const Cases cases = random_wide_cases(*w, arity, 4242, 200000);
      for (Rounding r : kModes)
        for (const Policy& p : wide_policies()) {
          const OpSemantics s = semantics(op, *w, *w, r, p);
          const auto lane = fpc::testing::wide_lane_reference(s, false);
          if (!lane) continue;
          std::string first;
          ASSERT_EQ(count_differences(*lane, *fpc::testing::bit_level_reference(s), cases, first), 0u) << describe(s) << first;
        }
    }
}

// Pairs of float16 values embedded into float32 (exact), against the integer engine: every 509th
// row of operand 0 by every operand 1 (every row: FPC_WIDE_EXHAUSTIVE=1, 2^32 pairs an operation
// and mode; see docs/performance.md), every mode; sqrt on every float16 value.
TEST(FastWideLane, EqualsIntegerEngineOnFloat16EmbeddedPairs) {
  const Format& h = fpc::format_by_name("float16");
  const char* env = std::getenv("FPC_WIDE_EXHAUSTIVE");
  const uint64_t stride = env != nullptr && std::string(env) == "1" ? 1 : 509;
  std::vector<uint64_t> widen(65536);
  for (uint64_t c = 0; c < 65536; ++c) widen[c] = fpc::round_to_format(fpc::decode(h, c).value, f32(), Rounding::NearestEven).code;
  for (const char* op : {"add", "sub", "mul", "div", "sqrt"})
    for (Rounding r : kModes) {
      const OpSemantics s = semantics(op, f32(), f32(), r, {});
      const auto lane = fpc::testing::wide_lane_reference(s, false);
      if (!lane) GTEST_SKIP() << "no hardware lane on this CPU";
      const auto engine = fpc::testing::bit_level_reference(s);
      std::string first;
      if (std::string(op) == "sqrt") {
        Cases c;
        for (uint64_t a = 0; a < 65536; ++a) c.add(widen[a]);
        ASSERT_EQ(count_differences(*lane, *engine, c, first), 0u) << describe(s) << first;
        continue;
      }
      for (uint64_t a = 0; a < 65536; a += stride) {
        Cases row;
        row.arity = 2;
        row.ops[0].assign(65536, widen[a]);
        row.ops[1] = widen;
        ASSERT_EQ(count_differences(*lane, *engine, row, first), 0u) << describe(s) << first;
      }
    }
}

// ----- the tests can fail ----------------------------------------------------------------------------

// A code table with one entry flipped: the exhaustive comparison finds exactly that input.
TEST(FastCorrupted, CodeTableEntryIsCaughtByExhaustiveComparison) {
  const Format &f16 = fpc::format_by_name("float16"), &e4m3 = fpc::format_by_name("float8_e4m3fn");
  const OpSemantics s = semantics("convert", f16, e4m3, Rounding::NearestEven, {});
  const uint64_t probe[1] = {0x3C01};  // 1 + 2^-10: any entry would do
  const auto bad = fpc::testing::corrupted_fast_reference(s, probe, 1);
  ASSERT_TRUE(bad.has_value());
  const Outcome r = compare_with_oracle(s, *bad, all_codes(f16, 1));
  EXPECT_EQ(r.mismatches, 1u) << r.first;
  EXPECT_NE(r.first.find("0x3c01"), std::string::npos) << r.first;
}

// A keyed table (float32 -> bfloat16) with the entry of a rounding tie flipped: the boundary
// sampler alone catches it, and so does the sweep over every entry's representative, for an
// entry picked at random as well.
TEST(FastCorrupted, KeyedTableEntryIsCaughtByBoundarySamplingAndEntrySweep) {
  const Format &f32 = fpc::format_by_name("float32"), &bf16 = fpc::format_by_name("bfloat16");
  const OpSemantics s = semantics("convert", f32, bf16, Rounding::NearestEven, {});
  const uint64_t tie[1] = {0x3F808000};  // 1 + 2^-8: half-way between 1 and 1 + 2^-7
  const auto bad_tie = fpc::testing::corrupted_fast_reference(s, tie, 1);
  ASSERT_TRUE(bad_tie.has_value());
  const Outcome sampled = compare_with_oracle(s, *bad_tie, convert_cases(f32, bf16, 1, true, 2000));
  EXPECT_GE(sampled.mismatches, 1u);

  Rng rng{7};
  const uint64_t random_code[1] = {rng.next() & 0xFFFFFFFFu};
  const auto bad_random = fpc::testing::corrupted_fast_reference(s, random_code, 0x10);
  ASSERT_TRUE(bad_random.has_value());
  Cases probes;
  probes.ops[0] = fpc::testing::table_probes(s)[0];
  const Outcome swept = compare_with_oracle(s, *bad_random, probes);
  EXPECT_EQ(swept.mismatches, 1u) << swept.first;
}

// An 8-bit op table with one entry flipped: the all-pairs comparison finds exactly that pair.
TEST(FastCorrupted, OpTableEntryIsCaughtByAllPairs) {
  const Format& e5m2 = fpc::format_by_name("float8_e5m2");
  const OpSemantics s = semantics("mul", e5m2, e5m2, Rounding::TowardZero, {});
  const uint64_t pair[2] = {0x3D, 0xC2};
  const auto bad = fpc::testing::corrupted_fast_reference(s, pair, 0x80);
  ASSERT_TRUE(bad.has_value());
  const Outcome r = compare_with_oracle(s, *bad, all_codes(e5m2, 2));
  EXPECT_EQ(r.mismatches, 1u) << r.first;
}

// A wrong rounder (ties away instead of to even) passed off as the rne reference for
// float16 add: the structured pairs catch it.
TEST(FastCorrupted, WrongModeIsCaughtByStructuredPairs) {
  const Format& f16 = fpc::format_by_name("float16");
  const OpSemantics s = semantics("add", f16, f16, Rounding::NearestEven, {});
  const auto rna = fpc::fast_reference(semantics("add", f16, f16, Rounding::NearestAway, {}));
  const Outcome r = compare_with_oracle(s, *rna, binary_cases("add", f16, f16, 5, 12, 8000));
  EXPECT_GT(r.mismatches, 100u);
}

// The hardware lane with a planted off-by-one (one ulp off on the cases it decides whose operand
// 0 has exponent field bits ...101): the embedded sets catch it for every operation in both
// formats, against the oracle under rne and against the proven lane in the other modes.
TEST(FastCorrupted, WideLaneOffByOneIsCaughtByEmbeddedSets) {
  if (!have_wide_lane()) GTEST_SKIP() << "this CPU has no AVX-512 F/DQ/VL: the lane is not used here";
  for (const Format* w : {&f32(), &f64()})
    for (const char* op : kWideOps) {
      const Cases cases = embedded_cases(op, *w, embedding_scales(*w).back());
      for (Rounding r : kModes) {
        const OpSemantics s = semantics(op, *w, *w, r, {});
        const auto planted = fpc::testing::wide_lane_reference(s, true);
        if (!planted) continue;  // binary64 fma under rna: the integer engine only
        std::string first;
        const size_t caught = r == Rounding::NearestEven
                                  ? compare_with_oracle(s, *planted, cases).mismatches
                                  : count_differences(*planted, *fpc::testing::wide_lane_reference(s, false), cases, first);
        EXPECT_GT(caught, 0u) << describe(s);
      }
    }
}

// The integer fma (binary64's is new: a 106-bit product and a 128-bit sum) with a planted
// off-by-one: FastArith's fma cases catch it in both formats.
TEST(FastCorrupted, IntegerFmaOffByOneIsCaughtByFmaCases) {
  for (const Format* w : {&f32(), &f64()}) {
    const OpSemantics s = semantics("fma", *w, *w, Rounding::NearestAway, {});
    const auto planted = fpc::testing::corrupted_engine_fma(s);
    ASSERT_TRUE(planted.has_value());
    EXPECT_GT(compare_with_oracle(s, *planted, fma_cases(*w, 31)).mismatches, 0u) << describe(s);
  }
}

}  // namespace
