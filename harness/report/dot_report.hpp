// Dot checks in a report (docs/design.md, "Kinds of check"): the "dot_checks" array, its summary
// counts (summary.dot_checks) and the merge of its shards. Written only when a run made dot checks,
// so reports without them keep their shape (and the schema its version).
#pragma once

#include "report/report.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace fpc {

// Adds "dot_checks" and summary.dot_checks {checks, passed, failed, skipped, errors, dots, differing}
// to a report's JSON (and the interrupted dot checks to summary.interrupted); nothing when none.
void dot_checks_to_json(const Report& r, nlohmann::json& j);
// Reads "dot_checks" where present (nlohmann exceptions / InputError when malformed).
void dot_checks_from_json(const nlohmann::json& j, Report& r);
// The dot checks of the shards, joined by id in first-seen order (merge_dot_check). InputError for
// an interrupted shard or ranges that do not tile.
std::vector<DotCheckRecord> merge_dot_checks(const std::vector<Report>& shards);

// The renderers' pieces for dot checks. They take the report renderers' own escaping, so that
// one escaper serves every kind: `cell(text, code_span)` for Markdown cells, `status(s)` for a
// status cell, `xml(text, attribute)` for XML.
using TextEscape = std::function<std::string(const std::string&, bool)>;
// "### Dot checks": a table (status, check, claim, dots, differ, diagnosis, seconds) and, for each
// failing check, its claim, case kinds and first differing dots; "" when the report has none.
std::string dot_checks_markdown(const Report& r, const TextEscape& cell, const std::function<std::string(const std::string&)>& status);
// A check's one-line finding: "274 of 1392 dots differ from h100 (...); behaves exactly as: ...".
std::string dot_finding(const DotCheckRecord& c);
// The first differing dots, one per line: "#12 below_cut K=16: expected 0x3f800000 (1), got 0x3f800001 (...)".
std::string dot_mismatches_text(const DotCheckRecord& c);
// JUnit: one <testcase> per dot check of `subject` (classname fpconform.SUBJECT, name "dot OP/LABEL").
std::string dot_checks_junit(const Report& r, const std::string& subject, const TextEscape& xml);

// The facts about dot_checks the schema cannot express (report validate): ids, ranges, counts
// against status, summary.dot_checks against the checks. Appends "where: what" lines to `errors`;
// returns the number of failing or erroring dot checks and adds the interrupted ones to `interrupted`.
uint64_t dot_check_consistency(const nlohmann::json& j, std::vector<std::string>& errors, uint64_t& interrupted);

}  // namespace fpc
