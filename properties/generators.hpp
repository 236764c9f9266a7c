// RapidCheck generators for the property tests, in one place: codes of any format by class, exact
// values near the rounding boundaries of a format, operand tuples biased to the hard cases of
// add/sub/mul/fma/sqrt, rounding modes, policies and stochastic-rounding bits.
//
// Everything is derived from the format table (fpconform/format.hpp): a new format row is covered
// without touching this file. Generators are not scaled by RapidCheck's size (every case draws from
// the whole domain), and shrink toward simpler cases: positive before negative, normal before the
// other classes, 1.0's binade before the extremes, fewer mantissa bits, smaller exponent gaps,
// rne before the other modes, policies off.
#pragma once

#include "fpconform/arith.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/quantize.hpp"
#include "fpconform/round.hpp"
#include "fpconform/semantics.hpp"

#include <rapidcheck.h>

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {
// How RapidCheck prints these types in counterexamples (found by argument-dependent lookup).
void showValue(const ExactValue& v, std::ostream& os);
void showValue(Rounding r, std::ostream& os);
void showValue(const Policy& p, std::ostream& os);
void showValue(InfUnderSaturation s, std::ostream& os);
void showValue(const RandomBits& b, std::ostream& os);
}  // namespace fpc

namespace fpc::gen {

// ---- primitives -----------------------------------------------------------------------------
// Uniform in [lo, hi] (hi - lo < 2^64 - 1), shrinking toward lo.
rc::Gen<uint64_t> uniform(uint64_t lo, uint64_t hi);
// Uniform in [lo, hi], shrinking toward `center` (lo <= center <= hi): center, center+1, center-1, ...
rc::Gen<int64_t> around(int64_t center, int64_t lo, int64_t hi);
// A sign: true (negative) shrinks to false.
rc::Gen<bool> negative();

// ---- formats ----------------------------------------------------------------------------------
std::vector<const Format*> formats();        // every built-in format, in table order
std::vector<const Format*> float_formats();  // the Float kind ones
int precision(const Format& f);              // p = man_bits + 1 (Float only)

// ---- codes by class ---------------------------------------------------------------------------
// NearMax: the largest finite magnitude and the three below it (non-float formats: the extremes).
enum class CodeKind { Normal, Zero, Subnormal, NearMax, Infinity, NaN };
std::string to_string(CodeKind k);
// The kinds format f has (finite_only: without Infinity and NaN), simplest first.
std::vector<CodeKind> code_kinds(const Format& f, bool finite_only = false);
// A code of kind k, either sign where the format has one. Non-float formats: Normal is any code.
rc::Gen<uint64_t> code_of(const Format& f, CodeKind k);
rc::Gen<uint64_t> finite_code(const Format& f);  // a finite code, normal most often
rc::Gen<uint64_t> any_code(const Format& f);     // also ±inf and NaN where the format has them

// ---- values near the rounding boundaries of a format --------------------------------------------
// Exact values a rounding into f finds hard: codes' values, midpoints between adjacent values and
// midpoints ± tiny offsets (down to 2^-70 of the gap), the overflow threshold (max + ulp/2) and
// values beyond it, values around the subnormal boundary and zero, and arbitrary dyadic and
// non-dyadic rationals across the range. Never NaN or infinite.
rc::Gen<ExactValue> value_near_boundary(const Format& f);
// Any finite exact value across f's range and a little beyond: value_near_boundary or a random
// long dyadic or a small-denominator rational.
rc::Gen<ExactValue> value_for(const Format& f);
// A code of `in` whose value lies near a rounding boundary of `out` (value_near_boundary(out)
// rounded into `in` toward zero), or any code of `in`.
rc::Gen<uint64_t> code_near_boundary(const Format& in, const Format& out);

// ---- operands ----------------------------------------------------------------------------------
// arity(op) codes of the binary float format f: independent codes of any class, or, for add/sub
// and fma, pairs that cancel, pairs whose exponents differ by about the precision and exact ties;
// for mul exact ties; for sqrt squares. Shrinks toward independent positive normal codes.
rc::Gen<std::vector<uint64_t>> operands(const Format& f, Op op);
// Operands of an OpSemantics (convert or arithmetic, its input format), near the output's
// rounding boundaries, followed by the random bits for stochastic rounding.
rc::Gen<std::vector<uint64_t>> case_operands(const OpSemantics& s);

// ---- modes, policies, random bits ------------------------------------------------------------
rc::Gen<Rounding> rounding();                // every mode, rne first
rc::Gen<Rounding> deterministic_rounding();  // every mode but sr
rc::Gen<Policy> policy();                    // each field off unless drawn otherwise
rc::Gen<RandomBits> random_bits();           // k in [1, 64], r in [0, 2^k); shrinks toward k = 1, r = 0

// ---- blocks of float32 values for block quantizers (fpconform/quantize.hpp) ---------------------
// A block of check_blocksize(claims) float32 bit patterns (harness/check/block/block_check.hpp), biased to what
// breaks quantizers. The whole block is scaled by a power of two 2^k; slot 0 holds the amax: the
// unit amax of block_tie_grid (scale 1, so the grid's midpoints are exact ties), the power of two
// at its binade, one float32 ulp below or above that power of two, or nothing; the background
// (the whole block half the time, else its last slots) is +0, zeros of mixed signs, one value
// repeated, small normals or subnormals; then up to 8 chosen
// values at chosen places: ties between two element codes (a midpoint of block_tie_grid, scaled,
// or within 3 ulps of it), small normals, an outlier above the amax, subnormals, -0, any finite
// float32, and NaN/±inf only when quant_block_takes_specials(claims). Shrinks toward fewer chosen
// values, a +0 or shorter background, the unit amax, k = 0, smaller magnitudes and positive values.
// InputError as check_blocksize.
rc::Gen<std::vector<uint32_t>> quant_block(const QuantOptions& claims);
// Whether the claimed reference quantizes blocks holding NaN and infinities (ideal references
// that have no rule for them reject such blocks).
bool quant_block_takes_specials(const QuantOptions& claims);

// ---- helpers the properties share ----------------------------------------------------------------
ExactValue value_of(const Format& f, uint64_t code);  // decode(f, code).value
// Whether the finite codes a and b of f have equal or adjacent values (no finite value of f lies
// strictly between them).
bool equal_or_adjacent(const Format& f, uint64_t a, uint64_t b);
ExactValue add(const ExactValue& a, const ExactValue& b);  // exact
ExactValue mul(const ExactValue& a, const ExactValue& b);  // exact
ExactValue half(const ExactValue& a);                       // exact a/2

}  // namespace fpc::gen
