// The tcgen05 runner (mma_runner.h), sm_100a (B200): one CTA of 128 threads computes a tile of
// 128 dots with tcgen05.mma.cta_group::1, M = N = 128, A and B from shared memory through matrix
// descriptors, D in tensor memory, chained over K with enable-input-d. Compiled for sm_100a only;
// elsewhere (and in a build without sm_100a code) run_tcgen05 refuses. It has never run on a
// B200 (none is lent to this project): every layout below is written from the PTX ISA (9.1) with
// its section, and a wrong one would show only there.
//
// The tile (the dots' mapping, as the mma.sync/wgmma tiles of mma_tile.cuh but 128 wide):
//   dot m of the CTA (m = 0..127, thread m) is row m of A and column m of B; its addend C[m][m] is
//   stored into D before the first instruction and its result is D[m][m]. Every other entry of D
//   is a product of two different dots and is never read (nor written beforehand: whatever tensor
//   memory held there only reaches entries that are never read).
//
// Tensor memory (9.7.16.1.1 addressing: lane in bits 31..16, column in 15..0; 9.7.16.10.5.4
// Layout D, M = 128, cta_group::1: row i of D is lane i, column j is column j, 32-bit words;
// 9.7.16.8.1: warp w of the warpgroup reaches lanes 32w..32w+31 only):
//   columns   0..127  D (FP32)
//   columns 128..131  scale_A, columns 160..163 scale_B (block-scaled kinds only)
//   256 columns are allocated (9.7.16.7.1: a power of two >= 32).
//
// Scale factors (9.7.16.10.7: "duplicated to all 32 lane partitions"; 9.7.16.10.7.2/.3 with
// SFA_ID = SFB_ID = 0): the scales of row m of A (column n of B) lie in lane m % 32 of every
// 32-lane partition, column base + m / 32; within that 32-bit word byte j is the scale of the
// instruction's j-th block of K (scale_vec::1X: byte 0; 2X: bytes 0..1; 4X: bytes 0..3). Every
// warp writes the same 32 x 4 words into its own partition with tcgen05.st, so each partition
// holds the copy. (CUTLASS and DeepGEMM fill the same words from shared memory with
// tcgen05.cp.32x128b.warpx4, which replicates 32 rows of 16 bytes into the four partitions; a
// register store is simpler here and lands the same bytes.)
//
// Shared memory operands (9.7.16.3.3 canonical layouts, K-major, no swizzle,
// ((8,m),(T,2k)):((1T,SBO),(1,LBO)) in units of 16 bytes): one instruction's K is 32 bytes of a
// row for every kind, i.e. two 16-byte "core matrix" columns. Byte j (0..31) of row r lies at
//   (r / 8) * SBO + (j / 16) * LBO + (r % 8) * 16 + j % 16,   LBO = 128, SBO = 256
// (the PTX example "K major, no-swizzling and tf32" has LBO = the stride between the two K
// columns, SBO = the stride between groups of 8 rows); a tile of 128 rows is 4096 bytes.
// The descriptor (9.7.16.4.1, Table 40): start address >> 4 in bits 0..13, LBO >> 4 in 16..29,
// SBO >> 4 in 32..45, the fixed 0b001 in 46..48, base offset 0, relative LBO mode, no swizzle.
//
// What 16 bytes of a row hold (9.7.16.10.4):
//   f16/bf16: 8 elements, tf32: 4 (FP32 codes; the instruction reads TF32), FP8: 16;
//   kind::f8f6f4 / mxf8f6f4 FP6 and FP4 (9.7.16.10.4.4, Figures 202/203; the TMA types
//   .b6x16_p32 / .b4x16_p64): 16 elements packed contiguously, then padding: 16 x 6 bits in bytes
//   0..11 (element i at bits 6i..6i+5 of the little-endian 96 bits) and 4 zero bytes; 16 x 4 bits
//   in bytes 0..7 (element i in bits 4i..4i+3: even elements in the low nibble) and 8 zero bytes;
//   kind::mxf4nvf4 (9.7.16.10.4.6): two E2M1 per byte, no padding: 32 elements, element i in
//   bits 4i..4i+3.
// The host hands every operand over unpacked (one code per 1, 2 or 4 bytes); the kernel packs.
#include "mma_tile.cuh"

