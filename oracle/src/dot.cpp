// The dot-product evaluator: exact products, the fused tensor-core step, the IEEE reference
// chains and the GEMM-level loop (promotion, split-K). The parameters live in dot_models.cpp.
#include "fpconform/dot.hpp"

#include "fast_bits.hpp"
#include "fpconform/arith.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <unordered_map>

namespace fpc {

namespace {

// A finite value as sig * 2^exp with its alignment exponent: the exponent of its binade, or the
// format's emin for a subnormal (so sig * 2^exp / 2^align lies in [0, 2) for an operand and in
// [0, 4) for a product of two).
struct Term {
  bool negative = false;
  uint64_t sig = 0;  // 0 for a zero
  int exp = 0;
  int align = 0;
};

struct Operand {
  CodeClass cls = CodeClass::Zero;
  bool negative = false;
  Term term;
};

// Formats by name, looked up once per thread (user specs such as e8m13 are parsed otherwise).
const Format& fmt(const std::string& name) {
  thread_local std::unordered_map<std::string, const Format*> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  const Format& f = format_by_name(name);
  cache.emplace(name, &f);
  return f;
}

// The oracle's integer rounding engine (fast_bits.hpp, proven equal to round_to_format by
// tests/test_fast_reference.cpp), one per (format, mode), built once per thread.
const fast::OutSpec& out_spec(const Format& f, Rounding r) {
  thread_local std::map<std::pair<const Format*, int>, fast::OutSpec> cache;
  auto key = std::make_pair(&f, static_cast<int>(r));
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, fast::OutSpec(f, r, Policy{})).first;
  return it->second;
}

// Rounds the non-zero S * 2^exp into the spec's format (IEEE semantics, overflow per mode).
uint64_t round_wide(const fast::OutSpec& o, bool neg, fast::u128 S, int exp) {
  switch (o.mode) {
    case Rounding::NearestEven: return fast::round_wide<Rounding::NearestEven>(o, neg, S, exp, false);
    case Rounding::NearestAway: return fast::round_wide<Rounding::NearestAway>(o, neg, S, exp, false);
    case Rounding::TowardZero: return fast::round_wide<Rounding::TowardZero>(o, neg, S, exp, false);
    case Rounding::TowardPositive: return fast::round_wide<Rounding::TowardPositive>(o, neg, S, exp, false);
    case Rounding::TowardNegative: return fast::round_wide<Rounding::TowardNegative>(o, neg, S, exp, false);
    case Rounding::ToOdd: return fast::round_wide<Rounding::ToOdd>(o, neg, S, exp, false);
    case Rounding::Stochastic: break;
  }
  throw InputError("stochastic rounding is not a dot-product rounding");
}

Operand read_operand(const fast::Geom& g, uint64_t code) {
  const fast::Val v = fast::decode(g, code, false);
  Operand o;
  o.negative = v.neg;
  o.term.negative = v.neg;
  switch (v.cls) {
    case fast::Cls::Zero: o.cls = CodeClass::Zero; return o;
    case fast::Cls::Inf: o.cls = CodeClass::Infinity; return o;
    case fast::Cls::NaN: o.cls = CodeClass::NaN; return o;
    case fast::Cls::Finite: break;
  }
  o.cls = CodeClass::Normal;
  o.term.sig = v.sig;
  o.term.exp = v.exp;
  // The binade's exponent, or emin for a subnormal.
  o.term.align = std::max(fast::msb64(v.sig) + v.exp, g.emin);
  return o;
}

Operand read_operand(const Format& f, uint64_t code) { return read_operand(out_spec(f, Rounding::NearestEven).g, code); }

const Format& float32_format() { return fmt("float32"); }

// FP32 -> TF32 by the row's rule; the result is a float32 code whose low 13 bits are zero.
uint64_t to_tf32(uint64_t code, Tf32Input rule) {
  if (rule == Tf32Input::NearestAway) {
    RoundResult r = convert(code, float32_format(), fmt("tf32"), Rounding::NearestAway);
    return convert(r.code, fmt("tf32"), float32_format(), Rounding::NearestEven).code;
  }
  Decoded d = decode(float32_format(), code);
  if (d.cls == CodeClass::NaN) return code | (uint64_t{1} << 22);  // keep it a NaN
  return code & ~uint64_t{0x1fff};
}

// Exact value of a term.
ExactValue term_value(const Term& t) {
  if (t.sig == 0) return ExactValue::zero(t.negative);
  return ExactValue::dyadic(t.negative, BigInt(t.sig), t.exp);
}

// NaN/inf resolution of a . b + c as IEEE arithmetic would: NaN if any operand is NaN, any
// product is inf * 0, or infinities of both signs meet; else the infinity if there is one.
std::optional<ExactValue> special_result(std::span<const Operand> a, std::span<const Operand> b, const Operand& c) {
  bool nan = c.cls == CodeClass::NaN, pos_inf = false, neg_inf = false;
  if (c.cls == CodeClass::Infinity) (c.negative ? neg_inf : pos_inf) = true;
  for (size_t k = 0; k < a.size(); ++k) {
    const Operand &x = a[k], &y = b[k];
    if (x.cls == CodeClass::NaN || y.cls == CodeClass::NaN) nan = true;
    const bool xi = x.cls == CodeClass::Infinity, yi = y.cls == CodeClass::Infinity;
    if (xi || yi) {
      if (x.cls == CodeClass::Zero || y.cls == CodeClass::Zero) nan = true;
      (x.negative != y.negative ? neg_inf : pos_inf) = true;
    }
  }
  if (nan || (pos_inf && neg_inf)) return ExactValue::nan();
  if (pos_inf || neg_inf) return ExactValue::infinity(neg_inf);
  return std::nullopt;
}

Term product(const Term& x, const Term& y) {
  Term t;
  t.negative = x.negative != y.negative;
  t.sig = x.sig * y.sig;  // operands have at most 24-bit significands: fits
  t.exp = x.exp + y.exp;
  t.align = x.align + y.align;
  return t;
}

// Rounds an exact value into `f` for a tensor-core step: overflow past the binade above the
// largest finite gives +-inf whatever the mode (MMA-Sim, Khattak & Mikaitis), else IEEE rounding.
uint64_t round_step(bool neg, uint64_t mag, int scale, bool zero_negative, const Format& f, Rounding mode) {
  const fast::OutSpec& o = out_spec(f, mode);
  if (mag == 0) return o.zero_res[zero_negative];
  if (fast::msb64(mag) + scale > f.emax()) return f.inf_code(neg);
  return round_wide(o, neg, mag, scale);
}

// The format a step rounds into may be narrower than the output (e8m13 inside float32): the
// code is re-encoded in the output format, exactly.
uint64_t reencode(uint64_t code, const Format& from, const Format& to) {
  if (&from == &to) return code;
  const fast::Val v = fast::decode(out_spec(from, Rounding::NearestEven).g, code, false);
  return fast::round_val<Rounding::NearestEven>(out_spec(to, Rounding::NearestEven), v);
}

std::string hex(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v);
  return "0x" + s;
}

