// Reader of the measured tensor-core data (Khattak & Mikaitis, BSD 2-Clause; layout in the
// README beside the data): <GPU>/<fmt>/{a,b}_<GPU>_<fmt>.txt.gz (K float32 hex codes a line),
// c_<GPU>_fp32.txt.gz and d_<GPU>_<out>.txt.gz (32 binary digits a line), gzip-compressed.
#pragma once

#include "fpconform/round.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fpc::test {

struct HardwareSet {
  std::string gpu;      // folder: V100, A100, Ada, H100, B200
  std::string folder;   // fp16, bf16, tf32, E4M3, E5M2
  std::string input;    // fpconform format of A and B
  std::string output;   // float32 or float16
  std::string model;    // the row that must reproduce it
  bool zero_c = false;  // the GPU run used C = 0 (H100 FP8, FP32 out: see the data's README)
  bool pins_f = false;  // F - 1 and F + 1 each miss rows (docs/mma.md lists the F range that fits)

  std::string label() const { return gpu + "/" + folder + " -> " + output + " (" + model + ")"; }
  std::string test_name() const { return gpu + "_" + folder + "_" + (output == "float16" ? "fp16" : "fp32"); }
};

// Every measured (GPU, input, output) set and the model row that must reproduce it.
inline std::vector<HardwareSet> hardware_sets() {
  std::vector<HardwareSet> s;
  auto add = [&](std::string gpu, std::string folder, std::string in, std::string model, bool fp16_out,
                 bool zero_c32 = false, std::string model16 = "") {
    // FP16 outputs keep 10 fraction bits and the grouped B200 FP8 sums rarely reach the cut,
    // so those sets fit a range of F; every other FP32 set fits exactly one F.
    s.push_back({gpu, folder, in, "float32", model, zero_c32, model != "b200-fp8"});
    if (fp16_out) s.push_back({gpu, folder, in, "float16", model16.empty() ? model : model16, false, false});
  };
  add("V100", "fp16", "float16", "v100", true);
  for (std::string g : {"A100", "Ada", "H100", "B200"}) {
    std::string m = g == "A100" ? "a100" : g == "Ada" ? "ada" : g == "H100" ? "h100" : "b200";
    add(g, "fp16", "float16", m, true);
    add(g, "bf16", "bfloat16", m, false);
    add(g, "tf32", "tf32", m, false);
  }
  for (auto [folder, in] : {std::pair{"E4M3", "float8_e4m3fn"}, std::pair{"E5M2", "float8_e5m2"}}) {
    add("Ada", folder, in, "ada-mma-fp8", true);
    add("H100", folder, in, "h100-wgmma-fp8", true, true, "h100-mma-fp8");
    add("B200", folder, in, "b200-fp8", true);
  }
  return s;
}

struct HardwareRow {
  std::vector<uint64_t> a, b;  // codes of the set's input format
  uint64_t c = 0, d = 0;       // codes of the set's output format
};

inline std::vector<std::string> read_gz_lines(const std::filesystem::path& p) {
  if (!std::filesystem::exists(p)) throw std::runtime_error("missing " + p.string());
  std::string cmd = "gzip -dc '" + p.string() + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> f(popen(cmd.c_str(), "r"), pclose);
  if (!f) throw std::runtime_error("cannot run " + cmd);
  std::vector<std::string> lines;
  std::string line;
  char buf[4096];
  while (fgets(buf, sizeof buf, f.get())) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      lines.push_back(line);
      line.clear();
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// A float32 code (exact in `to`) as a code of `to`.
inline uint64_t narrow_exact(uint64_t f32, const Format& to) {
  RoundResult r = convert(f32, format_by_name("float32"), to, Rounding::NearestEven);
  if (r.flags & kInexact) throw std::runtime_error("value not exact in " + to.name);
  return r.code;
}

inline std::vector<HardwareRow> load_rows(const std::filesystem::path& root, const HardwareSet& set) {
  const auto dir = root / set.gpu / set.folder;
  const std::string stem = "_" + set.gpu + "_";
  auto a = read_gz_lines(dir / ("a" + stem + set.folder + ".txt.gz"));
  auto b = read_gz_lines(dir / ("b" + stem + set.folder + ".txt.gz"));
  auto c = read_gz_lines(dir / ("c" + stem + "fp32.txt.gz"));
  auto d = read_gz_lines(dir / ("d" + stem + (set.output == "float16" ? "fp16" : "fp32") + ".txt.gz"));
  if (a.size() != b.size() || a.size() != c.size() || a.size() != d.size())
    throw std::runtime_error("files of " + set.label() + " differ in length");
  const Format& in = format_by_name(set.input);
  const Format& out = format_by_name(set.output);
  const Format& f32 = format_by_name("float32");
  std::vector<HardwareRow> rows;
  for (size_t i = 0; i < a.size(); ++i) {
    HardwareRow r;
    std::istringstream sa(a[i]), sb(b[i]);
    std::string x;
    while (sa >> x) r.a.push_back(narrow_exact(std::stoull(x, nullptr, 16), in));
    while (sb >> x) r.b.push_back(narrow_exact(std::stoull(x, nullptr, 16), in));
    // C: the GPU programs converted it to float16 with RNE for float16 outputs.
    const uint64_t c32 = set.zero_c ? 0 : std::stoull(c[i], nullptr, 2);
    r.c = convert(c32, f32, out, Rounding::NearestEven).code;
    r.d = narrow_exact(std::stoull(d[i], nullptr, 2), out);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace fpc::test
