// Fuzz target "file_protocol": a cases directory as 'fpconform check DIR' reads it
// (harness/protocol/file_protocol.hpp, docs/file-protocol.md): the sidecar cases.json and the code files.
// The input decodes into the directory: a 2-byte length and the sidecar's text, then for each of
// in0.bin, in1.bin, in2.bin, random.bin and out.bin a byte (odd: the file exists) and, if it
// exists, a 2-byte length and its bytes. CasesDirectory must accept the directory or throw an
// InputError; an accepted directory's outputs are read through the subject op 'fpconform check'
// runs (the checker itself is left out: its reference tables cost about a second per input
// under the sanitizers; tests/test_fuzz_support.cpp covers what its seeds found there).
#include "protocol/file_protocol.hpp"
#include "fuzz_input.hpp"
#include "temp_file.hpp"

#include <algorithm>
#include <filesystem>
#include <vector>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fpc::fuzz::ByteReader r(data, size);
  const std::filesystem::path& dir =
      fpc::fuzz::write_cases_dir("file_protocol", r, {"in0.bin", "in1.bin", "in2.bin", "random.bin", "out.bin"});
  try {
    const fpc::CasesDirectory cases(dir.string());
    // Every output through the subject op 'fpconform check' runs (its run_cases reads out.bin by
    // case index), the operands regenerated as the checker does.
    const fpc::SubjectOp op = cases.subject_op("fuzz");
    const uint64_t n = std::min<uint64_t>(cases.cases().count(), 1024);
    std::vector<std::vector<uint64_t>> operands(static_cast<size_t>(cases.cases().operand_arrays()),
                                                std::vector<uint64_t>(n));
    std::vector<uint64_t*> ptrs;
    for (auto& v : operands) ptrs.push_back(v.data());
    cases.cases().fill(0, n, ptrs.data());
    std::vector<const uint64_t*> cptrs(ptrs.begin(), ptrs.end());
    std::vector<uint64_t> out(n);
    if (op.run_cases) op.run_cases(0, cptrs.data(), out.data(), n);
    for (uint64_t i = 0; i < n; ++i)
      if (out[i] != cases.output(i)) fpc::fuzz::finding("file_protocol: run_cases and output() disagree on case " + std::to_string(i));
  } catch (const fpc::InputError&) {
  }
  return 0;
}
