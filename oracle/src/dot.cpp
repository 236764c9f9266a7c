// The dot-product evaluator: exact products, the fused tensor-core step, the IEEE reference
// chains and the GEMM-level loop (promotion, split-K). The parameters live in dot_models.cpp.
//
// Speed: a DotPlan resolves a row once (formats, rounding engines, a decode table per input
// format) and run() works on decoded operands in per-thread scratch vectors, so a dot allocates
// nothing once its thread has warmed up. Exactness: every value is an integer significand times a
// power of two (fast::Val, the oracle's integer engine proven equal to round_to_format by
// tests/test_fast_reference.cpp); sums are exact in __int128 with the bounds argued where they
// are formed, and the only roundings are round_wide/round_val/add_vals/fma_vals calls in the
// modes the row names.
#include "fpconform/dot.hpp"

#include "fast_bits.hpp"
#include "fpconform/arith.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>

namespace fpc {

namespace {

__extension__ typedef __int128 i128;
using fast::u128;

// A decoded operand: v is (-1)^neg * sig * 2^exp for Finite; align is the exponent of its binade,
// or the format's emin for a subnormal, so sig * 2^exp / 2^align lies in [1, 2) for a normal and
// in (0, 1) for a subnormal.
struct Operand {
  uint64_t sig = 0;
  int32_t exp = 0;
  int16_t align = 0;
  fast::Cls cls = fast::Cls::Zero;
  bool neg = false;
  fast::Val val() const {
    fast::Val v;
    v.cls = cls;
    v.neg = neg;
    v.sig = sig;
    v.exp = exp;
    return v;
  }
};

Operand make_operand(const fast::Geom& g, uint64_t code) {
  const fast::Val v = fast::decode(g, code, false);
  Operand o;
  o.sig = v.sig;
  o.exp = v.exp;
  o.cls = v.cls;
  o.neg = v.neg;
  // Formats of at most 32 bits: |exponents| < 2^15.
  if (v.cls == fast::Cls::Finite) o.align = static_cast<int16_t>(std::max(fast::msb64(v.sig) + v.exp, g.emin));
  return o;
}

// Formats by name, looked up once per thread (user specs such as e8m13 are parsed otherwise).
const Format& fmt(const std::string& name) {
  thread_local std::unordered_map<std::string, const Format*> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  const Format& f = format_by_name(name);
  cache.emplace(name, &f);
  return f;
}

// The oracle's integer rounding engine (fast_bits.hpp), one per (format, mode), built once per
// thread; plans copy what they need.
const fast::OutSpec& out_spec(const Format& f, Rounding r) {
  thread_local std::map<std::pair<std::string, int>, fast::OutSpec> cache;
  auto key = std::make_pair(f.name, static_cast<int>(r));
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, fast::OutSpec(f, r, Policy{})).first;
  return it->second;
}

// A T derived from a format, built once per process (shared, immutable) and looked up per
// thread without the lock.
template <class T, class Build>
std::shared_ptr<const T> once_per_format(const Format& f, Build build) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const T>> local;
  if (auto it = local.find(f.name); it != local.end()) return it->second;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const T>> shared;
  std::shared_ptr<const T> value;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = shared[f.name];
    if (!slot) slot = std::make_shared<const T>(build());
    value = slot;
  }
  local.emplace(f.name, value);
  return value;
}

// Every code of a format of at most 16 bits, decoded.
using DecodeTable = std::vector<Operand>;
std::shared_ptr<const DecodeTable> decode_table(const Format& f) {
  if (f.bits() > 16) return nullptr;
  return once_per_format<DecodeTable>(f, [&] {
    const fast::Geom g(f);
    DecodeTable t(f.code_count());
    for (uint64_t code = 0; code < f.code_count(); ++code) t[code] = make_operand(g, code);
    return t;
  });
}

// The exact row's fixed-point window of a decoded (<= 16-bit) format: every finite non-zero
// product of two codes is an integer multiple of 2^prod_low whose top bit lies at most at
// prod_high. For formats of at most 8 bits, each code once more, packed for a branch-free loop:
// |value| is sig * 2^(prod_low / 2 + off); NaN/inf have sig 0 and `special` set.
struct ProductWindow {
  bool usable = false;
  int prod_low = 0, prod_high = 0;
  struct SmallCode {
    uint32_t sig = 0;
    uint16_t off = 0;
    uint8_t neg = 0, special = 0;
  };
  std::vector<SmallCode> small;
};
std::shared_ptr<const ProductWindow> product_window(const Format& f, const DecodeTable& table) {
  return once_per_format<ProductWindow>(f, [&] {
    ProductWindow w;
    int low = std::numeric_limits<int>::max(), top = std::numeric_limits<int>::min();
    for (const Operand& o : table)
      if (o.cls == fast::Cls::Finite && o.sig != 0) {
        low = std::min(low, o.exp);
        top = std::max(top, fast::msb64(o.sig) + o.exp);
      }
    // msb(x * y) <= msb(x) + msb(y) + 1.
    w.prod_low = 2 * low;
    w.prod_high = 2 * top + 1;
    w.usable = low != std::numeric_limits<int>::max() && w.prod_high - w.prod_low < 100;
    if (w.usable && f.bits() <= 8)
      for (const Operand& o : table) {
        ProductWindow::SmallCode e;
        e.neg = o.neg;
        e.special = o.cls == fast::Cls::NaN || o.cls == fast::Cls::Inf;
        if (o.cls == fast::Cls::Finite) {
          e.sig = static_cast<uint32_t>(o.sig);
          e.off = static_cast<uint16_t>(o.exp - low);
        }
        w.small.push_back(e);
      }
    return w;
  });
}

