// Dot-product subjects: implementations under test that compute D = A.B + C for batches of dot
// products (a GPU's MMA instruction, a BLAS GEMM, a plain C loop), each claiming one row of the
// dot model table (fpconform/dot.hpp). Checked by harness/check/dot/dot_check.hpp, which compares
// every result bit for bit with the claimed model and diagnoses a failing one by every model.
//
// Registration: a family of dot subjects is one function that appends its subjects,
//   void register_NAME_dot_subjects(std::vector<DotSubject>& subjects);
// declared below and called, once and in order, by dot_subjects() (kernels/cpu/dot_subjects.cpp).
// Adding a family (e.g. the CUDA MMA kernels) is: define the function in its own file, declare it
// here, add one call line to the registry. A subject that cannot run here (no GPU) is still
// registered, with available = false and its reason, so runs list it as skipped.
#pragma once

#include "fpconform/dot.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace fpc {

// `count` dot products of length K, operands as codes (never host floats). Row-major: dot i reads
// a[i*K .. i*K + K) and b[i*K .. i*K + K) (codes of the claim's input format) and c[i] (a code of
// the claim's output format), and writes d[i] (a code of the output format, zero-extended).
// A block-scaled claim (DotClaim::scales set) also gets the scales: one code of the rule's format
// per `block` consecutive elements, dot i's at a_scales[i*K/block .. (i+1)*K/block) (the same for
// b); a_scales[i*K/block + j] scales a[i*K + j*block .. i*K + (j+1)*block). Empty otherwise.
struct DotBatch {
  size_t K = 0, count = 0;
  std::span<const uint64_t> a, b, c;
  std::span<uint64_t> d;
  std::span<const uint64_t> a_scales = {}, b_scales = {};
};

// What a dot op claims to compute: the model row (model, input format, output format) and the
// GEMM-level options around it (FP8 promotion interval, split-K).
struct DotClaim {
  std::string model;   // a model name of dot_model_names(): "sequential_fp32", "h100", "h100-wgmma-fp8" ...
  std::string input;   // format of A and B codes (float32 for a TF32 row fed FP32 codes)
  std::string output;  // format of C and D: float32, float16 or bfloat16
  GemmOptions gemm = {};
  // Block-scaled rows (b200-mxf8f6f4, b200-mxf4nvf4): the one of the row's block_scales rules the
  // op takes (e.g. {"float8_e4m3fn", 16}: NVFP4); unset for every other row.
  std::optional<BlockScaleRule> scales = {};
};

struct DotOp {
  std::string name;    // unique within the subject, e.g. "float16_to_float32"
  std::string entry;   // what it calls: "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", "c loop"
  DotClaim claim;
  std::vector<size_t> ks;  // the K values it takes (an MMA kernel: multiples of its k); checks use these
  // Computes the batch (every d[i]). Throws std::exception (its what() becomes the check's error).
  std::function<void(const DotBatch&)> run;
};

struct DotSubject {
  std::string name;                // e.g. "cpu_dot_loop", "cuda_mma"
  std::string description;
  bool available = true;
  std::string unavailable_reason;  // e.g. "skipped: no CUDA device"
  bool test_only = false;          // deliberately wrong subjects that test the check
  std::vector<DotOp> ops;
};

// Every dot subject of this build, available or not, in a fixed order.
const std::vector<DotSubject>& dot_subjects();
const DotSubject& dot_subject_by_name(const std::string& name);  // InputError if unknown

// The families (see the top of this file).
void register_cpu_dot_subjects(std::vector<DotSubject>& subjects);   // kernels/cpu/dot_subjects.cpp
void register_test_dot_subjects(std::vector<DotSubject>& subjects);  // kernels/cpu/dot_subjects.cpp (planted bugs)
void register_cuda_mma_dot_subjects(std::vector<DotSubject>& subjects);  // kernels/cuda/mma_subjects.cpp (mma.sync, wgmma, cuBLASLt)
void register_block_scaled_dot_subjects(std::vector<DotSubject>& subjects);       // kernels/cpu/block_scaled_dot_subjects.cpp
void register_test_block_scaled_dot_subjects(std::vector<DotSubject>& subjects);  // the same file (planted bugs)

}  // namespace fpc
