#include "check/element/cases.hpp"

#include "fpconform/vector_clones.hpp"

#include <algorithm>
#include <set>

namespace fpc {

namespace {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

uint64_t mix64(uint64_t x) { return splitmix64(x); }

namespace {

constexpr uint64_t kRandomBitsSalt = 0x5eed5eed5eed5eedULL;

uint64_t low_mask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

// Exhaustive cases: the case index's digits in base 2^bits, most significant first. Every sweep
// of 2^32 cases is unary or binary; these are its hot loops.
FPC_VECTOR_CLONES void fill_exhaustive_unary(uint64_t* a, uint64_t begin, size_t n, uint64_t mask) {
  for (size_t j = 0; j < n; ++j) a[j] = (begin + j) & mask;
}
FPC_VECTOR_CLONES void fill_exhaustive_binary(uint64_t* a, uint64_t* b, uint64_t begin, size_t n, int bits,
                                              uint64_t mask) {
  for (size_t j = 0; j < n; ++j) {
    const uint64_t i = begin + j;
    a[j] = (i >> bits) & mask;
    b[j] = i & mask;
  }
}

// fill_indices at each width: one vectorised pass (the operand arrays an in-process check hands
// to a function).
// Codes of at most 32 bits count with a 32-bit induction variable: the vectoriser then adds
// one vector of lane offsets per store (a 64-bit one costs a permute per store).
#define FPC_FILL_INDICES(T)                                                              \
  FPC_VECTOR_CLONES void fill_indices_##T(T* out, uint64_t begin, size_t n) {             \
    if constexpr (sizeof(T) == 8) {                                                      \
      for (size_t j = 0; j < n; ++j) out[j] = static_cast<T>(begin + j);                 \
    } else {                                                                             \
      for (size_t done = 0; done < n;) {                                                 \
        const uint32_t m = static_cast<uint32_t>(std::min<size_t>(n - done, size_t{1} << 31)); \
        const uint32_t first = static_cast<uint32_t>(begin + done);                      \
        T* o = out + done;                                                               \
        for (uint32_t j = 0; j < m; ++j) o[j] = static_cast<T>(first + j);               \
        done += m;                                                                       \
      }                                                                                  \
    }                                                                                    \
  }
FPC_FILL_INDICES(uint8_t)
FPC_FILL_INDICES(uint16_t)
FPC_FILL_INDICES(uint32_t)
FPC_FILL_INDICES(uint64_t)
#undef FPC_FILL_INDICES

// The random cases' hot loop: clones for AVX-512 (with DQ: 64-bit multiplies and conversions),
// AVX2 and the baseline, picked at load time.
#if !defined(FPC_NO_VECTOR_CLONES) && defined(__x86_64__) && defined(__ELF__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define FPC_RANDOM_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef FPC_RANDOM_CLONES
#define FPC_RANDOM_CLONES
#endif

// x mod d for x < 2^56 and 1 <= d <= 2^11, by two exact steps in binary64 (vectorisable, unlike
// the integer division). With x = xh 2^28 + xl, x mod d = ((xh mod d)(2^28 mod d) + xl) mod d, and
// the second dividend is below 2^11 2^11 + 2^28 < 2^29. For an integer y < 2^29, (y + 1/2) / d
// lies at least 1/(2d) >= 2^-12 from every integer, and fl(fl(y + 1/2) * fl(1/d)) = (y + 1/2) / d
// within a relative 2^-52 (absolute 2^-23): truncating it gives floor(y / d) exactly.
inline uint64_t mod_small(uint64_t x, uint64_t d, double inv_d, uint64_t two28_mod_d) {
  auto quotient = [inv_d](uint64_t y) {
    return static_cast<uint64_t>(static_cast<int64_t>((static_cast<double>(static_cast<int64_t>(y)) + 0.5) * inv_d));
  };
  const uint64_t xh = x >> 28, xl = x & ((uint64_t{1} << 28) - 1);
  const uint64_t y = (xh - quotient(xh) * d) * two28_mod_d + xl;
  return y - quotient(y) * d;
}

// Operand k of random float cases [begin, begin + n): the scalar rule of CaseSource::fill (half
// the cases uniform over codes, half log-uniform over values: a binade in [lo, lo + range), a
// sign, a mantissa), written branch-free so that it vectorises. range <= 2^11 (every exponent
// field of a float of at most 11 exponent bits).
FPC_RANDOM_CLONES void fill_random_float(uint64_t* out, uint64_t begin, size_t n, uint64_t seed, uint64_t k,
                                         uint64_t mask, int man_bits, uint64_t sign_bit, uint64_t lo, uint64_t range) {
  const uint64_t man_mask = (uint64_t{1} << man_bits) - 1, two28_mod = (uint64_t{1} << 28) % range;
  const double inv_range = 1.0 / static_cast<double>(range);
  for (size_t j = 0; j < n; ++j) {
    const uint64_t h = splitmix64(seed ^ splitmix64((begin + j) * 4 + k));
    const uint64_t field = lo + mod_small(h >> 8, range, inv_range, two28_mod);
    const uint64_t code = (sign_bit & (0 - ((h >> 7) & 1))) | (field << man_bits) | (splitmix64(h) & man_mask);
    const uint64_t log_uniform = 0 - (h & 1);
    out[j] = (((h >> 1) & mask) & ~log_uniform) | (code & log_uniform);
  }
}

uint64_t float_code(const Format& f, bool negative, uint64_t field, uint64_t mant) {
  uint64_t sign = negative && f.has_sign ? uint64_t{1} << (f.bits() - 1) : 0;
  return sign | (field << f.man_bits) | (mant & low_mask(f.man_bits));
}

// Number of the result format's significand bits (after the leading one) that survive for an
// input of binade e, or a large value when the result format is not a binary float.
int kept_fraction_bits(const Format& out, int e) {
  if (out.kind == FormatKind::Integer) return -e;  // integers keep bits down to 2^0
  if (out.kind != FormatKind::Float) return 2;
  return e >= out.emin() ? out.man_bits : out.man_bits - (out.emin() - e);
}

// Special and edge codes of a float format: zeros, infinities, NaNs with several payloads and
// both signs, extremes of every class, and values around 1.
std::vector<uint64_t> special_codes(const Format& f) {
  std::set<uint64_t> s;
  auto both = [&](uint64_t c) {
    s.insert(c & f.code_mask());
    if (f.has_sign) s.insert((c | (uint64_t{1} << (f.bits() - 1))) & f.code_mask());
  };
  both(0);
  both(f.max_finite_code());
  both(f.min_positive_code());
  if (f.kind == FormatKind::Float) {
    both(f.min_normal_code());
    if (f.man_bits > 0 && f.has_subnormals) both(f.min_normal_code() - 1);  // largest subnormal
    if (f.max_finite_code() > 0) both(f.max_finite_code() - 1);
    if (f.has_inf()) both(f.inf_code(false));
    if (f.has_nan()) {
      both(f.nan_code());
      if (f.nonfinite == NonFinite::Ieee && f.man_bits > 0) {
        both(f.inf_code(false) | 1);                          // signalling-style payload
        both(f.inf_code(false) | low_mask(f.man_bits));       // all-ones payload
      }
    }
    int one_field = f.bias;  // the code of 1.0 when it is a normal value
    if (one_field > 0 && one_field <= f.top_finite_exp_field()) {
      both(float_code(f, false, static_cast<uint64_t>(one_field), 0));
      both(float_code(f, false, static_cast<uint64_t>(one_field), 1));
      both(float_code(f, false, static_cast<uint64_t>(one_field) - 1, low_mask(f.man_bits)));
    }
  }
  return {s.begin(), s.end()};
}

// Float inputs around every rounding point of the output: for each binade of the input, the
// bits at the output's last kept position, round bit and sticky bits in every combination that
// matters (tie, one input ulp either side, carry into the next binade), both signs.
std::vector<uint64_t> conversion_boundaries(const Format& in, const Format& out) {
  std::set<uint64_t> s;
  for (uint64_t c : special_codes(in)) s.insert(c);
  const int m = in.man_bits;
  const uint64_t all = low_mask(m);
  const uint64_t top_field = static_cast<uint64_t>(in.top_finite_exp_field());
  for (uint64_t field = 0; field <= top_field; ++field) {
    int e = field == 0 && in.has_zero ? in.emin() - 1 : static_cast<int>(field) - in.bias;
    int lsb = m - kept_fraction_bits(out, e);  // bit index of the output's last kept bit
    std::vector<uint64_t> mants = {0, 1, all, all >> 1, uint64_t{1} << (m > 0 ? m - 1 : 0)};
    if (lsb >= 1 && lsb <= m) {
      const int r = lsb - 1;
      const uint64_t sticky_all = low_mask(r);
      const uint64_t above = lsb < m ? all & ~low_mask(lsb + 1) : 0;  // kept bits above the lsb
      for (uint64_t hi : std::initializer_list<uint64_t>{0, above, above & 0x5555555555555555ULL})
        for (uint64_t l = 0; l < 2; ++l)
          for (uint64_t rb = 0; rb < 2; ++rb)
            for (uint64_t st : std::initializer_list<uint64_t>{0, 1, r > 0 ? uint64_t{1} << (r - 1) : 0, sticky_all}) {
              uint64_t kept_lsb = lsb < m ? l << lsb : 0;
              mants.push_back((hi | kept_lsb | (rb << r) | (st & sticky_all)) & all);
            }
    }
    for (uint64_t mant : mants) {
      if (field == 0 && in.has_zero && !in.has_subnormals) mant = 0;
      s.insert(float_code(in, false, field, mant));
      if (in.has_sign) s.insert(float_code(in, true, field, mant));
    }
  }
  // Keep only codes that decode (a format's NaN/inf slots are covered by special_codes).
  return {s.begin(), s.end()};
}

// Operand tuples for arithmetic: all pairs (triples) of edge codes, plus near-tie additions.
std::vector<uint64_t> arithmetic_boundaries(const Format& f, int arity) {
  std::vector<uint64_t> edges = special_codes(f);
  std::vector<uint64_t> flat;
  if (arity == 1) return edges;
  if (arity == 2) {
    for (uint64_t a : edges)
      for (uint64_t b : edges) flat.insert(flat.end(), {a, b});
    if (f.kind == FormatKind::Float && f.man_bits > 0) {
      // a = (1 + j ulp) 2^E and b = 2^(E-p) (half an ulp of a) and its neighbours: exact ties
      // and near ties of the sum for a spread of exponents.
      const int p = f.man_bits + 1;
      for (uint64_t field = static_cast<uint64_t>(p) + 1; field <= static_cast<uint64_t>(f.top_finite_exp_field());
           field += std::max<uint64_t>(1, static_cast<uint64_t>(f.top_finite_exp_field()) / 12))
        for (uint64_t j = 0; j < 4; ++j)
          for (uint64_t bm : {uint64_t{0}, uint64_t{1}, low_mask(f.man_bits)}) {
            uint64_t a = float_code(f, false, field, j);
            uint64_t bfield = field - static_cast<uint64_t>(p);
            uint64_t b = float_code(f, false, bfield, bm);
            flat.insert(flat.end(), {a, b});
            if (f.has_sign) flat.insert(flat.end(), {a, b | (uint64_t{1} << (f.bits() - 1))});
          }
    }
    return flat;
  }
  std::vector<uint64_t> few(edges.begin(), edges.begin() + static_cast<long>(std::min<size_t>(edges.size(), 24)));
  for (uint64_t a : few)
    for (uint64_t b : few)
      for (uint64_t c : few) flat.insert(flat.end(), {a, b, c});
  return flat;
}

// A conversion between formats: "convert", or "abs" into another format (CUDA's e8m0 and ue5m3
// conversions round |x|), whose cases must aim at the output's rounding points and range.
bool converts(const OpSemantics& s) { return s.op == "convert" || (s.op == "abs" && s.in != s.out); }

}  // namespace

void fill_indices(void* out, int bytes, uint64_t begin, size_t n) {
  switch (bytes) {
    case 1: fill_indices_uint8_t(static_cast<uint8_t*>(out), begin, n); break;
    case 2: fill_indices_uint16_t(static_cast<uint16_t*>(out), begin, n); break;
    case 4: fill_indices_uint32_t(static_cast<uint32_t*>(out), begin, n); break;
    case 8: fill_indices_uint64_t(static_cast<uint64_t*>(out), begin, n); break;
    default: throw InputError("fill_indices: codes of 1, 2, 4 or 8 bytes");
  }
}

std::string CaseSource::label() const {
  switch (kind_) {
    case CaseKind::Exhaustive: return "exhaustive";
    case CaseKind::Boundary: return "boundary";
    case CaseKind::Random: return "random:" + std::to_string(count_);
    case CaseKind::Listed: return "listed:" + std::to_string(count_);
  }
  return "?";
}

CaseSource::CaseSource(CaseKind kind, const OpSemantics& s) {
  if (!s.in || !s.out) throw InputError("check without formats");
  kind_ = kind;
  arity_ = s.arity();
  in_bits_ = s.in->bits();
  in_ = s.in;
  out_ = s.out;
  stochastic_ = s.rounding == Rounding::Stochastic;
  sr_bits_ = s.sr_bits;
}

CaseSource CaseSource::exhaustive(const OpSemantics& s) {
  CaseSource c(CaseKind::Exhaustive, s);
  const int total = c.in_bits_ * c.arity_;
  if (total > 32)
    throw InputError("exhaustive cases of " + s.describe() + " would be 2^" + std::to_string(total) +
                     " (at most 2^32)");
  c.count_ = uint64_t{1} << total;
  return c;
}

CaseSource CaseSource::boundary(const OpSemantics& s) {
  CaseSource c(CaseKind::Boundary, s);
  std::vector<uint64_t> flat;
  if (s.in->kind != FormatKind::Float || (c.arity_ == 1 && s.in->bits() <= 12)) {
    // Small or non-float inputs: the boundary set is every code.
    if (c.in_bits_ * c.arity_ > 24) throw InputError("no boundary generator for " + s.describe());
    for (uint64_t i = 0; i < (uint64_t{1} << (c.in_bits_ * c.arity_)); ++i) {
      for (int k = c.arity_ - 1; k >= 0; --k) flat.push_back((i >> (k * c.in_bits_)) & low_mask(c.in_bits_));
    }
  } else if (c.arity_ == 1 && converts(s)) {
    flat = conversion_boundaries(*s.in, *s.out);
  } else {
    flat = arithmetic_boundaries(*s.in, c.arity_);
  }
  c.count_ = flat.size() / static_cast<size_t>(c.arity_);
  c.table_ = std::make_shared<const std::vector<uint64_t>>(std::move(flat));
  return c;
}

CaseSource CaseSource::random(const OpSemantics& s, uint64_t count, uint64_t seed) {
  CaseSource c(CaseKind::Random, s);
  c.count_ = count;
  c.seed_ = seed;
  if (s.in->kind == FormatKind::Float) {
    // Log-uniform values span the output's range (with a margin for overflow and underflow)
    // when the output is a narrower float, else the whole input range.
    int64_t lo = 0, hi = s.in->top_finite_exp_field();
    if (s.out->kind == FormatKind::Float && converts(s)) {
      lo = std::max<int64_t>(lo, s.out->emin() - s.out->man_bits - 2 + s.in->bias);
      hi = std::min<int64_t>(hi, s.out->emax() + 2 + s.in->bias);
    }
    if (lo > hi) lo = 0, hi = s.in->top_finite_exp_field();
    c.field_lo_ = static_cast<uint64_t>(lo);
    c.field_hi_ = static_cast<uint64_t>(hi);
  }
  return c;
}

CaseSource CaseSource::listed(const OpSemantics& s, std::vector<uint64_t> flat) {
  CaseSource c(CaseKind::Listed, s);
  const auto arrays = static_cast<size_t>(c.operand_arrays());
  if (flat.size() % arrays != 0)
    throw InputError("listed cases of " + s.describe() + ": " + std::to_string(flat.size()) +
                     " codes is not a whole number of cases");
  c.count_ = flat.size() / arrays;
  c.table_ = std::make_shared<const std::vector<uint64_t>>(std::move(flat));
  return c;
}

CaseSource CaseSource::parse(const OpSemantics& s, const std::string& spec, uint64_t seed) {
  if (spec == "exhaustive") return exhaustive(s);
  if (spec == "boundary") return boundary(s);
  if (spec.rfind("random:", 0) == 0) {
    std::string n = spec.substr(7);
    if (n.empty() || n.size() > 12 || n.find_first_not_of("0123456789") != std::string::npos)
      throw InputError("random cases need a count: random:N, got '" + spec + "'");
    uint64_t count = std::stoull(n);
    if (count == 0) throw InputError("random:0 has no cases");
    return random(s, count, seed);
  }
  throw InputError("unknown case kind '" + spec.substr(0, 40) + "' (exhaustive, boundary or random:N)");
}

void CaseSource::fill(uint64_t begin, size_t n, uint64_t* const* ops) const {
  const uint64_t mask = low_mask(in_bits_);
  switch (kind_) {
    case CaseKind::Exhaustive:
      if (arity_ == 1) {
        fill_exhaustive_unary(ops[0], begin, n, mask);
      } else if (arity_ == 2) {
        fill_exhaustive_binary(ops[0], ops[1], begin, n, in_bits_, mask);
      } else {
        for (size_t j = 0; j < n; ++j) {
          uint64_t i = begin + j;
          for (int k = arity_ - 1; k >= 0; --k, i >>= in_bits_) ops[k][j] = i & mask;
        }
      }
      break;
    case CaseKind::Boundary:
      for (size_t j = 0; j < n; ++j)
        for (int k = 0; k < arity_; ++k)
          ops[k][j] = (*table_)[(begin + j) * static_cast<uint64_t>(arity_) + static_cast<uint64_t>(k)];
      break;
    case CaseKind::Random: {
      const bool is_float = in_->kind == FormatKind::Float;
      const uint64_t range = field_hi_ - field_lo_ + 1;
      if (is_float && range <= (uint64_t{1} << 11) && in_->man_bits < 64) {
        const uint64_t sign_bit = in_->has_sign ? uint64_t{1} << (in_->bits() - 1) : 0;
        for (int k = 0; k < arity_; ++k)
          fill_random_float(ops[k], begin, n, seed_, static_cast<uint64_t>(k), mask, in_->man_bits, sign_bit, field_lo_, range);
        break;
      }
      for (size_t j = 0; j < n; ++j) {
        uint64_t i = begin + j;
        for (int k = 0; k < arity_; ++k) {
          uint64_t h = mix64(seed_ ^ mix64(i * 4 + static_cast<uint64_t>(k)));
          if (!is_float || (h & 1) == 0) {  // uniform over codes
            ops[k][j] = (h >> 1) & mask;
            continue;
          }
          // log-uniform over values: a uniform binade within the input's finite range, then a
          // uniform significand and sign.
          uint64_t h2 = mix64(h);
          uint64_t field = field_lo_ + (h >> 8) % (field_hi_ - field_lo_ + 1);
          ops[k][j] = float_code(*in_, (h >> 7) & 1, field, h2);
        }
      }
      break;
    }
    case CaseKind::Listed: {
      const auto arrays = static_cast<uint64_t>(operand_arrays());
      for (size_t j = 0; j < n; ++j)
        for (uint64_t k = 0; k < arrays; ++k) ops[k][j] = (*table_)[(begin + j) * arrays + k];
      return;  // the random bits are listed too
    }
  }
  if (stochastic_) {
    for (size_t j = 0; j < n; ++j) ops[arity_][j] = mix64(seed_ ^ kRandomBitsSalt ^ mix64(begin + j)) & low_mask(sr_bits_);
  }
}

}  // namespace fpc
