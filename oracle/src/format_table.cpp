// The one table of built-in formats. Adding a format is adding a row here; names, listings,
// JSON, generators and the typed tests all iterate this table.
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

namespace fpc {
namespace {

Format binary_float(std::string name, int e, int m, int bias, NonFinite nf, std::string description) {
  Format f;
  f.name = std::move(name);
  f.kind = FormatKind::Float;
  f.exp_bits = e;
  f.man_bits = m;
  f.bias = bias;
  f.nonfinite = nf;
  f.description = std::move(description);
  return f;
}

Format integer(std::string name, int bits, bool is_signed, std::string description) {
  Format f;
  f.name = std::move(name);
  f.kind = FormatKind::Integer;
  f.int_bits = bits;
  f.has_sign = is_signed;
  f.nonfinite = NonFinite::Finite;
  f.description = std::move(description);
  return f;
}

// A 16-entry table whose literals are exact once rounded (rne) to `literal_format`, as the
// defining source code does when it compiles them as float32 constants.
Format code_table(std::string name, std::vector<std::string> literals, std::string description) {
  Format f;
  f.name = std::move(name);
  f.kind = FormatKind::CodeTable;
  f.table_bits = 4;
  f.nonfinite = NonFinite::Finite;
  f.table_literals = std::move(literals);
  f.table_literal_format = "float32";
  f.description = std::move(description);
  return f;
}

std::vector<Format> make_table() {
  std::vector<Format> t;
  // --- IEEE 754-2019 binary interchange formats (clause 3.6) and their truncations ---
  // 1|11|52, bias 1023, inf at exponent 0x7FF/mantissa 0, NaN otherwise.
  t.push_back(binary_float("float64", 11, 52, 1023, NonFinite::Ieee, "IEEE 754 binary64"));
  // 1|8|23, bias 127.
  t.push_back(binary_float("float32", 8, 23, 127, NonFinite::Ieee, "IEEE 754 binary32"));
  // 1|8|10, bias 127: float32's range, float16's precision (NVIDIA TensorFloat-32; a 19-bit code,
  // held by hardware in the top 19 bits of a float32).
  t.push_back(binary_float("tf32", 8, 10, 127, NonFinite::Ieee, "NVIDIA TensorFloat-32, 19-bit code"));
  // 1|5|10, bias 15.
  t.push_back(binary_float("float16", 5, 10, 15, NonFinite::Ieee, "IEEE 754 binary16"));
  // 1|8|7, bias 127: the top half of a float32 (Google Brain bfloat16).
  t.push_back(binary_float("bfloat16", 8, 7, 127, NonFinite::Ieee, "bfloat16 (top 16 bits of binary32)"));
  // --- OCP 8-bit floating point (OFP8, v1.0) ---
  // 1|5|2, bias 15, IEEE-like: inf 0x7C, NaN 0x7D..0x7F; max 57344.
  t.push_back(binary_float("float8_e5m2", 5, 2, 15, NonFinite::Ieee, "OCP OFP8 E5M2 (IEEE-like)"));
  // 1|4|3, bias 7, no inf; NaN only at S.1111.111 (0x7F/0xFF); max 448 (0x7E).
  t.push_back(binary_float("float8_e4m3fn", 4, 3, 7, NonFinite::FN, "OCP OFP8 E4M3"));
  // --- FNUZ variants (GraphCore / AMD MI300, as in LLVM and ml_dtypes): no inf, no -0, NaN 0x80 ---
  // 1|4|3, bias 8; max 240.
  t.push_back(binary_float("float8_e4m3fnuz", 4, 3, 8, NonFinite::FNUZ, "E4M3, bias 8, NaN at 0x80"));
  // 1|5|2, bias 16; max 57344.
  t.push_back(binary_float("float8_e5m2fnuz", 5, 2, 16, NonFinite::FNUZ, "E5M2, bias 16, NaN at 0x80"));
  // 1|4|3, bias 11; max 30 (Graphcore / ml_dtypes float8_e4m3b11fnuz).
  t.push_back(binary_float("float8_e4m3b11fnuz", 4, 3, 11, NonFinite::FNUZ, "E4M3, bias 11, NaN at 0x80"));
  // --- IEEE-like 8-bit formats (ml_dtypes / LLVM) ---
  // 1|3|4, bias 3, inf 0x70, NaN 0x71..0x7F; max 15.5.
  t.push_back(binary_float("float8_e3m4", 3, 4, 3, NonFinite::Ieee, "E3M4, IEEE-like"));
  // 1|4|3, bias 7, inf 0x78, NaN 0x79..0x7F; max 240.
  t.push_back(binary_float("float8_e4m3", 4, 3, 7, NonFinite::Ieee, "E4M3, IEEE-like"));
  // --- OCP Microscaling v1.0 scale and element formats ---
  // unsigned 8-bit exponent, bias 127: 2^-127 .. 2^127, no zero, no sign, NaN 0xFF.
  {
    Format e8m0 = binary_float("float8_e8m0fnu", 8, 0, 127, NonFinite::FN, "OCP MX E8M0 scale: powers of two");
    e8m0.has_sign = false;
    e8m0.has_zero = false;
    e8m0.has_subnormals = false;
    t.push_back(e8m0);
  }
  // --- NVIDIA UE5M3 (cuda_fp8.h, CUDA 13.4): no sign bit, 5|3, bias 15, subnormals 0x01..0x07
  // (2^-17 steps), no inf, NaN only at 0xFF; max 0xFE = 1.75 * 2^16 = 114688. Named as
  // float8_e8m0fnu is (ml_dtypes' suffixes: fn = no inf, NaN at the all-ones code; u = unsigned),
  // with NVIDIA's own name "ue5m3" as an alias (format.cpp).
  {
    Format ue5m3 = binary_float("float8_e5m3fnu", 5, 3, 15, NonFinite::FN, "NVIDIA UE5M3 (unsigned E5M3)");
    ue5m3.has_sign = false;
    t.push_back(ue5m3);
  }
  // 1|2|3, bias 1, no inf/NaN; max 7.5, subnormals 0.125 steps.
  t.push_back(binary_float("float6_e2m3fn", 2, 3, 1, NonFinite::Finite, "OCP MX FP6 E2M3"));
  // 1|3|2, bias 3, no inf/NaN; max 28.
  t.push_back(binary_float("float6_e3m2fn", 3, 2, 3, NonFinite::Finite, "OCP MX FP6 E3M2"));
  // 1|2|1, bias 1, no inf/NaN; values 0 0.5 1 1.5 2 3 4 6.
  t.push_back(binary_float("float4_e2m1fn", 2, 1, 1, NonFinite::Finite, "OCP MX FP4 E2M1"));
  // --- integers (always saturating; NaN is implementation-defined) ---
  t.push_back(integer("int8", 8, true, "two's complement, -128..127"));
  t.push_back(integer("uint8", 8, false, "unsigned, 0..255"));
  t.push_back(integer("int4", 4, true, "two's complement, -8..7"));
  t.push_back(integer("uint4", 4, false, "unsigned, 0..15"));
  // --- code tables ---
  // bitsandbytes NormalFloat4 (Dettmers et al. 2023): csrc's nf4 table of float32 literals,
  // code 0..15 ascending; 0.0 at code 7.
  t.push_back(code_table("nf4",
                         {"-1.0", "-0.6961928009986877", "-0.5250730514526367", "-0.39491748809814453",
                          "-0.28444138169288635", "-0.18477343022823334", "-0.09105003625154495", "0.0",
                          "0.07958029955625534", "0.16093020141124725", "0.24611230194568634",
                          "0.33791524171829224", "0.44070982933044434", "0.5626170039176941",
                          "0.7229568362236023", "1.0"},
                         "bitsandbytes NF4 code table (float32 literals)"));
  // bitsandbytes FP4 (dDequantizeFP4Tree): bit 3 is the sign, 0b0xxx magnitudes
  // 0, 5.208333333e-03, 0.66666667, 1, 0.33333333, 0.5, 0.16666667, 0.25 as float32 literals
  // (csrc/kernels.cu; 5.208333333e-03f is float32(1/192)).
  t.push_back(code_table("bnb_fp4",
                         {"0.0", "5.208333333e-03", "0.66666667", "1.0", "0.33333333", "0.5", "0.16666667", "0.25",
                          "-0.0", "-5.208333333e-03", "-0.66666667", "-1.0", "-0.33333333", "-0.5", "-0.16666667",
                          "-0.25"},
                         "bitsandbytes FP4 code table (float32 literals)"));

  // Exact values of code-table entries: the literal rounded to nearest-even in float32.
  const Format* f32 = &t[1];
  for (Format& f : t) {
    if (f.kind != FormatKind::CodeTable) continue;
    for (const std::string& lit : f.table_literals) {
      RoundResult r = round_to_format(parse_value(lit), *f32, Rounding::NearestEven);
      f.table.push_back(decode(*f32, r.code).value);
    }
  }
  return t;
}

}  // namespace

std::span<const Format> builtin_formats() {
  static const std::vector<Format> table = make_table();
  return table;
}

}  // namespace fpc
