#include "cli/dot_command.hpp"

#include "cli/args.hpp"
#include "check/dot/dot_check.hpp"
#include "cli/describe.hpp"
#include "fpconform/dot.hpp"

#include <nlohmann/json.hpp>

#include <istream>
#include <ostream>
#include <sstream>

namespace fpc::cli {

namespace {

std::string_view kind_name(DotKind k) {
  switch (k) {
    case DotKind::Exact: return "exact";
    case DotKind::Sequential: return "sequential";
    case DotKind::Pairwise: return "pairwise";
    case DotKind::Fused: return "fused";
  }
  return "?";
}

std::string_view tf32_name(Tf32Input t) {
  switch (t) {
    case Tf32Input::None: return "";
    case Tf32Input::Truncate: return "truncate";
    case Tf32Input::NearestAway: return "rna";
  }
  return "?";
}

int list_models(bool json, std::ostream& out) {
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const DotModel& m : dot_models()) {
      nlohmann::json r = {{"name", m.name},     {"gpu", m.gpu},       {"instruction", m.instruction},
                          {"kind", kind_name(m.kind)}, {"inputs", m.inputs}, {"output", m.output},
                          {"measured", m.measured}, {"source", m.source}, {"parameters", describe_parameters(m)}};
      if (m.kind == DotKind::Fused) {
        r["L"] = m.L;
        r["F"] = m.F;
        r["e_zero"] = m.e_zero;
        r["step_format"] = m.step_format;
        r["step_rounding"] = short_name(m.step_rounding);
        r["groups"] = m.groups;
        r["group_width"] = m.group_width;
        r["addend"] = m.addend == AddendRule::InStep ? "in_step" : "after_rne";
        if (m.tf32 != Tf32Input::None) r["tf32_input"] = tf32_name(m.tf32);
        if (m.exact_group > 0) r["exact_group"] = m.exact_group;
        for (const BlockScaleRule& b : m.block_scales)
          r["block_scales"].push_back({{"format", b.format}, {"block", b.block}});
      }
      rows.push_back(r);
    }
    out << nlohmann::json{{"dot_models", rows}}.dump(2) << "\n";
    return 0;
  }
  out << "model             inputs                      output    parameters\n";
  for (const DotModel& m : dot_models()) {
    std::string ins;
    for (const auto& f : m.inputs) ins += (ins.empty() ? "" : ",") + f;
    if (m.kind != DotKind::Fused) ins = "any";
    std::string line = m.name;
    line.resize(18, ' ');
    std::string col = ins + ' ';
    if (col.size() < 28) col.resize(28, ' ');  // a long input list pushes the columns right
    std::string o = m.output;
    o.resize(10, ' ');
    out << line << col << o << describe_parameters(m);
    if (m.tf32 != Tf32Input::None) out << ", tf32 inputs: " << tf32_name(m.tf32);
    if (m.kind == DotKind::Fused) out << (m.measured ? "  [measured]" : "  [published, not measured here]");
    out << "\n";
  }
  return 0;
}

// Hex codes, 0x optional ("0b" is the hex byte 0x0b here, not a binary prefix).
uint64_t hex_code(const Format& f, const std::string& text) {
  const bool prefixed = text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0;
  return parse_code(f, prefixed ? text : "0x" + text);
}

std::vector<uint64_t> parse_codes(const Format& f, const std::string& text, const char* what) {
  std::vector<uint64_t> codes;
  std::string item;
  std::istringstream s(text);
  while (std::getline(s, item, ',')) {
    if (item.empty()) throw InputError(std::string("empty code in ") + what);
    codes.push_back(hex_code(f, item));
  }
  if (codes.empty()) throw InputError(std::string("no codes in ") + what);
  return codes;
}

struct DotSetup {
  DotModel model;
  const Format* in = nullptr;
  const Format* out = nullptr;
  const Format* c_format = nullptr;
  GemmOptions gemm;
  std::optional<BlockScaleRule> rule;  // block-scaled rows: --scale-format/--scale-block
  const Format* scale = nullptr;
  DotScales scales(const DotRecord& r) const { return {scale, rule ? rule->block : 0, r.a_scales, r.b_scales}; }
};

