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

}  // namespace
