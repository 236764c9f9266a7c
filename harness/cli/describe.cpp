#include "cli/describe.hpp"

#include "fpconform/code_class.hpp"

#include <algorithm>

namespace fpc::cli {

namespace {

std::string binary(uint64_t v, int width) {
  std::string s;
  for (int i = width - 1; i >= 0; --i) s += ((v >> i) & 1) ? '1' : '0';
  return s;
}

json value_entry(const Format& f, uint64_t code) {
  ExactValue v = decode(f, code).value;
  return {{"code", code_hex(f, code)}, {"exact", to_exact_string(v)}, {"decimal", to_general_string(v, 6)}};
}

json value_only(const ExactValue& v) {
  return {{"exact", to_exact_string(v)}, {"decimal", to_general_string(v, 6)}};
}

// Largest P with 10^P <= 2^m: numpy/torch's "precision", so resolution = 10^-P.
int decimal_precision(int man_bits) {
  BigInt limit = BigInt(1) << man_bits, p10 = 10;
  int p = 0;
  while (p10 <= limit) {
    ++p;
    p10 *= 10;
  }
  return p;
}

json code_ranges(const Format& f, std::vector<std::pair<uint64_t, uint64_t>> ranges) {
  json out = json::array();
  for (auto [lo, hi] : ranges) out.push_back(lo == hi ? json(code_hex(f, lo)) : json(code_hex(f, lo) + ".." + code_hex(f, hi)));
  return out;
}

json nan_encodings(const Format& f) {
  if (!f.has_nan()) return json::array();
  const uint64_t sign = f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0;
  std::vector<std::pair<uint64_t, uint64_t>> r;
  switch (f.nonfinite) {
    case NonFinite::Ieee: {
      uint64_t inf = f.inf_code(false), last = inf | ((uint64_t{1} << f.man_bits) - 1);
      r.push_back({inf + 1, last});
      if (sign) r.push_back({sign | (inf + 1), sign | last});
      break;
    }
    case NonFinite::FN:
      r.push_back({f.nan_code(), f.nan_code()});
      if (sign) r.push_back({sign | f.nan_code(), sign | f.nan_code()});
      break;
    case NonFinite::FNUZ: r.push_back({f.nan_code(), f.nan_code()}); break;
    case NonFinite::Finite: break;
  }
  return code_ranges(f, r);
}

}  // namespace

std::string code_hex(const Format& f, uint64_t code) {
  static const char* digits = "0123456789abcdef";
  int width = std::max(1, (f.bits() + 3) / 4);
  std::string s(static_cast<size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i, code >>= 4) s[static_cast<size_t>(i)] = digits[code & 15];
  return "0x" + s;
}

std::string code_fields(const Format& f, uint64_t code) {
  if (f.kind != FormatKind::Float) return binary(code, f.bits());
  std::string s;
  if (f.has_sign) s = binary(code >> (f.exp_bits + f.man_bits), 1) + ".";
  s += binary((code >> f.man_bits) & ((uint64_t{1} << f.exp_bits) - 1), f.exp_bits);
  if (f.man_bits > 0) s += "." + binary(code & ((uint64_t{1} << f.man_bits) - 1), f.man_bits);
  return s;
}

namespace {

// The code written by `digits` in `base` (2 or 16); `text` is what the user wrote, for messages.
uint64_t code_from_digits(const Format& f, const std::string& text, const std::string& digits, int base) {
  if (digits.empty() || digits.size() > 64) throw InputError("malformed code '" + text.substr(0, 40) + "' for " + f.name);
  uint64_t v = 0;
  for (char c : digits) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0 || d >= base) throw InputError("malformed code '" + text.substr(0, 40) + "' for " + f.name);
    if (v >> (64 - (base == 16 ? 4 : 1))) throw InputError("code '" + text.substr(0, 40) + "' is wider than 64 bits");
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (v & ~f.code_mask())
    throw InputError("code '" + text.substr(0, 40) + "' does not fit " + f.name + " (" + std::to_string(f.bits()) +
                     " bits)");
  return v;
}

bool has_prefix(const std::string& text, char lower) {
  return text.size() >= 2 && text[0] == '0' && (text[1] == lower || text[1] == lower - 'a' + 'A');
}

}  // namespace

uint64_t parse_code(const Format& f, const std::string& text) {
  if (has_prefix(text, 'b')) return code_from_digits(f, text, text.substr(2), 2);
  return parse_hex_code(f, text);
}

uint64_t parse_hex_code(const Format& f, const std::string& text) {
  return code_from_digits(f, text, has_prefix(text, 'x') ? text.substr(2) : text, 16);
}

uint64_t parse_operand(const Format& f, const std::string& text) {
  bool prefixed = text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0 || text.rfind("0b", 0) == 0 ||
                  text.rfind("0B", 0) == 0;
  if (prefixed && text.find_first_of("pP.") == std::string::npos) return parse_code(f, text);
  RoundResult r = round_to_format(parse_value(text), f, Rounding::NearestEven);
  if (r.flags & (kInexact | kInvalid | kOverflow))
    throw InputError("operand '" + text.substr(0, 40) + "' is not a value of " + f.name + " (nearest: " +
                     code_hex(f, r.code) + " = " + to_exact_string(decode(f, r.code).value) +
                     "); pass a code or a representable value");
  return r.code;
}

