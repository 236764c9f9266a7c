#include "fpconform/format.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <mutex>
#include <optional>

namespace fpc {

int Format::bits() const {
  switch (kind) {
    case FormatKind::Float: return (has_sign ? 1 : 0) + exp_bits + man_bits;
    case FormatKind::Integer: return int_bits;
    case FormatKind::CodeTable: return table_bits;
  }
  return 0;
}

uint64_t Format::code_count() const { return bits() >= 64 ? 0 : uint64_t{1} << bits(); }
uint64_t Format::code_mask() const { return bits() >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits()) - 1; }

bool Format::has_inf() const { return kind == FormatKind::Float && nonfinite == NonFinite::Ieee; }
bool Format::has_nan() const {
  return kind == FormatKind::Float && nonfinite != NonFinite::Finite;
}
bool Format::has_negative_zero() const {
  switch (kind) {
    case FormatKind::Float: return has_sign && has_zero && nonfinite != NonFinite::FNUZ;
    case FormatKind::Integer: return false;
    case FormatKind::CodeTable:
      return std::any_of(table.begin(), table.end(), [](const ExactValue& v) { return v.is_zero() && v.negative; });
  }
  return false;
}

int Format::top_finite_exp_field() const {
  int all_ones = (1 << exp_bits) - 1;
  if (nonfinite == NonFinite::Ieee) return all_ones - 1;
  if (nonfinite == NonFinite::FN && man_bits == 0) return all_ones - 1;  // E8M0: 0xFF is NaN
  return all_ones;
}

uint64_t Format::top_finite_mantissa() const {
  uint64_t all_ones = (uint64_t{1} << man_bits) - 1;
  if (nonfinite == NonFinite::FN && man_bits > 0) return all_ones - 1;  // S.1111.111 is NaN
  return all_ones;
}

int Format::emin() const { return (has_zero ? 1 : 0) - bias; }
int Format::emax() const { return top_finite_exp_field() - bias; }

uint64_t Format::max_finite_code() const {
  switch (kind) {
    case FormatKind::Float:
      return (static_cast<uint64_t>(top_finite_exp_field()) << man_bits) | top_finite_mantissa();
    case FormatKind::Integer: return has_sign ? (uint64_t{1} << (int_bits - 1)) - 1 : code_mask();
    case FormatKind::CodeTable: {
      size_t best = 0;
      for (size_t i = 1; i < table.size(); ++i)
        if (compare(table[i], table[best]) > 0) best = i;
      return best;
    }
  }
  return 0;
}

uint64_t Format::lowest_finite_code() const {
  switch (kind) {
    case FormatKind::Float:
      return has_sign ? (max_finite_code() | (uint64_t{1} << (bits() - 1))) : 0;
    case FormatKind::Integer: return has_sign ? uint64_t{1} << (int_bits - 1) : 0;
    case FormatKind::CodeTable: {
      size_t best = 0;
      for (size_t i = 1; i < table.size(); ++i)
        if (compare(table[i], table[best]) < 0) best = i;
      return best;
    }
  }
  return 0;
}

uint64_t Format::min_normal_code() const { return has_zero ? uint64_t{1} << man_bits : 0; }

uint64_t Format::min_positive_code() const {
  switch (kind) {
    case FormatKind::Float: return has_subnormals && man_bits > 0 ? 1 : min_normal_code();
    case FormatKind::Integer: return 1;
    case FormatKind::CodeTable: {
      std::optional<size_t> best;
      for (size_t i = 0; i < table.size(); ++i)
        if (table[i].is_finite_nonzero() && !table[i].negative && (!best || compare(table[i], table[*best]) < 0))
          best = i;
      return best.value_or(0);
    }
  }
  return 0;
}

uint64_t Format::inf_code(bool negative) const {
  uint64_t c = static_cast<uint64_t>((1 << exp_bits) - 1) << man_bits;
  return negative ? c | (uint64_t{1} << (bits() - 1)) : c;
}

uint64_t Format::nan_code() const {
  switch (nonfinite) {
    case NonFinite::Ieee:  // quiet NaN: exponent all ones, mantissa MSB set
      return inf_code(false) | (man_bits > 0 ? uint64_t{1} << (man_bits - 1) : 0);
    case NonFinite::FN: return code_mask() >> (has_sign ? 1 : 0);
    case NonFinite::FNUZ: return uint64_t{1} << (bits() - 1);
    case NonFinite::Finite: break;
  }
  return 0;
}

uint64_t Format::zero_code(bool negative) const {
  switch (kind) {
    case FormatKind::Float: return negative && has_negative_zero() ? uint64_t{1} << (bits() - 1) : 0;
    case FormatKind::Integer: return 0;
    case FormatKind::CodeTable:
      for (size_t i = 0; i < table.size(); ++i)
        if (table[i].is_zero() && table[i].negative == negative) return i;
      for (size_t i = 0; i < table.size(); ++i)
        if (table[i].is_zero()) return i;
      return 0;
  }
  return 0;
}

std::string to_string(FormatKind k) {
  switch (k) {
    case FormatKind::Float: return "float";
    case FormatKind::Integer: return "integer";
    case FormatKind::CodeTable: return "code_table";
  }
  return "?";
}

