// `fpconform report diff OLD.json NEW.json`: newly failing checks, checks failing more of the same
// cases, fixed ones, changed statuses, added and removed checks. Two reports of two releases of
// one subject (cuda_host@12.8.57 and @12.8.90) are compared op by op.
#pragma once

#include "report/schema.hpp"

#include <cstddef>
#include <iosfwd>

namespace fpc {

// Writes the comparison; returns the number of regressions (newly failing or failing more).
size_t write_report_diff(const LoadedReport& old_r, const LoadedReport& new_r, std::ostream& out);

}  // namespace fpc
