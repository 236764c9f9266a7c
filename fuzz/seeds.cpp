// The seed writer: fpc_fuzz_seeds OUTDIR writes the seeds of every fuzz target to
// OUTDIR/<target>/seed-*, deterministically (scripts/fuzz-seeds.sh writes them into corpus/).
// Seeds: every special code of every format an op reads and the conformance suite's boundary
// cases (differential, oracle_fast), every format name and valid and invalid specs (format_spec),
// the exact values of each format's extremes and malformed numbers (value), valid and invalid
// suite files and reports, and plugin declaration tables.
#include "check/block/block_check.hpp"
#include "protocol/block_files.hpp"
#include "check/element/cases.hpp"
#include "cli/cli.hpp"
#include "fpconform/block_subject.hpp"
#include "fpconform/dot.hpp"
#include "fpconform/subject.hpp"
#include "protocol/file_protocol.hpp"
#include "fuzz_input.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace fpc;
using Bytes = std::vector<uint8_t>;

namespace {

fs::path out_dir;

void write(const std::string& target, const std::string& name, const Bytes& bytes) {
  const fs::path dir = out_dir / target;
  fs::create_directories(dir);
  std::ofstream(dir / ("seed-" + name), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                                  static_cast<std::streamsize>(bytes.size()));
}
void write_text(const std::string& target, const std::string& name, const std::string& text) {
  write(target, name, Bytes(text.begin(), text.end()));
}

std::string file_safe(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return s;
}

void push_u16(Bytes& b, unsigned v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}

// Up to 64 cases: the first operand walks `codes`, the others walk it from the other end.
void append_cases(Bytes& b, const std::vector<uint64_t>& codes, int arity, bool stochastic) {
  const size_t n = std::min<size_t>(codes.size(), 64);
  for (size_t i = 0; i < n; ++i) {
    for (int k = 0; k < arity; ++k) fuzz::append_raw_code(b, codes[k == 0 ? i : codes.size() - 1 - (i * 7 + k) % codes.size()]);
    if (stochastic)
      for (int j = 0; j < 8; ++j) b.push_back(static_cast<uint8_t>(i * 37 + static_cast<size_t>(j)));
  }
}

void differential_seeds() {
  unsigned index = 0;
  for (const Subject& s : all_subjects()) {
    if (!s.available || s.test_only) continue;
    for (const SubjectOp& op : s.ops) {
      const OpSemantics& sem = op.semantics;
      const bool stochastic = sem.rounding == Rounding::Stochastic;
      Bytes specials;
      push_u16(specials, index);
      append_cases(specials, fuzz::special_codes(*sem.in), sem.arity(), stochastic);
      write("differential", file_safe(s.name + "-" + op.name + "-special"), specials);
      // The suite's boundary cases, 64 of them spread over the whole list.
      const CaseSource boundary = CaseSource::boundary(sem);
      const uint64_t count = boundary.count(), take = std::min<uint64_t>(count, 64);
      std::vector<std::vector<uint64_t>> ops(static_cast<size_t>(boundary.operand_arrays()), std::vector<uint64_t>(1));
      std::vector<uint64_t*> ptrs;
      for (auto& v : ops) ptrs.push_back(v.data());
      Bytes cases;
      push_u16(cases, index);
      for (uint64_t i = 0; i < take; ++i) {
        boundary.fill(i * count / take, 1, ptrs.data());
        for (int k = 0; k < sem.arity(); ++k) fuzz::append_raw_code(cases, ops[static_cast<size_t>(k)][0]);
        if (stochastic)
          for (int j = 0; j < 8; ++j) cases.push_back(static_cast<uint8_t>(ops.back()[0] >> (8 * j)));
      }
      write("differential", file_safe(s.name + "-" + op.name + "-boundary"), cases);
      ++index;
    }
  }
}

void oracle_fast_seeds() {
  const char* ops[] = {"convert", "add", "sub", "mul", "div", "fma", "sqrt"};  // target_oracle_fast.cpp's order
  const std::vector<const Format*>& formats = fuzz::fuzz_formats();
  for (int in64 = 0; in64 < 2; ++in64) {
    const Format& in = format_by_name(in64 ? "float64" : "float32");
    for (size_t op = 0; op < std::size(ops); ++op) {
      for (const char* out_name : {"bfloat16", "float8_e4m3fn", "float16", "float32"}) {
        size_t out = 0;
        while (formats[out]->name != out_name) ++out;
        Bytes b = {static_cast<uint8_t>(op), static_cast<uint8_t>(in64), static_cast<uint8_t>(out), 0, 0};
        const int arity = op == 0 || op == 6 ? 1 : op == 5 ? 3 : 2;
        append_cases(b, fuzz::special_codes(in), arity, false);
        write("oracle_fast", std::string(in.name) + "-" + ops[op] + "-" + out_name, b);
      }
    }
  }
}

void format_spec_seeds() {
  for (const Format& f : builtin_formats()) write_text("format_spec", file_safe(f.name), f.name);
  const char* specs[] = {"fp64", "double", "fp32", "float", "fp16", "half", "bf16", "e5m2", "e4m3", "e5m2:bias=16:nan=fnuz",
                         "e4m3:nan=fn", "e3m2:nan=none", "e2m1:nan=none:unsigned", "e8m0:nan=fn", "e4m3:subnormals=off",
                         "e11m52", "e15m48", "e1m0:nan=none", "e8m23:bias=-100000",
                         // invalid
                         "", "e", "e0m3", "e16m2", "e5m63", "e5m2:bias=", "e5m2:bias=1e3", "e5m2:nan=maybe",
                         "e5m2:bias=1:bias=2", "e1m3", "e5m0", "e2m1:nan=fnuz:unsigned", "e5m2:", "e05m2", "e+5m2",
                         "e15m62", "float33", "E5M2", "e5m2:unsigned=1"};
  int i = 0;
  for (const char* s : specs) write_text("format_spec", "spec" + std::to_string(i++), s);
}

void value_seeds() {
  for (const Format& f : builtin_formats()) {
    for (uint64_t code : {f.max_finite_code(), f.min_positive_code()})
      write_text("value", file_safe(f.name) + "-" + std::to_string(code), to_exact_string(decode(f, code).value));
  }
  const char* texts[] = {"0", "-0", "1", "-1.5", ".5", "3.14", "1e-40", "6.02E23", "1e40000", "-1e-40001",
                         "0x1.8p3", "-0x.4p-2", "0x1p-149", "0x1.fffffep127", "0x1p140001", "1/3", "-7/2", "inf",
                         "-Infinity", "nan", "NaN", "+inf",
                         // invalid
                         "", "-", "1e", "0x1.8", "1/0", "1/-3", "..5", "1e+", "infinit", "0x", "1.5.5", " 1", "1 "};
  int i = 0;
  for (const char* t : texts) write_text("value", "text" + std::to_string(i++), t);
}

void suite_seeds() {
  std::vector<std::string> docs;
  for (const Subject& s : all_subjects()) {
    if (!s.available || s.ops.empty()) continue;
    const std::string& op = s.ops.front().name;
    docs.push_back(R"({"name": "mine", "checks": [{"subject": ")" + s.name + R"(", "op": ")" + op +
                   R"(", "cases": "boundary"}, {"subject": ")" + s.name + R"(", "op": ")" + op +
                   R"(", "cases": "random:100", "seed": 7}]})");
  }
  for (const char* doc : {R"({"checks": []})", R"({"checks": [{"subject": "cpu_bits"}]})", R"({"checks": 1})", "[]", "",
                          R"({"checks": [{"subject": "nope", "op": "x"}]})",
                          R"({"checks": [{"subject": "planted_bugs", "op": "float32_to_bfloat16_truncate", "cases": "random:0"}]})",
                          R"({"checks": [{"subject": "planted_bugs", "op": "float32_to_bfloat16_truncate", "seed": -1}]})",
                          R"({"checks": [{"subject": "planted_bugs", "op": "float32_to_bfloat16_truncate", "cases": "exhaustive"}]})"})
    docs.push_back(doc);
  for (size_t i = 0; i < docs.size(); ++i) write_text("suite", "suite" + std::to_string(i), docs[i]);
}

