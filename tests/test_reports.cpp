// Conformance reports end to end: `fpconform run` writes reports that validate against
// reports/schema/report.schema.json (checked by our validator and by python3-jsonschema), the
// planted bugs fail with the right class and diagnosis, sharded runs merge into the unsharded
// report, identical runs agree, and `report summary|diff|merge|validate` behave, bad input included.
#include "test_support.hpp"
#include "cli/cli.hpp"
#include "report/report.hpp"
#include "report/schema.hpp"
#include "fpconform/known_deviations.hpp"
#include "fpconform/subject.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;


using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;
using fpc::testing_support::TempDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

using fpc::testing_support::read_json;

// The report without the fields allowed to differ between identical runs.
std::string comparable(const std::string& path) {
  json j = read_json(path);
  j.erase("environment");
  for (json& c : j["checks"]) c.erase("timing");
  for (json& c : j["block_checks"]) c.erase("timing");
  return j.dump(2);
}

// Equal reports apart from environment and timing; on a difference, the first line that differs.
void expect_same_report(const std::string& a, const std::string& b) {
  const std::string ta = comparable(a), tb = comparable(b);
  if (ta == tb) return;
  std::istringstream sa(ta), sb(tb);
  std::string la, lb;
  int line = 0;
  while (std::getline(sa, la) && std::getline(sb, lb) && la == lb) ++line;
  ADD_FAILURE() << a << " and " << b << " differ first at line " << line + 1 << ":\n  " << la << "\n  " << lb;
}

const json* find_check(const json& report, const std::string& id) {
  for (const json& c : report["checks"])
    if (c["id"] == id) return &c;
  return nullptr;
}

std::pair<int, std::string> run_process(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string schema_path() { return std::string(FPC_SOURCE_DIR) + "/reports/schema/report.schema.json"; }

// A small suite: exhaustive sweeps of 16- and 8-bit inputs, boundary and random cases (an odd
// count, so shards differ in size), two failing planted bugs and a check of a subject that may be
// unavailable (skipped here without a GPU).
constexpr const char* kShardSuite = R"({"name": "shard-test", "checks": [
  {"subject": "cuda_host", "op": "float16_to_float32", "cases": "exhaustive"},
  {"subject": "cuda_host", "op": "e4m3_to_float16", "cases": "exhaustive"},
  {"subject": "cuda_host", "op": "float16_add", "cases": "boundary"},
  {"subject": "cuda_host", "op": "float32_to_e4m3_satfinite", "cases": "random:3001", "seed": 7},
  {"subject": "planted_bugs", "op": "float32_to_bfloat16_ties_away", "cases": "boundary"},
  {"subject": "planted_bugs", "op": "float32_to_e4m3_via_float16", "cases": "random:20000"},
  {"subject": "cuda_device", "op": "float32_to_e4m3_satfinite", "cases": "boundary"},
  {"block_subject": "planted_mxfp4_scale_from_amax_over_6", "cases": "all:37"},
  {"block_subject": "cpu_bnb_nf4_cuda_port", "cases": "random:9", "seed": 5}]})";

// Only passing subjects.
constexpr const char* kPassSuite = R"({"name": "pass-test", "checks": [
  {"subject": "cuda_host", "op": "e4m3_to_float16", "cases": "exhaustive"},
  {"subject": "cuda_host", "op": "float32_to_bfloat16_rn", "cases": "random:5000"},
  {"subject": "planted_bugs", "op": "float32_to_bfloat16_ties_away", "cases": "random:2000"}]})";

Outcome run_suite(const TempDir& dir, const std::string& suite_text, const std::string& report,
                  std::vector<std::string> extra = {}) {
  const std::string suite = dir / ("suite-" + std::to_string(std::hash<std::string>{}(suite_text)) + ".json");
  if (!fs::exists(suite)) write_file(suite, suite_text);
  std::vector<std::string> args = {"run", "--suite", suite, "--report", report};
  if (std::find(extra.begin(), extra.end(), "--threads") == extra.end()) extra.insert(extra.end(), {"--threads", "2"});
  args.insert(args.end(), extra.begin(), extra.end());
  return cli(args);
}

// Every subcommand reads its inputs through this; a real report of a run must pass it.
void expect_valid(const std::string& path) {
  size_t total = 0;
  std::vector<std::string> errors = fpc::validate_json(read_json(path), fpc::report_schema(), 5, &total);
  EXPECT_EQ(total, 0u) << path << ": " << (errors.empty() ? "" : errors[0]);
  Outcome o = cli({"report", "validate", path});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("valid fpconform.report/1"), std::string::npos) << o.out;
}

}  // namespace

// ---- the validator -------------------------------------------------------------------------------

