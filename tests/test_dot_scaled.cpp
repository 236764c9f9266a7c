// Block-scaled dot checks (B200 kind::mxf8f6f4, kind::mxf4nvf4): the scale cases, the CPU
// block-scaled subjects (an integer implementation independent of the oracle) against their
// claims, the planted ones and their diagnosis, the worker, the `fpconform dot` scale options and
// the dot file protocol with scale files. Golden values are the cases worked by hand in
// docs/mma.md ("Block-scaled B200 rows") from MMA-Sim's description.
#include "../kernels/dot_plugin_loader.hpp"
#include "check/dot/dot_check.hpp"
#include "check/dot_worker.hpp"
#include "cli/dot_command.hpp"
#include "fpconform/dot_subject.hpp"
#include "fpconform/exact.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fpc {
namespace {

using testing_support::cli;
using testing_support::expect_input_error;
using testing_support::Outcome;
using testing_support::read_json;
using testing_support::TempDir;

[[maybe_unused]] const bool kWorkerExecutableSet = (setenv("FPCONFORM_WORKER_EXE", FPC_CLI_PATH, 0), true);

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const DotOp& op_of(const std::string& subject, const std::string& op) {
  for (const DotOp& o : dot_subject_by_name(subject).ops)
    if (o.name == op) return o;
  throw std::runtime_error("no op " + op);
}

DotCheckRecord check(const std::string& subject, const DotOp& op, const std::string& label, const DotAnswers* answers = nullptr) {
  const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse(label), 7);
  DotCheckRecord r = dot_check_record(subject, op, label, 7, cases, 0, 1);
  run_dot_check(r, cases, answers ? *answers : op_answers(op, cases), 8);
  return r;
}

// One dot through an op: a, b (K codes), c, and the scales (K / block codes each).
uint64_t run_one(const DotOp& op, std::vector<uint64_t> a, std::vector<uint64_t> b, uint64_t c, std::vector<uint64_t> sa,
                 std::vector<uint64_t> sb) {
  const std::vector<uint64_t> cs{c};
  std::vector<uint64_t> d(1);
  op.run(DotBatch{a.size(), 1, a, b, cs, d, sa, sb});
  return d[0];
}

// fpconform dot ARGS with `input` on stdin: its status, stdout, and the error line (an InputError
// is what the CLI prints as one "fpconform: error:" line, exit 2).
struct DotRun {
  int status;
  std::string out, error;
};
DotRun dot_cmd(const std::vector<std::string>& args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  try {
    const int status = cli::cmd_dot(args, in, out);
    return {status, out.str(), ""};
  } catch (const InputError& e) {
    return {2, out.str(), e.what()};
  }
}

std::vector<uint64_t> padded(std::vector<uint64_t> v, size_t K) {
  v.resize(K, 0);
  return v;
}

// ---- the scale cases ----

TEST(DotScaledCases, EveryScaleKindForEveryK) {
  for (const char* name : {"mx_float8_e4m3fn_to_float32", "mxfp4_e8m0_16_to_float32", "nvfp4_to_float32"}) {
    const DotOp& op = op_of("cpu_block_scaled_dot", name);
    const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse("boundary"), 1);
    const bool ue4m3 = op.claim.scales->format == "float8_e4m3fn";
    std::set<std::pair<std::string, size_t>> seen;
    std::set<uint64_t> codes;
    for (const DotCase& c : cases) {
      seen.insert({c.kind, c.a.size()});
      ASSERT_EQ(c.a_scales.size(), c.a.size() / static_cast<size_t>(op.claim.scales->block)) << c.kind;
      ASSERT_EQ(c.b_scales.size(), c.a_scales.size());
      codes.insert(c.a_scales.begin(), c.a_scales.end());
      codes.insert(c.b_scales.begin(), c.b_scales.end());
    }
    for (size_t K : op.ks) {
      std::vector<std::string> kinds = {"zero", "carry", "nonfinite", "scale_extreme", "scale_window", "scale_nan"};
      if (ue4m3) kinds.insert(kinds.end(), {"scale_sign", "scale_zero", "scale_subnormal"});
      for (const std::string& kind : kinds) EXPECT_TRUE(seen.count({kind, K})) << name << " " << kind << " K=" << K;
    }
    // The scale codes the issue asks for: unit, extremes, NaN; UE4M3 sign, zero, subnormal.
    const std::vector<uint64_t> want = ue4m3 ? std::vector<uint64_t>{0x38, 0x7e, 0x7f, 0xff, 0xb8, 0x00, 0x01, 0x07}
                                             : std::vector<uint64_t>{0x7f, 0x00, 0xfe, 0xff};
    for (uint64_t code : want) EXPECT_TRUE(codes.count(code)) << name << " scale code " << code;
    // Deterministic, scales included.
    const auto again = dot_cases(op.claim, op.ks, DotCaseSet::parse("boundary"), 1);
    ASSERT_EQ(again.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(again[i].a_scales, cases[i].a_scales);
    // Random cases carry scales too.
    for (const DotCase& c : dot_cases(op.claim, op.ks, DotCaseSet::parse("random:8"), 3))
      EXPECT_EQ(c.a_scales.size(), c.a.size() / static_cast<size_t>(op.claim.scales->block));
  }
}

