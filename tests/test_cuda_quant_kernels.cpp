// The CUDA block quantization kernels (kernels/cuda/quant_kernels.cuh) as block subjects:
// cuda_host_* (the CUDA headers' host path) bit-exact with the reference each claims over the
// adversarial and random block cases; golden blocks worked out by hand from the OCP MX v1.0
// specification (section 6.3) and the bitsandbytes NF4 decision tree; cuda_device_* listed as
// unavailable without a GPU (never faked) and bit-exact with the same references on one.
#include "check/block/block_check.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using fpc::testing_support::cli;

std::vector<const fpc::BlockSubject*> cuda_subjects(const std::string& prefix) {
  std::vector<const fpc::BlockSubject*> s;
  for (const fpc::BlockSubject& b : fpc::block_subjects())
    if (b.name.rfind(prefix, 0) == 0) s.push_back(&b);
  return s;
}

std::vector<uint32_t> bits(std::initializer_list<float> values, size_t pad_to) {
  std::vector<uint32_t> b;
  for (float v : values) b.push_back(std::bit_cast<uint32_t>(v));
  b.resize(pad_to, 0);  // +0.0f
  return b;
}

// Every kernel of quant_kernel_list.hpp is listed twice, with the same claim.
TEST(CudaQuantKernels, EveryKernelIsAHostAndADeviceSubject) {
  const auto host = cuda_subjects("cuda_host_");
  const auto device = cuda_subjects("cuda_device_");
  ASSERT_EQ(host.size(), 17u);
  ASSERT_EQ(device.size(), host.size());
  for (size_t i = 0; i < host.size(); ++i) {
    EXPECT_EQ(host[i]->name.substr(10), device[i]->name.substr(12));
    EXPECT_EQ(host[i]->claims.scheme, device[i]->claims.scheme);
    EXPECT_EQ(host[i]->claims.reference, device[i]->claims.reference);
    EXPECT_EQ(host[i]->claims.scale_rule, device[i]->claims.scale_rule);
    EXPECT_FALSE(host[i]->test_only);
  }
  EXPECT_EQ(fpc::block_subject_by_name("cuda_host_mxfp4_roundup").claims.scale_rule, fpc::MxScaleRule::RoundUp);
  EXPECT_EQ(fpc::block_subject_by_name("cuda_host_nvfp4").claims.reference, "te");
  EXPECT_EQ(fpc::block_subject_by_name("cuda_host_bnb_nf4").claims.reference, "cuda");
}

#if defined(FPC_KERNELS_HAVE_CUDA_HOST)
// The verdict of the whole task: every host-path kernel agrees bit for bit (element codes and
// scale codes) with the reference it claims, on every adversarial kind and 24 random blocks.
TEST(CudaQuantKernels, HostPathMatchesTheClaimedReference) {
  for (const fpc::BlockSubject* s : cuda_subjects("cuda_host_")) {
    SCOPED_TRACE(s->name);
    ASSERT_TRUE(s->available) << s->unavailable_reason;
    fpc::BlockCheckResult r = fpc::run_block_check(*s, 24, 11);
    EXPECT_TRUE(r.passed) << fpc::summary_line(r);
    EXPECT_GE(r.distances.front().blocks + 1, r.blocks) << fpc::summary_line(r);  // at most the NaN/inf block undefined
  }
}

// OCP MX v1.0 6.3 by hand: an MXFP4 block whose amax is 6 * 2^3 = 48 gets X = 2^(floor(log2 48) - 2)
// = 2^3 (E8M0 code 127 + 3), and V / X rounds exactly: 48 -> 6 (code 7), 24 -> 3 (5), -12 -> -1.5
// (0xb), 4 -> 0.5 (1), 0 -> 0. The round-up rule gives the same scale: 48 * (1/6) = 8 = 2^3.
TEST(CudaQuantKernels, Mxfp4GoldenBlockAmaxSixTimesPowerOfTwo) {
  const std::vector<uint32_t> block = bits({48, 24, -12, 4}, 32);
  for (const char* name : {"cuda_host_mxfp4", "cuda_host_mxfp4_roundup"}) {
    SCOPED_TRACE(name);
    fpc::BlockOutput out = fpc::block_subject_by_name(name).run(block);
    ASSERT_EQ(out.scale_codes.size(), 1u);
    EXPECT_EQ(out.scale_codes[0], 130u);
    EXPECT_EQ(out.codes[0], 0x7u);
    EXPECT_EQ(out.codes[1], 0x5u);
    EXPECT_EQ(out.codes[2], 0xbu);
    EXPECT_EQ(out.codes[3], 0x1u);
    EXPECT_EQ(out.codes[31], 0x0u);
  }
}

