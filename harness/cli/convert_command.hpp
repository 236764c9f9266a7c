// fpconform convert --to FORMAT [--from FORMAT] [--rounding MODE] [POLICY] [VALUE...]: round
// values (or codes of --from) into FORMAT; with no VALUE, a filter from stdin to stdout.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_convert(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
