// The renderings of a report: the Markdown summary, JUnit XML, and the one-line findings and
// TestFloat-style counterexamples they and 'report diff' show.
#include "report/render.hpp"
#include "report/dot_report.hpp"

#include "cli/describe.hpp"
#include "report/text.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

namespace fpc {

using nlohmann::json;
using report_text::fixed;
using report_text::hex64;
using report_text::join;
using report_text::one_line;
using report_text::pad;

std::string classes_text(const CheckOutcome& o) {
  std::string s;
  for (int i = 0; i < kMismatchClasses; ++i)
    if (uint64_t n = o.failed_by_class[static_cast<size_t>(i)])
      s += (s.empty() ? "" : ", ") + std::string(to_string(static_cast<MismatchClass>(i))) + " " + std::to_string(n);
  return s;
}

// One line on what a check found: "1536 of 25510 cases failed (tie_breaking 1536); behaves exactly as: rna".
std::string finding(const CheckRecord& c) {
  if (c.status == "skipped") return c.skipped_reason;
  if (c.status == "interrupted") return "not run: the run was interrupted (fpconform run --resume REPORT runs it)";
  if (c.status == "error") {
    std::string s = "error: " + c.outcome.error;
    if (c.failing_case) {
      s += "; first failing case #" + std::to_string(c.failing_case->index) + ":";
      for (int k = 0; k < c.semantics.arity() && k < static_cast<int>(c.failing_case->inputs.size()); ++k)
        s += " " + cli::code_hex(*c.semantics.in, c.failing_case->inputs[static_cast<size_t>(k)]);
    }
    return s;
  }
  std::string s = std::to_string(c.outcome.failed) + " of " + std::to_string(c.outcome.cases) + " cases failed";
  if (c.outcome.failed) s += " (" + classes_text(c.outcome) + ")";
  if (c.outcome.implementation_defined) s += ", " + std::to_string(c.outcome.implementation_defined) + " implementation-defined";
  if (!c.diagnosis.empty()) s += "; behaves exactly as: " + join(c.diagnosis, ", ");
  if (c.status == "known_deviation") s += "; known deviation: " + c.known_deviation->summary + " (" + c.known_deviation->reference + ")";
  return s;
}

// One line on what a block check found: "claimed ideal: 5/73 blocks differ (...); cuda: identical on 73 blocks".
std::string block_finding(const BlockCheckRecord& c) {
  if (c.status == "skipped") return c.skipped_reason;
  std::string s;
  for (size_t k = 0; k < c.result.distances.size(); ++k)
    s += std::string(k == 0 ? "claimed " : "; ") + distance_text(c.result.distances[k]);
  if (!c.result.error.empty()) s = "error: " + c.result.error + "; " + s;
  if (c.result.unjudged) s += "; " + unjudged_text(c.result);
  return s;
}


namespace {

std::string claims_text(const BlockCheckRecord& c) {
  std::string s = "scheme " + c.claims.scheme + ", reference " + c.claims.reference + ", blocksize " + std::to_string(c.blocksize);
  if (c.claims.scheme.rfind("mx", 0) == 0)
    s += ", scale rule " + std::string(short_name(c.claims.scale_rule)) + ", rounding " + std::string(short_name(c.claims.element_rounding));
  if (c.claims.tensor_amax) s += ", tensor amax " + to_exact_string(*c.claims.tensor_amax);
  return s + " (elements " + c.element_format + ", scales " + c.scale_format + ")";
}

std::string kinds_text(const BlockCheckRecord& c) {
  std::string s;
  for (const BlockKindRange& k : c.kinds) s += (s.empty() ? "" : ", ") + k.kind + " " + std::to_string(k.count);
  return s;
}

// Each reference's distance and first differing block, one per line.
std::string block_distances_text(const BlockCheckRecord& c) {
  std::string s;
  for (size_t k = 0; k < c.result.distances.size(); ++k) {
    const BlockDistance& d = c.result.distances[k];
    s += (k == 0 ? "claimed " : "") + distance_text(d) + "\n";
    if (!d.first.empty()) s += "    first difference: " + d.first + "\n";
  }
  return s;
}

// ---- counterexamples, TestFloat style -----------------------------------------------------------

struct CodeColumns {
  std::string hex, fields, value;
};

CodeColumns code_columns(const Format& f, uint64_t code) {
  if (code & ~f.code_mask()) return {hex64(code), "", "(not a code of " + f.name + ")"};
  // Long exact expansions (float32 subnormals have 100+ digits) come after a short decimal.
  std::string exact = to_exact_string(decode(f, code).value);
  if (exact.size() > 24) exact = "~" + cli::short_decimal(f, code) + "  exactly " + exact;
  return {cli::code_hex(f, code), cli::code_fields(f, code), exact};
}

std::string ulp_text(const Counterexample& e) {
  if (!e.ulp_distance) return "n/a";
  return (*e.ulp_distance > 0 ? "+" : "") + std::to_string(*e.ulp_distance);
}

// "operands => got  expected want", then each code with its sign.exponent.fraction fields and
// exact value, one class after another.
std::string counterexample_block(const CheckRecord& c, size_t max_examples) {
  const OpSemantics& s = c.semantics;
  const int arity = s.arity();
  std::string text;
  for (int k = 0; k < kMismatchClasses; ++k) {
    const MismatchClass cls = static_cast<MismatchClass>(k);
    std::vector<const Counterexample*> list;
    for (const Counterexample& e : c.outcome.examples)
      if (e.cls == cls) list.push_back(&e);
    const uint64_t failed = c.outcome.failed_by_class[static_cast<size_t>(k)];
    if (failed == 0 && list.empty()) continue;
    text += std::string(to_string(cls)) + ": " + std::to_string(failed) + " failed";
    text += list.size() < failed ? "; the " + std::to_string(list.size()) + " smallest (at most " +
                                       std::to_string(max_examples) + " kept per class):\n"
                                 : ":\n";
    for (const Counterexample* e : list) {
      std::vector<std::pair<std::string, CodeColumns>> rows;
      std::string operands;
      for (int i = 0; i < arity && i < static_cast<int>(e->inputs.size()); ++i) {
        std::string label = arity == 1 ? "input" : std::string(1, static_cast<char>('a' + i));
        rows.push_back({label, code_columns(*s.in, e->inputs[static_cast<size_t>(i)])});
        operands += (operands.empty() ? "" : " ") + rows.back().second.hex;
      }
      if (s.rounding == Rounding::Stochastic && e->inputs.size() > static_cast<size_t>(arity)) {
        std::string bits = hex64(e->inputs[static_cast<size_t>(arity)]);
        rows.push_back({"random", {bits, "", "(" + std::to_string(s.sr_bits) + " random bits)"}});
        operands += " random " + bits;
      }
      rows.push_back({"got", code_columns(*s.out, e->actual)});
      rows.push_back({"expected", code_columns(*s.out, e->expected)});
      text += "  " + operands + " => " + rows[rows.size() - 2].second.hex + "  expected " + rows.back().second.hex +
              "  ulp " + ulp_text(*e) + "\n";
      size_t wh = 0, wf = 0;
      for (const auto& [label, col] : rows) {
        wh = std::max(wh, col.hex.size());
        wf = std::max(wf, col.fields.size());
      }
      for (const auto& [label, col] : rows)
        text += "      " + pad(label, 9) + pad(col.hex, wh + 2) + pad(col.fields, wf + 2) + col.value + "\n";
    }
  }
  return text;
}

std::string semantics_line(const CheckRecord& c) {
  const OpSemantics& s = c.semantics;
  std::string line = s.op + " " + s.in->name + " → " + s.out->name + ", " + std::string(short_name(s.rounding));
  if (s.rounding == Rounding::Stochastic) line += " (" + std::to_string(s.sr_bits) + " random bits)";
  line += s.policy.saturate ? ", saturating" : ", no saturation";
  if (s.policy.ftz) line += ", ftz";
  if (s.policy.daz) line += ", daz";
  return line;
}

// ---- Markdown ---------------------------------------------------------------------------------

// Table cells and text: no line breaks, no cell separators, no HTML; in code spans (`...`),
// where entities would show literally, only backticks are replaced.
std::string md_cell(const std::string& s, bool code_span = false) {
  std::string r;
  for (char c : one_line(s)) {
    if (c == '|') r += "\\|";
    else if (c == '`') r += '\'';
    else if (!code_span && c == '<') r += "&lt;";
    else if (!code_span && c == '>') r += "&gt;";
    else if (!code_span && c == '&') r += "&amp;";
    else r += c;
  }
  return r;
}

std::string md_status(const std::string& status) {
  if (status == "fail") return "**FAIL**";
  if (status == "error") return "**ERROR**";
  if (status == "interrupted") return "**INTERRUPTED**";
  if (status == "known_deviation") return "known deviation";
  return status;
}

// ---- XML --------------------------------------------------------------------------------------

// Escapes for XML 1.0 text and attribute values; control characters XML cannot carry and
// malformed UTF-8 become visible escapes / U+FFFD, so the document stays well-formed.
std::string xml(const std::string& s, bool attribute) {
  std::string r;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': r += "&amp;"; break;
        case '<': r += "&lt;"; break;
        case '>': r += "&gt;"; break;
        case '"': r += attribute ? "&quot;" : "\""; break;
        case '\'': r += attribute ? "&apos;" : "'"; break;
        case '\n': r += attribute ? "&#10;" : "\n"; break;
        case '\r': r += "&#13;"; break;
        case '\t': r += attribute ? "&#9;" : "\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            r += buf;
          } else {
            r += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence is copied; anything else becomes U+FFFD.
    size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    bool ok = len != 0 && i + len <= s.size() && c >= 0xc2 && c <= 0xf4;
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    if (ok) {
      r.append(s, i, len);
      i += len;
    } else {
      r += "\xef\xbf\xbd";
      ++i;
    }
  }
  return r;
}

}  // namespace

