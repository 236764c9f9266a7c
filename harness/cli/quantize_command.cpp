#include "cli/quantize_command.hpp"

#include "cli/args.hpp"
#include "check/block/block_check.hpp"
#include "check/block_worker.hpp"
#include "cli/describe.hpp"
#include "fpconform/quantize.hpp"
#include "report/report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <chrono>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

namespace fpc::cli {

namespace {

std::string hex_byte(uint64_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(b & 0xff));
  return buf;
}

std::string packed_hex(const std::vector<uint8_t>& bytes) {
  std::string s;
  for (uint8_t b : bytes) s += (s.empty() ? "" : " ") + hex_byte(b);
  return s;
}

std::string decimal(const ExactValue& v) { return to_general_string(v, 9); }

// Values from positional arguments, or from --input FILE (whitespace-separated, '#' comments).
std::vector<ExactValue> read_values(const Args& a) {
  std::vector<std::string> texts = a.positional();
  if (auto path = a.value("input")) {
    if (!texts.empty()) throw InputError("give values either on the command line or with --input, not both");
    std::ifstream in(*path);
    if (!in) throw InputError("cannot read '" + path->substr(0, 200) + "'");
    std::string line;
    while (std::getline(in, line)) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
      std::istringstream words(line);
      for (std::string w; words >> w;) texts.push_back(w);
    }
  }
  if (texts.empty()) throw InputError("quantize needs values (VALUE... or --input FILE)");
  std::vector<ExactValue> values;
  for (const std::string& t : texts) values.push_back(parse_value(t));
  return values;
}

}  // namespace

QuantOptions parse_quant_options(const Args& a) {
  QuantOptions o;
  o.scheme = a.required("scheme");
  auto reference = a.value("reference"), faithful = a.value("faithful");
  if (reference && faithful) throw InputError("give --reference or --faithful, not both");
  if (reference) o.reference = *reference;
  if (faithful) o.reference = *faithful;
  if (auto b = a.value("blocksize")) {
    if (*b == "row" || *b == "-1") o.blocksize = kWholeRow;
    else {
      o.blocksize = Args::parse_unsigned("blocksize", *b, 1u << 24);
      if (o.blocksize == 0) throw InputError("--blocksize must be positive");
    }
  }
  if (auto c = a.value("cols")) {
    o.cols = Args::parse_unsigned("cols", *c, 1u << 24);
    if (o.cols == 0) throw InputError("--cols must be positive");
  }
  if (auto r = a.value("scale-rule")) o.scale_rule = mx_scale_rule_by_name(*r);
  if (auto r = a.value("rounding")) o.element_rounding = rounding_by_name(*r);
  o.double_quant = a.flag("double-quant");
  if (auto t = a.value("tensor-amax")) o.tensor_amax = parse_value(*t);
  const std::string& s = o.scheme;
  if (a.value("scale-rule") && s.rfind("mx", 0) != 0) throw InputError("--scale-rule is for the mx schemes");
  if (a.value("rounding") && s.rfind("mx", 0) != 0) throw InputError("--rounding is for the mx schemes");
  if (a.value("cols") && s.find("int") == std::string::npos) throw InputError("--cols is for llm_int8_* and *int4_group");
  return o;
}

