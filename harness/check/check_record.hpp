// The one check record: what every kind of check (element ops, block quantizers, and the kinds to
// come, such as dot products) records in a report, the one status rule, the one status line and
// the one JSON shape of those fields. A kind of check is a record that derives from CheckCommon,
// adds its own findings, and writes them next to the common fields (docs/design.md, "Kinds of
// check"):
//
//   struct DotCheckRecord : CheckCommon { ...findings...; std::string id() const; };
//   json j = common_to_json(r, r.id(), count);  j["counts"] = ...;      // the report writer
//   common_from_json(j, r);                                             // the report reader
//   r.status = check_status({...verdict...});                          // finalize
//   out << check_line(r.status, r.id(), tail);                          // run and check print it
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace fpc {

struct CheckCommon {
  std::string subject, entry;     // the subject's name, and what it calls (symbol, file, kernel)
  std::string case_label;         // which cases: "exhaustive", "random:N", "adversarial", "all:N" ...
  uint64_t seed = 0, range_begin = 0, range_end = 0;  // the cases [range_begin, range_end) this record checked
  std::string status;             // pass, fail, known_deviation, skipped, error (see check_status); interrupted: not run yet
  std::string skipped_reason;     // for skipped
  double seconds = 0;
};

// The one status rule, from a check's verdict: skipped before error before fail; a failure that
// only a known deviation explains is known_deviation (it does not fail a run).
struct CheckVerdict {
  bool skipped = false;
  bool error = false;            // the subject crashed, threw or answered malformed
  bool differs = false;          // some case's answer is not the claimed reference's
  bool known_deviation = false;  // every difference is of a known deviation's classes
};
std::string check_status(const CheckVerdict& v);
// fail, error and interrupted fail a run; pass, known_deviation and skipped do not.
bool failing_status(const std::string& status);

// The one status line: "PASS  id  tail" (the status upper-cased).
std::string check_line(const std::string& status, const std::string& id, const std::string& tail);

// The fields every check writes: id, subject, entry, status, skipped_reason (skipped only),
// cases {kind, label, count, seed, range} and timing {seconds}; a kind adds its own fields and
// its own members of cases and timing. common_from_json reads them back (nlohmann::json
// exceptions for missing or mistyped fields, as the report reader expects).
nlohmann::json common_to_json(const CheckCommon& c, const std::string& id, uint64_t case_count);
void common_from_json(const nlohmann::json& j, CheckCommon& c);

// How many checks of each status, the run's summary counts ({"checks", "passed", "failed",
// "skipped", "errors"} and, when counted, "known_deviations").
struct StatusCounts {
  uint64_t checks = 0, passed = 0, failed = 0, known_deviations = 0, skipped = 0, errors = 0, interrupted = 0;
  void add(const std::string& status);
};

}  // namespace fpc
