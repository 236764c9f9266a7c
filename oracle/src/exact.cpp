#include "fpconform/exact.hpp"

#include <algorithm>
#include <cctype>

namespace fpc {

namespace mp = boost::multiprecision;

ExactValue ExactValue::zero(bool negative) { return ExactValue{ValueKind::Zero, negative, 0, 1}; }
ExactValue ExactValue::infinity(bool negative) { return ExactValue{ValueKind::Infinity, negative, 0, 1}; }
ExactValue ExactValue::nan(bool negative) { return ExactValue{ValueKind::NaN, negative, 0, 1}; }

ExactValue ExactValue::rational(bool negative, BigInt num, BigInt den) {
  if (num == 0) return zero(negative);
  if (num < 0) {
    num = -num;
    negative = !negative;
  }
  return ExactValue{ValueKind::Finite, negative, std::move(num), std::move(den)};
}

ExactValue ExactValue::dyadic(bool negative, const BigInt& mag, int64_t exp2) {
  if (exp2 >= 0) return rational(negative, mag << static_cast<unsigned>(exp2), 1);
  return rational(negative, mag, BigInt(1) << static_cast<unsigned>(-exp2));
}

ExactValue ExactValue::negated() const {
  ExactValue v = *this;
  v.negative = !v.negative;
  return v;
}

ExactValue ExactValue::abs() const {
  ExactValue v = *this;
  v.negative = false;
  return v;
}

int64_t msb(const BigInt& x) { return static_cast<int64_t>(mp::msb(x)); }

int64_t floor_log2(const BigInt& num, const BigInt& den) {
  int64_t e = msb(num) - msb(den);
  bool below = e >= 0 ? num < (den << static_cast<unsigned>(e)) : (num << static_cast<unsigned>(-e)) < den;
  return below ? e - 1 : e;
}

static int compare_magnitudes(const ExactValue& a, const ExactValue& b) {
  BigInt l = a.num * b.den, r = b.num * a.den;
  return l < r ? -1 : (l > r ? 1 : 0);
}

int compare(const ExactValue& a, const ExactValue& b) {
  auto rank = [](const ExactValue& v) {  // -2 -inf, -1 negative, 0 zero, 1 positive, 2 +inf
    switch (v.kind) {
      case ValueKind::Zero: return 0;
      case ValueKind::Finite: return v.negative ? -1 : 1;
      case ValueKind::Infinity: return v.negative ? -2 : 2;
      case ValueKind::NaN: break;
    }
    throw std::logic_error("compare: NaN has no order");
  };
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra != 1 && ra != -1) return 0;
  int m = compare_magnitudes(a, b);
  return ra == 1 ? m : -m;
}

bool identical(const ExactValue& a, const ExactValue& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == ValueKind::NaN) return true;
  if (a.negative != b.negative) return false;
  return a.kind != ValueKind::Finite || compare_magnitudes(a, b) == 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

// Values beyond the clamps must round identically into every format, user specs included:
// with at most 15 exponent bits, 62 mantissa bits and |bias| <= 100000, every finite value lies
// in [2^-100061, 2^132768), and anything below 2^-100126 (64 stochastic bits under the smallest
// subnormal) rounds like any other tiny value. 10^40000 > 2^132768 and 10^-40000 < 2^-100126.
constexpr int64_t kDecimalExponentClamp = 40000;
constexpr int64_t kBinaryExponentClamp = 140000;
constexpr size_t kMaxDigits = 100000;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void bad_value(std::string_view text, const char* why) {
  throw InputError("malformed number '" + std::string(text.substr(0, 80)) + "': " + why);
}

BigInt pow10(int64_t n) { return mp::pow(BigInt(10), static_cast<unsigned>(n)); }

// Parses [+-]digits into a clamped exponent (saturates far beyond any clamp).
int64_t parse_exponent(std::string_view full, std::string_view s) {
  bool neg = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  if (i == s.size()) bad_value(full, "exponent has no digits");
  int64_t e = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) bad_value(full, "bad character in exponent");
    e = std::min<int64_t>(e * 10 + (s[i] - '0'), int64_t{1} << 40);
  }
  return neg ? -e : e;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Mantissa digits with an optional point: returns digits (as integer), count of digits after
