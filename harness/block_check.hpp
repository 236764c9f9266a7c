// Block checks: a block quantizer (fpconform/block_subject.hpp) against the exact references of
// its scheme (fpconform/quantize.hpp), over adversarial and seeded random blocks of float32 values.
// The verdict is bit-exact agreement with the reference the subject claims; the distances to the
// ideal and to every faithful reference are reported separately, so a kernel that rounds "like
// bitsandbytes' CUDA kernel" shows distance 0 to that reference and its distance to the ideal.
#pragma once

#include "fpconform/block_subject.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fpc {

// One block of float32 bit patterns and the kind of adversity it exercises: "one_outlier",
// "all_equal", "all_zero", "subnormal_only", "ties", "nan_inf", "random".
struct BlockCase {
  std::string kind;
  std::vector<uint32_t> bits;
};
// Deterministic in (options, random_blocks, seed): a few blocks of each adversarial kind, then
// random_blocks random blocks; every block has options.blocksize values.
std::vector<BlockCase> block_cases(const QuantOptions& options, size_t random_blocks, uint64_t seed);

// How far a subject is from one reference.
struct BlockDistance {
  std::string reference;
  uint64_t blocks = 0;             // blocks the reference defines (the ideal rejects NaN, ...)
  uint64_t blocks_differing = 0;   // element codes or scale differ
  uint64_t values_differing = 0;   // element codes that differ
  uint64_t scales_differing = 0;
  std::string first;               // the first differing block, readable
};

struct BlockCheckResult {
  std::string subject;
  QuantOptions claims;
  uint64_t blocks = 0, values = 0;
  std::vector<BlockDistance> distances;  // the claimed reference first, then the others
  bool passed = false;                   // claimed distance 0 over at least one defined block
  std::string error;                     // the subject threw
  std::string skipped;                   // the subject cannot run here (its unavailable_reason); not a failure
};

// An unavailable subject is not run: the result is skipped (passed false, skipped set).
BlockCheckResult run_block_check(const BlockSubject& subject, size_t random_blocks, uint64_t seed);

// "PASS  name  scheme[reference]  N blocks: claimed: ...; ideal: ...; cpu: ..." (or "SKIP ...: why")
std::string summary_line(const BlockCheckResult& r);

}  // namespace fpc
