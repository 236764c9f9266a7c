// Fast references (see fast_reference.hpp): path selection, tables, batch loops.
//
// Every table here is filled either by the bit-level engine of fast_bits.hpp or (oracle-table) by
// the exact oracle itself, one entry per key; tests/test_fast_reference.cpp proves each path
// equal to exact_reference.
#include "fpconform/fast_reference.hpp"

#include "fast_bits.hpp"
#include "fast_wide.hpp"
#include "lane_avx512.hpp"
#include "fpconform/arith.hpp"
#include "fpconform/vector_clones.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cfenv>
#include <cfloat>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <vector>

namespace fpc {

namespace fast {

// Formats without mantissa bits (E8M0): is the code of 2^k "odd" for the rne/rod decision when
// k's exponent field is even / odd? That is the oracle's convention (the field's parity, or odd
// throughout as LLVM APFloat and ml_dtypes round E8M0 ties), so ask the oracle: the rne tie
// 1.5 * 2^k goes to 2^(k+1) exactly when 2^k counts as odd. (At k = emax the tie overflows when
// it goes up; where overflow gives the same code as staying, the answer cannot matter.)
std::array<bool, 2> m0_parity(const Format& f) {
  std::array<bool, 2> odd{false, false};
  if (f.kind != FormatKind::Float || f.man_bits != 0) return odd;
  for (int64_t k = f.emin(); k <= f.emax(); ++k) {
    const uint64_t field = static_cast<uint64_t>(k + f.bias);
    const uint64_t lower = round_to_format(ExactValue::dyadic(false, 1, k), f, Rounding::NearestEven).code;
    const uint64_t tie = round_to_format(ExactValue::dyadic(false, 3, k - 1), f, Rounding::NearestEven).code;
    odd[field & 1] = tie != lower;
    if (k >= f.emin() + 1) break;  // both parities seen
  }
  return odd;
}

Geom::Geom(const Format& f)
    : m(f.man_bits),
      bias(f.bias),
      emin(f.emin()),
      emax(f.emax()),
      qmax(f.emax() - f.man_bits),
      has_sign(f.has_sign),
      has_zero(f.has_zero),
      has_subnormals(f.has_subnormals),
      nf(f.nonfinite),
      mant_mask((uint64_t{1} << f.man_bits) - 1),
      field_ones((uint64_t{1} << f.exp_bits) - 1),
      code_mask(f.code_mask()),
      sign_bit(f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0),
      Mmax((uint64_t{1} << f.man_bits) + f.top_finite_mantissa()),
      min_normal_code(f.min_normal_code()),
      min_pos_code(f.min_positive_code()),
      q_below_emin(f.has_subnormals ? f.emin() - f.man_bits : f.emin()),
      odd_without_mantissa(m0_parity(f)),
      ieee_lanes(f.nonfinite == NonFinite::Ieee && f.has_zero && f.has_subnormals),
      fixed_ok(ieee_lanes && static_cast<int64_t>(field_ones) - 1 + f.man_bits <= 61) {}

OutSpec::OutSpec(const Format& f, Rounding r, const Policy& p) : g(f), mode(r), ftz(p.ftz) {
  // The value-independent results, straight from the oracle.
  nan_res = round_to_format(ExactValue::nan(), f, r, p).code;
  for (int neg = 0; neg < 2; ++neg) {
    inf_res[neg] = round_to_format(ExactValue::infinity(neg != 0), f, r, p).code;
    zero_res[neg] = round_to_format(ExactValue::zero(neg != 0), f, r, p).code;
    // 2^(emax+2) lies beyond every finite value of f: the oracle's overflow branch.
    ovf_res[neg] = round_to_format(ExactValue::dyadic(neg != 0, 1, f.emax() + 2), f, r, p).code;
  }
}

}  // namespace fast

namespace {

using fast::Geom;
using fast::OutSpec;
using fast::Val;

enum class Path { None, CodeTable, KeyedTable, BitRound, OpTable, ExactInt, FloatLane, OracleTable, WideLane };

constexpr int kMaxKeyBits = 22;     // keyed tables of at most 4 Mi entries
constexpr int kMaxDomainBits = 16;  // op / oracle tables: whole input domains of at most 2^16 points

enum class ArithOp { Convert, Add, Sub, Mul, Div, Sqrt, Fma, Other };

ArithOp arith_op(const std::string& op) {
  if (op == "convert") return ArithOp::Convert;
  if (op == "add") return ArithOp::Add;
  if (op == "sub") return ArithOp::Sub;
  if (op == "mul") return ArithOp::Mul;
  if (op == "div") return ArithOp::Div;
  if (op == "sqrt") return ArithOp::Sqrt;
  if (op == "fma") return ArithOp::Fma;
  return ArithOp::Other;
}

struct Plan {
  Path path = Path::None;
  ArithOp op = ArithOp::Other;
  int arity = 1;
  int in_bits = 0;
  int shift = 0;     // keyed table: mantissa bits folded into the sticky bit
  int key_bits = 0;  // table index width
  int entry_bytes = 8;
  bool lane_double = false;  // FloatLane: computes in binary64 (else binary32)
};

int entry_bytes_for(const Format& out) {
  const int b = out.bits();
  return b <= 8 ? 1 : b <= 16 ? 2 : b <= 32 ? 4 : 8;
}

// ----- the hardware lane (add, sub, mul) --------------------------------------------------------
//
// W = binary32 (p = 24, normal range [2^-126, 2^128)) or binary64 (p = 53, [2^-1022, 2^1024)).
// Conditions on the input format F that make the lane exact:
//  * every value of F is a W number: mF <= p - 1, and every non-zero value of F (and every sum
//    or product below) is a multiple of F's smallest quantum 2^(eminF - mF) (squared for mul),
//    at least W's smallest normal: no W subnormal ever appears, so neither gradual underflow
//    nor a flush-to-zero/denormals-are-zero mode of the FPU can change anything;
//  * no overflow in W: |a + b| < 2^(emaxF + 2) <= 2^(emaxW + 1), |a * b| < 2^(2 emaxF + 2);
//  * mul: the product of two (mF + 1)-bit significands has at most 2 mF + 2 <= p bits, so
//    a * b is exact in W;
//  * add/sub: s = fl(a + b) under round-to-nearest, and TwoSum's error e = (a + b) - s is then
//    exact (Knuth; no overflow). If e != 0 and s is even, s moves one W ulp toward e: the result
//    is a + b rounded to odd at p bits.
// Conditions on the output format G: mG + 1 <= p - 2. Then G's decision grid near x = a + b
// (codes and midpoints, multiples of 2^(q-1) with q - 1 >= e - mG - 1 >= e - p + 2, powers of two
// included) consists of *even* W numbers: the odd W neighbour of an inexact x lies in the same
// open interval between grid points as x, and in the same binade, so it rounds into G (every
// mode, every policy) exactly as x does. That rounding is then a lookup in the keyed table
// W -> G, itself proven like every conversion. Zero results (sign rules), inf/NaN operands and
// anything non-finite go to the integer engine.
struct LaneFit {
  bool ok = false, use_double = false;
};

// W has precision p, smallest normal 2^emin_w, and every finite W value is below 2^top_w.
// (A rounded sum or product may reach the next power of two above the exact bound: hence <.)
bool lane_fits(const Format& F, const Format& G, ArithOp op, int p, int emin_w, int top_w) {
  if (F.man_bits > p - 1 || G.man_bits + 1 > p - 2) return false;
  const int64_t q0 = static_cast<int64_t>(F.emin()) - F.man_bits;  // F's smallest quantum
  const int64_t emax = F.emax();  // every |value| < 2^(emax + 1)
  if (op == ArithOp::Mul) return 2 * (F.man_bits + 1) <= p && 2 * q0 >= emin_w && 2 * emax + 2 < top_w;
  return q0 >= emin_w && emax + 2 < top_w;
}

Plan plan_for(const OpSemantics& s);

// The keyed-table conversion W -> G the lane rounds with (daz is moot: W subnormals never occur).
OpSemantics lane_convert_semantics(const OpSemantics& s, bool use_double) {
  OpSemantics c;
  c.op = "convert";
  c.in = &format_by_name(use_double ? "float64" : "float32");
  c.out = s.out;
  c.rounding = s.rounding;
  c.policy = s.policy;
  c.policy.daz = false;
  return c;
}

LaneFit lane_fit(const OpSemantics& s, ArithOp op) {
#if defined(__FAST_MATH__) || (defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__) || !defined(FLT_EVAL_METHOD) || \
    FLT_EVAL_METHOD != 0
  (void)s;
  (void)op;
  return {};  // the lane relies on IEEE arithmetic evaluated in the operands' own precision
#else
  if (op != ArithOp::Add && op != ArithOp::Sub && op != ArithOp::Mul) return {};
  if (s.in->kind != FormatKind::Float || s.out->kind != FormatKind::Float) return {};
  if (s.in->bits() > kMaxDomainBits) return {};  // operands decode through a code table F -> W
  for (bool use_double : {false, true}) {
    const bool fits = use_double ? lane_fits(*s.in, *s.out, op, 53, -1022, 1024) : lane_fits(*s.in, *s.out, op, 24, -126, 128);
    if (!fits) continue;
    const Path conv = plan_for(lane_convert_semantics(s, use_double)).path;
    if (conv == Path::KeyedTable || conv == Path::CodeTable) return {true, use_double};
  }
  return {};
#endif
}

// The IEEE binary32/binary64 hardware lane (fast_wide.hpp, where the proof is): arithmetic with
// the operands and the result in the same IEEE interchange format, on a CPU that has the lane.
// binary64 fma under rna has no cheap tie test: the integer engine does all of it.
bool is_ieee_binary(const Format& f, int exp_bits, int man_bits) {
  return f.kind == FormatKind::Float && f.exp_bits == exp_bits && f.man_bits == man_bits &&
         f.bias == (1 << (exp_bits - 1)) - 1 && f.nonfinite == NonFinite::Ieee && f.has_sign && f.has_zero &&
         f.has_subnormals && f.bits() == 1 + exp_bits + man_bits;
}

bool wide_lane_fits(const OpSemantics& s, ArithOp op) {
  if (op == ArithOp::Convert || op == ArithOp::Other || s.in != s.out || !fast::wide_lane_available()) return false;
  const bool binary64 = is_ieee_binary(*s.in, 11, 52);
  if (!binary64 && !is_ieee_binary(*s.in, 8, 23)) return false;
  return !(binary64 && op == ArithOp::Fma && s.rounding == Rounding::NearestAway);
}

Plan plan_for(const OpSemantics& s) {
  Plan p;
  if (s.in == nullptr || s.out == nullptr || s.rounding == Rounding::Stochastic) return p;
  p.op = arith_op(s.op);
  if (p.op == ArithOp::Other) {
    try {
      (void)op_by_name(s.op);
    } catch (const InputError&) {
      return p;  // unknown operation: no reference at all
    }
  }
  p.arity = s.arity();
  p.in_bits = s.in->bits();
  p.entry_bytes = entry_bytes_for(*s.out);
  const int domain_bits = p.arity * p.in_bits;
  const bool floats = s.in->kind == FormatKind::Float && s.out->kind == FormatKind::Float;
  const bool bit_level = floats && p.op != ArithOp::Other && (p.op != ArithOp::Fma || s.in->man_bits <= 52);

  if (bit_level && p.op == ArithOp::Convert) {
    const Format &F = *s.in, &G = *s.out;
    if (F.bits() <= kMaxDomainBits) {
      p.path = Path::CodeTable;
      p.key_bits = F.bits();
      return p;
    }
    // The keyed table: key = (sign, exponent field, top w mantissa bits, sticky = OR of the rest).
    // A value's rounding into G is decided at quantum 2^qG with qG >= e - mG (e = floor(log2|x|))
    // and qG >= eminG - mG, by its position against G's decision grid: G's codes and the
    // midpoints between them, all multiples of 2^(qG - 1) (powers of two included). A normal
    // source code of exponent e has its kept top-w bits at granularity 2^(e - w) <= 2^(qG - 1)
    // when w >= mG + 1; a subnormal one at 2^(eminF - w) <= 2^(eminG - mG - 1) <= 2^(qG - 1) when
    // w >= mG + 1 + eminF - eminG. So all codes sharing a key lie in one open interval between
    // consecutive multiples of that granularity (or are the same value when sticky is 0), hence
    // between the same two grid points (and in the same binade, or all below half the smallest
    // quantum of G, where every value rounds alike), and the oracle gives them one code. The
    // class (zero, subnormal, normal, inf, NaN) is a function of the key for every non-finite
    // style but FN (its NaN needs every mantissa bit set), so FN sources wider than 16 bits go
    // bit-round.
    const int w = std::min(F.man_bits, G.man_bits + 1 + std::max(0, F.emin() - G.emin()));
    const int shift = F.man_bits - w;
    const int key_bits = F.bits() - shift + (shift > 0 ? 1 : 0);
    if ((shift == 0 || F.nonfinite != NonFinite::FN) && key_bits <= kMaxKeyBits) {
      p.path = shift > 0 ? Path::KeyedTable : Path::CodeTable;
      p.shift = shift;
      p.key_bits = key_bits;
      return p;
    }
    p.path = Path::BitRound;
    return p;
  }
  if (bit_level) {
    if (domain_bits <= kMaxDomainBits) {
      p.path = Path::OpTable;
      p.key_bits = domain_bits;
    } else if (const LaneFit lane = lane_fit(s, p.op); lane.ok) {
      p.path = Path::FloatLane;
      p.lane_double = lane.use_double;
    } else if (wide_lane_fits(s, p.op)) {
      p.path = Path::WideLane;
      p.lane_double = s.in->bits() == 64;
    } else {
      p.path = Path::ExactInt;
    }
    return p;
  }
  if (domain_bits <= kMaxDomainBits) {
    p.path = Path::OracleTable;
    p.key_bits = domain_bits;
  }
  return p;
}

std::string path_name(Path p) {
  switch (p) {
    case Path::None: return "";
    case Path::CodeTable: return "code-table";
    case Path::KeyedTable: return "keyed-table";
    case Path::BitRound: return "bit-round";
    case Path::OpTable: return "op-table";
    case Path::ExactInt: return "exact-int+bit-round";
    case Path::FloatLane: return "float-lane+keyed-table";
    case Path::OracleTable: return "oracle-table";
    case Path::WideLane: return "ieee-lane+exact-int";
  }
  return "";
}

// ----- input validation, as the oracle's decode does it ----------------------------------------

[[noreturn]] void throw_bad_code(const Format& f, const uint64_t* const* in, int arity, size_t n) {
  const uint64_t mask = f.code_mask();
  for (int k = 0; k < arity; ++k)
    for (size_t i = 0; i < n; ++i)
      if ((in[k][i] & ~mask) != 0) decode(f, in[k][i]);  // throws InputError with the oracle's text
  throw InputError("code does not fit " + f.name);
}

// ----- the bit-level evaluators -------------------------------------------------------------------

// Calls f(std::integral_constant<Rounding, r>) for the deterministic mode r.
template <typename F>
decltype(auto) with_mode(Rounding r, F&& f) {
  switch (r) {
    case Rounding::NearestEven: return f(std::integral_constant<Rounding, Rounding::NearestEven>{});
    case Rounding::NearestAway: return f(std::integral_constant<Rounding, Rounding::NearestAway>{});
    case Rounding::TowardZero: return f(std::integral_constant<Rounding, Rounding::TowardZero>{});
    case Rounding::TowardPositive: return f(std::integral_constant<Rounding, Rounding::TowardPositive>{});
    case Rounding::TowardNegative: return f(std::integral_constant<Rounding, Rounding::TowardNegative>{});
    case Rounding::ToOdd: return f(std::integral_constant<Rounding, Rounding::ToOdd>{});
    case Rounding::Stochastic: break;
  }
  throw std::logic_error("fast reference: no bit-level path for stochastic rounding");
}

struct Engine {
  Geom in;
  OutSpec out;
  bool daz = false;
  ArithOp op = ArithOp::Convert;
  // Tests only: fma results one ulp off where operand 2 has low bits 1011 (a corrupted copy of the
  // integer fma that the proofs must catch).
  bool planted_fma_off_by_one = false;

