#include "generators.hpp"

#include "check/block/block_check.hpp"

#include <algorithm>
#include <memory>
#include <tuple>
#include <ostream>
#include <stdexcept>

namespace fpc {

void showValue(const ExactValue& v, std::ostream& os) {
  const std::string exact = to_exact_string(v);
  if (exact.size() <= 40) {
    os << exact;
  } else {
    os << "~" << to_general_string(v, 17) << " (exactly " << exact << ")";
  }
}
void showValue(Rounding r, std::ostream& os) { os << short_name(r); }
void showValue(const Policy& p, std::ostream& os) {
  os << "{saturate " << p.saturate << ", inf_under_saturation "
     << (p.inf_under_saturation == InfUnderSaturation::Max ? "max" : "nan") << ", nan_into_no_nan "
     << static_cast<int>(p.nan_into_no_nan) << ", ftz " << p.ftz << ", daz " << p.daz << "}";
}
void showValue(InfUnderSaturation s, std::ostream& os) { os << (s == InfUnderSaturation::Max ? "max" : "nan"); }
void showValue(const RandomBits& b, std::ostream& os) { os << "{k " << b.k << ", r " << b.r << "}"; }

}  // namespace fpc

namespace fpc::gen {
namespace {

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
uint64_t sign_bit(const Format& f) { return f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0; }
uint64_t with_sign(const Format& f, uint64_t magnitude, bool neg) {
  return (magnitude & ~sign_bit(f)) | (neg ? sign_bit(f) : 0);
}
uint64_t float_code(const Format& f, bool neg, uint64_t field, uint64_t mant) {
  return with_sign(f, (field << f.man_bits) | (mant & low_mask(f.man_bits)), neg);
}
int64_t lowest_normal_field(const Format& f) { return f.has_zero ? 1 : 0; }

// Strategy i of n, shrinking toward strategy 0.
template <typename T>
rc::Gen<T> strategies(std::vector<rc::Gen<T>> gens) {
  auto shared = std::make_shared<std::vector<rc::Gen<T>>>(std::move(gens));
  return rc::gen::mapcat(uniform(0, shared->size() - 1), [shared](uint64_t i) { return (*shared)[i]; });
}

ExactValue two_to(int64_t e) { return ExactValue::dyadic(false, 1, e); }

// Rounds an exact value into f (rne): the code of a value built for an operand.
uint64_t code_for(const Format& f, const ExactValue& v, Rounding mode = Rounding::NearestEven) {
  return round_to_format(v, f, mode).code;
}

// Distinct finite values of a code table, ascending.
std::vector<ExactValue> sorted_table(const Format& f) {
  std::vector<ExactValue> v;
  for (const ExactValue& x : f.table)
    if (!x.is_nan() && !x.is_inf()) v.push_back(x);
  std::sort(v.begin(), v.end(), [](const ExactValue& a, const ExactValue& b) { return compare(a, b) < 0; });
  v.erase(std::unique(v.begin(), v.end(), [](const ExactValue& a, const ExactValue& b) { return compare(a, b) == 0; }),
          v.end());
  return v;
}

// The gap between f's largest finite value and the next value the format would have with an
// unbounded exponent range (binary floats: ulp(max); integers: 1; code tables: the top gap).
ExactValue top_gap(const Format& f) {
  switch (f.kind) {
    case FormatKind::Float: return two_to(f.emax() - f.man_bits);
    case FormatKind::Integer: return ExactValue::rational(false, 1);
    case FormatKind::CodeTable: {
      const std::vector<ExactValue> v = sorted_table(f);
      return add(v[v.size() - 1], v[v.size() - 2].negated());
    }
  }
  return ExactValue::rational(false, 1);
}

struct Pair {
  ExactValue lo, hi;
};

// Two adjacent finite values of f (lo < hi), biased like finite_code, either sign.
rc::Gen<Pair> adjacent_values(const Format& f) {
  switch (f.kind) {
    case FormatKind::Float: {
      const uint64_t max_mag = f.max_finite_code() & ~sign_bit(f);
      return rc::gen::map(rc::gen::pair(finite_code(f), negative()), [&f, max_mag](std::pair<uint64_t, bool> cs) {
        uint64_t mag = cs.first & ~sign_bit(f);
        if (mag >= max_mag) mag = max_mag - 1;
        Pair p{value_of(f, mag), value_of(f, mag + 1)};
        if (cs.second && f.has_sign) p = Pair{p.hi.negated(), p.lo.negated()};
        return p;
      });
    }
    case FormatKind::Integer:
      return rc::gen::map(finite_code(f), [&f](uint64_t c) {
        ExactValue v = value_of(f, c);
        if (c == f.max_finite_code()) return Pair{add(v, ExactValue::rational(true, 1)), v};
        return Pair{v, add(v, ExactValue::rational(false, 1))};
      });
    case FormatKind::CodeTable: {
      auto values = std::make_shared<std::vector<ExactValue>>(sorted_table(f));
      return rc::gen::map(uniform(0, values->size() - 2), [values](uint64_t i) {
        return Pair{(*values)[i], (*values)[i + 1]};
      });
    }
  }
  throw std::logic_error("adjacent_values: unknown format kind");
}

// gap * 2^-j for j in [2, 70], either sign: an offset from a midpoint that stays inside the gap.
rc::Gen<ExactValue> tiny_offset(const ExactValue& gap) {
  return rc::gen::map(rc::gen::pair(uniform(2, 70), negative()), [gap](std::pair<uint64_t, bool> js) {
    ExactValue o = mul(gap, two_to(-static_cast<int64_t>(js.first)));
    return js.second ? o.negated() : o;
  });
}

// The offset's sign is relative to the midpoint's (positive: away from zero), so that shrinking
// the pair's sign gives the mirror image: a value that rounds to the midpoint toward zero stays
// one that does (an absolute offset sign would turn a shrunk tie into a non-tie).
rc::Gen<ExactValue> midpoint_plus_tiny(const Format& f) {
  return rc::gen::mapcat(adjacent_values(f), [](const Pair& p) {
    const ExactValue mid = half(add(p.lo, p.hi));
    return rc::gen::map(tiny_offset(add(p.hi, p.lo.negated())),
                        [mid](const ExactValue& o) { return add(mid, mid.negative ? o.negated() : o); });
  });
}

// Around the overflow threshold max + gap/2, at it, just beyond, and far beyond; either sign.
rc::Gen<ExactValue> beyond_max(const Format& f) {
  const ExactValue max = value_of(f, f.max_finite_code());
  const ExactValue gap = top_gap(f);
  const ExactValue threshold = add(max, half(gap));
  return rc::gen::map(
      rc::gen::tuple(uniform(0, 3), tiny_offset(gap), uniform(1, 12), negative()),
      [max, gap, threshold](const std::tuple<uint64_t, ExactValue, uint64_t, bool>& t) {
        const auto& [how, offset, scale, neg] = t;
        ExactValue v;
        switch (how) {
          case 0: v = threshold; break;
          case 1: v = add(threshold, offset); break;
          case 2: v = add(max, gap); break;
          default: v = mul(max, two_to(static_cast<int64_t>(scale))); break;
        }
        return neg ? v.negated() : v;
      });
}

// Leading-bit exponents of the values worth rounding into f: a little below its smallest
// positive value to a little above its largest.
std::pair<int64_t, int64_t> exponent_span(const Format& f) {
  switch (f.kind) {
    case FormatKind::Float: return {f.emin() - f.man_bits - 3, f.emax() + 2};
    case FormatKind::Integer: return {-3, f.int_bits + 1};
    case FormatKind::CodeTable: return {-10, 2};
  }
  return {-3, 3};
}

// sign * (an integer of 1..128 bits) * 2^e with its leading bit in exponent_span(f).
rc::Gen<ExactValue> long_dyadic(const Format& f) {
  const auto [lo, hi] = exponent_span(f);
  return rc::gen::map(rc::gen::tuple(uniform(1, 128), rc::gen::arbitrary<uint64_t>(), rc::gen::arbitrary<uint64_t>(),
                                     around(0, lo, hi), negative()),
                      [](const std::tuple<uint64_t, uint64_t, uint64_t, int64_t, bool>& t) {
                        const auto& [bits, a, b, lead, neg] = t;
                        BigInt mag = (BigInt(a) << 64) | BigInt(b);
                        mag &= (BigInt(1) << bits) - 1;
                        mag |= BigInt(1) << (bits - 1);
                        return ExactValue::dyadic(neg, mag, lead - static_cast<int64_t>(bits) + 1);
                      });
}

// sign * (num / den) * 2^e, den odd in [3, 999]: values no binary format holds.
rc::Gen<ExactValue> small_rational(const Format& f) {
  const auto [lo, hi] = exponent_span(f);
  return rc::gen::map(rc::gen::tuple(uniform(1, 999), uniform(1, 499), around(0, lo, hi), negative()),
                      [](const std::tuple<uint64_t, uint64_t, int64_t, bool>& t) {
                        const auto& [num, den_half, e, neg] = t;
                        const ExactValue r = ExactValue::rational(neg, num, 2 * den_half + 1);
                        return mul(r, ExactValue::dyadic(false, 1, e));
                      });
}

}  // namespace

// ---- primitives -----------------------------------------------------------------------------

rc::Gen<uint64_t> uniform(uint64_t lo, uint64_t hi) {
  if (hi < lo || hi - lo == ~uint64_t{0}) throw std::invalid_argument("gen::uniform: bad range");
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<uint64_t>(lo, hi + 1));
}

