// Block checks: a block quantizer (fpconform/block_subject.hpp) against the exact references of
// its scheme (fpconform/quantize.hpp), over adversarial and seeded random blocks of float32 values.
// The verdict is bit-exact agreement with the reference the subject claims; the distances to the
// ideal and to every faithful reference are reported separately, so a kernel that rounds "like
// bitsandbytes' CUDA kernel" shows distance 0 to that reference and its distance to the ideal.
//
// Every block is quantized on its own (a tensor of one block): a scheme's per-tensor state (the
// NVFP4 tensor amax, unless the claims fix it) comes from that block alone.
#pragma once

#include "fpconform/block_subject.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace fpc {

// One block of float32 bit patterns and the kind of adversity it exercises: "one_outlier",
// "all_equal", "all_zero", "subnormal_only", "ties", "nan_inf", "random".
struct BlockCase {
  std::string kind;
  std::vector<uint32_t> bits;
};

// Which blocks a check runs. Labels: "adversarial" (the adversarial blocks only), "random:N"
// (N seeded random blocks), "all" (both, with 64 random blocks), "all:N" (both, N random blocks).
// The random blocks of "random:N" are those of "all:N".
inline constexpr size_t kDefaultRandomBlocks = 64;
inline constexpr size_t kMaxRandomBlocks = size_t{1} << 20;
struct BlockCaseSet {
  bool adversarial = true;
  size_t random = kDefaultRandomBlocks;
  static BlockCaseSet parse(const std::string& label);  // InputError for anything else
  std::string label() const;                            // canonical ("all:64" is "all")
  std::string kind() const;                             // "adversarial", "random" or "all"
};

// The number of values per block a check of these claims uses (the scheme's default when the
// claims give none; llm_int8_row: the row length). InputError for claims block checks cannot take:
// schemes without one scale per block of consecutive values (llm_int8_col), whole-row groups,
// double quantization, a matrix row length (--cols).
size_t check_blocksize(const QuantOptions& claims);

// Deterministic in (claims, set, seed): a few blocks of each adversarial kind, then the random
// blocks; every block has check_blocksize(claims) values.
std::vector<BlockCase> block_cases(const QuantOptions& claims, const BlockCaseSet& set, uint64_t seed);
// The same as the set "all:random_blocks".
std::vector<BlockCase> block_cases(const QuantOptions& claims, size_t random_blocks, uint64_t seed);

// Where a block's values are exact ties between two element codes (the "ties" blocks above use
// it; properties and fuzz targets build their own blocks from it), from the scheme table's element
// facts (QuantSchemeInfo::facts, quant_element_grid), so every scheme has one. In a block whose
// amax is `unit_amax` the scale is 1 (bitsandbytes: absmax 1; MX: 2^0; the largest element value), and
// each of `midpoints` is the float32 rounding of the midpoint of two consecutive element values,
// ascending, midpoints at zero left out: a value there is a tie the element rounding must break
// (or, where float32 cannot hold the midpoint, the float32 nearest it). Multiplying the whole
// block by a power of two keeps MX and bitsandbytes ties ties. InputError as check_blocksize.
struct BlockTieGrid {
  uint32_t unit_amax = 0;           // float32 bits
  std::vector<uint32_t> midpoints;  // float32 bits
  // A symmetric grid (as many negative values as positive): a block also holding -unit_amax still
  // has scale 1, and GPTQ's symmetric group needs it (it is symmetric only with a value below 0).
  bool with_negative_amax = false;
};
BlockTieGrid block_tie_grid(const QuantOptions& claims);

// The kinds of consecutive blocks: block `first` .. first + count - 1 are of `kind`.
struct BlockKindRange {
  std::string kind;
  uint64_t first = 0, count = 0;
};
std::vector<BlockKindRange> kind_ranges(const std::vector<BlockCase>& cases);

