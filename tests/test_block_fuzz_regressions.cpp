// Regressions of what the block property (properties/test_block_subjects.cpp) and the block fuzz
// targets (fuzz/target_block_*.cpp) found; their inputs are also kept under corpus/.
#include "check/block/block_check.hpp"
#include "protocol/block_files.hpp"
#include "fpconform/block_subject.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace {

using fpc::testing_support::TempDir;

// The property shrank [1, sNaN 0x7f800001, 0, ...] for every bitsandbytes CUDA port on the host:
// glibc's fmaxf turned the signalling NaN into a quiet NaN, the next fmaxf(qNaN, 0) dropped it with
// the absmax 1, and the block was stored with absmax 0. docs/quantization.md (and CUDA's fmaxf):
// NaN elements are skipped, so the absmax is 1 (float32 0x3f800000), as for a quiet NaN.
TEST(BlockFuzzRegressions, BnbKernelSkipsASignallingNaNInTheAbsmax) {
  for (const char* name : {"cpu_bnb_fp4_cuda_port", "cpu_bnb_nf4_cuda_port", "cuda_host_bnb_fp4", "cuda_host_bnb_nf4"}) {
    const fpc::BlockSubject& s = fpc::block_subject_by_name(name);
    if (!s.available) continue;
    for (uint32_t nan : {0x7f800001u, 0x7fc00000u, 0xff800001u}) {
      std::vector<uint32_t> block(64, 0);
      block[0] = 0x3f800000u;
      block[1] = nan;
      const fpc::BlockOutput out = s.run(block);
      ASSERT_EQ(out.scale_codes.size(), 1u);
      EXPECT_EQ(out.scale_codes[0], 0x3f800000u) << name << " with NaN 0x" << std::hex << nan;
      const std::vector<fpc::BlockCase> cases = {{"nan", block}};
      const fpc::BlockCheckResult r =
          fpc::check_blocks(s.name, s.claims, cases, 0, 1, [&](size_t, const fpc::BlockCase& c) { return s.run(c.bits); });
      EXPECT_EQ(fpc::block_check_status(r), "pass") << fpc::summary_line(r);
    }
  }
}

// The block_file_protocol target: a sidecar whose label asks for 2^20 random blocks (or 2^16 of
// 4096 values: 2^28 values, 1 GiB) made the reader regenerate them all before it looked at
// values.bin (768 bytes here). Now the counts and values.bin's size are checked first.
TEST(BlockFuzzRegressions, AHugeLabelIsRefusedBeforeTheBlocksAreRegenerated) {
  TempDir tmp;
  const std::string dir = tmp / "cases";
  fpc::QuantOptions claims;
  claims.scheme = "bnb_nf4";
  claims.reference = "cuda";
  claims.blocksize = 64;
  nlohmann::json sidecar = fpc::write_block_cases(dir, claims, fpc::BlockCaseSet::parse("random:3"), 1);
  for (const char* label : {"random:1048576", "all:1048576"}) {
    sidecar["cases"]["label"] = label;
    sidecar["cases"]["kind"] = fpc::BlockCaseSet::parse(label).kind();
    std::ofstream(dir + "/cases.json") << sidecar.dump();
    try {
      const fpc::BlockCasesDirectory d(dir);
      ADD_FAILURE() << label << " was accepted";
    } catch (const fpc::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("at least 1048576 blocks"), std::string::npos) << e.what();
    }
  }
  // The counts right but values.bin short of them: refused by its size, nothing regenerated.
  sidecar["cases"]["label"] = "random:1048576";
  sidecar["cases"]["kind"] = "random";
  sidecar["cases"]["blocks"] = 1048576;
  sidecar["cases"]["values"] = 1048576 * 64;
  std::ofstream(dir + "/cases.json") << sidecar.dump();
  try {
    const fpc::BlockCasesDirectory d(dir);
    ADD_FAILURE() << "accepted";
  } catch (const fpc::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("values.bin"), std::string::npos) << e.what();
  }
}

// The block_file_protocol target: a sidecar that is JSON but not an object (the number 999...), or
// whose "cases" or file entries are not objects, threw nlohmann's invalid_iterator out of the
// reader (fpconform check: "internal error", exit 3) instead of an InputError (exit 2).
TEST(BlockFuzzRegressions, ASidecarThatIsNoObjectIsAnInputError) {
  TempDir tmp;
  const std::string dir = tmp / "cases";
  fpc::QuantOptions claims;
  claims.scheme = "mxfp4";
  const nlohmann::json sidecar = fpc::write_block_cases(dir, claims, fpc::BlockCaseSet::parse("random:1"), 1);
  std::vector<std::string> texts = {"999999999999999999999999", "[]", "\"block\"", "null"};
  for (const char* key : {"cases", "values", "codes", "scales"}) {
    nlohmann::json s = sidecar;
    s[key] = nlohmann::json::array({1, 2});
    texts.push_back(s.dump());
  }
  for (const std::string& text : texts) {
    std::ofstream(dir + "/cases.json") << text;
    try {
      const fpc::BlockCasesDirectory d(dir);
      ADD_FAILURE() << text.substr(0, 60) << " was accepted";
    } catch (const fpc::InputError& e) {
      EXPECT_NE(std::string(e.what()).find("must be an object"), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << text.substr(0, 60) << ": not an InputError: " << e.what();
    }
  }
}

}  // namespace
