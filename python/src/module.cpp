// fpconform._core: the C++ oracle and checkers on numpy arrays of codes. The Python layer
// (python/fpconform/) maps dtypes and format names, builds the semantics JSON the reports use,
// and wraps reports; everything that decides a result is here, in the repository's libraries.
//
// Codes cross the boundary as unsigned integer arrays of the format's width (1, 2, 4 or 8
// bytes, as in the file protocol); the Python side views them as float32, ml_dtypes.bfloat16...
#include "check/block/block_check.hpp"
#include "check/element/cases.hpp"
#include "check/element/checker.hpp"
#include "cli/describe.hpp"
#include "cli/run_command.hpp"
#include "fpconform/dot.hpp"
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/known_deviations.hpp"
#include "fpconform/quantize.hpp"
#include "fpconform/round.hpp"
#include "fpconform/semantics.hpp"
#include "report/report.hpp"
#include "report/render.hpp"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace nb = nanobind;
using nlohmann::json;

namespace {

using U64Array = nb::ndarray<nb::numpy, uint64_t, nb::ndim<1>>;

// A numpy array that owns a std::vector's storage.
template <class T>
nb::ndarray<nb::numpy, T, nb::ndim<1>> to_numpy(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  nb::capsule owner(heap, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(heap->data(), {heap->size()}, owner);
}

// An unsigned array of `width` bytes per code holding codes[0..n).
nb::object narrow_codes(const uint64_t* codes, size_t n, int width) {
  switch (width) {
    case 1: { std::vector<uint8_t> v(n); for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(codes[i]); return nb::cast(to_numpy(std::move(v))); }
    case 2: { std::vector<uint16_t> v(n); for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint16_t>(codes[i]); return nb::cast(to_numpy(std::move(v))); }
    case 4: { std::vector<uint32_t> v(n); for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint32_t>(codes[i]); return nb::cast(to_numpy(std::move(v))); }
    default: return nb::cast(to_numpy(std::vector<uint64_t>(codes, codes + n)));
  }
}

int width_of(const fpc::Format& f) {
  const int bits = f.bits();
  return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

// Reads an unsigned integer array of any width (1, 2, 4, 8 bytes) into uint64 codes, refusing a
// wrong length or a code with bits above the format's.
void widen_codes(nb::handle obj, const fpc::Format& f, size_t n, uint64_t* out, const char* what) {
  auto a = nb::cast<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>(obj);
  if (a.ndim() != 1 || a.shape(0) != n)
    throw fpc::InputError(std::string(what) + ": expected " + std::to_string(n) + " codes, got an array of shape with " +
                          std::to_string(a.ndim() == 1 ? a.shape(0) : a.size()) + " elements");
  const nb::dlpack::dtype dt = a.dtype();
  if (dt.code != static_cast<uint8_t>(nb::dlpack::dtype_code::UInt) || dt.lanes != 1)
    throw fpc::InputError(std::string(what) + ": expected unsigned integer codes");
  const unsigned char* p = static_cast<const unsigned char*>(a.data());
  switch (dt.bits) {
    case 8: for (size_t i = 0; i < n; ++i) out[i] = p[i]; break;
    case 16: { const auto* q = reinterpret_cast<const uint16_t*>(p); for (size_t i = 0; i < n; ++i) out[i] = q[i]; break; }
    case 32: { const auto* q = reinterpret_cast<const uint32_t*>(p); for (size_t i = 0; i < n; ++i) out[i] = q[i]; break; }
    case 64: std::memcpy(out, p, n * 8); break;
    default: throw fpc::InputError(std::string(what) + ": unsupported code width");
  }
  if (f.bits() < 64) {
    const uint64_t mask = ~((uint64_t{1} << f.bits()) - 1);
    for (size_t i = 0; i < n; ++i)
      if (out[i] & mask) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%s: code 0x%llx (element %zu) has bits above %s's %d", what,
                      static_cast<unsigned long long>(out[i]), i, f.name.c_str(), f.bits());
        throw fpc::InputError(buf);
      }
  }
}

std::vector<uint64_t> codes_vector(const U64Array& a) {
  std::vector<uint64_t> v(a.shape(0));
  for (size_t i = 0; i < v.size(); ++i) v[i] = a(i);
  return v;
}

fpc::OpSemantics semantics_of(const std::string& semantics_json) {
  return fpc::semantics_from_json(json::parse(semantics_json));
}

// The reference (fast path proven equal to the oracle, else exact) over operand arrays.
U64Array reference(const std::string& semantics_json, const std::vector<U64Array>& operands, int threads) {
  const fpc::OpSemantics s = semantics_of(semantics_json);
  const size_t want = static_cast<size_t>(s.arity() + (s.rounding == fpc::Rounding::Stochastic ? 1 : 0));
  if (operands.size() != want)
    throw fpc::InputError(s.op + " takes " + std::to_string(want) + " operand arrays, got " + std::to_string(operands.size()));
  const size_t n = operands.empty() ? 0 : operands[0].shape(0);
  std::vector<std::vector<uint64_t>> ops;
  for (const auto& a : operands) {
    if (a.shape(0) != n) throw fpc::InputError("operand arrays differ in length");
    ops.push_back(codes_vector(a));
  }
  for (size_t k = 0; k < static_cast<size_t>(s.arity()); ++k)
    for (uint64_t c : ops[k])
      if (s.in->bits() < 64 && (c >> s.in->bits())) throw fpc::InputError("a code has bits above " + s.in->name + "'s");
  std::vector<uint64_t> out(n);
  {
    nb::gil_scoped_release release;
    const fpc::BatchFn ref = fpc::reference_for(s);
    fpc::run_chunks(0, n, std::max(1, threads), [&](int, uint64_t first, size_t m) {
      const uint64_t* in[4] = {};
      for (size_t k = 0; k < ops.size(); ++k) in[k] = ops[k].data() + first;
      ref(in, out.data() + first, m);
      return true;
    });
  }
  return to_numpy(std::move(out));
}

// The exact oracle per case with IEEE flags and the implementation-defined mark.
std::tuple<U64Array, nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>, nb::ndarray<nb::numpy, bool, nb::ndim<1>>>
exact_with_flags(const std::string& semantics_json, const std::vector<U64Array>& operands) {
  const fpc::OpSemantics s = semantics_of(semantics_json);
  const size_t n = operands.empty() ? 0 : operands[0].shape(0);
  std::vector<std::vector<uint64_t>> ops;
  for (const auto& a : operands) ops.push_back(codes_vector(a));
  std::vector<uint64_t> out(n);
  std::vector<uint8_t> flags(n);
  std::vector<bool> impl(n);
  {
    nb::gil_scoped_release release;
    uint64_t operand[4] = {};
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < ops.size(); ++k) operand[k] = ops[k][i];
      const fpc::RoundResult r = fpc::oracle_case(s, operand);
      out[i] = r.code;
      flags[i] = static_cast<uint8_t>(r.flags);
      impl[i] = r.implementation_defined;
    }
  }
  std::vector<bool> copy = impl;
  auto* heap = new bool[n ? n : 1];
  for (size_t i = 0; i < n; ++i) heap[i] = copy[i];
  nb::capsule owner(heap, [](void* p) noexcept { delete[] static_cast<bool*>(p); });
  return {to_numpy(std::move(out)), to_numpy(std::move(flags)), nb::ndarray<nb::numpy, bool, nb::ndim<1>>(heap, {n}, owner)};
}

