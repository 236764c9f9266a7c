#include "fpconform/blockwise.hpp"

#include <algorithm>

namespace fpc {

AbsmaxQuantized quantize_absmax(std::span<const ExactValue> values, const Format& element, size_t blocksize,
                                Rounding mode) {
  if (blocksize == 0) throw InputError("blocksize must be positive");
  if (mode == Rounding::Stochastic) throw InputError("absmax quantization takes a deterministic rounding mode");
  AbsmaxQuantized q;
  q.element = &element;
  q.blocksize = blocksize;
  q.count = values.size();
  for (size_t start = 0; start < values.size(); start += blocksize) {
    auto block = values.subspan(start, std::min(blocksize, values.size() - start));
    ExactValue amax = ExactValue::zero();
    for (const ExactValue& v : block) {
      if (v.is_nan() || v.is_inf()) throw InputError("absmax quantization takes finite values only");
      if (!v.is_zero() && compare(v.abs(), amax) > 0) amax = v.abs();
    }
    q.absmax.push_back(amax);
    for (const ExactValue& v : block) {
      ExactValue scaled = v.is_zero() || amax.is_zero()
                              ? ExactValue::zero(v.negative)
                              : ExactValue::rational(v.negative, v.num * amax.den, v.den * amax.num);
      q.codes.push_back(round_to_format(scaled, element, mode).code);
    }
  }
  if (element.bits() == 4) {
    for (size_t i = 0; i < q.codes.size(); i += 2) {
      uint64_t lo = i + 1 < q.codes.size() ? q.codes[i + 1] : 0;
      q.packed.push_back(static_cast<uint8_t>((q.codes[i] << 4) | lo));
    }
  }
  return q;
}

std::vector<ExactValue> dequantize_absmax(const AbsmaxQuantized& q) {
  std::vector<ExactValue> out;
  out.reserve(q.codes.size());
  for (size_t i = 0; i < q.codes.size(); ++i) {
    ExactValue c = decode(*q.element, q.codes[i]).value;
    const ExactValue& a = q.absmax[i / q.blocksize];
    if (c.is_zero() || a.is_zero()) out.push_back(ExactValue::zero(c.negative));
    else out.push_back(ExactValue::rational(c.negative, c.num * a.num, c.den * a.den));
  }
  return out;
}

}  // namespace fpc