// the point, and total significant-digit count. Rejects empty or doubled points.
struct Mantissa {
  BigInt digits = 0;
  int64_t frac_digits = 0;
  int64_t ndigits = 0;  // digits after leading zeros
};

Mantissa parse_mantissa(std::string_view full, std::string_view s, int base) {
  Mantissa m;
  bool seen_point = false, any = false;
  for (char c : s) {
    if (c == '.') {
      if (seen_point) bad_value(full, "more than one decimal point");
      seen_point = true;
      continue;
    }
    int d = base == 10 ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : -1) : hex_digit(c);
    if (d < 0) bad_value(full, "unexpected character");
    any = true;
    m.digits = m.digits * base + d;
    if (m.digits != 0) ++m.ndigits;
    if (seen_point) ++m.frac_digits;
  }
  if (!any) bad_value(full, "no digits");
  return m;
}

ExactValue parse_decimal(std::string_view full, bool neg, std::string_view body) {
  size_t epos = body.find_first_of("eE");
  Mantissa m = parse_mantissa(full, body.substr(0, epos), 10);
  int64_t e = epos == std::string_view::npos ? 0 : parse_exponent(full, body.substr(epos + 1));
  if (m.digits == 0) return ExactValue::zero(neg);
  int64_t scale = e - m.frac_digits;            // value = digits * 10^scale
  int64_t magnitude = scale + m.ndigits - 1;    // floor(log10(value))
  if (magnitude > kDecimalExponentClamp) return ExactValue::rational(neg, pow10(kDecimalExponentClamp));
  if (magnitude < -kDecimalExponentClamp) return ExactValue::rational(neg, 1, pow10(kDecimalExponentClamp));
  if (scale >= 0) return ExactValue::rational(neg, m.digits * pow10(scale));
  return ExactValue::rational(neg, m.digits, pow10(-scale));
}

ExactValue parse_hex_float(std::string_view full, bool neg, std::string_view body) {
  size_t ppos = body.find_first_of("pP");
  if (ppos == std::string_view::npos) bad_value(full, "a hex float needs a 'p' exponent (codes need --from)");
  Mantissa m = parse_mantissa(full, body.substr(0, ppos), 16);
  int64_t e = parse_exponent(full, body.substr(ppos + 1));
  if (m.digits == 0) return ExactValue::zero(neg);
  int64_t exp2 = e - 4 * m.frac_digits;
  int64_t top = exp2 + msb(m.digits);
  if (top > kBinaryExponentClamp) return ExactValue::dyadic(neg, 1, kBinaryExponentClamp);
  if (top < -kBinaryExponentClamp) return ExactValue::dyadic(neg, 1, -kBinaryExponentClamp);
  return ExactValue::dyadic(neg, m.digits, exp2);
}

ExactValue parse_fraction(std::string_view full, bool neg, std::string_view body) {
  size_t slash = body.find('/');
  std::string_view a = body.substr(0, slash), b = body.substr(slash + 1);
  if (a.empty() || b.empty() || a.size() > 4096 || b.size() > 4096) bad_value(full, "fraction needs integers a/b");
  Mantissa n = parse_mantissa(full, a, 10), d = parse_mantissa(full, b, 10);
  if (n.frac_digits || d.frac_digits || a.find('.') != a.npos || b.find('.') != b.npos)
    bad_value(full, "fraction needs integers a/b");
  if (d.digits == 0) bad_value(full, "division by zero");
  return ExactValue::rational(neg, n.digits, d.digits);
}

}  // namespace

ExactValue parse_value(std::string_view text) {
  if (text.empty()) bad_value(text, "empty");
  if (text.size() > kMaxDigits) bad_value(text, "too long");
  std::string_view body = text;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string low = lower(body);
  if (low == "inf" || low == "infinity") return ExactValue::infinity(neg);
  if (low == "nan") return ExactValue::nan(neg);
  if (low.rfind("0x", 0) == 0) return parse_hex_float(text, neg, body.substr(2));
  if (body.find('/') != std::string_view::npos) return parse_fraction(text, neg, body);
  return parse_decimal(text, neg, body);
}

// ---------------------------------------------------------------------------------------------
// Printing

