// Fuzz target "value": exact value text (parse_value: decimal, hex float, fraction, inf/nan), as
// read by 'fpconform convert', 'eval' and selfcheck vectors. The input is the text. Any input
// must give a value or an InputError; a value rounded into a format and printed exactly must
// parse back to the very value of the rounded code (sign of zero included).
#include "fpconform/round.hpp"
#include "fuzz_input.hpp"

#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ExactValue v;
  try {
    v = parse_value(text);
  } catch (const InputError&) {
    return 0;
  }
  for (const char* name : {"float32", "bfloat16", "float8_e4m3fn"}) {
    const Format& f = format_by_name(name);
    const RoundResult rounded = round_to_format(v, f, Rounding::NearestEven);
    const ExactValue exact = decode(f, rounded.code).value;
    const std::string printed = to_exact_string(exact);
    ExactValue back;
    try {
      back = parse_value(printed);
    } catch (const InputError& e) {
      fuzz::finding("value: '" + std::string(text) + "' rounds to " + name + " code " + std::to_string(rounded.code) +
                    ", printed as '" + printed + "', which does not parse back: " + e.what());
    }
    if (!identical(back, exact))
      fuzz::finding("value: '" + std::string(text) + "' rounds to " + name + " code " + std::to_string(rounded.code) +
                    ", printed as '" + printed + "', which parses back to another value");
  }
  (void)to_general_string(v, 6);
  return 0;
}