namespace fpc::cuda_mma {
namespace {

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM100_ALL)
#define FPC_TCGEN05_DEVICE 1
#endif

// The kernels: one per instruction form.
enum class Tcgen05Op : int { F16, Tf32, F8F6F4, MxF8F6F4, MxF4NvF4x2, MxF4NvF4x4 };

constexpr int kTile = 128;  // dots per CTA: M = N = 128

// How the 16-byte chunks of a row are filled from the unpacked codes.
enum class Packing : int {
  Bytes = 0,  // element_bytes-wide codes copied as they are (FP16/BF16, TF32, FP8)
  Fp6Padded,  // 16 x 6 bits + 4 bytes padding
  Fp4Padded,  // 16 x 4 bits + 8 bytes padding
  Fp4Packed,  // 32 x 4 bits
};

struct Params {
  const uint8_t* a;
  const uint8_t* b;
  const uint8_t* a_scales;  // block-scaled kinds: one code per block, dot i's K / block consecutive
  const uint8_t* b_scales;
  const uint32_t* c;
  uint32_t* d;
  size_t count, K;
  uint32_t idesc;             // the instruction descriptor (9.7.16.4.2), built on the host
  int element_bytes;          // of the unpacked codes in a and b
  Packing packing;
  int elements_per_chunk;     // per 16 bytes of a row
  int scales_per_step;        // 0, or the scale codes one instruction takes per row (1, 2, 4)
  bool f16_out;               // D is FP16: one 16-bit element in the low half of each word (9.7.16.10.4.1)
};

// The 16 bytes of a row that hold the elements from codes[first] on (unpacked codes of
// element_bytes each), as four little-endian words, packed as the header comment says.
__host__ __device__ inline void pack16(Packing packing, int element_bytes, const uint8_t* codes, size_t first, uint32_t (&w)[4]) {
  w[0] = w[1] = w[2] = w[3] = 0;
  switch (packing) {
    case Packing::Bytes: {
      const int per_word = 4 / element_bytes, n = 16 / element_bytes;
      for (int i = 0; i < n; ++i) {
        uint32_t v = 0;
        for (int byte = 0; byte < element_bytes; ++byte)
          v |= uint32_t{codes[(first + static_cast<size_t>(i)) * static_cast<size_t>(element_bytes) + byte]} << (8 * byte);
        w[i / per_word] |= v << (8 * element_bytes * (i % per_word));
      }
      break;
    }
    case Packing::Fp6Padded:
      for (int i = 0; i < 16; ++i) {
        const uint32_t v = codes[first + i] & 0x3f;
        const int bit = 6 * i;
        w[bit / 32] |= v << (bit % 32);
        if (bit % 32 > 26) w[bit / 32 + 1] |= v >> (32 - bit % 32);  // straddles two words
      }
      break;
    case Packing::Fp4Padded:
    case Packing::Fp4Packed: {
      const int n = packing == Packing::Fp4Padded ? 16 : 32;
      for (int i = 0; i < n; ++i) w[i / 8] |= (uint32_t{codes[first + i]} & 0xf) << (4 * (i % 8));
      break;
    }
  }
}

#if defined(FPC_TCGEN05_DEVICE)
constexpr uint32_t kTmemColumns = 256;  // allocated
constexpr uint32_t kScaleAColumn = 128, kScaleBColumn = 160;
constexpr uint32_t kLbo = 128, kSbo = 256;
constexpr int kTileBytes = kTile * 32;

__device__ inline uint32_t smem_address(const void* p) { return static_cast<uint32_t>(__cvta_generic_to_shared(p)); }

__device__ inline uint64_t descriptor(const void* tile) {
  const uint64_t start = (smem_address(tile) & 0x3ffff) >> 4;
  return start | (uint64_t{kLbo >> 4} << 16) | (uint64_t{kSbo >> 4} << 32) | (uint64_t{1} << 46);
}

// Chunk `chunk` (0 or 1) of row `dot`'s K step at k0, as four little-endian words.
__device__ inline void pack_chunk(const Params& p, const uint8_t* m, size_t dot, size_t k0, int chunk, uint32_t (&w)[4]) {
  if (dot >= p.count) {
    w[0] = w[1] = w[2] = w[3] = 0;
    return;
  }
  pack16(p.packing, p.element_bytes, m, dot * p.K + k0 + static_cast<size_t>(chunk) * p.elements_per_chunk, w);
}

// Row r's 32 bytes of one K step into a tile in the canonical layout above.
__device__ inline void store_row(uint8_t* tile, int r, const uint32_t (&c0)[4], const uint32_t (&c1)[4]) {
  uint8_t* row = tile + (r / 8) * kSbo + (r % 8) * 16;
  *reinterpret_cast<uint4*>(row) = make_uint4(c0[0], c0[1], c0[2], c0[3]);
  *reinterpret_cast<uint4*>(row + kLbo) = make_uint4(c1[0], c1[1], c1[2], c1[3]);
}

#define FPC_R32(r)                                                                                             \
  "r"(r[0]), "r"(r[1]), "r"(r[2]), "r"(r[3]), "r"(r[4]), "r"(r[5]), "r"(r[6]), "r"(r[7]), "r"(r[8]), "r"(r[9]),    \
      "r"(r[10]), "r"(r[11]), "r"(r[12]), "r"(r[13]), "r"(r[14]), "r"(r[15]), "r"(r[16]), "r"(r[17]), "r"(r[18]), \
      "r"(r[19]), "r"(r[20]), "r"(r[21]), "r"(r[22]), "r"(r[23]), "r"(r[24]), "r"(r[25]), "r"(r[26]), "r"(r[27]), \
      "r"(r[28]), "r"(r[29]), "r"(r[30]), "r"(r[31])
#define FPC_W32(r)                                                                                                   \
  "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]), "=r"(r[4]), "=r"(r[5]), "=r"(r[6]), "=r"(r[7]), "=r"(r[8]),        \
      "=r"(r[9]), "=r"(r[10]), "=r"(r[11]), "=r"(r[12]), "=r"(r[13]), "=r"(r[14]), "=r"(r[15]), "=r"(r[16]),         \
      "=r"(r[17]), "=r"(r[18]), "=r"(r[19]), "=r"(r[20]), "=r"(r[21]), "=r"(r[22]), "=r"(r[23]), "=r"(r[24]),        \
      "=r"(r[25]), "=r"(r[26]), "=r"(r[27]), "=r"(r[28]), "=r"(r[29]), "=r"(r[30]), "=r"(r[31])
// The operand lists of the 32-register store (registers %1..%32) and load (%0..%31).
#define FPC_REGS_FROM_1 "{%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31,%32}"
#define FPC_REGS_FROM_0 "{%0,%1,%2,%3,%4,%5,%6,%7,%8,%9,%10,%11,%12,%13,%14,%15,%16,%17,%18,%19,%20,%21,%22,%23,%24,%25,%26,%27,%28,%29,%30,%31}"

// 9.7.16.8.3/.4 (.32x32b.x32): thread t of the warp, lane t of its partition, 32 consecutive
// columns from taddr's column, one register each.
__device__ inline void tmem_store32(uint32_t taddr, const uint32_t (&r)[32]) {
  asm volatile("tcgen05.st.sync.aligned.32x32b.x32.b32 [%0], " FPC_REGS_FROM_1 ";" ::"r"(taddr), FPC_R32(r) : "memory");
}
__device__ inline void tmem_load32(uint32_t taddr, uint32_t (&r)[32]) {
  asm volatile("tcgen05.ld.sync.aligned.32x32b.x32.b32 " FPC_REGS_FROM_0 ", [%32];" : FPC_W32(r) : "r"(taddr) : "memory");
}
#undef FPC_REGS_FROM_0
#undef FPC_REGS_FROM_1
#undef FPC_R32
#undef FPC_W32

__device__ inline void tmem_store4(uint32_t taddr, const uint32_t (&r)[4]) {
  asm volatile("tcgen05.st.sync.aligned.32x32b.x4.b32 [%0], {%1,%2,%3,%4};" ::"r"(taddr), "r"(r[0]), "r"(r[1]), "r"(r[2]),
               "r"(r[3])
               : "memory");
}

__device__ inline void fence_before_sync() { asm volatile("tcgen05.fence::before_thread_sync;" ::: "memory"); }
__device__ inline void fence_after_sync() { asm volatile("tcgen05.fence::after_thread_sync;" ::: "memory"); }

__device__ inline void wait_parity(uint32_t mbar, uint32_t parity) {
  asm volatile(
      "{ .reg .pred done;\n"
      "wait_%=: mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n"
      "@!done bra wait_%=; }" ::"r"(mbar),
      "r"(parity)
      : "memory");
}

// One instruction, D = A.B + D (enable-input-d true: C entered D before the first one).
template <Tcgen05Op Op>
__device__ inline void mma(uint32_t d, uint64_t adesc, uint64_t bdesc, uint32_t idesc, uint32_t sa, uint32_t sb) {
  if constexpr (Op == Tcgen05Op::F16)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::f16 [%0], %1, %2, %3, p; }" ::"r"(d), "l"(adesc), "l"(bdesc), "r"(idesc));
  else if constexpr (Op == Tcgen05Op::Tf32)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::tf32 [%0], %1, %2, %3, p; }" ::"r"(d), "l"(adesc), "l"(bdesc), "r"(idesc));
  else if constexpr (Op == Tcgen05Op::F8F6F4)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::f8f6f4 [%0], %1, %2, %3, p; }" ::"r"(d), "l"(adesc), "l"(bdesc), "r"(idesc));
  else if constexpr (Op == Tcgen05Op::MxF8F6F4)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.scale_vec::1X [%0], %1, %2, %3, [%4], [%5], p; }" ::"r"(d),
                 "l"(adesc), "l"(bdesc), "r"(idesc), "r"(sa), "r"(sb));
  else if constexpr (Op == Tcgen05Op::MxF4NvF4x2)
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.scale_vec::2X [%0], %1, %2, %3, [%4], [%5], p; }" ::"r"(d),
                 "l"(adesc), "l"(bdesc), "r"(idesc), "r"(sa), "r"(sb));
  else
    asm volatile("{ .reg .pred p; setp.eq.u32 p, 1, 1;\n"
                 "tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.scale_vec::4X [%0], %1, %2, %3, [%4], [%5], p; }" ::"r"(d),
                 "l"(adesc), "l"(bdesc), "r"(idesc), "r"(sa), "r"(sb));
}

