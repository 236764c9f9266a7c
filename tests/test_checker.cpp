// The checker's outcome does not depend on how a range is split: one thread or several, one
// range or two shards merged (at a boundary that is not a multiple of the checker's chunk), give
// the same counts, classes, counterexamples, sampled cases and alternative tallies. This is what
// lets `fpconform report merge` rebuild the unsharded report exactly.
#include "check/element/checker.hpp"

#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

const fpc::SubjectOp& planted(const std::string& name) {
  for (const fpc::SubjectOp& op : fpc::subject_by_name("planted_bugs").ops)
    if (op.name == name) return op;
  throw std::runtime_error("planted_bugs has no op " + name);
}

void expect_same(const fpc::CheckOutcome& a, const fpc::CheckOutcome& b) {
  EXPECT_EQ(a.cases, b.cases);
  EXPECT_EQ(a.passed, b.passed);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_EQ(a.implementation_defined, b.implementation_defined);
  EXPECT_EQ(a.failed_by_class, b.failed_by_class);
  EXPECT_EQ(a.sampled_mismatches, b.sampled_mismatches);
  EXPECT_EQ(a.sampled_passes, b.sampled_passes);
  ASSERT_EQ(a.examples.size(), b.examples.size());
  for (size_t i = 0; i < a.examples.size(); ++i) {
    EXPECT_EQ(a.examples[i].inputs, b.examples[i].inputs) << i;
    EXPECT_EQ(a.examples[i].expected, b.examples[i].expected) << i;
    EXPECT_EQ(a.examples[i].actual, b.examples[i].actual) << i;
    EXPECT_EQ(a.examples[i].cls, b.examples[i].cls) << i;
    EXPECT_EQ(a.examples[i].ulp_distance, b.examples[i].ulp_distance) << i;
  }
  ASSERT_EQ(a.alternatives.size(), b.alternatives.size());
  for (size_t i = 0; i < a.alternatives.size(); ++i) {
    EXPECT_EQ(a.alternatives[i].name, b.alternatives[i].name);
    EXPECT_EQ(a.alternatives[i].explained, b.alternatives[i].explained) << a.alternatives[i].name;
    EXPECT_EQ(a.alternatives[i].contradicted, b.alternatives[i].contradicted) << a.alternatives[i].name;
  }
  EXPECT_EQ(a.error, b.error);
}

// One thread over [begin, end) against two threads over two shards, merged.
void check_split_invariance(const fpc::SubjectOp& op, const fpc::CaseSource& cases, uint64_t begin, uint64_t split,
                            uint64_t end) {
  fpc::CheckOptions one;
  one.threads = 1;
  const fpc::CheckOutcome whole = fpc::run_check(op, cases, begin, end, one);
  fpc::CheckOptions two;
  two.threads = 2;
  fpc::CheckOutcome merged = fpc::run_check(op, cases, begin, split, two);
  merged.merge(fpc::run_check(op, cases, split, end, two), *op.semantics.in, two.max_examples);
  expect_same(whole, merged);
  EXPECT_EQ(whole.cases, end - begin);
  EXPECT_EQ(whole.passed + whole.failed + whole.implementation_defined, whole.cases);
}

TEST(Checker, BoundaryOutcomeIndependentOfThreadsAndShards) {
  const fpc::SubjectOp& op = planted("float32_to_bfloat16_ties_away");
  const fpc::CaseSource cases = fpc::CaseSource::boundary(op.semantics);
  const uint64_t split = cases.count() / 3 + 17;
  check_split_invariance(op, cases, 0, split, cases.count());
  fpc::CheckOptions options;
  const fpc::CheckOutcome o = fpc::run_check(op, cases, 0, cases.count(), options);
  EXPECT_GT(o.failed, 0u);
  EXPECT_EQ(o.failed, o.failed_by_class[static_cast<size_t>(fpc::MismatchClass::TieBreaking)]);
  EXPECT_EQ(o.sampled_mismatches, o.failed);  // fewer than 2^20 cases: every mismatch is sampled
  EXPECT_GT(o.sampled_passes, 0u);
}

TEST(Checker, ExhaustiveSliceOutcomeIndependentOfThreadsAndShards) {
  // Truncation fails about half of the cases: many mismatches, sampled and kept per class.
  const fpc::SubjectOp& op = planted("float32_to_bfloat16_truncate");
  const fpc::CaseSource cases = fpc::CaseSource::exhaustive(op.semantics);
  const uint64_t begin = 0x3F800000 - 12345, end = begin + (uint64_t{1} << 17) + 999;
  check_split_invariance(op, cases, begin, begin + 70001, end);
  fpc::CheckOptions options;
  options.threads = 2;
  const fpc::CheckOutcome o = fpc::run_check(op, cases, begin, end, options);
  EXPECT_GT(o.failed, (end - begin) / 4);
  EXPECT_GT(o.sampled_mismatches, 0u);
  EXPECT_LT(o.sampled_mismatches, o.failed);
  const std::vector<std::string> why = fpc::explaining_alternatives(o, op.semantics);
  EXPECT_NE(std::find(why.begin(), why.end(), "rtz"), why.end());  // (positive inputs only: rdn too)
}

