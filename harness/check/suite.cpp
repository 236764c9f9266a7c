#include "check/suite.hpp"

#include "check/block/block_check.hpp"
#include "check/dot/dot_check.hpp"
#include "fpconform/block_subject.hpp"
#include "fpconform/dot_subject.hpp"
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

// "dot": every op of the selected dot subjects, with the case kinds of dot_suite_case_kinds.
std::vector<CheckSpec> dot_suite(const std::vector<std::string>& subjects, uint64_t seed) {
  for (const std::string& name : subjects) (void)dot_subject_by_name(name);  // unknown names are errors
  std::vector<CheckSpec> checks;
  for (const DotSubject& s : dot_subjects()) {
    if (!selected(s, subjects)) continue;
    for (const DotOp& op : s.ops)
      for (std::string& kind : dot_suite_case_kinds(op.claim, op.ks)) checks.push_back({s.name, op.name, std::move(kind), seed, false, true});
  }
  return checks;
}

// {"dot_subject": NAME, "op": OP (optional: every op), "cases": LABEL, "seed": S}
void file_dot_checks(const std::string& path, const nlohmann::json& c, uint64_t seed, std::vector<CheckSpec>& checks) {
  if (!c["dot_subject"].is_string() || c.contains("subject") || (c.contains("op") && !c["op"].is_string()) ||
      (c.contains("cases") && !c["cases"].is_string()) || (c.contains("seed") && !c["seed"].is_number_unsigned()))
    throw InputError("suite file '" + path + "': a dot check is {\"dot_subject\": NAME, \"op\": OP, \"cases\": ..., \"seed\": S}");
  const DotSubject& s = dot_subject_by_name(c["dot_subject"]);
  const std::string op = c.value("op", std::string());
  if (!op.empty() && std::none_of(s.ops.begin(), s.ops.end(), [&](const DotOp& o) { return o.name == op; }))
    throw InputError("suite file '" + path + "': dot subject " + s.name + " has no op " + op);
  const std::string cases = DotCaseSet::parse(c.value("cases", std::string("boundary"))).label();
  for (const DotOp& o : s.ops) {
    if (!op.empty() && o.name != op) continue;
    CheckSpec spec{s.name, o.name, cases, c.contains("seed") ? c["seed"].get<uint64_t>() : seed, false, true};
    if (std::any_of(checks.begin(), checks.end(), [&](const CheckSpec& other) {
          return other.dot && other.subject == spec.subject && other.op == spec.op && other.cases == spec.cases;
        }))
      throw InputError("suite file '" + path + "' lists dot check " + spec.subject + "/" + spec.op + "/" + spec.cases + " twice");
    checks.push_back(spec);
  }
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
  if (!in) throw InputError("unknown suite '" + path + "' (quick, full, cuda-versions, dot, or a readable suite file)");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("checks") || !j["checks"].is_array())
    throw InputError("suite file '" + path + "' is not a JSON object with a \"checks\" array");
  std::vector<CheckSpec> checks;
  for (const nlohmann::json& c : j["checks"]) {
    if (c.is_object() && c.contains("dot_subject")) {
      const size_t before = checks.size();
      file_dot_checks(path, c, seed, checks);
      if (!subjects.empty() && std::find(subjects.begin(), subjects.end(), c["dot_subject"].get<std::string>()) == subjects.end())
        checks.resize(before);
      continue;
    }
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
          return !other.block && !other.dot && other.subject == spec.subject && other.op == spec.op && other.cases == spec.cases;
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
  if (suite == "dot") return dot_suite(subjects, seed);
  return file_suite(suite, subjects, seed);
}

}  // namespace fpc