// The scale codes of a dot of K elements: exactly K / block of them (K a multiple of the block).
void check_scale_counts(const DotSetup& s, size_t K, size_t a_count, size_t b_count) {
  const size_t block = static_cast<size_t>(s.rule->block);
  if (K % block != 0)
    throw InputError("K = " + std::to_string(K) + " is not a multiple of the scale block " + std::to_string(block));
  if (a_count != K / block || b_count != K / block)
    throw InputError("K = " + std::to_string(K) + " takes " + std::to_string(K / block) + " scales of a and of b (one per " +
                     std::to_string(block) + "), got " + std::to_string(a_count) + " and " + std::to_string(b_count));
}

// A scale code's value: UE4M3 scales are E4M3 codes read without their sign bit.
ExactValue scale_value(const Format& f, uint64_t code) {
  return decode(f, f.name == "float8_e4m3fn" ? code & 0x7f : code).value;
}

// The exact value of sum_k a_k * b_k * sa_k * sb_k + c, NaN/inf resolved as IEEE arithmetic
// would (for the comparison line of a block-scaled dot; exact_dot_value has no scales).
ExactValue exact_scaled_value(const DotSetup& s, const DotRecord& r) {
  struct Dyadic {
    BigInt mag;  // signed
    int64_t exp;
  };
  auto dyadic = [](const ExactValue& v) {  // a finite value's num / den, den a power of two
    const int64_t e = msb(v.den);
    return Dyadic{v.negative ? -BigInt(v.num) : BigInt(v.num), -e};
  };
  std::vector<Dyadic> terms;
  bool nan = false, pos_inf = false, neg_inf = false;
  const size_t block = static_cast<size_t>(s.rule->block);
  for (size_t k = 0; k < r.a.size(); ++k) {
    const ExactValue f[4] = {decode(*s.in, r.a[k]).value, decode(*s.in, r.b[k]).value, scale_value(*s.scale, r.a_scales[k / block]),
                             scale_value(*s.scale, r.b_scales[k / block])};
    bool any_nan = false, any_inf = false, any_zero = false, neg = false;
    for (const ExactValue& v : f) {
      any_nan |= v.is_nan();
      any_inf |= v.is_inf();
      any_zero |= v.is_zero();
      neg ^= v.negative;
    }
    if (any_nan || (any_inf && any_zero)) nan = true;
    else if (any_inf) (neg ? neg_inf : pos_inf) = true;
    else if (!any_zero) {
      Dyadic p{1, 0};
      for (const ExactValue& v : f) {
        const Dyadic d = dyadic(v);
        p = {p.mag * d.mag, p.exp + d.exp};
      }
      terms.push_back(p);
    }
  }
  const ExactValue cv = decode(*s.out, r.c).value;
  if (cv.is_nan()) nan = true;
  else if (cv.is_inf()) (cv.negative ? neg_inf : pos_inf) = true;
  else if (!cv.is_zero()) terms.push_back(dyadic(cv));
  if (nan || (pos_inf && neg_inf)) return ExactValue::nan();
  if (pos_inf || neg_inf) return ExactValue::infinity(neg_inf);
  if (terms.empty()) return ExactValue::zero();
  int64_t low = terms[0].exp;
  for (const Dyadic& t : terms) low = std::min(low, t.exp);
  BigInt sum = 0;
  for (const Dyadic& t : terms) sum += t.mag << static_cast<unsigned>(t.exp - low);
  return ExactValue::dyadic(sum < 0, sum < 0 ? BigInt(-sum) : sum, low);
}

// C given in another format is rounded to the output format (RNE, as the GPU programs that
// took the measured data did) before the dot product.
uint64_t addend_code(const DotSetup& s, uint64_t c) {
  if (s.c_format == s.out) return c;
  return convert(c, *s.c_format, *s.out, Rounding::NearestEven).code;
}

