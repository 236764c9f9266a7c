// The generators produce what they promise (a generator that silently drew only normals would
// make every law below it weaker than it reads).
#include "generators.hpp"
#include "property.hpp"

#include "check/block/block_check.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace fpc {
namespace {

CodeClass expected_class(gen::CodeKind k) {
  switch (k) {
    case gen::CodeKind::Normal: return CodeClass::Normal;
    case gen::CodeKind::Zero: return CodeClass::Zero;
    case gen::CodeKind::Subnormal: return CodeClass::Subnormal;
    case gen::CodeKind::Infinity: return CodeClass::Infinity;
    case gen::CodeKind::NaN: return CodeClass::NaN;
    case gen::CodeKind::NearMax: return CodeClass::Normal;
  }
  return CodeClass::NaN;
}

TEST(Generators, CodesHaveTheirClass) {
  for (const Format* f : gen::float_formats())
    for (gen::CodeKind k : gen::code_kinds(*f)) {
      prop::check("CodesHaveTheirClass/" + f->name + "/" + gen::to_string(k), 20, [f, k] {
        const uint64_t c = *gen::code_of(*f, k);
        RC_ASSERT(c <= f->code_mask());
        const CodeClass cls = decode(*f, c).cls;
        if (k == gen::CodeKind::NearMax) {
          // The top four magnitudes: normal, or subnormal/zero in tiny formats.
          RC_ASSERT(cls != CodeClass::NaN && cls != CodeClass::Infinity);
        } else {
          RC_ASSERT(cls == expected_class(k));
        }
      });
    }
}

TEST(Generators, EveryFloatFormatOffersItsClasses) {
  // float32 has all six kinds; E4M3FN has no infinity; FP4 neither infinity nor NaN; E8M0 no zero.
  EXPECT_EQ(gen::code_kinds(format_by_name("float32")).size(), 6u);
  EXPECT_EQ(gen::code_kinds(format_by_name("float8_e4m3fn")).size(), 5u);
  EXPECT_EQ(gen::code_kinds(format_by_name("float4_e2m1fn")).size(), 4u);
  EXPECT_EQ(gen::code_kinds(format_by_name("float8_e8m0fnu")).size(), 3u);
}

TEST(Generators, BoundaryValuesAreFiniteAndReachMidpoints) {
  for (const Format* f : gen::formats()) {
    int midpoints = 0, cases = 0;
    prop::check("BoundaryValues/" + f->name, 200, [f, &midpoints, &cases] {
      const ExactValue x = *gen::value_near_boundary(*f);
      RC_ASSERT(!x.is_nan() && !x.is_inf());
      const RoundResult dn = round_to_format(x, *f, Rounding::TowardNegative);
      const RoundResult up = round_to_format(x, *f, Rounding::TowardPositive);
      const ExactValue a = gen::value_of(*f, dn.code), b = gen::value_of(*f, up.code);
      ++cases;
      if (!a.is_nan() && !b.is_nan() && !a.is_inf() && !b.is_inf() && compare(a, b) != 0 &&
          compare(gen::add(a, b), gen::add(x, x)) == 0)
        ++midpoints;
    });
    // Exact midpoints are one strategy of four: far more often than chance would give.
    EXPECT_GE(midpoints * 20, cases) << f->name << ": " << midpoints << " midpoints in " << cases << " values";
  }
}

TEST(Generators, EqualOrAdjacent) {
  const Format& f = format_by_name("float16");
  EXPECT_TRUE(gen::equal_or_adjacent(f, 0x3C00, 0x3C01));
  EXPECT_TRUE(gen::equal_or_adjacent(f, 0x8001, 0x0000));  // -2^-24 and +0
  EXPECT_TRUE(gen::equal_or_adjacent(f, 0x8000, 0x0000));  // -0 and +0: equal
  EXPECT_FALSE(gen::equal_or_adjacent(f, 0x8001, 0x0001));
  EXPECT_FALSE(gen::equal_or_adjacent(f, 0x3C00, 0x3C02));
  const Format& i8 = format_by_name("int8");
  EXPECT_TRUE(gen::equal_or_adjacent(i8, 0xFF, 0x00));  // -1, 0
  EXPECT_FALSE(gen::equal_or_adjacent(i8, 0x7F, 0x80));  // 127, -128
}

// Blocks for block quantizers: the block size of the claims, NaN and infinities only where the
// claimed reference defines them, and often an exact tie between two element codes at scale 1
// (the unit amax in slot 0 and a value exactly at a midpoint of block_tie_grid, times 2^k).
TEST(Generators, QuantBlocksHaveTheirSizeAndOftenExactTies) {
  for (const auto& [scheme, reference] : std::vector<std::pair<std::string, std::string>>{
           {"bnb_fp4", "ideal"}, {"bnb_nf4", "cuda"}, {"mxfp4", "ideal"}, {"mxfp8_e4m3", "ideal"}, {"nvfp4", "te"}}) {
    QuantOptions claims;
    claims.scheme = scheme;
    claims.reference = reference;
    const size_t n = check_blocksize(claims);
    const bool specials = gen::quant_block_takes_specials(claims);
    const BlockTieGrid grid = block_tie_grid(claims);
    int ties = 0, cases = 0;
    prop::check("QuantBlocks/" + scheme + "/" + reference, 300, [&, blocks = gen::quant_block(claims)] {
      const std::vector<uint32_t> b = *blocks;
      RC_ASSERT(b.size() == n);
      bool finite = true;
      for (uint32_t x : b) finite &= (x & 0x7f800000u) != 0x7f800000u;
      RC_ASSERT(specials || finite);
      ++cases;
      // An exact tie at scale 2^k: slot 0 is the unit amax times 2^k, another value the same
      // multiple of a midpoint (ratios compared exactly).
      const ExactValue amax = gen::value_of(format_by_name("float32"), b[0]).abs();
      const ExactValue unit = gen::value_of(format_by_name("float32"), grid.unit_amax);
      if (!finite) return;
      for (size_t i = 1; i < b.size() && grid.unit_amax; ++i)
        for (uint32_t m : grid.midpoints)
          if ((b[i] & 0x7fffffffu) != 0 &&
              compare(gen::mul(gen::value_of(format_by_name("float32"), b[i]), unit),
                      gen::mul(gen::value_of(format_by_name("float32"), m), amax)) == 0) {
            ++ties;
            return;
          }
    });
    std::cout << scheme << "[" << reference << "]: " << ties << " blocks with an exact tie in " << cases << "\n";
    EXPECT_GE(ties * 100, cases) << scheme << ": " << ties << " blocks with an exact tie in " << cases;
  }
  QuantOptions bnb;
  bnb.scheme = "bnb_fp4";
  EXPECT_FALSE(gen::quant_block_takes_specials(bnb)) << "the ideal bitsandbytes reference has no rule for NaN";
  bnb.reference = "cuda";
  EXPECT_TRUE(gen::quant_block_takes_specials(bnb));
}

}  // namespace
}  // namespace fpc
