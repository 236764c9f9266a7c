#include "cli/cli.hpp"

#include "cli/args.hpp"
#include "cli/describe.hpp"
#include "protocol/file_protocol.hpp"
#include "fpconform/arith.hpp"
#include "report/report_tools.hpp"
#include "cli/findings_command.hpp"
#include "cli/quantize_command.hpp"
#include "cli/run_command.hpp"
#include "cli/selfcheck.hpp"
#include "protocol/block_files.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <ostream>

namespace fpc::cli {

namespace {

constexpr const char* kUsage = R"(fpconform — exact floating-point conformance oracle for ML formats

usage: fpconform COMMAND [OPTIONS]

commands:
  formats                         table of every built-in format
  info FORMAT                     layout, range, eps, torch.finfo fields, NaN/inf codes
  enumerate FORMAT                every code (formats of <= 16 bits) with class and exact value
  convert --to FORMAT [--from FORMAT] [--rounding MODE] [POLICY] [VALUE...]
                                  round exact values (or codes of --from) into FORMAT;
                                  with no VALUE, a filter: one code (or value) per stdin line
                                  in, one result code per line out
  eval OP --format FORMAT [--to FORMAT] [--rounding MODE] [POLICY] A [B [C]]
                                  exact OP (add sub mul div fma sqrt minimum maximum
                                  minimumNumber maximumNumber abs rcp add_clamp01
                                  sub_clamp01 mul_clamp01 fma_clamp01 fma_relu compare)
                                  rounded once
  selfcheck [--golden FILE] [--report PATH]
                                  recompute the golden vectors (specs, SEEDS) and write a report
  run [--suite quick|full|FILE] [--subject NAME,...] [--plugin PATH.so ...] [--report PATH]
      [--shard i/N] [--threads N] [--seed S] [--strict-nan] [--max-examples K]
      [--no-known-deviations]
                                  check subjects against the oracle; JSON report (exit 1 on
                                  any failure; a check failing only as a known deviation of
                                  kernels/known_deviations.cpp does not fail the run unless
                                  --no-known-deviations)
  subjects [--plugin PATH.so] [--json]
                                  every subject, its ops and whether it is available here;
                                  then the block quantizers and their claims (scheme,
                                  reference, block size, MX scale rule); --json: an object
                                  {"subjects": [...], "block_subjects": [...]}
  findings [--library NAME] [--status open|fixed] [--json]
                                  the findings registry (findings/): library, affected
                                  versions, status, op, class, smallest counterexample
  report summary R.json [--junit] Markdown summary of a report (table of checks, then the
                                  counterexamples of each failing check); --junit: JUnit XML
  report diff OLD.json NEW.json   what newly fails, what got fixed, changed failure counts
                                  (exit 1 on a regression)
  report merge -o OUT.json SHARD.json...
                                  join the reports of a sharded run (--shard i/N, 0-based)
                                  into the report the unsharded run writes
  report validate R.json...       check reports against reports/schema/report.schema.json
  cases --op OP --from F --to G [--rounding MODE] [POLICY] --cases exhaustive|boundary|random:N
        [--seed S] -o DIR         write DIR/cases.json and DIR/in*.bin (file protocol,
                                  docs/file-protocol.md) for another program to compute DIR/out.bin
  cases --scheme NAME [scheme options] --cases adversarial|random:N|all [--seed S] -o DIR
                                  the same for a block quantizer: DIR/values.bin (float32 blocks)
                                  for another program to write DIR/codes.bin and DIR/scales.bin
                                  (int4 groups: and DIR/zero_points.bin)
  check DIR [--report PATH] [--subject-name NAME] [--strict-nan] [--max-examples K]
                                  check DIR/out.bin (block directories: codes.bin, scales.bin,
                                  zero_points.bin) against the oracle; report (default
                                  DIR/report.json); exit 1 on any failure
  quantize --scheme NAME [--reference REF] [--blocksize N|row] [--cols N] [--scale-rule R]
           [--rounding MODE] [--double-quant] [--tensor-amax V] VALUE... | --input FILE
                                  block/code-table quantization (bnb FP4/NF4, LLM.int8, int4
                                  groups, OCP MX, NVFP4): packed codes, scales, dequantized
                                  values, max abs/RMS/SQNR error; 'quantize --list' lists schemes;
                                  'quantize --check SUBJECT|all [--blocks N] [--seed S]' checks
                                  block quantizers against the ideal and faithful references
  version

common options:
  --json                          machine-readable output
  --rounding rne|rna|rtz|rup|rdn|rod|sr       (default rne)
POLICY options:
  --saturate                      overflow gives +-max finite
  --inf-under-saturation max|nan  what +-inf becomes under --saturate (default max, as CUDA)
  --nan-policy unpinned|max|zero|negzero
                                  NaN into a format with no NaN (default unpinned: +max,
                                  marked implementation-defined)
  --ftz  --daz                    flush subnormal results / read subnormal operands as zero
  --sr-bits K --sr-random R       stochastic rounding: K random bits (<= 64), value R < 2^K
                                  (cases: --sr-bits K only; each case gets its own bits)
VALUE: exact decimal (3.14, -0, 1e-40), hex float (0x1.8p3), fraction (1/3), inf, nan;
       with --from (convert) or for eval: a code such as 0x4248 (hex, or 0b binary).
Exit status: 0 success, 1 a check failed (selfcheck, run) or a regression (report diff),
2 bad input.
)";

const std::set<std::string> kPolicyValued = {"rounding", "inf-under-saturation", "nan-policy", "sr-bits", "sr-random"};
const std::set<std::string> kPolicyFlags = {"saturate", "ftz", "daz", "json"};

std::set<std::string> with(std::set<std::string> base, std::initializer_list<std::string> more) {
  base.insert(more);
  return base;
}

struct Semantics {
  Rounding rounding = Rounding::NearestEven;
  Policy policy;
  RandomBits random;
};

// random_per_case: the cases of a check draw their own random bits, so --sr-random is not taken.
Semantics parse_semantics(const Args& a, bool random_per_case = false) {
  Semantics s;
  if (auto r = a.value("rounding")) s.rounding = rounding_by_name(*r);
  s.policy.saturate = a.flag("saturate");
  s.policy.ftz = a.flag("ftz");
  s.policy.daz = a.flag("daz");
  if (auto v = a.value("inf-under-saturation")) {
    if (*v == "max") s.policy.inf_under_saturation = InfUnderSaturation::Max;
    else if (*v == "nan") s.policy.inf_under_saturation = InfUnderSaturation::NaN;
    else throw InputError("--inf-under-saturation takes max or nan");
  }
  if (auto v = a.value("nan-policy")) {
    if (*v == "unpinned") s.policy.nan_into_no_nan = NanIntoNoNan::Unpinned;
    else if (*v == "max") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveMax;
    else if (*v == "zero") s.policy.nan_into_no_nan = NanIntoNoNan::PositiveZero;
    else if (*v == "negzero") s.policy.nan_into_no_nan = NanIntoNoNan::NegativeZero;
    else throw InputError("--nan-policy takes unpinned, max, zero or negzero");
  }
  auto bits = a.value("sr-bits"), random = a.value("sr-random");
  if ((bits || random) && s.rounding != Rounding::Stochastic)
    throw InputError("--sr-bits/--sr-random go with --rounding sr");
  if (s.rounding == Rounding::Stochastic) {
    if (random_per_case && random) throw InputError("--sr-random is not taken here: each case gets its own random bits");
    if (!bits || (!random && !random_per_case)) throw InputError("--rounding sr needs --sr-bits K and --sr-random R");
    s.random.k = static_cast<int>(Args::parse_unsigned("sr-bits", *bits, 64));
    if (random) s.random.r = Args::parse_unsigned("sr-random", *random, ~uint64_t{0});
  }
  return s;
}

json semantics_json(const Semantics& s) {
  json j = {{"rounding", std::string(short_name(s.rounding))},
            {"saturate", s.policy.saturate},
            {"ftz", s.policy.ftz},
            {"daz", s.policy.daz}};
  if (s.rounding == Rounding::Stochastic) j["sr"] = {{"bits", s.random.k}, {"random", s.random.r}};
  return j;
}

std::string flag_suffix(const RoundResult& r) {
  std::string s = "  [" + flags_to_string(r.flags) + "]";
  if (r.implementation_defined) s += "  implementation-defined";
  return s;
}

std::string code_line(const Format& f, uint64_t code) {
  return code_hex(f, code) + "  " + code_fields(f, code) + "  " + decode_text(f, code);
}

// ---- formats / info / enumerate ---------------------------------------------------------------

int cmd_formats(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (!a.positional().empty()) throw InputError("formats takes no arguments");
  json all = json::array();
  for (const Format& f : builtin_formats()) all.push_back(format_summary(f));
  if (a.flag("json")) {
    out << all.dump(2) << "\n";
    return 0;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-10s %4s  %-8s %5s  %-5s %-11s %s\n", "name", "kind", "bits", "layout",
                "bias", "nan", "max", "description");
  out << line;
  for (const json& j : all) {
    std::string layout = "-", bias = "-", nan = "-";
    if (j["kind"] == "float") {
      layout = std::string(j["sign"].get<bool>() ? "1" : "0") + "/" + std::to_string(j["exponent_bits"].get<int>()) + "/" +
               std::to_string(j["mantissa_bits"].get<int>());
      bias = std::to_string(j["bias"].get<int>());
      nan = j["nonfinite"].get<std::string>();
    }
    std::snprintf(line, sizeof line, "%-20s %-10s %4d  %-8s %5s  %-5s %-11s %s\n", j["name"].get<std::string>().c_str(),
                  j["kind"].get<std::string>().c_str(), j["bits"].get<int>(), layout.c_str(), bias.c_str(), nan.c_str(),
                  j["max"]["decimal"].get<std::string>().c_str(), j["description"].get<std::string>().c_str());
    out << line;
  }
  out << "user formats: eXmY[:bias=N][:nan=ieee|fn|fnuz|none][:subnormals=on|off][:unsigned]\n";
  return 0;
}

void print_info_text(const json& j, std::ostream& out) {
  auto field = [&](const std::string& label, const std::string& value) {
    std::string l = label;
    l.resize(18, ' ');
    out << l << value << "\n";
  };
  auto value_text = [](const json& v) {
    std::string s = v.contains("code") ? v["code"].get<std::string>() + "  " : "";
    s += v["exact"].get<std::string>();
    if (v["exact"].get<std::string>().size() > 20) s += "  (~" + v["decimal"].get<std::string>() + ")";
    return s;
  };
  auto list_text = [](const json& a) {
    std::string s;
    for (const json& x : a) s += (s.empty() ? "" : ", ") + x.get<std::string>();
    return s.empty() ? std::string("none") : s;
  };
  field("name", j["name"]);
  field("kind", j["kind"]);
  field("description", j["description"]);
  field("bits", std::to_string(j["bits"].get<int>()));
  if (j["kind"] == "float") {
    field("layout", "sign " + std::to_string(j["sign"].get<bool>() ? 1 : 0) + ", exponent " +
                        std::to_string(j["exponent_bits"].get<int>()) + ", mantissa " +
                        std::to_string(j["mantissa_bits"].get<int>()));
    field("bias", std::to_string(j["bias"].get<int>()));
    field("non-finite", j["nonfinite"]);
    field("subnormals", j["subnormals"].get<bool>() ? "yes" : "no");
    field("emin / emax", std::to_string(j["emin"].get<int>()) + " / " + std::to_string(j["emax"].get<int>()));
  }
  field("max finite", value_text(j["max"]));
  field("lowest", value_text(j["lowest"]));
  if (j.contains("min_normal")) field("min normal", value_text(j["min_normal"]));
  if (j.contains("min_subnormal")) field("min subnormal", value_text(j["min_subnormal"]));
  field("min positive", value_text(j["min_positive"]));
  if (j.contains("eps")) field("eps", value_text(j["eps"]));
  field("zero codes", list_text(j["zero_codes"]));
  field("inf codes", list_text(j["inf_codes"]));
  field("nan codes", list_text(j["nan_codes"]));
  if (j.contains("torch_finfo")) {
    const json& t = j["torch_finfo"];
    out << "torch.finfo       resolution=" << t["resolution"].get<std::string>() << ", min=" << t["min"].get<std::string>()
        << ", max=" << t["max"].get<std::string>() << ", eps=" << t["eps"].get<std::string>()
        << ", smallest_normal=" << t["smallest_normal"].get<std::string>() << ", tiny=" << t["tiny"].get<std::string>()
        << ", bits=" << t["bits"].get<int>() << "\n";
  }
  if (j.contains("table")) {
    out << "table\n";
    for (const json& e : j["table"])
      out << "  " << e["code"].get<std::string>() << "  " << e["literal"].get<std::string>() << "  = "
          << e["exact"].get<std::string>() << "\n";
  }
}

int cmd_info(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (a.positional().size() != 1) throw InputError("info takes one FORMAT");
  json j = format_info(format_by_name(a.positional()[0]));
  if (a.flag("json")) out << j.dump(2) << "\n";
  else print_info_text(j, out);
  return 0;
}

int cmd_enumerate(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {}, {"json"});
  if (a.positional().size() != 1) throw InputError("enumerate takes one FORMAT");
  const Format& f = format_by_name(a.positional()[0]);
  if (f.bits() > 16) throw InputError("enumerate lists formats of at most 16 bits; " + f.name + " has " +
                                      std::to_string(f.bits()));
  if (a.flag("json")) {
    json codes = json::array();
    for (uint64_t c = 0; c < f.code_count(); ++c) codes.push_back(describe_code(f, c));
    out << json{{"format", f.name}, {"codes", codes}}.dump(1) << "\n";
    return 0;
  }
  for (uint64_t c = 0; c < f.code_count(); ++c) {
    std::string cls(to_string(decode(f, c).cls));
    cls.resize(10, ' ');
    out << code_hex(f, c) << "  " << code_fields(f, c) << "  " << cls << decode_text(f, c) << "\n";
  }
  return 0;
}

