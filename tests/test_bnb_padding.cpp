// bitsandbytes' packing of an odd number of 4-bit codes: the last byte's low nibble is the code of
// 0.0 (bitsandbytes/backends/default/ops.py pads the scaled values with a 0 before bucketize; the
// CUDA kernel loads 0.0 past the end), so NF4 pads code 7 (its 0.0) and FP4 code 0.
#include "fpconform/exact.hpp"
#include "fpconform/quantize.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

fpc::Quantized quantize3(const std::string& scheme, const std::string& reference) {
  // Three values: only the padding nibble of the second byte is checked here.
  const std::vector<fpc::ExactValue> v = {fpc::parse_value("1"), fpc::parse_value("-0.5"), fpc::parse_value("0.25")};
  fpc::QuantOptions o;
  o.scheme = scheme;
  o.reference = reference;
  o.blocksize = 64;
  return fpc::quantize(v, o);
}

}  // namespace

TEST(BnbPadding, OddCountPadsTheCodeOfZero) {
  for (const char* reference : {"ideal", "cpu", "cuda"}) {
    const fpc::Quantized nf4 = quantize3("bnb_nf4", reference);
    ASSERT_EQ(nf4.packed.size(), 2u);
    EXPECT_EQ(nf4.packed[1] & 0x0F, 7) << reference;  // NF4 table entry 7 is 0.0
    EXPECT_EQ(nf4.packed[1] >> 4, static_cast<int>(nf4.codes[2])) << reference;
    const fpc::Quantized fp4 = quantize3("bnb_fp4", reference);
    ASSERT_EQ(fp4.packed.size(), 2u);
    EXPECT_EQ(fp4.packed[1] & 0x0F, 0) << reference;  // FP4 code 0 is +0
  }
}

TEST(BnbPadding, CudaPadsCodeZeroAfterAnAllZeroLastBlock) {
  // CUDA scales the padding 0.0 by 1/absmax = 1/0: 0 * inf = NaN fails every comparison -> code 0.
  const std::vector<fpc::ExactValue> v = {fpc::parse_value("0"), fpc::parse_value("0"), fpc::parse_value("0")};
  fpc::QuantOptions o;
  o.scheme = "bnb_nf4";
  o.reference = "cuda";
  o.blocksize = 64;
  EXPECT_EQ(fpc::quantize(v, o).packed[1] & 0x0F, 0);
  o.reference = "cpu";  // the CPU pads after scaling: the code of 0.0
  EXPECT_EQ(fpc::quantize(v, o).packed[1] & 0x0F, 7);
}

TEST(BnbPadding, EvenCountHasNoPadding) {
  std::vector<fpc::ExactValue> v = {fpc::parse_value("1"), fpc::parse_value("0.25")};
  fpc::QuantOptions o;
  o.scheme = "bnb_nf4";
  o.blocksize = 64;
  const fpc::Quantized q = fpc::quantize(v, o);
  ASSERT_EQ(q.packed.size(), 1u);
  EXPECT_EQ(q.packed[0], static_cast<uint8_t>(q.codes[0] << 4 | q.codes[1]));
}
