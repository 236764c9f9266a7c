// Loads an fpconform plugin (fpconform/plugin.h, ABI version 1) as a subject.
#pragma once

#include "fpconform/plugin.h"
#include "fpconform/subject.hpp"

#include <string>

namespace fpc {

// dlopens `path` (RTLD_NOW | RTLD_LOCAL), calls its fpc_plugin_v1, checks the ABI version and
// every op's declaration, and returns the subject "plugin:<file name>", the file name taken
// without its directory and without a trailing ".so" (libmine.so gives "plugin:libmine").
// Each op's BatchFn calls the plugin's run and throws std::runtime_error when it returns
// non-zero (the checker reports that check as "error").
// Any load or declaration problem is an InputError: one line naming the file and the problem.
// The library stays loaded for the life of the process.
Subject load_plugin(const std::string& path);

// The declaration checks of load_plugin on an fpc_op table already in memory (what
// fpc_plugin_v1 returned for the library at `path`): the subject, or an InputError naming
// `path` and the first problem. Reads only the `count` entries of `ops`, and each string up to
// its terminating NUL.
Subject plugin_subject(const std::string& path, const fpc_op* ops, size_t count);

// Which ABI entry points the library at `path` exports (loading it); an InputError when it
// cannot be loaded or exports neither.
struct PluginEntries {
  bool v1 = false;  // fpc_plugin_v1: element ops (load_plugin)
  bool v2 = false;  // fpc_plugin_v2: dot ops (load_dot_plugin, dot_plugin_loader.hpp)
};
PluginEntries plugin_entries(const std::string& path);

// What the v1 and v2 loaders share.
namespace plugin_detail {
constexpr size_t kMaxNameLength = 200;
std::string one_line(std::string s);
std::string quoted(const char* s);   // a declared string for messages: quoted, cut short
bool valid_name(const char* s);      // 1..kMaxNameLength letters, digits or _ - . +
[[noreturn]] void fail_at(const std::string& path, const std::string& problem);  // InputError "plugin PATH: problem"
std::string subject_name(const std::string& path);  // "plugin:<file name without .so>"
void* open_library(const std::string& path);  // the checks on the path, dlopen (kept open); InputError
}  // namespace plugin_detail

}  // namespace fpc