// amax 56 = 7 * 2^3: the floor rule keeps X = 2^3 and 56 / 8 = 7 saturates to 6 (code 7, the
// spec's clamp); the round-up rule takes X = 2^ceil(log2(56/6)) = 2^4, 56 / 16 = 3.5 ties to 4
// (code 6), and 24 / 16 = 1.5 (code 3).
TEST(CudaQuantKernels, Mxfp4FloorSaturatesWhereRoundUpDoesNot) {
  const std::vector<uint32_t> block = bits({56, 24}, 32);
  fpc::BlockOutput floor_rule = fpc::block_subject_by_name("cuda_host_mxfp4").run(block);
  EXPECT_EQ(floor_rule.scale_codes[0], 130u);
  EXPECT_EQ(floor_rule.codes[0], 0x7u);
  EXPECT_EQ(floor_rule.codes[1], 0x5u);
  fpc::BlockOutput round_up = fpc::block_subject_by_name("cuda_host_mxfp4_roundup").run(block);
  EXPECT_EQ(round_up.scale_codes[0], 131u);
  EXPECT_EQ(round_up.codes[0], 0x6u);
  EXPECT_EQ(round_up.codes[1], 0x3u);
}

// MXFP8 E4M3 (emax 8): amax 448 gives X = 2^0 (code 127) and 448 -> 0x7e; a block holding NaN
// gets the NaN scale 0xFF (spec 6.3), as does one holding +inf; an all-zero block the smallest
// scale 2^-127 (code 0); MXINT8 (emax 0): amax 1.5 -> X = 1, 1.5 * 64 = 96 (0x60), -0.25 -> -16 (0xf0).
TEST(CudaQuantKernels, MxGoldenScalesAndSpecialBlocks) {
  const fpc::BlockSubject& e4m3 = fpc::block_subject_by_name("cuda_host_mxfp8_e4m3");
  fpc::BlockOutput out = e4m3.run(bits({448, 1, -2}, 32));
  EXPECT_EQ(out.scale_codes[0], 127u);
  EXPECT_EQ(out.codes[0], 0x7eu);
  EXPECT_EQ(out.codes[1], 0x38u);
  EXPECT_EQ(out.codes[2], 0xc0u);
  EXPECT_EQ(e4m3.run(bits({1, std::numeric_limits<float>::quiet_NaN()}, 32)).scale_codes[0], 0xffu);
  EXPECT_EQ(e4m3.run(bits({1, std::numeric_limits<float>::infinity()}, 32)).scale_codes[0], 0xffu);
  EXPECT_EQ(fpc::block_subject_by_name("cuda_host_mxfp8_e4m3_roundup")
                .run(bits({1, std::numeric_limits<float>::infinity()}, 32))
                .scale_codes[0],
            0xffu);
  EXPECT_EQ(e4m3.run(bits({0, -0.0f}, 32)).scale_codes[0], 0u);
  fpc::BlockOutput int8 = fpc::block_subject_by_name("cuda_host_mxint8").run(bits({1.5f, -0.25f}, 32));
  EXPECT_EQ(int8.scale_codes[0], 127u);
  EXPECT_EQ(int8.codes[0], 0x60u);
  EXPECT_EQ(int8.codes[1], 0xf0u);
}

// The smallest scale, 2^-127 (E8M0 code 0), still scales: a block of float32 subnormals with amax
// 2^-130 has floor(log2 amax) - 8 = -138, clamped to -127 (round-up: 2^-130 / 448 is below 2^-127
// too), and 2^-130 / 2^-127 = 0.125 is E4M3 0x20, -2^-131 -> -0.0625 = 0x98. (TransformerEngine's
// exp2f_rcp multiplies by 1.0 at code 0 instead, which gives zero codes: docs/quantization.md.)
TEST(CudaQuantKernels, SmallestScaleStillScalesSubnormalBlocks) {
  for (const char* name : {"cuda_host_mxfp8_e4m3", "cuda_host_mxfp8_e4m3_roundup"}) {
    SCOPED_TRACE(name);
    fpc::BlockOutput out = fpc::block_subject_by_name(name).run(bits({0x1p-130f, -0x1p-131f}, 32));
    EXPECT_EQ(out.scale_codes[0], 0u);
    EXPECT_EQ(out.codes[0], 0x20u);
    EXPECT_EQ(out.codes[1], 0x98u);
  }
}

