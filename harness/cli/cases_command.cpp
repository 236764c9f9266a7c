#include "cli/cases_command.hpp"

#include "cli/args.hpp"
#include "cli/dot_command.hpp"
#include "cli/options.hpp"
#include "cli/quantize_command.hpp"
#include "fpconform/arith.hpp"
#include "fpconform/quantize.hpp"
#include "protocol/block_files.hpp"
#include "protocol/dot_files.hpp"
#include "protocol/file_protocol.hpp"

#include <algorithm>
#include <ostream>

namespace fpc::cli {

namespace {

// fpconform cases --scheme NAME [quantize's scheme options] --cases adversarial|random:N|all[:N]
//                 [--seed S] -o DIR [--json]
int block_cases(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest,
         {"scheme", "reference", "faithful", "blocksize", "cols", "scale-rule", "rounding", "tensor-amax", "cases", "seed", "output"},
         {"double-quant", "json"});
  if (!a.positional().empty()) throw InputError("cases takes no positional arguments (the directory goes after -o)");
  const QuantOptions claims = parse_quant_options(a);
  const BlockCaseSet set = BlockCaseSet::parse(a.required("cases"));
  const uint64_t seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
  const std::string dir = a.required("output");
  const json sidecar = write_block_cases(dir, claims, set, seed);
  if (a.flag("json")) {
    out << sidecar.dump(2) << "\n";
    return 0;
  }
  out << dir << ": " << sidecar["cases"]["blocks"] << " blocks of " << sidecar["blocksize"] << " values (" << set.label()
      << ") for " << claims.scheme << "[" << claims.reference << "] (values.bin: float32; write codes.bin as "
      << sidecar["codes"]["width"] << "-byte " << sidecar["codes"]["format"].get<std::string>() << " codes, scales.bin as "
      << sidecar["scales"]["width"] << "-byte " << sidecar["scales"]["format"].get<std::string>() << " codes"
      << (sidecar.contains("zero_points") ? ", zero_points.bin as 4-byte int32 zero points" : "") << ")\n";
  return 0;
}

// fpconform cases --dot MODEL --in FMT --out FMT --k K --cases boundary|random:N|exhaustive
//                 [--promotion N] [--split-k N] [--scale-format FMT --scale-block N] [--seed S] -o DIR [--json]
int dot_cases_command(const std::vector<std::string>& rest, std::ostream& out) {
  Args a(rest, {"dot", "in", "out", "k", "cases", "seed", "output", "promotion", "split-k", "scale-format", "scale-block"}, {"json"});
  if (!a.positional().empty()) throw InputError("cases takes no positional arguments (the directory goes after -o)");
  DotClaim claim{a.required("dot"), a.required("in"), a.required("out"), {}};
  claim.input = format_by_name(claim.input).name;
  claim.output = format_by_name(claim.output).name;
  if (auto p = a.value("promotion")) claim.gemm.promotion_interval = static_cast<int>(Args::parse_unsigned("promotion", *p, 1 << 20));
  if (auto k = a.value("split-k")) claim.gemm.split_k = static_cast<int>(Args::parse_unsigned("split-k", *k, 1 << 20));
  if (claim.gemm.split_k == 0) throw InputError("--split-k must be at least 1");
  claim.scales = dot_scale_rule(a.value("scale-format"), a.value("scale-block"));
  const DotCaseSet set = DotCaseSet::parse(a.required("cases"));
  const size_t K = set.kind == "exhaustive" ? 2 : static_cast<size_t>(Args::parse_unsigned("k", a.required("k"), 4096));
  const uint64_t seed = a.value("seed") ? Args::parse_unsigned("seed", *a.value("seed"), ~uint64_t{0}) : 1;
  const std::string dir = a.required("output");
  const json sidecar = write_dot_cases(dir, claim, K, set, seed);
  if (a.flag("json")) {
    out << sidecar.dump(2) << "\n";
    return 0;
  }
  out << dir << ": " << sidecar["cases"]["count"] << " dots of K=" << K << " (" << set.label() << ") claiming " << claim.model
      << " (a.bin, b.bin: " << sidecar["a"]["width"] << "-byte " << claim.input << " codes, count x K; c.bin: "
      << sidecar["c"]["width"] << "-byte " << claim.output << " codes; write d.bin as " << sidecar["d"]["width"] << "-byte "
      << claim.output << " codes"
      << (claim.scales ? "; a_scales.bin, b_scales.bin: " + std::string(sidecar["a_scales"]["width"].dump()) + "-byte " +
                             claim.scales->format + " codes, count x K/" + std::to_string(claim.scales->block)
                       : std::string())
      << ")\n";
  return 0;
}

}  // namespace

int cmd_cases(std::vector<std::string> rest, std::ostream& out) {
  if (std::find(rest.begin(), rest.end(), std::string("--scheme")) != rest.end() ||
      std::any_of(rest.begin(), rest.end(), [](const std::string& r) { return r.rfind("--scheme=", 0) == 0; })) {
    std::replace(rest.begin(), rest.end(), std::string("-o"), std::string("--output"));
    return block_cases(rest, out);  // the block file protocol (block_files.hpp)
  }
  std::replace(rest.begin(), rest.end(), std::string("-o"), std::string("--output"));
  if (std::find(rest.begin(), rest.end(), std::string("--dot")) != rest.end() ||
      std::any_of(rest.begin(), rest.end(), [](const std::string& r) { return r.rfind("--dot=", 0) == 0; }))
    return dot_cases_command(rest, out);  // the dot file protocol (dot_files.hpp)
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

}  // namespace fpc::cli
