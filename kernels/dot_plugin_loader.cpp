// Plugin loading, ABI version 2 (fpconform/plugin_v2.h): fpc_plugin_v2 and the dot op checks.
#include "dot_plugin_loader.hpp"

#include "fpconform/exact.hpp"
#include "fpconform/format.hpp"
#include "plugin_loader.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string_view>

namespace fpc {

using namespace plugin_detail;

namespace {

constexpr size_t kMaxOps = 10000;

// A canonical format name, or the load error.
const Format& declared_format(const std::string& path, const std::string& where, const char* field, const char* declared) {
  if (!declared) fail_at(path, where + " has a null " + field);
  const Format* f = nullptr;
  try {
    f = &format_by_name(declared);
  } catch (const InputError& e) {
    fail_at(path, where + ": " + field + " " + quoted(declared) + " is not a known format (" + one_line(e.what()) + ")");
  }
  if (f->name != declared)
    fail_at(path, where + ": " + field + " " + quoted(declared) + " is not a canonical format name (use '" + f->name + "')");
  return *f;
}

}  // namespace

DotSubject load_dot_plugin(const std::string& path) {
  void* handle = open_library(path);
  dlerror();
  void* sym = dlsym(handle, "fpc_plugin_v2");
  if (!sym) fail_at(path, "does not export fpc_plugin_v2 (is it an fpconform plugin, declared extern \"C\"?)");
  auto entry = reinterpret_cast<decltype(&fpc_plugin_v2)>(sym);
  const fpc_op_v2* ops = nullptr;
  size_t count = 0;
  const int version = entry(&ops, &count);
  if (version != FPC_PLUGIN_ABI_VERSION_2)
    fail_at(path, "fpc_plugin_v2 returned " + std::to_string(version) + ", not ABI version " + std::to_string(FPC_PLUGIN_ABI_VERSION_2));
  return dot_plugin_subject(path, ops, count);
}

DotSubject dot_plugin_subject(const std::string& path, const fpc_op_v2* ops, size_t count) {
  auto fail = [&path](const std::string& problem) { fail_at(path, problem); };
  if (count == 0) fail("fpc_plugin_v2 declares no ops");
  if (count > kMaxOps) fail("fpc_plugin_v2 declares " + std::to_string(count) + " ops (at most " + std::to_string(kMaxOps) + ")");
  if (!ops) fail("fpc_plugin_v2 set a null ops array");
  const std::string file_name = std::filesystem::path(path).filename().string();
  DotSubject subject;
  subject.name = subject_name(path);
  subject.description = "plugin " + path + " (ABI version 2, " + std::to_string(count) + " dot op" + (count == 1 ? "" : "s") + ")";
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < count; ++i) {
    const fpc_op_v2& d = ops[i];
    const std::string at = "dot op " + std::to_string(i);
    if (!d.name) fail(at + " has a null name");
    if (!valid_name(d.name))
      fail(at + " name " + quoted(d.name) + " must be 1.." + std::to_string(kMaxNameLength) + " letters, digits or _ - . +");
    const std::string name = d.name;
    const std::string where = "dot op " + name;
    if (!names.insert(name).second) fail("dot op name '" + name + "' is declared twice");
    if (!d.op) fail(where + " has a null op");
    if (std::string_view(d.op) != "dot") fail(where + ": unknown op " + quoted(d.op) + " (version 2 declares op \"dot\")");
    const Format& in = declared_format(path, where, "in_format", d.in_format);
    const Format& out = declared_format(path, where, "out_format", d.out_format);
    if (!d.model) fail(where + " has a null model");
    if (d.k == 0 || d.k > kMaxPluginDotK)
      fail(where + ": k is " + std::to_string(d.k) + " (1.." + std::to_string(kMaxPluginDotK) + ")");
    if (d.promotion_interval < 0) fail(where + ": promotion_interval is " + std::to_string(d.promotion_interval) + " (0 or more)");
    if (d.split_k < 1) fail(where + ": split_k is " + std::to_string(d.split_k) + " (1 or more)");
    if (!d.run) fail(where + " has a null run function");
    DotOp op;
    op.name = name;
    op.entry = file_name + ": fpc_op_v2 " + name;
    op.claim = {d.model, in.name, out.name, {d.promotion_interval, d.split_k}};
    op.ks = {d.k};
    // The claim as the checks will use it: the model row for these formats and the GEMM options
    // for this k (one case built proves both).
    try {
      if (!dot_model(op.claim.model, op.claim.input, op.claim.output).block_scales.empty())
        throw InputError("model " + op.claim.model +
                         " is block-scaled: block-scaled rows need scale operands, which plugin ABI v2 does not carry");
      if (d.k % static_cast<size_t>(d.split_k) != 0)
        throw InputError("split_k " + std::to_string(d.split_k) + " does not divide k " + std::to_string(d.k));
      (void)dot(dot_model(op.claim.model, op.claim.input, op.claim.output), in, std::vector<uint64_t>(d.k, 0),
                std::vector<uint64_t>(d.k, 0), 0, op.claim.gemm);
    } catch (const InputError& e) {
      fail(where + ": " + one_line(e.what()));
    }
    auto* run = d.run;
    void* ctx = d.ctx;
    op.run = [run, ctx, name](const DotBatch& b) {
      const int rc = run(b.a.data(), b.b.data(), b.c.data(), b.d.data(), b.count, b.K, ctx);
      if (rc != 0) throw std::runtime_error("plugin dot op " + name + " returned error " + std::to_string(rc));
    };
    subject.ops.push_back(std::move(op));
  }
  return subject;
}

}  // namespace fpc
