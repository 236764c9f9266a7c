// The host path of the CUDA block quantization kernels (quant_kernels.cuh compiled by the C++
// compiler with the CUDA include directory): subjects cuda_host_*.
#include "quant_kernel_list.hpp"
#include "quant_kernels.cuh"
#include "quant_runner.h"

#include <algorithm>
#include <cstring>

namespace fpc::cuda_quant {
namespace {

template <class K>
void host_run(const uint32_t* x, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points) {
  const float amax = tensor_amax(x, n);
  int32_t unused = 0;
  for (size_t start = 0, b = 0; start < n; start += K::kBlock, ++b)
    quantize_block<K>(x + start, std::min(K::kBlock, n - start), amax, codes + start, scales + b,
                      zero_points ? zero_points + b : &unused);
}

}  // namespace

HostRunFn host_run_fn(const char* name) {
#define FPC_QUANT_HOST(NAME, SCHEME, REFERENCE, RULE, BLOCK, KERNEL)                                  \
  static_assert(BLOCK == 0 || KernelType<void KERNEL>::type::kBlock == BLOCK, NAME ": BLOCK is not the kernel's"); \
  if (std::strcmp(name, NAME) == 0) return &host_run<KernelType<void KERNEL>::type>;
  FPC_CUDA_QUANT_KERNELS(FPC_QUANT_HOST)
#undef FPC_QUANT_HOST
  return nullptr;
}

}  // namespace fpc::cuda_quant
