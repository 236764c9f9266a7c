// Native float32 block quantizers (hardware floating point: these are subjects, not references).
//  cpu_bnb_fp4_cuda_port, cpu_bnb_nf4_cuda_port: bitsandbytes' kQuantizeBlockwise + dQuantizeFP4 /
//    dQuantizeNF4 ported to the CPU, with CUDA fast math's flush-to-zero done by hand.
//  cpu_mxfp4: OCP MX v1.0 MXFP4 with the floor scale rule, using frexp/ldexp.
// Test-only: the same CUDA port labelled as the ideal reference, an MXFP4 quantizer whose
// shared exponent comes from amax / 6 (a real bug shape, DESIGN "What real bugs look like"), and
// the CUDA port crashing on NaN (supervision).
#include "fpconform/block_subject.hpp"

#include "common/bnb_kernel.hpp"
#include "cuda/quant_subjects.hpp"

#include <algorithm>
#include <csignal>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace fpc {

namespace {

float from_bits(uint32_t b) { return bnb_kernel::float_of(b); }

// The kernel's algorithm is written once, in kernels/common/bnb_kernel.hpp, for this port and
// the CUDA kernels alike.
BlockOutput bnb_cuda_port(std::span<const uint32_t> bits, size_t blocksize, bool fp4) {
  BlockOutput out;
  out.codes.reserve(bits.size());
  for (size_t start = 0; start < bits.size(); start += blocksize) {
    const size_t n = std::min(bits.size() - start, blocksize);
    std::vector<uint8_t> codes(n);
    uint32_t absmax = 0;
    if (fp4) bnb_kernel::quantize_block<true>(bits.data() + start, n, codes.data(), &absmax);
    else bnb_kernel::quantize_block<false>(bits.data() + start, n, codes.data(), &absmax);
    out.codes.insert(out.codes.end(), codes.begin(), codes.end());
    out.scale_codes.push_back(absmax);
  }
  return out;
}

// E2M1 code of x (finite), round to nearest even, saturating at 6.
uint64_t e2m1_code(float x) {
  static const float values[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  float a = std::fabs(x);
  uint64_t code = 7;
  for (uint64_t c = 0; c < 7; ++c) {
    float mid = (values[c] + values[c + 1]) / 2;  // exact
    if (a < mid || (a == mid && c % 2 == 0)) {
      code = c;
      break;
    }
  }
  return code | (std::signbit(x) ? 8u : 0u);
}

// shared_exponent(amax) -> E before clamping; amax finite and > 0.
BlockOutput mxfp4(std::span<const uint32_t> bits, int (*shared_exponent)(float amax)) {
  BlockOutput out;
  for (size_t start = 0; start < bits.size(); start += 32) {
    size_t end = std::min(bits.size(), start + 32);
    float amax = 0;
    bool special = false;
    for (size_t i = start; i < end; ++i) {
      float x = from_bits(bits[i]);
      if (std::isnan(x) || std::isinf(x)) special = true;
      else amax = std::max(amax, std::fabs(x));
    }
    if (special) {
      out.scale_codes.push_back(0xFF);
      for (size_t i = start; i < end; ++i) out.codes.push_back(std::signbit(from_bits(bits[i])) ? 8u : 0u);
      continue;
    }
    int e = amax == 0 ? -127 : std::clamp(shared_exponent(amax), -127, 127);
    out.scale_codes.push_back(static_cast<uint64_t>(e + 127));
    for (size_t i = start; i < end; ++i) out.codes.push_back(e2m1_code(std::ldexp(from_bits(bits[i]), -e)));
  }
  return out;
}

int floor_rule(float amax) {
  int e;
  std::frexp(amax, &e);  // amax = m 2^e, m in [0.5, 1): floor(log2 amax) = e - 1
  return e - 1 - 2;
}

// The planted bug: the exponent of amax / 6 (E = floor(log2(amax / 6))), one step too small
// whenever the mantissa of amax is below 1.5.
int amax_over_6_rule(float amax) {
  int e;
  std::frexp(amax / 6.0f, &e);
  return e - 1;
}

QuantOptions claim(const char* scheme, const char* reference, size_t blocksize) {
  QuantOptions o;
  o.scheme = scheme;
  o.reference = reference;
  o.blocksize = blocksize;
  return o;
}

std::vector<BlockSubject> make_subjects() {
  std::vector<BlockSubject> s;
  s.push_back({"cpu_bnb_fp4_cuda_port", "bitsandbytes kQuantizeBlockwise/dQuantizeFP4 on the CPU, fast-math flushing by hand",
               claim("bnb_fp4", "cuda", 64), false,
               [](std::span<const uint32_t> b) { return bnb_cuda_port(b, 64, true); }});
  s.push_back({"cpu_bnb_nf4_cuda_port", "bitsandbytes kQuantizeBlockwise/dQuantizeNF4 on the CPU, fast-math flushing by hand",
               claim("bnb_nf4", "cuda", 64), false,
               [](std::span<const uint32_t> b) { return bnb_cuda_port(b, 64, false); }});
  s.push_back({"cpu_mxfp4", "OCP MX v1.0 MXFP4, floor scale rule, frexp/ldexp and an E2M1 midpoint search",
               claim("mxfp4", "ideal", 32), false, [](std::span<const uint32_t> b) { return mxfp4(b, floor_rule); }});
  s.push_back({"planted_bnb_fp4_cuda_port_as_ideal", "the CUDA port claiming the ideal reference",
               claim("bnb_fp4", "ideal", 64), true,
               [](std::span<const uint32_t> b) { return bnb_cuda_port(b, 64, true); }});
  s.push_back({"planted_mxfp4_scale_from_amax_over_6", "MXFP4 with E = floor(log2(amax / 6))",
               claim("mxfp4", "ideal", 32), true,
               [](std::span<const uint32_t> b) { return mxfp4(b, amax_over_6_rule); }});
  // Crashes (SIGSEGV) on a block holding a NaN: shows that a crashing block subject costs its
  // check an error naming the block, not the run (it runs in a supervised worker, check/block_worker.hpp).
  s.push_back({"planted_crash_bnb_fp4_on_nan", "the CPU port of the bitsandbytes kernel, dying of SIGSEGV on a block with a NaN",
               claim("bnb_fp4", "cuda", 64), true, [](std::span<const uint32_t> b) {
                 for (uint32_t x : b)
                   if ((x & 0x7fffffffu) > 0x7f800000u) std::raise(SIGSEGV);
                 return bnb_cuda_port(b, 64, true);
               }});
  for (BlockSubject& cuda : cuda_quant::block_subjects()) s.push_back(std::move(cuda));  // kernels/cuda/quant_kernels.cuh
  return s;
}

}  // namespace

const std::vector<BlockSubject>& block_subjects() {
  static const std::vector<BlockSubject> subjects = make_subjects();
  return subjects;
}

const BlockSubject& block_subject_by_name(const std::string& name) {
  for (const BlockSubject& s : block_subjects())
    if (s.name == name) return s;
  throw InputError("unknown block subject '" + name.substr(0, 60) + "'");
}

}  // namespace fpc