TEST(ReportSchemaValidator, ChecksEveryKeywordItImplements) {
  const json schema = json::parse(R"({
    "type": "object", "required": ["n", "s"], "additionalProperties": false,
    "properties": {
      "n": {"type": "integer", "minimum": 1},
      "s": {"type": "string", "pattern": "^0x[0-9a-f]+$"},
      "e": {"enum": ["a", "b"]}, "c": {"const": 5}, "x": {"type": ["number", "null"]},
      "list": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"$ref": "#/$defs/small"}},
      "k": {"type": "string", "minLength": 2}, "open": {"type": "object", "additionalProperties": {"type": "boolean"}}},
    "allOf": [{"if": {"properties": {"k": {"const": "skip"}}, "required": ["k"]}, "then": {"required": ["why"]}}],
    "$defs": {"small": {"type": "integer", "minimum": -3}}})");
  auto errors = [&](const char* text) { return fpc::validate_json(json::parse(text), schema); };
  EXPECT_TRUE(errors(R"({"n": 1, "s": "0x1f", "e": "b", "c": 5, "x": null, "list": [-3, 2], "open": {"q": true}})").empty());
  EXPECT_TRUE(errors(R"({"n": 2.0, "s": "0xab"})").empty()) << "2.0 is an integer in JSON Schema";
  EXPECT_TRUE(errors(R"({"n": 18446744073709551615, "s": "0xab"})").empty());
  const std::vector<std::pair<const char*, const char*>> bad = {
      {R"({"s": "0x1f"})", "missing required property \"n\""},
      {R"({"n": "1", "s": "0x1f"})", "/n: is string, expected integer"},
      {R"({"n": 1.5, "s": "0x1f"})", "/n: is number, expected integer"},
      {R"({"n": 0, "s": "0x1f"})", "less than the minimum"},
      {R"({"n": -9223372036854775807, "s": "0x1f"})", "less than the minimum"},
      {R"({"n": 1, "s": "1ff"})", "does not match"},
      {R"({"n": 1, "s": "0x1f", "k": "\u00e9"})", "/k: is shorter than 2 characters"},  // one code point, two bytes
      {R"({"n": 1, "s": "0x1f", "e": "c"})", "is not one of"},
      {R"({"n": 1, "s": "0x1f", "c": 6})", "must be 5"},
      {R"({"n": 1, "s": "0x1f", "x": "1"})", "expected number or null"},
      {R"({"n": 1, "s": "0x1f", "list": []})", "at least 1"},
      {R"({"n": 1, "s": "0x1f", "list": [1, 2, 3]})", "at most 2"},
      {R"({"n": 1, "s": "0x1f", "list": [1, -4]})", "/list/1: -4 is less than the minimum -3"},
      {R"({"n": 1, "s": "0x1f", "extra": 1})", "unexpected property \"extra\""},
      {R"({"n": 1, "s": "0x1f", "open": {"a/b": 1}})", "/open/a~1b: is integer, expected boolean"},
      {R"({"n": 1, "s": "0x1f", "k": "skip"})", "missing required property \"why\""},
      {R"([1])", "(top level): is array, expected object"},
  };
  for (const auto& [text, message] : bad) {
    auto e = errors(text);
    ASSERT_EQ(e.size(), 1u) << text;
    EXPECT_NE(e[0].find(message), std::string::npos) << text << " -> " << e[0];
  }
  EXPECT_TRUE(errors(R"({"n": 1, "s": "0x1f", "k": "other"})").empty()) << "if/then applies only when 'if' holds";
  size_t total = 0;
  EXPECT_EQ(fpc::validate_json(json::parse(R"({"n": "a", "s": 1, "e": 0, "z": 1})"), schema, 2, &total).size(), 2u);
  EXPECT_EQ(total, 4u);
}