rc::Gen<int64_t> around(int64_t center, int64_t lo, int64_t hi) {
  if (center < lo) center = lo;
  if (center > hi) center = hi;
  const int64_t below = center - lo, above = hi - center, both = std::min(below, above);
  return rc::gen::map(uniform(0, static_cast<uint64_t>(hi - lo)), [=](uint64_t kk) {
    const auto k = static_cast<int64_t>(kk);
    if (k <= 2 * both) return k % 2 ? center + (k + 1) / 2 : center - k / 2;
    const int64_t rest = k - 2 * both;
    return above > below ? center + both + rest : center - both - rest;
  });
}

rc::Gen<bool> negative() { return rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<bool>()); }

// ---- formats ----------------------------------------------------------------------------------

std::vector<const Format*> formats() {
  std::vector<const Format*> v;
  for (const Format& f : builtin_formats()) v.push_back(&f);
  return v;
}

std::vector<const Format*> float_formats() {
  std::vector<const Format*> v;
  for (const Format& f : builtin_formats())
    if (f.kind == FormatKind::Float) v.push_back(&f);
  return v;
}

int precision(const Format& f) { return f.man_bits + 1; }

// ---- codes by class ---------------------------------------------------------------------------

std::string to_string(CodeKind k) {
  switch (k) {
    case CodeKind::Normal: return "normal";
    case CodeKind::Zero: return "zero";
    case CodeKind::Subnormal: return "subnormal";
    case CodeKind::NearMax: return "near max";
    case CodeKind::Infinity: return "infinity";
    case CodeKind::NaN: return "nan";
  }
  return "?";
}