TEST(DotScaledCases, ClaimsMustFitTheRowsScaleRules) {
  DotClaim claim{"b200-mxf4nvf4", "float4_e2m1fn", "float32", {}, {}};
  const size_t k64[] = {64}, k40[] = {40};
  const DotCaseSet boundary = DotCaseSet::parse("boundary");
  // A block-scaled row without a rule, a rule the row lacks, a rule on an unscaled row, K not a
  // multiple of the block.
  EXPECT_THROW(dot_cases(claim, k64, boundary, 1), InputError);
  claim.scales = BlockScaleRule{"float8_e4m3fn", 32};
  EXPECT_THROW(dot_cases(claim, k64, boundary, 1), InputError);
  claim.scales = BlockScaleRule{"float8_e4m3fn", 16};
  EXPECT_NO_THROW(dot_cases(claim, k64, boundary, 1));
  EXPECT_THROW(dot_cases(claim, k40, boundary, 1), InputError);
  DotClaim plain{"sequential_fp32", "float16", "float32", {}, BlockScaleRule{"float8_e8m0fnu", 32}};
  EXPECT_THROW(dot_setup(plain), InputError);
  try {
    dot_setup(DotClaim{"b200-mxf8f6f4", "float8_e4m3fn", "float32", {}, {}});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "model b200-mxf8f6f4 is block-scaled: the claim needs one of its scale rules (float8_e8m0fnu/32)");
  }
}

// ---- the CPU block-scaled subjects ----

// docs/mma.md's cases worked by hand, through the independent implementation.
TEST(DotScaledSubjects, TheWorkedExamples) {
  // kind::mxf8f6f4: 32 products 1.5 * 1 scaled 2^-12 * 2^-13, C = 1: each cut to 2^-25,
  // D = 1 + 2^-20; with both scales 2^-13 every product is cut away.
  const DotOp& mx = op_of("cpu_block_scaled_dot", "mx_float8_e4m3fn_to_float32");
  const std::vector<uint64_t> a(32, 0x3c), b(32, 0x38);
  EXPECT_EQ(run_one(mx, a, b, 0x3f800000, {0x73}, {0x72}), 0x3f800008u);
  EXPECT_EQ(run_one(mx, a, b, 0x3f800000, {0x72}, {0x72}), 0x3f800000u);
  // kind::mxf4nvf4, MXFP4 with E8M0 per 16: 6*6 - 6*6 at 2^20, sixteen 0.5*0.5 at 2^-17 (the term
  // 2^-15, kept: summed before the cut), one 0.5*0.5 at 2^-17 (2^-19, cut): D = 2^-15.
  const DotOp& mx16 = op_of("cpu_block_scaled_dot", "mxfp4_e8m0_16_to_float32");
  std::vector<uint64_t> a4(64, 0), b4(64, 0);
  a4[0] = 0x7, b4[0] = 0x7, a4[1] = 0xf, b4[1] = 0x7;
  for (size_t k = 16; k < 32; ++k) a4[k] = b4[k] = 0x1;
  a4[32] = b4[32] = 0x1;
  EXPECT_EQ(run_one(mx16, a4, b4, 0, {0x89, 0x76, 0x76, 0x7f}, {0x89, 0x77, 0x77, 0x7f}), 0x38000000u);
  // NVFP4: 1.5 * 1 with UE4M3 scales 1.125 and 1.25: 2.109375; the sign bit of a scale is ignored.
  const DotOp& nv = op_of("cpu_block_scaled_dot", "nvfp4_to_float32");
  const std::vector<uint64_t> one_a = padded({0x3}, 64), one_b = padded({0x2}, 64), unit(3, 0x38);
  EXPECT_EQ(run_one(nv, one_a, one_b, 0, {0x39, 0x38, 0x38, 0x38}, {0x3a, 0x38, 0x38, 0x38}), 0x40070000u);
  EXPECT_EQ(run_one(nv, one_a, one_b, 0, {0xb9, 0x38, 0x38, 0x38}, {0x3a, 0x38, 0x38, 0x38}), 0x40070000u);
  // A NaN scale (E4M3 0x7f) makes the tensor cores' NaN; inf * a zero scale too.
  EXPECT_EQ(run_one(nv, one_a, one_b, 0, {0x7f, 0x38, 0x38, 0x38}, {0x38, 0x38, 0x38, 0x38}), 0x7fffffffu);
}