struct StepContext {
  const DotModel& model;
  const Format& out;
  const Format& step_format;
  DotTrace* trace;
};

// Sums terms truncated to 2^(E - F); returns the exact sum as (int64 S, scale E - F) and E.
struct FusedSum {
  int64_t sum = 0;
  int scale = 0;
  int max_align = 0;
  bool all_negative = true;
};

FusedSum fused_sum(std::span<const Term> terms, int F, int e_zero, DotTrace* trace) {
  FusedSum r;
  r.max_align = std::numeric_limits<int>::min();
  for (const Term& t : terms) r.max_align = std::max(r.max_align, t.sig == 0 ? e_zero : t.align);
  r.scale = r.max_align - F;
  for (const Term& t : terms) {
    r.all_negative = r.all_negative && t.negative;
    if (t.sig == 0) continue;
    const int shift = t.exp - r.scale;
    uint64_t mag = 0;
    if (shift >= 0)
      mag = t.sig << shift;  // t.sig < 2^(align - exp + 2), so mag < 2^(F + 2)
    else if (-shift < 64)
      mag = t.sig >> -shift;  // truncation toward zero
    const int64_t s = static_cast<int64_t>(mag);
    r.sum += t.negative ? -s : s;
    if (trace && (shift < 0 && (mag << -shift) != t.sig))
      trace->lines.push_back("    term " + std::string(t.negative ? "-" : "+") + to_exact_string(term_value(t).abs()) +
                             " cut to " + to_exact_string(ExactValue::dyadic(false, BigInt(mag), r.scale)));
  }
  return r;
}

