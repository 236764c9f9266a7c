// Laws of the oracle's rounding (round_to_format), each a property over every built-in format and
// every rounding mode, with exact values from the boundary-biased generators.
#include "laws.hpp"

#include <gtest/gtest.h>

namespace fpc::laws {
namespace {

// decode then round is the identity on finite codes, in every mode, and exact (no flags).
TEST(RoundingLaws, DecodeThenRoundIsIdentityOnFiniteCodes) {
  for_every_format_and_mode("DecodeThenRound", 100, [](const Format& f, Rounding m) {
    const uint64_t code = *gen::finite_code(f);
    const ExactValue x = gen::value_of(f, code);
    const RoundResult r = round(x, f, m, bits_for(m));
    RC_LOG() << "decoded " << to_exact_string(x) << " rounds to code " << r.code << " flags " << flags_to_string(r.flags);
    RC_ASSERT(identical(value(f, r), x));
    if (f.kind != FormatKind::CodeTable) RC_ASSERT(r.code == code);  // tables may hold a value twice
    RC_ASSERT(r.flags == 0u);
  });
}

// rdn(x) <= x <= rup(x), equal exactly when x is a value of f, else adjacent; every other mode
// (sr with any bits) picks one of the two; inexact is flagged exactly when they differ.
TEST(RoundingLaws, DirectedRoundingsBracketAndOtherModesPickOne) {
  for_every_format_and_mode("Bracket", 100, [](const Format& f, Rounding m) {
    const ExactValue x = *gen::value_for(f);
    RC_PRE(in_range(f, x));
    const RoundResult dn = round(x, f, Rounding::TowardNegative), up = round(x, f, Rounding::TowardPositive);
    const RoundResult r = round(x, f, m, bits_for(m));
    const ExactValue vdn = value(f, dn), vup = value(f, up), vr = value(f, r);
    RC_LOG() << "rdn " << dn.code << " rup " << up.code << " " << short_name(m) << " " << r.code;
    RC_ASSERT(compare(vdn, x) <= 0);
    RC_ASSERT(compare(x, vup) <= 0);
    RC_ASSERT(gen::equal_or_adjacent(f, dn.code, up.code));
    const bool exact = compare(vdn, vup) == 0;
    RC_ASSERT(exact == (compare(x, vdn) == 0));
    RC_ASSERT(compare(vr, vdn) == 0 || compare(vr, vup) == 0);
    RC_ASSERT(((r.flags & kInexact) != 0) == !exact);
  });
}

// Round is monotone in the value: x <= y gives round(x) <= round(y) in every mode (sr with the
// same bits). y is drawn independently or a tiny step above x, inside the same gap.
TEST(RoundingLaws, Monotone) {
  for_every_format_and_mode("Monotone", 100, [](const Format& f, Rounding m) {
    ExactValue x = *gen::value_for(f);
    ExactValue y = *rc::gen::oneOf(gen::value_for(f),
                                   rc::gen::map(gen::uniform(1, 80), [x](uint64_t j) {
                                     const ExactValue step = x.is_zero() ? ExactValue::dyadic(false, 1, -200) : x.abs();
                                     return gen::add(x, gen::mul(step, ExactValue::dyadic(false, 1, -static_cast<int64_t>(j))));
                                   }));
    RC_PRE(in_range(f, x) && in_range(f, y));
    if (compare(x, y) > 0) std::swap(x, y);
    const RandomBits b = bits_for(m);
    const RoundResult rx = round(x, f, m, b), ry = round(y, f, m, b);
    RC_LOG() << "round(x) " << rx.code << " round(y) " << ry.code;
    RC_ASSERT(compare(value(f, rx), value(f, ry)) <= 0);
  });
}

// rne and rna differ only at exact ties; at a tie rna takes the upper (larger magnitude) neighbour
// and rne the upper one exactly when the lower code is odd (docs/semantics.md §5.2).
TEST(RoundingLaws, NearestModesDifferOnlyAtTies) {
  for_every_format("NearestTies", 300, [](const Format& f) {
    const ExactValue x = *gen::value_for(f);
    RC_PRE(in_range(f, x));
    const RoundResult lower = round(x, f, Rounding::TowardZero);
    const RoundResult dn = round(x, f, Rounding::TowardNegative), up = round(x, f, Rounding::TowardPositive);
    const RoundResult upper = lower.code == dn.code ? up : dn;
    const bool tie = compare(gen::add(value(f, dn), value(f, up)), gen::add(x, x)) == 0 && compare(value(f, dn), value(f, up)) != 0;
    const RoundResult ne = round(x, f, Rounding::NearestEven), na = round(x, f, Rounding::NearestAway);
    RC_LOG() << "tie " << tie << " lower " << lower.code << " upper " << upper.code << " rne " << ne.code << " rna " << na.code;
    if (!tie) {
      RC_ASSERT(ne.code == na.code);
    } else {
      RC_ASSERT(na.code == upper.code);
      RC_ASSERT(ne.code == (is_odd(f, lower.code) ? upper.code : lower.code));
    }
  });
}

// rod on an inexact x takes the neighbour with the odd code. Adjacent codes alternate in parity in
// the built-in formats, except where m = 0 (E8M0): every non-zero significand is 1, odd, and rod
// keeps the lower neighbour (docs/semantics.md §5.2).
TEST(RoundingLaws, RoundToOddPicksTheOddNeighbour) {
  for_every_format("RoundToOdd", 300, [](const Format& f) {
    const ExactValue x = *gen::value_for(f);
    RC_PRE(in_range(f, x));
    const RoundResult dn = round(x, f, Rounding::TowardNegative), up = round(x, f, Rounding::TowardPositive);
    RC_PRE(compare(value(f, dn), value(f, up)) != 0);
    const RoundResult od = round(x, f, Rounding::ToOdd);
    RC_LOG() << "rdn " << dn.code << " rup " << up.code << " rod " << od.code;
    RC_ASSERT(is_odd(f, od.code));
    if (f.kind == FormatKind::Float && f.man_bits == 0)
      RC_ASSERT(od.code == round(x, f, Rounding::TowardZero).code);
    else
      RC_ASSERT(is_odd(f, dn.code) != is_odd(f, up.code));
    RC_ASSERT(od.code == dn.code || od.code == up.code);
  });
}

// round(-x, rup) = -round(x, rdn), round(-x, rdn) = -round(x, rup), and every symmetric mode
// (rtz, rne, rna, rod, sr with the same bits) commutes with negation. Signed binary floats only:
// two's complement integers and the code tables are not symmetric.
TEST(RoundingLaws, SignSymmetry) {
  for (const Format* fp : gen::float_formats()) {
    const Format& f = *fp;
    if (!f.has_sign) continue;
    for (Rounding m : kAllRoundings) {
      const Rounding mirrored = m == Rounding::TowardPositive   ? Rounding::TowardNegative
                                : m == Rounding::TowardNegative ? Rounding::TowardPositive
                                                                : m;
      prop::check("SignSymmetry/" + f.name + "/" + std::string(short_name(m)), 100, [&f, m, mirrored] {
        const ExactValue x = *gen::value_for(f);
        RC_PRE(in_range(f, x));
        const RandomBits b = bits_for(m);
        const ExactValue neg = value(f, round(x.negated(), f, m, b));
        const ExactValue pos = value(f, round(x, f, mirrored, b));
        RC_LOG() << "round(-x) " << to_exact_string(neg) << " round(x) " << to_exact_string(pos);
        if (f.has_negative_zero())
          RC_ASSERT(identical(neg, pos.negated()));
        else
          RC_ASSERT(compare(neg, pos.negated()) == 0);
      });
    }
  }
}

// sr with k bits: over all r in [0, 2^k) the magnitude rounds up exactly floor(f * 2^k) times,
// where f = |x - lower| / |upper - lower| (the unbiasedness that makes sr worth having), and
// every result is rdn(x) or rup(x).
TEST(RoundingLaws, StochasticRoundingRoundsUpFloorF2kTimes) {
  for_every_format("StochasticCount", 50, [](const Format& f) {
    const ExactValue x = *gen::value_for(f);
    RC_PRE(in_range(f, x));
    const int k = static_cast<int>(*gen::uniform(1, 8));
    const RoundResult lower = round(x, f, Rounding::TowardZero);
    const RoundResult dn = round(x, f, Rounding::TowardNegative), up = round(x, f, Rounding::TowardPositive);
    const RoundResult upper = lower.code == dn.code ? up : dn;
    uint64_t ups = 0;
    for (uint64_t r = 0; r < (uint64_t{1} << k); ++r) {
      const RoundResult s = round(x, f, Rounding::Stochastic, RandomBits{k, r});
      RC_ASSERT(s.code == dn.code || s.code == up.code);
      if (s.code != lower.code) ++ups;
    }
    // floor(f * 2^k) exactly: f = |x - lower| / |upper - lower|.
    uint64_t expected = 0;
    const ExactValue gap = gen::add(value(f, upper), value(f, lower).negated()).abs();
    if (!gap.is_zero()) {
      const ExactValue num = gen::add(x, value(f, lower).negated()).abs();
      const ExactValue ab[2] = {gen::mul(num, ExactValue::dyadic(false, 1, k)), gap};
      const ExactValue q = exact_op(Op::Div, ab, Rounding::NearestEven).value;
      expected = q.is_zero() ? 0 : static_cast<uint64_t>(BigInt(q.num / q.den));
    }
    RC_LOG() << "k " << k << " rounded up " << ups << " times, floor(f*2^k) = " << expected;
    RC_ASSERT(ups == expected);
  });
}

// Saturation replaces exactly the overflowing results: with saturate on, a finite x gives the
// unsaturated result where that is finite, else (x beyond max or below lowest) the nearest end of
// the range. Negative values in unsigned formats are not overflows: not this law's business.
TEST(PolicyLaws, SaturationClampsExactlyTheOverflows) {
  for_every_format_and_mode("Saturation", 40, [](const Format& f, Rounding m) {
    const ExactValue x = *gen::value_for(f);
    const RandomBits b = bits_for(m);
    Policy sat;
    sat.saturate = true;
    sat.inf_under_saturation = *rc::gen::element(InfUnderSaturation::Max, InfUnderSaturation::NaN);
    const RoundResult plain = round(x, f, m, b), clamped = round_to_format(x, f, m, sat, b);
    const CodeClass pc = decode(f, plain.code).cls;
    RC_LOG() << "unsaturated " << plain.code << " saturated " << clamped.code;
    const bool plain_finite = pc != CodeClass::Infinity && pc != CodeClass::NaN && !plain.implementation_defined;
    if (plain_finite) {
      RC_ASSERT(clamped.code == plain.code);
    } else if (compare(x, gen::value_of(f, f.max_finite_code())) > 0) {
      RC_ASSERT(clamped.code == f.max_finite_code());
    } else {
      RC_PRE(f.has_sign && compare(x, gen::value_of(f, f.lowest_finite_code())) < 0);
      RC_ASSERT(clamped.code == f.lowest_finite_code());
    }
  });
}

// ftz replaces exactly the subnormal results: by the zero of the same sign.
TEST(PolicyLaws, FlushToZeroReplacesExactlyTheSubnormalResults) {
  for (const Format* fp : gen::float_formats())
    for (Rounding m : kAllRoundings)
      prop::check("FlushToZero/" + fp->name + "/" + std::string(short_name(m)), 40, [&f = *fp, m] {
        const ExactValue x = *gen::value_for(f);
        const RandomBits b = bits_for(m);
        Policy ftz;
        ftz.ftz = true;
        const RoundResult plain = round(x, f, m, b), flushed = round_to_format(x, f, m, ftz, b);
        RC_LOG() << "without ftz " << plain.code << " with ftz " << flushed.code;
        if (decode(f, plain.code).cls == CodeClass::Subnormal)
          RC_ASSERT(flushed.code == f.zero_code(x.negative && f.has_negative_zero()));
        else
          RC_ASSERT(flushed.code == plain.code);
      });
}

}  // namespace
}  // namespace fpc::laws
