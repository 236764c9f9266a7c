// Fuzz target "block_file_protocol": a block cases directory as 'fpconform check DIR' reads it
// (harness/protocol/block_files.hpp, docs/file-protocol.md "Block quantizers"): the sidecar cases.json,
// values.bin, and the answers codes.bin, scales.bin and (int4 groups) zero_points.bin. The input
// decodes into the directory: a 2-byte length and the sidecar's text, then for each of values.bin,
// codes.bin, scales.bin and zero_points.bin a byte (odd: the file exists) and, if it exists, a
// 2-byte length and its bytes.
// BlockCasesDirectory must accept the directory or throw an InputError; the answers of an accepted
// directory go through the block check (check_blocks) for its first blocks (the whole check costs
// the exact references of every block and reference under the sanitizers). Any other exception,
// crash, hang or unbounded allocation is a finding.
#include "protocol/block_files.hpp"
#include "fuzz_input.hpp"
#include "temp_file.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

namespace {

constexpr size_t kBlocksChecked = 4;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fpc::fuzz::ByteReader r(data, size);
  const std::filesystem::path& dir =
      fpc::fuzz::write_cases_dir("block_file_protocol", r, {"values.bin", "codes.bin", "scales.bin", "zero_points.bin"});
  (void)fpc::is_block_cases_dir(dir.string());  // how 'fpconform check' tells the protocols apart
  try {
    const fpc::BlockCasesDirectory d(dir.string());
    const size_t n = std::min(d.cases().size(), kBlocksChecked);
    const fpc::BlockCheckResult result = fpc::check_blocks(
        "fuzz", d.claims(), d.cases(), 0, n, [&](size_t i, const fpc::BlockCase&) { return d.answer(i); });
    (void)fpc::summary_line(result);
  } catch (const fpc::InputError&) {
  }
  return 0;
}