ExactValue fused_value(const FusedSum& s) {
  if (s.sum == 0) return ExactValue::zero(s.all_negative);
  const bool neg = s.sum < 0;
  const uint64_t mag = neg ? uint64_t(0) - static_cast<uint64_t>(s.sum) : static_cast<uint64_t>(s.sum);
  return ExactValue::dyadic(neg, BigInt(mag), s.scale);
}

// One fused step: products (already exact terms) plus the addend c (a code of `out`).
uint64_t fused_step(const StepContext& ctx, std::span<const Term> products, uint64_t c) {
  const DotModel& m = ctx.model;
  Operand co = read_operand(ctx.out, c);
  std::vector<Term> terms(products.begin(), products.end());
  auto finish = [&](std::span<const Term> ts, const char* what) {
    FusedSum s = fused_sum(ts, m.F, m.e_zero, ctx.trace);
    const bool neg = s.sum < 0;
    const uint64_t mag = neg ? uint64_t(0) - static_cast<uint64_t>(s.sum) : static_cast<uint64_t>(s.sum);
    uint64_t code = reencode(round_step(neg, mag, s.scale, s.all_negative, ctx.step_format, m.step_rounding),
                             ctx.step_format, ctx.out);
    if (ctx.trace) {
      ExactValue v = fused_value(s);
      ctx.trace->lines.push_back("  " + std::string(what) + ": " + std::to_string(ts.size()) + " terms, E = " +
                                 std::to_string(s.max_align) + ", kept to 2^" + std::to_string(s.scale) +
                                 ", sum " + to_exact_string(v) + " -> " + hex(code) + " (" +
                                 std::string(short_name(m.step_rounding)) + " into " + m.step_format + ")");
    }
    return code;
  };
  if (m.addend == AddendRule::InStep && m.groups == 1) {
    terms.push_back(co.term);
    return finish(terms, "step");
  }
  // Grouped and/or addend-after: the products first (group by group, each group's result
  // chained into the next as one more term), then C.
  uint64_t acc = 0;
  bool have_acc = false;
  for (int g = 0; g < m.groups; ++g) {
    std::vector<Term> group;
    for (size_t k = 0; k < terms.size(); ++k)
      if (static_cast<int>(k / static_cast<size_t>(m.group_width)) % m.groups == g) group.push_back(terms[k]);
    if (have_acc) group.push_back(read_operand(ctx.out, acc).term);
    if (g == 0 && m.addend == AddendRule::InStep) group.push_back(co.term);
    acc = finish(group, "group");
    have_acc = true;
  }
  if (m.addend == AddendRule::InStep) return acc;
  ExactValue sum = exact_op(Op::Add, std::vector<ExactValue>{decode(ctx.out, acc).value, decode(ctx.out, c).value},
                            Rounding::NearestEven).value;
  uint64_t code = round_to_format(sum, ctx.out, Rounding::NearestEven).code;
  if (ctx.trace) ctx.trace->lines.push_back("  + C (rne): " + hex(code));
  return code;
}

