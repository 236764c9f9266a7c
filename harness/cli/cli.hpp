// The fpconform command line: every subcommand reads arguments, writes text or JSON to `out`,
// and reports bad input as one line on `err` with exit status 2.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int run(int argc, char** argv, std::ostream& out, std::ostream& err);
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpc::cli
