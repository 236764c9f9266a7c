// Fuzz target "block_differential": block quantizers (fpconform/block_subject.hpp) against the
// exact references of their claims, one block per input, judged by the block check itself
// (check_blocks, harness/check/block/block_check.hpp).
//
// The input decodes, structure-aware, into one block:
//   byte 0   the subject (index among the subjects below, modulo their number)
//   byte 1   the amax put in slot 0: (b % 5) 0 none, 1 the unit amax of block_tie_grid times 2^k
//            (scale 2^k: the grid's midpoints times 2^k are exact ties), 2 the power of two at its
//            binade, 3 one float32 ulp below it, 4 one ulp above; bit 7: negative
//   byte 2   k (int8, clamped to [-40, 40])
//   then each of the block's values (check_blocksize of the claims; past the end of the input
//   every value is +0) by its first byte v:
//     v < 0x40  +0 (v even) or -0 (v odd)
//     0x40..7f  a tie: the next byte picks a midpoint of block_tie_grid, times 2^k, moved by
//               (v & 7) - 3 float32 ulps; bit 0x20 the sign
//     0x80..bf  a float32 code in one of shaped_code's shapes (raw, special, fields, low-bit
//               patterns below the element format's precision)
//     0xc0..ff  a normal (v & 31) binades below the unit amax times 2^k, the mantissa from the
//               next two bytes; bit 0x20 the sign
// A block the claimed reference has no rule for (NaN in an ideal reference that rejects it) is
// no finding. Anything else than a pass (a difference in codes or scale, a subject that throws or
// answers malformed) aborts with the block and the block check's summary line and first difference.
//
// Subjects: every available, non-test-only block subject that runs on the host (cuda_device_* are
// left out: a GPU launch per execution), or those named in FPC_FUZZ_BLOCK_SUBJECTS
// (comma-separated; test-only ones and the fuzz-only "fuzz_planted_block" allowed).
#include "check/block/block_check.hpp"
#include "fpconform/arith.hpp"
#include "fuzz_input.hpp"
#include "planted_subject.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace fpc::fuzz {
namespace {

struct BlockTarget {
  const BlockSubject* subject;
  size_t blocksize;
  BlockTieGrid grid;
  const Format* element;
};

const std::vector<BlockTarget>& block_targets() {
  static const BlockSubject planted = make_fuzz_planted_block_subject();
  static const std::vector<BlockTarget> list = [] {
    std::vector<const BlockSubject*> chosen;
    const char* named = std::getenv("FPC_FUZZ_BLOCK_SUBJECTS");
    if (named && *named) {
      for (const std::string& name : split_commas(named)) {
        if (name == planted.name) {
          chosen.push_back(&planted);
          continue;
        }
        try {
          chosen.push_back(&block_subject_by_name(name));
        } catch (const InputError& e) {
          config_error(std::string("FPC_FUZZ_BLOCK_SUBJECTS: ") + e.what());
        }
        if (!chosen.back()->available)
          config_error("FPC_FUZZ_BLOCK_SUBJECTS: block subject " + name + " is not available here (" +
                       chosen.back()->unavailable_reason + ")");
      }
    } else {
      for (const BlockSubject& s : block_subjects())
        if (s.available && !s.test_only && s.name.rfind("cuda_device_", 0) != 0) chosen.push_back(&s);
    }
    std::vector<BlockTarget> v;
    for (const BlockSubject* s : chosen)
      v.push_back({s, check_blocksize(s->claims), block_tie_grid(s->claims), block_layout(s->claims).element});
    if (v.empty()) config_error("no block subjects to fuzz (FPC_FUZZ_BLOCK_SUBJECTS)");
    return v;
  }();
  return list;
}

const Format& f32() { return format_by_name("float32"); }
constexpr uint32_t kSign = 0x80000000u, kMantissa = 0x007fffffu;

// bits * 2^k as float32, rne (exact while normal; may overflow to infinity, which is fine here).
uint32_t scaled(uint32_t bits, int k) {
  const ExactValue operands[2] = {decode(f32(), bits).value, ExactValue::dyadic(false, 1, k)};
  return static_cast<uint32_t>(round_to_format(exact_op(Op::Mul, operands, Rounding::NearestEven).value, f32(),
                                               Rounding::NearestEven).code);
}

std::vector<uint32_t> read_block(ByteReader& r, const BlockTarget& t) {
  const uint8_t amax_byte = r.u8();
  const int k = std::clamp(static_cast<int>(static_cast<int8_t>(r.u8())), -40, 40);
  const uint32_t unit = t.grid.unit_amax ? t.grid.unit_amax : 0x3f800000u;  // 1.0 for integer elements
  const uint32_t top = scaled(unit, k);
  const uint32_t top_field = (top >> 23) & 0xffu;
  std::vector<uint32_t> block(t.blocksize, 0);
  for (uint32_t& x : block) {
    if (r.left() == 0) break;
    const uint8_t v = r.u8();
    const uint32_t sign = v & 0x20 ? kSign : 0;
    if (v < 0x40) {
      x = v & 1 ? kSign : 0;
    } else if (v < 0x80) {
      const uint8_t index = r.u8();
      if (t.grid.midpoints.empty()) continue;
      const uint32_t m = scaled(t.grid.midpoints[index % t.grid.midpoints.size()], k) & ~kSign;
      const int64_t moved = static_cast<int64_t>(m) + (v & 7) - 3;
      x = static_cast<uint32_t>(std::clamp<int64_t>(moved, 0, 0x7f800000)) | sign;
    } else if (v < 0xc0) {
      x = static_cast<uint32_t>(shaped_code(r, f32(), *t.element));
    } else {
      const int64_t field = std::max<int64_t>(1, static_cast<int64_t>(top_field) - (v & 31));
      const uint32_t mantissa = static_cast<uint32_t>(r.u16()) << 7;
      x = (static_cast<uint32_t>(std::min<int64_t>(field, 254)) << 23) | (mantissa & kMantissa) | sign;
    }
  }
  if (amax_byte % 5 != 0) {
    const uint32_t power = top & ~kMantissa & ~kSign;
    const uint32_t amaxes[] = {top, power, power - 1, power + 1};
    block[0] = amaxes[amax_byte % 5 - 1] | (amax_byte & 0x80 ? kSign : 0);
  }
  return block;
}

std::string block_text(const std::vector<uint32_t>& bits) {
  std::string s = "block of " + std::to_string(bits.size()) + " float32 values (the others +0):";
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] == 0) continue;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", bits[i]);
    s += "\n  [" + std::to_string(i) + "] " + hex + " = " + to_exact_string(decode(f32(), bits[i]).value);
  }
  return s;
}

}  // namespace
}  // namespace fpc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  using namespace fpc::fuzz;
  ByteReader r(data, size);
  const std::vector<BlockTarget>& all = block_targets();
  const BlockTarget& t = all[r.u8() % all.size()];
  const std::vector<BlockCase> cases = {{"fuzz", read_block(r, t)}};
  const BlockSubject& s = *t.subject;
  const BlockCheckResult result =
      check_blocks(s.name, s.claims, cases, 0, 1, [&](size_t, const BlockCase& c) { return s.run(c.bits); });
  const std::string status = block_check_status(result);
  if (status == "pass") return 0;
  if (status == "fail" && result.error.empty() && result.distances.front().blocks == 0) return 0;  // no rule for it
  finding("block_differential: " + s.name + " (" + s.description + ")\n" + block_text(cases[0].bits) + "\n" +
          summary_line(result));
}
