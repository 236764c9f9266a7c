// Pieces shared by the machine subjects (gcc_float16.cpp, x86_f16c.cpp, x86_avx512.cpp): the
// declaration of an op, an op that refuses to run where its subject is unavailable, and moving
// codes between the harness's uint64_t arrays and the fixed-width lanes of one vector instruction.
#pragma once

#include "fpconform/format.hpp"
#include "fpconform/subject.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace fpc::machine_subjects {

inline SubjectOp declare_op(std::string name, std::string entry, const char* op, const char* in, const char* out,
                            Rounding rounding, BatchFn run) {
  SubjectOp o;
  o.name = std::move(name);
  o.entry = std::move(entry);
  o.semantics.op = op;
  o.semantics.in = &format_by_name(in);
  o.semantics.out = &format_by_name(out);
  o.semantics.rounding = rounding;
  o.run = std::move(run);
  return o;
}

// Marks s unavailable and replaces every op's implementation by one that throws (never runs an
// instruction the CPU lacks, never fakes a result).
inline void make_unavailable(Subject& s, std::string reason) {
  s.available = false;
  s.unavailable_reason = std::move(reason);
  for (SubjectOp& op : s.ops)
    op.run = [msg = s.name + "/" + op.name + " cannot run: " + s.unavailable_reason](const uint64_t* const*, uint64_t*,
                                                                                     size_t) {
      throw std::logic_error(msg);
    };
}

// The four IEEE rounding directions every x86 rounding control offers, with their short names.
struct Direction {
  Rounding rounding;
  const char* suffix;  // "rne" ...
};
inline constexpr Direction kDirections[] = {{Rounding::NearestEven, "rne"},
                                            {Rounding::TowardNegative, "rdn"},
                                            {Rounding::TowardPositive, "rup"},
                                            {Rounding::TowardZero, "rtz"}};

// Codes [first, first + count) of one operand into `lanes` lanes of type T (count <= lanes; the
// rest are zero, so a partial batch runs the same instruction on harmless padding).
template <typename T, size_t Lanes>
inline void gather(const uint64_t* codes, size_t count, T (&lanes)[Lanes]) {
  for (size_t j = 0; j < Lanes; ++j) lanes[j] = j < count ? static_cast<T>(codes[j]) : T{0};
}
template <typename T, size_t Lanes>
inline void scatter(const T (&lanes)[Lanes], size_t count, uint64_t* codes) {
  for (size_t j = 0; j < count; ++j) codes[j] = lanes[j];
}

}  // namespace fpc::machine_subjects
