#include "check/block/block_check.hpp"

#include "check/check_record.hpp"

#include "cli/describe.hpp"
#include "fpconform/arith.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace fpc {

namespace {

const Format& f32() { return format_by_name("float32"); }

uint32_t bits_of(const ExactValue& v) {
  return static_cast<uint32_t>(round_to_format(v, f32(), Rounding::NearestEven).code);
}

struct Rng {  // splitmix64
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // A float32 with a random sign and mantissa and an exponent in [lo, hi].
  uint32_t normal(int lo, int hi) {
    uint64_t r = next();
    uint32_t exponent = static_cast<uint32_t>(127 + lo + static_cast<int>(r % static_cast<uint64_t>(hi - lo + 1)));
    return static_cast<uint32_t>(((r >> 8) & 1u) << 31) | (exponent << 23) | static_cast<uint32_t>((r >> 9) & 0x7fffff);
  }
};

// The element values at scale 1 and the amax that gives scale 1: the scheme table's facts.
using ElementGrid = QuantElementGrid;
ElementGrid element_grid(const QuantOptions& o) { return quant_element_grid(quant_scheme_by_name(o.scheme)); }

// The float32 rounding of every midpoint of consecutive grid values (block_tie_grid).
std::vector<uint32_t> midpoints(const ElementGrid& g) {
  std::vector<uint32_t> v;
  for (size_t i = 0; i + 1 < g.values.size(); ++i) {
    const ExactValue two = ExactValue::rational(false, 2);
    const ExactValue operands[2] = {g.values[i], g.values[i + 1]};
    ExactValue sum = exact_op(Op::Add, operands, Rounding::NearestEven).value;
    const ExactValue halves[2] = {sum, two};
    uint32_t m = bits_of(exact_op(Op::Div, halves, Rounding::NearestEven).value);
    if ((m & 0x7fffffffu) < 8) continue;  // a midpoint at zero: its neighbours are the zeros' business
    v.push_back(m);
  }
  return v;
}

// Values on and around every midpoint of consecutive grid values: the float32 rounding of the
// midpoint and its neighbours within 6 ulps (toward and away from zero), so decimal thresholds a
// few ulps off the midpoint are exercised too.
std::vector<uint32_t> tie_values(const ElementGrid& g) {
  std::vector<uint32_t> v;
  for (uint32_t m : midpoints(g)) {
    if (v.size() >= 4096) break;
    for (int k = -6; k <= 6; ++k) v.push_back(m + static_cast<uint32_t>(k));
  }
  return v;
}

std::vector<uint32_t> random_block(Rng& rng, size_t n, int lo, int hi) {
  std::vector<uint32_t> b(n);
  for (uint32_t& x : b) x = rng.normal(lo, hi);
  return b;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

BlockCaseSet BlockCaseSet::parse(const std::string& label) {
  auto count = [&](const std::string& digits) {
    if (digits.empty() || digits.size() > 7 || digits.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(digits) > kMaxRandomBlocks)
      throw InputError("block cases '" + label.substr(0, 40) + "': the count must be a whole number up to 2^20");
    return static_cast<size_t>(std::stoul(digits));
  };
  if (label == "adversarial") return {true, 0};
  if (label == "all") return {true, kDefaultRandomBlocks};
  if (label.rfind("all:", 0) == 0) return {true, count(label.substr(4))};
  if (label.rfind("random:", 0) == 0) {
    BlockCaseSet s{false, count(label.substr(7))};
    if (s.random == 0) throw InputError("block cases 'random:0' select no block");
    return s;
  }
  throw InputError("unknown block cases '" + label.substr(0, 40) + "' (adversarial, random:N, all or all:N)");
}

std::string BlockCaseSet::label() const {
  if (!adversarial) return "random:" + std::to_string(random);
  if (random == 0) return "adversarial";
  return random == kDefaultRandomBlocks ? "all" : "all:" + std::to_string(random);
}

std::string BlockCaseSet::kind() const {
  const std::string l = label();
  return l.substr(0, l.find(':'));
}

size_t check_blocksize(const QuantOptions& claims) {
  const QuantSchemeInfo& info = quant_scheme_by_name(claims.scheme);
  if (claims.scheme == "llm_int8_col")
    throw InputError("block checks take schemes with one scale per block of consecutive values; llm_int8_col scales "
                     "columns (use llm_int8_row)");
  if (claims.double_quant) throw InputError("block checks do not take double quantization (each block is quantized alone)");
  if (claims.cols != 0) throw InputError("block checks quantize each block alone: no --cols (llm_int8_row: --blocksize is the row length)");
  const size_t n = claims.blocksize ? claims.blocksize : info.default_blocksize;
  if (n == 0 && claims.scheme == "llm_int8_row") throw InputError("block checks of llm_int8_row need --blocksize N (the row length)");
  if (n == 0 || n == kWholeRow) throw InputError("block checks need a fixed block size");
  if (n > (size_t{1} << 16)) throw InputError("block checks take blocks of at most 2^16 values");
  if (!info.blocksizes.empty() && std::find(info.blocksizes.begin(), info.blocksizes.end(), n) == info.blocksizes.end())
    throw InputError("scheme " + info.name + " does not take block size " + std::to_string(n));
  return n;
}

std::vector<BlockCase> block_cases(const QuantOptions& options, const BlockCaseSet& set, uint64_t seed) {
  const size_t n = check_blocksize(options);
  std::vector<BlockCase> cases;
  if (set.adversarial) {
    Rng rng{seed ^ 0x51a7e5b10c4ull};
    for (int i = 0; i < 2; ++i) {
      std::vector<uint32_t> b = random_block(rng, n, -10, 0);
      b[rng.next() % n] = rng.normal(10, 12);
      cases.push_back({"one_outlier", b});
    }
    for (uint32_t sign : {0u, 0x80000000u}) cases.push_back({"all_equal", std::vector<uint32_t>(n, rng.normal(-4, 4) | sign)});
    std::vector<uint32_t> zeros(n, 0);
    for (size_t i = 0; i < n; i += 3) zeros[i] = 0x80000000u;
    cases.push_back({"all_zero", zeros});
    std::vector<uint32_t> sub(n);
    for (uint32_t& x : sub) x = static_cast<uint32_t>(rng.next() & 0x807fffffu) | 1u;
    cases.push_back({"subnormal_only", sub});
    // Ties at scale 1: the unit amax (and -amax on a symmetric grid), then midpoints of the grid.
    const BlockTieGrid grid = block_tie_grid(options);
    const size_t fixed = grid.with_negative_amax ? 2 : 1;
    if (n > fixed) {
      std::vector<uint32_t> ties = tie_values(element_grid(options));
      for (size_t start = 0; start < ties.size() && cases.size() < 64; start += n - fixed) {
        std::vector<uint32_t> b(n, 0);
        b[0] = grid.unit_amax;
        if (grid.with_negative_amax) b[1] = grid.unit_amax | 0x80000000u;
        for (size_t i = fixed; i < n && start + i - fixed < ties.size(); ++i) b[i] = ties[start + i - fixed];
        cases.push_back({"ties", b});
      }
    }
    std::vector<uint32_t> special = random_block(rng, n, -4, 4);
    special[n > 1 ? 1 : 0] = 0x7fc00000u;
    if (n > 2) special[2] = 0x7f800000u;
    cases.push_back({"nan_inf", special});
  }
  Rng random_rng{seed ^ 0x7a2d0c11e5ull};  // its own stream: "random:N" blocks are those of "all:N"
  for (size_t i = 0; i < set.random; ++i) cases.push_back({"random", random_block(random_rng, n, -12, 12)});
  return cases;
}

std::vector<BlockCase> block_cases(const QuantOptions& options, size_t random_blocks, uint64_t seed) {
  return block_cases(options, BlockCaseSet{true, random_blocks}, seed);
}

BlockTieGrid block_tie_grid(const QuantOptions& claims) {
  (void)check_blocksize(claims);
  const ElementGrid grid = element_grid(claims);
  const bool symmetric = compare(grid.values.front().abs(), grid.values.back()) == 0;
  return {bits_of(grid.unit_amax), midpoints(grid), symmetric};
}

std::vector<BlockKindRange> kind_ranges(const std::vector<BlockCase>& cases) {
  std::vector<BlockKindRange> ranges;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (ranges.empty() || ranges.back().kind != cases[i].kind) ranges.push_back({cases[i].kind, i, 0});
    ++ranges.back().count;
  }
  return ranges;
}

BlockLayout block_layout(const QuantOptions& claims) {
  BlockLayout layout;
  layout.blocksize = check_blocksize(claims);
  std::vector<ExactValue> ones(layout.blocksize, ExactValue::rational(false, 1));
  (void)quantize(ones, claims);  // the claims' remaining checks (tensor amax, ...)
  const QuantSchemeInfo& info = quant_scheme_by_name(claims.scheme);
  layout.element = &format_by_name(info.facts.element);
  layout.scale = &format_by_name(info.facts.scale);
  layout.zero_points = info.zero_points;
  return layout;
}

nlohmann::json claims_to_json(const QuantOptions& claims) {
  nlohmann::json j = {{"scheme", claims.scheme}, {"reference", claims.reference}, {"blocksize", check_blocksize(claims)}};
  if (claims.scheme.rfind("mx", 0) == 0) {
    j["scale_rule"] = std::string(short_name(claims.scale_rule));
    j["rounding"] = std::string(short_name(claims.element_rounding));
  }
  if (claims.tensor_amax) j["tensor_amax"] = to_exact_string(*claims.tensor_amax);
  return j;
}

QuantOptions claims_from_json(const nlohmann::json& j) {
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!j.contains(key)) throw InputError(std::string("claims: missing field ") + key);
    return j[key];
  };
  auto text = [&](const char* key) {
    const nlohmann::json& v = field(key);
    if (!v.is_string()) throw InputError(std::string("claims: ") + key + " must be a string");
    return v.get<std::string>();
  };
  if (!j.is_object()) throw InputError("claims must be an object");
  QuantOptions o;
  o.scheme = text("scheme");
  (void)quant_scheme_by_name(o.scheme);
  o.reference = text("reference");
  const nlohmann::json& bs = field("blocksize");
  if (!bs.is_number_unsigned() || bs.get<uint64_t>() == 0 || bs.get<uint64_t>() > (uint64_t{1} << 16))
    throw InputError("claims: blocksize must be a positive whole number");
  o.blocksize = bs.get<size_t>();
  const bool mx = o.scheme.rfind("mx", 0) == 0;
  for (const auto& [key, value] : j.items()) {
    const bool known = key == "scheme" || key == "reference" || key == "blocksize" || key == "tensor_amax" ||
                       (mx && (key == "scale_rule" || key == "rounding"));
    if (!known) throw InputError("claims: unknown field " + key.substr(0, 40) + " for scheme " + o.scheme);
  }
  if (mx) {
    o.scale_rule = mx_scale_rule_by_name(text("scale_rule"));
    o.element_rounding = rounding_by_name(text("rounding"));
  }
  if (j.contains("tensor_amax")) o.tensor_amax = parse_value(text("tensor_amax"));
  const QuantSchemeInfo& info = quant_scheme_by_name(o.scheme);
  if (std::find(info.references.begin(), info.references.end(), o.reference) == info.references.end())
    throw InputError("claims: scheme " + o.scheme + " has no reference '" + o.reference.substr(0, 40) + "'");
  (void)block_layout(o);  // the remaining checks of the options (block size, tensor amax ...)
  return o;
}

