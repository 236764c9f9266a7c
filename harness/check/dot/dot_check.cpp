#include "check/dot/dot_check.hpp"

#include "check/element/cases.hpp"
#include "cli/describe.hpp"
#include "fpconform/exact.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <set>

namespace fpc {

using nlohmann::json;

namespace {

// Codes of a float format by sign, binade and mantissa.
struct Codes {
  const Format& f;
  uint64_t sign_bit() const { return f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0; }
  uint64_t man_mask() const { return (uint64_t{1} << f.man_bits) - 1; }
  uint64_t negate(uint64_t code) const { return code ^ sign_bit(); }
  // (1 + m / 2^man_bits) * 2^e, or nothing outside the finite normal range.
  std::optional<uint64_t> normal(bool negative, int e, uint64_t m = 0) const {
    if (e < f.emin() || e > f.emax()) return std::nullopt;
    const uint64_t code = (static_cast<uint64_t>(e + f.bias) << f.man_bits) | (m & man_mask());
    if (code > (f.max_finite_code() & ~sign_bit())) return std::nullopt;
    return negative ? code | sign_bit() : code;
  }
  uint64_t one() const { return *normal(false, 0); }
  uint64_t max() const { return f.max_finite_code() & ~sign_bit(); }
  std::optional<uint64_t> min_subnormal() const {
    if (!f.has_subnormals || f.man_bits == 0) return std::nullopt;
    return uint64_t{1};
  }
  std::optional<uint64_t> nan() const {
    if (!f.has_nan()) return std::nullopt;
    if (f.nonfinite == NonFinite::FNUZ) return sign_bit();
    if (f.nonfinite == NonFinite::FN) return max() + 1 > f.code_mask() ? std::nullopt : std::optional(max() + 1);
    return (((uint64_t{1} << f.exp_bits) - 1) << f.man_bits) | (uint64_t{1} << (f.man_bits - 1));
  }
  std::optional<uint64_t> inf(bool negative) const {
    if (!f.has_inf()) return std::nullopt;
    const uint64_t code = ((uint64_t{1} << f.exp_bits) - 1) << f.man_bits;
    return negative ? code | sign_bit() : code;
  }
};

using Term = std::pair<uint64_t, uint64_t>;  // a_k, b_k

// Builds the dots of one K: terms placed forward (positions 0, 1, ...) and backward (K-1, K-2,
// ...), so that a pattern lands in the first and in the last fused step; the other products are
// +0 * +0.
class Builder {
 public:
  Builder(const Codes& in, size_t K, std::vector<DotCase>& out) : in_(in), K_(K), out_(out) {}

  // The product (1 + m/2^p) 2^e as a * b with both operands normal, or nothing.
  std::optional<Term> product(bool negative, int e, uint64_t m = 0) const {
    const int ea = std::clamp(e, in_.f.emin(), in_.f.emax());
    auto a = in_.normal(negative, ea, m);
    auto b = in_.normal(false, e - ea);
    if (!a || !b) return std::nullopt;
    return Term{*a, *b};
  }

  void add(const std::string& kind, const std::vector<std::optional<Term>>& terms, uint64_t c, bool both_ways = true) {
    if (terms.size() > K_) return;
    for (const auto& t : terms)
      if (!t) return;
    for (int backward = 0; backward <= (both_ways && K_ > 1 ? 1 : 0); ++backward) {
      DotCase d{kind, std::vector<uint64_t>(K_, 0), std::vector<uint64_t>(K_, 0), c};
      for (size_t i = 0; i < terms.size(); ++i) {
        const size_t at = backward ? K_ - 1 - i : i;
        d.a[at] = terms[i]->first;
        d.b[at] = terms[i]->second;
      }
      out_.push_back(std::move(d));
    }
  }

