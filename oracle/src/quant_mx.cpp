// Microscaling schemes: OCP MX v1.0 (E8M0 shared scale per 32 elements) and NVIDIA NVFP4 (E4M3
// scale per 16 E2M1 elements under a float32 tensor scale). Formulas and sources:
// docs/quantization.md.
#include "quant_internal.hpp"

namespace fpc::quant {

namespace {

constexpr int64_t kE8m0Bias = 127;

struct MxElement {
  const Format* format;
  int emax;              // exponent of the element format's largest normal binade
  int precision;         // significant bits of an element (the "even" rule rounds amax to these)
  ExactValue max;        // largest finite element value
  bool is_int = false;   // MXINT8: int8 code / 64
};

// The element of an MX scheme, from the scheme table (QuantSchemeInfo::facts).
MxElement mx_element(const Format& f) {
  if (f.kind != FormatKind::Integer) return MxElement{&f, f.emax(), f.man_bits + 1, decode(f, f.max_finite_code()).value};
  // MXINT8: two's complement int8 with an implicit scale of 2^-6, so its largest binade is [1, 2).
  return MxElement{&f, 0, 7, ExactValue::rational(false, 127, 64), true};
}

// amax rounded to `precision` significant bits (ties to even), as a power-of-two exponent: the
// exponent of the rounded value.
int64_t rounded_exponent(const ExactValue& amax, int precision) {
  int64_t e = floor_log2(amax.num, amax.den);
  ExactValue scaled = div(amax, ExactValue::dyadic(false, 1, e - precision + 1));
  BigInt n = round_half_even(scaled);
  return n == (BigInt(1) << precision) ? e + 1 : e;
}

// The shared exponent E of a block with finite non-zero amax, before clamping to E8M0's range.
int64_t shared_exponent(const ExactValue& amax, const MxElement& el, MxScaleRule rule) {
  switch (rule) {
    case MxScaleRule::Floor: return floor_log2(amax.num, amax.den) - el.emax;
    case MxScaleRule::Ceil: return ceil_log2(div(amax, el.max));
    case MxScaleRule::RoundUp: {
      const Float32Math m;
      ExactValue q = m.mul(m.round(amax), m.div(integer_value(1), el.max));
      if (q.is_inf()) return kE8m0Bias;
      if (q.is_zero()) return -kE8m0Bias;
      return ceil_log2(q);
    }
    case MxScaleRule::Even: return rounded_exponent(amax, el.precision) - el.emax;
  }
  return 0;
}

uint64_t element_code(const ExactValue& e, const MxElement& el, Rounding mode) {
  Policy saturate;
  saturate.saturate = true;
  if (!el.is_int) return round_to_format(e, *el.format, mode, saturate).code;
  uint64_t code = round_to_format(mul(e, integer_value(64)), *el.format, mode, saturate).code;
  return code == 0x80 ? 0x81 : code;  // symmetric range: -128 is clamped to -127
}

uint64_t zero_code(const ExactValue& v, const MxElement& el) {
  return round_to_format(ExactValue::zero(v.negative), *el.format, Rounding::NearestEven).code;
}

}  // namespace

// OCP MX v1.0 section 6.3: X = 2^E with E from the block amax by the scale rule; P_i = V_i / X
// rounded into the element format with normal overflow clamped to +-max. E above 127 gives the
// NaN scale (roundup saturates to 127 instead), E below -127 is clamped to -127; a block holding
// NaN or infinity gets the NaN scale; an all-zero block E = -127 and zero elements.
void quantize_mx(std::span<const ExactValue> values, Quantized& q) {
  const MxElement el = mx_element(*q.element);
  q.scale_format = &format_by_name(quant_scheme_by_name(q.options.scheme).facts.scale);
  q.blocks = consecutive_blocks(values.size(), q.options.blocksize);
  q.codes.assign(values.size(), 0);
  for (QuantBlock& b : q.blocks) {
    ExactValue amax = max_abs(values, b.members);
    bool nan_scale = amax.is_nan() || amax.is_inf();
    int64_t e = -kE8m0Bias;
    if (nan_scale) b.note = "NaN or infinity in the block: NaN scale (0xFF), every element decodes to NaN";
    else if (amax.is_zero()) b.note = "all zero: smallest scale 2^-127, zero elements";
    else {
      e = shared_exponent(amax, el, q.options.scale_rule);
      if (e > kE8m0Bias) {
        nan_scale = true;
        b.note = "shared exponent " + std::to_string(e) + " above 127: NaN scale";
      } else if (e < -kE8m0Bias) {
        b.note = "shared exponent " + std::to_string(e) + " clamped to -127";
        e = -kE8m0Bias;
      }
    }
    if (nan_scale) {
      b.scale = ExactValue::nan();
      b.scale_code = 0xFF;
      for (size_t i : b.members) q.codes[i] = zero_code(values[i], el);
      continue;
    }
    b.scale = ExactValue::dyadic(false, 1, e);
    b.scale_code = static_cast<uint64_t>(e + kE8m0Bias);
    for (size_t i : b.members) q.codes[i] = element_code(div(values[i], b.scale), el, q.options.element_rounding);
  }
  q.packed = pack(q.codes, q.element->bits(), NibbleOrder::LowFirst);
}

std::vector<ExactValue> dequantize_mx(const Quantized& q) {
  std::vector<ExactValue> out(q.count);
  for (const QuantBlock& b : q.blocks)
    for (size_t i : b.members) out[i] = b.scale.is_nan() ? ExactValue::nan() : mul(element_value(q, q.codes[i]), b.scale);
  return out;
}

// ----- NVFP4 -----
// ideal: g = amax_tensor / 2688 (1 when amax_tensor = 0); block scale S = e4m3(rne, saturating) of
// amax_block / 6 / g; elements e2m1(rne, saturating) of x / (S g) (zero when S = 0); x' = e S g.
// te (TransformerEngine core_nvfp4.cuh): S_enc = float32(2688 / amax_tensor), capped at FLT_MAX, 1
// when amax_tensor = 0; S = e4m3(amax_block * float32(S_enc * float32(1/6))); the element scale
// min(1 / float32(S * float32(1 / S_enc)), FLT_MAX); elements e2m1(float32(x * scale));
// dequantize_nvfp4.cuh: x' = float32(e * float32(float32(S * amax_tensor) * float32(1.0 / 2688.0))).
void quantize_nvfp4(std::span<const ExactValue> values, Quantized& q) {
  const bool te = q.options.reference == "te";
  require_finite(values, "nvfp4 quantization");
  if (te) require_float32(values, "te");
  q.scale_format = &format_by_name(quant_scheme_by_name(q.options.scheme).facts.scale);
  const Format& e4m3 = *q.scale_format;
  Policy saturate;
  saturate.saturate = true;
  std::vector<size_t> all(values.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  ExactValue tensor_amax = q.options.tensor_amax ? q.options.tensor_amax->abs() : max_abs(values, all);
  require_finite(std::span<const ExactValue>(&tensor_amax, 1), "the nvfp4 tensor amax");
  if (te) require_float32(std::span<const ExactValue>(&tensor_amax, 1), "te");
  const ExactValue k2688 = integer_value(448 * 6), k6 = integer_value(6), one = integer_value(1);
  const Float32Math m;
  const ExactValue flt_max = decode(float32(), float32().max_finite_code()).value;

  q.tensor_amax = tensor_amax;
  ExactValue encode = one;  // te only
  if (!te) q.tensor_scale = tensor_amax.is_zero() ? one : div(tensor_amax, k2688);
  else {
    encode = m.div(k2688, tensor_amax);
    if (encode.is_inf()) encode = flt_max;
    if (tensor_amax.is_zero() || encode.is_zero()) encode = one;
    q.tensor_scale = m.div(one, encode);
  }
  const ExactValue& g = *q.tensor_scale;
  q.blocks = consecutive_blocks(values.size(), q.options.blocksize);
  q.codes.assign(values.size(), 0);
  for (QuantBlock& b : q.blocks) {
    ExactValue amax = max_abs(values, b.members);
    ExactValue wanted = te ? m.mul(amax, m.mul(encode, m.div(one, k6))) : div(div(amax, k6), g);
    b.scale_code = round_to_format(wanted, e4m3, Rounding::NearestEven, saturate).code;
    b.scale = decode(e4m3, b.scale_code).value;
    if (b.scale.is_zero()) b.note = amax.is_zero() ? "all zero: scale 0" : "block scale underflows E4M3: scale 0, zero elements";
    ExactValue element_scale;  // te: what x is multiplied by
    if (te) {
      element_scale = m.div(one, m.mul(b.scale, g));
      if (compare(element_scale, flt_max) > 0) element_scale = flt_max;
    }
    for (size_t i : b.members) {
      ExactValue e;
      if (te) e = m.mul(values[i], element_scale);
      else e = b.scale.is_zero() ? ExactValue::zero(values[i].negative) : div(values[i], mul(b.scale, g));
      q.codes[i] = round_to_format(e, *q.element, Rounding::NearestEven, saturate).code;
    }
  }
  q.packed = pack(q.codes, 4, NibbleOrder::LowFirst);
}

std::vector<ExactValue> dequantize_nvfp4(const Quantized& q) {
  std::vector<ExactValue> out(q.count);
  const bool te = q.options.reference == "te";
  const Float32Math m;
  // 1.0 / (6.0 * 448.0) is a double constant converted to float.
  const Format& f64 = format_by_name("float64");
  const ExactValue factor_inv =
      m.round(decode(f64, round_to_format(ExactValue::rational(false, 1, 2688), f64, Rounding::NearestEven).code).value);
  for (const QuantBlock& b : q.blocks) {
    const ExactValue final_scale = te ? m.mul(m.mul(b.scale, *q.tensor_amax), factor_inv) : ExactValue::zero();
    for (size_t i : b.members) {
      ExactValue e = element_value(q, q.codes[i]);
      out[i] = te ? m.mul(e, final_scale) : mul(mul(e, b.scale), *q.tensor_scale);
    }
  }
  return out;
}

}  // namespace fpc::quant
