// The cuda_host@VERSION subjects: one per CUDA release of scripts/cuda-headers.sh, each run by its
// own module (version_module.cpp). A module is dlopen'd RTLD_LOCAL and built with hidden
// visibility, so each release's inline header code stays its own: two releases loaded in one run
// run different code where their headers differ.
#include "cuda_ops.hpp"
#include "version_module.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

#ifndef FPC_CUDA_RELEASES
#define FPC_CUDA_RELEASES ""
#define FPC_CUDA_BUILT ""
#define FPC_CUDA_MODULE_DIR ""
#define FPC_CUDA_UNBUILT_REASON "not built"
#endif

namespace fpc::cuda_ops {
namespace {

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// CUDART_VERSION of a release label: "12.8.57" -> 12080.
int cudart_of(const std::string& label) {
  const size_t dot = label.find('.');
  const size_t end = label.find('.', dot + 1);
  return std::stoi(label.substr(0, dot)) * 1000 + std::stoi(label.substr(dot + 1, end - dot - 1)) * 10;
}

// The directory of the modules: FPC_CUDA_MODULE_DIR in the environment, else the build's.
std::string module_dir() {
  const char* env = std::getenv("FPC_CUDA_MODULE_DIR");
  return env && *env ? env : FPC_CUDA_MODULE_DIR;
}

std::string description_of(const std::string& version) {
  return "host path of the CUDA " + version +
         " headers (PyPI wheel, scripts/cuda-headers.sh), compiled by the C++ compiler as a module of its own";
}

Subject unavailable(const std::string& version, const std::string& why) {
  Subject s;
  s.name = "cuda_host@" + version;
  s.description = description_of(version);
  s.available = false;
  s.unavailable_reason = "skipped: " + why;
  for (const Spec* spec : host_specs_of(cudart_of(version))) s.ops.push_back(unrunnable_op(*spec, s.name, s.unavailable_reason));
  return s;
}

// Loads the module of `version`; an unavailable subject saying why when it cannot.
Subject load_version(const std::string& version) {
  const std::string path = module_dir() + "/cuda_host@" + version + ".so";
  if (!std::filesystem::exists(path)) return unavailable(version, "module " + path + " is missing (build fpc_kernels)");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed: its code runs until exit
  if (!handle) {
    const char* why = dlerror();
    return unavailable(version, "module " + path + " cannot be loaded: " + (why ? why : "dlopen failed"));
  }
  using EntryFn = decltype(&fpc_cuda_host_module_v1);
  auto entry = reinterpret_cast<EntryFn>(dlsym(handle, "fpc_cuda_host_module_v1"));
  const fpc_cuda_module* m = entry ? entry() : nullptr;
  if (!m || m->abi != FPC_CUDA_MODULE_ABI || std::string(m->version) != version || m->cudart_version != cudart_of(version))
    return unavailable(version, "module " + path + " is not the cuda_host@" + version + " module of this build");
  std::map<std::string, fpc_cuda_module_batch> fns;
  for (size_t i = 0; i < m->count; ++i) fns[m->ops[i].name] = m->ops[i].run;

  Subject s;
  s.name = "cuda_host@" + version;
  s.description = description_of(version);
  // Exactly the rows its CUDART_VERSION offers: a module with more or fewer is a build error.
  const std::vector<const Spec*> offered = host_specs_of(m->cudart_version);
  if (offered.size() != fns.size())
    throw std::logic_error(s.name + ": the module has " + std::to_string(fns.size()) + " ops, its release offers " +
                           std::to_string(offered.size()));
  for (const Spec* spec : offered) {
    auto it = fns.find(spec->name);
    if (it == fns.end()) throw std::logic_error(s.name + ": the module lacks op " + spec->name);
    SubjectOp op;
    op.name = spec->name;
    op.entry = spec->entry;
    op.semantics = semantics_of(*spec);
    op.run = it->second;
    s.ops.push_back(std::move(op));
  }
  return s;
}

}  // namespace

std::vector<Subject> make_cuda_version_subjects() {
  const std::vector<std::string> built = split_commas(FPC_CUDA_BUILT);
  std::vector<Subject> out;
  for (const std::string& version : split_commas(FPC_CUDA_RELEASES)) {
    if (std::find(built.begin(), built.end(), version) == built.end()) out.push_back(unavailable(version, FPC_CUDA_UNBUILT_REASON));
    else out.push_back(load_version(version));
  }
  return out;
}

}  // namespace fpc::cuda_ops
