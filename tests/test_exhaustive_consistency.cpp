// Exhaustive self-consistency of decode and round over every built-in format of at most 16 bits
// (iterated from builtin_formats(), so a new row is picked up automatically) and every rounding
// mode, stochastic rounding with several (k, r):
//  * decode then round is the identity on every finite code (and on infinities), in every mode;
//  * for x strictly between neighbouring distinct values a < b (their midpoint, the midpoint
//    plus/minus 2^-22 of the gap, 2^-40 of the gap from either end, and the thirds): rdn(x) = a, rup(x) = b, rtz picks the one nearer zero,
//    rne/rna pick the nearer one and differ only at the exact tie (rne: the even code, rna: away
//    from zero), rod picks the odd code, sr rounds up iff floor(f * 2^k) + r >= 2^k;
//  * beyond the largest (below the lowest) value: rdn/rtz/rod give the extreme, rup gives the
//    overflow result of the format, and every mode gives the extreme under saturation;
//  * every mode is monotone in x over the whole sequence.
// Expected values here come from the sorted list of decoded values and exact rationals only.
#include "test_support.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace {

using fpc::BigInt;
using fpc::CodeClass;
using fpc::ExactValue;
using fpc::Format;
using fpc::Policy;
using fpc::RandomBits;
using fpc::RoundResult;
using fpc::Rounding;

std::vector<std::string> small_format_names() {
  std::vector<std::string> names;
  for (const Format& f : fpc::builtin_formats())
    if (f.bits() <= 16) names.push_back(f.name);
  return names;
}

struct Mode {
  Rounding mode;
  RandomBits rb;
  std::string label;
};

std::vector<Mode> all_modes() {
  std::vector<Mode> modes;
  for (Rounding r : fpc::kAllRoundings)
    if (r != Rounding::Stochastic) modes.push_back({r, {}, std::string(fpc::short_name(r))});
  const std::pair<int, uint64_t> sr[] = {{0, 0},
                                         {1, 0},
                                         {1, 1},
                                         {4, 7},
                                         {22, (uint64_t{1} << 21) - 2},
                                         {22, (uint64_t{1} << 21) - 1},
                                         {64, uint64_t{1} << 63}};
  for (auto [k, r] : sr)
    modes.push_back({Rounding::Stochastic, {k, r}, "sr(k=" + std::to_string(k) + ",r=" + std::to_string(r) + ")"});
  return modes;
}

using fpc::testing_support::Failures;

std::string hex(uint64_t c) { return "0x" + BigInt(c).str(0, std::ios_base::hex); }
std::string text(const ExactValue& v) { return fpc::to_exact_string(v); }

// Signed rational num/den (den > 0) of a finite value.
struct Rat {
  BigInt num, den;
};
Rat rat(const ExactValue& v) {
  if (v.is_zero()) return {0, 1};
  return {v.negative ? BigInt(-v.num) : v.num, v.den};
}
ExactValue value_of(const BigInt& num, const BigInt& den) {
  return ExactValue::rational(num < 0, num < 0 ? BigInt(-num) : num, den);
}

// One distinct finite value of the format and its code(s).
struct Entry {
  ExactValue value;
  uint64_t code = 0;           // the code (for zero: of +0, or the only zero)
  uint64_t neg_zero_code = 0;  // zero only: the code of -0 where the format has one
  bool has_neg_zero = false;
};

std::vector<Entry> sorted_values(const Format& f) {
  std::vector<Entry> all;
  for (uint64_t c = 0; c < f.code_count(); ++c) {
    fpc::Decoded d = fpc::decode(f, c);
    if (d.cls == CodeClass::NaN || d.cls == CodeClass::Infinity) continue;
    all.push_back({d.value, c, 0, false});
  }
  std::sort(all.begin(), all.end(), [](const Entry& a, const Entry& b) { return fpc::compare(a.value, b.value) < 0; });
  std::vector<Entry> out;
  for (const Entry& e : all) {
    if (!out.empty() && fpc::compare(out.back().value, e.value) == 0) {
      // only the zeros may share a value: +0 and -0
      EXPECT_TRUE(e.value.is_zero()) << f.name << ": codes " << hex(out.back().code) << " and " << hex(e.code)
                                     << " both decode to " << text(e.value);
      Entry& z = out.back();
      if (e.value.negative && !z.value.negative) {
        z.neg_zero_code = e.code;
        z.has_neg_zero = true;
      } else if (!e.value.negative && z.value.negative) {
        z.neg_zero_code = z.code;
        z.has_neg_zero = true;
        z.code = e.code;
        z.value = e.value;
      }
      continue;
    }
    out.push_back(e);
  }
  for (const Entry& e : out)  // a lone -0 (no +0): not expected in any format
    if (e.value.is_zero() && e.value.negative) ADD_FAILURE() << f.name << " has -0 but no +0";
  return out;
}

