// The dot subjects' registry (fpconform/dot_subject.hpp) and the CPU families:
//  - cpu_dot_loop: the plain C loop in FP32, d = fmaf(a[k], b[k], d) in k order from d = c, the
//    CUDA-core reference loop; it claims sequential_fp32. Its operands are decoded to float by its
//    own few lines of bit arithmetic (not the oracle), so the check compares two implementations.
//  - planted_dot_h100_f20 (test only): a tensor-core accumulator that keeps 20 fraction bits per
//    step where the H100 keeps 25, claiming h100. It is the oracle's fused step with F=20: the check
//    must fail it and the diagnosis must say "h100 with F=20".
#include "fpconform/dot_subject.hpp"

#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"

#include <bit>
#include <cmath>
#include <stdexcept>

namespace fpc {

namespace {

// The value of a float code whose every value a float holds (man_bits <= 23, exponents within
// float32's), by the format's fields.
float decode_to_float(const Format& f, uint64_t code) {
  const uint64_t man = code & ((uint64_t{1} << f.man_bits) - 1);
  const uint64_t exp_field = (code >> f.man_bits) & ((uint64_t{1} << f.exp_bits) - 1);
  const bool negative = f.has_sign && ((code >> (f.man_bits + f.exp_bits)) & 1);
  const uint64_t all_ones = (uint64_t{1} << f.exp_bits) - 1;
  const uint64_t man_ones = (uint64_t{1} << f.man_bits) - 1;
  switch (f.nonfinite) {
    case NonFinite::Ieee:
      if (exp_field == all_ones) return man ? NAN : (negative ? -INFINITY : INFINITY);
      break;
    case NonFinite::FN:
      if (exp_field == all_ones && man == man_ones) return NAN;
      break;
    case NonFinite::FNUZ:
      if (negative && exp_field == 0 && man == 0) return NAN;
      break;
    case NonFinite::Finite: break;
  }
  float magnitude = exp_field == 0 ? std::ldexp(static_cast<float>(man), 1 - f.bias - f.man_bits)
                                   : std::ldexp(static_cast<float>(man | (uint64_t{1} << f.man_bits)),
                                                static_cast<int>(exp_field) - f.bias - f.man_bits);
  return negative ? -magnitude : magnitude;
}

void fp32_loop(const Format& in, const DotBatch& batch) {
  for (size_t i = 0; i < batch.count; ++i) {
    float d = std::bit_cast<float>(static_cast<uint32_t>(batch.c[i]));
    for (size_t k = 0; k < batch.K; ++k)
      d = std::fma(decode_to_float(in, batch.a[i * batch.K + k]), decode_to_float(in, batch.b[i * batch.K + k]), d);
    batch.d[i] = std::bit_cast<uint32_t>(d);
  }
}

}  // namespace

void register_cpu_dot_subjects(std::vector<DotSubject>& subjects) {
  DotSubject s{"cpu_dot_loop", "the plain C loop in FP32: d = fmaf(a[k], b[k], d), k = 0..K-1, d from c", true, "", false, {}};
  for (const char* in : {"float32", "float16", "bfloat16", "float8_e4m3fn", "float8_e5m2", "float4_e2m1fn"}) {
    const Format& f = format_by_name(in);
    s.ops.push_back({std::string(in) + "_to_float32", "for (k...) d = fmaf(a[k], b[k], d)",
                     {"sequential_fp32", in, "float32", {}}, {2, 16, 64},
                     [&f](const DotBatch& b) { fp32_loop(f, b); }});
  }
  subjects.push_back(std::move(s));
}

void register_test_dot_subjects(std::vector<DotSubject>& subjects) {
  DotSubject s{"planted_dot_h100_f20", "an H100-style fp16 tensor-core accumulator keeping 20 fraction bits (H100: 25)",
               true, "", true, {}};
  const DotModel model = with_parameters(dot_model("h100", "float16", "float32"), std::nullopt, 20);
  const Format& in = format_by_name("float16");
  s.ops.push_back({"float16_to_float32", "fused steps of 16 products, F=20", {"h100", "float16", "float32", {}},
                   {16, 64}, [model, &in](const DotBatch& b) {
                     for (size_t i = 0; i < b.count; ++i)
                       b.d[i] = dot(model, in, b.a.subspan(i * b.K, b.K), b.b.subspan(i * b.K, b.K), b.c[i]).code;
                   }});
  subjects.push_back(std::move(s));
}

namespace {

std::vector<DotSubject> make_subjects() {
  std::vector<DotSubject> subjects;
  // One line per family, in the order runs list them.
  register_cpu_dot_subjects(subjects);
  register_block_scaled_dot_subjects(subjects);
  register_cuda_mma_dot_subjects(subjects);
  register_test_dot_subjects(subjects);
  register_test_block_scaled_dot_subjects(subjects);
  return subjects;
}

}  // namespace

const std::vector<DotSubject>& dot_subjects() {
  static const std::vector<DotSubject> subjects = make_subjects();
  return subjects;
}

const DotSubject& dot_subject_by_name(const std::string& name) {
  for (const DotSubject& s : dot_subjects())
    if (s.name == name) return s;
  throw InputError("unknown dot subject '" + name.substr(0, 60) + "'");
}

}  // namespace fpc
