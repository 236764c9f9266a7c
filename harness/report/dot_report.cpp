#include "report/dot_report.hpp"

#include "cli/describe.hpp"
#include "fpconform/exact.hpp"

#include <cstdio>

#include <map>

namespace fpc {

using nlohmann::json;

void dot_checks_to_json(const Report& r, json& j) {
  if (r.dot_checks.empty()) return;
  json checks = json::array();
  StatusCounts counts;
  uint64_t dots = 0, differing = 0;
  for (const DotCheckRecord& c : r.dot_checks) {
    checks.push_back(dot_check_to_json(c));
    counts.add(c.status);
    dots += c.checked;
    differing += c.failed;
  }
  j["dot_checks"] = checks;
  j["summary"]["dot_checks"] = {{"checks", counts.checks}, {"passed", counts.passed}, {"failed", counts.failed},
                                {"skipped", counts.skipped}, {"errors", counts.errors}, {"dots", dots},
                                {"differing", differing}};
  if (counts.interrupted) j["summary"]["interrupted"] = j["summary"].value("interrupted", uint64_t{0}) + counts.interrupted;
}

void dot_checks_from_json(const json& j, Report& r) {
  if (!j.contains("dot_checks")) return;  // reports without dot checks
  for (const json& c : j.at("dot_checks")) r.dot_checks.push_back(dot_check_from_json(c));
}

std::vector<DotCheckRecord> merge_dot_checks(const std::vector<Report>& shards) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const DotCheckRecord*>> parts;
  size_t max_examples = shards.empty() ? 0 : shards.front().max_examples;
  for (const Report& s : shards)
    for (const DotCheckRecord& c : s.dot_checks) {
      if (c.status == "interrupted")
        throw InputError("dot check " + c.id() + " was interrupted in one shard (finish it with fpconform run --resume first)");
      if (!parts.count(c.id())) order.push_back(c.id());
      parts[c.id()].push_back(&c);
    }
  std::vector<DotCheckRecord> merged;
  for (const std::string& id : order) merged.push_back(merge_dot_check(parts[id], max_examples));
  return merged;
}

std::string dot_finding(const DotCheckRecord& c) {
  if (c.status == "skipped") return c.skipped_reason;
  if (c.status == "interrupted") return "not run: interrupted";
  std::string f = std::to_string(c.failed) + " of " + std::to_string(c.checked) + " dots differ from " + dot_claim_text(c);
  if (!c.error.empty()) f += "; error: " + c.error;
  if (c.diagnosed) f += "; " + dot_diagnosis_text(c);
  return f;
}

std::string dot_mismatches_text(const DotCheckRecord& c) {
  const DotSetup s = dot_setup(c.claim);
  std::string t;
  for (const DotMismatch& m : c.examples) {
    auto code = [&](uint64_t v) {
      if (v & ~s.out->code_mask()) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "0x%llx (not a code)", static_cast<unsigned long long>(v));
        return std::string(buf);
      }
      return cli::code_hex(*s.out, v) + " (" + to_exact_string(decode(*s.out, v).value) + ")";
    };
    t += "#" + std::to_string(m.index) + " " + m.kind + " K=" + std::to_string(m.a.size()) + ": expected " + code(m.expected) +
         ", got " + code(m.actual) + "\n  a:";
    for (uint64_t x : m.a) t += " " + cli::code_hex(*s.in, x);
    t += "\n  b:";
    for (uint64_t x : m.b) t += " " + cli::code_hex(*s.in, x);
    t += "\n  c: " + code(m.c) + "\n";
    if (s.scale) {
      t += "  a scales:";
      for (uint64_t x : m.a_scales) t += " " + cli::code_hex(*s.scale, x);
      t += "\n  b scales:";
      for (uint64_t x : m.b_scales) t += " " + cli::code_hex(*s.scale, x);
      t += "\n";
    }
  }
  return t;
}

