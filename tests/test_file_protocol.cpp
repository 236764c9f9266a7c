// The file protocol (harness/protocol/file_protocol.hpp, docs/file-protocol.md): 'fpconform cases' writes
// the cases a program computes, 'fpconform check' checks its out.bin.
//
// The tests read and write the protocol's files with their own little-endian code here, not with
// the harness's, so that the byte layout is pinned independently of the code under test; the
// outputs they write come from the exact oracle (oracle_case) applied to the operands read back
// from the files.
#include "protocol/file_protocol.hpp"
#include "fpconform/semantics.hpp"
#include "report/report.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>

namespace {

using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::TempDir;
using nlohmann::json;

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint64_t> read_codes(const std::string& path, int width) {
  std::vector<unsigned char> b = read_bytes(path);
  std::vector<uint64_t> codes(b.size() / static_cast<size_t>(width));
  for (size_t i = 0; i < codes.size(); ++i)
    for (int k = 0; k < width; ++k) codes[i] |= uint64_t{b[i * static_cast<size_t>(width) + static_cast<size_t>(k)]} << (8 * k);
  return codes;
}

void write_codes(const std::string& path, const std::vector<uint64_t>& codes, int width) {
  std::vector<unsigned char> b;
  for (uint64_t c : codes)
    for (int k = 0; k < width; ++k) b.push_back(static_cast<unsigned char>(c >> (8 * k)));
  write_bytes(path, b);
}

using fpc::testing_support::read_json;

void write_json(const std::string& path, const json& j) {
  std::ofstream f(path, std::ios::trunc);
  f << j.dump(2);
}

// Writes DIR/out.bin as a program would: for every case, read its operands from the input files and
// compute fn(operands); returns the operands of every case.
std::vector<std::vector<uint64_t>> write_outputs(const std::string& dir,
                                                 const std::function<uint64_t(const uint64_t*)>& fn) {
  const json sidecar = read_json(dir + "/cases.json");
  std::vector<std::vector<uint64_t>> arrays;
  for (const json& in : sidecar["inputs"]) arrays.push_back(read_codes(dir + "/" + in["file"].get<std::string>(), in["width"].get<int>()));
  if (sidecar.contains("random_bits"))
    arrays.push_back(read_codes(dir + "/" + sidecar["random_bits"]["file"].get<std::string>(), sidecar["random_bits"]["width"].get<int>()));
  const uint64_t count = sidecar["cases"]["count"].get<uint64_t>();
  std::vector<std::vector<uint64_t>> cases;
  std::vector<uint64_t> out;
  for (uint64_t i = 0; i < count; ++i) {
    std::vector<uint64_t> ops;
    for (const auto& a : arrays) ops.push_back(a.at(i));
    out.push_back(fn(ops.data()));
    cases.push_back(ops);
  }
  write_codes(dir + "/out.bin", out, sidecar["output"]["width"].get<int>());
  return cases;
}

fpc::OpSemantics semantics_of(const std::string& dir) {
  return fpc::semantics_from_json(read_json(dir + "/cases.json")["semantics"]);
}

// The oracle's result of every case, as a program that implements the semantics exactly writes it.
void write_correct_outputs(const std::string& dir) {
  const fpc::OpSemantics s = semantics_of(dir);
  write_outputs(dir, [&](const uint64_t* ops) { return fpc::oracle_case(s, ops).code; });
}

std::vector<std::string> cases_args(const std::string& dir, std::vector<std::string> spec) {
  std::vector<std::string> args = {"cases"};
  args.insert(args.end(), spec.begin(), spec.end());
  args.insert(args.end(), {"-o", dir});
  return args;
}

TEST(FileProtocol, CodeWidthsAreTheSmallestOf1248Bytes) {
  EXPECT_EQ(fpc::code_width(4), 1);
  EXPECT_EQ(fpc::code_width(8), 1);
  EXPECT_EQ(fpc::code_width(9), 2);
  EXPECT_EQ(fpc::code_width(16), 2);
  EXPECT_EQ(fpc::code_width(19), 4);  // tf32
  EXPECT_EQ(fpc::code_width(32), 4);
  EXPECT_EQ(fpc::code_width(33), 8);
  EXPECT_EQ(fpc::code_width(64), 8);
}

// Exhaustive unary cases are the codes in order (case i is code i): this pins the byte layout —
// little-endian, two bytes per float16 code — and the sidecar's fields.
TEST(FileProtocol, CasesFilesAreLittleEndianCodesInCaseOrder) {
  TempDir t;
  const std::string dir = t / "c";
  auto o = cli(cases_args(dir, {"--op", "convert", "--from", "float16", "--to", "float8_e4m3fn", "--saturate", "--cases", "exhaustive"}));
  ASSERT_EQ(o.status, 0) << o.err;
  std::vector<unsigned char> b = read_bytes(dir + "/in0.bin");
  ASSERT_EQ(b.size(), 2u * 65536);
  for (size_t i = 0; i < 65536; ++i) {
    ASSERT_EQ(b[2 * i], i & 0xff) << i;
    ASSERT_EQ(b[2 * i + 1], i >> 8) << i;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "/in1.bin"));
  const json j = read_json(dir + "/cases.json");
  EXPECT_EQ(j["schema"], "fpconform.cases/1");
  EXPECT_EQ(j["byte_order"], "little");
  EXPECT_EQ(j["semantics"]["op"], "convert");
  EXPECT_EQ(j["semantics"]["in"], "float16");
  EXPECT_EQ(j["semantics"]["out"], "float8_e4m3fn");
  EXPECT_EQ(j["semantics"]["rounding"], "rne");
  EXPECT_EQ(j["semantics"]["saturate"], true);
  EXPECT_EQ(j["cases"], json({{"kind", "exhaustive"}, {"label", "exhaustive"}, {"count", 65536}, {"seed", 0}}));
  EXPECT_EQ(j["inputs"], json::parse(R"([{"file": "in0.bin", "format": "float16", "width": 2}])"));
  EXPECT_EQ(j["output"], json::parse(R"({"file": "out.bin", "format": "float8_e4m3fn", "width": 1})"));
  EXPECT_FALSE(j.contains("random_bits"));
}

