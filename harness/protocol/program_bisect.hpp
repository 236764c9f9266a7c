// `fpconform check DIR --exec CMD`: when the program under test crashes, fails or hangs on the
// whole cases directory, find the one case it fails on. The program is run again on subsets of
// the cases (each a cases directory of its own, docs/file-protocol.md "Subsets"), halving the
// failing range until one case fails alone.
#pragma once

#include "check/worker.hpp"

#include <optional>
#include <string>

namespace fpc {

struct ProgramBisection {
  std::optional<FailingCase> failing_case;  // the case the program fails on alone
  std::string note;  // when there is none: why ("fails only on cases 12..19 together", "...")
  int runs = 0;      // how many times the program was run
};

// Runs `command` (by /bin/sh -c, the subset directory as $1) on halves of the element cases
// directory `dir` until a single case fails; each run may take `step_timeout` seconds (0: no
// limit). The subsets live in a temporary directory, removed before returning.
ProgramBisection bisect_program(const std::string& dir, const std::string& command, double step_timeout);

}  // namespace fpc
