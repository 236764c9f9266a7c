// The rounding and POLICY options that convert, eval and cases share (see 'fpconform help').
#pragma once

#include "cli/args.hpp"
#include "fpconform/round.hpp"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <set>
#include <string>

namespace fpc::cli {

using nlohmann::json;

inline const std::set<std::string> kPolicyValued = {"rounding", "inf-under-saturation", "nan-policy", "sr-bits", "sr-random"};
inline const std::set<std::string> kPolicyFlags = {"saturate", "ftz", "daz", "json"};

// `base` with `more` added: a command's valued options are the policy options plus its own.
std::set<std::string> with(std::set<std::string> base, std::initializer_list<std::string> more);

struct Semantics {
  Rounding rounding = Rounding::NearestEven;
  Policy policy;
  RandomBits random;
};

// random_per_case: the cases of a check draw their own random bits, so --sr-random is not taken.
Semantics parse_semantics(const Args& a, bool random_per_case = false);
json semantics_json(const Semantics& s);

}  // namespace fpc::cli
