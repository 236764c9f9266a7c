// fpconform quantize: block and code-table quantization through the oracle (fpconform/quantize.hpp).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {
struct QuantOptions;
}

namespace fpc::cli {

class Args;
// The scheme options of quantize (and of 'cases --scheme'): --scheme, --reference/--faithful,
// --blocksize, --cols, --scale-rule, --rounding, --double-quant, --tensor-amax. InputError on
// bad values and options that do not apply to the scheme.
QuantOptions parse_quant_options(const Args& a);

// fpconform quantize --list [--json]
// fpconform quantize --scheme NAME [--reference ideal|cuda|cpu|torch|te] [--faithful REF]
//                    [--blocksize N|row] [--cols N] [--scale-rule floor|ceil|roundup|even]
//                    [--rounding MODE] [--double-quant] [--tensor-amax V] [--json]
//                    VALUE... | --input FILE
// fpconform quantize --check SUBJECT|all [--blocks N] [--seed S] [--json]
//                    block checks of block subjects (harness/check/block/block_check.hpp); exit 1 on a failure
// Prints packed codes (hex), per-block scales, the dequantized values (exact and decimal) and the
// error statistics (max abs, RMS, SQNR) against the input. Bad input throws InputError.
int cmd_quantize(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
