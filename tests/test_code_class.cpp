// The one code classifier (fpconform/code_class.hpp) against decode, the definition: every code
// of every built-in format of at most 16 bits (and of user formats with every non-finite style),
// and the boundary codes of the wider ones (zeros, subnormal and normal edges, max, inf, NaN, both
// signs, the last code).
#include "fpconform/code_class.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

void expect_same_class(const fpc::Format& f, uint64_t code) {
  ASSERT_LE(code, f.code_mask()) << f.name;
  EXPECT_EQ(fpc::to_string(fpc::code_class(f, code)), fpc::to_string(fpc::decode(f, code).cls))
      << f.name << " code 0x" << std::hex << code;
}

// Codes where the class changes in any encoding: both ends of every field, and their neighbours.
std::set<uint64_t> boundary_codes(const fpc::Format& f) {
  std::set<uint64_t> anchors = {0, 1, f.code_mask(), f.max_finite_code(), f.lowest_finite_code(), f.min_positive_code()};
  if (f.kind == fpc::FormatKind::Float) {
    const uint64_t sign = f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0;
    const uint64_t mant = (uint64_t{1} << f.man_bits) - 1, field = ((uint64_t{1} << f.exp_bits) - 1) << f.man_bits;
    for (uint64_t base : {uint64_t{0}, sign}) {
      anchors.insert({base, base | 1, base | mant, base | (mant + 1), base | field, base | field | 1, base | field | mant,
                      base | (field - (mant + 1)), base | f.max_finite_code()});
    }
    if (f.has_zero) anchors.insert(f.min_normal_code());
    if (f.has_inf()) anchors.insert({f.inf_code(false), f.inf_code(true)});
    if (f.has_nan()) anchors.insert(f.nan_code());
  }
  std::set<uint64_t> codes;
  for (uint64_t a : anchors)
    for (int d = -1; d <= 1; ++d) {
      const uint64_t c = a + static_cast<uint64_t>(static_cast<int64_t>(d));
      if (c <= f.code_mask()) codes.insert(c);
    }
  return codes;
}

TEST(CodeClass, EqualsDecodeOnEveryCodeOfEveryFormatUpTo16Bits) {
  size_t formats = 0;
  for (const fpc::Format& f : fpc::builtin_formats()) {
    if (f.bits() > 16) continue;
    ++formats;
    for (uint64_t c = 0; c < f.code_count(); ++c) expect_same_class(f, c);
  }
  EXPECT_GE(formats, 15u);
  for (const char* spec : {"e3m2:nan=fnuz", "e4m3:nan=ieee", "e2m1:nan=none", "e5m2:subnormals=off", "e4m3:unsigned",
                           "e5m10:bias=7:nan=fn", "e8m0:unsigned:nan=fn"}) {
    const fpc::Format& f = fpc::format_by_name(spec);
    for (uint64_t c = 0; c < f.code_count(); ++c) expect_same_class(f, c);
  }
}

TEST(CodeClass, EqualsDecodeOnTheBoundariesOfWiderFormats) {
  size_t formats = 0;
  for (const fpc::Format& f : fpc::builtin_formats()) {
    if (f.bits() <= 16) continue;
    ++formats;
    for (uint64_t c : boundary_codes(f)) expect_same_class(f, c);
  }
  EXPECT_GE(formats, 3u);  // tf32, float32, float64 at least
}

}  // namespace
