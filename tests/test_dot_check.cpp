// Dot checks (harness/check/dot/): the cases, the bit-for-bit comparison with the claimed model,
// the diagnosis of a failing subject, sharding and the report entry.
#include "check/dot/dot_check.hpp"

#include "fpconform/dot_subject.hpp"
#include "fpconform/exact.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <cstring>
#include <set>

namespace fpc {
namespace {

const DotOp& op_of(const std::string& subject, const std::string& op) {
  for (const DotOp& o : dot_subject_by_name(subject).ops)
    if (o.name == op) return o;
  throw std::runtime_error("no op " + op);
}

DotCheckRecord check(const std::string& subject, const DotOp& op, const std::string& label, int shard = 0, int shards = 1,
                     const DotAnswers* answers = nullptr) {
  const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse(label), 7);
  DotCheckRecord r = dot_check_record(subject, op, label, 7, cases, shard, shards);
  run_dot_check(r, cases, answers ? *answers : op_answers(op, cases), 8);
  return r;
}

TEST(DotCheck, CaseLabels) {
  EXPECT_EQ(DotCaseSet::parse("random:5").label(), "random:5");
  EXPECT_EQ(DotCaseSet::parse("boundary").label(), "boundary");
  for (const char* bad : {"random:", "random:0", "random:x", "all", "random:99999999"})
    EXPECT_THROW(DotCaseSet::parse(bad), InputError) << bad;
  const DotOp& f16 = op_of("cpu_dot_loop", "float16_to_float32");
  EXPECT_THROW(dot_cases(f16.claim, f16.ks, DotCaseSet::parse("exhaustive"), 1), InputError);
  EXPECT_EQ(dot_suite_case_kinds(f16.claim, f16.ks), (std::vector<std::string>{"boundary", "random:1024"}));
}

// The boundary cases reach every kind they promise, for every K of the op, deterministically.
TEST(DotCheck, BoundaryCasesCoverEveryKind) {
  const DotOp& op = op_of("cpu_dot_loop", "float8_e4m3fn_to_float32");
  const auto cases = dot_cases(op.claim, op.ks, DotCaseSet::parse("boundary"), 1);
  std::set<std::pair<std::string, size_t>> seen;
  for (const DotCase& c : cases) seen.insert({c.kind, c.a.size()});
  for (size_t K : op.ks)
    for (const char* kind : {"zero", "cancellation", "carry", "below_cut", "zero_products", "subnormal", "nonfinite", "spread",
                             "addend"})
      EXPECT_TRUE(seen.count({kind, K})) << kind << " K=" << K;
  const auto again = dot_cases(op.claim, op.ks, DotCaseSet::parse("boundary"), 1);
  ASSERT_EQ(again.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) EXPECT_EQ(again[i].a, cases[i].a);
}

// The plain FP32 loop is the sequential_fp32 model: every op passes every case set.
TEST(DotCheck, CpuLoopPassesSequentialFp32) {
  for (const DotOp& op : dot_subject_by_name("cpu_dot_loop").ops)
    for (const std::string& label : dot_suite_case_kinds(op.claim, op.ks)) {
      DotCheckRecord r = check("cpu_dot_loop", op, label);
      EXPECT_EQ(r.status, "pass") << dot_status_line(r) << dot_check_to_json(r)["mismatches"].dump().substr(0, 1500);
      EXPECT_EQ(r.checked, r.case_count);
      EXPECT_GT(r.checked, 0u);
    }
}

// One wrong bit in one answer fails the check, with that case as the example.
TEST(DotCheck, OneWrongBitFails) {
  const DotOp& op = op_of("cpu_dot_loop", "float16_to_float32");
  const DotAnswers flip_one = [&op](uint64_t first, const DotBatch& batch) {
    op.run(batch);
    if (first <= 100 && 100 < first + batch.count) batch.d[100 - first] ^= 1;
  };
  DotCheckRecord r = check("cpu_dot_loop", op, "boundary", 0, 1, &flip_one);
  EXPECT_EQ(r.status, "fail");
  EXPECT_EQ(r.failed, 1u);
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_EQ(r.examples[0].index, 100u);
  EXPECT_EQ(r.examples[0].actual, r.examples[0].expected ^ 1);
  // A result wider than the output format never matches, whatever its low bits.
  const DotAnswers wide = [&op](uint64_t, const DotBatch& batch) {
    op.run(batch);
    batch.d[0] |= uint64_t{1} << 40;
  };
  r = check("cpu_dot_loop", op, "random:4", 0, 1, &wide);
  EXPECT_EQ(r.status, "fail");
  EXPECT_FALSE(r.diagnosed);  // no model writes such a code: nothing to diagnose
}

// A throwing subject is an error, not a crash and not a pass.
TEST(DotCheck, ThrowingSubjectIsAnError) {
  const DotOp& op = op_of("cpu_dot_loop", "float16_to_float32");
  const DotAnswers throws = [](uint64_t, const DotBatch&) { throw std::runtime_error("device lost"); };
  DotCheckRecord r = check("cpu_dot_loop", op, "random:4", 0, 1, &throws);
  EXPECT_EQ(r.status, "error");
  EXPECT_NE(r.error.find("device lost"), std::string::npos);
}

// The planted accumulator (20 fraction bits where the H100 keeps 25) fails, and the diagnosis
// names what it is.
TEST(DotCheck, PlantedH100F20IsDiagnosed) {
  const DotOp& op = op_of("planted_dot_h100_f20", "float16_to_float32");
  DotCheckRecord r = check("planted_dot_h100_f20", op, "boundary");
  EXPECT_EQ(r.status, "fail");
  EXPECT_GT(r.failed, 0u);
  ASSERT_TRUE(r.diagnosed);
  EXPECT_NE(std::find_if(r.diagnosis.begin(), r.diagnosis.end(),
                         [](const std::string& d) { return d.rfind("as h100 with F=20 ", 0) == 0; }),
            r.diagnosis.end())
      << dot_status_line(r);
  EXPECT_NE(dot_status_line(r).find("behaves exactly as: "), std::string::npos);
  // The real H100 (F=25) is not among them: the boundary cases tell F=20 from F=25.
  for (const std::string& d : r.diagnosis) EXPECT_NE(d.rfind("h100 (", 0), 0u) << d;
}

// The cpu loop claiming h100 would fail; its diagnosis says what it is: the sequential model.
TEST(DotCheck, DiagnosisFindsTheSequentialLoop) {
  DotOp op = op_of("cpu_dot_loop", "float16_to_float32");
  op.claim.model = "h100";
  op.ks = {16};
  DotCheckRecord r = check("cpu_dot_loop", op, "boundary");
  EXPECT_EQ(r.status, "fail");
  ASSERT_TRUE(r.diagnosed);
  EXPECT_NE(std::find_if(r.diagnosis.begin(), r.diagnosis.end(),
                         [](const std::string& d) { return d.rfind("sequential_fp32", 0) == 0; }),
            r.diagnosis.end())
      << dot_status_line(r);
}

// Shards tile the cases; merged, they are the unsharded check (counts, examples, status).
TEST(DotCheck, ShardsMerge) {
  const DotOp& op = op_of("planted_dot_h100_f20", "float16_to_float32");
  const DotCheckRecord whole = check("planted_dot_h100_f20", op, "boundary");
  std::vector<DotCheckRecord> parts;
  for (int i = 0; i < 3; ++i) parts.push_back(check("planted_dot_h100_f20", op, "boundary", i, 3));
  std::vector<const DotCheckRecord*> ptrs;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) ptrs.push_back(&*it);  // any order
  const DotCheckRecord merged = merge_dot_check(ptrs, 8);
  EXPECT_EQ(merged.status, whole.status);
  EXPECT_EQ(merged.checked, whole.checked);
  EXPECT_EQ(merged.failed, whole.failed);
  ASSERT_EQ(merged.examples.size(), whole.examples.size());
  for (size_t i = 0; i < merged.examples.size(); ++i) EXPECT_EQ(merged.examples[i].index, whole.examples[i].index);
  // Each shard's candidates include the whole check's: the intersection keeps them.
  for (const std::string& d : whole.diagnosis)
    EXPECT_NE(std::find(merged.diagnosis.begin(), merged.diagnosis.end(), d), merged.diagnosis.end()) << d;
  ptrs.pop_back();
  EXPECT_THROW(merge_dot_check(ptrs, 8), InputError);
}

