// `fpconform run`.
#include "cli/run_command.hpp"

#include "cli/args.hpp"
#include "check/block/block_check.hpp"
#include "../kernels/plugin_loader.hpp"
#include "report/report.hpp"
#include "check/suite.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <thread>

namespace fpc::cli {

namespace {

struct Shard {
  int index = 0, count = 1;
};

// "i/N" with 0 <= i < N.
Shard parse_shard(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) throw InputError("--shard takes i/N (0 <= i < N), got '" + text + "'");
  Shard s;
  s.index = static_cast<int>(Args::parse_unsigned("shard", text.substr(0, slash), 1u << 20));
  s.count = static_cast<int>(Args::parse_unsigned("shard", text.substr(slash + 1), 1u << 20));
  if (s.count == 0 || s.index >= s.count) throw InputError("--shard takes i/N with 0 <= i < N, got '" + text + "'");
  return s;
}

const Subject& find_subject(const std::vector<Subject>& plugins, const std::string& name) {
  for (const Subject& s : plugins)
    if (s.name == name) return s;
  return subject_by_name(name);
}

const SubjectOp& find_op(const Subject& s, const std::string& name) {
  for (const SubjectOp& op : s.ops)
    if (op.name == name) return op;
  throw InputError("subject " + s.name + " has no op " + name);
}

// Progress on a terminal: one self-overwriting line per check, at most every 200 ms.
class Progress {
 public:
  Progress(std::ostream& err, bool tty) : err_(err), tty_(tty) {}
  void start(const std::string& id, uint64_t total) {
    id_ = id;
    total_ = total;
    done_ = 0;
    begin_ = last_ = std::chrono::steady_clock::now();
  }
  void advance(uint64_t n) {
    uint64_t done = done_ += n;
    if (!tty_) return;
    std::lock_guard lock(mu_);
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - begin_).count();
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    int width = 30, filled = total_ ? static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total_)) : 0;
    char line[256];
    std::snprintf(line, sizeof line, "\r[%-*s] %5.1f%%  %.3g cases/s  ETA %.0fs  %s", width,
                  std::string(static_cast<size_t>(std::clamp(filled, 0, width)), '#').c_str(),
                  total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate, eta, id_.c_str());
    err_ << line << std::flush;
  }
  void finish() {
    if (tty_) err_ << "\r\033[K" << std::flush;
  }

 private:
  std::ostream& err_;
  bool tty_;
  std::string id_;
  uint64_t total_ = 0;
  std::atomic<uint64_t> done_{0};
  std::mutex mu_;
  std::chrono::steady_clock::time_point begin_, last_;
};

// One block check of a run: blocks [range] of the shard, or skipped where the subject cannot run.
BlockCheckRecord run_block_spec(const CheckSpec& spec, const Shard& shard, bool strict_blocks) {
  const BlockSubject& subject = block_subject_by_name(spec.subject);
  const BlockCaseSet set = BlockCaseSet::parse(spec.cases);
  const std::vector<BlockCase> cases = block_cases(subject.claims, set, spec.seed);
  BlockCheckRecord rec =
      block_check_record(subject.name, subject.description, subject.claims, set, spec.seed, cases, shard.index, shard.count);
  if (!subject.available) {
    rec.status = "skipped";
    rec.skipped_reason = subject.unavailable_reason.empty() ? "skipped: unavailable here" : subject.unavailable_reason;
    rec.result = check_blocks(subject.name, rec.claims, cases, 0, 0, {});  // the distances' references, no block
    return rec;
  }
  auto t0 = std::chrono::steady_clock::now();
  rec.result = check_blocks(subject.name, rec.claims, cases, rec.range_begin, rec.range_end,
                            [&](size_t, const BlockCase& c) { return subject.run(c.bits); }, strict_blocks);
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  finalize(rec);
  return rec;
}

}  // namespace

// Loads every --plugin; two plugins with the same subject name are an InputError.
std::vector<Subject> load_plugins(const std::vector<std::string>& paths) {
  std::vector<Subject> plugins;
  for (const std::string& path : paths) {
    Subject s = load_plugin(path);
    if (std::any_of(plugins.begin(), plugins.end(), [&](const Subject& p) { return p.name == s.name; }))
      throw InputError("plugin " + path + ": another --plugin is also named " + s.name);
    plugins.push_back(std::move(s));
  }
  return plugins;
}

std::string status_line(const CheckRecord& r) {
  char buf[512];
  std::string tail;
  if (r.status == "skipped") tail = r.skipped_reason;
  else if (r.status == "error") tail = r.outcome.error;
  else {
    std::snprintf(buf, sizeof buf, "%llu cases, %llu failed, %llu impl-defined, %.2fs (%s)",
                  static_cast<unsigned long long>(r.outcome.cases), static_cast<unsigned long long>(r.outcome.failed),
                  static_cast<unsigned long long>(r.outcome.implementation_defined), r.seconds, r.reference.c_str());
    tail = buf;
    if (!r.diagnosis.empty()) {
      tail += "; behaves exactly as: ";
      for (size_t i = 0; i < r.diagnosis.size(); ++i) tail += (i ? ", " : "") + r.diagnosis[i];
    }
    if (r.status == "known_deviation") tail += "; known: " + r.known_deviation->summary + " (" + r.known_deviation->reference + ")";
  }
  return check_line(r.status, r.id(), tail);
}

