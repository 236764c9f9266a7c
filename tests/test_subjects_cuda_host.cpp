// The first real subjects against the exact oracle: the CUDA headers' host path ("cuda_host"),
// the unavailable device subject ("cuda_device"), and the deliberately wrong "planted_bugs".
//
// Ground truth is always fpc::exact_reference(op.semantics) (the exact oracle); nothing here is
// copied from the code under test. Inputs: every code of ≤16-bit input formats; for conversions
// from float32, a boundary-dense sample derived from the target format (every binade × kept-lsb ×
// round bit × sticky patterns, specials, NaN payloads); for 16-bit binary arithmetic, a strided
// subset of all 2^32 pairs plus specials × every code and near-cancelling pairs.
#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "fpconform/round.hpp"
#include "fpconform/semantics.hpp"
#include "fpconform/subject.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using fpc::BatchFn;
using fpc::Format;
using fpc::OpSemantics;
using fpc::Subject;
using fpc::SubjectOp;

using Operands = std::vector<std::vector<uint64_t>>;  // operands[k][i]: operand k of case i

constexpr size_t kBatch = 65536;  // the harness's largest batch

std::vector<uint64_t> run_batched(const BatchFn& fn, const Operands& in) {
  const size_t n = in.at(0).size();
  std::vector<uint64_t> out(n, ~uint64_t{0});
  std::vector<const uint64_t*> ptrs(in.size());
  for (size_t start = 0; start < n; start += kBatch) {
    const size_t len = std::min(kBatch, n - start);
    for (size_t k = 0; k < in.size(); ++k) ptrs[k] = in[k].data() + start;
    fn(ptrs.data(), out.data() + start, len);
  }
  return out;
}

bool is_nan_code(const Format& f, uint64_t code) {
  return code <= f.code_mask() && fpc::decode(f, code).cls == fpc::CodeClass::NaN;
}

struct Mismatch {
  std::array<uint64_t, 3> in{};
  uint64_t want = 0;
  uint64_t got = 0;
};

struct Comparison {
  size_t cases = 0;
  size_t mismatches = 0;             // NaN matches any NaN (the checker's default)
  size_t nan_bits_differ = 0;        // both NaN but not the same code (the oracle's NaN is canonical)
  std::map<uint64_t, size_t> subject_nans;  // NaN codes the subject produced, with counts
  std::vector<Mismatch> first;       // first few mismatches, in case order
  std::map<std::string, size_t> by_class;
  double seconds_subject = 0;
  double seconds_oracle = 0;

  std::string describe(const Format& in, const Format& out) const {
    std::string s;
    char buf[256];
    for (const Mismatch& m : first) {
      std::snprintf(buf, sizeof buf, "  in 0x%llx 0x%llx 0x%llx (%s): want 0x%llx got 0x%llx (%s)\n",
                    static_cast<unsigned long long>(m.in[0]), static_cast<unsigned long long>(m.in[1]),
                    static_cast<unsigned long long>(m.in[2]),
                    fpc::to_general_string(fpc::decode(in, m.in[0]).value, 9).c_str(),
                    static_cast<unsigned long long>(m.want), static_cast<unsigned long long>(m.got),
                    m.got <= out.code_mask() ? fpc::to_general_string(fpc::decode(out, m.got).value, 9).c_str()
                                             : "out of range");
      s += buf;
    }
    return s;
  }
};

// A coarse class for the summary line (the harness's checker owns the real classification).
std::string coarse_class(const Format& out, uint64_t want, uint64_t got) {
  if (got > out.code_mask()) return "out-of-range code";
  const fpc::Decoded w = fpc::decode(out, want);
  const fpc::Decoded g = fpc::decode(out, got);
  if (w.cls == fpc::CodeClass::NaN || g.cls == fpc::CodeClass::NaN) return "nan";
  if (w.cls == fpc::CodeClass::Infinity || g.cls == fpc::CodeClass::Infinity || want == out.max_finite_code() ||
      got == out.max_finite_code())
    return "overflow/saturation";
  if (w.cls == fpc::CodeClass::Zero && g.cls == fpc::CodeClass::Zero) return "signed zero";
  return "value";
}

Comparison compare_with_oracle(const OpSemantics& sem, const BatchFn& subject, const Operands& in,
                               size_t keep = 8) {
  Comparison c;
  c.cases = in.at(0).size();
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<uint64_t> got = run_batched(subject, in);
  const auto t1 = std::chrono::steady_clock::now();
  const std::vector<uint64_t> want = run_batched(fpc::exact_reference(sem), in);
  const auto t2 = std::chrono::steady_clock::now();
  c.seconds_subject = std::chrono::duration<double>(t1 - t0).count();
  c.seconds_oracle = std::chrono::duration<double>(t2 - t1).count();
  const Format& out = *sem.out;
  for (size_t i = 0; i < c.cases; ++i) {
    if (is_nan_code(out, got[i])) ++c.subject_nans[got[i]];
    if (got[i] == want[i]) continue;
    if (is_nan_code(out, want[i]) && is_nan_code(out, got[i])) {
      ++c.nan_bits_differ;
      continue;
    }
    ++c.mismatches;
    ++c.by_class[coarse_class(out, want[i], got[i])];
    if (c.first.size() < keep) {
      Mismatch m;
      for (size_t k = 0; k < in.size() && k < 3; ++k) m.in[k] = in[k][i];
      m.want = want[i];
      m.got = got[i];
      c.first.push_back(m);
    }
  }
  return c;
}