TEST(ReportSchemaValidator, RefusesKeywordsItDoesNotImplement) {
  EXPECT_THROW(fpc::validate_json(json::object(), json::parse(R"({"oneOf": [{"type": "object"}]})")), std::invalid_argument);
  // Also where the instance never reaches the keyword.
  EXPECT_THROW(fpc::validate_json(json(1), json::parse(R"({"type": "integer", "properties": {"a": {"maximum": 3}}})")),
               std::invalid_argument);
  EXPECT_THROW(fpc::validate_json(json(1), json::parse(R"({"$ref": "#/$defs/none"})")), std::invalid_argument);
}

TEST(ReportSchema, CompiledInSchemaIsTheOneInTheSourceTree) {
  EXPECT_EQ(fpc::report_schema(), json::parse(read_file(schema_path())));
  EXPECT_EQ(fpc::report_schema()["properties"]["schema"]["const"], fpc::kReportSchema);
}

// ---- acceptance ----------------------------------------------------------------------------------

// (a) The quick suite, restricted to the CUDA host path, passes and its report validates. Four of
// its checks catch a real CUDA 13.0 host-path deviation (bfloat16 __hmax_nan/__hmin_nan order -0
// and +0 by operand position, and __hmax2_nan/__hmin2_nan call them per lane, docs/cuda.md) that
// kernels/known_deviations.cpp lists: they are
// "known_deviation" with exactly one signed_zero case, and the run passes.
TEST(Reports, QuickRunWritesAValidPassingReport) {
  TempDir dir;
  const std::string path = dir / "quick.json";
  Outcome o = cli({"run", "--subject", "cuda_host", "--report", path, "--threads", "2"});
  const std::set<std::string> known_deviations = {"cuda_host/bfloat16_max_nan/boundary",
                                                  "cuda_host/bfloat16_min_nan/boundary",
                                                  "cuda_host/bfloat16x2_max_nan/boundary",
                                                  "cuda_host/bfloat16x2_min_nan/boundary"};
  ASSERT_EQ(o.status, 0) << o.out << o.err;
  expect_valid(path);
  json r = read_json(path);
  EXPECT_EQ(r["schema"], "fpconform.report/1");
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_EQ(r["suite"], "quick");
  EXPECT_EQ(r["known_deviations"], "applied");
  ASSERT_GE(r["checks"].size(), 30u);
  EXPECT_EQ(r["summary"]["passed"], r["checks"].size() - known_deviations.size());
  EXPECT_EQ(r["summary"]["known_deviations"], known_deviations.size());
  EXPECT_EQ(r["summary"]["failed"], 0);
  std::set<std::string> kinds;
  for (const json& c : r["checks"]) {
    const bool known = known_deviations.count(c["id"].get<std::string>()) != 0;
    EXPECT_EQ(c["status"], known ? "known_deviation" : "pass") << c["id"];
    if (known) {
      EXPECT_EQ(c["counts"]["failed"], 1) << c["id"];
      EXPECT_EQ(c["counts"]["failed_by_class"]["signed_zero"], 1) << c["id"];
      EXPECT_EQ(c["known_deviation"]["classes"], json::array({"signed_zero"}));
    }
    EXPECT_EQ(c["subject"], "cuda_host");
    kinds.insert(c["cases"]["kind"].get<std::string>());
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"exhaustive", "boundary", "random"}));
  for (const char* key : {"host_cpu", "compiler", "cuda_version", "gpu", "threads"}) EXPECT_TRUE(r["environment"].contains(key)) << key;
  EXPECT_FALSE(r["tool"]["revision"].get<std::string>().empty());
}

// Known deviations: ignored on request (the run fails, and the report says they were ignored);
// summary and JUnit show them without failing; shards run with and without them do not merge.
TEST(Reports, KnownDeviationsCanBeIgnoredAndAreShownApart) {
  TempDir dir;
  constexpr const char* kSuite = R"({"name": "known", "checks": [
    {"subject": "cuda_host", "op": "bfloat16_max_nan", "cases": "boundary"},
    {"subject": "cuda_host", "op": "float16_max_nan", "cases": "boundary"}]})";
  ASSERT_EQ(run_suite(dir, kSuite, dir / "applied.json").status, 0);
  Outcome strict = run_suite(dir, kSuite, dir / "ignored.json", {"--no-known-deviations"});
  ASSERT_EQ(strict.status, 1) << strict.out << strict.err;
  EXPECT_NE(strict.out.find("FAIL  cuda_host/bfloat16_max_nan/boundary"), std::string::npos) << strict.out;
  expect_valid(dir / "applied.json");
  expect_valid(dir / "ignored.json");
  const json applied = read_json(dir / "applied.json"), ignored = read_json(dir / "ignored.json");
  EXPECT_EQ(ignored["known_deviations"], "ignored");
  EXPECT_EQ(find_check(ignored, "cuda_host/bfloat16_max_nan/boundary")->at("status"), "fail");
  EXPECT_FALSE(find_check(ignored, "cuda_host/bfloat16_max_nan/boundary")->contains("known_deviation"));
  EXPECT_EQ(find_check(applied, "cuda_host/bfloat16_max_nan/boundary")->at("status"), "known_deviation");
  EXPECT_EQ(find_check(applied, "cuda_host/float16_max_nan/boundary")->at("status"), "pass");

  Outcome md = cli({"report", "summary", dir / "applied.json"});
  ASSERT_EQ(md.status, 0) << md.err;
  EXPECT_NE(md.out.find("## fpconform report: pass"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("1 passed, 0 failed, 1 known deviations"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("### known deviation `cuda_host/bfloat16_max_nan/boundary`"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("0x8000 0x0000 => 0x8000  expected 0x0000"), std::string::npos) << md.out;  // max(-0, +0) = +0
  Outcome junit = cli({"report", "summary", "--junit", dir / "applied.json"});
  ASSERT_EQ(junit.status, 0) << junit.err;
  EXPECT_NE(junit.out.find("failures=\"0\""), std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("<system-out>1 of "), std::string::npos) << junit.out;

  Outcome diff = cli({"report", "diff", dir / "ignored.json", dir / "applied.json"});
  EXPECT_EQ(diff.status, 0) << diff.out;
  EXPECT_NE(diff.out.find("cuda_host/bfloat16_max_nan/boundary  fail -> known_deviation"), std::string::npos) << diff.out;
  EXPECT_EQ(cli({"report", "diff", dir / "applied.json", dir / "ignored.json"}).status, 1);  // newly failing

  expect_input_error({"report", "merge", "-o", dir / "bad.json", dir / "applied.json", dir / "ignored.json"});
}

// The status rule: a failing check is a known deviation only when every failed case is of a
// class its entry lists; the validator holds reports to the same rule.
TEST(Reports, KnownDeviationCoversOnlyItsClasses) {
  fpc::CheckRecord r;
  r.subject = "cuda_host";
  r.op_name = "bfloat16_max_nan";
  for (const fpc::SubjectOp& op : fpc::subject_by_name("cuda_host").ops)
    if (op.name == r.op_name) r.semantics = op.semantics;
  ASSERT_NE(r.semantics.in, nullptr);
  r.known_deviation = fpc::known_deviation_note("cuda_host", "bfloat16_max_nan");
  ASSERT_TRUE(r.known_deviation.has_value());
  auto with_failures = [&](std::initializer_list<std::pair<fpc::MismatchClass, uint64_t>> by_class) {
    fpc::CheckRecord c = r;
    for (auto [cls, n] : by_class) {
      c.outcome.failed_by_class[static_cast<size_t>(cls)] += n;
      c.outcome.failed += n;
    }
    c.outcome.cases = c.outcome.failed + 10;
    c.outcome.passed = 10;
    fpc::finalize(c);
    return c.status;
  };
  EXPECT_EQ(with_failures({}), "pass");
  EXPECT_EQ(with_failures({{fpc::MismatchClass::SignedZero, 3}}), "known_deviation");
  EXPECT_EQ(with_failures({{fpc::MismatchClass::SignedZero, 3}, {fpc::MismatchClass::NaN, 1}}), "fail");
  EXPECT_EQ(with_failures({{fpc::MismatchClass::RoundingDirection, 1}}), "fail");
  r.known_deviation.reset();
  EXPECT_EQ(with_failures({{fpc::MismatchClass::SignedZero, 3}}), "fail");
  EXPECT_FALSE(fpc::known_deviation_note("cuda_host", "float16_max_nan").has_value());

  // A report claiming a known deviation for a failure of another class is not valid.
  TempDir dir;
  constexpr const char* kSuite = R"({"name": "known", "checks": [
    {"subject": "cuda_host", "op": "bfloat16_max_nan", "cases": "boundary"}]})";
  ASSERT_EQ(run_suite(dir, kSuite, dir / "r.json").status, 0);
  json j = read_json(dir / "r.json");
  json& counts = j["checks"][0]["counts"]["failed_by_class"];
  counts["signed_zero"] = 0;
  counts["nan"] = 1;
  write_file(dir / "doctored.json", j.dump());
  Outcome v = cli({"report", "validate", dir / "doctored.json"});
  EXPECT_EQ(v.status, 2) << v.out << v.err;  // not a valid report: bad input
  EXPECT_NE((v.out + v.err).find("known_deviation with failures of a class"), std::string::npos) << v.out << v.err;
}

