// "cuda_device": the wrappers of fp_wrappers.cuh run on the GPU, one kernel launch per batch of
// cases (one thread per case). Compiled by nvcc twice: as is (the Host and Device rows of
// cuda_op_list.hpp) and with -ftz=true -DFPC_CUDA_FTZ_BUILD (the DeviceFtz rows).
#include "cuda_op_list.hpp"
#include "device_runner.h"
#include "fp_wrappers.cuh"

#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>
#include <type_traits>

#ifndef FPC_CUDA_ARCH_LIST
#define FPC_CUDA_ARCH_LIST "unknown"
#endif

namespace fpc::cuda_ops::device {
namespace {

using cudaw::code;

template <code (*F)(code)>
__global__ void kernel1(const code* a, const code*, const code*, code* out, size_t n) {
  const size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  if (i < n) out[i] = F(a[i]);
}
template <code (*F)(code, code)>
__global__ void kernel2(const code* a, const code* b, const code*, code* out, size_t n) {
  const size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  if (i < n) out[i] = F(a[i], b[i]);
}
template <code (*F)(code, code, code)>
__global__ void kernel3(const code* a, const code* b, const code* c, code* out, size_t n) {
  const size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  if (i < n) out[i] = F(a[i], b[i], c[i]);
}

// A lane op (lane_spread.hpp): one thread per vector of the batch.
template <auto F>
__global__ void kernel_lanes(const code* a, const code* b, const code* c, code* out, size_t n) {
  const size_t e = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  if (e < cudaw::lane_vectors(n, cudaw::LaneFn<decltype(F)>::lanes)) cudaw::run_lane_vector<F>(a, b, c, out, n, e);
}

int fail(cudaError_t e, const char* what, char* err, size_t len) {
  std::snprintf(err, len, "%s: %s", what, cudaGetErrorString(e));
  return 1;
}

// Copies the operands to the device, launches one kernel over the batch, copies the results back.
template <int Arity, typename Kernel>
int run_batch(Kernel kernel, const uint64_t* const* in, uint64_t* out, size_t n, char* err, size_t len) {
  if (n == 0) return 0;
  code* buf = nullptr;
  const size_t bytes = n * sizeof(code);
  cudaError_t e = cudaMalloc(&buf, bytes * (Arity + 1));
  if (e != cudaSuccess) return fail(e, "cudaMalloc", err, len);
  code* operand[3] = {buf, buf, buf};
  for (int k = 0; k < Arity; ++k) {
    operand[k] = buf + size_t(k) * n;
    if (e == cudaSuccess) e = cudaMemcpy(operand[k], in[k], bytes, cudaMemcpyHostToDevice);
  }
  code* result = buf + size_t(Arity) * n;
  const unsigned zero = 0;
  if (e == cudaSuccess) e = cudaMemcpyToSymbol(cudaw::g_unsupported_instruction, &zero, sizeof zero);
  if (e == cudaSuccess) {
    constexpr unsigned kThreads = 256;
    kernel<<<static_cast<unsigned>((n + kThreads - 1) / kThreads), kThreads>>>(operand[0], operand[1], operand[2], result, n);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = cudaMemcpy(out, result, bytes, cudaMemcpyDeviceToHost);
  unsigned unsupported = 0;
  if (e == cudaSuccess) e = cudaMemcpyFromSymbol(&unsupported, cudaw::g_unsupported_instruction, sizeof unsupported);
  const cudaError_t freed = cudaFree(buf);
  if (e != cudaSuccess) return fail(e, "kernel launch or copy", err, len);
  if (freed != cudaSuccess) return fail(freed, "cudaFree", err, len);
  if (unsupported != 0) {
    std::snprintf(err, len, "the instruction under test does not exist on this GPU's architecture");
    return 1;
  }
  return 0;
}

template <auto F>
int run(const uint64_t* const* in, uint64_t* out, size_t n, char* err, size_t len) {
  if constexpr (cudaw::LaneFn<decltype(F)>::value)
    return run_batch<cudaw::LaneFn<decltype(F)>::arity>(kernel_lanes<F>, in, out, n, err, len);
  else if constexpr (std::is_same_v<decltype(F), code (*)(code)>) return run_batch<1>(kernel1<F>, in, out, n, err, len);
  else if constexpr (std::is_same_v<decltype(F), code (*)(code, code)>) return run_batch<2>(kernel2<F>, in, out, n, err, len);
  else return run_batch<3>(kernel3<F>, in, out, n, err, len);
}

using namespace cudaw;  // the wrappers named in cuda_op_list.hpp

#if defined(FPC_CUDA_FTZ_BUILD)
#define FPC_CUDA_DEV_Host(NAME, FN)
#define FPC_CUDA_DEV_Device(NAME, FN)
#define FPC_CUDA_DEV_DeviceFtz(NAME, FN) \
  if (std::strcmp(name, NAME) == 0) return &run<FN>;
#else
#define FPC_CUDA_DEV_Host(NAME, FN) \
  if (std::strcmp(name, NAME) == 0) return &run<FN>;
#define FPC_CUDA_DEV_Device(NAME, FN) \
  if (std::strcmp(name, NAME) == 0) return &run<FN>;
#define FPC_CUDA_DEV_DeviceFtz(NAME, FN)
#endif
#define FPC_CUDA_DEV(NAME, ENTRY, OP, IN, OUT, RND, SAT, NAN, WHERE, FN) FPC_CUDA_DEV_##WHERE(NAME, FN)

}  // namespace

#if defined(FPC_CUDA_FTZ_BUILD)
RunFn ftz_run_fn(const char* name) {
  FPC_CUDA_OPS(FPC_CUDA_DEV)
  return nullptr;
}
#else
RunFn plain_run_fn(const char* name) {
  FPC_CUDA_OPS(FPC_CUDA_DEV)
  return nullptr;
}

int count_devices(char* err, size_t len) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    std::snprintf(err, len, "cudaGetDeviceCount: %s", cudaGetErrorString(e));
    return -1;
  }
  return count;
}

const char* built_architectures() { return FPC_CUDA_ARCH_LIST; }
#endif

}  // namespace fpc::cuda_ops::device
