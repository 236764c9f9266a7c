// A deliberately simple second evaluation of the dot-product model rows, for tests and the
// dot_models fuzz target: every value an exact rational (boost cpp_rational), codes decoded from
// their bit fields, every rounding written out from its definition. It shares nothing with
// oracle/src/dot.cpp but the DotModel row and the format table, so the two agreeing on random and
// fuzzed inputs is evidence that the fast evaluator does what docs/mma.md says.
#pragma once

#include "fpconform/dot.hpp"

#include <cstdint>
#include <span>

namespace fpc::testing {

// D = a . b + c under the row, as dot() computes it (same inputs, same NaN codes). Throws
// std::logic_error on an input dot() rejects (callers only pass accepted ones).
uint64_t reference_dot(const DotModel& model, const Format& in, std::span<const uint64_t> a,
                       std::span<const uint64_t> b, uint64_t c, const GemmOptions& gemm = {},
                       const DotScales* scales = nullptr);

}  // namespace fpc::testing
