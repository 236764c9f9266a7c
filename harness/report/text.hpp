// Small text helpers the report's JSON, renderings and diff share: one-line messages, quoting,
// hexadecimal codes, fixed-width columns, JSON pointer tokens.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fpc::report_text {

// Control characters written visibly, so that every message stays on one line.
inline std::string one_line(const std::string& s) {
  std::string r;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      r += buf;
    } else {
      r += static_cast<char>(c);
    }
  }
  return r;
}

inline std::string clip(const std::string& s, size_t n = 60) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

inline std::string squote(const std::string& s) { return "'" + one_line(clip(s, 200)) + "'"; }

// "0x" and lower-case hexadecimal digits, no padding.
inline std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

inline std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

inline std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

// A key as one token of a JSON pointer (RFC 6901).
inline std::string pointer_token(const std::string& key) {
  std::string t;
  for (char c : key) {
    if (c == '~') t += "~0";
    else if (c == '/') t += "~1";
    else t += c;
  }
  return t;
}

inline std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

}  // namespace fpc::report_text