std::string flag_names(unsigned flags) { return fpc::flags_to_string(flags); }

template <class T>
void narrow_to(T* dst, const uint64_t* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
}

template <class T>
void widen_from(uint64_t* dst, const T* src, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

// out[0..n) = the codes at index offset.. of an unsigned array of `bytes` bytes per code.
void widen_into(uint64_t* out, const void* codes, int bytes, size_t offset, size_t n) {
  switch (bytes) {
    case 1: widen_from(out, static_cast<const uint8_t*>(codes) + offset, n); break;
    case 2: widen_from(out, static_cast<const uint16_t*>(codes) + offset, n); break;
    case 4: widen_from(out, static_cast<const uint32_t*>(codes) + offset, n); break;
    default: std::memcpy(out, static_cast<const uint64_t*>(codes) + offset, n * sizeof(uint64_t));
  }
}

// One batch of an in-process check: the operand arrays handed to the function (numpy arrays at
// the operands' widths, reused from batch to batch) and the function's result codes, held (and
// read in place, at their own width) until the batch is checked. Assigned and destroyed with
// the GIL held.
struct Batch {
  std::vector<nb::object> arrays;
  std::vector<void*> data;
  std::vector<int> widths;
  size_t size = 0;
  nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu> result;
  const void* result_data = nullptr;
  int result_bytes = 8;
  uint64_t begin = 0;

  void ensure(const std::vector<int>& w, size_t n) {
    if (size == n && widths == w) return;
    arrays.clear();
    data.clear();
    widths = w;
    size = n;
    for (int width : w) {
      nb::object a;
      switch (width) {
        case 1: a = nb::cast(to_numpy(std::vector<uint8_t>(n))); break;
        case 2: a = nb::cast(to_numpy(std::vector<uint16_t>(n))); break;
        case 4: a = nb::cast(to_numpy(std::vector<uint32_t>(n))); break;
        default: a = nb::cast(to_numpy(std::vector<uint64_t>(n)));
      }
      data.push_back(nb::cast<nb::ndarray<nb::c_contig, nb::device::cpu>>(a).data());
      arrays.push_back(std::move(a));
    }
  }

  // Takes the function's result: unsigned codes, one per case; codes with bits above the
  // format's are refused by name (possible only where the format is narrower than its bytes).
  // With `copy` (a batch checked on another thread while the function computes the next) the
  // codes are copied out: a function may return the same output buffer every call.
  void hold_result(nb::handle got, const fpc::Format& f, size_t n, bool copy) {
    result = nb::cast<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>(got);
    if (result.ndim() != 1 || result.shape(0) != n)
      throw fpc::InputError("the function's result: expected " + std::to_string(n) + " codes, got an array with " +
                            std::to_string(result.ndim() == 1 ? result.shape(0) : result.size()) + " elements");
    const nb::dlpack::dtype dt = result.dtype();
    if (dt.code != static_cast<uint8_t>(nb::dlpack::dtype_code::UInt) || dt.lanes != 1 ||
        (dt.bits != 8 && dt.bits != 16 && dt.bits != 32 && dt.bits != 64))
      throw fpc::InputError("the function's result: expected unsigned integer codes");
    result_data = result.data();
    result_bytes = dt.bits / 8;
    if (f.bits() < dt.bits) {
      std::vector<uint64_t> check(n);  // rare: 4- and 6-bit formats in bytes
      widen_codes(got, f, n, check.data(), "the function's result");
    }
    if (copy) {
      const auto* bytes = static_cast<const unsigned char*>(result_data);
      owned.assign(bytes, bytes + n * static_cast<size_t>(result_bytes));
      result_data = owned.data();
      result = {};
    }
  }
  std::vector<unsigned char> owned;  // the copied result codes
};

// Operands of cases [begin, begin + n) into the batch's arrays, at their widths: generated in
// chunks that stay in cache, on `threads` threads.
void fill_operands(const fpc::CaseSource& cases, uint64_t begin, size_t n, Batch& b, int threads) {
  const size_t arrays = b.data.size();
  if (cases.operands_are_indices()) {  // the operand of case i is the code i: written at its width in one pass
    fpc::run_chunks(begin, begin + n, threads, [&](int, uint64_t first, size_t m) {
      fpc::fill_indices(static_cast<unsigned char*>(b.data[0]) + (first - begin) * static_cast<uint64_t>(b.widths[0]),
                        b.widths[0], first, m);
      return true;
    });
    return;
  }
  std::vector<std::vector<uint64_t>> scratch(static_cast<size_t>(threads) * arrays, std::vector<uint64_t>(fpc::kCheckChunk));
  fpc::run_chunks(begin, begin + n, threads, [&](int worker, uint64_t first, size_t m) {
    uint64_t* ptrs[4] = {};
    for (size_t k = 0; k < arrays; ++k) ptrs[k] = scratch[static_cast<size_t>(worker) * arrays + k].data();
    cases.fill(first, m, ptrs);
    const size_t at = static_cast<size_t>(first - begin);
    for (size_t k = 0; k < arrays; ++k) switch (b.widths[k]) {
        case 1: narrow_to(static_cast<uint8_t*>(b.data[k]) + at, ptrs[k], m); break;
        case 2: narrow_to(static_cast<uint16_t*>(b.data[k]) + at, ptrs[k], m); break;
        case 4: narrow_to(static_cast<uint32_t*>(b.data[k]) + at, ptrs[k], m); break;
        default: std::memcpy(static_cast<uint64_t*>(b.data[k]) + at, ptrs[k], m * sizeof(uint64_t));
      }
    return true;
  });
}

// The checker threads of an in-process check: batches are queued as they come back from the
// function, and each thread checks whole batches with the one prepared RangeChecker (as its own
// checker thread), so nothing is set up or started per batch. A batch's buffers are reused once
// its check is done.
// With no checker threads (inline), each batch is checked on the calling thread as it is
// submitted: no thread handoff, and the results are still in this core's cache.
class BatchCheckers {
 public:
  BatchCheckers(fpc::RangeChecker& checker, size_t slots, bool inline_checks)
      : checker_(checker), busy_(slots, false), inline_(inline_checks) {
    if (!inline_)
      for (int t = 0; t < checker.threads(); ++t) threads_.emplace_back([this, t] { serve(t); });
  }
  ~BatchCheckers() { join(); }  // never throws: stop() has reported the error, or an exception is on its way

  // Blocks until `slot`'s last batch is checked; false once a check failed or stopped.
  bool wait_free(size_t slot) {
    std::unique_lock lock(mu_);
    done_.wait(lock, [&] { return !busy_[slot] || failed_; });
    return !failed_;
  }
  void submit(size_t slot, uint64_t begin, uint64_t end) {
    if (inline_) {
      if (!checker_.check_range(0, begin, end)) failed_ = true;
      return;
    }
    {
      std::lock_guard lock(mu_);
      busy_[slot] = true;
      jobs_.push_back({slot, begin, end});
    }
    ready_.notify_one();
  }
  // Lets the queued batches finish, joins the threads, rethrows a checker's exception.
  void stop() {
    join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  struct Job {
    size_t slot;
    uint64_t begin, end;
  };
  void join() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  void serve(int thread) {
    while (true) {
      Job job;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !jobs_.empty() || closing_; });
        if (jobs_.empty()) return;
        job = jobs_.front();
        jobs_.pop_front();
      }
      bool ok = false;
      std::exception_ptr error;
      try {
        ok = !failed_ && checker_.check_range(thread, job.begin, job.end);
      } catch (...) {
        error = std::current_exception();
      }
      {
        std::lock_guard lock(mu_);
        busy_[job.slot] = false;
        if (!ok) failed_ = true;
        if (error && !error_) error_ = error;
      }
      done_.notify_all();
    }
  }

  fpc::RangeChecker& checker_;
  std::mutex mu_;
  std::condition_variable ready_, done_;
  std::deque<Job> jobs_;
  std::vector<bool> busy_;
  std::atomic<bool> failed_{false};
  const bool inline_;
  bool closing_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> threads_;
};

