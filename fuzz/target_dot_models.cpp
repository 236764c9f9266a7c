// Fuzz target "dot_models": every row of the dot-product model table (oracle/src/dot_models.cpp)
// must never crash on any input, and must agree bit for bit with the slow reference
// (oracle/testing/dot_reference.cpp: exact rationals, nothing shared with oracle/src/dot.cpp but
// the row and the format table).
//
// Input: a byte picks the row, a byte its input format (float32 too for a TF32 row), a byte of
// knobs (other F and L as diagnosis tries them, FP8 promotion, split-K, an explained run), a
// byte K (0..79), then the K codes of a and of b and the code of C in shaped_code's shapes (raw,
// special codes incl. NaN/inf/subnormals, rounding patterns), then for a block-scaled row a byte
// picking its scale rule and one byte per scale. dot() may reject a combination (InputError: a
// split-K that does not divide K, an L the row's scale blocks forbid): that is no finding.
#include "dot_reference.hpp"
#include "fuzz_input.hpp"

#include "fpconform/dot.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fpc::fuzz {
namespace {

std::vector<const Format*> inputs_of(const DotModel& m) {
  std::vector<const Format*> r;
  for (const auto& f : m.inputs) r.push_back(&format_by_name(f));
  if (m.tf32 != Tf32Input::None) r.push_back(&format_by_name("float32"));
  return r;
}

std::string show(const std::vector<uint64_t>& v) {
  std::string s;
  char buf[24];
  for (uint64_t x : v) {
    std::snprintf(buf, sizeof buf, "%llx ", static_cast<unsigned long long>(x));
    s += buf;
  }
  return s;
}

}  // namespace
}  // namespace fpc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  fuzz::ByteReader r(data, size);
  const auto rows = dot_models();
  DotModel m = rows[r.u8() % rows.size()];
  const std::vector<const Format*> ins = fuzz::inputs_of(m);
  const Format& in = *ins[r.u8() % ins.size()];
  const Format& out = format_by_name(m.output);
  const uint8_t knobs = r.u8();
  GemmOptions g;
  if (m.kind == DotKind::Fused && (knobs & 1)) {
    const uint8_t p = r.u8();
    m = with_parameters(m, 1 << (p % 7), (p >> 3) % 42);
  }
  if (knobs & 2) g.promotion_interval = 8 << ((knobs >> 2) & 3);
  if (knobs & 16) g.split_k = 1 << (1 + ((knobs >> 5) & 1));
  const bool explain = (knobs & 64) != 0;
  const size_t K = r.u8() % 80;
  std::vector<uint64_t> a(K), b(K), sa, sb;
  for (size_t k = 0; k < K; ++k) {
    a[k] = fuzz::shaped_code(r, in, out);
    b[k] = fuzz::shaped_code(r, in, out);
  }
  const uint64_t c = fuzz::shaped_code(r, out, out);
  DotScales scales;
  if (!m.block_scales.empty()) {
    const BlockScaleRule& rule = m.block_scales[r.u8() % m.block_scales.size()];
    scales.format = &format_by_name(rule.format);
    scales.block = rule.block;
    const size_t n = (K + static_cast<size_t>(rule.block) - 1) / static_cast<size_t>(rule.block);
    for (size_t i = 0; i < n; ++i) {
      sa.push_back(r.u8());
      sb.push_back(r.u8());
    }
    scales.a = sa;
    scales.b = sb;
  }
  const DotScales* sp = scales.format ? &scales : nullptr;
  uint64_t got;
  try {
    DotTrace trace;
    got = sp ? dot(m, in, a, b, c, *sp, g, explain ? &trace : nullptr).code
             : dot(m, in, a, b, c, g, explain ? &trace : nullptr).code;
  } catch (const InputError&) {
    return 0;
  }
  const uint64_t want = testing::reference_dot(m, in, a, b, c, g, sp);
  if (got != want) {
    std::fprintf(stderr,
                 "dot_models: %s %s -> %s (%s), promotion %d, split-K %d: dot() gives 0x%llx, the reference 0x%llx\n"
                 "  a: %s\n  b: %s\n  c: 0x%llx\n  scales a: %s\n  scales b: %s\n",
                 m.name.c_str(), in.name.c_str(), out.name.c_str(), describe_parameters(m).c_str(), g.promotion_interval,
                 g.split_k, static_cast<unsigned long long>(got), static_cast<unsigned long long>(want),
                 fuzz::show(a).c_str(), fuzz::show(b).c_str(), static_cast<unsigned long long>(c), fuzz::show(sa).c_str(),
                 fuzz::show(sb).c_str());
    std::abort();
  }
  return 0;
}
