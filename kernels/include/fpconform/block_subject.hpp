// Block quantizers under test: float32 values in, element codes and one scale code per block out
// (and one zero point per block for schemes with zero points: QuantSchemeInfo::zero_points),
// claiming one scheme and reference of fpconform/quantize.hpp. Checked by harness/check/block/block_check.hpp.
#pragma once

#include "fpconform/quantize.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace fpc {

struct BlockOutput {
  std::vector<uint64_t> codes;        // one element code per input value
  std::vector<uint64_t> scale_codes;  // one per block, in the claimed scheme's scale format
  std::vector<int64_t> zero_points = {};  // one per block where the scheme has zero points (int4
                                          // groups: QuantBlock::zero_point); empty for the others
};

struct BlockSubject {
  std::string name;         // e.g. "cpu_bnb_fp4_cuda_port"
  std::string description;
  QuantOptions claims;      // scheme, reference and block size it claims to implement
  bool test_only = false;   // deliberately wrong (or wrongly labelled) subjects that test the check
  std::function<BlockOutput(std::span<const uint32_t> float32_bits)> run;
  bool available = true;    // false: cannot run here (e.g. cuda_device_* without a GPU); run throws
  std::string unavailable_reason = {};  // e.g. "skipped: no CUDA device"
};

// Every block subject of this build, in a fixed order.
const std::vector<BlockSubject>& block_subjects();
const BlockSubject& block_subject_by_name(const std::string& name);  // InputError if unknown

}  // namespace fpc
