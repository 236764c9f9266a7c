// Exact arithmetic on format codes: every result is the exact mathematical result rounded once
// (IEEE 754-2019 clause 5.4 semantics), computed on exact rationals, never hardware floats.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <span>
#include <string_view>

namespace fpc {

// The IEEE 754-2019 operations, plus the fused clamps GPU instruction sets offer (CUDA's _sat and
// _relu intrinsics, PTX .sat/.relu), pinned so that a subject declaring them can be checked:
//  * abs, rcp: |x| (IEEE 5.5.1) and 1/x, rounded once into the output format (rcp = div(1, x)).
//  * add_clamp01, sub_clamp01, mul_clamp01, fma_clamp01: the op's exact result clamped to [0, 1]
//    before the single rounding: NaN -> +0, -0 -> +0, below 0 -> +0, above 1 -> 1 (CUDA: "clamps
//    the result to range [0.0, 1.0]. NaN results are flushed to +0.0"). Clamping the exact value
//    and clamping the rounded one give the same code (0 and 1 are representable, rounding is
//    monotone); flags are those of rounding the clamped value.
//  * fma_relu: maximum(fma(a, b, c), +0): NaN stays NaN, -0 and negative results -> +0 (CUDA:
//    "negative result is clamped to 0. NaN result is converted to canonical NaN").
enum class Op {
  Add, Sub, Mul, Div, Fma, Sqrt, Minimum, Maximum, MinimumNumber, MaximumNumber,
  Abs, Rcp, AddClamp01, SubClamp01, MulClamp01, FmaClamp01, FmaRelu
};

std::string_view to_string(Op op);
Op op_by_name(std::string_view name);  // "add" "sub" "mul" "div" "fma" "sqrt" "minimum" ...
int arity(Op op);

// Exact (unrounded) result of op on exact operands, with the flags that arise before rounding
// (invalid, divide-by-zero). Zero signs follow IEEE 754-2019 6.3 for the given rounding mode.
// For Sqrt of a non-square the value is the sticky approximation s + 1/2 ulp' at a precision
// far below any format's rounding point, which every mode (stochastic's k <= 64 bits
// included) rounds exactly as it would the true root.
struct ExactResult {
  ExactValue value;
  unsigned flags = 0;
};
ExactResult exact_op(Op op, std::span<const ExactValue> operands, Rounding mode);

// op on codes of `in`, the result rounded once into `out`. NaN operands give NaN.
RoundResult eval(Op op, std::span<const uint64_t> codes, const Format& in, const Format& out, Rounding mode,
                 const Policy& policy = {}, RandomBits random = {});

enum class Ordering { Less, Equal, Greater, Unordered };
std::string_view to_string(Ordering o);
// IEEE 754-2019 5.11 comparison: -0 == +0; any NaN is unordered (and signals invalid when the
// comparison is a signaling one, which the caller decides).
Ordering compare_codes(const Format& f, uint64_t a, uint64_t b, bool daz = false);

}  // namespace fpc