// IEEE op in the output format, rounded to nearest even.
uint64_t ieee(Op op, std::vector<uint64_t> codes, const Format& out) {
  return eval(op, codes, out, out, Rounding::NearestEven).code;
}

// The exact sum of the products and c rounded once: in a 128-bit fixed point when the terms'
// span fits (every FP8/FP16/BF16 dot with an FP32 C of moderate exponent), else by `slow`.
template <class Slow>
uint64_t exact_rounded(std::span<const Operand> a, std::span<const Operand> b, const Operand& c, const Format& out,
                       Rounding mode, Slow slow) {
  __extension__ typedef __int128 i128;
  int low = std::numeric_limits<int>::max(), high = std::numeric_limits<int>::min();
  bool all_negative = c.negative;
  auto note = [&](const Term& t) {
    if (t.sig == 0) return;
    low = std::min(low, t.exp);
    high = std::max(high, fast::msb64(t.sig) + t.exp);
  };
  note(c.term);
  for (size_t k = 0; k < a.size(); ++k) {
    Term t = product(a[k].term, b[k].term);
    all_negative = all_negative && t.negative;
    note(t);
  }
  if (low == std::numeric_limits<int>::max()) return out_spec(out, mode).zero_res[all_negative];
  if (high - low + std::bit_width(a.size() + 1) > 124) return slow();
  i128 sum = 0;
  auto add = [&](const Term& t) {
    if (t.sig == 0) return;
    const i128 mag = static_cast<i128>(static_cast<fast::u128>(t.sig) << (t.exp - low));
    sum += t.negative ? -mag : mag;
  };
  add(c.term);
  for (size_t k = 0; k < a.size(); ++k) add(product(a[k].term, b[k].term));
  if (sum == 0) {
    // An exact zero sum of non-zero terms is +0, except toward negative (IEEE 6.3).
    return out_spec(out, mode).zero_res[mode == Rounding::TowardNegative];
  }
  const bool neg = sum < 0;
  return round_wide(out_spec(out, mode), neg, static_cast<fast::u128>(neg ? -sum : sum), low);
}

struct Chain {
  const DotModel& model;
  const Format& in;
  const Format& out;
  DotTrace* trace;
};

// Products of a slice, chained through fused steps of L starting from addend c.
uint64_t fused_chain(const Chain& ch, std::span<const Operand> a, std::span<const Operand> b, uint64_t c) {
  const DotModel& m = ch.model;
  const Format& step_format = fmt(m.step_format);
  StepContext ctx{m, ch.out, step_format, ch.trace};
  const size_t K = a.size(), L = m.L > 0 ? static_cast<size_t>(m.L) : std::max<size_t>(K, 1);
  std::vector<Term> products;
  size_t k = 0;
  do {
    products.clear();
    for (size_t j = k; j < std::min(K, k + L); ++j) products.push_back(product(a[j].term, b[j].term));
    if (ch.trace) ch.trace->lines.push_back("step k=" + std::to_string(k) + ".." + std::to_string(std::min(K, k + L) - 1) +
                                            ", C = " + hex(c));
    c = fused_step(ctx, products, c);
    k += L;
  } while (k < K);
  return c;
}

