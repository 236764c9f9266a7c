#!/usr/bin/env python3
"""The block file protocol end to end, with a quantizer written independently of fpconform.

Writes block cases for LLM.int8 row-wise absmax int8 (``llm_int8_row``, rows of 64 values, the
ideal reference), quantizes every block here in exact rational arithmetic (Python's
``fractions.Fraction``: q = round_half_even(x * 127 / absmax), absmax = max |x| as the float32
scale), writes codes.bin and scales.bin and has ``fpconform check`` compare them with the oracle:
they must pass. Then one code is planted wrong and the check must fail with exactly that value as
the difference. Exit 0 when both come out so, 1 otherwise, 77 without numpy (CTest: skipped).

    python3 examples/python/block_files_int8.py --fpconform build/default/harness/fpconform --work b
"""

import argparse
import json
import math
import pathlib
import subprocess
import sys
from fractions import Fraction

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not installed: skipped")
    sys.exit(77)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from fpconform_files import BlockCases, run_check  # noqa: E402


def quantize_row(values):
    """Ideal LLM.int8 of one row: int8 codes (two's complement bytes) and the float32 absmax bits."""
    xs = [float(v) for v in values]
    if not all(math.isfinite(x) for x in xs):
        return [0] * len(xs), 0  # the ideal reference has no rule for NaN/inf: any answer is unchecked
    absmax = max(abs(Fraction(x)) for x in xs)
    codes = [0 if absmax == 0 else round(Fraction(x) * 127 / absmax) & 0xFF for x in xs]  # round(): half to even
    scale_bits = int(np.float32(float(absmax)).view(np.uint32))  # absmax is a float32 value: exact
    return codes, scale_bits


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fpconform", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    d = pathlib.Path(args.work) / "int8_rows"
    subprocess.run([args.fpconform, "cases", "--scheme", "llm_int8_row", "--blocksize", "64", "--cases", "all:16",
                    "--seed", "11", "-o", str(d)], check=True)
    cases = BlockCases(d)
    codes = np.zeros((cases.block_count, cases.blocksize), dtype=np.uint8)
    scales = np.zeros(cases.block_count, dtype=np.uint32)
    for b in range(cases.block_count):
        codes[b], scales[b] = quantize_row(cases.values[b])
    cases.write_output(codes, scales)
    ok = run_check(args.fpconform, d, d / "pass.json") == 0
    if not ok:
        print("FAILED: the exact Python quantizer should match the ideal reference")

    # A planted wrong code in the first random block, value 5: that one value must be the difference.
    first_random = next(k["first"] for k in cases.block_kinds if k["kind"] == "random")
    codes[first_random, 5] = (int(codes[first_random, 5]) + 1) & 0xFF
    cases.write_output(codes, scales)
    if run_check(args.fpconform, d, d / "fail.json") != 1:
        print("FAILED: a planted wrong code should fail the check")
        ok = False
    else:
        claimed = json.loads((d / "fail.json").read_text())["block_checks"][0]["distances"][0]
        want = {"blocks_differing": 1, "values_differing": 1, "scales_differing": 0}
        got = {k: claimed[k] for k in want}
        where = f"block {first_random}: value[5]"
        if got != want or where not in claimed["first_difference"]:
            print(f"FAILED: expected {want} at {where}, got {got}: {claimed['first_difference']}")
            ok = False
    print("block file protocol: ok" if ok else "block file protocol: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
