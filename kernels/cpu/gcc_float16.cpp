// "cpu_float16": GCC's _Float16 as the program sees it. On x86-64 without AVX512-FP16, GCC 12
// computes every _Float16 operation by widening the operands to float (__extendhfsf2, exact),
// doing one SSE float operation, and narrowing the result with libgcc's soft-fp __truncsfhf2;
// float64 -> _Float16 is libgcc's direct __truncdfhf2 (no trip through float). Both libgcc
// narrowings read the rounding direction from MXCSR, so fesetround selects it. No excess
// precision survives an operation: in C++ GCC 12 narrows every result at once (a * b + c becomes
// two narrowings in the generated code; -fexcess-precision=standard is C-only before GCC 13), so
// each op below is one operation rounded once into _Float16 — by way of float.
//
// Declared semantics: every op is correctly rounded, once, in the direction set by fesetround.
// For + - * / this is a claim about GCC's double rounding float -> _Float16: it is innocuous
// because float's 24-bit significand is at least 2*11 + 2 bits (Figueroa, "When is double
// rounding innocuous?", SIGNUM 1995) for round to nearest, and directed roundings compose (the
// float16 grid is part of the float grid). The checker tests that claim rather than trusting it.
//
// Not offered: sqrt and fma. GCC 12 lowers __builtin_sqrtf16 and __builtin_fmaf16 to calls to
// sqrtf16 and fmaf16, which glibc (2.36) does not provide, so a program using them does not link.
//
// This file is compiled with -frounding-math (fesetround must order with the operations) and
// -ffp-contract=off; operands arrive as runtime codes, so nothing can be constant-folded.
#include "machine_ops.hpp"
#include "machine_subjects.hpp"

#include <cfenv>
#include <cstring>

