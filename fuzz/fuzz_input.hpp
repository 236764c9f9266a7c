// Shared pieces of the fuzz targets: reading structured values from the fuzzer's bytes, and the
// codes of a format worth aiming at.
//
// Every target defines LLVMFuzzerTestOneInput. Built with clang and FPC_FUZZ=ON it links
// libFuzzer (-fsanitize=fuzzer); otherwise it links fuzz/replay_main.cpp, which feeds it files.
#pragma once

#include "fpconform/format.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fpc::fuzz {

// Reads little-endian integers and strings off the input; past the end every read gives zeros,
// so that any input, even an empty one, decodes to something.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() {
    const unsigned low = u8();  // two statements: the order of the reads is fixed
    return static_cast<uint16_t>(low | (unsigned{u8()} << 8));
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(u8()) << (8 * i);
    return v;
  }
  // A string of at most max_len bytes: a length byte, then that many bytes.
  std::string str(size_t max_len) {
    size_t n = u8() % (max_len + 1);
    std::string s;
    while (n-- > 0 && pos_ < size_) s.push_back(static_cast<char>(data_[pos_++]));
    return s;
  }
  size_t left() const { return size_ - pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// The codes every check should hit: zeros, the smallest and largest subnormals and normals, the
// largest finite values, infinities and NaN, each with its neighbours (deduplicated, in range).
std::vector<uint64_t> special_codes(const Format& f);

// A code of `in`, decoded from the input in one of several shapes (a raw code, a special code,
// sign/exponent/mantissa fields, or a value whose bits below `out`'s precision form one of the
// patterns rounding cares about: exact, just above/below half an ulp, a tie, sticky 1...).
uint64_t shaped_code(ByteReader& r, const Format& in, const Format& out);

// The input written as the shape bytes shaped_code reads for `code` (shape "raw"): for seeds.
void append_raw_code(std::vector<uint8_t>& bytes, uint64_t code);

// Formats the structure-aware targets draw from: the built-in table, then a few user specs.
const std::vector<const Format*>& fuzz_formats();

// The non-empty comma-separated parts of an environment variable's value ("a,b" -> {a, b}).
std::vector<std::string> split_commas(const std::string& s);

// Exit with a one-line message when the environment (FPC_FUZZ_PLUGIN, FPC_FUZZ_SUBJECTS, ...)
// cannot be used: a configuration error, not a finding.
[[noreturn]] void config_error(const std::string& message);

// Writes `text` to stderr and aborts: how every target reports a finding, so that the fuzzing
// engine (or the replay driver) records the input.
[[noreturn]] void finding(const std::string& text);

}  // namespace fpc::fuzz