int cmd_run(const std::vector<std::string>& rest, std::ostream& out, std::ostream& err) {
  Args a(rest, {"suite", "report", "shard", "threads", "seed", "max-examples"}, {"strict-nan", "strict-blocks", "no-known-deviations"},
         {"subject", "plugin"});
  if (!a.positional().empty()) throw InputError("run takes no positional arguments (did you mean --subject?)");
  Report report;
  report.suite = a.value("suite").value_or("quick");
  report.seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
  report.strict_nan = a.flag("strict-nan");
  report.known_deviations_applied = !a.flag("no-known-deviations");
  if (auto m = a.value("max-examples")) report.max_examples = Args::parse_unsigned("max-examples", *m, 1000);
  Shard shard = a.value("shard") ? parse_shard(*a.value("shard")) : Shard{};
  report.shard_index = shard.index;
  report.shard_count = shard.count;
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = a.value("threads") ? static_cast<int>(Args::parse_unsigned("threads", *a.value("threads"), 1024)) : hw;
  if (threads == 0) throw InputError("--threads must be at least 1");
  const std::string report_path = a.value("report").value_or("fpconform-report.json");
  // Plugins: every op of every --plugin, with the case kinds of the quick suite (of the full
  // suite with --suite full). With plugins, a built-in suite checks only the built-in subjects
  // named with --subject (a suite file, all of its checks).
  const std::vector<Subject> plugins = load_plugins(a.values("plugin"));
  std::vector<std::string> builtin_subjects;
  for (const std::string& name : a.values("subject"))
    if (std::none_of(plugins.begin(), plugins.end(), [&](const Subject& p) { return p.name == name; }))
      builtin_subjects.push_back(name);
  const bool builtin_suite = report.suite == "quick" || report.suite == "full";
  std::vector<CheckSpec> specs;
  if (plugins.empty() || !builtin_subjects.empty() || !builtin_suite)
    specs = suite_checks(report.suite, builtin_subjects, report.seed);
  for (const Subject& p : plugins)
    for (const SubjectOp& op : p.ops)
      for (std::string& kind : suite_case_kinds(op.semantics, report.suite == "full"))
        specs.push_back({p.name, op.name, std::move(kind), report.seed});
  if (specs.empty()) throw InputError("the suite selects no checks");
  report.environment = describe_environment(threads);

  Progress progress(err, isatty(STDERR_FILENO) != 0);
  for (const CheckSpec& spec : specs) {
    if (spec.block) {
      report.block_checks.push_back(run_block_spec(spec, shard, a.flag("strict-blocks")));
      out << block_status_line(report.block_checks.back()) << std::endl;
      continue;
    }
    const Subject& subject = find_subject(plugins, spec.subject);
    const SubjectOp& op = find_op(subject, spec.op);
    CaseSource cases = CaseSource::parse(op.semantics, spec.cases, spec.seed);
    CheckRecord rec;
    rec.subject = subject.name;
    rec.op_name = op.name;
    rec.entry = op.entry;
    rec.semantics = op.semantics;
    rec.case_label = cases.label();
    rec.case_count = cases.count();
    rec.seed = spec.seed;
    rec.range_begin = cases.count() * static_cast<uint64_t>(shard.index) / static_cast<uint64_t>(shard.count);
    rec.range_end = cases.count() * static_cast<uint64_t>(shard.index + 1) / static_cast<uint64_t>(shard.count);
    (void)reference_for(op.semantics, &rec.reference);
    if (report.known_deviations_applied) rec.known_deviation = known_deviation_note(subject.name, op.name);
    if (!subject.available) {
      rec.status = "skipped";
      rec.skipped_reason = subject.unavailable_reason;
    } else {
      CheckOptions options;
      options.strict_nan = report.strict_nan;
      options.threads = threads;
      options.max_examples = report.max_examples;
      progress.start(rec.id(), rec.range_end - rec.range_begin);
      options.progress = [&progress](uint64_t n) { progress.advance(n); };
      auto t0 = std::chrono::steady_clock::now();
      rec.outcome = run_check(op, cases, rec.range_begin, rec.range_end, options);
      rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress.finish();
    }
    finalize(rec);
    out << status_line(rec) << std::endl;
    report.checks.push_back(std::move(rec));
  }
  write_report(report, report_path);
  nlohmann::json summary = to_json(report)["summary"];
  const nlohmann::json& blocks = summary["block_checks"];
  out << "fpconform run: " << summary["checks"] << " checks: " << summary["passed"] << " passed, " << summary["failed"]
      << " failed, " << summary["known_deviations"] << " known deviations, " << summary["skipped"] << " skipped, "
      << summary["errors"] << " errors";
  if (blocks["checks"] != 0)
    out << "; " << blocks["checks"] << " block checks: " << blocks["passed"] << " passed, " << blocks["failed"] << " failed, "
        << blocks["skipped"] << " skipped, " << blocks["errors"] << " errors, " << blocks["unjudged"] << " blocks unjudged";
  out << "; report " << report_path << "\n";
  return report.passed() ? 0 : 1;
}

}  // namespace fpc::cli
