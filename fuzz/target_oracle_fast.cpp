// Fuzz target "oracle_fast": the trust chain (docs/design.md). Each fast reference must give exactly
// the exact oracle's code (NaN codes included) on every case; exhaustive tests prove that for
// domains of at most 2^16 cases, this target searches the float32 and float64 domains they
// cannot cover.
//
// The input decodes into semantics — an operation, an input format (float32 or float64), an
// output float format from the format table (or a user spec), a deterministic rounding and a
// policy — then up to 64 cases of operands (shaped_code), run through the fast reference as one
// batch (so that the vector lanes see full blocks and tails). One policy bit makes the output
// the input format, the only shape the float32/float64 hardware lane ("ieee-lane+exact-int")
// takes. Semantics without a fast path are skipped.
#include "fpconform/fast_reference.hpp"
#include "fuzz_input.hpp"

#include <map>
#include <sstream>
#include <string>

namespace fpc::fuzz {
namespace {

constexpr const char* kOps[] = {"convert", "add", "sub", "mul", "div", "fma", "sqrt"};
constexpr Rounding kRoundings[] = {Rounding::NearestEven,    Rounding::NearestAway,    Rounding::TowardZero,
                                   Rounding::TowardPositive, Rounding::TowardNegative, Rounding::ToOdd};
constexpr size_t kMaxCachedReferences = 64;
constexpr size_t kMaxCasesPerInput = 64;  // tables are built per semantics: bound the memory

OpSemantics decode_semantics(ByteReader& r) {
  OpSemantics s;
  s.op = kOps[r.u8() % std::size(kOps)];
  s.in = &format_by_name(r.u8() & 1 ? "float64" : "float32");
  const std::vector<const Format*>& formats = fuzz_formats();
  s.out = formats[r.u8() % formats.size()];
  s.rounding = kRoundings[r.u8() % std::size(kRoundings)];
  const uint8_t p = r.u8();
  s.policy.saturate = p & 1;
  s.policy.ftz = (p >> 1) & 1;
  s.policy.daz = (p >> 2) & 1;
  s.policy.inf_under_saturation = (p >> 3) & 1 ? InfUnderSaturation::NaN : InfUnderSaturation::Max;
  s.policy.nan_into_no_nan = static_cast<NanIntoNoNan>((p >> 4) & 3);
  if ((p >> 6) & 1) s.out = s.in;
  return s;
}

std::string key(const OpSemantics& s) {
  std::ostringstream k;
  k << s.describe() << '|' << s.policy.saturate << s.policy.ftz << s.policy.daz
    << static_cast<int>(s.policy.inf_under_saturation) << static_cast<int>(s.policy.nan_into_no_nan);
  return k.str();
}

// fast_reference(s), kept while the cache is small so that its table is built once.
const std::optional<BatchFn>& cached_fast_reference(const OpSemantics& s) {
  static std::map<std::string, std::optional<BatchFn>> cache;
  const std::string k = key(s);
  auto it = cache.find(k);
  if (it != cache.end()) return it->second;
  if (cache.size() >= kMaxCachedReferences) cache.clear();
  return cache.emplace(k, fast_reference(s)).first->second;
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

void report(const OpSemantics& s, const uint64_t* operands, uint64_t got, uint64_t expected) {
  std::string text = "oracle_fast: fast reference \"" + fast_reference_name(s) + "\" differs from the exact oracle\n" +
                     "  " + s.describe() + " (policy: saturate " + std::to_string(s.policy.saturate) + ", ftz " +
                     std::to_string(s.policy.ftz) + ", daz " + std::to_string(s.policy.daz) + ", inf_under_saturation " +
                     std::to_string(static_cast<int>(s.policy.inf_under_saturation)) + ", nan_into_no_nan " +
                     std::to_string(static_cast<int>(s.policy.nan_into_no_nan)) + ")\n  operands";
  for (int k = 0; k < s.arity(); ++k) text += " " + hex(operands[k]);
  text += " => fast " + hex(got) + "  expected (exact oracle) " + hex(expected);
  finding(text);
}

// Up to kMaxCasesPerInput cases, one batch through the fast reference, each against the oracle.
void check_cases(const OpSemantics& s, const BatchFn& fast, ByteReader& r) {
  uint64_t operands[3][kMaxCasesPerInput] = {};
  uint64_t got[kMaxCasesPerInput] = {};
  size_t n = 0;
  while (n < kMaxCasesPerInput && (n == 0 || r.left() > 0)) {
    for (int k = 0; k < s.arity(); ++k) operands[k][n] = shaped_code(r, *s.in, *s.out);
    ++n;
  }
  const uint64_t* in[3] = {operands[0], operands[1], operands[2]};
  fast(in, got, n);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t one[3] = {operands[0][i], operands[1][i], operands[2][i]};
    const RoundResult exact = oracle_case(s, one);
    if (got[i] != exact.code) report(s, one, got[i], exact.code);
  }
}

}  // namespace
}  // namespace fpc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  using namespace fpc::fuzz;
  ByteReader r(data, size);
  const OpSemantics s = decode_semantics(r);
  if (s.out->kind != FormatKind::Float) return 0;
  const std::optional<BatchFn>& fast = cached_fast_reference(s);
  if (!fast) return 0;
  check_cases(s, *fast, r);
  return 0;
}
