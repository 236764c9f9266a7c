// The wgmma runner (mma_runner.h), sm_90a: one warpgroup (4 warps, 128 threads) computes a tile
// of 8 dots (mma_tile.cuh) with wgmma.mma_async.sync.aligned.m64n8kK.f32, A from registers (warp
// w holds rows 16w..16w+15 in the mma.sync layout; only warp 0's rows 0..7 carry dots) and B from
// shared memory through a matrix descriptor, the accumulator carried from one instruction to the
// next. Compiled for sm_90a only; elsewhere (and in a build without sm_90a) run_wgmma refuses.
//
// B in shared memory, K-major without swizzle: a K step of B is 8 rows (n) of 32 bytes, stored as
// two 8 x 16-byte "core matrices" (the first 16 bytes of every row, then the next 16): byte
// (kk * bytes / 16) * 128 + n * 16 + (kk * bytes) % 16. The descriptor's leading and stride byte
// offsets are both 128: with N = 8 there is one core matrix along N, so whichever of the two the
// hardware takes as the K direction, the second core matrix is found at +128.
#include "mma_tile.cuh"

namespace fpc::cuda_mma {
namespace {

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define FPC_WGMMA_DEVICE 1
#endif

__device__ inline uint64_t descriptor(const void* smem) {
  const uint64_t address = static_cast<uint32_t>(__cvta_generic_to_shared(smem));
  const uint64_t offset = 128 >> 4;
  return ((address >> 4) & 0x3fff) | (offset << 16) | (offset << 32);  // no swizzle, base offset 0
}

template <MmaInput In>
__device__ inline void wgmma(float (&acc)[4], const uint32_t (&ra)[4], uint64_t desc) {
#if defined(FPC_WGMMA_DEVICE)
#define FPC_WGMMA_OPERANDS : "+f"(acc[0]), "+f"(acc[1]), "+f"(acc[2]), "+f"(acc[3]) : "r"(ra[0]), "r"(ra[1]), "r"(ra[2]), "r"(ra[3]), "l"(desc)
  // scale-d = 1 (D = A.B + D); scale-a = scale-b = 1; FP16/BF16: B not transposed (K-major).
  if constexpr (In == MmaInput::Float16)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16 {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, 1, 1, 0; }"
                 FPC_WGMMA_OPERANDS);
  else if constexpr (In == MmaInput::BFloat16)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "wgmma.mma_async.sync.aligned.m64n8k16.f32.bf16.bf16 {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, 1, 1, 0; }"
                 FPC_WGMMA_OPERANDS);
  else if constexpr (In == MmaInput::Tf32)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "wgmma.mma_async.sync.aligned.m64n8k8.f32.tf32.tf32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, 1, 1; }"
                 FPC_WGMMA_OPERANDS);
  else if constexpr (In == MmaInput::E4M3)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "wgmma.mma_async.sync.aligned.m64n8k32.f32.e4m3.e4m3 {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, 1, 1; }"
                 FPC_WGMMA_OPERANDS);
  else
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "wgmma.mma_async.sync.aligned.m64n8k32.f32.e5m2.e5m2 {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, 1, 1; }"
                 FPC_WGMMA_OPERANDS);
#undef FPC_WGMMA_OPERANDS
#else
  (void)acc, (void)ra, (void)desc;
  __trap();
#endif
}

template <MmaInput In>
__global__ void __launch_bounds__(128) wgmma_dots(const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K) {
#if defined(FPC_WGMMA_DEVICE)
  __shared__ alignas(128) uint8_t tile_b[256];
  constexpr int bytes = Shape<In>::bytes;
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x & 31), g = lane >> 2, t = lane & 3;
  const size_t base = blockIdx.x * size_t{8};
  float acc[4];
  load_c(c, base, count, 16 * warp, g, t, acc);
  for (size_t k0 = 0; k0 < K; k0 += Shape<In>::k) {
    // B's K step into shared memory: thread i writes byte i and i + 128 of the tile's 8 x 32 bytes.
    for (int i = static_cast<int>(threadIdx.x); i < 256; i += 128) {
      const int n = i / 32, byte = i % 32;  // byte of row n, i.e. element byte / bytes of B's column n
      uint8_t v = 0;
      if (base + n < count) v = static_cast<const uint8_t*>(b)[((base + n) * K + k0) * bytes + byte];
      tile_b[(byte / 16) * 128 + n * 16 + byte % 16] = v;
    }
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    __syncthreads();
    uint32_t ra[4] = {0, 0, 0, 0};
    if (warp == 0) load_a<In>(a, base, count, K, k0, g, t, ra);
    asm volatile("wgmma.fence.sync.aligned;" ::: "memory");
    wgmma<In>(acc, ra, descriptor(tile_b));
    asm volatile("wgmma.commit_group.sync.aligned;" ::: "memory");
    asm volatile("wgmma.wait_group.sync.aligned 0;" ::: "memory");
    __syncthreads();  // the tile is read before the next step overwrites it
  }
  store_d(d, base, count, 16 * warp, g, t, acc);
#else
  (void)a, (void)b, (void)c, (void)d, (void)count, (void)K;
#endif
}

template <MmaInput In>
int run(const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K, char* err, size_t len) {
  return run_on_device(Shape<In>::bytes, a, b, c, d, count, K, err, len,
                       [&](const void* da, const void* db, const uint32_t* dc, uint32_t* dd) {
                         wgmma_dots<In><<<static_cast<unsigned>((count + 7) / 8), 128>>>(da, db, dc, dd, count, K);
                       });
}

}  // namespace

bool wgmma_built() { return true; }

int run_wgmma(MmaInput in, const void* a, const void* b, const uint32_t* c, uint32_t* d, size_t count, size_t K,
              char* err, size_t len) {
  return dispatch(in, K, err, len, [&](auto in_type) { return run<decltype(in_type)::value>(a, b, c, d, count, K, err, len); });
}

}  // namespace fpc::cuda_mma
