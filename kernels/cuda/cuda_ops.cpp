#include "cuda_ops.hpp"

#include "cuda_op_list.hpp"
#include "fpconform/format.hpp"

#if defined(FPC_HAVE_CUDA_DEVICE_RUNNER)
#include "device_runner.h"
#endif

#include <stdexcept>

namespace fpc::cuda_ops {
namespace {

constexpr Rounding kRne = Rounding::NearestEven;
constexpr Rounding kRna = Rounding::NearestAway;
constexpr Rounding kRtz = Rounding::TowardZero;
constexpr Rounding kRup = Rounding::TowardPositive;
constexpr Rounding kRdn = Rounding::TowardNegative;
constexpr NanIntoNoNan kNanUnpinned = NanIntoNoNan::Unpinned;
constexpr NanIntoNoNan kNanMax = NanIntoNoNan::PositiveMax;
constexpr Where Host = Where::Host;
constexpr Where Device = Where::Device;
constexpr Where DeviceFtz = Where::DeviceFtz;

#define FPC_CUDA_SPEC_SINCE(SINCE, NAME, ENTRY, OP, IN, OUT, RND, SAT, NAN, WHERE, FN) \
  {NAME, ENTRY, OP, IN, OUT, RND, SAT, NAN, WHERE, SINCE},
#define FPC_CUDA_SPEC(...) FPC_CUDA_SPEC_SINCE(0, __VA_ARGS__)
#define FPC_CUDA_SPEC_12_2(...) FPC_CUDA_SPEC_SINCE(12020, __VA_ARGS__)
#define FPC_CUDA_SPEC_12_8(...) FPC_CUDA_SPEC_SINCE(12080, __VA_ARGS__)
#define FPC_CUDA_SPEC_13_0(...) FPC_CUDA_SPEC_SINCE(13000, __VA_ARGS__)
#define FPC_CUDA_SPEC_13_4(...) FPC_CUDA_SPEC_SINCE(13040, __VA_ARGS__)
#define FPC_CUDA_SPEC_13_5(...) FPC_CUDA_SPEC_SINCE(13050, __VA_ARGS__)
constexpr Spec kSpecs[] = {FPC_CUDA_OPS_SINCE(FPC_CUDA_SPEC, FPC_CUDA_SPEC_12_2, FPC_CUDA_SPEC_12_8, FPC_CUDA_SPEC_13_0,
                                              FPC_CUDA_SPEC_13_4, FPC_CUDA_SPEC_13_5)};
#undef FPC_CUDA_SPEC

#if defined(FPC_HAVE_CUDA_DEVICE_RUNNER)
// The device runner's function for a spec, as a batch function that throws on a CUDA error.
BatchFn device_batch_fn(const Spec& spec) {
  const device::RunFn run =
      spec.where == Where::DeviceFtz ? device::ftz_run_fn(spec.name) : device::plain_run_fn(spec.name);
  if (run == nullptr) return {};
  return [run, name = std::string(spec.name)](const uint64_t* const* in, uint64_t* out, size_t n) {
    char err[256] = {};
    if (run(in, out, n, err, sizeof err) != 0) throw std::runtime_error("cuda_device/" + name + ": " + err);
  };
}
#endif

}  // namespace

std::span<const Spec> specs() { return kSpecs; }

// The machine's toolkit offers the rows up to its release (cuda_host, cuda_device).
#ifndef FPC_CUDA_TOOLKIT_CUDART
#define FPC_CUDA_TOOLKIT_CUDART 1000000
#endif
bool in_toolkit(const Spec& s) { return s.since <= FPC_CUDA_TOOLKIT_CUDART; }

std::vector<const Spec*> host_specs_of(int cudart_version) {
  std::vector<const Spec*> out;
  for (const Spec& s : kSpecs)
    if (s.where == Where::Host && s.since <= cudart_version) out.push_back(&s);
  return out;
}

OpSemantics semantics_of(const Spec& s) {
  OpSemantics sem;
  sem.op = s.op;
  sem.in = &format_by_name(s.in);
  sem.out = &format_by_name(s.out);
  sem.rounding = s.rounding;
  sem.policy.saturate = s.saturate;
  // CUDA documents __NV_SATFINITE as mapping ±inf inputs to ±max finite as well.
  sem.policy.inf_under_saturation = InfUnderSaturation::Max;
  sem.policy.nan_into_no_nan = s.nan_into_no_nan;
  sem.policy.ftz = sem.policy.daz = s.where == Where::DeviceFtz;
  return sem;
}

SubjectOp unrunnable_op(const Spec& s, const std::string& subject, const std::string& why) {
  SubjectOp op;
  op.name = s.name;
  op.entry = s.entry;
  op.semantics = semantics_of(s);
  op.run = [msg = subject + "/" + s.name + " cannot run: " + why](const uint64_t* const*, uint64_t*, size_t) {
    throw std::logic_error(msg);
  };
  return op;
}

Subject make_cuda_device_subject() {
  Subject s;
  s.name = "cuda_device";
  s.description =
      "NVIDIA CUDA intrinsics (cuda_fp16.h, cuda_bf16.h, cuda_fp8.h, cuda_fp6.h, cuda_fp4.h, __f*_r?/__d*_r?, PTX tf32 "
      "cvt) executed on a GPU";
  s.available = false;
  s.unavailable_reason = "skipped: no CUDA device";
#if defined(FPC_HAVE_CUDA_DEVICE_RUNNER)
  char error[256] = {};
  const int devices = device::count_devices(error, sizeof error);
  s.description += std::string(" (device code for ") + device::built_architectures() + ")";
  if (devices > 0) {
    s.available = true;
    s.unavailable_reason.clear();
    for (const Spec& spec : specs()) {
      if (!in_toolkit(spec)) continue;
      SubjectOp op = unrunnable_op(spec, s.name, "no device code for this op");
      if (BatchFn fn = device_batch_fn(spec)) op.run = std::move(fn);
      s.ops.push_back(std::move(op));
    }
    return s;
  }
  if (devices < 0) s.description += std::string("; CUDA runtime: ") + error;
#else
  s.description += " (device runner not built: nvcc was not found at configure time)";
#endif
  for (const Spec& spec : specs())
    if (in_toolkit(spec)) s.ops.push_back(unrunnable_op(spec, s.name, s.unavailable_reason));
  return s;
}

#if !defined(FPC_HAVE_CUDA_HEADERS)
Subject make_cuda_host_subject() {
  Subject s;
  s.name = "cuda_host";
  s.description = "host path of the CUDA headers cuda_fp16.h, cuda_bf16.h, cuda_fp8.h, cuda_fp6.h, cuda_fp4.h (compiled by the C++ compiler)";
  s.available = false;
  s.unavailable_reason = "skipped: CUDA headers not found at configure time";
  for (const Spec& spec : specs())
    if (spec.where == Where::Host) s.ops.push_back(unrunnable_op(spec, s.name, s.unavailable_reason));
  return s;
}
#endif

}  // namespace fpc::cuda_ops
