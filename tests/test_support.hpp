// Helpers shared by the test files: a failure collector for sweeps, and a scratch directory.
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

namespace fpc::testing_support {

// Collects the failures of a sweep; reports their count and the first few in one assertion.
class Failures {
 public:
  template <class... T>
  void add(const T&... parts) {
    if (count_++ < 12) {
      std::ostringstream s;
      (s << ... << parts);
      first_ += "  " + s.str() + "\n";
    }
  }
  void report(const std::string& what) const {
    EXPECT_EQ(count_, 0u) << what << ": " << count_ << " failures, first ones:\n" << first_;
  }
  uint64_t count() const { return count_; }

 private:
  uint64_t count_ = 0;
  std::string first_;
};

// A fresh directory per test (CTest runs tests in parallel), removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fpc-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace fpc::testing_support