TEST(DotScaledSubjects, EveryOpPassesItsClaim) {
  for (const DotOp& op : dot_subject_by_name("cpu_block_scaled_dot").ops)
    for (const std::string& label : dot_suite_case_kinds(op.claim, op.ks)) {
      const DotCheckRecord r = check("cpu_block_scaled_dot", op, label);
      EXPECT_EQ(r.status, "pass") << dot_status_line(r) << dot_check_to_json(r)["mismatches"].dump().substr(0, 1500);
      EXPECT_EQ(r.checked, r.case_count);
    }
}

// Reading the UE4M3 sign fails on the sign cases (and random ones); no row or neighbour does it.
TEST(DotScaledSubjects, PlantedSignedScaleFailsAndMatchesNoModel) {
  const DotOp& op = op_of("planted_nvfp4_signed_scale", "nvfp4_to_float32");
  const DotCheckRecord r = check("planted_nvfp4_signed_scale", op, "boundary");
  EXPECT_EQ(r.status, "fail");
  ASSERT_FALSE(r.examples.empty());
  for (const DotMismatch& m : r.examples) EXPECT_EQ(m.kind, "scale_sign");
  EXPECT_TRUE(r.diagnosed);
  EXPECT_TRUE(r.diagnosis.empty()) << dot_status_line(r);
  EXPECT_TRUE(has(dot_status_line(r), "matches no model")) << dot_status_line(r);
}

// Keeping 25 fraction bits where the B200 keeps 35: caught by the boundary cases (a block 2^-j
// below the other), diagnosed as the row with F=25.
TEST(DotScaledSubjects, PlantedF25IsDiagnosedAsTheRowWithF25) {
  const DotOp& op = op_of("planted_nvfp4_f25", "nvfp4_to_float32");
  const DotCheckRecord r = check("planted_nvfp4_f25", op, "boundary");
  EXPECT_EQ(r.status, "fail");
  ASSERT_TRUE(r.diagnosed);
  ASSERT_EQ(r.diagnosis.size(), 1u) << dot_status_line(r);
  EXPECT_EQ(r.diagnosis[0].rfind("as b200-mxf4nvf4 with F=25 (", 0), 0u) << r.diagnosis[0];
  EXPECT_TRUE(has(dot_status_line(r), "behaves exactly as: b200-mxf4nvf4 with F=25")) << dot_status_line(r);
}

