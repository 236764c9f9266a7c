#include "protocol/program_bisect.hpp"

#include "fpconform/exact.hpp"
#include "protocol/sidecar.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fpc {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One file of codes the program reads: its name and bytes per code.
struct CodeFile {
  std::string name;
  size_t width = 0;
};

// The element sidecar's input files (operands, then the random bits of sr), as the program reads them.
std::vector<CodeFile> read_code_files(const json& sidecar, const SidecarReader& sc) {
  std::vector<CodeFile> files;
  for (const json& in : sc.array(sidecar, "", "inputs"))
    files.push_back({sc.string(in, "inputs[].", "file"), static_cast<size_t>(sc.unsigned_number(in, "inputs[].", "width"))});
  if (sidecar.contains("random_bits")) {
    const json& rb = sc.object(sidecar, "", "random_bits");
    files.push_back({sc.string(rb, "random_bits.", "file"), static_cast<size_t>(sc.unsigned_number(rb, "random_bits.", "width"))});
  }
  for (const CodeFile& f : files)
    if (f.name.empty() || f.name.find('/') != std::string::npos || (f.width != 1 && f.width != 2 && f.width != 4 && f.width != 8))
      sc.fail("input file '" + f.name.substr(0, 40) + "' of width " + std::to_string(f.width) + " is not a plain file name of width 1, 2, 4 or 8");
  return files;
}

std::vector<char> read_bytes(const fs::path& path, size_t expected) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes(expected);
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(expected)))
    throw InputError(path.string() + ": cannot read " + std::to_string(expected) + " bytes (written by 'fpconform cases'?)");
  return bytes;
}

// A temporary directory, removed with everything in it when this goes.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "fpconform-bisect-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw InputError("cannot make a temporary directory for the bisection");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

class Bisector {
 public:
  Bisector(const std::string& dir, std::string command, double step_timeout)
      : dir_(dir), command_(std::move(command)), timeout_(step_timeout) {
    const SidecarReader sc((fs::path(dir) / kSidecarName).string());
    sidecar_ = load_sidecar(dir, sc);
    count_ = sc.unsigned_number(sc.object(sidecar_, "", "cases"), "cases.", "count");
    for (const CodeFile& f : read_code_files(sidecar_, sc)) {
      files_.push_back(f);
      bytes_.push_back(read_bytes(fs::path(dir) / f.name, f.width * count_));
    }
  }

  uint64_t count() const { return count_; }
  int runs() const { return runs_; }

  // Does the program fail on cases [begin, end)? Returns the cause, or nothing when it succeeds.
  std::optional<std::string> fails(uint64_t begin, uint64_t end) {
    const fs::path sub = scratch_.path() / ("cases-" + std::to_string(begin) + "-" + std::to_string(end));
    fs::create_directories(sub);
    json sidecar = sidecar_;
    sidecar["cases"]["count"] = end - begin;
    sidecar["cases"]["subset"] = {{"first", begin}, {"of", count_}};
    std::ofstream(sub / kSidecarName) << sidecar.dump(2) << "\n";
    for (size_t k = 0; k < files_.size(); ++k) {
      std::ofstream out(sub / files_[k].name, std::ios::binary);
      out.write(bytes_[k].data() + begin * files_[k].width, static_cast<std::streamsize>((end - begin) * files_[k].width));
    }
    ++runs_;
    std::optional<std::string> cause = run_program({"/bin/sh", "-c", command_, "sh", sub.string()}, timeout_);
    std::error_code ec;
    fs::remove_all(sub, ec);
    return cause;
  }

  FailingCase failing_case(uint64_t index, const std::string& cause) const {
    FailingCase f;
    f.index = index;
    f.cause = "the program " + cause;
    for (size_t k = 0; k < files_.size(); ++k) {
      uint64_t code = 0;
      for (size_t b = 0; b < files_[k].width; ++b)
        code |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[k][index * files_[k].width + b])) << (8 * b);
      f.inputs.push_back(code);
    }
    return f;
  }

 private:
  std::string dir_, command_;
  double timeout_ = 0;
  json sidecar_;
  uint64_t count_ = 0;
  std::vector<CodeFile> files_;
  std::vector<std::vector<char>> bytes_;
  ScratchDir scratch_;
  int runs_ = 0;
};

}  // namespace

ProgramBisection bisect_program(const std::string& dir, const std::string& command, double step_timeout) {
  Bisector b(dir, command, step_timeout);
  ProgramBisection result;
  uint64_t begin = 0, end = b.count();
  std::optional<std::string> cause;
  // The whole directory failed already; halve [begin, end) while one half fails on its own.
  while (end - begin > 1) {
    const uint64_t mid = begin + (end - begin) / 2;
    if (auto c = b.fails(begin, mid)) {
      end = mid;
      cause = c;
    } else if (auto d = b.fails(mid, end)) {
      begin = mid;
      cause = d;
    } else {
      result.note = "the program fails on cases " + std::to_string(begin) + ".." + std::to_string(end - 1) +
                    " together but on neither half alone";
      break;
    }
  }
  if (end == begin) result.note = "the directory holds no case";
  if (end - begin == 1) {
    // A single case left: confirm it fails alone (the whole directory may have failed for
    // another reason, e.g. its size).
    if (!cause) cause = b.fails(begin, end);
    if (cause) result.failing_case = b.failing_case(begin, *cause);
    else result.note = "the program fails on the whole directory but on no single case";
  }
  result.runs = b.runs();
  return result;
}

}  // namespace fpc
