// fpconform dot: dot products under the tensor-core models (fpconform/dot.hpp).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

// fpconform dot --list [--json]
// fpconform dot --model NAME --in FMT --out FMT [--c-format FMT] --a CODES --b CODES --c CODE
//               [--explain] [--rounding MODE] [--promotion N] [--split-k S] [--json]
// fpconform dot --model NAME --in FMT --out FMT [--c-format FMT] [...] < lines
// fpconform dot --diagnose --in FMT --out FMT [--c-format FMT] < lines "a ; b ; c ; d"
//               which models reproduce every recorded line (exit 1 when none does)
// CODES are comma-separated hex codes (0x optional). With no --a/--b/--c it is a filter: each
// stdin line "a1 ... aK ; b1 ... bK ; c" gives one result code per line. --rounding applies to
// the exact model only. Bad input throws InputError (one error line, exit 2).
int cmd_dot(const std::vector<std::string>& args, std::istream& in, std::ostream& out);

}  // namespace fpc::cli
