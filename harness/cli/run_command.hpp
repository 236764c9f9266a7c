// fpconform run: check subjects against the oracle.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {
struct CheckRecord;
struct Subject;
}

namespace fpc::cli {

// fpconform run [--suite quick|full|FILE] [--subject NAME ...] [--report PATH] [--shard i/N]
//               [--threads N] [--seed S] [--strict-nan] [--max-examples K]
int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// Loads every --plugin; two plugins with the same subject name are an InputError.
std::vector<Subject> load_plugins(const std::vector<std::string>& paths);
// "PASS  subject/op/cases  N cases, F failed, ..." — the line run and check print per check.
std::string status_line(const CheckRecord& r);

}  // namespace fpc::cli
