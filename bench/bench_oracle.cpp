// Throughput of the exact oracle: conversions and arithmetic per second, one exact
// (multiprecision) check per item.
//
// Every benchmark cycles through a fixed set of kSetSize inputs drawn before timing from a seeded
// xorshift64 generator, so runs are repeatable and the generator is never on the timed path.
// Two input distributions:
//   uniform  every code of the source format equally likely (NaN, inf, zeros, subnormals and
//            extreme exponents included): what a fuzzer or an exhaustive sweep feeds the oracle.
//   window   finite codes whose unbiased exponent is uniform in a window: for conversions, the
//            target's whole range plus a margin (subnormals, underflow to zero, overflow); for
//            arithmetic, [-8, 8], operands of comparable magnitude as in ordinary numerics.
// Results are reported as items_per_second; one item is one oracle call.
//
// Run: build-bench/bench/fpc_bench_oracle [--benchmark_filter=REGEX]
#include "fpconform/arith.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace {

using fpc::Format;
using fpc::Rounding;

constexpr size_t kSetSize = 4096;  // power of two: the loop index is masked, not divided
constexpr size_t kSetMask = kSetSize - 1;
constexpr double kMinTime = 0.2;  // seconds per benchmark: the whole binary runs in well under a minute

struct XorShift64 {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  // Uniform in [lo, hi] (the slight modulo bias is irrelevant here).
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
};

using Codes = std::shared_ptr<const std::vector<uint64_t>>;

struct Window {
  int lo = 0, hi = 0;
  bool positive = false;  // sign bit always clear (for sqrt)
};

// kSetSize codes of `f`, every code equally likely.
Codes uniform_codes(const Format& f, uint64_t seed) {
  XorShift64 rng{seed};
  auto v = std::make_shared<std::vector<uint64_t>>(kSetSize);
  for (uint64_t& c : *v) c = rng.next() & f.code_mask();
  return v;
}

// kSetSize finite codes of the binary float `f` with unbiased exponent uniform in [w.lo, w.hi]
// (clamped to the format: exponents below emin give subnormals, above emax the top binade),
// random mantissa and sign.
Codes window_codes(const Format& f, Window w, uint64_t seed) {
  XorShift64 rng{seed};
  const int m = f.man_bits;
  const uint64_t mant_mask = (uint64_t{1} << m) - 1;
  const int64_t top_field = f.top_finite_exp_field();
  auto v = std::make_shared<std::vector<uint64_t>>(kSetSize);
  for (uint64_t& c : *v) {
    const int64_t field = std::clamp<int64_t>(rng.between(w.lo, w.hi) + f.bias, 0, top_field);
    uint64_t mant = rng.next() & mant_mask;
    if (field == top_field && mant > f.top_finite_mantissa()) mant = f.top_finite_mantissa();
    const bool negative = !w.positive && f.has_sign && (rng.next() & 1) != 0;
    c = (negative ? uint64_t{1} << (f.bits() - 1) : 0) | (static_cast<uint64_t>(field) << m) | mant;
  }
  return v;
}

// The window for converting into `to`: its subnormals and underflow band through its overflow.
Window conversion_window(const Format& to) { return {to.emin() - to.man_bits - 2, to.emax() + 1, false}; }

constexpr Window kArithWindow{-8, 8, false};

// Registers one benchmark whose body calls work(i) for i cycling through the input set.
template <class Work>
void add_bench(const std::string& name, const std::string& label, Work work) {
  benchmark::RegisterBenchmark(name.c_str(), [work, label](benchmark::State& state) {
    size_t i = 0;
    for (auto _ : state) {
      work(i & kSetMask);
      ++i;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.SetLabel(label);
  })->MinTime(kMinTime);
}

std::string window_label(Window w) {
  // Appended piecewise: GCC 12 warns falsely (-Wrestrict, PR 105651) on "literal" + std::string&&.
  std::string s = "finite, exp in [";
  s += std::to_string(w.lo);
  s += ',';
  s += std::to_string(w.hi);
  s += ']';
  return s;
}

// ----- conversions ----------------------------------------------------------------------------

struct ConvertCase {
  const char* from;
  const char* to;
  Rounding mode;
  bool saturate = false;
  int sr_bits = 0;  // stochastic: k random bits, a fresh r per item
};

void register_convert(const ConvertCase& cc, bool uniform, bool window) {
  const Format& from = fpc::format_by_name(cc.from);
  const Format& to = fpc::format_by_name(cc.to);
  fpc::Policy policy;
  policy.saturate = cc.saturate;
  std::string base = std::string("convert/") + cc.from + "->" + cc.to + "/" + std::string(fpc::short_name(cc.mode));
  if (cc.sr_bits > 0) base += std::to_string(cc.sr_bits);
  if (cc.saturate) base += "/sat";

  XorShift64 rng{0x5eed0000u + static_cast<uint64_t>(cc.sr_bits)};
  auto random = std::make_shared<std::vector<uint64_t>>(kSetSize);
  const uint64_t r_mask = cc.sr_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << cc.sr_bits) - 1;
  for (uint64_t& r : *random) r = rng.next() & r_mask;

  auto reg = [&](Codes codes, const std::string& dist, const std::string& label) {
    add_bench(base + "/" + dist, label, [codes, random, &from, &to, cc, policy](size_t i) {
      fpc::RandomBits rb{cc.sr_bits, (*random)[i]};
      fpc::RoundResult r = fpc::convert((*codes)[i], from, to, cc.mode, policy, rb);
      benchmark::DoNotOptimize(r);
    });
  };
  if (uniform) reg(uniform_codes(from, 1), "uniform", "all codes");
  if (window) {
    Window w = conversion_window(to);
    reg(window_codes(from, w, 2), "window", window_label(w));
  }
}

