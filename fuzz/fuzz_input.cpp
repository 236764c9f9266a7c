#include "fuzz_input.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

namespace fpc::fuzz {

namespace {

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

std::vector<uint64_t> compute_special_codes(const Format& f) {
  const uint64_t mask = f.code_mask();
  std::vector<uint64_t> base = {f.zero_code(false), f.zero_code(true), f.min_positive_code(), f.max_finite_code(),
                                f.lowest_finite_code()};
  if (f.kind == FormatKind::Float) {
    base.push_back(f.min_normal_code());
    if (f.has_inf()) base.insert(base.end(), {f.inf_code(false), f.inf_code(true)});
    if (f.has_nan()) base.push_back(f.nan_code());
    if (f.has_sign) {  // the negative side of every positive code above
      const uint64_t sign = uint64_t{1} << (f.bits() - 1);
      for (size_t i = 0, n = base.size(); i < n; ++i) base.push_back(base[i] | sign);
    }
  } else {
    base.insert(base.end(), {mask, mask >> 1, (mask >> 1) + 1});
  }
  std::vector<uint64_t> codes;
  for (uint64_t c : base)
    for (uint64_t d : {c - 1, c, c + 1}) codes.push_back(d & mask);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

}  // namespace

std::vector<uint64_t> special_codes(const Format& f) {
  static std::mutex mu;
  static std::map<const Format*, std::vector<uint64_t>> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(&f);
  if (it == cache.end()) it = cache.emplace(&f, compute_special_codes(f)).first;
  return it->second;
}

uint64_t shaped_code(ByteReader& r, const Format& in, const Format& out) {
  const uint8_t shape = r.u8();
  const uint64_t raw = r.u64();
  const uint64_t mask = in.code_mask();
  const bool is_float = in.kind == FormatKind::Float;
  switch (shape & 3) {
    case 0: return raw & mask;
    case 1: {
      const std::vector<uint64_t> codes = special_codes(in);
      return codes[raw % codes.size()];
    }
    case 2: {  // sign, exponent field and mantissa drawn separately
      if (!is_float) return raw & mask;
      const uint64_t field = r.u16() & low_mask(in.exp_bits);
      const uint64_t sign = in.has_sign ? uint64_t{(shape >> 2) & 1u} : 0;
      return ((sign << (in.exp_bits + in.man_bits)) | (field << in.man_bits) | (raw & low_mask(in.man_bits))) & mask;
    }
    default: {  // the bits below out's precision set to a pattern rounding cares about
      if (!is_float) return raw & mask;
      int dropped = out.kind == FormatKind::Float ? in.man_bits - out.man_bits : in.man_bits;
      dropped = std::clamp(dropped, 0, in.man_bits);
      if (dropped == 0) return raw & mask;
      const uint64_t half = uint64_t{1} << (dropped - 1), all = low_mask(dropped);
      const uint64_t patterns[] = {0, 1, half - 1, half, half + 1, all, half | 1, all - 1};
      return ((raw & mask & ~all) | (patterns[(shape >> 2) & 7] & all)) & mask;
    }
  }
}

void append_raw_code(std::vector<uint8_t>& bytes, uint64_t code) {
  bytes.push_back(0);  // shape 0: raw
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(code >> (8 * i)));
}

const std::vector<const Format*>& fuzz_formats() {
  static const std::vector<const Format*> formats = [] {
    std::vector<const Format*> v;
    for (const Format& f : builtin_formats()) v.push_back(&f);
    for (const char* spec : {"e5m2:bias=16:nan=fnuz", "e3m4:nan=none", "e4m3:subnormals=off", "e2m1:nan=none:unsigned",
                             "e11m52:bias=1000", "e8m0:nan=fn:unsigned"})
      v.push_back(&format_by_name(spec));
    return v;
  }();
  return formats;
}

void config_error(const std::string& message) {
  std::fprintf(stderr, "fpconform fuzz: error: %s\n", message.c_str());
  std::exit(2);
}

void finding(const std::string& text) {
  std::fprintf(stderr, "\n==== fpconform fuzz finding ====\n%s\n================================\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

}  // namespace fpc::fuzz
