// Diagnosis of recorded dot products: which rows of the model table (or which neighbours of a
// row) reproduce every record.
#include "fpconform/dot.hpp"

#include <algorithm>

namespace fpc {

namespace {

bool same_result(const Format& out, uint64_t got, uint64_t want) {
  if (got == want) return true;
  return decode(out, got).cls == CodeClass::NaN && decode(out, want).cls == CodeClass::NaN;
}

bool reproduces(const DotModel& m, const GemmOptions& g, const std::optional<BlockScaleRule>& rule, const Format& in,
                const Format& out, std::span<const DotRecord> records) {
  try {
    const DotPlan plan(m, in, g);  // one plan for every record
    const Format* scale_format = rule ? &format_by_name(rule->format) : nullptr;
    for (const DotRecord& r : records) {
      const DotScales scales{scale_format, rule ? rule->block : 0, r.a_scales, r.b_scales};
      if (!same_result(out, plan.run(r.a, r.b, r.c, nullptr, rule ? &scales : nullptr), r.d)) return false;
    }
  } catch (const InputError&) {
    return false;  // e.g. K not a multiple of split-K: this candidate does not apply
  }
  return true;
}

bool takes_formats(const DotModel& m, const Format& in, const Format& out) {
  if (m.output != out.name) return false;
  for (const auto& f : m.inputs)
    if (f == in.name) return true;
  return in.name == "float32" && m.tf32 != Tf32Input::None;
}

// The scale rules under which a row reads the records: none for a row without scales (records
// without scales only); for a block-scaled row, each of its rules of the records' block size
// (the same codes read in that rule's format), the records' own rule first.
std::vector<std::optional<BlockScaleRule>> readings(const DotModel& m, const std::optional<BlockScaleRule>& records) {
  if (m.block_scales.empty()) return records ? std::vector<std::optional<BlockScaleRule>>{} : std::vector{std::optional<BlockScaleRule>{}};
  std::vector<std::optional<BlockScaleRule>> rules;
  if (!records) return rules;
  for (const BlockScaleRule& r : m.block_scales)
    if (r.block == records->block && r.format == records->format) rules.insert(rules.begin(), r);
    else if (r.block == records->block) rules.push_back(r);
  return rules;
}

// The neighbours of a row, as data: what changes and which rows it applies to.
enum class Change { F, L, Promotion, AddendLast };
struct Neighbour {
  Change change;
  int value;
};
std::vector<Neighbour> neighbour_table() {
  std::vector<Neighbour> t;
  for (int F = 8; F <= 40; ++F) t.push_back({Change::F, F});
  for (int L = 1; L <= 64; L *= 2) t.push_back({Change::L, L});
  for (int p : {32, 64, 128}) t.push_back({Change::Promotion, p});
  t.push_back({Change::AddendLast, kAddendLastInterval});
  return t;
}

// The candidate a neighbour makes of row m, or nothing where it does not apply (F and L: fused
// rows only; the row's own parameters are the row itself; a promotion interval of at least every
// record's K is C added last, named so).
std::optional<DotCandidate> neighbour(const DotModel& m, const Neighbour& n, size_t max_K) {
  DotCandidate c{m, {}, ""};
  switch (n.change) {
    case Change::F:
    case Change::L: {
      if (m.kind != DotKind::Fused || (n.change == Change::F ? m.F : m.L) == n.value) return std::nullopt;
      const bool f = n.change == Change::F;
      c.model = with_parameters(m, f ? std::nullopt : std::optional(n.value), f ? std::optional(n.value) : std::nullopt);
      c.label = "as " + m.name + " with " + (f ? "F=" : "L=") + std::to_string(n.value) + " (" + describe_parameters(c.model) + ")";
      return c;
    }
    case Change::Promotion:
      if (static_cast<size_t>(n.value) >= max_K) return std::nullopt;
      c.gemm.promotion_interval = n.value;
      c.label = "as " + m.name + " with promotion every " + std::to_string(n.value);
      return c;
    case Change::AddendLast:
      c.gemm.promotion_interval = n.value;
      c.label = "as " + m.name + " with C added last (" + describe_parameters(m) + ", then + C rne)";
      return c;
  }
  return std::nullopt;
}

std::string with_reading(const std::string& label, const std::optional<BlockScaleRule>& rule,
                         const std::optional<BlockScaleRule>& records) {
  if (!rule || (rule->format == records->format && rule->block == records->block)) return label;
  return label + ", scales read as " + rule->format + "/" + std::to_string(rule->block);
}

}  // namespace

std::vector<DotCandidate> diagnose_dot(const Format& in, const Format& out, std::span<const DotRecord> records,
                                       const std::optional<BlockScaleRule>& scales) {
  std::vector<DotCandidate> found;
  for (const DotModel& m : dot_models()) {
    if (!takes_formats(m, in, out)) continue;
    for (const auto& rule : readings(m, scales))
      if (reproduces(m, {}, rule, in, out, records))
        found.push_back({m, {}, with_reading(m.name + " (" + describe_parameters(m) + ")", rule, scales), rule});
  }
  if (!found.empty()) return found;
  const std::vector<Neighbour> table = neighbour_table();
  size_t max_K = 0;
  for (const DotRecord& r : records) max_K = std::max(max_K, r.a.size());
  for (const DotModel& m : dot_models()) {
    if (!takes_formats(m, in, out)) continue;
    for (const auto& rule : readings(m, scales))
      for (const Neighbour& n : table)
        if (auto c = neighbour(m, n, max_K); c && reproduces(c->model, c->gemm, rule, in, out, records)) {
          c->label = with_reading(c->label, rule, scales);
          c->scales = rule;
          found.push_back(std::move(*c));
        }
  }
  return found;
}

}  // namespace fpc