// An op that reads its scales as E8M0 while claiming NVFP4's UE4M3: the diagnosis names the rule
// the codes are read with.
TEST(DotScaledSubjects, AWrongScaleFormatIsDiagnosedAsTheOtherRule) {
  DotOp op = op_of("cpu_block_scaled_dot", "mxfp4_e8m0_16_to_float32");
  op.claim.scales = BlockScaleRule{"float8_e4m3fn", 16};
  const DotCheckRecord r = check("cpu_block_scaled_dot", op, "boundary");
  EXPECT_EQ(r.status, "fail");
  ASSERT_TRUE(r.diagnosed);
  ASSERT_FALSE(r.diagnosis.empty()) << dot_status_line(r);
  EXPECT_EQ(r.diagnosis[0], "b200-mxf4nvf4 (" + describe_parameters(dot_model("b200-mxf4nvf4", "float4_e2m1fn", "float32")) +
                                "), scales read as float8_e8m0fnu/16");
}

TEST(DotScaledSubjects, ReportEntriesShowTheScales) {
  const DotOp& op = op_of("planted_nvfp4_signed_scale", "nvfp4_to_float32");
  const DotCheckRecord r = check("planted_nvfp4_signed_scale", op, "boundary");
  const nlohmann::json j = dot_check_to_json(r);
  EXPECT_EQ(j["claim"]["scales"], (nlohmann::json{{"format", "float8_e4m3fn"}, {"block", 16}}));
  ASSERT_FALSE(j["mismatches"].empty());
  EXPECT_EQ(j["mismatches"][0]["a_scales"].size(), 4u);
  EXPECT_EQ(dot_check_to_json(dot_check_from_json(j)), j);
  // The CLI's report and its renderers.
  TempDir dir;
  const std::string report = dir / "r.json", md = dir / "r.md";
  Outcome o = cli({"run", "--suite", "dot", "--subject", "planted_nvfp4_signed_scale", "--report", report});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  EXPECT_EQ(cli({"report", "validate", report}).status, 0);
  Outcome m = cli({"report", "summary", report});
  EXPECT_TRUE(has(m.out, "a scales: 0xb8")) << m.out;
  EXPECT_TRUE(has(m.out, "with float8_e4m3fn scales per 16")) << m.out;
}

// ---- the supervised worker ----

TEST(DotScaledWorker, CarriesTheScales) {
  TempDir dir;
  // One NVFP4 dot, K = 64, 4 scales each: 1.5 * 1 with scales 1.125 (sign bit set) and 1.25.
  std::vector<uint64_t> words = {1, 64, 4};
  const std::vector<uint64_t> a = padded({0x3}, 64), b = padded({0x2}, 64);
  words.insert(words.end(), a.begin(), a.end());
  words.insert(words.end(), b.begin(), b.end());
  words.insert(words.end(), {0, 0xb9, 0x38, 0x38, 0x38, 0x3a, 0x38, 0x38, 0x38});
  std::ofstream(dir / "in.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(words.data()), static_cast<std::streamsize>(words.size() * 8));
  Outcome o = cli({"__dot-worker", "--subject", "cpu_block_scaled_dot", "nvfp4_to_float32", dir / ""});
  ASSERT_EQ(o.status, 0) << o.err;
  uint64_t d = 0;
  std::ifstream(dir / "d.bin", std::ios::binary).read(reinterpret_cast<char*>(&d), 8);
  EXPECT_EQ(d, 0x40070000u);
  // A batch whose scale count does not fit the op is refused.
  words[2] = 2;
  std::ofstream(dir / "in.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(words.data()), static_cast<std::streamsize>(words.size() * 8));
  EXPECT_EQ(cli({"__dot-worker", "--subject", "cpu_block_scaled_dot", "nvfp4_to_float32", dir / ""}).status, 2);
  // The supervisor's side: a whole check through workers passes; the planted one fails the same.
  for (const char* subject : {"cpu_block_scaled_dot", "planted_nvfp4_signed_scale"}) {
    const DotOp& op = op_of(subject, "nvfp4_to_float32");
    const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse("boundary"), 7);
    DotCheckRecord r = dot_check_record(subject, op, "boundary", 7, cases, 0, 1);
    run_dot_check(r, cases, supervised_dot_answers({subject, ""}, op, cases, IsolationLimits{}), 8);
    const DotCheckRecord direct = check(subject, op, "boundary");
    EXPECT_EQ(r.status, direct.status) << dot_status_line(r);
    EXPECT_EQ(r.failed, direct.failed);
    EXPECT_EQ(r.error, "");
  }
}

// ---- plugin ABI v2 has no scale operands ----

int no_op(const uint64_t*, const uint64_t*, const uint64_t*, uint64_t*, size_t, size_t, void*) { return 0; }

TEST(DotScaledPlugin, ABlockScaledClaimIsALoadError) {
  const fpc_op_v2 ops[] = {{"nvfp4", "dot", "b200-mxf4nvf4", "float4_e2m1fn", "float32", 64, 0, 1, no_op, nullptr}};
  try {
    (void)dot_plugin_subject("libmine.so", ops, 1);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_TRUE(has(e.what(), "block-scaled rows need scale operands, which plugin ABI v2 does not carry")) << e.what();
  }
}

// ---- fpconform dot ----

std::string zeros(size_t n, char sep) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += std::string(1, sep) + "0";
  return s;
}