  Val dec(uint64_t c) const { return fast::decode(in, c, daz); }

  // One case, operand codes already masked to the input width.
  template <Rounding R>
  uint64_t eval(const uint64_t* codes) const {
    switch (op) {
      case ArithOp::Convert: return fast::round_val<R>(out, dec(codes[0]));
      case ArithOp::Add: return fast::add_vals<R>(out, dec(codes[0]), dec(codes[1]));
      case ArithOp::Sub: {
        Val b = dec(codes[1]);
        b.neg = !b.neg;
        return fast::add_vals<R>(out, dec(codes[0]), b);
      }
      case ArithOp::Mul: return fast::mul_vals<R>(out, dec(codes[0]), dec(codes[1]));
      case ArithOp::Div: return fast::div_vals<R>(out, dec(codes[0]), dec(codes[1]));
      case ArithOp::Sqrt: return fast::sqrt_val<R>(out, dec(codes[0]));
      case ArithOp::Fma:
        return fast::fma_vals<R>(out, dec(codes[0]), dec(codes[1]), dec(codes[2])) +
               (planted_fma_off_by_one && (codes[2] & 0xF) == 0xB ? 1 : 0);
      case ArithOp::Other: break;
    }
    return 0;
  }
};

uint64_t eval_any_mode(const Engine& eng, const uint64_t* codes) {
  return with_mode(eng.out.mode, [&](auto r) { return eng.eval<decltype(r)::value>(codes); });
}

Engine make_engine(const OpSemantics& s, ArithOp op) {
  return Engine{Geom(*s.in), OutSpec(*s.out, s.rounding, s.policy), s.policy.daz, op};
}

// The batch loop of a bit-level path, one instantiation per operation and mode.
template <ArithOp Op, Rounding R>
BatchFn engine_batch(const Engine& eng, const Format* in_fmt, int arity) {
  constexpr bool kAddSub = Op == ArithOp::Add || Op == ArithOp::Sub;
  if constexpr (kAddSub) {
    if (eng.in.fixed_ok)
      // Fast lane: finite operands as exact int64 multiples of the format's smallest quantum,
      // summed exactly (|sum| < 2^62, see Geom::fixed_ok), rounded once. Specials and exact
      // zero sums (whose sign has rules of its own) take the general path.
      return [eng, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
        const Geom& g = eng.in;
        const uint64_t mask = g.code_mask, ones = g.field_ones;
        const int q0 = g.emin - g.m;
        const uint64_t *pa = in[0], *pb = in[1];
        uint64_t bad = 0;
        for (size_t i = 0; i < n; ++i) {
          bad |= pa[i] | pb[i];
          const uint64_t codes[2] = {pa[i] & mask, pb[i] & mask};
          const bool special = ((codes[0] >> g.m) & ones) == ones || ((codes[1] >> g.m) & ones) == ones;
          const int64_t A = fast::fixed_value(g, codes[0], eng.daz), B = fast::fixed_value(g, codes[1], eng.daz);
          const int64_t S = Op == ArithOp::Add ? A + B : A - B;
          if (special || S == 0) [[unlikely]] {
            out[i] = eng.eval<R>(codes);
            continue;
          }
          const bool neg = S < 0;
          const uint64_t mag = neg ? uint64_t{0} - static_cast<uint64_t>(S) : static_cast<uint64_t>(S);
          out[i] = fast::round_finite<R>(eng.out, neg, mag, q0, false);
        }
        if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 2, n);
      };
  }
  if constexpr (Op == ArithOp::Mul) {
    if (eng.in.ieee_lanes && eng.in.m <= 31)
      // Fast lane: finite non-zero operands; the product of two significands below 2^32 is exact
      // in a uint64.
      return [eng, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
        const Geom& g = eng.in;
        const uint64_t mask = g.code_mask, ones = g.field_ones, mag_mask = g.code_mask & ~g.sign_bit;
        const uint64_t *pa = in[0], *pb = in[1];
        uint64_t bad = 0;
        for (size_t i = 0; i < n; ++i) {
          bad |= pa[i] | pb[i];
          const uint64_t codes[2] = {pa[i] & mask, pb[i] & mask};
          const uint64_t fa = (codes[0] >> g.m) & ones, fb = (codes[1] >> g.m) & ones;
          const bool special = fa == ones || fb == ones || (codes[0] & mag_mask) == 0 || (codes[1] & mag_mask) == 0 ||
                               (eng.daz && (fa == 0 || fb == 0));
          if (special) [[unlikely]] {
            out[i] = eng.eval<R>(codes);
            continue;
          }
          const fast::SigExp x = fast::sig_exp(g, codes[0]), y = fast::sig_exp(g, codes[1]);
          const bool neg = ((codes[0] ^ codes[1]) & g.sign_bit) != 0;
          out[i] = fast::round_finite<R>(eng.out, neg, x.sig * y.sig, x.exp + y.exp, false);
        }
        if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 2, n);
      };
  }
  return [eng, in_fmt, arity](const uint64_t* const* in, uint64_t* out, size_t n) {
    const uint64_t mask = eng.in.code_mask;
    uint64_t bad = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t codes[3] = {0, 0, 0};
      for (int k = 0; k < arity; ++k) {
        bad |= in[k][i];
        codes[k] = in[k][i] & mask;
      }
      if constexpr (Op == ArithOp::Convert) out[i] = fast::round_val<R>(eng.out, eng.dec(codes[0]));
      else out[i] = eng.eval<R>(codes);
    }
    if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, arity, n);
  };
}