// The formats a subject writes: element codes (bnb_fp4, nf4, int8, float4_e2m1fn ...), one scale
// code per block (float32 where the scheme stores its scale exactly or as float32) and, for
// schemes with zero points, one zero point per block.
struct BlockLayout {
  size_t blocksize = 0;
  const Format* element = nullptr;
  const Format* scale = nullptr;
  bool zero_points = false;  // one zero point (an integer) per block too: the int4 groups
};
BlockLayout block_layout(const QuantOptions& claims);

// The claims as reports and block cases directories write them: scheme, reference, blocksize,
// and the scheme's options where they apply (scale_rule and rounding for MX, tensor_amax for
// NVFP4 when fixed). claims_from_json: InputError for anything missing, unknown or mistyped.
nlohmann::json claims_to_json(const QuantOptions& claims);
QuantOptions claims_from_json(const nlohmann::json& j);

// How far a subject is from one reference.
struct BlockDistance {
  std::string reference;
  uint64_t blocks = 0;             // blocks the reference defines (the ideal rejects NaN, ...)
  uint64_t blocks_differing = 0;   // element codes, scale or zero point differ
  uint64_t values_differing = 0;   // element codes that differ
  uint64_t scales_differing = 0;
  uint64_t zero_points_differing = 0;  // schemes with zero points (int4 groups) only
  std::string first;               // the first differing block, readable
};

struct BlockCheckResult {
  std::string subject;
  QuantOptions claims;
  uint64_t blocks = 0, values = 0;       // blocks (and their values) the subject answered
  std::vector<BlockDistance> distances;  // the claimed reference first, then the others
  bool passed = false;                   // see block_check_status
  std::string error;                     // the first block the subject threw on or answered malformed
  std::string skipped;                   // the subject cannot run here (its unavailable_reason); not a failure
  // Blocks the claimed reference has no rule for (non-finite values under a reference that takes
  // finite values only): answered but not judged. Shown, and failing under strict_blocks.
  uint64_t unjudged = 0;
  std::string unjudged_first;            // the first such block: why, and what the subject answered
  bool strict_blocks = false;            // --strict-blocks: an unjudged block fails the check
};

// "skipped" when the subject cannot run here; "error" when the subject threw or answered malformed
// on some block; "fail" when the claimed reference differs on a block, defines none of the blocks
// answered, or (strict_blocks) leaves a block unjudged; else "pass" (also for no blocks at all:
// an empty shard).
std::string block_check_status(const BlockCheckResult& r);

// A block's answer, by its index in the check's cases: a subject's run, or a file's contents.
using BlockAnswers = std::function<BlockOutput(size_t index, const BlockCase& block)>;

// Checks blocks [begin, end) of `cases` (clamped to their number). A throwing or malformed answer
// is recorded (the first one as `error`) and the remaining blocks are still checked.
BlockCheckResult check_blocks(const std::string& subject, const QuantOptions& claims, const std::vector<BlockCase>& cases,
                              size_t begin, size_t end, const BlockAnswers& answers, bool strict_blocks = false);

// An unavailable subject is not run: the result is skipped (passed false, skipped set, the
// distances named but empty).
BlockCheckResult run_block_check(const BlockSubject& subject, const BlockCaseSet& set, uint64_t seed, size_t begin = 0,
                                 size_t end = std::numeric_limits<size_t>::max(), bool strict_blocks = false);
// The set "all:random_blocks".
BlockCheckResult run_block_check(const BlockSubject& subject, size_t random_blocks, uint64_t seed);

// "blocks 3/140 differ (12 values, 1 scales)" ("..., 2 zero points)" when zero points differ) or
// "identical on 140 blocks".
std::string distance_text(const BlockDistance& d);
// "1 block unjudged (nan_inf block 21: ...)" or "" when every block was judged.
std::string unjudged_text(const BlockCheckResult& r);
// "PASS  name  scheme[reference]  N blocks: claimed: ...; ideal: ...; cpu: ..." (or "SKIP ...: why")
std::string summary_line(const BlockCheckResult& r);

}  // namespace fpc
