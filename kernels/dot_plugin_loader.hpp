// Loads the dot ops of an fpconform plugin (fpconform/plugin_v2.h, ABI version 2) as a dot
// subject. Version 1's element ops load through plugin_loader.hpp; a library may export both.
#pragma once

#include "fpconform/dot_subject.hpp"
#include "fpconform/plugin_v2.h"

#include <string>

namespace fpc {

// dlopens `path`, calls its fpc_plugin_v2, checks the ABI version and every op's declaration
// (op "dot", a model row of the table for its formats, k, GEMM options, run), and returns the
// dot subject "plugin:<file name without .so>" whose ops call the plugin's run in this process
// (a run isolates them in a worker, check/dot_worker.hpp). Any problem is an InputError: one
// line naming the file, the op and the problem.
DotSubject load_dot_plugin(const std::string& path);

// The declaration checks of load_dot_plugin on a table already in memory.
DotSubject dot_plugin_subject(const std::string& path, const fpc_op_v2* ops, size_t count);

// The largest k a v2 op may declare.
inline constexpr size_t kMaxPluginDotK = 65536;

}  // namespace fpc