void register_conversions() {
  register_convert({"float32", "float8_e4m3fn", Rounding::NearestEven}, true, true);
  register_convert({"float32", "float8_e4m3fn", Rounding::NearestEven, true}, true, true);
  register_convert({"float32", "float8_e4m3fn", Rounding::Stochastic, false, 8}, true, true);
  register_convert({"float32", "bfloat16", Rounding::NearestEven}, true, true);
  for (Rounding mode : fpc::kAllRoundings) {
    const int k = mode == Rounding::Stochastic ? 8 : 0;
    register_convert({"float32", "float16", mode, false, k}, mode == Rounding::NearestEven, true);
  }
  register_convert({"float16", "float32", Rounding::NearestEven}, true, false);
  register_convert({"float64", "float32", Rounding::NearestEven}, true, true);

  {  // decode alone
    const Format& f16 = fpc::format_by_name("float16");
    Codes codes = uniform_codes(f16, 3);
    add_bench("decode/float16/uniform", "all codes", [codes, &f16](size_t i) {
      fpc::Decoded d = fpc::decode(f16, (*codes)[i]);
      benchmark::DoNotOptimize(d);
    });
  }

  {  // decimal text -> float16: exact parse, then one rounding
    const Format& f16 = fpc::format_by_name("float16");
    XorShift64 rng{4};
    auto texts = std::make_shared<std::vector<std::string>>(kSetSize);
    for (std::string& t : *texts) {  // e.g. "-3.14159e-4": 1 to 9 significant digits, 10^-9 .. 10^5
      const int64_t digits = rng.between(1, 9);
      t.clear();
      if ((rng.next() & 1) != 0) t += '-';
      t += static_cast<char>('0' + rng.between(1, 9));
      if (digits > 1) t += '.';
      for (int64_t d = 1; d < digits; ++d) t += static_cast<char>('0' + rng.between(0, 9));
      t += 'e';
      t += std::to_string(rng.between(-9, 5));
    }
    add_bench("parse+round/decimal->float16/rne/text", "1-9 digits, 1e-9..1e5", [texts, &f16](size_t i) {
      fpc::RoundResult r = fpc::round_to_format(fpc::parse_value((*texts)[i]), f16, Rounding::NearestEven);
      benchmark::DoNotOptimize(r);
    });
  }
}

// ----- arithmetic -----------------------------------------------------------------------------

void register_eval(fpc::Op op, const char* format, bool window) {
  const Format& f = fpc::format_by_name(format);
  const int n = fpc::arity(op);
  std::array<Codes, 3> operands;
  Window w = kArithWindow;
  w.positive = op == fpc::Op::Sqrt;
  for (int k = 0; k < n; ++k) {
    const uint64_t seed = 100 + static_cast<uint64_t>(k);
    operands[static_cast<size_t>(k)] = window ? window_codes(f, w, seed) : uniform_codes(f, seed);
  }
  const std::string name = std::string("eval/") + std::string(fpc::to_string(op)) + "/" + format + "/rne/" +
                           (window ? "window" : "uniform");
  add_bench(name, window ? window_label(w) : "all codes", [operands, n, op, &f](size_t i) {
    std::array<uint64_t, 3> codes{};
    for (size_t k = 0; k < static_cast<size_t>(n); ++k) codes[k] = (*operands[k])[i];
    fpc::RoundResult r =
        fpc::eval(op, std::span<const uint64_t>(codes.data(), static_cast<size_t>(n)), f, f, Rounding::NearestEven);
    benchmark::DoNotOptimize(r);
  });
}

void register_arithmetic() {
  constexpr fpc::Op kOps[] = {fpc::Op::Add, fpc::Op::Mul, fpc::Op::Div, fpc::Op::Fma, fpc::Op::Sqrt};
  for (const char* format : {"float16", "bfloat16", "float32", "float64"})
    for (fpc::Op op : kOps)
      for (bool window : {false, true}) register_eval(op, format, window);
  for (bool window : {false, true}) register_eval(fpc::Op::Add, "float8_e4m3fn", window);
}

}  // namespace

int main(int argc, char** argv) {
  register_conversions();
  register_arithmetic();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
