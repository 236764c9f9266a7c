// The known deviations table (fpconform/known_deviations.hpp). An entry names the deviation as
// narrowly as the checker can see it: the mismatch classes it produces, and the CUDA releases
// whose headers have it. Anything else the op does wrong still fails.
#include "fpconform/known_deviations.hpp"

#include <algorithm>

#ifndef FPC_CUDA_VERSION
#define FPC_CUDA_VERSION ""
#endif

namespace fpc {

namespace {
// CUDA 12.2 and 12.3 type-pun __half2/__nv_bfloat162 through unsigned int (strict-aliasing undefined
// behaviour); built as users build them (g++ 12, -O2) these ops read uninitialised stack memory, so
// the wrong codes, and the classes they fall in, change from run to run and from build to build:
// the entry admits every class an in-range wrong code can have (not out_of_range_code).
KnownDeviation half2_strict_aliasing(const char* op, const char* function) {
  return {"cuda_host",
          op,
          {"tie_breaking", "rounding_direction", "overflow_saturation", "nan", "signed_zero", "subnormal_flush", "other"},
          std::string("CUDA 12.2, 12.3 host path built by g++ -O2: ") + function +
              " returns garbage (the headers' __half2/__nv_bfloat162 code writes through *(unsigned int*)&var, "
              "strict-aliasing undefined behaviour; fixed in 12.4)",
          "findings/cuda-half2-strict-aliasing.md",
          "[12.2,12.4)"};
}
}  // namespace

const std::vector<KnownDeviation>& known_deviations() {
  static const std::vector<KnownDeviation> table = {
      {"cuda_host", "bfloat16_max_nan", {"signed_zero"},
       "CUDA 12.2 .. 13.3 host path: __hmax_nan(-0, +0) returns -0 (documented: +0 > -0); the code is "
       "__hge(a, b) ? a : b",
       "docs/cuda.md, finding 1", "[12.2,13.4)"},
      {"cuda_host", "bfloat16_min_nan", {"signed_zero"},
       "CUDA 12.2 .. 13.3 host path: __hmin_nan(+0, -0) returns +0 (documented: -0 < +0); the code is "
       "__hle(a, b) ? a : b",
       "docs/cuda.md, finding 1", "[12.2,13.4)"},
      {"cuda_host", "bfloat16x2_max_nan", {"signed_zero"},
       "CUDA 12.2 .. 13.3 host path: __hmax2_nan on __nv_bfloat162 calls __hmax_nan per lane, so a lane "
       "with (-0, +0) gives -0",
       "docs/cuda.md, finding 1", "[12.2,13.4)"},
      {"cuda_host", "bfloat16x2_min_nan", {"signed_zero"},
       "CUDA 12.2 .. 13.3 host path: __hmin2_nan on __nv_bfloat162 calls __hmin_nan per lane, so a lane "
       "with (+0, -0) gives +0",
       "docs/cuda.md, finding 1", "[12.2,13.4)"},
      half2_strict_aliasing("float16x2_to_float32x2", "__half22float2"),
      half2_strict_aliasing("float16x2_div", "__h2div on __half2"),
      half2_strict_aliasing("bfloat16x2_div", "__h2div on __nv_bfloat162"),
      half2_strict_aliasing("float16x2_max_nan", "__hmax2_nan on __half2"),
      half2_strict_aliasing("float16x2_min_nan", "__hmin2_nan on __half2"),
      {"cuda_host", "fp8_e8m0_from_float32", {"rounding_direction", "subnormal_flush", "tie_breaking"},
       // tie_breaking: an input exactly between two powers of two (1.5 * 2^k) rounded down is classed as
       // a tie broken the wrong way (found by the differential fuzzer: float32 0x36400000 -> 0x6c).
       "Documented in 12.8 GA (12.8.57) as cudaRoundZero and implemented so: __nv_fp8_e8m0(float) rounds |x| "
       "down to a power of two; 12.8 Update 1 (12.8.90) on documents and implements cudaRoundPosInf",
       "docs/cuda.md, every CUDA release", "[12.8,12.8.90)"},
      {"cuda_host", "fp8_e8m0_from_float64", {"rounding_direction", "tie_breaking"},
       "Documented in 12.8 GA (12.8.57) as cudaRoundZero and implemented so: __nv_fp8_e8m0(double) rounds |x| "
       "down to a power of two; 12.8 Update 1 (12.8.90) on documents and implements cudaRoundPosInf",
       "docs/cuda.md, every CUDA release", "[12.8,12.8.90)"},
      {"cuda_host", "fp8_e8m0_from_float16", {"rounding_direction", "tie_breaking"},
       "Documented in 12.8 GA (12.8.57) as cudaRoundZero and implemented so: __nv_fp8_e8m0(__half) rounds |x| "
       "down to a power of two; 12.8 Update 1 (12.8.90) on documents and implements cudaRoundPosInf",
       "docs/cuda.md, every CUDA release", "[12.8,12.8.90)"},
      {"cuda_host", "fp8_e8m0_from_bfloat16", {"rounding_direction", "subnormal_flush", "tie_breaking"},
       "Documented in 12.8 GA (12.8.57) as cudaRoundZero and implemented so: __nv_fp8_e8m0(__nv_bfloat16) rounds |x| "
       "down to a power of two; 12.8 Update 1 (12.8.90) on documents and implements cudaRoundPosInf",
       "docs/cuda.md, every CUDA release", "[12.8,12.8.90)"},
  };
  return table;
}

std::optional<std::vector<int>> parse_release(std::string_view label) {
  std::vector<int> parts;
  size_t i = 0;
  while (true) {
    size_t j = i;
    int value = 0;
    while (j < label.size() && label[j] >= '0' && label[j] <= '9' && j - i < 6) value = value * 10 + (label[j++] - '0');
    if (j == i) return std::nullopt;
    parts.push_back(value);
    if (j == label.size()) return parts;
    if (label[j] != '.') return std::nullopt;
    i = j + 1;
  }
}

namespace {

// -1, 0, 1 as a < b, a == b, a > b; missing parts count as 0 (12.8 == 12.8.0).
int compare_releases(const std::vector<int>& a, const std::vector<int>& b) {
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    const int x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

}  // namespace

bool release_in_range(std::string_view release, std::string_view range) {
  if (range.empty()) return true;
  const auto r = parse_release(release);
  const size_t comma = range.find(',');
  if (!r || range.size() < 5 || range.front() != '[' || range.back() != ')' || comma == std::string_view::npos) return false;
  const auto from = parse_release(range.substr(1, comma - 1)), to = parse_release(range.substr(comma + 1, range.size() - comma - 2));
  if (!from || !to || compare_releases(*from, *to) >= 0) return false;
  return compare_releases(*r, *from) >= 0 && compare_releases(*r, *to) < 0;
}

std::string release_of_subject(std::string_view subject) {
  const size_t at = subject.find('@');
  if (at != std::string_view::npos) return std::string(subject.substr(at + 1));
  return subject == "cuda_host" ? FPC_CUDA_VERSION : "";
}

const KnownDeviation* find_known_deviation(std::string_view subject, std::string_view op) {
  const std::string_view family = subject.substr(0, subject.find('@'));
  const std::string release = release_of_subject(subject);
  for (const KnownDeviation& d : known_deviations())
    if (d.subject == family && d.op == op && (d.versions.empty() || release_in_range(release, d.versions))) return &d;
  return nullptr;
}

}  // namespace fpc