// ---- convert ----------------------------------------------------------------------------------


int convert_filter(const Format* from, const Format& to, const Semantics& s, std::istream& in, std::ostream& out) {
  std::string line;
  uint64_t number = 0;
  std::string buffer;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    try {
      RoundResult r = from ? convert(parse_code(*from, line), *from, to, s.rounding, s.policy, s.random)
                           : round_to_format(parse_value(line), to, s.rounding, s.policy, s.random);
      buffer += code_hex(to, r.code);
      buffer += '\n';
    } catch (const InputError& e) {
      out << buffer;
      throw InputError("stdin line " + std::to_string(number) + ": " + e.what());
    }
    if (buffer.size() > (1u << 16)) {
      out << buffer;
      buffer.clear();
    }
  }
  out << buffer;
  return 0;
}

int cmd_convert(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, with(kPolicyValued, {"to", "from"}), kPolicyFlags);
  const Format& to = format_by_name(a.required("to"));
  const Format* from = a.value("from") ? &format_by_name(*a.value("from")) : nullptr;
  Semantics s = parse_semantics(a);
  if (a.positional().empty()) {
    if (a.flag("json")) throw InputError("--json is not available in filter mode (no VALUE given)");
    return convert_filter(from, to, s, std::cin, out);
  }
  json results = json::array();
  for (const std::string& text : a.positional()) {
    ExactValue x = from ? decode(*from, parse_code(*from, text), s.policy.daz).value : parse_value(text);
    RoundResult r = round_to_format(x, to, s.rounding, s.policy, s.random);
    if (a.flag("json")) {
      json item = {{"input", text},
                   {"input_exact", to_exact_string(x)},
                   {"result", describe_code(to, r.code)},
                   {"flags", flags_to_json(r.flags)},
                   {"implementation_defined", r.implementation_defined}};
      results.push_back(item);
      continue;
    }
    std::string shown = from ? text + " (" + from->name + " " + to_exact_string(x) + ")" : text;
    out << shown << " -> " << code_line(to, r.code) << flag_suffix(r) << "\n";
  }
  if (a.flag("json")) {
    json doc = {{"to", to.name}, {"semantics", semantics_json(s)}, {"results", results}};
    if (from) doc["from"] = from->name;
    out << doc.dump(2) << "\n";
  }
  return 0;
}

