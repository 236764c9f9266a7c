// "cpu_bits": converters built from integer bit manipulation, the way many libraries ship them
// (PyTorch's c10::BFloat16 round_to_nearest_even, TensorFlow's and oneDNN's float -> bfloat16
// paths, Eigen's bfloat16). Each batch function is a plain loop over the codes with no calls and
// no branches the compiler cannot turn into selects, so GCC and Clang vectorise it at -O3 (GCC 12:
// "loop vectorized using 16 byte vectors" under -fopt-info-vec on x86-64 without -march). Like
// the CPU kernels of PyTorch or oneDNN, the loop is compiled for several instruction sets and the
// widest the CPU has runs (FPC_VECTOR_CLONES: AVX-512, AVX2, baseline SSE2).
//
//   float32_to_bfloat16_rne_bits   claims convert float32 -> bfloat16, round to nearest even, no
//                                  saturation: adds 0x7FFF plus the lowest kept bit, keeps the top
//                                  16 bits. Overflow carries into the exponent and gives ±inf, as
//                                  rne must. NaNs (which the carry could turn into inf or flip
//                                  the sign of) are handled first: the top 16 bits with the quiet
//                                  bit set, so sign and top payload bits survive.
#include "native_subjects.hpp"

#include "fpconform/format.hpp"
#include "fpconform/vector_clones.hpp"

#include <cstddef>
#include <cstdint>

namespace fpc::native_subjects {
namespace {

FPC_VECTOR_CLONES void float32_to_bfloat16_rne_bits(const uint64_t* const* in, uint64_t* out, size_t n) {
  const uint64_t* a = in[0];
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<uint32_t>(a[i]);
    const bool nan = (x & 0x7FFFFFFFu) > 0x7F800000u;
    const uint32_t rounded = (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
    out[i] = nan ? ((x >> 16) | 0x0040u) : rounded;
  }
}

}  // namespace

Subject make_cpu_bits_subject() {
  Subject s;
  s.name = "cpu_bits";
  s.description = "integer bit-manipulation converters as shipped by common CPU libraries (float32 -> bfloat16 "
                  "by adding 0x7FFF plus the kept lsb), vectorised plain loops";
  SubjectOp op;
  op.name = "float32_to_bfloat16_rne_bits";
  op.entry = "nan(x) ? (x >> 16) | 0x40 : (x + 0x7FFF + ((x >> 16) & 1)) >> 16";
  op.semantics.op = "convert";
  op.semantics.in = &format_by_name("float32");
  op.semantics.out = &format_by_name("bfloat16");
  op.semantics.rounding = Rounding::NearestEven;
  op.run = &float32_to_bfloat16_rne_bits;
  s.ops.push_back(std::move(op));
  return s;
}

}  // namespace fpc::native_subjects