void print_summary(const std::string& label, const Comparison& c) {
  std::string classes;
  for (const auto& [k, v] : c.by_class) classes += " " + k + "=" + std::to_string(v);
  std::string nans;
  size_t shown = 0;
  for (const auto& [code, count] : c.subject_nans) {
    if (++shown > 4) {
      nans += " ... (" + std::to_string(c.subject_nans.size()) + " distinct NaN codes)";
      break;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, " 0x%llx:%zu", static_cast<unsigned long long>(code), count);
    nans += buf;
  }
  std::printf("[ result   ] %-34s cases %8zu  mismatches %6zu%s  (subject %.3fs, oracle %.2fs)  NaN results%s\n",
              label.c_str(), c.cases, c.mismatches, classes.c_str(), c.seconds_subject, c.seconds_oracle,
              nans.empty() ? " none" : nans.c_str());
}

// ---------------------------------------------------------------------------------------------
// Case generation

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

[[maybe_unused]] std::vector<uint64_t> all_codes(const Format& f) {
  std::vector<uint64_t> v(f.code_count());
  for (uint64_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

// Bit patterns of width w (w >= 0) used for kept and sticky fields.
std::vector<uint64_t> field_patterns(int w) {
  std::set<uint64_t> s{0};
  if (w <= 0) return {0};
  const uint64_t ones = (w >= 64) ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
  s.insert(1);                                 // lowest bit only (kept-lsb odd / sticky minimal)
  s.insert(uint64_t{1} << (w - 1));            // highest bit only
  s.insert(ones);                              // all ones
  s.insert(ones & ~uint64_t{1});               // all ones but the lowest (kept-lsb even)
  s.insert(ones & 0x5555555555555555ull);      // alternating, lowest bit 1
  s.insert(ones & 0xAAAAAAAAAAAAAAAAull);      // alternating, lowest bit 0
  return {s.begin(), s.end()};
}

// Boundary-dense float32 inputs for a conversion into `target`: for every binade of float32 (each
// normal exponent field and each leading-bit position of the subnormals), the significand bits
// are split at the target's rounding point for that binade (which moves in the target's
// subnormal range), and every combination of kept-bit patterns (lsb even and odd), round bit and
// sticky patterns is generated — the exact midpoints and the codes one ulp either side of them
// included — plus a few random significands per binade, both signs, and the specials: ±0, ±inf,
// NaNs with several payloads, ±max, ±min normal, ±min and ±max subnormal.
std::vector<uint64_t> source_boundary_cases(const Format& source, const Format& target);
std::vector<uint64_t> float32_boundary_cases(const Format& target) {
  return source_boundary_cases(fpc::format_by_name("float32"), target);
}

// The same construction for any IEEE-layout source (float32, float64). For float64 only the
// binades that can matter are generated: those from below the target's smallest subnormal's
// half-ulp to above its largest finite value, those around float32's range ends (CUDA's double
// paths go through float32 for some targets), and the extreme binades of the source itself.
std::vector<uint64_t> source_boundary_cases(const Format& source, const Format& target) {
  std::set<uint64_t> out;
  const int mt = target.man_bits;
  const int emin_t = target.emin();
  const int m = source.man_bits;
  const int bias = static_cast<int>(source.bias);
  const int max_field = (1 << source.exp_bits) - 2;
  const uint64_t sign_bit = uint64_t{1} << (source.bits() - 1);
  const uint64_t mag_mask = sign_bit - 1;
  const bool all_binades = source.bits() <= 32;
  uint64_t seed = 0xC0FFEE ^ static_cast<uint64_t>(mt * 131 + emin_t);
  auto add = [&](uint64_t mag) {
    out.insert(mag & mag_mask);
    out.insert((mag & mag_mask) | sign_bit);
  };
  auto wanted = [&](int e) {
    if (all_binades) return true;
    auto near = [e](int lo, int hi) { return e >= lo && e <= hi; };
    return near(emin_t - mt - 3, target.emax() + 3) || near(-152, -124) || near(125, 130) ||
           near(1 - bias - m, 4 - bias - m) || near(1 - bias, 3 - bias) || near(max_field - bias - 2, max_field - bias);
  };
  // Binades: (leading bit's exponent e, number of fraction bits below it w, how to build a code).
  for (int field = 0; field <= max_field; ++field) {
    const int leads = field == 0 ? m : 1;  // subnormals: one binade per leading-bit position
    for (int L = 0; L < leads; ++L) {
      const int w = field == 0 ? L : m;           // bits below the leading bit
      const int e = field == 0 ? L - (bias - 1 + m) : field - bias;
      if (!wanted(e)) continue;
      const int lsb_exp = e - w;
      const int q = std::max(e, emin_t) - mt;     // exponent of the target's last kept bit
      const int d = q - lsb_exp;                  // dropped bits (of the w + leading bit)
      auto make = [&](uint64_t below) {           // below: the w bits under the leading bit
        return field == 0 ? ((uint64_t{1} << L) | below) : (uint64_t(field) << m) | below;
      };
      if (d <= 0) {
        for (uint64_t p : field_patterns(w)) add(make(p));
      } else if (d <= w) {
        const int kept_w = w - d;
        for (uint64_t k : field_patterns(kept_w))
          for (uint64_t r = 0; r <= 1; ++r)
            for (uint64_t st : field_patterns(d - 1))
              add(make((k << d) | (r << (d - 1)) | st));
      } else {
        for (uint64_t p : field_patterns(w)) add(make(p));
      }
      for (int i = 0; i < 6; ++i) add(make(splitmix(seed) & ((uint64_t{1} << w) - 1)));
    }
  }
  const uint64_t inf = uint64_t(max_field + 1) << m, quiet = uint64_t{1} << (m - 1), frac = (uint64_t{1} << m) - 1;
  for (uint64_t c : {uint64_t{0}, inf, inf - 1, uint64_t{1} << m, uint64_t{1}, frac}) add(c);
  for (uint64_t nan : {inf | quiet, inf | quiet | 1, inf | 1, inf | (frac >> 1), inf | frac, inf | (uint64_t{0xA5A5A5A5A5A5A5A5} & frac)})
    add(nan);
  return {out.begin(), out.end()};
}

// A strided subset of all pairs (a, b) of 16-bit codes: k = stride*j over [0, 2^32), a = k >> 16,
// b = k & 0xFFFF (the stride is odd, so b's residues vary from row to row); plus every code paired
// both ways with the specials of the format; plus near-cancelling pairs (b = -a ± a few ulps).
[[maybe_unused]] Operands pairs16(const Format& f, uint64_t stride) {
  std::vector<uint64_t> a;
  std::vector<uint64_t> b;
  for (uint64_t k = 0; k < (uint64_t{1} << 32); k += stride) {
    a.push_back(k >> 16);
    b.push_back(k & 0xFFFF);
  }
  const uint64_t sign = 0x8000;
  std::vector<uint64_t> specials;
  for (uint64_t c : {f.zero_code(false), f.min_positive_code(), f.min_normal_code() - 1, f.min_normal_code(),
                     f.max_finite_code(), f.inf_code(false), f.nan_code(), uint64_t{(f.exp_bits == 5) ? 0x3C00u : 0x3F80u}}) {
    specials.push_back(c);
    specials.push_back(c ^ sign);
  }
  for (uint64_t x = 0; x < 0x10000; ++x) {
    for (uint64_t s : specials) {
      a.push_back(x), b.push_back(s);
      a.push_back(s), b.push_back(x);
    }
    if (x % 3 == 0) {
      for (uint64_t dlt : {1u, 2u}) {
        a.push_back(x), b.push_back(((x ^ sign) + dlt) & 0xFFFF);
        a.push_back(x), b.push_back(((x ^ sign) - dlt) & 0xFFFF);
        a.push_back(x), b.push_back((x + dlt) & 0xFFFF);
      }
    }
  }
  return {a, b};
}

// ---------------------------------------------------------------------------------------------

const SubjectOp& op_named(const Subject& s, const std::string& name) {
  for (const SubjectOp& op : s.ops)
    if (op.name == name) return op;
  throw std::runtime_error("no op " + name + " in " + s.name);
}

// The first cuda_host ops (names reports refer to; they must not change).
const std::vector<std::string> kCudaHostOps = {
    "float32_to_e4m3_satfinite",        "float32_to_e4m3_nosat",
    "float32_to_e5m2_satfinite",        "float32_to_e5m2_nosat",
    "float32x2_to_e4m3x2_satfinite_lo", "float32x2_to_e4m3x2_satfinite_hi",
    "float32x2_to_e4m3x2_nosat_lo",     "float32x2_to_e4m3x2_nosat_hi",
    "float32x2_to_e5m2x2_satfinite_lo", "float32x2_to_e5m2x2_satfinite_hi",
    "float32x2_to_e5m2x2_nosat_lo",     "float32x2_to_e5m2x2_nosat_hi",
    "float32_to_bfloat16_rn",           "float32_to_bfloat16_rz",
    "float32_to_bfloat16_ru",           "float32_to_bfloat16_rd",
    "float32_to_float16_rn",            "float32_to_float16_rz",
    "float32_to_float16_ru",            "float32_to_float16_rd",
    "e4m3_to_float16",                  "e5m2_to_float16",
    "bfloat16_to_float32",              "float16_to_float32",
    "float16_add",                      "float16_sub",
    "float16_mul",                      "float16_div",
    "bfloat16_add",                     "bfloat16_sub",
    "bfloat16_mul",                     "bfloat16_div",
};

TEST(CudaSubjectRegistry, OrderLookupAndUnknownName) {
  const auto& all = fpc::all_subjects();
  // cuda_host, cuda_device, then one cuda_host@VERSION per CUDA release (docs/cuda.md), then the
  // CPU subjects and the planted bugs.
  size_t r = 0;
  while (2 + r < all.size() && all[2 + r].name.rfind("cuda_host@", 0) == 0) ++r;
  EXPECT_GE(r, 1u);  // every release is listed, built or not
  ASSERT_EQ(all.size(), 8u + r);
  EXPECT_EQ(all[0].name, "cuda_host");
  EXPECT_EQ(all[1].name, "cuda_device");
  EXPECT_EQ(all[2 + r].name, "cpu_bits");
  EXPECT_EQ(all[3 + r].name, "cpu_float16");
  EXPECT_EQ(all[4 + r].name, "cpu_f16c");
  EXPECT_EQ(all[5 + r].name, "cpu_avx512_bf16");
  EXPECT_EQ(all[6 + r].name, "cpu_avx512_fp16");
  EXPECT_EQ(all[7 + r].name, "planted_bugs");
  EXPECT_EQ(&fpc::subject_by_name("planted_bugs"), &all[7 + r]);
  EXPECT_THROW(fpc::subject_by_name("no_such_subject"), fpc::InputError);
  EXPECT_FALSE(all[0].test_only);
  EXPECT_FALSE(all[1].test_only);
  EXPECT_FALSE(all[2 + r].test_only);
  EXPECT_TRUE(all[2 + r].available);
  EXPECT_TRUE(all[7 + r].test_only);
  for (const Subject& s : all) {
    std::set<std::string> names;
    for (const SubjectOp& op : s.ops) {
      EXPECT_TRUE(names.insert(op.name).second) << s.name << "/" << op.name;
      EXPECT_FALSE(op.entry.empty()) << op.name;
      ASSERT_NE(op.semantics.in, nullptr) << op.name;
      ASSERT_NE(op.semantics.out, nullptr) << op.name;
      EXPECT_TRUE(static_cast<bool>(op.run)) << op.name;
    }
  }
}

TEST(CudaHostSubject, AvailableWithTheExpectedOps) {
  const Subject& s = fpc::subject_by_name("cuda_host");
#if defined(FPC_KERNELS_HAVE_CUDA_HOST)
  EXPECT_TRUE(s.available) << s.unavailable_reason;
#else
  EXPECT_FALSE(s.available);
  EXPECT_EQ(s.unavailable_reason, "skipped: CUDA headers not found at configure time");
  for (const SubjectOp& op : s.ops) EXPECT_THROW(op.run(nullptr, nullptr, 0), std::logic_error) << op.name;
#endif
  std::vector<std::string> names;
  for (const SubjectOp& op : s.ops) names.push_back(op.name);
  // 48 fp8 (4 sources x E4M3/E5M2 x SATFINITE/NOSAT x scalar/lo/hi), 10 bf16/half, 72 fp6/fp4
  // (4 sources x 6 target/rounding pairs x 3), 36 e8m0 (3 sources x 2 roundings x 2 x 3), 18
  // widenings (6 x 3), 2 to float32, 30 half/bfloat16 arithmetic (15 x 2); and 93 vector ops
  // (half2/bfloat162 and the x2/x4 classes, tests/test_subjects_cuda_vectors.cpp); and 30 scalar
  // class ops (6 classes x 4 constructors + the float conversion operator). The 90 rows of the
  // 13.5 modes are not in this machine's CUDA 13.0 (docs/cuda.md, every CUDA release).
  EXPECT_EQ(names.size(), 339u);
  for (const std::string& name : kCudaHostOps)
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  // Declared semantics, spot-checked against the CUDA documentation.
  EXPECT_EQ(op_named(s, "float32_to_e4m3_satfinite").semantics.describe(), "convert float32->float8_e4m3fn rne sat");
  EXPECT_EQ(op_named(s, "float32_to_e5m2_nosat").semantics.describe(), "convert float32->float8_e5m2 rne");
  EXPECT_EQ(op_named(s, "float32_to_bfloat16_rd").semantics.describe(), "convert float32->bfloat16 rdn");
  EXPECT_EQ(op_named(s, "float32_to_float16_ru").semantics.describe(), "convert float32->float16 rup");
  EXPECT_EQ(op_named(s, "float16_div").semantics.describe(), "div float16->float16 rne");
  EXPECT_EQ(op_named(s, "float32_to_e5m2_satfinite").semantics.policy.inf_under_saturation,
            fpc::InfUnderSaturation::Max);
}

TEST(CudaDeviceSubject, ListedUnavailableAndNeverFakesResults) {
  const Subject& dev = fpc::subject_by_name("cuda_device");
  if (dev.available) GTEST_SKIP() << "a CUDA device is present: " << dev.description;
  EXPECT_EQ(dev.unavailable_reason, "skipped: no CUDA device");
  // Every host op is listed for the device with the same semantics (plus the device-only fma).
  const Subject& host = fpc::subject_by_name("cuda_host");
  for (const SubjectOp& h : host.ops)
    EXPECT_EQ(op_named(dev, h.name).semantics.describe(), h.semantics.describe()) << h.name;
  EXPECT_EQ(op_named(dev, "float16_fma").semantics.describe(), "fma float16->float16 rne");
  EXPECT_EQ(op_named(dev, "bfloat16_fma").semantics.describe(), "fma bfloat16->bfloat16 rne");
  std::vector<uint64_t> in{0x3C00, 0x3C00, 0x3C00};
  std::vector<uint64_t> out(1, 0);
  const uint64_t* ptrs[3] = {in.data(), in.data() + 1, in.data() + 2};
  for (const SubjectOp& op : dev.ops) EXPECT_THROW(op.run(ptrs, out.data(), 1), std::logic_error) << op.name;
  EXPECT_EQ(out[0], 0u);
}

// Device-only ops, with the semantics they declare (docs/cuda.md says where each comes from).
TEST(CudaDeviceSubject, ListsTheDeviceOnlyOps) {
  const Subject& dev = fpc::subject_by_name("cuda_device");
  EXPECT_EQ(dev.ops.size(), 449u);  // the 339 host-capable ops + 110 device-only ones
  const std::pair<const char*, const char*> expected[] = {
      {"float16_fma_sat", "fma_clamp01 float16->float16 rne"},
      {"bfloat16_fma_relu", "fma_relu bfloat16->bfloat16 rne"},
      {"float16_sqrt", "sqrt float16->float16 rne"},
      {"bfloat16_rcp", "rcp bfloat16->bfloat16 rne"},
      {"float32_fma_rz", "fma float32->float32 rtz"},
      {"float32_div_ru_ftz", "div float32->float32 rup ftz daz"},
      {"float64_sqrt_rd", "sqrt float64->float64 rdn"},
      {"float64_rcp_rn", "rcp float64->float64 rne"},
      {"float32_to_tf32_rna", "convert float32->tf32 rna"},
      {"float32_to_tf32_rz_satfinite", "convert float32->tf32 rtz sat"},
  };
  for (const auto& [name, describe] : expected) EXPECT_EQ(op_named(dev, name).semantics.describe(), describe) << name;
}

// On a machine with a GPU: every device op against the oracle (the host tests' cases; random
// triples for the ternary ops). Skipped, and said so, without a device.
TEST(CudaDeviceSubject, EveryOpMatchesTheOracleOnAGpu) {
  const Subject& dev = fpc::subject_by_name("cuda_device");
  if (!dev.available) GTEST_SKIP() << dev.unavailable_reason;
  uint64_t seed = 0x5EED;
  size_t failing = 0;
  for (const SubjectOp& op : dev.ops) {
    const OpSemantics& sem = op.semantics;
    Operands in;
    if (sem.arity() == 1) {
      in = {sem.in->bits() <= 16 ? all_codes(*sem.in) : source_boundary_cases(*sem.in, *sem.out)};
    } else if (sem.arity() == 2 && sem.in->bits() == 16) {
      in = pairs16(*sem.in, 16411);
    } else {
      in.assign(static_cast<size_t>(sem.arity()), {});
      for (int i = 0; i < 200000; ++i)
        for (auto& operand : in) operand.push_back(splitmix(seed) & sem.in->code_mask());
    }
    const Comparison c = compare_with_oracle(sem, op.run, in);
    print_summary("device " + op.name, c);
    if (c.mismatches != 0) {
      ++failing;
      std::printf("%s", c.describe(*sem.in, *sem.out).c_str());
    }
  }
  EXPECT_EQ(failing, 0u) << "device ops that differ from their declared semantics (see the log)";
}

#if defined(FPC_KERNELS_HAVE_CUDA_HOST)

// Conversions from float32: the boundary-dense sample, per op.
TEST(CudaHostSubject, ConversionsFromFloat32MatchTheOracleOnBoundaryCases) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  std::map<std::string, std::vector<uint64_t>> samples;  // by target format
  for (const SubjectOp& op : s.ops) {
    if (op.semantics.op != "convert" || op.semantics.in->name != "float32") continue;
    auto& cases = samples[op.semantics.out->name];
    if (cases.empty()) cases = float32_boundary_cases(*op.semantics.out);
    const Comparison c = compare_with_oracle(op.semantics, op.run, {cases});
    print_summary(op.name, c);
    EXPECT_GT(c.cases, 10000u) << op.name;
    EXPECT_EQ(c.mismatches, 0u) << op.name << " (" << op.semantics.describe() << ")\n"
                                << c.describe(*op.semantics.in, *op.semantics.out);
  }
}

// Conversions from ≤16-bit formats: every input code.
TEST(CudaHostSubject, ConversionsFromNarrowFormatsMatchTheOracleExhaustively) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  for (const std::string name : {"e4m3_to_float16", "e5m2_to_float16", "bfloat16_to_float32", "float16_to_float32"}) {
    const SubjectOp& op = op_named(s, name);
    const Comparison c = compare_with_oracle(op.semantics, op.run, {all_codes(*op.semantics.in)});
    print_summary(op.name, c);
    EXPECT_EQ(c.cases, op.semantics.in->code_count());
    EXPECT_EQ(c.mismatches, 0u) << op.name << "\n" << c.describe(*op.semantics.in, *op.semantics.out);
  }
}

