// Native float32 block quantizers (hardware floating point: these are subjects, not references).
//  cpu_bnb_fp4_cuda_port, cpu_bnb_nf4_cuda_port: bitsandbytes' kQuantizeBlockwise + dQuantizeFP4 /
//    dQuantizeNF4 ported to the CPU, with CUDA fast math's flush-to-zero done by hand.
//  cpu_mxfp4: OCP MX v1.0 MXFP4 with the floor scale rule, using frexp/ldexp.
// Test-only: the same CUDA port labelled as the ideal reference, and an MXFP4 quantizer whose
// shared exponent comes from amax / 6 (a real bug shape, DESIGN "What real bugs look like").
#include "fpconform/block_subject.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

namespace fpc {

namespace {

float from_bits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

// CUDA --use_fast_math: subnormal operands and results are flushed to zero of the same sign.
float flush(float x) { return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0f, x) : x; }

unsigned char fp4_tree(float x) {
  int sign = x < 0 ? 0b1000 : 0;
  x = std::fabs(x);
  if (x > 0.29166667f) {
    if (x > 0.583333f) return static_cast<unsigned char>((x > 0.8333333f ? 0b0011 : 0b0010) + sign);
    return static_cast<unsigned char>((x > 0.4166667f ? 0b101 : 0b100) + sign);
  }
  if (x > 0.0859375f) return static_cast<unsigned char>((x > 0.20833333f ? 0b0111 : 0b0110) + sign);
  return static_cast<unsigned char>((x > 0.00260417f ? 0b0001 : 0b0000) + sign);
}

unsigned char nf4_tree(float x) {
  if (x > 0.03979014977812767f) {
    if (x > 0.3893125355243683f) {
      if (x > 0.6427869200706482f) return x > 0.8614784181118011f ? 0b1111 : 0b1110;
      return x > 0.5016634166240692f ? 0b1101 : 0b1100;
    }
    if (x > 0.2035212516784668f) return x > 0.2920137718319893f ? 0b1011 : 0b1010;
    return x > 0.1202552504837513f ? 0b1001 : 0b1000;
  }
  if (x > -0.33967943489551544f) {
    if (x > -0.13791173323988914f) return x > -0.045525018125772476f ? 0b0111 : 0b0110;
    return x > -0.23460740596055984f ? 0b0101 : 0b0100;
  }
  if (x > -0.6106329262256622f) return x > -0.4599952697753906f ? 0b0011 : 0b0010;
  return x > -0.8480964004993439f ? 0b0001 : 0b0000;
}

BlockOutput bnb_cuda_port(std::span<const uint32_t> bits, size_t blocksize, bool fp4) {
  BlockOutput out;
  for (size_t start = 0; start < bits.size(); start += blocksize) {
    size_t end = std::min(bits.size(), start + blocksize);
    float amax = -FLT_MAX;
    for (size_t i = start; i < end; ++i) amax = std::fmax(amax, std::fabs(flush(from_bits(bits[i]))));
    uint32_t amax_bits;
    std::memcpy(&amax_bits, &amax, sizeof amax_bits);
    out.scale_codes.push_back(amax_bits);
    float r = flush(1.0f / amax);
    for (size_t i = start; i < end; ++i) {
      float s = flush(flush(from_bits(bits[i])) * r);
      out.codes.push_back(fp4 ? fp4_tree(s) : nf4_tree(s));
    }
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
  s.push_back({"planted_bnb_fp4_cuda_port_as_ideal", "the CUDA port claiming the ideal reference (test only)",
               claim("bnb_fp4", "ideal", 64), true,
               [](std::span<const uint32_t> b) { return bnb_cuda_port(b, 64, true); }});
  s.push_back({"planted_mxfp4_scale_from_amax_over_6", "MXFP4 with E = floor(log2(amax / 6)) (test only)",
               claim("mxfp4", "ideal", 32), true,
               [](std::span<const uint32_t> b) { return mxfp4(b, amax_over_6_rule); }});
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
