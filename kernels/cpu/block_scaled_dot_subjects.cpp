// Block-scaled dot subjects on the CPU: the B200 kind::mxf8f6f4 and kind::mxf4nvf4 step
// (tcgen05.mma ... block_scale) written out in plain integer C++ from its published description
// (docs/mma.md, "Block-scaled B200 rows"; MMA-Sim, arXiv 2511.10909), independently of the
// oracle: operands and scales are decoded here by their bit fields, the step's terms are int64
// fixed point, and FP32 is encoded here. Agreement with the oracle's rows therefore compares two
// implementations of one definition.
//
//  - cpu_block_scaled_dot: MXFP8/MXFP6/MXFP4 (E8M0 per 32) claiming b200-mxf8f6f4, MXFP4 (E8M0
//    per 32 and per 16) and NVFP4 (UE4M3 per 16) claiming b200-mxf4nvf4.
//  - planted_nvfp4_signed_scale (test only): NVFP4 that reads the UE4M3 scale's sign bit (a
//    scale 0xb8 multiplies by -1 where the hardware ignores the sign); no model does that.
//  - planted_nvfp4_f25 (test only): NVFP4 keeping 25 fraction bits per step (B200: 35); the
//    diagnosis must name "b200-mxf4nvf4 with F=25".
#include "fpconform/dot_subject.hpp"

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace fpc {

namespace {

// The bit fields of an input format (OCP MX: E4M3 and E5M2 FP8, E2M3 and E3M2 FP6, E2M1 FP4).
struct Fields {
  const char* name;
  int exp_bits, man_bits, bias;
  enum { AllFinite, OnlyAllOnesNan, IeeeSpecials } specials;
};
constexpr Fields kInputs[] = {
    {"float8_e4m3fn", 4, 3, 7, Fields::OnlyAllOnesNan},
    {"float8_e5m2", 5, 2, 15, Fields::IeeeSpecials},
    {"float6_e2m3fn", 2, 3, 1, Fields::AllFinite},
    {"float6_e3m2fn", 3, 2, 3, Fields::AllFinite},
    {"float4_e2m1fn", 2, 1, 1, Fields::AllFinite},
};
constexpr int kZeroExponent = -126;  // the alignment exponent of a zero (MMA-Sim), as e_zero

// A decoded factor: value (-1)^neg * sig * 2^exp; align is its binade's exponent (the format's
// emin for subnormals, kZeroExponent for a zero).
struct Value {
  enum Class { Zero, Finite, Inf, NaN } cls = Zero;
  bool neg = false;
  int64_t sig = 0;
  int exp = 0, align = kZeroExponent;
};

Value decode_input(const Fields& f, uint64_t code) {
  const int bits = 1 + f.exp_bits + f.man_bits;
  Value v;
  v.neg = (code >> (bits - 1)) & 1;
  const uint64_t man = code & ((uint64_t{1} << f.man_bits) - 1);
  const uint64_t e = (code >> f.man_bits) & ((uint64_t{1} << f.exp_bits) - 1);
  const uint64_t e_ones = (uint64_t{1} << f.exp_bits) - 1, m_ones = (uint64_t{1} << f.man_bits) - 1;
  if (f.specials == Fields::IeeeSpecials && e == e_ones) {
    v.cls = man ? Value::NaN : Value::Inf;
    return v;
  }
  if (f.specials == Fields::OnlyAllOnesNan && e == e_ones && man == m_ones) {
    v.cls = Value::NaN;
    return v;
  }
  if (e == 0 && man == 0) return v;
  v.cls = Value::Finite;
  v.sig = static_cast<int64_t>(e == 0 ? man : man | (uint64_t{1} << f.man_bits));
  v.align = (e == 0 ? 1 : static_cast<int>(e)) - f.bias;
  v.exp = v.align - f.man_bits;
  return v;
}

// Scales: E8M0 is 2^(code - 127), 0xff NaN; UE4M3 is an E4M3 code whose sign bit the hardware
// ignores (signed_ue4m3: the planted bug that reads it).
Value decode_scale(bool e8m0, uint64_t code, bool signed_ue4m3) {
  if (e8m0) {
    Value v;
    if (code == 0xff) v.cls = Value::NaN;
    else v = {Value::Finite, false, 1, static_cast<int>(code) - 127, static_cast<int>(code) - 127};
    return v;
  }
  Value v = decode_input(kInputs[0], code & 0x7f);
  v.neg = signed_ue4m3 && (code & 0x80);
  return v;
}

// FP32 (the addend and the result).
Value decode_fp32(uint32_t code) {
  Value v;
  v.neg = code >> 31;
  const uint32_t e = (code >> 23) & 0xff, man = code & 0x7fffff;
  if (e == 0xff) {
    v.cls = man ? Value::NaN : Value::Inf;
    return v;
  }
  if (e == 0 && man == 0) return v;
  v.cls = Value::Finite;
  v.sig = e == 0 ? man : man | 0x800000;
  v.align = (e == 0 ? 1 : static_cast<int>(e)) - 127;
  v.exp = v.align - 23;
  return v;
}

constexpr uint32_t kNan = 0x7fffffff;  // the tensor cores' NaN
uint32_t fp32_inf(bool neg) { return neg ? 0xff800000u : 0x7f800000u; }

// mag * 2^scale (mag > 0) into FP32 toward zero; past the largest binade: inf.
uint32_t fp32_toward_zero(bool neg, uint64_t mag, int scale) {
  const uint32_t sign = neg ? 0x80000000u : 0;
  const int top = 63 - std::countl_zero(mag);
  if (top + scale > 127) return sign | fp32_inf(false);
  if (top + scale >= -126) {
    const uint64_t man = top >= 23 ? mag >> (top - 23) : mag << (23 - top);
    return sign | (static_cast<uint32_t>(top + scale + 127) << 23) | static_cast<uint32_t>(man & 0x7fffff);
  }
  const int shift = scale + 149;  // units of 2^-149, the smallest subnormal
  const uint64_t man = shift >= 0 ? mag << shift : (-shift >= 64 ? 0 : mag >> -shift);
  return sign | static_cast<uint32_t>(man);
}

struct Term {
  bool neg = false;
  int64_t sig = 0;  // magnitude
  int exp = 0, align = kZeroExponent;
};

struct Step {
  int L, F;
  int exact_group;  // 0: every product is a term; 16: groups of 16 summed exactly
  bool e8m0;
  int block;
  bool signed_ue4m3;
};

// One fused step over products [from, to) and the FP32 addend c: E = the largest alignment
// exponent, every term cut toward zero to a multiple of 2^(E - F), the exact sum, FP32 toward zero.
uint32_t fused_step(const Step& s, const std::vector<Value>& a, const std::vector<Value>& b, const std::vector<Value>& sa,
                    const std::vector<Value>& sb, size_t from, size_t to, uint32_t c) {
  const Value cv = decode_fp32(c);
  if (cv.cls == Value::Inf) return c;  // an earlier step overflowed
  std::vector<Term> terms;
  auto scaled = [&](size_t k, Term t) {  // times the scales of k's block
    const Value &u = sa[k / static_cast<size_t>(s.block)], &w = sb[k / static_cast<size_t>(s.block)];
    t.align += u.align + w.align;
    t.neg = t.neg != (u.neg != w.neg);
    if (u.cls != Value::Finite || w.cls != Value::Finite) t.sig = 0;
    t.sig *= u.sig * w.sig;
    t.exp += u.exp + w.exp;
    return t;
  };
  if (s.exact_group == 0) {
    for (size_t k = from; k < to; ++k) {
      Term t;
      t.neg = a[k].neg != b[k].neg;
      if (a[k].cls == Value::Finite && b[k].cls == Value::Finite) {
        t.sig = a[k].sig * b[k].sig;
        t.exp = a[k].exp + b[k].exp;
        t.align = a[k].align + b[k].align;
      }
      terms.push_back(scaled(k, t));
    }
  } else {
    for (size_t g = from; g < to; g += static_cast<size_t>(s.exact_group)) {
      // The group's exact sum, in units of 2^low (low: the smallest product exponent).
      const size_t end = std::min(to, g + static_cast<size_t>(s.exact_group));
      int low = 1 << 20;
      bool all_negative = true;
      for (size_t k = g; k < end; ++k) {
        all_negative = all_negative && (a[k].neg != b[k].neg);
        if (a[k].cls == Value::Finite && b[k].cls == Value::Finite) low = std::min(low, a[k].exp + b[k].exp);
      }
      int64_t sum = 0;
      for (size_t k = g; k < end; ++k)
        if (a[k].cls == Value::Finite && b[k].cls == Value::Finite) {
          const int64_t p = (a[k].sig * b[k].sig) << (a[k].exp + b[k].exp - low);
          sum += a[k].neg != b[k].neg ? -p : p;
        }
      // Aligned at the scales' exponents alone, whatever the sum's own binade.
      Term t{sum == 0 ? all_negative : sum < 0, sum < 0 ? -sum : sum, sum == 0 ? 0 : low, 0};
      terms.push_back(scaled(g, t));
    }
  }
  terms.push_back({cv.neg, cv.sig, cv.exp, cv.align});
  int E = terms[0].align;
  for (const Term& t : terms) E = std::max(E, t.align);
  const int unit = E - s.F;
  int64_t sum = 0;
  bool all_negative = true;
  for (const Term& t : terms) {
    all_negative = all_negative && t.neg;
    if (t.sig == 0) continue;
    const int shift = t.exp - unit;
    const int64_t kept = shift >= 0 ? t.sig << shift : (-shift >= 63 ? 0 : t.sig >> -shift);  // toward zero
    sum += t.neg ? -kept : kept;
  }
  if (sum == 0) return all_negative ? 0x80000000u : 0;
  return fp32_toward_zero(sum < 0, static_cast<uint64_t>(sum < 0 ? -sum : sum), unit);
}

uint32_t scaled_dot(const Step& s, const Fields& in, size_t K, const uint64_t* a_codes, const uint64_t* b_codes, uint32_t c,
                    const uint64_t* sa_codes, const uint64_t* sb_codes) {
  std::vector<Value> a(K), b(K), sa(K / static_cast<size_t>(s.block)), sb(sa.size());
  for (size_t k = 0; k < K; ++k) a[k] = decode_input(in, a_codes[k]), b[k] = decode_input(in, b_codes[k]);
  for (size_t j = 0; j < sa.size(); ++j)
    sa[j] = decode_scale(s.e8m0, sa_codes[j], s.signed_ue4m3), sb[j] = decode_scale(s.e8m0, sb_codes[j], s.signed_ue4m3);
  // NaN and infinities first, as IEEE arithmetic resolves them: a NaN factor, an infinite times
  // a zero factor (a zero scale included), or infinities of both signs give NaN.
  const Value cv = decode_fp32(c);
  bool nan = cv.cls == Value::NaN, pos_inf = cv.cls == Value::Inf && !cv.neg, neg_inf = cv.cls == Value::Inf && cv.neg;
  for (size_t k = 0; k < K; ++k) {
    const Value* f[4] = {&a[k], &b[k], &sa[k / static_cast<size_t>(s.block)], &sb[k / static_cast<size_t>(s.block)]};
    bool any_nan = false, any_inf = false, any_zero = false, neg = false;
    for (const Value* v : f) {
      any_nan |= v->cls == Value::NaN;
      any_inf |= v->cls == Value::Inf;
      any_zero |= v->cls == Value::Zero;
      neg ^= v->neg;
    }
    if (any_nan || (any_inf && any_zero)) nan = true;
    else if (any_inf) (neg ? neg_inf : pos_inf) = true;
  }
  if (nan || (pos_inf && neg_inf)) return kNan;
  if (pos_inf || neg_inf) return fp32_inf(neg_inf);
  // K > L: steps of L chained, each result the next step's addend.
  for (size_t k = 0; k < K; k += static_cast<size_t>(s.L)) c = fused_step(s, a, b, sa, sb, k, std::min(K, k + static_cast<size_t>(s.L)), c);
  return c;
}

const Fields& fields(const std::string& name) {
  for (const Fields& f : kInputs)
    if (name == f.name) return f;
  throw std::logic_error("block-scaled subject: no fields for " + name);
}

DotOp scaled_op(const std::string& name, const std::string& model, const std::string& input, const std::string& scale,
                int block, std::vector<size_t> ks, Step step) {
  const Fields& in = fields(input);
  step.e8m0 = scale == "float8_e8m0fnu";
  step.block = block;
  DotOp op{name, std::string(model == "b200-mxf8f6f4" ? "tcgen05.mma kind::mxf8f6f4" : "tcgen05.mma kind::mxf4nvf4") +
                     " block_scale, in integer C++",
           {model, input, "float32", {}, BlockScaleRule{scale, block}}, std::move(ks), {}};
  op.run = [step, &in](const DotBatch& b) {
    const size_t S = b.K / static_cast<size_t>(step.block);
    if (b.a_scales.size() != b.count * S || b.b_scales.size() != b.count * S)
      throw std::invalid_argument("block-scaled batch without its scales");
    for (size_t i = 0; i < b.count; ++i)
      b.d[i] = scaled_dot(step, in, b.K, &b.a[i * b.K], &b.b[i * b.K], static_cast<uint32_t>(b.c[i]), &b.a_scales[i * S],
                          &b.b_scales[i * S]);
  };
  return op;
}

// The published parameters (docs/mma.md): kind::mxf8f6f4 one step of 32, F = 25; kind::mxf4nvf4
// one step of 64 with groups of 16 summed exactly, F = 35.
constexpr Step kMxf8f6f4{32, 25, 0, true, 32, false};
constexpr Step kMxf4nvf4{64, 35, 16, true, 16, false};

}  // namespace

void register_block_scaled_dot_subjects(std::vector<DotSubject>& subjects) {
  DotSubject s{"cpu_block_scaled_dot",
               "the B200 block-scaled MMA step (kind::mxf8f6f4, kind::mxf4nvf4) in plain integer C++, from its published description",
               true, "", false, {}};
  for (const char* in : {"float8_e4m3fn", "float8_e5m2", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn"})
    s.ops.push_back(scaled_op(std::string("mx_") + in + "_to_float32", "b200-mxf8f6f4", in, "float8_e8m0fnu", 32, {32, 64}, kMxf8f6f4));
  s.ops.push_back(scaled_op("mxfp4_e8m0_32_to_float32", "b200-mxf4nvf4", "float4_e2m1fn", "float8_e8m0fnu", 32, {64, 128}, kMxf4nvf4));
  s.ops.push_back(scaled_op("mxfp4_e8m0_16_to_float32", "b200-mxf4nvf4", "float4_e2m1fn", "float8_e8m0fnu", 16, {64, 128}, kMxf4nvf4));
  s.ops.push_back(scaled_op("nvfp4_to_float32", "b200-mxf4nvf4", "float4_e2m1fn", "float8_e4m3fn", 16, {64, 128}, kMxf4nvf4));
  subjects.push_back(std::move(s));
}

void register_test_block_scaled_dot_subjects(std::vector<DotSubject>& subjects) {
  Step signed_scale = kMxf4nvf4;
  signed_scale.signed_ue4m3 = true;
  subjects.push_back({"planted_nvfp4_signed_scale", "NVFP4 that reads the UE4M3 scales' sign bit (the hardware ignores it)", true,
                      "", true,
                      {scaled_op("nvfp4_to_float32", "b200-mxf4nvf4", "float4_e2m1fn", "float8_e4m3fn", 16, {64}, signed_scale)}});
  Step f25 = kMxf4nvf4;
  f25.F = 25;
  subjects.push_back({"planted_nvfp4_f25", "NVFP4 keeping 25 fraction bits per step (B200: 35)", true, "", true,
                      {scaled_op("nvfp4_to_float32", "b200-mxf4nvf4", "float4_e2m1fn", "float8_e4m3fn", 16, {64}, f25)}});
}

}  // namespace fpc