// The 32-bit scale word of row `row` (dot base + row) for step `step`: byte j = its j-th scale.
__device__ inline uint32_t scale_word(const Params& p, const uint8_t* scales, size_t base, int row, size_t step) {
  const size_t dot = base + static_cast<size_t>(row);
  if (dot >= p.count) return 0;
  const size_t steps = p.K / static_cast<size_t>(2 * p.elements_per_chunk);
  const size_t first = (dot * steps + step) * static_cast<size_t>(p.scales_per_step);
  uint32_t w = 0;
  for (int j = 0; j < p.scales_per_step; ++j) w |= uint32_t{scales[first + j]} << (8 * j);
  return w;
}
#endif

template <Tcgen05Op Op>
__global__ void __launch_bounds__(kTile) tcgen05_dots(Params p) {
#if defined(FPC_TCGEN05_DEVICE)
  __shared__ alignas(1024) uint8_t tile_a[kTileBytes];
  __shared__ alignas(1024) uint8_t tile_b[kTileBytes];
  __shared__ alignas(8) uint64_t mbar;
  __shared__ uint32_t tmem_slot;
  const int tid = static_cast<int>(threadIdx.x), warp = tid / 32, lane = tid % 32;
  const size_t base = blockIdx.x * size_t{kTile}, dot = base + static_cast<size_t>(tid);
  const uint32_t bar = smem_address(&mbar);

  // 9.7.16.7.1: one warp allocates (and later frees) the columns and gives up the right to
  // allocate more, so other CTAs on the SM are not kept waiting.
  if (warp == 0) {
    asm volatile("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [%0], %1;" ::"r"(smem_address(&tmem_slot)),
                 "r"(kTmemColumns)
                 : "memory");
    asm volatile("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;" ::: "memory");
  }
  if (tid == 0) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], 1;" ::"r"(bar) : "memory");
    asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
  }
  fence_before_sync();
  __syncthreads();
  fence_after_sync();
  const uint32_t tmem = tmem_slot;
  const uint32_t partition = static_cast<uint32_t>(32 * warp) << 16;  // this warp's lanes

  // C on the diagonal: warp w's lanes 32w..32w+31, columns 32w..32w+31; thread t's lane gets
  // c in column 32w + t and 0 in the warp's other 31 columns.
  {
    uint32_t r[32];
    const uint32_t c = dot < p.count ? p.c[dot] : 0u;
#pragma unroll
    for (int j = 0; j < 32; ++j) r[j] = j == lane ? c : 0u;
    tmem_store32(tmem + partition + static_cast<uint32_t>(32 * warp), r);
  }

  const size_t step_k = static_cast<size_t>(2 * p.elements_per_chunk);
  const uint64_t adesc = descriptor(tile_a), bdesc = descriptor(tile_b);
  for (size_t k0 = 0, step = 0; k0 < p.K; k0 += step_k, ++step) {
    uint32_t c0[4], c1[4];
    pack_chunk(p, p.a, dot, k0, 0, c0);
    pack_chunk(p, p.a, dot, k0, 1, c1);
    store_row(tile_a, tid, c0, c1);
    pack_chunk(p, p.b, dot, k0, 0, c0);
    pack_chunk(p, p.b, dot, k0, 1, c1);
    store_row(tile_b, tid, c0, c1);
    if (p.scales_per_step > 0) {
      // Thread t writes lane t of its partition: rows t, t + 32, t + 64, t + 96 in columns 0..3.
      uint32_t sa[4], sb[4];
      for (int col = 0; col < 4; ++col) {
        sa[col] = scale_word(p, p.a_scales, base, lane + 32 * col, step);
        sb[col] = scale_word(p, p.b_scales, base, lane + 32 * col, step);
      }
      tmem_store4(tmem + partition + kScaleAColumn, sa);
      tmem_store4(tmem + partition + kScaleBColumn, sb);
    }
    // 9.7.16.6.4.4 / .6.5: the stores to tensor memory complete, the shared-memory writes are made
    // visible to the async proxy the MMA reads through, then one thread issues the instruction.
    asm volatile("tcgen05.wait::st.sync.aligned;" ::: "memory");
    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
    fence_before_sync();
    __syncthreads();
    fence_after_sync();
    if (tid == 0) {
      mma<Op>(tmem, adesc, bdesc, p.idesc, tmem + kScaleAColumn, tmem + kScaleBColumn);
      // 9.7.16.12.1: the mbarrier's arrive fires when the MMA (and its reads of shared memory and
      // of the scales) has completed.
      asm volatile("tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [%0];" ::"r"(bar) : "memory");
    }
    wait_parity(bar, static_cast<uint32_t>(step & 1));
    fence_after_sync();
  }

  // D[m][m]: warp w reads its lanes' columns 32w..32w+31; thread t keeps column 32w + t.
  {
    uint32_t r[32];
    tmem_load32(tmem + partition + static_cast<uint32_t>(32 * warp), r);
    asm volatile("tcgen05.wait::ld.sync.aligned;" ::: "memory");
    uint32_t out = 0;
#pragma unroll
    for (int j = 0; j < 32; ++j)
      if (j == lane) out = r[j];
    if (dot < p.count) p.d[dot] = p.f16_out ? out & 0xffffu : out;
  }
  fence_before_sync();
  __syncthreads();
  if (warp == 0) {
    fence_after_sync();
    asm volatile("tcgen05.dealloc.cta_group::1.sync.aligned.b32 %0, %1;" ::"r"(tmem), "r"(kTmemColumns) : "memory");
  }
