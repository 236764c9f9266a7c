// Helpers shared by the quantization tests (test_quant_*.cpp): exact values from text, and an
// exact-identity expectation that prints both values.
#pragma once

#include "fpconform/exact.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

namespace quant_test {

inline fpc::ExactValue val(const char* t) { return fpc::parse_value(t); }

inline std::vector<fpc::ExactValue> values(std::initializer_list<const char*> texts) {
  std::vector<fpc::ExactValue> v;
  for (const char* t : texts) v.push_back(val(t));
  return v;
}

}  // namespace quant_test

#define EXPECT_IDENTICAL(a, b) \
  EXPECT_TRUE(fpc::identical((a), (b))) << "  got " << fpc::to_exact_string(a) << "\n  want " << fpc::to_exact_string(b)
