// The one check record (harness/check/check_record.hpp): the status rule both kinds of check use,
// and the common JSON fields, written as reports/schema/report.schema.json describes them for
// every check and read back.
#include "check/check_record.hpp"

#include <gtest/gtest.h>

namespace {

TEST(CheckRecord, OneStatusRule) {
  EXPECT_EQ(fpc::check_status({}), "pass");
  EXPECT_EQ(fpc::check_status({.differs = true}), "fail");
  EXPECT_EQ(fpc::check_status({.differs = true, .known_deviation = true}), "known_deviation");
  EXPECT_EQ(fpc::check_status({.known_deviation = true}), "pass");  // nothing differs: nothing to excuse
  EXPECT_EQ(fpc::check_status({.error = true, .differs = true}), "error");
  EXPECT_EQ(fpc::check_status({.skipped = true, .error = true, .differs = true}), "skipped");
  for (const char* s : {"fail", "error"}) EXPECT_TRUE(fpc::failing_status(s)) << s;
  for (const char* s : {"pass", "known_deviation", "skipped"}) EXPECT_FALSE(fpc::failing_status(s)) << s;
  EXPECT_EQ(fpc::check_line("known_deviation", "s/op/exhaustive", "12 cases"), "KNOWN_DEVIATION  s/op/exhaustive  12 cases");
}

TEST(CheckRecord, CommonFieldsRoundTrip) {
  fpc::CheckCommon c;
  c.subject = "cpu_mxfp4";
  c.entry = "native";
  c.case_label = "all:8";
  c.seed = 3;
  c.range_begin = 2;
  c.range_end = 9;
  c.status = "skipped";
  c.skipped_reason = "no GPU";
  c.seconds = 0.5;
  const nlohmann::json j = fpc::common_to_json(c, "cpu_mxfp4/mxfp4/all:8", 14);
  EXPECT_EQ(j, (nlohmann::json{{"id", "cpu_mxfp4/mxfp4/all:8"},
                               {"subject", "cpu_mxfp4"},
                               {"entry", "native"},
                               {"status", "skipped"},
                               {"skipped_reason", "no GPU"},
                               {"cases", {{"kind", "all"}, {"label", "all:8"}, {"count", 14}, {"seed", 3}, {"range", {2, 9}}}},
                               {"timing", {{"seconds", 0.5}}}}));
  fpc::CheckCommon back;
  fpc::common_from_json(j, back);
  EXPECT_EQ(back.subject, c.subject);
  EXPECT_EQ(back.entry, c.entry);
  EXPECT_EQ(back.case_label, c.case_label);
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_EQ(back.range_begin, c.range_begin);
  EXPECT_EQ(back.range_end, c.range_end);
  EXPECT_EQ(back.status, c.status);
  EXPECT_EQ(back.skipped_reason, c.skipped_reason);
  EXPECT_EQ(back.seconds, c.seconds);
  c.status = "pass";
  EXPECT_FALSE(fpc::common_to_json(c, "x/y/z", 1).contains("skipped_reason"));
  fpc::StatusCounts counts;
  for (const char* s : {"pass", "pass", "fail", "known_deviation", "skipped", "error"}) counts.add(s);
  EXPECT_EQ(counts.checks, 6u);
  EXPECT_EQ(counts.passed, 2u);
  EXPECT_EQ(counts.failed, 1u);
  EXPECT_EQ(counts.known_deviations, 1u);
  EXPECT_EQ(counts.skipped, 1u);
  EXPECT_EQ(counts.errors, 1u);
}

}  // namespace