std::string dot_checks_markdown(const Report& r, const TextEscape& cell, const std::function<std::string(const std::string&)>& status) {
  if (r.dot_checks.empty()) return "";
  std::string md = "\n### Dot checks\n\n| status | check | claim | dots | differ | diagnosis | seconds |\n|:--|:--|:--|--:|--:|:--|--:|\n";
  for (const DotCheckRecord& c : r.dot_checks) {
    std::string diagnosis = c.status == "skipped" ? c.skipped_reason : !c.error.empty() ? c.error : "";
    if (c.diagnosed) diagnosis = dot_diagnosis_text(c);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", c.seconds);
    md += "| " + status(c.status) + " | `" + cell(c.id(), true) + "` | " + cell(dot_claim_text(c) + ", " +
          c.claim.input + " -> " + c.claim.output, false) + " | " + std::to_string(c.checked) + " | " + std::to_string(c.failed) +
          " | " + cell(diagnosis, false) + " | " + seconds + " |\n";
  }
  for (const DotCheckRecord& c : r.dot_checks) {
    if (!failing_status(c.status)) continue;
    std::string kinds;
    for (const DotKindRange& k : c.kinds) kinds += (kinds.empty() ? "" : ", ") + std::to_string(k.count) + " " + k.kind + " (K=" + std::to_string(k.K) + ")";
    md += "\n### " + status(c.status) + " dot check `" + cell(c.id(), true) + "`\n\nsubject `" + cell(c.entry, true) + "` · " +
          cell(c.case_label, false) + " dots " + std::to_string(c.range_begin) + ".." + std::to_string(c.range_end) + " of " +
          std::to_string(c.case_count) + " (seed " + std::to_string(c.seed) + "): " + cell(kinds, false) + "\n\n" +
          cell(dot_finding(c), false) + "\n\n";
    if (!c.examples.empty()) md += "```text\n" + dot_mismatches_text(c) + "```\n";
  }
  return md;
}

std::string dot_checks_junit(const Report& r, const std::string& subject, const TextEscape& xml) {
  std::string x;
  for (const DotCheckRecord& c : r.dot_checks) {
    if (c.subject != subject) continue;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", c.seconds);
    x += "    <testcase classname=\"fpconform." + xml(c.subject, true) + "\" name=\"" + xml("dot " + c.op_name + "/" + c.case_label, true) +
         "\" time=\"" + seconds + "\"";
    if (c.status == "pass") {
      x += "/>\n";
      continue;
    }
    x += ">\n";
    if (c.status == "skipped") x += "      <skipped message=\"" + xml(c.skipped_reason, true) + "\"/>\n";
    else if (c.status == "error") x += "      <error message=\"" + xml(dot_finding(c), true) + "\" type=\"error\"/>\n";
    else
      x += "      <failure message=\"" + xml(dot_finding(c), true) + "\" type=\"dot\">" + xml(dot_mismatches_text(c), false) + "</failure>\n";
    x += "    </testcase>\n";
  }
  return x;
}

uint64_t dot_check_consistency(const json& j, std::vector<std::string>& errors, uint64_t& interrupted) {
  auto expect = [&](bool ok, const std::string& where, const std::string& what) {
    if (!ok) errors.push_back(where + ": " + what);
  };
  const json none = json::array();
  const json& checks = j.contains("dot_checks") ? j["dot_checks"] : none;
  uint64_t passed = 0, failed = 0, skipped = 0, errored = 0, dots = 0, differing = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    const json& c = checks[i];
    const std::string at = "/dot_checks/" + std::to_string(i);
    const std::string label = c["cases"]["label"].get<std::string>(), status = c["status"].get<std::string>();
    expect(c["id"] == c["subject"].get<std::string>() + "/" + c["op"].get<std::string>() + "/" + label, at + "/id",
           "is not subject/op/label");
    expect(c["cases"]["kind"] == label.substr(0, label.find(':')), at + "/cases/kind", "does not match the label");
    const uint64_t count = c["cases"]["count"].get<uint64_t>();
    const uint64_t begin = c["cases"]["range"][0].get<uint64_t>(), end = c["cases"]["range"][1].get<uint64_t>();
    const uint64_t checked = c["counts"]["checked"].get<uint64_t>(), n_failed = c["counts"]["failed"].get<uint64_t>();
    expect(begin <= end && end <= count, at + "/cases/range", "does not lie within [0, count]");
    expect(n_failed <= checked && checked <= end - begin, at + "/counts", "more failed than checked, or more checked than the range");
    expect(c["mismatches"].size() <= n_failed, at + "/mismatches", "more mismatches than failed dots");
    if (status == "pass") expect(n_failed == 0 && checked == end - begin && !c.contains("error"), at + "/status", "is pass with differences, unchecked dots or an error");
    if (status == "fail") expect(n_failed > 0 && !c.contains("error"), at + "/status", "is fail without a difference");
    if (status == "skipped" || status == "interrupted") expect(checked == 0, at + "/status", "is " + status + " but dots ran");
    passed += status == "pass";
    failed += status == "fail";
    skipped += status == "skipped";
    errored += status == "error";
    interrupted += status == "interrupted";
    dots += checked;
    differing += n_failed;
  }
  const json& s = j.at("summary");
  if (s.contains("dot_checks")) {
    const json& d = s["dot_checks"];
    expect(d["checks"] == checks.size() && d["passed"] == passed && d["failed"] == failed && d["skipped"] == skipped &&
               d["errors"] == errored && d["dots"] == dots && d["differing"] == differing,
           "/summary/dot_checks", "does not agree with the dot checks");
  } else {
    expect(checks.empty(), "/summary", "has no dot_checks counts, but the report has dot checks");
  }
  return failed + errored;
}

}  // namespace fpc
