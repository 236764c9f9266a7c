// Fuzz target "format_spec": format names and user specs (format_by_name), as given on the
// command line, in suite files and in plugin declarations. The input is the text. Any input
// must give a format or an InputError; a format must satisfy the table's invariants: its
// canonical name finds the same format again, and its special codes decode to their classes.
#include "fpconform/round.hpp"
#include "fuzz_input.hpp"

#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Format* f = nullptr;
  try {
    f = &format_by_name(text);
  } catch (const InputError&) {
    return 0;
  }
  auto require = [&](bool ok, const std::string& what) {
    if (!ok) fuzz::finding("format_spec: '" + std::string(text) + "' gives format " + f->name + ": " + what);
  };
  require(&format_by_name(f->name) == f, "its canonical name " + f->name + " finds another format");
  if (f->is_user_defined) require(canonical_spec(*f) == f->name, "name is not its canonical spec " + canonical_spec(*f));
  require(f->bits() >= 1 && f->bits() <= 64, "width " + std::to_string(f->bits()) + " is not 1..64");
  require(decode(*f, f->max_finite_code()).value.kind != ValueKind::NaN, "max_finite_code decodes to NaN");
  require(decode(*f, f->lowest_finite_code()).value.kind != ValueKind::NaN, "lowest_finite_code decodes to NaN");
  if (f->has_nan()) require(decode(*f, f->nan_code()).cls == CodeClass::NaN, "nan_code is not a NaN");
  if (f->has_inf()) require(decode(*f, f->inf_code(true)).cls == CodeClass::Infinity, "inf_code(true) is not infinite");
  for (uint64_t code : fuzz::special_codes(*f)) (void)decode(*f, code);
  return 0;
}