// A format's operands: from its table, or decoded on the fly (float32 inputs of the IEEE rows).
struct OperandReader {
  fast::Geom g;
  std::shared_ptr<const DecodeTable> table;
  OperandReader() = default;
  explicit OperandReader(const Format& f) : g(f), table(decode_table(f)) {}
  Operand operator()(uint64_t code) const { return table ? (*table)[code] : make_operand(g, code); }
};

template <Rounding R>
uint64_t round_wide_r(const fast::OutSpec& o, bool neg, u128 S, int exp) {
  return fast::round_wide<R>(o, neg, S, exp, false);
}

// Rounds the non-zero S * 2^exp into the spec's format in its mode (IEEE semantics).
uint64_t round_wide(const fast::OutSpec& o, bool neg, u128 S, int exp) {
  switch (o.mode) {
    case Rounding::NearestEven: return round_wide_r<Rounding::NearestEven>(o, neg, S, exp);
    case Rounding::NearestAway: return round_wide_r<Rounding::NearestAway>(o, neg, S, exp);
    case Rounding::TowardZero: return round_wide_r<Rounding::TowardZero>(o, neg, S, exp);
    case Rounding::TowardPositive: return round_wide_r<Rounding::TowardPositive>(o, neg, S, exp);
    case Rounding::TowardNegative: return round_wide_r<Rounding::TowardNegative>(o, neg, S, exp);
    case Rounding::ToOdd: return round_wide_r<Rounding::ToOdd>(o, neg, S, exp);
    case Rounding::Stochastic: break;
  }
  throw InputError("stochastic rounding is not a dot-product rounding");
}

// FP32 -> TF32 by the row's rule; the result is a float32 code whose low 13 bits are zero.
// NearestAway: adding half of the dropped quantum (2^12) to the magnitude bits and clearing them
// rounds to nearest, ties away, for normals and subnormals alike (a carry moves into the
// exponent field; past the largest TF32 value it reaches the infinity code 0x7f800000).
uint64_t to_tf32(uint64_t code, Tf32Input rule) {
  code &= 0xffffffffu;
  const bool nan = (code & 0x7f800000u) == 0x7f800000u && (code & 0x7fffffu) != 0;
  if (nan) return code | (uint64_t{1} << 22);  // keep it a NaN (its payload may live in the low bits)
  if (rule == Tf32Input::NearestAway && (code & 0x7f800000u) != 0x7f800000u) {
    const uint64_t sign = code & 0x80000000u;
    return sign | (((code & 0x7fffffffu) + 0x1000u) & ~uint64_t{0x1fff});
  }
  return code & ~uint64_t{0x1fff};
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

// One term of a fused step: (-1)^neg * sig * 2^exp, aligned at exponent `align` (for a zero
// term, the exponent the row gives it: e_zero for a zero product or C, the scales' for a group).
// |value| < 2^(align + 2) for a product, < 2^(align + 14) for an exact group (bounded when the
// plan is built), < 2^(align + 1) for C.
struct Term {
  bool neg = false;
  uint64_t sig = 0;
  int exp = 0;
  int align = 0;
};

ExactValue term_value(const Term& t) {
  if (t.sig == 0) return ExactValue::zero(t.neg);
  return ExactValue::dyadic(t.neg, BigInt(t.sig), t.exp);
}

// Per-thread working storage: run() resizes these and never frees them.
struct Scratch {
  std::vector<Operand> a, b, sa, sb;
  std::vector<uint64_t> ca, cb, level;
  std::vector<Term> terms, group;
};
Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

bool accepts(const DotModel& m, const Format& f) {
  return std::find(m.inputs.begin(), m.inputs.end(), f.name) != m.inputs.end();
}

}  // namespace

struct DotPlan::Impl {
  const DotModel* model_ptr = nullptr;  // the caller keeps the row alive (dot.hpp)
  const DotModel& m() const { return *model_ptr; }
  const Format* in = nullptr;    // the caller's input format (float32 for a converted TF32 row)
  const Format* out = nullptr;
  const Format* step = nullptr;  // what a fused step rounds into
  bool convert_tf32 = false;
  OperandReader in_read, out_read, step_read;
  fast::OutSpec out_rne, step_spec, exact_spec;
  uint64_t step_inf[2]{};
  uint64_t tc_nan = 0, ieee_nan = 0, zero_out = 0;
  GemmOptions gemm;
  // The exact row on a decoded (<= 16-bit) input format: a dot whose C fits the products' window
  // too sums in one pass into an i128 (exact_fixed_point), without the general path's operand
  // copies and window search. Null where that does not apply.
  std::shared_ptr<const ProductWindow> window;

  uint64_t run(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c, DotTrace* trace,
               const DotScales* scales) const;

