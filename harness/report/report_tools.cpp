// `fpconform report summary|diff|merge|validate`.
#include "report/report_tools.hpp"
#include "report/dot_report.hpp"

#include "cli/describe.hpp"
#include "report_schema_text.hpp"  // generated from reports/schema/report.schema.json

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fpc {

using nlohmann::json;

namespace {

// ---- small text helpers -------------------------------------------------------------------------

// Control characters written visibly, so that every message stays on one line.
std::string one_line(const std::string& s) {
  std::string r;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      r += buf;
    } else {
      r += static_cast<char>(c);
    }
  }
  return r;
}

std::string clip(const std::string& s, size_t n = 60) { return s.size() <= n ? s : s.substr(0, n) + "..."; }

std::string squote(const std::string& s) { return "'" + one_line(clip(s, 200)) + "'"; }

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pad(std::string s, size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s;
}

std::string pointer_token(const std::string& key) {
  std::string t;
  for (char c : key) {
    if (c == '~') t += "~0";
    else if (c == '/') t += "~1";
    else t += c;
  }
  return t;
}

// ---- the JSON Schema subset -----------------------------------------------------------------------

const std::set<std::string> kSchemaKeywords = {
    "$ref",       "$defs",  "type", "enum", "const", "required", "properties", "additionalProperties",
    "items",      "minItems", "maxItems", "minimum", "minLength", "pattern", "allOf", "if",
    "then",       "$schema", "$id", "$comment", "title", "description"};

bool has_type(const json& x, const std::string& type) {
  if (type == "null") return x.is_null();
  if (type == "boolean") return x.is_boolean();
  if (type == "object") return x.is_object();
  if (type == "array") return x.is_array();
  if (type == "string") return x.is_string();
  if (type == "number") return x.is_number();
  if (type == "integer") {
    if (x.is_number_integer()) return true;
    if (!x.is_number_float()) return false;
    double d = x.get<double>();
    return std::isfinite(d) && d == std::floor(d);
  }
  throw std::invalid_argument("schema: unknown type '" + type + "'");
}

std::string type_of(const json& x) {
  if (x.is_number_integer()) return "integer";
  return x.type_name();
}

// x < m, exactly for 64-bit integers of either sign.
bool less_than(const json& x, const json& m) {
  if (x.is_number_integer() && m.is_number_integer()) {
    const bool xu = x.is_number_unsigned() || x.get<int64_t>() >= 0;
    const bool mu = m.is_number_unsigned() || m.get<int64_t>() >= 0;
    if (xu && mu) return x.get<uint64_t>() < m.get<uint64_t>();
    if (xu != mu) return !xu;  // the negative one is smaller
    return x.get<int64_t>() < m.get<int64_t>();
  }
  return x.get<double>() < m.get<double>();
}

