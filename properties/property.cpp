#include "property.hpp"

#include <rapidcheck/detail/Configuration.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace rc::detail {
// Defined in librapidcheck (the encoding RC_PARAMS' "reproduce=" reads), not declared in its
// installed headers.
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
}  // namespace rc::detail

namespace fpc::prop {
namespace {

// FPC_PROPERTY_SCALE, read once: a positive finite number, else the run stops with a clear message.
double scale() {
  static const double s = [] {
    const char* text = std::getenv("FPC_PROPERTY_SCALE");
    if (!text || !*text) return 1.0;
    char* end = nullptr;
    const double v = std::strtod(text, &end);
    if (*end != '\0' || !std::isfinite(v) || v <= 0)
      throw std::invalid_argument(std::string("FPC_PROPERTY_SCALE must be a positive number, got '") + text + "'");
    return v;
  }();
  return s;
}

bool rc_params_set_max_success() {
  const char* p = std::getenv("RC_PARAMS");
  return p && std::string(p).find("max_success") != std::string::npos;
}

// RapidCheck's default listener prints reproduce information at exit; the message of the failing
// test carries it instead.
struct QuietListener : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

}  // namespace

int case_count(int base) {
  if (rc_params_set_max_success()) return rc::detail::configuration().testParams.maxSuccess;
  const double n = std::ceil(static_cast<double>(base) * scale());
  return n < 1 ? 1 : n > 1e9 ? 1000000000 : static_cast<int>(n);
}

namespace {
rc::detail::TestResult run_cases(const std::string& id, int cases, const rc::detail::Property& property, bool shrink) {
  const rc::detail::Configuration& config = rc::detail::configuration();
  rc::detail::TestParams params = config.testParams;
  params.maxSuccess = cases;
  params.disableShrinking = !shrink;
  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;
  QuietListener listener;
  return rc::detail::checkProperty(property, metadata, params, listener, config.reproduce);
}
}  // namespace

rc::detail::TestResult run_property(const std::string& id, int base_cases, const rc::detail::Property& property,
                                    bool shrink) {
  // For tests that assert a failure exists: never fewer cases than their CI count.
  return run_cases(id, std::max(base_cases, case_count(base_cases)), property, shrink);
}

std::string replay_line(const std::string& id, const rc::detail::FailureResult& failure) {
  std::unordered_map<std::string, rc::detail::Reproduce> map{{id, failure.reproduce}};
  return "RC_PARAMS=\"reproduce=" + rc::detail::reproduceMapToString(map) + "\"";
}

void check_property(const std::string& id, int base_cases, const rc::detail::Property& property) {
  const rc::detail::TestResult result = run_cases(id, case_count(base_cases), property, true);
  if (result.is<rc::detail::SuccessResult>()) return;
  std::ostringstream message;
  message << "property " << id << ":\n";
  rc::detail::printResultMessage(result, message);
  if (result.is<rc::detail::FailureResult>())
    message << "\nreplay this case: " << replay_line(id, result.get<rc::detail::FailureResult>())
            << " with the same test filter (seed " << rc::detail::configuration().testParams.seed << ")";
  ADD_FAILURE() << message.str();
}

}  // namespace fpc::prop
