#include "check/worker.hpp"

#include "../kernels/plugin_loader.hpp"
#include "check/block_worker.hpp"
#include "check/element/checker.hpp"
#include "check/interrupt.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace fpc {

namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kMagic = 0x57435046;  // "FPCW"
constexpr int kSocketFd = 3, kOperandFd = 4, kResultFd = 5;
// Result arrays a reply can fill: an element op's results, or a block answer's codes, scale
// codes and zero points.
constexpr size_t kResultArrays = 3;
constexpr size_t kOperandBytes = kWorkerMaxArrays * kWorkerBatch * sizeof(uint64_t);
constexpr size_t kResultBytes = kResultArrays * kWorkerBatch * sizeof(uint64_t);
// A worker must have loaded its subject within this time (a CUDA context can take seconds).
constexpr double kStartTimeout = 120;

struct Request {
  uint32_t magic = kMagic;
  uint32_t op_index = 0;
  uint64_t n = 0;
};
struct Reply {
  uint32_t magic = kMagic;
  uint32_t ok = 1;
  uint32_t text_bytes = 0;
  uint32_t reserved = 0;
};

bool write_all(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

std::string signal_text(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* description = sigdescr_np(sig);
  return (abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig)) +
         (description ? " (" + std::string(description) + ")" : "");
}

// A file descriptor closed when it goes out of scope.
struct OwnedFd {
  int fd = -1;
  OwnedFd() = default;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd() {
    if (fd >= 0) close(fd);
  }
};

// A shared buffer of `bytes` in a new memfd, mapped read-write here; the memfd goes to `fd`. The
// seals keep the worker from shrinking it under our mapping (a SIGBUS here) and, with
// F_SEAL_FUTURE_WRITE in `extra_seals`, from mapping it writable at all: our mapping, made
// before the seal, is the only writable one.
uint64_t* create_shared(size_t bytes, unsigned extra_seals, OwnedFd& fd) {
  fd.fd = memfd_create("fpconform-worker", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd.fd < 0 || ftruncate(fd.fd, static_cast<off_t>(bytes)) != 0)
    throw std::runtime_error("cannot create a worker's shared buffer");
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd.fd, 0);
  if (p == MAP_FAILED) throw std::runtime_error("cannot map a worker's shared buffer");
  if (fcntl(fd.fd, F_ADD_SEALS, static_cast<int>(F_SEAL_SHRINK | F_SEAL_GROW | extra_seals | F_SEAL_SEAL)) != 0) {
    munmap(p, bytes);
    throw std::runtime_error("cannot seal a worker's shared buffer");
  }
  return static_cast<uint64_t*>(p);
}

}  // namespace

// (worker.hpp) A test binary that runs the CLI in-process sets $FPCONFORM_WORKER_EXE.
std::string worker_executable() {
  if (const char* exe = std::getenv("FPCONFORM_WORKER_EXE"); exe && *exe) return exe;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || self.filename().string().find("fpconform") == std::string::npos)
    throw std::runtime_error("cannot start a worker: this program is not fpconform (set FPCONFORM_WORKER_EXE)");
  return self.string();
}

// One worker process: its socket, its shared buffers (operands, which it can only read, and
// results) and its pid.
class WorkerProcess {
 public:
  // `what`: the worker's arguments after `__worker` (--subject NAME, --plugin PATH, --block-subject NAME).
  WorkerProcess(const std::vector<std::string>& what, size_t op_count) {
    try {
      start(what, op_count);
    } catch (...) {  // the destructor does not run for a constructor that throws
      stop();
      unmap();
      throw;
    }
  }

  ~WorkerProcess() {
    stop();
    unmap();
  }
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  bool alive() const { return pid_ > 0; }
  uint64_t* operands(size_t k) { return operands_ + k * kWorkerBatch; }
  const uint64_t* results(size_t k) const { return results_ + k * kWorkerBatch; }

  // Runs op `op_index` on the n cases in the buffer; the cause of a failure (the worker is then
  // gone). `check_timeout` says that the timeout is the check's, for the message.
  // The reply's text goes to *reply where given.
  std::optional<std::string> run(uint32_t op_index, size_t n, double timeout, bool check_timeout, std::string* reply = nullptr) {
    Request req;
    req.op_index = op_index;
    req.n = n;
    if (!write_all(sock_, &req, sizeof req)) return died();
    std::string text;
    if (auto cause = await(timeout, check_timeout, &text)) return cause;
    if (reply) *reply = std::move(text);
    return std::nullopt;
  }

