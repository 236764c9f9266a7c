// Block and code-table quantization schemes: one API for every scheme and reference.
//
// A *scheme* turns a sequence of exact values into element codes plus per-block scales (and, for
// some schemes, zero points, a per-tensor scale or a second quantization level), and turns them
// back into exact values. Every scheme has an *ideal* reference (exact arithmetic, exact
// comparisons, ties decided by a stated rule) and, where real kernels deliberately compute
// differently, named *kernel-faithful* references that model the kernel's float32 arithmetic
// step by step, each step rounded exactly into float32 by the oracle (never hardware floats).
// docs/quantization.md gives every formula, its source and the faithful variants.
//
// Schemes (quant_schemes() lists them with their references and block sizes):
//   bnb_fp4, bnb_nf4      bitsandbytes blockwise 4-bit (absmax per block; references ideal, cuda, cpu;
//                         optional double quantization of the absmax values)
//   llm_int8_row, llm_int8_col
//                         LLM.int8 vector-wise absmax int8 (references ideal, torch)
//   uint4_group, int4_group
//                         GPTQ-style groups with scale and zero point (asymmetric / symmetric;
//                         references ideal, torch)
//   mxfp8_e4m3, mxfp8_e5m2, mxfp6_e2m3, mxfp6_e3m2, mxfp4, mxint8
//                         OCP MX v1.0, 32-element blocks, E8M0 scale (reference ideal; the scale
//                         rule is an option)
//   nvfp4                 NVIDIA NVFP4: E2M1 elements, 16-element blocks, E4M3 block scales and a
//                         float32 tensor scale (references ideal, te)
#pragma once

#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fpc {

// How an MX block's E8M0 shared exponent E is chosen from the block's amax (X = 2^E):
enum class MxScaleRule {
  Floor,    // OCP MX v1.0 section 6.3: E = floor(log2 amax) - emax_elem (block max may saturate)
  Ceil,     // E = ceil(log2(amax / max_elem)) exactly: the smallest E with amax / 2^E <= max_elem
  RoundUp,  // TransformerEngine/cuBLAS: float32 q = amax * float32(1/max_elem), E = ceil(log2 q)
            // (cvt.rp.satfinite.ue8m0: an overflowing E saturates to 127 instead of NaN)
  Even,     // E = floor(log2(amax rounded to the element precision, rne)) - emax_elem
};
std::string_view short_name(MxScaleRule r);   // "floor" "ceil" "roundup" "even"
MxScaleRule mx_scale_rule_by_name(std::string_view name);  // InputError on others

struct QuantOptions {
  std::string scheme;               // a name from quant_schemes()
  std::string reference = "ideal";  // "ideal" or one of the scheme's faithful references
  size_t blocksize = 0;             // 0: the scheme's default; groups: kWholeRow for one group per row
  size_t cols = 0;                  // matrix row length (LLM.int8, int4 groups); 0: one row of all values
  MxScaleRule scale_rule = MxScaleRule::Floor;       // MX only
  Rounding element_rounding = Rounding::NearestEven;  // MX element rounding (not sr)
  bool double_quant = false;        // bnb: 8-bit blockwise quantization of the absmax values
  std::optional<ExactValue> tensor_amax;  // nvfp4: per-tensor amax (default: amax of the input)
};
inline constexpr size_t kWholeRow = ~size_t{0};

// The element and scale facts of a scheme: the one place block checks, their generators, fuzz
// targets and the quantizers themselves take them from.
struct QuantElementFacts {
  std::string element;       // element code format (format table name): bnb_fp4, nf4, int8, uint4, float4_e2m1fn ...
  std::string scale;         // format of the one scale code a block stores (float32 where the ideal
                             // reference keeps the scale exact and kernels store float32)
  // The tie grid: at scale 1 an element code c stands for (value(c) - offset) / 2^shift, and the
  // grid is those values with magnitude <= unit_amax; a block whose amax is unit_amax has scale 1
  // (empty unit_amax: the largest grid value; int4_group only when the block also holds a
  // negative value, since a GPTQ group with min >= 0 is not made symmetric). Midpoints of
  // consecutive grid values are then exact ties of the element rounding.
  std::string unit_amax;     // exact value ("1", "7.5", "127/64") or empty
  int offset = 0;            // int4_group: the zero point 8 of a symmetric group
  int shift = 0;             // MXINT8: int8 / 2^6
};

