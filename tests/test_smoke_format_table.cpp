#include "fpconform/format.hpp"

#include <gtest/gtest.h>

#include <set>

// Names in the table are unique and each resolves to its own row.
TEST(FormatTable, NamesAreUniqueAndResolve) {
  std::set<std::string> seen;
  for (const fpc::Format& f : fpc::builtin_formats()) {
    EXPECT_TRUE(seen.insert(f.name).second) << f.name;
    EXPECT_EQ(&fpc::format_by_name(f.name), &f);
  }
  EXPECT_EQ(seen.size(), 23u);
}
