// fpc_bench_wide: what `fpconform check DIR` costs for float32/float64 arithmetic through the file
// protocol (docs/performance.md, "Wide-format checks"), against Berkeley TestFloat's 2.5 M checks/s
// per core (issue 17).
//
// For each check (float32 add, mul, div, sqrt, fma; float64 add, fma; random:N and boundary
// cases, rne) it writes a cases directory with write_cases (what `fpconform cases` does), computes
// out.bin with this CPU's own IEEE arithmetic (the subject: + * / sqrt and std::fma in the default
// rounding mode), then runs `FPCONFORM check DIR --threads 1` R times as a child process and
// prints the best child CPU time (user + sys, from getrusage) and cases per CPU-second. Boundary
// sets are small (26 to 13,824 cases), so the process's fixed cost dominates them there; a second
// table times the check in-process (run_check on one thread, the CPU's arithmetic as the
// subject, repeated for at least 0.3 s): CPU ns per case for the subject alone and for the check,
// random and boundary.
//
//   fpc_bench_wide --fpconform build/bench/harness/fpconform [--cases N] [--repeat R]
//                  [--dir DIR] [--only SUBSTRING]
#include "check/element/cases.hpp"
#include "check/element/checker.hpp"
#include "protocol/file_protocol.hpp"
#include "protocol/mapped_file.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <spawn.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Row {
  const char* op;
  const char* format;
};
constexpr Row kRows[] = {{"add", "float32"}, {"mul", "float32"}, {"div", "float32"}, {"sqrt", "float32"},
                         {"fma", "float32"}, {"add", "float64"}, {"fma", "float64"}};

template <typename T, typename U>
uint64_t apply(const std::string& op, const uint64_t* x) {
  const T a = std::bit_cast<T>(static_cast<U>(x[0])), b = std::bit_cast<T>(static_cast<U>(x[1])),
          c = std::bit_cast<T>(static_cast<U>(x[2]));
  T r;
  if (op == "add") r = a + b;
  else if (op == "mul") r = a * b;
  else if (op == "div") r = a / b;
  else if (op == "sqrt") r = std::sqrt(a);
  else r = std::fma(a, b, c);
  return std::bit_cast<U>(r);
}

