#include "checker.hpp"

#include "fpconform/arith.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <mutex>
#include <thread>

#if __has_include("fpconform/fast_reference.hpp")
#include "fpconform/fast_reference.hpp"
#define FPC_HAVE_FAST_REFERENCE 1
#endif

namespace fpc {

namespace {

constexpr std::string_view kClassNames[kMismatchClasses] = {
    "tie_breaking", "rounding_direction", "overflow_saturation", "nan", "signed_zero", "subnormal_flush", "other"};

// Cases per batch handed to subjects and references.
constexpr size_t kChunk = 16384;
// Diagnosis samples about 2^20 mismatches and 2^15 passing cases per check, chosen by a hash of
// the case index so that every shard and thread samples the same cases.
constexpr uint64_t kMismatchSampleTarget = uint64_t{1} << 20;
constexpr uint64_t kPassSampleTarget = uint64_t{1} << 15;
constexpr uint64_t kSampleSalt = 0xd1a6d1a6d1a6d1a6ULL;

// Samples one case in `every` (a power of two): a stride with an offset drawn per block of
// 2^14 indices, so the test per case is an add and a mask and depends on the index alone.
class Sampler {
 public:
  Sampler(uint64_t total, uint64_t target) {
    while (every_ < total / target) every_ <<= 1;
  }
  bool operator()(uint64_t index) const {
    if (every_ == 1) return true;
    uint64_t offset = mix64((index >> 14) ^ kSampleSalt);
    return ((index + offset) & (every_ - 1)) == 0;
  }

 private:
  uint64_t every_ = 1;
};

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
  explicit Classifier(const OpSemantics& s) : s_(s) {
    OpSemantics plain = s;
    plain.policy.saturate = false;
    down_ = reference_for(with_rounding(plain, Rounding::TowardNegative));
    up_ = reference_for(with_rounding(plain, Rounding::TowardPositive));
    OpSemantics f = s, d = s;
    f.policy.ftz = true;
    d.policy.daz = true;
    ftz_ = reference_for(f);
    daz_ = reference_for(d);
    arrays_ = s.arity();
  }

  MismatchClass classify(const uint64_t* operands, uint64_t expected, uint64_t actual) const {
    const Format& out = *s_.out;
    bool input_nan = false;
    for (int k = 0; k < s_.arity(); ++k) input_nan |= code_class(*s_.in, operands[k]) == CodeClass::NaN;
    const uint64_t dn = run_one(down_, operands, arrays_), up = run_one(up_, operands, arrays_);
    const CodeClass cdn = code_class(out, dn), cup = code_class(out, up);
    auto non_finite = [](CodeClass c) { return c == CodeClass::Infinity || c == CodeClass::NaN; };
    if (!input_nan && (non_finite(cdn) || non_finite(cup) || (dn == up && is_extreme(out, dn))))
      return MismatchClass::OverflowSaturation;
    if (code_class(out, expected) == CodeClass::NaN || code_class(out, actual) == CodeClass::NaN)
      return MismatchClass::NaN;
    if (code_class(out, expected) == CodeClass::Zero && code_class(out, actual) == CodeClass::Zero)
      return MismatchClass::SignedZero;
    if (actual == run_one(ftz_, operands, arrays_) || actual == run_one(daz_, operands, arrays_))
      return MismatchClass::SubnormalFlush;
    if (actual == dn || actual == up) return is_tie(operands, dn, up) ? MismatchClass::TieBreaking : MismatchClass::RoundingDirection;
    return MismatchClass::Other;
  }

 private:
  // Is the exact result halfway between its neighbours dn and up?
  bool is_tie(const uint64_t* operands, uint64_t dn, uint64_t up) const {
    if (dn == up) return false;
    ExactValue x = exact_result(s_, operands);
    ExactValue a = decode(*s_.out, dn).value, b = decode(*s_.out, up).value;
    if (!x.is_finite_nonzero() && !x.is_zero()) return false;
    std::vector<ExactValue> ab = {a, b}, xx = {x, x};
    return compare(exact_op(Op::Add, ab, Rounding::NearestEven).value, exact_op(Op::Add, xx, Rounding::NearestEven).value) == 0;
  }

  OpSemantics s_;
  BatchFn down_, up_, ftz_, daz_;
  int arrays_ = 1;
};

int precision(const Format& f) { return f.kind == FormatKind::Float ? f.man_bits + 1 : 0; }

}  // namespace

std::string_view to_string(MismatchClass c) { return kClassNames[static_cast<int>(c)]; }

MismatchClass mismatch_class_by_name(std::string_view name) {
  for (int i = 0; i < kMismatchClasses; ++i)
    if (kClassNames[i] == name) return static_cast<MismatchClass>(i);
  throw InputError("unknown mismatch class '" + std::string(name.substr(0, 40)) + "'");
}

