// The dot-product model table: one row per (architecture, instruction family, input types,
// output type). Parameters are data; dot.cpp has the one evaluator that reads them.
//
// Sources (docs/mma.md has the full table with the measured counts):
//  [KM]  F. A. Khattak, M. Mikaitis, "Accurate models of NVIDIA tensor cores" (2025) and their
//        MATLAB models (north-numerical-computing/MATLAB-tensor-core, models/*TC.m, BSD-2).
//  [MS]  MMA-Sim, arXiv 2511.10909 (microsoft/MMA-Sim, MIT): arithmetic/fdpa.py, nv_ptx.
//  [FHMP] Fasi, Higham, Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores" (2021).
// Rows marked measured reproduce every row of the Khattak & Mikaitis GPU data bit for bit
// (tests/test_dot_hardware.cpp); the others carry the published parameters unverified here.
#include "fpconform/dot.hpp"

#include <set>

namespace fpc {

namespace {

const std::vector<std::string> kHalf = {"float16"};
const std::vector<std::string> kBf16 = {"bfloat16"};
const std::vector<std::string> kTf32 = {"tf32"};
const std::vector<std::string> kFp8 = {"float8_e4m3fn", "float8_e5m2"};
const std::vector<std::string> kF8F6F4 = {"float8_e4m3fn", "float8_e5m2", "float6_e2m3fn", "float6_e3m2fn",
                                          "float4_e2m1fn"};
const std::vector<std::string> kFp4 = {"float4_e2m1fn"};
const std::vector<std::string> kIeeeInputs = {"float32", "float16", "bfloat16", "tf32", "float8_e4m3fn",
                                              "float8_e5m2", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn"};

constexpr const char* kKM = "Khattak & Mikaitis 2025 (MATLAB-tensor-core models)";
constexpr const char* kMS = "MMA-Sim (arXiv 2511.10909)";
constexpr const char* kKMMS = "Khattak & Mikaitis 2025 (FP32 out, measured); MMA-Sim (FP16 out)";
constexpr const char* kCublas = "step: Khattak & Mikaitis 2025; inputs: cvt.rna.tf32.f32 as cuBLAS/PyTorch";

constexpr int kOut32 = 1, kOut16 = 2, kBoth = 3;

struct RowSpec {
  const char* name;
  const char* gpu;
  const char* instruction;
  const std::vector<std::string>* inputs;
  int L, F;
  Tf32Input tf32;
  int measured;  // outputs reproduced against GPU data: kOut32 | kOut16
  const char* source;
  AddendRule addend = AddendRule::InStep;
  int groups = 1;
  int group_width = 1;
  int fp8_step_man = 0;  // Ada mma / Hopper wgmma FP8 with FP32 out: steps truncate to 13 bits
};

DotModel fused_row(const RowSpec& s, const std::string& output) {
  DotModel m;
  m.name = s.name;
  m.gpu = s.gpu;
  m.instruction = s.instruction;
  m.kind = DotKind::Fused;
  m.inputs = *s.inputs;
  m.output = output;
  m.L = s.L;
  m.F = s.F;
  m.e_zero = -126;
  m.tf32 = s.tf32;
  m.addend = s.addend;
  m.groups = s.groups;
  m.group_width = s.group_width;
  m.measured = (s.measured & (output == "float16" ? kOut16 : kOut32)) != 0;
  m.source = s.source;
  // FP32 out: each step normalises toward zero (to 13 fraction bits for the FP8 rows that
  // keep only E8M13); FP16 out: to nearest even.
  if (output == "float16") {
    m.step_format = "float16";
    m.step_rounding = Rounding::NearestEven;
  } else {
    m.step_format = s.fp8_step_man ? "e8m13" : "float32";
    m.step_rounding = Rounding::TowardZero;
  }
  return m;
}

DotModel ieee_row(const char* name, DotKind kind, const std::string& output, Rounding r, const char* what) {
  DotModel m;
  m.name = name;
  m.gpu = "-";
  m.instruction = what;
  m.kind = kind;
  m.inputs = kIeeeInputs;
  m.output = output;
  m.step_format = output;
  m.step_rounding = r;
  m.source = "IEEE 754-2019";
  return m;
}

std::vector<DotModel> build() {
  std::vector<DotModel> rows;
  for (const char* out : {"float32", "float16", "bfloat16"}) {
    rows.push_back(ieee_row("exact", DotKind::Exact, out, Rounding::NearestEven,
                            "exact sum of all products and C, rounded once"));
    rows.push_back(ieee_row("sequential_fp32", DotKind::Sequential, out, Rounding::NearestEven,
                            "d = fma(a_k, b_k, d) in k order, d from C (the CUDA-core loop)"));
    rows.push_back(ieee_row("pairwise", DotKind::Pairwise, out, Rounding::NearestEven,
                            "products rounded, balanced tree of adds, then + C"));
  }
  // The sequential row is the FP32 loop; its other outputs keep the name for a uniform table.
  const RowSpec fused[] = {
      // name, gpu, instruction, inputs, L, F, tf32, measured, source
      {"v100", "NVIDIA V100", "wmma / mma.sync m8n8k4 (sm_70)", &kHalf, 4, 23, Tf32Input::None, kBoth, kKM},
      {"t4", "NVIDIA T4", "mma.sync m16n8k8 (sm_75)", &kHalf, 8, 24, Tf32Input::None, 0, kMS},
      {"a100", "NVIDIA A100", "wmma / mma.sync (sm_80)", &kHalf, 8, 24, Tf32Input::None, kBoth, kKM},
      {"a100", "NVIDIA A100", "wmma / mma.sync (sm_80)", &kBf16, 8, 24, Tf32Input::None, kBoth, kKM},
      {"a100", "NVIDIA A100", "wmma / mma.sync (sm_80)", &kTf32, 4, 24, Tf32Input::Truncate, kBoth, kKM},
      {"ada", "NVIDIA Ada (sm_89)", "wmma / mma.sync (sm_89)", &kHalf, 8, 24, Tf32Input::None, kBoth, kKM},
      {"ada", "NVIDIA Ada (sm_89)", "wmma / mma.sync (sm_89)", &kBf16, 8, 24, Tf32Input::None, kBoth, kKM},
      {"ada", "NVIDIA Ada (sm_89)", "wmma / mma.sync (sm_89)", &kTf32, 4, 24, Tf32Input::Truncate, kBoth, kKM},
      {"ada-mma-fp8", "NVIDIA Ada (sm_89)", "mma.sync m16n8k32 FP8 (sm_89)", &kFp8, 16, 13, Tf32Input::None, kBoth,
       kKM, AddendRule::InStep, 1, 1, 13},
      {"h100", "NVIDIA H100", "wmma (sm_90)", &kHalf, 16, 25, Tf32Input::None, kBoth, kKM},
      {"h100", "NVIDIA H100", "wmma (sm_90)", &kBf16, 16, 25, Tf32Input::None, kBoth, kKM},
      {"h100", "NVIDIA H100", "wmma (sm_90)", &kTf32, 4, 25, Tf32Input::Truncate, kBoth, kKM},
      {"h100-wgmma-fp8", "NVIDIA H100", "wgmma m64nNk32 FP8 (sm_90a)", &kFp8, 32, 13, Tf32Input::None, kOut32, kKMMS,
       AddendRule::InStep, 1, 1, 13},
      {"h100-mma-fp8", "NVIDIA H100", "mma.sync m16n8k32 FP8 (sm_90)", &kFp8, 32, 25, Tf32Input::None, kOut16, kKM,
       AddendRule::AfterRne, 2, 2},
      {"b200", "NVIDIA B200", "wmma (sm_100)", &kHalf, 16, 25,
       Tf32Input::None, kBoth, kKM},
      {"b200", "NVIDIA B200", "wmma (sm_100)", &kBf16, 16, 25,
       Tf32Input::None, kBoth, kKM},
      {"b200", "NVIDIA B200", "wmma (sm_100)", &kTf32, 4, 25,
       Tf32Input::Truncate, kBoth, kKM},
      // The same TF32 steps behind cuBLAS/PyTorch, which round FP32 operands to TF32 ties-away.
      {"a100-cublas-tf32", "NVIDIA A100", "cuBLAS TF32 GEMM (sm_80)", &kTf32, 4, 24, Tf32Input::NearestAway, 0, kCublas},
      {"h100-cublas-tf32", "NVIDIA H100", "cuBLAS TF32 GEMM (sm_90)", &kTf32, 4, 25, Tf32Input::NearestAway, 0, kCublas},
      {"b200-cublas-tf32", "NVIDIA B200", "cuBLAS TF32 GEMM (sm_100)", &kTf32, 4, 25, Tf32Input::NearestAway, 0, kCublas},
      {"b200-fp8", "NVIDIA B200", "mma.sync m16n8k32 FP8 (sm_100)", &kFp8, 32, 25,
       Tf32Input::None, kBoth, kKM, AddendRule::AfterRne, 2, 2},
  };
  for (const RowSpec& s : fused)
    for (const char* out : {"float32", "float16"}) {
      const bool fp16_out_exists = s.inputs == &kHalf || s.inputs == &kFp8;
      if (std::string(out) == "float16" && !fp16_out_exists) continue;
      rows.push_back(fused_row(s, out));
    }
  // B200 tcgen05.mma (sm_100a), MMA-Sim's tcgen05mma / tcgen05mma_block_scale: not measured here
  // (../shared/mma-hardware has no tcgen05 or block-scaled data); docs/mma.md has hand-worked cases.
  // kind::f8f6f4: one fused step of the K = 32 products and C, F = 25.
  const RowSpec f8f6f4{"b200-f8f6f4", "NVIDIA B200", "tcgen05.mma kind::f8f6f4 (sm_100a)", &kF8F6F4, 32, 25,
                       Tf32Input::None, 0, kMS};
  rows.push_back(fused_row(f8f6f4, "float32"));
  rows.push_back(fused_row(f8f6f4, "float16"));
  // kind::mxf8f6f4: the same step with each product's two E8M0 scales (one per 32 elements)
  // added to its exponent; FP32 out.
  DotModel mx = fused_row({"b200-mxf8f6f4", "NVIDIA B200", "tcgen05.mma kind::mxf8f6f4 block_scale (sm_100a)",
                           &kF8F6F4, 32, 25, Tf32Input::None, 0, kMS},
                          "float32");
  mx.block_scales = {{"float8_e8m0fnu", 32}};
  rows.push_back(mx);
  // kind::mxf4nvf4 (K = 64 E2M1): MXFP4 (E8M0 per 32 or 16) or NVFP4 (UE4M3 per 16); every 16
  // products are summed exactly and enter the step as one term scaled by their block's scales,
  // aligned at the scales' exponents; F = 35; FP32 out.
  DotModel nv = fused_row({"b200-mxf4nvf4", "NVIDIA B200", "tcgen05.mma kind::mxf4nvf4 block_scale (sm_100a)", &kFp4,
                           64, 35, Tf32Input::None, 0, kMS},
                          "float32");
  nv.block_scales = {{"float8_e8m0fnu", 32}, {"float8_e8m0fnu", 16}, {"float8_e4m3fn", 16}};
  nv.exact_group = 16;
  rows.push_back(nv);
  return rows;
}

}  // namespace

std::span<const DotModel> dot_models() {
  static const std::vector<DotModel> rows = build();
  return rows;
}

const DotModel& dot_model(std::string_view name, std::string_view in, std::string_view out) {
  const Format& fin = format_by_name(in);
  const Format& fout = format_by_name(out);
  bool known_name = false;
  std::string choices;
  for (const DotModel& m : dot_models()) {
    if (m.name != name) continue;
    known_name = true;
    std::string ins;
    for (const auto& f : m.inputs) ins += (ins.empty() ? "" : "|") + f;
    choices += "\n  --in " + ins + " --out " + m.output;
    if (m.output != fout.name) continue;
    for (const auto& f : m.inputs)
      if (f == fin.name || (fin.name == "float32" && m.tf32 != Tf32Input::None)) return m;
  }
  if (!known_name) {
    std::string names;
    for (const auto& n : dot_model_names()) names += (names.empty() ? "" : ", ") + n;
    throw InputError("unknown dot model '" + std::string(name.substr(0, 40)) + "' (models: " + names + ")");
  }
  std::string flat;
  for (char ch : choices) flat += ch == '\n' ? ';' : ch;
  throw InputError("model " + std::string(name) + " has no row for --in " + fin.name + " --out " + fout.name +
                   " (rows:" + flat + ")");
}

std::vector<std::string> dot_model_names() {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const DotModel& m : dot_models())
    if (seen.insert(m.name).second) names.push_back(m.name);
  return names;
}

DotModel with_parameters(const DotModel& m, std::optional<int> L, std::optional<int> F) {
  DotModel copy = m;
  if (L) copy.L = *L;
  if (F) copy.F = *F;
  return copy;
}

std::string describe_parameters(const DotModel& m) {
  switch (m.kind) {
    case DotKind::Exact: return "one rounding (" + std::string(short_name(m.step_rounding)) + ")";
    case DotKind::Sequential: return "fma chain (rne)";
    case DotKind::Pairwise: return "pairwise adds (rne)";
    case DotKind::Fused: break;
  }
  std::string s = "L=" + (m.L ? std::to_string(m.L) : std::string("K")) + ", F=" + std::to_string(m.F);
  if (m.groups > 1)
    s += ", " + std::to_string(m.groups) + " groups interleaved by " + std::to_string(m.group_width);
  if (m.addend == AddendRule::AfterRne) s += ", C added after (rne)";
  if (m.exact_group > 0) s += ", groups of " + std::to_string(m.exact_group) + " summed exactly";
  for (size_t i = 0; i < m.block_scales.size(); ++i)
    s += (i ? " or " : ", scales ") +
         std::string(m.block_scales[i].format == "float8_e4m3fn" ? "ue4m3" : m.block_scales[i].format) + "/" +
         std::to_string(m.block_scales[i].block);
  s += ", step " + std::string(short_name(m.step_rounding)) + " into " + m.step_format;
  return s;
}

}  // namespace fpc
