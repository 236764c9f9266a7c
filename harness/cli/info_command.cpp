#include "cli/info_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"

#include <ostream>

namespace fpc::cli {

namespace {

void print_info_text(const json& j, std::ostream& out) {
  auto field = [&](const std::string& label, const std::string& value) {
    std::string l = label;
    l.resize(18, ' ');
    out << l << value << "\n";
  };
  auto value_text = [](const json& v) {
    std::string s = v.contains("code") ? v["code"].get<std::string>() + "  " : "";
    s += v["exact"].get<std::string>();
    if (v["exact"].get<std::string>().size() > 20) s += "  (~" + v["decimal"].get<std::string>() + ")";
    return s;
  };
  auto list_text = [](const json& a) {
    std::string s;
    for (const json& x : a) s += (s.empty() ? "" : ", ") + x.get<std::string>();
    return s.empty() ? std::string("none") : s;
  };
  field("name", j["name"]);
  field("kind", j["kind"]);
  field("description", j["description"]);
  field("bits", std::to_string(j["bits"].get<int>()));
  if (j["kind"] == "float") {
    field("layout", "sign " + std::to_string(j["sign"].get<bool>() ? 1 : 0) + ", exponent " +
                        std::to_string(j["exponent_bits"].get<int>()) + ", mantissa " +
                        std::to_string(j["mantissa_bits"].get<int>()));
    field("bias", std::to_string(j["bias"].get<int>()));
    field("non-finite", j["nonfinite"]);
    field("subnormals", j["subnormals"].get<bool>() ? "yes" : "no");
    field("emin / emax", std::to_string(j["emin"].get<int>()) + " / " + std::to_string(j["emax"].get<int>()));
  }
  field("max finite", value_text(j["max"]));
  field("lowest", value_text(j["lowest"]));
  if (j.contains("min_normal")) field("min normal", value_text(j["min_normal"]));
  if (j.contains("min_subnormal")) field("min subnormal", value_text(j["min_subnormal"]));
  field("min positive", value_text(j["min_positive"]));
  if (j.contains("eps")) field("eps", value_text(j["eps"]));
  field("zero codes", list_text(j["zero_codes"]));
  field("inf codes", list_text(j["inf_codes"]));
  field("nan codes", list_text(j["nan_codes"]));
  if (j.contains("torch_finfo")) {
    const json& t = j["torch_finfo"];
    out << "torch.finfo       resolution=" << t["resolution"].get<std::string>() << ", min=" << t["min"].get<std::string>()
        << ", max=" << t["max"].get<std::string>() << ", eps=" << t["eps"].get<std::string>()
        << ", smallest_normal=" << t["smallest_normal"].get<std::string>() << ", tiny=" << t["tiny"].get<std::string>()
        << ", bits=" << t["bits"].get<int>() << "\n";
  }
  if (j.contains("table")) {
    out << "table\n";
    for (const json& e : j["table"])
      out << "  " << e["code"].get<std::string>() << "  " << e["literal"].get<std::string>() << "  = "
          << e["exact"].get<std::string>() << "\n";
  }
}

}  // namespace

int cmd_info(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (a.positional().size() != 1) throw InputError("info takes one FORMAT");
  json j = format_info(format_by_name(a.positional()[0]));
  if (a.flag("json")) out << j.dump(2) << "\n";
  else print_info_text(j, out);
  return 0;
}

}  // namespace fpc::cli
