#include "check/element/checker.hpp"

#include "fpconform/arith.hpp"
#include "fpconform/vector_clones.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <thread>
#include <utility>

#if __has_include("fpconform/fast_reference.hpp")
#include "fpconform/fast_reference.hpp"
#define FPC_HAVE_FAST_REFERENCE 1
#endif

namespace fpc {

namespace {

constexpr std::string_view kClassNames[kMismatchClasses] = {
    "tie_breaking", "rounding_direction", "overflow_saturation", "nan", "signed_zero", "subnormal_flush", "other",
    "out_of_range_code"};

// Cases per batch handed to subjects and references: small enough that a chunk's operands and
// both result arrays stay in a 48 KiB L1 data cache next to the reference's hot table lines
// (unary: 3 x 8 KiB; binary: 4 x 8 KiB). bench/bench_run.cpp measured 1024 a few per cent
// faster than 2048 and 4096 for whole checks.
constexpr size_t kChunk = 1024;
// A chunk's codes, starting on a cache line: the vectorised fills and scans of a misaligned heap
// block split a line with every 64-byte access (two builds of the same in-process check, whose
// heaps differed, took 20.8 s and 25.5 s of CPU for the example plugin's suite).
struct AlignedDelete {
  void operator()(uint64_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
};
using ChunkCodes = std::unique_ptr<uint64_t[], AlignedDelete>;
ChunkCodes chunk_codes() { return ChunkCodes(new (std::align_val_t{64}) uint64_t[kChunk]); }
// The comparison scans a chunk in blocks of 64 cases and reports them in one 64-bit mask.
constexpr size_t kScanBlock = 64;
static_assert(kChunk <= kScanBlock * 64);
// Chunks a worker claims at once, so the shared counter is touched once per 32768 cases; large
// checks (at least 64 claims of the larger size) claim 256 chunks, which is also a supervised
// worker's batch (check/worker.hpp): one request per 262144 cases.
constexpr uint64_t kChunksPerClaim = 32, kChunksPerLargeClaim = 256;
constexpr uint64_t kLargeCheckChunks = kChunksPerLargeClaim * 64;
// Progress is reported at most once per this many cases per worker.
constexpr uint64_t kProgressEvery = uint64_t{1} << 16;
// Diagnosis samples about 2^20 mismatches and 2^15 passing cases per check, chosen by a hash of
// the case index so that every shard and thread samples the same cases.
constexpr uint64_t kMismatchSampleTarget = uint64_t{1} << 20;
constexpr uint64_t kPassSampleTarget = uint64_t{1} << 15;
constexpr uint64_t kSampleSalt = 0xd1a6d1a6d1a6d1a6ULL;

// Samples one case in `every` (a power of two): a stride with an offset drawn per block of
// 2^14 indices, so whether an index is sampled depends on the index alone.
class Sampler {
 public:
  Sampler(uint64_t total, uint64_t target) {
    while (every_ < total / target) every_ <<= 1;
  }
  bool operator()(uint64_t index) const {
    if (every_ == 1) return true;
    uint64_t offset = mix64((index >> kBlockBits) ^ kSampleSalt);
    return ((index + offset) & (every_ - 1)) == 0;
  }
  // The positions j (ascending) of the sampled indices first + j in [first, first + n): the same
  // set as operator() picks, one hash per block of 2^14 indices instead of one per index.
  void collect(uint64_t first, size_t n, std::vector<uint32_t>& out) const {
    out.clear();
    if (every_ == 1) {
      for (size_t j = 0; j < n; ++j) out.push_back(static_cast<uint32_t>(j));
      return;
    }
    const uint64_t end = first + n, mask = every_ - 1;
    for (uint64_t block = first >> kBlockBits; (block << kBlockBits) < end; ++block) {
      const uint64_t lo = std::max(first, block << kBlockBits), hi = std::min(end, (block + 1) << kBlockBits);
      // (index + offset) & mask == 0  <=>  index & mask == -offset & mask
      const uint64_t residue = (0 - mix64(block ^ kSampleSalt)) & mask;
      uint64_t index = (lo & ~mask) | residue;
      if (index < lo) index += every_;
      for (; index < hi; index += every_) out.push_back(static_cast<uint32_t>(index - first));
    }
  }