// Every entry of the known deviations table names an op of the registry and checker classes.
TEST(Reports, KnownDeviationsTableNamesRealOpsAndClasses) {
  ASSERT_FALSE(fpc::known_deviations().empty());
  for (const fpc::KnownDeviation& d : fpc::known_deviations()) {
    const fpc::Subject& s = fpc::subject_by_name(d.subject);
    EXPECT_TRUE(std::any_of(s.ops.begin(), s.ops.end(), [&](const fpc::SubjectOp& op) { return op.name == d.op; }))
        << d.subject << "/" << d.op;
    ASSERT_FALSE(d.classes.empty()) << d.op;
    for (const std::string& c : d.classes) EXPECT_NO_THROW((void)fpc::mismatch_class_by_name(c)) << c;
    EXPECT_FALSE(d.summary.empty());
    EXPECT_TRUE(fs::exists(std::string(FPC_SOURCE_DIR) + "/" + d.reference.substr(0, d.reference.find(','))))
        << d.reference;
  }
}

// (b) The planted bugs fail with the class and diagnosis of the bug planted.
TEST(Reports, PlantedBugsFailWithTheirClassAndDiagnosis) {
  TempDir dir;
  const std::string path = dir / "planted.json";
  Outcome o = cli({"run", "--subject", "planted_bugs", "--report", path, "--threads", "2"});
  ASSERT_EQ(o.status, 1) << o.out << o.err;
  expect_valid(path);
  json r = read_json(path);
  EXPECT_EQ(r["verdict"], "fail");
  auto check = [&](const std::string& id) -> const json& {
    const json* c = find_check(r, id);
    if (!c) throw std::runtime_error("no check " + id);
    EXPECT_EQ((*c)["status"], "fail") << id;
    EXPECT_GT((*c)["counts"]["failed"].get<uint64_t>(), 0u) << id;
    EXPECT_FALSE((*c)["counterexamples"].empty()) << id;
    return *c;
  };
  auto diagnosis = [](const json& c) {
    std::string all;
    for (const json& d : c["diagnosis"]["explained_by"]) all += d.get<std::string>() + "; ";
    return all;
  };
  auto largest_class = [](const json& c) {
    std::string best;
    uint64_t most = 0;
    for (const auto& [name, n] : c["counts"]["failed_by_class"].items())
      if (n.get<uint64_t>() > most) {
        most = n.get<uint64_t>();
        best = name;
      }
    return best;
  };

  // Ties away from zero: every failure is a tie, and the subject behaves exactly as rna.
  const json& away = check("planted_bugs/float32_to_bfloat16_ties_away/boundary");
  EXPECT_EQ(away["counts"]["failed_by_class"]["tie_breaking"], away["counts"]["failed"]);
  EXPECT_NE(diagnosis(away).find("rna"), std::string::npos) << diagnosis(away);
  for (const json& e : away["counterexamples"]) EXPECT_EQ(e["class"], "tie_breaking");

  // Truncation: mostly rounded the wrong way, and exactly rtz.
  for (const char* id : {"planted_bugs/float32_to_bfloat16_truncate/boundary", "planted_bugs/float32_to_bfloat16_truncate/random:65536"}) {
    const json& trunc = check(id);
    EXPECT_EQ(largest_class(trunc), "rounding_direction") << id;
    EXPECT_NE(diagnosis(trunc).find("rtz"), std::string::npos) << id << ": " << diagnosis(trunc);
  }

  // Double rounding through float16 on the way to e4m3.
  for (const char* id : {"planted_bugs/float32_to_e4m3_via_float16/boundary", "planted_bugs/float32_to_e4m3_via_float16/random:65536"})
    EXPECT_NE(diagnosis(check(id)).find("rne via float16 (double rounding)"), std::string::npos) << id;

  // Clamping to +-448 before rounding: saturation where the claimed semantics overflows.
  for (const char* id : {"planted_bugs/float32_to_e4m3_clamp_first/boundary", "planted_bugs/float32_to_e4m3_clamp_first/random:65536"}) {
    const json& clamp = check(id);
    EXPECT_EQ(clamp["counts"]["failed_by_class"]["overflow_saturation"], clamp["counts"]["failed"]) << id;
    EXPECT_NE(diagnosis(clamp).find("saturation"), std::string::npos) << id;
  }
}

