// fpconform dot: dot products under the tensor-core models (fpconform/dot.hpp).
#pragma once

#include "fpconform/dot.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fpc::cli {

// fpconform dot --list [--json]
// fpconform dot --model NAME --in FMT --out FMT [--c-format FMT] --a CODES --b CODES --c CODE
//               [--explain] [--rounding MODE] [--promotion N] [--split-k S] [--json]
//               [--scale-format FMT --scale-block N --a-scales CODES --b-scales CODES]
// fpconform dot --model NAME --in FMT --out FMT [--c-format FMT] [...] < lines
// fpconform dot --diagnose --in FMT --out FMT [--c-format FMT] < lines "a ; b ; c ; d"
// A block-scaled row (b200-mxf8f6f4, b200-mxf4nvf4) needs --scale-format and --scale-block (one
// of its rules) and the scales: --a-scales/--b-scales, or in filter and --diagnose lines two more
// fields "a ; b ; c ; as1 ... ; bs1 ..." ("a ; b ; c ; d ; as ; bs" for --diagnose).
//               which models reproduce every recorded line (exit 1 when none does)
// CODES are comma-separated hex codes (0x optional). With no --a/--b/--c it is a filter: each
// stdin line "a1 ... aK ; b1 ... bK ; c" gives one result code per line. --rounding applies to
// the exact model only. Bad input throws InputError (one error line, exit 2).
int cmd_dot(const std::vector<std::string>& args, std::istream& in, std::ostream& out);

// --scale-format FMT --scale-block N as a scale rule (both or neither; InputError otherwise).
std::optional<BlockScaleRule> dot_scale_rule(const std::optional<std::string>& format, const std::optional<std::string>& block);

}  // namespace fpc::cli
