// FUZZ-ONLY subject "fuzz_planted": one converter with a bug that enumeration-style suites are
// unlikely to hit and a coverage-guided fuzzer must find (the reach test, fuzz/CMakeLists.txt).
//
//   float32_to_bfloat16_sticky_one  claims rne; correct except in the binade [64, 128) (exponent
//                                   field 0x85) when the 15 bits below the rounding bit are
//                                   exactly 0b000000000000001: then it returns the other
//                                   neighbour (rounds up instead of down, or down instead of up).
// 2^-23 of all float32 codes (512 codes) trigger it.
#pragma once

#include "fpconform/subject.hpp"

namespace fpc::fuzz {

Subject make_fuzz_planted_subject();

}  // namespace fpc::fuzz
