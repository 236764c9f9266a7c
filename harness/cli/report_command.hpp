// `fpconform report summary|diff|merge|validate`: reading conformance reports
// (reports/schema/report.schema.json) after a run.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace fpc::cli {

// fpconform report summary R.json [--junit]
// fpconform report diff OLD.json NEW.json        (exit 1 when anything newly fails)
// fpconform report merge -o OUT.json SHARD.json...
// fpconform report validate R.json...
int cmd_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace fpc::cli