// A real report (a failing and a passing check), then broken variants of it.
void report_seeds(const fs::path& scratch) {
  const std::string suite = (scratch / "seed-suite.json").string(), report = (scratch / "seed-report.json").string();
  std::ofstream(suite) << R"({"name": "seeds", "checks": [
    {"subject": "planted_bugs", "op": "float32_to_bfloat16_ties_away", "cases": "random:300", "seed": 3},
    {"subject": "planted_bugs", "op": "float32_to_e4m3_clamp_first", "cases": "random:40", "seed": 4}]})";
  std::ostringstream out, err;
  const int rc = cli::run({"run", "--suite", suite, "--subject", "planted_bugs", "--report", report, "--threads", "1"}, out, err);
  if (rc != 1) throw std::runtime_error("seed report: run exited " + std::to_string(rc) + ": " + err.str());
  std::ifstream in(report);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_text("report", "valid", text);
  auto variant = [&](const std::string& name, const std::string& from, const std::string& to) {
    std::string t = text;
    const size_t at = t.find(from);
    if (at == std::string::npos) throw std::runtime_error("seed report: no '" + from + "' in the report");
    t.replace(at, from.size(), to);
    write_text("report", name, t);
  };
  variant("schema", "fpconform.report/1", "fpconform.report/2");
  variant("status", "\"fail\"", "\"pass\"");
  variant("truncated", text.substr(text.size() / 2), "");
  variant("shard", "\"count\": 1", "\"count\": 0");
  write_text("report", "empty", "");
  write_text("report", "not-object", "[1, 2, 3]");
}

