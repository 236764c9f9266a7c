// Helpers shared by the test files: the CLI run in-process, a failure collector for sweeps,
// and a scratch directory.
#pragma once

#include "cli/cli.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fpc::testing_support {

struct Outcome {
  int status;
  std::string out, err;
};

// fpconform with these arguments, in-process.
inline Outcome cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int status = fpc::cli::run(args, out, err);
  return {status, out.str(), err.str()};
}

// Bad input: exit 2, nothing on stdout, and exactly one line "fpconform: error: ..." on stderr.
inline void expect_input_error(const std::vector<std::string>& args) {
  Outcome o = cli(args);
  std::string shown;
  for (const std::string& a : args) shown += a + " ";
  EXPECT_EQ(o.status, 2) << shown << "\n" << o.out;
  EXPECT_EQ(o.err.rfind("fpconform: error: ", 0), 0u) << shown << "\n" << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << shown << "\n" << o.err;
  EXPECT_EQ(o.out, "") << shown;
}

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

// The JSON document in a file (a report, a sidecar); nlohmann's parse_error when it is none.
// While alive, a worker's SIGSEGV reaches its supervisor as the signal: under AddressSanitizer
// (preset asan) the worker's own SEGV handler would turn it into exit status 1. Workers inherit
// the environment.
class SegvReachesTheSupervisor {
 public:
  SegvReachesTheSupervisor() {
    const char* before = std::getenv("ASAN_OPTIONS");
    had_ = before != nullptr;
    saved_ = had_ ? before : "";
    setenv("ASAN_OPTIONS", (saved_.empty() ? "handle_segv=0" : saved_ + ":handle_segv=0").c_str(), 1);
  }
  ~SegvReachesTheSupervisor() {
    if (had_) setenv("ASAN_OPTIONS", saved_.c_str(), 1);
    else unsetenv("ASAN_OPTIONS");
  }
  SegvReachesTheSupervisor(const SegvReachesTheSupervisor&) = delete;
  SegvReachesTheSupervisor& operator=(const SegvReachesTheSupervisor&) = delete;

 private:
  bool had_ = false;
  std::string saved_;
};

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace fpc::testing_support