void check_arith(const std::string& name, uint64_t stride) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  const SubjectOp& op = op_named(s, name);
  const Comparison c = compare_with_oracle(op.semantics, op.run, pairs16(*op.semantics.in, stride));
  print_summary(op.name, c);
  EXPECT_GT(c.cases, 1000000u);
  EXPECT_EQ(c.mismatches, 0u) << op.name << "\n" << c.describe(*op.semantics.in, *op.semantics.out);
}

constexpr uint64_t kPairStride = 2053;  // prime: ~2.1M strided pairs (+ ~2.2M special/cancelling)
TEST(CudaHostSubject, Float16AddMatchesTheOracleOnPairs) { check_arith("float16_add", kPairStride); }
TEST(CudaHostSubject, Float16SubMatchesTheOracleOnPairs) { check_arith("float16_sub", kPairStride); }
TEST(CudaHostSubject, Float16MulMatchesTheOracleOnPairs) { check_arith("float16_mul", kPairStride); }
TEST(CudaHostSubject, Float16DivMatchesTheOracleOnPairs) { check_arith("float16_div", kPairStride); }
TEST(CudaHostSubject, Bfloat16AddMatchesTheOracleOnPairs) { check_arith("bfloat16_add", kPairStride); }
TEST(CudaHostSubject, Bfloat16SubMatchesTheOracleOnPairs) { check_arith("bfloat16_sub", kPairStride); }
TEST(CudaHostSubject, Bfloat16MulMatchesTheOracleOnPairs) { check_arith("bfloat16_mul", kPairStride); }
TEST(CudaHostSubject, Bfloat16DivMatchesTheOracleOnPairs) { check_arith("bfloat16_div", kPairStride); }

