#include "cli/cli.hpp"

#include "cli/args.hpp"
#include "cli/cases_command.hpp"
#include "cli/check_command.hpp"
#include "cli/convert_command.hpp"
#include "cli/enumerate_command.hpp"
#include "cli/eval_command.hpp"
#include "cli/formats_command.hpp"
#include "cli/info_command.hpp"
#include "cli/findings_command.hpp"
#include "cli/quantize_command.hpp"
#include "cli/dot_command.hpp"
#include "cli/run_command.hpp"
#include "cli/selfcheck_command.hpp"
#include "cli/subjects_command.hpp"
#include "check/dot_worker.hpp"
#include "check/worker.hpp"
#include "cli/report_command.hpp"

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
  run [--suite quick|full|cuda-versions|FILE] [--subject NAME,...] [--plugin PATH.so ...] [--report PATH]
      [--shard i/N] [--threads N] [--seed S] [--strict-nan] [--max-examples K]
      [--no-known-deviations] [--strict-blocks] [--case-timeout S] [--check-timeout S] [--in-process]
                                  check subjects against the oracle; JSON report (exit 1 on
                                  any failure; a check failing only as a known deviation of
                                  kernels/known_deviations.cpp does not fail the run unless
                                  --no-known-deviations). Plugins and cuda_device run in
                                  supervised workers: a crash or a hang (--case-timeout, 60 s
                                  a batch; --check-timeout, 3600 s a check) is that check's
                                  error (docs/robustness.md); --in-process: no workers; a
                                  block the claimed reference has no rule for is counted as
                                  unjudged, and fails with --strict-blocks
  run --resume REPORT [--report PATH] [--threads N]
                                  run the checks an interrupted run (SIGINT/SIGTERM, exit
                                  128+N) left "interrupted" in REPORT, into the same report
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
  check DIR [--report PATH] [--subject-name NAME] [--strict-nan] [--strict-blocks] [--max-examples K]
            [--exec CMD [--check-timeout S] [--case-timeout S]]
                                  (--exec: first run sh -c CMD with DIR as $1, supervised; a
                                  failure is bisected to the one case it fails on)
                                  check DIR/out.bin (block directories: codes.bin, scales.bin,
                                  zero_points.bin) against the oracle; report (default
                                  DIR/report.json); exit 1 on any failure
  quantize --scheme NAME [--reference REF] [--blocksize N|row] [--cols N] [--scale-rule R]
           [--rounding MODE] [--double-quant] [--tensor-amax V] VALUE... | --input FILE
                                  block/code-table quantization (bnb FP4/NF4, LLM.int8, int4
                                  groups, OCP MX, NVFP4): packed codes, scales, dequantized
                                  values, max abs/RMS/SQNR error; 'quantize --list' lists schemes;
                                  'quantize --check SUBJECT|all [--blocks N] [--seed S]
                                  [--strict-blocks]' checks
                                  block quantizers against the ideal and faithful references
  dot --model NAME --in FMT --out FMT [--c-format FMT] --a CODES --b CODES --c CODE [--explain]
      [--promotion N] [--split-k S] [--rounding MODE] [--L N] [--F N] [--json]
      [--scale-format FMT --scale-block N --a-scales CODES --b-scales CODES]
                                  D = a.b + c under a tensor-core model (docs/mma.md); with no
                                  --a/--b/--c a filter: stdin lines 'a1 .. aK ; b1 .. bK ; c'
                                  (hex codes) in, one result code per line out (block-scaled
                                  rows: '; as1 .. ; bs1 ..' too); 'dot --list
                                  [--json]' lists the models and their parameters
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
       with --from (convert) or for eval: a code such as 0x4248 (hex, or 0b binary; on stdin
       hex only, 0x optional).
Exit status: 0 success, 1 a check failed (selfcheck, run) or a regression (report diff),
2 bad input.
)";

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
    if (cmd == "__worker") return worker_main(rest);  // started by run's supervisor (check/worker.hpp)
    if (cmd == "__dot-worker") return dot_worker_main(rest);  // a v2 plugin's dot batch (check/dot_worker.hpp)
    if (cmd == "dot") return cmd_dot(rest, std::cin, out);  // issue 14
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
