// Plugin ABI version 2 (fpconform/plugin_v2.h): dot ops checked by `fpconform run --plugin`
// against the model they claim, diagnosed when wrong, run supervised (a crash or a hang on one dot
// is that check's error, naming the dot, and the run goes on), and broken declarations refused
// with one error line. Version 1 plugins load as before, also from a library that exports both.
#include "../kernels/dot_plugin_loader.hpp"
#include "check/dot/dot_check.hpp"
#include "fpconform/exact.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fpc {
namespace {

using testing_support::cli;
using testing_support::expect_input_error;
using testing_support::Outcome;
using testing_support::read_json;
using testing_support::SegvReachesTheSupervisor;
using testing_support::TempDir;

// The plugins' dot ops run in workers: fpconform itself, not this test binary.
[[maybe_unused]] const bool kWorkerExecutableSet = (setenv("FPCONFORM_WORKER_EXE", FPC_CLI_PATH, 0), true);

std::string plugin(const std::string& variant) { return std::string(FPC_TEST_PLUGIN_DIR) + "/" + variant + ".so"; }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool is_nan32(uint64_t c) { return (c & 0x7f800000u) == 0x7f800000u && (c & 0x7fffffu); }

TEST(DotPlugin, ARightPluginPasses) {
  TempDir dir;
  const std::string r = dir / "r.json";
  Outcome o = cli({"run", "--plugin", plugin("dot_good"), "--report", r});
  EXPECT_EQ(o.status, 0) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "PASS  plugin:dot_good/float16_loop/boundary")) << o.out;
  EXPECT_TRUE(has(o.out, "PASS  plugin:dot_good/float16_loop/random:1024")) << o.out;
  const nlohmann::json j = read_json(r);
  EXPECT_EQ(j["checks"].size(), 0u) << "a v2-only plugin adds dot checks, not the built-in suite";
  ASSERT_EQ(j["dot_checks"].size(), 2u);
  for (const nlohmann::json& c : j["dot_checks"]) {
    EXPECT_EQ(c["status"], "pass");
    EXPECT_GT(c["counts"]["checked"].get<uint64_t>(), 100u);
  }
  EXPECT_EQ(cli({"report", "validate", r}).status, 0);
}

TEST(DotPlugin, TheExamplePassesAndItsPlantedBugFails) {
  TempDir dir;
  Outcome ok = cli({"run", "--plugin", FPC_EXAMPLE_DOT_PLUGIN_PATH, "--report", dir / "ok.json"});
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_TRUE(has(ok.out, "PASS  plugin:libfpc_example_dot_plugin/bfloat16_loop_k32/boundary")) << ok.out;
  // The planted bug (read by the plugin in its worker) sums the products from 0 and adds c last.
  setenv("FPC_EXAMPLE_PLANT_BUG", "1", 1);
  Outcome bad = cli({"run", "--plugin", FPC_EXAMPLE_DOT_PLUGIN_PATH, "--report", dir / "bad.json"});
  unsetenv("FPC_EXAMPLE_PLANT_BUG");
  EXPECT_EQ(bad.status, 1) << bad.out << bad.err;
  EXPECT_TRUE(has(bad.out, "FAIL  plugin:libfpc_example_dot_plugin/float16_loop_k16/boundary")) << bad.out;
  // The diagnosis names the bug: the products' fma chain from zero, then C with one RNE add.
  EXPECT_TRUE(has(bad.out, "behaves exactly as: sequential_fp32 with C added last (fma chain (rne), then + C rne)\n")) << bad.out;
  EXPECT_FALSE(has(bad.out, "matches no model")) << bad.out;
}

TEST(DotPlugin, APluginClaimingTheWrongModelFailsWithTheDiagnosis) {
  TempDir dir;
  const std::string r = dir / "r.json";
  Outcome o = cli({"run", "--plugin", plugin("dot_claims_exact"), "--report", r});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "FAIL  plugin:dot_claims_exact/float16_loop/boundary")) << o.out;
  EXPECT_TRUE(has(o.out, "behaves exactly as: sequential_fp32")) << o.out;
  const nlohmann::json j = read_json(r);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["dot_checks"][0]["claim"]["model"], "exact") << j["dot_checks"][0].dump();
}

