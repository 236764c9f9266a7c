// Diagnosis of recorded dot products: which rows of the model table (or which neighbours of a
// row) reproduce every record.
#include "fpconform/dot.hpp"

namespace fpc {

namespace {

bool same_result(const Format& out, uint64_t got, uint64_t want) {
  if (got == want) return true;
  return decode(out, got).cls == CodeClass::NaN && decode(out, want).cls == CodeClass::NaN;
}

bool reproduces(const DotModel& m, const GemmOptions& g, const Format& in, const Format& out,
                std::span<const DotRecord> records) {
  try {
    const DotPlan plan(m, in, g);  // one plan for every record
    for (const DotRecord& r : records)
      if (!same_result(out, plan.run(r.a, r.b, r.c), r.d)) return false;
  } catch (const InputError&) {
    return false;  // e.g. K not a multiple of split-K: this candidate does not apply
  }
  return true;
}

bool takes(const DotModel& m, const Format& in, const Format& out) {
  if (m.output != out.name || !m.block_scales.empty()) return false;  // records carry no scales
  for (const auto& f : m.inputs)
    if (f == in.name) return true;
  return in.name == "float32" && m.tf32 != Tf32Input::None;
}

}  // namespace

std::vector<DotCandidate> diagnose_dot(const Format& in, const Format& out, std::span<const DotRecord> records) {
  std::vector<DotCandidate> found;
  for (const DotModel& m : dot_models())
    if (takes(m, in, out) && reproduces(m, {}, in, out, records))
      found.push_back({m, {}, m.name + " (" + describe_parameters(m) + ")"});
  if (!found.empty()) return found;
  for (const DotModel& m : dot_models()) {
    if (m.kind != DotKind::Fused || !takes(m, in, out)) continue;
    for (int F = 8; F <= 40; ++F) {
      if (F == m.F) continue;
      DotModel v = with_parameters(m, std::nullopt, F);
      if (reproduces(v, {}, in, out, records))
        found.push_back({v, {}, "as " + m.name + " with F=" + std::to_string(F) + " (" + describe_parameters(v) + ")"});
    }
    for (int L = 1; L <= 64; L *= 2) {
      if (L == m.L) continue;
      DotModel v = with_parameters(m, L, std::nullopt);
      if (reproduces(v, {}, in, out, records))
        found.push_back({v, {}, "as " + m.name + " with L=" + std::to_string(L) + " (" + describe_parameters(v) + ")"});
    }
    for (int p : {32, 64, 128}) {
      GemmOptions g;
      g.promotion_interval = p;
      if (reproduces(m, g, in, out, records))
        found.push_back({m, g, "as " + m.name + " with promotion every " + std::to_string(p)});
    }
  }
  return found;
}

}  // namespace fpc