namespace {

std::vector<std::string> references_to_compare(const QuantOptions& claims) {
  std::vector<std::string> refs = {claims.reference};
  for (const std::string& r : quant_scheme_by_name(claims.scheme).references)
    if (r != claims.reference) refs.push_back(r);
  return refs;
}

uint64_t expected_scale_code(const Quantized& q) {
  if (q.scale_format) return q.blocks[0].scale_code;
  return round_to_format(q.blocks[0].scale, f32(), Rounding::NearestEven).code;  // exact scale as float32
}

// A code as the subject gave it: wider than the format (a stray high bit) is shown as such.
std::string answer_hex(const Format& f, uint64_t code) {
  if (code & ~f.code_mask()) return hex(code) + " (not a code of " + f.name + ")";
  return cli::code_hex(f, code);
}

void compare_block(const BlockCase& c, size_t index, const std::vector<ExactValue>& values, const BlockOutput& got,
                   const Quantized& want, BlockDistance& d) {
  ++d.blocks;
  const bool nan_scale = want.blocks[0].scale.is_nan() && want.options.scheme.rfind("mx", 0) == 0;
  uint64_t differing = 0;
  std::string first;
  if (!nan_scale)  // under an MX NaN scale the element codes carry no meaning
    for (size_t i = 0; i < values.size(); ++i)
      if (got.codes[i] != want.codes[i]) {
        if (differing++ == 0)
          first = "value[" + std::to_string(i) + "] = " + to_exact_string(values[i]) + ": expected " +
                  cli::code_hex(*want.element, want.codes[i]) + ", got " + answer_hex(*want.element, got.codes[i]);
      }
  const uint64_t scale = expected_scale_code(want);
  const bool scale_differs = got.scale_codes[0] != scale;
  const bool zero_differs = !got.zero_points.empty() && got.zero_points[0] != want.blocks[0].zero_point;
  if (!differing && !scale_differs && !zero_differs) return;
  ++d.blocks_differing;
  d.values_differing += differing;
  if (scale_differs) ++d.scales_differing;
  if (zero_differs) ++d.zero_points_differing;
  if (d.first.empty()) {
    std::vector<std::string> parts;
    if (scale_differs) parts.push_back("scale expected " + hex(scale) + ", got " + hex(got.scale_codes[0]));
    if (zero_differs)
      parts.push_back("zero point expected " + std::to_string(want.blocks[0].zero_point) + ", got " + std::to_string(got.zero_points[0]));
    if (!first.empty()) parts.push_back(first);
    d.first = c.kind + " block " + std::to_string(index) + ": ";
    for (size_t k = 0; k < parts.size(); ++k) d.first += (k ? "; " : "") + parts[k];
  }
}

// "nan_inf block 21: reference ideal has no rule for it (...); the subject answered scale
// 0x7fc00000, codes 0x1 0x0 0x7 0x3 ...".
std::string unjudged_block_text(const BlockCase& c, size_t index, const QuantOptions& claims, const std::string& why,
                                const BlockOutput& got) {
  const BlockLayout layout = block_layout(claims);
  std::string s = c.kind + " block " + std::to_string(index) + ": reference " + claims.reference + " has no rule for it (" + why +
                  "); the subject answered scale " + answer_hex(*layout.scale, got.scale_codes[0]) + ", codes";
  for (size_t i = 0; i < got.codes.size() && i < 4; ++i) s += " " + answer_hex(*layout.element, got.codes[i]);
  if (got.codes.size() > 4) s += " ...";
  return s;
}

}  // namespace