#else
  (void)p;
#endif
}

// atype/btype of `in` for `kind` (9.7.16.4.2, Tables 42-44), or -1 where the kind does not take it.
int type_code(Tcgen05Kind kind, Tcgen05Input in) {
  switch (kind) {
    case Tcgen05Kind::F16: return in == Tcgen05Input::Float16 ? 0 : in == Tcgen05Input::BFloat16 ? 1 : -1;
    case Tcgen05Kind::Tf32: return in == Tcgen05Input::Tf32 ? 2 : -1;
    case Tcgen05Kind::F8F6F4:
    case Tcgen05Kind::MxF8F6F4:
      switch (in) {
        case Tcgen05Input::E4M3: return 0;
        case Tcgen05Input::E5M2: return 1;
        case Tcgen05Input::E2M3: return 3;
        case Tcgen05Input::E3M2: return 4;
        case Tcgen05Input::E2M1: return 5;
        default: return -1;
      }
    case Tcgen05Kind::MxF4NvF4: return in == Tcgen05Input::E2M1 ? 1 : -1;
  }
  return -1;
}

bool scales_fit(Tcgen05Kind kind, Tcgen05Scales scales) {
  switch (kind) {
    case Tcgen05Kind::MxF8F6F4: return scales == Tcgen05Scales::E8M0Block32;  // Table 57: UE8M0, 1X
    case Tcgen05Kind::MxF4NvF4: return scales != Tcgen05Scales::None;          // UE8M0 2X/4X, UE4M3 4X
    default: return scales == Tcgen05Scales::None;
  }
}