  // Evaluation of the slice [from, to) of the decoded operands from addend c.
  struct Ctx {
    std::span<const uint64_t> a_codes, b_codes;  // after TF32 conversion
    const Operand *a, *b, *sa, *sb;              // sa/sb: nullptr without scales
    int block = 1;
    DotTrace* trace;
  };
  bool exact_fixed_point(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c, uint64_t& d) const;
  uint64_t slice(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t exact_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t sequential_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t pairwise_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t fused_chain(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t fused_step(const Ctx& x, size_t from, size_t to, uint64_t c) const;
  uint64_t fuse(std::span<const Term> terms, const char* what, DotTrace* trace) const;
  Term product_term(const Ctx& x, size_t k) const;
  Term group_term(const Ctx& x, size_t from, size_t to) const;
  int scale_align(const Operand& s) const { return s.cls == fast::Cls::Zero ? m().e_zero : s.align; }
  uint64_t add_rne(uint64_t x, uint64_t y) const {
    return fast::add_vals<Rounding::NearestEven>(out_rne, fast::decode(out_rne.g, x, false),
                                                 fast::decode(out_rne.g, y, false));
  }
};

namespace {

// The bits an exact group sum of `group` products of `in` can span, times two scales of
// `scale`: the group term's significand must fit a uint64 (checked when a plan is built).
int exact_group_bits(const Format& in, int group, const Format* scale) {
  const int m = in.man_bits, emin = in.emin(), emax = in.emax();
  int bits = (2 * emax - 2 * m) + 2 * (m + 1) - 2 * (emin - m) + std::bit_width(static_cast<unsigned>(group)) + 1;
  if (scale) bits += 2 * (scale->man_bits + 1);
  return bits;
}

}  // namespace

DotPlan::DotPlan(const DotModel& model, const Format& in_format, const GemmOptions& gemm)
    : impl_(std::make_unique<Impl>()) {
  Impl& p = *impl_;
  p.model_ptr = &model;
  p.gemm = gemm;
  const Format& out = fmt(model.output);
  p.out = &out;
  p.in = &in_format;
  if (in_format.kind != FormatKind::Float || out.kind != FormatKind::Float || out.bits() > 32 || in_format.bits() > 32)
    throw InputError("dot products take binary float inputs and a float output of at most 32 bits");
  if (!accepts(model, in_format)) {
    if (in_format.name == "float32" && model.tf32 != Tf32Input::None) {
      p.convert_tf32 = true;
    } else {
      std::string list;
      for (const auto& f : model.inputs) list += (list.empty() ? "" : ", ") + f;
      throw InputError("model " + model.name + " takes " + list + " inputs, not " + in_format.name);
    }
  }
  if (gemm.split_k < 1 || gemm.promotion_interval < 0) throw InputError("split-K must be >= 1 and promotion >= 0");
  if (model.kind == DotKind::Fused && (model.F < 0 || model.F > 100 || model.L < 0 || model.groups < 1 || model.group_width < 1))
    throw InputError("fused rows need 0 <= F <= 100, L >= 0 and groups, group width >= 1");
  if (model.exact_group > 0) {
    for (const BlockScaleRule& r : model.block_scales)
      if (r.block % model.exact_group != 0 || (model.L > 0 && model.L % r.block != 0))
        throw InputError("model " + model.name + ": exact groups of " + std::to_string(model.exact_group) +
                         " need L a multiple of the scale block and the block a multiple of the group");
    for (const BlockScaleRule& r : model.block_scales)
      if (exact_group_bits(in_format, model.exact_group, &fmt(r.format)) > 62)
        throw InputError("model " + model.name + ": exact groups of " + in_format.name + " products are too wide");
    if (model.block_scales.empty()) throw InputError("model " + model.name + ": exact groups need block scales");
  }
  p.step = &fmt(model.step_format.empty() ? model.output : model.step_format);
  p.in_read = OperandReader(in_format);
  p.out_read = OperandReader(out);
  p.step_read = OperandReader(*p.step);
  p.out_rne = out_spec(out, Rounding::NearestEven);
  p.step_spec = out_spec(*p.step, model.kind == DotKind::Fused ? model.step_rounding : Rounding::NearestEven);
  p.exact_spec = model.kind == DotKind::Exact ? out_spec(out, model.step_rounding) : p.out_rne;
  if (p.step->has_inf()) p.step_inf[0] = p.step->inf_code(false), p.step_inf[1] = p.step->inf_code(true);
  p.tc_nan = out.code_mask() >> 1;
  p.ieee_nan = out.nan_code();
  p.zero_out = out.zero_code(false);
  if (model.kind == DotKind::Exact && !p.convert_tf32 && model.block_scales.empty() && p.in_read.table) {
    p.window = product_window(in_format, *p.in_read.table);
    if (!p.window->usable) p.window.reset();
  }
}

DotPlan::~DotPlan() = default;
DotPlan::DotPlan(DotPlan&&) noexcept = default;
DotPlan& DotPlan::operator=(DotPlan&&) noexcept = default;
const DotModel& DotPlan::model() const { return impl_->m(); }

uint64_t DotPlan::run(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c, DotTrace* trace,
                      const DotScales* scales) const {
  return impl_->run(a, b, c, trace, scales);
}

namespace {

// NaN/inf of a . b + c (times the scales) as IEEE arithmetic resolves them: NaN if any factor
// is NaN, a product has an infinite and a zero factor, or infinities of both signs meet; else the
// infinity if there is one. 0: finite; 1: NaN; 2: +inf; 3: -inf.
int special_class(std::span<const Operand> a, std::span<const Operand> b, const Operand* sa, const Operand* sb,
                  int block, const Operand& c) {
  using fast::Cls;
  bool nan = c.cls == Cls::NaN, pos_inf = false, neg_inf = false;
  if (c.cls == Cls::Inf) (c.neg ? neg_inf : pos_inf) = true;
  for (size_t k = 0; k < a.size(); ++k) {
    const Operand* f[4] = {&a[k], &b[k], sa ? &sa[k / static_cast<size_t>(block)] : nullptr,
                           sb ? &sb[k / static_cast<size_t>(block)] : nullptr};
    bool any_nan = false, any_inf = false, any_zero = false, neg = false;
    for (const Operand* o : f) {
      if (!o) continue;
      any_nan |= o->cls == Cls::NaN;
      any_inf |= o->cls == Cls::Inf;
      any_zero |= o->cls == Cls::Zero;
      neg ^= o->neg;
    }
    if (any_nan || (any_inf && any_zero)) nan = true;
    else if (any_inf) (neg ? neg_inf : pos_inf) = true;
  }
  if (nan || (pos_inf && neg_inf)) return 1;
  if (pos_inf || neg_inf) return neg_inf ? 3 : 2;
  return 0;
}

}  // namespace

uint64_t DotPlan::Impl::run(std::span<const uint64_t> a_in, std::span<const uint64_t> b_in, uint64_t c,
                            DotTrace* trace, const DotScales* scales) const {
  const DotModel& model = m();
  if (a_in.size() != b_in.size())
    throw InputError("a has " + std::to_string(a_in.size()) + " elements but b has " + std::to_string(b_in.size()));
  if (c >= out->code_count()) throw InputError("c code " + hex(c) + " is not a " + out->name + " code");
  const size_t K = a_in.size();
  if (gemm.split_k > 1 && K % static_cast<size_t>(gemm.split_k) != 0)
    throw InputError("K = " + std::to_string(K) + " is not a multiple of split-K " + std::to_string(gemm.split_k));
  if (window && !trace && !(scales && scales->format) && gemm.split_k == 1 && gemm.promotion_interval == 0) {
    uint64_t d = 0;
    if (exact_fixed_point(a_in, b_in, c, d)) return d;
  }
  Scratch& s = scratch();
  s.a.resize(K);
  s.b.resize(K);
  std::span<const uint64_t> a_codes = a_in, b_codes = b_in;
  if (convert_tf32) {
    s.ca.assign(a_in.begin(), a_in.end());
    s.cb.assign(b_in.begin(), b_in.end());
    for (auto& x : s.ca) x = to_tf32(x, model.tf32);
    for (auto& x : s.cb) x = to_tf32(x, model.tf32);
    a_codes = s.ca;
    b_codes = s.cb;
  }
  const uint64_t limit = in->code_count();
  unsigned seen = 0;  // bit i: some operand has class i (NaN and inf are rare: resolved below)
  for (size_t k = 0; k < K; ++k)
    if (a_codes[k] >= limit || b_codes[k] >= limit)
      throw InputError("code " + hex(std::max(a_codes[k], b_codes[k])) + " is not a " + in->name + " code");
  Operand *pa = s.a.data(), *pb = s.b.data();
  if (in_read.table) {
    const Operand* table = in_read.table->data();
    for (size_t k = 0; k < K; ++k) {
      pa[k] = table[a_codes[k]];
      pb[k] = table[b_codes[k]];
      seen |= (1u << static_cast<unsigned>(pa[k].cls)) | (1u << static_cast<unsigned>(pb[k].cls));
    }
  } else {
    for (size_t k = 0; k < K; ++k) {
      pa[k] = make_operand(in_read.g, a_codes[k]);
      pb[k] = make_operand(in_read.g, b_codes[k]);
      seen |= (1u << static_cast<unsigned>(pa[k].cls)) | (1u << static_cast<unsigned>(pb[k].cls));
    }
  }
  // Block scales: exactly for a block-scaled row, never for another.
  Ctx x{a_codes, b_codes, s.a.data(), s.b.data(), nullptr, nullptr, 1, trace};
  if (!model.block_scales.empty()) {
    if (!scales || !scales->format)
      throw InputError("model " + model.name + " is block-scaled: give the scales of a and b");
    bool known = false;
    std::string rules;
    for (const BlockScaleRule& r : model.block_scales) {
      known |= r.format == scales->format->name && r.block == scales->block;
      rules += (rules.empty() ? "" : ", ") + r.format + "/" + std::to_string(r.block);
    }
    if (!known)
      throw InputError("model " + model.name + " takes scales " + rules + ", not " + scales->format->name + "/" +
                       std::to_string(scales->block));
    const size_t block = static_cast<size_t>(scales->block), count = (K + block - 1) / block;
    if (scales->a.size() != count || scales->b.size() != count)
      throw InputError("K = " + std::to_string(K) + " needs " + std::to_string(count) + " scales of a and of b (one per " +
                       std::to_string(block) + "), not " + std::to_string(scales->a.size()) + " and " +
                       std::to_string(scales->b.size()));
    if (model.exact_group > 0 && ((gemm.promotion_interval % scales->block) != 0 ||
                                  (gemm.split_k > 1 && (K / static_cast<size_t>(gemm.split_k)) % block != 0)))
      throw InputError("promotion and split-K slices must be whole scale blocks of " + std::to_string(block));
    // UE4M3 scales are E4M3 codes read without their sign (MMA-Sim takes abs()).
    const Format& sf = *scales->format;
    const bool unsigned_e4m3 = sf.name == "float8_e4m3fn";
    const OperandReader sread(sf);
    s.sa.resize(count);
    s.sb.resize(count);
    for (size_t i = 0; i < count; ++i) {
      const uint64_t ca = scales->a[i] & (unsigned_e4m3 ? 0x7fu : 0xffu), cb = scales->b[i] & (unsigned_e4m3 ? 0x7fu : 0xffu);
      if (scales->a[i] >= sf.code_count() || scales->b[i] >= sf.code_count())
        throw InputError("scale " + hex(std::max(scales->a[i], scales->b[i])) + " is not a " + sf.name + " code");
      s.sa[i] = sread(ca);
      s.sb[i] = sread(cb);
      seen |= (1u << static_cast<unsigned>(s.sa[i].cls)) | (1u << static_cast<unsigned>(s.sb[i].cls));
    }
    x.sa = s.sa.data();
    x.sb = s.sb.data();
    x.block = scales->block;
  } else if (scales && scales->format) {
    throw InputError("model " + model.name + " takes no block scales");
  }
  const Operand co = out_read(c);
  seen |= 1u << static_cast<unsigned>(co.cls);
  constexpr unsigned kSpecial = (1u << static_cast<unsigned>(fast::Cls::Inf)) | (1u << static_cast<unsigned>(fast::Cls::NaN));
  // The exact and fused rows resolve NaN/inf up front (order plays no part in them); the IEEE
  // chains (sequential, pairwise) meet them in their order, as the loop they model does: an
  // overflowed partial sum meeting an infinity of the other sign is NaN there.
  const bool ieee_chain = model.kind == DotKind::Sequential || model.kind == DotKind::Pairwise;
  if ((seen & kSpecial) && !ieee_chain) switch (special_class(std::span<const Operand>(s.a.data(), K), std::span<const Operand>(s.b.data(), K), x.sa, x.sb,
                        x.block, co)) {
    // Tensor cores return their canonical NaN (all mantissa bits set); the IEEE rows the format's.
    case 1: return model.kind == DotKind::Fused ? tc_nan : ieee_nan;
    case 2: return out->inf_code(false);
    case 3: return out->inf_code(true);
    default: break;
  }
  // Within one split-K slice: promotion (tensor-core partials from zero, added on the CUDA
  // cores with IEEE RNE adds) or the tensor core accumulating into the addend itself.
  auto run_slice = [&](size_t from, size_t to, uint64_t addend) {
    if (gemm.promotion_interval == 0) return slice(x, from, to, addend);
    uint64_t acc = addend;
    for (size_t k = from; k < to; k += static_cast<size_t>(gemm.promotion_interval)) {
      const uint64_t part = slice(x, k, std::min(to, k + static_cast<size_t>(gemm.promotion_interval)), zero_out);
      acc = add_rne(acc, part);
      if (trace) trace->lines.push_back("promotion after k=" + std::to_string(k) + ": " + hex(acc));
    }
    return acc;
  };
  uint64_t d = c;
  if (gemm.split_k == 1) {
    d = run_slice(0, K, c);
  } else {
    const size_t width = K / static_cast<size_t>(gemm.split_k);
    for (int i = 0; i < gemm.split_k; ++i) {
      const uint64_t part = run_slice(static_cast<size_t>(i) * width, static_cast<size_t>(i + 1) * width, zero_out);
      d = add_rne(d, part);
      if (trace) trace->lines.push_back("split-K slice " + std::to_string(i) + " reduced: " + hex(d));
    }
  }
  // A NaN born on the way (inf - inf between promoted partials or split-K slices): the GPU's
  // canonical NaN for a tensor-core row (its CUDA cores give the same all-ones NaN).
  if (fast::decode(out_rne.g, d, false).cls == fast::Cls::NaN) return model.kind == DotKind::Fused ? tc_nan : ieee_nan;
  return d;
}

uint64_t DotPlan::Impl::slice(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  switch (m().kind) {
    case DotKind::Exact: return exact_slice(x, from, to, c);
    case DotKind::Sequential: return sequential_slice(x, from, to, c);
    case DotKind::Pairwise: return pairwise_slice(x, from, to, c);
    case DotKind::Fused: return fused_chain(x, from, to, c);
  }
  return c;
}

// The exact sum of the products and c rounded once. Fast path: every term is an integer
// multiple of 2^low below 2^high, so with high - low + log2(K + 1) <= 124 the sum is exact in an
// i128 (every FP8/FP16/BF16 dot with an FP32 C of moderate exponent); else the BigInt sum.
uint64_t DotPlan::Impl::exact_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  const Operand co = out_read(c);
  int low = std::numeric_limits<int>::max(), high = std::numeric_limits<int>::min();
  bool all_negative = co.neg;
  auto note = [&](uint64_t sig, int exp) {
    if (sig == 0) return;
    low = std::min(low, exp);
    high = std::max(high, fast::msb64(sig) + exp);
  };
  if (co.cls == fast::Cls::Finite) note(co.sig, co.exp);
  for (size_t k = from; k < to; ++k) {
    const Operand &p = x.a[k], &q = x.b[k];
    all_negative = all_negative && (p.neg != q.neg);
    if (p.cls == fast::Cls::Finite && q.cls == fast::Cls::Finite) note(p.sig * q.sig, p.exp + q.exp);
  }
  if (low == std::numeric_limits<int>::max()) return exact_spec.zero_res[all_negative];
  if (high - low + std::bit_width(to - from + 1) > 124)
    return round_to_format(exact_dot_value(*in, x.a_codes.subspan(from, to - from), x.b_codes.subspan(from, to - from),
                                           *out, c),
                           *out, exact_spec.mode)
        .code;
  i128 sum = 0;
  auto add = [&](bool neg, uint64_t sig, int exp) {
    const i128 mag = static_cast<i128>(static_cast<u128>(sig) << (exp - low));
    sum += neg ? -mag : mag;
  };
  if (co.cls == fast::Cls::Finite) add(co.neg, co.sig, co.exp);
  for (size_t k = from; k < to; ++k) {
    const Operand &p = x.a[k], &q = x.b[k];
    if (p.cls == fast::Cls::Finite && q.cls == fast::Cls::Finite) add(p.neg != q.neg, p.sig * q.sig, p.exp + q.exp);
  }
  // An exact zero sum of non-zero terms is +0, except toward negative (IEEE 6.3).
  if (sum == 0) return exact_spec.zero_res[exact_spec.mode == Rounding::TowardNegative];
  const bool neg = sum < 0;
  return round_wide(exact_spec, neg, static_cast<u128>(neg ? -sum : sum), low);
}

// exact_slice in one pass for the common case (see window). False, with nothing decided, when
// the general path must answer: a NaN/inf operand or C, a C outside the window, a bad code (the
// general path names it).
bool DotPlan::Impl::exact_fixed_point(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c,
                                      uint64_t& d) const {
  using fast::Cls;
  const Operand co = out_read(c);
  if (co.cls == Cls::NaN || co.cls == Cls::Inf) return false;
  const bool c_finite = co.cls == Cls::Finite;
  const int prod_low = window->prod_low, prod_high = window->prod_high;
  const auto& small = window->small;
  int low = prod_low, high = prod_high;
  if (c_finite) {
    low = std::min(low, co.exp);
    high = std::max(high, fast::msb64(co.sig) + co.exp);
  }
  const size_t K = a.size();
  if (high - low + std::bit_width(K + 1) > 124) return false;
  const uint64_t limit = in->code_count();
  i128 sum = 0;  // at 2^low
  bool nonzero = false, all_negative = co.neg;
  if (!small.empty() && prod_high - prod_low + std::bit_width(K + 1) <= 62) {
    // FP8/FP6/FP4: the products alone sum in 64 bits at 2^prod_low (at most 36 + log2(K + 1)
    // bits), without a branch; code_count is a power of two, so a bad code shows in its high bits.
    const uint64_t mask = limit - 1;
    uint64_t acc = 0, bad = 0;
    unsigned special = 0, any = 0, negs = co.neg;
    for (size_t k = 0; k < K; ++k) {
      bad |= (a[k] | b[k]) & ~mask;
      const ProductWindow::SmallCode p = small[a[k] & mask], q = small[b[k] & mask];
      const uint64_t m = static_cast<uint64_t>(p.sig * q.sig) << (p.off + q.off);
      const unsigned neg = p.neg ^ q.neg;
      const uint64_t flip = 0 - static_cast<uint64_t>(neg);
      acc += (m ^ flip) - flip;  // -m when neg (two's complement)
      special |= p.special | q.special;
      any |= m != 0;
      negs &= neg;
    }
    if (bad || special) return false;
    sum = static_cast<i128>(static_cast<int64_t>(acc)) * (i128{1} << (prod_low - low));
    nonzero = any;
    all_negative = negs;
  } else {
    const Operand* table = in_read.table->data();
    for (size_t k = 0; k < K; ++k) {
      if (a[k] >= limit || b[k] >= limit) return false;
      const Operand &p = table[a[k]], &q = table[b[k]];
      const bool neg = p.neg != q.neg;
      all_negative = all_negative && neg;
      if (p.cls == Cls::Finite && q.cls == Cls::Finite) {
        const i128 mag = static_cast<i128>(static_cast<u128>(p.sig * q.sig) << (p.exp + q.exp - low));
        sum += neg ? -mag : mag;
        nonzero = true;
      } else if (p.cls == Cls::NaN || p.cls == Cls::Inf || q.cls == Cls::NaN || q.cls == Cls::Inf) {
        return false;
      }
    }
  }
  if (c_finite) {
    const i128 mag = static_cast<i128>(static_cast<u128>(co.sig) << (co.exp - low));
    sum += co.neg ? -mag : mag;
  }
  // As exact_slice: with no non-zero term the zero of the terms' common sign; an exact zero sum
  // of non-zero terms is +0, except toward negative (IEEE 6.3).
  if (!nonzero && !c_finite) d = exact_spec.zero_res[all_negative];
  else if (sum == 0) d = exact_spec.zero_res[exact_spec.mode == Rounding::TowardNegative];
  else d = round_wide(exact_spec, sum < 0, static_cast<u128>(sum < 0 ? -sum : sum), low);
  return true;
}

// d = fma(a_k, b_k, d) in k order in the output format, RNE (the CUDA-core loop).
uint64_t DotPlan::Impl::sequential_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  uint64_t d = c;
  for (size_t k = from; k < to; ++k)
    d = fast::fma_vals<Rounding::NearestEven>(out_rne, x.a[k].val(), x.b[k].val(), fast::decode(out_rne.g, d, false));
  return d;
}

