// The report schema (reports/schema/report.schema.json, compiled in), the JSON Schema subset that
// validates it, the facts the schema cannot express, and reading a report file for the report
// commands.
#include "report/schema.hpp"
#include "report/dot_report.hpp"

#include "report/text.hpp"
#include "report_schema_text.hpp"  // generated from reports/schema/report.schema.json

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

namespace fpc {

using nlohmann::json;
using report_text::clip;
using report_text::one_line;
using report_text::pointer_token;
using report_text::squote;

namespace {

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

}  // namespace fpc
