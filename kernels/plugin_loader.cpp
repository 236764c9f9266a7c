// Plugin loading (ABI version 1, fpconform/plugin.h): dlopen, fpc_plugin_v1, declaration checks.
#include "plugin_loader.hpp"

#include "fpconform/exact.hpp"
#include "fpconform/plugin.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <vector>

namespace fpc {

namespace plugin_detail {

// One line, whatever the loader said.
std::string one_line(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

// Handles of every plugin loaded, kept open (never dlclose'd) for the life of the process.
void keep_open(void* handle) {
  static std::mutex mu;
  static std::vector<void*> handles;
  std::lock_guard lock(mu);
  handles.push_back(handle);
}

// A declared string, for messages: quoted and cut short.
std::string quoted(const char* s) {
  std::string_view v(s);
  return "'" + std::string(v.substr(0, 60)) + (v.size() > 60 ? "...'" : "'");
}

bool valid_name(const char* s) {
  std::string_view v(s);
  if (v.empty() || v.size() > kMaxNameLength) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '+';
  });
}

[[noreturn]] void fail_at(const std::string& path, const std::string& problem) {
  throw InputError("plugin " + path + ": " + problem);
}

std::string subject_name(const std::string& path) {
  std::string stem = std::filesystem::path(path).filename().string();
  if (stem.size() > 3 && stem.ends_with(".so")) stem.resize(stem.size() - 3);
  return "plugin:" + stem;
}

void* open_library(const std::string& path) {
  auto fail = [&path](const std::string& problem) { fail_at(path, problem); };
  if (path.empty()) throw InputError("--plugin needs a path to a shared object");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail("no such file");
  if (std::filesystem::is_directory(path, ec)) fail("is a directory, not a shared object");

  // A bare file name means the file here, not a search of the library path.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    fail("cannot be loaded: " + one_line(why ? why : "dlopen failed"));
  }
  keep_open(handle);
  return handle;
}

}  // namespace plugin_detail

using namespace plugin_detail;

namespace {
constexpr size_t kMaxOps = 100000;
}  // namespace

PluginEntries plugin_entries(const std::string& path) {
  void* handle = open_library(path);
  PluginEntries e;
  e.v1 = dlsym(handle, "fpc_plugin_v1") != nullptr;
  e.v2 = dlsym(handle, "fpc_plugin_v2") != nullptr;
  if (!e.v1 && !e.v2)
    fail_at(path, "does not export fpc_plugin_v1 or fpc_plugin_v2 (is it an fpconform plugin, declared extern \"C\"?)");
  return e;
}

Subject load_plugin(const std::string& path) {
  auto fail = [&path](const std::string& problem) { fail_at(path, problem); };
  void* handle = open_library(path);
  dlerror();
  void* sym = dlsym(handle, "fpc_plugin_v1");
  if (!sym) fail("does not export fpc_plugin_v1 (is it an fpconform plugin, declared extern \"C\"?)");
  using EntryFn = decltype(&fpc_plugin_v1);
  auto entry = reinterpret_cast<EntryFn>(sym);

  const fpc_op* ops = nullptr;
  size_t count = 0;
  const int version = entry(&ops, &count);
  if (version != FPC_PLUGIN_ABI_VERSION)
    fail("fpc_plugin_v1 returned " + std::to_string(version) + ", not ABI version " +
         std::to_string(FPC_PLUGIN_ABI_VERSION));
  return plugin_subject(path, ops, count);
}

Subject plugin_subject(const std::string& path, const fpc_op* ops, size_t count) {
  auto fail = [&path](const std::string& problem) { fail_at(path, problem); };
  if (count == 0) fail("declares no ops");
  if (count > kMaxOps) fail("declares " + std::to_string(count) + " ops (at most " + std::to_string(kMaxOps) + ")");
  if (!ops) fail("fpc_plugin_v1 set a null ops array");

  const std::string file_name = std::filesystem::path(path).filename().string();
  Subject subject;
  subject.name = subject_name(path);
  subject.description = "plugin " + path + " (ABI version 1, " + std::to_string(count) + " op" +
                        (count == 1 ? "" : "s") + ")";
  std::set<std::string, std::less<>> names;
  static const std::set<std::string_view> known_ops = {"convert", "add", "sub", "mul", "div", "fma", "sqrt"};
  for (size_t i = 0; i < count; ++i) {
    const fpc_op& d = ops[i];
    const std::string at = "op " + std::to_string(i);
    if (!d.name) fail(at + " has a null name");
    if (!valid_name(d.name))
      fail(at + " name " + quoted(d.name) + " must be 1.." + std::to_string(kMaxNameLength) +
           " letters, digits or _ - . +");
    const std::string name = d.name;
    const std::string where = "op " + name;
    if (!names.insert(name).second) fail("op name '" + name + "' is declared twice");
    if (!d.op) fail(where + " has a null op");
    if (!known_ops.count(d.op))
      fail(where + ": unknown op " + quoted(d.op) + " (expected convert, add, sub, mul, div, fma or sqrt)");
    if (!d.in_format) fail(where + " has a null in_format");
    if (!d.out_format) fail(where + " has a null out_format");
    if (!d.rounding) fail(where + " has a null rounding");
    OpSemantics s;
    s.op = d.op;
    for (auto [declared, field, slot] : {std::tuple{d.in_format, "in_format", &s.in}, {d.out_format, "out_format", &s.out}}) {
      const Format* f = nullptr;
      try {
        f = &format_by_name(declared);
      } catch (const InputError& e) {
        fail(where + ": " + field + " " + quoted(declared) + " is not a known format (" + one_line(e.what()) + ")");
      }
      if (!f) fail(where + ": " + field + " " + quoted(declared) + " is not a known format");
      if (f->name != declared)
        fail(where + ": " + field + " " + quoted(declared) + " is not a canonical format name (use '" + f->name + "')");
      *slot = f;
    }
    try {
      s.rounding = rounding_by_name(d.rounding);
    } catch (const InputError&) {
      fail(where + ": unknown rounding " + quoted(d.rounding) + " (expected rne, rna, rtz, rup, rdn, rod or sr)");
    }
    if (d.saturate != 0 && d.saturate != 1) fail(where + ": saturate is " + std::to_string(d.saturate) + " (0 or 1)");
    s.policy.saturate = d.saturate == 1;
    if (s.rounding == Rounding::Stochastic) {
      if (d.sr_bits < 1 || d.sr_bits > 64)
        fail(where + ": sr_bits is " + std::to_string(d.sr_bits) + " (1..64 with rounding sr)");
    } else if (d.sr_bits != 0) {
      fail(where + ": sr_bits is " + std::to_string(d.sr_bits) + " (must be 0 unless rounding is sr)");
    }
    s.sr_bits = d.sr_bits;
    if (!d.run) fail(where + " has a null run function");

    SubjectOp op;
    op.name = name;
    op.entry = file_name + ": fpc_op " + name;
    op.semantics = s;
    auto* run = d.run;
    void* ctx = d.ctx;
    op.run = [run, ctx, name](const uint64_t* const* in, uint64_t* out, size_t n) {
      const int rc = run(in, out, n, ctx);
      if (rc != 0) throw std::runtime_error("plugin op " + name + " returned error " + std::to_string(rc));
    };
    subject.ops.push_back(std::move(op));
  }
  return subject;
}

}  // namespace fpc