// ---- eval -------------------------------------------------------------------------------------


int cmd_eval(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, with(kPolicyValued, {"format", "to"}), kPolicyFlags);
  if (a.positional().empty()) throw InputError("eval needs an operation");
  const std::string& op_name = a.positional()[0];
  const Format& in = format_by_name(a.required("format"));
  const Format& result_format = a.value("to") ? format_by_name(*a.value("to")) : in;
  Semantics s = parse_semantics(a);
  std::vector<uint64_t> codes;
  for (size_t i = 1; i < a.positional().size(); ++i) codes.push_back(parse_operand(in, a.positional()[i]));
  std::string operands;
  json operands_json = json::array();
  for (uint64_t c : codes) {
    operands += (operands.empty() ? "" : ", ") + code_hex(in, c) + " [" + to_exact_string(decode(in, c).value) + "]";
    operands_json.push_back(describe_code(in, c));
  }
  if (op_name == "compare") {
    if (codes.size() != 2) throw InputError("compare takes 2 operands");
    Ordering o = compare_codes(in, codes[0], codes[1], s.policy.daz);
    if (a.flag("json"))
      out << json{{"op", "compare"}, {"format", in.name}, {"operands", operands_json}, {"result", to_string(o)}}.dump(2)
          << "\n";
    else
      out << "compare(" << operands << ") = " << to_string(o) << "\n";
    return 0;
  }
  Op op = op_by_name(op_name);
  if (static_cast<int>(codes.size()) != arity(op))
    throw InputError(op_name + " takes " + std::to_string(arity(op)) + " operand(s), got " + std::to_string(codes.size()));
  RoundResult r = eval(op, codes, in, result_format, s.rounding, s.policy, s.random);
  if (a.flag("json")) {
    out << json{{"op", op_name},
                {"format", in.name},
                {"to", result_format.name},
                {"semantics", semantics_json(s)},
                {"operands", operands_json},
                {"result", describe_code(result_format, r.code)},
                {"flags", flags_to_json(r.flags)},
                {"implementation_defined", r.implementation_defined}}
               .dump(2)
        << "\n";
  } else {
    out << op_name << "(" << operands << ") -> " << code_line(result_format, r.code) << flag_suffix(r) << "\n";
  }
  return 0;
}