template <ArithOp Op>
BatchFn engine_batch_op(const Engine& eng, const Format* in_fmt, int arity) {
  return with_mode(eng.out.mode, [&](auto r) { return engine_batch<Op, decltype(r)::value>(eng, in_fmt, arity); });
}

BatchFn engine_batch_for(const Engine& eng, const Format* in_fmt, int arity) {
  switch (eng.op) {
    case ArithOp::Convert: return engine_batch_op<ArithOp::Convert>(eng, in_fmt, arity);
    case ArithOp::Add: return engine_batch_op<ArithOp::Add>(eng, in_fmt, arity);
    case ArithOp::Sub: return engine_batch_op<ArithOp::Sub>(eng, in_fmt, arity);
    case ArithOp::Mul: return engine_batch_op<ArithOp::Mul>(eng, in_fmt, arity);
    case ArithOp::Div: return engine_batch_op<ArithOp::Div>(eng, in_fmt, arity);
    case ArithOp::Sqrt: return engine_batch_op<ArithOp::Sqrt>(eng, in_fmt, arity);
    case ArithOp::Fma: return engine_batch_op<ArithOp::Fma>(eng, in_fmt, arity);
    case ArithOp::Other: break;
  }
  throw std::logic_error("engine_batch_for: no engine");
}

