// fpconform info FORMAT [--json]: layout, range, eps, torch.finfo fields, NaN/inf codes.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_info(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
