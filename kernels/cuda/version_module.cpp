// One CUDA release's headers' host path as a module: compiled once per release with only that
// release's header root on the include path (kernels/CMakeLists.txt), hidden visibility, and
// loaded RTLD_LOCAL (version_modules.cpp): the headers' inline functions and class members are
// weak symbols, and two releases linked into one image would share one copy of each.
//
// The rows are those of cuda_op_list.hpp that this release's headers offer (CUDART_VERSION gates
// them, as fp_wrappers.cuh gates the wrappers); only Host rows have a host path.
#include "cuda_op_list.hpp"
#include "fp_wrappers.cuh"
#include "host_batch.hpp"
#include "version_module.h"

#ifndef FPC_CUDA_MODULE_VERSION
#error "FPC_CUDA_MODULE_VERSION (the release label) must be defined"
#endif

namespace fpc::cudaw {
namespace {

#define FPC_MODULE_ROW_Host(NAME, FN) {NAME, batch<FN>()},
#define FPC_MODULE_ROW_Device(NAME, FN)
#define FPC_MODULE_ROW_DeviceFtz(NAME, FN)
#define FPC_MODULE_ROW(NAME, ENTRY, OP, IN, OUT, RND, SAT, NAN, WHERE, FN) FPC_MODULE_ROW_##WHERE(NAME, FN)
#define FPC_MODULE_NONE(...)
#if FPC_CUDA_HOST_ARITH
#define FPC_MODULE_ROW_12_2 FPC_MODULE_ROW
#else
#define FPC_MODULE_ROW_12_2 FPC_MODULE_NONE
#endif
#if FPC_CUDA_MX
#define FPC_MODULE_ROW_12_8 FPC_MODULE_ROW
#else
#define FPC_MODULE_ROW_12_8 FPC_MODULE_NONE
#endif
#if FPC_CUDA_DOUBLE4_32A
#define FPC_MODULE_ROW_13_0 FPC_MODULE_ROW
#else
#define FPC_MODULE_ROW_13_0 FPC_MODULE_NONE
#endif
#if FPC_CUDA_UE5M3
#define FPC_MODULE_ROW_13_4 FPC_MODULE_ROW
#else
#define FPC_MODULE_ROW_13_4 FPC_MODULE_NONE
#endif
#if FPC_CUDA_MODES_13_5
#define FPC_MODULE_ROW_13_5 FPC_MODULE_ROW
#else
#define FPC_MODULE_ROW_13_5 FPC_MODULE_NONE
#endif

const fpc_cuda_module_op kOps[] = {
    FPC_CUDA_OPS_SINCE(FPC_MODULE_ROW, FPC_MODULE_ROW_12_2, FPC_MODULE_ROW_12_8, FPC_MODULE_ROW_13_0,
                       FPC_MODULE_ROW_13_4, FPC_MODULE_ROW_13_5)};

const fpc_cuda_module kModule = {FPC_CUDA_MODULE_ABI, FPC_CUDA_MODULE_VERSION, CUDART_VERSION,
                                 sizeof kOps / sizeof kOps[0], kOps};

}  // namespace
}  // namespace fpc::cudaw

extern "C" __attribute__((visibility("default"))) const fpc_cuda_module* fpc_cuda_host_module_v1(void) {
  return &fpc::cudaw::kModule;
}
