// `fpconform report diff`: what changed between two reports, check by check (or op by op between
// two releases of one subject), and whether anything regressed.
#include "report/diff.hpp"
#include "report/dot_report.hpp"

#include "report/render.hpp"
#include "report/text.hpp"

#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace fpc {

using report_text::one_line;

namespace {

// A check of either kind as report diff compares them: an id, a status, a failure count over
// cases identified by cases_key (failing more of the same cases is a regression).
struct DiffItem {
  std::string id, status, finding, skipped_reason, counts, cases_key;
  uint64_t failed = 0;
};

// The one subject of a report whose element checks all run one release of a family
// ("cuda_host@12.8.57"), or "".
std::string single_release_subject(const Report& r) {
  if (r.checks.empty() || r.checks.front().subject.find('@') == std::string::npos) return "";
  for (const CheckRecord& c : r.checks)
    if (c.subject != r.checks.front().subject) return "";
  return r.checks.front().subject;
}

// A check's first counterexample, for diff lines: "; e.g. 0x4040 -> 0x80, expected 0x81".
std::string first_example(const CheckRecord& c) {
  if (c.outcome.examples.empty()) return "";
  const Counterexample& e = c.outcome.examples.front();
  std::ostringstream s;
  s << std::hex << "; e.g. (";
  for (size_t i = 0; i < e.inputs.size(); ++i) s << (i ? ", " : "") << "0x" << e.inputs[i];
  s << ") -> 0x" << e.actual << ", expected 0x" << e.expected << " [" << to_string(e.cls) << "]";
  return s.str();
}

// `family`: match checks by op alone, as "FAMILY/op/cases" (two releases of one subject family).
std::vector<DiffItem> diff_items(const Report& r, const std::string& family = "") {
  std::vector<DiffItem> items;
  for (const CheckRecord& c : r.checks) {
    std::string counts = std::to_string(c.outcome.failed) + " failed";
    if (c.outcome.failed) counts += " (" + classes_text(c.outcome) + ")";
    const std::string id = family.empty() ? c.id() : family + "/" + c.op_name + "/" + c.case_label;
    items.push_back({id, c.status, finding(c) + first_example(c), c.skipped_reason, counts,
                     std::to_string(c.case_count) + "/" + std::to_string(c.seed) + "/" + std::to_string(c.range_begin) + "/" +
                         std::to_string(c.range_end),
                     c.outcome.failed});
  }
  for (const BlockCheckRecord& c : r.block_checks) {
    const BlockDistance& claimed = c.result.distances.front();
    items.push_back({"block " + c.id(), c.status, block_finding(c), c.skipped_reason,
                     std::to_string(claimed.blocks_differing) + " blocks differ from " + claimed.reference,
                     std::to_string(c.block_count) + "/" + std::to_string(c.seed) + "/" + std::to_string(c.range_begin) + "/" +
                         std::to_string(c.range_end) + "/" + claimed.reference,
                     claimed.blocks_differing});
  }
  for (const DotCheckRecord& c : r.dot_checks)
    items.push_back({"dot " + c.id(), c.status, dot_finding(c), c.skipped_reason, std::to_string(c.failed) + " dots differ",
                     std::to_string(c.case_count) + "/" + std::to_string(c.seed) + "/" + std::to_string(c.range_begin) + "/" +
                         std::to_string(c.range_end) + "/" + c.claim.model,
                     c.failed});
  return items;
}

}  // namespace

