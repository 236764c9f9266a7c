// `fpconform report summary|diff|merge|validate`: reading conformance reports
// (reports/schema/report.schema.json) after a run.
#pragma once

#include "report/report.hpp"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {

// Validates `instance` against `schema` for the subset of JSON Schema (draft 2020-12) the report
// schema uses: $ref (local "#/..."), $defs, type, enum, const, required, properties,
// additionalProperties, items, minItems, maxItems, minimum, minLength, pattern, allOf, if/then
// (plus the annotations $schema, $id, $comment, title, description). A schema using any other
// keyword is rejected with std::invalid_argument rather than half-checked.
// Returns at most `max_errors` messages, each "JSON-pointer: what is wrong"; empty when valid.
std::vector<std::string> validate_json(const nlohmann::json& instance, const nlohmann::json& schema,
                                       size_t max_errors = 20, size_t* total_errors = nullptr);

// The report schema this build reads and writes (reports/schema/report.schema.json, compiled in).
const nlohmann::json& report_schema();

// Facts about a report the schema cannot express: the summary and verdict agree with the checks,
// counts add up, ids are subject/op/label, ranges lie within the cases. Empty when consistent.
std::vector<std::string> report_consistency_errors(const nlohmann::json& report);

// A report file read for the report commands: parsed, validated against the schema, checked for
// consistency and read into a Report. InputError (one line naming the file) for anything wrong.
struct LoadedReport {
  std::string path;
  nlohmann::json json;
  Report report;
};
LoadedReport load_report(const std::string& path);

// The Markdown summary (a table of checks, then each failing check's counterexamples) and the
// JUnit XML rendering (one testsuite per subject, one testcase per check).
std::string markdown_summary(const LoadedReport& r);
std::string junit_xml(const LoadedReport& r);

// One failing check as the summary shows it: "FAIL id", the semantics, what it found, then the
// counterexamples TestFloat style (the fuzz targets print their findings with it).
std::string check_failure_text(const CheckRecord& c, size_t max_examples);

}  // namespace fpc

namespace fpc::cli {

// fpconform report summary R.json [--junit]
// fpconform report diff OLD.json NEW.json        (exit 1 when anything newly fails)
// fpconform report merge -o OUT.json SHARD.json...
// fpconform report validate R.json...
int cmd_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpc::cli
