// fpconform quantize: listing, text and JSON output, error statistics, bad input.
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;
using fpc::testing_support::TempDir;
using nlohmann::json;

TEST(QuantCli, ListsEveryScheme) {
  Outcome o = cli({"quantize", "--list"});
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* s : {"bnb_fp4", "bnb_nf4", "llm_int8_row", "llm_int8_col", "uint4_group", "int4_group", "mxfp8_e4m3",
                        "mxfp8_e5m2", "mxfp6_e2m3", "mxfp6_e3m2", "mxfp4", "mxint8", "nvfp4"})
    EXPECT_NE(o.out.find(s), std::string::npos) << s;
  Outcome j = cli({"quantize", "--list", "--json"});
  ASSERT_EQ(j.status, 0);
  EXPECT_EQ(json::parse(j.out).size(), 13u);
}

// SEEDS: [1, 2, 3, 4] -> bytes [117, 35] = 75 23 hex. The only error is 3 - 4 * float32(2/3) =
// 0.3333332538604736328125; RMS = that / 2; SQNR = 10 log10(30 / 0.33333325^2) = 24.31 dB.
TEST(QuantCli, TextOutputOfTheSeed) {
  Outcome o = cli({"quantize", "--scheme", "bnb_fp4", "1", "2", "3", "4"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("packed: 75 23\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("3 -> 0x2 -> 2.6666667461395263671875"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("max abs 0.3333332538604736328125"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("rms ~0.166666627"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("sqnr 24.31 dB"), std::string::npos) << o.out;
}

TEST(QuantCli, JsonOutput) {
  Outcome o = cli({"quantize", "--scheme", "bnb_fp4", "--faithful", "cuda", "--json", "1", "2", "3", "64"});
  ASSERT_EQ(o.status, 0) << o.err;
  json j = json::parse(o.out);
  EXPECT_EQ(j["reference"], "cuda");
  EXPECT_EQ(j["packed"], "11 13");
  EXPECT_EQ(j["blocks"][0]["scale"], "64");
  EXPECT_EQ(j["blocks"][0]["scale_code"], "0x42800000");
  EXPECT_EQ(j["values"][3]["dequantized"], "64");
  EXPECT_EQ(j["error"]["compared"], 4);
}

// MX options: --scale-rule ceil on amax 7 gives E = 1 (E8M0 0x80); --rounding for elements.
TEST(QuantCli, MxOptions) {
  Outcome o = cli({"quantize", "--scheme", "mxfp4", "--scale-rule", "ceil", "--json", "7"});
  ASSERT_EQ(o.status, 0) << o.err;
  json j = json::parse(o.out);
  EXPECT_EQ(j["blocks"][0]["scale_code"], "0x80");
  EXPECT_EQ(j["values"][0]["dequantized"], "8");
  Outcome r = cli({"quantize", "--scheme", "mxfp4", "--rounding", "rtz", "--json", "6", "2.9"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["values"][1]["dequantized"], "2");
}

// Faithful references read float32 tensors: 0.1 becomes float32(0.1) = 13421773 * 2^-27 first.
TEST(QuantCli, FaithfulInputsAreRoundedToFloat32) {
  Outcome o = cli({"quantize", "--scheme", "bnb_fp4", "--faithful", "cuda", "--json", "0.1", "1"});
  ASSERT_EQ(o.status, 0) << o.err;
  json j = json::parse(o.out);
  EXPECT_EQ(j["inputs_rounded_to_float32"], 1);
  EXPECT_EQ(j["values"][0]["input"], "0.100000001490116119384765625");
  Outcome t = cli({"quantize", "--scheme", "bnb_fp4", "--faithful", "cpu", "0.1", "1"});
  EXPECT_NE(t.out.find("1 input value(s) rounded to float32"), std::string::npos) << t.out;
}

TEST(QuantCli, InputFileAndNonFinite) {
  TempDir dir;
  std::ofstream(dir / "v.txt") << "# a block with NaN\n1 nan\n2\n";
  Outcome o = cli({"quantize", "--scheme", "mxfp8_e4m3", "--input", dir / "v.txt"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("NaN scale"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("3 non-finite skipped"), std::string::npos) << o.out;
}

TEST(QuantCli, BadInput) {
  expect_input_error({"quantize"});
  expect_input_error({"quantize", "--scheme", "bnb_fp5", "1"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--blocksize", "48", "1"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--blocksize", "0", "1"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--reference", "te", "1"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--scale-rule", "ceil", "1"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "one"});
  expect_input_error({"quantize", "--scheme", "mxfp4", "--scale-rule", "nearest", "1"});
  expect_input_error({"quantize", "--scheme", "mxfp4", "--rounding", "sr", "1"});
  expect_input_error({"quantize", "--scheme", "llm_int8_row", "--cols", "2", "1", "2", "3"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--input", "/nonexistent/values.txt"});
  expect_input_error({"quantize", "--scheme", "bnb_fp4", "--input", "/dev/null", "1"});
  expect_input_error({"quantize", "--list", "--scheme", "bnb_fp4"});
  expect_input_error({"quantize", "--scheme", "nvfp4", "1", "nan"});
}

}  // namespace
