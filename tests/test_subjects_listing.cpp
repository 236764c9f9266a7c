// `fpconform subjects` lists the block quantizers next to the element subjects: name,
// availability (and why not), test-only mark, claims. The expected claims are those the kernels
// are written to implement (kernels/cuda/quant_kernel_list.hpp's rows, kernels/cpu/
// block_subjects.cpp's ports), stated here by hand.
#include "fpconform/block_subject.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace {

using fpc::testing_support::cli;
using fpc::testing_support::Outcome;
using nlohmann::json;

const json& named(const json& list, const std::string& name) {
  for (const json& s : list)
    if (s["name"] == name) return s;
  throw std::runtime_error("not listed: " + name);
}

TEST(SubjectsListing, JsonHasBlockSubjectsInTheirOwnArray) {
  Outcome r = cli({"subjects", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const json all = json::parse(r.out);
  ASSERT_TRUE(all.is_object());
  ASSERT_TRUE(all["subjects"].is_array());
  ASSERT_TRUE(all["block_subjects"].is_array());
  EXPECT_NO_THROW((void)named(all["subjects"], "planted_bugs"));  // element subjects stay where they were
  for (const json& s : all["subjects"]) EXPECT_TRUE(s.contains("ops")) << s["name"];

  // Every registered block subject, once, in the registry's order, and nothing else.
  const json& blocks = all["block_subjects"];
  ASSERT_EQ(blocks.size(), fpc::block_subjects().size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const fpc::BlockSubject& s = fpc::block_subjects()[i];
    SCOPED_TRACE(s.name);
    EXPECT_EQ(blocks[i]["name"], s.name);
    EXPECT_EQ(blocks[i]["available"], s.available);
    EXPECT_EQ(blocks[i].contains("unavailable_reason"), !s.available);
    if (!s.available) {
      EXPECT_EQ(blocks[i]["unavailable_reason"], s.unavailable_reason);
    }
    EXPECT_FALSE(blocks[i].contains("ops"));
  }

  const json& mx = named(blocks, "cuda_host_mxfp4");
  EXPECT_EQ(mx["claims"], json({{"scheme", "mxfp4"}, {"reference", "ideal"}, {"blocksize", 32},
                                {"scale_rule", "floor"}, {"rounding", "rne"}}));
  EXPECT_EQ(mx["test_only"], false);
  EXPECT_EQ(named(blocks, "cuda_device_mxfp4_roundup")["claims"]["scale_rule"], "roundup");
  // No MX fields where the scheme has none.
  EXPECT_EQ(named(blocks, "cuda_host_nvfp4")["claims"], json({{"scheme", "nvfp4"}, {"reference", "te"}, {"blocksize", 16}}));
  EXPECT_EQ(named(blocks, "cpu_bnb_nf4_cuda_port")["claims"],
            json({{"scheme", "bnb_nf4"}, {"reference", "cuda"}, {"blocksize", 64}}));
  EXPECT_EQ(named(blocks, "cuda_host_bnb_fp4")["claims"]["reference"], "cuda");

  EXPECT_EQ(named(blocks, "planted_mxfp4_scale_from_amax_over_6")["test_only"], true);
  EXPECT_EQ(named(blocks, "planted_bnb_fp4_cuda_port_as_ideal")["test_only"], true);
  EXPECT_EQ(named(blocks, "cpu_mxfp4")["test_only"], false);
  // The device subjects say why they cannot run on a machine without a GPU.
  const json& device = named(blocks, "cuda_device_mxfp4");
  if (!device["available"].get<bool>()) {
    EXPECT_EQ(device["unavailable_reason"].get<std::string>().rfind("skipped: no CUDA device", 0), 0u) << device;
  }
}

TEST(SubjectsListing, TextShowsClaimsAvailabilityAndTestOnly) {
  Outcome r = cli({"subjects"});
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string& out = r.out;
  const size_t section = out.find("\nblock quantizers ");
  ASSERT_NE(section, std::string::npos) << out;
  EXPECT_LT(out.find("planted_bugs  "), section);  // element subjects first
  for (const fpc::BlockSubject& s : fpc::block_subjects()) {
    const std::string header = s.name + "  " + (s.available ? "available" : "unavailable: " + s.unavailable_reason) +
                               (s.test_only ? "  (test only)" : "") + "  — ";
    EXPECT_GT(out.find("\n" + header, section), section) << header;
  }
  const size_t mx = out.find("\ncuda_host_mxfp4  ", section);
  ASSERT_NE(mx, std::string::npos);
  const size_t claims = out.find('\n', mx + 1);
  EXPECT_EQ(out.substr(claims, out.find('\n', claims + 1) - claims),
            "\n  claims scheme mxfp4, reference ideal, blocksize 32, scale_rule floor, rounding rne");
  EXPECT_NE(out.find("\ncpu_bnb_fp4_cuda_port  available  — "), std::string::npos);
  EXPECT_NE(out.find("\n  claims scheme bnb_fp4, reference cuda, blocksize 64\n"), std::string::npos);
}

}  // namespace
