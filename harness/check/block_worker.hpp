// Block subjects that are not the oracle's own code (the CUDA block quantizers cuda_device_*, and
// the test-only planted_crash_* that shows it) run in a supervised worker like plugins do
// (check/worker.hpp): one request a block, so a crash or a hang costs that block's check an
// error naming the block, never the run.
#pragma once

#include "check/worker.hpp"
#include "fpconform/block_subject.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace fpc {

class WorkerProcess;

// Whether `s` runs in a supervised worker (unless --in-process).
bool runs_isolated(const BlockSubject& s);

// One block subject in a worker process for one block check.
class BlockSubjectWorker {
 public:
  // The check's --check-timeout counts from here; each block may take --case-timeout.
  BlockSubjectWorker(std::string subject, IsolationLimits limits);
  ~BlockSubjectWorker();
  BlockSubjectWorker(const BlockSubjectWorker&) = delete;
  BlockSubjectWorker& operator=(const BlockSubjectWorker&) = delete;

  // The subject's answer for one block. std::runtime_error with the cause ("crashed: SIGSEGV
  // (Segmentation fault)", "timeout: ...", the subject's message) when the worker fails; a fresh
  // worker takes the next block.
  BlockOutput run(std::span<const uint32_t> values);

 private:
  std::string subject_;
  IsolationLimits limits_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::unique_ptr<WorkerProcess> worker_;
};

}  // namespace fpc