// Checks a Python callable: `fn(operands)` gets a list of unsigned arrays (one per operand, then
// the random bits for sr) of batch_size cases at most and returns the result codes. The checker
// (reference, comparison, classes, counterexamples, diagnosis) is fpconform run's, prepared once
// (fpc::RangeChecker): each batch is checked as a range of the same CaseSource with the GIL
// released, inline or on `threads` checker threads (0: automatic, see below).
std::string check_callable(const std::string& semantics_json, const std::string& cases_spec, uint64_t seed,
                           nb::callable fn, size_t batch_size, int threads, bool strict_nan, size_t max_examples,
                           const std::string& subject, const std::string& entry, const std::string& op_name,
                           const std::vector<U64Array>& listed, int shard_index, int shard_count) {
  const fpc::OpSemantics s = semantics_of(semantics_json);
  fpc::CaseSource cases = [&] {
    if (cases_spec != "listed") return fpc::CaseSource::parse(s, cases_spec, seed);
    std::vector<uint64_t> flat;
    const size_t n = listed.empty() ? 0 : listed[0].shape(0);
    for (size_t i = 0; i < n; ++i)
      for (const auto& a : listed) flat.push_back(a(i));
    return fpc::CaseSource::listed(s, std::move(flat));
  }();
  if (batch_size == 0) throw fpc::InputError("batch size must be at least 1");
  // threads 0: automatic. A sweep compared in place (SubjectOp::stored_results) is checked inline,
  // on this thread between the function's calls: the comparison costs a fraction of the call, and
  // a hand-off to another thread per batch would cost more than it hides. Other checks use the
  // machine's threads, checking earlier batches while the function computes the next.
  const bool auto_threads = threads <= 0;
  if (auto_threads) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  fpc::Report report;
  report.suite = "python";
  report.seed = cases.seed();
  report.strict_nan = strict_nan;
  report.max_examples = max_examples;
  report.environment = fpc::describe_environment(threads);

  fpc::CheckRecord rec;
  rec.subject = subject;
  rec.op_name = op_name;
  rec.entry = entry;
  rec.semantics = s;
  rec.case_label = cases.label();
  rec.case_count = cases.count();
  rec.seed = cases.seed();
  // The shard's slice, as fpconform run --shard i/N computes it (docs/sharding.md).
  if (shard_count < 1 || shard_index < 0 || shard_index >= shard_count) throw fpc::InputError("shard: i/N with 0 <= i < N");
  report.shard_index = shard_index;
  report.shard_count = shard_count;
  rec.range_begin = rec.case_count * static_cast<uint64_t>(shard_index) / static_cast<uint64_t>(shard_count);
  rec.range_end = rec.case_count * static_cast<uint64_t>(shard_index + 1) / static_cast<uint64_t>(shard_count);
  // Its name for the report; held until the checker below has taken the same (cached) table,
  // which would otherwise be built twice.
  std::optional<fpc::BatchFn> reference = fpc::reference_for(s, &rec.reference);

  fpc::CheckOptions options;
  options.strict_nan = strict_nan;
  options.threads = threads;
  options.max_examples = max_examples;

  const int arrays = cases.operand_arrays();
  std::vector<int> widths;
  for (int k = 0; k < arrays; ++k) widths.push_back(k < cases.arity() ? width_of(*s.in) : 8);
  const size_t cap = static_cast<size_t>(std::min<uint64_t>(batch_size, std::max<uint64_t>(cases.count(), 1)));
  // The function computes batch k on this thread while the checker threads check the batches
  // before it: threads + 1 batches' buffers in turn (one when checked inline). Batches are small
  // enough to stay in cache from their operands' fill through the function to the comparison.
  std::vector<Batch> batch;
  auto slot_of = [&](uint64_t first) { return static_cast<size_t>((first - rec.range_begin) / cap % batch.size()); };
  fpc::SubjectOp op;
  op.name = op_name;
  op.entry = entry;
  op.semantics = s;
  // The checker regenerates the operands per chunk (in cache) for its reference, so a function
  // that writes into its argument cannot change what it is checked against.
  op.run_cases = [&](uint64_t first, const uint64_t* const*, uint64_t* out, size_t n) {
    const Batch& b = batch[slot_of(first)];
    widen_into(out, b.result_data, b.result_bytes, first - b.begin, n);
  };
  // Where the checker can, it compares the results where they lie, at their width (an
  // exhaustive unary sweep: the operand of case i is i, nothing the function can write into).
  op.stored_results = [&](uint64_t first, size_t) {
    const Batch& b = batch[slot_of(first)];
    return fpc::SubjectOp::StoredResults{
        static_cast<const unsigned char*>(b.result_data) + (first - b.begin) * static_cast<uint64_t>(b.result_bytes),
        b.result_bytes};
  };

  const auto t0 = std::chrono::steady_clock::now();
  std::optional<fpc::RangeChecker> checker;
  {
    nb::gil_scoped_release release;  // the reference's and the alternatives' tables, built once
    checker.emplace(op, cases, options);
    reference.reset();
  }
  const bool inline_checks = threads == 1 || (auto_threads && checker->compares_in_place());
  batch.resize(inline_checks ? 1 : static_cast<size_t>(threads) + 1);
  {
    BatchCheckers checkers(*checker, batch.size(), inline_checks);
    try {
      for (uint64_t begin = rec.range_begin; begin < rec.range_end; begin += cap) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(cap, rec.range_end - begin));
        const size_t slot = slot_of(begin);
        Batch& b = batch[slot];
        bool free = false;
        {
          nb::gil_scoped_release release;
          free = checkers.wait_free(slot);
        }
        if (!free) break;  // the subject failed: its error is in the outcome
        b.ensure(widths, n);
        {
          nb::gil_scoped_release release;
          fill_operands(cases, begin, n, b, 1);
        }
        nb::list args;
        for (const nb::object& a : b.arrays) args.append(a);
        b.hold_result(fn(args), *s.out, n, !inline_checks);
        b.begin = begin;
        checkers.submit(slot, begin, begin + n);
      }
    } catch (...) {
      nb::gil_scoped_release release;  // the checker threads read the batches' buffers: let them finish
      try {
        checkers.stop();
      } catch (...) {
      }
      throw;
    }
    nb::gil_scoped_release release;
    checkers.stop();
  }
  {
    nb::gil_scoped_release release;
    rec.outcome = checker->finish();
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fpc::finalize(rec);
  report.checks.push_back(std::move(rec));
  return fpc::to_json(report).dump();
}