// ----- tables ------------------------------------------------------------------------------------

// Splits a table index into operand codes (operand 0 in the high bits).
void split_index(uint64_t index, int arity, int in_bits, uint64_t* codes) {
  const uint64_t mask = (uint64_t{1} << in_bits) - 1;
  for (int k = arity - 1; k >= 0; --k) {
    codes[k] = index & mask;
    index >>= in_bits;
  }
}

// The representative source code of a keyed-table index: the key's bits, and for sticky the
// lowest mantissa bit (any code with that key rounds alike, see plan_for).
uint64_t keyed_representative(uint64_t key, int shift) { return ((key >> 1) << shift) | (key & 1); }

template <typename T>
std::shared_ptr<std::vector<T>> build_table(const OpSemantics& s, const Plan& p) {
  const size_t entries = size_t{1} << p.key_bits;
  // Padded by 4 bytes: the AVX-512 lane (lane_avx512.cpp) reads 1- and 2-byte entries 4 bytes at
  // a time.
  auto table = std::make_shared<std::vector<T>>(entries + std::max<size_t>(1, 4 / sizeof(T)));
  T* t = table->data();
  if (p.path == Path::OracleTable) {
    // All domain points through the exact oracle, in one batch per operand layout.
    std::vector<std::vector<uint64_t>> operands(static_cast<size_t>(p.arity), std::vector<uint64_t>(entries));
    for (uint64_t i = 0; i < entries; ++i) {
      uint64_t codes[3];
      split_index(i, p.arity, p.in_bits, codes);
      for (int k = 0; k < p.arity; ++k) operands[static_cast<size_t>(k)][i] = codes[k];
    }
    const uint64_t* ptrs[3] = {operands[0].data(), p.arity > 1 ? operands[1].data() : nullptr,
                               p.arity > 2 ? operands[2].data() : nullptr};
    std::vector<uint64_t> out(entries);
    exact_reference(s)(ptrs, out.data(), entries);
    for (size_t i = 0; i < entries; ++i) t[i] = static_cast<T>(out[i]);
    return table;
  }
  const Engine eng = make_engine(s, p.op);
  with_mode(s.rounding, [&](auto r) {
    for (uint64_t i = 0; i < entries; ++i) {
      uint64_t codes[3];
      if (p.path == Path::KeyedTable) codes[0] = keyed_representative(i, p.shift);
      else split_index(i, p.arity, p.in_bits, codes);
      t[i] = static_cast<T>(eng.eval<decltype(r)::value>(codes));
    }
  });
  return table;
}

// Whether a[0..n) are the consecutive codes a[0], a[0] + 1, ... (a chunk of an exhaustive sweep),
// all within the format's mask. One branch-free pass.
// Cloned for wide vector units: this loop and row_of_pairs are most of an exhaustive check's
// reference cost.
FPC_VECTOR_CLONES bool consecutive_codes(const uint64_t* a, size_t n, uint64_t mask) {
  if (n == 0) return false;
  const uint64_t a0 = a[0];
  if (a0 > mask || n - 1 > mask - a0) return false;
  uint64_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff |= a[i] ^ (a0 + i);
  return diff == 0;
}

// Whether (a, b)[0..n) is a row of an exhaustive pair sweep: a holds one code and b consecutive
// codes, all within the mask. One pass over both (two separate scans were a sixth of a float16
// pair check's reference time).
FPC_VECTOR_CLONES bool row_of_pairs(const uint64_t* a, const uint64_t* b, size_t n, uint64_t mask) {
  if (n == 0) return false;
  const uint64_t a0 = a[0], b0 = b[0];
  if (a0 > mask || b0 > mask || n - 1 > mask - b0) return false;
  uint64_t diff = 0;
  for (size_t i = 0; i < n; ++i) diff |= (a[i] ^ a0) | (b[i] ^ (b0 + i));
  return diff == 0;
}

