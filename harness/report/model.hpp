// The report model: what a run checked and found (element and block check records, the run's
// settings, its verdict). report/json.hpp writes and reads it, report/merge.hpp joins shards,
// report/render.hpp and report/diff.hpp show it, report/schema.hpp validates the JSON.
#pragma once

#include "check/block/block_check.hpp"
#include "check/dot/dot_check.hpp"
#include "check/check_record.hpp"
#include "check/element/checker.hpp"
#include "check/worker.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fpc {

inline constexpr const char* kReportSchema = "fpconform.report/1";

// The known deviation (fpconform/known_deviations.hpp) a check is matched against: when every
// mismatch is of one of its classes, the check's status is "known_deviation", not "fail".
struct KnownDeviationNote {
  std::string summary, reference;
  std::vector<std::string> classes;
};

// An element check: one op of a subject against the oracle over cases (case_label: "exhaustive",
// "boundary", "random:N"). The common fields (subject, entry, cases, status, timing) are
// CheckCommon's (check/check_record.hpp), shared with block checks.
struct CheckRecord : CheckCommon {
  std::string op_name;
  OpSemantics semantics;
  uint64_t case_count = 0;
  std::string reference;       // "exact" or "fast:..."
  CheckOutcome outcome;
  std::vector<std::string> diagnosis;  // alternatives explaining every mismatch
  std::optional<KnownDeviationNote> known_deviation;  // its op's entry, when the run applies them
  std::optional<FailingCase> failing_case;  // error: the first case that crashes, hangs or fails alone

  std::string id() const { return subject + "/" + op_name + "/" + case_label; }
};

// A block check (harness/check/block/block_check.hpp) in a report: one block subject (or block files) against
// its claimed reference over a set of blocks, sharded by block ranges like element checks.
// case_label: a BlockCaseSet label ("adversarial", "random:N", "all", "all:N"); status: pass,
// fail, skipped or error. The common fields are CheckCommon's, shared with element checks.
struct BlockCheckRecord : CheckCommon {
  QuantOptions claims;
  std::string element_format, scale_format;  // the formats of the codes and scale codes
  uint64_t block_count = 0, blocksize = 0;
  std::vector<BlockKindRange> kinds;         // of all block_count blocks
  BlockCheckResult result;                   // over blocks [range_begin, range_end)

  std::string id() const { return subject + "/" + claims.scheme + "/" + case_label; }
};

// A record for blocks [range_begin, range_end) of `cases` before it runs (status empty).
BlockCheckRecord block_check_record(const std::string& subject, const std::string& entry, const QuantOptions& claims,
                                    const BlockCaseSet& set, uint64_t seed, const std::vector<BlockCase>& cases,
                                    int shard_index, int shard_count);
// Sets status from the result (skipped records stay skipped).
void finalize(BlockCheckRecord& r);
// "PASS  subject/scheme/label  N blocks, claimed cuda: identical ...; ideal: ..." (run and check print it).
std::string block_status_line(const BlockCheckRecord& r);

// This build's version and git revision, as reports record them.
std::string this_tool_version();
std::string this_tool_revision();

struct Report {
  // The fpconform that ran the checks (a merged report keeps its shards', which must agree).
  std::string tool_version = this_tool_version(), tool_revision = this_tool_revision();
  std::string suite;
  uint64_t seed = 0;
  bool strict_nan = false;
  bool known_deviations_applied = true;  // false: --no-known-deviations (they fail like any check)
  size_t max_examples = 8;  // counterexamples kept per class
  int shard_index = 0, shard_count = 1;
  nlohmann::json environment;
  std::vector<std::string> plugins;  // the --plugin paths, for --resume ("plugins", absent when none)
  std::vector<CheckRecord> checks;
  std::vector<BlockCheckRecord> block_checks;
  std::vector<DotCheckRecord> dot_checks;  // "dot_checks", absent when none (harness/report/dot_report.cpp)

  bool passed() const;  // no check (element, block or dot) failed, errored or is interrupted (known deviations do not fail a run)
};


// The note for (subject, op) from the known deviations table, or nothing.
std::optional<KnownDeviationNote> known_deviation_note(const std::string& subject, const std::string& op);

// Sets status from the outcome and computes the diagnosis (call after every merge).
void finalize(CheckRecord& r);



// Host CPU, compiler, CUDA version and GPU, thread count, time.
nlohmann::json describe_environment(int threads);

}  // namespace fpc
