// Fast references: stand-ins for the exact oracle that exhaustive sweeps can afford.
//
// A fast reference computes exactly what exact_reference(s) computes — the same output code for
// every input, bit for bit (NaN codes included) — using integer bit manipulation and tables
// instead of multiprecision rationals. It is trusted only because tests/test_fast_reference.cpp
// proves it equal to the exact oracle (docs/design.md, "The trust chain"): exhaustively over every
// input for domains of at most 2^16 codes, by dense boundary-focused sampling elsewhere.
//
// Coverage (deterministic rounding modes only; stochastic rounding has no fast path):
//   convert between binary floats (FormatKind::Float, any width up to 64 bits), every policy:
//     "code-table"  source of <= 16 bits: one table entry per source code
//     "keyed-table" wider source: a table indexed by (sign, exponent, top mantissa bits, sticky)
//     "bit-round"   where the keyed table would be too big (float64 -> float32, float32 -> float32...)
//   add, sub, mul, div, sqrt, fma on binary floats (fma: operands of <= 52 mantissa bits), any
//   output float format, every policy:
//     "op-table"         the whole input domain has at most 2^16 points (8-bit pairs, 16-bit sqrt)
//     "float-lane+keyed-table"  add/sub/mul of 16-bit formats (float16 in binary32, bfloat16 in
//                        binary64): the exact product, or the sum rounded to odd (TwoSum), in
//                        hardware floating point, then the keyed table binary32/64 -> output;
//                        only where a proof (fast_reference.cpp) says it is exact
//     "ieee-lane+exact-int"  float32 and float64 (operands and result alike): the CPU's IEEE
//                        arithmetic with embedded rounding, 16 or 8 cases an AVX-512 instruction,
//                        for the plain cases; the integer engine for the rest (fast_wide.hpp)
//     "exact-int+bit-round"  exact integer arithmetic (u128), rounded once by the bit-level rounder
//   anything else (integers, code tables, minimum/maximum...) whose whole input domain has at most
//   2^16 points: "oracle-table", a table filled by the exact oracle itself.
// Tables are built once per semantics and shared (thread-safe) while any BatchFn holds them.
//
// Codes with bits set above the input format's width make the batch throw InputError, as the
// oracle does (after the batch has been written, masked to the width).
#pragma once

#include "fpconform/semantics.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fpc {

// A batch function equal to exact_reference(s), or nullopt when no fast path covers s.
std::optional<BatchFn> fast_reference(const OpSemantics& s);

// The fast reference of a unary operation compared in place over consecutive input codes (an
// exhaustive sweep's chunk): differs(first, results, bytes, n) says whether any of results[0..n),
// unsigned codes of `bytes` (1, 2, 4 or 8) bytes each, differs in any bit from what
// fast_reference(s) gives for the input codes first, first + 1, ..., first + n - 1 (all within
// the input format). One pass, no operand or reference arrays: the same table entries that
// fast_reference(s) reads, so the proof that covers it covers this (tests/test_fast_reference.cpp
// also compares it with the exact oracle). nullopt where s's fast path is not a table indexed by
// one code (code-table, keyed-table, or a unary op-table / oracle-table).
struct ConsecutiveCompare {
  std::function<bool(uint64_t first, const void* results, int bytes, size_t n)> differs;
};
std::optional<ConsecutiveCompare> consecutive_compare(const OpSemantics& s);

// The fast path fast_reference(s) would take ("keyed-table", "bit-round", ...), "" if none.
std::string fast_reference_name(const OpSemantics& s);

// Sizes of the table behind fast_reference(s) (0 for table-less paths), for reports and benches.
struct FastReferenceTableInfo {
  size_t entries = 0;
  size_t bytes = 0;
};
FastReferenceTableInfo fast_reference_table_info(const OpSemantics& s);

namespace testing {
// Hooks for tests/test_fast_reference.cpp, not for production use.

// The bit-level engine (fast lanes included) for s even where fast_reference would use a table;
// nullopt when s has no bit-level path (non-float formats, minimum/maximum..., stochastic).
std::optional<BatchFn> bit_level_reference(const OpSemantics& s);

// The hardware-float lane for s (add/sub/mul, see fast_reference.cpp) even where fast_reference
// would use an op table; nullopt when the lane's conditions do not hold for s.
std::optional<BatchFn> lane_reference(const OpSemantics& s);

// The IEEE binary32/binary64 hardware lane ("ieee-lane+exact-int") for s, with the integer engine
// for the cases it hands back; with planted_off_by_one, a corrupted copy (one ulp off on the cases
// it decides whose operand 0 has exponent field bits ...101) that the proofs must catch. nullopt where s does not take it.
std::optional<BatchFn> wide_lane_reference(const OpSemantics& s, bool planted_off_by_one);

// The integer engine for fma (any input format it covers, binary64 included) with results one
// ulp off where operand 2 has low bits 1011: a corrupted copy that the proofs must catch.
std::optional<BatchFn> corrupted_engine_fma(const OpSemantics& s);

// One input case per entry of s's table (its representative: operand k of entry i is
// probes[k][i]); empty when s's fast path has no table.
std::vector<std::vector<uint64_t>> table_probes(const OpSemantics& s);

// A private, uncached copy of s's table with the entry that the case `probe` (one code per
// operand) reads XOR-ed with `flip`; nullopt when s's fast path has no table. Only for proving
// that the equality tests can fail.
std::optional<BatchFn> corrupted_fast_reference(const OpSemantics& s, const uint64_t* probe, uint64_t flip);
}  // namespace testing

}  // namespace fpc