std::vector<std::string> words(const std::string& p) {
  std::vector<std::string> w;
  std::istringstream ws(p);
  std::string x;
  while (ws >> x) w.push_back(x);
  return w;
}

// "a1 ... aK ; b1 ... bK ; c" (and "; d" when with_d; then "; as1 ... ; bs1 ..." for a
// block-scaled row): one record.
DotRecord parse_line(const DotSetup& s, const std::string& line, bool with_d) {
  std::vector<std::string> parts;
  std::istringstream ls(line);
  std::string part;
  while (std::getline(ls, part, ';')) parts.push_back(part);
  const std::string shape = std::string("'a1 ... aK ; b1 ... bK ; c") + (with_d ? " ; d" : "") + (s.rule ? " ; as1 ... ; bs1 ...'" : "'");
  if (parts.size() != (with_d ? 4u : 3u) + (s.rule ? 2u : 0u)) throw InputError("expected " + shape);
  DotRecord r;
  for (const auto& w : words(parts[0])) r.a.push_back(hex_code(*s.in, w));
  for (const auto& w : words(parts[1])) r.b.push_back(hex_code(*s.in, w));
  auto cw = words(parts[2]);
  if (cw.size() != 1) throw InputError("expected one code for c");
  if (r.a.empty()) throw InputError("no codes for a");
  if (r.a.size() != r.b.size()) throw InputError("a has " + std::to_string(r.a.size()) + " codes but b has " + std::to_string(r.b.size()));
  r.c = addend_code(s, hex_code(*s.c_format, cw[0]));
  if (with_d) {
    auto dw = words(parts[3]);
    if (dw.size() != 1) throw InputError("expected one code for d");
    r.d = hex_code(*s.out, dw[0]);
  }
  if (s.rule) {
    const size_t at = with_d ? 4 : 3;
    for (const auto& w : words(parts[at])) r.a_scales.push_back(hex_code(*s.scale, w));
    for (const auto& w : words(parts[at + 1])) r.b_scales.push_back(hex_code(*s.scale, w));
    check_scale_counts(s, r.a.size(), r.a_scales.size(), r.b_scales.size());
  }
  return r;
}

// Calls body(line) for each non-blank stdin line; an InputError names the line. flush() runs
// before the error is rethrown (the filter's output so far).
template <class Body, class Flush>
void for_each_line(std::istream& in, Body body, Flush flush) {
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    try {
      body(line);
    } catch (const InputError& e) {
      flush();
      throw InputError("stdin line " + std::to_string(number) + ": " + e.what());
    }
  }
}

// --diagnose: which models reproduce every recorded line "a ; b ; c ; d".
int diagnose(const DotSetup& s, std::istream& in, std::ostream& out) {
  std::vector<DotRecord> records;
  for_each_line(in, [&](const std::string& line) { records.push_back(parse_line(s, line, true)); }, [] {});
  if (records.empty()) throw InputError("no records on stdin (lines 'a1 ... aK ; b1 ... bK ; c ; d')");
  std::vector<DotCandidate> found = diagnose_dot(*s.in, *s.out, records, s.rule);
  out << records.size() << " records, " << s.in->name << " -> " << s.out->name << ": ";
  if (found.empty()) {
    out << "no model reproduces every record\n";
    return 1;
  }
  out << "behaves exactly as: ";
  for (size_t i = 0; i < found.size(); ++i) out << (i ? "; " : "") << found[i].label;
  out << "\n";
  return 0;
}

// The filter: one result code per line, written in 64 KiB batches.
int filter(const DotSetup& s, std::istream& in, std::ostream& out) {
  std::string buffer;
  const DotPlan plan(s.model, *s.in, s.gemm);  // the row resolved once for every line
  for_each_line(
      in,
      [&](const std::string& line) {
        DotRecord rec = parse_line(s, line, false);
        const DotScales scales = s.scales(rec);
        buffer += code_hex(*s.out, plan.run(rec.a, rec.b, rec.c, nullptr, s.rule ? &scales : nullptr));
        buffer += '\n';
        if (buffer.size() > (1u << 16)) {
          out << buffer;
          buffer.clear();
        }
      },
      [&] { out << buffer; });
  out << buffer;
  return 0;
}

}  // namespace

