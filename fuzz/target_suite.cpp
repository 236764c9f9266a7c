// Fuzz target "suite": suite files (harness/check/suite.hpp), read by 'fpconform run --suite FILE'. The
// input is the file. Any input must give checks or an InputError; every check it gives names a
// subject op whose case spec the run then parses (CaseSource::parse), which must also give cases
// or an InputError (block checks: a block subject and a canonical block cases label).
#include "check/block/block_check.hpp"
#include "check/element/cases.hpp"
#include "fpconform/subject.hpp"
#include "fuzz_input.hpp"
#include "check/suite.hpp"
#include "temp_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpc;
  const std::string path = fuzz::write_temp_file("suite", ".json", data, size);
  std::vector<CheckSpec> checks;
  try {
    checks = suite_checks(path, {}, 1);
  } catch (const InputError&) {
    return 0;
  }
  for (const CheckSpec& c : checks) {
    if (c.block) {  // a block check: suite_checks checked the block subject and gave a canonical label
      (void)block_subject_by_name(c.subject);
      if (BlockCaseSet::parse(c.cases).label() != c.cases) fuzz::finding("suite: block cases label " + c.cases + " is not canonical");
      continue;
    }
    const Subject& s = subject_by_name(c.subject);  // suite_checks checked it exists
    for (const SubjectOp& op : s.ops) {
      if (op.name != c.op) continue;
      try {
        const CaseSource cases = CaseSource::parse(op.semantics, c.cases, c.seed);
        if (cases.count() == 0) fuzz::finding("suite: check " + c.subject + "/" + c.op + "/" + c.cases + " has no cases");
      } catch (const InputError&) {
      }
    }
  }
  return 0;
}
