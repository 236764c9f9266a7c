#include "quant_subjects.hpp"

#include "quant_kernel_list.hpp"
#include "quant_runner.h"

#if defined(FPC_HAVE_CUDA_DEVICE_RUNNER)
#include "device_runner.h"
#endif

#include <stdexcept>
#include <string>

namespace fpc::cuda_quant {
namespace {

struct Row {
  const char* name;
  const char* scheme;
  const char* reference;
  MxScaleRule rule;
  size_t blocksize;  // 0: the scheme's default
};

constexpr MxScaleRule Floor = MxScaleRule::Floor;
constexpr MxScaleRule RoundUp = MxScaleRule::RoundUp;
#define FPC_QUANT_ROW(NAME, SCHEME, REFERENCE, RULE, BLOCK, KERNEL) {NAME, SCHEME, REFERENCE, RULE, BLOCK},
constexpr Row kRows[] = {FPC_CUDA_QUANT_KERNELS(FPC_QUANT_ROW)};
#undef FPC_QUANT_ROW

QuantOptions claim_of(const Row& row) {
  QuantOptions o;
  o.scheme = row.scheme;
  o.reference = row.reference;
  o.blocksize = row.blocksize ? row.blocksize : quant_scheme_by_name(row.scheme).default_blocksize;
  o.scale_rule = row.rule;
  return o;
}

std::string claim_text(const Row& row) {
  std::string s = std::string(row.scheme) + " [" + row.reference + "]";
  if (std::string(row.scheme).rfind("mx", 0) == 0) s += std::string(", scale rule ") + std::string(short_name(row.rule));
  if (row.blocksize) s += ", rows of " + std::to_string(row.blocksize);
  return s;
}

// Runs a kernel over the whole input: run(x, n, codes, scales, zero_points) fills one code per
// value, one scale per block of `block` values and, where the scheme has them, one zero point per
// block (zero_points is nullptr otherwise).
template <class Run>
BlockOutput run_all(std::span<const uint32_t> x, const QuantOptions& claims, Run run) {
  const size_t block = claims.blocksize;
  std::vector<uint8_t> codes(x.size());
  std::vector<uint32_t> scales((x.size() + block - 1) / block);
  std::vector<int32_t> zero_points(quant_scheme_by_name(claims.scheme).zero_points ? scales.size() : 0);
  run(x.data(), x.size(), codes.data(), scales.data(), zero_points.empty() ? nullptr : zero_points.data());
  return BlockOutput{std::vector<uint64_t>(codes.begin(), codes.end()), std::vector<uint64_t>(scales.begin(), scales.end()),
                     std::vector<int64_t>(zero_points.begin(), zero_points.end())};
}

BlockSubject unavailable(BlockSubject s, const std::string& reason) {
  s.available = false;
  s.unavailable_reason = reason;
  s.run = [msg = s.name + " cannot run: " + reason](std::span<const uint32_t>) -> BlockOutput { throw std::logic_error(msg); };
  return s;
}

BlockSubject host_subject(const Row& row) {
  BlockSubject s;
  s.name = std::string("cuda_host_") + row.name;
  s.description = "CUDA kernel (kernels/cuda/quant_kernels.cuh) on the headers' host path, claims " + claim_text(row);
  s.claims = claim_of(row);
#if defined(FPC_HAVE_CUDA_HEADERS)
  HostRunFn fn = host_run_fn(row.name);
  if (fn == nullptr) return unavailable(s, "no host path for this kernel");
  s.run = [fn, claims = s.claims](std::span<const uint32_t> x) { return run_all(x, claims, fn); };
  return s;
#else
  return unavailable(s, "skipped: CUDA headers not found at configure time");
#endif
}

BlockSubject device_subject(const Row& row) {
  BlockSubject s;
  s.name = std::string("cuda_device_") + row.name;
  s.description = "CUDA kernel (kernels/cuda/quant_kernels.cuh) built by nvcc, run on the GPU, claims " + claim_text(row);
  s.claims = claim_of(row);
#if defined(FPC_HAVE_CUDA_DEVICE_RUNNER) && defined(FPC_HAVE_CUDA_QUANT_DEVICE)
  static const int devices = [] {
    char error[256] = {};
    return cuda_ops::device::count_devices(error, sizeof error);
  }();
  if (devices <= 0) return unavailable(s, "skipped: no CUDA device");
  s.run = [name = std::string(row.name), claims = s.claims](std::span<const uint32_t> x) {
    return run_all(x, claims, [&](const uint32_t* in, size_t n, uint8_t* codes, uint32_t* scales, int32_t* zero_points) {
      char err[256] = {};
      if (device::run(name.c_str(), in, n, codes, scales, zero_points, err, sizeof err) != 0)
        throw std::runtime_error("cuda_device_" + name + ": " + err);
    });
  };
  return s;
#else
  return unavailable(s, "skipped: no CUDA device (device code not built: nvcc was not found at configure time)");
#endif
}

}  // namespace

std::vector<BlockSubject> block_subjects() {
  std::vector<BlockSubject> subjects;
  for (const Row& row : kRows) subjects.push_back(host_subject(row));
  for (const Row& row : kRows) subjects.push_back(device_subject(row));
  return subjects;
}

}  // namespace fpc::cuda_quant
