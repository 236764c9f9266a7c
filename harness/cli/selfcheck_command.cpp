#include "cli/selfcheck_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "cli/selfcheck.hpp"

#include <fstream>
#include <ostream>

namespace fpc::cli {

int cmd_selfcheck(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {"golden", "report"}, {"json"});
  if (!a.positional().empty()) throw InputError("selfcheck takes no positional arguments");
  std::string golden = a.value("golden").value_or(default_golden_path());
  SelfcheckResult r = run_selfcheck(golden);
  json report = selfcheck_report(r, golden);
  if (auto path = a.value("report")) {
    std::ofstream f(*path);
    if (!f) throw InputError("cannot write report '" + *path + "'");
    f << report.dump(2) << "\n";
  }
  if (a.flag("json")) out << report.dump(2) << "\n";
  else print_selfcheck(r, out);
  return r.failed == 0 ? 0 : 1;
}

}  // namespace fpc::cli
