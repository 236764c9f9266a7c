// Every measured tensor-core dot product of the shared GPU data, reproduced bit for bit.
//
// The data (outputs of real V100, A100, Ada, H100 and B200 tensor cores, published by
// F. A. Khattak and M. Mikaitis with their MATLAB tensor-core models, BSD 2-Clause) is read from
// ${PROJECT_SOURCE_DIR}/../shared/mma-hardware; without it these tests skip and say so. A few
// hand-picked rows live in tests/data/mma_hardware_rows.tsv and always run (test_dot.cpp).
#include "dot_hardware_data.hpp"

#include "fpconform/dot.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace fpc {
namespace {

namespace fs = std::filesystem;

// FPC_MMA_HARDWARE_DIR overrides the location (a checkout whose ../shared is elsewhere).
const fs::path kDataDir = std::getenv("FPC_MMA_HARDWARE_DIR")
                              ? fs::path(std::getenv("FPC_MMA_HARDWARE_DIR"))
                              : fs::path(FPC_SOURCE_DIR) / ".." / "shared" / "mma-hardware";

#define SKIP_WITHOUT_DATA()                                                                              \
  if (!fs::is_directory(kDataDir))                                                                       \
  GTEST_SKIP() << "no measured GPU data: " << kDataDir.string()                                          \
               << " is absent (CI clones ../shared beside the repository; see docs/mma.md)"

class HardwareSet : public testing::TestWithParam<test::HardwareSet> {};

// Every row of the set, bit for bit, under the row's model.
TEST_P(HardwareSet, ModelReproducesEveryRow) {
  SKIP_WITHOUT_DATA();
  const test::HardwareSet& set = GetParam();
  std::vector<test::HardwareRow> rows = test::load_rows(kDataDir, set);
  ASSERT_EQ(rows.size(), 5000u) << set.label();
  const DotModel& model = dot_model(set.model, set.input, set.output);
  const Format& in = format_by_name(set.input);
  size_t mismatches = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    uint64_t got = dot(model, in, r.a, r.b, r.c).code;
    if (got != r.d) {
      if (++mismatches <= 5)
        ADD_FAILURE() << set.label() << " row " << i + 1 << ": model " << std::hex << got << ", GPU " << r.d;
    }
  }
  EXPECT_EQ(mismatches, 0u) << set.label() << ": " << rows.size() - mismatches << "/" << rows.size() << " reproduced";
}

// The test can fail: a model fusing fewer products per step misses rows of every set, and one a
// fraction bit short or long misses rows of every set that pins F (FP16 outputs keep 10 fraction
// bits, so there F +- 1 changes none of these rows: those sets pin L and the rounding).
TEST_P(HardwareSet, WrongParametersFail) {
  SKIP_WITHOUT_DATA();
  const test::HardwareSet& set = GetParam();
  std::vector<test::HardwareRow> rows = test::load_rows(kDataDir, set);
  const DotModel& model = dot_model(set.model, set.input, set.output);
  const Format& in = format_by_name(set.input);
  const int K = static_cast<int>(rows.at(0).a.size());
  struct Variant {
    std::string what;
    DotModel m;
  };
  std::vector<Variant> variants;
  if (set.pins_f)
    variants = {{"F-1", with_parameters(model, std::nullopt, model.F - 1)},
                {"F+1", with_parameters(model, std::nullopt, model.F + 1)}};
  // A different step length: half the row's L, or all of K where the row chains steps.
  const int other_L = model.L < K ? K : model.L / 2;
  variants.push_back({"L=" + std::to_string(other_L), with_parameters(model, other_L, std::nullopt)});
  for (const Variant& v : variants) {
    size_t mismatches = 0;
    for (const auto& r : rows) mismatches += dot(v.m, in, r.a, r.b, r.c).code != r.d;
    EXPECT_GT(mismatches, 0u) << set.label() << " with " << v.what << " still reproduces every row";
  }
}

INSTANTIATE_TEST_SUITE_P(Measured, HardwareSet, testing::ValuesIn(test::hardware_sets()),
                         [](const testing::TestParamInfo<test::HardwareSet>& p) { return p.param.test_name(); });

}  // namespace
}  // namespace fpc