CodeClass code_class(const Format& f, uint64_t code) {
  switch (f.kind) {
    case FormatKind::Integer: return code == 0 ? CodeClass::Zero : CodeClass::Normal;
    case FormatKind::CodeTable: return f.table.at(code).is_zero() ? CodeClass::Zero : CodeClass::Normal;
    case FormatKind::Float: break;
  }
  const int m = f.man_bits, e = f.exp_bits;
  const uint64_t mant_mask = (uint64_t{1} << m) - 1, ones = (uint64_t{1} << e) - 1;
  const bool negative = f.has_sign && ((code >> (e + m)) & 1);
  const uint64_t field = (code >> m) & ones, mant = code & mant_mask;
  switch (f.nonfinite) {
    case NonFinite::Ieee:
      if (field == ones) return mant == 0 ? CodeClass::Infinity : CodeClass::NaN;
      break;
    case NonFinite::FN:
      if (field == ones && mant == mant_mask) return CodeClass::NaN;
      break;
    case NonFinite::FNUZ:
      if (negative && field == 0 && mant == 0) return CodeClass::NaN;
      break;
    case NonFinite::Finite: break;
  }
  if (field == 0 && f.has_zero) return mant == 0 || !f.has_subnormals ? CodeClass::Zero : CodeClass::Subnormal;
  return CodeClass::Normal;
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
    BatchFn fn = reference_for(s);
    int n = s.arity() + (s.rounding == Rounding::Stochastic ? 1 : 0);
    alts.push_back({std::move(name), [fn, n](const uint64_t* ops) { return run_one(fn, ops, n); }});
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
      BatchFn f1 = reference_for(first), f2 = reference_for(second);
      int n1 = first.arity();
      alts.push_back({std::string(short_name(claimed.rounding)) + " via " + via.name + " (double rounding)",
                      [f1, f2, n1](const uint64_t* ops) {
                        uint64_t mid = run_one(f1, ops, n1);
                        return run_one(f2, &mid, 1);
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

CheckOutcome run_check(const SubjectOp& op, const CaseSource& cases, uint64_t begin, uint64_t end,
                       const CheckOptions& options) {
  const OpSemantics& s = op.semantics;
  const Format& out_format = *s.out;
  const BatchFn reference = reference_for(s);
  const Classifier classifier(s);
  const std::vector<Alternative> alts = alternatives_for(s);
  const int arrays = cases.operand_arrays();
  const uint64_t total = cases.count();
  const bool needs_oracle_flags = !out_format.has_nan() || !out_format.has_zero;
  const Sampler sample_pass(total, kPassSampleTarget), sample_mismatch(total, kMismatchSampleTarget);

  CheckOutcome blank;
  for (const Alternative& a : alts) blank.alternatives.push_back({a.name, 0, 0});

  std::atomic<uint64_t> next_chunk{0};
  const uint64_t chunks = end > begin ? (end - begin + kChunk - 1) / kChunk : 0;
  std::mutex mu;
  CheckOutcome result = blank;

  auto worker = [&] {
    CheckOutcome local = blank;
    std::vector<std::vector<uint64_t>> operand_store(static_cast<size_t>(arrays), std::vector<uint64_t>(kChunk));
    std::vector<uint64_t*> ops;
    std::vector<const uint64_t*> cops;
    for (auto& v : operand_store) {
      ops.push_back(v.data());
      cops.push_back(v.data());
    }
    std::vector<uint64_t> actual(kChunk), expected(kChunk);
    std::vector<uint64_t> one(static_cast<size_t>(arrays));
    std::array<std::vector<Counterexample>, kMismatchClasses> kept;
    while (true) {
      uint64_t c = next_chunk.fetch_add(1);
      if (c >= chunks || !local.error.empty()) break;
      uint64_t first = begin + c * kChunk;
      size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, end - first));
      cases.fill(first, n, ops.data());
      try {
        op.run(cops.data(), actual.data(), n);
      } catch (const std::exception& e) {
        local.error = std::string("subject failed: ") + e.what();
        break;
      }
      reference(cops.data(), expected.data(), n);
      local.cases += n;
      for (size_t j = 0; j < n; ++j) {
        const uint64_t index = first + j;
        if (actual[j] == expected[j] && !sample_pass(index)) {  // the hot path: one compare
          ++local.passed;
          continue;
        }
        for (int k = 0; k < arrays; ++k) one[static_cast<size_t>(k)] = operand_store[static_cast<size_t>(k)][j];
        const uint64_t a = actual[j] & out_format.code_mask(), e = expected[j];
        const bool match = (a == actual[j]) && same_result(out_format, a, e, options.strict_nan);
        if (match) {
          ++local.passed;
          if (sample_pass(index)) {
            ++local.sampled_passes;
            for (size_t i = 0; i < alts.size(); ++i)
              if (!same_result(out_format, alts[i].result(one.data()), a, options.strict_nan))
                ++local.alternatives[i].contradicted;
          }
          continue;
        }
        if (needs_oracle_flags) {  // the subject may have picked another implementation-defined answer
          std::vector<uint64_t> x(one.begin(), one.begin() + s.arity());
          RandomBits rb;
          if (s.rounding == Rounding::Stochastic) rb = {s.sr_bits, one[static_cast<size_t>(s.arity())]};
          RoundResult r = s.op == "convert" ? convert(x[0], *s.in, out_format, s.rounding, s.policy, rb)
                                            : eval(op_by_name(s.op), x, *s.in, out_format, s.rounding, s.policy, rb);
          if (r.implementation_defined) {
            ++local.implementation_defined;
            continue;
          }
        }
        ++local.failed;
        MismatchClass cls = classifier.classify(one.data(), e, a);
        ++local.failed_by_class[static_cast<size_t>(cls)];
        Counterexample ex{one, e, actual[j], cls, std::nullopt};
        auto oa = ordinal(out_format, a), oe = ordinal(out_format, e);
        if (oa && oe && a == actual[j]) ex.ulp_distance = *oa - *oe;
        auto& list = kept[static_cast<size_t>(cls)];
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
      }
      if (options.progress) options.progress(n);
    }
    for (auto& list : kept) local.examples.insert(local.examples.end(), list.begin(), list.end());
    std::lock_guard lock(mu);
    CheckOutcome merged = result;
    merged.merge(local, *s.in, options.max_examples);
    result = std::move(merged);
  };

  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(std::max<uint64_t>(1, chunks))));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return result;
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