std::vector<CodeKind> code_kinds(const Format& f, bool finite_only) {
  std::vector<CodeKind> k{CodeKind::Normal};
  if (f.kind != FormatKind::Float) {
    k.push_back(CodeKind::NearMax);
    return k;
  }
  if (f.has_zero) k.push_back(CodeKind::Zero);
  if (f.has_zero && f.has_subnormals && f.man_bits > 0) k.push_back(CodeKind::Subnormal);
  k.push_back(CodeKind::NearMax);
  if (!finite_only && f.has_inf()) k.push_back(CodeKind::Infinity);
  if (!finite_only && f.has_nan()) k.push_back(CodeKind::NaN);
  return k;
}

rc::Gen<uint64_t> code_of(const Format& f, CodeKind k) {
  if (f.kind != FormatKind::Float) {
    if (k == CodeKind::NearMax)
      return rc::gen::map(negative(), [&f](bool neg) { return neg ? f.lowest_finite_code() : f.max_finite_code(); });
    return uniform(0, f.code_mask());
  }
  const int m = f.man_bits;
  const uint64_t sign = sign_bit(f);
  switch (k) {
    case CodeKind::Normal: {
      const int64_t top = f.top_finite_exp_field();
      return rc::gen::mapcat(rc::gen::pair(around(f.bias, lowest_normal_field(f), top), negative()),
                             [&f, m, top](std::pair<int64_t, bool> fs) {
                               const uint64_t top_mant = fs.first == top ? f.top_finite_mantissa() : low_mask(m);
                               const auto field = static_cast<uint64_t>(fs.first);
                               const bool neg = fs.second;
                               return rc::gen::map(uniform(0, top_mant), [&f, field, neg](uint64_t mant) {
                                 return float_code(f, neg, field, mant);
                               });
                             });
    }
    case CodeKind::Zero:
      return rc::gen::map(negative(), [&f](bool neg) { return f.zero_code(neg && f.has_negative_zero()); });
    case CodeKind::Subnormal:
      return rc::gen::map(rc::gen::pair(uniform(1, low_mask(m)), negative()),
                          [&f](std::pair<uint64_t, bool> ms) { return float_code(f, ms.second, 0, ms.first); });
    case CodeKind::NearMax: {
      const uint64_t max_mag = f.max_finite_code() & ~sign;
      return rc::gen::map(rc::gen::pair(uniform(0, std::min<uint64_t>(3, max_mag)), negative()),
                          [&f, max_mag](std::pair<uint64_t, bool> ds) { return with_sign(f, max_mag - ds.first, ds.second); });
    }
    case CodeKind::Infinity: return rc::gen::map(negative(), [&f](bool neg) { return f.inf_code(neg); });
    case CodeKind::NaN:
      if (f.nonfinite == NonFinite::Ieee && m > 0) {
        const uint64_t ones = low_mask(f.exp_bits);
        return rc::gen::map(rc::gen::pair(uniform(1, low_mask(m)), negative()),
                            [&f, ones](std::pair<uint64_t, bool> ms) { return float_code(f, ms.second, ones, ms.first); });
      }
      if (f.nonfinite == NonFinite::FN)
        return rc::gen::map(negative(), [&f](bool neg) { return with_sign(f, f.nan_code(), neg); });
      return rc::gen::just(f.nan_code());
  }
  throw std::logic_error("code_of: unknown kind");
}

