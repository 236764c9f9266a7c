// The slow reference of dot_reference.hpp. Nothing here is fast or clever on purpose: each step
// of docs/mma.md's algorithm is written as the definition says, on exact rationals.
#include "dot_reference.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace fpc::testing {

namespace {

using Z = boost::multiprecision::cpp_int;
using Q = boost::multiprecision::cpp_rational;

Q pow2(int e) { return e >= 0 ? Q(Z(1) << e) : Q(Z(1), Z(1) << -e); }

// floor(log2 q) for q > 0.
int floor_log2(const Q& q) {
  const Z num = boost::multiprecision::numerator(q), den = boost::multiprecision::denominator(q);
  int e = static_cast<int>(boost::multiprecision::msb(num)) - static_cast<int>(boost::multiprecision::msb(den));
  while (pow2(e) > q) --e;
  while (pow2(e + 1) <= q) ++e;
  return e;
}

Z floor_int(const Q& q) {  // q >= 0
  return boost::multiprecision::numerator(q) / boost::multiprecision::denominator(q);
}

enum class Kind { Finite, Inf, NaN };

// A value: (-1)^neg * mag, and the exponent a tensor core aligns it at (its binade's, or the
// format's smallest normal exponent for a subnormal; unused for zero).
struct Num {
  Kind kind = Kind::Finite;
  bool neg = false;
  Q mag = 0;
  int align = 0;
  bool zero() const { return kind == Kind::Finite && mag == 0; }
  Q value() const { return neg ? Q(-mag) : mag; }
};

// Reads a code from its sign, exponent and mantissa fields.
Num read(const Format& f, uint64_t code, bool ignore_sign = false) {
  const int E = f.exp_bits, M = f.man_bits;
  const uint64_t ones = (uint64_t{1} << E) - 1, mant_ones = (uint64_t{1} << M) - 1;
  const uint64_t field = (code >> M) & ones, mant = code & mant_ones;
  Num n;
  n.neg = f.has_sign && !ignore_sign && ((code >> (E + M)) & 1) != 0;
  switch (f.nonfinite) {
    case NonFinite::Ieee:
      if (field == ones) {
        n.kind = mant == 0 ? Kind::Inf : Kind::NaN;
        return n;
      }
      break;
    case NonFinite::FN:
      if (field == ones && mant == mant_ones) {
        n.kind = Kind::NaN;
        return n;
      }
      break;
    case NonFinite::FNUZ:
      if (n.neg && field == 0 && mant == 0) {
        n.kind = Kind::NaN;
        return n;
      }
      break;
    case NonFinite::Finite: break;
  }
  if (field == 0 && f.has_zero) {  // zero or subnormal: mant * 2^(emin - M), emin = 1 - bias
    n.mag = Q(Z(mant)) * pow2(1 - f.bias - M);
    n.align = 1 - f.bias;
    return n;
  }
  n.mag = Q(Z((uint64_t{1} << M) + mant)) * pow2(static_cast<int>(field) - f.bias - M);
  n.align = static_cast<int>(field) - f.bias;
  return n;
}

// Geometry of an IEEE-style target: smallest normal and largest exponent, mantissa bits.
struct Target {
  int emin, emax, M;
};
Target target(const Format& f) { return {f.emin(), f.emax(), f.man_bits}; }

// Rounds a non-negative magnitude into the target (`neg` the sign). tensor_core: a magnitude at
// or past 2^(emax + 1) is inf in every mode; else IEEE 754 overflow rules.
Num round_mag(const Q& mag, bool neg, const Target& t, Rounding r, bool tensor_core) {
  Num out;
  out.neg = neg;
  if (mag == 0) return out;
  const int e = floor_log2(mag);
  if (tensor_core && e > t.emax) {
    out.kind = Kind::Inf;
    return out;
  }
  const Q quantum = pow2(std::max(e, t.emin) - t.M);
  const Q n = mag / quantum;
  Z k = floor_int(n);
  const Q frac = n - Q(k);
  const Q half(1, 2);
  bool up = false;
  switch (r) {
    case Rounding::TowardZero: break;
    case Rounding::NearestEven: up = frac > half || (frac == half && (k % 2) == 1); break;
    case Rounding::NearestAway: up = frac >= half; break;
    case Rounding::TowardPositive: up = frac > 0 && !neg; break;
    case Rounding::TowardNegative: up = frac > 0 && neg; break;
    case Rounding::ToOdd: up = frac > 0 && (k % 2) == 0; break;
    case Rounding::Stochastic: throw std::logic_error("no stochastic dot rounding");
  }
  if (up) ++k;
  out.mag = Q(k) * quantum;
  const Q max_finite = Q((Z(1) << (t.M + 1)) - 1) * pow2(t.emax - t.M);
  if (out.mag > max_finite) {
    const bool to_inf = r == Rounding::NearestEven || r == Rounding::NearestAway ||
                        (r == Rounding::TowardPositive && !neg) || (r == Rounding::TowardNegative && neg);
    if (to_inf) out.kind = Kind::Inf;
    out.mag = max_finite;
  }
  if (out.kind == Kind::Finite && out.mag != 0) out.align = std::max(floor_log2(out.mag), t.emin);
  return out;
}

// The code of a value of an IEEE-style format (exactly representable; NaN handled by callers).
uint64_t encode(const Format& f, const Num& n) {
  const int M = f.man_bits;
  const uint64_t sign = n.neg ? uint64_t{1} << (f.exp_bits + M) : 0;
  if (n.kind == Kind::Inf) return sign | (((uint64_t{1} << f.exp_bits) - 1) << M);
  if (n.kind == Kind::NaN) throw std::logic_error("encode: NaN");
  if (n.mag == 0) return sign;
  const int e = floor_log2(n.mag);
  Q m;
  uint64_t field;
  if (e < f.emin()) {
    field = 0;
    m = n.mag / pow2(f.emin() - M);
  } else {
    field = static_cast<uint64_t>(e + f.bias);
    m = n.mag / pow2(e - M) - Q(Z(1) << M);
  }
  if (boost::multiprecision::denominator(m) != 1) throw std::logic_error("encode: not representable");
  return sign | (field << M) | static_cast<uint64_t>(boost::multiprecision::numerator(m));
}

// IEEE addition x + y in the target, round to nearest even (promotion, split-K, C after a step).
Num ieee_add(const Num& x, const Num& y, const Target& t) {
  Num r;
  if (x.kind == Kind::NaN || y.kind == Kind::NaN || (x.kind == Kind::Inf && y.kind == Kind::Inf && x.neg != y.neg)) {
    r.kind = Kind::NaN;
    return r;
  }
  if (x.kind == Kind::Inf) return x;
  if (y.kind == Kind::Inf) return y;
  const Q s = x.value() + y.value();
  if (s == 0) {
    r.neg = x.zero() && y.zero() && x.neg && y.neg;  // +0 unless both are -0 (round to nearest)
    return r;
  }
  return round_mag(s < 0 ? Q(-s) : s, s < 0, t, Rounding::NearestEven, false);
}

struct Term {
  Q value;  // signed
  bool neg;
  int align;
};

class Reference {
 public:
  Reference(const DotModel& m, const Format& in, const GemmOptions& g, const DotScales* s)
      : m_(m), in_(in), out_(format_by_name(m.output)), step_(format_by_name(m.step_format.empty() ? m.output : m.step_format)),
        g_(g), scales_(s) {}