// (c) Four shards merged give the unsharded report, whatever order the shards come in; missing
// or repeated shards are refused.
TEST(Reports, FourShardsMergeIntoTheUnshardedReport) {
  TempDir dir;
  ASSERT_EQ(run_suite(dir, kShardSuite, dir / "whole.json").status, 1);
  std::vector<std::string> shards;
  for (int i = 0; i < 4; ++i) {
    shards.push_back(dir / ("shard" + std::to_string(i) + ".json"));
    Outcome o = run_suite(dir, kShardSuite, shards.back(), {"--shard", std::to_string(i) + "/4"});
    ASSERT_TRUE(o.status == 0 || o.status == 1) << o.err;
    expect_valid(shards.back());
    EXPECT_EQ(read_json(shards.back())["shard"], (json{{"index", i}, {"count", 4}}));
  }
  json whole = read_json(dir / "whole.json");
  ASSERT_EQ(whole["checks"].size(), 7u);
  ASSERT_EQ(whole["block_checks"].size(), 2u);  // split by blocks too: each shard checks a quarter
  EXPECT_EQ(whole["block_checks"][0]["status"], "fail");
  EXPECT_EQ(whole["block_checks"][1]["cases"]["count"], 9);
  for (const std::string& s : shards) {
    const json shard = read_json(s);
    const json& part = shard["block_checks"][0];
    EXPECT_LT(part["counts"]["blocks"].get<uint64_t>(), whole["block_checks"][0]["counts"]["blocks"].get<uint64_t>()) << s;
  }
  EXPECT_EQ(find_check(whole, "planted_bugs/float32_to_bfloat16_ties_away/boundary")->at("status"), "fail");
  EXPECT_EQ(find_check(whole, "cuda_host/float16_to_float32/exhaustive")->at("cases")["count"], 65536);

  Outcome m = cli({"report", "merge", "-o", dir / "merged.json", shards[2], shards[0], shards[3], shards[1]});
  ASSERT_EQ(m.status, 0) << m.err;
  expect_valid(dir / "merged.json");
  expect_same_report(dir / "merged.json", dir / "whole.json");

  // The library call gives the same.
  std::vector<fpc::Report> parts;
  for (const std::string& s : shards) parts.push_back(fpc::read_report(s));
  fpc::write_report(fpc::merge_reports(parts), dir / "merged-lib.json");
  expect_same_report(dir / "merged-lib.json", dir / "whole.json");

  // Three of four shards: refused by the CLI, and by merge_reports itself (the ranges do not tile).
  expect_input_error({"report", "merge", "-o", dir / "bad.json", shards[0], shards[1], shards[3]});
  expect_input_error({"report", "merge", "-o", dir / "bad.json", shards[0], shards[1], shards[2], shards[2]});
  parts.erase(parts.begin() + 2);
  EXPECT_THROW(fpc::merge_reports(parts), fpc::InputError);
  EXPECT_FALSE(fs::exists(dir / "bad.json"));

  // The merged report names the build that ran the shards, not the one that merged them; shards
  // of different builds are refused.
  std::vector<fpc::Report> other_build;
  for (const std::string& s : shards) other_build.push_back(fpc::read_report(s));
  for (fpc::Report& r : other_build) r.tool_revision = "0123456789ab";
  EXPECT_EQ(fpc::to_json(fpc::merge_reports(other_build))["tool"]["revision"], "0123456789ab");
  other_build[1].tool_revision = "ba9876543210";
  EXPECT_THROW(fpc::merge_reports(other_build), fpc::InputError);
  fpc::write_report(other_build[1], dir / "other-build.json");
  expect_input_error({"report", "merge", "-o", dir / "bad.json", shards[0], dir / "other-build.json", shards[2], shards[3]});
  EXPECT_FALSE(fs::exists(dir / "bad.json"));
}

// (d) Identical runs give identical reports apart from environment and timing, also on one thread.
TEST(Reports, IdenticalRunsGiveIdenticalReports) {
  TempDir dir;
  ASSERT_EQ(run_suite(dir, kShardSuite, dir / "a.json").status, 1);
  ASSERT_EQ(run_suite(dir, kShardSuite, dir / "b.json").status, 1);
  ASSERT_EQ(run_suite(dir, kShardSuite, dir / "c.json", {"--threads", "1"}).status, 1);
  expect_same_report(dir / "a.json", dir / "b.json");
  expect_same_report(dir / "a.json", dir / "c.json");
  // ... and only those fields differ: the rest of the file is byte for byte the same.
  json a = read_json(dir / "a.json"), c = read_json(dir / "c.json");
  c["environment"] = a["environment"];
  for (size_t i = 0; i < c["checks"].size(); ++i) c["checks"][i]["timing"] = a["checks"][i]["timing"];
  for (size_t i = 0; i < c["block_checks"].size(); ++i) c["block_checks"][i]["timing"] = a["block_checks"][i]["timing"];
  EXPECT_EQ(c.dump(2) + "\n", read_file(dir / "a.json"));
}

// (e) summary, JUnit and diff.
TEST(Reports, SummaryShowsFailuresAndCounterexamples) {
  TempDir dir;
  const std::string failing = dir / "fail.json", passing = dir / "pass.json";
  ASSERT_EQ(run_suite(dir, kShardSuite, failing).status, 1);
  ASSERT_EQ(run_suite(dir, kPassSuite, passing).status, 0);

  Outcome md = cli({"report", "summary", failing});
  ASSERT_EQ(md.status, 0) << md.err;
  EXPECT_EQ(md.out.rfind("## fpconform report: FAIL", 0), 0u) << md.out.substr(0, 200);
  EXPECT_NE(md.out.find("| status | check | cases | failed | failed by class | implementation-defined | diagnosis | seconds |"),
            std::string::npos);
  EXPECT_NE(md.out.find("| **FAIL** | `planted_bugs/float32_to_bfloat16_ties_away/boundary` |"), std::string::npos);
  EXPECT_NE(md.out.find("| pass | `cuda_host/float16_to_float32/exhaustive` | 65536 | 0 |"), std::string::npos);
  EXPECT_NE(md.out.find("behaves exactly as: rna"), std::string::npos);
  // The smallest ties-away counterexample: 0x00008000 (half the smallest bfloat16 subnormal)
  // rounds to 0x0001 where ties-to-even gives 0x0000.
  EXPECT_NE(md.out.find("### **FAIL** `planted_bugs/float32_to_bfloat16_ties_away/boundary`"), std::string::npos);
  EXPECT_NE(md.out.find("tie_breaking: "), std::string::npos);
  EXPECT_NE(md.out.find("  0x00008000 => 0x0001  expected 0x0000  ulp +1\n"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("input    0x00008000  0.00000000.00000001000000000000000  ~4.5918e-41  exactly 0.0000000000000000000000000000000000000000459177"),
            std::string::npos);
  EXPECT_NE(md.out.find("expected 0x0000      0.00000000.0000000                  0\n"), std::string::npos);
  EXPECT_EQ(std::count(md.out.begin(), md.out.end(), '`') % 2, 0) << "unbalanced code spans or fences";

  Outcome pass_md = cli({"report", "summary", passing});
  ASSERT_EQ(pass_md.status, 0);
  EXPECT_EQ(pass_md.out.rfind("## fpconform report: pass", 0), 0u);
  EXPECT_EQ(pass_md.out.find("FAIL"), std::string::npos);
  EXPECT_EQ(pass_md.out.find("```"), std::string::npos);

  // JUnit: counts that match the report, and a document an XML parser accepts.
  json r = read_json(failing);
  Outcome xml = cli({"report", "summary", failing, "--junit"});
  ASSERT_EQ(xml.status, 0) << xml.err;
  EXPECT_EQ(xml.out.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0), 0u);
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t p = xml.out.find(s); p != std::string::npos; p = xml.out.find(s, p + 1)) ++n;
    return n;
  };
  // Element checks and block checks (two here: one fails) alike.
  const json& blocks = r["summary"]["block_checks"];
  ASSERT_EQ(blocks["checks"], 2);
  const size_t failures = r["summary"]["failed"].get<size_t>() + blocks["failed"].get<size_t>();
  const size_t skips = r["summary"]["skipped"].get<size_t>() + blocks["skipped"].get<size_t>();
  const std::string totals = "tests=\"9\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(skips) + "\"";
  EXPECT_NE(xml.out.find("<testsuites name=\"fpconform " ), std::string::npos);
  EXPECT_NE(xml.out.find(totals), std::string::npos) << totals;
  EXPECT_EQ(count("<testcase "), 9u);
  EXPECT_EQ(count("<failure "), failures);
  EXPECT_EQ(count("<skipped "), skips);
  EXPECT_EQ(count("<testsuite "), 5u);  // cuda_host, planted_bugs, cuda_device and the two block subjects
  EXPECT_EQ(count("<testsuite "), count("</testsuite>"));
  EXPECT_EQ(count("</testcase>"), failures + skips);
  EXPECT_NE(xml.out.find("name=\"block mxfp4/all:37\""), std::string::npos);
  EXPECT_NE(xml.out.find("name=\"float32_to_bfloat16_ties_away/boundary\""), std::string::npos);
  EXPECT_NE(xml.out.find("type=\"tie_breaking\""), std::string::npos);
  EXPECT_NE(xml.out.find("0x00008000 =&gt; 0x0001  expected 0x0000"), std::string::npos);
  write_file(dir / "junit.xml", xml.out);
  auto parsed = run_process("python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                            "print(r.tag, r.get('tests'), len(r.findall('.//testcase')), len(r.findall('.//failure')))\" " +
                            dir / "junit.xml");
  EXPECT_EQ(parsed.first, 0) << parsed.second;
  EXPECT_EQ(parsed.second, "testsuites 9 9 " + std::to_string(failures) + "\n");
}