FPC_VECTOR_CLONES void fill_codes(uint64_t* out, size_t n, uint64_t value) {
  for (size_t i = 0; i < n; ++i) out[i] = value;
}

// The keyed-table lookup of consecutive codes: the codes sharing (sign, exponent, kept bits, round
// bit) form runs of 2^shift whose first code has sticky 0 and the rest sticky 1, so the results
// come in constant runs and are written as such. Returns false (nothing written) when a[] is
// not consecutive. The same table entries as the per-code loop, so the same proof covers it.
template <typename T>
bool fill_consecutive_keyed(const T* t, int shift, uint64_t mask, const uint64_t* a, uint64_t* out, size_t n) {
  if (!consecutive_codes(a, n, mask)) return false;
  const uint64_t low = (uint64_t{1} << shift) - 1;
  size_t i = 0;
  while (i < n) {
    const uint64_t c = a[0] + i;
    const uint64_t key = (c >> shift) << 1;
    if ((c & low) == 0) out[i++] = t[key];
    const size_t run = static_cast<size_t>(std::min<uint64_t>(n - i, (c | low) - (a[0] + i) + 1));
    fill_codes(out + i, run, t[key | 1]);
    i += run;
  }
  return true;
}

template <typename T>
BatchFn table_batch(std::shared_ptr<const std::vector<T>> table, const Plan& p, const Format* in_fmt) {
  const uint64_t mask = in_fmt->code_mask();
  if (p.path == Path::KeyedTable) {
    const int shift = p.shift;
    const uint64_t low = (uint64_t{1} << shift) - 1;
    return [table, shift, low, mask, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
      const T* t = table->data();
      const uint64_t* a = in[0];
      if (low != 0 && fill_consecutive_keyed(t, shift, mask, a, out, n)) return;
      uint64_t bad = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t x = a[i];
        bad |= x;
        const uint64_t c = x & mask;
        out[i] = t[((c >> shift) << 1) | ((c & low) != 0 ? 1 : 0)];
      }
      if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 1, n);
    };
  }
  const int arity = p.arity, in_bits = p.in_bits;
  if (arity == 1)
    return [table, mask, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
      const T* t = table->data();
      const uint64_t* a = in[0];
      uint64_t bad = 0;
      for (size_t i = 0; i < n; ++i) {
        bad |= a[i];
        out[i] = t[a[i] & mask];
      }
      if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 1, n);
    };
  if (arity == 2)
    return [table, mask, in_bits, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
      const T* t = table->data();
      const uint64_t *a = in[0], *b = in[1];
      uint64_t bad = 0;
      for (size_t i = 0; i < n; ++i) {
        bad |= a[i] | b[i];
        out[i] = t[((a[i] & mask) << in_bits) | (b[i] & mask)];
      }
      if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 2, n);
    };
  return [table, mask, in_bits, in_fmt](const uint64_t* const* in, uint64_t* out, size_t n) {
    const T* t = table->data();
    const uint64_t *a = in[0], *b = in[1], *c = in[2];
    uint64_t bad = 0;
    for (size_t i = 0; i < n; ++i) {
      bad |= a[i] | b[i] | c[i];
      out[i] = t[((((a[i] & mask) << in_bits) | (b[i] & mask)) << in_bits) | (c[i] & mask)];
    }
    if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 3, n);
  };
}

// Table index of one case (the key the batch loop computes).
uint64_t table_index(const Plan& p, const Format& in_fmt, const uint64_t* codes) {
  const uint64_t mask = in_fmt.code_mask();
  if (p.path == Path::KeyedTable) {
    const uint64_t c = codes[0] & mask, low = (uint64_t{1} << p.shift) - 1;
    return ((c >> p.shift) << 1) | ((c & low) != 0 ? 1 : 0);
  }
  uint64_t index = 0;
  for (int k = 0; k < p.arity; ++k) index = (index << p.in_bits) | (codes[k] & mask);
  return index;
}

bool has_table(Path p) {
  return p == Path::CodeTable || p == Path::KeyedTable || p == Path::OpTable || p == Path::OracleTable;
}

// The cache: one table per semantics while any batch function holds it.
using CacheKey = std::tuple<std::string, const Format*, const Format*, int, bool, int, int, bool, bool>;

CacheKey cache_key(const OpSemantics& s) {
  const Policy& p = s.policy;
  return {s.op,
          s.in,
          s.out,
          static_cast<int>(s.rounding),
          p.saturate,
          static_cast<int>(p.inf_under_saturation),
          static_cast<int>(p.nan_into_no_nan),
          p.ftz,
          p.daz};
}

template <typename T>
std::shared_ptr<const std::vector<T>> cached_table(const OpSemantics& s, const Plan& p) {
  static std::mutex mu;
  static std::map<CacheKey, std::weak_ptr<const std::vector<T>>> cache;
  const CacheKey key = cache_key(s);
  std::lock_guard lock(mu);
  auto it = cache.find(key);
  if (it != cache.end())
    if (auto live = it->second.lock()) return live;
  std::shared_ptr<const std::vector<T>> table = build_table<T>(s, p);
  cache[key] = table;
  // Forget expired entries now and then so the map does not grow without bound.
  if (cache.size() > 256)
    for (auto i = cache.begin(); i != cache.end();) i = i->second.expired() ? cache.erase(i) : std::next(i);
  return table;
}

// ----- the hardware lane's batch loop (see lane_fits for the proof) ------------------------------

template <typename W>
struct WideBits;
template <>
struct WideBits<float> {
  using type = uint32_t;
};
template <>
struct WideBits<double> {
  using type = uint64_t;
};