  uint64_t run(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c) {
    if (a.size() != b.size()) throw std::logic_error("lengths");
    const bool convert = std::find(m_.inputs.begin(), m_.inputs.end(), in_.name) == m_.inputs.end();
    for (size_t k = 0; k < a.size(); ++k) {
      a_.push_back(convert ? to_tf32(read(in_, a[k])) : read(in_, a[k]));
      b_.push_back(convert ? to_tf32(read(in_, b[k])) : read(in_, b[k]));
    }
    if (scales_ && scales_->format) {
      const bool ue4m3 = scales_->format->name == "float8_e4m3fn";
      for (uint64_t x : scales_->a) sa_.push_back(read(*scales_->format, x, ue4m3));
      for (uint64_t x : scales_->b) sb_.push_back(read(*scales_->format, x, ue4m3));
      block_ = static_cast<size_t>(scales_->block);
    }
    const Num cv = read(out_, c);
    // NaN and infinities, as IEEE arithmetic resolves a . b + c (scales are factors).
    bool nan = cv.kind == Kind::NaN, pinf = cv.kind == Kind::Inf && !cv.neg, ninf = cv.kind == Kind::Inf && cv.neg;
    for (size_t k = 0; k < a_.size(); ++k) {
      std::vector<const Num*> f = {&a_[k], &b_[k]};
      if (!sa_.empty()) f.push_back(&sa_[k / block_]), f.push_back(&sb_[k / block_]);
      bool any_nan = false, any_inf = false, any_zero = false, neg = false;
      for (const Num* x : f) {
        any_nan = any_nan || x->kind == Kind::NaN;
        any_inf = any_inf || x->kind == Kind::Inf;
        any_zero = any_zero || x->zero();
        neg = neg != x->neg;
      }
      if (any_nan || (any_inf && any_zero)) nan = true;
      else if (any_inf) (neg ? ninf : pinf) = true;
    }
    // The IEEE chains meet NaN and infinities in their own order (sequential(), pairwise()).
    const bool chain = m_.kind == DotKind::Sequential || m_.kind == DotKind::Pairwise;
    if (!chain && (nan || (pinf && ninf))) return m_.kind == DotKind::Fused ? out_.code_mask() >> 1 : out_.nan_code();
    if (!chain && (pinf || ninf)) return encode(out_, Num{Kind::Inf, ninf, 0, 0});
    const Num zero;
    const size_t K = a_.size();
    auto run_slice = [&](size_t from, size_t to, Num addend) {
      if (g_.promotion_interval == 0) return slice(from, to, addend);
      for (size_t k = from; k < to; k += static_cast<size_t>(g_.promotion_interval))
        addend = ieee_add(addend, slice(k, std::min(to, k + static_cast<size_t>(g_.promotion_interval)), zero), target(out_));
      return addend;
    };
    Num d;
    if (g_.split_k <= 1) {
      d = run_slice(0, K, cv);
    } else {
      const size_t w = K / static_cast<size_t>(g_.split_k);
      d = cv;
      for (int s = 0; s < g_.split_k; ++s)
        d = ieee_add(d, run_slice(static_cast<size_t>(s) * w, static_cast<size_t>(s + 1) * w, zero), target(out_));
    }
    if (d.kind == Kind::NaN) return m_.kind == DotKind::Fused ? out_.code_mask() >> 1 : out_.nan_code();
    return encode(out_, d);
  }