namespace {

// floor(sqrt(x) * 10^digits) / 10^digits for x >= 0, as an exact value.
ExactValue sqrt_truncated(const ExactValue& x, unsigned digits) {
  if (x.is_zero()) return ExactValue::zero();
  BigInt scale = boost::multiprecision::pow(BigInt(10), digits);
  BigInt radicand = x.num * scale * scale / x.den;
  BigInt s = boost::multiprecision::sqrt(radicand);
  return ExactValue::rational(false, s, scale);
}

// log10 of a positive exact value, in double: for printing only.
double log10_for_printing(const ExactValue& x) {
  auto log10_int = [](const BigInt& n) {
    int64_t top = msb(n);
    int64_t shift = top > 60 ? top - 60 : 0;
    BigInt head = n >> static_cast<unsigned>(shift);
    return std::log10(static_cast<double>(head.convert_to<uint64_t>())) + static_cast<double>(shift) * std::log10(2.0);
  };
  return log10_int(x.num) - log10_int(x.den);
}

struct ErrorSummary {
  QuantError e;
  ExactValue rms;        // truncated to 20 decimals
  std::string sqnr_db;   // "inf" when the error is zero, "-" when nothing was compared
};

ErrorSummary summarize(std::span<const ExactValue> input, std::span<const ExactValue> deq) {
  ErrorSummary s;
  s.e = quant_error(input, deq);
  const ExactValue& ss = s.e.sum_squares;
  s.rms = s.e.compared == 0 || ss.is_zero()
              ? ExactValue::zero()
              : sqrt_truncated(ExactValue::rational(false, ss.num, ss.den * BigInt(s.e.compared)), 20);
  if (s.e.compared == 0 || s.e.signal_squares.is_zero()) s.sqnr_db = "-";
  else if (s.e.sum_squares.is_zero()) s.sqnr_db = "inf";
  else {
    ExactValue ratio = ExactValue::rational(false, s.e.signal_squares.num * s.e.sum_squares.den,
                                            s.e.signal_squares.den * s.e.sum_squares.num);
    std::ostringstream os;
    os << std::fixed << std::setprecision(2) << 10.0 * log10_for_printing(ratio);
    s.sqnr_db = os.str();
  }
  return s;
}

std::string block_range(const QuantBlock& b) {
  if (b.members.empty()) return "[]";
  bool consecutive = b.members.back() - b.members.front() + 1 == b.members.size();
  return "[" + std::to_string(b.members.front()) + (consecutive ? ".." : ",..,") + std::to_string(b.members.back()) + "]";
}

std::string scale_text(const Quantized& q, const QuantBlock& b) {
  std::string s = to_exact_string(b.scale);
  if (q.scale_format) s += " (" + q.scale_format->name + " " + code_hex(*q.scale_format, b.scale_code) + ")";
  if (q.options.scheme.find("int4_group") != std::string::npos) s += " zero " + std::to_string(b.zero_point);
  return s;
}

json to_json(const Quantized& q, std::span<const ExactValue> input, const std::vector<ExactValue>& deq,
             const ErrorSummary& err) {
  json j;
  j["scheme"] = q.options.scheme;
  j["reference"] = q.options.reference;
  j["blocksize"] = q.options.blocksize == kWholeRow ? json("row") : json(q.options.blocksize);
  if (q.options.cols) j["cols"] = q.options.cols;
  if (q.options.scheme.rfind("mx", 0) == 0) {
    j["scale_rule"] = std::string(short_name(q.options.scale_rule));
    j["rounding"] = std::string(short_name(q.options.element_rounding));
  }
  j["element_format"] = q.element->name;
  j["scale_format"] = q.scale_format ? json(q.scale_format->name) : json(nullptr);
  j["packed"] = packed_hex(q.packed);
  json blocks = json::array();
  for (size_t i = 0; i < q.blocks.size(); ++i) {
    const QuantBlock& b = q.blocks[i];
    json jb = {{"index", i}, {"members", b.members}, {"scale", to_exact_string(b.scale)}, {"scale_decimal", decimal(b.scale)}};
    if (q.scale_format) jb["scale_code"] = code_hex(*q.scale_format, b.scale_code);
    if (q.options.scheme.find("int4_group") != std::string::npos) jb["zero_point"] = b.zero_point;
    if (!b.note.empty()) jb["note"] = b.note;
    blocks.push_back(jb);
  }
  j["blocks"] = blocks;
  if (q.tensor_scale) j["tensor_scale"] = to_exact_string(*q.tensor_scale);
  if (q.nested) {
    json n = {{"offset", to_exact_string(q.nested->offset)}, {"blocksize", q.nested->blocksize}, {"codes", q.nested->codes}};
    json a = json::array();
    for (const ExactValue& v : q.nested->absmax2) a.push_back(to_exact_string(v));
    n["absmax2"] = a;
    j["double_quant"] = n;
  }
  json values = json::array();
  for (size_t i = 0; i < input.size(); ++i)
    values.push_back({{"input", to_exact_string(input[i])},
                      {"code", code_hex(*q.element, q.codes[i])},
                      {"dequantized", to_exact_string(deq[i])},
                      {"decimal", decimal(deq[i])}});
  j["values"] = values;
  j["error"] = {{"compared", err.e.compared},
                {"skipped", err.e.skipped},
                {"max_abs", to_exact_string(err.e.max_abs)},
                {"rms", to_exact_string(err.rms)},
                {"sqnr_db", err.sqnr_db}};
  return j;
}

void print_text(const Quantized& q, std::span<const ExactValue> input, const std::vector<ExactValue>& deq,
                const ErrorSummary& err, std::ostream& out) {
  out << "scheme " << q.options.scheme << ", reference " << q.options.reference << ", blocksize "
      << (q.options.blocksize == kWholeRow ? std::string("row") : std::to_string(q.options.blocksize));
  if (q.options.cols) out << ", cols " << q.options.cols;
  if (q.options.scheme.rfind("mx", 0) == 0)
    out << ", scale rule " << short_name(q.options.scale_rule) << ", rounding " << short_name(q.options.element_rounding);
  out << "; " << input.size() << " values, " << q.blocks.size() << " block(s), elements " << q.element->name << "\n";
  out << "packed: " << packed_hex(q.packed) << "\n";
  if (q.tensor_scale) out << "tensor scale: " << to_exact_string(*q.tensor_scale) << " (~" << decimal(*q.tensor_scale) << ")\n";
  if (q.nested) {
    out << "double quantization: offset " << to_exact_string(q.nested->offset) << ", absmax codes";
    for (uint64_t c : q.nested->codes) out << " " << hex_byte(c);
    out << ", absmax2";
    for (const ExactValue& v : q.nested->absmax2) out << " " << to_exact_string(v);
    out << "\n";
  }
  for (size_t i = 0; i < q.blocks.size(); ++i) {
    const QuantBlock& b = q.blocks[i];
    out << "block " << i << " " << block_range(b) << ": scale " << scale_text(q, b);
    if (!b.note.empty()) out << "  -- " << b.note;
    out << "\n";
  }
  for (size_t i = 0; i < input.size(); ++i)
    out << "  " << to_exact_string(input[i]) << " -> " << code_hex(*q.element, q.codes[i]) << " -> "
        << to_exact_string(deq[i]) << " (~" << decimal(deq[i]) << ")\n";
  out << "error: max abs " << to_exact_string(err.e.max_abs) << " (~" << decimal(err.e.max_abs) << "), rms ~"
      << decimal(err.rms) << ", sqnr " << err.sqnr_db << " dB (" << err.e.compared << " compared";
  if (err.e.skipped) out << ", " << err.e.skipped << " non-finite skipped";
  out << ")\n";
}

int list_schemes(bool as_json, std::ostream& out) {
  if (as_json) {
    json j = json::array();
    for (const QuantSchemeInfo& s : quant_schemes())
      j.push_back({{"name", s.name},
                   {"summary", s.summary},
                   {"references", s.references},
                   {"default_blocksize", s.default_blocksize},
                   {"blocksizes", s.blocksizes}});
    out << j.dump(2) << "\n";
    return 0;
  }
  for (const QuantSchemeInfo& s : quant_schemes()) {
    std::string refs;
    for (const std::string& r : s.references) refs += (refs.empty() ? "" : ",") + r;
    out << std::left << std::setw(14) << s.name << " references " << std::setw(16) << refs << " " << s.summary << "\n";
  }
  return 0;
}

// fpconform quantize --check NAME|all: block checks of block subjects (exit 1 on a failure).
int check_block_subjects(const Args& a, std::ostream& out) {
  if (!a.positional().empty() || a.value("scheme")) throw InputError("--check takes no scheme or values");
  const std::string which = *a.value("check");
  const size_t random_blocks = a.value("blocks") ? Args::parse_unsigned("blocks", *a.value("blocks"), 100000) : 64;
  const uint64_t seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
  std::vector<const BlockSubject*> subjects;
  if (which == "all") {
    for (const BlockSubject& s : block_subjects())
      if (!s.test_only) subjects.push_back(&s);
  } else {
    subjects.push_back(&block_subject_by_name(which));
  }
  bool all_passed = true;
  json results = json::array();
  const BlockCaseSet set{true, random_blocks};
  for (const BlockSubject* s : subjects) {
    // The record a run writes for this subject (unsharded), in the report's JSON shape.
    const std::vector<BlockCase> cases = block_cases(s->claims, set, seed);
    BlockCheckRecord rec = block_check_record(s->name, s->description, s->claims, set, seed, cases, 0, 1);
    const auto t0 = std::chrono::steady_clock::now();
    if (s->available && runs_isolated(*s)) {  // not the project's own code: in a supervised worker
      BlockSubjectWorker worker(s->name, IsolationLimits{});
      rec.result = check_blocks(s->name, s->claims, cases, 0, cases.size(),
                                [&](size_t, const BlockCase& c) { return worker.run(c.bits); }, a.flag("strict-blocks"));
    } else {
      rec.result = run_block_check(*s, set, seed, 0, std::numeric_limits<size_t>::max(), a.flag("strict-blocks"));
    }
    rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!rec.result.skipped.empty()) {
      rec.status = "skipped";
      rec.skipped_reason = rec.result.skipped;
    }
    finalize(rec);
    all_passed = all_passed && !failing_status(rec.status);  // a subject that cannot run here is skipped
    if (a.flag("json")) results.push_back(block_check_to_json(rec));
    else out << summary_line(rec.result) << "\n";
  }
  if (a.flag("json")) out << json{{"seed", seed}, {"random_blocks", random_blocks}, {"checks", results}}.dump(2) << "\n";
  return all_passed ? 0 : 1;
}

}  // namespace

