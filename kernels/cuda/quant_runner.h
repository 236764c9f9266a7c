// The CUDA block quantization kernels' plain interface (no fpconform or CUDA headers), between
// quant_host.cpp (g++, the headers' host path), quant_device_runner.cu (nvcc) and
// quant_subjects.cpp, which makes them block subjects. Names are the NAME column of
// quant_kernel_list.hpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fpc::cuda_quant {

// Quantizes n float32 values (bit patterns), block after block of the kernel's block size (the
// last block may be short): codes[i] one element code per value, scales[b] one scale code per
// block, zero_points[b] one zero point per block for kernels whose scheme has them (the int4
// groups; nullptr or untouched for the others).
using HostRunFn = void (*)(const uint32_t* x, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points);

// The host path of kernel `name` (quant_host.cpp, built when the CUDA headers are found);
// nullptr for an unknown name.
HostRunFn host_run_fn(const char* name);

namespace device {
// Runs kernel `name` on the current device (one thread per block, after an amax pass over the
// tensor). Returns 0, or non-zero with a message in err[0..err_len).
int run(const char* name, const uint32_t* x, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points, char* err,
        size_t err_len);
}  // namespace device

}  // namespace fpc::cuda_quant