void plugin_decl_seeds() {
  // target_plugin_decl.cpp: count, [0xFF: null array], per op 5 string selectors (0 null, 1..127
  // plausible, >= 128 raw: length byte + bytes), saturate, sr_bits, run.
  auto op = [](Bytes& b, uint8_t name, uint8_t opn, uint8_t in, uint8_t out, uint8_t rnd, uint8_t sat, uint8_t sr, uint8_t run) {
    b.insert(b.end(), {name, opn, in, out, rnd, sat, sr, run});
  };
  // plausible indices: convert 28 (0 is null), add 1, fma 5, pow 7, float32 8, bfloat16 9, float16 10, float8_e4m3fn 11,
  // fp32 12, e5m2 13, e5m2:bias=16:nan=fnuz 14, rne 16, sr 22, "op" 23.
  Bytes good = {1};
  op(good, 23, 28, 8, 9, 16, 0, 0, 1);
  write("plugin_decl", "good", good);
  Bytes two = {2};
  op(two, 23, 1, 9, 9, 16, 1, 0, 1);
  op(two, 24, 5, 14, 14, 22, 0, 8, 1);  // "op" twice: a duplicate name
  write("plugin_decl", "duplicate", two);
  Bytes alias = {1};
  op(alias, 23, 28, 12, 9, 16, 0, 0, 1);
  write("plugin_decl", "alias", alias);
  Bytes pow = {1};
  op(pow, 23, 7, 8, 9, 16, 0, 0, 1);
  write("plugin_decl", "pow", pow);
  Bytes nulls = {1, 0};
  op(nulls, 0, 0, 0, 0, 0, 0, 0, 0);
  write("plugin_decl", "nulls", nulls);
  Bytes raw = {1, 128, 3, 'a', 'b', 'c', 28, 8, 9, 16, 0, 0, 1};
  write("plugin_decl", "raw-name", raw);
  write("plugin_decl", "none", {0});
  write("plugin_decl", "null-array", {1, 0xFF});
}

