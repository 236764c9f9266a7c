// "cuda_host": the CUDA headers' host path, compiled by the C++ compiler (not nvcc). Every op's
// batch function is a plain loop over the cases calling one inline wrapper of fp_wrappers.cuh.
#include "cuda_op_list.hpp"
#include "cuda_ops.hpp"
#include "fp_wrappers.cuh"
#include "host_batch.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#ifndef FPC_CUDA_VERSION
#define FPC_CUDA_VERSION "unknown"
#endif

namespace fpc::cuda_ops {
namespace {

using namespace cudaw;  // the wrappers named in cuda_op_list.hpp

BatchFn host_batch_fn(std::string_view name) {
#define FPC_CUDA_HOST_Host(NAME, FN) \
  if (name == NAME) return batch<FN>();
#define FPC_CUDA_HOST_Device(NAME, FN)
#define FPC_CUDA_HOST_DeviceFtz(NAME, FN)
#define FPC_CUDA_HOST(NAME, ENTRY, OP, IN, OUT, RND, SAT, NAN, WHERE, FN) FPC_CUDA_HOST_##WHERE(NAME, FN)
  FPC_CUDA_OPS(FPC_CUDA_HOST)
#undef FPC_CUDA_HOST
  throw std::logic_error("cuda_host: no host path for op " + std::string(name));
}

}  // namespace

Subject make_cuda_host_subject() {
  Subject s;
  s.name = "cuda_host";
  s.description = std::string("host path of the CUDA ") + FPC_CUDA_VERSION +
                  " headers cuda_fp16.h, cuda_bf16.h, cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (compiled by the C++ "
                  "compiler, not nvcc)";
  for (const Spec& spec : specs()) {
    if (spec.where != Where::Host || spec.since > CUDART_VERSION) continue;
    SubjectOp op;
    op.name = spec.name;
    op.entry = spec.entry;
    op.semantics = semantics_of(spec);
    op.run = host_batch_fn(spec.name);
    s.ops.push_back(std::move(op));
  }
  return s;
}

}  // namespace fpc::cuda_ops
