// Case generation: every case of a check is addressed by an index in [0, count), and the
// operands of any index range can be produced independently. That makes sharding, threading and
// merging exact: a case's operands never depend on which shard or thread produced it.
#pragma once

#include "fpconform/semantics.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fpc {

enum class CaseKind { Exhaustive, Boundary, Random, Listed };

class CaseSource {
 public:
  CaseKind kind() const { return kind_; }
  std::string label() const;  // "exhaustive", "boundary", "random:65536", "listed:3"
  uint64_t count() const { return count_; }
  uint64_t seed() const { return seed_; }
  int operand_arrays() const { return arity_ + (stochastic_ ? 1 : 0); }
  int arity() const { return arity_; }
  // Whether the operand of case i is the code i itself (exhaustive, unary, no random bits): a
  // sweep's chunk is then the consecutive codes of its indices.
  bool operands_are_indices() const { return kind_ == CaseKind::Exhaustive && arity_ == 1 && !stochastic_; }

  // Operands of cases [begin, begin + n): ops[k][j] is operand k of case begin + j; for
  // stochastic rounding ops[arity][j] holds the case's random bits.
  void fill(uint64_t begin, size_t n, uint64_t* const* ops) const;

  static CaseSource exhaustive(const OpSemantics& s);  // InputError when the domain exceeds 2^32
  static CaseSource boundary(const OpSemantics& s);
  static CaseSource random(const OpSemantics& s, uint64_t count, uint64_t seed);
  // Given cases (a fuzzer's, a replayed counterexample's): operand_arrays() codes per case, the
  // random bits last for stochastic rounding. InputError unless the size is a whole number of cases.
  static CaseSource listed(const OpSemantics& s, std::vector<uint64_t> flat);
  // "exhaustive" | "boundary" | "random:N"
  static CaseSource parse(const OpSemantics& s, const std::string& spec, uint64_t seed);

 private:
  CaseSource(CaseKind kind, const OpSemantics& s);  // the fields every kind shares

  CaseKind kind_ = CaseKind::Exhaustive;
  uint64_t count_ = 0;
  uint64_t seed_ = 0;
  int arity_ = 1;
  int in_bits_ = 0;
  int sr_bits_ = 0;
  bool stochastic_ = false;
  const Format* in_ = nullptr;
  const Format* out_ = nullptr;
  uint64_t field_lo_ = 0, field_hi_ = 0;  // random: exponent fields of log-uniform values
  std::shared_ptr<const std::vector<uint64_t>> table_;  // boundary: arity codes per case; listed: operand_arrays()
};

// The codes begin, begin + 1, ..., begin + n - 1 (the operands of a sweep whose operands are
// its indices, CaseSource::operands_are_indices) written at `bytes` (1, 2, 4 or 8) bytes each.
void fill_indices(void* out, int bytes, uint64_t begin, size_t n);

// SplitMix64: the case generators' only source of randomness.
uint64_t mix64(uint64_t x);

}  // namespace fpc
