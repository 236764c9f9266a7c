// Random dot-product cases aimed at what the models treat specially (shared by
// tests/test_dot_reference.cpp and the dot_models fuzz target's seeds): operands mostly finite
// within a few binades of each other (so that truncation, carries and cancellation happen), with
// zeros, subnormals, the largest values, infinities and NaN mixed in.
#pragma once

#include "fpconform/dot.hpp"

#include <cstdint>
#include <vector>

namespace fpc::testing {

// A code of f drawn by one byte of shape and the following random bits: `centre` is the biased
// exponent field most finite draws lie near.
uint64_t random_code(const Format& f, uint64_t bits, int centre);

}  // namespace fpc::testing
