// fpconform cases: write a cases directory of the file protocol (docs/file-protocol.md) for
// an element op (--op) or a block quantizer (--scheme).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_cases(std::vector<std::string> args, std::ostream& out);

}  // namespace fpc::cli
