// __hmax_nan(-0, +0) and __hmin_nan(+0, -0) on __nv_bfloat16, host path of the CUDA headers.
// The documentation says +0 > -0, so max must give +0 (0x0000) and min -0 (0x8000).
// Build with only the CUDA headers (no GPU, no nvcc):
//   g++ -std=c++17 -I/usr/local/cuda/include findings/repro/cuda-bf16-hmax-nan-signed-zero.cpp -o repro && ./repro
// Exit 1 when it reproduces, 0 when fixed.
#include <cuda_bf16.h>

#include <cstdio>
#include <cstring>

static unsigned short bits(__nv_bfloat16 x) {
  unsigned short b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

int main() {
  const __nv_bfloat16 neg = __ushort_as_bfloat16(0x8000), pos = __ushort_as_bfloat16(0x0000);
  const unsigned short mx = bits(__hmax_nan(neg, pos)), mn = bits(__hmin_nan(pos, neg));
  std::printf("CUDA %d.%d headers: __hmax_nan(-0, +0) = 0x%04x (documented +0: 0x0000), "
              "__hmin_nan(+0, -0) = 0x%04x (documented -0: 0x8000)\n",
              CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10, mx, mn);
  return (mx != 0x0000 || mn != 0x8000) ? 1 : 0;
}
