// The CUDA block quantization kernels (quant_kernels.cuh) on the GPU: subjects cuda_device_*.
// One launch computes the tensor amax (NVFP4's global scale), a second quantizes one block per
// thread. Production kernels spread a block over a warp and reduce amax with shuffles; max is
// exact and order-free, so one thread per block computes the same codes with the same intrinsics.
#include "quant_kernel_list.hpp"
#include "quant_kernels.cuh"
#include "quant_runner.h"

#include <cuda_runtime.h>

#include <cstdio>
#include <cstring>

namespace fpc::cuda_quant::device {
namespace {

__global__ void amax_kernel(const uint32_t* x, size_t n, float* amax) {
  if (blockIdx.x == 0 && threadIdx.x == 0) *amax = tensor_amax(x, n);
}

template <class K>
__global__ void quantize_kernel(const uint32_t* x, size_t n, const float* amax, uint8_t* codes, uint32_t* scales,
                                int32_t* zero_points) {
  const size_t b = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  const size_t start = b * K::kBlock;
  if (start >= n) return;
  const size_t len = n - start < K::kBlock ? n - start : K::kBlock;
  quantize_block<K>(x + start, len, *amax, codes + start, scales + b, zero_points + b);
}

int fail(cudaError_t e, const char* what, char* err, size_t len) {
  std::snprintf(err, len, "%s: %s", what, cudaGetErrorString(e));
  return 1;
}

template <class K>
int run_kernel(const uint32_t* x, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points, char* err, size_t len) {
  if (n == 0) return 0;
  const size_t blocks = (n + K::kBlock - 1) / K::kBlock;
  // One allocation: x (n words), scales (blocks words), zero points (blocks words), amax (one
  // word), codes (n bytes).
  uint32_t* buf = nullptr;
  cudaError_t e = cudaMalloc(&buf, (n + 2 * blocks + 1) * sizeof(uint32_t) + n);
  if (e != cudaSuccess) return fail(e, "cudaMalloc", err, len);
  uint32_t* d_x = buf;
  uint32_t* d_scales = buf + n;
  int32_t* d_zero_points = reinterpret_cast<int32_t*>(buf + n + blocks);
  float* d_amax = reinterpret_cast<float*>(buf + n + 2 * blocks);
  uint8_t* d_codes = reinterpret_cast<uint8_t*>(buf + n + 2 * blocks + 1);
  e = cudaMemcpy(d_x, x, n * sizeof(uint32_t), cudaMemcpyHostToDevice);
  if (e == cudaSuccess) {
    amax_kernel<<<1, 1>>>(d_x, n, d_amax);
    constexpr unsigned kThreads = 128;
    quantize_kernel<K><<<static_cast<unsigned>((blocks + kThreads - 1) / kThreads), kThreads>>>(d_x, n, d_amax, d_codes, d_scales,
                                                                                                   d_zero_points);
    e = cudaGetLastError();
  }
  if (e == cudaSuccess) e = cudaMemcpy(codes, d_codes, n, cudaMemcpyDeviceToHost);
  if (e == cudaSuccess) e = cudaMemcpy(scales, d_scales, blocks * sizeof(uint32_t), cudaMemcpyDeviceToHost);
  if (e == cudaSuccess && kHasZeroPoints<K> && zero_points != nullptr)
    e = cudaMemcpy(zero_points, d_zero_points, blocks * sizeof(int32_t), cudaMemcpyDeviceToHost);
  const cudaError_t freed = cudaFree(buf);
  if (e != cudaSuccess) return fail(e, "kernel launch or copy", err, len);
  if (freed != cudaSuccess) return fail(freed, "cudaFree", err, len);
  return 0;
}

}  // namespace

int run(const char* name, const uint32_t* x, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points, char* err,
        size_t len) {
#define FPC_QUANT_DEVICE(NAME, SCHEME, REFERENCE, RULE, BLOCK, KERNEL) \
  if (std::strcmp(name, NAME) == 0) return run_kernel<KernelType<void KERNEL>::type>(x, n, codes, scales, zero_points, err, len);
  FPC_CUDA_QUANT_KERNELS(FPC_QUANT_DEVICE)
#undef FPC_QUANT_DEVICE
  std::snprintf(err, len, "no CUDA quantization kernel named %s", name);
  return 1;
}

}  // namespace fpc::cuda_quant::device
