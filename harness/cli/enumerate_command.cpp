#include "cli/enumerate_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "fpconform/code_class.hpp"

#include <ostream>

namespace fpc::cli {

int cmd_enumerate(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (a.positional().size() != 1) throw InputError("enumerate takes one FORMAT");
  const Format& f = format_by_name(a.positional()[0]);
  if (f.bits() > 16) throw InputError("enumerate lists formats of at most 16 bits; " + f.name + " has " +
                                      std::to_string(f.bits()));
  if (a.flag("json")) {
    json codes = json::array();
    for (uint64_t c = 0; c < f.code_count(); ++c) codes.push_back(describe_code(f, c));
    out << json{{"format", f.name}, {"codes", codes}}.dump(1) << "\n";
    return 0;
  }
  for (uint64_t c = 0; c < f.code_count(); ++c) {
    std::string cls(to_string(code_class(f, c)));
    cls.resize(10, ' ');
    out << code_hex(f, c) << "  " << code_fields(f, c) << "  " << cls << decode_text(f, c) << "\n";
  }
  return 0;
}

}  // namespace fpc::cli
