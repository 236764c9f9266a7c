#include "cuda_ops.hpp"

#include "fpconform/format.hpp"

#include <stdexcept>

namespace fpc::cuda_ops {
namespace {

constexpr Rounding kRne = Rounding::NearestEven;

// The x2 ops check one half of __nv_cvt_float2_to_fp8x2 each: the case's input goes into that
// half and its bitwise complement (as a float32 code) into the other, so a swapped packing order
// or one half leaking into the other shows up as mismatches of the half under test.
constexpr Spec kSpecs[] = {
    // cuda_fp8.h, scalar
    {Id::F32ToE4m3Sat, "float32_to_e4m3_satfinite", "__nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3)",
     "convert", "float32", "float8_e4m3fn", kRne, true, true},
    {Id::F32ToE4m3NoSat, "float32_to_e4m3_nosat", "__nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E4M3)", "convert",
     "float32", "float8_e4m3fn", kRne, false, true},
    {Id::F32ToE5m2Sat, "float32_to_e5m2_satfinite", "__nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E5M2)",
     "convert", "float32", "float8_e5m2", kRne, true, true},
    {Id::F32ToE5m2NoSat, "float32_to_e5m2_nosat", "__nv_cvt_float_to_fp8(x, __NV_NOSAT, __NV_E5M2)", "convert",
     "float32", "float8_e5m2", kRne, false, true},
    // cuda_fp8.h, x2 (one op per half)
    {Id::F32x2ToE4m3SatLo, "float32x2_to_e4m3x2_satfinite_lo",
     "__nv_cvt_float2_to_fp8x2({.x=x, .y=~x}, __NV_SATFINITE, __NV_E4M3) & 0xFF", "convert", "float32",
     "float8_e4m3fn", kRne, true, true},
    {Id::F32x2ToE4m3SatHi, "float32x2_to_e4m3x2_satfinite_hi",
     "__nv_cvt_float2_to_fp8x2({.x=~x, .y=x}, __NV_SATFINITE, __NV_E4M3) >> 8", "convert", "float32",
     "float8_e4m3fn", kRne, true, true},
    {Id::F32x2ToE4m3NoSatLo, "float32x2_to_e4m3x2_nosat_lo",
     "__nv_cvt_float2_to_fp8x2({.x=x, .y=~x}, __NV_NOSAT, __NV_E4M3) & 0xFF", "convert", "float32",
     "float8_e4m3fn", kRne, false, true},
    {Id::F32x2ToE4m3NoSatHi, "float32x2_to_e4m3x2_nosat_hi",
     "__nv_cvt_float2_to_fp8x2({.x=~x, .y=x}, __NV_NOSAT, __NV_E4M3) >> 8", "convert", "float32",
     "float8_e4m3fn", kRne, false, true},
    {Id::F32x2ToE5m2SatLo, "float32x2_to_e5m2x2_satfinite_lo",
     "__nv_cvt_float2_to_fp8x2({.x=x, .y=~x}, __NV_SATFINITE, __NV_E5M2) & 0xFF", "convert", "float32",
     "float8_e5m2", kRne, true, true},
    {Id::F32x2ToE5m2SatHi, "float32x2_to_e5m2x2_satfinite_hi",
     "__nv_cvt_float2_to_fp8x2({.x=~x, .y=x}, __NV_SATFINITE, __NV_E5M2) >> 8", "convert", "float32",
     "float8_e5m2", kRne, true, true},
    {Id::F32x2ToE5m2NoSatLo, "float32x2_to_e5m2x2_nosat_lo",
     "__nv_cvt_float2_to_fp8x2({.x=x, .y=~x}, __NV_NOSAT, __NV_E5M2) & 0xFF", "convert", "float32",
     "float8_e5m2", kRne, false, true},
    {Id::F32x2ToE5m2NoSatHi, "float32x2_to_e5m2x2_nosat_hi",
     "__nv_cvt_float2_to_fp8x2({.x=~x, .y=x}, __NV_NOSAT, __NV_E5M2) >> 8", "convert", "float32",
     "float8_e5m2", kRne, false, true},
    // cuda_bf16.h
    {Id::F32ToBf16Rn, "float32_to_bfloat16_rn", "__float2bfloat16_rn(x)", "convert", "float32", "bfloat16", kRne,
     false, true},
    {Id::F32ToBf16Rz, "float32_to_bfloat16_rz", "__float2bfloat16_rz(x)", "convert", "float32", "bfloat16",
     Rounding::TowardZero, false, true},
    {Id::F32ToBf16Ru, "float32_to_bfloat16_ru", "__float2bfloat16_ru(x)", "convert", "float32", "bfloat16",
     Rounding::TowardPositive, false, true},
    {Id::F32ToBf16Rd, "float32_to_bfloat16_rd", "__float2bfloat16_rd(x)", "convert", "float32", "bfloat16",
     Rounding::TowardNegative, false, true},
    // cuda_fp16.h
    {Id::F32ToF16Rn, "float32_to_float16_rn", "__float2half_rn(x)", "convert", "float32", "float16", kRne, false,
     true},
    {Id::F32ToF16Rz, "float32_to_float16_rz", "__float2half_rz(x)", "convert", "float32", "float16",
     Rounding::TowardZero, false, true},
    {Id::F32ToF16Ru, "float32_to_float16_ru", "__float2half_ru(x)", "convert", "float32", "float16",
     Rounding::TowardPositive, false, true},
    {Id::F32ToF16Rd, "float32_to_float16_rd", "__float2half_rd(x)", "convert", "float32", "float16",
     Rounding::TowardNegative, false, true},
    // inverses (exact widenings)
    {Id::E4m3ToF16, "e4m3_to_float16", "__nv_cvt_fp8_to_halfraw(x, __NV_E4M3)", "convert", "float8_e4m3fn",
     "float16", kRne, false, true},
    {Id::E5m2ToF16, "e5m2_to_float16", "__nv_cvt_fp8_to_halfraw(x, __NV_E5M2)", "convert", "float8_e5m2",
     "float16", kRne, false, true},
    {Id::Bf16ToF32, "bfloat16_to_float32", "__bfloat162float(x)", "convert", "bfloat16", "float32", kRne, false,
     true},
    {Id::F16ToF32, "float16_to_float32", "__half2float(x)", "convert", "float16", "float32", kRne, false, true},
    // arithmetic
    {Id::F16Add, "float16_add", "__hadd(a, b) [__half]", "add", "float16", "float16", kRne, false, true},
    {Id::F16Sub, "float16_sub", "__hsub(a, b) [__half]", "sub", "float16", "float16", kRne, false, true},
    {Id::F16Mul, "float16_mul", "__hmul(a, b) [__half]", "mul", "float16", "float16", kRne, false, true},
    {Id::F16Div, "float16_div", "__hdiv(a, b) [__half]", "div", "float16", "float16", kRne, false, true},
    {Id::F16Fma, "float16_fma", "__hfma(a, b, c) [__half]", "fma", "float16", "float16", kRne, false, false},
    {Id::Bf16Add, "bfloat16_add", "__hadd(a, b) [__nv_bfloat16]", "add", "bfloat16", "bfloat16", kRne, false,
     true},
    {Id::Bf16Sub, "bfloat16_sub", "__hsub(a, b) [__nv_bfloat16]", "sub", "bfloat16", "bfloat16", kRne, false,
     true},
    {Id::Bf16Mul, "bfloat16_mul", "__hmul(a, b) [__nv_bfloat16]", "mul", "bfloat16", "bfloat16", kRne, false,
     true},
    {Id::Bf16Div, "bfloat16_div", "__hdiv(a, b) [__nv_bfloat16]", "div", "bfloat16", "bfloat16", kRne, false,
     true},
    {Id::Bf16Fma, "bfloat16_fma", "__hfma(a, b, c) [__nv_bfloat16]", "fma", "bfloat16", "bfloat16", kRne, false,
     false},
};

}  // namespace

std::span<const Spec> specs() { return kSpecs; }

OpSemantics semantics_of(const Spec& s) {
  OpSemantics sem;
  sem.op = s.op;
  sem.in = &format_by_name(s.in);
  sem.out = &format_by_name(s.out);
  sem.rounding = s.rounding;
  sem.policy.saturate = s.saturate;
  // CUDA documents __NV_SATFINITE as mapping ±inf inputs to ±max finite as well.
  sem.policy.inf_under_saturation = InfUnderSaturation::Max;
  return sem;
}

SubjectOp unrunnable_op(const Spec& s, const std::string& subject, const std::string& why) {
  SubjectOp op;
  op.name = s.name;
  op.entry = s.entry;
  op.semantics = semantics_of(s);
  op.run = [msg = subject + "/" + s.name + " cannot run: " + why](const uint64_t* const*, uint64_t*, size_t) {
    throw std::logic_error(msg);
  };
  return op;
}

Subject make_cuda_device_subject() {
  Subject s;
  s.name = "cuda_device";
  s.description = "NVIDIA CUDA intrinsics (cuda_fp16.h, cuda_bf16.h, cuda_fp8.h) executed on a GPU";
  s.available = false;
  s.unavailable_reason = "skipped: no CUDA device";
  for (const Spec& spec : specs()) s.ops.push_back(unrunnable_op(spec, s.name, s.unavailable_reason));
  return s;
}

#if !defined(FPC_HAVE_CUDA_HEADERS)
Subject make_cuda_host_subject() {
  Subject s;
  s.name = "cuda_host";
  s.description = "host path of the CUDA headers cuda_fp16.h, cuda_bf16.h, cuda_fp8.h (compiled by the C++ compiler)";
  s.available = false;
  s.unavailable_reason = "skipped: CUDA headers not found at configure time";
  for (const Spec& spec : specs())
    if (spec.host) s.ops.push_back(unrunnable_op(spec, s.name, s.unavailable_reason));
  return s;
}
#endif

}  // namespace fpc::cuda_ops