struct QuantSchemeInfo {
  std::string name;
  std::string summary;
  std::vector<std::string> references;  // "ideal" first
  size_t default_blocksize = 0;
  std::vector<size_t> blocksizes;        // the allowed block sizes; empty: any positive size
  bool zero_points = false;              // a zero point per block besides the scale (int4 groups)
  QuantElementFacts facts;
};
std::span<const QuantSchemeInfo> quant_schemes();
const QuantSchemeInfo& quant_scheme_by_name(std::string_view name);  // InputError on unknown names

// The scheme's element values at scale 1 (QuantElementFacts), ascending, distinct (one zero), and
// the block amax that gives scale 1.
struct QuantElementGrid {
  std::vector<ExactValue> values;
  ExactValue unit_amax;
};
QuantElementGrid quant_element_grid(const QuantSchemeInfo& info);

// One block (bnb/MX/NVFP4 block, LLM.int8 row or column, int4 group).
struct QuantBlock {
  std::vector<size_t> members;  // indices of the input values, in block order
  ExactValue scale;             // the stored scale's exact value: absmax (bnb, LLM.int8), 2^E (MX),
                                // the E4M3 value (NVFP4), the group step (int4); NaN for a NaN scale
  uint64_t scale_code = 0;      // the scale's code in Quantized::scale_format (when there is one)
  int64_t zero_point = 0;       // int4/uint4 groups
  std::string note;             // what the reference did specially here ("all zero: ...")
};

// bitsandbytes' second level: absmax values quantized with the 8-bit dynamic map in blocks of 256
// after subtracting their mean.
struct NestedAbsmax {
  ExactValue offset;                // the mean that was subtracted
  size_t blocksize = 256;
  std::vector<uint64_t> codes;      // one 8-bit code (index into dynamic_map) per first-level block
  std::vector<ExactValue> absmax2;  // one per 256 first-level blocks
};

struct Quantized {
  QuantOptions options;             // resolved: blocksize filled in
  const Format* element = nullptr;  // element code format (bnb_fp4, nf4, int8, uint4, e4m3 ...)
  const Format* scale_format = nullptr;  // float32, float8_e8m0fnu, float8_e4m3fn, or nullptr (exact)
  size_t count = 0;
  std::vector<uint64_t> codes;      // one element code per input value
  std::vector<uint8_t> packed;      // element codes as stored (see docs/quantization.md "Packing")
  std::vector<QuantBlock> blocks;
  std::optional<ExactValue> tensor_amax;   // nvfp4: the per-tensor amax the scales derive from
  std::optional<ExactValue> tensor_scale;  // nvfp4: the per-tensor decode scale (amax / 2688; te:
                                           // float32(1 / float32(2688 / amax)))
  std::optional<NestedAbsmax> nested;      // bnb double quantization
};

// Quantizes values by options. Throws InputError for unknown schemes/references, bad block sizes,
// values a reference cannot take (non-finite values in an ideal reference that has no rule for
// them; values that are not float32 in a faithful reference, which models float32 kernels).
Quantized quantize(std::span<const ExactValue> values, const QuantOptions& options);

// The values the stored codes and scales stand for, per the same reference (ideal: exact
// products; faithful: the kernel's float32 dequantization).
std::vector<ExactValue> dequantize(const Quantized& q);

// The exact value of element code c of q (before scaling): a table entry, a float code's value,
// an integer (MXINT8: integer / 64).
ExactValue element_value(const Quantized& q, uint64_t code);

// bitsandbytes create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8): 256 values
// ascending, modelled in float32 (see docs/quantization.md for the modelling assumptions).
const std::vector<ExactValue>& bnb_dynamic_map();

// Error of dequantized values against the inputs, over the finite inputs whose dequantized value
// is finite (others are counted in `skipped`). All exact.
struct QuantError {
  size_t compared = 0, skipped = 0;
  ExactValue max_abs;         // max |x - y|
  ExactValue sum_squares;     // sum (x - y)^2
  ExactValue signal_squares;  // sum x^2
};
QuantError quant_error(std::span<const ExactValue> input, std::span<const ExactValue> dequantized);

}  // namespace fpc
