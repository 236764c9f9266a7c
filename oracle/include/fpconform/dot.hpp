// Exact dot products and the published models of tensor-core (MMA) accumulation.
//
// dot(model, a, b, c) computes D = sum_k a_k * b_k + c the way one row of the model table
// (oracle/src/dot_models.cpp) says: every product is exact, and the only roundings are the
// ones the row names. The arithmetic is exact integer arithmetic on aligned significands
// (int64 within one fused step, BigInt for the exact and IEEE-chain models); no hardware
// floating point touches a result. docs/mma.md explains each row and where it comes from.
//
// A fused step (the tensor-core rows) fuses up to L products and an addend, as measured by
// Khattak & Mikaitis and by MMA-Sim (arXiv 2511.10909):
//   1. each product a*b is exact; its alignment exponent is e_a + e_b, where e_x is the
//      exponent of x's binade (the format's emin for subnormals), so a product's significand
//      lies in [0, 4); a zero product, and a zero addend, get the row's e_zero;
//   2. E = the largest alignment exponent of the step's terms (products and addend);
//   3. every term is truncated toward zero to a multiple of 2^(E - F);
//   4. the truncated terms are summed exactly;
//   5. the sum is rounded once into the step format (step_rounding); overflow gives +-inf.
// K > L chains steps: each step's result is the next step's addend.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/round.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fpc {

enum class DotKind {
  Exact,       // sum of all products and c, rounded once (every IEEE mode)
  Sequential,  // d = fma(a_k, b_k, d) for k = 0..K-1 in the output format, d starting at c
  Pairwise,    // products rounded to the output format, then a balanced tree of IEEE adds; c last
  Fused,       // the tensor-core step described above
};

// How FP32 operands become TF32 before a TF32 MMA (applies where the row's inputs are tf32 and
// the caller passes float32 codes).
enum class Tf32Input {
  None,         // the row does not take TF32
  Truncate,     // low 13 mantissa bits ignored (PTX wgmma/tcgen05 and mma.sync read registers so)
  NearestAway,  // cvt.rna.tf32.f32, as cuBLAS and PyTorch do before a TF32 GEMM
};

// Where the addend C enters a fused step.
enum class AddendRule {
  InStep,        // C is one more term of the step (truncated like the products)
  AfterRne,      // the products are fused first; C is added to that result with one RNE
};

// A block-scale rule of a row: scales of `format` (float8_e8m0fnu; float8_e4m3fn read with its sign
// bit ignored, i.e. UE4M3), one per `block` consecutive elements of a and of b.
struct BlockScaleRule {
  std::string format;
  int block = 0;
};

// One row of the model table: (architecture, instruction family, input types, output type).
struct DotModel {
  std::string name;         // lower case, by GPU: "v100", "a100", "h100-wgmma-fp8", ...
  std::string gpu;          // "NVIDIA A100" (or "-" for the IEEE reference models)
  std::string instruction;  // "mma.sync m16n8k16 (sm_80)", "wgmma (sm_90a)", ...
  DotKind kind = DotKind::Fused;
  std::vector<std::string> inputs;  // accepted formats of A and B (canonical names)
  std::string output;               // format of C and D
  int L = 0;                        // products fused per step (0: all of K)
  int F = 0;                        // fraction bits kept below the step's largest exponent
  int e_zero = -126;                // alignment exponent of a zero product or zero addend
  std::string step_format;          // what each step rounds into ("float32", "e8m13", ...)
  Rounding step_rounding = Rounding::TowardZero;
  Tf32Input tf32 = Tf32Input::None;
  AddendRule addend = AddendRule::InStep;
  int groups = 1;       // >1: a step's products are split into this many interleaved groups,
  int group_width = 1;  //     product k going to group (k / group_width) mod groups; group g is
                        //     fused with group g-1's rounded result as one more term
  // Block-scaled rows (B200 kind::mxf8f6f4, kind::mxf4nvf4): the scale formats and block sizes
  // the row takes; empty for a row without scales. A scale multiplies every product of its block
  // (its exponent is added to the product's alignment exponent, MMA-Sim).
  std::vector<BlockScaleRule> block_scales;
  // >0: a step's products are first summed exactly in consecutive groups of this many (NVFP4/MXFP4
  // on B200, MMA-Sim `nv_fused_dot_add_with_block_scale`); a group is then one term whose value
  // is its exact sum times its scales and whose alignment exponent is its scales' exponents.
  int exact_group = 0;
  bool measured = false;    // reproduced against measured GPU outputs (docs/mma.md has counts)
  std::string source;       // where the parameters come from
};

// Every row, in a fixed order.
std::span<const DotModel> dot_models();
// The row of `name` taking `in` and producing `out` (canonical format names or aliases).
// Throws InputError naming the choices when there is none.
const DotModel& dot_model(std::string_view name, std::string_view in, std::string_view out);
// The distinct model names, in table order.
std::vector<std::string> dot_model_names();
// A copy of the row with L and/or F replaced (diagnosis and tests of wrong parameters).
DotModel with_parameters(const DotModel& m, std::optional<int> L, std::optional<int> F);

// GEMM-level options around the per-step model.
struct GemmOptions {
  // FP8 promotion (DeepSeek-V3, CUTLASS mma_promotion_interval): every N products the
  // tensor-core partial sum (started from zero) is added to an FP32 accumulator on the CUDA
  // cores with one IEEE RNE add. 0: no promotion (the tensor core accumulates into C itself).
  int promotion_interval = 0;
  // Split-K: K is cut into this many equal consecutive slices, each computed from a zero
  // addend; the slice results are then added to C in slice order with IEEE RNE adds in the
  // output format. 1: no split.
  int split_k = 1;
};

