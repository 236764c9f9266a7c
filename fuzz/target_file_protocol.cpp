// Fuzz target "file_protocol": a cases directory as 'fpconform check DIR' reads it
// (harness/file_protocol.hpp, docs/file-protocol.md): the sidecar cases.json and the code files.
// The input decodes into the directory: a 2-byte length and the sidecar's text, then for each of
// in0.bin, in1.bin, in2.bin, random.bin and out.bin a byte (odd: the file exists) and, if it
// exists, a 2-byte length and its bytes. CasesDirectory must accept the directory or throw an
// InputError; an accepted directory's outputs are read and 'fpconform check' runs on it, which
// must also end in a verdict or an InputError.
#include "file_protocol.hpp"
#include "fuzz_input.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const fs::path& scratch_dir() {
  static const fs::path dir = fs::temp_directory_path() / ("fpc_fuzz_file_protocol_" + std::to_string(getpid()));
  return dir;
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
  for (const char* name : {"in0.bin", "in1.bin", "in2.bin", "random.bin", "out.bin"})
    if (r.u8() & 1) write_file(dir / name, take(r, r.u16()));
  try {
    const fpc::CasesDirectory cases(dir.string());
    const uint64_t n = std::min<uint64_t>(cases.cases().count(), 64);
    for (uint64_t i = 0; i < n; ++i) (void)cases.output(i);
  } catch (const fpc::InputError&) {
    return 0;
  }
  std::ostringstream out, err;
  try {
    (void)fpc::cli::cmd_check({dir.string(), "--report", (dir / "report.json").string(), "--threads", "1"}, out, err);
  } catch (const fpc::InputError&) {
  }
  return 0;
}
