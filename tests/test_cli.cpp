// The command line, run in-process (fpc::cli::run) and, for stdin filtering, as a process.
#include "cli/cli.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <sstream>

namespace {

using fpc::testing_support::cli;
using fpc::testing_support::expect_input_error;
using fpc::testing_support::Outcome;

std::string run_process(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return "popen failed";
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  int status = pclose(pipe);
  return output + "status=" + std::to_string(WEXITSTATUS(status));
}

}  // namespace

TEST(Cli, ConvertPrintsCodeFieldsValueAndFlags) {
  Outcome o = cli({"convert", "--to", "float8_e4m3fn", "--rounding", "rne", "3.14"});
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out, "3.14 -> 0x45  0.1000.101  3.25  [inexact]\n");
}

TEST(Cli, ConvertJsonFromCode) {
  Outcome o = cli({"convert", "--from", "float32", "--to", "float16", "--json", "0x40490fdb"});
  ASSERT_EQ(o.status, 0) << o.err;
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["results"][0]["result"]["code"], "0x4248");
  EXPECT_EQ(j["results"][0]["result"]["exact"], "3.140625");
  EXPECT_EQ(j["results"][0]["result"]["fields"], "0.10000.1001001000");
  EXPECT_EQ(j["results"][0]["flags"], nlohmann::json::array({"inexact"}));
  EXPECT_EQ(j["from"], "float32");
}

TEST(Cli, StochasticNeedsItsBits) {
  expect_input_error({"convert", "--to", "float16", "--rounding", "sr", "1.5"});
  Outcome o = cli({"convert", "--to", "float16", "--rounding", "sr", "--sr-bits", "3", "--sr-random", "3", "0x1.0028p0"});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("0x3c01"), std::string::npos) << o.out;
}

TEST(Cli, InfoGivesTorchFinfoFieldsOfBfloat16) {
  Outcome o = cli({"info", "bfloat16", "--json"});
  ASSERT_EQ(o.status, 0) << o.err;
  auto t = nlohmann::json::parse(o.out)["torch_finfo"];
  EXPECT_EQ(t["max"], "3.38953e+38");
  EXPECT_EQ(t["min"], "-3.38953e+38");
  EXPECT_EQ(t["eps"], "0.0078125");
  EXPECT_EQ(t["smallest_normal"], "1.17549e-38");
  EXPECT_EQ(t["tiny"], "1.17549e-38");
  EXPECT_EQ(t["resolution"], "0.01");
  EXPECT_EQ(t["bits"], 16);
  // The true smallest subnormal, 2^-133, exactly.
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["min_subnormal"]["code"], "0x0001");
  EXPECT_EQ(j["min_subnormal"]["decimal"], "9.18355e-41");
}

TEST(Cli, InfoListsNanAndInfEncodings) {
  auto j = nlohmann::json::parse(cli({"info", "float8_e4m3fn", "--json"}).out);
  EXPECT_EQ(j["nan_codes"], nlohmann::json::array({"0x7f", "0xff"}));
  EXPECT_EQ(j["inf_codes"], nlohmann::json::array());
  EXPECT_EQ(j["max"]["exact"], "448");
  auto h = nlohmann::json::parse(cli({"info", "float16", "--json"}).out);
  EXPECT_EQ(h["nan_codes"], nlohmann::json::array({"0x7c01..0x7fff", "0xfc01..0xffff"}));
  EXPECT_EQ(h["inf_codes"], nlohmann::json::array({"0x7c00", "0xfc00"}));
}

