// Shared pieces of the oracle-law properties: rounding shorthands and the loop that runs one law
// as a property for every built-in format (and every rounding mode).
#pragma once

#include "generators.hpp"
#include "property.hpp"

#include "fpconform/round.hpp"

#include <string>

namespace fpc::laws {

inline RoundResult round(const ExactValue& x, const Format& f, Rounding m, RandomBits b = {}) {
  return round_to_format(x, f, m, Policy{}, b);
}
inline ExactValue value(const Format& f, const RoundResult& r) { return gen::value_of(f, r.code); }

// Whether x lies within f's finite range [lowest, max]: there every mode gives a finite neighbour.
inline bool in_range(const Format& f, const ExactValue& x) {
  return !x.is_nan() && !x.is_inf() && compare(gen::value_of(f, f.lowest_finite_code()), x) <= 0 &&
         compare(x, gen::value_of(f, f.max_finite_code())) <= 0;
}

// "The code is odd" in the sense rne and rod use (docs/semantics.md §5.2): the code's last bit for
// binary floats with m > 0, integers and code tables (its index); every non-zero value for m = 0.
inline bool is_odd(const Format& f, uint64_t code) {
  if (f.kind == FormatKind::Float && f.man_bits == 0) return !gen::value_of(f, code).is_zero();
  return (code & 1) != 0;
}

// Runs law(f) as the property "<law>/<format>" for every built-in format, with `base` cases each.
template <typename Law>
void for_every_format(const std::string& law, int base, const Law& body) {
  for (const Format* f : gen::formats())
    prop::check(law + "/" + f->name, base, [f, &body] { body(*f); });
}

// Runs law(f, mode) as "<law>/<format>/<mode>" for every format and every mode.
template <typename Law>
void for_every_format_and_mode(const std::string& law, int base, const Law& body) {
  for (const Format* f : gen::formats())
    for (Rounding m : kAllRoundings)
      prop::check(law + "/" + f->name + "/" + std::string(short_name(m)), base, [f, m, &body] { body(*f, m); });
}

// Random bits for mode m: drawn for sr, none otherwise.
inline RandomBits bits_for(Rounding m) { return m == Rounding::Stochastic ? *gen::random_bits() : RandomBits{}; }

}  // namespace fpc::laws
