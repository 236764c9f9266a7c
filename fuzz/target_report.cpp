// Fuzz target "report": the report reader behind 'fpconform report summary|diff|merge|validate'
// (load_report: JSON parsing, schema validation, consistency checks, report_from_json). The
// input is the report file. Each command must succeed or fail with an InputError (exit 2), never
// with any other exception, a crash or a hang.
#include "fuzz_input.hpp"
#include "cli/report_command.hpp"
#include "report/schema.hpp"
#include "temp_file.hpp"

#include <sstream>

namespace {

void command(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  try {
    (void)fpc::cli::cmd_report(args, out, err);
  } catch (const fpc::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  const std::string path = fuzz::write_temp_file("report", ".json", data, size);
  try {
    (void)load_report(path);
  } catch (const InputError&) {
    return 0;  // the commands below would all stop at the same error
  }
  const std::string merged = fuzz::write_temp_file("report_merged", ".json", nullptr, 0);
  command({"validate", path});
  command({"summary", path});
  command({"summary", path, "--junit"});
  command({"diff", path, path});
  command({"merge", "-o", merged, path});
  return 0;
}
