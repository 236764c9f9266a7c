// The report schema and reading a report file: `fpconform report validate`, and every report
// command's first step (reports/schema/report.schema.json).
#pragma once

#include "report/report.hpp"

#include <nlohmann/json.hpp>

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

}  // namespace fpc
