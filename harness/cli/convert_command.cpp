#include "cli/convert_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "cli/options.hpp"

#include <iostream>
#include <ostream>

namespace fpc::cli {

namespace {

// One code (or, without --from, one value) per line in, one result code per line out. A code line
// is hex with `0x` optional, never binary, and its first field is the code: later fields (the
// expected result and flags of a TestFloat line) are ignored. A bad line is an InputError naming
// its line number, raised after the results of the lines before it are written.
int convert_filter(const Format* from, const Format& to, const Semantics& s, std::istream& in, std::ostream& out) {
  constexpr const char* kBlank = " \t\r";
  std::string line;
  uint64_t number = 0;
  std::string buffer;
  while (std::getline(in, line)) {
    ++number;
    const size_t begin = line.find_first_not_of(kBlank);
    if (begin == std::string::npos) continue;
    const size_t end = from ? line.find_first_of(kBlank, begin) : line.find_last_not_of(kBlank) + 1;
    const std::string field = line.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    try {
      RoundResult r = from ? convert(parse_hex_code(*from, field), *from, to, s.rounding, s.policy, s.random)
                           : round_to_format(parse_value(field), to, s.rounding, s.policy, s.random);
      buffer += code_hex(to, r.code);
      buffer += '\n';
    } catch (const InputError& e) {
      out << buffer << std::flush;
      throw InputError("stdin line " + std::to_string(number) + ": " + e.what());
    }
    if (buffer.size() > (1u << 16)) {
      out << buffer;
      buffer.clear();
    }
  }
  out << buffer;
  return 0;
}

}  // namespace

int cmd_convert(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, with(kPolicyValued, {"to", "from"}), kPolicyFlags);
  const Format& to = format_by_name(a.required("to"));
  const Format* from = a.value("from") ? &format_by_name(*a.value("from")) : nullptr;
  Semantics s = parse_semantics(a);
  if (a.positional().empty()) {
    if (a.flag("json")) throw InputError("--json is not available in filter mode (no VALUE given)");
    return convert_filter(from, to, s, std::cin, out);
  }
  json results = json::array();
  for (const std::string& text : a.positional()) {
    ExactValue x = from ? decode(*from, parse_code(*from, text), s.policy.daz).value : parse_value(text);
    RoundResult r = round_to_format(x, to, s.rounding, s.policy, s.random);
    if (a.flag("json")) {
      json item = {{"input", text},
                   {"input_exact", to_exact_string(x)},
                   {"result", describe_code(to, r.code)},
                   {"flags", flags_to_json(r.flags)},
                   {"implementation_defined", r.implementation_defined}};
      results.push_back(item);
      continue;
    }
    std::string shown = from ? text + " (" + from->name + " " + to_exact_string(x) + ")" : text;
    out << shown << " -> " << code_line(to, r.code) << flag_suffix(r) << "\n";
  }
  if (a.flag("json")) {
    json doc = {{"to", to.name}, {"semantics", semantics_json(s)}, {"results", results}};
    if (from) doc["from"] = from->name;
    out << doc.dump(2) << "\n";
  }
  return 0;
}

}  // namespace fpc::cli