namespace {
// Normal three times as often as each other kind.
rc::Gen<uint64_t> code_from_kinds(const Format& f, const std::vector<CodeKind>& kinds) {
  std::vector<rc::Gen<uint64_t>> gens{code_of(f, CodeKind::Normal), code_of(f, CodeKind::Normal)};
  for (CodeKind k : kinds) gens.push_back(code_of(f, k));
  return strategies(std::move(gens));
}
}  // namespace

rc::Gen<uint64_t> finite_code(const Format& f) { return code_from_kinds(f, code_kinds(f, true)); }
rc::Gen<uint64_t> any_code(const Format& f) { return code_from_kinds(f, code_kinds(f, false)); }

// ---- values near the rounding boundaries ------------------------------------------------------

rc::Gen<ExactValue> value_near_boundary(const Format& f) {
  return strategies<ExactValue>({
      rc::gen::map(finite_code(f), [&f](uint64_t c) { return value_of(f, c); }),
      rc::gen::map(adjacent_values(f), [](const Pair& p) { return half(add(p.lo, p.hi)); }),
      midpoint_plus_tiny(f),
      beyond_max(f),
  });
}

rc::Gen<ExactValue> value_for(const Format& f) {
  return strategies<ExactValue>({value_near_boundary(f), long_dyadic(f), small_rational(f)});
}

rc::Gen<uint64_t> code_near_boundary(const Format& in, const Format& out) {
  return strategies<uint64_t>({
      rc::gen::map(value_near_boundary(out), [&in](const ExactValue& v) { return code_for(in, v, Rounding::TowardZero); }),
      any_code(in),
  });
}

// ---- operands ----------------------------------------------------------------------------------

