#include "cli/args.hpp"

#include <cerrno>
#include <cstdlib>

namespace fpc::cli {

Args::Args(const std::vector<std::string>& args, const std::set<std::string>& valued,
           const std::set<std::string>& flags, const std::set<std::string>& repeatable) {
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.rfind("--", 0) != 0) {
      positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(2), val;
    size_t eq = name.find('=');
    bool has_inline = eq != std::string::npos;
    if (has_inline) {
      val = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (repeatable.count(name)) {
      if (!has_inline) {
        if (i + 1 >= args.size()) throw InputError("option --" + name + " needs a value");
        val = args[++i];
      }
      size_t start = 0;
      while (start <= val.size()) {
        size_t comma = val.find(',', start);
        std::string part = val.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (part.empty()) throw InputError("option --" + name + " has an empty value");
        repeated_[name].push_back(part);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (valued.count(name)) {
      if (!has_inline) {
        if (i + 1 >= args.size()) throw InputError("option --" + name + " needs a value");
        val = args[++i];
      }
      if (values_.count(name)) throw InputError("option --" + name + " given twice");
      values_[name] = val;
    } else if (flags.count(name) && !has_inline) {
      flags_.insert(name);
    } else {
      throw InputError("unknown option '" + a.substr(0, 60) + "'");
    }
  }
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = repeated_.find(name);
  return it == repeated_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::required(const std::string& name) const {
  auto v = value(name);
  if (!v) throw InputError("missing required option --" + name);
  return *v;
}

double Args::parse_seconds(const std::string& option, const std::string& text, bool zero_means_none) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !(v >= 0) || v > 1e7 ||
      (v == 0 && !zero_means_none))
    throw InputError("--" + option + " takes seconds (" + (zero_means_none ? "0 for no limit, " : "") +
                     "e.g. 0.5 or 60), got '" + text.substr(0, 40) + "'");
  return v;
}

uint64_t Args::parse_unsigned(const std::string& option, const std::string& text, uint64_t max) {
  if (text.empty() || text.size() > 20) throw InputError("--" + option + " needs a whole number, got '" + text + "'");
  BigInt v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw InputError("--" + option + " needs a whole number, got '" + text.substr(0, 40) + "'");
    v = v * 10 + (c - '0');
  }
  if (v > max) throw InputError("--" + option + " must be at most " + std::to_string(max));
  return static_cast<uint64_t>(v);
}

}  // namespace fpc::cli
