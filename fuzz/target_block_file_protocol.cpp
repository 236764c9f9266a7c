// Fuzz target "block_file_protocol": a block cases directory as 'fpconform check DIR' reads it
// (harness/block_files.hpp, docs/file-protocol.md "Block quantizers"): the sidecar cases.json,
// values.bin, and the answers codes.bin, scales.bin and (int4 groups) zero_points.bin. The input
// decodes into the directory: a 2-byte length and the sidecar's text, then for each of values.bin,
// codes.bin, scales.bin and zero_points.bin a byte (odd: the file exists) and, if it exists, a
// 2-byte length and its bytes.
// BlockCasesDirectory must accept the directory or throw an InputError; the answers of an accepted
// directory go through the block check (check_blocks) for its first blocks (the whole check costs
// the exact references of every block and reference under the sanitizers). Any other exception,
// crash, hang or unbounded allocation is a finding.
#include "block_files.hpp"
#include "fuzz_input.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

constexpr size_t kBlocksChecked = 4;

// The per-process directory the input is written to, removed when the process exits normally.
const fs::path& scratch_dir() {
  struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("fpc_fuzz_block_file_protocol_" + std::to_string(getpid()));
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.dir;
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;
  if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

std::string take(fpc::fuzz::ByteReader& r, size_t n) {
  std::string s;
  while (n-- > 0 && r.left() > 0) s.push_back(static_cast<char>(r.u8()));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fpc::fuzz::ByteReader r(data, size);
  const fs::path& dir = scratch_dir();
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  write_file(dir / "cases.json", take(r, r.u16() % 16384));
  for (const char* name : {"values.bin", "codes.bin", "scales.bin", "zero_points.bin"})
    if (r.u8() & 1) write_file(dir / name, take(r, r.u16()));
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