 private:
  // FP32 -> TF32 (10 mantissa bits, FP32's exponent range) by the row's rule.
  Num to_tf32(Num x) const {
    if (x.kind != Kind::Finite) return x;
    const Rounding r = m_.tf32 == Tf32Input::NearestAway ? Rounding::NearestAway : Rounding::TowardZero;
    Num y = round_mag(x.mag, x.neg, Target{-126, 127, 10}, r, false);
    if (y.kind == Kind::Finite && y.mag != 0) y.align = std::max(floor_log2(y.mag), -126);
    return y;
  }

  Num slice(size_t from, size_t to, Num c) const {
    switch (m_.kind) {
      case DotKind::Exact: return exact(from, to, c);
      case DotKind::Sequential: return sequential(from, to, c);
      case DotKind::Pairwise: return pairwise(from, to, c);
      case DotKind::Fused: break;
    }
    const size_t L = m_.L > 0 ? static_cast<size_t>(m_.L) : std::max<size_t>(to - from, 1);
    size_t k = from;
    do {
      c = step(k, std::min(to, k + L), c);
      k += L;
    } while (k < to);
    return c;
  }

  Q product(size_t k) const { return a_[k].value() * b_[k].value(); }

  Num exact(size_t from, size_t to, const Num& c) const {
    Q s = c.value();
    bool all_neg = c.neg, any_nonzero = !c.zero();
    for (size_t k = from; k < to; ++k) {
      s += product(k);
      all_neg = all_neg && (a_[k].neg != b_[k].neg);
      any_nonzero = any_nonzero || product(k) != 0;
    }
    if (s == 0) {
      Num z;
      z.neg = any_nonzero ? m_.step_rounding == Rounding::TowardNegative : all_neg;
      return z;
    }
    return round_mag(s < 0 ? Q(-s) : s, s < 0, target(out_), m_.step_rounding, false);
  }

  // The IEEE product a_k * b_k, exact (or NaN / inf).
  Num ieee_product(size_t k) const {
    const Num &x = a_[k], &y = b_[k];
    Num p;
    p.neg = x.neg != y.neg;
    if (x.kind == Kind::NaN || y.kind == Kind::NaN || (x.kind == Kind::Inf && y.zero()) ||
        (y.kind == Kind::Inf && x.zero()))
      p.kind = Kind::NaN;
    else if (x.kind == Kind::Inf || y.kind == Kind::Inf)
      p.kind = Kind::Inf;
    else
      p.mag = x.mag * y.mag;
    return p;
  }

  // d = fma(a_k, b_k, d), round to nearest even, in k order.
  Num sequential(size_t from, size_t to, Num d) const {
    for (size_t k = from; k < to; ++k) {
      const Num pn = ieee_product(k);
      if (pn.kind != Kind::Finite || d.kind != Kind::Finite) {
        Num r;
        if (pn.kind == Kind::NaN || d.kind == Kind::NaN || (pn.kind == Kind::Inf && d.kind == Kind::Inf && pn.neg != d.neg))
          r.kind = Kind::NaN;
        else
          r = pn.kind == Kind::Inf ? pn : d;
        d = r;
        continue;
      }
      const Q p = product(k), s = p + d.value();
      if (s == 0) {  // x + y = 0 exactly: -0 only for -0 + -0 (round to nearest)
        const bool neg = p == 0 && (a_[k].neg != b_[k].neg) && d.neg;
        d = Num{};
        d.neg = neg;
        continue;
      }
      d = round_mag(s < 0 ? Q(-s) : s, s < 0, target(out_), Rounding::NearestEven, false);
    }
    return d;
  }

