// The CUDA subjects' operations, one row each: the single list that cuda_ops.cpp (declared
// semantics, no CUDA header needed), host_subjects.cpp (host path) and device_runner.cu (device
// path) expand, so an op's name, entry point, semantics and wrapper are written in one place.
//
//   X(NAME, ENTRY, OP, IN, OUT, ROUNDING, SATURATE, NAN, WHERE, FN)
//     NAME      the op's name in the subject; ENTRY the CUDA call under test
//     OP        "convert" or an oracle op (fpconform/arith.hpp); IN/OUT canonical format names
//     ROUNDING  kRne kRna kRtz kRup kRdn;  SATURATE true/false (±inf inputs saturate too: CUDA's
//               __NV_SATFINITE and .satfinite send ±inf to ±max)
//     NAN       kNanUnpinned, or kNanMax where the header documents "NaN -> positive MAXNORM"
//     WHERE     Host: the header has a host path (checked by cuda_host and cuda_device);
//               Device: device only; DeviceFtz: device only, built with -ftz=true (declared
//               ftz + daz)
//     FN        the wrapper in fp_wrappers.cuh (parenthesized), code(code...) with one code per
//               operand; or, for the vector rows (FPC_CUDA_VECTOR_OPS), Lanes<N>(Lanes<N>...) in
//               lane_wrappers.cuh, every lane carrying a case of its own (lane_spread.hpp)
// The x2 rows check one lane of a pair conversion each (lane_lo/lane_hi in fp_wrappers.cuh).
#pragma once

// clang-format off

