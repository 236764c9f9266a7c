#include "report.hpp"

#include "describe.hpp"
#include "fpconform/arith.hpp"
#include "fpconform/known_deviations.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>

#ifndef FPC_VERSION
#define FPC_VERSION "0"
#endif
#ifndef FPC_GIT_REVISION
#define FPC_GIT_REVISION "unknown"
#endif

namespace fpc {

using nlohmann::json;

namespace {

std::string hex64(uint64_t v) {
  static const char* d = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), d[v & 15]);
    v >>= 4;
  } while (v);
  return "0x" + s;
}

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
  for (int i = 0; i < kMismatchClasses; ++i)
    classes[std::string(to_string(static_cast<MismatchClass>(i)))] = r.outcome.failed_by_class[static_cast<size_t>(i)];
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
  json j = {{"id", r.id()},
            {"subject", r.subject},
            {"op", r.op_name},
            {"entry", r.entry},
            {"semantics", semantics_to_json(s)},
            {"cases", {{"kind", r.case_label.substr(0, r.case_label.find(':'))},
                       {"label", r.case_label},
                       {"count", r.case_count},
                       {"seed", r.seed},
                       {"range", {r.range_begin, r.range_end}}}},
            {"reference", r.reference},
            {"status", r.status},
            {"counts", {{"cases", r.outcome.cases},
                        {"passed", r.outcome.passed},
                        {"failed", r.outcome.failed},
                        {"implementation_defined", r.outcome.implementation_defined},
                        {"failed_by_class", classes}}},
            {"counterexamples", examples},
            {"diagnosis", {{"explained_by", r.diagnosis},
                           {"sampled_mismatches", r.outcome.sampled_mismatches},
                           {"sampled_passes", r.outcome.sampled_passes},
                           {"alternatives", alts}}},
            {"timing", {{"seconds", r.seconds},
                        {"cases_per_second", r.seconds > 0 ? static_cast<double>(r.outcome.cases) / r.seconds : 0.0}}}};
  if (r.status == "skipped") j["skipped_reason"] = r.skipped_reason;
  if (!r.outcome.error.empty()) j["error"] = r.outcome.error;
  if (r.known_deviation)
    j["known_deviation"] = {{"summary", r.known_deviation->summary},
                            {"reference", r.known_deviation->reference},
                            {"classes", r.known_deviation->classes}};
  return j;
}

CheckRecord check_from_json(const json& j) {
  CheckRecord r;
  r.subject = j.at("subject").get<std::string>();
  r.op_name = j.at("op").get<std::string>();
  r.entry = j.at("entry").get<std::string>();
  r.semantics = semantics_from_json(j.at("semantics"));
  const json& c = j.at("cases");
  r.case_label = c.at("label").get<std::string>();
  r.case_count = c.at("count").get<uint64_t>();
  r.seed = c.at("seed").get<uint64_t>();
  r.range_begin = c.at("range").at(0).get<uint64_t>();
  r.range_end = c.at("range").at(1).get<uint64_t>();
  r.reference = j.at("reference").get<std::string>();
  r.status = j.at("status").get<std::string>();
  if (j.contains("skipped_reason")) r.skipped_reason = j["skipped_reason"].get<std::string>();
  if (j.contains("error")) r.outcome.error = j["error"].get<std::string>();
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
  for (int i = 0; i < kMismatchClasses; ++i)
    r.outcome.failed_by_class[static_cast<size_t>(i)] =
        n.at("failed_by_class").at(std::string(to_string(static_cast<MismatchClass>(i)))).get<uint64_t>();
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
  r.seconds = j.at("timing").at("seconds").get<double>();
  return r;
}

}  // namespace

bool Report::passed() const {
  return std::none_of(checks.begin(), checks.end(), [](const CheckRecord& c) { return c.status == "fail" || c.status == "error"; });
}

std::optional<KnownDeviationNote> known_deviation_note(const std::string& subject, const std::string& op) {
  const KnownDeviation* d = find_known_deviation(subject, op);
  if (!d) return std::nullopt;
  return KnownDeviationNote{d->summary, d->reference, d->classes};
}

namespace {

// Whether every mismatch of the outcome is of a class the known deviation names.
bool only_known_classes(const CheckOutcome& o, const KnownDeviationNote& known) {
  for (int i = 0; i < kMismatchClasses; ++i) {
    const std::string name(to_string(static_cast<MismatchClass>(i)));
    if (o.failed_by_class[static_cast<size_t>(i)] != 0 &&
        std::find(known.classes.begin(), known.classes.end(), name) == known.classes.end())
      return false;
  }
  return true;
}

}  // namespace

