// The one code classifier: the class (zero, subnormal, normal, infinity, NaN) of any code of any
// format from its bits alone, equal to decode(f, code).cls but without building the exact value,
// so the checker's hot paths and the CLI's listings (describe, enumerate, info) share it.
// tests/test_code_class.cpp compares it with decode on every code of every format of at most 16
// bits and on the boundary codes of the wider ones.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <cstdint>

namespace fpc {

// The code must be < 2^bits (as for decode); the class of a wider value is unspecified.
CodeClass code_class(const Format& f, uint64_t code);

}  // namespace fpc