// The code a result equal to entry e must have when the rounded value had sign `negative`.
uint64_t code_for(const Entry& e, bool negative) {
  return e.value.is_zero() && negative && e.has_neg_zero ? e.neg_zero_code : e.code;
}

// Decoded value of a result, with overflow NaN read as +-inf (the side of x) for ordering.
ExactValue ordered_value(const Format& f, uint64_t code, bool x_negative) {
  fpc::Decoded d = fpc::decode(f, code);
  if (d.cls == CodeClass::NaN) return ExactValue::infinity(x_negative);
  return d.value;
}

// Positions t in (0, 1) of the gap between neighbours, as exact fractions.
struct Fraction {
  BigInt num, den;
};
const std::vector<Fraction> kFractions = {
    {1, BigInt(1) << 40},
    {1, 3},
    {(BigInt(1) << 21) - 1, BigInt(1) << 22},  // 1/2 - 2^-22
    {1, 2},
    {(BigInt(1) << 21) + 1, BigInt(1) << 22},  // 1/2 + 2^-22
    {2, 3},
    {(BigInt(1) << 40) - 1, BigInt(1) << 40},
};

class Exhaustive : public ::testing::TestWithParam<std::string> {
 protected:
  const Format& f() const { return fpc::format_by_name(GetParam()); }
};

// ------------------------------------------------------------------------------------------

TEST_P(Exhaustive, DecodeThenRoundIsIdentity) {
  const Format& fmt = f();
  Failures fail;
  Policy saturating;
  saturating.saturate = true;
  for (uint64_t c = 0; c < fmt.code_count(); ++c) {
    fpc::Decoded d = fpc::decode(fmt, c);
    for (const Mode& m : all_modes()) {
      for (const Policy* p : {static_cast<const Policy*>(nullptr), static_cast<const Policy*>(&saturating)}) {
        RoundResult r = fpc::round_to_format(d.value, fmt, m.mode, p ? *p : Policy{}, m.rb);
        const char* pol = p ? " saturating" : "";
        if (d.cls == CodeClass::NaN) {
          if (fpc::decode(fmt, r.code).cls != CodeClass::NaN) fail.add(hex(c), " (NaN) ", m.label, " gave ", hex(r.code));
          continue;
        }
        if (d.cls == CodeClass::Infinity && p) continue;  // inf under saturation is a policy of its own
        if (r.code != c || r.flags != 0)
          fail.add(hex(c), " = ", text(d.value), " ", m.label, pol, " gave ", hex(r.code), " flags ",
                   fpc::flags_to_string(r.flags));
      }
    }
  }
  fail.report(fmt.name);
}

