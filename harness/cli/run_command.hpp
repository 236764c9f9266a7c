// fpconform run: check subjects against the oracle.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {
struct CheckRecord;
struct Subject;
struct DotSubject;
}

namespace fpc::cli {

// fpconform run [--suite quick|full|FILE] [--subject NAME ...] [--report PATH] [--shard i/N]
//               [--threads N] [--seed S] [--strict-nan] [--max-examples K]
int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// Loads every --plugin; two plugins with the same subject name are an InputError. A library
// that exports only fpc_plugin_v2 (dot ops) is left to load_dot_plugins.
std::vector<Subject> load_plugins(const std::vector<std::string>& paths);
// The dot subjects of the --plugin libraries that export fpc_plugin_v2 (plugin_v2.h).
std::vector<DotSubject> load_dot_plugins(const std::vector<std::string>& paths);
// "PASS  subject/op/cases  N cases, F failed, ..." — the line run and check print per check.
std::string status_line(const CheckRecord& r);

}  // namespace fpc::cli