size_t write_report_diff(const LoadedReport& old_r, const LoadedReport& new_r, std::ostream& out) {
  // Two releases of one subject (fpconform run --suite cuda-versions --subject cuda_host@12.8.57,
  // then @12.8.90): compare op by op.
  const std::string old_subject = single_release_subject(old_r.report), new_subject = single_release_subject(new_r.report);
  const std::string family = old_subject.substr(0, old_subject.find('@'));
  const bool across_releases = !old_subject.empty() && old_subject != new_subject &&
                               new_subject.substr(0, new_subject.find('@')) == family;
  const std::vector<DiffItem> old_items = diff_items(old_r.report, across_releases ? family : ""),
                              new_items = diff_items(new_r.report, across_releases ? family : "");
  std::map<std::string, const DiffItem*> before;
  for (const DiffItem& c : old_items) before[c.id] = &c;
  std::set<std::string> in_new;
  std::vector<std::string> regressions, more, fixed_list, fewer, changed, added, removed;
  for (const DiffItem& c : new_items) {
    const std::string& id = c.id;
    in_new.insert(id);
    auto it = before.find(id);
    if (it == before.end()) {
      if (failing_status(c.status)) regressions.push_back(c.status + "  " + id + "  (new check)  " + c.finding);
      else added.push_back(c.status + "  " + id);
      continue;
    }
    const DiffItem& o = *it->second;
    const bool newly = (c.status == "fail" && !failing_status(o.status)) || (c.status == "error" && o.status != "error");
    if (newly) {
      regressions.push_back(c.status + "  " + id + "  (was " + o.status + ")  " + c.finding);
    } else if (failing_status(o.status) && c.status == "pass") {
      fixed_list.push_back(id + "  (was " + o.status + ": " + o.finding + ")");
    } else if (o.status == "fail" && c.status == "fail" && o.failed != c.failed) {
      // The same cases (label, count, seed) failing more often is a regression too; over other
      // cases the counts are not comparable and are only reported.
      const bool same_cases = o.cases_key == c.cases_key;
      std::string line = id + "  " + o.counts + " -> " + c.counts + (same_cases ? "" : "  (over different cases)");
      if (c.failed > o.failed && same_cases) more.push_back(line);
      else fewer.push_back(line);
    } else if (o.status != c.status) {
      std::string why = c.status == "skipped" ? "  (" + c.skipped_reason + ")" : "";
      if (o.status == "known_deviation") why += "  (was: " + o.finding + ")";
      if (c.status == "known_deviation") why += "  (" + c.finding + ")";
      changed.push_back(id + "  " + o.status + " -> " + c.status + why);
    }
  }
  for (const DiffItem& c : old_items)
    if (!in_new.count(c.id)) removed.push_back(c.id + "  (was " + c.status + ")");

  out << "fpconform report diff " << one_line(old_r.path) << " (" << old_r.report.checks.size() << " checks, "
      << (old_r.report.passed() ? "pass" : "fail") << ") -> " << one_line(new_r.path) << " ("
      << new_r.report.checks.size() << " checks, " << (new_r.report.passed() ? "pass" : "fail") << ")\n";
  if (across_releases) out << "comparing two releases op by op: " << old_subject << " -> " << new_subject << "\n";
  if (!old_r.report.block_checks.empty() || !new_r.report.block_checks.empty())
    out << "block checks: " << old_r.report.block_checks.size() << " -> " << new_r.report.block_checks.size() << "\n";
  if (!old_r.report.dot_checks.empty() || !new_r.report.dot_checks.empty())
    out << "dot checks: " << old_r.report.dot_checks.size() << " -> " << new_r.report.dot_checks.size() << "\n";
  if (old_r.report.suite != new_r.report.suite || old_r.report.seed != new_r.report.seed)
    out << "note: the reports come from different suites or seeds (" << one_line(old_r.report.suite) << ", seed "
        << old_r.report.seed << " -> " << one_line(new_r.report.suite) << ", seed " << new_r.report.seed << ")\n";
  auto section = [&](const std::string& title, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    out << "\n" << title << " (" << lines.size() << "):\n";
    for (const std::string& l : lines) out << "  " << one_line(l) << "\n";
  };
  section("newly failing", regressions);
  section("failing on more of the same cases", more);
  section("fixed", fixed_list);
  section("changed failure counts", fewer);
  section("status changed", changed);
  section("new checks", added);
  section("no longer in the report", removed);
  const size_t bad = regressions.size() + more.size();
  if (bad) out << "\nregression: " << bad << " check(s) newly failing or failing more\n";
  else out << "\nno regressions\n";
  return bad;
}


}  // namespace fpc