Packing packing_of(Tcgen05Kind kind, Tcgen05Input in) {
  if (in == Tcgen05Input::E2M3 || in == Tcgen05Input::E3M2) return Packing::Fp6Padded;
  if (in == Tcgen05Input::E2M1) return kind == Tcgen05Kind::MxF4NvF4 ? Packing::Fp4Packed : Packing::Fp4Padded;
  return Packing::Bytes;
}

// The codes 16 bytes of a row hold.
int chunk_elements(Packing packing, int element_bytes) {
  return packing == Packing::Bytes ? 16 / element_bytes : packing == Packing::Fp4Packed ? 32 : 16;
}

int scale_block(Tcgen05Scales scales) {
  return scales == Tcgen05Scales::None ? 0 : scales == Tcgen05Scales::E8M0Block32 ? 32 : 16;
}

template <Tcgen05Op Op>
void launch(const Params& p) {
  tcgen05_dots<Op><<<static_cast<unsigned>((p.count + kTile - 1) / kTile), kTile>>>(p);
}

}  // namespace

int tcgen05_instruction_k(Tcgen05Kind kind) {
  switch (kind) {
    case Tcgen05Kind::F16: return 16;
    case Tcgen05Kind::Tf32: return 8;
    case Tcgen05Kind::MxF4NvF4: return 64;
    default: return 32;
  }
}