// Products rounded to the output format, a balanced tree of RNE adds, then + c.
uint64_t DotPlan::Impl::pairwise_slice(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  std::vector<uint64_t>& level = scratch().level;
  level.clear();
  for (size_t k = from; k < to; ++k) level.push_back(fast::mul_vals<Rounding::NearestEven>(out_rne, x.a[k].val(), x.b[k].val()));
  while (level.size() > 1) {
    size_t n = 0;
    for (size_t i = 0; i + 1 < level.size(); i += 2) level[n++] = add_rne(level[i], level[i + 1]);
    if (level.size() % 2) level[n++] = level.back();
    level.resize(n);
  }
  return level.empty() ? c : add_rne(level[0], c);
}

// Product k as a term, with its block's scales: the factors' significands multiply (E8M0 scales
// have significand 1; UE4M3 at most 4 bits, so at most 11+11+4+4 bits) and their alignment
// exponents add; a zero product is aligned at e_zero plus its scales' exponents.
Term DotPlan::Impl::product_term(const Ctx& x, size_t k) const {
  const Operand &p = x.a[k], &q = x.b[k];
  Term t;
  t.neg = p.neg != q.neg;
  const bool zero = p.cls != fast::Cls::Finite || q.cls != fast::Cls::Finite;
  t.sig = zero ? 0 : p.sig * q.sig;
  t.exp = p.exp + q.exp;
  t.align = zero ? m().e_zero : p.align + q.align;
  if (x.sa) {
    const Operand &u = x.sa[k / static_cast<size_t>(x.block)], &w = x.sb[k / static_cast<size_t>(x.block)];
    t.align += scale_align(u) + scale_align(w);
    if (u.cls != fast::Cls::Finite || w.cls != fast::Cls::Finite) t.sig = 0;
    else {
      t.sig *= u.sig * w.sig;
      t.exp += u.exp + w.exp;
    }
  }
  return t;
}