// --- cuda_fp8.h: {double, float, halfraw, bfloat16raw} -> fp8 ---
#define FPC_CUDA_FP8_ROW(X, SRC, SNAME, API, I, INAME, FMT, S, SNAME2, SATB)                              \
  X(#SNAME "_to_" #INAME "_" #SNAME2, API "(x, __NV_" #S ", __NV_" #I ")", "convert", #SNAME, #FMT, kRne, \
    SATB, kNanUnpinned, Host, (fp8<SRC, __NV_##I, __NV_##S>))
#define FPC_CUDA_FP8X2_ROWS(X, SRC, SNAME, API2, I, INAME, FMT, S, SNAME2, SATB)                             \
  X(#SNAME "x2_to_" #INAME "x2_" #SNAME2 "_lo", API2 "({.x=x, .y=~x}, __NV_" #S ", __NV_" #I ") & 0xFF",     \
    "convert", #SNAME, #FMT, kRne, SATB, kNanUnpinned, Host, (lane_lo<fp8x2<SRC, __NV_##I, __NV_##S>, SRC::bits, 8>)) \
  X(#SNAME "x2_to_" #INAME "x2_" #SNAME2 "_hi", API2 "({.x=~x, .y=x}, __NV_" #S ", __NV_" #I ") >> 8",       \
    "convert", #SNAME, #FMT, kRne, SATB, kNanUnpinned, Host, (lane_hi<fp8x2<SRC, __NV_##I, __NV_##S>, SRC::bits, 8>))
#define FPC_CUDA_FP8_FROM(X, SRC, SNAME, API, API2)                                                     \
  FPC_CUDA_FP8_ROW(X, SRC, SNAME, API, E4M3, e4m3, float8_e4m3fn, SATFINITE, satfinite, true)          \
  FPC_CUDA_FP8_ROW(X, SRC, SNAME, API, E4M3, e4m3, float8_e4m3fn, NOSAT, nosat, false)                 \
  FPC_CUDA_FP8_ROW(X, SRC, SNAME, API, E5M2, e5m2, float8_e5m2, SATFINITE, satfinite, true)            \
  FPC_CUDA_FP8_ROW(X, SRC, SNAME, API, E5M2, e5m2, float8_e5m2, NOSAT, nosat, false)                   \
  FPC_CUDA_FP8X2_ROWS(X, SRC, SNAME, API2, E4M3, e4m3, float8_e4m3fn, SATFINITE, satfinite, true)      \
  FPC_CUDA_FP8X2_ROWS(X, SRC, SNAME, API2, E4M3, e4m3, float8_e4m3fn, NOSAT, nosat, false)             \
  FPC_CUDA_FP8X2_ROWS(X, SRC, SNAME, API2, E5M2, e5m2, float8_e5m2, SATFINITE, satfinite, true)        \
  FPC_CUDA_FP8X2_ROWS(X, SRC, SNAME, API2, E5M2, e5m2, float8_e5m2, NOSAT, nosat, false)

// --- cuda_fp6.h / cuda_fp4.h: {double, float, halfraw, bfloat16raw} -> E2M3, E3M2, E2M1 ---
// Saturating by definition ("Large out-of-range values saturate to MAXNORM of the same sign"),
// NaN -> +MAXNORM as documented ("NaN input values result in positive MAXNORM").
#define FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API, API2, I, INAME, FMT, R, RNAME, RND)                                   \
  X(#SNAME "_to_" #INAME "_" #RNAME, API "(x, __NV_" #I ", " #R ")", "convert", #SNAME, #FMT, RND, true, kNanMax,   \
    Host, (fp6<SRC, __NV_##I, R>))                                                                                 \
  X(#SNAME "x2_to_" #INAME "x2_" #RNAME "_lo", API2 "({.x=x, .y=~x}, __NV_" #I ", " #R ") & 0xFF", "convert",       \
    #SNAME, #FMT, RND, true, kNanMax, Host, (lane_lo<fp6x2<SRC, __NV_##I, R>, SRC::bits, 8>))                      \
  X(#SNAME "x2_to_" #INAME "x2_" #RNAME "_hi", API2 "({.x=~x, .y=x}, __NV_" #I ", " #R ") >> 8", "convert",         \
    #SNAME, #FMT, RND, true, kNanMax, Host, (lane_hi<fp6x2<SRC, __NV_##I, R>, SRC::bits, 8>))
#define FPC_CUDA_FP4_ROWS(X, SRC, SNAME, API, API2, R, RNAME, RND)                                                  \
  X(#SNAME "_to_e2m1_" #RNAME, API "(x, __NV_E2M1, " #R ")", "convert", #SNAME, "float4_e2m1fn", RND, true,         \
    kNanMax, Host, (fp4<SRC, R>))                                                                                  \
  X(#SNAME "x2_to_e2m1x2_" #RNAME "_lo", API2 "({.x=x, .y=~x}, __NV_E2M1, " #R ") & 0xF", "convert", #SNAME,       \
    "float4_e2m1fn", RND, true, kNanMax, Host, (lane_lo<fp4x2<SRC, R>, SRC::bits, 4>))                             \
  X(#SNAME "x2_to_e2m1x2_" #RNAME "_hi", API2 "({.x=~x, .y=x}, __NV_E2M1, " #R ") >> 4", "convert", #SNAME,        \
    "float4_e2m1fn", RND, true, kNanMax, Host, (lane_hi<fp4x2<SRC, R>, SRC::bits, 4>))
#define FPC_CUDA_FP6_FP4_FROM(X, SRC, SNAME, API6, API6X2, API4, API4X2)                                   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E2M3, e2m3, float6_e2m3fn, cudaRoundNearest, rn, kRne)   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E2M3, e2m3, float6_e2m3fn, cudaRoundZero, rz, kRtz)      \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E3M2, e3m2, float6_e3m2fn, cudaRoundNearest, rn, kRne)   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E3M2, e3m2, float6_e3m2fn, cudaRoundZero, rz, kRtz)      \
  FPC_CUDA_FP4_ROWS(X, SRC, SNAME, API4, API4X2, cudaRoundNearest, rn, kRne)                              \
  FPC_CUDA_FP4_ROWS(X, SRC, SNAME, API4, API4X2, cudaRoundZero, rz, kRtz)

// 13.5 sanitises the rounding modes (before, asserts allowed only the modes above): fp6/fp4 round
// up and down, e8m0 round to nearest.
#define FPC_CUDA_FP6_FP4_DIRECTED_FROM(X, SRC, SNAME, API6, API6X2, API4, API4X2)                         \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E2M3, e2m3, float6_e2m3fn, cudaRoundPosInf, ru, kRup)   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E2M3, e2m3, float6_e2m3fn, cudaRoundMinInf, rd, kRdn)   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E3M2, e3m2, float6_e3m2fn, cudaRoundPosInf, ru, kRup)   \
  FPC_CUDA_FP6_ROWS(X, SRC, SNAME, API6, API6X2, E3M2, e3m2, float6_e3m2fn, cudaRoundMinInf, rd, kRdn)   \
  FPC_CUDA_FP4_ROWS(X, SRC, SNAME, API4, API4X2, cudaRoundPosInf, ru, kRup)                              \
  FPC_CUDA_FP4_ROWS(X, SRC, SNAME, API4, API4X2, cudaRoundMinInf, rd, kRdn)

// --- conversions of |x|: KIND (e8m0, ue5m3) names the rows and the wrappers KIND, KINDx2 ---
#define FPC_CUDA_ABS_ROWS(X, KIND, FMT, SRC, SNAME, API, API2, R, RNAME, RND, S, SNAME2, SATB)                  \
  X(#SNAME "_to_" #KIND "_" #RNAME "_" #SNAME2, API "(x, __NV_" #S ", " #R ")", "abs", #SNAME, FMT, RND, SATB,    \
    kNanUnpinned, Host, (KIND<SRC, __NV_##S, R>))                                                                \
  X(#SNAME "x2_to_" #KIND "x2_" #RNAME "_" #SNAME2 "_lo", API2 "({.x=x, .y=~x}, __NV_" #S ", " #R ") & 0xFF",      \
    "abs", #SNAME, FMT, RND, SATB, kNanUnpinned, Host, (lane_lo<KIND##x2<SRC, __NV_##S, R>, SRC::bits, 8>))       \
  X(#SNAME "x2_to_" #KIND "x2_" #RNAME "_" #SNAME2 "_hi", API2 "({.x=~x, .y=x}, __NV_" #S ", " #R ") >> 8",        \
    "abs", #SNAME, FMT, RND, SATB, kNanUnpinned, Host, (lane_hi<KIND##x2<SRC, __NV_##S, R>, SRC::bits, 8>))

// --- cuda_fp8.h: {double, float, bfloat16raw} -> e8m0 ---
// CUDA rounds |x| ("Input number's absolute value is rounded to the closest power of two"), so the
// op is abs; only cudaRoundZero and cudaRoundPosInf are accepted.
#define FPC_CUDA_E8M0_ROWS(X, ...) FPC_CUDA_ABS_ROWS(X, e8m0, "float8_e8m0fnu", __VA_ARGS__)
#define FPC_CUDA_E8M0_FROM(X, SRC, SNAME, API, API2)                                                      \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundZero, rz, kRtz, SATFINITE, satfinite, true)      \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundZero, rz, kRtz, NOSAT, nosat, false)             \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundPosInf, ru, kRup, SATFINITE, satfinite, true)    \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundPosInf, ru, kRup, NOSAT, nosat, false)

#define FPC_CUDA_E8M0_NEAREST_FROM(X, SRC, SNAME, API, API2)                                              \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundNearest, rn, kRne, SATFINITE, satfinite, true)   \
  FPC_CUDA_E8M0_ROWS(X, SRC, SNAME, API, API2, cudaRoundNearest, rn, kRne, NOSAT, nosat, false)

// --- cuda_fp8.h (13.4): {double, float, halfraw, bfloat16raw} -> ue5m3 (float8_e5m3fnu) ---
// "Because ue5m3 does not support the sign in encoding, the input sign is discarded first and then
// the absolute value is converted": the op is abs. Round to nearest, toward zero, up; toward minus
// infinity is accepted and on |x| is toward zero. __NV_NOSAT: out of range is NaN (no inf) except
// toward zero, which gives MAXNORM; __NV_SATFINITE also sends inf to MAXNORM.
#define FPC_CUDA_UE5M3_ROWS(X, ...) FPC_CUDA_ABS_ROWS(X, ue5m3, "float8_e5m3fnu", __VA_ARGS__)
#define FPC_CUDA_UE5M3_MODES(X, SRC, SNAME, API, API2, S, SNAME2, SATB)                                   \
  FPC_CUDA_UE5M3_ROWS(X, SRC, SNAME, API, API2, cudaRoundNearest, rn, kRne, S, SNAME2, SATB)             \
  FPC_CUDA_UE5M3_ROWS(X, SRC, SNAME, API, API2, cudaRoundZero, rz, kRtz, S, SNAME2, SATB)                \
  FPC_CUDA_UE5M3_ROWS(X, SRC, SNAME, API, API2, cudaRoundPosInf, ru, kRup, S, SNAME2, SATB)              \
  FPC_CUDA_UE5M3_ROWS(X, SRC, SNAME, API, API2, cudaRoundMinInf, rd, kRdn, S, SNAME2, SATB)
#define FPC_CUDA_UE5M3_FROM(X, SRC, SNAME, API, API2)                                 \
  FPC_CUDA_UE5M3_MODES(X, SRC, SNAME, API, API2, SATFINITE, satfinite, true)         \
  FPC_CUDA_UE5M3_MODES(X, SRC, SNAME, API, API2, NOSAT, nosat, false)

// --- widening conversions to halfraw / bfloat16raw, scalar and pair (exact) ---
#define FPC_CUDA_WIDEN_ROWS(X, NAME, API, API2, ARGS, IN, OUT, SCALAR_FN, PAIR_FN, INBITS, SLOT_NAME)               \
  X(NAME, API "(x" ARGS ")", "convert", IN, OUT, kRne, false, kNanUnpinned, Host, (SCALAR_FN))                      \
  X(NAME "_x2_lo", API2 "(x | ~x << " SLOT_NAME ARGS ").x", "convert", IN, OUT, kRne, false, kNanUnpinned, Host,   \
    (lane_lo<PAIR_FN, INBITS, 16>))                                                                                 \
  X(NAME "_x2_hi", API2 "(~x | x << " SLOT_NAME ARGS ").y", "convert", IN, OUT, kRne, false, kNanUnpinned, Host,   \
    (lane_hi<PAIR_FN, INBITS, 16>))

// --- half / bfloat16 arithmetic, both types ---
#define FPC_CUDA_H_ROWS(X, NAME, FN, OP, WHERE)                                                                 \
  X("float16_" #NAME, FN " [__half]", OP, "float16", "float16", kRne, false, kNanUnpinned, WHERE, (f16_##NAME)) \
  X("bfloat16_" #NAME, FN " [__nv_bfloat16]", OP, "bfloat16", "bfloat16", kRne, false, kNanUnpinned, WHERE,     \
    (bf16_##NAME))

// --- float32 / float64 with explicit rounding (device only), and the -ftz=true build ---
#define FPC_CUDA_F_ROW(X, T, TNAME, NAME, FN, OP, M, RND, WHERE, SUFFIX) \
  X(#TNAME "_" #NAME "_" #M SUFFIX, FN "_" #M, OP, #TNAME, #TNAME, RND, false, kNanUnpinned, WHERE, (T##_##NAME##_##M))
#define FPC_CUDA_F_MODES(X, T, TNAME, NAME, FN, OP, WHERE, SUFFIX)  \
  FPC_CUDA_F_ROW(X, T, TNAME, NAME, FN, OP, rn, kRne, WHERE, SUFFIX) \
  FPC_CUDA_F_ROW(X, T, TNAME, NAME, FN, OP, rz, kRtz, WHERE, SUFFIX) \
  FPC_CUDA_F_ROW(X, T, TNAME, NAME, FN, OP, ru, kRup, WHERE, SUFFIX) \
  FPC_CUDA_F_ROW(X, T, TNAME, NAME, FN, OP, rd, kRdn, WHERE, SUFFIX)
#define FPC_CUDA_F32_OPS(X, WHERE, SUFFIX)                                       \
  FPC_CUDA_F_MODES(X, f32, float32, add, "__fadd", "add", WHERE, SUFFIX)       \
  FPC_CUDA_F_MODES(X, f32, float32, sub, "__fsub", "sub", WHERE, SUFFIX)       \
  FPC_CUDA_F_MODES(X, f32, float32, mul, "__fmul", "mul", WHERE, SUFFIX)       \
  FPC_CUDA_F_MODES(X, f32, float32, div, "__fdiv", "div", WHERE, SUFFIX)       \
  FPC_CUDA_F_MODES(X, f32, float32, fma, "__fmaf", "fma", WHERE, SUFFIX)       \
  FPC_CUDA_F_MODES(X, f32, float32, sqrt, "__fsqrt", "sqrt", WHERE, SUFFIX)    \
  FPC_CUDA_F_MODES(X, f32, float32, rcp, "__frcp", "rcp", WHERE, SUFFIX)
#define FPC_CUDA_F64_OPS(X)                                                      \
  FPC_CUDA_F_MODES(X, f64, float64, add, "__dadd", "add", Device, "")          \
  FPC_CUDA_F_MODES(X, f64, float64, sub, "__dsub", "sub", Device, "")          \
  FPC_CUDA_F_MODES(X, f64, float64, mul, "__dmul", "mul", Device, "")          \
  FPC_CUDA_F_MODES(X, f64, float64, div, "__ddiv", "div", Device, "")          \
  FPC_CUDA_F_MODES(X, f64, float64, fma, "__fma", "fma", Device, "")           \
  FPC_CUDA_F_MODES(X, f64, float64, sqrt, "__dsqrt", "sqrt", Device, "")       \
  FPC_CUDA_F_MODES(X, f64, float64, rcp, "__drcp", "rcp", Device, "")

// --- half2 / bfloat162 (lane_wrappers.cuh): every lane carries a case (lane_spread.hpp) ---
#define FPC_CUDA_H2_ROWS(X, NAME, FN, OP, WHERE)                                                                      \
  X("float16x2_" #NAME, FN " [__half2]", OP, "float16", "float16", kRne, false, kNanUnpinned, WHERE, (f16x2_##NAME))  \
  X("bfloat16x2_" #NAME, FN " [__nv_bfloat162]", OP, "bfloat16", "bfloat16", kRne, false, kNanUnpinned, WHERE,        \
    (bf16x2_##NAME))
#define FPC_CUDA_H2_CONVERSION_ROWS(X, T, TNAME, H2, TO2, PAIRTO2, FROM2)                                              \
  X("float32x2_to_" #TNAME "x2_rn", TO2 "(float2)", "convert", "float32", #TNAME, kRne, false, kNanUnpinned, Host,     \
    (f32x2_to_##T##x2_rn))                                                                                            \
  X("float32_pair_to_" #TNAME "x2_rn", PAIRTO2 "(a, b)", "convert", "float32", #TNAME, kRne, false, kNanUnpinned,     \
    Host, (f32_pair_to_##T##x2_rn))                                                                                   \
  X(#TNAME "x2_to_float32x2", FROM2 "(" H2 ")", "convert", #TNAME, "float32", kRne, false, kNanUnpinned, Host,        \
    (T##x2_to_f32x2))                                                                                                 \
  X(#TNAME "x2_low_high_to_float32", "__low2float(" H2 "), __high2float(" H2 ")", "convert", #TNAME, "float32", kRne,  \
    false, kNanUnpinned, Host, (T##x2_low_high_to_f32))

// --- the x2/x4 classes of cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (lane_wrappers.cuh) ---
// Constructors (named ..._from_...; the storage __x split into SLOT-bit lanes, lane 0 lowest) and
// conversion operators (..._to_...). FP8 constructors use __NV_SATFINITE; FP6/FP4 ones
// cudaRoundNearest (saturating, NaN -> +MAXNORM), as the headers write them. FROM_OP is the
// constructors' op: abs for UE5M3 (13.4), whose constructors drop the sign like __nv_cvt_*_to_ue5m3.
#define FPC_CUDA_CLASS_ROWS(X, X_13_0, PREFIX, CLS2, CLS4, FMT, FROM_OP, SLOT, NAN)                                                     \
  X(PREFIX "x2_from_float32x2", #CLS2 "(float2).__x", FROM_OP, "float32", FMT, kRne, true, NAN, Host,               \
    (x2_from<CLS2, F32, SLOT>))                                                                                       \
  X(PREFIX "x2_from_float64x2", #CLS2 "(double2).__x", FROM_OP, "float64", FMT, kRne, true, NAN, Host,              \
    (x2_from<CLS2, F64, SLOT>))                                                                                       \
  X(PREFIX "x2_from_float16x2", #CLS2 "(__half2).__x", FROM_OP, "float16", FMT, kRne, true, NAN, Host,              \
    (x2_from<CLS2, F16, SLOT>))                                                                                       \
  X(PREFIX "x2_from_bfloat16x2", #CLS2 "(__nv_bfloat162).__x", FROM_OP, "bfloat16", FMT, kRne, true, NAN, Host,     \
    (x2_from<CLS2, BF16, SLOT>))                                                                                      \
  X(PREFIX "x2_to_float32x2", "float2(" #CLS2 ")", "convert", FMT, "float32", kRne, false, kNanUnpinned, Host,        \
    (x2_to_f32x2<CLS2, SLOT>))                                                                                        \
  X(PREFIX "x2_to_float16x2", "__half2(" #CLS2 ")", "convert", FMT, "float16", kRne, false, kNanUnpinned, Host,       \
    (x2_to_f16x2<CLS2, SLOT>))                                                                                        \
  X(PREFIX "x4_from_float32x4", #CLS4 "(float4).__x", FROM_OP, "float32", FMT, kRne, true, NAN, Host,               \
    (x4_from_f32<CLS4, SLOT>))                                                                                        \
  X_13_0(PREFIX "x4_from_float64x4", #CLS4 "(double4_32a).__x", FROM_OP, "float64", FMT, kRne, true, NAN, Host,          \
    (x4_from_f64<CLS4, SLOT>))                                                                                        \
  X(PREFIX "x4_from_float16x2_pair", #CLS4 "(__half2 lo, __half2 hi).__x", FROM_OP, "float16", FMT, kRne, true,     \
    NAN, Host, (x4_from_pairs<CLS4, F16, SLOT>))                                                                      \
  X(PREFIX "x4_from_bfloat16x2_pair", #CLS4 "(__nv_bfloat162 lo, __nv_bfloat162 hi).__x", FROM_OP, "bfloat16",      \
    FMT, kRne, true, NAN, Host, (x4_from_pairs<CLS4, BF16, SLOT>))                                                    \
  X(PREFIX "x4_to_float32x4", "float4(" #CLS4 ")", "convert", FMT, "float32", kRne, false, kNanUnpinned, Host,        \
    (x4_to_f32x4<CLS4, SLOT>))

// --- the scalar classes of cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (fp_wrappers.cuh class_from,
// class_to_f32): constructors (..._from_...) as the headers document them (FP8: __NV_SATFINITE,
// round to nearest even; E8M0: __NV_SATFINITE and cudaRoundPosInf on |x|; UE5M3 (13.4):
// __NV_SATFINITE and cudaRoundNearest on |x|; FP6/FP4:
// cudaRoundNearest, saturating, NaN -> +MAXNORM) and the conversion operator to float.
#define FPC_CUDA_SCALAR_CLASS_ROWS(X, PREFIX, CLS, FMT, OP, RND, NAN)                                                \
  X(PREFIX "_from_float32", #CLS "(float).__x", OP, "float32", FMT, RND, true, NAN, Host, (class_from<CLS, F32>))    \
  X(PREFIX "_from_float64", #CLS "(double).__x", OP, "float64", FMT, RND, true, NAN, Host, (class_from<CLS, F64>))   \
  X(PREFIX "_from_float16", #CLS "(__half).__x", OP, "float16", FMT, RND, true, NAN, Host, (class_from<CLS, F16>))   \
  X(PREFIX "_from_bfloat16", #CLS "(__nv_bfloat16).__x", OP, "bfloat16", FMT, RND, true, NAN, Host,                  \
    (class_from<CLS, BF16>))                                                                                        \
  X(PREFIX "_to_float32", "float(" #CLS ")", "convert", FMT, "float32", kRne, false, kNanUnpinned, Host,            \
    (class_to_f32<CLS>))
#define FPC_CUDA_SCALAR_CLASS_OPS(X, X_12_8, X_13_4)                                                                         \
  FPC_CUDA_SCALAR_CLASS_ROWS(X, "fp8_e4m3", __nv_fp8_e4m3, "float8_e4m3fn", "convert", kRne, kNanUnpinned)         \
  FPC_CUDA_SCALAR_CLASS_ROWS(X, "fp8_e5m2", __nv_fp8_e5m2, "float8_e5m2", "convert", kRne, kNanUnpinned)           \
  FPC_CUDA_SCALAR_CLASS_ROWS(X_12_8, "fp8_e8m0", __nv_fp8_e8m0, "float8_e8m0fnu", "abs", kRup, kNanUnpinned)       \
  FPC_CUDA_SCALAR_CLASS_ROWS(X_12_8, "fp6_e2m3", __nv_fp6_e2m3, "float6_e2m3fn", "convert", kRne, kNanMax)         \
  FPC_CUDA_SCALAR_CLASS_ROWS(X_12_8, "fp6_e3m2", __nv_fp6_e3m2, "float6_e3m2fn", "convert", kRne, kNanMax)         \
  FPC_CUDA_SCALAR_CLASS_ROWS(X_12_8, "fp4_e2m1", __nv_fp4_e2m1, "float4_e2m1fn", "convert", kRne, kNanMax)         \
  FPC_CUDA_SCALAR_CLASS_ROWS(X_13_4, "fp8_ue5m3", __nv_fp8_ue5m3, "float8_e5m3fnu", "abs", kRne, kNanUnpinned)

// The vector rows, appended to FPC_CUDA_OPS.
#define FPC_CUDA_VECTOR_OPS(X, X_12_2, X_12_8, X_13_0, X_13_4)                                                                                        \
  FPC_CUDA_H2_ROWS(X_12_2, add, "__hadd2(a, b)", "add", Host)                                                              \
  FPC_CUDA_H2_ROWS(X_12_2, sub, "__hsub2(a, b)", "sub", Host)                                                              \
  FPC_CUDA_H2_ROWS(X_12_2, mul, "__hmul2(a, b)", "mul", Host)                                                              \
  FPC_CUDA_H2_ROWS(X_12_2, div, "__h2div(a, b)", "div", Host)                                                              \
  FPC_CUDA_H2_ROWS(X_12_2, add_rn, "__hadd2_rn(a, b)", "add", Host)                                                        \
  FPC_CUDA_H2_ROWS(X_12_2, sub_rn, "__hsub2_rn(a, b)", "sub", Host)                                                        \
  FPC_CUDA_H2_ROWS(X_12_2, mul_rn, "__hmul2_rn(a, b)", "mul", Host)                                                        \
  FPC_CUDA_H2_ROWS(X_12_2, add_sat, "__hadd2_sat(a, b)", "add_clamp01", Host)                                              \
  FPC_CUDA_H2_ROWS(X_12_2, sub_sat, "__hsub2_sat(a, b)", "sub_clamp01", Host)                                              \
  FPC_CUDA_H2_ROWS(X_12_2, mul_sat, "__hmul2_sat(a, b)", "mul_clamp01", Host)                                              \
  FPC_CUDA_H2_ROWS(X_12_2, max, "__hmax2(a, b)", "maximumNumber", Host)                                                    \
  FPC_CUDA_H2_ROWS(X_12_2, min, "__hmin2(a, b)", "minimumNumber", Host)                                                    \
  FPC_CUDA_H2_ROWS(X_12_2, max_nan, "__hmax2_nan(a, b)", "maximum", Host)                                                  \
  FPC_CUDA_H2_ROWS(X_12_2, min_nan, "__hmin2_nan(a, b)", "minimum", Host)                                                  \
  FPC_CUDA_H2_ROWS(X_12_2, abs, "__habs2(a)", "abs", Host)                                                                 \
  FPC_CUDA_H2_ROWS(X_12_2, fma, "__hfma2(a, b, c)", "fma", Device)                                                         \
  FPC_CUDA_H2_ROWS(X_12_2, fma_sat, "__hfma2_sat(a, b, c)", "fma_clamp01", Device)                                         \
  FPC_CUDA_H2_ROWS(X_12_2, fma_relu, "__hfma2_relu(a, b, c)", "fma_relu", Device)                                          \
  FPC_CUDA_H2_ROWS(X_12_2, sqrt, "h2sqrt(a)", "sqrt", Device)                                                              \
  FPC_CUDA_H2_ROWS(X_12_2, rcp, "h2rcp(a)", "rcp", Device)                                                                 \
  FPC_CUDA_H2_CONVERSION_ROWS(X_12_2, f16, float16, "__half2", "__float22half2_rn", "__floats2half2_rn", "__half22float2")  \
  FPC_CUDA_H2_CONVERSION_ROWS(X_12_2, bf16, bfloat16, "__nv_bfloat162", "__float22bfloat162_rn", "__floats2bfloat162_rn",  \
                              "__bfloat1622float2")                                                                   \
  FPC_CUDA_CLASS_ROWS(X, X_13_0, "fp8_e4m3", __nv_fp8x2_e4m3, __nv_fp8x4_e4m3, "float8_e4m3fn", "convert", 8, kNanUnpinned)              \
  FPC_CUDA_CLASS_ROWS(X, X_13_0, "fp8_e5m2", __nv_fp8x2_e5m2, __nv_fp8x4_e5m2, "float8_e5m2", "convert", 8, kNanUnpinned)                \
  FPC_CUDA_CLASS_ROWS(X_12_8, X_13_0, "fp6_e2m3", __nv_fp6x2_e2m3, __nv_fp6x4_e2m3, "float6_e2m3fn", "convert", 8, kNanMax)                   \
  FPC_CUDA_CLASS_ROWS(X_12_8, X_13_0, "fp6_e3m2", __nv_fp6x2_e3m2, __nv_fp6x4_e3m2, "float6_e3m2fn", "convert", 8, kNanMax)                   \
  FPC_CUDA_CLASS_ROWS(X_12_8, X_13_0, "fp4_e2m1", __nv_fp4x2_e2m1, __nv_fp4x4_e2m1, "float4_e2m1fn", "convert", 4, kNanMax) \
  FPC_CUDA_CLASS_ROWS(X_13_4, X_13_4, "fp8_ue5m3", __nv_fp8x2_ue5m3, __nv_fp8x4_ue5m3, "float8_e5m3fnu", "abs", 8, kNanUnpinned)

// X_12_2, X_12_8, X_13_0, X_13_4, X_13_5: X for the rows of what those releases added (host
// half/bfloat16 arithmetic; fp6, fp4, e8m0; the double4_32a constructors; ue5m3; fp6/fp4 RU/RD and
// e8m0 RN); a version module (kernels/cuda/version_module.cpp) passes an empty macro for what its
// headers lack. FPC_CUDA_OPS is the machine toolkit's list (host_subjects.cpp, device_runner.cu,
// after fp_wrappers.cuh): its ue5m3 rows only from 13.4 (FPC_CUDA_IF_13_4).
#define FPC_CUDA_OPS(X) FPC_CUDA_OPS_SINCE(X, X, X, X, FPC_CUDA_IF_13_4(X), X)
#define FPC_CUDA_OPS_SINCE(X, X_12_2, X_12_8, X_13_0, X_13_4, X_13_5)                                                                                        \
  FPC_CUDA_FP8_FROM(X, F32, float32, "__nv_cvt_float_to_fp8", "__nv_cvt_float2_to_fp8x2")                        \
  FPC_CUDA_FP8_FROM(X, F64, float64, "__nv_cvt_double_to_fp8", "__nv_cvt_double2_to_fp8x2")                      \
  FPC_CUDA_FP8_FROM(X, F16, float16, "__nv_cvt_halfraw_to_fp8", "__nv_cvt_halfraw2_to_fp8x2")                    \
  FPC_CUDA_FP8_FROM(X, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_fp8", "__nv_cvt_bfloat16raw2_to_fp8x2")          \
  X("float32_to_bfloat16_rn", "__float2bfloat16_rn(x)", "convert", "float32", "bfloat16", kRne, false, kNanUnpinned, Host, (f32_to_bf16_rn)) \
  X("float32_to_bfloat16_rz", "__float2bfloat16_rz(x)", "convert", "float32", "bfloat16", kRtz, false, kNanUnpinned, Host, (f32_to_bf16_rz)) \
  X("float32_to_bfloat16_ru", "__float2bfloat16_ru(x)", "convert", "float32", "bfloat16", kRup, false, kNanUnpinned, Host, (f32_to_bf16_ru)) \
  X("float32_to_bfloat16_rd", "__float2bfloat16_rd(x)", "convert", "float32", "bfloat16", kRdn, false, kNanUnpinned, Host, (f32_to_bf16_rd)) \
  X("float64_to_bfloat16_rn", "__double2bfloat16(x)", "convert", "float64", "bfloat16", kRne, false, kNanUnpinned, Host, (f64_to_bf16_rn))  \
  X("float32_to_float16_rn", "__float2half_rn(x)", "convert", "float32", "float16", kRne, false, kNanUnpinned, Host, (f32_to_f16_rn))        \
  X("float32_to_float16_rz", "__float2half_rz(x)", "convert", "float32", "float16", kRtz, false, kNanUnpinned, Host, (f32_to_f16_rz))        \
  X("float32_to_float16_ru", "__float2half_ru(x)", "convert", "float32", "float16", kRup, false, kNanUnpinned, Host, (f32_to_f16_ru))        \
  X("float32_to_float16_rd", "__float2half_rd(x)", "convert", "float32", "float16", kRdn, false, kNanUnpinned, Host, (f32_to_f16_rd))        \
  X("float64_to_float16_rn", "__double2half(x)", "convert", "float64", "float16", kRne, false, kNanUnpinned, Host, (f64_to_f16_rn))          \
  FPC_CUDA_FP6_FP4_FROM(X_12_8, F32, float32, "__nv_cvt_float_to_fp6", "__nv_cvt_float2_to_fp6x2", "__nv_cvt_float_to_fp4",                        \
                        "__nv_cvt_float2_to_fp4x2")                                                                                          \
  FPC_CUDA_FP6_FP4_FROM(X_12_8, F64, float64, "__nv_cvt_double_to_fp6", "__nv_cvt_double2_to_fp6x2", "__nv_cvt_double_to_fp4",                     \
                        "__nv_cvt_double2_to_fp4x2")                                                                                         \
  FPC_CUDA_FP6_FP4_FROM(X_12_8, F16, float16, "__nv_cvt_halfraw_to_fp6", "__nv_cvt_halfraw2_to_fp6x2", "__nv_cvt_halfraw_to_fp4",                  \
                        "__nv_cvt_halfraw2_to_fp4x2")                                                                                        \
  FPC_CUDA_FP6_FP4_FROM(X_12_8, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_fp6", "__nv_cvt_bfloat16raw2_to_fp6x2",                                   \
                        "__nv_cvt_bfloat16raw_to_fp4", "__nv_cvt_bfloat16raw2_to_fp4x2")                                                     \
  FPC_CUDA_E8M0_FROM(X_12_8, F32, float32, "__nv_cvt_float_to_e8m0", "__nv_cvt_float2_to_e8m0x2")                                                 \
  FPC_CUDA_E8M0_FROM(X_12_8, F64, float64, "__nv_cvt_double_to_e8m0", "__nv_cvt_double2_to_e8m0x2")                                               \
  FPC_CUDA_E8M0_FROM(X_12_8, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_e8m0", "__nv_cvt_bfloat162raw_to_e8m0x2")                                   \
  FPC_CUDA_WIDEN_ROWS(X, "e4m3_to_float16", "__nv_cvt_fp8_to_halfraw", "__nv_cvt_fp8x2_to_halfraw2", ", __NV_E4M3", "float8_e4m3fn",          \
                      "float16", fp8_to_f16<__NV_E4M3>, fp8x2_to_f16x2<__NV_E4M3>, 8, "8")                                                     \
  FPC_CUDA_WIDEN_ROWS(X, "e5m2_to_float16", "__nv_cvt_fp8_to_halfraw", "__nv_cvt_fp8x2_to_halfraw2", ", __NV_E5M2", "float8_e5m2",            \
                      "float16", fp8_to_f16<__NV_E5M2>, fp8x2_to_f16x2<__NV_E5M2>, 8, "8")                                                     \
  FPC_CUDA_WIDEN_ROWS(X_12_8, "e2m3_to_float16", "__nv_cvt_fp6_to_halfraw", "__nv_cvt_fp6x2_to_halfraw2", ", __NV_E2M3", "float6_e2m3fn",          \
                      "float16", fp6_to_f16<__NV_E2M3>, fp6x2_to_f16x2<__NV_E2M3>, 6, "8")                                                     \
  FPC_CUDA_WIDEN_ROWS(X_12_8, "e3m2_to_float16", "__nv_cvt_fp6_to_halfraw", "__nv_cvt_fp6x2_to_halfraw2", ", __NV_E3M2", "float6_e3m2fn",          \
                      "float16", fp6_to_f16<__NV_E3M2>, fp6x2_to_f16x2<__NV_E3M2>, 6, "8")                                                     \
  FPC_CUDA_WIDEN_ROWS(X_12_8, "e2m1_to_float16", "__nv_cvt_fp4_to_halfraw", "__nv_cvt_fp4x2_to_halfraw2", ", __NV_E2M1", "float4_e2m1fn",          \
                      "float16", fp4_to_f16, fp4x2_to_f16x2, 4, "4")                                                                           \
  FPC_CUDA_WIDEN_ROWS(X_12_8, "e8m0_to_bfloat16", "__nv_cvt_e8m0_to_bf16raw", "__nv_cvt_e8m0x2_to_bf162raw", "", "float8_e8m0fnu", "bfloat16",     \
                      e8m0_to_bf16, e8m0x2_to_bf16x2, 8, "8")                                                                                  \
  FPC_CUDA_UE5M3_FROM(X_13_4, F32, float32, "__nv_cvt_float_to_ue5m3", "__nv_cvt_float2_to_ue5m3x2")                                  \
  FPC_CUDA_UE5M3_FROM(X_13_4, F64, float64, "__nv_cvt_double_to_ue5m3", "__nv_cvt_double2_to_ue5m3x2")                                \
  FPC_CUDA_UE5M3_FROM(X_13_4, F16, float16, "__nv_cvt_halfraw_to_ue5m3", "__nv_cvt_half2raw_to_ue5m3x2")                              \
  FPC_CUDA_UE5M3_FROM(X_13_4, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_ue5m3", "__nv_cvt_bfloat162raw_to_ue5m3x2")                    \
  FPC_CUDA_WIDEN_ROWS(X_13_4, "ue5m3_to_bfloat16", "__nv_cvt_ue5m3_to_bf16raw", "__nv_cvt_ue5m3x2_to_bf162raw", "", "float8_e5m3fnu",    \
                      "bfloat16", ue5m3_to_bf16, ue5m3x2_to_bf16x2, 8, "8")                                                             \
  FPC_CUDA_WIDEN_ROWS(X_13_4, "ue5m3_to_float16", "__nv_cvt_ue5m3_to_halfraw", "__nv_cvt_ue5m3x2_to_halfraw2", "", "float8_e5m3fnu",     \
                      "float16", ue5m3_to_f16, ue5m3x2_to_f16x2, 8, "8")                                                                \
  X("bfloat16_to_float32", "__bfloat162float(x)", "convert", "bfloat16", "float32", kRne, false, kNanUnpinned, Host, (bf16_to_f32))          \
  X("float16_to_float32", "__half2float(x)", "convert", "float16", "float32", kRne, false, kNanUnpinned, Host, (f16_to_f32))                 \
  FPC_CUDA_H_ROWS(X_12_2, add, "__hadd(a, b)", "add", Host)                                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, sub, "__hsub(a, b)", "sub", Host)                                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, mul, "__hmul(a, b)", "mul", Host)                                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, div, "__hdiv(a, b)", "div", Host)                                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, add_rn, "__hadd_rn(a, b)", "add", Host)                                                                               \
  FPC_CUDA_H_ROWS(X_12_2, sub_rn, "__hsub_rn(a, b)", "sub", Host)                                                                               \
  FPC_CUDA_H_ROWS(X_12_2, mul_rn, "__hmul_rn(a, b)", "mul", Host)                                                                               \
  FPC_CUDA_H_ROWS(X_12_2, add_sat, "__hadd_sat(a, b)", "add_clamp01", Host)                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, sub_sat, "__hsub_sat(a, b)", "sub_clamp01", Host)                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, mul_sat, "__hmul_sat(a, b)", "mul_clamp01", Host)                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, max, "__hmax(a, b)", "maximumNumber", Host)                                                                           \
  FPC_CUDA_H_ROWS(X_12_2, min, "__hmin(a, b)", "minimumNumber", Host)                                                                           \
  FPC_CUDA_H_ROWS(X_12_2, max_nan, "__hmax_nan(a, b)", "maximum", Host)                                                                         \
  FPC_CUDA_H_ROWS(X_12_2, min_nan, "__hmin_nan(a, b)", "minimum", Host)                                                                         \
  FPC_CUDA_H_ROWS(X_12_2, abs, "__habs(a)", "abs", Host)                                                                                        \
  FPC_CUDA_H_ROWS(X_12_2, fma, "__hfma(a, b, c)", "fma", Device)                                                                                \
  FPC_CUDA_H_ROWS(X_12_2, fma_sat, "__hfma_sat(a, b, c)", "fma_clamp01", Device)                                                                \
  FPC_CUDA_H_ROWS(X_12_2, fma_relu, "__hfma_relu(a, b, c)", "fma_relu", Device)                                                                 \
  FPC_CUDA_H_ROWS(X_12_2, sqrt, "hsqrt(a)", "sqrt", Device)                                                                                     \
  FPC_CUDA_H_ROWS(X_12_2, rcp, "hrcp(a)", "rcp", Device)                                                                                        \
  FPC_CUDA_F32_OPS(X, Device, "")                                                                                                            \
  FPC_CUDA_F32_OPS(X, DeviceFtz, "_ftz")                                                                                                     \
  FPC_CUDA_F64_OPS(X)                                                                                                                        \
  X("float32_to_tf32_rna", "cvt.rna.tf32.f32", "convert", "float32", "tf32", kRna, false, kNanUnpinned, Device, (f32_to_tf32_rna))           \
  X("float32_to_tf32_rna_satfinite", "cvt.rna.satfinite.tf32.f32", "convert", "float32", "tf32", kRna, true, kNanUnpinned, Device,           \
    (f32_to_tf32_rna_satfinite))                                                                                                             \
  X("float32_to_tf32_rn", "cvt.rn.tf32.f32 (sm_90+)", "convert", "float32", "tf32", kRne, false, kNanUnpinned, Device, (f32_to_tf32_rn))      \
  X("float32_to_tf32_rz", "cvt.rz.tf32.f32 (sm_90+)", "convert", "float32", "tf32", kRtz, false, kNanUnpinned, Device, (f32_to_tf32_rz))      \
  X("float32_to_tf32_rn_satfinite", "cvt.rn.satfinite.tf32.f32 (sm_100+)", "convert", "float32", "tf32", kRne, true, kNanUnpinned, Device,     \
    (f32_to_tf32_rn_satfinite))                                                                                                              \
  X("float32_to_tf32_rz_satfinite", "cvt.rz.satfinite.tf32.f32 (sm_100+)", "convert", "float32", "tf32", kRtz, true, kNanUnpinned, Device,     \
    (f32_to_tf32_rz_satfinite))                                                                                              \
  FPC_CUDA_VECTOR_OPS(X, X_12_2, X_12_8, X_13_0, X_13_4)                                                               \
  FPC_CUDA_SCALAR_CLASS_OPS(X, X_12_8, X_13_4)                                                                           \
  FPC_CUDA_FP6_FP4_DIRECTED_FROM(X_13_5, F32, float32, "__nv_cvt_float_to_fp6", "__nv_cvt_float2_to_fp6x2",       \
                                 "__nv_cvt_float_to_fp4", "__nv_cvt_float2_to_fp4x2")                              \
  FPC_CUDA_FP6_FP4_DIRECTED_FROM(X_13_5, F64, float64, "__nv_cvt_double_to_fp6", "__nv_cvt_double2_to_fp6x2",     \
                                 "__nv_cvt_double_to_fp4", "__nv_cvt_double2_to_fp4x2")                            \
  FPC_CUDA_FP6_FP4_DIRECTED_FROM(X_13_5, F16, float16, "__nv_cvt_halfraw_to_fp6", "__nv_cvt_halfraw2_to_fp6x2",   \
                                 "__nv_cvt_halfraw_to_fp4", "__nv_cvt_halfraw2_to_fp4x2")                          \
  FPC_CUDA_FP6_FP4_DIRECTED_FROM(X_13_5, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_fp6",                            \
                                 "__nv_cvt_bfloat16raw2_to_fp6x2", "__nv_cvt_bfloat16raw_to_fp4",                  \
                                 "__nv_cvt_bfloat16raw2_to_fp4x2")                                                 \
  FPC_CUDA_E8M0_NEAREST_FROM(X_13_5, F32, float32, "__nv_cvt_float_to_e8m0", "__nv_cvt_float2_to_e8m0x2")         \
  FPC_CUDA_E8M0_NEAREST_FROM(X_13_5, F64, float64, "__nv_cvt_double_to_e8m0", "__nv_cvt_double2_to_e8m0x2")       \
  FPC_CUDA_E8M0_NEAREST_FROM(X_13_5, BF16, bfloat16, "__nv_cvt_bfloat16raw_to_e8m0", "__nv_cvt_bfloat162raw_to_e8m0x2")

// clang-format on
