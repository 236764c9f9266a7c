// The conformance-run commands of the CLI.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc {
struct CheckRecord;
}

namespace fpc::cli {

// fpconform run [--suite quick|full|FILE] [--subject NAME ...] [--report PATH] [--shard i/N]
//               [--threads N] [--seed S] [--strict-nan] [--max-examples K]
int cmd_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
// fpconform subjects [--json]
int cmd_subjects(const std::vector<std::string>& args, std::ostream& out);
// "PASS  subject/op/cases  N cases, F failed, ..." — the line run and check print per check.
std::string status_line(const CheckRecord& r);

}  // namespace fpc::cli
