// The renderings of a report: `fpconform report summary` (Markdown, --junit) and the one-line
// findings that it and `report diff` show.
#pragma once

#include "report/schema.hpp"

#include <string>

namespace fpc {

// The Markdown summary (a table of checks, then each failing check's counterexamples) and the
// JUnit XML rendering (one testsuite per subject, one testcase per check).
std::string markdown_summary(const LoadedReport& r);
std::string junit_xml(const LoadedReport& r);

// One failing check as the summary shows it: "FAIL id", the semantics, what it found, then the
// counterexamples TestFloat style (the fuzz targets print their findings with it).
std::string check_failure_text(const CheckRecord& c, size_t max_examples);

// What a check found, in one line: "1536 of 25510 cases failed (tie_breaking 1536); behaves exactly
// as: rna"; for a block check: "claimed ideal: 5/73 blocks differ (...); cuda: identical on 73 blocks".
std::string finding(const CheckRecord& c);
std::string block_finding(const BlockCheckRecord& c);
// The mismatch classes of an outcome with their counts: "tie_breaking 1536, overflow 2".
std::string classes_text(const CheckOutcome& o);

}  // namespace fpc
