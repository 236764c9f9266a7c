// fpconform subjects [--plugin PATH.so ...] [--json]: every subject, its ops and whether it is
// available here; then the block quantizers and their claims.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_subjects(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