// Whether the AVX-512 lane may round into `out` by arithmetic in its normal range (see
// lane_avx512.hpp): an IEEE-style signed output with 1..21 mantissa bits, so that float32's 24
// bits keep at least two more than the output.
fast::RoundInRange round_in_range_of(const OutSpec& out) {
  const Geom& g = out.g;
  if (!g.ieee_lanes || g.sign_bit == 0 || g.m < 1 || g.m > 21 || out.mode == Rounding::Stochastic) return {};
  fast::RoundInRange r{true, static_cast<int>(out.mode), g.m, g.bias, static_cast<uint32_t>(g.field_ones),
                       static_cast<uint32_t>(g.sign_bit)};
  // IEEE overflow for the mode: to infinity, or to the largest finite value where the mode rounds
  // toward zero from that side.
  const uint64_t inf = g.field_ones << g.m, max_finite = inf - 1;
  const bool up_to_inf = out.mode != Rounding::TowardZero && out.mode != Rounding::TowardNegative;
  const bool down_to_inf = out.mode != Rounding::TowardZero && out.mode != Rounding::TowardPositive;
  const bool ieee_overflow = out.ovf_res[0] == (up_to_inf ? inf : max_finite) &&
                             out.ovf_res[1] == (g.sign_bit | (down_to_inf ? inf : max_finite));
  const bool hardware_mode = out.mode == Rounding::NearestEven || out.mode == Rounding::TowardZero ||
                             out.mode == Rounding::TowardPositive || out.mode == Rounding::TowardNegative;
  r.binary16_hardware = g.m == 10 && g.bias == 15 && g.field_ones == 31 && g.sign_bit == 0x8000 && !out.ftz &&
                        ieee_overflow && hardware_mode;
  return r;
}

template <typename W, ArithOp Op, typename TG>
BatchFn lane_batch(const Engine& eng, std::shared_ptr<const std::vector<typename WideBits<W>::type>> dec,
                   std::shared_ptr<const std::vector<TG>> gtab, int shift, const Format* in_fmt) {
  using UW = typename WideBits<W>::type;
  constexpr int kSignShift = static_cast<int>(sizeof(UW)) * 8 - 1;
  const UW low = (UW{1} << shift) - 1;
  const fast::RoundInRange in_range = round_in_range_of(eng.out);
  return [eng, dec, gtab, shift, low, in_fmt, in_range](const uint64_t* const* in, uint64_t* out, size_t n) {
    (void)in_range;  // read only by the float instantiation's lane (clang: -Wunused-lambda-capture)
    const uint64_t mask = eng.in.code_mask;
    const uint64_t *pa = in[0], *pb = in[1];
    uint64_t bad = 0;
    if (std::fegetround() != FE_TONEAREST) {  // the proof needs round-to-nearest hardware
      for (size_t i = 0; i < n; ++i) {
        bad |= pa[i] | pb[i];
        const uint64_t codes[2] = {pa[i] & mask, pb[i] & mask};
        out[i] = eval_any_mode(eng, codes);
      }
      if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 2, n);
      return;
    }
    const UW* d = dec->data();
    const TG* t = gtab->data();
    if constexpr (std::is_same_v<W, float> && sizeof(TG) <= 4) {
      if (fast::lane_row_avx512_available() && row_of_pairs(pa, pb, n, mask)) {
        fast::lane_row_avx512({std::bit_cast<float>(d[pa[0]]), d + pb[0], n,
                         Op == ArithOp::Mul   ? fast::LaneOp::Mul
                         : Op == ArithOp::Sub ? fast::LaneOp::Sub
                                              : fast::LaneOp::Add,
                         shift, t, static_cast<int>(sizeof(TG)), in_range, out});
        if (Op != ArithOp::Mul && eng.out.mode == Rounding::TowardNegative) {
          // An exact zero sum is -0 under rdn; the row kept the hardware's (rne) sign.
          const float x = std::bit_cast<float>(d[pa[0]]);
          for (size_t i = 0; i < n; ++i) {
            const float y = std::bit_cast<float>(d[pb[i]]);
            if ((Op == ArithOp::Sub ? x - y : x + y) == 0.0f) {
              const uint64_t codes[2] = {pa[i], pb[i]};
              out[i] = eval_any_mode(eng, codes);
            }
          }
        }
        return;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      bad |= pa[i] | pb[i];
      const uint64_t codes[2] = {pa[i] & mask, pb[i] & mask};
      const W x = std::bit_cast<W>(d[codes[0]]);
      W y = std::bit_cast<W>(d[codes[1]]);
      W sum;
      UW adjust = 0;
      if constexpr (Op == ArithOp::Mul) {
        sum = x * y;  // exact
      } else {
        if constexpr (Op == ArithOp::Sub) y = -y;
        sum = x + y;  // TwoSum: e = (x + y) - sum exactly
        const W bp = sum - x, ap = sum - bp;
        const W err = (x - ap) + (y - bp);
        const UW sb = std::bit_cast<UW>(sum), eb = std::bit_cast<UW>(err);
        // round to odd: an inexact even sum moves one ulp toward the error (sign-magnitude bits:
        // +1 is away from zero, -1 toward it)
        const UW inexact_even = static_cast<UW>((err != 0) & ((sb & 1) == 0));
        const UW toward_zero = ((sb ^ eb) >> kSignShift) & 1;
        adjust = inexact_even - 2 * (inexact_even & toward_zero);
      }
      if (!(sum != 0 && std::isfinite(sum))) [[unlikely]] {  // zeros (sign rules), inf, NaN
        out[i] = eval_any_mode(eng, codes);
        continue;
      }
      const UW v = std::bit_cast<UW>(sum) + adjust;
      out[i] = t[((v >> shift) << 1) | ((v & low) != 0 ? 1 : 0)];
    }
    if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, 2, n);
  };
}

template <typename T>
BatchFn table_fn(const OpSemantics& s, const Plan& p);

template <typename W, ArithOp Op>
BatchFn lane_fn_op(const OpSemantics& s, const Engine& eng) {
  using UW = typename WideBits<W>::type;
  const bool dbl = sizeof(W) == 8;
  OpSemantics d;  // F -> W, exact (lane_fits), with the semantics' daz
  d.op = "convert";
  d.in = s.in;
  d.out = &format_by_name(dbl ? "float64" : "float32");
  d.policy.daz = s.policy.daz;
  auto dec = cached_table<UW>(d, plan_for(d));
  const OpSemantics c = lane_convert_semantics(s, dbl);
  const Plan cp = plan_for(c);
  switch (cp.entry_bytes) {
    case 1: return lane_batch<W, Op, uint8_t>(eng, dec, cached_table<uint8_t>(c, cp), cp.shift, s.in);
    case 2: return lane_batch<W, Op, uint16_t>(eng, dec, cached_table<uint16_t>(c, cp), cp.shift, s.in);
    case 4: return lane_batch<W, Op, uint32_t>(eng, dec, cached_table<uint32_t>(c, cp), cp.shift, s.in);
    default: return lane_batch<W, Op, uint64_t>(eng, dec, cached_table<uint64_t>(c, cp), cp.shift, s.in);
  }
}

template <typename W>
BatchFn lane_fn_w(const OpSemantics& s, const Plan& p) {
  const Engine eng = make_engine(s, p.op);
  switch (p.op) {
    case ArithOp::Add: return lane_fn_op<W, ArithOp::Add>(s, eng);
    case ArithOp::Sub: return lane_fn_op<W, ArithOp::Sub>(s, eng);
    default: return lane_fn_op<W, ArithOp::Mul>(s, eng);
  }
}

