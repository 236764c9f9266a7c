// FUZZ-ONLY subject "fuzz_planted": one converter with a bug that enumeration-style suites are
// unlikely to hit and a coverage-guided fuzzer must find (the reach test, fuzz/CMakeLists.txt).
//
//   float32_to_bfloat16_sticky_one  claims rne; correct except in the binade [64, 128) (exponent
//                                   field 0x85) when the 15 bits below the rounding bit are
//                                   exactly 0b000000000000001: then it returns the other
//                                   neighbour (rounds up instead of down, or down instead of up).
// 2^-23 of all float32 codes (512 codes) trigger it.
#pragma once

#include "fpconform/block_subject.hpp"
#include "fpconform/subject.hpp"

namespace fpc::fuzz {

Subject make_fuzz_planted_subject();

// FUZZ-ONLY block subject "fuzz_planted_block" (the block reach test): claims MXFP4 [ideal] with
// 32-value blocks and answers the oracle's ideal quantization, except that when the block's amax
// is an exact power of two (4 * 2^E, the bottom of the binade whose scale is 2^E), a value exactly
// at the tie 2.5 * 2^E between the E2M1 values 2 and 3 gets 3 (code 0x5 or 0xd) instead of the
// even 2: a block shape random blocks almost never take.
BlockSubject make_fuzz_planted_block_subject();

}  // namespace fpc::fuzz