// Exhaustive binary cases: case i is (i >> 8, i & 0xff) for 8-bit operands.
TEST(FileProtocol, BinaryOpsHaveOneFilePerOperand) {
  TempDir t;
  const std::string dir = t / "c";
  ASSERT_EQ(cli(cases_args(dir, {"--op", "add", "--from", "float8_e5m2", "--to", "float8_e5m2", "--cases", "exhaustive"})).status, 0);
  std::vector<unsigned char> a = read_bytes(dir + "/in0.bin"), b = read_bytes(dir + "/in1.bin");
  ASSERT_EQ(a.size(), 65536u);
  ASSERT_EQ(b.size(), 65536u);
  for (size_t i = 0; i < 65536; ++i) {
    ASSERT_EQ(a[i], i >> 8);
    ASSERT_EQ(b[i], i & 0xff);
  }
}

struct RoundTripCase {
  std::vector<std::string> spec;
  int in_width, out_width;
};

// cases -> outputs computed by the oracle from the files' operands -> check passes, with a valid report.
TEST(FileProtocol, CorrectOutputsPass) {
  const std::vector<RoundTripCase> all = {
      {{"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "boundary"}, 4, 2},
      {{"--op", "convert", "--from", "float64", "--to", "float8_e4m3fn", "--rounding", "rtz", "--cases", "random:3000", "--seed", "7"}, 8, 1},
      {{"--op", "convert", "--from", "float8_e4m3fn", "--to", "float32", "--cases", "exhaustive"}, 1, 4},
      {{"--op", "convert", "--from", "float32", "--to", "float4_e2m1fn", "--nan-policy", "negzero", "--cases", "boundary"}, 4, 1},
      {{"--op", "convert", "--from", "float32", "--to", "float8_e5m2", "--saturate", "--inf-under-saturation", "nan", "--cases", "boundary"}, 4, 1},
      {{"--op", "mul", "--from", "float8_e4m3fn", "--to", "float8_e4m3fn", "--cases", "exhaustive"}, 1, 1},
      {{"--op", "fma", "--from", "float6_e3m2fn", "--to", "float6_e3m2fn", "--rounding", "rup", "--cases", "random:2000"}, 1, 1},
      {{"--op", "sqrt", "--from", "bfloat16", "--to", "bfloat16", "--ftz", "--cases", "exhaustive"}, 2, 2},
      {{"--op", "convert", "--from", "float32", "--to", "bfloat16", "--rounding", "sr", "--sr-bits", "12", "--cases", "random:2000"}, 4, 2},
  };
  for (const RoundTripCase& c : all) {
    TempDir t;
    const std::string dir = t / "c";
    std::string shown;
    for (const std::string& s : c.spec) shown += s + " ";
    auto made = cli(cases_args(dir, c.spec));
    ASSERT_EQ(made.status, 0) << shown << made.err;
    const json j = read_json(dir + "/cases.json");
    EXPECT_EQ(j["inputs"][0]["width"], c.in_width) << shown;
    EXPECT_EQ(j["output"]["width"], c.out_width) << shown;
    const uint64_t count = j["cases"]["count"].get<uint64_t>();
    for (const json& in : j["inputs"])
      EXPECT_EQ(std::filesystem::file_size(dir + "/" + in["file"].get<std::string>()), count * static_cast<uint64_t>(c.in_width)) << shown;
    write_correct_outputs(dir);
    auto o = cli({"check", dir, "--report", t / "r.json"});
    EXPECT_EQ(o.status, 0) << shown << o.out << o.err;
    EXPECT_EQ(o.out.rfind("PASS  file:c/", 0), 0u) << o.out;
    const json r = read_json(t / "r.json");
    EXPECT_EQ(r["checks"][0]["counts"]["cases"], count) << shown;
    EXPECT_EQ(r["checks"][0]["counts"]["failed"], 0) << shown;
    EXPECT_EQ(cli({"report", "validate", t / "r.json"}).status, 0) << shown;
  }
}

// A program that rounds ties away instead of to even: exactly the tie cases whose lower
// neighbour is odd fail, all in the tie-breaking class, and the diagnosis names rna.
TEST(FileProtocol, TiesAwayFailAsTieBreaking) {
  TempDir t;
  const std::string dir = t / "bf16";
  ASSERT_EQ(cli(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "boundary"})).status, 0);
  fpc::OpSemantics rne = semantics_of(dir), rna = rne;
  rna.rounding = fpc::Rounding::NearestAway;
  uint64_t differing = 0;
  write_outputs(dir, [&](const uint64_t* ops) {
    const uint64_t away = fpc::oracle_case(rna, ops).code, even = fpc::oracle_case(rne, ops).code;
    if (away != even) ++differing;
    return away;
  });
  ASSERT_GT(differing, 0u);
  auto o = cli({"check", dir, "--subject-name", "ties_away", "--report", t / "r.json"});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  EXPECT_EQ(o.out.rfind("FAIL  ties_away/convert_float32_to_bfloat16_rne/boundary", 0), 0u) << o.out;
  const json r = read_json(t / "r.json");
  const json& counts = r["checks"][0]["counts"];
  EXPECT_EQ(counts["failed"], differing);
  EXPECT_EQ(counts["failed_by_class"]["tie_breaking"], differing);
  EXPECT_EQ(r["checks"][0]["diagnosis"]["explained_by"], json::array({"rna"}));
  EXPECT_EQ(r["verdict"], "fail");
}

