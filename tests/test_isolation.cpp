// Supervised workers (harness/check/worker.hpp, docs/robustness.md): a plugin that crashes, aborts,
// hangs or writes codes wider than its format, and a file-protocol program that crashes or hangs,
// cost one check (error or fail, with the input named), never the run; SIGTERM writes the report
// with the unfinished checks marked, and --resume finishes them into the uninterrupted run's report.
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

// `fpconform run` runs plugins in supervised workers, which are fpconform itself
// (harness/check/worker.hpp). The CLI tests of this binary run it in-process: their workers are
// the fpconform built beside it. Set before main, for every test of the binary.
[[maybe_unused]] static const bool kWorkerExecutableSet = (setenv("FPCONFORM_WORKER_EXE", FPC_CLI_PATH, 0), true);

namespace {

namespace fs = std::filesystem;
using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;
using fpc::testing_support::read_json;
using fpc::testing_support::SegvReachesTheSupervisor;
using fpc::testing_support::TempDir;
using nlohmann::json;

std::string test_plugin(const std::string& variant) { return std::string(FPC_TEST_PLUGIN_DIR) + "/" + variant + ".so"; }

// The input every misbehaving test plugin trips on (FPC_TEST_BAD_CODE in tests/plugins/test_plugin.c):
// in the exhaustive bfloat16 cases, case index = code.
constexpr uint64_t kBadCode = 0x4321;
const std::string kGoodOp = "bfloat16_to_float32", kBadOp = "bfloat16_to_float32_again";

const json& check(const json& report, const std::string& id) {
  for (const json& c : report["checks"])
    if (c["id"] == id) return c;
  throw std::runtime_error("no check " + id);
}

// Runs plugin `variant` (and the good plugin beside it) and checks what every misbehaving
// plugin's report shares: the misbehaving op's check has `status`, every other check ran and
// passed, exit 1.
json run_misbehaving(const std::string& variant, const std::string& status, std::vector<std::string> extra = {}) {
  TempDir dir;
  const std::string report = dir / "r.json";
  std::vector<std::string> args = {"run", "--plugin", test_plugin(variant), "--plugin", test_plugin("good"),
                                   "--report", report, "--threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  const Outcome r = cli(args);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  EXPECT_EQ(j["checks"].size(), 4u);
  for (const json& c : j["checks"]) {
    const bool bad = c["id"] == "plugin:" + variant + "/" + kBadOp + "/exhaustive";
    EXPECT_EQ(c["status"], bad ? status : "pass") << c.dump(1);
    if (!bad) {
      EXPECT_EQ(c["counts"]["cases"], 65536) << c["id"];
    }
  }
  EXPECT_EQ(j["verdict"], "fail");
  EXPECT_EQ(cli({"report", "validate", report}).status, 0) << cli({"report", "validate", report}).err;
  return j;
}

// An error check's cause and first failing case: the bad code, named by index and operand.
void expect_failing_case(const json& c, const std::string& cause) {
  ASSERT_TRUE(c.contains("error")) << c.dump(1);
  EXPECT_NE(c["error"].get<std::string>().find(cause), std::string::npos) << c["error"];
  ASSERT_TRUE(c.contains("failing_case")) << c.dump(1);
  EXPECT_EQ(c["failing_case"]["index"], kBadCode);
  ASSERT_EQ(c["failing_case"]["inputs"].size(), 1u);
  EXPECT_EQ(c["failing_case"]["inputs"][0]["code"], "0x4321");
  EXPECT_NE(c["failing_case"]["cause"].get<std::string>().find(cause), std::string::npos) << c["failing_case"];
}

// run_misbehaving for a plugin that segfaults in its worker.
json run_segfaulting(const std::string& variant) {
  const SegvReachesTheSupervisor segv;
  return run_misbehaving(variant, "error");
}

TEST(Isolation, SegfaultingPluginIsAnErrorNamingItsInput) {
  const json j = run_segfaulting("crash");
  expect_failing_case(check(j, "plugin:crash/" + kBadOp + "/exhaustive"), "SIGSEGV");
}

// The checker reads the worker's operands in place; the worker can only map them read-only, so a
// subject that writes to its operands faults (an error naming the case) instead of changing what
// its results are judged against (which would make this check fail with a counterexample of
// input 0, or pass for a subject that rewrites its inputs to match its results).
TEST(Isolation, PluginWritingItsOperandsFaultsAndCannotChangeThem) {
  const json j = run_segfaulting("scribble");
  expect_failing_case(check(j, "plugin:scribble/" + kBadOp + "/exhaustive"), "SIGSEGV");
}

TEST(Isolation, AbortingPluginIsAnErrorNamingItsInput) {
  const json j = run_misbehaving("aborts", "error");
  expect_failing_case(check(j, "plugin:aborts/" + kBadOp + "/exhaustive"), "SIGABRT");
}

TEST(Isolation, HangingPluginTimesOutNamingItsInput) {
  const json j = run_misbehaving("hang", "error", {"--case-timeout", "1"});
  expect_failing_case(check(j, "plugin:hang/" + kBadOp + "/exhaustive"), "timeout: no answer within 1 s");
}

TEST(Isolation, CheckTimeoutEndsASlowCheck) {
  TempDir dir;
  const std::string report = dir / "r.json";
  const Outcome r = cli({"run", "--plugin", test_plugin("hang"), "--report", report, "--threads", "1",
                         "--check-timeout", "0.5"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json c = check(read_json(report), "plugin:hang/" + kBadOp + "/exhaustive");
  EXPECT_EQ(c["status"], "error");
  EXPECT_NE(c["error"].get<std::string>().find("--check-timeout"), std::string::npos) << c["error"];
  EXPECT_FALSE(c.contains("failing_case")) << "the check's own time limit blames no case";
}

TEST(Isolation, WideResultCodesAreTheirOwnMismatchClass) {
  for (const char* where : {"worker", "in-process"}) {
    const json j = run_misbehaving("wide", "fail", where == std::string("in-process") ? std::vector<std::string>{"--in-process"}
                                                                                    : std::vector<std::string>{});
    const json& c = check(j, "plugin:wide/" + kBadOp + "/exhaustive");
    EXPECT_EQ(c["counts"]["failed"], 1) << where;
    EXPECT_EQ(c["counts"]["failed_by_class"]["out_of_range_code"], 1) << where;
    ASSERT_EQ(c["counterexamples"].size(), 1u) << where;
    const json& e = c["counterexamples"][0];
    EXPECT_EQ(e["class"], "out_of_range_code");
    EXPECT_EQ(e["inputs"][0]["code"], "0x4321");
    EXPECT_EQ(e["actual"]["code"], "0x10043210000");  // 0x4321 << 16 with bit 40 set
    EXPECT_EQ(e["expected"]["code"], "0x43210000");
    EXPECT_TRUE(e["ulp_distance"].is_null());
  }
}

TEST(Isolation, FailingPluginRunIsReportedWithItsMessage) {
  TempDir dir;
  const std::string report = dir / "r.json";
  const Outcome r = cli({"run", "--plugin", test_plugin("run_fails"), "--report", report, "--threads", "2"});
  EXPECT_EQ(r.status, 1);
  const json c = check(read_json(report), "plugin:run_fails/" + kBadOp + "/exhaustive");
  EXPECT_EQ(c["status"], "error");
  EXPECT_EQ(c["error"], "subject failed: plugin op " + kBadOp + " returned error 7");
  EXPECT_EQ(c["failing_case"]["index"], 0) << "every case fails: the first one is named";
}

TEST(Isolation, TimeoutOptionsAreChecked) {
  expect_input_error({"run", "--plugin", test_plugin("good"), "--case-timeout", "0"});
  expect_input_error({"run", "--plugin", test_plugin("good"), "--case-timeout", "soon"});
  expect_input_error({"run", "--plugin", test_plugin("good"), "--check-timeout", "-1"});
}

// A block subject that crashes on the block holding a NaN (test-only planted_crash_bnb_fp4_on_nan
// runs in a supervised worker): its check is an error naming that block, the other blocks of it
// and the other check still run, exit 1.
TEST(Isolation, CrashingBlockSubjectIsAnErrorNamingItsBlock) {
  TempDir dir;
  const std::string report = dir / "r.json";
  const Outcome r = [&] {
    const SegvReachesTheSupervisor segv;
    return cli({"run", "--subject", "planted_crash_bnb_fp4_on_nan,cpu_bnb_fp4_cuda_port", "--report", report});
  }();
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  ASSERT_EQ(j["block_checks"].size(), 2u) << j.dump(1);
  for (const json& c : j["block_checks"]) {
    if (c["subject"] == "cpu_bnb_fp4_cuda_port") {
      EXPECT_EQ(c["status"], "pass") << c.dump(1);
      continue;
    }
    EXPECT_EQ(c["status"], "error") << c.dump(1);
    const std::string error = c["error"].get<std::string>();
    EXPECT_NE(error.find("nan_inf block "), std::string::npos) << error;
    EXPECT_NE(error.find("crashed: SIGSEGV"), std::string::npos) << error;
    // Every block without a NaN was still answered and compared (all but the nan_inf block).
    EXPECT_EQ(c["counts"]["blocks"].get<uint64_t>() + 1, c["cases"]["count"].get<uint64_t>()) << c.dump(1);
  }
  EXPECT_EQ(cli({"report", "validate", report}).status, 0) << cli({"report", "validate", report}).err;
}

// ---- the file protocol's --exec ---------------------------------------------------------------

// DIR/cases: every bfloat16 code, to be widened to float32.
std::string bfloat16_cases(const TempDir& dir) {
  const std::string cases = dir / "cases";
  const Outcome r = cli({"cases", "--op", "convert", "--from", "bfloat16", "--to", "float32", "--cases", "exhaustive", "-o", cases});
  EXPECT_EQ(r.status, 0) << r.err;
  return cases;
}

TEST(Isolation, FileProtocolProgramThatCrashesGivesAnErrorReport) {
  TempDir dir;
  const std::string cases = bfloat16_cases(dir);
  const std::string report = dir / "r.json";
  const Outcome r = cli({"check", cases, "--report", report, "--exec", "kill -SEGV $$"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  ASSERT_EQ(j["checks"].size(), 1u);
  EXPECT_EQ(j["checks"][0]["status"], "error");
  EXPECT_NE(j["checks"][0]["error"].get<std::string>().find("crashed: SIGSEGV"), std::string::npos) << j["checks"][0]["error"];
  EXPECT_EQ(j["checks"][0]["cases"]["count"], 65536);
  EXPECT_EQ(cli({"report", "validate", report}).status, 0) << cli({"report", "validate", report}).err;

  const Outcome hang = cli({"check", cases, "--report", report, "--exec", "sleep 30", "--check-timeout", "0.3"});
  EXPECT_EQ(hang.status, 1) << hang.out << hang.err;
  EXPECT_EQ(read_json(report)["checks"][0]["error"], "the program timed out: ran longer than 0.3 s (--check-timeout)");

  const Outcome fails = cli({"check", cases, "--report", report, "--exec", "exit 3"});
  EXPECT_EQ(fails.status, 1);
  EXPECT_NE(read_json(report)["checks"][0]["error"].get<std::string>().find("exited with status 3"), std::string::npos);
}

// A program that widens bfloat16 right except that it dies of SIGSEGV when its cases hold 0x4321:
// the failure is bisected to that case (index 0x4321 of the exhaustive cases), named like a
// plugin's, and the program only ever saw cases directories it could read.
TEST(Isolation, FileProtocolProgramCrashIsBisectedToItsCase) {
  TempDir dir;
  const std::string cases = bfloat16_cases(dir);
  const std::string program = dir / "kernel.py";
  std::ofstream(program) << R"(import array, json, os, signal, sys
d = sys.argv[1]
side = json.load(open(os.path.join(d, "cases.json")))
codes = array.array("H")
codes.frombytes(open(os.path.join(d, side["inputs"][0]["file"]), "rb").read())
assert len(codes) == side["cases"]["count"]
if 0x4321 in codes:
    os.kill(os.getpid(), signal.SIGSEGV)
out = array.array("I", (c << 16 for c in codes))
open(os.path.join(d, side["output"]["file"]), "wb").write(out.tobytes())
)";
  const std::string report = dir / "r.json";
  // exec: the program's own death is the shell's (without it the shell reports status 139).
  const Outcome r = cli({"check", cases, "--report", report, "--exec", "exec python3 '" + program + "' \"$1\""});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json j = read_json(report);
  ASSERT_EQ(j["checks"].size(), 1u);
  EXPECT_EQ(j["checks"][0]["status"], "error");
  expect_failing_case(j["checks"][0], "crashed: SIGSEGV");
  // Through the shell (no exec): status 139, named as the signal it stands for.
  const Outcome shell = cli({"check", cases, "--report", report, "--exec", "python3 '" + program + "' \"$1\""});
  EXPECT_EQ(shell.status, 1) << shell.out << shell.err;
  expect_failing_case(read_json(report)["checks"][0], "exited with status 139 (a command it ran died of SIGSEGV");
  EXPECT_EQ(cli({"report", "validate", report}).status, 0) << cli({"report", "validate", report}).err;
  EXPECT_NE(r.out.find("0x4321"), std::string::npos) << r.out;  // the status line names the input
}

// A program that fails on two cases together but on neither alone: no single case, said so.
TEST(Isolation, FileProtocolFailureNeedingTwoCasesIsSaidSo) {
  TempDir dir;
  const std::string cases = bfloat16_cases(dir);
  const std::string report = dir / "r.json";
  // Fails when its directory holds both the first and the last of the 65536 cases.
  const std::string program =
      "python3 -c 'import json,sys; s=json.load(open(sys.argv[1]+\"/cases.json\")); "
      "sub=s[\"cases\"].get(\"subset\"); sys.exit(3 if sub is None else 0)' \"$1\"";
  const Outcome r = cli({"check", cases, "--report", report, "--exec", program});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const json c = read_json(report)["checks"][0];
  EXPECT_FALSE(c.contains("failing_case")) << c.dump(1);
  EXPECT_NE(c["error"].get<std::string>().find("fails on cases 0..65535 together but on neither half alone"), std::string::npos)
      << c["error"];
}

TEST(Isolation, FileProtocolExecRunsTheProgramOnTheDirectory) {
  TempDir dir;
  const std::string cases = bfloat16_cases(dir);
  // The right answer, bfloat16 widened exactly (code << 16), as 4-byte little-endian codes.
  const std::string answer = dir / "answer.bin";
  {
    std::ofstream out(answer, std::ios::binary);
    for (uint32_t code = 0; code < 65536; ++code) {
      const uint32_t v = code << 16;
      const unsigned char bytes[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                                      static_cast<unsigned char>(v >> 16), static_cast<unsigned char>(v >> 24)};
      out.write(reinterpret_cast<const char*>(bytes), 4);
    }
  }
  const Outcome r = cli({"check", cases, "--exec", "cp '" + answer + "' \"$1/out.bin\""});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(read_json(cases + "/report.json")["checks"][0]["status"], "pass");
}

// ---- SIGTERM and --resume ---------------------------------------------------------------------

// The report without what may differ between runs: the environment and every check's timing.
json without_timing(json j) {
  j.erase("environment");
  for (const char* list : {"checks", "block_checks"})
    for (json& c : j[list]) c.erase("timing");
  return j;
}

TEST(Isolation, SigtermThenResumeGivesTheUninterruptedReport) {
  TempDir dir;
  const std::vector<std::string> plugins = {"--plugin", test_plugin("slow"), "--plugin", test_plugin("good")};
  // The uninterrupted run.
  const std::string whole = dir / "whole.json";
  std::vector<std::string> args = {"run", "--report", whole, "--threads", "2"};
  args.insert(args.end(), plugins.begin(), plugins.end());
  ASSERT_EQ(cli(args).status, 0);

  // The same run as a process, stopped with SIGTERM while the slow op sleeps in its worker.
  const std::string part = dir / "part.json", marker = dir / "marker";
  std::vector<std::string> argv = {FPC_CLI_PATH, "run", "--report", part, "--threads", "2"};
  argv.insert(argv.end(), plugins.begin(), plugins.end());
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  setenv("FPC_TEST_MARKER", marker.c_str(), 1);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, FPC_CLI_PATH, &quiet, nullptr, cargv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&quiet);
  unsetenv("FPC_TEST_MARKER");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(marker) && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(marker)) << "the slow op never ran";
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);

  const json interrupted = read_json(part);
  EXPECT_EQ(interrupted["verdict"], "fail");
  EXPECT_EQ(check(interrupted, "plugin:slow/" + kGoodOp + "/exhaustive")["status"], "pass");
  EXPECT_EQ(check(interrupted, "plugin:slow/" + kBadOp + "/exhaustive")["status"], "interrupted");
  EXPECT_EQ(check(interrupted, "plugin:good/" + kBadOp + "/exhaustive")["status"], "interrupted");
  EXPECT_EQ(interrupted["summary"]["interrupted"], 3);
  EXPECT_EQ(cli({"report", "validate", part}).status, 0) << cli({"report", "validate", part}).err;

  // --resume runs only the interrupted checks and writes the uninterrupted run's report.
  expect_input_error({"run", "--resume", part, "--suite", "full"});
  const Outcome resumed = cli({"run", "--resume", part, "--threads", "2"});
  EXPECT_EQ(resumed.status, 0) << resumed.out << resumed.err;
  EXPECT_EQ(std::count(resumed.out.begin(), resumed.out.end(), '\n'), 4) << "three checks and the summary:\n" << resumed.out;
  EXPECT_EQ(without_timing(read_json(part)), without_timing(read_json(whole)));
}

}  // namespace
