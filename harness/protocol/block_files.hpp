// The file protocol for block quantizers (docs/file-protocol.md, "Block quantizers"): the blocks
// of a block check as raw float32 values with a JSON sidecar, so that a quantizer in any language
// (bitsandbytes, torchao, a Triton kernel) can be checked without linking:
//
//   DIR/cases.json   the sidecar: "kind": "block", the claims (scheme, reference, blocksize, ...),
//                    the blocks (label, seed, number, kinds) and one entry per file
//   DIR/values.bin   every block's float32 values, little-endian, block after block
//   DIR/codes.bin    written by the program under test: one element code per value (unpacked,
//                    zero-extended to the smallest of 1, 2, 4, 8 bytes, little-endian)
//   DIR/scales.bin   written by the program under test: one scale code per block, in the scheme's
//                    scale format (float32 bits for bitsandbytes and LLM.int8, E8M0 for MX ...)
//   DIR/zero_points.bin  schemes with zero points (uint4_group, int4_group) only, written by the
//                    program under test: one zero point per block, int32 little-endian
//
// The blocks are those of a run's block check (harness/check/block/block_check.hpp) for the same claims,
// label and seed, and 'fpconform check DIR' writes the same report entry as the run does.
#pragma once

#include "check/block/block_check.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fpc {

inline constexpr const char* kBlockCasesKind = "block";

// Writes DIR/cases.json and DIR/values.bin (creating DIR; removing codes.bin, scales.bin and
// zero_points.bin left from earlier cases); returns the sidecar. InputError for claims block checks cannot take.
nlohmann::json write_block_cases(const std::string& dir, const QuantOptions& claims, const BlockCaseSet& set, uint64_t seed);

// Whether DIR/cases.json is a block sidecar ("kind": "block"); false when it is anything else
// (the element protocol's reader then reports what is wrong).
bool is_block_cases_dir(const std::string& dir);

// A block cases directory with the answers of a program under test, validated as a whole on
// construction: every sidecar field present, typed and known; the claims valid; the blocks
// regenerate to the sidecar's counts and kinds and to the very values of values.bin; codes.bin,
// scales.bin (and zero_points.bin, exactly for schemes with zero points) of exactly the sizes the
// sidecar gives. Any problem is one InputError line.
class BlockCasesDirectory {
 public:
  explicit BlockCasesDirectory(const std::string& dir);

  const QuantOptions& claims() const { return claims_; }
  const BlockCaseSet& set() const { return set_; }
  uint64_t seed() const { return seed_; }
  const std::vector<BlockCase>& cases() const { return cases_; }
  const std::string& codes_path() const { return codes_path_; }
  // The codes, scale code (and zero point) the program wrote for block `index`.
  BlockOutput answer(size_t index) const;

 private:
  QuantOptions claims_;
  BlockCaseSet set_;
  uint64_t seed_ = 0;
  std::vector<BlockCase> cases_;
  std::string codes_path_;
  std::vector<uint64_t> codes_, scales_;
  std::vector<int64_t> zero_points_;  // schemes with zero points only
};

}  // namespace fpc