// One wrong result among correct ones: exactly that case fails, and its counterexample carries
// that case's operands.
TEST(FileProtocol, OneWrongCodeIsFoundAtItsCase) {
  TempDir t;
  const std::string dir = t / "c";
  ASSERT_EQ(cli(cases_args(dir, {"--op", "add", "--from", "float8_e4m3fn", "--to", "float8_e4m3fn", "--cases", "exhaustive"})).status, 0);
  write_correct_outputs(dir);
  // Case 0x3838 is 1 + 1 = 2 (0x40); the program answers 0x41 (2.25), one ulp above.
  std::vector<uint64_t> out = read_codes(dir + "/out.bin", 1);
  ASSERT_EQ(out[0x3838], 0x40u);
  out[0x3838] = 0x41;
  write_codes(dir + "/out.bin", out, 1);
  auto o = cli({"check", dir, "--report", t / "r.json"});
  EXPECT_EQ(o.status, 1) << o.out << o.err;
  const json r = read_json(t / "r.json");
  EXPECT_EQ(r["checks"][0]["counts"]["failed"], 1);
  EXPECT_EQ(r["checks"][0]["counts"]["failed_by_class"]["other"], 1);
  const json& ex = r["checks"][0]["counterexamples"][0];
  EXPECT_EQ(ex["inputs"][0]["code"], "0x38");
  EXPECT_EQ(ex["inputs"][1]["code"], "0x38");
  EXPECT_EQ(ex["expected"]["code"], "0x40");
  EXPECT_EQ(ex["actual"]["code"], "0x41");
  EXPECT_EQ(ex["ulp_distance"], 1);
}

