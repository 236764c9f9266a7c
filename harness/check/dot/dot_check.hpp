// Dot checks, the third kind of check (docs/design.md, "Kinds of check"): a dot op
// (fpconform/dot_subject.hpp) or recorded outputs (the dot file protocol) against the model row
// they claim (fpconform/dot.hpp), bit for bit, over cases that reach the places where the models
// differ; a failing check is diagnosed by every model (diagnose_dot: "h100 (L=16, F=25, ...)",
// "as h100 with F=20", "as ada-mma-fp8 with promotion every 128").
#pragma once

#include "check/check_record.hpp"
#include "fpconform/dot_subject.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace fpc {

// One dot product of a check: D = a . b + c, K = a.size(), and the kind of case it is.
// Kinds: "exhaustive", "zero", "cancellation", "carry", "below_cut", "zero_products", "subnormal",
// "nonfinite", "spread", "addend", "random"; block-scaled claims also "scale_extreme",
// "scale_window", "scale_nan", "scale_sign", "scale_zero", "scale_subnormal".
struct DotCase {
  std::string kind;
  std::vector<uint64_t> a, b;  // codes of the claim's input format
  uint64_t c = 0;              // a code of the claim's output format
  // Block-scaled claims: K / block codes of the claim's scale format each (DotBatch's layout);
  // empty otherwise.
  std::vector<uint64_t> a_scales = {}, b_scales = {};
};

// Which cases a check runs, for each K of the op:
//   "exhaustive"  every (a0, a1, b0, b1) with c = +0, K = 2 only, where 4 input codes have at most
//                 16 bits (4-bit formats); InputError elsewhere or where the op takes no K = 2;
//   "boundary"    the structured cases above, derived from the formats and the claimed row's F and L;
//   "random:N"    N seeded random dots per K (clustered exponents, some non-finite operands).
inline constexpr uint64_t kMaxDotRandom = uint64_t{1} << 20;
struct DotCaseSet {
  std::string kind = "boundary";  // exhaustive, boundary or random
  uint64_t random = 0;            // random: dots per K
  static DotCaseSet parse(const std::string& label);  // InputError for anything else
  std::string label() const;
};

// The cases of a check, deterministic in (claim, ks, set, seed), grouped by K in ks order.
std::vector<DotCase> dot_cases(const DotClaim& claim, std::span<const size_t> ks, const DotCaseSet& set, uint64_t seed);
// The case labels a built-in suite checks an op with: "exhaustive" where it applies, "boundary"
// and "random:1024".
std::vector<std::string> dot_suite_case_kinds(const DotClaim& claim, std::span<const size_t> ks);

// The claimed row and the formats of a claim (InputError for an unknown model or format, and for
// scales that do not fit the row: a block-scaled row needs one of its block_scales rules, any
// other row none).
struct DotSetup {
  const DotModel* model = nullptr;
  const Format* in = nullptr;
  const Format* out = nullptr;
  const Format* scale = nullptr;  // the claim's scale format, or null
  int block = 0;                  // elements per scale (0: no scales)
  DotScales scales(std::span<const uint64_t> a_scales, std::span<const uint64_t> b_scales) const {
    return {scale, block, a_scales, b_scales};
  }
};
DotSetup dot_setup(const DotClaim& claim);

// A differing dot, as a report keeps it.
struct DotMismatch {
  uint64_t index = 0;  // in the check's cases
  std::string kind;
  std::vector<uint64_t> a, b;
  uint64_t c = 0, expected = 0, actual = 0;
  std::vector<uint64_t> a_scales = {}, b_scales = {};  // block-scaled claims
};

// Consecutive cases of one kind and K.
struct DotKindRange {
  std::string kind;
  uint64_t K = 0, first = 0, count = 0;
};

// A dot check in a report: one dot op (or dot cases directory) against its claimed model over
// cases [range_begin, range_end). id(): subject/op/label.
struct DotCheckRecord : CheckCommon {
  std::string op_name;
  DotClaim claim;
  std::string parameters;           // describe_parameters of the claimed row
  std::vector<size_t> ks;
  uint64_t case_count = 0;          // of the whole check (every shard)
  std::vector<DotKindRange> kinds;  // of all case_count cases
  uint64_t checked = 0, failed = 0; // cases of [range_begin, range_end) the subject answered / that differ
  std::vector<DotMismatch> examples;     // the first differing cases, in case order (at most max_examples)
  std::vector<std::string> diagnosis;    // every model reproducing all checked cases; empty when none does or none differs
  bool diagnosed = false;                // the diagnosis ran (the check differs)
  std::string error;                     // the subject threw or answered malformed

  std::string id() const { return subject + "/" + op_name + "/" + case_label; }
};

// A record for the shard's range of `cases` before it runs (status "interrupted").
DotCheckRecord dot_check_record(const std::string& subject, const DotOp& op, const std::string& label, uint64_t seed,
                                const std::vector<DotCase>& cases, int shard_index, int shard_count);

// Answers for cases [first, first + batch.count) (all of one K): writes batch.d[i] for each
// (the batch carries the scales of a block-scaled claim).
using DotAnswers = std::function<void(uint64_t first, const DotBatch& batch)>;
// Runs the record's range through `answers` in batches of one K, compares each result bit for bit
// with the claimed model (a NaN matches any NaN; a code with bits above the output's width never
// matches), keeps the first max_examples mismatches, diagnoses a differing check with
// diagnose_dot over every checked case, and sets status. A throwing answer becomes `error`.
void run_dot_check(DotCheckRecord& rec, const std::vector<DotCase>& cases, const DotAnswers& answers, size_t max_examples);
// An op's answers (batches straight into op.run).
DotAnswers op_answers(const DotOp& op, const std::vector<DotCase>& cases);

// Sets status from the findings (skipped and interrupted records stay as they are).
void finalize(DotCheckRecord& r);
// The diagnosis as text: "matches no model" or "behaves exactly as: h100 with F=20 (...); ..."
// ("" when it did not run).
std::string dot_diagnosis_text(const DotCheckRecord& r);
// The claim as text: "b200-mxf4nvf4 (L=64, F=35, ...) with float8_e4m3fn scales per 16".
std::string dot_claim_text(const DotCheckRecord& r);
// "PASS  subject/op/label  N dots (K=2,16,64), M differ; claimed sequential_fp32 (fma chain (rne)); behaves exactly as: ..."
std::string dot_status_line(const DotCheckRecord& r);

// The report's dot_checks entries: common_to_json plus claim, counts, mismatches, diagnosis.
nlohmann::json dot_check_to_json(const DotCheckRecord& r);
DotCheckRecord dot_check_from_json(const nlohmann::json& j);  // nlohmann exceptions / InputError when malformed
// Joins the shards of one dot check (same id, ranges that tile the cases) into one record: counts
// add, examples are the first max_examples in case order, the diagnosis is the candidates every
// differing shard names (each shard diagnoses its own cases; run unsharded for one diagnosis over
// all). InputError for ranges that do not tile.
DotCheckRecord merge_dot_check(const std::vector<const DotCheckRecord*>& shards, size_t max_examples);

}  // namespace fpc