// One explained step, for --explain.
struct DotTrace {
  std::vector<std::string> lines;
};

struct DotResult {
  uint64_t code = 0;  // D in the row's output format (decode() gives its exact value)
};

// The scales of one block-scaled dot: a_scales[k / block] scales a_k, b_scales[k / block] b_k.
// format and block must be one of the row's block_scales.
struct DotScales {
  const Format* format = nullptr;
  int block = 0;
  std::span<const uint64_t> a, b;
};

// A model resolved once for many dots of one input format: formats, rounding engines, the
// operand decode tables (code -> sign, class, integer significand, exponent, alignment exponent)
// and the GEMM options are looked up at construction; run() then allocates nothing (per thread,
// after its first dot) and is what dot() and dot_batch() call. Thread-safe for concurrent run().
// The plan refers to `model`: keep the row alive while the plan is used.
class DotPlan {
 public:
  // Throws InputError as dot() does for a model/format mismatch or bad GEMM options.
  DotPlan(const DotModel& model, const Format& in_format, const GemmOptions& gemm = {});
  ~DotPlan();
  DotPlan(DotPlan&&) noexcept;
  DotPlan& operator=(DotPlan&&) noexcept;

  // D = a . b + c (see dot()); scales must be given exactly for a block-scaled row.
  uint64_t run(std::span<const uint64_t> a, std::span<const uint64_t> b, uint64_t c, DotTrace* trace = nullptr,
               const DotScales* scales = nullptr) const;
  const DotModel& model() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// n dots of length K: a and b hold n rows of K codes each (row i at [i*K, (i+1)*K)), c and d one
// code per row. One plan for the whole batch; what dot() does row by row, bit for bit.
void dot_batch(const DotModel& model, const Format& in_format, size_t K, std::span<const uint64_t> a,
               std::span<const uint64_t> b, std::span<const uint64_t> c, std::span<uint64_t> d,
               const GemmOptions& gemm = {});

// D = a . b + c under the model. a and b hold codes of in_format (one of the row's inputs, or
// float32 for a TF32 row, converted by its Tf32Input rule); c is a code of the row's output
// format. Throws InputError on mismatched lengths, unknown formats or K not a multiple where
// the row needs it. trace, when given, receives one line per step.
DotResult dot(const DotModel& model, const Format& in_format, std::span<const uint64_t> a,
              std::span<const uint64_t> b, uint64_t c, const GemmOptions& gemm = {}, DotTrace* trace = nullptr);
// The same for a block-scaled row, with its scales.
DotResult dot(const DotModel& model, const Format& in_format, std::span<const uint64_t> a,
              std::span<const uint64_t> b, uint64_t c, const DotScales& scales, const GemmOptions& gemm = {},
              DotTrace* trace = nullptr);

// The exact value of a . b + c (no rounding at all), with NaN/inf resolved as IEEE would.
ExactValue exact_dot_value(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                           const Format& c_format, uint64_t c);

// The exact dot rounded once into `out` with `mode` (what the `exact` rows compute).
RoundResult exact_dot(const Format& in_format, std::span<const uint64_t> a, std::span<const uint64_t> b,
                      const Format& c_format, uint64_t c, const Format& out, Rounding mode);

// One-line description of a row's parameters: "L=32, F=13, step rtz into e8m13".
std::string describe_parameters(const DotModel& m);

}  // namespace fpc

namespace fpc {

// One recorded dot product: operands, addend and the output a GPU or library produced.
struct DotRecord {
  std::vector<uint64_t> a, b;
  uint64_t c = 0, d = 0;  // codes of the output format
  std::vector<uint64_t> a_scales = {}, b_scales = {};  // block-scaled records: one code per block
};

// A model (a table row, possibly with other L/F, a promotion interval, C added last or another
// scale rule) that reproduces every record, with the text of the diagnosis:
// "h100-wgmma-fp8 (L=32, F=13, ...)", "as sequential_fp32 with C added last (...)".
struct DotCandidate {
  DotModel model;
  GemmOptions gemm;
  std::string label;
  std::optional<BlockScaleRule> scales = {};  // the rule the records' scale codes are read with
};

// GemmOptions::promotion_interval meaning "C added last": every product of the dot summed from
// zero first, then C added with one RNE add in the output format (a GEMM applying beta in its
// epilogue, as cuBLASLt does); at least every K a dot takes.
inline constexpr int kAddendLastInterval = 1 << 16;

// Every row taking in/out that reproduces all records bit for bit (NaN results compare as NaN).
// Records with scales (`scales`: the rule their codes were written for) are tried on the
// block-scaled rows, with every rule of the row of the same block size; records without on the
// other rows. When no row does, each row's neighbours are tried (one table, dot_diagnose.cpp):
// each F from 8 to 40 and each power-of-two L up to 64 (fused rows), promotion every 32/64/128
// products and C added last (every row); those that reproduce every record are returned,
// labelled "as ROW with F=.." and so on.
std::vector<DotCandidate> diagnose_dot(const Format& in, const Format& out, std::span<const DotRecord> records,
                                       const std::optional<BlockScaleRule>& scales = std::nullopt);

}  // namespace fpc
