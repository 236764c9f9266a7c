// fpconform eval OP --format FORMAT [--to FORMAT] [--rounding MODE] [POLICY] A [B [C]]:
// an exact operation rounded once.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_eval(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
