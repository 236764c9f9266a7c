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

BatchFn exact_reference(const OpSemantics& s) {
  const int n_in = s.arity();
  const bool is_convert = s.op == "convert";
  const Op op = is_convert ? Op::Add : op_by_name(s.op);
  return [s, n_in, is_convert, op](const uint64_t* const* in, uint64_t* out, size_t n) {
    std::array<uint64_t, 3> codes{};
    for (size_t i = 0; i < n; ++i) {
      RandomBits rb;
      if (s.rounding == Rounding::Stochastic) rb = {s.sr_bits, in[n_in][i]};
      if (is_convert) {
        out[i] = convert(in[0][i], *s.in, *s.out, s.rounding, s.policy, rb).code;
        continue;
      }
      for (int k = 0; k < n_in; ++k) codes[static_cast<size_t>(k)] = in[k][i];
      out[i] = eval(op, std::span(codes.data(), static_cast<size_t>(n_in)), *s.in, *s.out, s.rounding, s.policy, rb).code;
    }
  };
}

}  // namespace fpc