uint64_t evaluate_slice(const Chain& ch, std::span<const uint64_t> a_codes, std::span<const uint64_t> b_codes,
                        std::span<const Operand> a, std::span<const Operand> b, uint64_t c) {
  const DotModel& m = ch.model;
  const Format& out = ch.out;
  switch (m.kind) {
    case DotKind::Exact: return exact_rounded(a, b, read_operand(out, c), out, m.step_rounding, [&] {
        return round_to_format(exact_dot_value(ch.in, a_codes, b_codes, out, c), out, m.step_rounding).code;
      });
    case DotKind::Sequential: {
      uint64_t d = c;
      for (size_t k = 0; k < a.size(); ++k) {
        ExactValue x = decode(ch.in, a_codes[k]).value, y = decode(ch.in, b_codes[k]).value;
        ExactValue r = exact_op(Op::Fma, std::vector<ExactValue>{x, y, decode(out, d).value}, Rounding::NearestEven).value;
        d = round_to_format(r, out, Rounding::NearestEven).code;
      }
      return d;
    }
    case DotKind::Pairwise: {
      std::vector<uint64_t> level;
      for (size_t k = 0; k < a.size(); ++k) {
        ExactValue x = decode(ch.in, a_codes[k]).value, y = decode(ch.in, b_codes[k]).value;
        ExactValue r = exact_op(Op::Mul, std::vector<ExactValue>{x, y}, Rounding::NearestEven).value;
        level.push_back(round_to_format(r, out, Rounding::NearestEven).code);
      }
      while (level.size() > 1) {
        std::vector<uint64_t> next;
        for (size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(ieee(Op::Add, {level[i], level[i + 1]}, out));
        if (level.size() % 2) next.push_back(level.back());
        level = std::move(next);
      }
      return level.empty() ? c : ieee(Op::Add, {level[0], c}, out);
    }
    case DotKind::Fused: return fused_chain(ch, a, b, c);
  }
  return c;
}

bool accepts(const DotModel& m, const Format& f) {
  return std::find(m.inputs.begin(), m.inputs.end(), f.name) != m.inputs.end();
}

}  // namespace

ExactValue exact_dot_value(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                           const Format& c_format, uint64_t c) {
  if (a.size() != b.size()) throw InputError("a and b have different lengths");
  std::vector<Operand> ao, bo;
  for (size_t k = 0; k < a.size(); ++k) {
    ao.push_back(read_operand(in_format, a[k]));
    bo.push_back(read_operand(in_format, b[k]));
  }
  Operand co = read_operand(c_format, c);
  if (auto s = special_result(ao, bo, co)) return *s;
  // Exact sum on a common exponent.
  int low = co.term.sig ? co.term.exp : 0;
  std::vector<Term> terms;
  for (size_t k = 0; k < a.size(); ++k) terms.push_back(product(ao[k].term, bo[k].term));
  terms.push_back(co.term);
  bool first = true, all_negative = true;
  for (const Term& t : terms) {
    all_negative = all_negative && t.negative;
    if (t.sig == 0) continue;
    low = first ? t.exp : std::min(low, t.exp);
    first = false;
  }
  BigInt sum = 0;
  for (const Term& t : terms) {
    if (t.sig == 0) continue;
    BigInt mag = BigInt(t.sig) << static_cast<unsigned>(t.exp - low);
    sum += t.negative ? BigInt(-mag) : mag;
  }
  if (sum == 0) return ExactValue::zero(all_negative);
  const bool neg = sum < 0;
  return ExactValue::dyadic(neg, neg ? BigInt(-sum) : sum, low);
}

RoundResult exact_dot(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                      const Format& c_format, uint64_t c, const Format& out, Rounding mode) {
  return round_to_format(exact_dot_value(in_format, a, b, c_format, c), out, mode);
}