  void stop() {
    if (sock_ >= 0) close(sock_);
    sock_ = -1;
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    pid_ = -1;
  }

 private:
  // Waits for one reply. Its text goes to *text; a failure's cause is returned.
  std::optional<std::string> await(double timeout, bool check_timeout, std::string* text) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
    while (true) {
      if (const int sig = interrupt_signal()) {
        stop();
        throw Interrupted{sig};
      }
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) {
        stop();
        char secs[32];
        std::snprintf(secs, sizeof secs, "%g", timeout);
        return check_timeout ? "timeout: the check ran longer than its limit (--check-timeout)"
                             : "timeout: no answer within " + std::string(secs) + " s (--case-timeout)";
      }
      pollfd pfd{sock_, POLLIN, 0};
      const auto slice = std::min<Clock::duration>(left, std::chrono::milliseconds(100));
      const int r = poll(&pfd, 1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(slice).count()) + 1);
      if (r < 0 && errno != EINTR) return died();
      if (r > 0) break;
    }
    Reply reply;
    if (!read_all(sock_, &reply, sizeof reply) || reply.magic != kMagic) return died();
    text->assign(std::min<uint32_t>(reply.text_bytes, 1 << 16), '\0');
    if (!read_all(sock_, text->data(), text->size())) return died();
    if (reply.ok) return std::nullopt;
    stop();  // the worker exits after an error: its state (a CUDA sticky error) may be broken
    return *text;
  }

  // The cause of the worker's end, once it is gone: the signal that killed it, or its exit status.
  std::string died() {
    if (sock_ >= 0) close(sock_);
    sock_ = -1;
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 200 && (r = waitpid(pid_, &status, WNOHANG)) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (r == 0) {  // it closed its socket but lives on: stop it
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      pid_ = -1;
      return "crashed: the worker stopped answering";
    }
    pid_ = -1;
    if (r > 0 && WIFSIGNALED(status)) return "crashed: " + signal_text(WTERMSIG(status));
    if (r > 0 && WIFEXITED(status)) return "crashed: the subject ended the process with exit status " + std::to_string(WEXITSTATUS(status));
    return "crashed: the worker ended";
  }

  // Creates the buffers, starts the worker and waits until it has loaded the subject.
  void start(const std::vector<std::string>& what, size_t op_count) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw std::runtime_error("socketpair failed");
    sock_ = sv[0];
    OwnedFd worker_end, operand_fd, result_fd;  // the worker's copies; ours close on return
    worker_end.fd = sv[1];
    operands_ = create_shared(kOperandBytes, F_SEAL_FUTURE_WRITE, operand_fd);
    results_ = create_shared(kResultBytes, 0, result_fd);
    const std::string exe = worker_executable();
    std::vector<std::string> args = {exe, "__worker"};
    args.insert(args.end(), what.begin(), what.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, worker_end.fd, kSocketFd);
    posix_spawn_file_actions_adddup2(&actions, operand_fd.fd, kOperandFd);
    posix_spawn_file_actions_adddup2(&actions, result_fd.fd, kResultFd);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so that a terminal's Ctrl-C reaches only the supervisor, which
    // then writes its report; default handlers and no blocked signals in the worker.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawn(&pid_, exe.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("cannot start a worker (" + exe + "): " + std::strerror(rc));
    }
    // The worker says it is ready once it has loaded the subject, with its op count.
    std::string text;
    if (auto cause = await(kStartTimeout, false, &text)) throw std::runtime_error("worker did not start: " + *cause);
    if (text != "ready " + std::to_string(op_count))
      throw std::runtime_error("worker did not start: it answered '" + text.substr(0, 200) + "'");
  }

  void unmap() {
    if (operands_) munmap(operands_, kOperandBytes);
    if (results_) munmap(results_, kResultBytes);
    operands_ = results_ = nullptr;
  }

  int sock_ = -1;
  pid_t pid_ = -1;
  uint64_t* operands_ = nullptr;
  uint64_t* results_ = nullptr;
};

struct SubjectWorkers::Slot {
  std::unique_ptr<WorkerProcess> worker;
  bool holds = false;
  uint64_t begin = 0, end = 0;  // the batch its worker's buffers hold
  std::array<const uint64_t*, kWorkerMaxArrays> served{};  // the operands last served from it
};

struct SubjectWorkers::CheckState {
  const CaseSource* cases = nullptr;
  uint32_t op_index = 0;
  uint64_t begin = 0, end = 0;
  std::optional<Clock::time_point> deadline;
  std::vector<WorkerFailure> failures;
};

