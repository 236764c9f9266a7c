// The operations the CUDA subjects offer, as data (no CUDA header needed to read it), so that
// "cuda_host" and "cuda_device" list the same operations with the same declared semantics on
// every machine, whether or not the toolkit or a GPU is present.
#pragma once

#include "fpconform/round.hpp"
#include "fpconform/subject.hpp"

#include <span>

namespace fpc::cuda_ops {

// One id per wrapper in fp_wrappers.cuh that a subject exposes as an op.
enum class Id {
  F32ToE4m3Sat, F32ToE4m3NoSat, F32ToE5m2Sat, F32ToE5m2NoSat,
  F32x2ToE4m3SatLo, F32x2ToE4m3SatHi, F32x2ToE4m3NoSatLo, F32x2ToE4m3NoSatHi,
  F32x2ToE5m2SatLo, F32x2ToE5m2SatHi, F32x2ToE5m2NoSatLo, F32x2ToE5m2NoSatHi,
  F32ToBf16Rn, F32ToBf16Rz, F32ToBf16Ru, F32ToBf16Rd,
  F32ToF16Rn, F32ToF16Rz, F32ToF16Ru, F32ToF16Rd,
  E4m3ToF16, E5m2ToF16, Bf16ToF32, F16ToF32,
  F16Add, F16Sub, F16Mul, F16Div, F16Fma,
  Bf16Add, Bf16Sub, Bf16Mul, Bf16Div, Bf16Fma,
};

struct Spec {
  Id id;
  const char* name;   // SubjectOp::name
  const char* entry;  // SubjectOp::entry: the CUDA API call under test
  const char* op;     // "convert", "add", ...
  const char* in;     // canonical format names
  const char* out;
  Rounding rounding;
  bool saturate;      // policy.saturate (inf under saturation: ±max, as CUDA documents)
  bool host;          // the headers provide a host path for it
};

std::span<const Spec> specs();

// The declared semantics of a spec.
OpSemantics semantics_of(const Spec& s);

// An op whose run function throws std::logic_error naming the subject and `why`: for listing
// ops of a subject that cannot run here. Never returns made-up results.
SubjectOp unrunnable_op(const Spec& s, const std::string& subject, const std::string& why);

// "cuda_host": the headers' host path (kernels/cuda/host_subjects.cpp when the CUDA headers were
// found at configure time; otherwise listed as unavailable).
Subject make_cuda_host_subject();
// "cuda_device": the device path; unavailable until the device runner exists (issue 4).
Subject make_cuda_device_subject();

}  // namespace fpc::cuda_ops
