// Loads an fpconform plugin (fpconform/plugin.h, ABI version 1) as a subject.
#pragma once

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

}  // namespace fpc
