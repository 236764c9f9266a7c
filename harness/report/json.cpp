// The report as JSON and back (reports/schema/report.schema.json).
#include "report/json.hpp"
#include "report/dot_report.hpp"

#include "cli/describe.hpp"
#include "fpconform/arith.hpp"
#include "report/text.hpp"

#include <cstdio>
#include <fstream>

namespace fpc {

using nlohmann::json;
using report_text::hex64;

namespace {

uint64_t parse_hex64(const json& j) {
  std::string s = j.get<std::string>();
  if (s.rfind("0x", 0) != 0 || s.size() < 3 || s.size() > 18) throw InputError("report: bad code '" + s + "'");
  uint64_t v = 0;
  for (char c : s.substr(2)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (d < 0) throw InputError("report: bad code '" + s + "'");
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

json code_entry(const Format& f, uint64_t code) {
  if (code & ~f.code_mask()) return {{"code", hex64(code)}, {"exact", "not a code of " + f.name}};
  return {{"code", cli::code_hex(f, code)}, {"exact", to_exact_string(decode(f, code).value)}};
}

std::string nan_policy_name(NanIntoNoNan p) {
  switch (p) {
    case NanIntoNoNan::Unpinned: return "unpinned";
    case NanIntoNoNan::PositiveMax: return "max";
    case NanIntoNoNan::PositiveZero: return "zero";
    case NanIntoNoNan::NegativeZero: return "negzero";
  }
  return "?";
}

}  // namespace


json semantics_to_json(const OpSemantics& s) {
  return {{"op", s.op},
          {"in", s.in->name},
          {"out", s.out->name},
          {"rounding", std::string(short_name(s.rounding))},
          {"sr_bits", s.sr_bits},
          {"saturate", s.policy.saturate},
          {"inf_under_saturation", s.policy.inf_under_saturation == InfUnderSaturation::Max ? "max" : "nan"},
          {"nan_policy", nan_policy_name(s.policy.nan_into_no_nan)},
          {"ftz", s.policy.ftz},
          {"daz", s.policy.daz}};
}

OpSemantics semantics_from_json(const json& j) {
  OpSemantics s;
  s.op = j.at("op").get<std::string>();
  if (s.op != "convert") (void)op_by_name(s.op);
  s.in = &format_by_name(j.at("in").get<std::string>());
  s.out = &format_by_name(j.at("out").get<std::string>());
  s.rounding = rounding_by_name(j.at("rounding").get<std::string>());
  s.sr_bits = j.at("sr_bits").get<int>();
  s.policy.saturate = j.at("saturate").get<bool>();
  const std::string inf = j.at("inf_under_saturation").get<std::string>();
  if (inf != "max" && inf != "nan") throw InputError("inf_under_saturation is '" + inf.substr(0, 40) + "' (max or nan)");
  s.policy.inf_under_saturation = inf == "nan" ? InfUnderSaturation::NaN : InfUnderSaturation::Max;
  const std::string np = j.at("nan_policy").get<std::string>();
  if (np == "unpinned") s.policy.nan_into_no_nan = NanIntoNoNan::Unpinned;
  else if (np == "max") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveMax;
  else if (np == "zero") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveZero;
  else if (np == "negzero") s.policy.nan_into_no_nan = NanIntoNoNan::NegativeZero;
  else throw InputError("nan_policy is '" + np.substr(0, 40) + "' (unpinned, max, zero or negzero)");
  s.policy.ftz = j.at("ftz").get<bool>();
  s.policy.daz = j.at("daz").get<bool>();
  return s;
}

namespace {

json check_to_json(const CheckRecord& r) {
  const OpSemantics& s = r.semantics;
  json classes = json::object();
  for (int i = 0; i < kMismatchClasses; ++i) {
    const auto cls = static_cast<MismatchClass>(i);
    const uint64_t n = r.outcome.failed_by_class[static_cast<size_t>(i)];
    if (cls == MismatchClass::OutOfRangeCode && n == 0) continue;  // written only where it occurs (the class is newer)
    classes[std::string(to_string(cls))] = n;
  }
  json examples = json::array();
  for (const Counterexample& e : r.outcome.examples) {
    json inputs = json::array();
    for (int k = 0; k < s.arity(); ++k) inputs.push_back(code_entry(*s.in, e.inputs[static_cast<size_t>(k)]));
    json ex = {{"class", std::string(to_string(e.cls))},
               {"inputs", inputs},
               {"expected", code_entry(*s.out, e.expected)},
               {"actual", code_entry(*s.out, e.actual)},
               {"ulp_distance", e.ulp_distance ? json(*e.ulp_distance) : json(nullptr)}};
    if (s.rounding == Rounding::Stochastic) ex["random_bits"] = hex64(e.inputs[static_cast<size_t>(s.arity())]);
    examples.push_back(ex);
  }
  json alts = json::array();
  for (const AlternativeTally& t : r.outcome.alternatives)
    alts.push_back({{"name", t.name}, {"explained", t.explained}, {"contradicted", t.contradicted}});
  json j = common_to_json(r, r.id(), r.case_count);
  j["op"] = r.op_name;
  j["semantics"] = semantics_to_json(s);
  j["reference"] = r.reference;
  j["counts"] = {{"cases", r.outcome.cases},
                 {"passed", r.outcome.passed},
                 {"failed", r.outcome.failed},
                 {"implementation_defined", r.outcome.implementation_defined},
                 {"failed_by_class", classes}};
  j["counterexamples"] = examples;
  j["diagnosis"] = {{"explained_by", r.diagnosis},
                    {"sampled_mismatches", r.outcome.sampled_mismatches},
                    {"sampled_passes", r.outcome.sampled_passes},
                    {"alternatives", alts}};
  j["timing"]["cases_per_second"] = r.seconds > 0 ? static_cast<double>(r.outcome.cases) / r.seconds : 0.0;
  if (!r.outcome.error.empty()) j["error"] = r.outcome.error;
  if (r.failing_case) {
    const FailingCase& f = *r.failing_case;
    json inputs = json::array();
    for (int k = 0; k < s.arity() && k < static_cast<int>(f.inputs.size()); ++k)
      inputs.push_back(code_entry(*s.in, f.inputs[static_cast<size_t>(k)]));
    j["failing_case"] = {{"index", f.index}, {"inputs", inputs}, {"cause", f.cause}};
    if (s.rounding == Rounding::Stochastic && f.inputs.size() > static_cast<size_t>(s.arity()))
      j["failing_case"]["random_bits"] = hex64(f.inputs[static_cast<size_t>(s.arity())]);
  }
  if (r.known_deviation)
    j["known_deviation"] = {{"summary", r.known_deviation->summary},
                            {"reference", r.known_deviation->reference},
                            {"classes", r.known_deviation->classes}};
  return j;
}

CheckRecord check_from_json(const json& j) {
  CheckRecord r;
  common_from_json(j, r);
  r.op_name = j.at("op").get<std::string>();
  r.semantics = semantics_from_json(j.at("semantics"));
  r.case_count = j.at("cases").at("count").get<uint64_t>();
  r.reference = j.at("reference").get<std::string>();
  if (j.contains("error")) r.outcome.error = j["error"].get<std::string>();
  if (j.contains("failing_case")) {
    const json& f = j["failing_case"];
    FailingCase fc;
    fc.index = f.at("index").get<uint64_t>();
    fc.cause = f.at("cause").get<std::string>();
    for (const json& in : f.at("inputs")) fc.inputs.push_back(parse_hex64(in.at("code")));
    if (f.contains("random_bits")) fc.inputs.push_back(parse_hex64(f["random_bits"]));
    r.failing_case = fc;
  }
  if (j.contains("known_deviation")) {
    const json& k = j["known_deviation"];
    r.known_deviation = KnownDeviationNote{k.at("summary").get<std::string>(), k.at("reference").get<std::string>(),
                                           k.at("classes").get<std::vector<std::string>>()};
    for (const std::string& name : r.known_deviation->classes) (void)mismatch_class_by_name(name);  // InputError if unknown
  }
  const json& n = j.at("counts");
  r.outcome.cases = n.at("cases").get<uint64_t>();
  r.outcome.passed = n.at("passed").get<uint64_t>();
  r.outcome.failed = n.at("failed").get<uint64_t>();
  r.outcome.implementation_defined = n.at("implementation_defined").get<uint64_t>();
  for (int i = 0; i < kMismatchClasses; ++i) {
    const auto cls = static_cast<MismatchClass>(i);
    const json& by_class = n.at("failed_by_class");
    if (cls == MismatchClass::OutOfRangeCode && !by_class.contains(to_string(cls))) continue;  // absent: none
    r.outcome.failed_by_class[static_cast<size_t>(i)] = by_class.at(std::string(to_string(cls))).get<uint64_t>();
  }
  for (const json& e : j.at("counterexamples")) {
    Counterexample ex;
    ex.cls = mismatch_class_by_name(e.at("class").get<std::string>());
    for (const json& in : e.at("inputs")) ex.inputs.push_back(parse_hex64(in.at("code")));
    if (e.contains("random_bits")) ex.inputs.push_back(parse_hex64(e["random_bits"]));
    ex.expected = parse_hex64(e.at("expected").at("code"));
    ex.actual = parse_hex64(e.at("actual").at("code"));
    if (!e.at("ulp_distance").is_null()) ex.ulp_distance = e["ulp_distance"].get<int64_t>();
    r.outcome.examples.push_back(ex);
  }
  const json& d = j.at("diagnosis");
  r.outcome.sampled_mismatches = d.at("sampled_mismatches").get<uint64_t>();
  r.outcome.sampled_passes = d.at("sampled_passes").get<uint64_t>();
  for (const json& a : d.at("alternatives"))
    r.outcome.alternatives.push_back(
        {a.at("name").get<std::string>(), a.at("explained").get<uint64_t>(), a.at("contradicted").get<uint64_t>()});
  r.diagnosis = d.at("explained_by").get<std::vector<std::string>>();
  return r;
}

}  // namespace

json block_check_to_json(const BlockCheckRecord& r) {
  json kinds = json::array();
  for (const BlockKindRange& k : r.kinds) kinds.push_back({{"kind", k.kind}, {"first", k.first}, {"count", k.count}});
  json distances = json::array();
  for (size_t i = 0; i < r.result.distances.size(); ++i) {
    const BlockDistance& d = r.result.distances[i];
    distances.push_back({{"reference", d.reference},
                         {"claimed", i == 0},
                         {"blocks", d.blocks},
                         {"blocks_differing", d.blocks_differing},
                         {"values_differing", d.values_differing},
                         {"scales_differing", d.scales_differing},
                         {"first_difference", d.first.empty() ? json(nullptr) : json(d.first)}});
    if (quant_scheme_by_name(r.claims.scheme).zero_points) distances.back()["zero_points_differing"] = d.zero_points_differing;
  }
  json j = common_to_json(r, r.id(), r.block_count);
  j["claims"] = claims_to_json(r.claims);
  j["formats"] = {{"element", r.element_format}, {"scale", r.scale_format}};
  j["cases"]["values"] = r.block_count * r.blocksize;
  j["cases"]["kinds"] = kinds;
  j["counts"] = {{"blocks", r.result.blocks}, {"values", r.result.values}, {"unjudged", r.result.unjudged}};
  j["distances"] = distances;
  j["timing"]["blocks_per_second"] = r.seconds > 0 ? static_cast<double>(r.result.blocks) / r.seconds : 0.0;
  if (!r.result.error.empty()) j["error"] = r.result.error;
  if (!r.result.unjudged_first.empty()) j["unjudged"] = r.result.unjudged_first;
  if (r.result.strict_blocks) j["strict_blocks"] = true;
  return j;
}

namespace {

BlockCheckRecord block_check_from_json(const json& j) {
  BlockCheckRecord r;
  common_from_json(j, r);
  r.claims = claims_from_json(j.at("claims"));
  r.element_format = j.at("formats").at("element").get<std::string>();
  r.scale_format = j.at("formats").at("scale").get<std::string>();
  const json& c = j.at("cases");
  r.case_label = BlockCaseSet::parse(r.case_label).label();
  r.block_count = c.at("count").get<uint64_t>();
  r.blocksize = check_blocksize(r.claims);
  for (const json& k : c.at("kinds"))
    r.kinds.push_back({k.at("kind").get<std::string>(), k.at("first").get<uint64_t>(), k.at("count").get<uint64_t>()});
  if (j.contains("error")) r.result.error = j["error"].get<std::string>();
  r.result.subject = r.subject;
  r.result.claims = r.claims;
  r.result.blocks = j.at("counts").at("blocks").get<uint64_t>();
  r.result.values = j.at("counts").at("values").get<uint64_t>();
  r.result.unjudged = j.at("counts").value("unjudged", uint64_t{0});  // reports before unjudged blocks were counted: 0
  if (j.contains("unjudged")) r.result.unjudged_first = j["unjudged"].get<std::string>();
  r.result.strict_blocks = j.value("strict_blocks", false);
  for (const json& d : j.at("distances")) {
    BlockDistance bd;
    bd.reference = d.at("reference").get<std::string>();
    bd.blocks = d.at("blocks").get<uint64_t>();
    bd.blocks_differing = d.at("blocks_differing").get<uint64_t>();
    bd.values_differing = d.at("values_differing").get<uint64_t>();
    bd.scales_differing = d.at("scales_differing").get<uint64_t>();
    bd.zero_points_differing = d.value("zero_points_differing", uint64_t{0});
    if (!d.at("first_difference").is_null()) bd.first = d["first_difference"].get<std::string>();
    r.result.distances.push_back(bd);
  }
  if (r.result.distances.empty()) throw InputError("block check " + r.id() + " has no distances");
  r.result.passed = r.status == "pass";
  return r;
}

}  // namespace

json to_json(const Report& r) {
  json checks = json::array();
  StatusCounts elements;
  uint64_t cases = 0;
  for (const CheckRecord& c : r.checks) {
    checks.push_back(check_to_json(c));
    elements.add(c.status);
    cases += c.outcome.cases;
  }
  json block_checks = json::array();
  StatusCounts block_counts;
  uint64_t blocks = 0, block_values = 0, blocks_unjudged = 0;
  for (const BlockCheckRecord& c : r.block_checks) {
    block_checks.push_back(block_check_to_json(c));
    block_counts.add(c.status);
    blocks += c.result.blocks;
    block_values += c.result.values;
    blocks_unjudged += c.result.unjudged;
  }
  json j = {{"schema", kReportSchema},
          {"tool", {{"name", "fpconform"}, {"version", r.tool_version}, {"revision", r.tool_revision}}},
          {"environment", r.environment},
          {"suite", r.suite},
          {"seed", r.seed},
          {"strict_nan", r.strict_nan},
          {"known_deviations", r.known_deviations_applied ? "applied" : "ignored"},
          {"max_examples", r.max_examples},
          {"shard", {{"index", r.shard_index}, {"count", r.shard_count}}},
          {"checks", checks},
          {"summary", {{"checks", elements.checks},
                       {"passed", elements.passed},
                       {"failed", elements.failed},
                       {"known_deviations", elements.known_deviations},
                       {"skipped", elements.skipped},
                       {"errors", elements.errors},
                       {"cases", cases},
                       {"block_checks", {{"checks", block_counts.checks},
                                         {"passed", block_counts.passed},
                                         {"failed", block_counts.failed},
                                         {"skipped", block_counts.skipped},
                                         {"errors", block_counts.errors},
                                         {"blocks", blocks},
                                         {"values", block_values},
                                         {"unjudged", blocks_unjudged}}}}},
          {"block_checks", block_checks},
          {"verdict", r.passed() ? "pass" : "fail"}};
  // Written only where they occur, so that reports of complete runs without plugins keep their shape.
  if (!r.plugins.empty()) j["plugins"] = r.plugins;
  if (const uint64_t interrupted = elements.interrupted + block_counts.interrupted) j["summary"]["interrupted"] = interrupted;
  dot_checks_to_json(r, j);
  return j;
}

Report report_from_json(const json& j) {
  try {
    if (!j.is_object() || j.value("schema", "") != kReportSchema)
      throw InputError(std::string("not a fpconform report (schema must be ") + kReportSchema + ")");
    Report r;
    r.tool_version = j.at("tool").at("version").get<std::string>();
    r.tool_revision = j.at("tool").at("revision").get<std::string>();
    r.suite = j.at("suite").get<std::string>();
    r.seed = j.at("seed").get<uint64_t>();
    r.strict_nan = j.at("strict_nan").get<bool>();
    // Absent in reports written before known deviations existed: they applied none.
    r.known_deviations_applied = false;
    if (j.contains("known_deviations")) {
      const std::string k = j["known_deviations"].get<std::string>();
      if (k != "applied" && k != "ignored") throw InputError("malformed report: known_deviations must be applied or ignored");
      r.known_deviations_applied = k == "applied";
    }
    r.max_examples = j.at("max_examples").get<size_t>();
    r.shard_index = j.at("shard").at("index").get<int>();
    r.shard_count = j.at("shard").at("count").get<int>();
    r.environment = j.at("environment");
    if (j.contains("plugins")) r.plugins = j["plugins"].get<std::vector<std::string>>();
    for (const json& c : j.at("checks")) r.checks.push_back(check_from_json(c));
    if (j.contains("block_checks"))  // reports written before block checks have none
      for (const json& c : j["block_checks"]) r.block_checks.push_back(block_check_from_json(c));
    dot_checks_from_json(j, r);
    return r;
  } catch (const json::exception& e) {
    throw InputError(std::string("malformed report: ") + e.what());
  }
}

Report read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot read report '" + path + "'");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throw InputError("report '" + path + "' is not valid JSON");
  return report_from_json(j);
}

void write_report(const Report& r, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw InputError("cannot write report '" + path + "'");
  out << to_json(r).dump(2) << "\n";
  if (!out) throw InputError("failed writing report '" + path + "'");
}

}  // namespace fpc