TEST(DotCheck, JsonRoundTrip) {
  const DotOp& op = op_of("planted_dot_h100_f20", "float16_to_float32");
  const DotCheckRecord r = check("planted_dot_h100_f20", op, "random:16");
  const nlohmann::json j = dot_check_to_json(r);
  EXPECT_EQ(j["id"], "planted_dot_h100_f20/float16_to_float32/random:16");
  EXPECT_EQ(j["claim"]["model"], "h100");
  EXPECT_EQ(dot_check_to_json(dot_check_from_json(j)), j);
  nlohmann::json bad = j;
  bad["claim"]["model"] = "h1000";
  EXPECT_THROW(dot_check_from_json(bad), InputError);
}

}  // namespace
}  // namespace fpc

// ---- fpconform run, check and report with dot checks (the CLI, as a user runs it) ----
namespace fpc {
namespace {

struct Ran {
  int status = -1;
  std::string out;
};

Ran sh(const std::string& args) {
  Ran r;
  FILE* p = popen((std::string(FPC_CLI_PATH) + " " + args + " 2>&1").c_str(), "r");
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string tmp(const std::string& name) {
  const std::string dir = testing::TempDir() + "fpc_dot_" + std::to_string(getpid()) + "_" + name;
  std::filesystem::remove_all(dir);
  return dir;
}

nlohmann::json load(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST(DotRun, SuiteDotPassesTheCpuLoopAndFailsThePlantedOne) {
  const std::string r = tmp("pass.json"), p = tmp("planted.json");
  Ran ok = sh("run --suite dot --threads 1 --report " + r);
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("PASS  cpu_dot_loop/float16_to_float32/boundary"), std::string::npos) << ok.out;
  EXPECT_EQ(ok.out.find("planted"), std::string::npos) << "test-only subjects enter only by name";
  const nlohmann::json j = load(r);
  EXPECT_EQ(j["summary"]["dot_checks"]["checks"], j["dot_checks"].size());
  // Every CPU check passes; the CUDA MMA subjects pass where their GPU is here and are skipped,
  // with the reason, elsewhere.
  for (const nlohmann::json& c : j["dot_checks"]) {
    const DotSubject& s = dot_subject_by_name(c["subject"]);
    EXPECT_EQ(c["status"], s.available ? "pass" : "skipped") << c.dump();
  }
  EXPECT_EQ(sh("report validate " + r).status, 0);

  Ran bad = sh("run --suite dot --subject planted_dot_h100_f20 --threads 1 --report " + p);
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find("FAIL  planted_dot_h100_f20/float16_to_float32/boundary"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("behaves exactly as: h100 with F=20 (L=16, F=20"), std::string::npos) << bad.out;
  Ran valid = sh("report validate " + p);
  EXPECT_EQ(valid.status, 0) << valid.out;
  EXPECT_EQ(load(p)["verdict"], "fail");
  Ran summary = sh("report summary " + p);
  EXPECT_NE(summary.out.find("planted_dot_h100_f20/float16_to_float32/boundary"), std::string::npos) << summary.out;
}

TEST(DotRun, ShardsMergeIntoTheUnshardedReport) {
  const std::string whole = tmp("whole.json"), s0 = tmp("s0.json"), s1 = tmp("s1.json"), merged = tmp("merged.json");
  const std::string run = "run --suite dot --subject planted_dot_h100_f20 --threads 1 --seed 3 ";
  EXPECT_EQ(sh(run + "--report " + whole).status, 1);
  EXPECT_EQ(sh(run + "--shard 0/2 --report " + s0).status, 1);
  EXPECT_EQ(sh(run + "--shard 1/2 --report " + s1).status, 1);
  Ran m = sh("report merge -o " + merged + " " + s1 + " " + s0);
  ASSERT_EQ(m.status, 0) << m.out;
  nlohmann::json a = load(whole), b = load(merged);
  ASSERT_EQ(a["dot_checks"].size(), b["dot_checks"].size());
  for (size_t i = 0; i < a["dot_checks"].size(); ++i) {
    a["dot_checks"][i].erase("timing");
    b["dot_checks"][i].erase("timing");
    EXPECT_EQ(a["dot_checks"][i], b["dot_checks"][i]);
  }
  EXPECT_EQ(a["summary"], b["summary"]);
}

TEST(DotRun, SuiteFileSyntax) {
  const std::string suite = tmp("suite.json"), r = tmp("suite_report.json");
  std::ofstream(suite) << R"({"name": "d", "checks": [{"dot_subject": "cpu_dot_loop", "op": "float8_e4m3fn_to_float32", "cases": "random:8", "seed": 5},
                                                  {"dot_subject": "planted_dot_h100_f20", "cases": "boundary"}]})";
  Ran ran = sh("run --suite " + suite + " --threads 1 --report " + r);
  EXPECT_EQ(ran.status, 1) << ran.out;
  EXPECT_NE(ran.out.find("PASS  cpu_dot_loop/float8_e4m3fn_to_float32/random:8"), std::string::npos) << ran.out;
  EXPECT_NE(ran.out.find("FAIL  planted_dot_h100_f20/float16_to_float32/boundary"), std::string::npos) << ran.out;
  std::ofstream(suite) << R"({"checks": [{"dot_subject": "cpu_dot_loop", "op": "nope"}]})";
  Ran bad = sh("run --suite " + suite + " --report " + r);
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "fpconform: error: suite file '" + suite + "': dot subject cpu_dot_loop has no op nope\n");
}

