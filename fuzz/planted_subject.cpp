#include "planted_subject.hpp"

#include "fpconform/arith.hpp"
#include "fpconform/quantize.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace fpc::fuzz {

namespace {

uint16_t bf16_sticky_one(uint32_t x) {
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x0040u);  // NaN: quiet
  const uint32_t rne = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
  // The bug: exponent field 0x85 and sticky bits exactly 1 take the other neighbour.
  if ((x & 0x7F807FFFu) == 0x42800001u) return static_cast<uint16_t>(rne == (x >> 16) ? rne + 1 : x >> 16);
  return static_cast<uint16_t>(rne);
}

BlockOutput mxfp4_tie_at_power_of_two(std::span<const uint32_t> bits) {
  const Format& f32 = format_by_name("float32");
  QuantOptions claims;
  claims.scheme = "mxfp4";
  claims.blocksize = 32;
  BlockOutput out;
  for (size_t start = 0; start < bits.size(); start += 32) {
    const std::span<const uint32_t> block = bits.subspan(start, std::min<size_t>(32, bits.size() - start));
    std::vector<ExactValue> values;
    uint32_t amax = 0;
    for (uint32_t b : block) {
      values.push_back(decode(f32, b).value);
      amax = std::max(amax, b & 0x7fffffffu);  // float32 magnitudes order as their bits (NaN above all)
    }
    const Quantized q = quantize(values, claims);
    std::vector<uint64_t> codes = q.codes;
    const bool power_of_two = (amax & 0x007fffffu) == 0 && amax >= 0x00800000u && amax < 0x7f800000u;
    if (power_of_two && !q.blocks[0].scale.is_nan()) {
      const ExactValue operands[2] = {ExactValue::dyadic(false, 5, -1), q.blocks[0].scale};  // 2.5 * 2^E
      const ExactValue tie = exact_op(Op::Mul, operands, Rounding::NearestEven).value;
      for (size_t i = 0; i < values.size(); ++i)
        if (compare(values[i].abs(), tie) == 0 && (codes[i] & 7) == 4) ++codes[i];  // 2 -> 3
    }
    out.codes.insert(out.codes.end(), codes.begin(), codes.end());
    out.scale_codes.push_back(q.blocks[0].scale_code);
  }
  return out;
}

}  // namespace

Subject make_fuzz_planted_subject() {
  Subject s;
  s.name = "fuzz_planted";
  s.description = "FUZZ ONLY: float32 -> bfloat16 rne, wrong only for sticky bits 0b...0001 in one binade";
  s.test_only = true;
  SubjectOp op;
  op.name = "float32_to_bfloat16_sticky_one";
  op.entry = "rne(x), other neighbour when (x & 0x7F807FFF) == 0x42800001";
  op.semantics.op = "convert";
  op.semantics.in = &format_by_name("float32");
  op.semantics.out = &format_by_name("bfloat16");
  op.semantics.rounding = Rounding::NearestEven;
  op.run = [](const uint64_t* const* in, uint64_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = bf16_sticky_one(static_cast<uint32_t>(in[0][i]));
  };
  s.ops.push_back(std::move(op));
  return s;
}

BlockSubject make_fuzz_planted_block_subject() {
  BlockSubject s;
  s.name = "fuzz_planted_block";
  s.description = "FUZZ ONLY: MXFP4 ideal, 2.5 * 2^E rounded to 3 when the block's amax is a power of two";
  s.claims.scheme = "mxfp4";
  s.claims.reference = "ideal";
  s.claims.blocksize = 32;
  s.test_only = true;
  s.run = mxfp4_tie_at_power_of_two;
  return s;
}

}  // namespace fpc::fuzz
