// The class of a code from its bits alone (fpconform/code_class.hpp).
#include "fpconform/code_class.hpp"

namespace fpc {

CodeClass code_class(const Format& f, uint64_t code) {
  switch (f.kind) {
    case FormatKind::Integer: return code == 0 ? CodeClass::Zero : CodeClass::Normal;
    case FormatKind::CodeTable: return f.table.at(code).is_zero() ? CodeClass::Zero : CodeClass::Normal;
    case FormatKind::Float: break;
  }
  const int m = f.man_bits, e = f.exp_bits;
  const uint64_t mant_mask = (uint64_t{1} << m) - 1, ones = (uint64_t{1} << e) - 1;
  const bool negative = f.has_sign && ((code >> (e + m)) & 1);
  const uint64_t field = (code >> m) & ones, mant = code & mant_mask;
  switch (f.nonfinite) {
    case NonFinite::Ieee:
      if (field == ones) return mant == 0 ? CodeClass::Infinity : CodeClass::NaN;
      break;
    case NonFinite::FN:
      if (field == ones && mant == mant_mask) return CodeClass::NaN;
      break;
    case NonFinite::FNUZ:
      if (negative && field == 0 && mant == 0) return CodeClass::NaN;
      break;
    case NonFinite::Finite: break;
  }
  if (field == 0 && f.has_zero) return mant == 0 || !f.has_subnormals ? CodeClass::Zero : CodeClass::Subnormal;
  return CodeClass::Normal;
}

}  // namespace fpc