TEST(DotScaledCli, OneShotFilterAndExplain) {
  const std::vector<std::string> nvfp4 = {"dot", "--model", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32",
                                          "--scale-format", "float8_e4m3fn", "--scale-block", "16"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = nvfp4;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::string a = "3" + zeros(63, ','), b = "2" + zeros(63, ',');
  Outcome o = cli(with({"--a", a, "--b", b, "--c", "0", "--a-scales", "b9,38,38,38", "--b-scales", "3a,38,38,38"}));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.rfind("0x40070000  2.109375  [b200-mxf4nvf4: ", 0), 0u) << o.out;
  EXPECT_TRUE(has(o.out, "exact sum 2.109375 rounds (rne) to 0x40070000  (same)")) << o.out;
  Outcome explained = cli(with({"--a", a, "--b", b, "--c", "0", "--a-scales", "b9,38,38,38", "--b-scales", "3a,38,38,38", "--explain"}));
  EXPECT_TRUE(has(explained.out, "scales k=0..15: a 0xb9 (1.125), b 0x3a (1.25)  [float8_e4m3fn per 16]")) << explained.out;
  // The MXFP8 worked example: the model keeps D = 1 + 2^-20 where the exact sum rounds to 1 + 1.5 * 2^-20.
  std::string a32, b32;
  for (int k = 0; k < 32; ++k) a32 += std::string(k ? "," : "") + "3c", b32 += std::string(k ? "," : "") + "38";
  Outcome mx = cli({"dot", "--model", "b200-mxf8f6f4", "--in", "float8_e4m3fn", "--out", "float32", "--scale-format", "float8_e8m0fnu",
            "--scale-block", "32", "--a", a32, "--b", b32, "--c", "3f800000", "--a-scales", "73", "--b-scales", "72"});
  ASSERT_EQ(mx.status, 0) << mx.err;
  EXPECT_EQ(mx.out.rfind("0x3f800008  ", 0), 0u) << mx.out;
  EXPECT_TRUE(has(mx.out, "rounds (rne) to 0x3f80000c  (differs)")) << mx.out;
  // Filter: "a ; b ; c ; as ; bs" per line.
  const std::vector<std::string> filter(nvfp4.begin() + 1, nvfp4.end());
  const DotRun f = dot_cmd(filter, "3" + zeros(63, ' ') + " ; 2" + zeros(63, ' ') + " ; 0 ; b9 38 38 38 ; 3a 38 38 38\n" + "3" +
                                       zeros(63, ' ') + " ; 2" + zeros(63, ' ') + " ; 0 ; 7f 38 38 38 ; 38 38 38 38\n");
  EXPECT_EQ(f.status, 0) << f.error;
  EXPECT_EQ(f.out, "0x40070000\n0x7fffffff\n");
}

