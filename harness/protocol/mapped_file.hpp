// A file of fixed-width little-endian codes (the file protocol's in*.bin, out.bin, and the block
// protocol's data files), memory-mapped read-only: a check streams it without reading it into
// memory first and without allocating per case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fpc {

class MappedCodeFile {
 public:
  // InputError (one line naming the file) unless `path` is a regular file of exactly
  // count x width bytes (width 1, 2, 4 or 8).
  MappedCodeFile(const std::string& path, uint64_t count, int width);
  ~MappedCodeFile();
  MappedCodeFile(const MappedCodeFile&) = delete;
  MappedCodeFile& operator=(const MappedCodeFile&) = delete;

  uint64_t count() const { return count_; }
  int width() const { return width_; }
  const std::string& path() const { return path_; }

  // Code i (< count()).
  uint64_t code(uint64_t i) const;
  // Codes [first, first + n) into out[0..n), zero-extended.
  void read(uint64_t first, size_t n, uint64_t* out) const;
  // The first j < n with code(first + j) != expected[j], or n when all are equal.
  size_t first_difference(uint64_t first, size_t n, const uint64_t* expected) const;
  // The whole file as codes.
  std::vector<uint64_t> all() const;

 private:
  std::string path_;
  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
  uint64_t count_ = 0;
  int width_ = 1;
};

}  // namespace fpc
