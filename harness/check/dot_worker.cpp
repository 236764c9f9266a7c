#include "check/dot_worker.hpp"

#include "../kernels/dot_plugin_loader.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace fpc {

namespace {

using Clock = std::chrono::steady_clock;

// A batch file: count, K, then a (count * K), b (count * K) and c (count), all uint64.
constexpr const char* kBatchFile = "in.bin";
constexpr const char* kResultFile = "d.bin";
constexpr const char* kErrorFile = "error.txt";

bool write_words(std::ofstream& out, const uint64_t* p, size_t n) {
  out.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n * sizeof(uint64_t)));
  return static_cast<bool>(out);
}

// A private directory for the batch files, removed with its contents at the end.
class BatchDir {
 public:
  BatchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fpconform-dot-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a directory for the dot worker's batches");
    path_ = tmpl;
  }
  ~BatchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  BatchDir(const BatchDir&) = delete;
  BatchDir& operator=(const BatchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Supervisor {
  std::vector<std::string> target;  // --plugin PATH or --subject NAME
  const DotOp* op = nullptr;
  const std::vector<DotCase>* cases = nullptr;
  IsolationLimits limits;
  std::optional<Clock::time_point> deadline;
  BatchDir dir;

  // Runs the n dots at a, b, c in a fresh worker: nothing, or the cause of its failure.
  std::optional<std::string> run(size_t n, size_t K, const uint64_t* a, const uint64_t* b, const uint64_t* c,
                                 uint64_t* d) {
    std::error_code ec;
    std::filesystem::remove(dir.path() / kResultFile, ec);
    std::filesystem::remove(dir.path() / kErrorFile, ec);
    {
      std::ofstream out(dir.path() / kBatchFile, std::ios::binary | std::ios::trunc);
      const uint64_t header[2] = {n, K};
      if (!write_words(out, header, 2) || !write_words(out, a, n * K) || !write_words(out, b, n * K) || !write_words(out, c, n))
        throw std::runtime_error("cannot write the dot worker's batch in " + dir.path().string());
    }
    double timeout = limits.case_timeout;
    bool check_limit = false;
    if (deadline) {
      const double left = std::chrono::duration<double>(*deadline - Clock::now()).count();
      if (left <= 0) return "timeout: the check ran longer than its limit (--check-timeout)";
      if (left < timeout) timeout = left, check_limit = true;
    }
    std::optional<std::string> cause =
        run_program({worker_executable(), "__dot-worker", target[0], target[1], op->name, dir.path().string()}, timeout);
    if (cause) {
      if (cause->starts_with("timed out")) {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%g", timeout);
        return check_limit ? "timeout: the check ran longer than its limit (--check-timeout)"
                           : "timeout: no answer within " + std::string(secs) + " s (--case-timeout)";
      }
      std::ifstream why(dir.path() / kErrorFile);
      std::string text;
      if (why && std::getline(why, text) && !text.empty()) return text;
      if (cause->starts_with("crashed") || cause->starts_with("exited"))
        return cause->starts_with("crashed") ? *cause : "crashed: the worker " + *cause;
      return *cause;
    }
    std::ifstream in(dir.path() / kResultFile, std::ios::binary);
    in.read(reinterpret_cast<char*>(d), static_cast<std::streamsize>(n * sizeof(uint64_t)));
    if (!in || in.gcount() != static_cast<std::streamsize>(n * sizeof(uint64_t)))
      return std::string("the worker wrote no results");
    return std::nullopt;
  }

  // The first dot of [first, first + n) that fails alone, by bisection, and its cause.
  std::optional<std::pair<uint64_t, std::string>> locate(uint64_t first, size_t n, size_t K, const uint64_t* a,
                                                         const uint64_t* b, const uint64_t* c) {
    std::vector<uint64_t> d(n);
    while (n > 1) {
      const size_t half = n / 2;
      if (run(half, K, a, b, c, d.data())) {
        n = half;
      } else if (run(n - half, K, a + half * K, b + half * K, c + half, d.data())) {
        first += half, a += half * K, b += half * K, c += half, n -= half;
      } else {
        return std::nullopt;
      }
    }
    if (auto cause = run(1, K, a, b, c, d.data())) return std::pair{first, *cause};
    return std::nullopt;
  }
};

}  // namespace

