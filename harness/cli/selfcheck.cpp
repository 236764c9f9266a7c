#include "cli/selfcheck.hpp"

#include "cli/describe.hpp"
#include "fpconform/arith.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#ifndef FPC_SOURCE_DIR
#define FPC_SOURCE_DIR "."
#endif

namespace fpc::cli {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

struct CaseSemantics {
  Rounding rounding = Rounding::NearestEven;
  Policy policy;
  RandomBits random;
  const Format* from = nullptr;
};

CaseSemantics parse_case_semantics(const std::string& text) {
  CaseSemantics s;
  if (text == "-") return s;
  for (const std::string& tok : split(text, ',')) {
    if (tok == "sat") s.policy.saturate = true;
    else if (tok == "ftz") s.policy.ftz = true;
    else if (tok == "daz") s.policy.daz = true;
    else if (tok == "infsat=nan") s.policy.inf_under_saturation = InfUnderSaturation::NaN;
    else if (tok == "nan=max") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveMax;
    else if (tok == "nan=zero") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveZero;
    else if (tok == "nan=negzero") s.policy.nan_into_no_nan = NanIntoNoNan::NegativeZero;
    else if (tok.rfind("from=", 0) == 0) s.from = &format_by_name(tok.substr(5));
    else if (tok.rfind("sr=", 0) == 0) {
      auto kr = split(tok.substr(3), '/');
      if (kr.size() != 2) throw InputError("sr= takes K/R");
      s.rounding = Rounding::Stochastic;
      s.random.k = std::stoi(kr[0]);
      s.random.r = std::stoull(kr[1]);
    } else s.rounding = rounding_by_name(tok);
  }
  return s;
}

uint64_t property_code(const Format& f, const std::string& op) {
  if (op == "max") return f.max_finite_code();
  if (op == "lowest") return f.lowest_finite_code();
  if (op == "min_normal") return f.min_normal_code();
  if (op == "min_subnormal") return 1;
  if (op == "min_positive") return f.min_positive_code();
  throw InputError("unknown golden op '" + op + "'");
}


// Result code and flags of one golden case.
RoundResult compute(const GoldenCase& c, const Format& f, const CaseSemantics& s) {
  if (c.op == "convert") {
    ExactValue x = s.from ? decode(*s.from, parse_code(*s.from, c.operands), s.policy.daz).value : parse_value(c.operands);
    return round_to_format(x, f, s.rounding, s.policy, s.random);
  }
  if (c.operands == "-") return {property_code(f, c.op), 0, false};
  std::vector<uint64_t> codes;
  for (const std::string& o : split(c.operands, ',')) codes.push_back(parse_operand(f, o));
  return eval(op_by_name(c.op), codes, f, f, s.rounding, s.policy, s.random);
}

void check(GoldenCase& c) {
  const Format& f = format_by_name(c.format);
  CaseSemantics s = parse_case_semantics(c.semantics);
  RoundResult r = compute(c, f, s);
  c.actual_code = code_hex(f, r.code);
  c.actual_exact = to_exact_string(decode(f, r.code).value);
  c.actual_flags = flags_to_string(r.flags);
  bool code_ok = r.code == parse_hex_code(f, c.code);
  bool exact_ok = c.exact == "-" || identical(parse_value(c.exact), decode(f, r.code).value);
  bool flags_ok = c.flags == "*" || (c.flags == "-" ? r.flags == 0 : c.flags == c.actual_flags);
  c.passed = code_ok && exact_ok && flags_ok;
}

}  // namespace

std::string default_golden_path() { return std::string(FPC_SOURCE_DIR) + "/corpus/golden/oracle.tsv"; }

SelfcheckResult run_selfcheck(const std::string& golden_path) {
  std::ifstream in(golden_path);
  if (!in) throw InputError("cannot read golden vectors '" + golden_path + "'");
  SelfcheckResult result;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream ls(line);
    GoldenCase c;
    c.line = number;
    if (!(ls >> c.op) || c.op[0] == '#') continue;
    if (!(ls >> c.format >> c.semantics >> c.operands >> c.code >> c.exact >> c.flags))
      throw InputError(golden_path + ":" + std::to_string(number) + ": expected 7 columns");
    std::getline(ls >> std::ws, c.source);
    try {
      check(c);
    } catch (const std::exception& e) {  // a malformed vector is a failed vector, never a crash
      c.passed = false;
      c.error = e.what();
    }
    (c.passed ? result.passed : result.failed)++;
    result.cases.push_back(std::move(c));
  }
  if (result.cases.empty()) throw InputError("no golden vectors in '" + golden_path + "'");
  return result;
}

nlohmann::json selfcheck_report(const SelfcheckResult& r, const std::string& golden_path) {
  nlohmann::json cases = nlohmann::json::array();
  for (const GoldenCase& c : r.cases) {
    nlohmann::json j = {{"line", c.line},         {"op", c.op},
                        {"format", c.format},     {"semantics", c.semantics},
                        {"operands", c.operands}, {"expected", {{"code", c.code}, {"exact", c.exact}, {"flags", c.flags}}},
                        {"passed", c.passed},     {"source", c.source}};
    if (c.error.empty())
      j["actual"] = {{"code", c.actual_code}, {"exact", c.actual_exact}, {"flags", c.actual_flags}};
    else
      j["error"] = c.error;
    cases.push_back(j);
  }
  return {{"schema", "fpconform.selfcheck/1"},
          {"tool", {{"name", "fpconform"}, {"version", FPC_VERSION}, {"revision", FPC_GIT_REVISION}}},
          {"suite", "selfcheck"},
          {"golden", golden_path},
          {"summary", {{"vectors", r.cases.size()}, {"passed", r.passed}, {"failed", r.failed}}},
          {"verdict", r.failed == 0 ? "pass" : "fail"},
          {"cases", cases}};
}

void print_selfcheck(const SelfcheckResult& r, std::ostream& out) {
  for (const GoldenCase& c : r.cases) {
    if (c.passed) continue;
    out << "FAIL line " << c.line << ": " << c.op << " " << c.format << " " << c.semantics << " " << c.operands
        << "  expected " << c.code << " " << c.exact << " [" << c.flags << "]";
    if (c.error.empty()) out << "  got " << c.actual_code << " " << c.actual_exact << " [" << c.actual_flags << "]";
    else out << "  error: " << c.error;
    out << "  (" << c.source << ")\n";
  }
  out << "selfcheck: " << r.passed << " passed, " << r.failed << " failed\n";
}

}  // namespace fpc::cli
