// fpconform selfcheck [--golden FILE] [--report PATH] [--json]: recompute the golden vectors
// (cli/selfcheck.hpp) and report every disagreement; exit 1 on any.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_selfcheck(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
