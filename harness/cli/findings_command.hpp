// fpconform findings: the findings registry (findings/*.md, one file per finding; findings/README.md
// gives the format). The same reader serves the test that keeps kernels/known_deviations.cpp in
// agreement with the registry.
#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace fpc {

// One finding: the front matter of its file (the `key: value` lines between the two `---` lines).
struct Finding {
  std::string file;                          // the file name, e.g. "cuda-bf16-hmax-nan-signed-zero.md"
  std::map<std::string, std::string> fields;  // id, library, affected, status, op, class, ...
  const std::string& field(const std::string& key) const;  // "" when absent
  // "subject/op" entries of the known_deviations field (comma separated), each with its classes
  // after a colon: "cuda_host/bfloat16_max_nan:signed_zero".
  std::vector<std::string> known_deviations() const;
};

// The fields every finding must have.
const std::vector<std::string>& required_finding_fields();

// Reads every *.md of `dir` except README.md, sorted by file name. InputError (one line naming
// the file) for a missing directory, a file without front matter, a malformed line, a missing
// required field, a status other than "open" or "fixed-in <version>", or an id that is not the
// file's name.
std::vector<Finding> read_findings(const std::string& dir);

// The registry this build knows: ./findings when it exists, else the source tree's.
std::string default_findings_dir();

}  // namespace fpc

namespace fpc::cli {

// fpconform findings [--dir DIR] [--library NAME] [--status open|fixed] [--json]
int cmd_findings(const std::vector<std::string>& args, std::ostream& out);

}  // namespace fpc::cli