// ---- public: renderings -----------------------------------------------------------------------

std::string markdown_summary(const LoadedReport& loaded) {
  const Report& r = loaded.report;
  const json& j = loaded.json;
  const json& sum = j["summary"];
  std::string md = "## fpconform report: " + std::string(r.passed() ? "pass" : "FAIL") + "\n\n";
  md += "suite `" + md_cell(r.suite, true) + "` · seed " + std::to_string(r.seed) + (r.strict_nan ? " · strict NaN" : "") +
        " · fpconform " + md_cell(j["tool"]["version"].get<std::string>()) + " (" +
        md_cell(j["tool"]["revision"].get<std::string>()) + ")\n\n";
  if (r.shard_count > 1)
    md += "**Shard " + std::to_string(r.shard_index) + " of " + std::to_string(r.shard_count) +
          " (0-based): a part of a run. Merge the shards' reports (`fpconform report merge`) for the whole.**\n\n";
  // A report of block checks alone (fpconform check on block files) shows no empty element table.
  const bool element_table = !r.checks.empty() || (r.block_checks.empty() && r.dot_checks.empty());
  if (element_table)
    md += std::to_string(sum["checks"].get<uint64_t>()) + " checks: " + std::to_string(sum["passed"].get<uint64_t>()) + " passed, " +
          std::to_string(sum["failed"].get<uint64_t>()) + " failed, " +
          (sum.contains("known_deviations") ? std::to_string(sum["known_deviations"].get<uint64_t>()) + " known deviations, " : "") +
          std::to_string(sum["skipped"].get<uint64_t>()) +
          " skipped, " + std::to_string(sum["errors"].get<uint64_t>()) + " errors; " +
          std::to_string(sum["cases"].get<uint64_t>()) + " cases.\n\n";
  if (!r.block_checks.empty()) {
    const json& b = sum["block_checks"];
    md += std::to_string(b["checks"].get<uint64_t>()) + " block checks: " + std::to_string(b["passed"].get<uint64_t>()) +
          " passed, " + std::to_string(b["failed"].get<uint64_t>()) + " failed, " + std::to_string(b["skipped"].get<uint64_t>()) +
          " skipped, " + std::to_string(b["errors"].get<uint64_t>()) + " errors; " + std::to_string(b["blocks"].get<uint64_t>()) +
          " blocks" + (b.value("unjudged", uint64_t{0}) ? ", " + std::to_string(b["unjudged"].get<uint64_t>()) + " unjudged" : "") +
          ".\n\n";
  }
  if (element_table) {
    md += "| status | check | cases | failed | failed by class | implementation-defined | diagnosis | seconds |\n";
    md += "|:--|:--|--:|--:|:--|--:|:--|--:|\n";
  }
  for (const CheckRecord& c : r.checks) {
    std::string diagnosis;
    if (c.status == "fail") diagnosis = c.diagnosis.empty() ? "no single alternative explains it" : "behaves exactly as: " + join(c.diagnosis, ", ");
    else if (c.status == "known_deviation") diagnosis = "known: " + c.known_deviation->summary + " (" + c.known_deviation->reference + ")";
    else if (c.status == "skipped") diagnosis = c.skipped_reason;
    else if (c.status == "error") diagnosis = c.outcome.error;
    md += "| " + md_status(c.status) + " | `" + md_cell(c.id(), true) + "` | " + std::to_string(c.outcome.cases) + " | " +
          std::to_string(c.outcome.failed) + " | " + md_cell(classes_text(c.outcome)) + " | " +
          std::to_string(c.outcome.implementation_defined) + " | " + md_cell(diagnosis) + " | " + fixed(c.seconds, 2) + " |\n";
  }
  for (const CheckRecord& c : r.checks) {
    if (!failing_status(c.status) && c.status != "known_deviation") continue;
    md += "\n### " + md_status(c.status) + " `" + md_cell(c.id(), true) + "`\n\n";
    md += md_cell(semantics_line(c)) + " · subject `" + md_cell(c.entry, true) + "` · reference " + md_cell(c.reference) + " · " +
          md_cell(c.case_label) + " cases " + std::to_string(c.range_begin) + ".." + std::to_string(c.range_end) + " of " +
          std::to_string(c.case_count) + " (seed " + std::to_string(c.seed) + ")\n\n";
    md += md_cell(finding(c)) + "\n\n";
    if (c.outcome.failed) md += "```text\n" + counterexample_block(c, r.max_examples) + "```\n";
  }
  const std::string dots = dot_checks_markdown(r, md_cell, md_status);
  if (r.block_checks.empty()) return md + dots;
  md += "\n### Block checks\n\n";
  md += "| status | check | claims | blocks | distance to the claimed reference | other references | seconds |\n";
  md += "|:--|:--|:--|--:|:--|:--|--:|\n";
  for (const BlockCheckRecord& c : r.block_checks) {
    std::string claimed = c.status == "skipped" ? c.skipped_reason : distance_text(c.result.distances.front());
    if (!c.result.error.empty()) claimed = "error: " + c.result.error + "; " + claimed;
    if (c.result.unjudged) claimed += "; " + unjudged_text(c.result);
    std::string others;
    for (size_t k = 1; k < c.result.distances.size(); ++k) others += (k > 1 ? "; " : "") + distance_text(c.result.distances[k]);
    md += "| " + md_status(c.status) + " | `" + md_cell(c.id(), true) + "` | " + md_cell(c.claims.scheme + "[" + c.claims.reference + "], " +
          std::to_string(c.blocksize)) + " | " + std::to_string(c.result.blocks) + " | " + md_cell(claimed) + " | " + md_cell(others) +
          " | " + fixed(c.seconds, 2) + " |\n";
  }
  for (const BlockCheckRecord& c : r.block_checks) {
    if (!failing_status(c.status)) continue;
    md += "\n### " + md_status(c.status) + " block check `" + md_cell(c.id(), true) + "`\n\n";
    md += md_cell(claims_text(c)) + " · subject `" + md_cell(c.entry, true) + "` · " + md_cell(c.case_label) + " blocks " +
          std::to_string(c.range_begin) + ".." + std::to_string(c.range_end) + " of " + std::to_string(c.block_count) + " (seed " +
          std::to_string(c.seed) + "): " + md_cell(kinds_text(c)) + "\n\n";
    if (!c.result.error.empty()) md += "error: " + md_cell(c.result.error) + "\n\n";
    md += "```text\n" + block_distances_text(c) + "```\n";
  }
  return md + dots;
}