// The declared policy is load-bearing: __NV_SATFINITE maps ±inf inputs to ±max (CUDA's documented
// choice), where ml_dtypes gives NaN. Declared with the ml_dtypes policy instead, the saturating
// ops fail on exactly the two infinities of the sample and nowhere else.
TEST(CudaHostSubject, SatfiniteInfinitiesGoToMaxNotNaN) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  for (const std::string name : {"float32_to_e4m3_satfinite", "float32_to_e5m2_satfinite"}) {
    const SubjectOp& op = op_named(s, name);
    OpSemantics as_ml_dtypes = op.semantics;
    as_ml_dtypes.policy.inf_under_saturation = fpc::InfUnderSaturation::NaN;
    const std::vector<uint64_t> cases = float32_boundary_cases(*op.semantics.out);
    const Comparison c = compare_with_oracle(as_ml_dtypes, op.run, {cases});
    ASSERT_EQ(c.mismatches, 2u) << name << "\n" << c.describe(*op.semantics.in, *op.semantics.out);
    std::set<uint64_t> inputs{c.first[0].in[0], c.first[1].in[0]};
    EXPECT_EQ(inputs, (std::set<uint64_t>{0x7F800000u, 0xFF800000u})) << name;
  }
}

// ---------------------------------------------------------------------------------------------
// The rest of the CUDA 13 headers' host path: double/halfraw/bfloat16raw -> fp8, fp6, fp4, e8m0,
// the widenings (scalar and x2), double -> bf16/half, and the half/bfloat16 _rn/_sat/max/min/abs.

