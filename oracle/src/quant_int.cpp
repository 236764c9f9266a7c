// Integer schemes: LLM.int8 vector-wise absmax int8 and GPTQ-style 4-bit groups with a scale and
// a zero point. Formulas and sources: docs/quantization.md.
#include "quant_internal.hpp"

#include <algorithm>

namespace fpc::quant {

namespace {

uint64_t integer_code(const BigInt& n, const Format& f) {
  return round_to_format(ExactValue::rational(n < 0, n < 0 ? BigInt(-n) : n), f, Rounding::NearestEven).code;
}

BigInt clamp(const BigInt& v, int64_t lo, int64_t hi) {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return v;
}

size_t row_length(const Quantized& q) { return q.options.cols != 0 ? q.options.cols : std::max<size_t>(q.count, 1); }

// Rows (or columns) of a row-major matrix with `cols` columns.
std::vector<QuantBlock> vectors(size_t count, size_t cols, bool by_column) {
  std::vector<QuantBlock> blocks;
  if (count == 0) return blocks;
  size_t rows = count / cols;
  size_t n = by_column ? cols : rows, len = by_column ? rows : cols;
  for (size_t v = 0; v < n; ++v) {
    QuantBlock b;
    for (size_t k = 0; k < len; ++k) b.members.push_back(by_column ? k * cols + v : v * cols + k);
    blocks.push_back(std::move(b));
  }
  return blocks;
}

const ExactValue& reciprocal_127_literal() {
  static const ExactValue v = float32_literal("7.874015718698502e-3");
  return v;
}

}  // namespace

// ----- LLM.int8 -----
// ideal: q = round_half_even(x * 127 / absmax) exactly (|q| <= 127); absmax 0 gives q = 0.
// torch (bitsandbytes' default int8_vectorwise_quant): q = torch.round(x * float32(127 / absmax)),
// each product rounded to float32; torch.round ties to even.
void quantize_llm_int8(std::span<const ExactValue> values, Quantized& q) {
  const bool by_column = q.options.scheme == "llm_int8_col";
  const bool torch = q.options.reference == "torch";
  q.scale_format = &float32();
  if (torch) require_float32(values, "torch");
  else require_finite(values, "the ideal LLM.int8 reference");
  const Float32Math m;
  const ExactValue k127 = integer_value(127);
  q.blocks = vectors(values.size(), row_length(q), by_column);
  q.codes.assign(values.size(), 0);
  for (QuantBlock& b : q.blocks) {
    b.scale = max_abs(values, b.members);
    // The stored row statistic: the absmax as float32 (torch: +inf, or the quiet NaN for a row
    // holding NaN; the ideal reference takes finite rows only).
    b.scale_code = round_to_format(b.scale, float32(), Rounding::NearestEven).code;
    if (!torch) {
      if (b.scale.is_zero()) b.note = "all zero: every code 0";
      for (size_t i : b.members)
        q.codes[i] = b.scale.is_zero() ? 0 : integer_code(round_half_even(div(mul(values[i], k127), b.scale)), *q.element);
      continue;
    }
    ExactValue r = m.div(k127, b.scale);
    for (size_t i : b.members) {
      ExactValue s = m.mul(values[i], r);
      if (s.is_nan() || s.is_inf()) {
        b.note = "x * (127 / absmax) is NaN or infinite: its int8 cast is undefined in the kernel (given as 0)";
        q.codes[i] = 0;
        continue;
      }
      q.codes[i] = integer_code(clamp(round_half_even(s), -128, 127), *q.element);
    }
  }
  q.packed = pack(q.codes, 8, NibbleOrder::LowFirst);
}

// ideal: q * absmax / 127 exactly; torch: float32(float32(q * absmax) * float32(7.874015718698502e-3)).
std::vector<ExactValue> dequantize_llm_int8(const Quantized& q) {
  std::vector<ExactValue> out(q.count);
  const Float32Math m;
  const bool torch = q.options.reference == "torch";
  for (const QuantBlock& b : q.blocks)
    for (size_t i : b.members) {
      ExactValue c = element_value(q, q.codes[i]);
      out[i] = torch ? m.mul(m.mul(c, b.scale), reciprocal_127_literal()) : div(mul(c, b.scale), integer_value(127));
    }
  return out;
}

// ----- GPTQ-style 4-bit groups (GPTQ quant.py Quantizer.find_params / quantize, maxq = 15) -----
// xmin = min(min x, 0), xmax = max(max x, 0); symmetric: xmax = max(|xmin|, xmax) and xmin = -xmax
// when xmin < 0; both zero: xmin = -1, xmax = 1. scale = (xmax - xmin) / 15; zero = round(-xmin /
// scale) (symmetric: 8); q = clamp(round(x / scale) + zero, 0, 15); x' = scale * (q - zero).
// ideal: exact arithmetic, ties to even; torch: every operation rounded to float32.
void quantize_int4_group(std::span<const ExactValue> values, Quantized& q) {
  const bool symmetric = q.options.scheme == "int4_group";
  const bool torch = q.options.reference == "torch";
  q.scale_format = torch ? &float32() : nullptr;
  if (torch) require_float32(values, "torch");
  require_finite(values, "GPTQ group quantization");
  const size_t cols = row_length(q);
  const size_t group = q.options.blocksize == kWholeRow ? cols : q.options.blocksize;
  if (cols % group != 0) throw InputError("group size " + std::to_string(group) + " does not divide the row length " + std::to_string(cols));
  q.blocks = consecutive_blocks(values.size(), group);
  q.codes.assign(values.size(), 0);
  const Float32Math m;
  auto op = [&](Op o, const ExactValue& a, const ExactValue& b) { return torch ? m.op(o, a, b) : exact(o, a, b); };
  const ExactValue zero = ExactValue::zero();
  for (QuantBlock& b : q.blocks) {
    ExactValue xmin = zero, xmax = zero;
    for (size_t i : b.members) {
      if (compare(values[i], xmin) < 0) xmin = values[i];
      if (compare(values[i], xmax) > 0) xmax = values[i];
    }
    if (symmetric) {
      if (compare(xmin.abs(), xmax) > 0) xmax = xmin.abs();
      if (compare(xmin, zero) < 0) xmin = xmax.negated();
    }
    if (xmin.is_zero() && xmax.is_zero()) {
      xmin = integer_value(-1);
      xmax = integer_value(1);
      b.note = "all zero: range widened to [-1, 1]";
    }
    ExactValue scale = op(Op::Div, op(Op::Sub, xmax, xmin), integer_value(15));
    // float32 only: a range of at most 7 subnormal steps gives scale 0, and -xmin / 0, x / 0 are
    // NaN or infinite: GPTQ's zero point and codes have no value (the torch round of NaN would
    // otherwise be taken as 0 here).
    if (scale.is_zero())
      throw InputError("GPTQ group: the float32 scale (xmax - xmin) / 15 underflows to 0; the zero point and codes are "
                       "undefined (NaN/inf)");
    BigInt z = symmetric ? BigInt(8) : round_half_even(op(Op::Div, xmin.negated(), scale));
    b.scale = scale;
    b.zero_point = static_cast<int64_t>(z);
    if (torch) b.scale_code = round_to_format(scale, float32(), Rounding::NearestEven).code;
    for (size_t i : b.members)
      q.codes[i] = integer_code(clamp(round_half_even(op(Op::Div, values[i], scale)) + z, 0, 15), *q.element);
  }
  q.packed = pack(q.codes, 4, NibbleOrder::LowFirst);
}

std::vector<ExactValue> dequantize_int4_group(const Quantized& q) {
  std::vector<ExactValue> out(q.count);
  const Float32Math m;
  const bool torch = q.options.reference == "torch";
  for (const QuantBlock& b : q.blocks)
    for (size_t i : b.members) {
      ExactValue d = integer_value(static_cast<int64_t>(q.codes[i]) - b.zero_point);
      out[i] = torch ? m.mul(b.scale, d) : mul(b.scale, d);
    }
  return out;
}

}  // namespace fpc::quant
