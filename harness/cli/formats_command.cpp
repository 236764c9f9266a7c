#include "cli/formats_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"

#include <cstdio>
#include <ostream>

namespace fpc::cli {

int cmd_formats(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (!a.positional().empty()) throw InputError("formats takes no arguments");
  json all = json::array();
  for (const Format& f : builtin_formats()) all.push_back(format_summary(f));
  if (a.flag("json")) {
    out << all.dump(2) << "\n";
    return 0;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-10s %4s  %-8s %5s  %-5s %-11s %s\n", "name", "kind", "bits", "layout",
                "bias", "nan", "max", "description");
  out << line;
  for (const json& j : all) {
    std::string layout = "-", bias = "-", nan = "-";
    if (j["kind"] == "float") {
      layout = std::string(j["sign"].get<bool>() ? "1" : "0") + "/" + std::to_string(j["exponent_bits"].get<int>()) + "/" +
               std::to_string(j["mantissa_bits"].get<int>());
      bias = std::to_string(j["bias"].get<int>());
      nan = j["nonfinite"].get<std::string>();
    }
    std::snprintf(line, sizeof line, "%-20s %-10s %4d  %-8s %5s  %-5s %-11s %s\n", j["name"].get<std::string>().c_str(),
                  j["kind"].get<std::string>().c_str(), j["bits"].get<int>(), layout.c_str(), bias.c_str(), nan.c_str(),
                  j["max"]["decimal"].get<std::string>().c_str(), j["description"].get<std::string>().c_str());
    out << line;
  }
  out << "user formats: eXmY[:bias=N][:nan=ieee|fn|fnuz|none][:subnormals=on|off][:unsigned]\n";
  return 0;
}

}  // namespace fpc::cli