namespace {

// A normal code of f with its exponent field drawn near `field` (clamped into the normal range).
rc::Gen<uint64_t> normal_with_field(const Format& f, int64_t field) {
  const int64_t lo = lowest_normal_field(f), top = f.top_finite_exp_field();
  field = std::clamp(field, lo, top);
  return rc::gen::map(rc::gen::pair(uniform(0, field == top ? f.top_finite_mantissa() : low_mask(f.man_bits)), negative()),
                      [&f, field](std::pair<uint64_t, bool> ms) {
                        return float_code(f, ms.second, static_cast<uint64_t>(field), ms.first);
                      });
}

int64_t field_of(const Format& f, uint64_t code) {
  return static_cast<int64_t>((code & ~sign_bit(f)) >> f.man_bits);
}

// Half an ulp of the normal code a: adding it to a lands exactly on a midpoint.
uint64_t half_ulp_code(const Format& f, uint64_t a, bool neg) {
  const int64_t e = field_of(f, a) - f.bias;
  return code_for(f, ExactValue::dyadic(neg, 1, e - f.man_bits - 1));
}

// (a, b) for add/sub: b's magnitude close to a's, so that a ∓ b cancels (sub: same sign).
rc::Gen<std::vector<uint64_t>> cancelling(const Format& f, bool subtract) {
  const uint64_t max_mag = f.max_finite_code() & ~sign_bit(f);
  return rc::gen::map(rc::gen::pair(finite_code(f), around(0, -3, 3)), [&f, max_mag, subtract](std::pair<uint64_t, int64_t> cd) {
    const uint64_t a = cd.first;
    const bool a_neg = (a & sign_bit(f)) != 0;
    const int64_t mag = static_cast<int64_t>(a & ~sign_bit(f)) + cd.second;
    const auto b_mag = static_cast<uint64_t>(std::clamp<int64_t>(mag, 0, static_cast<int64_t>(max_mag)));
    return std::vector<uint64_t>{a, with_sign(f, b_mag, subtract ? a_neg : !a_neg)};
  });
}

// (a, b) with b's exponent field g below a's, g in [0, p + 3] (shrinking toward 0).
rc::Gen<std::vector<uint64_t>> exponent_gap(const Format& f) {
  return rc::gen::mapcat(rc::gen::pair(code_of(f, CodeKind::Normal), uniform(0, static_cast<uint64_t>(precision(f)) + 3)),
                         [&f](std::pair<uint64_t, uint64_t> ag) {
                           const uint64_t a = ag.first;
                           return rc::gen::map(normal_with_field(f, field_of(f, a) - static_cast<int64_t>(ag.second)),
                                               [a](uint64_t b) { return std::vector<uint64_t>{a, b}; });
                         });
}

// (a, b) whose exact sum is a midpoint of f: b is half an ulp of the normal a.
rc::Gen<std::vector<uint64_t>> sum_tie(const Format& f) {
  return rc::gen::map(rc::gen::pair(code_of(f, CodeKind::Normal), negative()), [&f](std::pair<uint64_t, bool> an) {
    return std::vector<uint64_t>{an.first, half_ulp_code(f, an.first, an.second)};
  });
}

// (a, b) whose exact product is a midpoint of f: a has an odd significand Ma < 2^(p+1)/3 and
// b = ±1.5 * 2^s, so Ma * 3 has p + 1 bits, the last one set.
rc::Gen<std::vector<uint64_t>> product_tie(const Format& f) {
  const int m = f.man_bits;
  const uint64_t limit = ((uint64_t{1} << (m + 2)) / 3) - (uint64_t{1} << m);  // Ma - 2^m < limit
  return rc::gen::map(rc::gen::tuple(code_of(f, CodeKind::Normal), uniform(0, limit > 0 ? limit - 1 : 0), around(0, -4, 4), negative()),
                      [&f, m](const std::tuple<uint64_t, uint64_t, int64_t, bool>& t) {
                        const auto& [a0, frac, shift, neg] = t;
                        const uint64_t a = (a0 & ~low_mask(m)) | ((frac | 1) & low_mask(m));
                        const uint64_t b = code_for(f, ExactValue::dyadic(neg, 3, shift - 1));
                        return std::vector<uint64_t>{a, b};
                      });
}

rc::Gen<std::vector<uint64_t>> independent(const Format& f, int n) {
  if (n == 1) return rc::gen::map(any_code(f), [](uint64_t a) { return std::vector<uint64_t>{a}; });
  if (n == 2)
    return rc::gen::map(rc::gen::pair(any_code(f), any_code(f)), [](std::pair<uint64_t, uint64_t> ab) {
      return std::vector<uint64_t>{ab.first, ab.second};
    });
  return rc::gen::map(rc::gen::tuple(any_code(f), any_code(f), any_code(f)), [](const std::tuple<uint64_t, uint64_t, uint64_t>& t) {
    return std::vector<uint64_t>{std::get<0>(t), std::get<1>(t), std::get<2>(t)};
  });
}

uint64_t one_code(const Format& f) { return code_for(f, ExactValue::rational(false, 1)); }

}  // namespace

rc::Gen<std::vector<uint64_t>> operands(const Format& f, Op op) {
  const int n = arity(op);
  if (f.kind != FormatKind::Float) return independent(f, n);
  const bool has_mantissa = f.man_bits > 0;
  switch (op) {
    case Op::Add:
    case Op::Sub: {
      std::vector<rc::Gen<std::vector<uint64_t>>> g{independent(f, 2), cancelling(f, op == Op::Sub), exponent_gap(f)};
      if (has_mantissa) g.push_back(sum_tie(f));
      return strategies(std::move(g));
    }
    case Op::Mul:
      if (!has_mantissa) return independent(f, 2);
      return strategies<std::vector<uint64_t>>({independent(f, 2), product_tie(f)});
    case Op::Fma: {
      // (a, b, c) with c cancelling the rounded product, and (a, 1, half ulp of a): a tie.
      auto cancel = rc::gen::map(rc::gen::pair(finite_code(f), finite_code(f)), [&f](std::pair<uint64_t, uint64_t> ab) {
        const uint64_t codes[2] = {ab.first, ab.second};
        uint64_t c = eval(Op::Mul, codes, f, f, Rounding::NearestEven).code;
        c ^= sign_bit(f);  // -round(a*b)
        return std::vector<uint64_t>{ab.first, ab.second, c};
      });
      std::vector<rc::Gen<std::vector<uint64_t>>> g{independent(f, 3), cancel};
      if (has_mantissa)
        g.push_back(rc::gen::map(sum_tie(f), [&f](const std::vector<uint64_t>& ab) {
          return std::vector<uint64_t>{ab[0], one_code(f), ab[1]};
        }));
      return strategies(std::move(g));
    }
    case Op::Sqrt:
      return strategies<std::vector<uint64_t>>(
          {independent(f, 1), rc::gen::map(finite_code(f), [&f](uint64_t y) {
             const uint64_t yy[2] = {y & ~sign_bit(f), y & ~sign_bit(f)};
             return std::vector<uint64_t>{eval(Op::Mul, yy, f, f, Rounding::NearestEven).code};
           })});
    case Op::Minimum:
    case Op::Maximum:
    case Op::MinimumNumber:
    case Op::MaximumNumber:
      // Equal magnitudes of opposite signs (-0 against +0 among them) decide by sign alone.
      return strategies<std::vector<uint64_t>>(
          {independent(f, 2), rc::gen::map(any_code(f), [&f](uint64_t a) {
             return std::vector<uint64_t>{a, a ^ sign_bit(f)};
           })});
    default: break;  // div and the rest: independent codes of every class
  }
  return independent(f, n);
}

