// Per-process scratch files and directories for the targets whose parsers read files (suite,
// report, the file protocols): the parser under test is the real one, path and all.
#pragma once

#include "fuzz_input.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <system_error>
#include <unistd.h>

namespace fpc::fuzz {

// Writes the input to <temp>/fpc_fuzz_<tag>_<pid><suffix> and returns the path.
inline std::string write_temp_file(const std::string& tag, const std::string& suffix, const uint8_t* data, size_t size) {
  static const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string path = dir + "/fpc_fuzz_" + tag + "_" + std::to_string(getpid()) + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return path;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

// Decodes a cases directory from the input: a 2-byte length and the text of cases.json, then for
// each of `files` a byte (odd: the file exists) and, if it exists, a 2-byte length and its
// bytes. Writes it to <temp>/fpc_fuzz_<tag>_<pid>/, emptied for every input and removed when the
// process exits normally, and returns that directory (one tag per process).
inline const std::filesystem::path& write_cases_dir(const std::string& tag, ByteReader& r,
                                                    std::initializer_list<const char*> files) {
  namespace fs = std::filesystem;
  struct Scratch {
    fs::path dir;
    ~Scratch() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  };
  static const Scratch scratch{fs::temp_directory_path() / ("fpc_fuzz_" + tag + "_" + std::to_string(getpid()))};
  auto take = [&r](size_t n) {
    std::string s;
    while (n-- > 0 && r.left() > 0) s.push_back(static_cast<char>(r.u8()));
    return s;
  };
  auto write = [](const fs::path& path, const std::string& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return;
    if (!bytes.empty()) std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  };
  std::error_code ec;
  fs::remove_all(scratch.dir, ec);
  fs::create_directories(scratch.dir);
  write(scratch.dir / "cases.json", take(r.u16() % 16384));
  for (const char* name : files)
    if (r.u8() & 1) write(scratch.dir / name, take(r.u16()));
  return scratch.dir;
}

}  // namespace fpc::fuzz
