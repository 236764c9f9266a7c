// Block checks as checks of a run and through the block file protocol: the built-in suites hold
// one block check per block subject that is not test-only, a deliberately wrong block subject
// fails in the report with its distances, summary/JUnit/diff show block checks, and a program
// writing block files is checked like a linked subject (a planted wrong code fails, broken files
// are bad input).
#include "check/block/block_check.hpp"
#include "protocol/block_files.hpp"
#include "report/report.hpp"
#include "report/schema.hpp"
#include "check/suite.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <set>
#include <span>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;
using fpc::testing_support::TempDir;

using fpc::testing_support::read_json;

void expect_valid(const std::string& path) {
  size_t total = 0;
  std::vector<std::string> errors = fpc::validate_json(read_json(path), fpc::report_schema(), 5, &total);
  EXPECT_EQ(total, 0u) << path << ": " << (errors.empty() ? "" : errors[0]);
  Outcome o = cli({"report", "validate", path});
  EXPECT_EQ(o.status, 0) << o.err;
}

const json& block_check(const json& report, const std::string& id) {
  for (const json& c : report["block_checks"])
    if (c["id"] == id) return c;
  throw std::runtime_error("no block check " + id);
}

const json& distance(const json& check, const std::string& reference) {
  for (const json& d : check["distances"])
    if (d["reference"] == reference) return d;
  throw std::runtime_error("no distance to " + reference);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

// Both built-in suites make one block check ("all") per block subject that is not test-only,
// whatever the registry holds; --subject selects block subjects too, test-only ones only by name.
TEST(BlockRun, BuiltinSuitesHoldEveryRegisteredBlockSubject) {
  std::set<std::string> expected, test_only;
  for (const fpc::BlockSubject& s : fpc::block_subjects()) (s.test_only ? test_only : expected).insert(s.name);
  ASSERT_FALSE(expected.empty());
  ASSERT_FALSE(test_only.empty());
  for (const char* suite : {"quick", "full"}) {
    std::set<std::string> got;
    for (const fpc::CheckSpec& c : fpc::suite_checks(suite, {}, 1))
      if (c.block) {
        EXPECT_EQ(c.cases, "all");
        EXPECT_TRUE(got.insert(c.subject).second) << c.subject;
      }
    EXPECT_EQ(got, expected) << suite;
  }
  const std::string planted = *test_only.begin();
  std::vector<fpc::CheckSpec> named = fpc::suite_checks("quick", {planted}, 1);
  ASSERT_EQ(named.size(), 1u);
  EXPECT_TRUE(named[0].block);
  EXPECT_EQ(named[0].subject, planted);
  EXPECT_THROW(fpc::suite_checks("quick", {"no_such_block_subject"}, 1), fpc::InputError);
}

// The quick suite's block checks, run alone: every one passes and the report validates.
TEST(BlockRun, QuickBlockChecksPassAndValidate) {
  TempDir dir;
  std::vector<std::string> names;
  for (const fpc::BlockSubject& s : fpc::block_subjects())
    if (!s.test_only) names.push_back(s.name);
  const std::string path = dir / "blocks.json";
  Outcome o = cli({"run", "--subject", joined(names), "--report", path});
  EXPECT_EQ(o.status, 0) << o.out << o.err;
  expect_valid(path);
  json r = read_json(path);
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_TRUE(r["checks"].empty());
  ASSERT_EQ(r["block_checks"].size(), names.size());
  EXPECT_EQ(r["summary"]["block_checks"]["checks"], names.size());
  for (const json& c : r["block_checks"]) {
    const bool available = c["status"] != "skipped";
    if (available) {
      EXPECT_EQ(c["status"], "pass") << c.dump(2);
    }
    EXPECT_EQ(c["cases"]["label"], "all");
    EXPECT_EQ(c["distances"][0]["claimed"], true);
    EXPECT_EQ(c["distances"][0]["reference"], c["claims"]["reference"]);
    EXPECT_EQ(c["distances"][0]["blocks_differing"], 0);
    EXPECT_EQ(c["cases"]["range"], (json{0, c["cases"]["count"]}));
    std::set<std::string> kinds;
    for (const json& k : c["cases"]["kinds"]) kinds.insert(k["kind"].get<std::string>());
    for (const char* k : {"one_outlier", "all_equal", "all_zero", "subnormal_only", "nan_inf", "random"})
      EXPECT_EQ(kinds.count(k), 1u) << k;
  }
  EXPECT_NE(o.out.find("PASS  cpu_mxfp4/mxfp4/all"), std::string::npos) << o.out;
}

// A hand-computed block: 32 ones in MXFP4. OCP MX v1.0 6.3: E = floor(log2 1) - emax(E2M1) =
// 0 - 2 = -2 (E8M0 code 125), elements 1 / 2^-2 = 4 = E2M1 0b0110. The planted scale from amax/6
// takes E = floor(log2(1/6)) = -3 (code 124) and elements 8, which saturate to 6 (0b0111): one
// block, its 32 values and its scale differ from the ideal.
TEST(BlockRun, PlantedScaleBugHasTheHandComputedDistance) {
  const fpc::BlockSubject& planted = fpc::block_subject_by_name("planted_mxfp4_scale_from_amax_over_6");
  const std::vector<fpc::BlockCase> cases = {{"all_equal", std::vector<uint32_t>(32, 0x3f800000u)}};
  const fpc::BlockOutput answer = planted.run(cases[0].bits);
  ASSERT_EQ(answer.scale_codes, (std::vector<uint64_t>{124}));
  fpc::BlockCheckResult r = fpc::check_blocks(planted.name, planted.claims, cases, 0, 1,
                                              [&](size_t, const fpc::BlockCase& c) { return planted.run(c.bits); });
  ASSERT_EQ(r.distances.size(), 1u);
  const fpc::BlockDistance& ideal = r.distances[0];
  EXPECT_EQ(ideal.reference, "ideal");
  EXPECT_EQ(ideal.blocks, 1u);
  EXPECT_EQ(ideal.blocks_differing, 1u);
  EXPECT_EQ(ideal.values_differing, 32u);
  EXPECT_EQ(ideal.scales_differing, 1u);
  EXPECT_NE(ideal.first.find("scale expected 0x7d, got 0x7c"), std::string::npos) << ideal.first;
  EXPECT_NE(ideal.first.find("expected 0x6, got 0x7"), std::string::npos) << ideal.first;
  EXPECT_EQ(fpc::block_check_status(r), "fail");
}

// Deliberately wrong block subjects fail in the report, with the distance to the claimed reference
// and, apart, to the others: the bitsandbytes CUDA port claiming the ideal is identical to the
// cuda reference; the exit status counts block-check failures.
TEST(BlockRun, PlantedBlockSubjectsFailInTheReport) {
  TempDir dir;
  const std::string path = dir / "planted.json";
  Outcome o = cli({"run", "--subject", "planted_bnb_fp4_cuda_port_as_ideal,planted_mxfp4_scale_from_amax_over_6", "--report", path});
  ASSERT_EQ(o.status, 1) << o.out << o.err;
  expect_valid(path);
  json r = read_json(path);
  EXPECT_EQ(r["verdict"], "fail");
  EXPECT_EQ(r["summary"]["block_checks"]["failed"], 2);
  const json& bnb = block_check(r, "planted_bnb_fp4_cuda_port_as_ideal/bnb_fp4/all");
  EXPECT_EQ(bnb["status"], "fail");
  EXPECT_EQ(bnb["claims"], (json{{"scheme", "bnb_fp4"}, {"reference", "ideal"}, {"blocksize", 64}}));
  EXPECT_EQ(bnb["formats"], (json{{"element", "bnb_fp4"}, {"scale", "float32"}}));
  const json& ideal = bnb["distances"][0];
  EXPECT_EQ(ideal["reference"], "ideal");
  EXPECT_GT(ideal["blocks_differing"].get<uint64_t>(), 0u);
  EXPECT_TRUE(ideal["first_difference"].is_string());
  EXPECT_LT(ideal["blocks"].get<uint64_t>(), bnb["counts"]["blocks"].get<uint64_t>());  // no ideal rule for NaN
  EXPECT_EQ(distance(bnb, "cuda")["blocks_differing"], 0);
  EXPECT_EQ(distance(bnb, "cuda")["blocks"], bnb["counts"]["blocks"]);
  EXPECT_TRUE(distance(bnb, "cuda")["first_difference"].is_null());
  EXPECT_GT(distance(bnb, "cpu")["blocks_differing"].get<uint64_t>(), 0u);
  const json& mx = block_check(r, "planted_mxfp4_scale_from_amax_over_6/mxfp4/all");
  EXPECT_GT(mx["distances"][0]["scales_differing"].get<uint64_t>(), 0u);

  // Summary, JUnit and diff.
  Outcome md = cli({"report", "summary", path});
  ASSERT_EQ(md.status, 0) << md.err;
  EXPECT_NE(md.out.find("### Block checks"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("### **FAIL** block check `planted_bnb_fp4_cuda_port_as_ideal/bnb_fp4/all`"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("first difference: "), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("cuda: identical on"), std::string::npos) << md.out;
  Outcome junit = cli({"report", "summary", path, "--junit"});
  EXPECT_NE(junit.out.find("name=\"block bnb_fp4/all\""), std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("<failure message=\"claimed ideal: "), std::string::npos) << junit.out;

  // The same report with the bnb check passing is the "before": the diff names the regression.
  fpc::Report before = fpc::read_report(path);
  for (fpc::BlockCheckRecord& c : before.block_checks)
    if (c.claims.scheme == "bnb_fp4") {
      fpc::BlockDistance& d = c.result.distances[0];
      d.blocks_differing = d.values_differing = d.scales_differing = 0;
      d.first.clear();
      fpc::finalize(c);
      ASSERT_EQ(c.status, "pass");
    }
  fpc::write_report(before, dir / "before.json");
  expect_valid(dir / "before.json");
  Outcome diff = cli({"report", "diff", dir / "before.json", path});
  EXPECT_EQ(diff.status, 1) << diff.out << diff.err;
  EXPECT_NE(diff.out.find("fail  block planted_bnb_fp4_cuda_port_as_ideal/bnb_fp4/all  (was pass)"), std::string::npos) << diff.out;
  Outcome back = cli({"report", "diff", path, dir / "before.json"});
  EXPECT_EQ(back.status, 0) << back.out;
  EXPECT_NE(back.out.find("fixed (1)"), std::string::npos) << back.out;
}

TEST(BlockRun, SuiteFilesListBlockChecks) {
  TempDir dir;
  auto suite = [&](const std::string& text) {
    const std::string path = dir / ("s" + std::to_string(std::hash<std::string>{}(text)) + ".json");
    std::ofstream(path) << text;
    return path;
  };
  const std::string good = suite(R"({"checks": [
      {"block_subject": "cpu_mxfp4", "cases": "adversarial"},
      {"block_subject": "cpu_mxfp4", "cases": "random:5", "seed": 9},
      {"subject": "cuda_host", "op": "e4m3_to_float16", "cases": "exhaustive"}]})");
  std::vector<fpc::CheckSpec> specs = fpc::suite_checks(good, {}, 1);
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_TRUE(specs[0].block);
  EXPECT_EQ(specs[1].cases, "random:5");
  EXPECT_EQ(specs[1].seed, 9u);
  EXPECT_FALSE(specs[2].block);
  const std::string path = dir / "r.json";
  Outcome o = cli({"run", "--suite", good, "--report", path});
  ASSERT_EQ(o.status, 0) << o.out << o.err;
  json r = read_json(path);
  EXPECT_EQ(block_check(r, "cpu_mxfp4/mxfp4/random:5")["counts"]["blocks"], 5);
  EXPECT_EQ(block_check(r, "cpu_mxfp4/mxfp4/adversarial")["cases"]["kind"], "adversarial");
  for (const char* bad : {R"({"checks": [{"block_subject": "nope"}]})", R"({"checks": [{"block_subject": "cpu_mxfp4", "cases": "boundary"}]})",
                          R"({"checks": [{"block_subject": "cpu_mxfp4"}, {"block_subject": "cpu_mxfp4", "cases": "all:64"}]})",
                          R"({"checks": [{"block_subject": "cpu_mxfp4", "op": "x"}]})",
                          R"({"checks": [{"block_subject": "cpu_mxfp4", "seed": -1}]})"})
    expect_input_error({"run", "--suite", suite(bad), "--report", dir / "x.json"});
}

// ---- the block file protocol -------------------------------------------------------------------

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Answers a block cases directory the way an outside program would: reads values.bin, quantizes
// each block with a registered subject, writes codes.bin (1 byte a code) and scales.bin.
void answer_with(const std::string& dir, const fpc::BlockSubject& s, int scale_width) {
  const std::vector<unsigned char> values = read_bytes(dir + "/values.bin");
  const size_t n = s.claims.blocksize;
  std::vector<unsigned char> codes, scales;
  for (size_t start = 0; start < values.size() / 4; start += n) {
    std::vector<uint32_t> block(n);
    for (size_t i = 0; i < n; ++i)
      for (int b = 3; b >= 0; --b) block[i] = (block[i] << 8) | values[(start + i) * 4 + static_cast<size_t>(b)];
    fpc::BlockOutput out = s.run(block);
    for (uint64_t c : out.codes) codes.push_back(static_cast<unsigned char>(c));
    for (int b = 0; b < scale_width; ++b) scales.push_back(static_cast<unsigned char>(out.scale_codes[0] >> (8 * b)));
  }
  write_bytes(dir + "/codes.bin", codes);
  write_bytes(dir + "/scales.bin", scales);
}

TEST(BlockFiles, RoundTripPassesAndAPlantedCodeFails) {
  TempDir tmp;
  const std::string dir = tmp / "bnb";
  Outcome w = cli({"cases", "--scheme", "bnb_nf4", "--reference", "cuda", "--cases", "all:7", "--seed", "3", "-o", dir});
  ASSERT_EQ(w.status, 0) << w.err;
  const json sidecar = read_json(dir + "/cases.json");
  EXPECT_EQ(sidecar["kind"], "block");
  EXPECT_EQ(sidecar["scheme"], "bnb_nf4");
  EXPECT_EQ(sidecar["reference"], "cuda");
  EXPECT_EQ(sidecar["blocksize"], 64);
  EXPECT_EQ(sidecar["codes"], (json{{"file", "codes.bin"}, {"format", "nf4"}, {"width", 1}}));
  EXPECT_EQ(sidecar["scales"], (json{{"file", "scales.bin"}, {"format", "float32"}, {"width", 4}}));
  // The blocks are a run's: the same claims, label and seed give the same float32 values.
  fpc::QuantOptions claims = fpc::block_subject_by_name("cpu_bnb_nf4_cuda_port").claims;
  const std::vector<fpc::BlockCase> cases = fpc::block_cases(claims, fpc::BlockCaseSet::parse("all:7"), 3);
  EXPECT_EQ(sidecar["cases"]["blocks"], cases.size());
  EXPECT_EQ(sidecar["cases"]["values"], cases.size() * 64);
  const std::vector<unsigned char> values = read_bytes(dir + "/values.bin");
  ASSERT_EQ(values.size(), cases.size() * 64 * 4);
  EXPECT_EQ(values[4 * 64 * 4 + 0], cases[4].bits[0] & 0xff);  // little-endian
  EXPECT_EQ(values[4 * 64 * 4 + 3], cases[4].bits[0] >> 24);

  answer_with(dir, fpc::block_subject_by_name("cpu_bnb_nf4_cuda_port"), 4);
  Outcome pass = cli({"check", dir});
  EXPECT_EQ(pass.status, 0) << pass.out << pass.err;
  expect_valid(dir + "/report.json");
  json r = read_json(dir + "/report.json");
  const json& c = r["block_checks"][0];
  EXPECT_EQ(c["id"], "file:bnb/bnb_nf4/all:7");
  EXPECT_EQ(c["status"], "pass");
  EXPECT_GT(distance(c, "ideal")["blocks_differing"].get<uint64_t>(), 0u);  // the CUDA thresholds are not the midpoints

  // One wrong code in block 5, value 10: one block and one value differ from the claimed cuda.
  std::vector<unsigned char> codes = read_bytes(dir + "/codes.bin");
  codes[5 * 64 + 10] ^= 1;
  write_bytes(dir + "/codes.bin", codes);
  Outcome fail = cli({"check", dir, "--report", tmp / "fail.json"});
  EXPECT_EQ(fail.status, 1) << fail.out << fail.err;
  expect_valid(tmp / "fail.json");
  const json fail_report = read_json(tmp / "fail.json");
  const json& f = fail_report["block_checks"][0];
  EXPECT_EQ(f["status"], "fail");
  EXPECT_EQ(f["distances"][0]["blocks_differing"], 1);
  EXPECT_EQ(f["distances"][0]["values_differing"], 1);
  EXPECT_EQ(f["distances"][0]["scales_differing"], 0);
  EXPECT_NE(f["distances"][0]["first_difference"].get<std::string>().find("block 5: value[10]"), std::string::npos)
      << f["distances"][0]["first_difference"];

  // Bad input: one error line, exit 2.
  codes.pop_back();
  write_bytes(dir + "/codes.bin", codes);
  expect_input_error({"check", dir});  // truncated codes.bin
  codes.push_back(0);
  codes.push_back(0);
  write_bytes(dir + "/codes.bin", codes);
  expect_input_error({"check", dir});  // oversized
  codes.pop_back();
  write_bytes(dir + "/codes.bin", codes);
  std::vector<unsigned char> scales = read_bytes(dir + "/scales.bin");
  write_bytes(dir + "/scales.bin", std::vector<unsigned char>(scales.begin(), scales.end() - 4));
  expect_input_error({"check", dir});  // a scale missing
  write_bytes(dir + "/scales.bin", scales);
  ASSERT_EQ(cli({"check", dir}).status, 1);  // whole again (with the planted code)
  auto with_sidecar = [&](const std::function<void(json&)>& edit) {
    json s = sidecar;
    edit(s);
    std::ofstream(dir + "/cases.json") << s.dump();
    expect_input_error({"check", dir});
  };
  with_sidecar([](json& s) { s["blocksize"] = 65; });
  with_sidecar([](json& s) { s["reference"] = "gpu"; });
  with_sidecar([](json& s) { s["codes"]["width"] = 2; });
  with_sidecar([](json& s) { s["scales"]["format"] = "float16"; });
  with_sidecar([](json& s) { s["cases"]["seed"] = 4; });  // other blocks than values.bin holds
  with_sidecar([](json& s) { s["cases"]["label"] = "all:8"; });
  with_sidecar([](json& s) { s["colour"] = "blue"; });
  with_sidecar([](json& s) { s.erase("scheme"); });
  with_sidecar([](json& s) { s["codes"]["file"] = "../codes.bin"; });
  std::ofstream(dir + "/cases.json") << sidecar.dump();
  std::vector<unsigned char> changed = values;
  changed[100] ^= 1;
  write_bytes(dir + "/values.bin", changed);
  expect_input_error({"check", dir});  // values.bin is not the sidecar's blocks

  // cases --scheme: bad options are bad input.
  expect_input_error({"cases", "--scheme", "bnb_fp4", "--cases", "boundary", "-o", tmp / "x"});
  expect_input_error({"cases", "--scheme", "llm_int8_col", "--cases", "all", "-o", tmp / "x"});
  expect_input_error({"cases", "--scheme", "llm_int8_row", "--cases", "all", "-o", tmp / "x"});
  expect_input_error({"cases", "--scheme", "bnb_fp4", "--double-quant", "--cases", "all", "-o", tmp / "x"});
  expect_input_error({"cases", "--scheme", "no_such", "--cases", "all", "-o", tmp / "x"});
}

// A directory of MX blocks answered by the native MXFP4 subject passes; 1-byte E8M0 scales.
TEST(BlockFiles, MxScalesAreE8M0Codes) {
  TempDir tmp;
  const std::string dir = tmp / "mx";
  ASSERT_EQ(cli({"cases", "--scheme", "mxfp4", "--cases", "adversarial", "-o", dir}).status, 0);
  const json sidecar = read_json(dir + "/cases.json");
  EXPECT_EQ(sidecar["scales"], (json{{"file", "scales.bin"}, {"format", "float8_e8m0fnu"}, {"width", 1}}));
  EXPECT_EQ(sidecar["scale_rule"], "floor");
  answer_with(dir, fpc::block_subject_by_name("cpu_mxfp4"), 1);
  Outcome o = cli({"check", dir, "--subject-name", "mine"});
  EXPECT_EQ(o.status, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("PASS  mine/mxfp4/adversarial"), std::string::npos) << o.out;
}

// A program answering NVFP4 blocks with the ideal reference's codes, and guessing on the nan_inf
// block (the ideal takes finite values only): the check passes but the report counts and names
// the unjudged block (valid against the schema); with --strict-blocks the check fails (exit 1).
TEST(BlockFiles, UnjudgedBlocksShowInTheReportAndFailUnderStrict) {
  TempDir tmp;
  const std::string dir = tmp / "nvfp4";
  ASSERT_EQ(cli({"cases", "--scheme", "nvfp4", "--cases", "adversarial", "-o", dir}).status, 0);
  fpc::BlockSubject guess;
  guess.name = "guess";
  guess.claims.scheme = "nvfp4";
  guess.claims.blocksize = 16;
  guess.run = [&](std::span<const uint32_t> bits) {
    std::vector<fpc::ExactValue> values;
    for (uint32_t b : bits) values.push_back(fpc::decode(fpc::format_by_name("float32"), b).value);
    fpc::BlockOutput out;
    if (std::any_of(values.begin(), values.end(), [](const fpc::ExactValue& v) { return v.is_nan() || v.is_inf(); })) {
      out.codes.assign(bits.size(), 0);
      out.scale_codes = {0x7f};
      return out;
    }
    const fpc::Quantized q = fpc::quantize(values, guess.claims);
    out.codes = q.codes;
    out.scale_codes = {q.blocks[0].scale_code};
    return out;
  };
  answer_with(dir, guess, 1);
  Outcome lax = cli({"check", dir});
  EXPECT_EQ(lax.status, 0) << lax.out << lax.err;
  EXPECT_NE(lax.out.find("1 block unjudged (nan_inf block"), std::string::npos) << lax.out;
  expect_valid(dir + "/report.json");
  const json r = read_json(dir + "/report.json");
  EXPECT_EQ(r["block_checks"][0]["counts"]["unjudged"], 1);
  EXPECT_NE(r["block_checks"][0]["unjudged"].get<std::string>().find("reference ideal has no rule"), std::string::npos);
  EXPECT_EQ(r["summary"]["block_checks"]["unjudged"], 1);
  Outcome md = cli({"report", "summary", dir + "/report.json"});
  EXPECT_NE(md.out.find("1 unjudged"), std::string::npos) << md.out;
  Outcome strict = cli({"check", dir, "--strict-blocks", "--report", tmp / "strict.json"});
  EXPECT_EQ(strict.status, 1) << strict.out << strict.err;
  expect_valid(tmp / "strict.json");
  const json s = read_json(tmp / "strict.json");
  EXPECT_EQ(s["block_checks"][0]["status"], "fail");
  EXPECT_EQ(s["block_checks"][0]["strict_blocks"], true);
  EXPECT_EQ(s["verdict"], "fail");
}

}  // namespace