BatchFn lane_fn(const OpSemantics& s, const Plan& p) {
  return p.lane_double ? lane_fn_w<double>(s, p) : lane_fn_w<float>(s, p);
}

// ----- the IEEE binary32/binary64 hardware lane (fast_wide.hpp) -----------------------------------

fast::WideOp wide_op(ArithOp op) {
  switch (op) {
    case ArithOp::Add: return fast::WideOp::Add;
    case ArithOp::Sub: return fast::WideOp::Sub;
    case ArithOp::Mul: return fast::WideOp::Mul;
    case ArithOp::Div: return fast::WideOp::Div;
    case ArithOp::Sqrt: return fast::WideOp::Sqrt;
    default: return fast::WideOp::Fma;
  }
}

// OR of every operand code, for the bad-code check (one vectorised pass per operand).
FPC_VECTOR_CLONES uint64_t or_of_codes(const uint64_t* a, size_t n) {
  uint64_t bits = 0;
  for (size_t i = 0; i < n; ++i) bits |= a[i];
  return bits;
}

// The lane decides the plain cases; the integer engine computes the ones it hands back (specials,
// zero, subnormal and overflowing results, possible rna ties), and all of them where the lane
// cannot run (no AVX-512, or MXCSR flushing subnormals on this thread).
BatchFn wide_fn(const OpSemantics& s, const Plan& p, bool planted) {
  const Engine eng = make_engine(s, p.op);
  fast::WideKernel kernel;
  kernel.binary64 = p.lane_double;
  kernel.op = wide_op(p.op);
  kernel.mode = static_cast<int>(s.rounding);
  kernel.daz = s.policy.daz;
  kernel.ftz = s.policy.ftz;
  kernel.planted_off_by_one = planted;
  // The semantics' special results, from the oracle (OutSpec), against the IEEE ones.
  const OutSpec& o = eng.out;
  const uint64_t sign = o.g.sign_bit, inf = o.g.field_ones << o.g.m, max_finite = inf - 1;
  const Rounding r = s.rounding;
  const uint64_t pos_overflow = r == Rounding::TowardZero || r == Rounding::TowardNegative || r == Rounding::ToOdd ? max_finite : inf;
  const uint64_t neg_overflow = r == Rounding::TowardZero || r == Rounding::TowardPositive || r == Rounding::ToOdd ? max_finite : inf;
  kernel.nan_res = o.nan_res;
  kernel.ieee_specials = (o.nan_res & ~sign) > inf && o.inf_res[0] == inf && o.inf_res[1] == (sign | inf);
  kernel.ieee_zero = o.zero_res[0] == 0 && o.zero_res[1] == sign;
  kernel.ieee_big = kernel.ieee_specials && o.ovf_res[0] == pos_overflow && o.ovf_res[1] == (sign | neg_overflow);
  const Format* in_fmt = s.in;
  const int arity = p.arity;
  return [eng, kernel, in_fmt, arity](const uint64_t* const* in, uint64_t* out, size_t n) {
    const uint64_t mask = eng.in.code_mask;
    uint64_t bad = 0;
    if (mask != ~uint64_t{0})
      for (int k = 0; k < arity; ++k) bad |= or_of_codes(in[k], n);
    auto engine_case = [&](size_t i) {
      uint64_t codes[3] = {0, 0, 0};
      for (int k = 0; k < arity; ++k) codes[k] = in[k][i] & mask;
      out[i] = eval_any_mode(eng, codes);
    };
    if (fast::wide_lane_available()) {
      thread_local std::vector<uint32_t> rest;  // grows to the largest batch, then no allocation
      if (rest.size() < n) rest.resize(n);
      const size_t m = fast::wide_lane(kernel, in, out, n, rest.data());
      for (size_t j = 0; j < m; ++j) engine_case(rest[j]);
    } else {
      for (size_t i = 0; i < n; ++i) engine_case(i);
    }
    if ((bad & ~mask) != 0) throw_bad_code(*in_fmt, in, arity, n);
  };
}

template <typename T>
BatchFn table_fn(const OpSemantics& s, const Plan& p) {
  return table_batch<T>(cached_table<T>(s, p), p, s.in);
}

template <typename T>
BatchFn corrupted_fn(const OpSemantics& s, const Plan& p, const uint64_t* probe, uint64_t flip) {
  auto table = build_table<T>(s, p);
  (*table)[table_index(p, *s.in, probe)] ^= static_cast<T>(flip);
  return table_batch<T>(std::move(table), p, s.in);
}

}  // namespace

std::optional<BatchFn> fast_reference(const OpSemantics& s) {
  const Plan p = plan_for(s);
  if (p.path == Path::None) return std::nullopt;
  if (p.path == Path::BitRound || p.path == Path::ExactInt) return engine_batch_for(make_engine(s, p.op), s.in, p.arity);
  if (p.path == Path::FloatLane) return lane_fn(s, p);
  if (p.path == Path::WideLane) return wide_fn(s, p, false);
  switch (p.entry_bytes) {
    case 1: return table_fn<uint8_t>(s, p);
    case 2: return table_fn<uint16_t>(s, p);
    case 4: return table_fn<uint32_t>(s, p);
    default: return table_fn<uint64_t>(s, p);
  }
}

// ----- a unary table compared in place over consecutive codes (consecutive_compare) -------------

// Nonzero when any of a[0..n) differs from v: one branch-free pass at the results' own width
// (the hot loop of an exhaustive sweep's in-place comparison), cloned for wide vector units.
#define FPC_DIFFERING_BITS_FROM_VALUE(A)                                   \
  FPC_VECTOR_CLONES A differing_bits_from_value(const A* a, size_t n, A v) { \
    A d = 0;                                                               \
    for (size_t j = 0; j < n; ++j) d |= static_cast<A>(a[j] ^ v);           \
    return d;                                                              \
  }
FPC_DIFFERING_BITS_FROM_VALUE(uint8_t)
FPC_DIFFERING_BITS_FROM_VALUE(uint16_t)
FPC_DIFFERING_BITS_FROM_VALUE(uint32_t)
FPC_DIFFERING_BITS_FROM_VALUE(uint64_t)
#undef FPC_DIFFERING_BITS_FROM_VALUE

// Whether any of a[0..n) differs from v, a code that may be wider than A.
template <typename A>
bool differs_from_value(const A* a, size_t n, uint64_t v) {
  if (n == 0) return false;
  if (v > std::numeric_limits<A>::max()) return true;  // no result of this width equals it
  return differing_bits_from_value(a, n, static_cast<A>(v)) != 0;
}