SubjectWorkers::SubjectWorkers(WorkerTarget target, const Subject& subject, IsolationLimits limits)
    : target_(std::move(target)), limits_(limits) {
  for (const SubjectOp& op : subject.ops) op_names_.push_back(op.name);
}

SubjectWorkers::~SubjectWorkers() = default;

CaseServer SubjectWorkers::begin_check(const SubjectOp& op, const CaseSource& cases, uint64_t begin, uint64_t end) {
  const auto it = std::find(op_names_.begin(), op_names_.end(), op.name);
  if (it == op_names_.end()) throw std::logic_error("begin_check: op " + op.name + " is not the subject's");
  if (static_cast<size_t>(cases.operand_arrays()) > kWorkerMaxArrays)
    throw std::logic_error("begin_check: too many operand arrays");
  {
    std::lock_guard lock(mu_);
    for (auto& slot : slots_) slot->holds = false;
    check_ = std::make_unique<CheckState>();
    check_->cases = &cases;
    check_->op_index = static_cast<uint32_t>(it - op_names_.begin());
    check_->begin = begin;
    check_->end = end;
    if (limits_.check_timeout > 0)
      check_->deadline =
          Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.check_timeout));
  }
  return [this](int thread, uint64_t first, size_t n) { return serve(thread, first, n); };
}

std::optional<std::string> SubjectWorkers::run_batch(Slot& slot, uint64_t first, size_t n, double timeout,
                                                     bool check_timeout) {
  try {
    if (!slot.worker || !slot.worker->alive()) {
      slot.worker.reset();
      const std::vector<std::string> what = target_.plugin_path.empty() ? std::vector<std::string>{"--subject", target_.subject}
                                                                         : std::vector<std::string>{"--plugin", target_.plugin_path};
      slot.worker = std::make_unique<WorkerProcess>(what, op_names_.size());
    }
    uint64_t* arrays[kWorkerMaxArrays];
    for (size_t k = 0; k < kWorkerMaxArrays; ++k) arrays[k] = slot.worker->operands(k);
    check_->cases->fill(first, n, arrays);
    return slot.worker->run(check_->op_index, n, timeout, check_timeout);
  } catch (const std::runtime_error& e) {  // the worker could not be started
    slot.worker.reset();
    return std::string(e.what());
  }
}

ServedCases SubjectWorkers::serve(int thread, uint64_t first, size_t n) {
  Slot* slot = nullptr;
  {
    std::lock_guard lock(mu_);
    while (slots_.size() <= static_cast<size_t>(thread)) slots_.push_back(std::make_unique<Slot>());
    slot = slots_[static_cast<size_t>(thread)].get();
  }
  if (!(slot->holds && first >= slot->begin && first + n <= slot->end)) {
    slot->holds = false;
    // The claim `first` starts (run_chunks hands a thread a claim's chunks in order).
    const uint64_t batch_end = std::min<uint64_t>(check_->end, first + check_claim_cases(check_->begin, check_->end));
    double timeout = limits_.case_timeout;
    bool check_timeout = false;
    if (check_->deadline) {
      const double left = std::chrono::duration<double>(*check_->deadline - Clock::now()).count();
      if (left < timeout) {
        timeout = std::max(left, 0.0);
        check_timeout = true;
      }
    }
    const std::optional<std::string> cause =
        run_batch(*slot, first, static_cast<size_t>(batch_end - first), timeout, check_timeout);
    if (cause) {
      std::lock_guard lock(mu_);
      check_->failures.push_back({first, batch_end, *cause, check_timeout && cause->starts_with("timeout")});
      throw std::runtime_error(*cause);
    }
    slot->holds = true;
    slot->begin = first;
    slot->end = batch_end;
  }
  // In place: the operands as the supervisor wrote them (the worker cannot write them) and the
  // worker's results, until this thread's next request.
  const size_t offset = static_cast<size_t>(first - slot->begin);
  for (size_t k = 0; k < kWorkerMaxArrays; ++k) slot->served[k] = slot->worker->operands(k) + offset;
  return {slot->served.data(), slot->worker->results(0) + offset};
}

std::optional<WorkerFailure> SubjectWorkers::first_failure() const {
  std::lock_guard lock(mu_);
  if (!check_ || check_->failures.empty()) return std::nullopt;
  return *std::min_element(check_->failures.begin(), check_->failures.end(),
                           [](const WorkerFailure& a, const WorkerFailure& b) { return a.begin < b.begin; });
}

