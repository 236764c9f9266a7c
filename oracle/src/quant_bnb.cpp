// bitsandbytes blockwise 4-bit quantization (FP4 and NF4): the ideal reference, the CUDA kernel's
// algorithm and the CPU ("default" backend) algorithm, plus double quantization of the absmax
// values. Facts from bitsandbytes csrc/kernels.cu (dQuantizeFP4, dQuantizeNF4, kQuantizeBlockwise)
// and bitsandbytes/functional.py (create_dynamic_map); docs/design.md "Block and code-table
// quantization" for the CPU path. docs/quantization.md states every step.
#include "fpconform/blockwise.hpp"
#include "quant_internal.hpp"

#include <algorithm>
#include <stdexcept>

namespace fpc::quant {

namespace {

bool is_fp4(const Quantized& q) { return q.options.scheme == "bnb_fp4"; }

std::vector<ExactValue> literals(std::initializer_list<const char*> texts) {
  std::vector<ExactValue> v;
  for (const char* t : texts) v.push_back(float32_literal(t));
  return v;
}

// dQuantizeNF4's decision tree compares x with these float32 constants using strict '>'; the tree
// is a binary search, so the code is the number of thresholds strictly below x (NaN: none -> 0).
const std::vector<ExactValue>& nf4_cuda_thresholds() {
  static const std::vector<ExactValue> t = literals(
      {"-0.8480964004993439", "-0.6106329262256622", "-0.4599952697753906", "-0.33967943489551544",
       "-0.23460740596055984", "-0.13791173323988914", "-0.045525018125772476", "0.03979014977812767",
       "0.1202552504837513", "0.2035212516784668", "0.2920137718319893", "0.3893125355243683",
       "0.5016634166240692", "0.6427869200706482", "0.8614784181118011"});
  return t;
}

// dQuantizeFP4: sign = x < 0 ? 8 : 0 (so -0 and NaN get 0), then |x| against these thresholds;
// k thresholds strictly below |x| give magnitude code kFp4ByRank[k].
const std::vector<ExactValue>& fp4_cuda_thresholds() {
  static const std::vector<ExactValue> t =
      literals({"0.00260417", "0.0859375", "0.20833333", "0.29166667", "0.4166667", "0.583333", "0.8333333"});
  return t;
}
constexpr uint64_t kFp4ByRank[8] = {0, 1, 6, 7, 4, 5, 2, 3};

size_t count_strictly_below(const ExactValue& x, const std::vector<ExactValue>& thresholds) {
  if (x.is_nan()) return 0;
  size_t k = 0;
  for (const ExactValue& t : thresholds)
    if (compare(x, t) > 0) ++k;
  return k;
}

uint64_t cuda_code(const ExactValue& scaled, bool fp4) {
  if (!fp4) return count_strictly_below(scaled, nf4_cuda_thresholds());
  uint64_t sign = (!scaled.is_nan() && !scaled.is_zero() && scaled.negative) ? 8 : 0;
  return kFp4ByRank[count_strictly_below(scaled.abs(), fp4_cuda_thresholds())] + sign;
}

// The CPU path: the table sorted by value (a stable sort, so +0 = code 0 precedes -0 = code 8),
// float32 midpoints (a + b) / 2 of neighbours, and searchsorted(side=left): the number of
// midpoints strictly below x picks the sorted entry; x exactly on a midpoint takes the lower one.
struct SortedTable {
  std::vector<uint64_t> codes;         // codes in ascending value order
  std::vector<ExactValue> midpoints;   // float32
};

SortedTable sorted_table(const Format& table) {
  SortedTable s;
  for (uint64_t c = 0; c < table.table.size(); ++c) s.codes.push_back(c);
  std::stable_sort(s.codes.begin(), s.codes.end(),
                   [&](uint64_t a, uint64_t b) { return compare(table.table[a], table.table[b]) < 0; });
  Float32Math m;
  for (size_t i = 0; i + 1 < s.codes.size(); ++i)
    s.midpoints.push_back(m.div(m.add(table.table[s.codes[i]], table.table[s.codes[i + 1]]), integer_value(2)));
  return s;
}

uint64_t cpu_code(const ExactValue& scaled, const SortedTable& t) {
  // torch.bucketize of NaN: ATen's lower bound advances while !(midpoint >= x), which holds for
  // every midpoint, so NaN lands past the last one: the highest entry (FP4 code 3, NF4 code 15).
  if (scaled.is_nan()) return t.codes.back();
  return t.codes[count_strictly_below(scaled, t.midpoints)];
}

void quantize_ideal(std::span<const ExactValue> values, Quantized& q) {
  require_finite(values, "the ideal bnb reference");
  AbsmaxQuantized a = quantize_absmax(values, *q.element, q.options.blocksize, Rounding::NearestEven);
  q.codes = a.codes;
  q.blocks = consecutive_blocks(values.size(), q.options.blocksize);
  for (size_t b = 0; b < q.blocks.size(); ++b) {
    q.blocks[b].scale = a.absmax[b];
    if (a.absmax[b].is_zero()) q.blocks[b].note = "all zero: absmax 0, every element the zero code";
  }
}

// kQuantizeBlockwise with --use_fast_math: absmax = fmaxf over |x| from -FLT_MAX (NaN skipped,
// subnormals read as 0), r = 1.0f / absmax, code = dQuantize(x * r).
void quantize_cuda(std::span<const ExactValue> values, Quantized& q) {
  const Float32Math m{.ftz = true};
  const bool fp4 = is_fp4(q);
  q.blocks = consecutive_blocks(values.size(), q.options.blocksize);
  q.codes.assign(values.size(), 0);
  const ExactValue lowest = decode(float32(), float32().lowest_finite_code()).value;
  for (QuantBlock& b : q.blocks) {
    ExactValue amax = lowest;
    for (size_t i : b.members) {
      ExactValue a = m.operand(values[i]).abs();
      if (!a.is_nan() && compare(a, amax) > 0) amax = a;
    }
    b.scale = amax;
    ExactValue r = m.div(integer_value(1), amax);
    if (amax.is_zero()) b.note = "absmax 0: x * (1/0) = NaN for every element, which fails every '>' (code 0)";
    else if (amax.negative) b.note = "every element NaN: absmax stays -FLT_MAX";
    for (size_t i : b.members) q.codes[i] = cuda_code(m.mul(values[i], r), fp4);
  }
}

uint64_t float32_code(const ExactValue& v) { return round_to_format(v, float32(), Rounding::NearestEven).code; }

// The absmax bits of a short last block holding a NaN: `A_flat[full:].abs().max()` is ATen's
// whole-tensor max (ReduceAllOpsKernel.cpp reduce_all_impl_vec), which combines values with
// Vectorized<float> `maximum` = max_ps(a, b) | unordered(a, b) ("Exploit the fact that all-ones is
// a NaN"): from two values on, any NaN gives 0xffffffff, which clamp(min=1e-38) keeps. One value
// is returned uncombined (its |x|: the quiet NaN). That `maximum` is the AVX2/AVX-512 one, which
// x86-64 machines run; ATen's generic one (ATEN_CPU_CAPABILITY=default) propagates the NaN read,
// 0x7fc00000, which this reference does not model. A full block's max(dim=-1) keeps the NaN it
// read (|x|, payload and all); the oracle's NaN inputs carry no payload: the quiet NaN 0x7fc00000.
constexpr uint64_t kAtenAllOnesNan = 0xffffffff;

// The default (CPU) backend, bitsandbytes/backends/default/ops.py quantize_4bit: absmax = max |x|
// (NaN propagates); scaled = clamp(x * (1 / max(absmax, 1e-38f)), -1, 1); code by bucketize over
// float32 midpoints. A last block shorter than blocksize (the `rem` tail) is computed apart:
// scaled = clamp(x / am, -1, 1) with am = max(absmax, 1e-38f), and am is what it stores.
void quantize_cpu(std::span<const ExactValue> values, Quantized& q) {
  const Float32Math m;
  const SortedTable table = sorted_table(*q.element);
  const ExactValue floor_absmax = float32_literal("1e-38");
  const ExactValue one = integer_value(1), minus_one = integer_value(-1);
  q.blocks = consecutive_blocks(values.size(), q.options.blocksize);
  q.codes.assign(values.size(), 0);
  for (QuantBlock& b : q.blocks) {
    const bool tail = b.members.size() < q.options.blocksize;
    ExactValue amax = max_abs(values, b.members);
    ExactValue clamped = amax.is_nan() || compare(amax, floor_absmax) >= 0 ? amax : floor_absmax;
    b.scale = tail ? clamped : amax;
    b.scale_code = float32_code(b.scale);
    if (tail && amax.is_nan() && b.members.size() >= 2) {
      b.scale_code = kAtenAllOnesNan;
      b.note = "NaN in a short last block: ATen's whole-tensor max stores the all-ones NaN 0xffffffff";
    }
    ExactValue r = m.div(one, clamped);
    if (amax.is_zero())
      b.note = tail ? "all zero (short last block): absmax clamped to 1e-38 and stored so"
                    : "all zero: absmax clamped to 1e-38 for the reciprocal, stored as 0";
    for (size_t i : b.members) {
      ExactValue s = tail ? m.div(values[i], clamped) : m.mul(values[i], r);
      if (!s.is_nan()) {
        if (compare(s, one) > 0) s = one;
        if (compare(s, minus_one) < 0) s = minus_one;
      }
      q.codes[i] = cpu_code(s, table);
    }
  }
}

// Nearest entry of an ascending table by exact comparison; ties take the lower index.
uint64_t nearest_index(const ExactValue& x, const std::vector<ExactValue>& table) {
  uint64_t best = 0;
  ExactValue best_distance;
  for (uint64_t i = 0; i < table.size(); ++i) {
    ExactValue d = sub(x, table[i]).abs();
    if (i == 0 || compare(d, best_distance) < 0) {
      best = i;
      best_distance = d;
    }
  }
  return best;
}

// Ideal double quantization: offset = exact mean of the absmax values; blocks of 256 centred
// values scaled by their absmax and rounded to the nearest dynamic-map entry.
NestedAbsmax nest_absmax(const std::vector<QuantBlock>& blocks) {
  NestedAbsmax n;
  ExactValue sum = ExactValue::zero();
  for (const QuantBlock& b : blocks) sum = add(sum, b.scale);
  n.offset = div(sum, integer_value(static_cast<int64_t>(blocks.size())));
  const std::vector<ExactValue>& map = bnb_dynamic_map();
  for (size_t start = 0; start < blocks.size(); start += n.blocksize) {
    size_t end = std::min(blocks.size(), start + n.blocksize);
    ExactValue amax2 = ExactValue::zero();
    std::vector<ExactValue> centred;
    for (size_t i = start; i < end; ++i) {
      centred.push_back(sub(blocks[i].scale, n.offset));
      if (compare(centred.back().abs(), amax2) > 0) amax2 = centred.back().abs();
    }
    n.absmax2.push_back(amax2);
    for (const ExactValue& c : centred)
      n.codes.push_back(nearest_index(amax2.is_zero() ? ExactValue::zero() : div(c, amax2), map));
  }
  return n;
}

// The absmax of each first-level block as dequantization sees it.
std::vector<ExactValue> effective_absmax(const Quantized& q) {
  std::vector<ExactValue> a;
  for (size_t b = 0; b < q.blocks.size(); ++b) {
    if (!q.nested) {
      a.push_back(q.blocks[b].scale);
      continue;
    }
    const NestedAbsmax& n = *q.nested;
    a.push_back(add(mul(bnb_dynamic_map()[n.codes[b]], n.absmax2[b / n.blocksize]), n.offset));
  }
  return a;
}

}  // namespace

namespace {

// The code of +0 in a code table (bnb_fp4: 0, nf4: 7).
uint64_t positive_zero_code(const Format& table) {
  for (uint64_t c = 0; c < (uint64_t{1} << table.bits()); ++c) {
    const Decoded d = decode(table, c);
    if (d.value.is_zero() && !d.value.negative) return c;
  }
  throw std::logic_error(table.name + " has no +0");
}

}  // namespace

void quantize_bnb(std::span<const ExactValue> values, Quantized& q) {
  q.scale_format = q.options.reference == "ideal" ? nullptr : &float32();
  if (q.options.reference == "ideal") quantize_ideal(values, q);
  else {
    require_float32(values, q.options.reference);
    if (q.options.double_quant)
      throw InputError("double quantization is modelled in the ideal reference only (the kernels' float32 mean "
                       "depends on their summation order)");
    if (q.options.reference == "cuda") quantize_cuda(values, q);
    else quantize_cpu(values, q);
  }
  if (q.options.reference == "cuda")  // quantize_cpu writes its own scale codes
    for (QuantBlock& b : q.blocks) b.scale_code = float32_code(b.scale);
  if (q.options.double_quant) q.nested = nest_absmax(q.blocks);
  q.packed = pack(q.codes, 4, NibbleOrder::HighFirst);
  // An odd count: bitsandbytes fills the last byte's low nibble with the code of a 0.0 element. The
  // CPU path pads the scaled values with 0 (the code of +0: NF4 7, FP4 0); the CUDA kernel loads 0.0
  // past the end and scales it like the block's values: 0 * (1/absmax), which is NaN (code 0, as for
  // the all-zero block) when the last block's absmax is 0.
  if (q.codes.size() % 2 != 0) {
    const QuantBlock& last = q.blocks.back();
    const bool nan_scaled = q.options.reference == "cuda" && (last.scale.is_zero() || last.scale.is_nan());
    q.packed.back() = static_cast<uint8_t>(q.packed.back() | (nan_scaled ? 0 : positive_zero_code(*q.element)));
  }
}

std::vector<ExactValue> dequantize_bnb(const Quantized& q) {
  std::vector<ExactValue> absmax = effective_absmax(q);
  std::vector<ExactValue> out(q.count);
  const bool faithful = q.options.reference != "ideal";
  const Float32Math m{.ftz = q.options.reference == "cuda"};
  for (size_t b = 0; b < q.blocks.size(); ++b)
    for (size_t i : q.blocks[b].members) {
      ExactValue c = element_value(q, q.codes[i]);
      out[i] = faithful ? m.mul(c, absmax[b]) : mul(c, absmax[b]);
    }
  return out;
}

}  // namespace fpc::quant