// A check prepared once and fed uneven pieces (not on chunk boundaries), alternating its checker
// threads, ends with run_check's outcome over the whole range; finish() starts it afresh. The
// boundary cases are more than the alternatives' oracle-call budget (4096 before their tables are
// built), so both ways of evaluating an alternative are in play.
TEST(Checker, RangeCheckerPiecesGiveRunChecksOutcome) {
  for (const char* name : {"float32_to_bfloat16_truncate", "float32_to_bfloat16_ties_away"}) {
    const fpc::SubjectOp& op = planted(name);
    for (const fpc::CaseSource& cases : {fpc::CaseSource::exhaustive(op.semantics), fpc::CaseSource::boundary(op.semantics)}) {
      const bool sweep = cases.operands_are_indices();
      const uint64_t begin = sweep ? 0x3F800000 - 777 : 0, end = sweep ? begin + 50000 : cases.count();
      if (!sweep) {
        ASSERT_GT(cases.count(), 4096u);
      }
      fpc::CheckOptions one;
      one.threads = 1;
      const fpc::CheckOutcome whole = fpc::run_check(op, cases, begin, end, one);
      fpc::CheckOptions two;
      two.threads = 2;
      fpc::RangeChecker checker(op, cases, two);
      ASSERT_EQ(checker.threads(), 2);
      EXPECT_FALSE(checker.compares_in_place());  // a subject without stored results
      for (int round = 0; round < 2; ++round) {
        uint64_t first = begin;
        for (uint64_t piece : {uint64_t{1}, uint64_t{999}, uint64_t{1025}, uint64_t{7}, uint64_t{20000}}) {
          const uint64_t last = std::min(end, first + piece);
          ASSERT_TRUE(checker.check_range(static_cast<int>(piece % 2), first, last));
          first = last;
        }
        ASSERT_TRUE(checker.check_range(1, first, end));
        expect_same(whole, checker.finish());
      }
      EXPECT_GT(whole.failed, 0u) << name;
    }
  }
}

// A subject with stored results on an exhaustive unary sweep whose reference is a table is
// compared in place, chunk by chunk (consecutive_compare); a listed source of the very same cases,
// or a subject without stored results, takes the per-case path. All must give the same outcome,
// for subjects that pass, fail (rtz), differ only in NaN codes (a pass unless NaNs are strict) or
// return codes with bits above the format, stored 1 or 2 bytes a code.
TEST(Checker, InPlaceComparisonOfASweepGivesThePerCaseOutcome) {
  const fpc::Format& in = fpc::format_by_name("bfloat16");
  fpc::OpSemantics s;
  s.op = "convert";
  s.in = &in;
  s.out = &fpc::format_by_name("float8_e4m3fn");
  const uint64_t count = uint64_t{1} << 16;
  std::vector<uint64_t> codes(count);
  for (uint64_t c = 0; c < count; ++c) codes[c] = c;
  const uint64_t* all[1] = {codes.data()};
  auto results_of = [&](const fpc::OpSemantics& of) {
    std::vector<uint64_t> r(count);
    fpc::exact_reference(of)(all, r.data(), count);
    return r;
  };
  const std::vector<uint64_t> exact = results_of(s);
  fpc::OpSemantics rtz = s;
  rtz.rounding = fpc::Rounding::TowardZero;
  std::vector<uint64_t> nan_sign = exact, out_of_range = exact;
  for (uint64_t& r : nan_sign)
    if ((r & 0x7F) == 0x7F) r ^= 0x80;  // the other NaN of e4m3fn
  for (uint64_t c = 0x3F00; c < count; c += 4099) out_of_range[c] |= 0x100;
  const std::vector<std::vector<uint64_t>> subjects = {exact, results_of(rtz), nan_sign, out_of_range};

  const fpc::CaseSource exhaustive = fpc::CaseSource::exhaustive(s);
  const fpc::CaseSource listed = fpc::CaseSource::listed(s, codes);
  ASSERT_TRUE(exhaustive.operands_are_indices());
  ASSERT_FALSE(listed.operands_are_indices());
  for (size_t k = 0; k < subjects.size(); ++k) {
    const std::vector<uint64_t>& results = subjects[k];
    std::vector<uint8_t> bytes1(results.begin(), results.end());
    std::vector<uint16_t> bytes2(results.begin(), results.end());
    fpc::SubjectOp op;
    op.name = "table";
    op.semantics = s;
    op.run = [&](const uint64_t* const* operands, uint64_t* out, size_t n) {
      for (size_t j = 0; j < n; ++j) out[j] = results[operands[0][j]];
    };
    for (bool strict : {false, true})
      for (int stored : {0, 1, 2}) {
        if (stored == 1 && k == 3) continue;  // a byte cannot hold the out-of-range codes
        fpc::SubjectOp in_place = op;
        if (stored)
          in_place.stored_results = [&, stored](uint64_t first, size_t) {
            return fpc::SubjectOp::StoredResults{stored == 1 ? static_cast<const void*>(&bytes1[first])
                                                             : static_cast<const void*>(&bytes2[first]),
                                                 stored};
          };
        fpc::CheckOptions options;
        options.strict_nan = strict;
        options.threads = 2;
        SCOPED_TRACE("subject " + std::to_string(k) + (strict ? " strict" : "") + " stored " + std::to_string(stored));
        const fpc::CheckOutcome fused = fpc::run_check(in_place, exhaustive, 0, count, options);
        const fpc::CheckOutcome per_case = fpc::run_check(op, listed, 0, count, options);
        expect_same(fused, per_case);
        expect_same(fused, fpc::run_check(op, exhaustive, 0, count, options));
        EXPECT_EQ(fused.failed == 0, k == 0 || (k == 2 && !strict));
        if (k == 3) {
          EXPECT_EQ(fused.failed_by_class[static_cast<size_t>(fpc::MismatchClass::OutOfRangeCode)], (count - 0x3F00 + 4098) / 4099);
        }
      }
  }
}

}  // namespace