std::string distance_text(const BlockDistance& d) {
  if (d.blocks == 0) return d.reference + ": no defined block";
  if (d.blocks_differing == 0) return d.reference + ": identical on " + std::to_string(d.blocks) + " blocks";
  std::string counts = std::to_string(d.values_differing) + " values, " + std::to_string(d.scales_differing) + " scales";
  if (d.zero_points_differing) counts += ", " + std::to_string(d.zero_points_differing) + " zero points";
  return d.reference + ": " + std::to_string(d.blocks_differing) + "/" + std::to_string(d.blocks) + " blocks differ (" + counts + ")";
}

std::string block_check_status(const BlockCheckResult& r) {
  if (!r.skipped.empty()) return check_status({.skipped = true});
  const BlockDistance& claimed = r.distances.front();
  return check_status({.error = !r.error.empty(),
                       .differs = claimed.blocks_differing > 0 || (r.blocks > 0 && claimed.blocks == 0) ||
                                  (r.strict_blocks && r.unjudged > 0)});
}

std::string unjudged_text(const BlockCheckResult& r) {
  if (r.unjudged == 0) return "";
  return std::to_string(r.unjudged) + (r.unjudged == 1 ? " block" : " blocks") + " unjudged (" + r.unjudged_first + ")";
}

BlockCheckResult check_blocks(const std::string& subject, const QuantOptions& claims, const std::vector<BlockCase>& cases,
                              size_t begin, size_t end, const BlockAnswers& answers, bool strict_blocks) {
  BlockCheckResult r;
  r.subject = subject;
  r.claims = claims;
  r.strict_blocks = strict_blocks;
  const std::vector<std::string> refs = references_to_compare(claims);
  for (const std::string& ref : refs) {
    BlockDistance d;
    d.reference = ref;
    r.distances.push_back(d);
  }
  end = std::min(end, cases.size());
  const size_t zero_points = quant_scheme_by_name(claims.scheme).zero_points ? 1 : 0;  // per block
  for (size_t index = begin; index < end; ++index) {
    const BlockCase& c = cases[index];
    auto refuse = [&](const std::string& why) {
      if (r.error.empty()) r.error = c.kind + " block " + std::to_string(index) + ": " + why;
    };
    BlockOutput got;
    try {
      got = answers(index, c);
    } catch (const std::exception& e) {
      refuse(std::string("the subject threw: ") + e.what());
      continue;
    }
    if (got.codes.size() != c.bits.size() || got.scale_codes.size() != 1 || got.zero_points.size() != zero_points) {
      const bool show_zero_points = zero_points || !got.zero_points.empty();
      refuse("the subject returned " + std::to_string(got.codes.size()) + " codes and " + std::to_string(got.scale_codes.size()) +
             " scales" + (show_zero_points ? " and " + std::to_string(got.zero_points.size()) + " zero points" : "") +
             " for one block of " + std::to_string(c.bits.size()) + (zero_points ? " (the scheme has one zero point a block)" : ""));
      continue;
    }
    std::vector<ExactValue> values;
    for (uint32_t b : c.bits) values.push_back(decode(f32(), b).value);
    ++r.blocks;
    r.values += values.size();
    for (size_t k = 0; k < refs.size(); ++k) {
      QuantOptions o = claims;
      o.reference = refs[k];
      Quantized want;
      try {
        want = quantize(values, o);
      } catch (const InputError& e) {
        // This reference has no rule for the block (e.g. NaN in the ideal bnb reference): the
        // claimed reference cannot judge it, which the check counts and shows.
        if (k == 0 && r.unjudged++ == 0) r.unjudged_first = unjudged_block_text(c, index, claims, e.what(), got);
        continue;
      }
      compare_block(c, index, values, got, want, r.distances[k]);
    }
  }
  r.passed = block_check_status(r) == "pass";
  return r;
}

