// The report as schema-versioned JSON (reports/schema/report.schema.json), and back. Apart from
// "environment" and each check's "timing", a report is a pure function of the suite, the subjects
// and the seed: identical runs give byte-identical reports.
#pragma once

#include "report/model.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fpc {

// A check's semantics as the report (and the file protocol's cases.json) writes them, and back.
// semantics_from_json: InputError for an unknown op, format, rounding or policy value;
// nlohmann::json::exception for a missing field or a wrong type.
nlohmann::json semantics_to_json(const OpSemantics& s);
OpSemantics semantics_from_json(const nlohmann::json& j);

// A block check as a report's block_checks entry (also what 'quantize --check --json' prints).
nlohmann::json block_check_to_json(const BlockCheckRecord& r);

nlohmann::json to_json(const Report& r);
// Reads a report written by to_json; InputError (one line) for anything malformed.
Report report_from_json(const nlohmann::json& j);
Report read_report(const std::string& path);
void write_report(const Report& r, const std::string& path);

}  // namespace fpc