// Cases directories as 'fpconform cases' writes them, with a right and a wrong out.bin, packed as
// target_file_protocol.cpp reads them: u16 length + cases.json, then per file (in0, in1, in2,
// random, out) a byte (1: present) and u16 length + bytes.
void file_protocol_seeds(const fs::path& scratch) {
  struct Spec {
    const char* name;
    const char* op;
    const char* from;
    const char* to;
    Rounding rounding;
    int sr_bits;
    const char* cases;
  };
  const Spec specs[] = {{"convert-f32-bf16", "convert", "float32", "bfloat16", Rounding::NearestEven, 0, "random:40"},
                        {"convert-f32-bf16-sr", "convert", "float32", "bfloat16", Rounding::Stochastic, 8, "random:20"},
                        {"add-e4m3", "add", "float8_e4m3fn", "float8_e4m3fn", Rounding::NearestEven, 0, "random:100"},
                        {"fma-f16", "fma", "float16", "float16", Rounding::TowardZero, 0, "random:20"},
                        {"convert-e2m1-exhaustive", "convert", "float4_e2m1fn", "float32", Rounding::NearestEven, 0, "exhaustive"}};
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const Spec& sp : specs) {
    OpSemantics s;
    s.op = sp.op;
    s.in = &format_by_name(sp.from);
    s.out = &format_by_name(sp.to);
    s.rounding = sp.rounding;
    s.sr_bits = sp.sr_bits;
    const CaseSource cases = CaseSource::parse(s, sp.cases, 1);
    const fs::path dir = scratch / sp.name;
    write_cases(dir.string(), s, cases);
    // The right results, from the oracle.
    const size_t n = cases.count(), arrays = static_cast<size_t>(cases.operand_arrays());
    std::vector<std::vector<uint64_t>> ops(arrays, std::vector<uint64_t>(n));
    std::vector<uint64_t*> ptrs;
    for (auto& v : ops) ptrs.push_back(v.data());
    cases.fill(0, n, ptrs.data());
    std::vector<const uint64_t*> cptrs(ptrs.begin(), ptrs.end());
    std::vector<uint64_t> out(n);
    exact_reference(s)(cptrs.data(), out.data(), n);
    for (int wrong = 0; wrong < 2; ++wrong) {
      if (wrong) out[n / 2] ^= 1;
      write_code_file((dir / "out.bin").string(), out.data(), n, code_width(s.out->bits()));
      Bytes b;
      const std::string sidecar = slurp(dir / "cases.json");
      push_u16(b, static_cast<unsigned>(sidecar.size()));
      b.insert(b.end(), sidecar.begin(), sidecar.end());
      for (const char* file : {"in0.bin", "in1.bin", "in2.bin", "random.bin", "out.bin"}) {
        if (!fs::exists(dir / file)) {
          b.push_back(0);
          continue;
        }
        const std::string bytes = slurp(dir / file);
        if (bytes.size() > 0xFFFF) throw std::runtime_error(std::string("file protocol seed: ") + file + " is too big");
        b.push_back(1);
        push_u16(b, static_cast<unsigned>(bytes.size()));
        b.insert(b.end(), bytes.begin(), bytes.end());
      }
      write("file_protocol", std::string(sp.name) + (wrong ? "-wrong" : ""), b);
    }
  }
}

// The block subjects target_block_differential.cpp fuzzes by default, in its order.
std::vector<const BlockSubject*> host_block_subjects() {
  std::vector<const BlockSubject*> v;
  for (const BlockSubject& s : block_subjects())
    if (s.available && !s.test_only && s.name.rfind("cuda_device_", 0) != 0) v.push_back(&s);
  return v;
}

// Blocks as target_block_differential.cpp reads them: the subject's index, no amax (byte 1 = 0),
// k = 0, then every value as a raw float32 code (0x80, shape 0, 8 bytes) or a zero (0x00/0x01).
Bytes block_input(unsigned index, const std::vector<uint32_t>& bits) {
  Bytes b = {static_cast<uint8_t>(index), 0, 0};
  for (uint32_t x : bits) {
    if ((x & 0x7fffffffu) == 0) {
      b.push_back(x ? 1 : 0);
      continue;
    }
    b.push_back(0x80);
    fuzz::append_raw_code(b, x);
  }
  return b;
}

