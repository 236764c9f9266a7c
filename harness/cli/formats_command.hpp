// fpconform formats [--json]: the table of every built-in format.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_formats(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
