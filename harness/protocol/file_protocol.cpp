// The file protocol (docs/file-protocol.md): 'fpconform cases' writes a cases directory,
// 'fpconform check' checks the output file a program under test wrote into it.
#include "protocol/file_protocol.hpp"

#include "cli/args.hpp"
#include "protocol/block_files.hpp"
#include "protocol/mapped_file.hpp"
#include "protocol/sidecar.hpp"
#include "report/report.hpp"
#include "cli/run_command.hpp"
#include "check/worker.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fpc {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSidecar = kSidecarName;
constexpr const char* kOutputFile = "out.bin";
constexpr const char* kRandomBitsFile = "random.bin";
constexpr size_t kIoChunk = size_t{1} << 16;  // cases per write or verification step

std::string input_file_name(int k) { return "in" + std::to_string(k) + ".bin"; }

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

void store_le(unsigned char* p, uint64_t v, int width) {
  for (int b = 0; b < width; ++b, v >>= 8) p[b] = static_cast<unsigned char>(v & 0xff);
}

// ---- reading the sidecar: every field checked for presence, type and known value --------------

using Sidecar = SidecarReader;  // protocol/sidecar.hpp, shared with the block file protocol

}  // namespace

std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

uint64_t load_le(const unsigned char* p, int width) {
  uint64_t v = 0;
  for (int b = width - 1; b >= 0; --b) v = (v << 8) | p[b];
  return v;
}

// A plain file name inside the directory: no path separators, no "." or "..".
bool plain_file_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

// "256 cases of 2-byte codes take 512 bytes; out.bin has 1000 (oversized — it looks like 4-byte codes)"
std::string size_problem(uint64_t count, int width, uint64_t actual) {
  const uint64_t expected = count * static_cast<uint64_t>(width);
  std::string s = "has " + std::to_string(actual) + " bytes, but " + std::to_string(count) + " cases of " +
                  std::to_string(width) + "-byte codes take " + std::to_string(expected) + " (" +
                  (actual < expected ? "truncated" : "oversized");
  for (int w : {1, 2, 4, 8})
    if (w != width && actual == count * static_cast<uint64_t>(w)) s += ": it looks like " + std::to_string(w) + "-byte codes";
  return s + ")";
}

int code_width(int bits) {
  if (bits < 1 || bits > 64) throw InputError("code width of a " + std::to_string(bits) + "-bit format");
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

void write_code_file(const std::string& path, const uint64_t* codes, size_t n, int width) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw InputError("cannot write " + path);
  std::vector<unsigned char> bytes(std::min(n, kIoChunk) * static_cast<size_t>(width));
  for (size_t i = 0; i < n; i += kIoChunk) {
    const size_t m = std::min(kIoChunk, n - i);
    for (size_t j = 0; j < m; ++j) store_le(&bytes[j * static_cast<size_t>(width)], codes[i + j], width);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(m * static_cast<size_t>(width)));
  }
  if (!f.flush()) throw InputError("failed writing " + path);
}

