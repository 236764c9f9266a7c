#!/usr/bin/env python3
"""Checks a Python library's floating-point conversions and arithmetic against fpconform's oracle.

For every check the adapter plans: `fpconform cases` writes the cases, the adapter computes them
with the library, `fpconform check` compares the result codes with the exact oracle and writes a
report. A check comes out as the oracle says when it passes, or when it is one of the adapter's
KNOWN_DEVIATIONS and fails on exactly the predicted cases (same count in every mismatch class).
A check the library cannot run on this backend (the adapter raises Unsupported) is listed as
UNSUP and does not count as a failure.

    python3 examples/python/check_with_fpconform.py --adapter ml_dtypes --fpconform build/default/harness/fpconform

Exit status: 0 every check came out as the oracle says, 1 otherwise, 77 the adapter's library is
not installed here (the check is skipped, as CTest's SKIP_RETURN_CODE reads it), 2 bad usage.
"""

import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import package_adapters  # noqa: E402
from fpconform_files import Cases  # noqa: E402

ADAPTERS = ["jax", "ml_dtypes", "torch"]  # fpconform.adapters.<name>
Unsupported = package_adapters.unsupported()
CLASSES = ["tie_breaking", "rounding_direction", "overflow_saturation", "nan", "signed_zero", "subnormal_flush", "other"]
SKIPPED = 77


check_name = package_adapters.package().check_name  # 'convert_float32_to_bfloat16_boundary'


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def failures_by_class(report):
    counts = report["checks"][0]["counts"]["failed_by_class"]
    return {c: n for c, n in counts.items() if n}


def first_counterexample(report):
    return package_adapters.package().first_counterexample(report["checks"][0])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--adapter", required=True, choices=sorted(ADAPTERS))
    p.add_argument("--fpconform", default="fpconform", help="path of the fpconform binary")
    p.add_argument("--work", help="directory for the cases and reports (default: a temporary one, removed)")
    p.add_argument("--only", help="run only the checks whose name matches this regular expression")
    p.add_argument("--device", default=None, help="torch/jax: cpu or cuda (default: cuda when present, else cpu)")
    p.add_argument("--list", action="store_true", help="list the planned checks and exit")
    args = p.parse_args()

    adapter = package_adapters.load(args.adapter)
    why_not = adapter.unavailable()
    if why_not:
        print(f"{args.adapter}: skipped: {why_not}")
        return SKIPPED
    if hasattr(adapter, "select_device"):
        adapter.select_device(args.device)
    elif args.device not in (None, "cpu"):
        print(f"{args.adapter}: --device {args.device} is not available for this adapter", file=sys.stderr)
        return 2
    plan = [c for c in adapter.plan() if not args.only or re.search(args.only, check_name(c))]
    if args.list:
        for c in plan:
            print(check_name(c) + "    fpconform cases " + " ".join(c))
        return 0
    if not plan:
        print("no checks selected", file=sys.stderr)
        return 2
    if shutil.which(args.fpconform) is None and not pathlib.Path(args.fpconform).exists():
        print(f"fpconform binary not found: {args.fpconform}", file=sys.stderr)
        return 2

    work = pathlib.Path(args.work) if args.work else pathlib.Path(tempfile.mkdtemp(prefix="fpc-adapter-"))
    work.mkdir(parents=True, exist_ok=True)
    entry = adapter.version()
    print(f"{args.adapter}: {entry}; {len(plan)} checks; cases in {work}")
    passed = known = unexpected = unsupported = 0
    t0 = time.monotonic()
    try:
        for spec in plan:
            name = check_name(spec)
            d = work / name
            made = run([args.fpconform, "cases", *spec, "-o", str(d)])
            if made.returncode != 0:
                print(f"ERROR  {name}  fpconform cases: {made.stderr.strip()}")
                unexpected += 1
                continue
            cases = Cases(d)
            try:
                cases.write_output(adapter.compute(cases))
            except Unsupported as e:
                unsupported += 1
                print(f"UNSUP  {name}  {e}")
                continue
            except Exception as e:  # the library raised: reported, and the run goes on
                unexpected += 1
                print(f"ERROR  {name}  {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                continue
            checked = run([args.fpconform, "check", str(d), "--subject-name", args.adapter, "--entry", entry,
                           "--report", str(d / "report.json")])
            if checked.returncode not in (0, 1):
                print(f"ERROR  {name}  fpconform check: {checked.stderr.strip()}")
                unexpected += 1
                continue
            report = json.loads((d / "report.json").read_text())
            counts = report["checks"][0]["counts"]
            got = failures_by_class(report)
            tail = f"{counts['cases']} cases, {counts['implementation_defined']} impl-defined"
            deviation = next((dv for dv in getattr(adapter, "KNOWN_DEVIATIONS", []) if dv[0](cases.semantics)), None)
            if deviation is None:
                if checked.returncode == 0:
                    passed += 1
                    print(f"PASS   {name}  {tail}")
                else:
                    unexpected += 1
                    print(f"FAIL   {name}  {tail}, failed {got}; {first_counterexample(report)}")
                continue
            why, predict = deviation[1], deviation[2]
            predicted = {c: n for c, n in predict(cases).items() if n}
            if got == predicted:
                if got:
                    known += 1
                    print(f"KNOWN  {name}  {tail}, failed {got} as predicted: {why}")
                else:
                    passed += 1
                    print(f"PASS   {name}  {tail} (no case of the known deviation: {why})")
            else:
                unexpected += 1
                print(f"FAIL   {name}  {tail}, failed {got}, predicted {predicted} ({why}); {first_counterexample(report)}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.adapter}: {passed + known} as the oracle says ({passed} pass, {known} known deviations exactly as "
          f"predicted), {unexpected} unexpected, {unsupported} not supported by the library; {time.monotonic() - t0:.1f}s")
    print(f"{passed + known} passed, {unexpected} failed")
    return 0 if unexpected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
