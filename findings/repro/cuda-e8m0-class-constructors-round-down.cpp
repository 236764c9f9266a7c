// __nv_fp8_e8m0(3.0f) on the host path of the CUDA headers: 12.8 GA (12.8.57) rounds |x| down to a
// power of two (0x80 = 2^1), as its documentation then said (cudaRoundZero); 12.8 Update 1
// (12.8.90) and later round up (0x81 = 2^2, cudaRoundPosInf).
// Build with only the CUDA headers of the release to test (no GPU, no nvcc), e.g.
//   g++ -std=c++17 -I CUDA_ROOT/include findings/repro/cuda-e8m0-class-constructors-round-down.cpp -o repro && ./repro
// Exit 1 when the round-down behaviour reproduces, 0 when the constructors round up.
#include <cuda_fp8.h>

#include <cstdio>

int main() {
  const __nv_fp8_e8m0 x(3.0f);
  const unsigned code = static_cast<unsigned>(x.__x);
  std::printf("CUDA %d.%d headers: __nv_fp8_e8m0(3.0f) = 0x%02x (round down: 0x80, round up: 0x81)\n",
              CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10, code);
  return code == 0x80 ? 1 : 0;
}