std::string check_failure_text(const CheckRecord& c, size_t max_examples) {
  std::string status = c.status;
  std::transform(status.begin(), status.end(), status.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  return status + "  " + c.id() + "\n" + semantics_line(c) + " · subject " + c.entry + " · reference " + c.reference + "\n" +
         finding(c) + "\n" + (c.outcome.failed ? counterexample_block(c, max_examples) : "");
}

std::string junit_xml(const LoadedReport& loaded) {
  const Report& r = loaded.report;
  struct Suite {
    std::string name;
    std::vector<const CheckRecord*> checks;
    std::vector<const BlockCheckRecord*> block_checks;
    int failures = 0, errors = 0, skipped = 0;
    double seconds = 0;
    size_t dot_checks = 0;
  };
  std::vector<Suite> suites;
  for (const CheckRecord& c : r.checks) {
    auto it = std::find_if(suites.begin(), suites.end(), [&](const Suite& s) { return s.name == c.subject; });
    if (it == suites.end()) it = suites.insert(suites.end(), Suite{c.subject, {}, {}, 0, 0, 0, 0});
    it->checks.push_back(&c);
    it->failures += c.status == "fail";
    it->errors += c.status == "error";
    it->skipped += c.status == "skipped";
    it->seconds += c.seconds;
  }
  for (const BlockCheckRecord& c : r.block_checks) {
    auto it = std::find_if(suites.begin(), suites.end(), [&](const Suite& s) { return s.name == c.subject; });
    if (it == suites.end()) it = suites.insert(suites.end(), Suite{c.subject, {}, {}, 0, 0, 0, 0});
    it->block_checks.push_back(&c);
    it->failures += c.status == "fail";
    it->errors += c.status == "error";
    it->skipped += c.status == "skipped";
    it->seconds += c.seconds;
  }
  for (const DotCheckRecord& c : r.dot_checks) {  // written by dot_checks_junit; counted here
    auto it = std::find_if(suites.begin(), suites.end(), [&](const Suite& s) { return s.name == c.subject; });
    if (it == suites.end()) it = suites.insert(suites.end(), Suite{c.subject, {}, {}, 0, 0, 0, 0});
    ++it->dot_checks;
    it->failures += c.status == "fail";
    it->errors += c.status == "error";
    it->skipped += c.status == "skipped";
    it->seconds += c.seconds;
  }
  int failures = 0, errors = 0, skipped = 0;
  double seconds = 0;
  for (const Suite& s : suites) {
    failures += s.failures;
    errors += s.errors;
    skipped += s.skipped;
    seconds += s.seconds;
  }
  auto a = [](const std::string& s) { return xml(s, true); };
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"fpconform " + a(r.suite) + "\" tests=\"" + std::to_string(r.checks.size() + r.block_checks.size() + r.dot_checks.size()) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) +
       "\" time=\"" + fixed(seconds, 3) + "\">\n";
  for (const Suite& s : suites) {
    x += "  <testsuite name=\"" + a(s.name) + "\" tests=\"" + std::to_string(s.checks.size() + s.block_checks.size() + s.dot_checks) + "\" failures=\"" +
         std::to_string(s.failures) + "\" errors=\"" + std::to_string(s.errors) + "\" skipped=\"" + std::to_string(s.skipped) +
         "\" time=\"" + fixed(s.seconds, 3) + "\">\n";
    x += "    <properties>\n";
    x += "      <property name=\"suite\" value=\"" + a(r.suite) + "\"/>\n";
    x += "      <property name=\"seed\" value=\"" + std::to_string(r.seed) + "\"/>\n";
    x += "      <property name=\"fpconform\" value=\"" + a(loaded.json["tool"]["version"].get<std::string>()) + " (" +
         a(loaded.json["tool"]["revision"].get<std::string>()) + ")\"/>\n";
    x += "    </properties>\n";
    for (const CheckRecord* c : s.checks) {
      x += "    <testcase classname=\"fpconform." + a(c->subject) + "\" name=\"" + a(c->op_name + "/" + c->case_label) +
           "\" time=\"" + fixed(c->seconds, 3) + "\"";
      if (c->status == "pass") {
        x += "/>\n";
        continue;
      }
      if (c->status == "known_deviation") {  // passes; what it deviates in goes to the test's output
        x += ">\n      <system-out>" + xml(finding(*c) + "\n" + counterexample_block(*c, r.max_examples), false) +
             "</system-out>\n    </testcase>\n";
        continue;
      }
      x += ">\n";
      if (c->status == "skipped") {
        x += "      <skipped message=\"" + a(c->skipped_reason) + "\"/>\n";
      } else if (c->status == "error") {
        x += "      <error message=\"" + a(c->outcome.error) + "\" type=\"error\"/>\n";
      } else {
        std::string type;
        for (int k = 0; k < kMismatchClasses; ++k)
          if (c->outcome.failed_by_class[static_cast<size_t>(k)])
            type += (type.empty() ? "" : ",") + std::string(to_string(static_cast<MismatchClass>(k)));
        x += "      <failure message=\"" + a(finding(*c)) + "\" type=\"" + a(type) + "\">" +
             xml(semantics_line(*c) + "; subject " + c->entry + "; reference " + c->reference + "\n" +
                     counterexample_block(*c, r.max_examples),
                 false) +
             "</failure>\n";
      }
      x += "    </testcase>\n";
    }
    for (const BlockCheckRecord* c : s.block_checks) {
      x += "    <testcase classname=\"fpconform." + a(c->subject) + "\" name=\"" + a("block " + c->claims.scheme + "/" + c->case_label) +
           "\" time=\"" + fixed(c->seconds, 3) + "\"";
      if (c->status == "pass") {
        x += "/>\n";
        continue;
      }
      x += ">\n";
      if (c->status == "skipped") x += "      <skipped message=\"" + a(c->skipped_reason) + "\"/>\n";
      else if (c->status == "error") x += "      <error message=\"" + a(block_finding(*c)) + "\" type=\"error\"/>\n";
      else
        x += "      <failure message=\"" + a(block_finding(*c)) + "\" type=\"block\">" +
             xml(claims_text(*c) + "; subject " + c->entry + "\n" + block_distances_text(*c), false) + "</failure>\n";
      x += "    </testcase>\n";
    }
    x += dot_checks_junit(r, s.name, xml);
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace fpc