int tcgen05_element_bytes(Tcgen05Input in) {
  return in == Tcgen05Input::Float16 || in == Tcgen05Input::BFloat16 ? 2 : in == Tcgen05Input::Tf32 ? 4 : 1;
}

uint32_t tcgen05_instruction_descriptor(Tcgen05Kind kind, Tcgen05Input in, Tcgen05Scales scales, bool f16_out) {
  const int type = type_code(kind, in);
  if (type < 0 || !scales_fit(kind, scales)) return 0;
  // Table 39: FP16 D for kind::f16 with f16 inputs and for kind::f8f6f4; FP32 only elsewhere.
  if (f16_out && !((kind == Tcgen05Kind::F16 && in == Tcgen05Input::Float16) || kind == Tcgen05Kind::F8F6F4)) return 0;
  constexpr uint32_t m = kTile, n = kTile;
  // Dense, no negation, A and B K-major (transpose bits 15, 16 clear), atype bits 7..9, btype
  // from bit 10, N >> 3 in bits 17..22.
  uint32_t d = (static_cast<uint32_t>(type) << 7) | (static_cast<uint32_t>(type) << 10) | ((n >> 3) << 17);
  if (kind == Tcgen05Kind::F16 || kind == Tcgen05Kind::Tf32 || kind == Tcgen05Kind::F8F6F4) {
    d |= (f16_out ? 0u : 1u << 4) | ((m >> 4) << 24);  // Table 42: dtype F16 = 0, F32 = 1 in bits 4..5; M >> 4 in 24..28
  } else {
    // Tables 43/44: scale factor IDs 0 (bits 4..5 and 29..30); scale type in bit 23 (UE8M0 = 1,
    // UE4M3 = 0); M >> 7 in 27..28; bit 31 (mxf4nvf4) 0: dense K = 64.
    if (scales != Tcgen05Scales::UE4M3Block16) d |= 1u << 23;
    d |= (m >> 7) << 27;
  }
  return d;
}

int tcgen05_pack_chunk(Tcgen05Kind kind, Tcgen05Input in, const void* codes, uint32_t out[4]) {
  const Packing packing = packing_of(kind, in);
  uint32_t w[4];
  pack16(packing, tcgen05_element_bytes(in), static_cast<const uint8_t*>(codes), 0, w);
  for (int i = 0; i < 4; ++i) out[i] = w[i];
  return chunk_elements(packing, tcgen05_element_bytes(in));
}

bool tcgen05_built() {
#if defined(FPC_TCGEN05_SM100A)
  return true;
#else
  return false;
#endif
}