json write_cases(const std::string& dir, const OpSemantics& s, const CaseSource& cases) {
  const uint64_t count = cases.count();
  if (count > kMaxFileCases)
    throw InputError(cases.label() + " cases of " + s.describe() + " are " + std::to_string(count) +
                     "; the file protocol takes at most 2^28 per directory (use boundary or random:N, or "
                     "'fpconform run' with a plugin for full sweeps)");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) throw InputError("cannot create directory " + dir);
  // A result file left from earlier cases in this directory would be checked against the new ones.
  if (fs::exists(fs::path(dir) / kSidecar, ec)) fs::remove(fs::path(dir) / kOutputFile, ec);

  const int arrays = cases.operand_arrays();
  const int in_width = code_width(s.in->bits());
  std::vector<std::string> names;
  std::vector<int> widths;
  json inputs = json::array();
  for (int k = 0; k < s.arity(); ++k) {
    names.push_back(input_file_name(k));
    widths.push_back(in_width);
    inputs.push_back({{"file", names.back()}, {"format", s.in->name}, {"width", in_width}});
  }
  json sidecar = {{"schema", kCasesSchema},
                  {"tool", {{"name", "fpconform"}, {"version", this_tool_version()}, {"revision", this_tool_revision()}}},
                  {"semantics", semantics_to_json(s)},
                  {"cases", {{"kind", cases.label().substr(0, cases.label().find(':'))}, {"label", cases.label()},
                             {"count", count}, {"seed", cases.seed()}}},
                  {"byte_order", "little"},
                  {"inputs", inputs},
                  {"output", {{"file", kOutputFile}, {"format", s.out->name}, {"width", code_width(s.out->bits())}}}};
  if (s.rounding == Rounding::Stochastic) {
    names.push_back(kRandomBitsFile);
    widths.push_back(code_width(s.sr_bits));
    sidecar["random_bits"] = {{"file", kRandomBitsFile}, {"bits", s.sr_bits}, {"width", widths.back()}};
  }

  std::vector<std::ofstream> files;
  for (const std::string& name : names) {
    files.emplace_back(fs::path(dir) / name, std::ios::binary | std::ios::trunc);
    if (!files.back()) throw InputError("cannot write " + (fs::path(dir) / name).string());
  }
  std::vector<std::vector<uint64_t>> ops(static_cast<size_t>(arrays), std::vector<uint64_t>(kIoChunk));
  std::vector<uint64_t*> ptrs;
  for (auto& v : ops) ptrs.push_back(v.data());
  std::vector<unsigned char> bytes(kIoChunk * 8);
  for (uint64_t first = 0; first < count; first += kIoChunk) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kIoChunk, count - first));
    cases.fill(first, n, ptrs.data());
    for (size_t k = 0; k < static_cast<size_t>(arrays); ++k) {
      const auto w = static_cast<size_t>(widths[k]);
      for (size_t j = 0; j < n; ++j) store_le(&bytes[j * w], ops[k][j], widths[k]);
      files[k].write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(n * w));
    }
  }
  for (size_t k = 0; k < files.size(); ++k)
    if (!files[k].flush()) throw InputError("failed writing " + (fs::path(dir) / names[k]).string());

  std::ofstream f(fs::path(dir) / kSidecar);
  f << sidecar.dump(2) << "\n";
  if (!f.flush()) throw InputError("failed writing " + (fs::path(dir) / kSidecar).string());
  return sidecar;
}

// ---- CasesDirectory -------------------------------------------------------------------------

CasesDirectory::~CasesDirectory() = default;

namespace {

// cases.json as a JSON object with the protocol's top-level fields, schema and byte order.
json read_sidecar(const std::string& dir, const Sidecar& sc) {
  json j = load_sidecar(dir, sc);
  sc.only(j, "", {"schema", "tool", "semantics", "cases", "byte_order", "inputs", "random_bits", "output"});
  return j;
}

// "semantics": the same object a report's check carries, every field typed and known.
OpSemantics read_semantics(const Sidecar& sc, const json& j) {
  const json& sem = sc.object(j, "", "semantics");
  sc.only(sem, "semantics.", {"op", "in", "out", "rounding", "sr_bits", "saturate", "inf_under_saturation", "nan_policy", "ftz", "daz"});
  for (const char* key : {"op", "in", "out", "rounding", "inf_under_saturation", "nan_policy"}) (void)sc.string(sem, "semantics.", key);
  for (const char* key : {"saturate", "ftz", "daz"}) sc.boolean(sem, "semantics.", key);
  const uint64_t sr_bits = sc.unsigned_number(sem, "semantics.", "sr_bits");
  OpSemantics s;
  try {
    s = semantics_from_json(sem);
  } catch (const InputError& e) {
    sc.fail(std::string("semantics: ") + e.what());
  }
  const bool stochastic = s.rounding == Rounding::Stochastic;
  if (stochastic ? (sr_bits < 1 || sr_bits > 64) : sr_bits != 0)
    sc.fail("semantics.sr_bits is " + std::to_string(sr_bits) + (stochastic ? " (1..64 with rounding sr)" : " (0 unless rounding is sr)"));
  return s;
}

// "cases": regenerated from kind, label and seed, and held to the recorded count.
CaseSource read_cases(const Sidecar& sc, const json& j, const OpSemantics& s) {
  const json& c = sc.object(j, "", "cases");
  sc.only(c, "cases.", {"kind", "label", "count", "seed"});
  const std::string kind = sc.string(c, "cases.", "kind"), label = sc.string(c, "cases.", "label");
  const uint64_t count = sc.unsigned_number(c, "cases.", "count"), seed = sc.unsigned_number(c, "cases.", "seed");
  if (kind != "exhaustive" && kind != "boundary" && kind != "random")
    sc.fail("cases.kind is '" + one_line(kind.substr(0, 40)) + "' (exhaustive, boundary or random)");
  if (label.substr(0, label.find(':')) != kind) sc.fail("cases.label '" + one_line(label.substr(0, 40)) + "' is not of kind " + kind);
  if (count > kMaxFileCases) sc.fail("cases.count " + std::to_string(count) + " exceeds 2^28");
  std::optional<CaseSource> cases;
  try {
    cases = CaseSource::parse(s, label, seed);
  } catch (const InputError& e) {
    sc.fail(std::string("cases: ") + e.what());
  }
  if (cases->count() != count)
    sc.fail("cases.count is " + std::to_string(count) + ", but " + label + " cases of " + s.describe() + " are " +
            std::to_string(cases->count()) + " (written by another fpconform version?)");
  return *cases;
}

struct DataFile {
  std::string path;
  int width = 1;
};

// The file entries of a sidecar: plain names in DIR, each named once, with the format and
// width the semantics give.
class DataFiles {
 public:
  DataFiles(const Sidecar& sc, std::string dir) : sc_(sc), dir_(std::move(dir)) {}

