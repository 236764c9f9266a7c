// Known deviations: built-in subject ops that deviate from their documented semantics in a way
// that is understood and recorded (docs/cuda.md "What the headers implement"). One table, read by
// the run (a check whose every mismatch is of a listed class is reported "known_deviation" and
// does not fail the run unless --no-known-deviations), by the properties (which must still find
// the deviation, so an entry cannot outlive it unnoticed) and by the differential fuzzer (which
// keeps fuzzing these ops and stops only on mismatches of other classes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fpc {

struct KnownDeviation {
  std::string subject;               // registry subject, e.g. "cuda_host"
  std::string op;                    // its op name, e.g. "bfloat16_max_nan"
  std::vector<std::string> classes;  // the only mismatch classes it shows (checker class names)
  std::string summary;               // one line: what the implementation does instead
  std::string reference;             // where it is documented in this repository
};

// Every known deviation, in a fixed order.
const std::vector<KnownDeviation>& known_deviations();

// The entry for (subject, op), or nullptr.
const KnownDeviation* find_known_deviation(std::string_view subject, std::string_view op);

}  // namespace fpc
