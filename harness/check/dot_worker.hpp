// Dot ops of plugins (ABI version 2, fpconform/plugin_v2.h) and of the CUDA tensor-core subjects
// run supervised, like element plugins (check/worker.hpp) and block subjects
// (check/block_worker.hpp): each batch of dots is answered by a worker process, `fpconform
// __dot-worker --plugin PATH | --subject NAME OP DIR`, which loads the subject, reads the batch
// from DIR, runs the op and writes the results back (run_program starts and times it). A
// crash, an abort, a hang past --case-timeout or a failing run costs that check an error naming
// the first dot that fails alone (the batch is bisected in fresh workers); the run goes on.
#pragma once

#include "check/dot/dot_check.hpp"
#include "check/worker.hpp"

#include <string>
#include <vector>

namespace fpc {

// What a dot worker loads: the v2 plugin at plugin_path, or the built-in dot subject `subject`.
struct DotWorkerTarget {
  std::string subject;
  std::string plugin_path;
};

// Whether a built-in dot subject runs in a worker (the GPU ones: a CUDA sticky error or a crash
// in the driver costs one check).
bool dot_runs_isolated(const DotSubject& s);

// The answers of `op` (a dot op of `target`) for `cases`, each batch in a worker. Throws std::runtime_error ("crashed: SIGSEGV (Segmentation fault) at dot #12 (K=16,
// nonfinite); ...") when a batch fails: run_dot_check makes that the check's error. `op` and
// `cases` must outlive the answers.
DotAnswers supervised_dot_answers(const DotWorkerTarget& target, const DotOp& op, const std::vector<DotCase>& cases,
                                  IsolationLimits limits);

// The worker's side: `fpconform __dot-worker --plugin PATH | --subject NAME OP DIR`. Exit status 0 when DIR/d.bin holds
// the results; otherwise DIR/error.txt says why (status 2: the plugin or batch cannot be loaded,
// 3: the op failed).
int dot_worker_main(const std::vector<std::string>& args);

}  // namespace fpc