int run_tcgen05(Tcgen05Kind kind, Tcgen05Input in, const void* a, const void* b, const uint8_t* a_scales,
                const uint8_t* b_scales, Tcgen05Scales scales, bool f16_out, const uint32_t* c, uint32_t* d, size_t count,
                size_t K, char* err, size_t len) {
  const uint32_t idesc = tcgen05_instruction_descriptor(kind, in, scales, f16_out);
  if (idesc == 0) {
    std::snprintf(err, len, "tcgen05.mma: this kind does not take that input type with those scales and that output");
    return 1;
  }
  const size_t step = static_cast<size_t>(tcgen05_instruction_k(kind));
  if (K == 0 || K % step != 0) {
    std::snprintf(err, len, "K = %zu is not a multiple of the instruction's k = %zu", K, step);
    return 1;
  }
  const int block = scale_block(scales);
  if (block > 0 && count > 0 && (a_scales == nullptr || b_scales == nullptr)) {
    std::snprintf(err, len, "a block-scaled tcgen05.mma needs the scales of a and b");
    return 1;
  }
  if (!tcgen05_built()) {
    std::snprintf(err, len, "not built: this build has no sm_100a device code");
    return 1;
  }
  if (count == 0) return 0;

  Params p{};
  p.count = count;
  p.K = K;
  p.idesc = idesc;
  p.f16_out = f16_out;
  p.element_bytes = tcgen05_element_bytes(in);
  p.packing = packing_of(kind, in);
  p.elements_per_chunk = chunk_elements(p.packing, p.element_bytes);
  p.scales_per_step = block > 0 ? static_cast<int>(step) / block : 0;

  // One device buffer: a, b, their scales, c, d, each 16-byte aligned.
  const size_t operand = count * K * static_cast<size_t>(p.element_bytes);
  const size_t scale_codes = block > 0 ? count * K / static_cast<size_t>(block) : 0;
  const size_t words = count * sizeof(uint32_t);
  auto up = [](size_t n) { return (n + 15) / 16 * 16; };
  const size_t a_at = 0, b_at = up(operand), sa_at = b_at + up(operand), sb_at = sa_at + up(scale_codes),
               c_at = sb_at + up(scale_codes), d_at = c_at + up(words);
  char* buf = nullptr;
  cudaError_t e = cudaMalloc(&buf, d_at + up(words));
  if (e != cudaSuccess) return fail(e, "cudaMalloc", err, len);
  int rc = 0;
  if ((e = cudaMemcpy(buf + a_at, a, operand, cudaMemcpyHostToDevice)) != cudaSuccess ||
      (e = cudaMemcpy(buf + b_at, b, operand, cudaMemcpyHostToDevice)) != cudaSuccess ||
      (scale_codes > 0 && (e = cudaMemcpy(buf + sa_at, a_scales, scale_codes, cudaMemcpyHostToDevice)) != cudaSuccess) ||
      (scale_codes > 0 && (e = cudaMemcpy(buf + sb_at, b_scales, scale_codes, cudaMemcpyHostToDevice)) != cudaSuccess) ||
      (e = cudaMemcpy(buf + c_at, c, words, cudaMemcpyHostToDevice)) != cudaSuccess) {
    rc = fail(e, "cudaMemcpy to the device", err, len);
  } else {
    p.a = reinterpret_cast<const uint8_t*>(buf + a_at);
    p.b = reinterpret_cast<const uint8_t*>(buf + b_at);
    p.a_scales = reinterpret_cast<const uint8_t*>(buf + sa_at);
    p.b_scales = reinterpret_cast<const uint8_t*>(buf + sb_at);
    p.c = reinterpret_cast<const uint32_t*>(buf + c_at);
    p.d = reinterpret_cast<uint32_t*>(buf + d_at);
    switch (kind) {
      case Tcgen05Kind::F16: launch<Tcgen05Op::F16>(p); break;
      case Tcgen05Kind::Tf32: launch<Tcgen05Op::Tf32>(p); break;
      case Tcgen05Kind::F8F6F4: launch<Tcgen05Op::F8F6F4>(p); break;
      case Tcgen05Kind::MxF8F6F4: launch<Tcgen05Op::MxF8F6F4>(p); break;
      case Tcgen05Kind::MxF4NvF4:
        if (block == 32) launch<Tcgen05Op::MxF4NvF4x2>(p);
        else launch<Tcgen05Op::MxF4NvF4x4>(p);
        break;
    }
    rc = finish_launch(d, buf + d_at, words, err, len);
  }
  cudaFree(buf);
  return rc;
}

}  // namespace fpc::cuda_mma