TEST(DotScaledCli, ErrorsAreOneLine) {
  const std::string a = "3" + zeros(63, ','), b = "2" + zeros(63, ',');
  const std::vector<std::string> base = {"dot", "--model", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32",
                                         "--a", a, "--b", b, "--c", "0"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_input_error(base);                                                            // no rule
  expect_input_error(with({"--scale-format", "float8_e4m3fn"}));                      // half a rule
  expect_input_error(with({"--scale-format", "float8_e4m3fn", "--scale-block", "32"}));  // not the row's
  expect_input_error(with({"--scale-format", "float8_e4m3fn", "--scale-block", "16"}));  // no scales given
  expect_input_error(with({"--scale-format", "float8_e4m3fn", "--scale-block", "16", "--a-scales", "38,38,38", "--b-scales",
                           "38,38,38,38"}));  // wrong count
  expect_input_error(with({"--scale-format", "float8_e4m3fn", "--scale-block", "16", "--a-scales", "38,38,38,138",
                           "--b-scales", "38,38,38,38"}));  // not a scale code
  expect_input_error({"dot", "--model", "sequential_fp32", "--in", "float16", "--out", "float32", "--a", "3c00", "--b", "3c00",
                      "--c", "0", "--scale-format", "float8_e8m0fnu", "--scale-block", "32"});  // a row without scales
  // Filter lines: a missing scale field, a wrong count; the line is named.
  for (const std::string& line : {"3" + zeros(63, ' ') + " ; 2" + zeros(63, ' ') + " ; 0 ; 38 38 38 38",
                                  "3" + zeros(63, ' ') + " ; 2" + zeros(63, ' ') + " ; 0 ; 38 38 38 ; 38 38 38 38",
                                  "3" + zeros(15, ' ') + " ; 2" + zeros(15, ' ') + " ; 0 ; 38 ; 38 38"}) {
    const DotRun r = dot_cmd({"--model", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32", "--scale-format",
                              "float8_e4m3fn", "--scale-block", "16"},
                             line + "\n");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.error.rfind("stdin line 1: ", 0), 0u) << r.error;
  }
}

// --diagnose on recorded block-scaled lines "a ; b ; c ; d ; as ; bs".
TEST(DotScaledCli, Diagnose) {
  const std::string line = "3" + zeros(63, ' ') + " ; 2" + zeros(63, ' ') + " ; 0 ; 40070000 ; b9 38 38 38 ; 3a 38 38 38\n";
  const DotRun r = dot_cmd({"--diagnose", "--in", "float4_e2m1fn", "--out", "float32", "--scale-format", "float8_e4m3fn",
                            "--scale-block", "16"},
                           line);
  EXPECT_EQ(r.status, 0) << r.error;
  EXPECT_TRUE(has(r.out, "behaves exactly as: b200-mxf4nvf4 (")) << r.out;
}

// ---- the dot file protocol with scale files ----

std::vector<uint64_t> read_codes(const std::string& path, int width) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint64_t> v;
  for (uint64_t x = 0; in.read(reinterpret_cast<char*>(&x), width); x = 0) v.push_back(x);
  return v;
}

