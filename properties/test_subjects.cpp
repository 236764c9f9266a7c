// Subjects against the oracle: for cases generated from each op's declared semantics
// (gen::case_operands), the subject's result equals the oracle's under the checker's rules (NaN
// matches NaN, implementation-defined cases pass). One property per op, one test per subject
// family, generic over the registry (fpconform/subject.hpp) and over plugins. A failure prints the
// shrunk counterexample as the report summary does, plus the RC_PARAMS line that replays it.
#include "generators.hpp"
#include "property.hpp"

#include "check/element/checker.hpp"
#include "report/report.hpp"
#include "report/render.hpp"

#include "../kernels/plugin_loader.hpp"
#include "fpconform/known_deviations.hpp"
#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace fpc {
namespace {

constexpr int kCasesPerOp = 1000;

// "" when the subject's result on `operands` passes the checker's comparison with the oracle;
// otherwise the counterexample as the report prints it.
std::string mismatch_text(const std::string& subject, const SubjectOp& op, const std::vector<uint64_t>& operands) {
  const OpSemantics& s = op.semantics;
  const uint64_t* in[4] = {};
  for (size_t k = 0; k < operands.size() && k < 4; ++k) in[k] = &operands[k];
  uint64_t actual = 0;
  op.run(in, &actual, 1);
  const RoundResult expected = oracle_case(s, operands.data());
  if (actual == expected.code) return "";
  // Quick passes the checker would also give (run_check builds tables per call): any NaN for a
  // NaN, and any answer where the oracle marks the case implementation-defined.
  const bool nan_for_nan = (actual & s.out->code_mask()) == actual && code_class(*s.out, actual) == CodeClass::NaN &&
                           code_class(*s.out, expected.code) == CodeClass::NaN;
  if (nan_for_nan || expected.implementation_defined) return "";
  // The checker decides the rest and classifies the mismatch.
  CheckOptions options;
  options.max_examples = 1;
  CheckRecord record;
  record.subject = subject;
  record.op_name = op.name;
  record.entry = op.entry;
  record.semantics = s;
  const CaseSource cases = CaseSource::listed(s, operands);
  record.case_label = cases.label();
  record.reference = "exact";
  record.outcome = run_check(op, cases, 0, 1, options);
  finalize(record);
  if (record.status == "pass") return "";
  return check_failure_text(record, options.max_examples);
}

// The property for one op: generated cases pass. `last_failure`, when given, receives the operands
// of the last failing case run (after shrinking: the shrunk counterexample).
auto op_property(const std::string& subject, const SubjectOp& op, std::vector<uint64_t>* last_failure = nullptr) {
  return [subject, &op, last_failure] {
    const std::vector<uint64_t> operands = *gen::case_operands(op.semantics);
    const std::string text = mismatch_text(subject, op, operands);
    if (!text.empty()) {
      if (last_failure) *last_failure = operands;
      RC_FAIL(text);
    }
  };
}

void check_every_op(const Subject& s) {
  ASSERT_FALSE(s.ops.empty()) << s.name << " has no ops";
  for (const SubjectOp& op : s.ops) {
    // Ops that only look stored results up by case index (run_cases, the file protocol) cannot
    // compute a generated case.
    if (!op.run) continue;
    const std::string id = s.name + "/" + op.name;
    // A known deviation (fpconform/known_deviations.hpp): the property must still fail, with a
    // counterexample of a listed class; when the deviation is gone the test fails, so that the
    // entry is removed.
    const fpc::KnownDeviation* known = fpc::find_known_deviation(s.name, op.name);
    if (!known) {
      prop::check(id, kCasesPerOp, op_property(s.name, op));
      continue;
    }
    const rc::detail::TestResult result = prop::run(id, kCasesPerOp, op_property(s.name, op));
    ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << id << ": the known deviation is gone";
    const std::string& text = result.get<rc::detail::FailureResult>().description;
    EXPECT_TRUE(std::any_of(known->classes.begin(), known->classes.end(),
                            [&](const std::string& c) { return text.find(c + ": 1 failed") != std::string::npos; }))
        << text;
  }
}

// Every subject of the registry but the deliberately wrong test-only ones; unavailable ones skip.
std::vector<std::string> registry_subjects() {
  std::vector<std::string> names;
  for (const Subject& s : all_subjects())
    if (!s.test_only) names.push_back(s.name);
  return names;
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

class SubjectAgainstOracle : public testing::TestWithParam<std::string> {};

TEST_P(SubjectAgainstOracle, EveryOpMatchesTheOracle) {
  const Subject& s = subject_by_name(GetParam());
  if (!s.available) GTEST_SKIP() << s.name << ": " << s.unavailable_reason;
  check_every_op(s);
}

INSTANTIATE_TEST_SUITE_P(Registry, SubjectAgainstOracle, testing::ValuesIn(registry_subjects()), test_name);

TEST(PluginAgainstOracle, ExamplePluginMatchesTheOracle) {
  const Subject s = load_plugin(FPC_EXAMPLE_PLUGIN_PATH);
  check_every_op(s);
}

// The subject property can fail: against planted_bugs' float32 -> bfloat16 converter that rounds
// ties away from zero while claiming rne, RapidCheck finds a counterexample and shrinks it to an
// exact tie (checked with the exact oracle), positive.
TEST(PlantedBug, TiesAwayIsFoundAndShrunkToAnExactTie) {
  const Subject& s = subject_by_name("planted_bugs");
  const SubjectOp* op = nullptr;
  for (const SubjectOp& o : s.ops)
    if (o.name == "float32_to_bfloat16_ties_away") op = &o;
  ASSERT_NE(op, nullptr);
  std::vector<uint64_t> shrunk;
  const rc::detail::TestResult result = prop::run("planted_bugs/" + op->name, 2000, op_property(s.name, *op, &shrunk));
  ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << "the planted ties-away bug was not found";
  const auto& failure = result.get<rc::detail::FailureResult>();
  std::cout << "found after " << failure.numSuccess << " passing cases; shrunk:\n" << failure.description << "\n"
            << prop::replay_line("planted_bugs/" + op->name, failure) << "\n";
  EXPECT_NE(failure.description.find("tie_breaking"), std::string::npos) << failure.description;
  ASSERT_EQ(shrunk.size(), 1u);

  // Exactly a midpoint of two adjacent bfloat16 values, by the exact oracle.
  const Format& f32 = format_by_name("float32");
  const Format& bf16 = format_by_name("bfloat16");
  const ExactValue x = decode(f32, shrunk[0]).value;
  const ExactValue dn = decode(bf16, round_to_format(x, bf16, Rounding::TowardNegative).code).value;
  const ExactValue up = decode(bf16, round_to_format(x, bf16, Rounding::TowardPositive).code).value;
  EXPECT_NE(compare(dn, up), 0) << to_exact_string(x) << " is a bfloat16 value";
  EXPECT_EQ(compare(gen::add(dn, up), gen::add(x, x)), 0) << to_exact_string(x) << " is not a tie";
  // Shrinking moved toward simpler cases: a negative tie always shrinks to its positive mirror.
  // (Usually it also reaches 1.00390625, the first tie above 1; a tie found among subnormals
  // stays there, since a regenerated normal is rarely a tie.)
  EXPECT_FALSE(x.negative) << to_exact_string(x);
}

// Every planted bug (ties away, truncation, double rounding through float16, clamping before
// rounding) is found by the same property within its CI case count.
TEST(PlantedBug, EveryPlantedBugIsFound) {
  const Subject& s = subject_by_name("planted_bugs");
  for (const SubjectOp& op : s.ops) {
    const rc::detail::TestResult result = prop::run("planted_bugs/" + op.name, 2000, op_property(s.name, op), false);
    ASSERT_TRUE(result.is<rc::detail::FailureResult>()) << op.name << ": the planted bug was not found";
    std::cout << op.name << ": found after " << result.get<rc::detail::FailureResult>().numSuccess << " passing cases\n";
  }
}

// The example plugin with its planted bug (FPC_EXAMPLE_PLANT_BUG, read when it loads) fails.
TEST(PluginAgainstOracle, ExamplePluginPlantedBugIsFound) {
  ASSERT_EQ(setenv("FPC_EXAMPLE_PLANT_BUG", "1", 1), 0);
  const Subject s = load_plugin(FPC_EXAMPLE_PLUGIN_PATH);
  unsetenv("FPC_EXAMPLE_PLANT_BUG");
  bool found = false;
  for (const SubjectOp& op : s.ops)
    found |= prop::run("planted/" + s.name + "/" + op.name, 2000, op_property(s.name, op), false).is<rc::detail::FailureResult>();
  EXPECT_TRUE(found) << "the example plugin's planted bug was not found";
}

}  // namespace
}  // namespace fpc
