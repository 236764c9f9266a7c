/* The interface of a per-release module of the CUDA headers' host path
 * (kernels/cuda/version_module.cpp, built once per CUDA release as its own shared object and
 * loaded by version_modules.cpp). Plain C, so that nothing of one release's headers crosses it. */
#ifndef FPC_CUDA_VERSION_MODULE_H
#define FPC_CUDA_VERSION_MODULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FPC_CUDA_MODULE_ABI 1

typedef void (*fpc_cuda_module_batch)(const uint64_t* const* in, uint64_t* out, size_t n);

typedef struct {
  const char* name; /* the op's name, a Host row of cuda_op_list.hpp */
  fpc_cuda_module_batch run;
} fpc_cuda_module_op;

typedef struct {
  int abi;                 /* FPC_CUDA_MODULE_ABI */
  const char* version;     /* the release label it was built for, e.g. "12.8.57" */
  int cudart_version;      /* CUDART_VERSION as its headers define it, e.g. 12080 */
  size_t count;
  const fpc_cuda_module_op* ops;
} fpc_cuda_module;

/* The one symbol a module exports. */
const fpc_cuda_module* fpc_cuda_host_module_v1(void);

#ifdef __cplusplus
}
#endif

#endif
