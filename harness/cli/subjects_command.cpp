#include "cli/subjects_command.hpp"

#include "check/block/block_check.hpp"
#include "cli/args.hpp"
#include "cli/run_command.hpp"
#include "fpconform/dot_subject.hpp"
#include "fpconform/subject.hpp"

#include <algorithm>
#include <ostream>

namespace fpc::cli {

namespace {

// The fields every subject listing shares: name, description, availability, test_only.
nlohmann::json subject_header(const std::string& name, const std::string& description, bool available,
                              const std::string& unavailable_reason, bool test_only) {
  nlohmann::json j = {{"name", name}, {"description", description}, {"available", available}, {"test_only", test_only}};
  if (!available) j["unavailable_reason"] = unavailable_reason;
  return j;
}

std::string header_line(const nlohmann::json& s) {
  return s["name"].get<std::string>() + "  " +
         (s["available"].get<bool>() ? "available" : "unavailable: " + s["unavailable_reason"].get<std::string>()) +
         (s["test_only"].get<bool>() ? "  (test only)" : "") + "  — " + s["description"].get<std::string>();
}

// "scheme mxfp4, reference ideal, blocksize 32, scale_rule floor, rounding rne": claims_to_json's
// fields, these first (the JSON object keeps its keys sorted), any others after them.
std::string claims_line(const nlohmann::json& claims) {
  static const std::vector<std::string> kFirst = {"scheme", "reference", "blocksize", "scale_rule", "rounding", "tensor_amax"};
  std::vector<std::string> keys;
  for (const std::string& k : kFirst)
    if (claims.contains(k)) keys.push_back(k);
  for (const auto& [key, value] : claims.items())
    if (std::find(kFirst.begin(), kFirst.end(), key) == kFirst.end()) keys.push_back(key);
  std::string line;
  for (const std::string& k : keys) {
    const nlohmann::json& v = claims[k];
    line += (line.empty() ? "" : ", ") + k + " " + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return line;
}

}  // namespace

int cmd_subjects(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"}, {"plugin"});
  if (!a.positional().empty()) throw InputError("subjects takes no arguments");
  std::vector<const Subject*> subjects;
  for (const Subject& s : all_subjects()) subjects.push_back(&s);
  const std::vector<Subject> plugins = load_plugins(a.values("plugin"));
  for (const Subject& s : plugins) subjects.push_back(&s);
  nlohmann::json all = nlohmann::json::array();
  for (const Subject* subject : subjects) {
    const Subject& s = *subject;
    nlohmann::json ops = nlohmann::json::array();
    for (const SubjectOp& op : s.ops)
      ops.push_back({{"name", op.name}, {"entry", op.entry}, {"semantics", op.semantics.describe()}});
    nlohmann::json j = subject_header(s.name, s.description, s.available, s.unavailable_reason, s.test_only);
    j["ops"] = ops;
    all.push_back(j);
  }
  nlohmann::json blocks = nlohmann::json::array();
  for (const BlockSubject& s : block_subjects()) {
    nlohmann::json j = subject_header(s.name, s.description, s.available, s.unavailable_reason, s.test_only);
    j["claims"] = claims_to_json(s.claims);
    blocks.push_back(j);
  }
  // Dot subjects (built-in, then every --plugin exporting fpc_plugin_v2), each op with its claim.
  std::vector<const DotSubject*> dot_list;
  for (const DotSubject& s : dot_subjects()) dot_list.push_back(&s);
  const std::vector<DotSubject> dot_plugins = load_dot_plugins(a.values("plugin"));
  for (const DotSubject& s : dot_plugins) dot_list.push_back(&s);
  nlohmann::json dots = nlohmann::json::array();
  for (const DotSubject* s : dot_list) {
    nlohmann::json j = subject_header(s->name, s->description, s->available, s->unavailable_reason, s->test_only);
    j["ops"] = nlohmann::json::array();
    for (const DotOp& op : s->ops) {
      nlohmann::json o = {{"name", op.name}, {"entry", op.entry}, {"model", op.claim.model}, {"input", op.claim.input},
                          {"output", op.claim.output}, {"ks", op.ks}};
      if (op.claim.gemm.promotion_interval) o["promotion_interval"] = op.claim.gemm.promotion_interval;
      if (op.claim.gemm.split_k != 1) o["split_k"] = op.claim.gemm.split_k;
      if (op.claim.scales) o["scales"] = {{"format", op.claim.scales->format}, {"block", op.claim.scales->block}};
      j["ops"].push_back(o);
    }
    dots.push_back(j);
  }
  if (a.flag("json")) {
    out << nlohmann::json{{"subjects", all}, {"block_subjects", blocks}, {"dot_subjects", dots}}.dump(2) << "\n";
    return 0;
  }
  for (const nlohmann::json& s : all) {
    out << header_line(s) << "\n";
    for (const nlohmann::json& op : s["ops"])
      out << "  " << op["name"].get<std::string>() << "  " << op["semantics"].get<std::string>() << "  = "
          << op["entry"].get<std::string>() << "\n";
  }
  out << "\nblock quantizers (fpconform run --subject NAME, fpconform quantize --check NAME):\n";
  for (const nlohmann::json& s : blocks) out << header_line(s) << "\n  claims " << claims_line(s["claims"]) << "\n";
  out << "\ndot products (fpconform run --suite dot --subject NAME; claims are rows of fpconform dot --list):\n";
  for (const nlohmann::json& s : dots) {
    out << header_line(s) << "\n";
    for (const nlohmann::json& op : s["ops"]) {
      std::string ks;
      for (const nlohmann::json& k : op["ks"]) ks += (ks.empty() ? "" : ",") + std::to_string(k.get<size_t>());
      out << "  " << op["name"].get<std::string>() << "  claims " << op["model"].get<std::string>() << " ("
          << op["input"].get<std::string>() << " -> " << op["output"].get<std::string>() << ")";
      if (op.contains("promotion_interval")) out << ", promotion every " << op["promotion_interval"];
      if (op.contains("split_k")) out << ", split-K " << op["split_k"];
      if (op.contains("scales"))
        out << ", scales " << op["scales"]["format"].get<std::string>() << " per " << op["scales"]["block"];
      out << ", K=" << ks << "  = " << op["entry"].get<std::string>() << "\n";
    }
  }
  return 0;
}

}  // namespace fpc::cli
