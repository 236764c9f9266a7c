#include "check/suite.hpp"

#include "check/block/block_check.hpp"
#include "fpconform/block_subject.hpp"
#include "fpconform/subject.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace fpc {

namespace {

// With no subjects named: every subject but the test-only ones and the cuda_host@VERSION releases
// (their own suite, cuda-versions).
template <class S>
bool selected(const S& s, const std::vector<std::string>& subjects) {
  if (subjects.empty()) return !s.test_only && s.name.find('@') == std::string::npos;
  return std::find(subjects.begin(), subjects.end(), s.name) != subjects.end();
}

bool is_block_subject(const std::string& name) {
  const auto& all = block_subjects();
  return std::any_of(all.begin(), all.end(), [&](const BlockSubject& s) { return s.name == name; });
}

std::vector<CheckSpec> builtin_suite(bool full, const std::vector<std::string>& subjects, uint64_t seed) {
  for (const std::string& name : subjects)  // unknown names are errors
    if (!is_block_subject(name)) (void)subject_by_name(name);
  std::vector<CheckSpec> checks;
  for (const Subject& s : all_subjects()) {
    if (!selected(s, subjects)) continue;
    for (const SubjectOp& op : s.ops)
      for (std::string& kind : suite_case_kinds(op.semantics, full)) checks.push_back({s.name, op.name, std::move(kind), seed});
  }
  for (const BlockSubject& s : block_subjects())
    if (selected(s, subjects)) checks.push_back({s.name, "", kSuiteBlockCases, seed, true});
  return checks;
}

// {"block_subject": NAME, "cases": LABEL, "seed": S}
CheckSpec file_block_check(const std::string& path, const nlohmann::json& c, uint64_t seed) {
  if (!c["block_subject"].is_string() || c.contains("op") || c.contains("subject"))
    throw InputError("suite file '" + path + "': a block check is {\"block_subject\": NAME, \"cases\": ..., \"seed\": S}");
  if (c.contains("cases") && !c["cases"].is_string()) throw InputError("suite file '" + path + "': cases must be a string");
  CheckSpec spec{c["block_subject"], "", c.value("cases", std::string(kSuiteBlockCases)), seed, true};
  (void)block_subject_by_name(spec.subject);
  spec.cases = BlockCaseSet::parse(spec.cases).label();
  return spec;
}

std::vector<CheckSpec> file_suite(const std::string& path, const std::vector<std::string>& subjects, uint64_t seed) {
  std::ifstream in(path);
  if (!in) throw InputError("unknown suite '" + path + "' (quick, full, cuda-versions, or a readable suite file)");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("checks") || !j["checks"].is_array())
    throw InputError("suite file '" + path + "' is not a JSON object with a \"checks\" array");
  std::vector<CheckSpec> checks;
  for (const nlohmann::json& c : j["checks"]) {
    if (c.is_object() && c.contains("block_subject")) {
      CheckSpec spec = file_block_check(path, c, seed);
      if (c.contains("seed")) {
        if (!c["seed"].is_number_unsigned()) throw InputError("suite file '" + path + "': seed must be a whole number");
        spec.seed = c["seed"].get<uint64_t>();
      }
      if (!subjects.empty() && std::find(subjects.begin(), subjects.end(), spec.subject) == subjects.end()) continue;
      if (std::any_of(checks.begin(), checks.end(), [&](const CheckSpec& other) {
            return other.block && other.subject == spec.subject && other.cases == spec.cases;
          }))
        throw InputError("suite file '" + path + "' lists block check " + spec.subject + "/" + spec.cases + " twice");
      checks.push_back(spec);
      continue;
    }
    if (!c.is_object() || !c.contains("subject") || !c.contains("op") || !c["subject"].is_string() ||
        !c["op"].is_string())
      throw InputError("suite file '" + path + "': every check needs \"subject\" and \"op\" strings (or a \"block_subject\")");
    CheckSpec spec{c["subject"], c["op"], c.value("cases", std::string("boundary")), seed};
    if (c.contains("seed")) {
      if (!c["seed"].is_number_unsigned()) throw InputError("suite file '" + path + "': seed must be a whole number");
      spec.seed = c["seed"].get<uint64_t>();
    }
    const Subject& s = subject_by_name(spec.subject);
    if (std::none_of(s.ops.begin(), s.ops.end(), [&](const SubjectOp& o) { return o.name == spec.op; }))
      throw InputError("suite file '" + path + "': subject " + spec.subject + " has no op " + spec.op);
    if (!subjects.empty() && std::find(subjects.begin(), subjects.end(), spec.subject) == subjects.end()) continue;
    // A check is identified by subject/op/cases in reports, merges and diffs: keep them unique.
    if (std::any_of(checks.begin(), checks.end(), [&](const CheckSpec& other) {
          return !other.block && other.subject == spec.subject && other.op == spec.op && other.cases == spec.cases;
        }))
      throw InputError("suite file '" + path + "' lists " + spec.subject + "/" + spec.op + "/" + spec.cases + " twice");
    checks.push_back(spec);
  }
  return checks;
}

}  // namespace

std::vector<std::string> suite_case_kinds(const OpSemantics& s, bool full) {
  const int domain_bits = s.in->bits() * s.arity();
  const bool stochastic = s.rounding == Rounding::Stochastic;
  if (domain_bits <= 16 && !stochastic) return {"exhaustive"};
  std::vector<std::string> kinds = {"boundary", "random:" + std::to_string(kQuickRandomCases)};
  if (full && domain_bits <= 32 && !stochastic) kinds.push_back("exhaustive");
  return kinds;
}

// "cuda-versions": the quick suite of every cuda_host@VERSION subject (every CUDA release's headers),
// or of those of `subjects` among them.
std::vector<CheckSpec> cuda_versions_suite(const std::vector<std::string>& subjects, uint64_t seed) {
  std::vector<std::string> versions;
  for (const Subject& s : all_subjects())
    if (s.name.rfind("cuda_host@", 0) == 0 && (subjects.empty() || std::find(subjects.begin(), subjects.end(), s.name) != subjects.end()))
      versions.push_back(s.name);
  for (const std::string& name : subjects)
    if (std::find(versions.begin(), versions.end(), name) == versions.end())
      throw InputError("suite cuda-versions checks the cuda_host@VERSION subjects; '" + name + "' is not one");
  return builtin_suite(false, versions, seed);
}

std::vector<CheckSpec> suite_checks(const std::string& suite, const std::vector<std::string>& subjects, uint64_t seed) {
  if (suite == "quick") return builtin_suite(false, subjects, seed);
  if (suite == "cuda-versions") return cuda_versions_suite(subjects, seed);
  if (suite == "full") return builtin_suite(true, subjects, seed);
  return file_suite(suite, subjects, seed);
}

}  // namespace fpc