  // An entry {"file", "format", "width"} of a `bits`-bit format (format empty: {"file", "bits",
  // "width"} of the random bits).
  DataFile read(const json& e, const std::string& where, const std::string& format, int bits) {
    if (!e.is_object()) sc_.fail(where + " must be an object");
    if (format.empty()) sc_.only(e, where + ".", {"file", "bits", "width"});
    else sc_.only(e, where + ".", {"file", "format", "width"});
    const std::string name = sc_.string(e, where + ".", "file");
    if (!plain_file_name(name)) sc_.fail(where + ".file '" + one_line(name.substr(0, 40)) + "' must be a plain file name in " + dir_);
    if (!names_.insert(name).second) sc_.fail(where + ".file '" + name + "' names a file twice");
    if (format.empty()) {
      if (sc_.unsigned_number(e, where + ".", "bits") != static_cast<uint64_t>(bits)) sc_.fail(where + ".bits differs from semantics.sr_bits");
    } else {
      const std::string declared = sc_.string(e, where + ".", "format");
      if (declared != format) sc_.fail(where + ".format is '" + one_line(declared.substr(0, 40)) + "', but the semantics say " + format);
    }
    const uint64_t width = sc_.unsigned_number(e, where + ".", "width");
    if (width != static_cast<uint64_t>(code_width(bits)))
      sc_.fail(where + ".width is " + std::to_string(width) + ", but " + (format.empty() ? "the random bits" : format) +
               " codes take " + std::to_string(code_width(bits)) + " bytes");
    return {(fs::path(dir_) / name).string(), code_width(bits)};
  }

  // "inputs" (one per operand) and, for rounding sr, "random_bits": the operand arrays in order.
  std::vector<DataFile> operands(const json& j, const OpSemantics& s) {
    const json& inputs = sc_.array(j, "", "inputs");
    if (inputs.size() != static_cast<size_t>(s.arity()))
      sc_.fail("inputs lists " + std::to_string(inputs.size()) + " files, but " + s.op + " takes " +
               std::to_string(s.arity()) + " operand(s)");
    std::vector<DataFile> files;
    for (size_t k = 0; k < inputs.size(); ++k)
      files.push_back(read(inputs[k], "inputs[" + std::to_string(k) + "]", s.in->name, s.in->bits()));
    const bool stochastic = s.rounding == Rounding::Stochastic;
    if (stochastic != j.contains("random_bits"))
      sc_.fail(stochastic ? "missing field random_bits (rounding sr)" : "random_bits is only for rounding sr");
    if (stochastic) files.push_back(read(j["random_bits"], "random_bits", "", s.sr_bits));
    return files;
  }

 private:
  const Sidecar& sc_;
  std::string dir_;
  std::set<std::string> names_;
};

}  // namespace

