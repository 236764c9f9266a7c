// The checker: runs a subject op and its reference over a range of cases, compares bit for bit,
// classifies every mismatch, keeps the smallest counterexamples of each class and tallies which
// alternative semantics would explain the subject's behaviour.
//
// Everything it accumulates merges exactly (sums, the K smallest examples per class, sampled
// tallies keyed by case index), so a sweep split over threads or shards gives the same outcome.
#pragma once

#include "check/element/cases.hpp"
#include "fpconform/code_class.hpp"  // code_class, the classifier the checker and describe share
#include "fpconform/subject.hpp"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fpc {

// OutOfRangeCode: the subject's result has bits set above the output format's width (not a code
// of the format at all, whatever its low bits say).
enum class MismatchClass {
  TieBreaking, RoundingDirection, OverflowSaturation, NaN, SignedZero, SubnormalFlush, Other, OutOfRangeCode
};
inline constexpr int kMismatchClasses = 8;
std::string_view to_string(MismatchClass c);
MismatchClass mismatch_class_by_name(std::string_view name);  // InputError if unknown


struct Counterexample {
  std::vector<uint64_t> inputs;  // operand codes, then the random bits for stochastic rounding
  uint64_t expected = 0, actual = 0;
  MismatchClass cls = MismatchClass::Other;
  std::optional<int64_t> ulp_distance;  // actual - expected in steps of the format's ordered values
};
// "Smallest first": operands compared by magnitude code, then sign, then the next operand.
bool smaller_example(const Counterexample& a, const Counterexample& b, const Format& in);

// A semantics the subject might implement instead of the one it claims.
struct Alternative {
  std::string name;  // "rtz", "saturate off", "ftz", "rne via float16 (double rounding)"
  std::function<uint64_t(const uint64_t* operands)> result;  // operands as in Counterexample::inputs
};
std::vector<Alternative> alternatives_for(const OpSemantics& claimed);

struct AlternativeTally {
  std::string name;
  uint64_t explained = 0;     // sampled mismatches it reproduces
  uint64_t contradicted = 0;  // sampled cases (mismatching or passing) where it differs from the subject
};

struct CheckOptions {
  bool strict_nan = false;       // NaN matches only the identical NaN code
  int threads = 1;
  size_t max_examples = 8;       // kept per class
  std::function<void(uint64_t cases_done)> progress;  // called from worker threads, may be empty
};

struct CheckOutcome {
  uint64_t cases = 0, passed = 0, failed = 0, implementation_defined = 0;
  std::array<uint64_t, kMismatchClasses> failed_by_class{};
  std::vector<Counterexample> examples;  // per class at most max_examples, smallest first
  uint64_t sampled_mismatches = 0, sampled_passes = 0;
  std::vector<AlternativeTally> alternatives;  // same order as alternatives_for()
  std::string error;                           // the subject failed to run

  void merge(const CheckOutcome& other, const Format& in, size_t max_examples);
};

// Which reference checks `s`: a fast reference proven equal to the oracle where one exists,
// else the exact oracle. The name says which ("exact" or the fast path's name).
BatchFn reference_for(const OpSemantics& s, std::string* name = nullptr);

// The checker's schedule, shared with bench/bench_run.cpp so that a subject-only baseline runs the
// very same chunks on the very same threads: cases [begin, end) in chunks of at most kCheckChunk
// (every chunk but the last full), claimed in runs of consecutive chunks by `threads` workers
// (the caller's thread is worker 0). body(worker, first, n) handles cases [first, first + n); a
// worker stops claiming chunks once its body returns false. An exception from body stops every
// worker and is rethrown on the caller's thread.
extern const size_t kCheckChunk;
// The cases a worker claims at once in run_chunks over [begin, end) (each claim starts at
// begin + k * this): 32768, or 262144 for checks of at least 2^24 cases. A supervised worker
// serves one claim per request (check/worker.hpp).
uint64_t check_claim_cases(uint64_t begin, uint64_t end);
void run_chunks(uint64_t begin, uint64_t end, int threads,
                const std::function<bool(int worker, uint64_t first, size_t n)>& body);

// A chunk's operands and the subject's results, where a subject run in another process left
// them (a supervised worker's shared memory, check/worker.hpp): the checker reads both in place.
struct ServedCases {
  const uint64_t* const* operands = nullptr;  // the CaseSource's operand_arrays() arrays, n codes each
  const uint64_t* results = nullptr;          // n codes
};
// serve(thread, first, n): cases [first, first + n) of the check's CaseSource for checker thread
// `thread` (run_chunks' worker number), valid until that thread's next call. Its operands must be
// ones the subject cannot have changed: the checker judges against them. Throws
// std::runtime_error with the cause when the subject fails.
using CaseServer = std::function<ServedCases(int thread, uint64_t first, size_t n)>;

// Runs cases [begin, end) of `cases` through `op` and its reference. With `served`, the subject's
// results and their operands come from it instead (op's run and run_cases are not called).
CheckOutcome run_check(const SubjectOp& op, const CaseSource& cases, uint64_t begin, uint64_t end,
                       const CheckOptions& options, const CaseServer& served = {});

// run_check in pieces, for a check whose cases arrive over time (python/src/module.cpp checks a
// Python function batch by batch): the reference, classifier, alternatives, comparison tables and
// per-thread state are prepared once here, each piece of cases is checked as it comes, and
// finish() gives what run_check over all the pieces would have given. op, cases and served must
// outlive the checker.
class RangeChecker {
 public:
  // options.threads checker threads (at least 1), numbered 0 .. threads() - 1.
  RangeChecker(const SubjectOp& op, const CaseSource& cases, const CheckOptions& options, const CaseServer& served = {});
  ~RangeChecker();
  RangeChecker(const RangeChecker&) = delete;
  RangeChecker& operator=(const RangeChecker&) = delete;

  int threads() const;
  // Whether chunks that pass are compared where the subject stored its results, without the
  // per-case path (SubjectOp::stored_results on an exhaustive sweep of a one-table reference).
  bool compares_in_place() const;
  // Checks cases [first, first + n), n <= kCheckChunk, as checker thread `thread`: calls with
  // different threads may run concurrently, calls with the same thread may not. False once the
  // subject failed (its error is part of the outcome): check no further cases.
  bool check_chunk(int thread, uint64_t first, size_t n);
  // check_chunk over [begin, end), chunk by chunk, on the calling thread.
  bool check_range(int thread, uint64_t begin, uint64_t end);
  // The outcome of every case checked since construction (or the last finish), with the
  // alternatives evaluated on the sampled passes. No check_chunk may be running.
  CheckOutcome finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Alternatives that explain every sampled case and every kept counterexample (evaluated here
// on the final examples, so the verdict is the same for merged and unsharded outcomes).
std::vector<std::string> explaining_alternatives(const CheckOutcome& outcome, const OpSemantics& claimed);

}  // namespace fpc
