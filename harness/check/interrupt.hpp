// SIGINT and SIGTERM during `fpconform run` (a terminal's Ctrl-C, a batch system's preemption):
// the first one asks the run to stop at its next safe point, where it writes its report with
// the unfinished checks marked "interrupted" (`fpconform run --resume REPORT` finishes them); a
// second one ends the process at once.
#pragma once

namespace fpc {

// Thrown to unwind a check that an interrupt stopped. Deliberately not a std::exception, so that
// nothing that catches a subject's errors catches it.
struct Interrupted {
  int signal = 0;
};

// Installs the handlers (idempotent) and clears any earlier interrupt.
void install_interrupt_handlers();
// Puts the default handlers back.
void restore_interrupt_handlers();
// The signal that arrived, or 0.
int interrupt_signal();
// Throws Interrupted when a signal arrived.
void throw_if_interrupted();

}  // namespace fpc