std::string to_string(NonFinite n) {
  switch (n) {
    case NonFinite::Ieee: return "ieee";
    case NonFinite::FN: return "fn";
    case NonFinite::FNUZ: return "fnuz";
    case NonFinite::Finite: return "none";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// User specs: eXmY[:bias=N][:nan=ieee|fn|fnuz|none][:subnormals=on|off][:unsigned]

namespace {

[[noreturn]] void bad_spec(std::string_view spec, const std::string& why) {
  throw InputError("unknown format '" + std::string(spec.substr(0, 80)) + "': " + why +
                   " (see 'fpconform formats'; user formats are eXmY[:bias=N][:nan=ieee|fn|fnuz|none]"
                   "[:subnormals=on|off][:unsigned])");
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

Format parse_spec(std::string_view spec) {
  auto parts = split(spec, ':');
  std::string_view head = parts[0];
  size_t mpos = head.find('m');
  int e = 0, m = 0;
  if (head.size() < 4 || head[0] != 'e' || mpos == std::string_view::npos || !parse_int(head.substr(1, mpos - 1), e) ||
      !parse_int(head.substr(mpos + 1), m))
    bad_spec(spec, "not a known name or an eXmY spec");
  if (e < 1 || e > 15) bad_spec(spec, "exponent bits must be 1..15");
  if (m < 0 || m > 62) bad_spec(spec, "mantissa bits must be 0..62");
  Format f;
  f.kind = FormatKind::Float;
  f.exp_bits = e;
  f.man_bits = m;
  f.bias = (1 << (e - 1)) - 1;
  f.nonfinite = NonFinite::Ieee;
  f.is_user_defined = true;
  bool seen_bias = false, seen_nan = false, seen_sub = false, seen_unsigned = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view opt = parts[i];
    size_t eq = opt.find('=');
    std::string_view key = opt.substr(0, eq), val = eq == std::string_view::npos ? "" : opt.substr(eq + 1);
    if (key == "bias" && !seen_bias) {
      if (!parse_int(val, f.bias) || f.bias < -100000 || f.bias > 100000)
        bad_spec(spec, "bias must be an integer from -100000 to 100000");
      seen_bias = true;
    } else if (key == "nan" && !seen_nan) {
      if (val == "ieee") f.nonfinite = NonFinite::Ieee;
      else if (val == "fn") f.nonfinite = NonFinite::FN;
      else if (val == "fnuz") f.nonfinite = NonFinite::FNUZ;
      else if (val == "none") f.nonfinite = NonFinite::Finite;
      else bad_spec(spec, "nan must be ieee, fn, fnuz or none");
      seen_nan = true;
    } else if (key == "subnormals" && !seen_sub) {
      if (val == "on") f.has_subnormals = true;
      else if (val == "off") f.has_subnormals = false;
      else bad_spec(spec, "subnormals must be on or off");
      seen_sub = true;
    } else if (key == "unsigned" && eq == std::string_view::npos && !seen_unsigned) {
      f.has_sign = false;
      seen_unsigned = true;
    } else {
      bad_spec(spec, "unknown or repeated option '" + std::string(opt.substr(0, 40)) + "'");
    }
  }
  if (f.bits() > 64) bad_spec(spec, "more than 64 bits");
  if (f.nonfinite == NonFinite::Ieee && e < 2) bad_spec(spec, "nan=ieee needs at least 2 exponent bits");
  if (f.nonfinite == NonFinite::Ieee && m == 0) bad_spec(spec, "nan=ieee needs a mantissa bit to tell NaN from inf (use nan=fn)");
  if (f.nonfinite == NonFinite::FNUZ && !f.has_sign) bad_spec(spec, "nan=fnuz needs a sign bit");
  if (f.nonfinite == NonFinite::FN && m == 0 && e < 2) bad_spec(spec, "nan=fn with no mantissa needs 2 exponent bits");
  if (m == 0) f.has_subnormals = false;  // no mantissa: exponent field 0 is zero only
  f.name = canonical_spec(f);
  f.description = "user-defined";
  return f;
}

}  // namespace

std::string canonical_spec(const Format& f) {
  std::string s = "e" + std::to_string(f.exp_bits) + "m" + std::to_string(f.man_bits);
  if (f.bias != (1 << (f.exp_bits - 1)) - 1) s += ":bias=" + std::to_string(f.bias);
  if (f.nonfinite != NonFinite::Ieee) s += ":nan=" + to_string(f.nonfinite);
  if (!f.has_subnormals && f.man_bits > 0) s += ":subnormals=off";
  if (!f.has_sign) s += ":unsigned";
  return s;
}

const Format& format_by_name(std::string_view name) {
  for (const Format& f : builtin_formats())
    if (f.name == name) return f;
  // Unambiguous short names only: "e5m2" and friends are user specs (IEEE-style by default).
  static const std::pair<std::string_view, std::string_view> aliases[] = {
      {"fp64", "float64"}, {"double", "float64"}, {"fp32", "float32"}, {"float", "float32"},
      {"fp16", "float16"}, {"half", "float16"},   {"bf16", "bfloat16"},
      {"ue5m3", "float8_e5m3fnu"}};
  for (auto [alias, canonical] : aliases)
    if (alias == name) return format_by_name(canonical);
  if (name.empty()) bad_spec(name, "empty name");
  // User specs are interned so references stay valid for the life of the process.
  static std::mutex mu;
  static std::deque<Format> interned;
  Format parsed = parse_spec(name);
  std::lock_guard lock(mu);
  for (const Format& f : interned)
    if (f.name == parsed.name) return f;
  interned.push_back(std::move(parsed));
  return interned.back();
}

}  // namespace fpc