void finalize(CheckRecord& r) {
  if (r.status == "skipped") return;
  if (!r.outcome.error.empty()) r.status = "error";
  else if (r.outcome.failed == 0) r.status = "pass";
  else r.status = r.known_deviation && only_known_classes(r.outcome, *r.known_deviation) ? "known_deviation" : "fail";
  const bool mismatches = r.status == "fail" || r.status == "known_deviation";
  r.diagnosis = mismatches ? explaining_alternatives(r.outcome, r.semantics) : std::vector<std::string>{};
}

json to_json(const Report& r) {
  json checks = json::array();
  int passed = 0, failed = 0, known = 0, skipped = 0, errors = 0;
  uint64_t cases = 0;
  for (const CheckRecord& c : r.checks) {
    checks.push_back(check_to_json(c));
    passed += c.status == "pass";
    failed += c.status == "fail";
    known += c.status == "known_deviation";
    skipped += c.status == "skipped";
    errors += c.status == "error";
    cases += c.outcome.cases;
  }
  return {{"schema", kReportSchema},
          {"tool", {{"name", "fpconform"}, {"version", r.tool_version}, {"revision", r.tool_revision}}},
          {"environment", r.environment},
          {"suite", r.suite},
          {"seed", r.seed},
          {"strict_nan", r.strict_nan},
          {"known_deviations", r.known_deviations_applied ? "applied" : "ignored"},
          {"max_examples", r.max_examples},
          {"shard", {{"index", r.shard_index}, {"count", r.shard_count}}},
          {"checks", checks},
          {"summary", {{"checks", r.checks.size()},
                       {"passed", passed},
                       {"failed", failed},
                       {"known_deviations", known},
                       {"skipped", skipped},
                       {"errors", errors},
                       {"cases", cases}}},
          {"verdict", r.passed() ? "pass" : "fail"}};
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
    for (const json& c : j.at("checks")) r.checks.push_back(check_from_json(c));
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

std::string this_tool_version() { return FPC_VERSION; }
std::string this_tool_revision() { return FPC_GIT_REVISION; }

Report merge_reports(const std::vector<Report>& shards) {
  if (shards.empty()) throw InputError("nothing to merge");
  Report merged = shards.front();
  merged.checks.clear();
  merged.shard_index = 0;
  merged.shard_count = 1;
  std::vector<std::string> order;
  std::map<std::string, CheckRecord> by_id;
  std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> ranges;
  for (const Report& s : shards) {
    if (s.suite != merged.suite || s.seed != merged.seed || s.strict_nan != merged.strict_nan ||
        s.max_examples != merged.max_examples || s.known_deviations_applied != merged.known_deviations_applied)
      throw InputError("reports come from different runs (suite, seed, --strict-nan or --no-known-deviations differ)");
    if (s.tool_version != merged.tool_version || s.tool_revision != merged.tool_revision)
      throw InputError("reports come from different builds of fpconform (" + merged.tool_revision + " and " +
                       s.tool_revision + ")");
    for (const CheckRecord& c : s.checks) {
      auto it = by_id.find(c.id());
      ranges[c.id()].push_back({c.range_begin, c.range_end});
      if (it == by_id.end()) {
        order.push_back(c.id());
        by_id.emplace(c.id(), c);
        continue;
      }
      CheckRecord& m = it->second;
      m.range_begin = std::min(m.range_begin, c.range_begin);
      m.range_end = std::max(m.range_end, c.range_end);
      if (m.status == "skipped" || c.status == "skipped") {
        if (m.status != c.status) throw InputError("check " + c.id() + " is skipped in one shard only");
        continue;
      }
      m.outcome.merge(c.outcome, *m.semantics.in, merged.max_examples);
      m.seconds += c.seconds;
    }
  }
  for (const std::string& id : order) {
    auto& rs = ranges[id];
    std::sort(rs.begin(), rs.end());
    uint64_t covered = 0;
    for (auto [b, e] : rs) {
      if (b != covered) throw InputError("shards of " + id + " do not tile its cases (gap or overlap at " + std::to_string(covered) + ")");
      covered = e;
    }
    CheckRecord c = by_id.at(id);
    if (c.status != "skipped" && covered != c.case_count)
      throw InputError("shards of " + id + " cover " + std::to_string(covered) + " of " + std::to_string(c.case_count) + " cases");
    finalize(c);
    merged.checks.push_back(std::move(c));
  }
  return merged;
}

json describe_environment(int threads) {
  std::string cpu = "unknown";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
#ifdef __clang__
  std::string compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  std::string compiler = std::string("g++ ") + __VERSION__;
#else
  std::string compiler = "unknown";
#endif
#ifdef FPC_CUDA_VERSION
  json cuda = FPC_CUDA_VERSION;
#else
  json cuda = nullptr;
#endif
  return {{"host_cpu", cpu},
          {"hardware_threads", std::thread::hardware_concurrency()},
          {"threads", threads},
          {"compiler", compiler},
          {"cuda_version", cuda},
          {"gpu", nullptr},
          {"started", when}};
}

}  // namespace fpc
