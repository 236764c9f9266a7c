#include "fpconform/arith.hpp"

#include <array>
#include <vector>

namespace fpc {

namespace mp = boost::multiprecision;

namespace {

struct OpInfo {
  Op op;
  std::string_view name;
  int arity;
};
constexpr OpInfo kOps[] = {
    {Op::Add, "add", 2},           {Op::Sub, "sub", 2},           {Op::Mul, "mul", 2},
    {Op::Div, "div", 2},           {Op::Fma, "fma", 3},           {Op::Sqrt, "sqrt", 1},
    {Op::Minimum, "minimum", 2},   {Op::Maximum, "maximum", 2},   {Op::MinimumNumber, "minimumNumber", 2},
    {Op::MaximumNumber, "maximumNumber", 2},
    {Op::Abs, "abs", 1},           {Op::Rcp, "rcp", 1},           {Op::AddClamp01, "add_clamp01", 2},
    {Op::SubClamp01, "sub_clamp01", 2}, {Op::MulClamp01, "mul_clamp01", 2}, {Op::FmaClamp01, "fma_clamp01", 3},
    {Op::FmaRelu, "fma_relu", 3},
};

const OpInfo& info(Op op) {
  for (const OpInfo& i : kOps)
    if (i.op == op) return i;
  throw std::logic_error("unknown op");
}

// sign * num as a signed integer scaled by `scale`.
BigInt signed_scaled(const ExactValue& v, const BigInt& scale) {
  if (v.is_zero()) return 0;
  BigInt n = v.num * scale;
  return v.negative ? BigInt(-n) : n;
}

const BigInt& den_of(const ExactValue& v) {
  static const BigInt one = 1;
  return v.is_zero() ? one : v.den;
}

// Exact sum of two finite (or zero) values; an exact zero sum takes its sign per IEEE 754-2019
// 6.3: the operands' common sign if both are zeros of one sign, else +0 (-0 under rdn).
ExactValue exact_sum(const ExactValue& a, const ExactValue& b, Rounding mode) {
  if (a.is_zero() && b.is_zero() && a.negative == b.negative) return ExactValue::zero(a.negative);
  BigInt n = signed_scaled(a, den_of(b)) + signed_scaled(b, den_of(a));
  if (n == 0) return ExactValue::zero(mode == Rounding::TowardNegative);
  return ExactValue::rational(false, n, den_of(a) * den_of(b));
}

ExactValue exact_product(const ExactValue& a, const ExactValue& b) {
  bool neg = a.negative != b.negative;
  if (a.is_zero() || b.is_zero()) return ExactValue::zero(neg);
  return ExactValue::rational(neg, a.num * b.num, a.den * b.den);
}

ExactResult add(const ExactValue& a, const ExactValue& b, Rounding mode) {
  if (a.is_inf() && b.is_inf() && a.negative != b.negative) return {ExactValue::nan(), kInvalid};
  if (a.is_inf()) return {a, 0};
  if (b.is_inf()) return {b, 0};
  return {exact_sum(a, b, mode), 0};
}

ExactResult mul(const ExactValue& a, const ExactValue& b) {
  bool neg = a.negative != b.negative;
  if ((a.is_inf() && b.is_zero()) || (a.is_zero() && b.is_inf())) return {ExactValue::nan(), kInvalid};
  if (a.is_inf() || b.is_inf()) return {ExactValue::infinity(neg), 0};
  return {exact_product(a, b), 0};
}

ExactResult div(const ExactValue& a, const ExactValue& b) {
  bool neg = a.negative != b.negative;
  if ((a.is_zero() && b.is_zero()) || (a.is_inf() && b.is_inf())) return {ExactValue::nan(), kInvalid};
  if (a.is_inf()) return {ExactValue::infinity(neg), 0};
  if (b.is_inf() || a.is_zero()) return {ExactValue::zero(neg), 0};
  if (b.is_zero()) return {ExactValue::infinity(neg), kDivideByZero};
  return {ExactValue::rational(neg, a.num * b.den, a.den * b.num), 0};
}

ExactResult fma(const ExactValue& a, const ExactValue& b, const ExactValue& c, Rounding mode) {
  ExactResult p = mul(a, b);
  if (p.value.is_nan()) return p;
  return add(p.value, c, mode);
}

// Bits of the root kept before the sticky half: far below the rounding point of any format
// (at most 63 significant bits) even with 64 stochastic bits beneath it.
constexpr int64_t kRootBits = 160;

ExactResult sqrt(const ExactValue& a) {
  if (a.is_zero()) return {a, 0};
  if (a.negative) return {ExactValue::nan(), kInvalid};
  if (a.is_inf()) return {a, 0};
  // S = floor(sqrt(a) * 2^t) = isqrt(floor(a * 4^t)); exact iff a * 4^t is a perfect square.
  int64_t e = floor_log2(a.num, a.den);
  int64_t t = kRootBits - e / 2;
  BigInt num = a.num, den = a.den;
  if (t >= 0) num <<= static_cast<unsigned>(2 * t);
  else den <<= static_cast<unsigned>(-2 * t);
  BigInt scaled = num / den, frac = num % den, root_rem;
  BigInt S = mp::sqrt(scaled, root_rem);
  if (frac == 0 && root_rem == 0) return {ExactValue::dyadic(false, S, -t), 0};
  // Not a perfect square: sqrt(a) lies strictly inside (S, S+1) * 2^-t; S + 1/2 stands for it.
  return {ExactValue::dyadic(false, 2 * S + 1, -t - 1), 0};
}

// IEEE 754-2019 9.6 minimum/maximum (NaN propagates) and minimumNumber/maximumNumber (NaN is
// ignored when the other operand is a number); -0 orders below +0 in all four.
ExactResult min_max(Op op, const ExactValue& a, const ExactValue& b) {
  bool number_variant = op == Op::MinimumNumber || op == Op::MaximumNumber;
  if (a.is_nan() || b.is_nan()) {
    if (number_variant && !(a.is_nan() && b.is_nan())) return {a.is_nan() ? b : a, 0};
    return {ExactValue::nan(), 0};
  }
  int c = compare(a, b);
  if (c == 0 && a.is_zero() && b.is_zero()) c = (a.negative == b.negative) ? 0 : (a.negative ? -1 : 1);
  bool want_min = op == Op::Minimum || op == Op::MinimumNumber;
  return {(c <= 0) == want_min ? a : b, 0};
}

// The unclamped op a fused clamp applies to.
Op unclamped(Op op) {
  switch (op) {
    case Op::AddClamp01: return Op::Add;
    case Op::SubClamp01: return Op::Sub;
    case Op::MulClamp01: return Op::Mul;
    case Op::FmaClamp01:
    case Op::FmaRelu: return Op::Fma;
    default: return op;
  }
}

// [0, 1] clamp of an exact result: NaN and everything at or below zero (-0 included) -> +0.
ExactResult clamp01(ExactResult r) {
  if (r.value.is_nan() || r.value.is_zero() || r.value.negative) return {ExactValue::zero(false), 0};
  const ExactValue one = ExactValue::dyadic(false, 1, 0);
  if (r.value.is_inf() || compare(r.value, one) > 0) return {one, 0};
  return {r.value, 0};
}

// maximum(x, +0): NaN stays NaN; -0 and negative values -> +0.
ExactResult relu(ExactResult r) {
  if (r.value.is_nan()) return r;
  if (r.value.is_zero() || r.value.negative) return {ExactValue::zero(false), r.flags};
  return r;
}

}  // namespace

std::string_view to_string(Op op) { return info(op).name; }
int arity(Op op) { return info(op).arity; }

Op op_by_name(std::string_view name) {
  for (const OpInfo& i : kOps)
    if (i.name == name) return i.op;
  throw InputError("unknown operation '" + std::string(name.substr(0, 40)) +
                   "' (expected add, sub, mul, div, fma, sqrt, minimum, maximum, minimumNumber, maximumNumber, abs, rcp, "
                   "add_clamp01, sub_clamp01, mul_clamp01, fma_clamp01, fma_relu)");
}

ExactResult exact_op(Op op, std::span<const ExactValue> x, Rounding mode) {
  if (static_cast<int>(x.size()) != arity(op))
    throw InputError(std::string(to_string(op)) + " takes " + std::to_string(arity(op)) + " operand(s)");
  if (op == Op::Minimum || op == Op::Maximum || op == Op::MinimumNumber || op == Op::MaximumNumber)
    return min_max(op, x[0], x[1]);
  if (op == Op::AddClamp01 || op == Op::SubClamp01 || op == Op::MulClamp01 || op == Op::FmaClamp01)
    return clamp01(exact_op(unclamped(op), x, mode));
  if (op == Op::FmaRelu) return relu(exact_op(Op::Fma, x, mode));
  for (const ExactValue& v : x)
    if (v.is_nan()) return {ExactValue::nan(), 0};
  switch (op) {
    case Op::Add: return add(x[0], x[1], mode);
    case Op::Sub: return add(x[0], x[1].negated(), mode);
    case Op::Mul: return mul(x[0], x[1]);
    case Op::Div: return div(x[0], x[1]);
    case Op::Fma: return fma(x[0], x[1], x[2], mode);
    case Op::Sqrt: return sqrt(x[0]);
    case Op::Abs: return {x[0].is_zero() ? ExactValue::zero(false) : (x[0].negative ? x[0].negated() : x[0]), 0};
    case Op::Rcp: return div(ExactValue::dyadic(false, 1, 0), x[0]);
    default: break;
  }
  throw std::logic_error("exact_op: unhandled op");
}

RoundResult eval(Op op, std::span<const uint64_t> codes, const Format& in, const Format& out, Rounding mode,
                 const Policy& policy, RandomBits random) {
  std::vector<ExactValue> operands;
  operands.reserve(codes.size());
  for (uint64_t c : codes) operands.push_back(decode(in, c, policy.daz).value);
  ExactResult exact = exact_op(op, operands, mode);
  RoundResult r = round_to_format(exact.value, out, mode, policy, random);
  r.flags |= exact.flags;
  return r;
}

std::string_view to_string(Ordering o) {
  switch (o) {
    case Ordering::Less: return "less";
    case Ordering::Equal: return "equal";
    case Ordering::Greater: return "greater";
    case Ordering::Unordered: return "unordered";
  }
  return "?";
}

Ordering compare_codes(const Format& f, uint64_t a, uint64_t b, bool daz) {
  ExactValue x = decode(f, a, daz).value, y = decode(f, b, daz).value;
  if (x.is_nan() || y.is_nan()) return Ordering::Unordered;
  int c = compare(x, y);
  return c < 0 ? Ordering::Less : (c > 0 ? Ordering::Greater : Ordering::Equal);
}

}  // namespace fpc
