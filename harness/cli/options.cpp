#include "cli/options.hpp"

namespace fpc::cli {

std::set<std::string> with(std::set<std::string> base, std::initializer_list<std::string> more) {
  base.insert(more);
  return base;
}

Semantics parse_semantics(const Args& a, bool random_per_case) {
  Semantics s;
  if (auto r = a.value("rounding")) s.rounding = rounding_by_name(*r);
  s.policy.saturate = a.flag("saturate");
  s.policy.ftz = a.flag("ftz");
  s.policy.daz = a.flag("daz");
  if (auto v = a.value("inf-under-saturation")) {
    if (*v == "max") s.policy.inf_under_saturation = InfUnderSaturation::Max;
    else if (*v == "nan") s.policy.inf_under_saturation = InfUnderSaturation::NaN;
    else throw InputError("--inf-under-saturation takes max or nan");
  }
  if (auto v = a.value("nan-policy")) {
    if (*v == "unpinned") s.policy.nan_into_no_nan = NanIntoNoNan::Unpinned;
    else if (*v == "max") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveMax;
    else if (*v == "zero") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveZero;
    else if (*v == "negzero") s.policy.nan_into_no_nan = NanIntoNoNan::NegativeZero;
    else throw InputError("--nan-policy takes unpinned, max, zero or negzero");
  }
  auto bits = a.value("sr-bits"), random = a.value("sr-random");
  if ((bits || random) && s.rounding != Rounding::Stochastic)
    throw InputError("--sr-bits/--sr-random go with --rounding sr");
  if (s.rounding == Rounding::Stochastic) {
    if (random_per_case && random) throw InputError("--sr-random is not taken here: each case gets its own random bits");
    if (!bits || (!random && !random_per_case)) throw InputError("--rounding sr needs --sr-bits K and --sr-random R");
    s.random.k = static_cast<int>(Args::parse_unsigned("sr-bits", *bits, 64));
    if (random) s.random.r = Args::parse_unsigned("sr-random", *random, ~uint64_t{0});
  }
  return s;
}

json semantics_json(const Semantics& s) {
  json j = {{"rounding", std::string(short_name(s.rounding))},
            {"saturate", s.policy.saturate},
            {"ftz", s.policy.ftz},
            {"daz", s.policy.daz}};
  if (s.rounding == Rounding::Stochastic) j["sr"] = {{"bits", s.random.k}, {"random", s.random.r}};
  return j;
}

}  // namespace fpc::cli
