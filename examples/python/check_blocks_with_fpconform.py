#!/usr/bin/env python3
"""Checks a Python library's block quantizer (bitsandbytes FP4/NF4, torchao MX and NVFP4) against fpconform.

For every check the adapter plans: `fpconform cases --scheme ...` writes adversarial and random
blocks, the adapter quantizes them with the library and writes codes.bin and scales.bin,
`fpconform check` compares every block bit for bit with the reference the adapter claims (the
algorithm the library runs on this device) and reports the distance to every other reference.

    python3 examples/python/check_blocks_with_fpconform.py --adapter bitsandbytes --fpconform build/default/harness/fpconform

Exit status: 0 every check passed, 1 otherwise, 77 the adapter's library is not installed here
(the check is skipped, as CTest's SKIP_RETURN_CODE reads it), 2 bad usage.
"""

import argparse
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

ADAPTERS = ["bitsandbytes", "torchao", "torchao_nvfp4"]  # fpconform.adapters.<name>
SKIPPED = 77


def check_name(spec):
    """'bnb_fp4_cpu_bs64_all64' from the `fpconform cases` arguments."""
    a = dict(zip(spec[::2], spec[1::2]))
    parts = [a["--scheme"], a.get("--reference", "ideal")]
    if "--scale-rule" in a:
        parts.append(a["--scale-rule"])
    if "--blocksize" in a:
        parts.append("bs" + a["--blocksize"])
    if "--tensor-amax" in a:
        parts.append("amax" + a["--tensor-amax"])
    parts.append(a["--cases"].replace(":", ""))
    return "_".join(parts)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--adapter", required=True, choices=sorted(ADAPTERS))
    p.add_argument("--fpconform", default="fpconform", help="path of the fpconform binary")
    p.add_argument("--work", help="directory for the cases and reports (default: a temporary one, removed)")
    p.add_argument("--only", help="run only the checks whose name matches this regular expression")
    p.add_argument("--device", default=None, help="cpu or cuda (default: cuda when present, else cpu)")
    p.add_argument("--quick", action="store_true", help="a smaller plan (what CTest runs)")
    p.add_argument("--list", action="store_true", help="list the planned checks and exit")
    args = p.parse_args()

    adapter = package_adapters.load(args.adapter)
    why_not = adapter.unavailable()
    if why_not:
        print(f"{args.adapter}: skipped: {why_not}")
        return SKIPPED
    adapter.select_device(args.device)
    from fpconform_files import BlockCases  # numpy: after the skip, which needs only the standard library
    plan = [c for c in adapter.plan(quick=args.quick) if not args.only or re.search(args.only, check_name(c))]
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
    # The adapter's reading of the library's packed layout, verified before any check relies on it.
    layout_check = getattr(adapter, "check_nibble_order", None) or getattr(adapter, "check_layouts", None)
    try:
        layout_check()
    except RuntimeError as e:
        print(f"{args.adapter}: {e}")
        return 1

    work = pathlib.Path(args.work) if args.work else pathlib.Path(tempfile.mkdtemp(prefix="fpc-blocks-"))
    work.mkdir(parents=True, exist_ok=True)
    entry = adapter.version()
    print(f"{args.adapter}: {entry}; {len(plan)} checks; cases in {work}")
    passed = failed = 0
    t0 = time.monotonic()
    try:
        for spec in plan:
            name = check_name(spec)
            d = work / name
            made = run([args.fpconform, "cases", *spec, "-o", str(d)])
            if made.returncode != 0:
                print(f"ERROR  {name}  fpconform cases: {made.stderr.strip()}")
                failed += 1
                continue
            try:
                cases = BlockCases(d)
                cases.write_output(*adapter.compute(cases))
            except Exception as e:  # the library raised: reported, and the run goes on
                failed += 1
                print(f"ERROR  {name}  {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
                continue
            checked = run([args.fpconform, "check", str(d), "--subject-name", args.adapter, "--entry", entry,
                           "--report", str(d / "report.json")])
            if checked.returncode not in (0, 1):
                print(f"ERROR  {name}  fpconform check: {checked.stderr.strip()}")
                failed += 1
                continue
            lines = [ln for ln in checked.stdout.splitlines() if not ln.startswith("fpconform check:")]
            print(f"{name}:\n" + "\n".join("  " + ln for ln in lines))
            if checked.returncode == 0:
                passed += 1
            else:
                failed += 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{args.adapter}: {passed} checks agree bit for bit with the claimed reference, {failed} do not; "
          f"{time.monotonic() - t0:.1f}s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
