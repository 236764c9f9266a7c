// The report model: the records' status rules, status lines and the environment a report records.
#include "report/model.hpp"

#include "fpconform/known_deviations.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#ifndef FPC_VERSION
#define FPC_VERSION "0"
#endif
#ifndef FPC_GIT_REVISION
#define FPC_GIT_REVISION "unknown"
#endif

namespace fpc {

using nlohmann::json;

bool Report::passed() const {
  auto failing = [](const CheckCommon& c) { return failing_status(c.status); };
  return std::none_of(checks.begin(), checks.end(), failing) && std::none_of(block_checks.begin(), block_checks.end(), failing) &&
         std::none_of(dot_checks.begin(), dot_checks.end(), failing);
}

BlockCheckRecord block_check_record(const std::string& subject, const std::string& entry, const QuantOptions& claims,
                                    const BlockCaseSet& set, uint64_t seed, const std::vector<BlockCase>& cases,
                                    int shard_index, int shard_count) {
  BlockCheckRecord r;
  r.subject = subject;
  r.entry = entry;
  r.claims = claims;
  r.claims.blocksize = check_blocksize(claims);
  const BlockLayout layout = block_layout(r.claims);
  r.element_format = layout.element->name;
  r.scale_format = layout.scale->name;
  r.blocksize = layout.blocksize;
  r.case_label = set.label();
  r.seed = seed;
  r.block_count = cases.size();
  r.range_begin = r.block_count * static_cast<uint64_t>(shard_index) / static_cast<uint64_t>(shard_count);
  r.range_end = r.block_count * static_cast<uint64_t>(shard_index + 1) / static_cast<uint64_t>(shard_count);
  r.kinds = kind_ranges(cases);
  r.result.subject = subject;
  r.result.claims = r.claims;
  return r;
}

void finalize(BlockCheckRecord& r) {
  if (r.status == "skipped" || r.status == "interrupted") return;
  r.status = block_check_status(r.result);
  r.result.passed = r.status == "pass";
}

std::string block_status_line(const BlockCheckRecord& r) {
  if (r.status == "skipped") return check_line(r.status, r.id(), r.skipped_reason);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2fs", r.seconds);
  std::string s = check_line(r.status, r.id(), "");
  s += std::to_string(r.result.blocks) + " blocks of " + std::to_string(r.blocksize) + ", " + secs;
  for (size_t k = 0; k < r.result.distances.size(); ++k)
    s += std::string(k == 0 ? "; claimed " : "; ") + distance_text(r.result.distances[k]);
  if (!r.result.error.empty()) s += "; error: " + r.result.error;
  if (r.result.unjudged) s += "; " + unjudged_text(r.result);
  const BlockDistance& claimed = r.result.distances.front();
  if (!claimed.first.empty()) s += "\n      first difference from " + claimed.reference + ": " + claimed.first;
  return s;
}

std::optional<KnownDeviationNote> known_deviation_note(const std::string& subject, const std::string& op) {
  const KnownDeviation* d = find_known_deviation(subject, op);
  if (!d) return std::nullopt;
  return KnownDeviationNote{d->summary, d->reference, d->classes};
}

namespace {

// Whether every mismatch of the outcome is of a class the known deviation names.
bool only_known_classes(const CheckOutcome& o, const KnownDeviationNote& known) {
  for (int i = 0; i < kMismatchClasses; ++i) {
    const std::string name(to_string(static_cast<MismatchClass>(i)));
    if (o.failed_by_class[static_cast<size_t>(i)] != 0 &&
        std::find(known.classes.begin(), known.classes.end(), name) == known.classes.end())
      return false;
  }
  return true;
}

}  // namespace

void finalize(CheckRecord& r) {
  if (r.status == "skipped" || r.status == "interrupted") return;
  r.status = check_status({.error = !r.outcome.error.empty(),
                           .differs = r.outcome.failed > 0,
                           .known_deviation = r.known_deviation && only_known_classes(r.outcome, *r.known_deviation)});
  const bool mismatches = r.status == "fail" || r.status == "known_deviation";
  r.diagnosis = mismatches ? explaining_alternatives(r.outcome, r.semantics) : std::vector<std::string>{};
}

std::string this_tool_version() { return FPC_VERSION; }
std::string this_tool_revision() { return FPC_GIT_REVISION; }

json describe_environment(int threads) {
  std::string cpu = "unknown";
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
#ifdef __clang__
  std::string compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  std::string compiler = std::string("g++ ") + __VERSION__;
#else
  std::string compiler = "unknown";
#endif
#ifdef FPC_CUDA_VERSION
  json cuda = FPC_CUDA_VERSION;
#else
  json cuda = nullptr;
#endif
  return {{"host_cpu", cpu},
          {"hardware_threads", std::thread::hardware_concurrency()},
          {"threads", threads},
          {"compiler", compiler},
          {"cuda_version", cuda},
          {"gpu", nullptr},
          {"started", when}};
}

}  // namespace fpc