 private:
  static constexpr int kBlockBits = 14;
  uint64_t every_ = 1;
};

// The hot path of every check: bit b is set when any of the cases [64 b, 64 b + 64) of a chunk has
// a subject result that differs in any bit from the reference's. Branch-free, vectorised.
FPC_VECTOR_CLONES uint64_t differing_blocks(const uint64_t* actual, const uint64_t* expected, size_t n) {
  uint64_t blocks = 0;
  const size_t full = n / kScanBlock;
  for (size_t b = 0; b < full; ++b) {
    uint64_t differ = 0;
    for (size_t j = b * kScanBlock; j < (b + 1) * kScanBlock; ++j) differ |= actual[j] ^ expected[j];
    blocks |= uint64_t{differ != 0} << b;
  }
  uint64_t differ = 0;
  for (size_t j = full * kScanBlock; j < n; ++j) differ |= actual[j] ^ expected[j];
  return blocks | (uint64_t{differ != 0} << full);
}

// Code j of stored results of `bytes` bytes each (SubjectOp::stored_results).
uint64_t stored_code(const void* results, int bytes, size_t j) {
  switch (bytes) {
    case 1: return static_cast<const uint8_t*>(results)[j];
    case 2: return static_cast<const uint16_t*>(results)[j];
    case 4: return static_cast<const uint32_t*>(results)[j];
    default: return static_cast<const uint64_t*>(results)[j];
  }
}

OpSemantics with_rounding(OpSemantics s, Rounding r) {
  s.rounding = r;
  s.sr_bits = 0;
  return s;
}

// One case through a batch function.
uint64_t run_one(const BatchFn& fn, const uint64_t* operands, int arrays) {
  const uint64_t* in[4] = {};
  for (int k = 0; k < arrays; ++k) in[k] = &operands[k];
  uint64_t out = 0;
  fn(in, &out, 1);
  return out;
}

// A reference built on first use (thread-safe). The alternatives' and the classifier's references
// are tables that take milliseconds each to build, while most checks evaluate them on a few
// thousand sampled cases or never; building them lazily, from whichever worker first needs one,
// keeps that work off the start of every check.
// The first kOracleCallsBeforeTable cases go to the exact oracle itself (about a microsecond
// each), so that a check with few sampled cases (a shard, a small batch) never builds the tables.
class LazyReference {
 public:
  explicit LazyReference(OpSemantics s) : state_(std::make_shared<State>(std::move(s))) {}
  uint64_t operator()(const uint64_t* operands, int arrays) const {
    State& st = *state_;
    if (!st.built.load(std::memory_order_acquire)) {
      if (st.oracle_calls.fetch_add(1, std::memory_order_relaxed) < kOracleCallsBeforeTable)
        return oracle_case(st.semantics, operands).code;
      std::call_once(st.once, [&st] {
        st.fn = reference_for(st.semantics);
        st.built.store(true, std::memory_order_release);
      });
    }
    return run_one(st.fn, operands, arrays);
  }

 private:
  static constexpr uint64_t kOracleCallsBeforeTable = 4096;
  struct State {
    explicit State(OpSemantics s) : semantics(std::move(s)) {}
    OpSemantics semantics;
    std::atomic<uint64_t> oracle_calls{0};
    std::atomic<bool> built{false};
    std::once_flag once;
    BatchFn fn;
  };
  std::shared_ptr<State> state_;
};

bool same_result(const Format& f, uint64_t a, uint64_t b, bool strict_nan) {
  if (a == b) return true;
  return !strict_nan && code_class(f, a) == CodeClass::NaN && code_class(f, b) == CodeClass::NaN;
}

// Position of a code in the ordered values of the format, for ulp distances.
std::optional<int64_t> ordinal(const Format& f, uint64_t code) {
  CodeClass c = code_class(f, code);
  if (c == CodeClass::NaN || c == CodeClass::Infinity) return std::nullopt;
  switch (f.kind) {
    case FormatKind::Float: {
      if (!f.has_sign) return static_cast<int64_t>(code);
      uint64_t sign = uint64_t{1} << (f.bits() - 1);
      int64_t mag = static_cast<int64_t>(code & ~sign);
      return (code & sign) ? -mag : mag;
    }
    case FormatKind::Integer:
      if (f.has_sign && (code >> (f.int_bits - 1)) & 1) return static_cast<int64_t>(code) - (int64_t{1} << f.int_bits);
      return static_cast<int64_t>(code);
    case FormatKind::CodeTable: {
      int64_t rank = 0;
      for (const ExactValue& v : f.table)
        if (compare(v, f.table[code]) < 0) ++rank;
      return rank;
    }
  }
  return std::nullopt;
}

bool is_extreme(const Format& f, uint64_t code) {
  return code == f.max_finite_code() || code == f.lowest_finite_code() ||
         (f.kind == FormatKind::Float && f.has_sign && code == (f.max_finite_code() | (uint64_t{1} << (f.bits() - 1))));
}

// Exact value of the operation on a case, for tie decisions the bits cannot settle.
ExactValue exact_result(const OpSemantics& s, const uint64_t* operands) {
  std::vector<ExactValue> x;
  for (int k = 0; k < s.arity(); ++k) x.push_back(decode(*s.in, operands[k], s.policy.daz).value);
  if (s.op == "convert") return x[0];
  return exact_op(op_by_name(s.op), x, s.rounding).value;
}

// Everything needed to classify one mismatch quickly: the neighbours below and above the exact
// result (rdn/rup without saturation), and what flushing would have given.
class Classifier {
 public:
  explicit Classifier(const OpSemantics& s)
      : s_(s),
        down_(with_rounding(without_saturation(s), Rounding::TowardNegative)),
        up_(with_rounding(without_saturation(s), Rounding::TowardPositive)),
        ftz_(with_ftz(s)),
        daz_(with_daz(s)),
        arrays_(s.arity() + (s.rounding == Rounding::Stochastic ? 1 : 0)) {}  // ftz_, daz_ keep sr

