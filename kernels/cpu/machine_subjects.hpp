// The machine's own floating-point conversions and arithmetic: what the compiler and the CPU
// offer natively, checked as subjects. Each subject lists all its ops wherever it is built; where
// the compiler or CPU lacks the feature, it is listed unavailable with the reason, and its ops
// throw std::logic_error instead of executing instructions the CPU does not have.
#pragma once

#include "fpconform/subject.hpp"

namespace fpc::machine_subjects {

// "cpu_float16": GCC's _Float16 (ISO/IEC TS 18661-3) on x86-64 without AVX512-FP16: conversions
// float32/float64 <-> _Float16 and + - * / under each of the four IEEE rounding directions set by
// fesetround. Unavailable where the compiler has no _Float16.
Subject make_cpu_float16_subject();

// "cpu_f16c": x86 F16C vcvtps2ph with each rounding immediate and with the MXCSR rounding
// direction (_MM_FROUND_CUR_DIRECTION under each MXCSR.RC), and vcvtph2ps; 8 lanes per
// instruction. Unavailable where the CPU lacks f16c.
Subject make_cpu_f16c_subject();

// "cpu_avx512_bf16": AVX512-BF16 vcvtneps2bf16 (float32 -> bfloat16), declared with the semantics
// Intel documents: round to nearest even, input denormals read as zero, output denormals flushed.
Subject make_cpu_avx512_bf16_subject();

// "cpu_avx512_fp16": AVX512-FP16 conversions (vcvtps2phx, vcvtpd2ph, vcvtph2psx) and arithmetic
// (vaddph, vsubph, vmulph, vdivph, vsqrtph, vfmadd132ph) with each embedded rounding mode.
Subject make_cpu_avx512_fp16_subject();

}  // namespace fpc::machine_subjects