namespace {

// Integer n = round_half_even(num / den).
BigInt round_half_even(const BigInt& num, const BigInt& den) {
  BigInt q = num / den, r = num % den;
  BigInt twice = r * 2;
  if (twice > den || (twice == den && (q & 1) != 0)) ++q;
  return q;
}

// floor(log10(num/den)) for positive values.
int64_t floor_log10(const BigInt& num, const BigInt& den) {
  int64_t l2 = floor_log2(num, den);
  // log10(2) < 0.30103; start from an estimate and correct exactly.
  int64_t est = l2 >= 0 ? (l2 * 30103) / 100000 : -((-l2 * 30103 + 99999) / 100000) - 1;
  auto at_least = [&](int64_t k) {  // num/den >= 10^k
    return k >= 0 ? num >= den * pow10(k) : num * pow10(-k) >= den;
  };
  while (!at_least(est)) --est;
  while (at_least(est + 1)) ++est;
  return est;
}

std::string sign_prefix(const ExactValue& v) { return v.negative ? "-" : ""; }

// Special values and zero print the same in every notation.
bool special_text(const ExactValue& v, std::string& out) {
  switch (v.kind) {
    case ValueKind::NaN: out = "nan"; return true;
    case ValueKind::Infinity: out = sign_prefix(v) + "inf"; return true;
    case ValueKind::Zero: out = sign_prefix(v) + "0"; return true;
    case ValueKind::Finite: return false;
  }
  return false;
}

// Inserts a decimal point `decimals` digits from the right of the integer `n`.
std::string place_point(const BigInt& n, int64_t decimals) {
  std::string digits = n.str();
  if (decimals <= 0) return digits;
  if (static_cast<int64_t>(digits.size()) <= decimals)
    digits.insert(0, static_cast<size_t>(decimals) - digits.size() + 1, '0');
  digits.insert(digits.size() - static_cast<size_t>(decimals), ".");
  return digits;
}

std::string strip_fraction_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string to_exact_string(const ExactValue& v) {
  std::string out;
  if (special_text(v, out)) return out;
  // Reduce first: whether the value is dyadic must not depend on its representation
  // (parse_value("0.5") holds 5/10).
  BigInt g = mp::gcd(v.num, v.den);
  BigInt num = v.num / g, den = v.den / g;
  int64_t k = msb(den);
  if ((BigInt(1) << static_cast<unsigned>(k)) != den) return sign_prefix(v) + num.str() + "/" + den.str();
  BigInt scaled = num * mp::pow(BigInt(5), static_cast<unsigned>(k));  // num/2^k = num*5^k/10^k
  return sign_prefix(v) + strip_fraction_zeros(place_point(scaled, k));
}

std::string to_fixed_string(const ExactValue& v, int decimals) {
  std::string out;
  if (!v.is_zero() && special_text(v, out)) return out;  // nan, inf
  // Zero too keeps exactly `decimals` digits after the point, as printf("%.Nf") does: "0.0000".
  BigInt n = v.is_zero() ? BigInt(0) : round_half_even(v.num * pow10(decimals), v.den);
  return sign_prefix(v) + place_point(n, decimals);
}

std::string to_general_string(const ExactValue& v, int digits) {
  std::string out;
  if (special_text(v, out)) return out;
  digits = std::max(digits, 1);
  int64_t e10 = floor_log10(v.num, v.den);
  int64_t shift = digits - 1 - e10;  // n = round(x * 10^shift) has `digits` digits
  auto scaled = [&](int64_t s) {
    return s >= 0 ? round_half_even(v.num * pow10(s), v.den) : round_half_even(v.num, v.den * pow10(-s));
  };
  BigInt n = scaled(shift);
  if (n >= pow10(digits)) {  // rounding carried into a new digit
    ++e10;
    --shift;
    n = scaled(shift);
  }
  if (e10 < -4 || e10 >= digits) {
    std::string mant = strip_fraction_zeros(place_point(n, digits - 1));
    int64_t ae = e10 < 0 ? -e10 : e10;
    std::string es = std::to_string(ae);
    if (es.size() < 2) es.insert(0, "0");
    return sign_prefix(v) + mant + "e" + (e10 < 0 ? "-" : "+") + es;
  }
  return sign_prefix(v) + strip_fraction_zeros(place_point(n, shift));
}

}  // namespace fpc
