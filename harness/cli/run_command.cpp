// `fpconform run`.
#include "cli/run_command.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "check/interrupt.hpp"
#include "check/worker.hpp"
#include "check/block/block_check.hpp"
#include "check/block_worker.hpp"
#include "check/dot/dot_check.hpp"
#include "check/dot_worker.hpp"
#include "../kernels/dot_plugin_loader.hpp"
#include "../kernels/plugin_loader.hpp"
#include "report/report.hpp"
#include "check/suite.hpp"

#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
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

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

// A block check of a run before it runs (status "interrupted" until it does).
BlockCheckRecord plan_block_check(const CheckSpec& spec, const Shard& shard, bool strict_blocks) {
  const BlockSubject& subject = block_subject_by_name(spec.subject);
  const BlockCaseSet set = BlockCaseSet::parse(spec.cases);
  BlockCheckRecord rec = block_check_record(subject.name, subject.description, subject.claims, set, spec.seed,
                                            block_cases(subject.claims, set, spec.seed), shard.index, shard.count);
  rec.result.strict_blocks = strict_blocks;  // kept in the report, so that --resume judges as the run did
  rec.status = "interrupted";
  return rec;
}

// Runs a planned block check: blocks [range] of the shard, or skipped where the subject cannot run.
// Subjects that are not the oracle's own code run in a supervised worker (`limits`), unless
// --in-process.
void run_block_check(BlockCheckRecord& rec, IsolationLimits limits, bool in_process) {
  const BlockSubject& subject = block_subject_by_name(rec.subject);
  const bool strict_blocks = rec.result.strict_blocks;
  const std::vector<BlockCase> cases = block_cases(rec.claims, BlockCaseSet::parse(rec.case_label), rec.seed);
  if (!subject.available) {
    rec.status = "skipped";
    rec.skipped_reason = subject.unavailable_reason.empty() ? "skipped: unavailable here" : subject.unavailable_reason;
    rec.result = check_blocks(subject.name, rec.claims, cases, 0, 0, {});  // the distances' references, no block
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<BlockSubjectWorker> worker;
  if (!in_process && runs_isolated(subject)) worker = std::make_unique<BlockSubjectWorker>(subject.name, limits);
  rec.result = check_blocks(subject.name, rec.claims, cases, rec.range_begin, rec.range_end,
                            [&](size_t, const BlockCase& c) { return worker ? worker->run(c.bits) : subject.run(c.bits); },
                            strict_blocks);
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rec.status.clear();
  finalize(rec);
}

const DotOp& find_dot_op(const DotSubject& s, const std::string& name) {
  for (const DotOp& op : s.ops)
    if (op.name == name) return op;
  throw InputError("dot subject " + s.name + " has no op " + name);
}

// The subjects of a run: built-in ones and plugins, and the supervised workers of those that run
// isolated (plugins and cuda_device, unless --in-process).
class RunSubjects {
 public:
  RunSubjects(const std::vector<std::string>& plugin_paths, IsolationLimits limits, bool in_process)
      : limits_(limits), in_process_(in_process) {
    for (const std::string& path : plugin_paths) {
      const PluginEntries entries = plugin_entries(path);
      if (entries.v1) paths_.push_back(path);
      if (entries.v2) dot_paths_.push_back(path);
    }
    plugins_ = load_plugins(paths_);
    dot_plugins_ = load_dot_plugins(dot_paths_);
  }

  const std::vector<Subject>& plugins() const { return plugins_; }
  const std::vector<DotSubject>& dot_plugins() const { return dot_plugins_; }
  const Subject& find(const std::string& name) const { return find_subject(plugins_, name); }
  const DotSubject& find_dot(const std::string& name) const {
    for (const DotSubject& s : dot_plugins_)
      if (s.name == name) return s;
    return dot_subject_by_name(name);
  }
  // The library of a v2 plugin's dot subject, or "" for a built-in one.
  std::string dot_plugin_path(const std::string& name) const {
    for (size_t i = 0; i < dot_plugins_.size(); ++i)
      if (dot_plugins_[i].name == name) return dot_paths_[i];
    return "";
  }
  bool in_process() const { return in_process_; }
  IsolationLimits limits() const { return limits_; }

  // The workers that run `subject`, or nullptr where it runs in this process.
  SubjectWorkers* workers(const Subject& subject) {
    if (in_process_) return nullptr;
    WorkerTarget target;
    for (size_t i = 0; i < plugins_.size(); ++i)
      if (plugins_[i].name == subject.name) target.plugin_path = paths_[i];
    if (target.plugin_path.empty() && subject.name != "cuda_device") return nullptr;
    if (target.plugin_path.empty()) target.subject = subject.name;
    auto& w = workers_[subject.name];
    if (!w) w = std::make_unique<SubjectWorkers>(target, subject, limits_);
    return w.get();
  }

 private:
  std::vector<Subject> plugins_;
  std::vector<std::string> paths_;  // of plugins_, in order
  std::vector<DotSubject> dot_plugins_;
  std::vector<std::string> dot_paths_;  // of dot_plugins_, in order
  IsolationLimits limits_;
  bool in_process_;
  std::map<std::string, std::unique_ptr<SubjectWorkers>> workers_;
};

// A dot check of a run before it runs (status "interrupted" until it does).
DotCheckRecord plan_dot_check(const CheckSpec& spec, const RunSubjects& subjects, const Shard& shard) {
  const DotSubject& subject = subjects.find_dot(spec.subject);
  const DotOp& op = find_dot_op(subject, spec.op);
  return dot_check_record(subject.name, op, spec.cases, spec.seed,
                          dot_cases(op.claim, op.ks, DotCaseSet::parse(spec.cases), spec.seed), shard.index, shard.count);
}

// Runs a planned dot check over the shard's range, or skips it where the subject cannot run. A
// v2 plugin's ops and the GPU subjects run in workers (check/dot_worker.hpp) unless --in-process.
void run_dot_check_record(DotCheckRecord& rec, const RunSubjects& subjects, size_t max_examples) {
  const DotSubject& subject = subjects.find_dot(rec.subject);
  if (!subject.available) {
    rec.status = "skipped";
    rec.skipped_reason = subject.unavailable_reason.empty() ? "skipped: unavailable here" : subject.unavailable_reason;
    return;
  }
  const DotOp& op = find_dot_op(subject, rec.op_name);
  const std::vector<DotCase> cases = dot_cases(op.claim, op.ks, DotCaseSet::parse(rec.case_label), rec.seed);
  const DotWorkerTarget target{subject.name, subjects.dot_plugin_path(rec.subject)};
  const bool isolated = !subjects.in_process() && (!target.plugin_path.empty() || dot_runs_isolated(subject));
  run_dot_check(rec, cases, isolated ? supervised_dot_answers(target, op, cases, subjects.limits()) : op_answers(op, cases),
                max_examples);
}

// An element check of a run before it runs (status "interrupted" until it does).
CheckRecord plan_check(const CheckSpec& spec, const RunSubjects& subjects, const Shard& shard, const Report& report) {
  const Subject& subject = subjects.find(spec.subject);
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
  rec.status = "interrupted";
  return rec;
}

// "#1234: 0x3f80 0x0001", the failing case of an error.
std::string failing_case_text(const CheckRecord& r) {
  const FailingCase& f = *r.failing_case;
  std::string s = "#" + std::to_string(f.index) + ":";
  for (size_t k = 0; k < f.inputs.size(); ++k) {
    char random[40];
    std::snprintf(random, sizeof random, "random 0x%llx", static_cast<unsigned long long>(f.inputs[k]));
    s += " " + (static_cast<int>(k) < r.semantics.arity() ? code_hex(*r.semantics.in, f.inputs[k]) : std::string(random));
  }
  return s;
}

// Runs a planned element check; Interrupted leaves it as it was.
void run_check_record(CheckRecord& rec, RunSubjects& subjects, const Report& report, int threads, Progress& progress) {
  const Subject& subject = subjects.find(rec.subject);
  const SubjectOp& op = find_op(subject, rec.op_name);
  const CaseSource cases = CaseSource::parse(op.semantics, rec.case_label, rec.seed);
  CheckRecord done = rec;
  if (!subject.available) {
    done.status = "skipped";
    done.skipped_reason = subject.unavailable_reason;
    rec = std::move(done);
    return;
  }
  CheckOptions options;
  options.strict_nan = report.strict_nan;
  options.threads = threads;
  options.max_examples = report.max_examples;
  progress.start(rec.id(), rec.range_end - rec.range_begin);
  options.progress = [&progress](uint64_t n) {
    progress.advance(n);
    throw_if_interrupted();
  };
  struct Finish {
    Progress& p;
    ~Finish() { p.finish(); }
  } finish{progress};
  SubjectWorkers* workers = subjects.workers(subject);
  auto t0 = std::chrono::steady_clock::now();
  if (!workers) {
    done.outcome = run_check(op, cases, rec.range_begin, rec.range_end, options);
  } else {
    const CaseServer served = workers->begin_check(op, cases, rec.range_begin, rec.range_end);
    done.outcome = run_check(op, cases, rec.range_begin, rec.range_end, options, served);
    if (auto failure = workers->first_failure()) {
      // The first failing case in case order, whichever thread met a failure first.
      done.outcome.error = "subject failed: " + failure->cause;
      if (auto found = workers->locate(*failure)) {
        done.outcome.error = "subject failed: " + found->cause;
        done.failing_case = std::move(*found);
      } else if (!failure->check_timeout) {
        done.outcome.error += " (in cases " + std::to_string(failure->begin) + ".." + std::to_string(failure->end - 1) +
                              "; no single case fails alone)";
      }
    }
  }
  done.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  done.status.clear();
  finalize(done);
  rec = std::move(done);
}

// Writes the report at most once a second while checks finish (and always when `now`), so that
// a run that is killed keeps what it found.
class ReportWriter {
 public:
  explicit ReportWriter(std::string path) : path_(std::move(path)) {}
  void write(const Report& report, bool now) {
    const auto t = std::chrono::steady_clock::now();
    if (!now && t - last_ < std::chrono::seconds(1)) return;
    const std::string tmp = path_ + ".tmp";
    write_report(report, tmp);
    if (std::rename(tmp.c_str(), path_.c_str()) != 0) throw InputError("cannot write report '" + path_ + "'");
    last_ = t;
  }

 private:
  std::string path_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

// Loads every --plugin; two plugins with the same subject name are an InputError.
std::vector<Subject> load_plugins(const std::vector<std::string>& paths) {
  std::vector<Subject> plugins;
  for (const std::string& path : paths) {
    if (!plugin_entries(path).v1) continue;  // a dot plugin only (load_dot_plugins)
    Subject s = load_plugin(path);
    if (std::any_of(plugins.begin(), plugins.end(), [&](const Subject& p) { return p.name == s.name; }))
      throw InputError("plugin " + path + ": another --plugin is also named " + s.name);
    plugins.push_back(std::move(s));
  }
  return plugins;
}

std::vector<DotSubject> load_dot_plugins(const std::vector<std::string>& paths) {
  std::vector<DotSubject> plugins;
  for (const std::string& path : paths) {
    if (!plugin_entries(path).v2) continue;  // element ops only (load_plugins)
    DotSubject s = load_dot_plugin(path);
    if (std::any_of(plugins.begin(), plugins.end(), [&](const DotSubject& p) { return p.name == s.name; }))
      throw InputError("plugin " + path + ": another --plugin is also named " + s.name);
    plugins.push_back(std::move(s));
  }
  return plugins;
}

std::string status_line(const CheckRecord& r) {
  char buf[512];
  std::string tail;
  if (r.status == "skipped") tail = r.skipped_reason;
  else if (r.status == "interrupted") tail = "not run: interrupted (fpconform run --resume REPORT runs it)";
  else if (r.status == "error") {
    tail = r.outcome.error;
    if (r.failing_case) tail += "; first failing case " + failing_case_text(r);
  } else {
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
  Args a(rest, {"suite", "report", "shard", "threads", "seed", "max-examples", "case-timeout", "check-timeout", "resume"},
         {"strict-nan", "strict-blocks", "no-known-deviations", "in-process"}, {"subject", "plugin"});
  if (!a.positional().empty()) throw InputError("run takes no positional arguments (did you mean --subject?)");
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int threads = a.value("threads") ? static_cast<int>(Args::parse_unsigned("threads", *a.value("threads"), 1024)) : hw;
  if (threads == 0) throw InputError("--threads must be at least 1");
  IsolationLimits limits;
  if (auto t = a.value("case-timeout")) limits.case_timeout = Args::parse_seconds("case-timeout", *t, false);
  if (auto t = a.value("check-timeout")) limits.check_timeout = Args::parse_seconds("check-timeout", *t, true);

  Report report;
  std::string report_path;
  std::vector<CheckSpec> specs;
  const std::optional<std::string> resume = a.value("resume");
  if (resume) {
    // The run's settings and checks are the report's; only how it runs may be given again.
    for (const char* option : {"suite", "shard", "seed", "max-examples"})
      if (a.value(option)) throw InputError(std::string("--resume takes the run's --") + option + " from the report");
    for (const char* option : {"strict-nan", "strict-blocks", "no-known-deviations"})
      if (a.flag(option)) throw InputError(std::string("--resume takes the run's --") + option + " from the report");
    if (!a.values("subject").empty() || !a.values("plugin").empty())
      throw InputError("--resume takes the run's subjects and plugins from the report");
    report = read_report(*resume);
    report_path = a.value("report").value_or(*resume);
  } else {
    report.suite = a.value("suite").value_or("quick");
    report.seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
    report.strict_nan = a.flag("strict-nan");
    report.known_deviations_applied = !a.flag("no-known-deviations");
    if (auto m = a.value("max-examples")) report.max_examples = Args::parse_unsigned("max-examples", *m, 1000);
    Shard shard = a.value("shard") ? parse_shard(*a.value("shard")) : Shard{};
    report.shard_index = shard.index;
    report.shard_count = shard.count;
    report.plugins = a.values("plugin");
    report_path = a.value("report").value_or("fpconform-report.json");
  }
  const Shard shard{report.shard_index, report.shard_count};
  RunSubjects subjects(report.plugins, limits, a.flag("in-process"));
  if (!resume) {
    // Plugins: every op of every --plugin, with the case kinds of the quick suite (of the full
    // suite with --suite full). With plugins, a built-in suite checks only the built-in subjects
    // named with --subject (a suite file, all of its checks).
    // A v2 plugin's dot ops are checked like the dot suite's (dot_suite_case_kinds).
    const std::vector<Subject>& plugins = subjects.plugins();
    const std::vector<DotSubject>& dot_plugins = subjects.dot_plugins();
    std::vector<std::string> builtin_subjects;
    for (const std::string& name : a.values("subject"))
      if (std::none_of(plugins.begin(), plugins.end(), [&](const Subject& p) { return p.name == name; }) &&
          std::none_of(dot_plugins.begin(), dot_plugins.end(), [&](const DotSubject& p) { return p.name == name; }))
        builtin_subjects.push_back(name);
    const bool builtin_suite = report.suite == "quick" || report.suite == "full";
    if ((plugins.empty() && dot_plugins.empty()) || !builtin_subjects.empty() || !builtin_suite)
      specs = suite_checks(report.suite, builtin_subjects, report.seed);
    for (const Subject& p : plugins)
      for (const SubjectOp& op : p.ops)
        for (std::string& kind : suite_case_kinds(op.semantics, report.suite == "full"))
          specs.push_back({p.name, op.name, std::move(kind), report.seed});
    for (const DotSubject& p : dot_plugins)
      for (const DotOp& op : p.ops)
        for (std::string& kind : dot_suite_case_kinds(op.claim, op.ks)) specs.push_back({p.name, op.name, std::move(kind), report.seed, false, true});
    if (specs.empty()) throw InputError("the suite selects no checks");
    // Every check is in the report from the start, "interrupted" until it has run.
    for (const CheckSpec& spec : specs) {
      if (spec.dot) report.dot_checks.push_back(plan_dot_check(spec, subjects, shard));
      else if (spec.block) report.block_checks.push_back(plan_block_check(spec, shard, a.flag("strict-blocks")));
      else report.checks.push_back(plan_check(spec, subjects, shard, report));
    }
  }
  report.environment = describe_environment(threads);

  ReportWriter writer(report_path);
  writer.write(report, true);
  install_interrupt_handlers();
  struct Restore {
    ~Restore() { restore_interrupt_handlers(); }
  } restore;
  Progress progress(err, isatty(STDERR_FILENO) != 0);
  // In the order the suite lists them: element, block and dot checks interleave as the specs do.
  enum Kind { kElement, kBlock, kDot };
  std::vector<std::pair<Kind, size_t>> order;
  if (!resume) {
    size_t element = 0, block = 0, dot = 0;
    for (const CheckSpec& spec : specs)
      order.push_back(spec.dot ? std::pair{kDot, dot++} : spec.block ? std::pair{kBlock, block++} : std::pair{kElement, element++});
  } else {
    for (size_t i = 0; i < report.checks.size(); ++i) order.push_back({kElement, i});
    for (size_t i = 0; i < report.block_checks.size(); ++i) order.push_back({kBlock, i});
    for (size_t i = 0; i < report.dot_checks.size(); ++i) order.push_back({kDot, i});
  }
  for (auto [kind, index] : order) {
    if (interrupt_signal()) break;
    if (kind == kDot) {
      DotCheckRecord& rec = report.dot_checks[index];
      if (rec.status != "interrupted") continue;
      run_dot_check_record(rec, subjects, report.max_examples);
      out << dot_status_line(rec) << std::endl;
    } else if (kind == kBlock) {
      BlockCheckRecord& rec = report.block_checks[index];
      if (rec.status != "interrupted") continue;
      try {
        run_block_check(rec, limits, a.flag("in-process"));
      } catch (const Interrupted&) {  // a supervised block subject's wait saw the signal
        break;
      }
      out << block_status_line(rec) << std::endl;
    } else {
      CheckRecord& rec = report.checks[index];
      if (rec.status != "interrupted") continue;
      try {
        run_check_record(rec, subjects, report, threads, progress);
      } catch (const Interrupted&) {
        break;
      }
      out << status_line(rec) << std::endl;
    }
    writer.write(report, false);
  }
  writer.write(report, true);
  nlohmann::json summary = to_json(report)["summary"];
  if (const int sig = interrupt_signal()) {
    out << "fpconform run: interrupted by " << signal_name(sig) << ": " << summary.value("interrupted", 0)
        << " checks not run, marked \"interrupted\" in " << report_path << "; fpconform run --resume " << report_path
        << " runs them\n";
    return 128 + sig;
  }
  const nlohmann::json& blocks = summary["block_checks"];
  out << "fpconform run: " << summary["checks"] << " checks: " << summary["passed"] << " passed, " << summary["failed"]
      << " failed, " << summary["known_deviations"] << " known deviations, " << summary["skipped"] << " skipped, "
      << summary["errors"] << " errors";
  if (blocks["checks"] != 0)
    out << "; " << blocks["checks"] << " block checks: " << blocks["passed"] << " passed, " << blocks["failed"] << " failed, "
        << blocks["skipped"] << " skipped, " << blocks["errors"] << " errors, " << blocks["unjudged"] << " blocks unjudged";
  if (summary.contains("dot_checks")) {
    const nlohmann::json& dots = summary["dot_checks"];
    out << "; " << dots["checks"] << " dot checks: " << dots["passed"] << " passed, " << dots["failed"] << " failed, "
        << dots["skipped"] << " skipped, " << dots["errors"] << " errors";
  }
  out << "; report " << report_path << "\n";
  return report.passed() ? 0 : 1;
}

}  // namespace fpc::cli