// Per subject: its block check's adversarial blocks (the first of each kind, the first four
// "ties" blocks), and a block of every tie shape: the unit amax, then each midpoint of
// block_tie_grid exactly (0x43) and one ulp either side (0x42, 0x44), negative ones too.
void block_differential_seeds() {
  const std::vector<const BlockSubject*> subjects = host_block_subjects();
  for (unsigned index = 0; index < subjects.size(); ++index) {
    const BlockSubject& s = *subjects[index];
    const std::vector<BlockCase> cases = block_cases(s.claims, BlockCaseSet{true, 2}, 1);
    std::map<std::string, int> taken;
    for (size_t i = 0; i < cases.size(); ++i) {
      const BlockCase& c = cases[i];
      if (taken[c.kind]++ >= (c.kind == "ties" ? 4 : 1)) continue;
      write("block_differential", file_safe(s.name + "-" + c.kind + "-" + std::to_string(i)), block_input(index, c.bits));
    }
    const BlockTieGrid grid = block_tie_grid(s.claims);
    if (grid.midpoints.empty()) continue;
    const size_t n = check_blocksize(s.claims);
    Bytes ties = {static_cast<uint8_t>(index), 1, 0, 0};  // slot 0: +0, then the amax
    for (size_t i = 1; i < n; ++i) {
      const size_t m = (i - 1) % grid.midpoints.size();
      const uint8_t offset = static_cast<uint8_t>(0x42 + ((i - 1) / grid.midpoints.size()) % 3);
      ties.push_back(static_cast<uint8_t>(offset | (i % 2 ? 0 : 0x20)));
      ties.push_back(static_cast<uint8_t>(m));
    }
    write("block_differential", file_safe(s.name + "-tie-shapes"), ties);
  }
}