  MismatchClass classify(const uint64_t* operands, uint64_t expected, uint64_t actual) const {
    const Format& out = *s_.out;
    bool input_nan = false;
    for (int k = 0; k < s_.arity(); ++k) input_nan |= code_class(*s_.in, operands[k]) == CodeClass::NaN;
    const uint64_t dn = down_(operands, arrays_), up = up_(operands, arrays_);
    const CodeClass cdn = code_class(out, dn), cup = code_class(out, up);
    auto non_finite = [](CodeClass c) { return c == CodeClass::Infinity || c == CodeClass::NaN; };
    if (!input_nan && (non_finite(cdn) || non_finite(cup) || (dn == up && is_extreme(out, dn))))
      return MismatchClass::OverflowSaturation;
    if (code_class(out, expected) == CodeClass::NaN || code_class(out, actual) == CodeClass::NaN)
      return MismatchClass::NaN;
    if (code_class(out, expected) == CodeClass::Zero && code_class(out, actual) == CodeClass::Zero)
      return MismatchClass::SignedZero;
    if (actual == ftz_(operands, arrays_) || actual == daz_(operands, arrays_))
      return MismatchClass::SubnormalFlush;
    if (actual == dn || actual == up) return is_tie(operands, dn, up) ? MismatchClass::TieBreaking : MismatchClass::RoundingDirection;
    return MismatchClass::Other;
  }

 private:
  // Is the exact result halfway between its neighbours dn and up? The rounding core says so
  // (RoundResult::tie); the checker does not re-derive the midpoint.
  bool is_tie(const uint64_t* operands, uint64_t dn, uint64_t up) const {
    if (dn == up) return false;
    const ExactValue x = exact_result(s_, operands);
    if (!x.is_finite_nonzero()) return false;
    Policy p = without_saturation(s_).policy;
    if (!round_to_format(x, *s_.out, Rounding::NearestEven, p).tie) return false;
    if (!p.ftz) return true;
    // Under flush to zero a subnormal neighbour of the tie becomes zero: dn and up are then not
    // the two codes the tie lies between, and picking one of them is not a tie broken.
    p.ftz = false;
    return round_to_format(x, *s_.out, Rounding::TowardNegative, p).code == dn &&
           round_to_format(x, *s_.out, Rounding::TowardPositive, p).code == up;
  }

  static OpSemantics without_saturation(OpSemantics s) {
    s.policy.saturate = false;
    return s;
  }
  static OpSemantics with_ftz(OpSemantics s) {
    s.policy.ftz = true;
    return s;
  }
  static OpSemantics with_daz(OpSemantics s) {
    s.policy.daz = true;
    return s;
  }

