// CUDA 12.2 and 12.3 host path: __half22float2 of a __half2 built from its raw bits returns 0
// (or whatever the stack holds) instead of the lanes' values when g++ 12 compiles it at -O2. The
// headers copy __half2 through *(unsigned int*)&var (__HALF2_TO_UI), which breaks C++'s
// strict-aliasing rule; g++ drops the store the conversion then reads. 12.4 copies by member.
// Build with only the CUDA headers (no GPU, no nvcc), at -O2 (-O1, -O3, -fno-strict-aliasing and
// clang 14 happen to give the right answer, which is what undefined behaviour allows):
//   g++ -std=c++17 -O2 -I/usr/local/cuda/include findings/repro/cuda-half2-strict-aliasing.cpp -o repro && ./repro
// Exit 1 when it reproduces, 0 when it does not.
#include <cuda_fp16.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

struct Lanes {
  uint64_t v[2];
};

// The two lanes' 16-bit codes as one 32-bit word, lane 0 low (as cuda_fp16.h documents).
inline uint64_t pack(Lanes x) {
  uint64_t word = 0;
  for (int l = 0; l < 2; ++l) word |= (x.v[l] & 0xffff) << (16 * l);
  return word;
}

inline __half2 half2_of(Lanes x) {
  const uint32_t word = static_cast<uint32_t>(pack(x));
  __half2_raw raw;
  std::memcpy(&raw, &word, sizeof raw);
  return __half2(raw);
}

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// A batch loop as a user's (or a test harness's) code has it: not inlined into main.
__attribute__((noinline)) void widen(const uint64_t* codes, uint32_t* out, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) {
    const float2 f = __half22float2(half2_of(Lanes{{codes[i], codes[i + 1]}}));
    out[i] = bits(f.x);
    out[i + 1] = bits(f.y);
  }
}

}  // namespace

int main() {
  const uint64_t codes[4] = {0x7c00, 0x3c00, 0x3c00, 0x4000};  // (+inf, 1), (1, 2)
  const uint32_t documented[4] = {0x7f800000, 0x3f800000, 0x3f800000, 0x40000000};
  uint32_t out[4];
  widen(codes, out, 4);
  int wrong = 0;
  for (int i = 0; i < 4; ++i) wrong += out[i] != documented[i];
  std::printf("CUDA %d.%d headers: __half22float2 of (+inf, 1), (1, 2) = (0x%08x, 0x%08x), (0x%08x, 0x%08x); "
              "documented (0x7f800000, 0x3f800000), (0x3f800000, 0x40000000)\n",
              CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10, out[0], out[1], out[2], out[3]);
  return wrong ? 1 : 0;
}
