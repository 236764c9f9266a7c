// Suites: which checks a run makes. "quick" (the default) checks every available subject op
// exhaustively where the domain has at most 2^16 cases, plus boundary and seeded random cases;
// "full" adds every exhaustive sweep of up to 2^32 cases. A suite file (JSON) lists checks:
//   {"name": "mine", "checks": [{"subject": "cuda_host", "op": "float32_to_bfloat16_rn",
//                                "cases": "boundary" | "exhaustive" | "random:N", "seed": 7},
//                               {"block_subject": "cpu_mxfp4", "cases": "all" | "all:N" | "adversarial" |
//                                "random:N", "seed": 7},
//                               {"dot_subject": "cpu_dot_loop", "op": "float16_to_float32" (optional: every op),
//                                "cases": "boundary" | "exhaustive" | "random:N", "seed": 7}]}
// Both built-in suites also make one block check ("all": the adversarial blocks and 64 random
// ones) per block subject (fpconform/block_subject.hpp) that is not test-only. The built-in suite
// "dot" checks every op of every dot subject (fpconform/dot_subject.hpp) that is not test-only
// with dot_suite_case_kinds (harness/check/dot/dot_check.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fpc {

// An element check (subject, op, cases) or, with `block`, a block check (a block subject, op
// empty, cases a BlockCaseSet label).
struct CheckSpec {
  std::string subject, op, cases;
  uint64_t seed = 0;
  bool block = false;
  bool dot = false;  // a dot check: a dot subject's op, cases a DotCaseSet label
};
inline constexpr const char* kSuiteBlockCases = "all";

inline constexpr uint64_t kQuickRandomCases = 65536;

struct OpSemantics;

// The case kinds a built-in suite checks one op with: "exhaustive" where the domain has at most
// 2^16 cases (and no random bits), else "boundary" and "random:65536", plus "exhaustive" in the
// full suite where the domain has at most 2^32 cases.
std::vector<std::string> suite_case_kinds(const OpSemantics& s, bool full);

// Expands a suite name or file into checks. `subjects` restricts the run to those subjects,
// element, block or dot subjects (and is the only way test-only subjects enter a built-in suite).
// InputError for unknown names.
std::vector<CheckSpec> suite_checks(const std::string& suite, const std::vector<std::string>& subjects, uint64_t seed);

}  // namespace fpc