TEST(DotScaledFiles, RoundTrip) {
  TempDir tmp;
  const std::string dir = tmp / "nvfp4";
  Outcome w = cli({"cases", "--dot", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32", "--k", "64",
                   "--scale-format", "float8_e4m3fn", "--scale-block", "16", "--cases", "boundary", "-o", dir});
  ASSERT_EQ(w.status, 0) << w.err;
  EXPECT_TRUE(has(w.out, "a_scales.bin, b_scales.bin: 1-byte float8_e4m3fn codes, count x K/16")) << w.out;
  const nlohmann::json side = read_json(dir + "/cases.json");
  EXPECT_EQ(side["claim"]["scales"], (nlohmann::json{{"format", "float8_e4m3fn"}, {"block", 16}}));
  const uint64_t n = side["cases"]["count"], K = side["K"];
  const std::vector<uint64_t> a = read_codes(dir + "/a.bin", 1), b = read_codes(dir + "/b.bin", 1),
                              c = read_codes(dir + "/c.bin", 4), sa = read_codes(dir + "/a_scales.bin", 1),
                              sb = read_codes(dir + "/b_scales.bin", 1);
  ASSERT_EQ(sa.size(), n * K / 16);
  ASSERT_EQ(sb.size(), n * K / 16);
  std::vector<uint64_t> d(n);
  op_of("cpu_block_scaled_dot", "nvfp4_to_float32").run(DotBatch{K, n, a, b, c, d, sa, sb});
  auto write = [&](const std::string& name, const std::vector<uint64_t>& codes, size_t count, int width) {
    std::ofstream out(dir + "/" + name, std::ios::binary);
    for (size_t i = 0; i < count; ++i) out.write(reinterpret_cast<const char*>(&codes[i]), width);
  };
  write("d.bin", d, n, 4);
  Outcome ok = cli({"check", dir, "--subject-name", "nvfp4"});
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_TRUE(has(ok.out, "PASS  nvfp4/float4_e2m1fn_to_float32_k64/boundary")) << ok.out;
  // The answers of the planted sign bug fail, with the scales in the report.
  std::vector<uint64_t> wrong(n);
  op_of("planted_nvfp4_signed_scale", "nvfp4_to_float32").run(DotBatch{K, n, a, b, c, wrong, sa, sb});
  write("d.bin", wrong, n, 4);
  Outcome bad = cli({"check", dir});
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_EQ(read_json(dir + "/report.json")["dot_checks"][0]["mismatches"][0]["a_scales"].size(), 4u);
  // A truncated scale file, and an edited one, are one error line.
  write("d.bin", d, n, 4);
  write("a_scales.bin", sa, sa.size() - 1, 1);
  expect_input_error({"check", dir});
  std::vector<uint64_t> edited = sa;
  edited[5] ^= 1;
  write("a_scales.bin", edited, edited.size(), 1);
  expect_input_error({"check", dir});
  // cases --dot with a block-scaled row and no rule (or K not a multiple of the block).
  expect_input_error({"cases", "--dot", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32", "--k", "64", "--cases",
                      "boundary", "-o", tmp / "x"});
  expect_input_error({"cases", "--dot", "b200-mxf4nvf4", "--in", "float4_e2m1fn", "--out", "float32", "--k", "40",
                      "--scale-format", "float8_e4m3fn", "--scale-block", "16", "--cases", "boundary", "-o", tmp / "y"});
}

// ---- the diagnosis: C added last ----

// A GEMM that sums the products from zero and adds C in its epilogue (beta applied last, as
// cuBLASLt does), computed here with host float arithmetic: named, not "matches no model".
TEST(DotDiagnoseAddendLast, AFloatLoopWithCLastIsNamed) {
  const Format& f16 = format_by_name("float16");
  const Format& f32 = format_by_name("float32");
  std::vector<DotRecord> records;
  uint64_t state = 12345;
  auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
  for (int i = 0; i < 200; ++i) {
    DotRecord r;
    float acc = 0.0f;
    for (int k = 0; k < 16; ++k) {
      // FP16 codes of moderate normal values (exponent field 10..20), both signs.
      const uint64_t x = ((next() >> 33) % 11 + 10) << 10 | ((next() >> 40) & 0x3ff) | ((next() >> 20) & 1) << 15;
      const uint64_t y = ((next() >> 33) % 11 + 10) << 10 | ((next() >> 40) & 0x3ff);
      r.a.push_back(x);
      r.b.push_back(y);
      auto value = [](uint64_t h) {
        const float m = static_cast<float>((h & 0x3ff) | 0x400);
        return std::ldexp(m, static_cast<int>((h >> 10) & 0x1f) - 25) * ((h >> 15) ? -1.0f : 1.0f);
      };
      acc = std::fma(value(x), value(y), acc);
    }
    const float c = std::ldexp(static_cast<float>(next() >> 40), -20) * ((next() >> 7) & 1 ? -1.0f : 1.0f);
    r.c = std::bit_cast<uint32_t>(c);
    r.d = std::bit_cast<uint32_t>(acc + c);
    records.push_back(r);
  }
  const std::vector<DotCandidate> found = diagnose_dot(f16, f32, records);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].label, "as sequential_fp32 with C added last (fma chain (rne), then + C rne)");
  EXPECT_EQ(found[0].gemm.promotion_interval, kAddendLastInterval);
  for (const DotCandidate& c : found) EXPECT_FALSE(has(c.label, "promotion every")) << c.label;  // the same thing, named once
}

}  // namespace
}  // namespace fpc