// Operands for one unary op: every code of a <=16-bit source, the boundary-dense sample otherwise.
std::vector<uint64_t> unary_cases(const OpSemantics& sem) {
  if (sem.in->bits() <= 16) return all_codes(*sem.in);
  return source_boundary_cases(*sem.in, *sem.out);
}

bool covered_by_the_first_tests(const SubjectOp& op) {
  if (op.semantics.op == "convert" && op.semantics.in->name == "float32") return true;
  for (const char* name : {"e4m3_to_float16", "e5m2_to_float16", "bfloat16_to_float32", "float16_to_float32"})
    if (op.name == name) return true;
  return false;
}

TEST(CudaHostSubject, EveryOtherUnaryOpMatchesTheOracle) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  size_t checked = 0;
  for (const SubjectOp& op : s.ops) {
    if (op.semantics.arity() != 1 || covered_by_the_first_tests(op)) continue;
    const std::vector<uint64_t> cases = unary_cases(op.semantics);
    const Comparison c = compare_with_oracle(op.semantics, op.run, {cases});
    print_summary(op.name, c);
    EXPECT_GT(c.cases, op.semantics.in->bits() <= 16 ? (op.semantics.in->code_count() - 1) : 1500u) << op.name;
    EXPECT_EQ(c.mismatches, 0u) << op.name << " (" << op.semantics.describe() << ")\n"
                                << c.describe(*op.semantics.in, *op.semantics.out);
    ++checked;
  }
  // 216 scalar host ops less 28 binary ones, the 38 float32 conversions and the 4 narrow ones
  // above; and the 65 unary vector ops less the 14 from float32 (checked with batches of 65536,
  // so their lanes pair other cases than in the checker's chunks); and 25 of the 30 scalar class
  // ops (the 5 constructors from float32 other than e8m0's, an abs, are float32 conversions).
  EXPECT_EQ(checked, 222u);
}