TEST_P(Exhaustive, BetweenNeighboursAndBeyond) {
  const Format& fmt = f();
  const std::vector<Entry> vals = sorted_values(fmt);
  ASSERT_GE(vals.size(), 2u);
  const std::vector<Mode> modes = all_modes();
  Failures fail;
  Policy saturating;
  saturating.saturate = true;

  // Monotonicity: the last result of each mode along increasing x.
  std::vector<ExactValue> last(modes.size(), ExactValue::infinity(true));
  auto check_monotone = [&](size_t mi, const ExactValue& x, const RoundResult& r) {
    ExactValue now = ordered_value(fmt, r.code, x.negative);
    if (fpc::compare(last[mi], now) > 0)
      fail.add("not monotone at x = ", text(x), " ", modes[mi].label, ": ", text(now), " after ", text(last[mi]));
    last[mi] = now;
  };

  // ---- beyond the extremes: ext + (ext - next) * n / 4 (n = 1, 2, 3), 3 * ext, 2^100 * ext
  const Entry& top = vals.back();
  const Entry& bottom = vals.front();
  auto beyond_of = [](const Entry& ext, const Entry& next) {
    Rat er = rat(ext.value), nr = rat(next.value);
    BigInt gap_num = er.num * nr.den - nr.num * er.den, gap_den = er.den * nr.den;  // ext - next
    std::vector<ExactValue> out;
    for (int n = 1; n <= 3; ++n)
      out.push_back(value_of(er.num * gap_den * 4 + gap_num * er.den * n, er.den * gap_den * 4));
    out.push_back(value_of(er.num * 3, er.den));
    out.push_back(value_of(er.num << 100, er.den));
    return out;  // moving away from the range
  };
  const std::vector<ExactValue> beyond = beyond_of(top, vals[vals.size() - 2]);
  const bool negative_side = bottom.value.is_finite_nonzero() && bottom.value.negative;
  const std::vector<ExactValue> below = negative_side ? beyond_of(bottom, vals[1]) : std::vector<ExactValue>{};

  auto overflow_code_ok = [&](uint64_t code, bool negative) {
    fpc::Decoded d = fpc::decode(fmt, code);
    if (fmt.has_inf()) return d.cls == CodeClass::Infinity && d.value.negative == negative;
    if (fmt.has_nan()) return d.cls == CodeClass::NaN;
    return code == (negative ? bottom.code : top.code);
  };
  // x beyond the extreme `ext` on the side `negative`
  auto check_beyond = [&](const ExactValue& x, const Entry& ext, size_t mi) {
    const Mode& m = modes[mi];
    const bool neg = x.negative;
    RoundResult r = fpc::round_to_format(x, fmt, m.mode, {}, m.rb);
    RoundResult s = fpc::round_to_format(x, fmt, m.mode, saturating, m.rb);
    if (s.code != ext.code) fail.add(text(x), " ", m.label, " saturating gave ", hex(s.code), " not ", hex(ext.code));
    bool toward_zero_mode = m.mode == Rounding::TowardZero || m.mode == Rounding::ToOdd ||
                            (m.mode == Rounding::TowardNegative && !neg) || (m.mode == Rounding::TowardPositive && neg);
    bool away_mode = (m.mode == Rounding::TowardPositive && !neg) || (m.mode == Rounding::TowardNegative && neg);
    if (toward_zero_mode && r.code != ext.code)
      fail.add(text(x), " ", m.label, " gave ", hex(r.code), " not the extreme ", hex(ext.code));
    if (away_mode && !overflow_code_ok(r.code, neg))
      fail.add(text(x), " ", m.label, " gave ", hex(r.code), " not the overflow result");
    if (r.code != ext.code && !overflow_code_ok(r.code, neg))
      fail.add(text(x), " ", m.label, " gave ", hex(r.code), ": neither the extreme nor the overflow result");
    // far beyond every threshold: the nearest modes overflow too
    bool far = fpc::compare(x.abs(), ExactValue::rational(false, ext.value.num * 3, ext.value.den)) >= 0;
    if (far && (m.mode == Rounding::NearestEven || m.mode == Rounding::NearestAway) && !overflow_code_ok(r.code, neg))
      fail.add(text(x), " ", m.label, " gave ", hex(r.code), " not the overflow result");
    if (!(r.flags & fpc::kInexact) && !(r.flags & fpc::kInvalid))
      fail.add(text(x), " ", m.label, " is not flagged inexact (or invalid)");
    check_monotone(mi, x, r);
  };

  for (auto it = below.rbegin(); it != below.rend(); ++it)  // increasing x
    for (size_t mi = 0; mi < modes.size(); ++mi) check_beyond(*it, bottom, mi);

  // ---- every value and the points between neighbours
  for (size_t i = 0; i < vals.size(); ++i) {
    const Entry& a = vals[i];
    for (size_t mi = 0; mi < modes.size(); ++mi) {  // the value itself (its identity is checked above)
      RoundResult r = fpc::round_to_format(a.value, fmt, modes[mi].mode, {}, modes[mi].rb);
      check_monotone(mi, a.value, r);
    }
    if (i + 1 == vals.size()) break;
    const Entry& b = vals[i + 1];
    Rat ar = rat(a.value), br = rat(b.value);
    // x = a + t * (b - a) for t in kFractions: the midpoint, 2^-22 of the gap either side of it,
    // points near either neighbour and non-dyadic thirds.
    BigInt gap = br.num * ar.den - ar.num * br.den, den = ar.den * br.den;  // b - a = gap / den
    struct Point {
      ExactValue x;
      int side;  // -1 nearer a, 0 the midpoint, +1 nearer b
    };
    std::vector<Point> points;
    for (const Fraction& t : kFractions) {
      BigInt tn = t.num, td = t.den;
      int side = tn * 2 < td ? -1 : (tn * 2 == td ? 0 : 1);
      points.push_back({value_of(ar.num * br.den * td + tn * gap, den * td), side});
    }
    for (const Point& p : points) {
      const ExactValue& x = p.x;
      if (x.is_zero()) {
        fail.add("generated zero between ", text(a.value), " and ", text(b.value));
        continue;
      }
      const bool neg = x.negative;
      // expected results by direction
      const Entry& down = a;                  // toward -inf
      const Entry& up = b;                    // toward +inf
      const Entry& tz = neg ? b : a;          // toward zero
      const Entry& away = neg ? a : b;        // away from zero
      const Entry& nearer = p.side < 0 ? a : b;  // (side != 0)
      const uint64_t down_code = code_for(down, neg), up_code = code_for(up, neg);
      const uint64_t tz_code = code_for(tz, neg), away_code = code_for(away, neg);
      // Parity is the code's last bit, except with no mantissa bits (E8M0) where it is the
      // significand's: every nonzero value has significand 1 (odd), so ties go away from zero
      // and rod goes toward zero, as LLVM APFloat and ml_dtypes read "even".
      const bool significand_parity = fmt.kind == fpc::FormatKind::Float && fmt.man_bits == 0;
      if (!significand_parity && (down_code & 1) == (up_code & 1))
        fail.add("neighbours ", hex(down_code), " and ", hex(up_code), " have the same parity: rne/rod undefined");
      const bool tz_odd = significand_parity ? !tz.value.is_zero() : (tz_code & 1) != 0;
      const uint64_t odd_code = tz_odd ? tz_code : away_code;
      const uint64_t even_code = tz_odd ? away_code : tz_code;
      // the stochastic fraction f = |x - tz| / (b - a)
      Rat xr = rat(x), tzr = rat(tz.value);
      BigInt fnum = xr.num * tzr.den - tzr.num * xr.den;
      if (fnum < 0) fnum = -fnum;
      BigInt fden = gap * xr.den * tzr.den;  // (b - a) = gap / den, so f = fnum/(xr.den*tzr.den) * den/gap
      fnum *= den;

      uint64_t rne_code = 0, rna_code = 0;
      for (size_t mi = 0; mi < modes.size(); ++mi) {
        const Mode& m = modes[mi];
        RoundResult r = fpc::round_to_format(x, fmt, m.mode, {}, m.rb);
        uint64_t want = 0;
        switch (m.mode) {
          case Rounding::TowardNegative: want = down_code; break;
          case Rounding::TowardPositive: want = up_code; break;
          case Rounding::TowardZero: want = tz_code; break;
          case Rounding::NearestEven: want = p.side == 0 ? even_code : code_for(nearer, neg); break;
          case Rounding::NearestAway: want = p.side == 0 ? away_code : code_for(nearer, neg); break;
          case Rounding::ToOdd: want = odd_code; break;
          case Rounding::Stochastic: {
            BigInt fl = m.rb.k == 0 ? BigInt(0) : BigInt((fnum << m.rb.k) / fden);
            bool round_up = fl + m.rb.r >= (BigInt(1) << m.rb.k);
            want = round_up ? away_code : tz_code;
            break;
          }
        }
        if (m.mode == Rounding::NearestEven) rne_code = r.code;
        if (m.mode == Rounding::NearestAway) rna_code = r.code;
        if (r.code != want)
          fail.add("x = ", text(x), " (between ", text(a.value), " and ", text(b.value), ") ", m.label, " gave ",
                   hex(r.code), " want ", hex(want));
        if (!(r.flags & fpc::kInexact)) fail.add("x = ", text(x), " ", m.label, " not flagged inexact");
        // rdn(x) <= x <= rup(x)
        ExactValue got = fpc::decode(fmt, r.code).value;
        if (!got.is_nan()) {
          if (m.mode == Rounding::TowardNegative && fpc::compare(got, x) > 0) fail.add("rdn above x = ", text(x));
          if (m.mode == Rounding::TowardPositive && fpc::compare(got, x) < 0) fail.add("rup below x = ", text(x));
        }
        check_monotone(mi, x, r);
      }
      if (p.side != 0 && rne_code != rna_code)
        fail.add("rne and rna differ away from a tie at x = ", text(x), ": ", hex(rne_code), " vs ", hex(rna_code));
      if (p.side == 0 && rne_code != rna_code && rna_code != away_code)
        fail.add("rna tie at x = ", text(x), " not away from zero");
    }
  }

  for (const ExactValue& x : beyond)
    for (size_t mi = 0; mi < modes.size(); ++mi) check_beyond(x, top, mi);

  fail.report(fmt.name);
}

