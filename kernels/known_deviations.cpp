// The known deviations table (fpconform/known_deviations.hpp). An entry names the deviation as
// narrowly as the checker can see it: the mismatch classes it produces. Anything else the op
// does wrong still fails.
#include "fpconform/known_deviations.hpp"

namespace fpc {

const std::vector<KnownDeviation>& known_deviations() {
  static const std::vector<KnownDeviation> table = {
      {"cuda_host", "bfloat16_max_nan", {"signed_zero"},
       "CUDA 13.0 host path: __hmax_nan(-0, +0) returns -0 (documented: +0 > -0); the code is "
       "__hge(a, b) ? a : b",
       "docs/cuda.md, finding 1"},
      {"cuda_host", "bfloat16_min_nan", {"signed_zero"},
       "CUDA 13.0 host path: __hmin_nan(+0, -0) returns +0 (documented: -0 < +0); the code is "
       "__hle(a, b) ? a : b",
       "docs/cuda.md, finding 1"},
      {"cuda_host", "bfloat16x2_max_nan", {"signed_zero"},
       "CUDA 13.0 host path: __hmax2_nan on __nv_bfloat162 calls __hmax_nan per lane, so a lane "
       "with (-0, +0) gives -0",
       "docs/cuda.md, finding 1"},
      {"cuda_host", "bfloat16x2_min_nan", {"signed_zero"},
       "CUDA 13.0 host path: __hmin2_nan on __nv_bfloat162 calls __hmin_nan per lane, so a lane "
       "with (+0, -0) gives +0",
       "docs/cuda.md, finding 1"},
  };
  return table;
}

const KnownDeviation* find_known_deviation(std::string_view subject, std::string_view op) {
  for (const KnownDeviation& d : known_deviations())
    if (d.subject == subject && d.op == op) return &d;
  return nullptr;
}

}  // namespace fpc