// The products [from, to) (one block of one scale each, checked by run()) summed exactly, times
// their scales: one term aligned at the scales' exponents whatever the sum's own magnitude
// (MMA-Sim `nv_fused_dot_add_with_block_scale`). The plan checked that the sum and the scale
// significands fit 62 bits (exact_group_bits), so nothing here is rounded.
Term DotPlan::Impl::group_term(const Ctx& x, size_t from, size_t to) const {
  int low = std::numeric_limits<int>::max();
  bool all_negative = true;
  for (size_t k = from; k < to; ++k) {
    const Operand &p = x.a[k], &q = x.b[k];
    all_negative = all_negative && (p.neg != q.neg);
    if (p.cls == fast::Cls::Finite && q.cls == fast::Cls::Finite) low = std::min(low, p.exp + q.exp);
  }
  i128 sum = 0;
  for (size_t k = from; k < to; ++k) {
    const Operand &p = x.a[k], &q = x.b[k];
    if (p.cls != fast::Cls::Finite || q.cls != fast::Cls::Finite) continue;
    const i128 mag = static_cast<i128>(static_cast<u128>(p.sig * q.sig) << (p.exp + q.exp - low));
    sum += p.neg != q.neg ? -mag : mag;
  }
  const Operand &u = x.sa[from / static_cast<size_t>(x.block)], &w = x.sb[from / static_cast<size_t>(x.block)];
  Term t;
  t.align = scale_align(u) + scale_align(w);
  t.neg = sum == 0 ? all_negative : sum < 0;
  if (sum == 0 || u.cls != fast::Cls::Finite || w.cls != fast::Cls::Finite) return t;
  t.sig = static_cast<uint64_t>(sum < 0 ? -sum : sum) * u.sig * w.sig;
  t.exp = low + u.exp + w.exp;
  return t;
}

