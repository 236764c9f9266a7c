// The mma.sync runner (mma_runner.h): one warp computes a tile of 8 dots (mma_tile.cuh), one
// mma.sync.aligned.m16n8kK.row.col.f32 per K step, the accumulator registers carried from one
// instruction to the next as its C.
#include "mma_tile.cuh"

#ifndef FPC_MMA_ARCH_LIST
#define FPC_MMA_ARCH_LIST "unknown"
#endif

namespace fpc::cuda_mma {
namespace {

template <MmaInput In>
__device__ inline void mma(float (&acc)[4], const uint32_t (&ra)[4], const uint32_t (&rb)[2]) {
#define FPC_MMA_OPERANDS                                                                                          \
  : "+f"(acc[0]), "+f"(acc[1]), "+f"(acc[2]), "+f"(acc[3])                                                      \
  : "r"(ra[0]), "r"(ra[1]), "r"(ra[2]), "r"(ra[3]), "r"(rb[0]), "r"(rb[1])
  if constexpr (In == MmaInput::Float16) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 FPC_MMA_OPERANDS);
  } else if constexpr (In == MmaInput::BFloat16) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 FPC_MMA_OPERANDS);
  } else if constexpr (In == MmaInput::Tf32) {
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 FPC_MMA_OPERANDS);
  } else {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 890
    if constexpr (In == MmaInput::E4M3)
      asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   FPC_MMA_OPERANDS);
    else
      asm volatile("mma.sync.aligned.m16n8k32.row.col.f32.e5m2.e5m2.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   FPC_MMA_OPERANDS);
#else
    __trap();  // the host refuses FP8 below sm_89 before launching
#endif
  }
#undef FPC_MMA_OPERANDS
}

constexpr int kWarpsPerBlock = 4;

template <MmaInput In>
__global__ void mma_sync_dots(const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K) {
  const int lane = static_cast<int>(threadIdx.x & 31), g = lane >> 2, t = lane & 3;
  const size_t base = (blockIdx.x * size_t{kWarpsPerBlock} + threadIdx.x / 32) * 8;
  if (base >= count) return;  // the whole warp
  float acc[4];
  load_c(c, base, count, 0, g, t, acc);
  for (size_t k0 = 0; k0 < K; k0 += Shape<In>::k) {
    uint32_t ra[4], rb[2];
    load_a<In>(a, base, count, K, k0, g, t, ra);
    load_b<In>(b, base, count, K, k0, g, t, rb);
    mma<In>(acc, ra, rb);
  }
  store_d(d, base, count, 0, g, t, acc);
}

template <MmaInput In>
int run(const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K, char* err, size_t len) {
  return run_on_device(Shape<In>::bytes, a, b, c, d, count, K, err, len,
                       [&](const void* da, const void* db, const uint32_t* dc, uint32_t* dd) {
                         const size_t tiles = (count + 7) / 8;
                         const unsigned blocks = static_cast<unsigned>((tiles + kWarpsPerBlock - 1) / kWarpsPerBlock);
                         mma_sync_dots<In><<<blocks, 32 * kWarpsPerBlock>>>(da, db, dc, dd, count, K);
                       });
}

}  // namespace

int instruction_k(MmaInput in) {
  switch (in) {
    case MmaInput::Float16:
    case MmaInput::BFloat16: return 16;
    case MmaInput::Tf32: return 8;
    default: return 32;
  }
}

int element_bytes(MmaInput in) {
  switch (in) {
    case MmaInput::Float16:
    case MmaInput::BFloat16: return 2;
    case MmaInput::Tf32: return 4;
    default: return 1;
  }
}

DeviceInfo device_info() {
  DeviceInfo info;
  cudaError_t e = cudaGetDeviceCount(&info.count);
  if (e != cudaSuccess) {
    info.count = -1;
    std::snprintf(info.error, sizeof info.error, "cudaGetDeviceCount: %s", cudaGetErrorString(e));
    return info;
  }
  if (info.count == 0) return info;
  cudaDeviceProp prop{};
  if ((e = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess) {
    info.count = -1;
    std::snprintf(info.error, sizeof info.error, "cudaGetDeviceProperties: %s", cudaGetErrorString(e));
    return info;
  }
  info.major = prop.major;
  info.minor = prop.minor;
  std::snprintf(info.name, sizeof info.name, "%s", prop.name);
  return info;
}

int run_mma_sync(MmaInput in, const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K,
                 char* err, size_t len) {
  return dispatch(in, K, err, len, [&](auto in_type) { return run<decltype(in_type)::value>(a, b, c, d, count, K, err, len); });
}

const char* mma_sync_architectures() { return FPC_MMA_ARCH_LIST; }

}  // namespace fpc::cuda_mma
