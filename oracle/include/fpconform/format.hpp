// Number formats as data.
//
// A Format is one row of the table in oracle/src/format_table.cpp (or the result of parsing a
// user spec such as "e5m2:bias=16:nan=fnuz"). Everything else — names, CLI listings, JSON,
// generators, typed tests — is derived from these fields, so adding a format is one row.
#pragma once

#include "fpconform/exact.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fpc {

enum class FormatKind {
  Float,      // sign? | exponent | mantissa, IEEE-style or one of the departures below
  Integer,    // two's complement (signed) or plain binary (unsigned)
  CodeTable,  // each code names one exact value from a table (nf4, bnb_fp4)
};

// How a binary float spends its codes on non-finite values.
enum class NonFinite {
  Ieee,    // exponent all ones: mantissa 0 is ±inf, anything else NaN (IEEE 754)
  FN,      // no inf; NaN only where exponent and mantissa are all ones (OCP E4M3, E8M0)
  FNUZ,    // no inf, no -0; the single NaN is the -0 pattern (sign 1, rest 0)
  Finite,  // neither inf nor NaN (OCP FP6/FP4)
};

struct Format {
  std::string name;         // canonical name, e.g. "float8_e4m3fn"
  FormatKind kind = FormatKind::Float;
  std::string description;  // encoding and the specification it follows

  // --- Float ---
  bool has_sign = true;
  int exp_bits = 0;
  int man_bits = 0;
  int bias = 0;
  NonFinite nonfinite = NonFinite::Ieee;
  bool has_subnormals = true;  // false: exponent field 0 encodes only zeros
  bool has_zero = true;        // false: exponent field 0 is an ordinary binade (E8M0)

  // --- Integer ---
  int int_bits = 0;  // has_sign says signed/unsigned

  // --- CodeTable ---
  int table_bits = 0;
  std::vector<std::string> table_literals;  // as written by the defining source
  std::string table_literal_format;         // the literals' rounding target ("float32"), or ""
  std::vector<ExactValue> table;            // exact value of each code (filled by the table)

  // --- derived, for every kind ---
  int bits() const;                     // code width in bits
  uint64_t code_count() const;          // 2^bits (0 when bits == 64)
  uint64_t code_mask() const;
  bool has_inf() const;
  bool has_nan() const;
  bool has_negative_zero() const;

  // Float geometry (precision p = man_bits + 1).
  int emin() const;  // exponent of the smallest normal binade
  int emax() const;  // exponent of the largest finite binade
  int top_finite_exp_field() const;
  uint64_t top_finite_mantissa() const;

  uint64_t max_finite_code() const;         // largest finite value
  uint64_t lowest_finite_code() const;      // most negative (or smallest, if unsigned) value
  uint64_t min_normal_code() const;         // Float only
  uint64_t min_positive_code() const;       // smallest positive value (subnormal if any)
  uint64_t inf_code(bool negative) const;   // requires has_inf()
  uint64_t nan_code() const;                // canonical quiet NaN; requires has_nan()
  uint64_t zero_code(bool negative) const;  // -0 where it exists, else +0
  bool is_user_defined = false;
};

// The table of built-in formats, in a fixed order.
std::span<const Format> builtin_formats();

// Finds a built-in format by canonical name or alias, or parses a user spec:
//   eXmY[:bias=N][:nan=ieee|fn|fnuz|none][:subnormals=on|off][:unsigned]
// X in 1..15 and Y in 0..62 with at most 64 bits in all; the default bias is 2^(X-1) - 1 and
// the default non-finite style is ieee. Throws InputError naming the problem.
const Format& format_by_name(std::string_view name);

// Canonical spelling of a user spec (defaults omitted), e.g. "e5m2:bias=16:nan=fnuz".
std::string canonical_spec(const Format& f);

std::string to_string(FormatKind k);
std::string to_string(NonFinite n);

}  // namespace fpc
