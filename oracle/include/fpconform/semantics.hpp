// What a batch operation computes: the contract shared by subjects (implementations under test)
// and references (the exact oracle and its fast, proven-equal stand-ins).
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace fpc {

// One operation with fully pinned semantics: op is "convert" or an arith op name ("add", ...).
struct OpSemantics {
  std::string op = "convert";
  const Format* in = nullptr;   // format of every operand
  const Format* out = nullptr;  // format of the result
  Rounding rounding = Rounding::NearestEven;
  Policy policy;
  int sr_bits = 0;  // random bits per case when rounding is Stochastic

  int arity() const;  // 1 for convert and sqrt, 2 for add..., 3 for fma
  std::string describe() const;  // "convert float32->float8_e4m3fn rne sat"
};

// Maps n cases to n result codes. in[k][i] is operand k of case i (zero-extended codes); for
// stochastic rounding in[arity][i] holds the case's random bits. Codes travel as integers,
// never as host floats.
using BatchFn = std::function<void(const uint64_t* const* in, uint64_t* out, size_t n)>;

// The exact oracle on one case: operands[0..arity) are codes of s.in, and for stochastic
// rounding operands[arity] holds the random bits. Carries flags and the implementation-defined
// mark, which a batch function does not.
RoundResult oracle_case(const OpSemantics& s, const uint64_t* operands);

// The exact oracle as a batch function (oracle_case per case).
BatchFn exact_reference(const OpSemantics& s);

}  // namespace fpc
