#include "planted_subject.hpp"

#include <cstdint>

namespace fpc::fuzz {

namespace {

uint16_t bf16_sticky_one(uint32_t x) {
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x0040u);  // NaN: quiet
  const uint32_t rne = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
  // The bug: exponent field 0x85 and sticky bits exactly 1 take the other neighbour.
  if ((x & 0x7F807FFFu) == 0x42800001u) return static_cast<uint16_t>(rne == (x >> 16) ? rne + 1 : x >> 16);
  return static_cast<uint16_t>(rne);
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

}  // namespace fpc::fuzz
