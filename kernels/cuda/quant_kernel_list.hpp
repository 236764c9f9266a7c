// The CUDA block quantization kernels (quant_kernels.cuh) as data: each row is one kernel, checked
// as two block subjects, cuda_host_NAME (the CUDA headers' host path) and cuda_device_NAME (nvcc,
// on a GPU). Readable without any CUDA header (the KERNEL column is only expanded where
// quant_kernels.cuh is included), so every machine lists the same subjects with the same claims.
//
// X(NAME, SCHEME, REFERENCE, RULE, BLOCK, KERNEL)
//   SCHEME, REFERENCE: the scheme and reference of fpconform/quantize.hpp the kernel claims;
//   RULE: the MX scale rule of the claim (MxScaleRule; Floor where the scheme has none);
//   BLOCK: the values per block the kernel claims, 0 for the scheme's default (llm_int8_row has
//   none: the row length); the kernel's kBlock (checked where KERNEL is expanded).
#pragma once

namespace fpc::cuda_quant {
// KernelType<void KERNEL>::type: the KERNEL column (a parenthesised type) as a type.
template <class T>
struct KernelType;
template <class T>
struct KernelType<void(T)> {
  using type = T;
};
}  // namespace fpc::cuda_quant

#define FPC_CUDA_QUANT_KERNELS(X)                                                              \
  X("mxfp8_e4m3", "mxfp8_e4m3", "ideal", Floor, 0, (Mx<E4m3, ScaleRule::Floor>))               \
  X("mxfp8_e5m2", "mxfp8_e5m2", "ideal", Floor, 0, (Mx<E5m2, ScaleRule::Floor>))               \
  X("mxfp6_e2m3", "mxfp6_e2m3", "ideal", Floor, 0, (Mx<E2m3, ScaleRule::Floor>))               \
  X("mxfp6_e3m2", "mxfp6_e3m2", "ideal", Floor, 0, (Mx<E3m2, ScaleRule::Floor>))               \
  X("mxfp4", "mxfp4", "ideal", Floor, 0, (Mx<E2m1, ScaleRule::Floor>))                         \
  X("mxint8", "mxint8", "ideal", Floor, 0, (Mx<Int8, ScaleRule::Floor>))                       \
  X("mxfp8_e4m3_roundup", "mxfp8_e4m3", "ideal", RoundUp, 0, (Mx<E4m3, ScaleRule::RoundUp>))   \
  X("mxfp8_e5m2_roundup", "mxfp8_e5m2", "ideal", RoundUp, 0, (Mx<E5m2, ScaleRule::RoundUp>))   \
  X("mxfp6_e2m3_roundup", "mxfp6_e2m3", "ideal", RoundUp, 0, (Mx<E2m3, ScaleRule::RoundUp>))   \
  X("mxfp6_e3m2_roundup", "mxfp6_e3m2", "ideal", RoundUp, 0, (Mx<E3m2, ScaleRule::RoundUp>))   \
  X("mxfp4_roundup", "mxfp4", "ideal", RoundUp, 0, (Mx<E2m1, ScaleRule::RoundUp>))             \
  X("nvfp4", "nvfp4", "te", Floor, 0, (Nvfp4))                                                 \
  X("bnb_fp4", "bnb_fp4", "cuda", Floor, 0, (Bnb<true>))                                       \
  X("bnb_nf4", "bnb_nf4", "cuda", Floor, 0, (Bnb<false>))                                      \
  X("llm_int8_row", "llm_int8_row", "torch", Floor, 256, (LlmInt8Row<256>))                    \
  X("uint4_group", "uint4_group", "torch", Floor, 0, (Int4Group<false>))                       \
  X("int4_group", "int4_group", "torch", Floor, 0, (Int4Group<true>))