int cmd_quantize(const std::vector<std::string>& args, std::ostream& out) {
  Args a(args,
         {"scheme", "reference", "faithful", "blocksize", "cols", "scale-rule", "rounding", "tensor-amax", "input", "check",
          "blocks", "seed"},
         {"list", "json", "double-quant", "strict-blocks"});
  if (a.value("check")) return check_block_subjects(a, out);
  if (a.flag("strict-blocks")) throw InputError("--strict-blocks goes with --check");
  if (a.value("blocks") || a.value("seed")) throw InputError("--blocks and --seed go with --check");
  if (a.flag("list")) {
    if (!a.positional().empty() || a.value("scheme")) throw InputError("--list takes no scheme or values");
    return list_schemes(a.flag("json"), out);
  }
  QuantOptions options = parse_quant_options(a);
  std::vector<ExactValue> input = read_values(a);
  // A faithful reference models a kernel reading a float32 tensor: values are rounded to float32
  // first (rne), as torch.tensor(..., dtype=float32) does, and compared against those.
  size_t rounded = 0;
  if (options.reference != "ideal") {
    const Format& f32 = format_by_name("float32");
    for (ExactValue& v : input) {
      ExactValue r = decode(f32, round_to_format(v, f32, Rounding::NearestEven).code).value;
      if (!identical(r, v)) ++rounded;
      v = r;
    }
  }
  Quantized q = quantize(input, options);
  std::vector<ExactValue> deq = dequantize(q);
  ErrorSummary err = summarize(input, deq);
  if (a.flag("json")) {
    json j = to_json(q, input, deq, err);
    j["inputs_rounded_to_float32"] = rounded;
    out << j.dump(2) << "\n";
  } else {
    if (rounded) out << rounded << " input value(s) rounded to float32 (the kernel's input type) first\n";
    print_text(q, input, deq, err, out);
  }
  return 0;
}

}  // namespace fpc::cli