// ftz flushes exactly the subnormal results; daz reads exactly the subnormal codes as zeros.
TEST_P(Exhaustive, FlushPoliciesTouchOnlySubnormals) {
  const Format& fmt = f();
  Failures fail;
  Policy ftz, daz;
  ftz.ftz = true;
  daz.daz = true;
  for (uint64_t c = 0; c < fmt.code_count(); ++c) {
    fpc::Decoded d = fpc::decode(fmt, c);
    if (d.cls == CodeClass::NaN) continue;
    const bool sub = d.cls == CodeClass::Subnormal;
    const ExactValue zero = ExactValue::zero(d.value.negative && fmt.has_negative_zero());
    // daz: decode and convert
    fpc::Decoded dz = fpc::decode(fmt, c, true);
    if (!fpc::identical(dz.value, sub ? ExactValue::zero(d.value.negative) : d.value))
      fail.add("daz decode of ", hex(c), " gave ", text(dz.value));
    RoundResult rc = fpc::convert(c, fmt, fmt, Rounding::NearestEven, daz);
    if (!fpc::identical(fpc::decode(fmt, rc.code).value, sub ? zero : d.value))
      fail.add("daz convert of ", hex(c), " gave ", hex(rc.code));
    // ftz: rounding the code's own value
    for (Rounding m : {Rounding::NearestEven, Rounding::TowardZero, Rounding::TowardPositive}) {
      RoundResult r = fpc::round_to_format(d.value, fmt, m, ftz);
      if (sub) {
        if (!fpc::identical(fpc::decode(fmt, r.code).value, zero) ||
            r.flags != (fpc::kInexact | fpc::kUnderflow))
          fail.add("ftz of subnormal ", hex(c), " gave ", hex(r.code), " ", fpc::flags_to_string(r.flags));
      } else if (r.code != c || r.flags != 0) {
        fail.add("ftz of ", hex(c), " gave ", hex(r.code), " ", fpc::flags_to_string(r.flags));
      }
    }
  }
  fail.report(fmt.name);
}

INSTANTIATE_TEST_SUITE_P(Builtin, Exhaustive, ::testing::ValuesIn(small_format_names()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// The instantiation covers the table: every built-in format of at most 16 bits, of every kind.
TEST(ExhaustiveCoverage, AllSmallFormatsAndKinds) {
  std::vector<std::string> names = small_format_names();
  EXPECT_GE(names.size(), 19u);
  bool kinds[3] = {false, false, false};
  for (const std::string& n : names) kinds[static_cast<int>(fpc::format_by_name(n).kind)] = true;
  EXPECT_TRUE(kinds[0] && kinds[1] && kinds[2]);
  for (const char* must : {"float16", "bfloat16", "float8_e4m3fn", "float8_e8m0fnu", "float4_e2m1fn", "nf4", "int4"})
    EXPECT_NE(std::find(names.begin(), names.end(), must), names.end()) << must;
}

}  // namespace