// One fused sum of terms (steps 2-5 of dot.hpp): E = the largest alignment exponent, every term
// truncated toward zero to a multiple of 2^(E - F), the exact sum (an i128: a term below
// 2^(align + 14) <= 2^(E + 14) is below 2^(F + 14) units of 2^(E - F), F <= 100, fewer than 2^20
// terms), rounded once into the step format, re-encoded (exactly) in the output format.
uint64_t DotPlan::Impl::fuse(std::span<const Term> terms, const char* what, DotTrace* trace) const {
  const DotModel& model = m();
  if (terms.empty()) return out_rne.zero_res[0];  // no products and C after the step: +0
  int E = std::numeric_limits<int>::min();
  for (const Term& t : terms) E = std::max(E, t.align);
  const int scale = E - model.F;
  i128 sum = 0;
  bool all_negative = true;
  for (const Term& t : terms) {
    all_negative = all_negative && t.neg;
    if (t.sig == 0) continue;
    const int shift = t.exp - scale;
    u128 mag = 0;
    if (shift >= 0) mag = static_cast<u128>(t.sig) << shift;
    else if (-shift < 64) mag = t.sig >> -shift;  // truncation toward zero
    sum += t.neg ? -static_cast<i128>(mag) : static_cast<i128>(mag);
    if (trace && shift < 0 && (-shift >= 64 || (static_cast<u128>(mag) << -shift) != t.sig))
      trace->lines.push_back("    term " + std::string(t.neg ? "-" : "+") + to_exact_string(term_value(t).abs()) +
                             " cut to " + to_exact_string(ExactValue::dyadic(false, BigInt(static_cast<uint64_t>(mag)), scale)));
  }
  const bool neg = sum < 0;
  const u128 mag = static_cast<u128>(neg ? -sum : sum);
  uint64_t code;
  if (mag == 0) code = step_spec.zero_res[all_negative];
  else if (fast::msb128(mag) + scale > step->emax()) code = step_inf[neg];  // past the top binade: inf in every mode
  else code = round_wide(step_spec, neg, mag, scale);
  if (step != out) code = fast::round_val<Rounding::NearestEven>(out_rne, fast::decode(step_spec.g, code, false));
  if (trace) {
    const BigInt big = (BigInt(static_cast<uint64_t>(mag >> 64)) << 64u) + BigInt(static_cast<uint64_t>(mag));
    const ExactValue v = mag == 0 ? ExactValue::zero(all_negative) : ExactValue::dyadic(neg, big, scale);
    trace->lines.push_back("  " + std::string(what) + ": " + std::to_string(terms.size()) + " terms, E = " +
                           std::to_string(E) + ", kept to 2^" + std::to_string(scale) + ", sum " + to_exact_string(v) +
                           " -> " + hex(code) + " (" + std::string(short_name(model.step_rounding)) + " into " +
                           model.step_format + ")");
  }
  return code;
}