size_t code_points(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

class SchemaValidator {
 public:
  SchemaValidator(const json& root, size_t max_errors) : root_(root), max_(max_errors) {}

  void check(const json& x, const json& s, const std::string& at) {
    if (s.is_boolean()) {
      if (!s.get<bool>()) fail(at, "is not allowed here");
      return;
    }
    if (!s.is_object()) throw std::invalid_argument("schema: a schema must be an object or a boolean");
    if (s.contains("$ref")) check(x, resolve(s["$ref"].get<std::string>()), at);
    if (s.contains("type")) {
      const json& t = s["type"];
      bool ok = false;
      std::string wanted;
      for (const json& one : t.is_array() ? t : json::array({t})) {
        ok = ok || has_type(x, one.get<std::string>());
        wanted += (wanted.empty() ? "" : " or ") + one.get<std::string>();
      }
      if (!ok) {
        fail(at, "is " + type_of(x) + ", expected " + wanted);
        return;  // the other keywords would only repeat the complaint
      }
    }
    if (s.contains("const") && x != s["const"]) fail(at, "must be " + clip(s["const"].dump()) + ", is " + clip(x.dump()));
    if (s.contains("enum")) {
      const json& e = s["enum"];
      if (std::find(e.begin(), e.end(), x) == e.end()) fail(at, clip(x.dump()) + " is not one of " + clip(e.dump(), 200));
    }
    if (x.is_object()) check_object(x, s, at);
    if (x.is_array()) {
      if (s.contains("minItems") && x.size() < s["minItems"].get<size_t>())
        fail(at, "has " + std::to_string(x.size()) + " items, at least " + s["minItems"].dump() + " required");
      if (s.contains("maxItems") && x.size() > s["maxItems"].get<size_t>())
        fail(at, "has " + std::to_string(x.size()) + " items, at most " + s["maxItems"].dump() + " allowed");
      if (s.contains("items"))
        for (size_t i = 0; i < x.size(); ++i) check(x[i], s["items"], at + "/" + std::to_string(i));
    }
    if (x.is_number() && s.contains("minimum") && less_than(x, s["minimum"]))
      fail(at, x.dump() + " is less than the minimum " + s["minimum"].dump());
    if (x.is_string()) {
      const std::string& str = x.get_ref<const std::string&>();
      if (s.contains("minLength") && code_points(str) < s["minLength"].get<size_t>())
        fail(at, "is shorter than " + s["minLength"].dump() + " characters");
      if (s.contains("pattern") && !std::regex_search(str, regex(s["pattern"].get<std::string>())))
        fail(at, clip(x.dump()) + " does not match " + s["pattern"].get<std::string>());
    }
    if (s.contains("allOf"))
      for (const json& sub : s["allOf"]) check(x, sub, at);
    if (s.contains("if")) {
      SchemaValidator probe(root_, 0);
      probe.check(x, s["if"], at);
      if (probe.total == 0 && s.contains("then")) check(x, s["then"], at);
    }
  }

  std::vector<std::string> errors;
  size_t total = 0;

 private:
  void check_object(const json& x, const json& s, const std::string& at) {
    if (s.contains("required"))
      for (const json& name : s["required"])
        if (!x.contains(name.get<std::string>())) fail(at, "missing required property \"" + name.get<std::string>() + "\"");
    const json empty = json::object();
    const json& props = s.contains("properties") ? s["properties"] : empty;
    for (const auto& [key, value] : x.items()) {
      const std::string where = at + "/" + pointer_token(key);
      if (props.contains(key)) check(value, props[key], where);
      else if (s.contains("additionalProperties")) {
        const json& extra = s["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) fail(at, "unexpected property \"" + clip(key) + "\"");
        else check(value, extra, where);
      }
    }
  }

  void fail(const std::string& at, const std::string& what) {
    ++total;
    if (errors.size() < max_) errors.push_back(one_line((at.empty() ? std::string("(top level)") : at) + ": " + what));
  }

  const json& resolve(const std::string& ref) {
    if (ref.empty() || ref[0] != '#') throw std::invalid_argument("schema: only local $ref ('#/...') is supported, got '" + ref + "'");
    try {
      return root_.at(json::json_pointer(ref.substr(1)));
    } catch (const json::exception&) {
      throw std::invalid_argument("schema: $ref '" + ref + "' points nowhere");
    }
  }

  const std::regex& regex(const std::string& pattern) {
    auto it = regexes_.find(pattern);
    if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    return it->second;
  }

  const json& root_;
  size_t max_;
  std::map<std::string, std::regex> regexes_;
};

// ---- reading reports --------------------------------------------------------------------------

bool failing(const std::string& status) { return failing_status(status); }

std::string classes_text(const CheckOutcome& o) {
  std::string s;
  for (int i = 0; i < kMismatchClasses; ++i)
    if (uint64_t n = o.failed_by_class[static_cast<size_t>(i)])
      s += (s.empty() ? "" : ", ") + std::string(to_string(static_cast<MismatchClass>(i))) + " " + std::to_string(n);
  return s;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
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

// ---- public: schema ---------------------------------------------------------------------------

// Every subschema uses only the keywords SchemaValidator implements, checked before validating
// so that no part of a schema is silently ignored.
void check_keywords(const json& s, const std::string& at) {
  if (s.is_boolean()) return;
  if (!s.is_object()) throw std::invalid_argument("schema: " + at + " is neither an object nor a boolean");
  for (const auto& [key, value] : s.items()) {
    if (!kSchemaKeywords.count(key)) throw std::invalid_argument("schema: unsupported keyword '" + key + "' at " + at);
    const std::string where = at + "/" + pointer_token(key);
    if (key == "properties" || key == "$defs") {
      for (const auto& [name, sub] : value.items()) check_keywords(sub, where + "/" + pointer_token(name));
    } else if (key == "allOf") {
      for (size_t i = 0; i < value.size(); ++i) check_keywords(value[i], where + "/" + std::to_string(i));
    } else if (key == "additionalProperties" || key == "items" || key == "if" || key == "then") {
      check_keywords(value, where);
    }
  }
}

// The facts about block_checks the schema cannot express (see report_consistency_errors);
// returns the number of failing or erroring block checks.
template <class Expect>
uint64_t block_check_consistency(const json& j, const Expect& expect) {
  const json none = json::array();
  const json& checks = j.contains("block_checks") ? j["block_checks"] : none;
  uint64_t passed = 0, failed = 0, skipped = 0, errored = 0, blocks = 0, values = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    const json& c = checks[i];
    const std::string at = "/block_checks/" + std::to_string(i);
    const std::string label = c["cases"]["label"].get<std::string>(), status = c["status"].get<std::string>();
    const uint64_t count = c["cases"]["count"].get<uint64_t>(), blocksize = c["claims"]["blocksize"].get<uint64_t>();
    const uint64_t begin = c["cases"]["range"][0].get<uint64_t>(), end = c["cases"]["range"][1].get<uint64_t>();
    const uint64_t answered = c["counts"]["blocks"].get<uint64_t>();
    expect(c["id"] == c["subject"].get<std::string>() + "/" + c["claims"]["scheme"].get<std::string>() + "/" + label, at + "/id",
           "is not subject/scheme/label");
    expect(c["cases"]["kind"] == label.substr(0, label.find(':')), at + "/cases/kind", "does not match the label");
    expect(c["cases"]["values"].get<uint64_t>() == count * blocksize, at + "/cases/values", "is not count x blocksize");
    expect(begin <= end && end <= count, at + "/cases/range", "does not lie within [0, count]");
    expect(answered <= end - begin && c["counts"]["values"].get<uint64_t>() == answered * blocksize, at + "/counts",
           "blocks exceed the range or values are not blocks x blocksize");
    uint64_t next = 0;
    for (const json& k : c["cases"]["kinds"]) {
      expect(k["first"].get<uint64_t>() == next, at + "/cases/kinds", "do not tile the blocks in order");
      next = k["first"].get<uint64_t>() + k["count"].get<uint64_t>();
    }
    expect(next == count, at + "/cases/kinds", "do not cover the blocks");
    const json& d = c["distances"];
    expect(d[0]["claimed"] == true && d[0]["reference"] == c["claims"]["reference"], at + "/distances/0",
           "is not the claimed reference");
    for (size_t k = 0; k < d.size(); ++k) {
      const json& e = d[k];
      const std::string dat = at + "/distances/" + std::to_string(k);
      const uint64_t defined = e["blocks"].get<uint64_t>(), differing = e["blocks_differing"].get<uint64_t>();
      if (k > 0) expect(e["claimed"] == false, dat + "/claimed", "only the first distance is the claimed one");
      expect(differing <= defined && defined <= answered, dat, "blocks_differing <= blocks <= counts.blocks does not hold");
      expect(e["scales_differing"].get<uint64_t>() <= differing && e["values_differing"].get<uint64_t>() <= differing * blocksize &&
                 e.value("zero_points_differing", uint64_t{0}) <= differing,
             dat, "more differing scales, zero points or values than the differing blocks hold");
      expect(e["first_difference"].is_null() == (differing == 0), dat + "/first_difference", "is given iff some block differs");
    }
    const uint64_t claimed_defined = d[0]["blocks"].get<uint64_t>(), claimed_differing = d[0]["blocks_differing"].get<uint64_t>();
    const uint64_t unjudged = c["counts"].value("unjudged", answered - claimed_defined);
    expect(unjudged == answered - claimed_defined, at + "/counts/unjudged", "is not the answered blocks the claimed reference left undefined");
    if (c["counts"].contains("unjudged"))  // older reports count none and name none
      expect(c.contains("unjudged") == (unjudged > 0), at + "/unjudged", "is given iff some block is unjudged");
    const bool differs = claimed_differing > 0 || (answered > 0 && claimed_defined == 0) ||
                         (c.value("strict_blocks", false) && unjudged > 0);
    if (status == "pass") expect(!differs && !c.contains("error"), at + "/status", "is pass with differences or an error");
    if (status == "fail") expect(differs && !c.contains("error"), at + "/status", "is fail without a difference");
    if (status == "skipped") expect(answered == 0, at + "/status", "is skipped but blocks ran");
    passed += status == "pass";
    failed += status == "fail";
    skipped += status == "skipped";
    errored += status == "error";
    blocks += answered;
    values += c["counts"]["values"].get<uint64_t>();
  }
  const json& s = j.at("summary");
  if (s.contains("block_checks")) {
    const json& b = s["block_checks"];
    expect(b["checks"] == checks.size() && b["passed"] == passed && b["failed"] == failed && b["skipped"] == skipped &&
               b["errors"] == errored && b["blocks"] == blocks && b["values"] == values,
           "/summary/block_checks", "does not agree with the block checks");
  } else {
    expect(checks.empty(), "/summary", "has no block_checks counts, but the report has block checks");
  }
  return failed + errored;
}

}  // namespace

