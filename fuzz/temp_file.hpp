// A per-process scratch file for the targets whose parsers read files (suite, report, ...): the
// parser under test is the real one, path and all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
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

}  // namespace fpc::fuzz