// Fewer pairs than check_arith (the ops below share their arithmetic with __hadd & co., already
// checked on 4M pairs): a coarse stride through all pairs, plus every 13th code and every
// special paired both ways with the specials (so every special x special pair is in).
Operands light_pairs16(const Format& f) {
  Operands out(2);
  auto add = [&](uint64_t a, uint64_t b) {
    out[0].push_back(a);
    out[1].push_back(b);
  };
  for (uint64_t k = 0; k < (uint64_t{1} << 32); k += 32771) add(k >> 16, k & 0xFFFF);
  std::vector<uint64_t> specials;
  for (uint64_t c : {f.zero_code(false), f.min_positive_code(), f.min_normal_code() - 1, f.min_normal_code(),
                     f.max_finite_code(), f.inf_code(false), f.nan_code(), uint64_t{(f.exp_bits == 5) ? 0x3C00u : 0x3F80u}}) {
    specials.push_back(c);
    specials.push_back(c ^ 0x8000);
  }
  std::vector<uint64_t> firsts = specials;
  for (uint64_t x = 0; x < 0x10000; x += 13) firsts.push_back(x);
  for (uint64_t x : firsts)
    for (uint64_t sp : specials) {
      add(x, sp);
      add(sp, x);
    }
  return out;
}

TEST(CudaHostSubject, RoundedSaturatedAndMinMaxVariantsMatchTheOracleOnPairs) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  size_t checked = 0;
  for (const char* type : {"float16", "bfloat16"}) {
    const Operands pairs = light_pairs16(fpc::format_by_name(type));
    for (const char* suffix : {"add_rn", "sub_rn", "mul_rn", "add_sat", "sub_sat", "mul_sat", "max", "min", "max_nan", "min_nan"}) {
      const SubjectOp& op = op_named(s, std::string(type) + "_" + suffix);
      const Comparison c = compare_with_oracle(op.semantics, op.run, pairs, 1000);
      print_summary(op.name, c);
      EXPECT_GT(c.cases, 250000u);
      ++checked;
      if (op.name == "bfloat16_max_nan" || op.name == "bfloat16_min_nan") {
        // Finding (docs/cuda.md): the bfloat16 host path of __hmax_nan/__hmin_nan returns its first
        // operand when the two compare equal, so max(-0, +0) is -0 and min(+0, -0) is +0, against
        // the documented "+0.0 > -0.0" (which float16's host path and bfloat16's __hmax honour).
        const uint64_t first = op.name == "bfloat16_max_nan" ? 0x8000 : 0x0000;
        EXPECT_GT(c.mismatches, 0u) << op.name << ": the CUDA 13 host-path deviation is gone";
        for (const Mismatch& m : c.first) {
          EXPECT_EQ(m.in[0], first) << op.name;
          EXPECT_EQ(m.in[1], first ^ 0x8000) << op.name;
          EXPECT_EQ(m.got, first) << op.name;
        }
        continue;
      }
      EXPECT_EQ(c.mismatches, 0u) << op.name << " (" << op.semantics.describe() << ")\n"
                                  << c.describe(*op.semantics.in, *op.semantics.out);
    }
  }
  EXPECT_EQ(checked, 20u);
  // Declared semantics, from cuda_fp16.h's documentation (docs/cuda.md).
  EXPECT_EQ(op_named(s, "float16_max").semantics.describe(), "maximumNumber float16->float16 rne");
  EXPECT_EQ(op_named(s, "bfloat16_min_nan").semantics.describe(), "minimum bfloat16->bfloat16 rne");
  EXPECT_EQ(op_named(s, "float16_add_sat").semantics.describe(), "add_clamp01 float16->float16 rne");
}

