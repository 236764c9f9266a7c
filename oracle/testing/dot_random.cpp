#include "dot_random.hpp"

#include <algorithm>

namespace fpc::testing {

uint64_t random_code(const Format& f, uint64_t bits, int centre) {
  const int E = f.exp_bits, M = f.man_bits;
  const uint64_t field_ones = (uint64_t{1} << E) - 1, mant_mask = (uint64_t{1} << M) - 1;
  const uint64_t sign = f.has_sign ? ((bits >> 8) & 1) << (E + M) : 0;
  const uint64_t mant = (bits >> 9) & mant_mask;
  const unsigned shape = bits & 0xff;
  if (shape < 20) return sign;                                       // a zero
  if (shape < 32) return sign | mant;                                // a subnormal (or zero)
  if (shape < 38) return sign | (field_ones << M) | (mant_mask >> (shape & 1));  // inf/NaN/top
  if (shape < 44) return sign | ((field_ones - 1) << M) | mant;      // the largest binade
  if (shape < 50) return (bits >> 16) & f.code_mask();               // anything
  // Finite, within +-3 binades of the centre.
  const int spread = static_cast<int>((bits >> 40) % 7) - 3;
  const int field = std::clamp(centre + spread, f.has_zero ? 1 : 0, static_cast<int>(field_ones) - 1);
  return sign | (static_cast<uint64_t>(field) << M) | mant;
}

}  // namespace fpc::testing
