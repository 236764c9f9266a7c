// The oracle's self-check: recomputes golden vectors written by hand from the specifications
// and docs/seeds.md (corpus/golden/oracle.tsv) and reports every disagreement.
//
// File format: one vector per line, whitespace-separated, '#' starts a comment line:
//   OP  FORMAT  SEMANTICS  OPERANDS  CODE  EXACT  FLAGS  SOURCE...
// OP        convert, an eval op (add sub mul div fma sqrt minimum ...), or a property of
//           FORMAT: max lowest min_normal min_subnormal min_positive
// SEMANTICS '-' or a comma list of: a rounding mode (default rne), sat, ftz, daz,
//           from=FORMAT, sr=K/R, nan=max|zero|negzero, infsat=nan
// OPERANDS  convert: a value (or a code of from=FORMAT); eval: comma-separated codes or
//           representable values; properties: '-'
// CODE      expected result code (hex)
// EXACT     expected exact value of that code, or '-'
// FLAGS     expected flags joined by '|' ('-' for none, '*' to not check)
#pragma once

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

struct GoldenCase {
  int line = 0;
  std::string op, format, semantics, operands, code, exact, flags, source;
  // outcome
  bool passed = false;
  std::string actual_code, actual_exact, actual_flags, error;
};

struct SelfcheckResult {
  std::vector<GoldenCase> cases;
  int passed = 0, failed = 0;
};

std::string default_golden_path();
SelfcheckResult run_selfcheck(const std::string& golden_path);  // InputError if unreadable/malformed
nlohmann::json selfcheck_report(const SelfcheckResult& r, const std::string& golden_path);
void print_selfcheck(const SelfcheckResult& r, std::ostream& out);

}  // namespace fpc::cli