// The declared NaN policy of the FP6/FP4 conversions is load-bearing: CUDA documents "NaN input
// values result in positive MAXNORM"; declared with ml_dtypes' NaN -> -0 instead, they fail on
// exactly the NaN inputs. And with the policy pinned, nothing is implementation-defined.
TEST(CudaHostSubject, Fp6Fp4NaNGoesToPositiveMax) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  size_t checked = 0;
  for (const SubjectOp& op : s.ops) {
    if (op.semantics.out->bits() > 6 || op.semantics.in->bits() != 16) continue;
    EXPECT_EQ(op.semantics.policy.nan_into_no_nan, fpc::NanIntoNoNan::PositiveMax) << op.name;
    OpSemantics as_ml_dtypes = op.semantics;
    as_ml_dtypes.policy.nan_into_no_nan = fpc::NanIntoNoNan::NegativeZero;
    const std::vector<uint64_t> cases = all_codes(*op.semantics.in);
    const Comparison c = compare_with_oracle(as_ml_dtypes, op.run, {cases}, 4096);
    size_t nan_inputs = 0;
    for (uint64_t x : cases) nan_inputs += is_nan_code(*op.semantics.in, x) ? 1 : 0;
    EXPECT_EQ(c.mismatches, nan_inputs) << op.name;
    for (const Mismatch& m : c.first) EXPECT_TRUE(is_nan_code(*op.semantics.in, m.in[0])) << op.name;
    const uint64_t nan = op.semantics.in->nan_code();
    EXPECT_FALSE(fpc::oracle_case(op.semantics, &nan).implementation_defined) << op.name;
    ++checked;
  }
  // {half, bf16} x (E2M3, E3M2, E2M1) x (rn, rz) x (scalar, lo, hi), and the 12 class
  // constructors from them (x2 from __half2/__nv_bfloat162, x4 from two of them) x 3 formats, and
  // the 6 scalar class constructors from __half/__nv_bfloat16 x 3 formats.
  EXPECT_EQ(checked, 54u);
}

// CUDA's e8m0 conversions round |x| (documented), so they are declared as abs into E8M0. Declared
// as a plain conversion (negative -> NaN, the oracle's reading of an unsigned format), they fail
// on exactly the negative non-zero numbers.
TEST(CudaHostSubject, E8m0ConversionsTakeTheMagnitude) {
  const Subject& s = fpc::subject_by_name("cuda_host");
  const SubjectOp& op = op_named(s, "bfloat16_to_e8m0_rz_satfinite");
  EXPECT_EQ(op.semantics.describe(), "abs bfloat16->float8_e8m0fnu rtz sat");
  OpSemantics as_convert = op.semantics;
  as_convert.op = "convert";
  const std::vector<uint64_t> cases = all_codes(*op.semantics.in);
  const Comparison c = compare_with_oracle(as_convert, op.run, {cases}, 1 << 16);
  size_t negative_numbers = 0;
  for (uint64_t x : cases) {
    const fpc::Decoded d = fpc::decode(*op.semantics.in, x);
    negative_numbers += (d.cls != fpc::CodeClass::NaN && d.cls != fpc::CodeClass::Zero && d.value.negative) ? 1 : 0;
  }
  EXPECT_EQ(c.mismatches, negative_numbers);
  for (const Mismatch& m : c.first) EXPECT_NE(m.in[0] & 0x8000, 0u);
}

#endif  // FPC_KERNELS_HAVE_CUDA_HOST

// ---------------------------------------------------------------------------------------------
// planted_bugs: each op must FAIL its claimed semantics, and behave exactly as the alternative
// semantics its bug amounts to (so the checker's diagnosis has a right answer to find).

uint64_t oracle_one(const OpSemantics& sem, uint64_t x) {
  const uint64_t* in[1] = {&x};
  uint64_t out = 0;
  fpc::exact_reference(sem)(in, &out, 1);
  return out;
}
uint64_t subject_one(const SubjectOp& op, uint64_t x) {
  const uint64_t* in[1] = {&x};
  uint64_t out = ~uint64_t{0};
  op.run(in, &out, 1);
  return out;
}

OpSemantics convert_sem(const char* from, const char* to, fpc::Rounding r, bool saturate) {
  OpSemantics s;
  s.in = &fpc::format_by_name(from);
  s.out = &fpc::format_by_name(to);
  s.rounding = r;
  s.policy.saturate = saturate;
  return s;
}

TEST(PlantedBugs, SubjectIsTestOnlyWithFourWrongOps) {
  const Subject& s = fpc::subject_by_name("planted_bugs");
  EXPECT_TRUE(s.test_only);
  EXPECT_TRUE(s.available);
  std::vector<std::string> names;
  for (const SubjectOp& op : s.ops) names.push_back(op.name);
  EXPECT_EQ(names, (std::vector<std::string>{"float32_to_bfloat16_ties_away", "float32_to_bfloat16_truncate",
                                             "float32_to_e4m3_via_float16", "float32_to_e4m3_clamp_first"}));
  EXPECT_EQ(op_named(s, "float32_to_bfloat16_ties_away").semantics.describe(), "convert float32->bfloat16 rne");
  EXPECT_EQ(op_named(s, "float32_to_bfloat16_truncate").semantics.describe(), "convert float32->bfloat16 rne");
  EXPECT_EQ(op_named(s, "float32_to_e4m3_via_float16").semantics.describe(),
            "convert float32->float8_e4m3fn rne sat");
  EXPECT_EQ(op_named(s, "float32_to_e4m3_clamp_first").semantics.describe(), "convert float32->float8_e4m3fn rne");
}