// The file protocol: cases written, answered by an implementation that is not the oracle (the CPU
// loop), checked; one wrong bit fails at that dot; broken directories are one error line.
TEST(DotFiles, RoundTrip) {
  const std::string dir = tmp("files");
  Ran w = sh("cases --dot sequential_fp32 --in float16 --out float32 --k 16 --cases boundary -o " + dir);
  ASSERT_EQ(w.status, 0) << w.out;
  const nlohmann::json side = load(dir + "/cases.json");
  EXPECT_EQ(side["kind"], "dot");
  const uint64_t n = side["cases"]["count"], K = side["K"];
  auto read = [&](const char* name, int width) {
    std::ifstream in(dir + "/" + name, std::ios::binary);
    std::vector<uint64_t> v;
    for (uint64_t x = 0; in.read(reinterpret_cast<char*>(&x), width); x = 0) v.push_back(x);
    return v;
  };
  const std::vector<uint64_t> a = read("a.bin", 2), b = read("b.bin", 2), c = read("c.bin", 4);
  ASSERT_EQ(a.size(), n * K);
  std::vector<uint64_t> d(n);
  op_of("cpu_dot_loop", "float16_to_float32").run(DotBatch{K, n, a, b, c, d});
  auto write_d = [&](const std::vector<uint64_t>& codes, size_t count) {
    std::ofstream out(dir + "/d.bin", std::ios::binary);
    for (size_t i = 0; i < count; ++i) out.write(reinterpret_cast<const char*>(&codes[i]), 4);
  };
  write_d(d, n);
  Ran ok = sh("check " + dir + " --subject-name loop");
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_NE(ok.out.find("PASS  loop/float16_to_float32_k16/boundary"), std::string::npos) << ok.out;
  d[7] ^= 1;
  write_d(d, n);
  Ran bad = sh("check " + dir + " --subject-name loop");
  EXPECT_EQ(bad.status, 1) << bad.out;
  const nlohmann::json rep = load(dir + "/report.json");
  EXPECT_EQ(rep["dot_checks"][0]["counts"]["failed"], 1);
  EXPECT_EQ(rep["dot_checks"][0]["mismatches"][0]["index"], 7);
  write_d(d, n - 1);
  Ran truncated = sh("check " + dir);
  EXPECT_EQ(truncated.status, 2) << truncated.out;
  EXPECT_EQ(truncated.out.rfind("fpconform: error: ", 0), 0u) << truncated.out;
  EXPECT_EQ(std::count(truncated.out.begin(), truncated.out.end(), '\n'), 1) << truncated.out;
  nlohmann::json edited = side;
  edited["claim"]["model"] = "h1000";
  std::ofstream(dir + "/cases.json") << edited.dump();
  Ran unknown = sh("check " + dir);
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("unknown dot model 'h1000'"), std::string::npos) << unknown.out;
}

}  // namespace
}  // namespace fpc
