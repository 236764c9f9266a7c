// fpconform check DIR [--report PATH] [--subject-name NAME] [--entry TEXT] [--threads N]
//                     [--strict-nan] [--max-examples K]
// Checks the outputs a program wrote into a cases directory (docs/file-protocol.md): out.bin of
// an element directory, codes.bin/scales.bin(/zero_points.bin) of a block directory.
// Exit 0 pass, 1 fail, 2 bad input (InputError, mapped by the dispatcher).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

int cmd_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpc::cli
