// cuda_host@VERSION: every CUDA release's headers' host path as a module of its own
// (kernels/cuda/version_module.cpp), version-scoped known deviations, the cuda-versions suite and
// report diff across releases. The golden codes are exact: e8m0 holds 2^(code - 127), so 3.0
// rounds toward zero to 2^1 (0x80) and up to 2^2 (0x81); bfloat16 -0 is 0x8000, +0 is 0x0000.
#include "test_support.hpp"

#include "cuda/version_module.h"
#include "fpconform/known_deviations.hpp"
#include "fpconform/subject.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>

namespace {

using namespace fpc::testing_support;
namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kPrefix = "cuda_host@";

// The cuda_host@VERSION subjects of the registry, available or not.
std::vector<const fpc::Subject*> release_subjects() {
  std::vector<const fpc::Subject*> out;
  for (const fpc::Subject& s : fpc::all_subjects())
    if (s.name.rfind(kPrefix, 0) == 0) out.push_back(&s);
  return out;
}

const fpc::Subject* available_release(const std::string& version) {
  for (const fpc::Subject* s : release_subjects())
    if (s->name == kPrefix + version && s->available) return s;
  return nullptr;
}

// The codes one op of a subject gives for these single-operand (or two-operand) cases.
std::vector<uint64_t> run_op(const fpc::Subject& s, const std::string& op_name, std::vector<std::vector<uint64_t>> operands) {
  for (const fpc::SubjectOp& op : s.ops) {
    if (op.name != op_name) continue;
    std::vector<const uint64_t*> in;
    for (const auto& column : operands) in.push_back(column.data());
    std::vector<uint64_t> out(operands.front().size());
    op.run(in.data(), out.data(), out.size());
    return out;
  }
  ADD_FAILURE() << s.name << " has no op " << op_name;
  return {};
}

// Every CUDA release of scripts/cuda-headers.sh, 11.8 to 13.5 with 12.8 GA and Update 1 (12.7 has
// no wheel on PyPI), is listed; the CI subset is built by default.
TEST(CudaVersions, EveryReleaseIsListed) {
  std::vector<std::string> names;
  for (const fpc::Subject* s : release_subjects()) names.push_back(s->name.substr(std::string(kPrefix).size()));
  const std::vector<std::string> expected = {"11.8", "12.0", "12.1", "12.2", "12.3", "12.4", "12.5", "12.6", "12.8.57",
                                             "12.8.90", "12.9", "13.0", "13.1", "13.2", "13.3", "13.4.49", "13.4", "13.5"};
  EXPECT_EQ(names, expected);
  for (const fpc::Subject* s : release_subjects()) {
    EXPECT_FALSE(s->ops.empty()) << s->name;  // listed with the ops its release offers, even when not built
    if (!s->available) {
      EXPECT_EQ(s->unavailable_reason.rfind("skipped: ", 0), 0u) << s->unavailable_reason;
    }
  }
}

// What each release adds shows in its op count: host arithmetic from 12.2, fp6/fp4/e8m0 from 12.8,
// the double4_32a constructors from 13.0, the sanitised modes from 13.5.
TEST(CudaVersions, ReleasesOfferWhatTheirHeadersHave) {
  std::map<std::string, const fpc::Subject*> by_version;
  for (const fpc::Subject* s : release_subjects()) by_version[s->name.substr(std::string(kPrefix).size())] = s;
  auto has = [&](const std::string& v, const std::string& op) {
    const auto& ops = by_version.at(v)->ops;
    return std::any_of(ops.begin(), ops.end(), [&](const fpc::SubjectOp& o) { return o.name == op; });
  };
  EXPECT_TRUE(has("11.8", "float32_to_e4m3_satfinite"));
  EXPECT_FALSE(has("12.1", "bfloat16_max_nan"));
  EXPECT_TRUE(has("12.2", "bfloat16_max_nan"));
  EXPECT_FALSE(has("12.6", "fp8_e8m0_from_float32"));
  EXPECT_TRUE(has("12.8.57", "fp8_e8m0_from_float32"));
  EXPECT_FALSE(has("12.9", "fp8_e4m3x4_from_float64x4"));
  EXPECT_TRUE(has("13.0", "fp8_e4m3x4_from_float64x4"));
  EXPECT_FALSE(has("13.3", "float32_to_ue5m3_rn_nosat"));
  EXPECT_FALSE(has("13.0", "ue5m3_to_float16"));
  EXPECT_TRUE(has("13.4", "float32_to_ue5m3_rn_nosat"));
  EXPECT_TRUE(has("13.4", "bfloat16x2_to_ue5m3x2_rd_satfinite_hi"));
  EXPECT_TRUE(has("13.4", "ue5m3_to_bfloat16_x2_lo"));
  // The __nv_fp8_ue5m3 classes (13.4): scalar constructors/operator float and the x2/x4 classes.
  EXPECT_FALSE(has("13.3", "fp8_ue5m3_from_float32"));
  EXPECT_TRUE(has("13.4", "fp8_ue5m3_from_float32"));
  EXPECT_TRUE(has("13.4", "fp8_ue5m3_to_float32"));
  EXPECT_TRUE(has("13.4", "fp8_ue5m3x4_from_float64x4"));
  EXPECT_TRUE(has("13.5", "fp8_ue5m3x2_to_float16x2"));
  EXPECT_FALSE(has("13.4", "float32_to_e2m1_ru"));
  EXPECT_TRUE(has("13.5", "float32_to_e2m1_ru"));
  EXPECT_TRUE(has("13.5", "float32_to_e8m0_rn_satfinite"));
}

TEST(CudaVersions, ReleaseRanges) {
  EXPECT_TRUE(fpc::release_in_range("12.2", "[12.2,13.4)"));
  EXPECT_TRUE(fpc::release_in_range("13.3", "[12.2,13.4)"));
  EXPECT_TRUE(fpc::release_in_range("12.8.90", "[12.2,13.4)"));
  EXPECT_TRUE(fpc::release_in_range("13.0.88", "[12.2,13.4)"));
  EXPECT_FALSE(fpc::release_in_range("13.4", "[12.2,13.4)"));
  EXPECT_FALSE(fpc::release_in_range("12.1", "[12.2,13.4)"));
  EXPECT_TRUE(fpc::release_in_range("12.8.57", "[12.8,12.8.90)"));
  EXPECT_FALSE(fpc::release_in_range("12.8.90", "[12.8,12.8.90)"));
  EXPECT_TRUE(fpc::release_in_range("anything", ""));
  for (const char* bad : {"12.2,13.4", "[12.2,13.4]", "[13.4,12.2)", "[12.2;13.4)", "[12.x,13.4)", "[,13.4)", "[12.2,12.2)"})
    EXPECT_FALSE(fpc::release_in_range("12.5", bad)) << bad;
  EXPECT_FALSE(fpc::release_in_range("", "[12.2,13.4)"));
  EXPECT_EQ(fpc::release_of_subject("cuda_host@12.8.57"), "12.8.57");
  EXPECT_EQ(fpc::release_of_subject("cpu_bits"), "");
}

// An entry with a release range must hold for some release of the matrix (else it is dead).
TEST(CudaVersions, EveryVersionedKnownDeviationMatchesARelease) {
  std::vector<std::string> releases;
  for (const fpc::Subject* s : release_subjects()) releases.push_back(fpc::release_of_subject(s->name));
  for (const fpc::KnownDeviation& d : fpc::known_deviations()) {
    if (d.versions.empty()) continue;
    const bool matched = std::any_of(releases.begin(), releases.end(),
                                     [&](const std::string& r) { return fpc::release_in_range(r, d.versions); });
    EXPECT_TRUE(matched) << d.subject << "@" << d.versions << " " << d.op << " matches no CUDA release";
    // And the releases it matches offer the op.
    for (const fpc::Subject* s : release_subjects()) {
      if (!fpc::release_in_range(fpc::release_of_subject(s->name), d.versions)) continue;
      EXPECT_TRUE(std::any_of(s->ops.begin(), s->ops.end(), [&](const fpc::SubjectOp& o) { return o.name == d.op; }))
          << s->name << " has no op " << d.op;
    }
  }
}

// Trap 1: a header a release lacks must not come from another release (the compiler's default
// include directories link to the system CUDA here). The configure-time dependency list of every
// built module names only its own root's cuda_*, crt/ and nv/ headers.
TEST(CudaVersions, NoModuleReadsAnotherReleasesHeaders) {
  int checked = 0;
  for (const fpc::Subject* s : release_subjects()) {
    if (!s->available) continue;
    const std::string version = fpc::release_of_subject(s->name);
    std::ifstream in(std::string(FPC_CUDA_MODULE_DIR) + "/" + s->name + ".deps");
    ASSERT_TRUE(in) << s->name << ": no dependency list";
    std::string line;
    ASSERT_TRUE(std::getline(in, line) && line.rfind("root ", 0) == 0) << line;
    const std::string root = line.substr(5);
    EXPECT_TRUE(root.ends_with("/" + version + "/include")) << root;
    std::set<std::string> own;
    const std::regex cuda_header("/(cuda_[^/]*|crt/[^/]*|nv/[^/]*)$");
    while (std::getline(in, line)) {
      if (!std::regex_search(line, cuda_header) || line.find("/kernels/cuda/") != std::string::npos) continue;
      EXPECT_EQ(line.rfind(root + "/", 0), 0u) << s->name << " reads " << line;
      own.insert(line.substr(root.size() + 1));
    }
    for (const char* h : {"cuda_runtime_api.h", "cuda_fp16.h", "cuda_bf16.h", "cuda_fp8.h", "cuda_fp8.hpp", "crt/host_defines.h"})
      EXPECT_TRUE(own.count(h)) << s->name << " does not read its own " << h;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no cuda_host@VERSION module built (headers not fetched: see fpconform subjects)";
}

// Each module was compiled against its own release: its CUDART_VERSION is the label's.
TEST(CudaVersions, EachModuleHasItsReleasesCudartVersion) {
  int checked = 0;
  for (const fpc::Subject* s : release_subjects()) {
    if (!s->available) continue;
    const std::string version = fpc::release_of_subject(s->name);
    void* h = dlopen((std::string(FPC_CUDA_MODULE_DIR) + "/" + s->name + ".so").c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(h, nullptr) << dlerror();
    auto entry = reinterpret_cast<decltype(&fpc_cuda_host_module_v1)>(dlsym(h, "fpc_cuda_host_module_v1"));
    ASSERT_NE(entry, nullptr);
    const int major = std::stoi(version.substr(0, version.find('.')));
    const int minor = std::stoi(version.substr(version.find('.') + 1));
    EXPECT_EQ(entry()->cudart_version, major * 1000 + minor * 10) << s->name;
    EXPECT_EQ(std::string(entry()->version), version);
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no cuda_host@VERSION module built (headers not fetched: see fpconform subjects)";
}

// Trap 2: the headers' inline code is weak; loaded into one process, two releases must still run
// their own. Where the releases differ, both answers come back.
TEST(CudaVersions, TwoReleasesInOneRunRunDifferentCode) {
  const fpc::Subject* ga = available_release("12.8.57");
  const fpc::Subject* u1 = available_release("12.8.90");
  const fpc::Subject* r133 = available_release("13.3");
  const fpc::Subject* r134 = available_release("13.4");
  if (!ga || !u1 || !r133 || !r134) GTEST_SKIP() << "cuda_host@12.8.57, 12.8.90, 13.3 and 13.4 are not all built";
  const uint64_t three = 0x40400000;  // 3.0f
  EXPECT_EQ(run_op(*ga, "fp8_e8m0_from_float32", {{three}}), std::vector<uint64_t>{0x80});  // rounded toward zero
  EXPECT_EQ(run_op(*u1, "fp8_e8m0_from_float32", {{three}}), std::vector<uint64_t>{0x81});  // rounded up
  // __hmax_nan(-0, +0): -0 up to 13.3, +0 (documented) from 13.4; in the same process as the
  // machine's own cuda_host, linked in statically.
  EXPECT_EQ(run_op(*r133, "bfloat16_max_nan", {{0x8000}, {0x0000}}), std::vector<uint64_t>{0x8000});
  EXPECT_EQ(run_op(*r134, "bfloat16_max_nan", {{0x8000}, {0x0000}}), std::vector<uint64_t>{0x0000});
  EXPECT_EQ(run_op(*ga, "fp8_e8m0_from_float32", {{three}}), std::vector<uint64_t>{0x80});  // still its own
}

// A suite file of the checks where releases differ, for every built release that has the op.
std::string write_suite(const TempDir& dir, const std::vector<std::string>& versions) {
  const std::vector<std::string> ops = {"bfloat16_max_nan", "bfloat16_min_nan", "bfloat16x2_max_nan", "bfloat16x2_min_nan",
                                        "fp8_e8m0_from_float32", "fp8_e8m0_from_float64", "float32_to_e4m3_satfinite",
                                        "float32_to_e2m1_ru", "float32_to_e8m0_rn_satfinite", "float16x2_to_float32x2",
                                        "float16x2_div", "bfloat16x2_div", "float16x2_max_nan", "float16x2_min_nan",
                                        "float32_to_ue5m3_rn_nosat"};
  json checks = json::array();
  for (const std::string& v : versions) {
    const fpc::Subject* s = available_release(v);
    for (const std::string& op : ops)
      if (std::any_of(s->ops.begin(), s->ops.end(), [&](const fpc::SubjectOp& o) { return o.name == op; }))
        checks.push_back({{"subject", s->name}, {"op", op}, {"cases", "boundary"}});
  }
  const std::string path = dir / "suite.json";
  std::ofstream(path) << json{{"checks", checks}}.dump();
  return path;
}

std::vector<std::string> built_releases() {
  std::vector<std::string> v;
  for (const fpc::Subject* s : release_subjects())
    if (s->available) v.push_back(fpc::release_of_subject(s->name));
  return v;
}

// The version-scoped known deviations: every release passes with them, and without them exactly
// the checks of the releases an entry covers fail.
TEST(CudaVersions, KnownDeviationsAreScopedToTheirReleases) {
  const std::vector<std::string> versions = built_releases();
  if (versions.empty()) GTEST_SKIP() << "no cuda_host@VERSION module built";
  TempDir dir;
  const std::string suite = write_suite(dir, versions);
  Outcome applied = cli({"run", "--suite", suite, "--report", dir / "applied.json", "--threads", "2"});
  EXPECT_EQ(applied.status, 0) << applied.out << applied.err;
  Outcome ignored = cli({"run", "--suite", suite, "--report", dir / "ignored.json", "--threads", "2", "--no-known-deviations"});
  EXPECT_EQ(ignored.status, 1) << ignored.out << ignored.err;
  std::set<std::string> failing, expected;
  const json report = read_json(dir / "ignored.json");
  for (const json& c : report["checks"]) {
    if (c["status"] == "fail") failing.insert(c["id"].get<std::string>());
    const std::string subject = c["subject"], op = c["op"];
    if (fpc::find_known_deviation(subject, op)) expected.insert(c["id"].get<std::string>());
  }
  EXPECT_EQ(failing, expected);
  // Release by release: without the deviations exactly the releases the table covers fail.
  std::set<std::string> failing_releases, covered_releases;
  for (const std::string& id : failing) failing_releases.insert(id.substr(0, id.find('/')));
  for (const std::string& id : expected) covered_releases.insert(id.substr(0, id.find('/')));
  EXPECT_EQ(failing_releases, covered_releases);
  // What the releases say about themselves (where built): 12.8 GA rounds the e8m0 constructor
  // toward zero; bfloat16 __hmax_nan orders -0 < +0 from 13.4 on; 11.8 has neither.
  for (const auto& [v, op, fails] : std::vector<std::tuple<std::string, std::string, bool>>{
           {"12.8.57", "fp8_e8m0_from_float32", true}, {"12.8.90", "fp8_e8m0_from_float32", false},
           {"13.3", "bfloat16_max_nan", true}, {"13.4", "bfloat16_max_nan", false}, {"13.5", "bfloat16_max_nan", false},
           {"11.8", "float32_to_e4m3_satfinite", false}, {"12.3", "float16x2_div", true}, {"12.4", "float16x2_div", false}}) {
    if (std::find(versions.begin(), versions.end(), v) == versions.end()) continue;
    EXPECT_EQ(failing.count(std::string(kPrefix) + v + "/" + op + "/boundary"), fails ? 1u : 0u) << v << " " << op;
  }
}

// The quick suite (`--suite cuda-versions`) of every built release passes with the version-scoped
// known deviations, and without them fails exactly the releases an entry covers. Minutes per
// release, so it runs on request only (FPC_CUDA_QUICK_SUITE=1, or =12.3,12.4 for some releases;
// docs/cuda.md has the command for the full matrix); CI checks the same claim on the ops with deviations (the test above).
// --no-known-deviations changes only checks reported known_deviation, so a release whose quick
// suite has none passes without them too; the others are rerun without them on those checks.
TEST(CudaVersions, QuickSuitePassesEveryReleaseAndFailsWithoutItsKnownDeviations) {
  const char* wanted = std::getenv("FPC_CUDA_QUICK_SUITE");
  if (!wanted || !*wanted)
    GTEST_SKIP() << "the quick suite takes minutes per release; FPC_CUDA_QUICK_SUITE=1 runs it (docs/cuda.md)";
  // "1": every built release; else a comma-separated list of releases.
  std::vector<std::string> versions;
  for (const std::string& v : built_releases())
    if (std::string(wanted) == "1" || ("," + std::string(wanted) + ",").find("," + v + ",") != std::string::npos)
      versions.push_back(v);
  if (versions.empty()) GTEST_SKIP() << "no cuda_host@VERSION module built of those asked for: " << wanted;
  TempDir dir;
  std::set<std::string> failing_releases, covered_releases;
  for (const std::string& v : versions) {
    const fpc::Subject& s = *available_release(v);
    if (std::any_of(s.ops.begin(), s.ops.end(), [&](const fpc::SubjectOp& o) { return fpc::find_known_deviation(s.name, o.name); }))
      covered_releases.insert(v);
    const std::string report = dir / (v + ".json");
    Outcome applied = cli({"run", "--suite", "cuda-versions", "--subject", s.name, "--report", report, "--threads", "2"});
    EXPECT_EQ(applied.status, 0) << s.name << ": " << applied.err;
    json known = json::array();
    size_t checks = 0;
    const json applied_report = read_json(report);  // kept: a range-for over a temporary's member dangles
    for (const json& c : applied_report["checks"]) {
      ++checks;
      const std::string status = c["status"];
      EXPECT_TRUE(status == "pass" || status == "known_deviation") << c["id"] << " " << status;
      if (status == "known_deviation") known.push_back({{"subject", s.name}, {"op", c["op"]}, {"cases", c["cases"]["label"]}});
    }
    EXPECT_GT(checks, 100u) << s.name;
    if (known.empty()) continue;
    const std::string suite = dir / (v + "-known.json");
    std::ofstream(suite) << json{{"checks", known}}.dump();
    const std::string without = dir / (v + "-without.json");
    Outcome ignored = cli({"run", "--suite", suite, "--report", without, "--threads", "2", "--no-known-deviations"});
    EXPECT_EQ(ignored.status, 1) << s.name;
    const json without_report = read_json(without);
    for (const json& c : without_report["checks"]) EXPECT_EQ(c["status"], "fail") << c["id"];
    if (ignored.status == 1) failing_releases.insert(v);
  }
  EXPECT_EQ(failing_releases, covered_releases);
}

// report diff of two releases' runs matches their checks op by op and shows the changes.
TEST(CudaVersions, ReportDiffShowsWhatChangedBetweenReleases) {
  for (const char* v : {"12.8.57", "12.8.90", "13.3", "13.4", "13.5"})
    if (!available_release(v)) GTEST_SKIP() << "cuda_host@" << v << " is not built";
  TempDir dir;
  const std::string suite = write_suite(dir, {"12.8.57", "12.8.90", "13.3", "13.4", "13.5"});
  auto run = [&](const std::string& v) {
    const std::string path = dir / (v + ".json");
    Outcome o = cli({"run", "--suite", suite, "--subject", kPrefix + v, "--report", path, "--threads", "2"});
    EXPECT_EQ(o.status, 0) << o.out << o.err;
    return path;
  };
  const std::string ga = run("12.8.57"), u1 = run("12.8.90"), r133 = run("13.3"), r134 = run("13.4"), r135 = run("13.5");

  Outcome d1 = cli({"report", "diff", ga, u1});
  EXPECT_EQ(d1.status, 0) << d1.out;
  EXPECT_NE(d1.out.find("comparing two releases op by op: cuda_host@12.8.57 -> cuda_host@12.8.90"), std::string::npos) << d1.out;
  // The first counterexample: 1.5 * 2^-126 (0x00c00000), between 2^-126 (0x01) and 2^-125 (0x02),
  // rounds down to 0x01; the documented cudaRoundPosInf gives 0x02.
  EXPECT_NE(d1.out.find("cuda_host/fp8_e8m0_from_float32/boundary  known_deviation -> pass"), std::string::npos) << d1.out;
  EXPECT_NE(d1.out.find("e.g. (0xc00000) -> 0x1, expected 0x2 [tie_breaking]"), std::string::npos) << d1.out;

  Outcome d2 = cli({"report", "diff", r133, r134});
  EXPECT_NE(d2.out.find("cuda_host/bfloat16_max_nan/boundary  known_deviation -> pass"), std::string::npos) << d2.out;
  EXPECT_NE(d2.out.find("(0x8000, 0x0) -> 0x8000, expected 0x0 [signed_zero]"), std::string::npos) << d2.out;
  // 13.4 adds the UE5M3 conversions: new checks, passing
  EXPECT_NE(d2.out.find("new checks"), std::string::npos) << d2.out;
  EXPECT_NE(d2.out.find("pass  cuda_host/float32_to_ue5m3_rn_nosat/boundary"), std::string::npos) << d2.out;

  Outcome d3 = cli({"report", "diff", r134, r135});
  EXPECT_NE(d3.out.find("new checks"), std::string::npos) << d3.out;
  EXPECT_NE(d3.out.find("pass  cuda_host/float32_to_e2m1_ru/boundary"), std::string::npos) << d3.out;
  EXPECT_EQ(d3.out.find("status changed"), std::string::npos) << d3.out;
}

TEST(CudaVersions, SuiteRejectsOtherSubjects) {
  expect_input_error({"run", "--suite", "cuda-versions", "--subject", "cpu_bits"});
}

}  // namespace