BlockCheckResult run_block_check(const BlockSubject& subject, const BlockCaseSet& set, uint64_t seed, size_t begin, size_t end,
                                 bool strict_blocks) {
  if (!subject.available) {
    BlockCheckResult r = check_blocks(subject.name, subject.claims, {}, 0, 0, {});  // the references, no block
    r.skipped = subject.unavailable_reason.empty() ? "skipped: unavailable here" : subject.unavailable_reason;
    r.passed = false;
    return r;
  }
  const std::vector<BlockCase> cases = block_cases(subject.claims, set, seed);
  return check_blocks(subject.name, subject.claims, cases, begin, end,
                      [&](size_t, const BlockCase& c) { return subject.run(c.bits); }, strict_blocks);
}

BlockCheckResult run_block_check(const BlockSubject& subject, size_t random_blocks, uint64_t seed) {
  return run_block_check(subject, BlockCaseSet{true, random_blocks}, seed);
}

std::string summary_line(const BlockCheckResult& r) {
  // "mxfp4[ideal]", or "mxfp4[ideal, roundup]" for an MX claim with another scale rule than the spec's.
  std::string claim = r.claims.scheme + "[" + r.claims.reference;
  if (r.claims.scheme.rfind("mx", 0) == 0 && r.claims.scale_rule != MxScaleRule::Floor)
    claim += ", " + std::string(short_name(r.claims.scale_rule));
  claim += "]";
  if (!r.skipped.empty()) return "SKIP  " + r.subject + "  " + claim + "  " + r.skipped;
  std::string s = check_line(block_check_status(r), r.subject, claim) + "  " + std::to_string(r.blocks) + " blocks, " +
                  std::to_string(r.values) + " values";
  if (!r.error.empty()) s += "; error: " + r.error;
  for (size_t k = 0; k < r.distances.size(); ++k)
    s += std::string(k == 0 ? "; claimed " : "; ") + distance_text(r.distances[k]);
  if (r.unjudged) s += "; " + unjudged_text(r);
  const BlockDistance& claimed = r.distances.front();
  if (!claimed.first.empty()) s += "\n      first difference from " + claimed.reference + ": " + claimed.first;
  return s;
}

}  // namespace fpc