// Checks a Python block quantizer: fn(values) gets a (blocks, blocksize) uint32 array of float32
// bits and returns (codes, scale_codes) or (codes, scale_codes, zero_points).
std::string check_block_callable(const std::string& claims_json, const std::string& label, uint64_t seed, nb::callable fn,
                                 const std::string& subject, const std::string& entry) {
  const fpc::QuantOptions claims = fpc::claims_from_json(json::parse(claims_json));
  const fpc::BlockCaseSet set = fpc::BlockCaseSet::parse(label);
  const std::vector<fpc::BlockCase> cases = fpc::block_cases(claims, set, seed);
  const size_t bs = fpc::check_blocksize(claims);
  const fpc::BlockLayout layout = fpc::block_layout(claims);
  const size_t blocks = cases.size();

  auto* values = new std::vector<uint32_t>(blocks * bs);
  for (size_t b = 0; b < blocks; ++b) std::copy(cases[b].bits.begin(), cases[b].bits.end(), values->begin() + static_cast<long>(b * bs));
  nb::capsule owner(values, [](void* p) noexcept { delete static_cast<std::vector<uint32_t>*>(p); });
  nb::ndarray<nb::numpy, uint32_t, nb::ndim<2>> arg(values->data(), {blocks, bs}, owner);

  nb::object got = fn(arg);
  nb::tuple t = nb::cast<nb::tuple>(got);
  if (t.size() != 2 && t.size() != 3) throw fpc::InputError("a block quantizer returns (codes, scale_codes[, zero_points])");
  std::vector<uint64_t> codes(blocks * bs), scales(blocks);
  widen_codes(t[0], *layout.element, blocks * bs, codes.data(), "the element codes");
  widen_codes(t[1], *layout.scale, blocks, scales.data(), "the scale codes");
  std::vector<int64_t> zero_points;
  if (layout.zero_points) {
    if (t.size() != 3) throw fpc::InputError("scheme " + claims.scheme + " has zero points: return (codes, scale_codes, zero_points)");
    auto z = nb::cast<nb::ndarray<nb::ro, int64_t, nb::ndim<1>, nb::c_contig>>(t[2]);
    if (z.shape(0) != blocks) throw fpc::InputError("expected one zero point per block");
    zero_points.assign(z.data(), z.data() + blocks);
  }

  fpc::Report report;
  report.suite = "python";
  report.seed = seed;
  report.environment = fpc::describe_environment(1);
  fpc::BlockCheckRecord rec = fpc::block_check_record(subject, entry, claims, set, seed, cases, 0, 1);
  const auto t0 = std::chrono::steady_clock::now();
  {
    nb::gil_scoped_release release;
    rec.result = fpc::check_blocks(subject, claims, cases, 0, blocks, [&](size_t index, const fpc::BlockCase&) {
      fpc::BlockOutput o;
      o.codes.assign(codes.begin() + static_cast<long>(index * bs), codes.begin() + static_cast<long>((index + 1) * bs));
      o.scale_codes = {scales[index]};
      if (layout.zero_points) o.zero_points = {zero_points[index]};
      return o;
    });
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fpc::finalize(rec);
  report.block_checks.push_back(std::move(rec));
  return fpc::to_json(report).dump();
}

// The Markdown summary of a report (fpconform report summary), and each failing check's text.
std::string summary_markdown(const std::string& report_json) {
  fpc::LoadedReport loaded;
  loaded.path = "python";
  loaded.json = json::parse(report_json);
  loaded.report = fpc::report_from_json(loaded.json);
  return fpc::markdown_summary(loaded);
}

std::vector<std::string> failure_texts(const std::string& report_json) {
  const fpc::Report r = fpc::report_from_json(json::parse(report_json));
  std::vector<std::string> texts;
  for (const auto& c : r.checks)
    if (c.status == "fail" || c.status == "error") texts.push_back(fpc::check_failure_text(c, r.max_examples));
  for (const auto& b : r.block_checks)
    if (b.status == "fail" || b.status == "error") texts.push_back(fpc::block_status_line(b));
  return texts;
}

std::vector<std::string> status_lines(const std::string& report_json) {
  const fpc::Report r = fpc::report_from_json(json::parse(report_json));
  std::vector<std::string> lines;
  for (const auto& c : r.checks) lines.push_back(fpc::cli::status_line(c));
  for (const auto& b : r.block_checks) lines.push_back(fpc::block_status_line(b));
  return lines;
}

// One report holding the checks of several in-process reports (their summary recomputed by the
// report model, as fpconform run computes it).
std::string join_reports(const std::vector<std::string>& reports) {
  if (reports.empty()) throw fpc::InputError("no reports to join");
  fpc::Report joined = fpc::report_from_json(json::parse(reports[0]));
  for (size_t i = 1; i < reports.size(); ++i) {
    fpc::Report r = fpc::report_from_json(json::parse(reports[i]));
    for (auto& c : r.checks) joined.checks.push_back(std::move(c));
    for (auto& b : r.block_checks) joined.block_checks.push_back(std::move(b));
  }
  return fpc::to_json(joined).dump();
}

std::vector<std::string> validate(const std::string& report_json) {
  const json j = json::parse(report_json);
  std::vector<std::string> errors = fpc::validate_json(j, fpc::report_schema());
  for (auto& e : fpc::report_consistency_errors(j)) errors.push_back(std::move(e));
  return errors;
}

// Quantizes float32 or float64 bit patterns by a scheme: codes, packed bytes, per-block scale
// codes and exact scales (as float64), dequantized values (float64, rne).
// Scheme options from the Python side's JSON (the names of `fpconform quantize`'s options).
fpc::QuantOptions quant_options(const std::string& claims_json) {
  const json cj = json::parse(claims_json);
  fpc::QuantOptions o;
  o.scheme = cj.at("scheme").get<std::string>();
  o.reference = cj.value("reference", std::string("ideal"));
  o.blocksize = cj.value("blocksize", size_t{0});
  o.cols = cj.value("cols", size_t{0});
  if (cj.contains("scale_rule")) o.scale_rule = fpc::mx_scale_rule_by_name(cj["scale_rule"].get<std::string>());
  if (cj.contains("rounding")) o.element_rounding = fpc::rounding_by_name(cj["rounding"].get<std::string>());
  o.double_quant = cj.value("double_quant", false);
  if (cj.contains("tensor_amax")) o.tensor_amax = fpc::parse_value(cj["tensor_amax"].get<std::string>());
  (void)fpc::quant_scheme_by_name(o.scheme);  // InputError for an unknown scheme
  return o;
}

// The claims of a block check as reports write them, plus the element and scale formats.
std::string normalize_claims(const std::string& claims_json) {
  fpc::QuantOptions o = quant_options(claims_json);
  o.blocksize = fpc::check_blocksize(o);
  json out = fpc::claims_to_json(o);
  const fpc::BlockLayout layout = fpc::block_layout(o);
  out["_element_format"] = layout.element->name;
  out["_scale_format"] = layout.scale->name;
  return out.dump();
}

// Every case of a check as operand code arrays (the random bits last for sr).
std::vector<U64Array> case_operands(const std::string& semantics_json, const std::string& spec, uint64_t seed) {
  const fpc::OpSemantics s = semantics_of(semantics_json);
  const fpc::CaseSource cases = fpc::CaseSource::parse(s, spec, seed);
  if (cases.count() > (uint64_t{1} << 28)) throw fpc::InputError("more than 2^28 cases: check them with check_convert/check_op");
  const size_t n = static_cast<size_t>(cases.count());
  std::vector<std::vector<uint64_t>> ops(static_cast<size_t>(cases.operand_arrays()), std::vector<uint64_t>(n));
  std::vector<uint64_t*> ptrs;
  for (auto& v : ops) ptrs.push_back(v.data());
  cases.fill(0, n, ptrs.data());
  std::vector<U64Array> out;
  for (auto& v : ops) out.push_back(to_numpy(std::move(v)));
  return out;
}

nb::dict quantize_values(const std::string& claims_json, const U64Array& bits, const std::string& value_format) {
  const fpc::Format& vf = fpc::format_by_name(value_format);
  const fpc::QuantOptions o = quant_options(claims_json);
  std::vector<fpc::ExactValue> values;
  values.reserve(bits.shape(0));
  for (size_t i = 0; i < bits.shape(0); ++i) values.push_back(fpc::decode(vf, bits(i)).value);
  const fpc::Quantized q = fpc::quantize(values, o);
  const fpc::Format& f64 = fpc::format_by_name("float64");
  auto as_f64 = [&](const fpc::ExactValue& v) { return fpc::round_to_format(v, f64, fpc::Rounding::NearestEven).code; };
  std::vector<uint64_t> scale_codes, scale_bits, deq_bits;
  for (const auto& b : q.blocks) {
    scale_codes.push_back(b.scale_code);
    scale_bits.push_back(as_f64(b.scale));
  }
  for (const auto& v : fpc::dequantize(q)) deq_bits.push_back(as_f64(v));
  nb::dict d;
  d["codes"] = to_numpy(std::vector<uint64_t>(q.codes));
  d["packed"] = to_numpy(std::vector<uint8_t>(q.packed));
  d["scale_codes"] = to_numpy(std::move(scale_codes));
  d["scales_f64_bits"] = to_numpy(std::move(scale_bits));
  d["dequantized_f64_bits"] = to_numpy(std::move(deq_bits));
  d["element_format"] = q.element ? q.element->name : std::string();
  d["scale_format"] = q.scale_format ? q.scale_format->name : std::string();
  d["blocksize"] = q.options.blocksize;
  return d;
}

// Dot products of rows: d[r] = a[r, :] . b[r, :] + c[r] under a row of the model table
// (oracle/include/fpconform/dot.hpp), on `threads` threads. a and b hold codes of in_format (for a
// TF32 row also float32 codes, converted by the row's rule), c codes of the output format.
U64Array dot_rows(const std::string& model_name, const std::string& in_name, const std::string& out_name,
                  const nb::ndarray<nb::ro, uint64_t, nb::ndim<2>, nb::c_contig, nb::device::cpu>& a,
                  const nb::ndarray<nb::ro, uint64_t, nb::ndim<2>, nb::c_contig, nb::device::cpu>& b, const U64Array& c,
                  int promotion_interval, int split_k, int threads) {
  const fpc::DotModel& model = fpc::dot_model(model_name, in_name, out_name);
  const fpc::Format& in = fpc::format_by_name(in_name);
  const fpc::Format& out = fpc::format_by_name(model.output);
  const size_t rows = a.shape(0), k = a.shape(1);
  if (b.shape(0) != rows || b.shape(1) != k)
    throw fpc::InputError("dot: a is " + std::to_string(rows) + " x " + std::to_string(k) + ", b is " +
                          std::to_string(b.shape(0)) + " x " + std::to_string(b.shape(1)) + " (one row of b per row of a)");
  if (c.shape(0) != rows) throw fpc::InputError("dot: one addend per row expected, got " + std::to_string(c.shape(0)));
  if (promotion_interval < 0 || split_k < 1) throw fpc::InputError("dot: promotion_interval >= 0 and split_k >= 1");
  auto refuse_wide = [](const fpc::Format& f, uint64_t code, const char* what) {
    if (f.bits() < 64 && (code >> f.bits())) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "dot: %s code 0x%llx has bits above %s's %d", what,
                    static_cast<unsigned long long>(code), f.name.c_str(), f.bits());
      throw fpc::InputError(buf);
    }
  };
  for (size_t i = 0; i < rows * k; ++i) {
    refuse_wide(in, a.data()[i], "an operand");
    refuse_wide(in, b.data()[i], "an operand");
  }
  for (size_t r = 0; r < rows; ++r) refuse_wide(out, c(r), "an addend");
  fpc::GemmOptions gemm;
  gemm.promotion_interval = promotion_interval;
  gemm.split_k = split_k;
  std::vector<uint64_t> d(rows);
  {
    nb::gil_scoped_release release;
    fpc::run_chunks(0, rows, std::max(1, threads), [&](int, uint64_t first, size_t m) {
      for (size_t r = first; r < first + m; ++r)
        d[r] = fpc::dot(model, in, {a.data() + r * k, k}, {b.data() + r * k, k}, c(r), gemm).code;
      return true;
    });
  }
  return to_numpy(std::move(d));
}

}  // namespace

