// Known deviations: built-in subject ops that deviate from their documented semantics in a way
// that is understood and recorded (docs/cuda.md "What the headers implement"). One table, read by
// the run (a check whose every mismatch is of a listed class is reported "known_deviation" and
// does not fail the run unless --no-known-deviations), by the properties (which must still find
// the deviation, so an entry cannot outlive it unnoticed) and by the differential fuzzer (which
// keeps fuzzing these ops and stops only on mismatches of other classes).
//
// An entry may hold for some releases only: `versions` is a half-open range of release labels,
// "[12.2,13.4)" (12.2 up to, not including, 13.4; "[12.8,12.8.90)" is 12.8 GA alone). It applies
// to cuda_host@VERSION for VERSION in the range, and to cuda_host when the machine's own CUDA
// release lies in it. Written together: cuda_host@[12.2,13.4).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fpc {

struct KnownDeviation {
  std::string subject;               // registry subject family, e.g. "cuda_host"
  std::string op;                    // its op name, e.g. "bfloat16_max_nan"
  std::vector<std::string> classes;  // the only mismatch classes it shows (checker class names)
  std::string summary;               // one line: what the implementation does instead
  std::string reference;             // where it is documented in this repository
  std::string versions;              // release range "[FROM,TO)" ("" = every release)
};

// Every known deviation, in a fixed order.
const std::vector<KnownDeviation>& known_deviations();

// The entry for (subject, op), or nullptr. `subject` is a registry name: "cuda_host@13.3" is the
// family "cuda_host" at release 13.3; "cuda_host" is at the machine's CUDA release.
const KnownDeviation* find_known_deviation(std::string_view subject, std::string_view op);

// Release labels as numbers: "12.8.57" -> {12, 8, 57}; nullopt unless digits separated by dots.
std::optional<std::vector<int>> parse_release(std::string_view label);
// Whether `release` lies in `range` ("[FROM,TO)"; "" holds every release). A malformed range
// holds none (the table's test rejects it).
bool release_in_range(std::string_view release, std::string_view range);
// The CUDA release of a registry subject: "cuda_host@13.3" -> "13.3", "cuda_host" -> the machine's
// (the toolkit found at configure time), "" when it has none.
std::string release_of_subject(std::string_view subject);

}  // namespace fpc
