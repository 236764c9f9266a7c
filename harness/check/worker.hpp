// Supervised workers: subjects that are not the oracle's own code (plugins, cuda_device) run in
// child processes, so that a crash (a signal, abort(), a CUDA sticky error) or a hang in them
// costs one check, never the run. docs/robustness.md describes the behaviour.
//
// A worker is this very program started again (posix_spawn of /proc/self/exe, or of
// $FPCONFORM_WORKER_EXE where the running program is not fpconform, e.g. the test binary) as
// `fpconform __worker`: exec, not a bare fork, because a forked child of a multi-threaded
// process may only call async-signal-safe functions, and because the CUDA runtime does not
// survive fork in a process that has touched it. The worker loads the subject itself, by name
// or plugin path, and then serves batches: the supervisor writes a batch's operands into a
// shared operand buffer, sends one small request over a socket, and the worker runs the subject
// and writes the results into a shared result buffer. The checker then reads both in place
// (a CaseServer, check/element/checker.hpp): the operands are generated once and no result is
// copied. The worker can only map the operand buffer read-only (the memfd is sealed against
// writes), so the operands the checker judges against are the ones the supervisor wrote; a
// subject that writes to its (const) operands crashes with SIGSEGV. Each checker thread has a
// worker of its own; one request covers one claim of the checker's schedule
// (check_claim_cases: 262144 cases in large checks, 32768 in smaller ones), so the round trip is
// paid once a claim (docs/performance.md, "Supervised workers").
#pragma once

#include "check/element/cases.hpp"
#include "check/element/checker.hpp"
#include "fpconform/subject.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fpc {

// Cases per worker request at most: the checker's largest claim (check_claim_cases), so that
// one request serves a whole claim of consecutive chunks.
inline constexpr size_t kWorkerBatch = 262144;
// Operand arrays a request can carry (fma's three operands and stochastic rounding's bits).
inline constexpr size_t kWorkerMaxArrays = 4;

struct IsolationLimits {
  double case_timeout = 60;    // seconds one request (at most kWorkerBatch cases) may take
  double check_timeout = 3600; // seconds one check may take; 0: no limit
};

// What a worker loads: a built-in subject by name, or the plugin at plugin_path.
struct WorkerTarget {
  std::string subject;
  std::string plugin_path;
};

// A failed request: which cases it held and why it failed.
struct WorkerFailure {
  uint64_t begin = 0, end = 0;
  std::string cause;           // "crashed: SIGSEGV (Segmentation fault)", "timeout: ...", the subject's message
  bool check_timeout = false;  // the whole check ran out of time: no case to blame
};

// The first case of a check that fails alone, found by bisecting a failed request.
struct FailingCase {
  uint64_t index = 0;
  std::vector<uint64_t> inputs;  // operand codes, then the random bits for stochastic rounding
  std::string cause;
};

class WorkerProcess;

// The workers of one subject for a whole run. Not copyable; kills its workers when destroyed.
class SubjectWorkers {
 public:
  SubjectWorkers(WorkerTarget target, const Subject& subject, IsolationLimits limits);
  ~SubjectWorkers();
  SubjectWorkers(const SubjectWorkers&) = delete;
  SubjectWorkers& operator=(const SubjectWorkers&) = delete;

  // `op` (one of the subject's ops) for cases [begin, end) of `cases`, running in the workers:
  // the CaseServer for run_check, which hands each checker thread the operands and results of
  // its worker's batch in place and throws std::runtime_error with the cause when a batch fails
  // (the checker then reports the check as "error"). Starts a new check: forgets the previous
  // check's batches and failures and starts the check's clock. `cases` must outlive the check.
  CaseServer begin_check(const SubjectOp& op, const CaseSource& cases, uint64_t begin, uint64_t end);

  // The failed request of the current check with the lowest cases, if any.
  std::optional<WorkerFailure> first_failure() const;

  // Bisects `failure`'s cases to the first case that fails alone, in fresh workers; nothing when
  // the failure was the check's timeout or does not reproduce on a single case.
  std::optional<FailingCase> locate(const WorkerFailure& failure);

 private:
  struct Slot;
  struct CheckState;
  // Runs cases [first, first + n) in `slot`'s worker (restarting it if needed); the cause on failure.
  std::optional<std::string> run_batch(Slot& slot, uint64_t first, size_t n, double timeout, bool check_timeout);
  ServedCases serve(int thread, uint64_t first, size_t n);

  WorkerTarget target_;
  std::vector<std::string> op_names_;
  IsolationLimits limits_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one per checker thread
  std::unique_ptr<CheckState> check_;
};

// Runs argv[0] (found on PATH) with argv in its own process group and waits at most `timeout`
// seconds (0: no limit): nothing when it exits with status 0, else the cause ("crashed: SIGSEGV
// (Segmentation fault)", "exited with status 3", "timed out: ..."; on a timeout its whole process
// group is killed). For the file protocol's `fpconform check DIR --exec CMD`.
std::optional<std::string> run_program(const std::vector<std::string>& argv, double timeout);

// The program a supervisor starts as its worker: $FPCONFORM_WORKER_EXE, else this very executable
// when it is fpconform (throws otherwise). Element, block and dot workers all start it.
std::string worker_executable();

// The worker's side: `fpconform __worker --subject NAME | --plugin PATH` with the socket on fd 3
// and the shared buffer on fd 4. Returns the process's exit status.
int worker_main(const std::vector<std::string>& args);

}  // namespace fpc
