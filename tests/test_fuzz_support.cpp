// The pieces the fuzz targets (fuzz/) reuse from the harness: listed cases, one failing check's
// report text, and the plugin declaration checks on a table in memory.
#include "check/element/cases.hpp"
#include "check/element/checker.hpp"
#include "../kernels/plugin_loader.hpp"
#include "report/report.hpp"
#include "report/render.hpp"
#include "test_support.hpp"

#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

const fpc::SubjectOp& planted(const std::string& name) {
  for (const fpc::SubjectOp& op : fpc::subject_by_name("planted_bugs").ops)
    if (op.name == name) return op;
  throw std::runtime_error("planted_bugs has no op " + name);
}

TEST(ListedCases, GiveTheListedOperandsAndRandomBits) {
  fpc::OpSemantics s;
  s.op = "add";
  s.in = s.out = &fpc::format_by_name("bfloat16");
  s.rounding = fpc::Rounding::Stochastic;
  s.sr_bits = 8;
  // Two cases of (a, b, random bits).
  const fpc::CaseSource c = fpc::CaseSource::listed(s, {0x3f80, 0x4000, 0x7f, 0xbf80, 0x0001, 0xff});
  EXPECT_EQ(c.label(), "listed:2");
  EXPECT_EQ(c.count(), 2u);
  std::vector<uint64_t> a(2), b(2), r(2);
  uint64_t* ops[] = {a.data(), b.data(), r.data()};
  c.fill(0, 2, ops);
  EXPECT_EQ(a, (std::vector<uint64_t>{0x3f80, 0xbf80}));
  EXPECT_EQ(b, (std::vector<uint64_t>{0x4000, 0x0001}));
  EXPECT_EQ(r, (std::vector<uint64_t>{0x7f, 0xff}));  // the listed bits, not generated ones
  EXPECT_THROW(fpc::CaseSource::listed(s, {1, 2}), fpc::InputError);  // not a whole case
}

// 0x3f808000 is 1.00390625, exactly halfway between bfloat16 1.0 (0x3f80) and 1.0078125 (0x3f81):
// rne keeps the even 0x3f80, the planted ties-away op gives 0x3f81.
TEST(ListedCases, OneFailingCaseReadsAsInTheReport) {
  const fpc::SubjectOp& op = planted("float32_to_bfloat16_ties_away");
  const fpc::CaseSource cases = fpc::CaseSource::listed(op.semantics, {0x3f808000, 0x3f800000});
  fpc::CheckRecord r;
  r.subject = "planted_bugs";
  r.op_name = op.name;
  r.entry = op.entry;
  r.semantics = op.semantics;
  r.case_label = cases.label();
  r.reference = "exact";
  r.outcome = fpc::run_check(op, cases, 0, cases.count(), fpc::CheckOptions{});
  fpc::finalize(r);
  EXPECT_EQ(r.outcome.failed, 1u);
  EXPECT_EQ(r.outcome.passed, 1u);
  const std::string text = fpc::check_failure_text(r, 8);
  EXPECT_EQ(text.rfind("FAIL  planted_bugs/float32_to_bfloat16_ties_away/listed:2\n", 0), 0u) << text;
  EXPECT_NE(text.find("tie_breaking: 1 failed"), std::string::npos) << text;
  EXPECT_NE(text.find("0x3f808000 => 0x3f81  expected 0x3f80"), std::string::npos) << text;
}

int run_nothing(const uint64_t* const*, uint64_t*, size_t, void*) { return 0; }

TEST(PluginSubject, ChecksATableInMemory) {
  const fpc_op good[] = {{"mine", "convert", "float32", "bfloat16", "rne", 0, 0, &run_nothing, nullptr}};
  const fpc::Subject s = fpc::plugin_subject("/x/libmine.so", good, 1);
  EXPECT_EQ(s.name, "plugin:libmine");
  ASSERT_EQ(s.ops.size(), 1u);
  EXPECT_EQ(s.ops[0].semantics.out, &fpc::format_by_name("bfloat16"));
  const fpc_op twice[] = {good[0], good[0]};
  EXPECT_THROW(fpc::plugin_subject("/x/libmine.so", twice, 2), fpc::InputError);
  const fpc_op alias[] = {{"mine", "convert", "fp32", "bfloat16", "rne", 0, 0, &run_nothing, nullptr}};
  EXPECT_THROW(fpc::plugin_subject("/x/libmine.so", alias, 1), fpc::InputError);
  EXPECT_THROW(fpc::plugin_subject("/x/libmine.so", nullptr, 1), fpc::InputError);
}

// Found by the report fuzz target (corpus/report/regressions/json-number-overflow-1e400): a
// number beyond double's range made nlohmann::json throw out_of_range, which escaped as
// "internal error" (exit 3) instead of a bad-input error (exit 2).
TEST(ReportReader, NumberOutOfRangeIsBadInput) {
  using fpc::testing_support::expect_input_error;
  using fpc::testing_support::TempDir;
  TempDir dir;
  const std::string path = dir / "r.json";
  std::ofstream(path) << "{\"schema\": 1e400}";
  expect_input_error({"report", "validate", path});
  expect_input_error({"report", "summary", path});
}

// Found by the file_protocol fuzz target's seeds (corpus/file_protocol/regressions/): the
// classifier of a failing stochastic-rounding case called its ftz/daz references without the
// random bits' array and crashed (segmentation fault in 'fpconform run' and 'fpconform check').
TEST(Checker, ClassifiesFailingStochasticRoundingCases) {
  fpc::SubjectOp op;
  op.name = "float32_to_bfloat16_sr_truncates";
  op.semantics.in = &fpc::format_by_name("float32");
  op.semantics.out = &fpc::format_by_name("bfloat16");
  op.semantics.rounding = fpc::Rounding::Stochastic;
  op.semantics.sr_bits = 8;
  op.run = [](const uint64_t* const* in, uint64_t* out, size_t n) {  // never rounds up
    for (size_t i = 0; i < n; ++i) out[i] = (in[0][i] >> 16) & 0xFFFF;
  };
  // 0x3f80ff00: bfloat16 1.0 plus 255/256 of an ulp; with 8 random bits r it must round up unless
  // floor(255/256 * 256) + r = 255 + r < 256, i.e. for r = 0 only.
  const fpc::CaseSource cases = fpc::CaseSource::listed(op.semantics, {0x3f80ff00, 0, 0x3f80ff00, 1, 0x3f80ff00, 200});
  const fpc::CheckOutcome o = fpc::run_check(op, cases, 0, cases.count(), fpc::CheckOptions{});
  EXPECT_EQ(o.passed, 1u);
  EXPECT_EQ(o.failed, 2u);
  EXPECT_EQ(o.failed_by_class[static_cast<size_t>(fpc::MismatchClass::RoundingDirection)], 2u);
}

}  // namespace
