// A small, strict argument parser for the CLI. Only arguments starting with "--" are options,
// so values such as "-0" or "-27.15625" are always positional; "--" ends the options.
#pragma once

#include "fpconform/exact.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fpc::cli {

class Args {
 public:
  // `valued` options take a value ("--to X" or "--to=X"); `flags` take none. Anything else
  // starting with "--" is an InputError.
  Args(const std::vector<std::string>& args, const std::set<std::string>& valued, const std::set<std::string>& flags,
       const std::set<std::string>& repeatable = {});

  bool flag(const std::string& name) const { return flags_.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
  // Every value of a repeatable option, in order; comma-separated values are split.
  std::vector<std::string> values(const std::string& name) const;
  std::string required(const std::string& name) const;  // InputError when missing
  const std::vector<std::string>& positional() const { return positional_; }

  // Parses a non-negative decimal integer option value, InputError on anything else.
  static uint64_t parse_unsigned(const std::string& option, const std::string& text, uint64_t max);
  // Seconds for --case-timeout / --check-timeout: a positive decimal ("0.5", "60"); 0 only where
  // `zero_means_none`.
  static double parse_seconds(const std::string& option, const std::string& text, bool zero_means_none);

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> repeated_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace fpc::cli