 private:
  const Codes& in_;
  size_t K_;
  std::vector<DotCase>& out_;
};

// The cut the claimed row makes (fraction bits kept below the largest term), and the cuts of the
// other rows, so that the cases also tell the candidates of a diagnosis apart.
std::vector<int> cut_exponents(const DotModel& row, const Format& out) {
  std::set<int> js;
  const int F = row.kind == DotKind::Fused ? row.F : out.man_bits;
  for (int j = 1; j <= std::max(F, 25) + 4; ++j) js.insert(j);
  for (int j = F - 3; j <= F + 3; ++j)
    if (j > 0) js.insert(j);
  js.insert(35);
  js.insert(40);
  return {js.begin(), js.end()};
}

void boundary_cases(const DotSetup& s, size_t K, std::vector<DotCase>& out) {
  const Codes in{*s.in}, o{*s.out};
  Builder b(in, K, out);
  auto oc = [&](bool negative, int e, uint64_t m = 0) { return o.normal(negative, e, m).value_or(0); };
  const uint64_t zero = 0, neg_zero = o.sign_bit();
  // zero: no products at all, only the addend.
  for (uint64_t c : {zero, neg_zero, oc(false, 0), oc(true, 0, o.man_mask()), o.min_subnormal().value_or(0), o.max(),
                     o.negate(o.max())})
    b.add("zero", {}, c);
  // cancellation: x - x leaves the small term (or exactly zero, whose sign the rounding decides).
  for (int e : {0, 3, in.f.emax()}) {
    auto x = b.product(false, e, in.man_mask() >> 1), minus_x = b.product(true, e, in.man_mask() >> 1);
    b.add("cancellation", {x, minus_x}, zero);
    b.add("cancellation", {x, minus_x}, neg_zero);
    for (int j : {1, 5, 11, 20, 30}) {
      b.add("cancellation", {x, minus_x, b.product(false, e - j)}, zero);
      b.add("cancellation", {x, minus_x, b.product(true, e - j, 1)}, zero);
    }
  }
  if (o.f.man_bits >= in.f.man_bits)  // C = -(1 + 2^-p_in) cancels the product exactly
    b.add("cancellation", {b.product(false, 0, 1)}, oc(true, 0, uint64_t{1} << (o.f.man_bits - in.f.man_bits)));
  // carry: terms whose sum carries into the next binade (and past the addend's).
  auto big = b.product(false, 1, in.man_mask());
  for (size_t n : {size_t{2}, size_t{3}, size_t{4}, size_t{8}, K})
    b.add("carry", std::vector<std::optional<Term>>(std::min(n, K), big), zero);
  b.add("carry", {big}, oc(false, 1, o.man_mask()));
  b.add("carry", {big, b.product(false, 1, 1)}, oc(false, 2, o.man_mask()));
  // below_cut: a term 2^-j below the largest one (a product or the addend), each j around every
  // row's cut, both signs: truncation toward zero of a negative term rounds its magnitude down.
  for (int j : cut_exponents(*s.model, *s.out)) {
    for (bool negative : {false, true}) {
      b.add("below_cut", {b.product(false, 0), b.product(negative, -j)}, zero);
      b.add("below_cut", {b.product(false, 0), b.product(negative, -j, 1)}, zero);
      b.add("below_cut", {b.product(negative, -j)}, oc(false, 0));
      b.add("below_cut", {b.product(false, -j)}, oc(negative, 0));
      // Many small terms that together reach above the cut.
      if (K > 2) b.add("below_cut", std::vector<std::optional<Term>>(K - 1, b.product(negative, -j)), oc(false, 0), false);
    }
  }
  // zero_products: zero products of any sign (they carry the row's e_zero), with small addends.
  auto zero_times = [&](bool neg_a, uint64_t other) { return std::optional<Term>(Term{neg_a ? in.sign_bit() : 0, other}); };
  for (uint64_t c : {zero, neg_zero, o.min_subnormal().value_or(0), oc(true, o.f.emin()), oc(false, o.f.emin() + 1)}) {
    b.add("zero_products", {zero_times(false, in.max()), zero_times(true, in.one()), zero_times(false, in.negate(in.one()))}, c);
    b.add("zero_products", {zero_times(true, in.max()), b.product(false, 2 * in.f.emin())}, c);
  }
  // subnormal: subnormal operands (exact products below the format's normal range) and addends.
  if (auto sub = in.min_subnormal()) {
    const uint64_t max_sub = in.man_mask();
    for (uint64_t c : {zero, o.min_subnormal().value_or(0), oc(false, 0)}) {
      b.add("subnormal", {Term{*sub, in.one()}}, c);
      b.add("subnormal", {Term{*sub, *sub}, Term{max_sub, in.max()}}, c);
      b.add("subnormal", {Term{max_sub, in.one()}, Term{in.negate(*sub), in.max()}}, c);
    }
  }
  if (auto c_sub = o.min_subnormal()) b.add("subnormal", {b.product(false, o.f.emin() - 1)}, *c_sub);
  // nonfinite: NaN and infinite operands and addends, inf - inf, inf * 0, finite overflow.
  const std::optional<uint64_t> nan = in.nan(), inf = in.inf(false), ninf = in.inf(true);
  if (nan) {
    b.add("nonfinite", {Term{*nan, in.one()}}, zero);
    b.add("nonfinite", {b.product(false, 0), Term{in.one(), *nan}}, oc(false, 0));
  }
  if (inf) {
    b.add("nonfinite", {Term{*inf, in.one()}}, zero);
    b.add("nonfinite", {Term{*inf, 0}}, zero);
    b.add("nonfinite", {Term{*inf, in.one()}, Term{*ninf, in.one()}}, zero);
    b.add("nonfinite", {Term{*inf, in.one()}}, o.inf(true).value_or(0));
  }
  for (auto c : {o.nan(), o.inf(false), o.inf(true)})
    if (c) b.add("nonfinite", {b.product(false, 0)}, *c);
  b.add("nonfinite", std::vector<std::optional<Term>>(K, Term{in.max(), in.max()}), o.max());
  b.add("nonfinite", std::vector<std::optional<Term>>(K, Term{in.negate(in.max()), in.max()}), o.negate(o.max()));
  // spread: the largest and the smallest products of the format in one dot.
  const Term huge{in.max(), in.max()}, minus_huge{in.negate(in.max()), in.max()};
  const Term tiny = in.min_subnormal() ? Term{*in.min_subnormal(), *in.min_subnormal()} : Term{in.one(), in.one()};
  b.add("spread", {huge, tiny}, zero);
  b.add("spread", {huge, minus_huge, tiny}, zero);
  b.add("spread", {tiny, huge, minus_huge}, o.min_subnormal().value_or(0));
  // addend: C far above and far below the products, and C cancelling them exactly.
  for (int e : {40, 24, 12, -12, -24, -40})
    for (bool negative : {false, true})
      b.add("addend", {b.product(false, 0, 1), b.product(true, -3)}, oc(negative, e, 1));
  b.add("addend", {b.product(false, 0), b.product(false, 0)}, oc(true, 1));
  b.add("addend", {b.product(false, 0)}, o.negate(o.max()));
}

struct Rng {
  uint64_t state;
  uint64_t next() { return state = mix64(state + 0x9e3779b97f4a7c15ull); }
  int between(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }
};

// A random code near 2^e (clustered exponents make the terms overlap, as in real dot products);
// 1 in 32 is a special code (zero, subnormal, NaN or inf, where the format has them).
uint64_t random_code(const Codes& f, Rng& rng, int e, int spread) {
  const uint64_t r = rng.next();
  const bool negative = f.f.has_sign && (r & 1);
  if ((r >> 1) % 32 == 0) {
    const uint64_t pick = (r >> 8) % 5;
    std::optional<uint64_t> special = pick == 0 ? std::optional<uint64_t>(0)
                                      : pick == 1 ? f.min_subnormal()
                                      : pick == 2 ? f.nan()
                                      : pick == 3 ? f.inf(negative)
                                                  : std::optional<uint64_t>(f.man_mask() & (r >> 16));
    if (special) return *special;
  }
  const int ex = std::clamp(e + rng.between(-spread, spread), f.f.emin(), f.f.emax());
  return f.normal(negative, ex, rng.next()).value_or(f.max() | (negative ? f.sign_bit() : 0));
}

// Codes of a scale format: E8M0 (2^(code - 127), 0xff NaN, no zero) or UE4M3 (E4M3 codes read
// without their sign bit: 0x00 zero, 0x01..0x07 subnormal, 0x7f NaN).
struct ScaleCodes {
  const Format& f;
  bool e8m0() const { return f.name == "float8_e8m0fnu"; }
  // 2^e, or nothing outside the format's normal range.
  std::optional<uint64_t> power(int e) const {
    if (e8m0()) return e >= -127 && e <= 127 ? std::optional<uint64_t>(static_cast<uint64_t>(e + 127)) : std::nullopt;
    return Codes{f}.normal(false, e);
  }
  uint64_t one() const { return *power(0); }
  std::vector<uint64_t> nans() const { return e8m0() ? std::vector<uint64_t>{0xff} : std::vector<uint64_t>{0x7f, 0xff}; }
  // The smallest and the largest scales (and their neighbours).
  std::vector<uint64_t> extremes() const {
    if (e8m0()) return {0x00, 0x01, 0x7f, 0xfd, 0xfe};
    return {0x01, 0x08, 0x38, 0x77, 0x7e};
  }
  // 2^-j split over two scales (a's, b's), or nothing where the format cannot reach it.
  std::optional<std::pair<uint64_t, uint64_t>> split(int j) const {
    auto a = power(-(j + 1) / 2), b = power(-j / 2);
    if (!a || !b) return std::nullopt;
    return std::pair{*a, *b};
  }
  // Scales of two blocks whose alignment exponents lie j apart, the first block up and the
  // second down (UE4M3 reaches j = 28): {a_hi, b_hi, a_lo, b_lo}, or nothing.
  std::optional<std::array<uint64_t, 4>> window(int j) const {
    const int top = e8m0() ? 127 : f.emax(), bottom = e8m0() ? -127 : f.emin();
    const int hi = std::clamp((j + 1) / 2, j + 2 * bottom, 2 * top);
    auto a = power((hi + 1) / 2), b = power(hi / 2), c = power(-(j - hi + 1) / 2), d = power(-(j - hi) / 2);
    if (hi < 0 || !a || !b || !c || !d) return std::nullopt;
    return std::array<uint64_t, 4>{*a, *b, *c, *d};
  }
  // Mostly scales near 1 (the terms of a dot then overlap), some far, 1 in 64 NaN; UE4M3 codes
  // sometimes with the (ignored) sign bit set, or zero.
  uint64_t random(Rng& rng) const {
    const uint64_t r = rng.next();
    if (r % 64 == 0) return nans()[(r >> 8) % nans().size()];
    if (e8m0()) return (r >> 8) % 8 == 0 ? (r >> 16) % 255 : static_cast<uint64_t>(127 + rng.between(-20, 20));
    uint64_t code = (r >> 8) % 8 == 0 ? (r >> 16) % 0x7f : *power(rng.between(-4, 4)) | ((r >> 24) & 7);
    if ((r >> 32) % 8 == 0) code |= 0x80;
    return code;
  }
};

void random_cases(const DotSetup& s, size_t K, uint64_t n, uint64_t seed, std::vector<DotCase>& out) {
  const Codes in{*s.in}, o{*s.out};
  Rng rng{mix64(seed ^ mix64(K))};
  for (uint64_t i = 0; i < n; ++i) {
    DotCase d{"random", std::vector<uint64_t>(K), std::vector<uint64_t>(K), 0};
    // Operand exponents around the middle of the input range, such that the products stay well
    // inside the output's range (overflow and extreme spreads are the boundary cases' job).
    const int lo = std::max(in.f.emin() / 2, o.f.emin() / 4), hi = std::min(in.f.emax() / 2, o.f.emax() / 4);
    const int ea = rng.between(lo, hi), eb = rng.between(lo, hi);
    const int spread = rng.between(0, std::max(1, std::min((in.f.emax() - in.f.emin()) / 3, o.f.emax() / 4)));
    for (size_t k = 0; k < K; ++k) {
      d.a[k] = random_code(in, rng, ea, spread);
      d.b[k] = random_code(in, rng, eb, spread);
    }
    d.c = rng.next() % 4 == 0 ? 0 : random_code(o, rng, ea + eb + rng.between(-8, 8), 4);
    if (s.block) {  // drawn after the operands: the cases of unscaled claims are unchanged
      const ScaleCodes sc{*s.scale};
      for (size_t j = 0; j < K / static_cast<size_t>(s.block); ++j) {
        d.a_scales.push_back(sc.random(rng));
        d.b_scales.push_back(sc.random(rng));
      }
    }
    out.push_back(std::move(d));
  }
}

// Block-scaled claims: unit scales on every case built so far for this K (cases[first..]), then
// the cases of the scales themselves (kinds scale_*), each placed in the first and in the last
// block where the two differ.
void scale_cases(const DotSetup& s, size_t K, size_t first, std::vector<DotCase>& out) {
  const Codes in{*s.in}, o{*s.out};
  const ScaleCodes sc{*s.scale};
  const size_t block = static_cast<size_t>(s.block), blocks = K / block;
  for (size_t i = first; i < out.size(); ++i) {
    out[i].a_scales.assign(blocks, sc.one());
    out[i].b_scales.assign(blocks, sc.one());
  }
  const uint64_t one = in.one(), zero_c = 0, one_c = *o.normal(false, 0);
  // A dot of K products one * one in the blocks `full` (others 0 * 0), the given scales on blocks
  // (others one), and c.
  struct Block {
    size_t index;
    uint64_t sa, sb;
    uint64_t a = 0, b = 0;  // the block's products (0: the format's one)
    size_t count = 1;       // how many of its products are a * b (the rest 0 * 0)
    bool cancel = false;    // every second product -a * b: the block sums to 0 (or one product)
  };
  auto add = [&](const std::string& kind, std::vector<Block> blocks_given, uint64_t c) {
    for (int backward = 0; backward <= (blocks > 1 ? 1 : 0); ++backward) {
      DotCase d{kind, std::vector<uint64_t>(K, 0), std::vector<uint64_t>(K, 0), c, std::vector<uint64_t>(blocks, sc.one()),
                std::vector<uint64_t>(blocks, sc.one())};
      for (const Block& bl : blocks_given) {
        if (bl.index >= blocks) return;
        const size_t at = backward ? blocks - 1 - bl.index : bl.index;
        d.a_scales[at] = bl.sa;
        d.b_scales[at] = bl.sb;
        for (size_t k = 0; k < std::min(bl.count, block); ++k) {
          d.a[at * block + k] = bl.a ? bl.a : one;
          if (bl.cancel && k % 2) d.a[at * block + k] = in.negate(d.a[at * block + k]);
          d.b[at * block + k] = bl.b ? bl.b : one;
        }
      }
      out.push_back(std::move(d));
    }
  };
  // scale_extreme: the smallest and largest scales on one block (products one and the largest),
  // pushing the product out of the output's range or below it, beside C and beside a unit block.
  for (uint64_t x : sc.extremes())
    for (uint64_t y : sc.extremes())
      for (uint64_t c : {zero_c, one_c}) {
        add("scale_extreme", {{0, x, y}}, c);
        add("scale_extreme", {{0, x, y, in.max(), in.max(), block}}, c);
        add("scale_extreme", {{0, x, y}, {1, sc.one(), sc.one()}}, c);
      }
  // scale_window: one block dominates, another sits 2^-j below it for every j around the row's
  // cut (one product, or a whole block that reaches above the cut only when summed first).
  const uint64_t tiny = in.min_subnormal().value_or(one);
  for (int j : cut_exponents(*s.model, *s.out)) {
    if (auto w = sc.window(j)) {
      add("scale_window", {{0, (*w)[0], (*w)[1]}, {1, (*w)[2], (*w)[3]}}, zero_c);
      add("scale_window", {{0, (*w)[0], (*w)[1]}, {1, (*w)[2], (*w)[3], 0, in.negate(one), block}}, zero_c);
      add("scale_window", {{0, (*w)[0], (*w)[1]}, {1, (*w)[2], (*w)[3], tiny, tiny, block}}, zero_c);
      add("scale_window", {{0, (*w)[0], (*w)[1], in.max(), in.max()}, {1, (*w)[2], (*w)[3], tiny, in.negate(tiny)}}, zero_c);
      // The dominant block cancels (x - x): it still sets the alignment, so what the cut leaves
      // of the small block is the result. UE4M3 significands 1.875 * 1.625 (binary 11000011 /
      // 2^6) put the small block's last bits 6 below its alignment exponent.
      const Block cancelling{0, (*w)[0], (*w)[1], 0, 0, 2, true};
      add("scale_window", {cancelling, {1, (*w)[2], (*w)[3], tiny, tiny, block}}, zero_c);
      add("scale_window", {cancelling, {1, (*w)[2], (*w)[3], in.max(), tiny}}, zero_c);
      if (!sc.e8m0()) add("scale_window", {cancelling, {1, (*w)[2] | 7, (*w)[3] | 5, tiny, tiny}}, zero_c);
    }
    if (auto p = sc.split(j)) {
      add("scale_window", {{0, p->first, p->second, 0, 0, block}}, one_c);
      add("scale_window", {{0, p->first, p->second}}, o.negate(one_c));
    }
  }
  // scale_window across steps: C = 2^(p+1) (p: the output's fraction bits) and two unit products
  // of half its ulp, the first and the last of the dot. One fused step keeps both (C + 1 ulp);
  // steps chained within K round the first away before the second arrives.
  if (auto big = o.normal(false, o.f.man_bits + 1)) {
    DotCase d{"scale_window", std::vector<uint64_t>(K, 0), std::vector<uint64_t>(K, 0), *big,
              std::vector<uint64_t>(blocks, sc.one()), std::vector<uint64_t>(blocks, sc.one())};
    d.a[0] = d.b[0] = d.a[K - 1] = d.b[K - 1] = one;
    out.push_back(std::move(d));
  }
  // scale_nan: a NaN scale of a or of b, on a block of products and on a block of zeros.
  for (uint64_t nan : sc.nans()) {
    add("scale_nan", {{0, nan, sc.one()}}, one_c);
    add("scale_nan", {{0, sc.one(), nan}, {1, sc.one(), sc.one()}}, zero_c);
    add("scale_nan", {{0, nan, sc.one(), 0, 0, 0}}, one_c);
  }
  if (sc.e8m0()) return;
  // UE4M3: the sign bit is ignored (negative-looking scales scale by their magnitude).
  for (uint64_t neg : {uint64_t{0xb8}, uint64_t{0xc0}, uint64_t{0x80}, uint64_t{0x81}, uint64_t{0xfe}}) {
    add("scale_sign", {{0, neg, sc.one()}}, zero_c);
    add("scale_sign", {{0, neg, neg}, {1, sc.one(), sc.one()}}, one_c);
  }
  // Zero scales: the block vanishes, an infinite operand times a zero scale is NaN.
  add("scale_zero", {{0, 0x00, sc.one()}}, zero_c);
  add("scale_zero", {{0, sc.one(), 0x00, 0, 0, block}, {1, sc.one(), sc.one()}}, one_c);
  add("scale_zero", {{0, 0x00, 0x00}}, o.negate(one_c));
  if (auto inf = in.inf(false)) add("scale_zero", {{0, 0x00, sc.one(), *inf, one}}, zero_c);
  // Subnormal scales 0x01..0x07: m/8 * 2^-6.
  for (uint64_t sub = 1; sub <= 7; ++sub) {
    add("scale_subnormal", {{0, sub, sc.one()}}, zero_c);
    add("scale_subnormal", {{0, sub, sub, 0, 0, block}, {1, sc.one(), sc.one()}}, zero_c);
  }
}

void exhaustive_cases(const DotSetup& s, std::vector<DotCase>& out) {
  const uint64_t n = s.in->code_count();
  for (uint64_t a0 = 0; a0 < n; ++a0)
    for (uint64_t a1 = 0; a1 < n; ++a1)
      for (uint64_t b0 = 0; b0 < n; ++b0)
        for (uint64_t b1 = 0; b1 < n; ++b1) out.push_back({"exhaustive", {a0, a1}, {b0, b1}, 0});
}

bool exhaustive_applies(const DotSetup& s, std::span<const size_t> ks) {
  return s.in->bits() * 4 <= 16 && std::find(ks.begin(), ks.end(), size_t{2}) != ks.end();
}

// What the claimed row gives for one dot (with its scales where the claim has them).
uint64_t expected(const DotSetup& s, const GemmOptions& gemm, std::span<const uint64_t> a, std::span<const uint64_t> b,
                  uint64_t c, std::span<const uint64_t> a_scales, std::span<const uint64_t> b_scales) {
  if (!s.block) return dot(*s.model, *s.in, a, b, c, gemm).code;
  return dot(*s.model, *s.in, a, b, c, s.scales(a_scales, b_scales), gemm).code;
}

bool same_result(const Format& out, uint64_t got, uint64_t want) {
  if (got & ~out.code_mask()) return false;
  if (got == want) return true;
  return decode(out, got).cls == CodeClass::NaN && decode(out, want).cls == CodeClass::NaN;
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

uint64_t hex_from_json(const json& j) {
  const std::string s = j.get<std::string>();
  if (s.size() < 3 || s.size() > 18 || s.rfind("0x", 0) != 0) throw InputError("report: bad code '" + s.substr(0, 40) + "'");
  uint64_t v = 0;
  for (char ch : s.substr(2)) {
    const int d = (ch >= '0' && ch <= '9') ? ch - '0' : (ch >= 'a' && ch <= 'f') ? ch - 'a' + 10 : -1;
    if (d < 0) throw InputError("report: bad code '" + s.substr(0, 40) + "'");
    v = v * 16 + static_cast<uint64_t>(d);
  }
  return v;
}

json code_json(const Format& f, uint64_t code) {
  if (code & ~f.code_mask()) return {{"code", hex64(code)}, {"exact", "not a code of " + f.name}};
  return {{"code", cli::code_hex(f, code)}, {"exact", to_exact_string(decode(f, code).value)}};
}

json codes_json(const Format& f, const std::vector<uint64_t>& codes) {
  json a = json::array();
  for (uint64_t c : codes) a.push_back(cli::code_hex(f, c));
  return a;
}

}  // namespace

DotCaseSet DotCaseSet::parse(const std::string& label) {
  DotCaseSet s;
  if (label == "boundary" || label == "exhaustive") {
    s.kind = label;
    return s;
  }
  if (label.rfind("random:", 0) == 0) {
    const std::string n = label.substr(7);
    if (!n.empty() && n.size() <= 8 && std::all_of(n.begin(), n.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      s.kind = "random";
      s.random = std::stoull(n);
      if (s.random >= 1 && s.random <= kMaxDotRandom) return s;
    }
  }
  throw InputError("dot cases '" + label.substr(0, 40) + "': expected boundary, exhaustive or random:N (1 <= N <= " +
                   std::to_string(kMaxDotRandom) + ")");
}

std::string DotCaseSet::label() const { return kind == "random" ? "random:" + std::to_string(random) : kind; }

DotSetup dot_setup(const DotClaim& claim) {
  DotSetup s;
  s.model = &dot_model(claim.model, claim.input, claim.output);
  s.in = &format_by_name(claim.input);
  s.out = &format_by_name(claim.output);
  if (s.in->kind != FormatKind::Float) throw InputError("dot checks take float input formats, not " + s.in->name);
  const std::vector<BlockScaleRule>& rules = s.model->block_scales;
  std::string names;
  for (const BlockScaleRule& r : rules) names += (names.empty() ? "" : ", ") + r.format + "/" + std::to_string(r.block);
  if (!rules.empty() && !claim.scales)
    throw InputError("model " + s.model->name + " is block-scaled: the claim needs one of its scale rules (" + names + ")");
  if (rules.empty() && claim.scales)
    throw InputError("model " + s.model->name + " takes no block scales (claimed " + claim.scales->format + "/" +
                     std::to_string(claim.scales->block) + ")");
  if (claim.scales) {
    const bool known = std::any_of(rules.begin(), rules.end(), [&](const BlockScaleRule& r) {
      return r.format == claim.scales->format && r.block == claim.scales->block;
    });
    if (!known)
      throw InputError("model " + s.model->name + " takes scales " + names + ", not " + claim.scales->format + "/" +
                       std::to_string(claim.scales->block));
    s.scale = &format_by_name(claim.scales->format);
    s.block = claim.scales->block;
  }
  return s;
}

std::vector<DotCase> dot_cases(const DotClaim& claim, std::span<const size_t> ks, const DotCaseSet& set, uint64_t seed) {
  const DotSetup s = dot_setup(claim);
  std::vector<DotCase> cases;
  if (set.kind == "exhaustive") {
    if (!exhaustive_applies(s, ks))
      throw InputError("dot cases 'exhaustive' take K = 2 over a format of at most 4 bits (" + s.in->name + " has " +
                       std::to_string(s.in->bits()) + ")");
    if (s.block) throw InputError("dot cases 'exhaustive' take K = 2, less than a scale block");
    exhaustive_cases(s, cases);
    return cases;
  }
  for (size_t K : ks) {
    if (K == 0 || K > 4096) throw InputError("dot ops take 1 <= K <= 4096, got " + std::to_string(K));
    if (s.block && K % static_cast<size_t>(s.block) != 0)
      throw InputError("K = " + std::to_string(K) + " is not a multiple of the scale block " + std::to_string(s.block) +
                       " (" + s.model->name + ")");
    const size_t first = cases.size();
    if (set.kind == "boundary") boundary_cases(s, K, cases);
    else random_cases(s, K, set.random, seed, cases);
    if (s.block && set.kind == "boundary") scale_cases(s, K, first, cases);
  }
  return cases;
}

std::vector<std::string> dot_suite_case_kinds(const DotClaim& claim, std::span<const size_t> ks) {
  std::vector<std::string> kinds;
  if (exhaustive_applies(dot_setup(claim), ks)) kinds.push_back("exhaustive");
  kinds.push_back("boundary");
  kinds.push_back("random:1024");
  return kinds;
}

DotCheckRecord dot_check_record(const std::string& subject, const DotOp& op, const std::string& label, uint64_t seed,
                                const std::vector<DotCase>& cases, int shard_index, int shard_count) {
  DotCheckRecord r;
  r.subject = subject;
  r.entry = op.entry;
  r.op_name = op.name;
  r.claim = op.claim;
  r.parameters = describe_parameters(*dot_setup(op.claim).model);
  r.ks = op.ks;
  r.case_label = label;
  r.seed = seed;
  r.case_count = cases.size();
  for (uint64_t i = 0; i < cases.size(); ++i) {
    if (r.kinds.empty() || r.kinds.back().kind != cases[i].kind || r.kinds.back().K != cases[i].a.size())
      r.kinds.push_back({cases[i].kind, cases[i].a.size(), i, 0});
    ++r.kinds.back().count;
  }
  r.range_begin = cases.size() * static_cast<uint64_t>(shard_index) / static_cast<uint64_t>(shard_count);
  r.range_end = cases.size() * static_cast<uint64_t>(shard_index + 1) / static_cast<uint64_t>(shard_count);
  r.status = "interrupted";
  return r;
}

DotAnswers op_answers(const DotOp& op, const std::vector<DotCase>&) {
  return [&op](uint64_t, const DotBatch& batch) { op.run(batch); };
}

void run_dot_check(DotCheckRecord& rec, const std::vector<DotCase>& cases, const DotAnswers& answers, size_t max_examples) {
  const DotSetup s = dot_setup(rec.claim);
  const auto t0 = std::chrono::steady_clock::now();
  rec.checked = rec.failed = 0;
  rec.examples.clear();
  rec.diagnosis.clear();
  rec.diagnosed = false;
  rec.error.clear();
  std::vector<DotRecord> answered;
  const uint64_t end = std::min<uint64_t>(rec.range_end, cases.size());
  constexpr size_t kBatch = 4096;
  for (uint64_t first = std::min<uint64_t>(rec.range_begin, end); first < end && rec.error.empty();) {
    const size_t K = cases[first].a.size();
    uint64_t last = first;
    while (last < end && last - first < kBatch && cases[last].a.size() == K) ++last;
    const size_t n = last - first;
    std::vector<uint64_t> a, b, c(n), d(n, 0), sa, sb;
    a.reserve(n * K);
    b.reserve(n * K);
    for (size_t i = 0; i < n; ++i) {
      const DotCase& dc = cases[first + i];
      a.insert(a.end(), dc.a.begin(), dc.a.end());
      b.insert(b.end(), dc.b.begin(), dc.b.end());
      sa.insert(sa.end(), dc.a_scales.begin(), dc.a_scales.end());
      sb.insert(sb.end(), dc.b_scales.begin(), dc.b_scales.end());
      c[i] = dc.c;
    }
    try {
      answers(first, DotBatch{K, n, a, b, c, d, sa, sb});
    } catch (const std::exception& e) {
      rec.error = std::string("subject failed on cases ") + std::to_string(first) + ".." + std::to_string(last - 1) + ": " + e.what();
      break;
    }
    for (size_t i = 0; i < n; ++i) {
      const DotCase& dc = cases[first + i];
      const uint64_t want = expected(s, rec.claim.gemm, dc.a, dc.b, dc.c, dc.a_scales, dc.b_scales);
      ++rec.checked;
      if (!same_result(*s.out, d[i], want)) {
        ++rec.failed;
        if (rec.examples.size() < max_examples)
          rec.examples.push_back({first + i, dc.kind, dc.a, dc.b, dc.c, want, d[i], dc.a_scales, dc.b_scales});
      }
      if (!(d[i] & ~s.out->code_mask())) answered.push_back({dc.a, dc.b, dc.c, d[i], dc.a_scales, dc.b_scales});
    }
    first = last;
  }
  if (rec.failed && rec.error.empty()) {
    // Differing records first: a wrong candidate is then rejected on its first record.
    std::stable_partition(answered.begin(), answered.end(), [&](const DotRecord& r) {
      return !same_result(*s.out, r.d, expected(s, rec.claim.gemm, r.a, r.b, r.c, r.a_scales, r.b_scales));
    });
    const bool all_in_range = answered.size() == rec.checked;
    if (all_in_range)
      for (const DotCandidate& c : diagnose_dot(*s.in, *s.out, answered, rec.claim.scales)) rec.diagnosis.push_back(c.label);
    rec.diagnosed = all_in_range;
  }
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rec.status.clear();
  finalize(rec);
}

void finalize(DotCheckRecord& r) {
  if (r.status == "skipped" || r.status == "interrupted") return;
  r.status = check_status({false, !r.error.empty(), r.failed > 0, false});
}

std::string dot_diagnosis_text(const DotCheckRecord& r) {
  if (!r.diagnosed) return "";
  if (r.diagnosis.empty()) return "matches no model (no row, no neighbour of one, reproduces every dot)";
  std::string t = "behaves exactly as: ";
  for (size_t i = 0; i < r.diagnosis.size(); ++i)  // "as h100 with F=20 (...)" reads "behaves exactly as: h100 with F=20"
    t += (i ? "; " : "") + (r.diagnosis[i].rfind("as ", 0) == 0 ? r.diagnosis[i].substr(3) : r.diagnosis[i]);
  return t;
}

std::string dot_claim_text(const DotCheckRecord& r) {
  std::string t = r.claim.model + " (" + r.parameters + ")";
  if (r.claim.scales) t += " with " + r.claim.scales->format + " scales per " + std::to_string(r.claim.scales->block);
  return t;
}

std::string dot_status_line(const DotCheckRecord& r) {
  std::string tail;
  if (r.status == "skipped") tail = r.skipped_reason;
  else if (r.status == "interrupted") tail = "not run: interrupted (fpconform run --resume REPORT runs it)";
  else {
    std::vector<uint64_t> Ks;  // the K values of the cases (exhaustive: 2 only)
    for (const DotKindRange& k : r.kinds)
      if (std::find(Ks.begin(), Ks.end(), k.K) == Ks.end()) Ks.push_back(k.K);
    std::string ks;
    for (uint64_t K : Ks) ks += (ks.empty() ? "" : ",") + std::to_string(K);
    tail = std::to_string(r.checked) + " dots (K=" + ks + "), " + std::to_string(r.failed) + " differ from " + dot_claim_text(r);
    if (!r.error.empty()) tail += "; " + r.error;
    if (r.diagnosed) tail += "; " + dot_diagnosis_text(r);
  }
  return check_line(r.status, r.id(), tail);
}

json dot_check_to_json(const DotCheckRecord& r) {
  json j = common_to_json(r, r.id(), r.case_count);
  const DotSetup s = dot_setup(r.claim);
  j["op"] = r.op_name;
  j["claim"] = {{"model", r.claim.model},
                {"input", r.claim.input},
                {"output", r.claim.output},
                {"promotion_interval", r.claim.gemm.promotion_interval},
                {"split_k", r.claim.gemm.split_k},
                {"parameters", r.parameters}};
  if (r.claim.scales) j["claim"]["scales"] = {{"format", r.claim.scales->format}, {"block", r.claim.scales->block}};
  j["cases"]["ks"] = r.ks;
  json kinds = json::array();
  for (const DotKindRange& k : r.kinds) kinds.push_back({{"kind", k.kind}, {"K", k.K}, {"first", k.first}, {"count", k.count}});
  j["cases"]["kinds"] = kinds;
  j["counts"] = {{"checked", r.checked}, {"failed", r.failed}};
  json examples = json::array();
  for (const DotMismatch& m : r.examples) {
    examples.push_back({{"index", m.index},
                        {"kind", m.kind},
                        {"a", codes_json(*s.in, m.a)},
                        {"b", codes_json(*s.in, m.b)},
                        {"c", code_json(*s.out, m.c)},
                        {"expected", code_json(*s.out, m.expected)},
                        {"actual", code_json(*s.out, m.actual)}});
    if (s.scale) {
      examples.back()["a_scales"] = codes_json(*s.scale, m.a_scales);
      examples.back()["b_scales"] = codes_json(*s.scale, m.b_scales);
    }
  }
  j["mismatches"] = examples;
  if (r.diagnosed) j["diagnosis"] = r.diagnosis;
  if (!r.error.empty()) j["error"] = r.error;
  return j;
}

DotCheckRecord dot_check_from_json(const json& j) {
  DotCheckRecord r;
  common_from_json(j, r);
  r.op_name = j.at("op").get<std::string>();
  const json& claim = j.at("claim");
  r.claim.model = claim.at("model").get<std::string>();
  r.claim.input = claim.at("input").get<std::string>();
  r.claim.output = claim.at("output").get<std::string>();
  r.claim.gemm.promotion_interval = claim.at("promotion_interval").get<int>();
  r.claim.gemm.split_k = claim.at("split_k").get<int>();
  r.parameters = claim.at("parameters").get<std::string>();
  if (claim.contains("scales"))
    r.claim.scales = BlockScaleRule{claim["scales"].at("format").get<std::string>(), claim["scales"].at("block").get<int>()};
  const DotSetup s = dot_setup(r.claim);
  r.case_count = j.at("cases").at("count").get<uint64_t>();
  r.ks = j.at("cases").at("ks").get<std::vector<size_t>>();
  for (const json& k : j.at("cases").at("kinds"))
    r.kinds.push_back({k.at("kind").get<std::string>(), k.at("K").get<uint64_t>(), k.at("first").get<uint64_t>(),
                       k.at("count").get<uint64_t>()});
  r.checked = j.at("counts").at("checked").get<uint64_t>();
  r.failed = j.at("counts").at("failed").get<uint64_t>();
  for (const json& m : j.at("mismatches")) {
    DotMismatch x;
    x.index = m.at("index").get<uint64_t>();
    x.kind = m.at("kind").get<std::string>();
    for (const json& code : m.at("a")) x.a.push_back(cli::parse_hex_code(*s.in, code.get<std::string>()));
    for (const json& code : m.at("b")) x.b.push_back(cli::parse_hex_code(*s.in, code.get<std::string>()));
    x.c = cli::parse_hex_code(*s.out, m.at("c").at("code").get<std::string>());
    x.expected = cli::parse_hex_code(*s.out, m.at("expected").at("code").get<std::string>());
    x.actual = hex_from_json(m.at("actual").at("code"));
    if (s.scale) {
      for (const json& code : m.at("a_scales")) x.a_scales.push_back(cli::parse_hex_code(*s.scale, code.get<std::string>()));
      for (const json& code : m.at("b_scales")) x.b_scales.push_back(cli::parse_hex_code(*s.scale, code.get<std::string>()));
    }
    r.examples.push_back(std::move(x));
  }
  if (j.contains("diagnosis")) {
    r.diagnosed = true;
    r.diagnosis = j["diagnosis"].get<std::vector<std::string>>();
  }
  if (j.contains("error")) r.error = j["error"].get<std::string>();
  return r;
}

DotCheckRecord merge_dot_check(const std::vector<const DotCheckRecord*>& shards, size_t max_examples) {
  std::vector<const DotCheckRecord*> sorted = shards;
  std::sort(sorted.begin(), sorted.end(), [](auto* x, auto* y) { return x->range_begin < y->range_begin; });
  DotCheckRecord m = *sorted.front();
  m.checked = m.failed = 0;
  m.examples.clear();
  m.diagnosis.clear();
  m.diagnosed = false;
  m.error.clear();
  m.seconds = 0;
  uint64_t next = 0;
  bool skipped = false;
  std::optional<std::vector<std::string>> common;
  for (const DotCheckRecord* s : sorted) {
    if (s->range_begin != next || s->case_count != m.case_count)
      throw InputError("merge: the shards of dot check " + m.id() + " do not tile its cases");
    next = s->range_end;
    m.checked += s->checked;
    m.failed += s->failed;
    m.seconds += s->seconds;
    skipped = skipped || s->status == "skipped";
    if (m.error.empty()) m.error = s->error;
    for (const DotMismatch& x : s->examples)
      if (m.examples.size() < max_examples) m.examples.push_back(x);
    if (s->diagnosed) {
      m.diagnosed = true;
      if (!common) common = s->diagnosis;
      else
        std::erase_if(*common, [&](const std::string& d) {
          return std::find(s->diagnosis.begin(), s->diagnosis.end(), d) == s->diagnosis.end();
        });
    }
  }
  if (next != m.case_count) throw InputError("merge: the shards of dot check " + m.id() + " do not tile its cases");
  if (common) m.diagnosis = *common;
  m.range_begin = 0;
  m.range_end = m.case_count;
  m.status = skipped ? "skipped" : "";
  finalize(m);
  return m;
}

}  // namespace fpc
