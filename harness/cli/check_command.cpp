#include "cli/check_command.hpp"

#include "check/element/checker.hpp"
#include "cli/args.hpp"
#include "cli/run_command.hpp"
#include "check/worker.hpp"
#include "protocol/program_bisect.hpp"
#include "protocol/block_files.hpp"
#include "protocol/dot_files.hpp"
#include "protocol/file_protocol.hpp"
#include "report/report.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <thread>

namespace fpc::cli {

namespace fs = std::filesystem;

namespace {

// "file:NAME" from the directory's own name (a report's subject names contain no '/').
std::string default_subject_name(const std::string& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  const std::string name = p.filename().string();
  return "file:" + (name.empty() ? std::string("cases") : name);
}

// The report of a check whose program (--exec) crashed, failed or hung: the check as the
// sidecar describes it, with status error and the cause.
int report_program_failure(const std::string& dir, const std::string& subject, const std::string& command,
                           const std::string& cause, const ProgramBisection& bisection, const std::string& report_path,
                           int threads, std::ostream& out) {
  std::ifstream in(fs::path(dir) / "cases.json");
  const nlohmann::json sidecar = nlohmann::json::parse(in, nullptr, false);
  CheckRecord rec;
  try {
    if (sidecar.is_discarded()) throw InputError("is not JSON");
    rec.semantics = semantics_from_json(sidecar.at("semantics"));
    rec.case_label = sidecar.at("cases").at("label").get<std::string>();
    rec.case_count = sidecar.at("cases").at("count").get<uint64_t>();
    rec.seed = sidecar.at("cases").at("seed").get<uint64_t>();
  } catch (const std::exception& e) {
    throw InputError("cases directory " + dir + ": cases.json: " + one_line(e.what()) + " (and the program " +
                     one_line(cause) + ")");
  }
  Report report;
  report.suite = "file";
  report.seed = rec.seed;
  report.environment = describe_environment(threads);
  rec.subject = subject;
  rec.op_name = CasesDirectory::op_name_for(rec.semantics);
  rec.entry = command;
  rec.range_end = rec.case_count;
  (void)reference_for(rec.semantics, &rec.reference);
  rec.outcome.error = cause + (bisection.note.empty() ? "" : "; " + bisection.note);
  rec.failing_case = bisection.failing_case;
  finalize(rec);
  out << status_line(rec) << std::endl;
  report.checks.push_back(std::move(rec));
  write_report(report, report_path);
  out << "fpconform check: fail; report " << report_path << "\n";
  return 1;
}

// Seconds `work` takes.
template <class Work>
double seconds_of(Work&& work) {
  const auto t0 = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// What every kind of check ends with in 'fpconform check': its status line, the report written,
// the verdict line; exit 0 pass, 1 fail or error.
int write_and_judge(const Report& report, const std::string& status_line, const std::string& report_path, std::ostream& out) {
  out << status_line << std::endl;
  write_report(report, report_path);
  out << "fpconform check: " << (report.passed() ? "pass" : "fail") << "; report " << report_path << "\n";
  return report.passed() ? 0 : 1;
}

// The block part of 'fpconform check DIR': checks codes.bin and scales.bin, writes a report with
// one block check.
int check_block_dir(const std::string& dir, const std::string& subject, const std::optional<std::string>& entry,
                    const std::string& report_path, bool strict_blocks, std::ostream& out) {
  const BlockCasesDirectory d(dir);
  Report report;
  report.suite = "file";
  report.seed = d.seed();
  report.environment = describe_environment(1);
  BlockCheckRecord rec =
      block_check_record(subject, entry.value_or(d.codes_path()), d.claims(), d.set(), d.seed(), d.cases(), 0, 1);
  rec.seconds = seconds_of([&] {
    rec.result = check_blocks(subject, rec.claims, d.cases(), 0, d.cases().size(),
                              [&](size_t i, const BlockCase&) { return d.answer(i); }, strict_blocks);
  });
  finalize(rec);
  const std::string line = block_status_line(rec);
  report.block_checks.push_back(std::move(rec));
  return write_and_judge(report, line, report_path, out);
}

// The dot part of 'fpconform check DIR': checks d.bin against the claimed model, diagnoses a
// differing one by every model, writes a report with one dot check.
int check_dot_dir(const std::string& dir, const std::string& subject, const std::optional<std::string>& entry,
                  const std::string& report_path, size_t max_examples, std::ostream& out) {
  const DotCasesDirectory d(dir);
  Report report;
  report.suite = "file";
  report.seed = d.seed();
  report.max_examples = max_examples;
  report.environment = describe_environment(1);
  const DotOp op = d.op(entry.value_or(d.d_path()));
  DotCheckRecord rec = dot_check_record(subject, op, d.set().label(), d.seed(), d.cases(), 0, 1);
  run_dot_check(rec, d.cases(), d.answers(), max_examples);
  const std::string line = dot_status_line(rec);
  report.dot_checks.push_back(std::move(rec));
  return write_and_judge(report, line, report_path, out);
}

}  // namespace

int cmd_check(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  (void)err;
  Args a(rest, {"report", "subject-name", "entry", "threads", "max-examples", "exec", "check-timeout", "case-timeout"},
         {"strict-nan", "strict-blocks"});
  if (a.positional().size() != 1) throw InputError("check takes one cases directory: fpconform check DIR [--report PATH]");
  const std::string dir = a.positional()[0];
  Report report;
  report.suite = "file";
  report.strict_nan = a.flag("strict-nan");
  if (auto m = a.value("max-examples")) report.max_examples = Args::parse_unsigned("max-examples", *m, 1000);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = a.value("threads") ? static_cast<int>(Args::parse_unsigned("threads", *a.value("threads"), 1024)) : hw;
  if (threads == 0) throw InputError("--threads must be at least 1");
  const std::string subject = a.value("subject-name").value_or(default_subject_name(dir));
  if (subject.empty() || subject.find('/') != std::string::npos || subject.size() > 200)
    throw InputError("--subject-name must be 1..200 characters without '/'");
  const std::string report_path = a.value("report").value_or((fs::path(dir) / "report.json").string());
  // --exec: run the program under test first, supervised; a crash, a failure or a hang is the
  // check's error (the report is written), not the end of fpconform.
  if (auto command = a.value("exec")) {
    const double timeout = a.value("check-timeout") ? Args::parse_seconds("check-timeout", *a.value("check-timeout"), true) : 3600;
    // Each run of the bisection on a half: --case-timeout (60 s), never longer than the whole.
    double step_timeout = a.value("case-timeout") ? Args::parse_seconds("case-timeout", *a.value("case-timeout"), false) : 60;
    if (timeout > 0) step_timeout = std::min(step_timeout, timeout);
    std::error_code ec;
    fs::remove(fs::path(dir) / "out.bin", ec);  // never check a stale output
    if (is_dot_cases_dir(dir)) fs::remove(fs::path(dir) / "d.bin", ec);
    if (auto cause = run_program({"/bin/sh", "-c", *command, "sh", dir}, timeout)) {
      if (is_block_cases_dir(dir) || is_dot_cases_dir(dir)) throw InputError("the program " + one_line(*command) + " failed: " + *cause);
      const ProgramBisection bisection = bisect_program(dir, *command, step_timeout);
      return report_program_failure(dir, subject, *command, "the program " + *cause, bisection, report_path, threads, out);
    }
  } else if (a.value("check-timeout") || a.value("case-timeout")) {
    throw InputError("--check-timeout and --case-timeout are for --exec");
  }
  if (is_dot_cases_dir(dir)) return check_dot_dir(dir, subject, a.value("entry"), report_path, report.max_examples, out);
  if (is_block_cases_dir(dir)) return check_block_dir(dir, subject, a.value("entry"), report_path, a.flag("strict-blocks"), out);

  const CasesDirectory cases_dir(dir, InputCheck::DuringCheck);
  const SubjectOp op = cases_dir.subject_op(a.value("entry").value_or(cases_dir.output_path()));
  report.seed = cases_dir.cases().seed();
  report.environment = describe_environment(threads);

  CheckRecord rec;
  rec.subject = subject;
  rec.op_name = op.name;
  rec.entry = op.entry;
  rec.semantics = op.semantics;
  rec.case_label = cases_dir.cases().label();
  rec.case_count = cases_dir.cases().count();
  rec.seed = cases_dir.cases().seed();
  rec.range_begin = 0;
  rec.range_end = rec.case_count;
  (void)reference_for(op.semantics, &rec.reference);
  CheckOptions options;
  options.strict_nan = report.strict_nan;
  options.threads = threads;
  options.max_examples = report.max_examples;
  rec.seconds = seconds_of([&] {
    rec.outcome = run_check(op, cases_dir.cases(), 0, rec.case_count, options);
    cases_dir.throw_input_problem();
  });
  finalize(rec);
  const std::string line = status_line(rec);
  report.checks.push_back(std::move(rec));
  return write_and_judge(report, line, report_path, out);
}

}  // namespace fpc::cli
