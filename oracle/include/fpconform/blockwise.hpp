// Ideal absmax blockwise quantization (the scheme of bitsandbytes' quantize_4bit/blockwise):
// each block of `blocksize` values is divided exactly by its absolute maximum and every quotient
// is rounded into an element format (a code table such as nf4/bnb_fp4, or any format); 4-bit
// codes pack two to a byte with the first element in the high nibble. This is the exact *ideal*
// reference: no float32 reciprocal, thresholds or flush-to-zero (those belong to a
// kernel-faithful reference).
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace fpc {

struct AbsmaxQuantized {
  const Format* element = nullptr;
  size_t blocksize = 0;
  size_t count = 0;                  // number of input values
  std::vector<uint64_t> codes;       // one per input value
  std::vector<ExactValue> absmax;    // one per block (0 for an all-zero block)
  std::vector<uint8_t> packed;       // 4-bit elements only: two codes a byte, first in the high nibble
};

// Values must be finite (InputError otherwise). An all-zero block has absmax 0 and every
// element takes the element format's code for +0 (or -0 for a -0 input).
AbsmaxQuantized quantize_absmax(std::span<const ExactValue> values, const Format& element, size_t blocksize,
                                Rounding mode = Rounding::NearestEven);

// Exact products code value * absmax, one per element.
std::vector<ExactValue> dequantize_absmax(const AbsmaxQuantized& q);

}  // namespace fpc