std::optional<FailingCase> SubjectWorkers::locate(const WorkerFailure& failure) {
  if (failure.check_timeout || !check_) return std::nullopt;
  Slot slot;
  auto fails = [&](uint64_t first, uint64_t n) {
    return run_batch(slot, first, static_cast<size_t>(n), limits_.case_timeout, false);
  };
  // The failure lies in [lo, hi): keep the lower half when it fails alone, else the upper one.
  uint64_t lo = failure.begin, hi = failure.end;
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (fails(lo, mid - lo)) hi = mid;
    else lo = mid;
  }
  std::optional<std::string> cause = fails(lo, 1);
  if (!cause) return std::nullopt;  // it needs other cases in the batch to fail
  FailingCase found;
  found.index = lo;
  found.cause = *cause;
  found.inputs.resize(static_cast<size_t>(check_->cases->operand_arrays()));
  std::vector<uint64_t*> ops;
  for (uint64_t& v : found.inputs) ops.push_back(&v);
  check_->cases->fill(lo, 1, ops.data());
  return found;
}

std::optional<std::string> run_program(const std::vector<std::string>& argv, double timeout) {
  std::vector<std::string> args = argv;
  std::vector<char*> ptrs;
  for (std::string& a : args) ptrs.push_back(a.data());
  ptrs.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0].c_str(), nullptr, &attr, ptrs.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return "cannot start " + args[0] + ": " + std::strerror(rc);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return std::string("lost the program: ") + std::strerror(errno);
    if (timeout > 0 && Clock::now() >= deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      char secs[32];
      std::snprintf(secs, sizeof secs, "%g", timeout);
      return "timed out: ran longer than " + std::string(secs) + " s (--check-timeout)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFSIGNALED(status)) return "crashed: " + signal_text(WTERMSIG(status));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    const int code = WEXITSTATUS(status);
    // A shell reports a command that died of signal N as status 128 + N.
    const std::string via_shell = code > 128 && code < 128 + 65 ? " (a command it ran died of " + signal_text(code - 128) + ")" : "";
    return "exited with status " + std::to_string(code) + via_shell;
  }
  return std::nullopt;
}

bool runs_isolated(const BlockSubject& s) {
  return s.name.starts_with("cuda_device_") || (s.test_only && s.name.starts_with("planted_crash_"));
}

BlockSubjectWorker::BlockSubjectWorker(std::string subject, IsolationLimits limits)
    : subject_(std::move(subject)), limits_(limits) {
  if (limits_.check_timeout > 0)
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.check_timeout));
}

BlockSubjectWorker::~BlockSubjectWorker() = default;

// The buffers of a block request: the values in operand array 0; the answer's codes in result
// array 0, its scale codes in result array 1 and its zero points in result array 2; the reply's
// text is "CODES SCALES ZERO_POINTS".
BlockOutput BlockSubjectWorker::run(std::span<const uint32_t> values) {
  if (values.size() > kWorkerBatch) throw std::runtime_error("a block of more than 262144 values");
  double timeout = limits_.case_timeout;
  bool check_timeout = false;
  if (deadline_) {
    const double left = std::chrono::duration<double>(*deadline_ - Clock::now()).count();
    if (left < timeout) {
      timeout = std::max(left, 0.0);
      check_timeout = true;
    }
  }
  if (!worker_ || !worker_->alive()) {
    worker_.reset();
    worker_ = std::make_unique<WorkerProcess>(std::vector<std::string>{"--block-subject", subject_}, 1);
  }
  std::copy(values.begin(), values.end(), worker_->operands(0));
  std::string counts;
  if (auto cause = worker_->run(0, values.size(), timeout, check_timeout, &counts)) throw std::runtime_error(*cause);
  size_t n_codes = 0, n_scales = 0, n_zero_points = 0;
  if (std::sscanf(counts.c_str(), "%zu %zu %zu", &n_codes, &n_scales, &n_zero_points) != 3 || n_codes > kWorkerBatch ||
      n_scales > kWorkerBatch || n_zero_points > kWorkerBatch)
    throw std::runtime_error("the worker answered '" + counts.substr(0, 80) + "'");
  BlockOutput out;
  out.codes.assign(worker_->results(0), worker_->results(0) + n_codes);
  out.scale_codes.assign(worker_->results(1), worker_->results(1) + n_scales);
  for (size_t i = 0; i < n_zero_points; ++i) out.zero_points.push_back(static_cast<int64_t>(worker_->results(2)[i]));
  return out;
}