TEST(Cli, EnumerateListsEveryCode) {
  Outcome o = cli({"enumerate", "float4_e2m1fn"});
  ASSERT_EQ(o.status, 0);
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 16);
  EXPECT_NE(o.out.find("0x7  0.11.1  normal    6\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("0x9  1.00.1  subnormal -0.5\n"), std::string::npos) << o.out;
  auto j = nlohmann::json::parse(cli({"enumerate", "float8_e5m2", "--json"}).out);
  EXPECT_EQ(j["codes"].size(), 256u);
  EXPECT_EQ(j["codes"][0x7c]["class"], "inf");
  expect_input_error({"enumerate", "float32"});
}

TEST(Cli, EvalArithmeticAndCompare) {
  Outcome o = cli({"eval", "fma", "--format", "float16", "0x3c03", "0x3c03", "-1"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("-> 0x1e02"), std::string::npos) << o.out;
  EXPECT_NE(cli({"eval", "compare", "--format", "float16", "nan", "1"}).out.find("unordered"), std::string::npos);
  EXPECT_NE(cli({"eval", "compare", "--format", "float16", "-0", "0"}).out.find("equal"), std::string::npos);
  expect_input_error({"eval", "add", "--format", "float16", "0.1", "1"});  // 0.1 is not a float16 value
  expect_input_error({"eval", "add", "--format", "float16", "1"});
  expect_input_error({"eval", "frobnicate", "--format", "float16", "1", "1"});
}

TEST(Cli, BadInputIsOneLineAndStatus2) {
  expect_input_error({});
  expect_input_error({"bogus"});
  expect_input_error({"convert", "--to", "float9", "1"});
  expect_input_error({"convert", "--to", "e4m3:bias=x", "1"});
  expect_input_error({"convert", "--to", "float16", "1.2.3"});
  expect_input_error({"convert", "--to", "float16", "--rounding", "nearest", "1"});
  expect_input_error({"convert", "--to", "float16", "--from", "float8_e4m3fn", "0x100"});
  expect_input_error({"convert", "--to", "float16", "--from", "float8_e4m3fn", "zz"});
  expect_input_error({"convert", "--to"});
  expect_input_error({"convert", "--to", "float16", "--frobnicate", "1"});
  expect_input_error({"info"});
  expect_input_error({"selfcheck", "--golden", "/nonexistent/file.tsv"});
}

TEST(Cli, FilterModeMapsCodesLineByLine) {
  std::string cmd = std::string("printf '3c00\\n0x7bff\\n7C01\\n0001\\n' | ") + FPC_CLI_PATH +
                    " convert --from float16 --to float8_e4m3fn --saturate 2>&1; echo";
  EXPECT_EQ(run_process(cmd), "0x38\n0x7e\n0x7f\n0x00\n\nstatus=0");
  std::string bad = std::string("printf '3c00\\nxyz\\n' | ") + FPC_CLI_PATH +
                    " convert --from float16 --to float32 2>&1; echo";
  EXPECT_EQ(run_process(bad), "0x3f800000\nfpconform: error: stdin line 2: malformed code 'xyz' for float16\n\nstatus=0");
}

// Filter mode reads hex only: a leading 0b/0B is two hex digits, never a binary prefix (TestFloat
// writes bare uppercase hex). Expected codes from the IEEE layouts: float16 0x0BDE is
// 2^-13 * (1 + 990/1024), float32 exponent 114 (0x72 << 23) with mantissa 990 << 13 = 0x397bc000;
// float32 0x0b03ffff to bfloat16 keeps the top half 0x0b03 and rounds up (dropped 0xffff > half).
TEST(Cli, FilterModeReadsHexOnly) {
  auto filter = [](const std::string& lines, const std::string& args) {
    return run_process("printf '" + lines + "' | " + FPC_CLI_PATH + " convert " + args + " 2>&1");
  };
  EXPECT_EQ(filter("0BDE\n0bde\n0x0BDE\n  0bde  \n", "--from float16 --to float32"),
            "0x397bc000\n0x397bc000\n0x397bc000\n0x397bc000\nstatus=0");
  EXPECT_EQ(filter("0b03ffff\n0x0b03ffff\n0B03FFFF\n", "--from float32 --to bfloat16"),
            "0x0b04\n0x0b04\n0x0b04\nstatus=0");
  // On the command line 0b stays the binary prefix.
  EXPECT_EQ(cli({"convert", "--from", "float16", "--to", "float32", "--json", "0b0011110000000000"}).status, 0);
  EXPECT_NE(cli({"convert", "--from", "float16", "--to", "float32", "--json", "0b0011110000000000"}).out.find("0x3f800000"),
            std::string::npos);
}

// TestFloat's testfloat_gen lines (operand, expected result, flags) go through unchanged: the
// first field is the code. 1.0 is float16 0x3C00; float32 0x0B03FFFF (about 2^-105) is below half
// of float16's least subnormal 2^-24, so it rounds to +0 (flags 03: inexact, underflow).
TEST(Cli, FilterModeTakesTestFloatLines) {
  const std::string lines = "3F800000 3C00 00\n0B03FFFF 0000 03\n";
  std::string got = run_process("printf '" + lines + "' | " + FPC_CLI_PATH + " convert --from float32 --to float16 2>&1");
  EXPECT_EQ(got, "0x3c00\n0x0000\nstatus=0");
}

TEST(Cli, FilterModeNamesTheBadLineAndKeepsTheLinesBefore) {
  std::string got = run_process(std::string("printf '3c00\\n0x3c00\\n\\nzz\\n7c00\\n' | ") + FPC_CLI_PATH +
                                " convert --from float16 --to float32 2>&1");
  EXPECT_EQ(got, "0x3f800000\n0x3f800000\nfpconform: error: stdin line 4: malformed code 'zz' for float16\nstatus=2");
  got = run_process(std::string("printf '0x3c00\\n0x13c00\\n' | ") + FPC_CLI_PATH +
                    " convert --from float16 --to float32 2>&1");
  EXPECT_EQ(got, "0x3f800000\nfpconform: error: stdin line 2: code '0x13c00' does not fit float16 (16 bits)\nstatus=2");
}

TEST(Cli, SelfcheckPassesEveryGoldenVector) {
  Outcome o = cli({"selfcheck", "--json"});
  ASSERT_EQ(o.status, 0) << o.out;
  auto j = nlohmann::json::parse(o.out);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_GE(j["summary"]["vectors"].get<int>(), 100);
  EXPECT_EQ(j["summary"]["failed"], 0);
}

TEST(Cli, SelfcheckFailsOnAWrongVector) {
  // A golden file that states a wrong answer must fail the self-check (exit 1), not pass it.
  std::string path = testing::TempDir() + "/wrong.tsv";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("convert float8_e4m3fn - 3.14 0x44 3 inexact deliberately wrong\n", f);
  std::fclose(f);
  Outcome o = cli({"selfcheck", "--golden", path});
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.out.find("got 0x45 3.25"), std::string::npos) << o.out;
}