CasesDirectory::CasesDirectory(const std::string& dir, InputCheck input_check) : input_check_(input_check) {
  const Sidecar sc((fs::path(dir) / kSidecar).string());
  const json j = read_sidecar(dir, sc);
  semantics_ = read_semantics(sc, j);
  cases_ = std::make_unique<CaseSource>(read_cases(sc, j, semantics_));
  DataFiles files(sc, dir);
  const std::vector<DataFile> operands = files.operands(j, semantics_);
  const DataFile output = files.read(sc.object(j, "", "output"), "output", semantics_.out->name, semantics_.out->bits());
  output_path_ = output.path;

  // The input files must hold the very cases the sidecar describes: the checker regenerates them.
  const uint64_t count = cases_->count();
  for (const DataFile& f : operands) inputs_.push_back(std::make_unique<MappedCodeFile>(f.path, count, f.width));
  if (input_check_ == InputCheck::Now) {
    std::vector<std::vector<uint64_t>> ops(operands.size(), std::vector<uint64_t>(kIoChunk));
    std::vector<uint64_t*> ptrs;
    for (auto& v : ops) ptrs.push_back(v.data());
    for (uint64_t first = 0; first < count; first += kIoChunk) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kIoChunk, count - first));
      cases_->fill(first, n, ptrs.data());
      compare_inputs(first, n, ptrs.data());
      throw_input_problem();
    }
  }
  output_ = std::make_unique<MappedCodeFile>(output_path_, count, output.width);
}

std::string CasesDirectory::input_problem(size_t file, uint64_t index, uint64_t expected) const {
  const MappedCodeFile& f = *inputs_[file];
  return f.path() + ": case " + std::to_string(index) + " holds " + hex(f.code(index)) + ", but the sidecar's cases give " +
         hex(expected) + " (inputs changed, or written by another fpconform version)";
}

// Records the smallest (case, file) whose code differs from the regenerated one.
void CasesDirectory::compare_inputs(uint64_t first, size_t n, const uint64_t* const* ops) const {
  for (size_t k = 0; k < inputs_.size(); ++k) {
    const size_t j = inputs_[k]->first_difference(first, n, ops[k]);
    if (j == n) continue;
    std::lock_guard lock(problem_mu_);
    const uint64_t index = first + j;
    if (!problem_ || index < problem_->index || (index == problem_->index && k < problem_->file))
      problem_ = FirstDifference{index, ops[k][j], k};
  }
}

void CasesDirectory::throw_input_problem() const {
  std::lock_guard lock(problem_mu_);
  if (problem_) throw InputError(input_problem(problem_->file, problem_->index, problem_->expected));
}

std::string CasesDirectory::op_name() const { return op_name_for(semantics_); }

std::string CasesDirectory::op_name_for(const OpSemantics& s) {
  std::string name = s.op + "_" + s.in->name;
  if (s.op == "convert" || s.out != s.in) name += "_to_" + s.out->name;
  name += "_" + std::string(short_name(s.rounding));
  if (s.rounding == Rounding::Stochastic) name += std::to_string(s.sr_bits);
  if (s.policy.saturate) name += s.policy.inf_under_saturation == InfUnderSaturation::NaN ? "_sat_infnan" : "_sat";
  if (s.policy.ftz) name += "_ftz";
  if (s.policy.daz) name += "_daz";
  std::string nan_policy = semantics_to_json(s).at("nan_policy").get<std::string>();
  if (nan_policy != "unpinned") name += "_nan" + nan_policy;
  return name;
}

uint64_t CasesDirectory::output(uint64_t case_index) const { return output_->code(case_index); }

SubjectOp CasesDirectory::subject_op(const std::string& entry) const {
  SubjectOp op;
  op.name = op_name();
  op.entry = entry;
  op.semantics = semantics_;
  op.run = [](const uint64_t* const*, uint64_t*, size_t) {
    throw std::logic_error("a file subject's results are looked up by case index (run_cases)");
  };
  op.run_cases = [this](uint64_t first, const uint64_t* const* ops, uint64_t* out, size_t n) {
    if (input_check_ == InputCheck::DuringCheck) compare_inputs(first, n, ops);
    output_->read(first, n, out);
  };
  return op;
}

}  // namespace fpc