namespace {

// The worker's loop for a block subject: one block a request (see BlockSubjectWorker::run).
int serve_block_subject(const BlockSubject& subject, const uint64_t* operands, uint64_t* results,
                        const std::function<bool(bool, const std::string&)>& reply) {
  if (!reply(true, "ready 1")) return 1;
  uint64_t* result[kResultArrays];
  for (size_t k = 0; k < kResultArrays; ++k) result[k] = results + k * kWorkerBatch;
  Request req;
  std::vector<uint32_t> values;
  while (read_all(kSocketFd, &req, sizeof req)) {
    if (req.magic != kMagic || req.op_index != 0 || req.n > kWorkerBatch) {
      reply(false, "worker got a malformed request");
      return 1;
    }
    values.assign(operands, operands + req.n);
    BlockOutput got;
    try {
      got = subject.run(values);
    } catch (const std::exception& e) {
      reply(false, e.what());
      return 1;
    }
    if (got.codes.size() > kWorkerBatch || got.scale_codes.size() > kWorkerBatch || got.zero_points.size() > kWorkerBatch) {
      reply(false, "the subject returned more than 262144 codes, scales or zero points for one block");
      return 1;
    }
    std::copy(got.codes.begin(), got.codes.end(), result[0]);
    std::copy(got.scale_codes.begin(), got.scale_codes.end(), result[1]);
    for (size_t i = 0; i < got.zero_points.size(); ++i) result[2][i] = static_cast<uint64_t>(got.zero_points[i]);
    if (!reply(true, std::to_string(got.codes.size()) + " " + std::to_string(got.scale_codes.size()) + " " +
                         std::to_string(got.zero_points.size())))
      return 1;
  }
  return 0;
}

}  // namespace

int worker_main(const std::vector<std::string>& args) {
  // End with the supervisor, whatever happens to it, even while the subject hangs. (Not
  // PR_SET_PDEATHSIG: it fires when the supervisor's thread that started the worker ends.)
  const pid_t supervisor = getppid();
  std::thread([supervisor] {
    while (getppid() == supervisor) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    _exit(1);
  }).detach();
  auto reply = [](bool ok, const std::string& text) {
    Reply r;
    r.ok = ok ? 1 : 0;
    r.text_bytes = static_cast<uint32_t>(text.size());
    return write_all(kSocketFd, &r, sizeof r) && write_all(kSocketFd, text.data(), text.size());
  };
  Subject subject;
  const BlockSubject* block_subject = nullptr;
  try {
    if (args.size() == 2 && args[0] == "--plugin") subject = load_plugin(args[1]);
    else if (args.size() == 2 && args[0] == "--subject") subject = subject_by_name(args[1]);
    else if (args.size() == 2 && args[0] == "--block-subject") block_subject = &block_subject_by_name(args[1]);
    else throw std::runtime_error("usage: fpconform __worker --subject NAME | --plugin PATH | --block-subject NAME (started by fpconform run)");
  } catch (const std::exception& e) {
    reply(false, std::string("worker cannot load the subject: ") + e.what());
    return 1;
  }
  // The operands can only be mapped read-only (the supervisor sealed them): the supervisor judges
  // against them, so the subject must not be able to change them.
  void* p = mmap(nullptr, kOperandBytes, PROT_READ, MAP_SHARED, kOperandFd, 0);
  void* q = mmap(nullptr, kResultBytes, PROT_READ | PROT_WRITE, MAP_SHARED, kResultFd, 0);
  if (p == MAP_FAILED || q == MAP_FAILED) {
    reply(false, "worker cannot map its buffers");
    return 1;
  }
  const auto* operands = static_cast<const uint64_t*>(p);
  auto* out = static_cast<uint64_t*>(q);
  if (block_subject) return serve_block_subject(*block_subject, operands, out, reply);
  if (!reply(true, "ready " + std::to_string(subject.ops.size()))) return 1;
  const uint64_t* in[kWorkerMaxArrays];
  for (size_t k = 0; k < kWorkerMaxArrays; ++k) in[k] = operands + k * kWorkerBatch;
  Request req;
  while (read_all(kSocketFd, &req, sizeof req)) {
    if (req.magic != kMagic || req.op_index >= subject.ops.size() || req.n > kWorkerBatch) {
      reply(false, "worker got a malformed request");
      return 1;
    }
    try {
      subject.ops[req.op_index].run(in, out, static_cast<size_t>(req.n));
    } catch (const std::exception& e) {
      reply(false, e.what());
      return 1;
    }
    if (!reply(true, "")) return 1;
  }
  return 0;
}

}  // namespace fpc