// One step: the products [from, to) and the addend c.
uint64_t DotPlan::Impl::fused_step(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  const DotModel& model = m();
  Scratch& s = scratch();
  std::vector<Term>& terms = s.terms;
  terms.clear();
  if (model.exact_group > 0) {
    for (size_t k = from; k < to; k += static_cast<size_t>(model.exact_group))
      terms.push_back(group_term(x, k, std::min(to, k + static_cast<size_t>(model.exact_group))));
  } else {
    for (size_t k = from; k < to; ++k) terms.push_back(product_term(x, k));
  }
  const Operand co = out_read(c);
  // C is infinite only after an earlier step overflowed (run() resolved given infinities):
  // inf plus finite terms stays inf.
  if (co.cls == fast::Cls::Inf) return c;
  const Term c_term{co.neg, co.cls == fast::Cls::Finite ? co.sig : 0, co.exp,
                    co.cls == fast::Cls::Finite ? co.align : model.e_zero};
  if (model.addend == AddendRule::InStep && model.groups == 1) {
    terms.push_back(c_term);
    return fuse(terms, "step", x.trace);
  }
  // Grouped and/or addend-after: the products first (group by group, each group's result
  // chained into the next as one more term), then C.
  uint64_t acc = 0;
  std::vector<Term>& group = s.group;
  for (int g = 0; g < model.groups; ++g) {
    group.clear();
    for (size_t k = 0; k < terms.size(); ++k)
      if (static_cast<int>(k / static_cast<size_t>(model.group_width)) % model.groups == g) group.push_back(terms[k]);
    if (g > 0) {
      const Operand ao = out_read(acc);
      if (ao.cls == fast::Cls::Inf) break;  // an earlier group overflowed: stays inf
      group.push_back(Term{ao.neg, ao.cls == fast::Cls::Finite ? ao.sig : 0, ao.exp,
                           ao.cls == fast::Cls::Finite ? ao.align : model.e_zero});
    }
    if (g == 0 && model.addend == AddendRule::InStep) group.push_back(c_term);
    acc = fuse(group, "group", x.trace);
  }
  if (model.addend == AddendRule::InStep) return acc;
  const uint64_t code = add_rne(acc, c);
  if (x.trace) x.trace->lines.push_back("  + C (rne): " + hex(code));
  return code;
}