TEST(DotPlugin, ACrashOnOneDotIsThatChecksErrorNamingTheDotAndTheRunGoesOn) {
  TempDir dir;
  const std::string r = dir / "r.json";
  const SegvReachesTheSupervisor segv;
  Outcome o = cli({"run", "--plugin", plugin("dot_crash"), "--plugin", plugin("dot_good"), "--case-timeout", "20", "--report", r});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "ERROR  plugin:dot_crash/float16_loop/boundary")) << o.out;
  EXPECT_TRUE(has(o.out, "crashed: SIGSEGV (Segmentation fault) at dot #")) << o.out;
  EXPECT_TRUE(has(o.out, "which fails alone")) << o.out;
  EXPECT_TRUE(has(o.out, "PASS  plugin:dot_good/float16_loop/boundary")) << "the run went on: " << o.out;
  const nlohmann::json j = read_json(r);
  ASSERT_EQ(j["dot_checks"].size(), 4u);
  const nlohmann::json& err = j["dot_checks"][0];
  EXPECT_EQ(err["status"], "error");
  // The dot named is the first with a NaN addend (the plugin's planted crash).
  const std::string text = err["error"].get<std::string>();
  const size_t at = text.find("at dot #");
  ASSERT_NE(at, std::string::npos) << text;
  const uint64_t index = std::stoull(text.substr(at + 8));
  const DotSubject s = load_dot_plugin(plugin("dot_crash"));
  const std::vector<DotCase> cases = dot_cases(s.ops[0].claim, s.ops[0].ks, DotCaseSet::parse("boundary"), 1);
  ASSERT_LT(index, cases.size());
  EXPECT_TRUE(is_nan32(cases[index].c)) << "dot #" << index << " has c = " << cases[index].c;
  for (uint64_t i = 0; i < index; ++i) EXPECT_FALSE(is_nan32(cases[i].c)) << "an earlier NaN addend at #" << i;
}

TEST(DotPlugin, AHangIsATimeoutNamingTheDot) {
  TempDir dir;
  const std::string r = dir / "r.json";
  Outcome o = cli({"run", "--plugin", plugin("dot_hang"), "--case-timeout", "0.3", "--report", r});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "ERROR  plugin:dot_hang/float16_loop/boundary")) << o.out;
  EXPECT_TRUE(has(o.out, "timeout: no answer within 0.3 s (--case-timeout) at dot #")) << o.out;
  EXPECT_EQ(read_json(r)["dot_checks"][0]["status"], "error");
}

struct BadDotPlugin {
  std::string variant, problem;
};
void PrintTo(const BadDotPlugin& p, std::ostream* os) { *os << p.variant; }
class DotPluginLoadError : public testing::TestWithParam<BadDotPlugin> {};

TEST_P(DotPluginLoadError, IsOneErrorLine) {
  TempDir dir;
  const std::string path = plugin(GetParam().variant), r = dir / "r.json";
  Outcome o = cli({"run", "--plugin", path, "--report", r});
  EXPECT_EQ(o.status, 2) << o.out << o.err;
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  EXPECT_EQ(o.err.rfind("fpconform: error: plugin " + path + ": ", 0), 0u) << o.err;
  EXPECT_TRUE(has(o.err, GetParam().problem)) << o.err;
  EXPECT_FALSE(std::filesystem::exists(r));
  EXPECT_THROW((void)load_dot_plugin(path), InputError);
  expect_input_error({"subjects", "--plugin", path});
}

