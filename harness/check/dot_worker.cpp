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

// A batch file: count, K, S (scale codes per dot: K / block for a block-scaled op, else 0), then
// a (count * K), b (count * K), c (count), a's scales (count * S) and b's (count * S), all uint64.
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

  // Runs the dots of `batch` in a fresh worker: nothing, or the cause of its failure.
  std::optional<std::string> run(const DotBatch& batch) {
    std::error_code ec;
    std::filesystem::remove(dir.path() / kResultFile, ec);
    std::filesystem::remove(dir.path() / kErrorFile, ec);
    {
      std::ofstream out(dir.path() / kBatchFile, std::ios::binary | std::ios::trunc);
      const size_t n = batch.count, K = batch.K, S = batch.a_scales.size() / std::max<size_t>(n, 1);
      const uint64_t header[3] = {n, K, S};
      if (!write_words(out, header, 3) || !write_words(out, batch.a.data(), n * K) || !write_words(out, batch.b.data(), n * K) ||
          !write_words(out, batch.c.data(), n) || !write_words(out, batch.a_scales.data(), n * S) ||
          !write_words(out, batch.b_scales.data(), n * S))
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
    const auto bytes = static_cast<std::streamsize>(batch.count * sizeof(uint64_t));
    in.read(reinterpret_cast<char*>(batch.d.data()), bytes);
    if (!in || in.gcount() != bytes) return std::string("the worker wrote no results");
    return std::nullopt;
  }

  // Dots [from, from + n) of a batch, as a batch of their own.
  static DotBatch part(const DotBatch& b, size_t from, size_t n, std::span<uint64_t> d) {
    const size_t S = b.a_scales.size() / std::max<size_t>(b.count, 1);
    return {b.K, n, b.a.subspan(from * b.K, n * b.K), b.b.subspan(from * b.K, n * b.K), b.c.subspan(from, n), d,
            b.a_scales.subspan(from * S, n * S), b.b_scales.subspan(from * S, n * S)};
  }

  // The first dot of the batch (its first dot being case `first`) that fails alone, by
  // bisection, and its cause.
  std::optional<std::pair<uint64_t, std::string>> locate(uint64_t first, const DotBatch& batch) {
    std::vector<uint64_t> d(batch.count);
    size_t from = 0, n = batch.count;
    while (n > 1) {
      const size_t half = n / 2;
      if (run(part(batch, from, half, d))) {
        n = half;
      } else if (run(part(batch, from + half, n - half, d))) {
        from += half, n -= half;
      } else {
        return std::nullopt;
      }
    }
    if (auto cause = run(part(batch, from, 1, d))) return std::pair{first + from, *cause};
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
  return [s](uint64_t first, const DotBatch& batch) {
    const size_t K = batch.K;
    const std::optional<std::string> cause = s->run(batch);
    if (!cause) return;
    if (cause->starts_with("timeout: the check")) throw std::runtime_error(*cause);
    if (auto found = s->locate(first, batch)) {
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
  uint64_t header[3] = {0, 0, 0};
  in.read(reinterpret_cast<char*>(header), sizeof header);
  const uint64_t n = header[0], K = header[1], S = header[2];
  const uint64_t want_s = op->claim.scales ? K / static_cast<uint64_t>(std::max(op->claim.scales->block, 1)) : 0;
  if (!in || n == 0 || n > 4096 || K == 0 || K > kMaxPluginDotK || S != want_s) return fail(2, "worker: malformed batch file");
  std::vector<uint64_t> a(n * K), b(n * K), c(n), d(n, 0), sa(n * S), sb(n * S);
  for (std::vector<uint64_t>* v : {&a, &b, &c, &sa, &sb})
    in.read(reinterpret_cast<char*>(v->data()), static_cast<std::streamsize>(v->size() * sizeof(uint64_t)));
  if (!in) return fail(2, "worker: truncated batch file");
  try {
    op->run(DotBatch{K, n, a, b, c, d, sa, sb});
  } catch (const std::exception& e) {
    return fail(3, e.what());
  }
  std::ofstream out(dir / kResultFile, std::ios::binary | std::ios::trunc);
  if (!write_words(out, d.data(), n)) return fail(2, "worker: cannot write the results");
  return 0;
}

}  // namespace fpc
