// Subjects: implementations under test. A subject is a named family (e.g. "cuda_host", the CUDA
// headers' host path) offering operations, each with the semantics it declares it implements.
#pragma once

#include "fpconform/semantics.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fpc {

struct SubjectOp {
  std::string name;       // unique within the subject, e.g. "float32_to_e4m3_satfinite"
  std::string entry;      // the function under test, e.g. "__nv_cvt_float_to_fp8(x, __NV_SATFINITE, __NV_E4M3)"
  OpSemantics semantics;  // what it claims to compute
  BatchFn run;            // the implementation, over codes
  // Optional, for subjects whose results are stored per case rather than computed (the file
  // protocol, harness/protocol/file_protocol.hpp): run's contract for the n cases first .. first + n - 1
  // of the check's CaseSource. When set, the checker calls it instead of run.
  std::function<void(uint64_t first, const uint64_t* const* in, uint64_t* out, size_t n)> run_cases;
  // Optional, beside run_cases: the stored results of cases first .. first + n - 1 in place, as
  // unsigned codes of `bytes` bytes each, valid while the checker runs. Where the cases are an
  // exhaustive unary sweep the checker compares them there, without copying them (see run_check).
  struct StoredResults {
    const void* data = nullptr;
    int bytes = 8;
  };
  std::function<StoredResults(uint64_t first, size_t n)> stored_results;
};

struct Subject {
  std::string name;                // e.g. "cuda_host"
  std::string description;
  bool available = true;
  std::string unavailable_reason;  // e.g. "skipped: no CUDA device"
  bool test_only = false;          // deliberately wrong subjects used to test the checker
  std::vector<SubjectOp> ops;
};

// Every subject this build knows, available or not, in a fixed order.
const std::vector<Subject>& all_subjects();
const Subject& subject_by_name(const std::string& name);  // InputError if unknown

}  // namespace fpc
