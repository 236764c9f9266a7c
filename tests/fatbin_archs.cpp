// fpc_fatbin_archs OBJECT SM...: checks that every CUDA fat binary in OBJECT (an object file or
// executable nvcc produced) holds an ELF cubin for each listed architecture (e.g. 89 90 100), so
// CI proves the device code was built for each, without a GPU and without cuobjdump. Prints
// the entries found; exits 0 when every SM has an ELF entry, 1 otherwise, 2 on bad input.
//
// The fat binary layout (as CUDA 12/13 write it): a header {u32 magic 0xBA55ED50, u16 version,
// u16 header_size, u64 payload_size}, then entries {u16 kind (1 PTX, 2 ELF), u16 version,
// u32 header_size, u64 padded_payload_size, ..., u32 sm at offset 28}, each followed by its payload.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace {

template <typename T>
bool read_at(const std::vector<unsigned char>& d, size_t at, T& v) {
  if (at + sizeof(T) > d.size()) return false;
  std::memcpy(&v, d.data() + at, sizeof(T));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fpc_fatbin_archs OBJECT SM...\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fpc_fatbin_archs: cannot read %s\n", argv[1]);
    return 2;
  }
  const std::vector<unsigned char> d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const unsigned char magic[4] = {0x50, 0xED, 0x55, 0xBA};
  std::set<uint32_t> elf_sms;
  size_t fatbins = 0;
  for (size_t at = 0; at + 16 <= d.size(); ++at) {
    if (std::memcmp(d.data() + at, magic, 4) != 0) continue;
    uint16_t header_size = 0;
    uint64_t payload = 0;
    read_at(d, at + 6, header_size);
    read_at(d, at + 8, payload);
    if (header_size < 16 || at + header_size + payload > d.size()) continue;
    ++fatbins;
    size_t p = at + header_size;
    const size_t end = p + payload;
    while (p + 32 <= end) {
      uint16_t kind = 0;
      uint32_t entry_header = 0, sm = 0;
      uint64_t entry_payload = 0;
      read_at(d, p, kind);
      read_at(d, p + 4, entry_header);
      read_at(d, p + 8, entry_payload);
      read_at(d, p + 28, sm);
      if (entry_header == 0) break;
      std::printf("fat binary entry: %s sm_%u\n", kind == 2 ? "ELF" : kind == 1 ? "PTX" : "other", sm);
      if (kind == 2) elf_sms.insert(sm);
      p += entry_header + entry_payload;
    }
    at = end - 1;
  }
  int missing = 0;
  for (int i = 2; i < argc; ++i) {
    const auto sm = static_cast<uint32_t>(std::stoul(argv[i]));
    if (elf_sms.count(sm) == 0) {
      std::printf("MISSING: no ELF cubin for sm_%u\n", sm);
      ++missing;
    }
  }
  std::printf("%zu fat binaries; %s\n", fatbins, missing == 0 ? "every architecture present" : "architectures missing");
  return missing == 0 ? 0 : 1;
}
