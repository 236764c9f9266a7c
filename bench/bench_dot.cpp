// Throughput of the dot-product oracle (docs/performance.md, "Dot products"): ns per dot of
// K = 32 E4M3 products into FP32 under the exact model and the tensor-core models, and the
// rows/s of `fpconform dot`'s filter. Plain main, no Google Benchmark. Run:
//   build*/bench/fpc_bench_dot [--dots N]
#include "cli/dot_command.hpp"
#include "fpconform/dot.hpp"

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

// CPU time of this thread (the machine the figures come from is shared: wall time would count
// other jobs' time slices).
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<CpuClock>;
  static time_point now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration(int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec));
  }
};

uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

struct Row {
  std::vector<uint64_t> a, b;
  uint64_t c;
};

// Finite E4M3 codes (every exponent, both signs) and a finite FP32 C in [-4, 4].
std::vector<Row> make_rows(size_t n) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  std::vector<Row> rows(n);
  for (auto& r : rows) {
    for (int k = 0; k < 32; ++k) {
      uint64_t x, y;
      do x = xorshift(s) & 0xff; while ((x & 0x7f) == 0x7f);
      do y = xorshift(s) & 0xff; while ((y & 0x7f) == 0x7f);
      r.a.push_back(x);
      r.b.push_back(y);
    }
    r.c = (xorshift(s) & 0x80000000u) | (0x3c000000u + (xorshift(s) % 0x04000000u));
  }
  return rows;
}

double ns_per_dot(const fpc::DotModel& m, const std::vector<Row>& rows, int repeat) {
  const fpc::Format& in = fpc::format_by_name("float8_e4m3fn");
  uint64_t sink = 0;
  auto t0 = CpuClock::now();
  for (int r = 0; r < repeat; ++r)
    for (const Row& row : rows) sink += fpc::dot(m, in, row.a, row.b, row.c).code;
  auto t1 = CpuClock::now();
  if (sink == 42) std::puts("");
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / (double(rows.size()) * repeat);
}

// The same rows through dot_batch (one plan for the batch).
double ns_per_dot_batch(const fpc::DotModel& m, const std::vector<Row>& rows, int repeat) {
  const fpc::Format& in = fpc::format_by_name("float8_e4m3fn");
  std::vector<uint64_t> a, b, c, d(rows.size());
  for (const Row& r : rows) {
    a.insert(a.end(), r.a.begin(), r.a.end());
    b.insert(b.end(), r.b.begin(), r.b.end());
    c.push_back(r.c);
  }
  uint64_t sink = 0;
  auto t0 = CpuClock::now();
  for (int r = 0; r < repeat; ++r) {
    fpc::dot_batch(m, in, 32, a, b, c, d);
    sink += d[0];
  }
  auto t1 = CpuClock::now();
  if (sink == 42) std::puts("");
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / (double(rows.size()) * repeat);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 4096;
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--dots")) n = std::strtoull(argv[i + 1], nullptr, 10);
  const auto rows = make_rows(n);
  std::printf("K = 32 float8_e4m3fn products + float32 C -> float32, %zu dots, CPU ns per dot:\n", n);
  std::printf("  %-16s %10s %10s\n", "model", "dot()", "dot_batch");
  for (const char* name : {"exact", "sequential_fp32", "pairwise", "ada-mma-fp8", "h100-wgmma-fp8", "b200-fp8",
                           "b200-f8f6f4"}) {
    const fpc::DotModel& m = fpc::dot_model(name, "float8_e4m3fn", "float32");
    const std::vector<Row> warm(rows.begin(), rows.begin() + std::min<size_t>(rows.size(), 256));
    ns_per_dot(m, warm, 1);
    ns_per_dot_batch(m, warm, 1);
    std::printf("  %-16s %10.0f %10.0f\n", name, ns_per_dot(m, rows, 1), ns_per_dot_batch(m, rows, 1));
  }
  // The filter: the same rows as text lines through `fpconform dot`.
  std::string text;
  char buf[32];
  for (const Row& r : rows) {
    for (uint64_t x : r.a) std::snprintf(buf, sizeof buf, "%02llx ", (unsigned long long)x), text += buf;
    text += "; ";
    for (uint64_t x : r.b) std::snprintf(buf, sizeof buf, "%02llx ", (unsigned long long)x), text += buf;
    std::snprintf(buf, sizeof buf, "; %08llx\n", (unsigned long long)r.c);
    text += buf;
  }
  for (const char* name : {"exact", "h100-wgmma-fp8"}) {
    std::istringstream in(text);
    std::ostringstream out;
    auto t0 = CpuClock::now();
    fpc::cli::cmd_dot({"--model", name, "--in", "float8_e4m3fn", "--out", "float32"}, in, out);
    auto t1 = CpuClock::now();
    std::printf("filter %-16s %10.0f rows per CPU second\n", name, double(n) / std::chrono::duration<double>(t1 - t0).count());
  }
  return 0;
}