namespace fpc::machine_subjects {
namespace {

// The <cfenv> direction of a rounding mode (the four IEEE directions only).
int fe_direction(Rounding r) {
  switch (r) {
    case Rounding::TowardNegative: return FE_DOWNWARD;
    case Rounding::TowardPositive: return FE_UPWARD;
    case Rounding::TowardZero: return FE_TOWARDZERO;
    default: return FE_TONEAREST;
  }
}

#if defined(__FLT16_MANT_DIG__)

_Float16 f16_from_code(uint64_t code) {
  const auto bits = static_cast<uint16_t>(code);
  _Float16 h;
  std::memcpy(&h, &bits, sizeof h);
  return h;
}
uint64_t code_of(_Float16 h) {
  uint16_t bits;
  std::memcpy(&bits, &h, sizeof bits);
  return bits;
}
float f32_from_code(uint64_t code) {
  const auto bits = static_cast<uint32_t>(code);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
uint64_t code_of(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}
double f64_from_code(uint64_t code) {
  double d;
  std::memcpy(&d, &code, sizeof d);
  return d;
}
uint64_t code_of(double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// Sets the rounding direction for one batch and restores the caller's afterwards (it is
// per thread: checker workers do not disturb each other).
class ScopedRounding {
 public:
  explicit ScopedRounding(int direction) : saved_(std::fegetround()) { std::fesetround(direction); }
  ~ScopedRounding() { std::fesetround(saved_); }
  ScopedRounding(const ScopedRounding&) = delete;
  ScopedRounding& operator=(const ScopedRounding&) = delete;

 private:
  int saved_;
};

// The batch functions; each sets `direction` for its batch.
BatchFn float32_to_float16(int direction) {
  return [direction](const uint64_t* const* in, uint64_t* out, size_t n) {
    ScopedRounding mode(direction);
    for (size_t i = 0; i < n; ++i) out[i] = code_of(static_cast<_Float16>(f32_from_code(in[0][i])));
  };
}
BatchFn float64_to_float16(int direction) {
  return [direction](const uint64_t* const* in, uint64_t* out, size_t n) {
    ScopedRounding mode(direction);
    for (size_t i = 0; i < n; ++i) out[i] = code_of(static_cast<_Float16>(f64_from_code(in[0][i])));
  };
}
void float16_to_float32(const uint64_t* const* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = code_of(static_cast<float>(f16_from_code(in[0][i])));
}
void float16_to_float64(const uint64_t* const* in, uint64_t* out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = code_of(static_cast<double>(f16_from_code(in[0][i])));
}

template <char Op>
BatchFn float16_arith(int direction) {
  return [direction](const uint64_t* const* in, uint64_t* out, size_t n) {
    ScopedRounding mode(direction);
    for (size_t i = 0; i < n; ++i) {
      const _Float16 a = f16_from_code(in[0][i]), b = f16_from_code(in[1][i]);
      _Float16 r;
      if constexpr (Op == '+') r = a + b;
      if constexpr (Op == '-') r = a - b;
      if constexpr (Op == '*') r = a * b;
      if constexpr (Op == '/') r = a / b;
      out[i] = code_of(r);
    }
  };
}

#endif  // __FLT16_MANT_DIG__
}  // namespace

Subject make_cpu_float16_subject() {
  Subject s;
  s.name = "cpu_float16";
  s.description = "GCC _Float16 on the host CPU: casts float32/float64 <-> _Float16 (libgcc __truncsfhf2, "
                  "__truncdfhf2, __extendhfsf2) and _Float16 + - * / (computed in float, narrowed once), "
                  "rounding direction set by fesetround";
  BatchFn none;  // placeholders where the compiler has no _Float16 (make_unavailable replaces them)
#if defined(__FLT16_MANT_DIG__)
  const bool have = true;
#else
  const bool have = false;
#endif
  for (const Direction& d : kDirections) {
    const int direction = fe_direction(d.rounding);
    const std::string with = std::string(" under fesetround(") +
                             (direction == FE_TONEAREST   ? "FE_TONEAREST"
                              : direction == FE_DOWNWARD  ? "FE_DOWNWARD"
                              : direction == FE_UPWARD    ? "FE_UPWARD"
                                                          : "FE_TOWARDZERO") +
                             ")";
    BatchFn f32 = none, f64 = none;
    BatchFn arith[4] = {none, none, none, none};
#if defined(__FLT16_MANT_DIG__)
    f32 = float32_to_float16(direction);
    f64 = float64_to_float16(direction);
    arith[0] = float16_arith<'+'>(direction);
    arith[1] = float16_arith<'-'>(direction);
    arith[2] = float16_arith<'*'>(direction);
    arith[3] = float16_arith<'/'>(direction);
#endif
    s.ops.push_back(declare_op(std::string("float32_to_float16_") + d.suffix, "(_Float16)(float)x" + with, "convert",
                               "float32", "float16", d.rounding, f32));
    s.ops.push_back(declare_op(std::string("float64_to_float16_") + d.suffix, "(_Float16)(double)x" + with, "convert",
                               "float64", "float16", d.rounding, f64));
    const char* names[4] = {"add", "sub", "mul", "div"};
    const char* symbols[4] = {"+", "-", "*", "/"};
    for (int k = 0; k < 4; ++k)
      s.ops.push_back(declare_op(std::string("float16_") + names[k] + "_" + d.suffix,
                                 std::string("(_Float16)a ") + symbols[k] + " (_Float16)b" + with, names[k], "float16",
                                 "float16", d.rounding, arith[k]));
  }
  BatchFn widen32 = none, widen64 = none;
#if defined(__FLT16_MANT_DIG__)
  widen32 = &float16_to_float32;
  widen64 = &float16_to_float64;
#endif
  s.ops.push_back(declare_op("float16_to_float32", "(float)(_Float16)x", "convert", "float16", "float32",
                             Rounding::NearestEven, widen32));
  s.ops.push_back(declare_op("float16_to_float64", "(double)(_Float16)x", "convert", "float16", "float64",
                             Rounding::NearestEven, widen64));
  if (!have) make_unavailable(s, "skipped: the compiler has no _Float16");
  return s;
}

}  // namespace fpc::machine_subjects
