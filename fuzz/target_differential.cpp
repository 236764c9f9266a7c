// Fuzz target "differential": subjects against the exact oracle, case by case.
//
// The input decodes, structure-aware, into cases of one subject op: two bytes pick the op (which
// fixes the operation, the formats from the format table, the rounding and the policy), then
// each case (up to 64, while bytes remain) is the operands, each a code of the op's input format
// in one of shaped_code's shapes, then the random bits for stochastic rounding. The subject's result is compared with oracle_case; a
// difference the checker counts as a failure (not a NaN for a NaN, not an implementation-defined
// case) is re-checked by run_check on that one case and reported with the report's own
// counterexample text (check_failure_text), then the target aborts.
//
// Subjects: every available subject that is not test-only, or those named in FPC_FUZZ_SUBJECTS
// (comma-separated; test-only ones and the fuzz-only "fuzz_planted" allowed; "none" for no
// registry subject), plus the plugin
// named by FPC_FUZZ_PLUGIN (a shared object, fpconform/plugin.h), less the ops named in
// FPC_FUZZ_SKIP_OPS (comma-separated subject/op). Mismatches a known deviation explains
// (fpconform/known_deviations.hpp) are no finding.
#include "check/element/checker.hpp"
#include "fuzz_input.hpp"
#include "planted_subject.hpp"
#include "plugin_loader.hpp"
#include "report/report.hpp"
#include "report/render.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace fpc::fuzz {
namespace {

constexpr int kMaxCasesPerInput = 64;

struct Target {
  std::string subject;
  const SubjectOp* op;
};

const std::vector<Target>& targets() {
  static const std::vector<Subject> owned = [] {  // subjects that are not in the registry
    std::vector<Subject> v;
    const char* subjects = std::getenv("FPC_FUZZ_SUBJECTS");
    const std::vector<std::string> named = split_commas(subjects ? subjects : "");
    if (std::find(named.begin(), named.end(), "fuzz_planted") != named.end()) v.push_back(make_fuzz_planted_subject());
    if (const char* plugin = std::getenv("FPC_FUZZ_PLUGIN"); plugin && *plugin) {
      try {
        v.push_back(load_plugin(plugin));
      } catch (const InputError& e) {
        config_error(std::string("FPC_FUZZ_PLUGIN: ") + e.what());
      }
    }
    return v;
  }();
  static const std::vector<Target> list = [] {
    std::vector<const Subject*> chosen;
    const char* named = std::getenv("FPC_FUZZ_SUBJECTS");
    if (named && *named) {
      for (const std::string& name : split_commas(named)) {
        if (name == "fuzz_planted" || name == "none") continue;  // in `owned`; none: only the plugin
        try {
          chosen.push_back(&subject_by_name(name));
        } catch (const InputError& e) {
          config_error(std::string("FPC_FUZZ_SUBJECTS: ") + e.what());
        }
        if (!chosen.back()->available)
          config_error("FPC_FUZZ_SUBJECTS: subject " + name + " is not available here (" +
                       chosen.back()->unavailable_reason + ")");
      }
    } else {
      for (const Subject& s : all_subjects())
        if (s.available && !s.test_only) chosen.push_back(&s);
    }
    for (const Subject& s : owned) chosen.push_back(&s);
    // FPC_FUZZ_SKIP_OPS=subject/op,...: ops left out (known deviations need not be: they are no
    // finding, see check_case).
    const char* skip_env = std::getenv("FPC_FUZZ_SKIP_OPS");
    const std::vector<std::string> skip = split_commas(skip_env ? skip_env : "");
    std::vector<Target> v;
    for (const Subject* s : chosen)
      for (const SubjectOp& op : s->ops)
        if (std::find(skip.begin(), skip.end(), s->name + "/" + op.name) == skip.end()) v.push_back({s->name, &op});
    if (v.empty()) config_error("no subject ops to fuzz (FPC_FUZZ_SUBJECTS, FPC_FUZZ_PLUGIN)");
    return v;
  }();
  return list;
}

// The case through the checker itself, for the report's verdict and counterexample text.
CheckRecord check_one_case(const Target& t, const std::vector<uint64_t>& operands) {
  const OpSemantics& s = t.op->semantics;
  const CaseSource cases = CaseSource::listed(s, operands);
  CheckRecord r;
  r.subject = t.subject;
  r.op_name = t.op->name;
  r.entry = t.op->entry;
  r.semantics = s;
  r.case_label = cases.label();
  r.case_count = r.range_end = cases.count();
  (void)reference_for(s, &r.reference);
  r.known_deviation = known_deviation_note(t.subject, t.op->name);
  CheckOptions options;
  r.outcome = run_check(*t.op, cases, 0, cases.count(), options);
  finalize(r);
  return r;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

}  // namespace
}  // namespace fpc::fuzz

namespace fpc::fuzz {
namespace {

// One case: passes when the subject gives the oracle's code, or what the checker counts as a
// pass (a NaN for a NaN, an implementation-defined case); anything else is a finding.
void check_case(const Target& t, const std::vector<uint64_t>& operands) {
  const OpSemantics& s = t.op->semantics;
  const uint64_t* in[4] = {};
  for (size_t k = 0; k < operands.size(); ++k) in[k] = &operands[k];
  uint64_t actual = 0;
  std::string failure;
  try {
    t.op->run(in, &actual, 1);
  } catch (const std::exception& e) {
    failure = std::string("subject failed: ") + e.what();
  }
  const RoundResult expected = oracle_case(s, operands.data());
  const Format& out = *s.out;
  if (failure.empty()) {
    if (actual == expected.code) return;
    const bool both_nan = (actual & out.code_mask()) == actual && code_class(out, actual) == CodeClass::NaN &&
                          code_class(out, expected.code) == CodeClass::NaN;
    if (both_nan || expected.implementation_defined) return;
  }
  const CheckRecord record = check_one_case(t, operands);
  // A known deviation (fpconform/known_deviations.hpp) is no finding; the op stays fuzzed for
  // mismatches of any other class.
  if (failure.empty() && record.status == "known_deviation") return;
  std::string text = "differential: " + t.subject + "/" + t.op->name + " (" + s.describe() + ")\n" +
                     check_failure_text(record, 8);
  if (failure.empty() && record.status != "fail")
    text += "\nthe checker's reference (" + record.reference + ") passes this case, but the exact oracle gives " +
            hex(expected.code) + " and the subject " + hex(actual) + ": the reference disagrees with the oracle";
  finding(text);
}

}  // namespace
}  // namespace fpc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  using namespace fpc::fuzz;
  ByteReader r(data, size);
  const std::vector<Target>& all = targets();
  const Target& t = all[r.u16() % all.size()];
  const OpSemantics& s = t.op->semantics;
  const int arity = s.arity();
  const bool stochastic = s.rounding == Rounding::Stochastic;
  std::vector<uint64_t> operands(static_cast<size_t>(arity + (stochastic ? 1 : 0)));
  for (int c = 0; c < kMaxCasesPerInput && (c == 0 || r.left() > 0); ++c) {
    for (int k = 0; k < arity; ++k) operands[static_cast<size_t>(k)] = shaped_code(r, *s.in, *s.out);
    if (stochastic) operands.back() = r.u64() & (s.sr_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << s.sr_bits) - 1);
    check_case(t, operands);
  }
  return 0;
}
