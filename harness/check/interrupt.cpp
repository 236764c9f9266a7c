#include "check/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

namespace fpc {

namespace {

volatile sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int sig) {
  if (g_signal != 0) _exit(128 + sig);  // the second signal: stop now
  g_signal = sig;
}

}  // namespace

void install_interrupt_handlers() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

void restore_interrupt_handlers() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
}

int interrupt_signal() { return g_signal; }

void throw_if_interrupted() {
  if (const int sig = g_signal) throw Interrupted{sig};
}

}  // namespace fpc
