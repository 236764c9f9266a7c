// The file protocol for dot products (docs/mma.md, "How to check a GEMM"): the dots of a dot
// check as raw code arrays with a JSON sidecar, so that a GEMM in any language (numpy, PyTorch,
// a CUDA program) can be checked, and diagnosed, without linking:
//
//   DIR/cases.json  the sidecar: "kind": "dot", the claim (model, input, output, promotion_interval,
//                   split_k), K, the dots (label, seed, count, dot_kinds) and one entry per file
//   DIR/a.bin       count x K codes of the input format, dot after dot (row-major A), little-endian
//   DIR/b.bin       count x K codes of the input format (row i of B is dot i's second operand)
//   DIR/c.bin       count codes of the output format (the addends)
//   DIR/a_scales.bin, b_scales.bin  block-scaled claims only ("scales" in the claim): count x K/block
//                   codes of the scale format, dot after dot (dot i's a_scales[i*K/block + j]
//                   scales a[i*K + j*block .. (j+1)*block))
//   DIR/d.bin       written by the program under test: count codes of the output format,
//                   d[i] = a[i] . b[i] + c[i] as it computes it
//
// The dots are those of a run's dot check (harness/check/dot/dot_check.hpp) for the same claim,
// K, label and seed, and 'fpconform check DIR' writes the same report entry as the run does.
#pragma once

#include "check/dot/dot_check.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fpc {

inline constexpr const char* kDotCasesKind = "dot";

// Writes DIR/cases.json, a.bin, b.bin and c.bin (creating DIR, removing a d.bin left from earlier
// cases); returns the sidecar. InputError for an unknown model or format, K outside 1..4096.
nlohmann::json write_dot_cases(const std::string& dir, const DotClaim& claim, size_t K, const DotCaseSet& set, uint64_t seed);

bool is_dot_cases_dir(const std::string& dir);

// A dot cases directory with the answers of a program under test, validated as a whole on
// construction (every sidecar field present, typed and known; the dots regenerate to the very
// codes of a.bin, b.bin and c.bin; d.bin of exactly count codes). Any problem is one InputError.
class DotCasesDirectory {
 public:
  explicit DotCasesDirectory(const std::string& dir);

  const DotClaim& claim() const { return claim_; }
  size_t K() const { return K_; }
  const DotCaseSet& set() const { return set_; }
  uint64_t seed() const { return seed_; }
  const std::vector<DotCase>& cases() const { return cases_; }
  const std::string& d_path() const { return d_path_; }
  // The op a report names: "INPUT_to_OUTPUT_kK" (e.g. "float16_to_float32_k16").
  DotOp op(const std::string& entry) const;
  // The d codes the program wrote, as a check's answers.
  DotAnswers answers() const;

 private:
  DotClaim claim_;
  size_t K_ = 0;
  DotCaseSet set_;
  uint64_t seed_ = 0;
  std::vector<DotCase> cases_;
  std::string d_path_;
  std::vector<uint64_t> d_;
};

}  // namespace fpc