DotResult dot(const DotModel& model, const Format& in_format, std::span<const uint64_t> a_in,
              std::span<const uint64_t> b_in, uint64_t c, const GemmOptions& gemm, DotTrace* trace) {
  if (a_in.size() != b_in.size())
    throw InputError("a has " + std::to_string(a_in.size()) + " elements but b has " + std::to_string(b_in.size()));
  const Format& out = fmt(model.output);
  if (in_format.kind != FormatKind::Float || out.kind != FormatKind::Float || out.bits() > 32)
    throw InputError("dot products take binary float inputs and a float output of at most 32 bits");
  if (c >= out.code_count()) throw InputError("c code " + hex(c) + " is not a " + out.name + " code");
  // Inputs: the row's own formats, or float32 converted by the row's TF32 rule.
  std::vector<uint64_t> a(a_in.begin(), a_in.end()), b(b_in.begin(), b_in.end());
  const Format* in = &in_format;
  if (!accepts(model, in_format)) {
    if (in_format.name == "float32" && model.tf32 != Tf32Input::None) {
      for (auto& x : a) x = to_tf32(x & 0xffffffffu, model.tf32);
      for (auto& x : b) x = to_tf32(x & 0xffffffffu, model.tf32);
    } else {
      std::string list;
      for (const auto& f : model.inputs) list += (list.empty() ? "" : ", ") + f;
      throw InputError("model " + model.name + " takes " + list + " inputs, not " + in_format.name);
    }
  }
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k] >= in->code_count() || b[k] >= in->code_count())
      throw InputError("code " + hex(std::max(a[k], b[k])) + " is not a " + in->name + " code");
  if (gemm.split_k < 1 || gemm.promotion_interval < 0) throw InputError("split-K must be >= 1 and promotion >= 0");
  if (gemm.split_k > 1 && a.size() % static_cast<size_t>(gemm.split_k) != 0)
    throw InputError("K = " + std::to_string(a.size()) + " is not a multiple of split-K " + std::to_string(gemm.split_k));

  std::vector<Operand> ao(a.size()), bo(b.size());
  const fast::Geom& geom = out_spec(*in, Rounding::NearestEven).g;
  for (size_t k = 0; k < a.size(); ++k) {
    ao[k] = read_operand(geom, a[k]);
    bo[k] = read_operand(geom, b[k]);
  }
  auto finish = [&](uint64_t code) { return DotResult{code}; };
  if (auto s = special_result(ao, bo, read_operand(out, c))) {
    // Tensor cores return their canonical NaN (all mantissa bits set); the IEEE rows the format's.
    if (s->is_nan()) return finish(model.kind == DotKind::Fused ? out.code_mask() >> 1 : out.nan_code());
    return finish(out.inf_code(s->negative));
  }
  Chain ch{model, *in, out, trace};
  auto slice = [&](size_t from, size_t to, uint64_t addend) {
    return evaluate_slice(ch, std::span(a).subspan(from, to - from), std::span(b).subspan(from, to - from),
                          std::span<const Operand>(ao).subspan(from, to - from),
                          std::span<const Operand>(bo).subspan(from, to - from), addend);
  };
  const uint64_t zero = out.zero_code(false);
  const size_t K = a.size();
  // Within one split-K slice: promotion (tensor-core partials from zero, added on the CUDA
  // cores with IEEE RNE adds) or the tensor core accumulating into the addend itself.
  auto run_slice = [&](size_t from, size_t to, uint64_t addend) {
    if (gemm.promotion_interval == 0) return slice(from, to, addend);
    uint64_t acc = addend;
    for (size_t k = from; k < to; k += static_cast<size_t>(gemm.promotion_interval)) {
      uint64_t part = slice(k, std::min(to, k + static_cast<size_t>(gemm.promotion_interval)), zero);
      acc = ieee(Op::Add, {acc, part}, out);
      if (trace) trace->lines.push_back("promotion after k=" + std::to_string(k) + ": " + hex(acc));
    }
    return acc;
  };
  if (gemm.split_k == 1) return finish(run_slice(0, K, c));
  const size_t width = K / static_cast<size_t>(gemm.split_k);
  uint64_t d = c;
  for (int s = 0; s < gemm.split_k; ++s) {
    uint64_t part = run_slice(static_cast<size_t>(s) * width, static_cast<size_t>(s + 1) * width, zero);
    d = ieee(Op::Add, {d, part}, out);
    if (trace) trace->lines.push_back("split-K slice " + std::to_string(s) + " reduced: " + hex(d));
  }
  return finish(d);
}

}  // namespace fpc