// Whether any of a[0..n) differs from t[0..n) (code tables: sources of at most 16 bits).
template <typename A, typename T>
bool differs_from_slice(const A* a, const T* t, size_t n) {
  uint64_t d = 0;
  for (size_t j = 0; j < n; ++j) d |= static_cast<uint64_t>(a[j]) ^ static_cast<uint64_t>(t[j]);
  return d != 0;
}

// Whether a[0..n) differs from the table's results for the codes first .. first + n - 1: the
// entries table_batch reads for them. A code table is indexed by the code itself, so its results
// are a slice of it; a keyed table's come in runs, as in fill_consecutive_keyed.
template <typename T, typename A>
bool differs_consecutive(const T* t, int shift, uint64_t first, const A* a, size_t n) {
  if (shift == 0) return differs_from_slice(a, t + first, n);
  const uint64_t low = (uint64_t{1} << shift) - 1;
  size_t i = 0;
  while (i < n) {
    const uint64_t c = first + i;
    const uint64_t key = (c >> shift) << 1;
    if ((c & low) == 0) {
      if (a[i] != t[key]) return true;
      ++i;
    }
    const size_t run = static_cast<size_t>(std::min<uint64_t>(n - i, (c | low) - (first + i) + 1));
    if (differs_from_value(a + i, run, t[key | 1])) return true;
    i += run;
  }
  return false;
}

template <typename T>
ConsecutiveCompare consecutive_compare_for(const OpSemantics& s, const Plan& p) {
  std::shared_ptr<const std::vector<T>> table = cached_table<T>(s, p);
  const int shift = p.path == Path::KeyedTable ? p.shift : 0;
  const uint64_t mask = s.in->code_mask();
  return {[table, shift, mask](uint64_t first, const void* results, int bytes, size_t n) {
    if (n == 0) return false;
    if (first > mask || n - 1 > mask - first) throw std::out_of_range("consecutive_compare: codes beyond the input format");
    const T* t = table->data();
    switch (bytes) {
      case 1: return differs_consecutive(t, shift, first, static_cast<const uint8_t*>(results), n);
      case 2: return differs_consecutive(t, shift, first, static_cast<const uint16_t*>(results), n);
      case 4: return differs_consecutive(t, shift, first, static_cast<const uint32_t*>(results), n);
      case 8: return differs_consecutive(t, shift, first, static_cast<const uint64_t*>(results), n);
      default: throw std::invalid_argument("consecutive_compare: results of 1, 2, 4 or 8 bytes");
    }
  }};
}

std::optional<ConsecutiveCompare> consecutive_compare(const OpSemantics& s) {
  const Plan p = plan_for(s);
  const bool one_code_table = p.path == Path::CodeTable || p.path == Path::KeyedTable ||
                              (p.arity == 1 && (p.path == Path::OpTable || p.path == Path::OracleTable));
  if (!one_code_table) return std::nullopt;
  switch (p.entry_bytes) {
    case 1: return consecutive_compare_for<uint8_t>(s, p);
    case 2: return consecutive_compare_for<uint16_t>(s, p);
    case 4: return consecutive_compare_for<uint32_t>(s, p);
    default: return consecutive_compare_for<uint64_t>(s, p);
  }
}

std::string fast_reference_name(const OpSemantics& s) { return path_name(plan_for(s).path); }

FastReferenceTableInfo fast_reference_table_info(const OpSemantics& s) {
  const Plan p = plan_for(s);
  if (p.path == Path::FloatLane) {  // the operand decode table and the rounding table W -> G
    const OpSemantics c = lane_convert_semantics(s, p.lane_double);
    const FastReferenceTableInfo g = fast_reference_table_info(c);
    const size_t dec = size_t{1} << p.in_bits;
    return {g.entries + dec, g.bytes + dec * (p.lane_double ? 8 : 4)};
  }
  if (!has_table(p.path)) return {};
  const size_t entries = size_t{1} << p.key_bits;
  return {entries, entries * static_cast<size_t>(p.entry_bytes)};
}

namespace testing {

std::optional<BatchFn> bit_level_reference(const OpSemantics& s) {
  Plan p = plan_for(s);
  if (p.path == Path::None || p.path == Path::OracleTable) return std::nullopt;
  return engine_batch_for(make_engine(s, p.op), s.in, p.arity);
}

std::optional<BatchFn> lane_reference(const OpSemantics& s) {
  const ArithOp op = arith_op(s.op);
  if (s.in == nullptr || s.out == nullptr || s.rounding == Rounding::Stochastic) return std::nullopt;
  const LaneFit lane = lane_fit(s, op);
  if (!lane.ok) return std::nullopt;
  Plan p = plan_for(s);
  p.op = op;
  p.lane_double = lane.use_double;
  return lane_fn(s, p);
}

std::optional<BatchFn> wide_lane_reference(const OpSemantics& s, bool planted_off_by_one) {
  const Plan p = plan_for(s);
  if (p.path != Path::WideLane) return std::nullopt;
  return wide_fn(s, p, planted_off_by_one);
}

std::optional<BatchFn> corrupted_engine_fma(const OpSemantics& s) {
  const Plan p = plan_for(s);
  if (p.op != ArithOp::Fma || p.path == Path::None || p.path == Path::OracleTable) return std::nullopt;
  Engine eng = make_engine(s, p.op);
  eng.planted_fma_off_by_one = true;
  return engine_batch_for(eng, s.in, p.arity);
}

std::vector<std::vector<uint64_t>> table_probes(const OpSemantics& s) {
  const Plan p = plan_for(s);
  if (!has_table(p.path)) return {};
  const size_t entries = size_t{1} << p.key_bits;
  std::vector<std::vector<uint64_t>> probes(static_cast<size_t>(p.arity), std::vector<uint64_t>(entries));
  for (uint64_t i = 0; i < entries; ++i) {
    uint64_t codes[3];
    if (p.path == Path::KeyedTable) codes[0] = keyed_representative(i, p.shift);
    else split_index(i, p.arity, p.in_bits, codes);
    for (int k = 0; k < p.arity; ++k) probes[static_cast<size_t>(k)][i] = codes[k];
  }
  return probes;
}

std::optional<BatchFn> corrupted_fast_reference(const OpSemantics& s, const uint64_t* probe, uint64_t flip) {
  const Plan p = plan_for(s);
  if (!has_table(p.path)) return std::nullopt;
  switch (p.entry_bytes) {
    case 1: return corrupted_fn<uint8_t>(s, p, probe, flip);
    case 2: return corrupted_fn<uint16_t>(s, p, probe, flip);
    case 4: return corrupted_fn<uint32_t>(s, p, probe, flip);
    default: return corrupted_fn<uint64_t>(s, p, probe, flip);
  }
}

}  // namespace testing

}  // namespace fpc