// The products of [from, to) chained through fused steps of L, starting from addend c.
uint64_t DotPlan::Impl::fused_chain(const Ctx& x, size_t from, size_t to, uint64_t c) const {
  const size_t K = to - from, L = m().L > 0 ? static_cast<size_t>(m().L) : std::max<size_t>(K, 1);
  size_t k = 0;
  do {
    const size_t end = std::min(K, k + L);
    if (x.trace)
      x.trace->lines.push_back("step k=" + std::to_string(k) + ".." + std::to_string(end - 1) + ", C = " + hex(c));
    c = fused_step(x, from + k, from + end, c);
    k += L;
  } while (k < K);
  return c;
}


ExactValue exact_dot_value(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                           const Format& c_format, uint64_t c) {
  if (a.size() != b.size()) throw InputError("a and b have different lengths");
  const fast::Geom gi(in_format), gc(c_format);
  std::vector<Operand> ao, bo;
  for (size_t k = 0; k < a.size(); ++k) {
    ao.push_back(make_operand(gi, a[k]));
    bo.push_back(make_operand(gi, b[k]));
  }
  const Operand co = make_operand(gc, c);
  switch (special_class(ao, bo, nullptr, nullptr, 1, co)) {
    case 1: return ExactValue::nan();
    case 2: return ExactValue::infinity(false);
    case 3: return ExactValue::infinity(true);
    default: break;
  }
  // The exact sum on a common exponent.
  BigInt sum = 0;
  int low = 0;
  bool first = true, all_negative = co.neg;
  auto terms = [&](auto&& f) {
    if (co.cls == fast::Cls::Finite) f(co.neg, BigInt(co.sig), co.exp);
    for (size_t k = 0; k < a.size(); ++k)
      if (ao[k].cls == fast::Cls::Finite && bo[k].cls == fast::Cls::Finite)
        f(ao[k].neg != bo[k].neg, BigInt(ao[k].sig) * BigInt(bo[k].sig), ao[k].exp + bo[k].exp);
  };
  for (size_t k = 0; k < a.size(); ++k) all_negative = all_negative && (ao[k].neg != bo[k].neg);
  terms([&](bool, const BigInt&, int exp) {
    low = first ? exp : std::min(low, exp);
    first = false;
  });
  terms([&](bool neg, const BigInt& sig, int exp) {
    BigInt mag = sig << static_cast<unsigned>(exp - low);
    sum += neg ? BigInt(-mag) : mag;
  });
  if (sum == 0) return ExactValue::zero(all_negative);
  const bool neg = sum < 0;
  return ExactValue::dyadic(neg, neg ? BigInt(-sum) : sum, low);
}

RoundResult exact_dot(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                      const Format& c_format, uint64_t c, const Format& out, Rounding mode) {
  return round_to_format(exact_dot_value(in_format, a, b, c_format, c), out, mode);
}

DotResult dot(const DotModel& model, const Format& in_format, std::span<const uint64_t> a,
              std::span<const uint64_t> b, uint64_t c, const GemmOptions& gemm, DotTrace* trace) {
  return DotResult{DotPlan(model, in_format, gemm).run(a, b, c, trace)};
}

DotResult dot(const DotModel& model, const Format& in_format, std::span<const uint64_t> a,
              std::span<const uint64_t> b, uint64_t c, const DotScales& scales, const GemmOptions& gemm,
              DotTrace* trace) {
  return DotResult{DotPlan(model, in_format, gemm).run(a, b, c, trace, &scales)};
}

void dot_batch(const DotModel& model, const Format& in_format, size_t K, std::span<const uint64_t> a,
               std::span<const uint64_t> b, std::span<const uint64_t> c, std::span<uint64_t> d,
               const GemmOptions& gemm) {
  const size_t n = c.size();
  if (d.size() != n || a.size() != n * K || b.size() != n * K)
    throw InputError("dot_batch: " + std::to_string(n) + " rows of K = " + std::to_string(K) + " need " +
                     std::to_string(n * K) + " codes of a and of b and " + std::to_string(n) + " outputs");
  const DotPlan plan(model, in_format, gemm);
  for (size_t i = 0; i < n; ++i) d[i] = plan.run(a.subspan(i * K, K), b.subspan(i * K, K), c[i]);
}

}  // namespace fpc
