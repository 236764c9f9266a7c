// fpconform enumerate FORMAT [--json]: every code of a format of <= 16 bits, its class and value.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_enumerate(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