// One witness per bug, chosen from the bug's shape; the expected value is the oracle's.
TEST(PlantedBugs, EachOpMismatchesTheOracleOnItsWitness) {
  const Subject& s = fpc::subject_by_name("planted_bugs");
  const fpc::Format& bf16 = fpc::format_by_name("bfloat16");
  const fpc::Format& e4m3 = fpc::format_by_name("float8_e4m3fn");
  {  // a tie: 1 + 2^-8 lies halfway between bfloat16 1 (even) and 1 + 2^-7 (odd)
    const SubjectOp& op = op_named(s, "float32_to_bfloat16_ties_away");
    const uint64_t x = 0x3F808000;
    const uint64_t want = oracle_one(op.semantics, x);
    const uint64_t got = subject_one(op, x);
    EXPECT_NE(got, want);
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(bf16, want).value), "1");
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(bf16, got).value), "1.0078125");
  }
  {  // above the midpoint: 1 + 3·2^-9 must round up to 1 + 2^-7; truncation keeps 1
    const SubjectOp& op = op_named(s, "float32_to_bfloat16_truncate");
    const uint64_t x = 0x3F80C000;
    const uint64_t want = oracle_one(op.semantics, x);
    const uint64_t got = subject_one(op, x);
    EXPECT_NE(got, want);
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(bf16, want).value), "1.0078125");
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(bf16, got).value), "1");
  }
  {  // 1.1875 - 2^-13: just below the E4M3 midpoint between 1.125 and 1.25, so rne gives 1.125;
     // float16 rounds it onto the midpoint, which then ties to even 1.25
    const SubjectOp& op = op_named(s, "float32_to_e4m3_via_float16");
    const uint64_t x = 0x3F97FC00;
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(fpc::format_by_name("float32"), x).value), "1.1873779296875")
        << "witness";
    const uint64_t want = oracle_one(op.semantics, x);
    const uint64_t got = subject_one(op, x);
    EXPECT_NE(got, want);
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(e4m3, want).value), "1.125");
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(e4m3, got).value), "1.25");
  }
  {  // 465 > 464 (the E4M3 overflow threshold under rne): NaN without saturation, not 448
    const SubjectOp& op = op_named(s, "float32_to_e4m3_clamp_first");
    const uint64_t x = 0x43E88000;
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(fpc::format_by_name("float32"), x).value), "465") << "witness";
    const uint64_t want = oracle_one(op.semantics, x);
    const uint64_t got = subject_one(op, x);
    EXPECT_TRUE(is_nan_code(e4m3, want));
    EXPECT_EQ(fpc::to_exact_string(fpc::decode(e4m3, got).value), "448");
  }
}

// On the boundary sample: many mismatches against the claim, none against the explanation.
TEST(PlantedBugs, FailTheirClaimAndBehaveExactlyAsTheirBug) {
  const Subject& s = fpc::subject_by_name("planted_bugs");
  using fpc::Rounding;
  struct Case {
    const char* op;
    OpSemantics explanation;
  };
  const Case cases[] = {
      {"float32_to_bfloat16_ties_away", convert_sem("float32", "bfloat16", Rounding::NearestAway, false)},
      {"float32_to_bfloat16_truncate", convert_sem("float32", "bfloat16", Rounding::TowardZero, false)},
      {"float32_to_e4m3_clamp_first", convert_sem("float32", "float8_e4m3fn", Rounding::NearestEven, true)},
  };
  for (const Case& k : cases) {
    const SubjectOp& op = op_named(s, k.op);
    const std::vector<uint64_t> sample = float32_boundary_cases(*op.semantics.out);
    const Comparison claim = compare_with_oracle(op.semantics, op.run, {sample});
    print_summary(std::string(k.op) + " vs claim", claim);
    EXPECT_GT(claim.mismatches, 100u) << k.op;
    const Comparison expl = compare_with_oracle(k.explanation, op.run, {sample});
    print_summary(std::string(k.op) + " vs " + k.explanation.describe(), expl);
    EXPECT_EQ(expl.mismatches, 0u) << k.op << "\n" << expl.describe(*op.semantics.in, *op.semantics.out);
  }
  // Double rounding: the explanation is a composition of two exact conversions.
  const SubjectOp& op = op_named(s, "float32_to_e4m3_via_float16");
  const std::vector<uint64_t> sample = float32_boundary_cases(*op.semantics.out);
  const Comparison claim = compare_with_oracle(op.semantics, op.run, {sample});
  print_summary("float32_to_e4m3_via_float16 vs claim", claim);
  EXPECT_GT(claim.mismatches, 100u);
  const BatchFn to_f16 = fpc::exact_reference(convert_sem("float32", "float16", Rounding::NearestEven, false));
  const BatchFn to_e4m3 = fpc::exact_reference(convert_sem("float16", "float8_e4m3fn", Rounding::NearestEven, true));
  const std::vector<uint64_t> mid = run_batched(to_f16, {sample});
  const std::vector<uint64_t> want = run_batched(to_e4m3, {mid});
  const std::vector<uint64_t> got = run_batched(op.run, {sample});
  const fpc::Format& e4m3 = *op.semantics.out;
  size_t differ = 0;
  for (size_t i = 0; i < sample.size(); ++i)
    if (got[i] != want[i] && !(is_nan_code(e4m3, got[i]) && is_nan_code(e4m3, want[i]))) ++differ;
  EXPECT_EQ(differ, 0u) << "not exactly rne(rne(x, float16), float8_e4m3fn, sat)";
}

}  // namespace
