// The float32 hardware lane (fast_reference.cpp, "float-lane+keyed-table") over one row of an
// exhaustive pair sweep, 16 cases per AVX-512 instruction: operand 0 fixed, operand 1 running
// over consecutive codes. It computes what the scalar lane computes — the exact product, or the
// sum rounded to odd by TwoSum (v below) — and then rounds v into the output format in one of
// two ways, both equal to the keyed table float32 -> output:
//   - where v lies in the output's normal range and the result stays finite, by integer
//     arithmetic on v's bits (RoundInRange: an IEEE-style output with 1..21 mantissa bits; v has
//     at least two bits more than the output, so rounding v once is rounding the exact result);
//     into IEEE binary16 under rne/rtz/rup/rdn, every finite v by the hardware conversion;
//   - everywhere else (subnormal or zero results, overflow, inf and NaN sums — the table's
//     entries for +-inf and NaN are the oracle's results for them), by the keyed table.
// Exact zero sums keep the hardware's sign (+0 unless both operands are -0): right for every mode
// but rdn, which the caller fixes up.
// tests/test_fast_reference.cpp proves it equal to the bit-level engine row by row.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fpc::fast {

enum class LaneOp { Add, Sub, Mul };

// Output geometry for rounding in range by arithmetic; valid = false means: always the table.
struct RoundInRange {
  bool valid = false;
  int mode = 0;             // the Rounding enum's value, deterministic modes only
  int man_bits = 0;         // output mantissa bits (1..21)
  int bias = 0;             // output exponent bias
  uint32_t field_ones = 0;  // output exponent field of inf/NaN (all ones)
  uint32_t sign_bit = 0;    // output sign bit (in the code)
  // The output is IEEE binary16 with IEEE overflow and no flushing, and the mode is rne, rtz,
  // rup or rdn: every finite v rounds by the hardware's float32 -> float16 conversion with that
  // rounding immediate (VCVTPS2PH; v has 24 bits, at least 11 + 2, so rounding v once is rounding
  // the exact result), and only NaN and infinite sums go to the table.
  bool binary16_hardware = false;
};

struct LaneRow {
  float x = 0;                       // operand 0, decoded
  const uint32_t* y_bits = nullptr;  // operand 1 for each case, decoded (float32 bits)
  size_t n = 0;
  LaneOp op = LaneOp::Add;
  int shift = 0;                     // the keyed table's shift (key = top bits, sticky)
  const void* table = nullptr;       // keyed table float32 -> output, entry_bytes each, padded
  int entry_bytes = 0;               // 1, 2 or 4
  RoundInRange in_range;
  uint64_t* out = nullptr;
};

// Whether this CPU runs lane_row_avx512 (AVX-512 F and DQ), decided once.
bool lane_row_avx512_available();

// Writes r.n results to r.out. Requires lane_row_avx512_available() and round-to-nearest hardware.
void lane_row_avx512(const LaneRow& r);

}  // namespace fpc::fast
