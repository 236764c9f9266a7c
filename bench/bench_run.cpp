// Throughput of the conformance run: one exhaustive check against the cost of merely calling
// the subject on the same cases (issue 3, "Performance"; figures in docs/performance.md).
//
//   fpc_bench_run e4m3|bf16|hadd [--threads N] [--fraction F] [--repeat R] [--only PHASE]
//
//   e4m3  cuda_host float32_to_e4m3_satfinite  (all 2^32 float32 inputs)
//   bf16  cpu_bits  float32_to_bfloat16_rne_bits  (all 2^32 float32 inputs)
//   hadd  cuda_host float16_add  (all 2^32 pairs of float16 codes)
//
// Each repetition times, over the same cases with the checker's chunks, case generation
// (CaseSource::fill) and thread schedule (fpc::run_chunks):
//   fill       the case generation alone;
//   subject    the subject's own BatchFn, no reference and no comparison: the baseline of issue 3;
//   reference  the reference the checker picks, alone (its table is built before the timer);
//   check      fpc::run_check, everything included (reference, classifier and alternatives
//              set-up, comparison, sampling, diagnosis tallies, merging);
// and prints each phase's wall and CPU time (all threads; cpu / wall shows whether the run got
// its cores on a shared machine), then the best wall time of each phase and check / subject.
// --fraction F runs the first F * 2^32 cases (quick iterations only: a prefix is not
// representative of the whole range). --only PHASE times that phase alone (for profilers); the
// other figures then read 0. Exit status 1 when the check does not pass, 2 on bad arguments.
#include "check/element/checker.hpp"

#include "fpconform/subject.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

struct Mode {
  const char* name;
  const char* subject;
  const char* op;
};
constexpr Mode kModes[] = {
    {"e4m3", "cuda_host", "float32_to_e4m3_satfinite"},
    {"bf16", "cpu_bits", "float32_to_bfloat16_rne_bits"},
    {"hadd", "cuda_host", "float16_add"},
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// CPU time of the whole process (all threads), in seconds: unlike wall time, it does not grow
// when other processes on this shared machine take a core away.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
  double wall = 0, cpu = 0;
};

template <typename F>
Timing timed(F&& f) {
  const double c0 = cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return {seconds_since(t0), cpu_seconds() - c0};
}

// fn over cases [0, count) of `cases`, exactly as run_check feeds the subject: the same chunks,
// the same fill, the same schedule. `sink` keeps the results observable.
Timing time_batch(const fpc::BatchFn& fn, const fpc::CaseSource& cases, uint64_t count, int threads, uint64_t& sink) {
  const auto arrays = static_cast<size_t>(cases.operand_arrays());
  struct alignas(64) Buffers {
    std::vector<std::vector<uint64_t>> operands;
    std::vector<uint64_t*> ops;
    std::vector<const uint64_t*> cops;
    std::vector<uint64_t> out;
    uint64_t sum = 0;
  };
  std::vector<Buffers> buf(static_cast<size_t>(std::max(1, threads)));
  for (Buffers& b : buf) {
    b.operands.assign(arrays, std::vector<uint64_t>(fpc::kCheckChunk));
    for (auto& v : b.operands) {
      b.ops.push_back(v.data());
      b.cops.push_back(v.data());
    }
    b.out.resize(fpc::kCheckChunk);
  }
  const Timing t = timed([&] {
    fpc::run_chunks(0, count, threads, [&](int worker, uint64_t first, size_t n) {
      Buffers& b = buf[static_cast<size_t>(worker)];
      cases.fill(first, n, b.ops.data());
      fn(b.cops.data(), b.out.data(), n);
      b.sum += b.out[n - 1];
      return true;
    });
  });
  for (const Buffers& b : buf) sink += b.sum;
  return t;
}

struct Best {
  Timing best{1e300, 0};
  void add(const Timing& t) {
    if (t.wall < best.wall) best = t;
  }
};