// Block cases directories as 'fpconform cases --scheme' writes them, answered by a block subject
// (right) and with one code changed, codes.bin one byte short, scales.bin missing, packed as
// target_block_file_protocol.cpp reads them: u16 length + cases.json, then per file (values,
// codes, scales, zero points where the scheme has them) a byte (1: present) and u16 length + bytes.
void block_file_protocol_seeds(const fs::path& scratch) {
  struct Spec {
    const char* subject;
    const char* cases;
  };
  const Spec specs[] = {{"cpu_bnb_fp4_cuda_port", "adversarial"}, {"cpu_bnb_nf4_cuda_port", "random:3"},
                        {"cpu_mxfp4", "all:2"},                   {"cuda_host_nvfp4", "adversarial"},
                        {"cuda_host_mxfp8_e5m2", "random:2"},     {"cuda_host_mxint8", "all:1"},
                        {"cuda_host_uint4_group", "random:2"},    {"cuda_host_int4_group", "adversarial"}};
  auto slurp = [](const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  for (const Spec& sp : specs) {
    const BlockSubject& s = block_subject_by_name(sp.subject);
    if (!s.available) continue;
    const fs::path dir = scratch / (std::string("block-") + sp.subject);
    const nlohmann::json sidecar = write_block_cases(dir.string(), s.claims, BlockCaseSet::parse(sp.cases), 1);
    BlockOutput answer;  // block by block, as the block check runs it (NVFP4: each block its own tensor)
    for (const BlockCase& c : block_cases(s.claims, BlockCaseSet::parse(sp.cases), 1)) {
      const BlockOutput one = s.run(c.bits);
      answer.codes.insert(answer.codes.end(), one.codes.begin(), one.codes.end());
      answer.scale_codes.insert(answer.scale_codes.end(), one.scale_codes.begin(), one.scale_codes.end());
      answer.zero_points.insert(answer.zero_points.end(), one.zero_points.begin(), one.zero_points.end());
    }
    const std::string name = std::string(sp.subject) + "-" + file_safe(sp.cases);
    for (const char* variant : {"right", "wrong-code", "short-codes", "no-scales"}) {
      const std::string v = variant;
      std::vector<uint64_t> codes = answer.codes;
      if (v == "wrong-code") codes[codes.size() / 2] ^= 1;
      write_code_file((dir / "codes.bin").string(), codes.data(), codes.size(), sidecar["codes"]["width"].get<int>());
      write_code_file((dir / "scales.bin").string(), answer.scale_codes.data(), answer.scale_codes.size(),
                      sidecar["scales"]["width"].get<int>());
      if (sidecar.contains("zero_points")) {
        std::vector<uint64_t> zero_points;  // int32, two's complement
        for (int64_t z : answer.zero_points) zero_points.push_back(static_cast<uint32_t>(static_cast<int32_t>(z)));
        write_code_file((dir / "zero_points.bin").string(), zero_points.data(), zero_points.size(),
                        sidecar["zero_points"]["width"].get<int>());
      }
      Bytes b;
      const std::string text = slurp(dir / "cases.json");
      push_u16(b, static_cast<unsigned>(text.size()));
      b.insert(b.end(), text.begin(), text.end());
      for (const char* file : {"values.bin", "codes.bin", "scales.bin", "zero_points.bin"}) {
        if (!fs::exists(dir / file)) {
          b.push_back(0);
          continue;
        }
        std::string bytes = slurp(dir / file);
        if (v == "short-codes" && std::string(file) == "codes.bin") bytes.pop_back();
        if (v == "no-scales" && std::string(file) == "scales.bin") {
          b.push_back(0);
          continue;
        }
        if (bytes.size() > 0xFFFF) throw std::runtime_error("block file protocol seed: " + std::string(file) + " is too big");
        b.push_back(1);
        push_u16(b, static_cast<unsigned>(bytes.size()));
        b.insert(b.end(), bytes.begin(), bytes.end());
      }
      write("block_file_protocol", name + "-" + v, b);
    }
  }
}

// dot_models: one seed per model row (fuzz/target_dot_models.cpp's layout), K = one step of the
// row (32 where it fuses all of K), codes spread over the input format, C = 1.
void dot_models_seeds() {
  const auto rows = dot_models();
  for (size_t i = 0; i < rows.size(); ++i) {
    const DotModel& m = rows[i];
    const Format& in = format_by_name(m.inputs.front());
    const Format& out = format_by_name(m.output);
    const size_t K = m.L > 0 ? static_cast<size_t>(m.L) : 32;
    Bytes b{static_cast<uint8_t>(i), 0, 0, static_cast<uint8_t>(K)};
    for (size_t k = 0; k < 2 * K; ++k)
      fuzz::append_raw_code(b, ((k * 0x9e3779b97f4a7c15ull) >> 17) & in.code_mask());
    fuzz::append_raw_code(b, static_cast<uint64_t>(out.bias) << out.man_bits);  // C = 1
    if (!m.block_scales.empty()) {
      b.push_back(0);
      for (size_t j = 0; j < 2 * K; ++j) b.push_back(static_cast<uint8_t>(0x70 + j % 16));
    }
    write("dot_models", std::to_string(i) + "-" + m.name + "-" + in.name + "-" + out.name, b);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fpc_fuzz_seeds OUTDIR\n";
    return 2;
  }
  out_dir = argv[1];
  const fs::path scratch = fs::temp_directory_path() / ("fpc_fuzz_seeds_" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  try {
    differential_seeds();
    oracle_fast_seeds();
    format_spec_seeds();
    value_seeds();
    suite_seeds();
    report_seeds(scratch);
    plugin_decl_seeds();
    file_protocol_seeds(scratch);
    block_differential_seeds();
    block_file_protocol_seeds(scratch);
    dot_models_seeds();
  } catch (const std::exception& e) {
    std::cerr << "fpc_fuzz_seeds: " << e.what() << "\n";
    fs::remove_all(scratch);
    return 1;
  }
  fs::remove_all(scratch);
  return 0;
}