TEST(Reports, JunitSkipsAndEscapes) {
  TempDir dir;
  fpc::Report report;
  report.suite = "odd <&> \"suite\" 'x'";
  report.environment = fpc::describe_environment(1);
  const fpc::Subject& subject = fpc::subject_by_name("cuda_host");
  auto record = [&](const std::string& status) {
    fpc::CheckRecord c;
    c.subject = "sub<&>";
    c.op_name = subject.ops.front().name;
    c.entry = subject.ops.front().entry;
    c.semantics = subject.ops.front().semantics;
    c.case_label = "boundary";
    c.case_count = 10;
    c.range_end = 10;
    c.reference = "exact";
    c.status = status;
    return c;
  };
  fpc::CheckRecord skipped = record("skipped");
  skipped.skipped_reason = "skipped: no CUDA device";
  fpc::CheckRecord errored = record("error");
  errored.case_label = "random:10";
  errored.outcome.error = "subject failed: a < b && \"c\"\x01 \u00e9";
  report.checks = {skipped, errored};
  fpc::write_report(report, dir / "odd.json");
  expect_valid(dir / "odd.json");
  Outcome xml = cli({"report", "summary", "--junit", dir / "odd.json"});
  ASSERT_EQ(xml.status, 0) << xml.err;
  EXPECT_NE(xml.out.find("<skipped message=\"skipped: no CUDA device\"/>"), std::string::npos) << xml.out;
  EXPECT_NE(xml.out.find("<testsuites name=\"fpconform odd &lt;&amp;&gt; &quot;suite&quot; &apos;x&apos;\" tests=\"2\" "
                         "failures=\"0\" errors=\"1\" skipped=\"1\""),
            std::string::npos)
      << xml.out;
  EXPECT_NE(xml.out.find("<testsuite name=\"sub&lt;&amp;&gt;\""), std::string::npos);
  EXPECT_NE(xml.out.find("<error message=\"subject failed: a &lt; b &amp;&amp; &quot;c&quot;\\x01 \u00e9\""), std::string::npos)
      << xml.out;
  write_file(dir / "odd.xml", xml.out);
  auto parsed = run_process("python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                            "print(r.get('name'), r.find('.//skipped').get('message'))\" " + dir / "odd.xml");
  EXPECT_EQ(parsed, std::make_pair(0, std::string("fpconform odd <&> \"suite\" 'x' skipped: no CUDA device\n")));

  Outcome md = cli({"report", "summary", dir / "odd.json"});
  ASSERT_EQ(md.status, 0) << md.err;
  EXPECT_NE(md.out.find("| skipped | `sub<&>/"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| skipped: no CUDA device |"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("### **ERROR**"), std::string::npos) << md.out;
}

TEST(Reports, DiffNamesRegressionsAndFixes) {
  TempDir dir;
  const std::string failing = dir / "fail.json", passing = dir / "pass.json";
  ASSERT_EQ(run_suite(dir, kShardSuite, failing).status, 1);
  ASSERT_EQ(run_suite(dir, kPassSuite, passing).status, 0);
  const std::string away = "planted_bugs/float32_to_bfloat16_ties_away/boundary";

  // A passing report, then the planted bugs: a regression, exit 1, naming the checks.
  Outcome d = cli({"report", "diff", passing, failing});
  EXPECT_EQ(d.status, 1) << d.out << d.err;
  EXPECT_NE(d.out.find("newly failing (3):"), std::string::npos) << d.out;  // and the planted block check
  EXPECT_NE(d.out.find("  fail  " + away + "  (new check)  "), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("planted_bugs/float32_to_e4m3_via_float16/random:20000  (new check)"), std::string::npos);
  EXPECT_NE(d.out.find("  fail  block planted_mxfp4_scale_from_amax_over_6/mxfp4/all:37  (new check)"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("\nregression: 3 check(s)"), std::string::npos);

  // A report against itself: nothing changed.
  Outcome same = cli({"report", "diff", failing, failing});
  EXPECT_EQ(same.status, 0) << same.out << same.err;
  EXPECT_EQ(same.out.find("newly failing"), std::string::npos);
  EXPECT_NE(same.out.find("\nno regressions\n"), std::string::npos) << same.out;

  // The same check fixed (fail -> pass) and broken again (pass -> fail).
  fpc::Report fixed = fpc::read_report(failing);
  for (fpc::CheckRecord& c : fixed.checks)
    if (c.id() == away) {
      c.outcome.passed = c.outcome.cases;
      c.outcome.failed = 0;
      c.outcome.failed_by_class = {};
      c.outcome.examples.clear();
      fpc::finalize(c);
    }
  fpc::write_report(fixed, dir / "fixed.json");
  expect_valid(dir / "fixed.json");
  Outcome f = cli({"report", "diff", failing, dir / "fixed.json"});
  EXPECT_EQ(f.status, 0) << f.out << f.err;
  EXPECT_NE(f.out.find("fixed (1):\n  " + away + "  (was fail: "), std::string::npos) << f.out;
  Outcome b = cli({"report", "diff", dir / "fixed.json", failing});
  EXPECT_EQ(b.status, 1) << b.out;
  EXPECT_NE(b.out.find("newly failing (1):\n  fail  " + away + "  (was pass)  "), std::string::npos) << b.out;

  // More failures over the same cases is a regression; fewer is not.
  fpc::Report fewer = fpc::read_report(failing);
  for (fpc::CheckRecord& c : fewer.checks)
    if (c.id() == away) {
      c.outcome.failed -= 1;
      c.outcome.passed += 1;
      c.outcome.failed_by_class[0] -= 1;  // tie_breaking
      fpc::finalize(c);
    }
  fpc::write_report(fewer, dir / "fewer.json");
  Outcome more = cli({"report", "diff", dir / "fewer.json", failing});
  EXPECT_EQ(more.status, 1) << more.out;
  EXPECT_NE(more.out.find("failing on more of the same cases (1):\n  " + away), std::string::npos) << more.out;
  Outcome less = cli({"report", "diff", failing, dir / "fewer.json"});
  EXPECT_EQ(less.status, 0) << less.out;
  EXPECT_NE(less.out.find("changed failure counts (1):\n  " + away), std::string::npos) << less.out;
}

// The schema agrees with an independent implementation (python3-jsonschema, installed by
// scripts/setup.sh): it is a valid draft 2020-12 schema, real reports pass, broken ones fail in
// both validators.
TEST(ReportSchema, AgreesWithPythonJsonschema) {
  TempDir dir;
  const std::string failing = dir / "fail.json";
  ASSERT_EQ(run_suite(dir, kShardSuite, failing).status, 1);
  ASSERT_EQ(run_suite(dir, kShardSuite, dir / "shard.json", {"--shard", "1/3"}).status, 1);
  const json good = read_json(failing);
  const std::string skipped_id = "cuda_device/float32_to_e4m3_satfinite/boundary";
  ASSERT_EQ(find_check(good, skipped_id)->at("status"), fpc::subject_by_name("cuda_device").available ? "pass" : "skipped");

  std::vector<std::pair<std::string, std::function<void(json&)>>> mutations = {
      {"no verdict", [](json& j) { j.erase("verdict"); }},
      {"verdict maybe", [](json& j) { j["verdict"] = "maybe"; }},
      {"no failed count", [](json& j) { j["checks"][0]["counts"].erase("failed"); }},
      {"failed as string", [](json& j) { j["checks"][0]["counts"]["failed"] = "0"; }},
      {"negative seed", [](json& j) { j["seed"] = -1; }},
      {"unknown status", [](json& j) { j["checks"][1]["status"] = "passed"; }},
      {"unknown class", [](json& j) { j["checks"][4]["counterexamples"][0]["class"] = "rounding"; }},
      {"code without 0x", [](json& j) { j["checks"][4]["counterexamples"][0]["inputs"][0]["code"] = "00008000"; }},
      {"ulp as text", [](json& j) { j["checks"][4]["counterexamples"][0]["ulp_distance"] = "+1"; }},
      {"extra field", [](json& j) { j["checks"][2]["note"] = "x"; }},
      {"extra class", [](json& j) { j["checks"][2]["counts"]["failed_by_class"]["bogus"] = 0; }},
      {"short range", [](json& j) { j["checks"][2]["cases"]["range"] = json::array({0}); }},
      {"fractional cases", [](json& j) { j["summary"]["cases"] = 1.5; }},
      {"no timing", [](json& j) { j["checks"][3].erase("timing"); }},
      {"threads as text", [](json& j) { j["environment"]["threads"] = "2"; }},
      {"bad rounding", [](json& j) { j["checks"][0]["semantics"]["rounding"] = "nearest"; }},
      {"shard count 0", [](json& j) { j["shard"]["count"] = 0; }},
      {"block status unknown", [](json& j) { j["block_checks"][0]["status"] = "passed"; }},
      {"block label of an element check", [](json& j) { j["block_checks"][0]["cases"]["label"] = "boundary"; }},
      {"block distance without claimed", [](json& j) { j["block_checks"][0]["distances"][0].erase("claimed"); }},
      {"block differing as text", [](json& j) { j["block_checks"][1]["distances"][0]["blocks_differing"] = "0"; }},
      {"block summary missing errors", [](json& j) { j["summary"]["block_checks"].erase("errors"); }},
      {"skipped without reason",
       [&](json& j) {
         json& c = j["checks"][6];
         c["status"] = "skipped";
         c.erase("skipped_reason");
       }},
  };
  std::string files;
  for (size_t i = 0; i < mutations.size(); ++i) {
    json bad = good;
    mutations[i].second(bad);
    const std::string path = dir / ("bad" + std::to_string(i) + ".json");
    write_file(path, bad.dump(1));
    files += " " + path;
    EXPECT_FALSE(fpc::validate_json(bad, fpc::report_schema()).empty()) << mutations[i].first;
    Outcome v = cli({"report", "validate", path});
    EXPECT_EQ(v.status, 2) << mutations[i].first;
  }
  write_file(dir / "check.py", R"(import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(path))))
    print("valid" if not errors else "invalid")
)");
  auto py = run_process("python3 " + dir / "check.py" + " " + schema_path() + " " + failing + " " + dir / "shard.json" + files);
  ASSERT_EQ(py.first, 0) << "python3-jsonschema is needed (scripts/setup.sh installs it): " << py.second;
  std::string expected = "valid\nvalid\n";
  for (size_t i = 0; i < mutations.size(); ++i) expected += "invalid\n";
  EXPECT_EQ(py.second, expected);
}

// (f) Bad input to every report subcommand: exit 2 and one line.
TEST(Reports, BadInputsExitTwoWithOneLine) {
  TempDir dir;
  const std::string good = dir / "good.json";
  ASSERT_EQ(run_suite(dir, kPassSuite, good).status, 0);
  const std::string text = read_file(good);
  json j = json::parse(text);
  write_file(dir / "truncated.json", text.substr(0, text.size() / 2));
  write_file(dir / "empty.json", "");
  write_file(dir / "text.json", "this is not JSON\n");
  write_file(dir / "array.json", "[1, 2]");
  json wrong_schema = j;
  wrong_schema["schema"] = "fpconform.report/0";
  write_file(dir / "schema.json", wrong_schema.dump());
  json missing = j;
  missing["checks"][1].erase("counts");
  write_file(dir / "missing.json", missing.dump());
  json inconsistent = j;
  inconsistent["summary"]["passed"] = 0;
  write_file(dir / "inconsistent.json", inconsistent.dump());
  json unknown_format = j;
  unknown_format["checks"][0]["semantics"]["in"] = "float99";
  write_file(dir / "format.json", unknown_format.dump());
  const std::vector<std::string> bad = {dir / "absent.json", dir / "truncated.json", dir / "empty.json", dir / "text.json",
                                        dir / "array.json",  dir / "schema.json",    dir / "missing.json", dir / "inconsistent.json",
                                        dir / "format.json", dir / ""};
  for (const std::string& b : bad) {
    expect_input_error({"report", "summary", b});
    expect_input_error({"report", "summary", "--junit", b});
    expect_input_error({"report", "diff", good, b});
    expect_input_error({"report", "diff", b, good});
    expect_input_error({"report", "merge", "-o", dir / "out.json", b});
    expect_input_error({"report", "validate", b});
    expect_input_error({"report", "validate", good, b});
  }
  EXPECT_FALSE(fs::exists(dir / "out.json"));
  // The messages say what is wrong.
  EXPECT_NE(cli({"report", "validate", dir / "absent.json"}).err.find("no such file"), std::string::npos);
  EXPECT_NE(cli({"report", "validate", dir / "truncated.json"}).err.find("is not valid JSON"), std::string::npos);
  EXPECT_NE(cli({"report", "validate", dir / "schema.json"}).err.find("has schema \"fpconform.report/0\""), std::string::npos);
  EXPECT_NE(cli({"report", "validate", dir / "missing.json"}).err.find("/checks/1: missing required property \"counts\""),
            std::string::npos);
  EXPECT_NE(cli({"report", "validate", dir / "inconsistent.json"}).err.find("/summary: does not agree with the checks"),
            std::string::npos);
  EXPECT_NE(cli({"report", "validate", dir / "format.json"}).err.find("float99"), std::string::npos);
  // Usage errors.
  expect_input_error({"report"});
  expect_input_error({"report", "sumary", good});
  expect_input_error({"report", "summary"});
  expect_input_error({"report", "summary", good, good});
  expect_input_error({"report", "summary", good, "--markdown"});
  expect_input_error({"report", "diff", good});
  expect_input_error({"report", "diff", good, good, good});
  expect_input_error({"report", "merge", good});
  expect_input_error({"report", "merge", "-o", dir / "out.json"});
  expect_input_error({"report", "merge", "-o"});
  expect_input_error({"report", "merge", "--force", "-o", dir / "out.json", good});
  expect_input_error({"report", "validate"});
  expect_input_error({"report", "validate", "--strict", good});
  // Reports of different runs do not merge.
  ASSERT_EQ(run_suite(dir, kPassSuite, dir / "seed2.json", {"--seed", "2"}).status, 0);
  expect_input_error({"report", "merge", "-o", dir / "out.json", good, dir / "seed2.json"});
  EXPECT_FALSE(fs::exists(dir / "out.json"));
}

// The binary itself: the report commands' exit statuses through main().
TEST(Reports, BinaryExitStatuses) {
  TempDir dir;
  const std::string good = dir / "good.json";
  ASSERT_EQ(run_suite(dir, kPassSuite, good).status, 0);
  const std::string cli_path = FPC_CLI_PATH;
  EXPECT_EQ(run_process(cli_path + " report validate " + good).first, 0);
  EXPECT_EQ(run_process(cli_path + " report diff " + good + " " + good).first, 0);
  auto missing = run_process(cli_path + " report summary " + dir / "nope.json");
  EXPECT_EQ(missing.first, 2);
  EXPECT_EQ(missing.second, "fpconform: error: cannot read report '" + dir / "nope.json" + "': no such file\n");
  auto help = run_process(cli_path + " help");
  EXPECT_NE(help.second.find("report merge -o OUT.json SHARD.json..."), std::string::npos);
}
