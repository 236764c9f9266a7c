#include "fpconform/semantics.hpp"

#include "fpconform/arith.hpp"

#include <array>

namespace fpc {

int OpSemantics::arity() const { return op == "convert" ? 1 : fpc::arity(op_by_name(op)); }

std::string OpSemantics::describe() const {
  std::string s = op + " " + in->name + "->" + out->name + " " + std::string(short_name(rounding));
  if (rounding == Rounding::Stochastic) s += "/" + std::to_string(sr_bits);
  if (policy.saturate) s += " sat";
  if (policy.ftz) s += " ftz";
  if (policy.daz) s += " daz";
  return s;
}

RoundResult oracle_case(const OpSemantics& s, const uint64_t* operands) {
  const int n = s.arity();
  RandomBits rb;
  if (s.rounding == Rounding::Stochastic) rb = {s.sr_bits, operands[n]};
  if (s.op == "convert") return convert(operands[0], *s.in, *s.out, s.rounding, s.policy, rb);
  return eval(op_by_name(s.op), std::span(operands, static_cast<size_t>(n)), *s.in, *s.out, s.rounding, s.policy, rb);
}

BatchFn exact_reference(const OpSemantics& s) {
  const size_t arrays = static_cast<size_t>(s.arity()) + (s.rounding == Rounding::Stochastic ? 1 : 0);
  return [s, arrays](const uint64_t* const* in, uint64_t* out, size_t n) {
    std::array<uint64_t, 4> operands{};
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < arrays; ++k) operands[k] = in[k][i];
      out[i] = oracle_case(s, operands.data()).code;
    }
  };
}

}  // namespace fpc