std::vector<std::string> validate_json(const json& instance, const json& schema, size_t max_errors, size_t* total_errors) {
  check_keywords(schema, "#");
  SchemaValidator v(schema, max_errors);
  v.check(instance, schema, "");
  if (total_errors) *total_errors = v.total;
  return v.errors;
}

const json& report_schema() {
  static const json schema = json::parse(kReportSchemaText);
  return schema;
}

std::vector<std::string> report_consistency_errors(const json& j) {
  std::vector<std::string> errors;
  auto expect = [&](bool ok, const std::string& where, const std::string& what) {
    if (!ok) errors.push_back(one_line(where + ": " + what));
  };
  const json& checks = j.at("checks");
  uint64_t passed = 0, failed = 0, known = 0, skipped = 0, errored = 0, interrupted = 0, cases = 0;
  for (size_t i = 0; i < checks.size(); ++i) {
    const json& c = checks[i];
    const std::string at = "/checks/" + std::to_string(i);
    const std::string label = c["cases"]["label"].get<std::string>();
    const std::string status = c["status"].get<std::string>();
    const json& n = c["counts"];
    const uint64_t count = c["cases"]["count"].get<uint64_t>();
    const uint64_t begin = c["cases"]["range"][0].get<uint64_t>(), end = c["cases"]["range"][1].get<uint64_t>();
    const uint64_t n_cases = n["cases"].get<uint64_t>(), n_failed = n["failed"].get<uint64_t>();
    expect(c["id"] == c["subject"].get<std::string>() + "/" + c["op"].get<std::string>() + "/" + label, at + "/id",
           "is not subject/op/label");
    expect(c["cases"]["kind"] == label.substr(0, label.find(':')), at + "/cases/kind", "does not match the label");
    if (label.rfind("random:", 0) == 0) expect(label == "random:" + std::to_string(count), at + "/cases/count", "differs from the label");
    expect(begin <= end && end <= count, at + "/cases/range", "does not lie within [0, count]");
    expect(n["passed"].get<uint64_t>() + n_failed + n["implementation_defined"].get<uint64_t>() == n_cases, at + "/counts",
           "passed + failed + implementation_defined differs from cases");
    uint64_t by_class = 0;
    for (const auto& [name, v] : n["failed_by_class"].items()) by_class += v.get<uint64_t>();
    expect(by_class == n_failed, at + "/counts/failed_by_class", "does not add up to failed");
    expect(c["counterexamples"].size() <= n_failed, at + "/counterexamples", "more counterexamples than failed cases");
    if (status == "pass" || status == "fail" || status == "known_deviation")
      expect(n_cases == end - begin, at + "/counts/cases", "differs from the size of the range");
    if (status == "pass") expect(n_failed == 0 && !c.contains("error"), at + "/status", "is pass with failures or an error");
    if (status == "fail") expect(n_failed > 0 && !c.contains("error"), at + "/status", "is fail without failures");
    if (status == "skipped") expect(n_cases == 0, at + "/status", "is skipped but cases ran");
    if (status == "known_deviation") {
      expect(n_failed > 0 && !c.contains("error"), at + "/status", "is known_deviation without failures");
      bool only_known = c.contains("known_deviation");
      for (const auto& [name, v] : n["failed_by_class"].items()) {
        const json& listed = c.contains("known_deviation") ? c["known_deviation"]["classes"] : json::array();
        if (v.get<uint64_t>() && std::find(listed.begin(), listed.end(), json(name)) == listed.end()) only_known = false;
      }
      expect(only_known, at + "/status", "is known_deviation with failures of a class its known_deviation does not list");
    }
    passed += status == "pass";
    failed += status == "fail";
    known += status == "known_deviation";
    skipped += status == "skipped";
    errored += status == "error";
    interrupted += status == "interrupted";
    if (status == "interrupted") expect(n_cases == 0, at + "/status", "is interrupted but cases ran");
    cases += n_cases;
  }
  for (const json& c : j.value("block_checks", json::array())) interrupted += c["status"] == "interrupted";
  const uint64_t dot_failures = dot_check_consistency(j, errors, interrupted);
  const json& s = j.at("summary");
  expect(s["checks"] == checks.size() && s["passed"] == passed && s["failed"] == failed && s["skipped"] == skipped &&
             s["errors"] == errored && s["cases"] == cases && s.value("known_deviations", uint64_t{0}) == known &&
             s.value("interrupted", uint64_t{0}) == interrupted,
         "/summary", "does not agree with the checks");
  const uint64_t block_failures = block_check_consistency(j, expect);
  expect(j["verdict"] == (failed + errored + interrupted + block_failures + dot_failures == 0 ? "pass" : "fail"), "/verdict",
         "does not agree with the checks");
  expect(j["shard"]["index"].get<uint64_t>() < j["shard"]["count"].get<uint64_t>(), "/shard", "index is not below count");
  return errors;
}

