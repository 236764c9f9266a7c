// Helpers shared by the quantization schemes (oracle/src/quant_*.cpp). Not installed.
#pragma once

#include "fpconform/arith.hpp"
#include "fpconform/quantize.hpp"

#include <span>
#include <string>
#include <vector>

namespace fpc::quant {

const Format& float32();

// ----- exact arithmetic on extended reals (IEEE 754 special cases, no rounding) -----
ExactValue exact(Op op, const ExactValue& a, const ExactValue& b);
inline ExactValue mul(const ExactValue& a, const ExactValue& b) { return exact(Op::Mul, a, b); }
inline ExactValue div(const ExactValue& a, const ExactValue& b) { return exact(Op::Div, a, b); }
inline ExactValue add(const ExactValue& a, const ExactValue& b) { return exact(Op::Add, a, b); }
inline ExactValue sub(const ExactValue& a, const ExactValue& b) { return exact(Op::Sub, a, b); }
ExactValue integer_value(int64_t n);

// ----- float32 arithmetic of a modelled kernel: each result rounded exactly (rne) -----
// ftz: subnormal operands read as zero and subnormal results flushed (CUDA fast math).
struct Float32Math {
  bool ftz = false;
  ExactValue round(const ExactValue& x) const;   // into float32 (flushing if ftz)
  ExactValue operand(const ExactValue& x) const;  // an operand as the hardware reads it
  ExactValue op(Op op, const ExactValue& a, const ExactValue& b) const;
  ExactValue mul(const ExactValue& a, const ExactValue& b) const { return op(Op::Mul, a, b); }
  ExactValue div(const ExactValue& a, const ExactValue& b) const { return op(Op::Div, a, b); }
  ExactValue add(const ExactValue& a, const ExactValue& b) const { return op(Op::Add, a, b); }
  ExactValue sub(const ExactValue& a, const ExactValue& b) const { return op(Op::Sub, a, b); }
};
// A decimal literal as a C compiler makes it a float constant (rne).
ExactValue float32_literal(const char* text);
bool is_float32(const ExactValue& x);
// Throws InputError naming the reference unless every value is a float32 value.
void require_float32(std::span<const ExactValue> values, const std::string& reference);
void require_finite(std::span<const ExactValue> values, const std::string& what);

// round-to-nearest-even to an integer (ties to even), of a finite value.
BigInt round_half_even(const ExactValue& x);
ExactValue max_abs(std::span<const ExactValue> values, const std::vector<size_t>& members);
// ceil(log2 x) of a positive finite value.
int64_t ceil_log2(const ExactValue& x);

// Packing of element codes into bytes: two 4-bit codes a byte (first element in the high nibble
// for bitsandbytes, in the low nibble for MX/NVFP4/GPTQ); wider codes one a byte.
enum class NibbleOrder { HighFirst, LowFirst };
std::vector<uint8_t> pack(const std::vector<uint64_t>& codes, int bits, NibbleOrder order);

// Consecutive blocks of `blocksize` (the last may be short).
std::vector<QuantBlock> consecutive_blocks(size_t count, size_t blocksize);

// Per-family quantizers, each filling q (options resolved, element/scale formats set by them).
void quantize_bnb(std::span<const ExactValue> values, Quantized& q);
std::vector<ExactValue> dequantize_bnb(const Quantized& q);
void quantize_llm_int8(std::span<const ExactValue> values, Quantized& q);
std::vector<ExactValue> dequantize_llm_int8(const Quantized& q);
void quantize_int4_group(std::span<const ExactValue> values, Quantized& q);
std::vector<ExactValue> dequantize_int4_group(const Quantized& q);
void quantize_mx(std::span<const ExactValue> values, Quantized& q);
std::vector<ExactValue> dequantize_mx(const Quantized& q);
void quantize_nvfp4(std::span<const ExactValue> values, Quantized& q);
std::vector<ExactValue> dequantize_nvfp4(const Quantized& q);

}  // namespace fpc::quant