std::optional<BlockScaleRule> dot_scale_rule(const std::optional<std::string>& format, const std::optional<std::string>& block) {
  if (!format && !block) return std::nullopt;
  if (!format || !block) throw InputError("--scale-format and --scale-block go together");
  const Format& f = format_by_name(*format);
  const int n = static_cast<int>(Args::parse_unsigned("--scale-block", *block, 4096));
  if (n == 0) throw InputError("--scale-block must be at least 1");
  return BlockScaleRule{f.name, n};
}

int cmd_dot(const std::vector<std::string>& args, std::istream& in, std::ostream& out) {
  Args a(args,
         {"model", "in", "out", "c-format", "a", "b", "c", "rounding", "promotion", "split-k", "L", "F", "scale-format",
          "scale-block", "a-scales", "b-scales"},
         {"list", "json", "explain", "diagnose"});
  if (a.flag("list")) return list_models(a.flag("json"), out);
  if (!a.positional().empty()) throw InputError("unexpected argument '" + a.positional()[0].substr(0, 40) + "'");
  DotSetup s;
  if (a.flag("diagnose")) {
    if (a.value("model")) throw InputError("--diagnose tries every model: leave out --model");
    s.in = &format_by_name(a.required("in"));
    s.out = &format_by_name(a.required("out"));
    s.c_format = a.value("c-format") ? &format_by_name(*a.value("c-format")) : s.out;
    s.rule = dot_scale_rule(a.value("scale-format"), a.value("scale-block"));
    if (s.rule) s.scale = &format_by_name(s.rule->format);
    if (a.value("a-scales") || a.value("b-scales")) throw InputError("--diagnose reads the scales from its lines (a ; b ; c ; d ; as ; bs)");
    return diagnose(s, in, out);
  }
  s.model = dot_model(a.required("model"), a.required("in"), a.required("out"));
  s.in = &format_by_name(a.required("in"));
  s.out = &format_by_name(s.model.output);
  s.c_format = a.value("c-format") ? &format_by_name(*a.value("c-format")) : s.out;
  if (auto r = a.value("rounding")) {
    if (s.model.kind != DotKind::Exact) throw InputError("--rounding applies to the exact model only");
    s.model.step_rounding = rounding_by_name(*r);
    if (s.model.step_rounding == Rounding::Stochastic) throw InputError("--rounding sr is not a dot rounding");
  }
  // --L/--F: try a row with other parameters (what-if; diagnosis uses the same).
  auto small = [&](const char* opt) -> std::optional<int> {
    if (auto v = a.value(opt)) return static_cast<int>(Args::parse_unsigned(std::string("--") + opt, *v, 60));
    return std::nullopt;
  };
  if ((a.value("L") || a.value("F")) && s.model.kind != DotKind::Fused)
    throw InputError("--L and --F apply to the tensor-core models only");
  s.model = with_parameters(s.model, small("L"), small("F"));
  if (s.model.F + 2 > 56) throw InputError("--F above 54 is not supported");
  if (auto p = a.value("promotion")) s.gemm.promotion_interval = static_cast<int>(Args::parse_unsigned("--promotion", *p, 1 << 20));
  if (auto p = a.value("split-k")) {
    s.gemm.split_k = static_cast<int>(Args::parse_unsigned("--split-k", *p, 1 << 20));
    if (s.gemm.split_k == 0) throw InputError("--split-k must be at least 1");
  }
  // Block scales: the rule must be one of the row's, a row without rules takes none.
  s.rule = dot_scale_rule(a.value("scale-format"), a.value("scale-block"));
  {
    DotClaim claim{s.model.name, s.in->name, s.out->name, s.gemm, s.rule};
    (void)dot_setup(claim);  // InputError: a block-scaled row without a rule, a rule the row lacks
  }
  if (s.rule) s.scale = &format_by_name(s.rule->format);
  const bool any = a.value("a") || a.value("b") || a.value("c");
  if (!any) {
    if (a.value("a-scales") || a.value("b-scales")) throw InputError("--a-scales/--b-scales go with --a, --b and --c (filter lines carry their own)");
    return filter(s, in, out);
  }
  DotRecord rec;
  rec.a = parse_codes(*s.in, a.required("a"), "--a");
  rec.b = parse_codes(*s.in, a.required("b"), "--b");
  rec.c = addend_code(s, hex_code(*s.c_format, a.required("c")));
  if (rec.a.size() != rec.b.size())
    throw InputError("--a has " + std::to_string(rec.a.size()) + " codes but --b has " + std::to_string(rec.b.size()));
  if (s.rule) {
    rec.a_scales = parse_codes(*s.scale, a.required("a-scales"), "--a-scales");
    rec.b_scales = parse_codes(*s.scale, a.required("b-scales"), "--b-scales");
    check_scale_counts(s, rec.a.size(), rec.a_scales.size(), rec.b_scales.size());
  } else if (a.value("a-scales") || a.value("b-scales")) {
    throw InputError("model " + s.model.name + " takes no block scales (--a-scales/--b-scales)");
  }
  const std::vector<uint64_t>& av = rec.a;
  const std::vector<uint64_t>& bv = rec.b;
  const uint64_t c = rec.c;
  DotTrace trace;
  if (s.rule && a.flag("explain")) {
    const size_t block = static_cast<size_t>(s.rule->block);
    for (size_t j = 0; j < rec.a_scales.size(); ++j)
      trace.lines.push_back("scales k=" + std::to_string(j * block) + ".." + std::to_string((j + 1) * block - 1) + ": a " +
                            code_hex(*s.scale, rec.a_scales[j]) + " (" + to_exact_string(scale_value(*s.scale, rec.a_scales[j])) +
                            "), b " + code_hex(*s.scale, rec.b_scales[j]) + " (" +
                            to_exact_string(scale_value(*s.scale, rec.b_scales[j])) + ")  [" + s.rule->format + " per " +
                            std::to_string(block) + "]");
  }
  const DotResult r = s.rule ? dot(s.model, *s.in, av, bv, c, s.scales(rec), s.gemm, a.flag("explain") ? &trace : nullptr)
                             : dot(s.model, *s.in, av, bv, c, s.gemm, a.flag("explain") ? &trace : nullptr);
  // What the exact sum would round to (the model's output format, RNE), for comparison.
  const ExactValue exact = s.rule ? exact_scaled_value(s, rec) : exact_dot_value(*s.in, av, bv, *s.out, c);  // of the operands as given
  RoundResult once = round_to_format(exact, *s.out, Rounding::NearestEven);
  if (a.flag("json")) {
    nlohmann::json j = {{"model", s.model.name},
                        {"parameters", describe_parameters(s.model)},
                        {"code", code_hex(*s.out, r.code)},
                        {"value", to_exact_string(decode(*s.out, r.code).value)},
                        {"exact_sum", to_exact_string(exact)},
                        {"exact_rounded_rne", code_hex(*s.out, once.code)}};
    if (a.flag("explain")) j["steps"] = trace.lines;
    if (s.rule) {
      j["scales"] = {{"format", s.rule->format}, {"block", s.rule->block}, {"a", nlohmann::json::array()}, {"b", nlohmann::json::array()}};
      for (uint64_t x : rec.a_scales) j["scales"]["a"].push_back(code_hex(*s.scale, x));
      for (uint64_t x : rec.b_scales) j["scales"]["b"].push_back(code_hex(*s.scale, x));
    }
    out << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& l : trace.lines) out << l << "\n";
  out << code_hex(*s.out, r.code) << "  " << to_exact_string(decode(*s.out, r.code).value) << "  [" << s.model.name << ": "
      << describe_parameters(s.model) << "]\n";
  out << "exact sum " << to_exact_string(exact) << " rounds (rne) to " << code_hex(*s.out, once.code)
      << (once.code == r.code ? "  (same)" : "  (differs)") << "\n";
  return 0;
}

}  // namespace fpc::cli