bool dot_runs_isolated(const DotSubject& s) { return s.name.starts_with("cuda_") || s.name.starts_with("cublaslt_"); }

DotAnswers supervised_dot_answers(const DotWorkerTarget& target, const DotOp& op, const std::vector<DotCase>& cases,
                                  IsolationLimits limits) {
  auto s = std::make_shared<Supervisor>();
  s->target = target.plugin_path.empty() ? std::vector<std::string>{"--subject", target.subject}
                                         : std::vector<std::string>{"--plugin", target.plugin_path};
  s->op = &op;
  s->cases = &cases;
  s->limits = limits;
  if (limits.check_timeout > 0)
    s->deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits.check_timeout));
  return [s](uint64_t first, size_t K, std::span<const uint64_t> a, std::span<const uint64_t> b, std::span<const uint64_t> c,
             std::span<uint64_t> d) {
    const std::optional<std::string> cause = s->run(c.size(), K, a.data(), b.data(), c.data(), d.data());
    if (!cause) return;
    if (cause->starts_with("timeout: the check")) throw std::runtime_error(*cause);
    if (auto found = s->locate(first, c.size(), K, a.data(), b.data(), c.data())) {
      const uint64_t index = found->first;
      const std::string kind = index < s->cases->size() ? (*s->cases)[index].kind : "?";
      throw std::runtime_error(found->second + " at dot #" + std::to_string(index) + " (K=" + std::to_string(K) + ", " + kind +
                               "), which fails alone");
    }
    throw std::runtime_error(*cause + " (no single dot of the batch fails alone)");
  };
}

int dot_worker_main(const std::vector<std::string>& args) {
  if (args.size() != 4 || (args[0] != "--plugin" && args[0] != "--subject")) {
    std::fprintf(stderr, "usage: fpconform __dot-worker --plugin PATH | --subject NAME OP DIR (started by fpconform run)\n");
    return 2;
  }
  const std::filesystem::path dir = args[3];
  auto fail = [&dir](int status, const std::string& why) {
    std::ofstream(dir / kErrorFile) << why << "\n";
    return status;
  };
  DotSubject plugin;
  const DotSubject* subject = &plugin;
  try {
    if (args[0] == "--plugin") plugin = load_dot_plugin(args[1]);
    else subject = &dot_subject_by_name(args[1]);
  } catch (const std::exception& e) {
    return fail(2, std::string("worker cannot load the subject: ") + e.what());
  }
  const auto op = std::find_if(subject->ops.begin(), subject->ops.end(), [&](const DotOp& o) { return o.name == args[2]; });
  if (op == subject->ops.end()) return fail(2, "worker: " + subject->name + " has no dot op " + args[2]);
  std::ifstream in(dir / kBatchFile, std::ios::binary);
  uint64_t header[2] = {0, 0};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  const uint64_t n = header[0], K = header[1];
  if (!in || n == 0 || n > 4096 || K == 0 || K > kMaxPluginDotK) return fail(2, "worker: malformed batch file");
  std::vector<uint64_t> a(n * K), b(n * K), c(n), d(n, 0);
  for (std::vector<uint64_t>* v : {&a, &b, &c}) in.read(reinterpret_cast<char*>(v->data()), static_cast<std::streamsize>(v->size() * sizeof(uint64_t)));
  if (!in) return fail(2, "worker: truncated batch file");
  try {
    op->run(DotBatch{K, n, a, b, c, d});
  } catch (const std::exception& e) {
    return fail(3, e.what());
  }
  std::ofstream out(dir / kResultFile, std::ios::binary | std::ios::trunc);
  if (!write_words(out, d.data(), n)) return fail(2, "worker: cannot write the results");
  return 0;
}

}  // namespace fpc