INSTANTIATE_TEST_SUITE_P(
    DotPlugin, DotPluginLoadError,
    testing::Values(BadDotPlugin{"dot_k_zero", "dot op float16_loop: k is 0 (1..65536)"},
                    BadDotPlugin{"dot_unknown_model", "dot op float16_loop: unknown dot model 'h300'"},
                    BadDotPlugin{"dot_wrong_formats", "dot op float16_loop: model h100-wgmma-fp8 has no row for --in float16"},
                    BadDotPlugin{"dot_unknown_op", "dot op float16_loop: unknown op 'gemv'"},
                    BadDotPlugin{"dot_null_run", "dot op float16_loop has a null run function"}),
    [](const testing::TestParamInfo<BadDotPlugin>& p) { return p.param.variant; });

TEST(DotPlugin, ALibraryExportingBothVersionsLoadsBoth) {
  TempDir dir;
  Outcome o = cli({"run", "--plugin", plugin("dot_and_v1"), "--report", dir / "r.json"});
  EXPECT_EQ(o.status, 0) << o.out << o.err;
  EXPECT_TRUE(has(o.out, "PASS  plugin:dot_and_v1/float16_to_float32/exhaustive")) << o.out;
  EXPECT_TRUE(has(o.out, "PASS  plugin:dot_and_v1/float16_loop/boundary")) << o.out;
  Outcome listed = cli({"subjects", "--plugin", plugin("dot_and_v1")});
  EXPECT_EQ(listed.status, 0) << listed.err;
  EXPECT_TRUE(has(listed.out, "float16_loop  claims sequential_fp32 (float16 -> float32), K=16")) << listed.out;
}

TEST(DotPlugin, SubjectsListsDotSubjectsWithTheirClaims) {
  Outcome o = cli({"subjects", "--json"});
  ASSERT_EQ(o.status, 0) << o.err;
  const nlohmann::json j = nlohmann::json::parse(o.out);
  ASSERT_TRUE(j.contains("dot_subjects"));
  bool loop = false, wgmma = false;
  for (const nlohmann::json& s : j["dot_subjects"]) {
    if (s["name"] == "cpu_dot_loop") loop = s["available"] == true && s["ops"][0]["model"] == "sequential_fp32";
    if (s["name"] == "cuda_wgmma_sm90a")
      for (const nlohmann::json& op : s["ops"]) wgmma = wgmma || op["model"] == "h100-wgmma-fp8";
  }
  EXPECT_TRUE(loop) << j["dot_subjects"].dump();
  EXPECT_TRUE(wgmma) << j["dot_subjects"].dump();
}

// The worker's side alone, on a built-in subject (the GPU subjects' path): a batch file in, the
// subject's results out; an op the subject lacks is an error file.
TEST(DotWorker, ServesABuiltInSubjectFromABatchFile) {
  TempDir dir;
  // Header: 2 dots, K = 2, no scales. FP16 codes: 0x3c00 = 1, 0x0001 = 2^-24. Dot 0: 1*1 + 1*1 + 0 = 2; dot 1: 2^-24 + 0 + 1.0f,
  // which the FP32 loop rounds (rne) back to 1.
  const uint64_t words[] = {2, 2, 0, 0x3c00, 0x3c00, 0x3c00, 0x0000, 0x3c00, 0x3c00, 0x0001, 0x0000, 0, 0x3f800000};
  std::ofstream(dir / "in.bin", std::ios::binary).write(reinterpret_cast<const char*>(words), sizeof words);
  Outcome o = cli({"__dot-worker", "--subject", "cpu_dot_loop", "float16_to_float32", dir / ""});
  ASSERT_EQ(o.status, 0) << o.err;
  uint64_t d[2] = {0, 0};
  std::ifstream(dir / "d.bin", std::ios::binary).read(reinterpret_cast<char*>(d), sizeof d);
  EXPECT_EQ(d[0], 0x40000000u);
  EXPECT_EQ(d[1], 0x3f800000u);
  EXPECT_EQ(cli({"__dot-worker", "--subject", "cpu_dot_loop", "no_such_op", dir / ""}).status, 2);
  std::ifstream why(dir / "error.txt");
  std::string text;
  std::getline(why, text);
  EXPECT_EQ(text, "worker: cpu_dot_loop has no dot op no_such_op");
}

}  // namespace
}  // namespace fpc
