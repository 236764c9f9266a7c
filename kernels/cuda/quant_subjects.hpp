// The CUDA block quantization kernels (quant_kernel_list.hpp) as block subjects: cuda_host_NAME
// (the CUDA headers' host path; unavailable when the headers were not found at configure time)
// and cuda_device_NAME (nvcc-built, run on a GPU; unavailable without a CUDA device, never faked).
#pragma once

#include "fpconform/block_subject.hpp"

#include <vector>

namespace fpc::cuda_quant {

std::vector<BlockSubject> block_subjects();

}  // namespace fpc::cuda_quant