  OpSemantics s_;
  LazyReference down_, up_, ftz_, daz_;
  int arrays_ = 1;
};

int precision(const Format& f) { return f.kind == FormatKind::Float ? f.man_bits + 1 : 0; }

// run_chunks' split: how many chunks a claim takes, how many claims [begin, end) makes, and how
// many workers it starts for them.
uint64_t chunk_count(uint64_t begin, uint64_t end) { return end > begin ? (end - begin + kChunk - 1) / kChunk : 0; }
uint64_t chunks_per_claim(uint64_t begin, uint64_t end) {
  return chunk_count(begin, end) >= kLargeCheckChunks ? kChunksPerLargeClaim : kChunksPerClaim;
}
uint64_t claim_count(uint64_t begin, uint64_t end) {
  return (chunk_count(begin, end) + chunks_per_claim(begin, end) - 1) / chunks_per_claim(begin, end);
}
int worker_count(uint64_t begin, uint64_t end, int threads) {
  return static_cast<int>(std::clamp<uint64_t>(claim_count(begin, end), 1, static_cast<uint64_t>(std::max(1, threads))));
}

}  // namespace

const size_t kCheckChunk = kChunk;

uint64_t check_claim_cases(uint64_t begin, uint64_t end) { return chunks_per_claim(begin, end) * kChunk; }

void run_chunks(uint64_t begin, uint64_t end, int threads,
                const std::function<bool(int worker, uint64_t first, size_t n)>& body) {
  const uint64_t chunks = chunk_count(begin, end), claims = claim_count(begin, end), per_claim = chunks_per_claim(begin, end);
  std::atomic<uint64_t> next_claim{0};
  std::atomic<bool> abort{false};
  std::mutex mu;
  std::exception_ptr error;
  auto worker = [&](int w) {
    try {
      while (!abort.load(std::memory_order_relaxed)) {
        const uint64_t claim = next_claim.fetch_add(1);
        if (claim >= claims) return;
        const uint64_t last_chunk = std::min(chunks, (claim + 1) * per_claim);
        for (uint64_t c = claim * per_claim; c < last_chunk; ++c) {
          const uint64_t first = begin + c * kChunk;
          if (!body(w, first, static_cast<size_t>(std::min<uint64_t>(kChunk, end - first)))) return;
        }
      }
    } catch (...) {  // rethrown on the caller's thread, as if the work had been done there
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      abort = true;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < worker_count(begin, end, threads); ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

std::string_view to_string(MismatchClass c) { return kClassNames[static_cast<int>(c)]; }

MismatchClass mismatch_class_by_name(std::string_view name) {
  for (int i = 0; i < kMismatchClasses; ++i)
    if (kClassNames[i] == name) return static_cast<MismatchClass>(i);
  throw InputError("unknown mismatch class '" + std::string(name.substr(0, 40)) + "'");
}

bool smaller_example(const Counterexample& a, const Counterexample& b, const Format& in) {
  const uint64_t sign = in.has_sign && in.kind == FormatKind::Float ? uint64_t{1} << (in.bits() - 1) : 0;
  for (size_t k = 0; k < std::min(a.inputs.size(), b.inputs.size()); ++k) {
    uint64_t ma = a.inputs[k] & ~sign, mb = b.inputs[k] & ~sign;
    if (ma != mb) return ma < mb;
    if (a.inputs[k] != b.inputs[k]) return a.inputs[k] < b.inputs[k];
  }
  return a.inputs.size() < b.inputs.size();
}

BatchFn reference_for(const OpSemantics& s, std::string* name) {
#ifdef FPC_HAVE_FAST_REFERENCE
  if (auto fast = fast_reference(s)) {
    if (name) *name = "fast:" + fast_reference_name(s);
    return *fast;
  }
#endif
  if (name) *name = "exact";
  return exact_reference(s);
}

std::vector<Alternative> alternatives_for(const OpSemantics& claimed) {
  std::vector<Alternative> alts;
  auto add = [&](std::string name, const OpSemantics& s) {
    LazyReference fn(s);
    int n = s.arity() + (s.rounding == Rounding::Stochastic ? 1 : 0);
    alts.push_back({std::move(name), [fn, n](const uint64_t* ops) { return fn(ops, n); }});
  };
  for (Rounding r : kAllRoundings)
    if (r != Rounding::Stochastic && r != claimed.rounding) add(std::string(short_name(r)), with_rounding(claimed, r));
  {
    OpSemantics s = claimed;
    s.policy.saturate = !s.policy.saturate;
    add(s.policy.saturate ? "saturation" : "no saturation", s);
  }
  if (claimed.policy.saturate && claimed.out->has_inf()) {
    OpSemantics s = claimed;
    bool to_nan = s.policy.inf_under_saturation == InfUnderSaturation::Max;
    s.policy.inf_under_saturation = to_nan ? InfUnderSaturation::NaN : InfUnderSaturation::Max;
    add(to_nan ? "inf under saturation -> NaN" : "inf under saturation -> max", s);
  }
  if (!claimed.policy.ftz) {
    OpSemantics s = claimed;
    s.policy.ftz = true;
    add("ftz", s);
  }
  if (!claimed.policy.daz) {
    OpSemantics s = claimed;
    s.policy.daz = true;
    add("daz", s);
    s.policy.ftz = true;
    if (!claimed.policy.ftz) add("ftz+daz", s);
  }
  // Double rounding through an intermediate format between the input's and output's precision.
  if (claimed.rounding != Rounding::Stochastic && claimed.out->kind == FormatKind::Float) {
    for (const char* via_name : {"float32", "tf32", "bfloat16", "float16"}) {
      const Format& via = format_by_name(via_name);
      bool between = precision(via) > precision(*claimed.out) &&
                     (claimed.op != "convert" || precision(via) < precision(*claimed.in));
      if (!between || &via == claimed.in) continue;
      OpSemantics first = claimed, second = claimed;
      first.out = &via;
      first.policy = Policy{};
      second.op = "convert";
      second.in = &via;
      LazyReference f1(first), f2(second);
      int n1 = first.arity();
      alts.push_back({std::string(short_name(claimed.rounding)) + " via " + via.name + " (double rounding)",
                      [f1, f2, n1](const uint64_t* ops) {
                        uint64_t mid = f1(ops, n1);
                        return f2(&mid, 1);
                      }});
    }
  }
  return alts;
}

void CheckOutcome::merge(const CheckOutcome& o, const Format& in, size_t max_examples) {
  cases += o.cases;
  passed += o.passed;
  failed += o.failed;
  implementation_defined += o.implementation_defined;
  for (int i = 0; i < kMismatchClasses; ++i) failed_by_class[static_cast<size_t>(i)] += o.failed_by_class[static_cast<size_t>(i)];
  examples.insert(examples.end(), o.examples.begin(), o.examples.end());
  std::sort(examples.begin(), examples.end(), [&](const Counterexample& a, const Counterexample& b) {
    if (a.cls != b.cls) return a.cls < b.cls;
    return smaller_example(a, b, in);
  });
  std::vector<Counterexample> kept;
  std::array<size_t, kMismatchClasses> per_class{};
  for (const Counterexample& e : examples) {
    size_t& n = per_class[static_cast<size_t>(e.cls)];
    if (n < max_examples) {
      kept.push_back(e);
      ++n;
    }
  }
  examples = std::move(kept);
  sampled_mismatches += o.sampled_mismatches;
  sampled_passes += o.sampled_passes;
  if (alternatives.empty()) alternatives = o.alternatives;
  else
    for (size_t i = 0; i < std::min(alternatives.size(), o.alternatives.size()); ++i) {
      alternatives[i].explained += o.alternatives[i].explained;
      alternatives[i].contradicted += o.alternatives[i].contradicted;
    }
  if (error.empty()) error = o.error;
}

// Everything run_check prepares once for a check (the reference, the classifier, the
// alternatives, the in-place comparison, one state per checker thread) and the chunk it checks.
struct RangeChecker::Impl {
  // One checker thread's state, one cache line apart: threads write their tallies every chunk.
  struct alignas(64) Worker {
    CheckOutcome local;
    std::vector<ChunkCodes> operands;
    std::vector<uint64_t*> ops;
    std::vector<const uint64_t*> cops;
    ChunkCodes actual, expected;
    std::vector<uint64_t> one;
    // The chunk being judged: its operands and the subject's results, in the buffers above or
    // where `served` left them.
    const uint64_t* const* chunk_ops = nullptr;
    const uint64_t* chunk_actual = nullptr;
    std::vector<uint32_t> sampled;
    std::array<std::vector<Counterexample>, kMismatchClasses> kept;
    // Sampled passing cases, arrays operands then the subject's result each: the alternatives
    // are evaluated on them after the sweep, split by alternative over the threads.
    std::vector<uint64_t> sampled_passes;
    uint64_t unreported = 0;  // cases done but not yet passed to options.progress
  };

  const SubjectOp& op;
  const CaseSource& cases;
  const CheckOptions options;
  const CaseServer served;
  const OpSemantics& s;
  const Format& out_format;
  const uint64_t out_mask;
  // Which codes of the output are NaN, where it has at most 2^16 codes: a sweep's NaN results
  // that differ only in payload (a NaN matching a NaN) then pass in the hot loop, without
  // the per-case path — they are 6 % of all float16 pairs. Built on first use (a range checked
  // in place, or with no differing result, never needs it).
  std::vector<uint8_t> nan_codes;
  std::once_flag nan_codes_built;
  const bool nan_table;
  const BatchFn reference;
  const Classifier classifier;
  const std::vector<Alternative> alts;
  const size_t narrays;
  const bool needs_oracle_flags;
  const Sampler sample_pass, sample_mismatch;
  CheckOutcome blank;
  std::vector<Worker> workers;
  // A subject with stored results (SubjectOp::stored_results) on an exhaustive unary sweep whose
  // reference is a table indexed by the code: each chunk's results are compared with the table
  // where they lie, at their width, in one pass (no operand arrays, no widened copy, no reference
  // array). A chunk where every result has the reference's bits passed as a whole, exactly as the
  // per-case path would count it; any other chunk takes that path, which decides NaN matches,
  // implementation-defined answers and classes as before. (Subjects that compute into 64-bit
  // results keep the per-case path: comparing those in place measured no faster.)
  std::function<bool(uint64_t first, const void* results, int bytes, size_t n)> differs_in_place;

  Impl(const SubjectOp& op_, const CaseSource& cases_, const CheckOptions& options_, const CaseServer& served_)
      : op(op_),
        cases(cases_),
        options(options_),
        served(served_),
        s(op.semantics),
        out_format(*s.out),
        out_mask(out_format.code_mask()),
        nan_table(!options.strict_nan && out_format.bits() <= 16),
        reference(reference_for(s)),
        classifier(s),
        alts(alternatives_for(s)),
        narrays(static_cast<size_t>(cases.operand_arrays())),
        needs_oracle_flags(!out_format.has_nan() || !out_format.has_zero),
        sample_pass(cases.count(), kPassSampleTarget),
        sample_mismatch(cases.count(), kMismatchSampleTarget),
        workers(static_cast<size_t>(std::max(1, options.threads))) {
    for (const Alternative& a : alts) blank.alternatives.push_back({a.name, 0, 0});
    for (Worker& w : workers) {
      w.local = blank;
      for (size_t k = 0; k < narrays; ++k) {
        w.operands.push_back(chunk_codes());
        w.ops.push_back(w.operands.back().get());
        w.cops.push_back(w.operands.back().get());
      }
      w.actual = chunk_codes();
      w.expected = chunk_codes();
      w.one.resize(narrays);
    }
#ifdef FPC_HAVE_FAST_REFERENCE
    if (op.stored_results && cases.operands_are_indices())
      if (auto compare = consecutive_compare(s)) differs_in_place = std::move(compare->differs);
#endif
  }

  bool both_nan(uint64_t actual, uint64_t expected) {
    if (!nan_table) return false;
    std::call_once(nan_codes_built, [&] {
      nan_codes.resize(size_t{1} << out_format.bits());
      for (uint64_t c = 0; c < nan_codes.size(); ++c) nan_codes[c] = code_class(out_format, c) == CodeClass::NaN;
    });
    return actual <= out_mask && expected <= out_mask && nan_codes[actual] && nan_codes[expected];
  }

  // What a case's subject result counts as: the same (NaN matching NaN unless strict) as the
  // reference's, with no bits set above the output format's width.
  bool matches(uint64_t actual, uint64_t expected) const {
    const uint64_t a = actual & out_mask;
    return a == actual && same_result(out_format, a, expected, options.strict_nan);
  }

  // A case whose result differs from the reference's in its bits: a NaN matching a NaN (a pass),
  // an implementation-defined case, or a failure (classified, kept if among the smallest, and
  // tallied against the alternatives if sampled). Returns whether it passed.
  bool mismatch(Worker& w, uint64_t index, size_t j) {
    CheckOutcome& local = w.local;
    const uint64_t actual = w.chunk_actual[j], e = w.expected[j];
    if (matches(actual, e)) return true;
    std::vector<uint64_t>& one = w.one;
    for (size_t k = 0; k < narrays; ++k) one[k] = w.chunk_ops[k][j];
    const uint64_t a = actual & out_mask;
    const bool out_of_range = a != actual;  // not a code of the output format: a failure of its own class
    if (needs_oracle_flags && !out_of_range) {  // the subject may have picked another implementation-defined answer
      if (oracle_case(s, one.data()).implementation_defined) {
        ++local.implementation_defined;
        return false;
      }
    }
    ++local.failed;
    MismatchClass cls = out_of_range ? MismatchClass::OutOfRangeCode : classifier.classify(one.data(), e, a);
    ++local.failed_by_class[static_cast<size_t>(cls)];
    Counterexample ex{one, e, actual, cls, std::nullopt};
    auto oa = ordinal(out_format, a), oe = ordinal(out_format, e);
    if (oa && oe && a == actual) ex.ulp_distance = *oa - *oe;
    auto& list = w.kept[static_cast<size_t>(cls)];
    if (list.size() < options.max_examples || smaller_example(ex, list.back(), *s.in)) {
      list.insert(std::upper_bound(list.begin(), list.end(), ex,
                                   [&](const Counterexample& x1, const Counterexample& x2) {
                                     return smaller_example(x1, x2, *s.in);
                                   }),
                  ex);
      if (list.size() > options.max_examples) list.pop_back();
    }
    if (sample_mismatch(index)) {
      ++local.sampled_mismatches;
      for (size_t i = 0; i < alts.size(); ++i) {
        if (same_result(out_format, alts[i].result(one.data()), a, options.strict_nan))
          ++local.alternatives[i].explained;
        else
          ++local.alternatives[i].contradicted;
      }
    }
    return false;
  }

  // The subject's results of a chunk into w.chunk_ops/w.chunk_actual (read in place from a
  // worker's shared memory when served); false (the error recorded) when it throws.
  bool run_subject(Worker& w, int worker, uint64_t first, size_t n) {
    try {
      if (served) {
        const ServedCases chunk = served(worker, first, n);
        w.chunk_ops = chunk.operands;
        w.chunk_actual = chunk.results;
      } else {
        cases.fill(first, n, w.ops.data());
        if (op.run_cases) op.run_cases(first, w.cops.data(), w.actual.get(), n);
        else op.run(w.cops.data(), w.actual.get(), n);
        w.chunk_ops = w.cops.data();
        w.chunk_actual = w.actual.get();
      }
    } catch (const std::exception& e) {
      w.local.error = std::string("subject failed: ") + e.what();
      return false;
    }
    return true;
  }

  void progressed(Worker& w, size_t n) const {
    if (options.progress && (w.unreported += n) >= kProgressEvery) {
      options.progress(w.unreported);
      w.unreported = 0;
    }
  }

  void all_passed(Worker& w, uint64_t first, size_t n, const void* results, int bytes) const {
    w.local.cases += n;
    w.local.passed += n;
    sample_pass.collect(first, n, w.sampled);
    for (uint32_t j : w.sampled) {
      ++w.local.sampled_passes;
      w.sampled_passes.push_back(first + j);  // the operand: the case index itself
      w.sampled_passes.push_back(stored_code(results, bytes, j) & out_mask);
    }
    progressed(w, n);
  }

  bool check_chunk(int worker, uint64_t first, size_t n) {
    Worker& w = workers.at(static_cast<size_t>(worker));
    CheckOutcome& local = w.local;
    if (differs_in_place) {
      SubjectOp::StoredResults stored;
      try {
        stored = op.stored_results(first, n);
      } catch (const std::exception& e) {
        local.error = std::string("subject failed: ") + e.what();
        return false;
      }
      if (!differs_in_place(first, stored.data, stored.bytes, n)) {
        all_passed(w, first, n, stored.data, stored.bytes);
        return true;
      }
    }
    if (!run_subject(w, worker, first, n)) return false;
    reference(w.chunk_ops, w.expected.get(), n);
    local.cases += n;
    // The hot path: one branch-free scan; only blocks with a differing result are looked at.
    const uint64_t* actual = w.chunk_actual;
    const uint64_t* expected = w.expected.get();
    uint64_t not_passed = 0;
    for (uint64_t blocks = differing_blocks(actual, expected, n); blocks != 0; blocks &= blocks - 1) {
      const size_t j0 = static_cast<size_t>(std::countr_zero(blocks)) * kScanBlock;
      for (size_t j = j0; j < std::min(n, j0 + kScanBlock); ++j)
        if (actual[j] != expected[j] && !both_nan(actual[j], expected[j]) && !mismatch(w, first + j, j)) ++not_passed;
    }
    local.passed += n - not_passed;
    sample_pass.collect(first, n, w.sampled);
    for (uint32_t j : w.sampled) {
      if (!matches(actual[j], expected[j])) continue;
      ++local.sampled_passes;
      for (size_t k = 0; k < narrays; ++k) w.sampled_passes.push_back(w.chunk_ops[k][j]);
      w.sampled_passes.push_back(actual[j] & out_mask);
    }
    progressed(w, n);
    return true;
  }

  CheckOutcome finish() {
    if (options.progress)
      for (Worker& w : workers)
        if (w.unreported) options.progress(std::exchange(w.unreported, 0));

    // Sampled passes against every alternative: one thread per alternative at a time, so that the
    // alternatives' references are built (lazily) in parallel.
    const bool any_sampled_pass =
        std::any_of(workers.begin(), workers.end(), [](const Worker& w) { return !w.sampled_passes.empty(); });
    if (!alts.empty() && any_sampled_pass) {
      std::atomic<size_t> next_alt{0};
      auto evaluate = [&] {
        while (true) {
          const size_t i = next_alt.fetch_add(1);
          if (i >= alts.size()) return;
          uint64_t contradicted = 0;
          for (const Worker& w : workers)
            for (size_t p = 0; p < w.sampled_passes.size(); p += narrays + 1)
              if (!same_result(out_format, alts[i].result(&w.sampled_passes[p]), w.sampled_passes[p + narrays],
                               options.strict_nan))
                ++contradicted;
          workers[0].local.alternatives[i].contradicted += contradicted;
        }
      };
      std::vector<std::thread> pool;
      const size_t helpers = std::min(alts.size(), workers.size()) - 1;
      std::mutex mu;
      std::exception_ptr error;
      auto guarded = [&] {
        try {
          evaluate();
        } catch (...) {
          std::lock_guard lock(mu);
          if (!error) error = std::current_exception();
          next_alt = alts.size();
        }
      };
      for (size_t t = 0; t < helpers; ++t) pool.emplace_back(guarded);
      guarded();
      for (auto& t : pool) t.join();
      if (error) std::rethrow_exception(error);
    }

    CheckOutcome result = blank;
    for (Worker& w : workers) {
      for (auto& list : w.kept) w.local.examples.insert(w.local.examples.end(), list.begin(), list.end());
      result.merge(w.local, *s.in, options.max_examples);
      w.local = blank;
      w.sampled_passes.clear();
      for (auto& list : w.kept) list.clear();
    }
    return result;
  }
};

RangeChecker::RangeChecker(const SubjectOp& op, const CaseSource& cases, const CheckOptions& options,
                           const CaseServer& served)
    : impl_(std::make_unique<Impl>(op, cases, options, served)) {}
RangeChecker::~RangeChecker() = default;

int RangeChecker::threads() const { return static_cast<int>(impl_->workers.size()); }

bool RangeChecker::compares_in_place() const { return static_cast<bool>(impl_->differs_in_place); }

bool RangeChecker::check_chunk(int thread, uint64_t first, size_t n) { return impl_->check_chunk(thread, first, n); }

bool RangeChecker::check_range(int thread, uint64_t begin, uint64_t end) {
  for (uint64_t first = begin; first < end; first += kChunk)
    if (!check_chunk(thread, first, static_cast<size_t>(std::min<uint64_t>(kChunk, end - first)))) return false;
  return true;
}

CheckOutcome RangeChecker::finish() { return impl_->finish(); }

CheckOutcome run_check(const SubjectOp& op, const CaseSource& cases, uint64_t begin, uint64_t end,
                       const CheckOptions& options, const CaseServer& served) {
  CheckOptions prepared = options;
  prepared.threads = worker_count(begin, end, options.threads);
  RangeChecker checker(op, cases, prepared, served);
  run_chunks(begin, end, prepared.threads,
             [&](int worker, uint64_t first, size_t n) { return checker.check_chunk(worker, first, n); });
  return checker.finish();
}

std::vector<std::string> explaining_alternatives(const CheckOutcome& outcome, const OpSemantics& claimed) {
  std::vector<std::string> names;
  if (outcome.failed == 0) return names;
  std::vector<Alternative> alts = alternatives_for(claimed);
  for (size_t i = 0; i < alts.size() && i < outcome.alternatives.size(); ++i) {
    const AlternativeTally& t = outcome.alternatives[i];
    if (t.contradicted != 0) continue;
    bool all = true;
    for (const Counterexample& e : outcome.examples)
      all = all && same_result(*claimed.out, alts[i].result(e.inputs.data()), e.actual & claimed.out->code_mask(), false) &&
            e.actual == (e.actual & claimed.out->code_mask());
    if (all && (t.explained > 0 || !outcome.examples.empty())) names.push_back(alts[i].name);
  }
  return names;
}

}  // namespace fpc