namespace fpc {

// create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8) as float32 arithmetic:
// for i in 0..6, boundaries = torch.linspace(0.1, 1, 2^i + 1) (float32: step = (1 - 0.1f) / (n-1),
// the first half start + step*k, the second half end - step*(n-1-k)), means = (b[k] + b[k+1]) / 2,
// entries +-(float32(10^(i-6)) * means); then 0 and 1, sorted.
const std::vector<ExactValue>& bnb_dynamic_map() {
  static const std::vector<ExactValue> map = [] {
    using namespace quant;
    const Float32Math m;
    std::vector<ExactValue> data;
    const ExactValue start = float32_literal("0.1"), end = integer_value(1);
    for (int i = 0; i < 7; ++i) {
      const int64_t n = (int64_t{1} << i) + 1;
      const ExactValue step = m.div(m.sub(end, start), integer_value(n - 1));
      std::vector<ExactValue> boundaries;
      for (int64_t k = 0; k < n; ++k)
        boundaries.push_back(k < n / 2 ? m.add(start, m.mul(step, integer_value(k)))
                                       : m.sub(end, m.mul(step, integer_value(n - 1 - k))));
      // 10 ** (i - 6) is a Python float (binary64), converted to float32 by the tensor product.
      ExactValue power = ExactValue::rational(false, 1, boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(6 - i)));
      ExactValue scale = m.round(decode(format_by_name("float64"),
                                        round_to_format(power, format_by_name("float64"), Rounding::NearestEven).code)
                                     .value);
      for (int64_t k = 0; k + 1 < n; ++k) {
        ExactValue mean = m.div(m.add(boundaries[k], boundaries[k + 1]), integer_value(2));
        ExactValue v = m.mul(scale, mean);
        data.push_back(v);
        data.push_back(v.negated());
      }
    }
    data.push_back(ExactValue::zero());
    data.push_back(integer_value(1));
    std::stable_sort(data.begin(), data.end(), [](const ExactValue& a, const ExactValue& b) { return compare(a, b) < 0; });
    return data;
  }();
  return map;
}

}  // namespace fpc
