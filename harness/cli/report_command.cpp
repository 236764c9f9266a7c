// `fpconform report summary|diff|merge|validate`: the arguments; the work is in harness/report/.
#include "cli/report_command.hpp"

#include "report/diff.hpp"
#include "report/render.hpp"
#include "report/report.hpp"
#include "report/schema.hpp"
#include "report/text.hpp"

#include <map>
#include <optional>
#include <ostream>

namespace fpc::cli {

using report_text::clip;
using report_text::one_line;
using report_text::squote;

namespace {

constexpr const char* kReportUsage =
    "report takes a subcommand: summary R.json [--junit] | diff OLD.json NEW.json | merge -o OUT.json SHARD.json... | "
    "validate R.json...";

int report_summary(const std::vector<std::string>& args, std::ostream& out) {
  bool junit = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--junit") junit = true;
    else if (a.rfind("--", 0) == 0) throw InputError("report summary: unknown option " + squote(a) + " (only --junit)");
    else files.push_back(a);
  }
  if (files.size() != 1) throw InputError("report summary takes one report: fpconform report summary R.json [--junit]");
  LoadedReport r = load_report(files[0]);
  out << (junit ? junit_xml(r) : markdown_summary(r));
  return 0;
}

int report_diff(const std::vector<std::string>& args, std::ostream& out) {
  for (const std::string& a : args)
    if (a.rfind("--", 0) == 0) throw InputError("report diff takes no options, got " + squote(a));
  if (args.size() != 2) throw InputError("report diff takes two reports: fpconform report diff OLD.json NEW.json");
  LoadedReport old_r = load_report(args[0]), new_r = load_report(args[1]);
  return write_report_diff(old_r, new_r, out) ? 1 : 0;
}

int report_merge(const std::vector<std::string>& args, std::ostream& out) {
  std::optional<std::string> output;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o" || a == "--output") {
      if (i + 1 == args.size()) throw InputError("report merge: " + a + " needs a file name");
      if (output) throw InputError("report merge: the output is given twice");
      output = args[++i];
    } else if (a.rfind("--output=", 0) == 0) {
      if (output) throw InputError("report merge: the output is given twice");
      output = a.substr(9);
    } else if (a.rfind("-", 0) == 0 && a.size() > 1) {
      throw InputError("report merge: unknown option " + squote(a) + " (only -o OUT.json)");
    } else {
      files.push_back(a);
    }
  }
  if (!output || output->empty()) throw InputError("report merge needs -o OUT.json: fpconform report merge -o OUT.json SHARD.json...");
  if (files.empty()) throw InputError("report merge needs the shards' reports: fpconform report merge -o OUT.json SHARD.json...");
  std::vector<LoadedReport> loaded;
  for (const std::string& f : files) loaded.push_back(load_report(f));
  // Shards of one --shard i/N run: each index once, none missing (merge_reports also checks
  // that the case ranges of every check tile it exactly, which covers already-merged inputs).
  std::map<std::pair<int, int>, std::string> seen;
  const int count = loaded.front().report.shard_count;
  bool one_run = true;
  for (const LoadedReport& l : loaded) {
    auto key = std::make_pair(l.report.shard_count, l.report.shard_index);
    if (key.first > 1 && seen.count(key))
      throw InputError("report merge: shard " + std::to_string(key.second) + "/" + std::to_string(key.first) + " is given twice (" +
                       squote(seen[key]) + " and " + squote(l.path) + ")");
    seen[key] = l.path;
    one_run = one_run && l.report.shard_count == count;
    if (l.json["tool"] != loaded.front().json["tool"])
      throw InputError("report merge: " + squote(l.path) + " was written by another fpconform build than " +
                       squote(loaded.front().path) + " (" + one_line(clip(l.json["tool"].dump())) + ")");
  }
  if (one_run && count > 1 && static_cast<int>(loaded.size()) < count) {
    std::string missing;
    for (int i = 0; i < count; ++i)
      if (!seen.count({count, i})) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    throw InputError("report merge: shard(s) " + missing + " missing (" + std::to_string(loaded.size()) + " of " +
                     std::to_string(count) + " given)");
  }
  std::vector<Report> shards;
  for (const LoadedReport& l : loaded) shards.push_back(l.report);
  Report merged = merge_reports(shards);
  write_report(merged, *output);
  out << "merged " << shards.size() << " report(s) into " << one_line(*output) << ": " << merged.checks.size() << " checks, "
      << (merged.passed() ? "pass" : "fail") << "\n";
  return 0;
}

int report_validate(const std::vector<std::string>& args, std::ostream& out) {
  for (const std::string& a : args)
    if (a.rfind("--", 0) == 0) throw InputError("report validate takes no options, got " + squote(a));
  if (args.empty()) throw InputError("report validate takes one or more reports: fpconform report validate R.json...");
  std::vector<LoadedReport> reports;
  for (const std::string& f : args) reports.push_back(load_report(f));  // all read before anything is said
  for (const LoadedReport& r : reports) {
    out << one_line(r.path) << ": valid " << kReportSchema << " report (" << r.report.checks.size() << " checks, verdict "
        << (r.report.passed() ? "pass" : "fail") << ")\n";
  }
  return 0;
}

}  // namespace

int cmd_report(const std::vector<std::string>& args, std::ostream& out, std::ostream& /*err*/) {
  if (args.empty()) throw InputError(kReportUsage);
  const std::string& sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "summary") return report_summary(rest, out);
  if (sub == "diff") return report_diff(rest, out);
  if (sub == "merge") return report_merge(rest, out);
  if (sub == "validate") return report_validate(rest, out);
  throw InputError("unknown report subcommand " + squote(sub) + "; " + kReportUsage);
}

}  // namespace fpc::cli
