// The operations the CUDA subjects offer, as data (no CUDA header needed to read it), so that
// "cuda_host" and "cuda_device" list the same operations with the same declared semantics on
// every machine, whether or not the toolkit or a GPU is present. The rows are in cuda_op_list.hpp.
#pragma once

#include "fpconform/round.hpp"
#include "fpconform/subject.hpp"

#include <span>
#include <string>
#include <vector>

namespace fpc::cuda_ops {

// Where an op can run: Host (the header has a host path; also on the device), Device (device
// only), DeviceFtz (device only, from the translation unit built with -ftz=true).
enum class Where { Host, Device, DeviceFtz };

struct Spec {
  const char* name;   // SubjectOp::name
  const char* entry;  // SubjectOp::entry: the CUDA API call under test
  const char* op;     // "convert", "add", ... (fpconform/arith.hpp)
  const char* in;     // canonical format names
  const char* out;
  Rounding rounding;
  bool saturate;                // policy.saturate (±inf inputs saturate too, as CUDA documents)
  NanIntoNoNan nan_into_no_nan; // PositiveMax where the header documents NaN -> +MAXNORM
  Where where;
  int since = 0;                // CUDART_VERSION of the first release whose headers offer it (0: 11.8)
};

std::span<const Spec> specs();
// Whether the machine's CUDA toolkit (found at configure time) is recent enough for `s`.
bool in_toolkit(const Spec& s);

// The declared semantics of a spec (DeviceFtz: ftz and daz).
OpSemantics semantics_of(const Spec& s);

// An op whose run function throws std::logic_error naming the subject and `why`: for listing
// ops of a subject that cannot run here. Never returns made-up results.
SubjectOp unrunnable_op(const Spec& s, const std::string& subject, const std::string& why);

// The Host specs a CUDA release offers on the host (CUDART_VERSION, e.g. 12080), in list order.
std::vector<const Spec*> host_specs_of(int cudart_version);

// "cuda_host@VERSION": the host path of one CUDA release's headers, from its module
// (kernels/cuda/version_module.cpp, loaded by version_modules.cpp); listed as unavailable when the
// module was not built (the matrix a build asks for: FPC_CUDA_VERSIONS) or cannot be loaded.
std::vector<Subject> make_cuda_version_subjects();

// "cuda_host": the headers' host path (kernels/cuda/host_subjects.cpp when the CUDA headers were
// found at configure time; otherwise listed as unavailable). Every Host spec.
Subject make_cuda_host_subject();
// "cuda_device": every spec, run by kernels/cuda/device_runner.cu when nvcc built it and
// cudaGetDeviceCount() reports a device; otherwise listed as unavailable.
Subject make_cuda_device_subject();

}  // namespace fpc::cuda_ops