void print_line(const char* what, const Timing& t, double cases) {
  std::printf("%-15s %8.3f s wall  %7.3f ns/case  %8.1f M cases/s  (cpu %.3f s)\n", what, t.wall, t.wall / cases * 1e9,
              cases / t.wall / 1e6, t.cpu);
}

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "fpc_bench_run: %s\nusage: fpc_bench_run e4m3|bf16|hadd [--threads N] [--fraction F] [--repeat R] [--only PHASE]\n",
               why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage("missing mode");
  const Mode* mode = nullptr;
  for (const Mode& m : kModes)
    if (std::string(argv[1]) == m.name) mode = &m;
  if (!mode) usage("unknown mode");
  int threads = 2, repeat = 1;
  std::string only;  // fill | subject | reference | check: time that phase alone (for profilers)
  double fraction = 1.0;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage("option without a value");
    const char* v = argv[++i];
    if (a == "--threads") threads = std::atoi(v);
    else if (a == "--fraction") fraction = std::atof(v);
    else if (a == "--repeat") repeat = std::atoi(v);
    else if (a == "--only") only = v;
    else usage("unknown option");
  }
  if (threads < 1 || repeat < 1 || !(fraction > 0 && fraction <= 1)) usage("bad value");
  if (!only.empty() && only != "fill" && only != "subject" && only != "reference" && only != "check")
    usage("--only takes fill, subject, reference or check");
  auto phase = [&](const char* name) { return only.empty() || only == name; };

  try {
    const fpc::Subject& subject = fpc::subject_by_name(mode->subject);
    if (!subject.available) {
      std::printf("%s: subject %s unavailable (%s)\n", mode->name, subject.name.c_str(), subject.unavailable_reason.c_str());
      return 0;
    }
    const fpc::SubjectOp* op = nullptr;
    for (const fpc::SubjectOp& o : subject.ops)
      if (o.name == mode->op) op = &o;
    if (!op) usage("op not found");
    const fpc::CaseSource cases = fpc::CaseSource::exhaustive(op->semantics);
    const uint64_t count = std::max<uint64_t>(
        1, std::min(cases.count(), static_cast<uint64_t>(static_cast<double>(cases.count()) * fraction)));
    std::string reference_name;
    (void)fpc::reference_for(op->semantics, &reference_name);

    std::printf("%s: %s/%s (%s), %llu of %llu exhaustive cases, %d thread(s), chunk %zu, reference %s, best of %d\n",
                mode->name, subject.name.c_str(), op->name.c_str(), op->semantics.describe().c_str(),
                static_cast<unsigned long long>(count), static_cast<unsigned long long>(cases.count()), threads,
                fpc::kCheckChunk, reference_name.c_str(), repeat);
    std::fflush(stdout);

    // The fill alone: a batch function that only touches its arguments.
    const fpc::BatchFn nothing = [](const uint64_t* const* in, uint64_t* out, size_t n) { out[n - 1] = in[0][0]; };
    Best fill, subject_only, reference_only, check;
    uint64_t sink = 0;
    fpc::CheckOutcome outcome;
    for (int r = 0; r < repeat; ++r) {
      Timing tf, ts, tr, tc;
      if (phase("fill")) tf = time_batch(nothing, cases, count, threads, sink);
      if (phase("subject")) ts = time_batch(op->run, cases, count, threads, sink);
      if (phase("reference")) {  // built here and dropped before the check, which builds its own
        const fpc::BatchFn reference = fpc::reference_for(op->semantics);
        tr = time_batch(reference, cases, count, threads, sink);
      }
      fpc::CheckOptions options;
      options.threads = threads;
      if (phase("check")) tc = timed([&] { outcome = fpc::run_check(*op, cases, 0, count, options); });
      // cores = cpu / wall: below the thread count when other processes took a core meanwhile.
      std::printf("  run %d: wall fill %.3f, subject %.3f, reference %.3f, check %.3f s, check/subject %.3f;"
                  " cpu %.3f, %.3f, %.3f, %.3f s, check/subject %.3f; cores %.2f, %.2f, %.2f, %.2f\n",
                  r + 1, tf.wall, ts.wall, tr.wall, tc.wall, tc.wall / ts.wall, tf.cpu, ts.cpu, tr.cpu, tc.cpu,
                  tc.cpu / ts.cpu, tf.cpu / tf.wall, ts.cpu / ts.wall, tr.cpu / tr.wall, tc.cpu / tc.wall);
      std::fflush(stdout);
      fill.add(tf);
      subject_only.add(ts);
      reference_only.add(tr);
      check.add(tc);
    }
    const double cases_d = static_cast<double>(count);
    print_line("fill only", fill.best, cases_d);
    print_line("subject only", subject_only.best, cases_d);
    print_line("reference only", reference_only.best, cases_d);
    print_line("check", check.best, cases_d);
    std::printf("ratio check/subject %.3f (best wall times; cpu times of those runs: %.3f)\n",
                check.best.wall / subject_only.best.wall, check.best.cpu / subject_only.best.cpu);
    std::printf("outcome: %llu cases, %llu passed, %llu failed, %llu implementation-defined, %llu sampled passes%s%s "
                "(sink %llu)\n",
                static_cast<unsigned long long>(outcome.cases), static_cast<unsigned long long>(outcome.passed),
                static_cast<unsigned long long>(outcome.failed),
                static_cast<unsigned long long>(outcome.implementation_defined),
                static_cast<unsigned long long>(outcome.sampled_passes), outcome.error.empty() ? "" : ", error: ",
                outcome.error.c_str(), static_cast<unsigned long long>(sink & 0xFFFF));
    return outcome.failed == 0 && outcome.error.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fpc_bench_run: %s\n", e.what());
    return 2;
  }
}