int cmd_selfcheck(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {"golden", "report"}, {"json"});
  if (!a.positional().empty()) throw InputError("selfcheck takes no positional arguments");
  std::string golden = a.value("golden").value_or(default_golden_path());
  SelfcheckResult r = run_selfcheck(golden);
  json report = selfcheck_report(r, golden);
  if (auto path = a.value("report")) {
    std::ofstream f(*path);
    if (!f) throw InputError("cannot write report '" + *path + "'");
    f << report.dump(2) << "\n";
  }
  if (a.flag("json")) out << report.dump(2) << "\n";
  else print_selfcheck(r, out);
  return r.failed == 0 ? 0 : 1;
}

// ---- cases (the file protocol; check is in file_protocol.cpp) ------------------------------------

int cmd_cases(std::vector<std::string> rest, std::ostream& out) {
  if (std::find(rest.begin(), rest.end(), std::string("--scheme")) != rest.end() ||
      std::any_of(rest.begin(), rest.end(), [](const std::string& r) { return r.rfind("--scheme=", 0) == 0; })) {
    std::replace(rest.begin(), rest.end(), std::string("-o"), std::string("--output"));
    return cmd_block_cases(rest, out);  // the block file protocol (block_files.hpp)
  }
  std::replace(rest.begin(), rest.end(), std::string("-o"), std::string("--output"));
  Args a(rest, with(kPolicyValued, {"op", "from", "to", "cases", "seed", "output"}), kPolicyFlags);
  if (!a.positional().empty()) throw InputError("cases takes no positional arguments (the directory goes after -o)");
  const Semantics sem = parse_semantics(a, true);
  OpSemantics s{a.required("op"), &format_by_name(a.required("from")), &format_by_name(a.required("to")), sem.rounding,
                sem.policy, sem.random.k};
  if (s.op != "convert") (void)op_by_name(s.op);
  if (s.rounding == Rounding::Stochastic && s.sr_bits == 0) throw InputError("--sr-bits must be 1..64");
  const uint64_t seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
  const CaseSource cases = CaseSource::parse(s, a.required("cases"), seed);
  const std::string dir = a.required("output");
  const json sidecar = write_cases(dir, s, cases);
  if (a.flag("json")) out << sidecar.dump(2) << "\n";
  else
    out << dir << ": " << cases.count() << " " << cases.label() << " cases of " << s.describe() << " (in*.bin: "
        << code_width(s.in->bits()) << "-byte codes; write out.bin as " << code_width(s.out->bits()) << "-byte codes)\n";
  return 0;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) throw InputError("no command given (try 'fpconform help')");
    const std::string& cmd = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
      out << kUsage;
      return 0;
    }
    if (cmd == "version" || cmd == "--version") {
      out << "fpconform " << FPC_VERSION << " (" << FPC_GIT_REVISION << ")\n";
      return 0;
    }
    if (cmd == "formats") return cmd_formats(rest, out);
    if (cmd == "info") return cmd_info(rest, out);
    if (cmd == "enumerate") return cmd_enumerate(rest, out);
    if (cmd == "convert") return cmd_convert(rest, out);
    if (cmd == "eval") return cmd_eval(rest, out);
    if (cmd == "selfcheck") return cmd_selfcheck(rest, out);
    if (cmd == "run") return cmd_run(rest, out, err);
    if (cmd == "subjects") return cmd_subjects(rest, out);
    if (cmd == "report") return cmd_report(rest, out, err);
    if (cmd == "cases") return cmd_cases(rest, out);
    if (cmd == "check") return cmd_check(rest, out, err);
    if (cmd == "quantize") return cmd_quantize(rest, out);
    if (cmd == "findings") return cmd_findings(rest, out);
    throw InputError("unknown command '" + cmd.substr(0, 40) + "' (try 'fpconform help')");
  } catch (const InputError& e) {
    err << "fpconform: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "fpconform: internal error: " << e.what() << "\n";
    return 3;
  }
}

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  return run(std::vector<std::string>(argv + 1, argv + argc), out, err);
}

}  // namespace fpc::cli