std::string short_decimal(const Format& f, uint64_t code) {
  ExactValue v = decode(f, code).value;
  if (!v.is_finite_nonzero() || f.kind == FormatKind::Integer) return to_exact_string(v);
  if (f.kind == FormatKind::CodeTable) return f.table_literals[code];  // as the defining source writes it
  for (int digits = 1; digits <= 17; ++digits) {
    std::string s = to_general_string(v, digits);
    if (round_to_format(parse_value(s), f, Rounding::NearestEven).code == code) return s;
  }
  return to_exact_string(v);
}

std::string decode_text(const Format& f, uint64_t code) {
  // Long exact expansions get the shortest round-trip decimal beside them.
  std::string exact = to_exact_string(decode(f, code).value);
  return exact.size() <= 20 ? exact : exact + "  (~" + short_decimal(f, code) + ")";
}

json describe_code(const Format& f, uint64_t code) {
  Decoded d = decode(f, code);
  return {{"code", code_hex(f, code)},
          {"fields", code_fields(f, code)},
          {"class", std::string(to_string(code_class(f, code)))},
          {"exact", to_exact_string(d.value)},
          {"decimal", short_decimal(f, code)}};
}

json flags_to_json(unsigned flags) {
  json a = json::array();
  std::string s = flags_to_string(flags);
  size_t start = 0;
  while (!s.empty() && start <= s.size()) {
    size_t bar = s.find('|', start);
    a.push_back(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return a;
}

json format_summary(const Format& f) {
  json j = {{"name", f.name}, {"kind", to_string(f.kind)}, {"bits", f.bits()}, {"description", f.description}};
  if (f.kind == FormatKind::Float) {
    j["sign"] = f.has_sign;
    j["exponent_bits"] = f.exp_bits;
    j["mantissa_bits"] = f.man_bits;
    j["bias"] = f.bias;
    j["nonfinite"] = to_string(f.nonfinite);
    j["subnormals"] = f.has_subnormals && f.man_bits > 0;
  }
  j["max"] = value_entry(f, f.max_finite_code());
  j["lowest"] = value_entry(f, f.lowest_finite_code());
  return j;
}

json format_info(const Format& f) {
  json j = format_summary(f);
  j["min_positive"] = value_entry(f, f.min_positive_code());
  j["nan_codes"] = nan_encodings(f);
  json infs = json::array();
  if (f.has_inf()) {
    infs.push_back(code_hex(f, f.inf_code(false)));
    infs.push_back(code_hex(f, f.inf_code(true)));
  }
  j["inf_codes"] = infs;
  json zeros = json::array();
  if (f.kind == FormatKind::Float) {
    if (f.has_zero) zeros.push_back(code_hex(f, f.zero_code(false)));
    if (f.has_negative_zero()) zeros.push_back(code_hex(f, f.zero_code(true)));
  } else {
    for (uint64_t c = 0; c < f.code_count(); ++c)
      if (code_class(f, c) == CodeClass::Zero) zeros.push_back(code_hex(f, c));
  }
  j["zero_codes"] = zeros;
  if (f.kind == FormatKind::CodeTable) {
    json table = json::array();
    for (uint64_t c = 0; c < f.table.size(); ++c)
      table.push_back({{"code", code_hex(f, c)}, {"literal", f.table_literals[c]}, {"exact", to_exact_string(f.table[c])}});
    j["table"] = table;
    return j;
  }
  if (f.kind != FormatKind::Float) return j;
  if (f.has_zero) j["min_normal"] = value_entry(f, f.min_normal_code());
  if (f.has_subnormals && f.man_bits > 0) j["min_subnormal"] = value_entry(f, 1);
  j["emin"] = f.emin();
  j["emax"] = f.emax();
  // eps: the gap between 1 and the next value, when 1 is a normal value of the format.
  bool one_is_normal = f.emin() <= 0 && 0 <= f.emax();
  if (one_is_normal) {
    ExactValue eps = ExactValue::dyadic(false, 1, -f.man_bits);
    ExactValue resolution = ExactValue::rational(false, 1, boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(decimal_precision(f.man_bits))));
    j["eps"] = value_only(eps);
    ExactValue max = decode(f, f.max_finite_code()).value, lowest = decode(f, f.lowest_finite_code()).value;
    ExactValue smallest_normal = decode(f, f.min_normal_code()).value;
    j["torch_finfo"] = {{"bits", f.bits()},
                        {"max", to_general_string(max, 6)},
                        {"min", to_general_string(lowest, 6)},
                        {"eps", to_general_string(eps, 6)},
                        {"smallest_normal", to_general_string(smallest_normal, 6)},
                        {"tiny", to_general_string(smallest_normal, 6)},
                        {"resolution", to_general_string(resolution, 6)}};
  }
  return j;
}

std::string flag_suffix(const RoundResult& r) {
  std::string s = "  [" + flags_to_string(r.flags) + "]";
  if (r.implementation_defined) s += "  implementation-defined";
  return s;
}

std::string code_line(const Format& f, uint64_t code) {
  return code_hex(f, code) + "  " + code_fields(f, code) + "  " + decode_text(f, code);
}

}  // namespace fpc::cli