// NVFP4 (TransformerEngine's recipe), one block, tensor amax 6: S_enc = 2688 / 6 = 448, the block
// scale E4M3(6 * 448 / 6) = 448 (0x7e, within float32 ulps of 448, far from E4M3's 416/448
// midpoint), the element scale 1 within a float32 ulp: 6 -> code 7, -3 -> 0xd, 1 -> 2, 0.5 -> 1.
TEST(CudaQuantKernels, Nvfp4GoldenBlock) {
  fpc::BlockOutput out = fpc::block_subject_by_name("cuda_host_nvfp4").run(bits({6, -3, 1, 0.5f}, 16));
  ASSERT_EQ(out.scale_codes.size(), 1u);
  EXPECT_EQ(out.scale_codes[0], 0x7eu);
  EXPECT_EQ(out.codes[0], 0x7u);
  EXPECT_EQ(out.codes[1], 0xdu);
  EXPECT_EQ(out.codes[2], 0x2u);
  EXPECT_EQ(out.codes[3], 0x1u);
}

// bitsandbytes NF4 (dQuantizeNF4's tree): absmax 2; 2 -> 1 -> code 15, -2 -> -1 -> code 0,
// 0 -> code 7 (0 is above -0.0455 and not above 0.0398), 1 -> 0.5 -> code 12 (0.5 is between
// 0.3893 and 0.5017); the stored absmax is float32 2 (0x40000000).
TEST(CudaQuantKernels, BnbNf4GoldenBlock) {
  fpc::BlockOutput out = fpc::block_subject_by_name("cuda_host_bnb_nf4").run(bits({2, -2, 0, 1}, 64));
  EXPECT_EQ(out.scale_codes[0], 0x40000000u);
  EXPECT_EQ(out.codes[0], 15u);
  EXPECT_EQ(out.codes[1], 0u);
  EXPECT_EQ(out.codes[2], 7u);
  EXPECT_EQ(out.codes[3], 12u);
}

// A tensor of several blocks (and a short last block) is quantized block after block: the same
// codes as quantizing each block alone, one scale per block.
TEST(CudaQuantKernels, SeveralBlocksAndAShortTail) {
  const fpc::BlockSubject& s = fpc::block_subject_by_name("cuda_host_mxfp6_e3m2");
  std::vector<uint32_t> x = bits({1, 2, 3}, 32);
  std::vector<uint32_t> second = bits({-100, 0.125f, 7}, 32);
  x.insert(x.end(), second.begin(), second.end());
  x.push_back(std::bit_cast<uint32_t>(0.75f));
  fpc::BlockOutput all = s.run(x);
  ASSERT_EQ(all.scale_codes.size(), 3u);
  ASSERT_EQ(all.codes.size(), 65u);
  fpc::BlockOutput b = s.run(second);
  EXPECT_EQ(all.scale_codes[1], b.scale_codes[0]);
  EXPECT_EQ(std::vector<uint64_t>(all.codes.begin() + 32, all.codes.begin() + 64), b.codes);
  fpc::BlockOutput tail = s.run(std::vector<uint32_t>{x.back()});
  EXPECT_EQ(all.scale_codes[2], tail.scale_codes[0]);
  EXPECT_EQ(all.codes[64], tail.codes[0]);
}
#endif

// Without a GPU the device subjects are listed, unavailable, and never run (no made-up results);
// with one they pass like the host path.
TEST(CudaQuantKernels, DeviceSubjectsRunOnlyOnAGpu) {
  for (const fpc::BlockSubject* s : cuda_subjects("cuda_device_")) {
    SCOPED_TRACE(s->name);
    if (!s->available) {
      EXPECT_NE(s->unavailable_reason.find("no CUDA device"), std::string::npos) << s->unavailable_reason;
      EXPECT_THROW(s->run(std::vector<uint32_t>(32, 0)), std::logic_error);
      fpc::BlockCheckResult r = fpc::run_block_check(*s, 4, 1);
      EXPECT_FALSE(r.passed);
      EXPECT_EQ(r.skipped, s->unavailable_reason);
      EXPECT_EQ(fpc::summary_line(r).rfind("SKIP  " + s->name, 0), 0u) << fpc::summary_line(r);
      continue;
    }
    fpc::BlockCheckResult r = fpc::run_block_check(*s, 24, 11);
    EXPECT_TRUE(r.passed) << fpc::summary_line(r);
  }
}

// `quantize --check all` runs the host kernels and reports the device ones as skipped (exit 0).
TEST(CudaQuantKernels, CheckAllCli) {
  auto r = cli({"quantize", "--check", "all", "--blocks", "2"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
#if defined(FPC_KERNELS_HAVE_CUDA_HOST)
  EXPECT_NE(r.out.find("PASS  cuda_host_mxfp8_e4m3  mxfp8_e4m3[ideal]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  cuda_host_nvfp4  nvfp4[te]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PASS  cuda_host_mxfp4_roundup  mxfp4[ideal, roundup]"), std::string::npos) << r.out;
#endif
  if (!fpc::block_subject_by_name("cuda_device_mxfp4").available) {
    EXPECT_NE(r.out.find("SKIP  cuda_device_mxfp4  mxfp4[ideal]  skipped: no CUDA device"), std::string::npos) << r.out;
  }
}

}  // namespace
