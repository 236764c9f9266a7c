// The quantization API: scheme registry, option resolution, shared helpers, error statistics.
#include "fpconform/quantize.hpp"

#include "quant_internal.hpp"

#include <algorithm>
#include <stdexcept>

namespace fpc {

namespace quant {

const Format& float32() {
  static const Format& f = format_by_name("float32");
  return f;
}

ExactValue exact(Op op, const ExactValue& a, const ExactValue& b) {
  const ExactValue operands[2] = {a, b};
  ExactValue v = exact_op(op, operands, Rounding::NearestEven).value;
  if (v.is_finite_nonzero()) {  // keep the rationals small
    BigInt g = boost::multiprecision::gcd(v.num, v.den);
    if (g > 1) {
      v.num /= g;
      v.den /= g;
    }
  }
  return v;
}

ExactValue integer_value(int64_t n) { return ExactValue::rational(n < 0, BigInt(n < 0 ? -n : n)); }

ExactValue Float32Math::round(const ExactValue& x) const {
  Policy p;
  p.ftz = ftz;
  return decode(float32(), round_to_format(x, float32(), Rounding::NearestEven, p).code).value;
}

ExactValue Float32Math::operand(const ExactValue& x) const {
  if (!ftz || !x.is_finite_nonzero()) return x;
  return decode(float32(), round_to_format(x, float32(), Rounding::NearestEven).code, /*daz=*/true).value;
}

ExactValue Float32Math::op(Op o, const ExactValue& a, const ExactValue& b) const {
  return round(exact(o, operand(a), operand(b)));
}

ExactValue float32_literal(const char* text) { return Float32Math{}.round(parse_value(text)); }

bool is_float32(const ExactValue& x) { return identical(Float32Math{}.round(x), x); }

void require_float32(std::span<const ExactValue> values, const std::string& reference) {
  for (const ExactValue& v : values)
    if (!is_float32(v))
      throw InputError("the " + reference + " reference models a float32 kernel: " + to_exact_string(v) +
                       " is not a float32 value");
}

void require_finite(std::span<const ExactValue> values, const std::string& what) {
  for (const ExactValue& v : values)
    if (v.is_nan() || v.is_inf()) throw InputError(what + " takes finite values only (got " + to_exact_string(v) + ")");
}

BigInt round_half_even(const ExactValue& x) {
  // NaN and infinity have no integer: every caller decides what its scheme does with them first.
  if (x.is_nan() || x.is_inf()) throw std::logic_error("round_half_even of " + to_exact_string(x));
  if (x.is_zero()) return 0;
  BigInt q = x.num / x.den, r = x.num % x.den;
  BigInt twice = r * 2;
  if (twice > x.den || (twice == x.den && (q & 1) != 0)) q += 1;
  return x.negative ? BigInt(-q) : q;
}

ExactValue max_abs(std::span<const ExactValue> values, const std::vector<size_t>& members) {
  ExactValue m = ExactValue::zero();
  for (size_t i : members) {
    const ExactValue& v = values[i];
    if (v.is_nan()) return v;
    if (!v.is_zero() && (m.is_zero() || v.is_inf() || (!m.is_inf() && compare(v.abs(), m) > 0))) m = v.abs();
  }
  return m;
}

int64_t ceil_log2(const ExactValue& x) {
  int64_t e = floor_log2(x.num, x.den);
  ExactValue p = ExactValue::dyadic(false, 1, e);
  return compare(p, x) == 0 ? e : e + 1;
}

std::vector<uint8_t> pack(const std::vector<uint64_t>& codes, int bits, NibbleOrder order) {
  std::vector<uint8_t> out;
  if (bits > 4) {
    for (uint64_t c : codes) out.push_back(static_cast<uint8_t>(c));
    return out;
  }
  for (size_t i = 0; i < codes.size(); i += 2) {
    uint64_t first = codes[i], second = i + 1 < codes.size() ? codes[i + 1] : 0;
    out.push_back(static_cast<uint8_t>(order == NibbleOrder::HighFirst ? (first << 4) | second
                                                                         : (second << 4) | first));
  }
  return out;
}

std::vector<QuantBlock> consecutive_blocks(size_t count, size_t blocksize) {
  std::vector<QuantBlock> blocks;
  for (size_t start = 0; start < count; start += blocksize) {
    QuantBlock b;
    for (size_t i = start; i < std::min(count, start + blocksize); ++i) b.members.push_back(i);
    blocks.push_back(std::move(b));
  }
  return blocks;
}

}  // namespace quant

using namespace quant;

std::string_view short_name(MxScaleRule r) {
  switch (r) {
    case MxScaleRule::Floor: return "floor";
    case MxScaleRule::Ceil: return "ceil";
    case MxScaleRule::RoundUp: return "roundup";
    case MxScaleRule::Even: return "even";
  }
  return "?";
}

MxScaleRule mx_scale_rule_by_name(std::string_view name) {
  for (MxScaleRule r : {MxScaleRule::Floor, MxScaleRule::Ceil, MxScaleRule::RoundUp, MxScaleRule::Even})
    if (short_name(r) == name) return r;
  throw InputError("unknown scale rule '" + std::string(name.substr(0, 40)) + "' (floor, ceil, roundup, even)");
}

namespace {

const std::vector<size_t> kBnbBlocksizes = {32, 64, 128, 256, 512, 1024, 2048, 4096};

std::vector<QuantSchemeInfo> make_schemes() {
  std::vector<QuantSchemeInfo> s;
  // name, summary, references, default block size, block sizes, zero points, element facts
  // (element format, scale format, unit amax, offset, shift: QuantElementFacts)
  s.push_back({"bnb_fp4", "bitsandbytes blockwise FP4: absmax per block, bnb_fp4 code table, 2 codes a byte (high nibble first)",
               {"ideal", "cuda", "cpu"}, 64, kBnbBlocksizes, false, {"bnb_fp4", "float32", "1", 0, 0}});
  s.push_back({"bnb_nf4", "bitsandbytes blockwise NF4: absmax per block, nf4 code table, 2 codes a byte (high nibble first)",
               {"ideal", "cuda", "cpu"}, 64, kBnbBlocksizes, false, {"nf4", "float32", "1", 0, 0}});
  // LLM.int8 with absmax 127 (q = x), an asymmetric group with [min, max] = [0, 15] (scale 1,
  // zero 0), a symmetric one with max |x| = 7.5 (scale 1, zero 8): midpoints k + 1/2 are ties.
  s.push_back({"llm_int8_row", "LLM.int8 vector-wise int8: per row, q = round(x * 127 / absmax(row))",
               {"ideal", "torch"}, 0, {}, false, {"int8", "float32", "127", 0, 0}});
  s.push_back({"llm_int8_col", "LLM.int8 vector-wise int8: per column, q = round(x * 127 / absmax(column))",
               {"ideal", "torch"}, 0, {}, false, {"int8", "float32", "127", 0, 0}});
  s.push_back({"uint4_group", "GPTQ asymmetric 4-bit groups: scale = (max - min) / 15, zero = round(-min / scale)",
               {"ideal", "torch"}, 128, {}, true, {"uint4", "float32", "15", 0, 0}});
  s.push_back({"int4_group", "GPTQ symmetric 4-bit groups: scale = 2 max|x| / 15, zero = 8",
               {"ideal", "torch"}, 128, {}, true, {"uint4", "float32", "7.5", 8, 0}});
  // MX: amax = the largest element value gives E = 0 under every scale rule (OCP MX v1.0 6.3).
  s.push_back({"mxfp8_e4m3", "OCP MX v1.0 MXFP8 (E4M3 elements), 32-element blocks, E8M0 scale", {"ideal"}, 32, {}, false,
               {"float8_e4m3fn", "float8_e8m0fnu", "", 0, 0}});
  s.push_back({"mxfp8_e5m2", "OCP MX v1.0 MXFP8 (E5M2 elements), 32-element blocks, E8M0 scale", {"ideal"}, 32, {}, false,
               {"float8_e5m2", "float8_e8m0fnu", "", 0, 0}});
  s.push_back({"mxfp6_e2m3", "OCP MX v1.0 MXFP6 (E2M3 elements), 32-element blocks, E8M0 scale", {"ideal"}, 32, {}, false,
               {"float6_e2m3fn", "float8_e8m0fnu", "", 0, 0}});
  s.push_back({"mxfp6_e3m2", "OCP MX v1.0 MXFP6 (E3M2 elements), 32-element blocks, E8M0 scale", {"ideal"}, 32, {}, false,
               {"float6_e3m2fn", "float8_e8m0fnu", "", 0, 0}});
  s.push_back({"mxfp4", "OCP MX v1.0 MXFP4 (E2M1 elements), 32-element blocks, E8M0 scale", {"ideal"}, 32, {}, false,
               {"float4_e2m1fn", "float8_e8m0fnu", "", 0, 0}});
  // MXINT8: int8 with an implicit scale of 2^-6, symmetric (-128 is not used): [-127/64, 127/64].
  s.push_back({"mxint8", "OCP MX v1.0 MXINT8 (int8 elements, implicit scale 2^-6), 32-element blocks, E8M0 scale",
               {"ideal"}, 32, {}, false, {"int8", "float8_e8m0fnu", "127/64", 0, 6}});
  // NVFP4: a block alone sets the tensor amax too; amax 6 gives g = 6/2688, S = 448, S g = 1.
  s.push_back({"nvfp4", "NVIDIA NVFP4: E2M1 elements, 16-element blocks, E4M3 block scales, float32 tensor scale",
               {"ideal", "te"}, 16, {16}, false, {"float4_e2m1fn", "float8_e4m3fn", "6", 0, 0}});
  return s;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::span<const QuantSchemeInfo> quant_schemes() {
  static const std::vector<QuantSchemeInfo> schemes = make_schemes();
  return schemes;
}

const QuantSchemeInfo& quant_scheme_by_name(std::string_view name) {
  for (const QuantSchemeInfo& s : quant_schemes())
    if (s.name == name) return s;
  throw InputError("unknown quantization scheme '" + std::string(name.substr(0, 40)) + "' (try 'fpconform quantize --list')");
}

QuantElementGrid quant_element_grid(const QuantSchemeInfo& info) {
  const QuantElementFacts& f = info.facts;
  const Format& element = format_by_name(f.element);
  QuantElementGrid g;
  const ExactValue offset = integer_value(f.offset), step = ExactValue::dyadic(false, 1, -f.shift);
  for (uint64_t c = 0; c < element.code_count(); ++c) {
    const Decoded d = decode(element, c);
    if (d.cls == CodeClass::NaN || d.cls == CodeClass::Infinity) continue;
    g.values.push_back(mul(sub(d.value, offset), step));
  }
  auto less = [](const ExactValue& a, const ExactValue& b) { return compare(a, b) < 0; };
  auto same = [](const ExactValue& a, const ExactValue& b) { return compare(a, b) == 0; };
  std::sort(g.values.begin(), g.values.end(), less);
  g.values.erase(std::unique(g.values.begin(), g.values.end(), same), g.values.end());
  if (!f.unit_amax.empty()) {
    g.unit_amax = parse_value(f.unit_amax);
    std::erase_if(g.values, [&](const ExactValue& v) { return compare(v.abs(), g.unit_amax) > 0; });
  } else {
    g.unit_amax = g.values.back();
  }
  return g;
}

Quantized quantize(std::span<const ExactValue> values, const QuantOptions& options) {
  const QuantSchemeInfo& info = quant_scheme_by_name(options.scheme);
  if (std::find(info.references.begin(), info.references.end(), options.reference) == info.references.end()) {
    std::string known;
    for (const std::string& r : info.references) known += (known.empty() ? "" : ", ") + r;
    throw InputError("scheme " + info.name + " has no reference '" + options.reference.substr(0, 40) + "' (" + known + ")");
  }
  Quantized q;
  q.options = options;
  q.count = values.size();
  if (q.options.blocksize == 0) q.options.blocksize = info.default_blocksize;
  const size_t bs = q.options.blocksize;
  if (!info.blocksizes.empty() && std::find(info.blocksizes.begin(), info.blocksizes.end(), bs) == info.blocksizes.end()) {
    std::string known;
    for (size_t b : info.blocksizes) known += (known.empty() ? "" : " ") + std::to_string(b);
    throw InputError("scheme " + info.name + " takes block sizes " + known + " (got " +
                     (bs == kWholeRow ? std::string("row") : std::to_string(bs)) + ")");
  }
  if (options.element_rounding == Rounding::Stochastic) throw InputError("quantize takes a deterministic rounding mode");
  if (options.double_quant && !starts_with(info.name, "bnb_")) throw InputError("double quantization is for bnb_fp4/bnb_nf4");
  if (options.tensor_amax && info.name != "nvfp4") throw InputError("a tensor amax is for nvfp4 only");
  if (options.cols != 0 && values.size() % options.cols != 0)
    throw InputError(std::to_string(values.size()) + " values do not fill rows of " + std::to_string(options.cols));

  q.element = &format_by_name(info.facts.element);
  if (starts_with(info.name, "bnb_")) quantize_bnb(values, q);
  else if (starts_with(info.name, "llm_int8")) quantize_llm_int8(values, q);
  else if (info.name == "uint4_group" || info.name == "int4_group") quantize_int4_group(values, q);
  else if (starts_with(info.name, "mx")) quantize_mx(values, q);
  else quantize_nvfp4(values, q);
  return q;
}

std::vector<ExactValue> dequantize(const Quantized& q) {
  const std::string& s = q.options.scheme;
  if (starts_with(s, "bnb_")) return dequantize_bnb(q);
  if (starts_with(s, "llm_int8")) return dequantize_llm_int8(q);
  if (s == "uint4_group" || s == "int4_group") return dequantize_int4_group(q);
  if (starts_with(s, "mx")) return dequantize_mx(q);
  return dequantize_nvfp4(q);
}

ExactValue element_value(const Quantized& q, uint64_t code) {
  if (q.options.scheme == "mxint8") {
    ExactValue v = decode(*q.element, code).value;
    return div(v, integer_value(64));
  }
  return decode(*q.element, code).value;
}

QuantError quant_error(std::span<const ExactValue> input, std::span<const ExactValue> dequantized) {
  QuantError e;
  e.max_abs = e.sum_squares = e.signal_squares = ExactValue::zero();
  for (size_t i = 0; i < input.size() && i < dequantized.size(); ++i) {
    const ExactValue &x = input[i], &y = dequantized[i];
    if (x.is_nan() || x.is_inf() || y.is_nan() || y.is_inf()) {
      ++e.skipped;
      continue;
    }
    ++e.compared;
    ExactValue d = sub(x, y).abs();
    if (compare(d, e.max_abs) > 0) e.max_abs = d;
    e.sum_squares = add(e.sum_squares, mul(d, d));
    e.signal_squares = add(e.signal_squares, mul(x, x));
  }
  return e;
}

}  // namespace fpc
