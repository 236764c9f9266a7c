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

}  // namespace fpc