rc::Gen<std::vector<uint64_t>> case_operands(const OpSemantics& s) {
  rc::Gen<std::vector<uint64_t>> ops =
      s.op == "convert" ? rc::gen::map(code_near_boundary(*s.in, *s.out), [](uint64_t a) { return std::vector<uint64_t>{a}; })
                        : operands(*s.in, op_by_name(s.op));
  if (s.rounding != Rounding::Stochastic) return ops;
  const int k = s.sr_bits;
  rc::Gen<uint64_t> bits = k >= 64 ? rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<uint64_t>()) : uniform(0, low_mask(k));
  return rc::gen::map(rc::gen::pair(ops, bits), [](const std::pair<std::vector<uint64_t>, uint64_t>& ob) {
    std::vector<uint64_t> v = ob.first;
    v.push_back(ob.second);
    return v;
  });
}

// ---- modes, policies, random bits ------------------------------------------------------------

rc::Gen<Rounding> rounding() {
  return rc::gen::map(uniform(0, std::size(kAllRoundings) - 1), [](uint64_t i) { return kAllRoundings[i]; });
}

rc::Gen<Rounding> deterministic_rounding() {
  static_assert(kAllRoundings[std::size(kAllRoundings) - 1] == Rounding::Stochastic, "sr is the last mode");
  return rc::gen::map(uniform(0, std::size(kAllRoundings) - 2), [](uint64_t i) { return kAllRoundings[i]; });
}

rc::Gen<Policy> policy() {
  return rc::gen::map(rc::gen::tuple(negative(), negative(), uniform(0, 3), negative(), negative()),
                      [](const std::tuple<bool, bool, uint64_t, bool, bool>& t) {
                        Policy p;
                        p.saturate = std::get<0>(t);
                        p.inf_under_saturation = std::get<1>(t) ? InfUnderSaturation::NaN : InfUnderSaturation::Max;
                        p.nan_into_no_nan = static_cast<NanIntoNoNan>(std::get<2>(t));
                        p.ftz = std::get<3>(t);
                        p.daz = std::get<4>(t);
                        return p;
                      });
}

rc::Gen<RandomBits> random_bits() {
  return rc::gen::mapcat(uniform(1, 64), [](uint64_t k) {
    rc::Gen<uint64_t> r = k == 64 ? rc::gen::resize(rc::kNominalSize, rc::gen::arbitrary<uint64_t>()) : uniform(0, low_mask(static_cast<int>(k)));
    return rc::gen::map(r, [k](uint64_t rr) { return RandomBits{static_cast<int>(k), rr}; });
  });
}

// ---- helpers -------------------------------------------------------------------------------------

ExactValue value_of(const Format& f, uint64_t code) { return decode(f, code).value; }

bool equal_or_adjacent(const Format& f, uint64_t a, uint64_t b) {
  const ExactValue va = value_of(f, a), vb = value_of(f, b);
  if (compare(va, vb) == 0) return true;
  switch (f.kind) {
    case FormatKind::Float: {
      // Position in the ordered values: ±magnitude code (both zeros at 0), the code when unsigned.
      const uint64_t s = sign_bit(f);
      auto ordinal = [s](uint64_t c) {
        const auto mag = static_cast<int64_t>(c & ~s);
        return (c & s) ? -mag : mag;
      };
      const int64_t d = ordinal(a) - ordinal(b);
      return d == 1 || d == -1;
    }
    case FormatKind::Integer: {
      const ExactValue d = add(va, vb.negated()).abs();
      return compare(d, ExactValue::rational(false, 1)) == 0;
    }
    case FormatKind::CodeTable: {
      const ExactValue& lo = compare(va, vb) < 0 ? va : vb;
      const ExactValue& hi = compare(va, vb) < 0 ? vb : va;
      for (const ExactValue& v : f.table)
        if (!v.is_nan() && compare(lo, v) < 0 && compare(v, hi) < 0) return false;
      return true;
    }
  }
  return false;
}