LoadedReport load_report(const std::string& path) {
  namespace fs = std::filesystem;
  const std::string name = squote(path);
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError("cannot read report " + name + ": no such file");
  if (!fs::is_regular_file(st)) throw InputError("cannot read report " + name + ": not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read report " + name);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError("report " + name + " is empty");
  LoadedReport r;
  r.path = path;
  try {
    r.json = json::parse(text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for numbers such as 1e400
    std::string what = e.what();
    if (what.rfind("[json.exception", 0) == 0 && what.find("] ") != std::string::npos) what = what.substr(what.find("] ") + 2);
    throw InputError("report " + name + " is not valid JSON (" + one_line(clip(what, 200)) + ")");
  }
  if (!r.json.is_object() || !r.json.contains("schema"))
    throw InputError(name + " is not a fpconform report (it has no \"schema\": \"" + kReportSchema + "\")");
  if (r.json["schema"] != kReportSchema)
    throw InputError(name + " has schema " + one_line(clip(r.json["schema"].dump())) + "; this fpconform reads " + kReportSchema);
  size_t total = 0;
  std::vector<std::string> errors = validate_json(r.json, report_schema(), 1, &total);
  if (errors.empty()) {
    errors = report_consistency_errors(r.json);
    total = errors.size();
  }
  if (!errors.empty())
    throw InputError("report " + name + " is not a valid " + kReportSchema + " report: " + errors[0] +
                     (total > 1 ? " (and " + std::to_string(total - 1) + " more)" : ""));
  try {
    r.report = report_from_json(r.json);
  } catch (const InputError& e) {
    throw InputError("report " + name + ": " + one_line(e.what()));
  }
  return r;
}

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
    if (!failing(c.status) && c.status != "known_deviation") continue;
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
    if (!failing(c.status)) continue;
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

namespace fpc::cli {

namespace {

constexpr const char* kReportUsage =
    "report takes a subcommand: summary R.json [--junit] | diff OLD.json NEW.json | merge -o OUT.json SHARD.json... | "
    "validate R.json...";

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
      if (failing(c.status)) regressions.push_back(c.status + "  " + id + "  (new check)  " + c.finding);
      else added.push_back(c.status + "  " + id);
      continue;
    }
    const DiffItem& o = *it->second;
    const bool newly = (c.status == "fail" && !failing(o.status)) || (c.status == "error" && o.status != "error");
    if (newly) {
      regressions.push_back(c.status + "  " + id + "  (was " + o.status + ")  " + c.finding);
    } else if (failing(o.status) && c.status == "pass") {
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
  return bad ? 1 : 0;
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
