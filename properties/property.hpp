// How the property tests run: one RapidCheck property under a stable id, with a bounded number of
// cases (scaled by FPC_PROPERTY_SCALE), failing the current GoogleTest test with RapidCheck's
// message, the shrunk counterexample and the RC_PARAMS line that replays exactly that case.
//
//   FPC_PROPERTY_SCALE=N   multiplies every property's case count by N (a positive number; a
//                          fraction such as 0.1 shortens a run). Default 1: the CI budget.
//   RC_PARAMS=...          RapidCheck's own parameters: "seed=S" for another random sequence,
//                          "max_success=N" to override every property's count, and
//                          "reproduce=..." (printed on failure) to replay a failure.
#pragma once

#include <rapidcheck.h>

#include <gtest/gtest.h>

#include <string>

namespace fpc::prop {

// Cases for a property whose CI count is `base`: base * FPC_PROPERTY_SCALE, at least 1; or
// RC_PARAMS' max_success when it sets one.
int case_count(int base);

// Runs `property` under `id` (unique in the binary; the key RC_PARAMS' reproduce uses) and
// returns RapidCheck's result without failing the test. For tests that assert a failure exists:
// it runs at least `base_cases` cases whatever FPC_PROPERTY_SCALE says. shrink = false stops at the first
// failure (for tests that only need to know a failure exists).
rc::detail::TestResult run_property(const std::string& id, int base_cases, const rc::detail::Property& property,
                                    bool shrink = true);

// The line that replays a failure: RC_PARAMS="reproduce=..." with the failure's id.
std::string replay_line(const std::string& id, const rc::detail::FailureResult& failure);

// Runs `property` and fails the current GoogleTest test when it does not pass, with the message
// RapidCheck prints (the shrunk counterexample and the property's own description) and the
// replay line.
void check_property(const std::string& id, int base_cases, const rc::detail::Property& property);

template <typename Testable>
void check(const std::string& id, int base_cases, Testable&& testable) {
  check_property(id, base_cases, rc::detail::toProperty(std::forward<Testable>(testable)));
}
template <typename Testable>
rc::detail::TestResult run(const std::string& id, int base_cases, Testable&& testable, bool shrink = true) {
  return run_property(id, base_cases, rc::detail::toProperty(std::forward<Testable>(testable)), shrink);
}

}  // namespace fpc::prop