ExactValue add(const ExactValue& a, const ExactValue& b) {
  const ExactValue ab[2] = {a, b};
  return exact_op(Op::Add, ab, Rounding::NearestEven).value;
}

ExactValue mul(const ExactValue& a, const ExactValue& b) {
  const ExactValue ab[2] = {a, b};
  return exact_op(Op::Mul, ab, Rounding::NearestEven).value;
}

ExactValue half(const ExactValue& a) { return mul(a, ExactValue::dyadic(false, 1, -1)); }

// ---- blocks for block quantizers --------------------------------------------------------------

namespace {

const Format& f32() { return format_by_name("float32"); }
constexpr uint32_t kSign = 0x80000000u;
constexpr uint32_t kMantissa = 0x007fffffu;
uint32_t biased_exponent(uint32_t bits) { return (bits >> 23) & 0xffu; }

// bits * 2^k as float32 (exact while it stays normal; the generator's ranges keep it finite).
uint32_t scaled(uint32_t bits, int64_t k) {
  return static_cast<uint32_t>(round_to_format(mul(value_of(f32(), bits), two_to(k)), f32(), Rounding::NearestEven).code);
}

// A positive normal float32 d binades below `top` (d >= 1; at least the smallest normal).
uint32_t below(uint32_t top, uint64_t d, uint32_t mantissa) {
  const int64_t field = std::max<int64_t>(1, static_cast<int64_t>(biased_exponent(top)) - static_cast<int64_t>(d));
  return (static_cast<uint32_t>(field) << 23) | (mantissa & kMantissa);
}

struct Splitmix {  // the background's values, from one seed
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
};

// What quant_block draws from, computed once per claims.
struct BlockSpace {
  size_t n = 0;
  uint32_t unit_amax = 0x3f800000u;  // 1.0 where the elements are integers
  std::vector<uint32_t> midpoints;
  bool with_negative_amax = false;  // BlockTieGrid's: -amax too keeps scale 1 (GPTQ symmetric groups need it)
  bool specials = false;
};

enum class Background : uint64_t { Zeros, MixedSignZeros, AllEqual, SmallNormals, Subnormals };
enum class Chosen : uint64_t { Tie, SmallNormal, Outlier, Subnormal, NegativeZero, AnyFinite, Special };

}  // namespace

bool quant_block_takes_specials(const QuantOptions& claims) {
  const size_t n = check_blocksize(claims);
  for (uint32_t special : {0x7fc00000u, 0x7f800000u, 0xff800000u}) {
    std::vector<ExactValue> values(n, ExactValue::rational(false, 1));
    values[0] = decode(f32(), special).value;
    try {
      (void)quantize(values, claims);
    } catch (const InputError&) {
      return false;
    }
  }
  return true;
}