NB_MODULE(_core, m) {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const fpc::InputError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const json::exception& e) {
      PyErr_SetString(PyExc_ValueError, (std::string("malformed JSON: ") + e.what()).c_str());
    }
  });
  m.def("formats", [] {
    std::vector<std::string> names;
    for (const auto& f : fpc::builtin_formats()) names.push_back(f.name);
    return names;
  });
  m.def("canonical", [](const std::string& name) { return fpc::format_by_name(name).name; });
  m.def("bits", [](const std::string& name) { return fpc::format_by_name(name).bits(); });
  m.def("width", [](const std::string& name) { return width_of(fpc::format_by_name(name)); });
  m.def("info_json", [](const std::string& name) { return fpc::cli::format_info(fpc::format_by_name(name)).dump(); });
  m.def("reference", &reference, nb::arg("semantics"), nb::arg("operands"), nb::arg("threads") = 1);
  m.def("exact_with_flags", &exact_with_flags);
  m.def("flag_names", &flag_names);
  m.def("check_callable", &check_callable);
  m.def("dot", &dot_rows);
  m.def("dot_models_json", [] {
    json rows = json::array();
    for (const fpc::DotModel& m : fpc::dot_models())
      rows.push_back({{"name", m.name}, {"gpu", m.gpu}, {"instruction", m.instruction}, {"inputs", m.inputs},
                      {"output", m.output}, {"parameters", fpc::describe_parameters(m)}, {"measured", m.measured},
                      {"source", m.source}});
    return rows.dump();
  });
  m.def("check_block_callable", &check_block_callable);
  m.def("summary_markdown", &summary_markdown);
  m.def("failure_texts", &failure_texts);
  m.def("status_lines", &status_lines);
  m.def("validate", &validate);
  m.def("join_reports", &join_reports);
  m.def("quantize", &quantize_values);
  m.def("normalize_claims", &normalize_claims);
  m.def("case_operands", &case_operands);
  m.def("hardware_threads", [] { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); });
  m.def("known_deviations_json", [] {
    json a = json::array();
    for (const auto& d : fpc::known_deviations())
      a.push_back({{"subject", d.subject}, {"op", d.op}, {"classes", d.classes}, {"summary", d.summary}, {"reference", d.reference}});
    return a.dump();
  });
  m.attr("tool_version") = fpc::this_tool_version();
  m.attr("tool_revision") = fpc::this_tool_revision();
}
