// Deliberately wrong subjects that test the checker (test_only = true): each one reproduces a
// defect class from docs/design.md "What real bugs look like" while claiming correct semantics.
#pragma once

#include "fpconform/subject.hpp"

namespace fpc::test_subjects {

// "planted_bugs": float32 -> bfloat16 with ties away (claims rne), float32 -> bfloat16 by
// truncation (claims rne), float32 -> float8_e4m3fn by double rounding through float16 (claims
// rne, saturating), float32 -> float8_e4m3fn clamped to ±448 before rounding (claims
// non-saturating rne).
Subject make_planted_bugs_subject();

}  // namespace fpc::test_subjects