  Num pairwise(size_t from, size_t to, const Num& c) const {
    std::vector<Num> level;
    for (size_t k = from; k < to; ++k) {
      const Num p = ieee_product(k);
      level.push_back(p.kind == Kind::Finite ? round_mag(p.mag, p.neg, target(out_), Rounding::NearestEven, false) : p);
    }
    while (level.size() > 1) {
      std::vector<Num> next;
      for (size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(ieee_add(level[i], level[i + 1], target(out_)));
      if (level.size() % 2) next.push_back(level.back());
      level = next;
    }
    return level.empty() ? c : ieee_add(level[0], c, target(out_));
  }

  int scale_align(const Num& s) const { return s.zero() ? m_.e_zero : s.align; }

  // One fused step over products [from, to) and the addend c (docs/mma.md, "The fused step").
  Num step(size_t from, size_t to, const Num& c) const {
    if (c.kind == Kind::Inf) return c;
    std::vector<Term> terms;
    if (m_.exact_group > 0) {
      for (size_t g = from; g < to; g += static_cast<size_t>(m_.exact_group)) {
        Q s = 0;
        bool all_neg = true;
        for (size_t k = g; k < std::min(to, g + static_cast<size_t>(m_.exact_group)); ++k) {
          s += product(k);
          all_neg = all_neg && (a_[k].neg != b_[k].neg);
        }
        const Num &u = sa_[g / block_], &w = sb_[g / block_];
        terms.push_back({s * u.value() * w.value(), s == 0 ? all_neg : s < 0, scale_align(u) + scale_align(w)});
      }
    } else {
      for (size_t k = from; k < to; ++k) {
        Q v = product(k);
        const bool zero = a_[k].zero() || b_[k].zero();
        int align = zero ? m_.e_zero : a_[k].align + b_[k].align;
        if (!sa_.empty()) {
          const Num &u = sa_[k / block_], &w = sb_[k / block_];
          v *= u.value() * w.value();
          align += scale_align(u) + scale_align(w);
        }
        terms.push_back({v, a_[k].neg != b_[k].neg, align});
      }
    }
    const Term c_term{c.value(), c.neg, c.zero() ? m_.e_zero : c.align};
    if (m_.addend == AddendRule::InStep && m_.groups == 1) {
      terms.push_back(c_term);
      return fuse(terms);
    }
    Num acc;
    for (int g = 0; g < m_.groups; ++g) {
      std::vector<Term> group;
      for (size_t i = 0; i < terms.size(); ++i)
        if (static_cast<int>(i / static_cast<size_t>(m_.group_width)) % m_.groups == g) group.push_back(terms[i]);
      if (g > 0) {
        if (acc.kind == Kind::Inf) break;
        group.push_back({acc.value(), acc.neg, acc.zero() ? m_.e_zero : acc.align});
      }
      if (g == 0 && m_.addend == AddendRule::InStep) group.push_back(c_term);
      acc = fuse(group);
    }
    if (m_.addend == AddendRule::InStep) return acc;
    return ieee_add(acc, c, target(out_));
  }

  // Align to the largest exponent, cut every term toward zero to F fraction bits, sum, round once
  // into the step format; the result is a value of the output format (with its alignment).
  Num fuse(const std::vector<Term>& terms) const {
    if (terms.empty()) return Num{};  // no products and C after the step: +0
    int E = terms.front().align;
    for (const Term& t : terms) E = std::max(E, t.align);
    const Q q = pow2(E - m_.F);
    Q s = 0;
    bool all_neg = true;
    for (const Term& t : terms) {
      all_neg = all_neg && t.neg;
      const Q mag = t.value < 0 ? Q(-t.value) : t.value;
      const Q cut = Q(floor_int(mag / q)) * q;
      s += t.value < 0 ? Q(-cut) : cut;
    }
    Num r;
    if (s == 0) {
      r.neg = all_neg;
      return r;
    }
    return round_mag(s < 0 ? Q(-s) : s, s < 0, target(step_), m_.step_rounding, true);
  }

  const DotModel& m_;
  const Format& in_;
  const Format& out_;
  const Format& step_;
  GemmOptions g_;
  const DotScales* scales_;
  std::vector<Num> a_, b_, sa_, sb_;
  size_t block_ = 1;
};

}  // namespace

uint64_t reference_dot(const DotModel& model, const Format& in, std::span<const uint64_t> a,
                       std::span<const uint64_t> b, uint64_t c, const GemmOptions& gemm, const DotScales* scales) {
  return Reference(model, in, gemm, scales).run(a, b, c);
}

}  // namespace fpc::testing
