// The plugin ABI (fpconform/plugin.h): loading, declaration checks, and `fpconform run --plugin`
// with the example plugin (examples/plugin) and the tiny test plugins of tests/plugins.
#include "test_support.hpp"
#include "../kernels/plugin_loader.hpp"
#include "cli/cli.hpp"
#include "fpconform/exact.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kExample = FPC_EXAMPLE_PLUGIN_PATH;
const std::string kExampleSubject = "plugin:" + fs::path(kExample).stem().string();

std::string test_plugin(const std::string& variant) { return std::string(FPC_TEST_PLUGIN_DIR) + "/" + variant + ".so"; }

using fpc::testing_support::cli;
using fpc::testing_support::Outcome;
using fpc::testing_support::TempDir;


using fpc::testing_support::read_json;

const json* find_check(const json& report, const std::string& id) {
  for (const json& c : report["checks"])
    if (c["id"] == id) return &c;
  return nullptr;
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

TEST(Plugin, ExampleDeclaresItsOps) {
  const fpc::Subject s = fpc::load_plugin(kExample);
  EXPECT_EQ(s.name, "plugin:libfpc_example_plugin");
  EXPECT_EQ(s.name, kExampleSubject);
  EXPECT_TRUE(s.available);
  ASSERT_EQ(s.ops.size(), 2u);
  EXPECT_EQ(s.ops[0].name, "float32_to_bfloat16_rne");
  EXPECT_EQ(s.ops[0].semantics.describe(), "convert float32->bfloat16 rne");
  EXPECT_EQ(s.ops[1].name, "float32_to_float16_rtz");
  EXPECT_EQ(s.ops[1].semantics.describe(), "convert float32->float16 rtz");
  // The op runs over codes: 1.0f, 1 + 2^-8 (a tie: to even, 1.0), 1 + 3*2^-8 (a tie: up), -inf.
  const std::vector<uint64_t> in = {0x3f800000, 0x3f808000, 0x3f818000, 0xff800000};
  const uint64_t* ins[] = {in.data()};
  std::vector<uint64_t> out(in.size());
  s.ops[0].run(ins, out.data(), in.size());
  EXPECT_EQ(out, (std::vector<uint64_t>{0x3f80, 0x3f80, 0x3f82, 0xff80}));
}

TEST(Plugin, ExamplePassesRunAndIsInTheReport) {
  TempDir dir;
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", kExample, "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const json j = read_json(report);
  // Exactly the plugin's checks, with the quick suite's case kinds (float32 input: boundary + random).
  std::vector<std::string> ids;
  for (const json& c : j["checks"]) ids.push_back(c["id"]);
  std::sort(ids.begin(), ids.end());
  const std::string p = kExampleSubject + "/";
  EXPECT_EQ(ids, (std::vector<std::string>{p + "float32_to_bfloat16_rne/boundary", p + "float32_to_bfloat16_rne/random:65536",
                                           p + "float32_to_float16_rtz/boundary", p + "float32_to_float16_rtz/random:65536"}));
  for (const json& c : j["checks"]) {
    EXPECT_EQ(c["status"], "pass") << c["id"];
    EXPECT_GT(c["counts"]["cases"].get<uint64_t>(), 1000u) << c["id"];
    EXPECT_EQ(c["counts"]["failed"], 0) << c["id"];
    EXPECT_EQ(c["subject"], kExampleSubject);
  }
  EXPECT_EQ(j["summary"]["passed"], 4);
  Outcome v = cli({"report", "validate", report});
  EXPECT_EQ(v.status, 0) << v.out << v.err;
}

TEST(Plugin, PlantedBugIsCaughtAndDiagnosed) {
  ScopedEnv plant("FPC_EXAMPLE_PLANT_BUG", "1");
  TempDir dir;
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", kExample, "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  // The boundary cases include float32 values halfway between two bfloat16 values: caught,
  // classified as tie-breaking and diagnosed as rna.
  const json* bad = find_check(j, kExampleSubject + "/float32_to_bfloat16_rne/boundary");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ((*bad)["status"], "fail");
  const uint64_t failed = (*bad)["counts"]["failed"].get<uint64_t>();
  EXPECT_GT(failed, 0u);
  EXPECT_EQ((*bad)["counts"]["failed_by_class"]["tie_breaking"].get<uint64_t>(), failed) << (*bad)["counts"].dump();
  const json& explained = (*bad)["diagnosis"]["explained_by"];
  EXPECT_NE(std::find(explained.begin(), explained.end(), "rna"), explained.end()) << explained.dump();
  // Random float32 values are ties only once in 2^16: whatever fails there is tie-breaking too.
  const json* random = find_check(j, kExampleSubject + "/float32_to_bfloat16_rne/random:65536");
  ASSERT_NE(random, nullptr);
  EXPECT_EQ((*random)["counts"]["failed_by_class"]["tie_breaking"], (*random)["counts"]["failed"]);
  for (const std::string cases : {"boundary", "random:65536"}) {
    const json* good = find_check(j, kExampleSubject + "/float32_to_float16_rtz/" + cases);
    ASSERT_NE(good, nullptr) << cases;
    EXPECT_EQ((*good)["status"], "pass") << cases;
  }
  EXPECT_NE(r.out.find("behaves exactly as: rna"), std::string::npos) << r.out;
}

TEST(Plugin, RunErrorIsReportedAsErrorNotACrash) {
  TempDir dir;
  const std::string report = dir / "r.json";
  const std::string path = test_plugin("run_fails");
  Outcome r = cli({"run", "--plugin", path, "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  ASSERT_EQ(j["checks"].size(), 2u);  // two bfloat16 ops: exhaustive each
  const json* good = find_check(j, "plugin:run_fails/bfloat16_to_float32/exhaustive");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ((*good)["status"], "pass");
  EXPECT_EQ((*good)["counts"]["cases"], 65536);
  const json* bad = find_check(j, "plugin:run_fails/bfloat16_to_float32_again/exhaustive");
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ((*bad)["status"], "error");
  EXPECT_NE((*bad)["error"].get<std::string>().find("plugin op bfloat16_to_float32_again returned error 7"),
            std::string::npos)
      << (*bad)["error"];
  EXPECT_EQ(j["summary"]["errors"], 1);
  Outcome v = cli({"report", "validate", report});
  EXPECT_EQ(v.status, 0) << v.out << v.err;

  // And directly: the subject's BatchFn throws.
  const fpc::Subject s = fpc::load_plugin(path);
  const std::vector<uint64_t> in = {0x3f80};
  const uint64_t* ins[] = {in.data()};
  uint64_t out = 0;
  s.ops[0].run(ins, &out, 1);
  EXPECT_EQ(out, 0x3f800000u);
  EXPECT_THROW(s.ops[1].run(ins, &out, 1), std::runtime_error);
}

TEST(Plugin, SubjectNamingAPluginRunsOnlyThePlugin) {
  // With --plugin, a built-in suite checks only the built-in subjects named with --subject: a
  // plugin's name there selects no built-in subject (and is not an unknown subject).
  TempDir dir;
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", test_plugin("good"), "--subject", "plugin:good", "--report", report});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const json j = read_json(report);
  ASSERT_EQ(j["checks"].size(), 2u);
  for (const json& c : j["checks"]) EXPECT_EQ(c["subject"], "plugin:good");
}

TEST(Plugin, StochasticRoundingGetsItsRandomBits) {
  TempDir dir;
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", test_plugin("stochastic"), "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  const json j = read_json(report);
  for (const std::string cases : {"boundary", "random:65536"}) {
    const json* c = find_check(j, "plugin:stochastic/float32_to_bfloat16_sr16/" + cases);
    ASSERT_NE(c, nullptr) << cases;
    EXPECT_EQ((*c)["status"], "pass") << cases;
    EXPECT_EQ((*c)["semantics"]["rounding"], "sr");
    EXPECT_EQ((*c)["semantics"]["sr_bits"], 16);
    EXPECT_GT((*c)["counts"]["cases"].get<uint64_t>(), 1000u);
  }
}

TEST(Plugin, PluginsAndNamedBuiltinSubjectsShareOneReport) {
  TempDir dir;
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", test_plugin("good"), "--subject", "planted_bugs", "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;  // planted_bugs fails, as it must
  const json j = read_json(report);
  size_t plugin_checks = 0, builtin_checks = 0;
  for (const json& c : j["checks"]) {
    if (c["subject"] == "plugin:good") {
      ++plugin_checks;
      EXPECT_EQ(c["status"], "pass") << c["id"];
    } else {
      EXPECT_EQ(c["subject"], "planted_bugs");
      ++builtin_checks;
    }
  }
  EXPECT_EQ(plugin_checks, 2u);
  EXPECT_GT(builtin_checks, 0u);
}

TEST(Plugin, SubjectsListsLoadedPlugins) {
  Outcome r = cli({"subjects", "--json", "--plugin", kExample});
  ASSERT_EQ(r.status, 0) << r.err;
  const json all = json::parse(r.out)["subjects"];
  const auto it = std::find_if(all.begin(), all.end(), [](const json& s) { return s["name"] == kExampleSubject; });
  ASSERT_NE(it, all.end());
  EXPECT_EQ((*it)["available"], true);
  ASSERT_EQ((*it)["ops"].size(), 2u);
  EXPECT_EQ((*it)["ops"][1]["semantics"], "convert float32->float16 rtz");
  Outcome text = cli({"subjects", "--plugin", kExample});
  EXPECT_NE(text.out.find(kExampleSubject + "  available"), std::string::npos) << text.out;
}

struct BadPlugin {
  std::string variant;  // a test plugin, or "" for a file the test writes
  std::string problem;  // expected in the one error line
};

class PluginLoadError : public ::testing::TestWithParam<BadPlugin> {};

TEST_P(PluginLoadError, ExitsTwoWithOneClearLine) {
  TempDir dir;
  std::string path;
  if (GetParam().variant == "missing") {
    path = dir / "libnothing.so";
  } else if (GetParam().variant == "not_elf") {
    path = dir / "libtext.so";
    std::ofstream(path) << "this is not a shared object\n";
  } else {
    path = test_plugin(GetParam().variant);
    ASSERT_TRUE(fs::exists(path)) << path;
  }
  const std::string report = dir / "r.json";
  Outcome r = cli({"run", "--plugin", path, "--report", report});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("fpconform: error: plugin " + path + ": ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(GetParam().problem), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(report));
  EXPECT_THROW((void)fpc::load_plugin(path), fpc::InputError);
  Outcome s = cli({"subjects", "--plugin", path});
  EXPECT_EQ(s.status, 2) << s.err;
}

INSTANTIATE_TEST_SUITE_P(
    Plugin, PluginLoadError,
    ::testing::Values(BadPlugin{"missing", "no such file"}, BadPlugin{"not_elf", "cannot be loaded: "},
                      BadPlugin{"no_symbol", "does not export fpc_plugin_v1"},
                      BadPlugin{"wrong_version", "fpc_plugin_v1 returned 2, not ABI version 1"},
                      BadPlugin{"unknown_format", "op bfloat16_to_float32_again: in_format 'float33' is not a known format"},
                      BadPlugin{"alias_format", "out_format 'fp32' is not a canonical format name (use 'float32')"},
                      BadPlugin{"unknown_op", "op bfloat16_to_float32_again: unknown op 'pow'"},
                      BadPlugin{"unknown_rounding", "op bfloat16_to_float32_again: unknown rounding 'nearest'"},
                      BadPlugin{"duplicate_name", "op name 'bfloat16_to_float32' is declared twice"},
                      BadPlugin{"null_run", "op bfloat16_to_float32_again has a null run function"},
                      BadPlugin{"sr_without_bits", "op bfloat16_to_float32_again: sr_bits is 0 (1..64 with rounding sr)"},
                      BadPlugin{"bits_without_sr", "op bfloat16_to_float32_again: sr_bits is 8 (must be 0 unless rounding is sr)"}),
    [](const ::testing::TestParamInfo<BadPlugin>& p) { return p.param.variant; });

TEST(Plugin, SamePluginTwiceIsAnError) {
  Outcome r = cli({"run", "--plugin", kExample, "--plugin", kExample, "--report", "/nonexistent/r.json"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("another --plugin is also named " + kExampleSubject), std::string::npos) << r.err;
}

}  // namespace