// Bits above the output format's width are a wrong result, not a crash or a silent mask.
TEST(FileProtocol, CodesWiderThanTheFormatFail) {
  TempDir t;
  const std::string dir = t / "c";
  ASSERT_EQ(cli(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "float4_e2m1fn", "--cases", "boundary"})).status, 0);
  write_correct_outputs(dir);
  std::vector<uint64_t> out = read_codes(dir + "/out.bin", 1);
  out[3] |= 0xf0;
  write_codes(dir + "/out.bin", out, 1);
  auto o = cli({"check", dir, "--report", t / "r.json"});
  EXPECT_EQ(o.status, 1) << o.out;
  EXPECT_EQ(read_json(t / "r.json")["checks"][0]["counts"]["failed"], 1);
}

// ---- bad input: exit 2, one line --------------------------------------------------------------

TEST(FileProtocol, BadCasesArgumentsAreInputErrors) {
  TempDir t;
  const std::string dir = t / "c";
  expect_input_error(cases_args(dir, {"--op", "pow", "--from", "float32", "--to", "bfloat16", "--cases", "boundary"}));
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float33", "--to", "bfloat16", "--cases", "boundary"}));
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "everything"}));
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "random:0"}));
  // 2^32 float32 inputs (16 GiB) exceed the protocol's 2^28 cases; float32 pairs exceed 2^32.
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "exhaustive"}));
  expect_input_error(cases_args(dir, {"--op", "add", "--from", "float32", "--to", "float32", "--cases", "exhaustive"}));
  expect_input_error(cases_args(dir, {"--op", "add", "--from", "bfloat16", "--to", "bfloat16", "--cases", "exhaustive"}));
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--rounding", "sr", "--cases", "boundary"}));
  expect_input_error(cases_args(dir, {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--rounding", "sr", "--sr-bits", "8",
                                      "--sr-random", "3", "--cases", "boundary"}));
  expect_input_error({"cases", "--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "boundary"});
  expect_input_error({"cases", "--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "boundary", "-o", dir, "extra"});
  std::ofstream(t / "file") << "x";
  expect_input_error(cases_args(t / "file", {"--op", "convert", "--from", "float32", "--to", "bfloat16", "--cases", "boundary"}));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(FileProtocol, BadCheckArgumentsAreInputErrors) {
  TempDir t;
  const std::string dir = t / "c";
  ASSERT_EQ(cli(cases_args(dir, {"--op", "convert", "--from", "float16", "--to", "bfloat16", "--cases", "boundary"})).status, 0);
  write_correct_outputs(dir);
  expect_input_error({"check"});
  expect_input_error({"check", dir, dir});
  expect_input_error({"check", dir, "--subject-name", "a/b"});
  expect_input_error({"check", dir, "--threads", "0"});
  expect_input_error({"check", dir, "--frobnicate"});
  expect_input_error({"check", t / "nowhere"});
  expect_input_error({"check", dir + "/out.bin"});
  ASSERT_EQ(cli({"check", dir}).status, 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.json"));  // the default report path
}

// A valid directory (bfloat16 -> float32, exhaustive, outputs correct), then one defect at a time.
class BrokenDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(cli(cases_args(dir, {"--op", "mul", "--from", "float8_e5m2", "--to", "float16", "--cases", "random:1000"})).status, 0);
    write_correct_outputs(dir);
    ASSERT_EQ(cli({"check", dir}).status, 0);
    sidecar = read_json(dir + "/cases.json");
  }
  // The check of the directory with the sidecar edited by `edit` is one error line mentioning `what`.
  void expect_sidecar_error(const std::function<void(json&)>& edit, const std::string& what) {
    json j = sidecar;
    edit(j);
    write_json(dir + "/cases.json", j);
    expect_error(what);
    write_json(dir + "/cases.json", sidecar);
  }
  void expect_error(const std::string& what) {
    expect_input_error({"check", dir});
    auto o = cli({"check", dir});
    EXPECT_NE(o.err.find(what), std::string::npos) << o.err;
  }
  TempDir t;
  const std::string dir = t / "c";
  json sidecar;
};

TEST_F(BrokenDirectory, SidecarThatIsMissingOrNotJson) {
  std::filesystem::remove(dir + "/cases.json");
  expect_error("cases.json: no such file");
  write_bytes(dir + "/cases.json", {'{', '"', 's'});
  expect_error("not valid JSON");
  write_json(dir + "/cases.json", json::array({1, 2}));
  expect_error("not a JSON object");
  write_bytes(dir + "/cases.json", {});
  expect_error("not valid JSON");
}

TEST_F(BrokenDirectory, SidecarWithWrongFields) {
  expect_sidecar_error([](json& j) { j["schema"] = "fpconform.cases/2"; }, "schema");
  expect_sidecar_error([](json& j) { j.erase("schema"); }, "missing field schema");
  expect_sidecar_error([](json& j) { j["colour"] = "blue"; }, "unknown field colour");
  expect_sidecar_error([](json& j) { j["byte_order"] = "big"; }, "byte_order");
  expect_sidecar_error([](json& j) { j["semantics"].erase("op"); }, "missing field semantics.op");
  expect_sidecar_error([](json& j) { j["semantics"]["op"] = "pow"; }, "pow");
  expect_sidecar_error([](json& j) { j["semantics"]["op"] = 3; }, "semantics.op must be a string");
  expect_sidecar_error([](json& j) { j["semantics"]["in"] = "float8_e4m3"; }, "inputs[0].format");  // a valid format, but not the files'
  expect_sidecar_error([](json& j) { j["semantics"]["in"] = "float7"; }, "float7");
  expect_sidecar_error([](json& j) { j["semantics"]["out"] = "bfloat17"; }, "bfloat17");
  expect_sidecar_error([](json& j) { j["semantics"]["rounding"] = "nearest"; }, "nearest");
  expect_sidecar_error([](json& j) { j["semantics"]["nan_policy"] = "whatever"; }, "nan_policy");
  expect_sidecar_error([](json& j) { j["semantics"]["inf_under_saturation"] = "zero"; }, "inf_under_saturation");
  expect_sidecar_error([](json& j) { j["semantics"]["saturate"] = "yes"; }, "semantics.saturate must be true or false");
  expect_sidecar_error([](json& j) { j["semantics"]["sr_bits"] = 4; }, "sr_bits");
  expect_sidecar_error([](json& j) { j["semantics"]["sr_bits"] = -1; }, "sr_bits");
  expect_sidecar_error([](json& j) { j["semantics"]["op"] = "sqrt"; }, "inputs lists 2 files");
  expect_sidecar_error([](json& j) { j["cases"]["count"] = 999; }, "cases.count is 999");
  expect_sidecar_error([](json& j) { j["cases"]["count"] = "1000"; }, "cases.count must be a non-negative integer");
  expect_sidecar_error([](json& j) { j["cases"]["seed"] = 2; }, "in0.bin: case ");  // other cases than the files'
  expect_sidecar_error([](json& j) { j["cases"]["kind"] = "all"; }, "cases.kind");
  expect_sidecar_error([](json& j) { j["cases"]["label"] = "boundary"; }, "cases.label");
  expect_sidecar_error([](json& j) { j["cases"]["label"] = "random:x"; }, "random:N");
  expect_sidecar_error([](json& j) { j["inputs"][1]["width"] = 2; }, "inputs[1].width is 2, but float8_e5m2 codes take 1 bytes");
  expect_sidecar_error([](json& j) { j["output"]["width"] = 4; }, "output.width is 4, but float16 codes take 2 bytes");
  expect_sidecar_error([](json& j) { j["output"]["format"] = "bfloat16"; }, "output.format");
  expect_sidecar_error([](json& j) { j["inputs"][0]["file"] = "../in0.bin"; }, "plain file name");
  expect_sidecar_error([](json& j) { j["inputs"][1]["file"] = "in0.bin"; }, "names a file twice");
  expect_sidecar_error([](json& j) { j["inputs"] = "in0.bin"; }, "inputs must be an array");
  expect_sidecar_error([](json& j) { j["inputs"].erase(1); }, "inputs lists 1 files");
  expect_sidecar_error([](json& j) { j["output"] = 5; }, "output must be an object");
  expect_sidecar_error([](json& j) { j["random_bits"] = {{"file", "r.bin"}, {"bits", 8}, {"width", 1}}; }, "random_bits is only");
}

TEST_F(BrokenDirectory, DataFilesOfTheWrongSize) {
  const std::vector<unsigned char> out = read_bytes(dir + "/out.bin"), in = read_bytes(dir + "/in1.bin");
  ASSERT_EQ(out.size(), 2000u);
  write_bytes(dir + "/out.bin", std::vector<unsigned char>(out.begin(), out.end() - 1));
  expect_error("out.bin has 1999 bytes, but 1000 cases of 2-byte codes take 2000 (truncated)");
  write_bytes(dir + "/out.bin", {});
  expect_error("(truncated)");
  std::vector<unsigned char> longer = out;
  longer.push_back(0);
  write_bytes(dir + "/out.bin", longer);
  expect_error("(oversized)");
  write_bytes(dir + "/out.bin", std::vector<unsigned char>(4000));
  expect_error("it looks like 4-byte codes");
  write_bytes(dir + "/out.bin", std::vector<unsigned char>(1000));
  expect_error("it looks like 1-byte codes");
  std::filesystem::remove(dir + "/out.bin");
  expect_error("out.bin: no such file");
  std::filesystem::create_directory(dir + "/out.bin");
  expect_error("out.bin is not a regular file");
  std::filesystem::remove(dir + "/out.bin");
  write_bytes(dir + "/out.bin", out);
  write_bytes(dir + "/in1.bin", std::vector<unsigned char>(in.begin(), in.begin() + 10));
  expect_error("in1.bin has 10 bytes");
  std::filesystem::remove(dir + "/in1.bin");
  expect_error("in1.bin: no such file");
  std::vector<unsigned char> changed = in;
  changed[500] ^= 1;
  write_bytes(dir + "/in1.bin", changed);
  expect_error("in1.bin: case 500 holds");
  write_bytes(dir + "/in1.bin", in);
  EXPECT_EQ(cli({"check", dir}).status, 0);
}

TEST_F(BrokenDirectory, NotADirectory) {
  expect_input_error({"check", dir + "/cases.json"});
}

}  // namespace
