#include "cli/eval_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "cli/options.hpp"
#include "fpconform/arith.hpp"

#include <ostream>

namespace fpc::cli {

int cmd_eval(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, with(kPolicyValued, {"format", "to"}), kPolicyFlags);
  if (a.positional().empty()) throw InputError("eval needs an operation");
  const std::string& op_name = a.positional()[0];
  const Format& in = format_by_name(a.required("format"));
  const Format& result_format = a.value("to") ? format_by_name(*a.value("to")) : in;
  Semantics s = parse_semantics(a);
  std::vector<uint64_t> codes;
  for (size_t i = 1; i < a.positional().size(); ++i) codes.push_back(parse_operand(in, a.positional()[i]));
  std::string operands;
  json operands_json = json::array();
  for (uint64_t c : codes) {
    operands += (operands.empty() ? "" : ", ") + code_hex(in, c) + " [" + to_exact_string(decode(in, c).value) + "]";
    operands_json.push_back(describe_code(in, c));
  }
  if (op_name == "compare") {
    if (codes.size() != 2) throw InputError("compare takes 2 operands");
    Ordering o = compare_codes(in, codes[0], codes[1], s.policy.daz);
    if (a.flag("json"))
      out << json{{"op", "compare"}, {"format", in.name}, {"operands", operands_json}, {"result", to_string(o)}}.dump(2)
          << "\n";
    else
      out << "compare(" << operands << ") = " << to_string(o) << "\n";
    return 0;
  }
  Op op = op_by_name(op_name);
  if (static_cast<int>(codes.size()) != arity(op))
    throw InputError(op_name + " takes " + std::to_string(arity(op)) + " operand(s), got " + std::to_string(codes.size()));
  RoundResult r = eval(op, codes, in, result_format, s.rounding, s.policy, s.random);
  if (a.flag("json")) {
    out << json{{"op", op_name},
                {"format", in.name},
                {"to", result_format.name},
                {"semantics", semantics_json(s)},
                {"operands", operands_json},
                {"result", describe_code(result_format, r.code)},
                {"flags", flags_to_json(r.flags)},
                {"implementation_defined", r.implementation_defined}}
               .dump(2)
        << "\n";
  } else {
    out << op_name << "(" << operands << ") -> " << code_line(result_format, r.code) << flag_suffix(r) << "\n";
  }
  return 0;
}

}  // namespace fpc::cli