// out.bin by this CPU's arithmetic, from the mapped input files.
void write_subject_output(const std::string& dir, const fpc::OpSemantics& s, uint64_t count) {
  const int width = fpc::code_width(s.in->bits());
  std::vector<std::unique_ptr<fpc::MappedCodeFile>> in;
  for (int k = 0; k < s.arity(); ++k)
    in.push_back(std::make_unique<fpc::MappedCodeFile>(dir + "/in" + std::to_string(k) + ".bin", count, width));
  std::vector<uint64_t> out(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t x[3] = {0, 0, 0};
    for (int k = 0; k < s.arity(); ++k) x[k] = in[static_cast<size_t>(k)]->code(i);
    out[i] = width == 4 ? apply<float, uint32_t>(s.op, x) : apply<double, uint64_t>(s.op, x);
  }
  fpc::write_code_file(dir + "/out.bin", out.data(), out.size(), width);
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The CPU's own arithmetic over codes, one loop per operation and format.
template <typename T, typename U, int Arity, typename F>
fpc::BatchFn host_loop(F f) {
  return [f](const uint64_t* const* in, uint64_t* out, size_t n) {  // in[k] exists for k < Arity only
    const uint64_t* a = in[0];
    const uint64_t* b = Arity > 1 ? in[1] : in[0];
    const uint64_t* c = Arity > 2 ? in[2] : in[0];
    for (size_t i = 0; i < n; ++i)
      out[i] = std::bit_cast<U>(f(std::bit_cast<T>(static_cast<U>(a[i])), std::bit_cast<T>(static_cast<U>(b[i])),
                                  std::bit_cast<T>(static_cast<U>(c[i]))));
  };
}

template <typename T, typename U>
fpc::BatchFn host_batch(const std::string& op) {
  if (op == "add") return host_loop<T, U, 2>([](T x, T y, T) { return x + y; });
  if (op == "mul") return host_loop<T, U, 2>([](T x, T y, T) { return x * y; });
  if (op == "div") return host_loop<T, U, 2>([](T x, T y, T) { return x / y; });
  if (op == "sqrt") return host_loop<T, U, 1>([](T x, T, T) { return std::sqrt(x); });
  return host_loop<T, U, 3>([](T x, T y, T z) { return std::fma(x, y, z); });
}

// The CPU's own arithmetic over codes, as a subject op.
fpc::SubjectOp host_subject(const fpc::OpSemantics& s) {
  fpc::SubjectOp op;
  op.name = "host";
  op.semantics = s;
  op.run = s.in->bits() == 32 ? host_batch<float, uint32_t>(s.op) : host_batch<double, uint64_t>(s.op);
  return op;
}

// CPU ns per case of `body` (one pass over `count` cases), repeated for at least 0.3 s.
template <typename F>
double ns_per_case(uint64_t count, F&& body) {
  int reps = 0;
  const double t0 = thread_cpu_seconds();
  double t = t0;
  do {
    body();
    ++reps;
    t = thread_cpu_seconds();
  } while (t - t0 < 0.3);
  return (t - t0) * 1e9 / (static_cast<double>(reps) * static_cast<double>(count));
}

// body(name, semantics, cases) for every row and case kind whose name contains `only`.
template <typename F>
void for_each_check(uint64_t cases, const std::string& only, F&& body) {
  for (const Row& row : kRows)
    for (const std::string& kind : {"random:" + std::to_string(cases), std::string("boundary")}) {
      const std::string name = std::string(row.format) + " " + row.op + " " + kind.substr(0, kind.find(':'));
      if (!only.empty() && name.find(only) == std::string::npos) continue;
      fpc::OpSemantics s;
      s.op = row.op;
      s.in = s.out = &fpc::format_by_name(row.format);
      s.rounding = fpc::Rounding::NearestEven;
      body(name, s, fpc::CaseSource::parse(s, kind, 1));
    }
}

struct Cost {
  double cpu = 0, wall = 0;
  int status = -1;
};

// One `fpconform check DIR --threads 1`, its CPU time from the children's rusage.
Cost run_check(const std::string& fpconform, const std::string& dir) {
  rusage before{}, after{};
  getrusage(RUSAGE_CHILDREN, &before);
  const std::string report = dir + "/report.json";
  std::vector<std::string> args = {fpconform, "check", dir, "--threads", "1", "--report", report};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  Cost c;
  if (posix_spawn(&pid, fpconform.c_str(), &actions, nullptr, argv.data(), environ) != 0) return c;
  int status = 0;
  waitpid(pid, &status, 0);
  c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  posix_spawn_file_actions_destroy(&actions);
  getrusage(RUSAGE_CHILDREN, &after);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  c.cpu = seconds(after.ru_utime) - seconds(before.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_stime);
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string fpconform, dir = std::filesystem::temp_directory_path().string() + "/fpc_bench_wide", only;
  uint64_t cases = 7496192;
  int repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--fpconform") fpconform = v;
    else if (k == "--cases") cases = std::stoull(v);
    else if (k == "--repeat") repeat = std::max(1, std::stoi(v));
    else if (k == "--dir") dir = v;
    else if (k == "--only") only = v;
    else {
      std::cerr << "fpc_bench_wide: unknown option " << k << "\n";
      return 2;
    }
  }
  if (fpconform.empty()) {
    std::cerr << "usage: fpc_bench_wide --fpconform PATH [--cases N] [--repeat R] [--dir DIR] [--only TEXT]\n";
    return 2;
  }
  std::printf("%-26s %10s %10s %10s %14s %12s\n", "check", "cases", "CPU s", "wall s", "cases/CPU-s", "x TestFloat");
  constexpr double kTestFloatPerSecond = 2.5e6;  // issue 17: testfloat -level 2 f32_add, one core
  bool failed = false;
  for_each_check(cases, only, [&](const std::string& name, const fpc::OpSemantics& s, const fpc::CaseSource& source) {
      if (failed) return;
      std::filesystem::remove_all(dir);
      fpc::write_cases(dir, s, source);
      write_subject_output(dir, s, source.count());
      Cost best;
      for (int r = 0; r < repeat; ++r) {
        const Cost c = run_check(fpconform, dir);
        if (c.status != 0) {
          std::cerr << "fpc_bench_wide: " << name << ": fpconform check exited with " << c.status << "\n";
          failed = true;
          return;
        }
        if (r == 0 || c.cpu < best.cpu) best = c;
      }
      const double per_cpu_s = static_cast<double>(source.count()) / best.cpu;
      std::printf("%-26s %10llu %10.3f %10.3f %14.3g %12.1f\n", name.c_str(), static_cast<unsigned long long>(source.count()),
                  best.cpu, best.wall, per_cpu_s, per_cpu_s / kTestFloatPerSecond);
      std::fflush(stdout);
  });
  if (failed) return 1;
  std::filesystem::remove_all(dir);

  std::printf("\nin-process, one thread (CPU ns per case; check = run_check with the subject)\n");
  std::printf("%-26s %10s %10s %10s %14s %12s\n", "check", "cases", "subject", "check", "cases/CPU-s", "x TestFloat");
  for_each_check(cases, only, [&](const std::string& name, const fpc::OpSemantics& s, const fpc::CaseSource& source) {
      const fpc::SubjectOp op = host_subject(s);
      fpc::CheckOptions options;
      options.threads = 1;
      const uint64_t n = source.count();
      const double subject = ns_per_case(n, [&] {
        fpc::run_chunks(0, n, 1, [&](int, uint64_t first, size_t m) {
          static thread_local std::vector<uint64_t> buf[4];
          for (auto& b : buf) b.resize(fpc::kCheckChunk);
          uint64_t* ops[3] = {buf[0].data(), buf[1].data(), buf[2].data()};
          source.fill(first, m, ops);
          const uint64_t* in[3] = {ops[0], ops[1], ops[2]};
          op.run(in, buf[3].data(), m);
          return true;
        });
      });
      const double check = ns_per_case(n, [&] {
        const fpc::CheckOutcome o = fpc::run_check(op, source, 0, n, options);
        if (o.failed != 0) std::fprintf(stderr, "fpc_bench_wide: %s: %llu cases fail\n", name.c_str(), static_cast<unsigned long long>(o.failed));
      });
      const double per_cpu_s = 1e9 / check;
      std::printf("%-26s %10llu %10.2f %10.2f %14.3g %12.1f\n", name.c_str(), static_cast<unsigned long long>(n), subject, check,
                  per_cpu_s, per_cpu_s / kTestFloatPerSecond);
      std::fflush(stdout);
  });
  return 0;
}
