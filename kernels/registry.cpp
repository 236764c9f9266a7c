// The registry of subjects this build knows, available or not, in a fixed order.
#include "fpconform/subject.hpp"

#include "cpu/machine_subjects.hpp"
#include "cpu/native_subjects.hpp"
#include "cpu/test_subjects.hpp"
#include "cuda/cuda_ops.hpp"

#include "fpconform/exact.hpp"

namespace fpc {

const std::vector<Subject>& all_subjects() {
  static const std::vector<Subject> subjects = [] {
    std::vector<Subject> v;
    v.push_back(cuda_ops::make_cuda_host_subject());
    v.push_back(cuda_ops::make_cuda_device_subject());
    for (Subject& s : cuda_ops::make_cuda_version_subjects()) v.push_back(std::move(s));
    v.push_back(native_subjects::make_cpu_bits_subject());
    v.push_back(machine_subjects::make_cpu_float16_subject());
    v.push_back(machine_subjects::make_cpu_f16c_subject());
    v.push_back(machine_subjects::make_cpu_avx512_bf16_subject());
    v.push_back(machine_subjects::make_cpu_avx512_fp16_subject());
    v.push_back(test_subjects::make_planted_bugs_subject());
    return v;
  }();
  return subjects;
}

const Subject& subject_by_name(const std::string& name) {
  for (const Subject& s : all_subjects())
    if (s.name == name) return s;
  std::string known;
  for (const Subject& s : all_subjects()) known += (known.empty() ? "" : ", ") + s.name;
  throw InputError("unknown subject '" + name + "' (known: " + known + ")");
}

}  // namespace fpc
