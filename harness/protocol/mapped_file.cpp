#include "protocol/mapped_file.hpp"

#include "fpconform/format.hpp"
#include "fpconform/vector_clones.hpp"
#include "protocol/file_protocol.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fpc {

namespace {

// Width-specialised loops (the byte loop of load_le does not vectorise); memcpy is the portable
// unaligned little-endian load on the little-endian hosts fpconform builds for. The templates are
// inlined into one plain function per width, which FPC_VECTOR_CLONES compiles per instruction set
// (clang's target_clones takes no function templates).
template <typename T>
[[gnu::always_inline]] inline void widen(const unsigned char* p, size_t n, uint64_t* out) {
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * sizeof(T), sizeof(T));
    out[i] = v;
  }
}

template <typename T>
[[gnu::always_inline]] inline uint64_t differing(const unsigned char* p, size_t n, const uint64_t* expected) {
  uint64_t diff = 0;
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * sizeof(T), sizeof(T));
    diff |= v ^ expected[i];
  }
  return diff;
}

FPC_VECTOR_CLONES void widen_1(const unsigned char* p, size_t n, uint64_t* out) { widen<uint8_t>(p, n, out); }
FPC_VECTOR_CLONES void widen_2(const unsigned char* p, size_t n, uint64_t* out) { widen<uint16_t>(p, n, out); }
FPC_VECTOR_CLONES void widen_4(const unsigned char* p, size_t n, uint64_t* out) { widen<uint32_t>(p, n, out); }
FPC_VECTOR_CLONES void widen_8(const unsigned char* p, size_t n, uint64_t* out) { widen<uint64_t>(p, n, out); }
FPC_VECTOR_CLONES uint64_t differing_1(const unsigned char* p, size_t n, const uint64_t* e) { return differing<uint8_t>(p, n, e); }
FPC_VECTOR_CLONES uint64_t differing_2(const unsigned char* p, size_t n, const uint64_t* e) { return differing<uint16_t>(p, n, e); }
FPC_VECTOR_CLONES uint64_t differing_4(const unsigned char* p, size_t n, const uint64_t* e) { return differing<uint32_t>(p, n, e); }
FPC_VECTOR_CLONES uint64_t differing_8(const unsigned char* p, size_t n, const uint64_t* e) { return differing<uint64_t>(p, n, e); }

}  // namespace

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the code files are little-endian");

MappedCodeFile::MappedCodeFile(const std::string& path, uint64_t count, int width)
    : path_(path), count_(count), width_(width) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    throw InputError(path + (e == ENOENT ? ": no such file" : ": cannot be read (" + std::string(std::strerror(e)) + ")"));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path + " is not a regular file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size != count * static_cast<uint64_t>(width)) {
    ::close(fd);
    throw InputError(path + " " + size_problem(count, width, size));
  }
  size_ = static_cast<size_t>(size);
  if (size_ == 0) {
    ::close(fd);
    return;
  }
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int e = errno;
  ::close(fd);
  if (p == MAP_FAILED) throw InputError(path + ": cannot be mapped (" + std::string(std::strerror(e)) + ")");
  data_ = static_cast<const unsigned char*>(p);
}

MappedCodeFile::~MappedCodeFile() {
  if (data_ != nullptr) ::munmap(const_cast<unsigned char*>(data_), size_);
}

uint64_t MappedCodeFile::code(uint64_t i) const { return load_le(data_ + i * static_cast<uint64_t>(width_), width_); }

void MappedCodeFile::read(uint64_t first, size_t n, uint64_t* out) const {
  const unsigned char* p = data_ + first * static_cast<uint64_t>(width_);
  switch (width_) {
    case 1: return widen_1(p, n, out);
    case 2: return widen_2(p, n, out);
    case 4: return widen_4(p, n, out);
    default: return widen_8(p, n, out);
  }
}

size_t MappedCodeFile::first_difference(uint64_t first, size_t n, const uint64_t* expected) const {
  const unsigned char* p = data_ + first * static_cast<uint64_t>(width_);
  uint64_t diff = 0;
  switch (width_) {
    case 1: diff = differing_1(p, n, expected); break;
    case 2: diff = differing_2(p, n, expected); break;
    case 4: diff = differing_4(p, n, expected); break;
    default: diff = differing_8(p, n, expected); break;
  }
  if (diff == 0) return n;
  for (size_t j = 0; j < n; ++j)
    if (code(first + j) != expected[j]) return j;
  return n;
}

std::vector<uint64_t> MappedCodeFile::all() const {
  std::vector<uint64_t> codes(static_cast<size_t>(count_));
  if (count_ != 0) read(0, codes.size(), codes.data());
  return codes;
}

}  // namespace fpc