rc::Gen<std::vector<uint32_t>> quant_block(const QuantOptions& claims) {
  auto space = std::make_shared<BlockSpace>();
  space->n = check_blocksize(claims);
  const BlockTieGrid grid = block_tie_grid(claims);
  if (grid.unit_amax) space->unit_amax = grid.unit_amax;
  space->midpoints = grid.midpoints;
  space->with_negative_amax = grid.with_negative_amax;
  // Positive midpoints first (ascending), so that a tie shrinks toward the smallest positive one.
  std::stable_partition(space->midpoints.begin(), space->midpoints.end(), [](uint32_t m) { return (m & kSign) == 0; });
  space->specials = quant_block_takes_specials(claims);
  // A fixed structure of independent parts (no gen::exec), so that RapidCheck shrinks each part
  // while keeping the others: a chosen value survives the shrinking of the background around it.
  using Entry = std::tuple<uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, bool>;  // place, kind, pick, ulps, binades, sign
  const rc::Gen<Entry> entry = rc::gen::tuple(uniform(0, space->n > 1 ? space->n - 2 : 0), uniform(0, space->specials ? 6 : 5),
                                              uniform(0, 0xffffffffu), uniform(0, 13), uniform(1, 40), negative());
  const uint64_t most_chosen = std::min<uint64_t>(8, space->n - 1);
  // The number of chosen values shrinks through the container (removing entries), not the count.
  const auto entries = rc::gen::resize(static_cast<int>(most_chosen), rc::gen::container<std::vector<Entry>>(entry));
  return rc::gen::map(
      rc::gen::tuple(around(0, -24, 24), uniform(0, 5), negative(), uniform(0, 4), uniform(0, ~uint64_t{0} - 1),
                     uniform(0, 2 * space->n), entries, negative()),
      [space](const std::tuple<int64_t, uint64_t, bool, uint64_t, uint64_t, uint64_t, std::vector<Entry>, bool>& t) {
        const BlockSpace& sp = *space;
        const auto& [k, amax_kind, amax_negative, background_kind, seed, extent_pick, chosen_values, mirrored] = t;
        // The background fills the last `extent` slots: the whole block half the time, and fewer
        // as it shrinks, down to the one background value a failure needs.
        const size_t extent = static_cast<size_t>(std::min<uint64_t>(extent_pick, sp.n));
        const uint32_t top = scaled(sp.unit_amax, k);  // the amax that makes the scale 2^k
        const uint32_t power = top & ~kMantissa;       // the power of two at its binade
        std::vector<uint32_t> block(sp.n, 0);
        Splitmix one{seed};
        const uint32_t equal = below(top, 1 + one.next() % 24, static_cast<uint32_t>(one.next())) | (one.next() & 1 ? kSign : 0);
        for (size_t i = sp.n - extent; i < sp.n; ++i) {
          uint32_t& x = block[i];
          Splitmix rng{seed ^ (0x632be59bd9b4e019ull * (i + 1))};  // per slot: kept while the extent shrinks
          switch (static_cast<Background>(background_kind)) {
            case Background::Zeros: break;
            case Background::MixedSignZeros: x = rng.next() & 1 ? kSign : 0; break;
            case Background::AllEqual: x = equal; break;
            case Background::SmallNormals:
              x = below(top, 1 + rng.next() % 24, static_cast<uint32_t>(rng.next())) | (rng.next() & 1 ? kSign : 0);
              break;
            case Background::Subnormals: x = (static_cast<uint32_t>(rng.next()) & (kSign | kMantissa)) | 1u; break;
          }
        }
        // The unit amax twice as often as each of the others: the grid's ties are ties under it.
        const uint32_t amaxes[] = {top, top, power, power - 1, power + 1};
        if (amax_kind < 5) block[0] = amaxes[amax_kind] | (amax_negative ? kSign : 0);
        // Half the time, the unit amax's negation in the last slot where the grid is symmetric: a
        // symmetric GPTQ group then has scale 2^k too (it shrinks away where a failure does not
        // need it; chosen values below may still take the slot).
        if (mirrored && amax_kind < 2 && sp.with_negative_amax && sp.n > 2) block[sp.n - 1] = block[0] ^ kSign;

        for (size_t i = 0; i < chosen_values.size() && sp.n > 1; ++i) {
          const auto& [place, kind_index, pick, ulps, binades, neg] = chosen_values[i];
          auto kind = static_cast<Chosen>(kind_index);
          if (kind == Chosen::Tie && sp.midpoints.empty()) kind = Chosen::SmallNormal;
          const uint32_t p = static_cast<uint32_t>(pick);
          uint32_t x = 0;
          switch (kind) {
            case Chosen::Tie: {
              const uint32_t m = scaled(sp.midpoints[p % sp.midpoints.size()], k);
              // Exactly the midpoint more often than not (ulps 0..6), else within 3 ulps of it.
              const int64_t offset = ulps < 7 ? 0 : static_cast<int64_t>(ulps) - 10;
              x = (m & kMantissa) == m ? m : static_cast<uint32_t>(static_cast<int64_t>(m) + offset);  // subnormal: no ties around
              break;
            }
            case Chosen::SmallNormal: x = below(top, 25 - std::min<uint64_t>(binades, 24), p); break;  // shrinks smaller
            case Chosen::Outlier:
              x = (std::min<uint32_t>(254, biased_exponent(top) + static_cast<uint32_t>(binades)) << 23) | (p & kMantissa);
              break;
            case Chosen::Subnormal: x = 1 + p % kMantissa; break;
            case Chosen::NegativeZero: x = kSign; break;
            case Chosen::AnyFinite: x = p % 0x7f800000u; break;
            case Chosen::Special: {
              static constexpr uint32_t kSpecials[] = {0x7fc00000u, 0x7f800000u, 0xff800000u, 0x7f800001u, 0xffc00000u};
              x = kSpecials[p % std::size(kSpecials)];
              break;
            }
          }
          if (kind != Chosen::Special && kind != Chosen::NegativeZero && neg) x |= kSign;
          block[1 + place] = x;
        }
        return block;
      });
}

}  // namespace fpc::gen
