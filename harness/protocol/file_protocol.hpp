// The file protocol: a check's cases as raw code arrays with a JSON sidecar, so that a program in
// any language (numpy, PyTorch, JAX, Triton) can compute the outputs and fpconform can check them.
// docs/file-protocol.md is the specification; in brief:
//
//   DIR/cases.json  the sidecar (schema "fpconform.cases/1"): the op's semantics as a report
//                   writes them, the cases (kind, label, count, seed) and one entry per file
//                   (name, format, width in bytes)
//   DIR/in0.bin     operand 0 of every case, in case order (in1.bin, in2.bin for binary/ternary ops)
//   DIR/random.bin  stochastic rounding only: each case's random bits
//   DIR/out.bin     written by the program under test: the result code of every case
//
// Every file is `count` codes, each a little-endian unsigned integer in the smallest of 1, 2, 4 or
// 8 bytes that holds the format's bits, zero-extended (4-bit formats take one byte per code).
#pragma once

#include "check/element/cases.hpp"
#include "fpconform/subject.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fpc {

class MappedCodeFile;

inline constexpr const char* kCasesSchema = "fpconform.cases/1";
// At most this many cases per directory (2^28: 1 GiB per 4-byte file). Exhaustive sweeps beyond
// it (every float32, every 16-bit pair) belong to 'fpconform run', plugins or a C++ subject.
inline constexpr uint64_t kMaxFileCases = uint64_t{1} << 28;

// Bytes per code in the protocol's files: the smallest of 1, 2, 4, 8 that holds `bits` (1..64).
int code_width(int bits);

// Writes n codes to `path` (created or replaced) as little-endian `width`-byte integers.
// InputError when the file cannot be written.
void write_code_file(const std::string& path, const uint64_t* codes, size_t n, int width);

// The code stored little-endian in p[0..width).
uint64_t load_le(const unsigned char* p, int width);
// s with line breaks as spaces, for one-line error messages.
std::string one_line(std::string s);

// A plain file name inside a cases directory: letters, digits, '_', '-', '.'; not "." or "..".
bool plain_file_name(const std::string& name);
// Why a file of `actual` bytes does not hold `count` codes of `width` bytes: "has 1000 bytes, but
// 256 cases of 2-byte codes take 512 (oversized: it looks like 4-byte codes)".
std::string size_problem(uint64_t count, int width, uint64_t actual);

// Writes DIR/cases.json and DIR/in*.bin (and DIR/random.bin for stochastic rounding) for every
// case of `cases`, creating DIR if needed; returns the sidecar. InputError when the cases exceed
// kMaxFileCases or DIR cannot be written.
nlohmann::json write_cases(const std::string& dir, const OpSemantics& s, const CaseSource& cases);

// A cases directory with the output of a program under test, validated as a whole on
// construction: the sidecar parses and every field has its type and a known value, the formats
// and op are known, the widths are the formats' widths, the cases regenerate to the sidecar's
// count and to the very codes of the input files, and every file has exactly count x width bytes.
// Any problem is one InputError line naming the file.
//
// InputCheck::DuringCheck leaves the comparison of the input files with the regenerated cases to
// the subject op's run_cases, which gets the regenerated cases from the checker anyway: one pass
// over the cases instead of two, on the checker's threads. After the check, throw_input_problem()
// reports the first case whose input codes differ (the same error the constructor would give).
enum class InputCheck { Now, DuringCheck };

class CasesDirectory {
 public:
  explicit CasesDirectory(const std::string& dir, InputCheck input_check = InputCheck::Now);
  ~CasesDirectory();
  CasesDirectory(const CasesDirectory&) = delete;
  CasesDirectory& operator=(const CasesDirectory&) = delete;

  const OpSemantics& semantics() const { return semantics_; }
  const CaseSource& cases() const { return *cases_; }
  const std::string& output_path() const { return output_path_; }
  // A name for the op: "convert_float32_to_bfloat16_rne_sat", "add_float16_rtz".
  std::string op_name() const;
  static std::string op_name_for(const OpSemantics& s);
  // The result code out.bin holds for case i (< cases().count()).
  uint64_t output(uint64_t case_index) const;
  // The output file as a subject op: its run_cases looks the results up by case index (and, with
  // InputCheck::DuringCheck, compares the input files with the cases it is handed).
  SubjectOp subject_op(const std::string& entry) const;
  // With InputCheck::DuringCheck, after every case went through subject_op: InputError for the
  // first case whose input codes differ from the regenerated ones, if any.
  void throw_input_problem() const;

 private:
  void compare_inputs(uint64_t first, size_t n, const uint64_t* const* ops) const;
  std::string input_problem(size_t file, uint64_t index, uint64_t expected) const;

  OpSemantics semantics_;
  std::unique_ptr<CaseSource> cases_;
  std::string output_path_;
  std::unique_ptr<MappedCodeFile> output_;
  std::vector<std::unique_ptr<MappedCodeFile>> inputs_;
  InputCheck input_check_ = InputCheck::Now;
  struct FirstDifference {
    uint64_t index = 0, expected = 0;
    size_t file = 0;
  };
  mutable std::mutex problem_mu_;
  mutable std::optional<FirstDifference> problem_;
};

}  // namespace fpc
