// Plugin ABI version 2 (fpconform/plugin_v2.h): dot ops checked by `fpconform run --plugin`
// against the model they claim, diagnosed when wrong, run supervised (a crash on one dot is that
// check's error, naming the dot, and the run goes on), and broken declarations refused with one
// error line. Version 1 plugins load as before, also from a library that exports both.
#include "../kernels/dot_plugin_loader.hpp"
#include "check/dot/dot_check.hpp"
#include "fpconform/exact.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fpc {
namespace {

struct Ran {
  int status = -1;
  std::string out;
};

Ran sh(const std::string& args, const std::string& env = "") {
  Ran r;
  FILE* p = popen((env + std::string(FPC_CLI_PATH) + " " + args + " 2>&1").c_str(), "r");
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string plugin(const std::string& variant) { return std::string(FPC_TEST_PLUGIN_DIR) + "/" + variant + ".so"; }

std::string tmp(const std::string& name) {
  const std::string path = testing::TempDir() + "fpc_dot_plugin_" + std::to_string(getpid()) + "_" + name;
  std::filesystem::remove_all(path);
  return path;
}

nlohmann::json load(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(DotPlugin, ARightPluginPasses) {
  const std::string r = tmp("good.json");
  Ran ran = sh("run --plugin " + plugin("dot_good") + " --report " + r);
  EXPECT_EQ(ran.status, 0) << ran.out;
  EXPECT_NE(ran.out.find("PASS  plugin:dot_good/float16_loop/boundary"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("PASS  plugin:dot_good/float16_loop/random:1024"), std::string::npos) << ran.out;
  const nlohmann::json j = load(r);
  EXPECT_EQ(j["checks"].size(), 0u) << "a v2-only plugin adds dot checks, not the built-in suite";
  ASSERT_EQ(j["dot_checks"].size(), 2u);
  for (const nlohmann::json& c : j["dot_checks"]) {
    EXPECT_EQ(c["status"], "pass");
    EXPECT_GT(c["counts"]["checked"].get<uint64_t>(), 100u);
  }
  EXPECT_EQ(sh("report validate " + r).status, 0);
}

TEST(DotPlugin, TheExamplePassesAndItsPlantedBugIsDiagnosed) {
  Ran ok = sh(std::string("run --plugin ") + FPC_EXAMPLE_DOT_PLUGIN_PATH + " --report " + tmp("example.json"));
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("PASS  plugin:libfpc_example_dot_plugin/bfloat16_loop_k32/boundary"), std::string::npos) << ok.out;
  // The planted bug sums the products from 0 and adds c last.
  Ran bad = sh(std::string("run --plugin ") + FPC_EXAMPLE_DOT_PLUGIN_PATH + " --report " + tmp("example_bug.json"),
               "FPC_EXAMPLE_PLANT_BUG=1 ");
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("FAIL  plugin:libfpc_example_dot_plugin/float16_loop_k16/boundary"), std::string::npos) << bad.out;
}

TEST(DotPlugin, APluginClaimingTheWrongModelFailsWithTheDiagnosis) {
  const std::string r = tmp("exact.json");
  Ran ran = sh("run --plugin " + plugin("dot_claims_exact") + " --report " + r);
  EXPECT_EQ(ran.status, 1) << ran.out;
  EXPECT_NE(ran.out.find("FAIL  plugin:dot_claims_exact/float16_loop/boundary"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("behaves exactly as: sequential_fp32"), std::string::npos) << ran.out;
  const nlohmann::json j = load(r);
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(j["dot_checks"][0]["claim"]["model"], "exact") << j["dot_checks"][0].dump();
}

TEST(DotPlugin, ACrashOnOneDotIsThatChecksErrorNamingTheDotAndTheRunGoesOn) {
  const std::string r = tmp("crash.json");
  Ran ran = sh("run --plugin " + plugin("dot_crash") + " --plugin " + plugin("dot_good") + " --case-timeout 20 --report " + r);
  EXPECT_EQ(ran.status, 1) << ran.out;
  // Boundary cases hold NaN addends: the first one crashes, alone.
  EXPECT_NE(ran.out.find("ERROR  plugin:dot_crash/float16_loop/boundary"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("crashed: SIGSEGV (Segmentation fault) at dot #"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("which fails alone"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("PASS  plugin:dot_good/float16_loop/boundary"), std::string::npos) << "the run went on: " << ran.out;
  const nlohmann::json j = load(r);
  ASSERT_EQ(j["dot_checks"].size(), 4u);
  const nlohmann::json& err = j["dot_checks"][0];
  EXPECT_EQ(err["status"], "error");
  // The dot named is one with a NaN addend.
  const std::string text = err["error"].get<std::string>();
  const size_t at = text.find("at dot #");
  ASSERT_NE(at, std::string::npos) << text;
  const uint64_t index = std::stoull(text.substr(at + 8));
  const DotSubject s = load_dot_plugin(plugin("dot_crash"));
  const std::vector<DotCase> cases = dot_cases(s.ops[0].claim, s.ops[0].ks, DotCaseSet::parse("boundary"), 1);
  ASSERT_LT(index, cases.size());
  const uint32_t c = static_cast<uint32_t>(cases[index].c);
  EXPECT_TRUE((c & 0x7f800000u) == 0x7f800000u && (c & 0x7fffffu)) << "dot #" << index << " has c = " << c;
  for (uint64_t i = 0; i < index; ++i) {
    const uint32_t earlier = static_cast<uint32_t>(cases[i].c);
    EXPECT_FALSE((earlier & 0x7f800000u) == 0x7f800000u && (earlier & 0x7fffffu)) << "an earlier NaN addend at #" << i;
  }
}

struct BadDotPlugin {
  std::string variant, problem;
};
void PrintTo(const BadDotPlugin& p, std::ostream* os) { *os << p.variant; }
class DotPluginLoadError : public testing::TestWithParam<BadDotPlugin> {};

TEST_P(DotPluginLoadError, IsOneErrorLine) {
  const std::string path = plugin(GetParam().variant), r = tmp(GetParam().variant + ".json");
  Ran ran = sh("run --plugin " + path + " --report " + r);
  EXPECT_EQ(ran.status, 2) << ran.out;
  EXPECT_EQ(std::count(ran.out.begin(), ran.out.end(), '\n'), 1) << ran.out;
  EXPECT_EQ(ran.out.rfind("fpconform: error: plugin " + path + ": ", 0), 0u) << ran.out;
  EXPECT_NE(ran.out.find(GetParam().problem), std::string::npos) << ran.out;
  EXPECT_FALSE(std::filesystem::exists(r));
  EXPECT_THROW((void)load_dot_plugin(path), InputError);
  EXPECT_EQ(sh("subjects --plugin " + path).status, 2);
}

INSTANTIATE_TEST_SUITE_P(
    DotPlugin, DotPluginLoadError,
    testing::Values(BadDotPlugin{"dot_k_zero", "dot op float16_loop: k is 0 (1..65536)"},
                    BadDotPlugin{"dot_unknown_model", "dot op float16_loop: unknown dot model 'h300'"},
                    BadDotPlugin{"dot_wrong_formats", "dot op float16_loop: "},
                    BadDotPlugin{"dot_unknown_op", "dot op float16_loop: unknown op 'gemv'"},
                    BadDotPlugin{"dot_null_run", "dot op float16_loop has a null run function"}),
    [](const testing::TestParamInfo<BadDotPlugin>& p) { return p.param.variant; });

TEST(DotPlugin, ALibraryExportingBothVersionsLoadsBoth) {
  const std::string r = tmp("both.json");
  Ran ran = sh("run --plugin " + plugin("dot_and_v1") + " --report " + r);
  EXPECT_EQ(ran.status, 0) << ran.out;
  EXPECT_NE(ran.out.find("PASS  plugin:dot_and_v1/float16_to_float32/exhaustive"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("PASS  plugin:dot_and_v1/float16_loop/boundary"), std::string::npos) << ran.out;
  Ran listed = sh("subjects --plugin " + plugin("dot_and_v1"));
  EXPECT_EQ(listed.status, 0) << listed.out;
  EXPECT_NE(listed.out.find("float16_loop  claims sequential_fp32 (float16 -> float32), K=16"), std::string::npos) << listed.out;
}

TEST(DotPlugin, SubjectsListsDotSubjectsWithTheirClaims) {
  Ran ran = sh("subjects --json");
  ASSERT_EQ(ran.status, 0) << ran.out;
  const nlohmann::json j = nlohmann::json::parse(ran.out);
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

}  // namespace
}  // namespace fpc

namespace fpc {
namespace {

// The worker's side alone, on a built-in subject (the GPU subjects' path): a batch file in, the
// subject's results out; a subject it does not have is an error file.
TEST(DotWorker, ServesABuiltInSubjectFromABatchFile) {
  const std::string dir = tmp("worker_dir");
  std::filesystem::create_directories(dir);
  const uint64_t K = 2, n = 2;
  // (1 + 2^-24 ... in FP16: 0x3c00 = 1, 0x0001 = 2^-24) dot 0: 1*1 + 1*1 + c(0) = 2; dot 1: 1*2^-24 + 0 + c(1.0f)
  const uint64_t words[] = {n, K, 0x3c00, 0x3c00, 0x3c00, 0x0000, 0x3c00, 0x3c00, 0x0001, 0x0000, 0, 0x3f800000};
  std::ofstream(dir + "/in.bin", std::ios::binary).write(reinterpret_cast<const char*>(words), sizeof words);
  Ran ran = sh("__dot-worker --subject cpu_dot_loop float16_to_float32 " + dir);
  ASSERT_EQ(ran.status, 0) << ran.out;
  uint64_t d[2] = {0, 0};
  std::ifstream(dir + "/d.bin", std::ios::binary).read(reinterpret_cast<char*>(d), sizeof d);
  EXPECT_EQ(d[0], 0x40000000u);  // 2.0f
  EXPECT_EQ(d[1], 0x3f800000u);  // 1 + 2^-24 rounds (rne) to 1.0f
  Ran missing = sh("__dot-worker --subject cpu_dot_loop no_such_op " + dir);
  EXPECT_EQ(missing.status, 2);
  std::ifstream why(dir + "/error.txt");
  std::string text;
  std::getline(why, text);
  EXPECT_EQ(text, "worker: cpu_dot_loop has no dot op no_such_op");
}

}  // namespace
}  // namespace fpc
