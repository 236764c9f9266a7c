// Laws of the dot-product oracle (fpconform/dot.hpp), over random FP8 and FP16 operands:
//  * the `exact` rows (128-bit fixed point) equal the exact rational sum rounded once by
//    round_to_format (BigInt), in every deterministic mode;
//  * a fused tensor-core row whose F covers the whole spread of the terms cuts nothing, so with
//    one step and C = 0 it equals the exact sum rounded once into the step format;
//  * a row one fraction bit short never keeps more: |D(F-1)| <= |D(F)| when C = 0 and all terms
//    share a sign (truncation toward zero is monotone in the number of kept bits).
#include "property.hpp"

#include "fpconform/dot.hpp"

#include <gtest/gtest.h>

namespace fpc {
namespace {

std::vector<uint64_t> finite_codes(const Format& f, size_t k, bool positive_only = false) {
  std::vector<uint64_t> v;
  while (v.size() < k) {
    uint64_t c = *rc::gen::inRange<uint64_t>(0, f.code_count());
    if (positive_only) c &= f.code_mask() >> 1;
    const CodeClass cls = decode(f, c).cls;
    if (cls == CodeClass::NaN || cls == CodeClass::Infinity) continue;
    v.push_back(c);
  }
  return v;
}

TEST(DotLaws, ExactRowEqualsExactSumRoundedOnce) {
  for (const char* in_name : {"float8_e4m3fn", "float8_e5m2", "float16", "bfloat16"})
    for (Rounding m : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero, Rounding::TowardPositive,
                       Rounding::TowardNegative, Rounding::ToOdd})
      prop::check(std::string("DotExact/") + in_name + "/" + std::string(short_name(m)), 40, [in_name, m] {
        const Format& in = format_by_name(in_name);
        const Format& out = format_by_name("float32");
        const size_t K = *rc::gen::inRange<size_t>(1, 40);
        auto a = finite_codes(in, K), b = finite_codes(in, K);
        const uint64_t c = finite_codes(out, 1)[0];
        DotModel row = dot_model("exact", in_name, "float32");
        row.step_rounding = m;
        const uint64_t got = dot(row, in, a, b, c).code;
        const RoundResult want = exact_dot(in, a, b, out, c, out, m);
        // Exact zero sums: the sign rules agree except for the sign of an all-zero sum.
        if (decode(out, want.code).cls == CodeClass::Zero) RC_ASSERT(decode(out, got).cls == CodeClass::Zero);
        else RC_ASSERT(got == want.code);
      });
}

TEST(DotLaws, WideEnoughFusedStepIsExactRoundedOnce) {
  for (const char* model : {"h100-wgmma-fp8", "ada-mma-fp8"})
    prop::check(std::string("DotWideF/") + model, 60, [model] {
      const Format& in = format_by_name("float8_e4m3fn");
      // E4M3 products span 2^-18 .. 2^18 with 8-bit significands: F = 54 keeps every bit.
      DotModel row = with_parameters(dot_model(model, "float8_e4m3fn", "float32"), 16, 54);
      const size_t K = *rc::gen::inRange<size_t>(1, 17);
      auto a = finite_codes(in, K), b = finite_codes(in, K);
      const Format& out = format_by_name("float32");
      const uint64_t got = dot(row, in, a, b, out.zero_code(false)).code;
      const RoundResult want = exact_dot(in, a, b, out, 0, format_by_name("e8m13"), Rounding::TowardZero);
      const uint64_t want32 = convert(want.code, format_by_name("e8m13"), out, Rounding::NearestEven).code;
      if (decode(out, want32).cls == CodeClass::Zero) RC_ASSERT(decode(out, got).cls == CodeClass::Zero);
      else RC_ASSERT(got == want32);
    });
}

TEST(DotLaws, FewerFractionBitsNeverKeepMore) {
  prop::check("DotMonotoneF", 80, [] {
    const Format& in = format_by_name("float16");
    const int F = *rc::gen::inRange(2, 30);
    const DotModel& base = dot_model("h100", "float16", "float32");
    const size_t K = *rc::gen::inRange<size_t>(1, 17);
    auto a = finite_codes(in, K, true), b = finite_codes(in, K, true);
    const uint64_t lo = dot(with_parameters(base, std::nullopt, F - 1), in, a, b, 0).code;
    const uint64_t hi = dot(with_parameters(base, std::nullopt, F), in, a, b, 0).code;
    RC_ASSERT(lo <= hi);  // positive FP32 codes order as their values
  });
}

}  // namespace
}  // namespace fpc
