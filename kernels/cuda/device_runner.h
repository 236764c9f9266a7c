// The device runner's plain interface (no fpconform or CUDA headers), between device_runner.cu
// (compiled by nvcc, twice: once as is and once with -ftz=true) and cuda_ops.cpp.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fpc::cuda_ops::device {

// Runs one batch on the current device: in[k][i] is operand k of case i, n cases, results to
// out. Returns 0, or non-zero with a message in err[0..err_len).
using RunFn = int (*)(const uint64_t* const* in, uint64_t* out, size_t n, char* err, size_t err_len);

// Every op of the plain translation unit (Host and Device rows of cuda_op_list.hpp), by name;
// nullptr when it has none.
RunFn plain_run_fn(const char* name);
// Every op of the -ftz=true translation unit (DeviceFtz rows), by name; nullptr when none.
RunFn ftz_run_fn(const char* name);

// cudaGetDeviceCount(); -1 with the runtime's message in err when it fails (e.g. no driver).
int count_devices(char* err, size_t err_len);
// The architectures the device code was built for (FPC_CUDA_ARCH_LIST), e.g. "sm_89 sm_90".
const char* built_architectures();

}  // namespace fpc::cuda_ops::device
