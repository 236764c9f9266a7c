#!/usr/bin/env python3
"""The block file protocol with zero points, with a quantizer written independently of fpconform.

Writes block cases for GPTQ-style asymmetric 4-bit groups (``uint4_group``, groups of 32, the
ideal reference), quantizes every group here in exact rational arithmetic (``fractions.Fraction``,
the formulas of docs/quantization.md: xmin = min(min x, 0), xmax = max(max x, 0), both zero ->
[-1, 1]; scale = (xmax - xmin) / 15; zero = round_half_even(-xmin / scale); q = clamp(
round_half_even(x / scale) + zero, 0, 15)), writes codes.bin, scales.bin (the exact scale rounded
to float32, nearest even) and zero_points.bin through ``write_block_cases_answer``, and has
``fpconform check`` compare them with the oracle: they must pass. Then one group's zero point is
planted off by one with its codes and scale unchanged, and the check must fail with exactly one
zero point differing. Exit 0 when both come out so, 1 otherwise, 77 without numpy (CTest: skipped).

    python3 examples/python/block_files_int4.py --fpconform build/default/harness/fpconform --work b
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
from fpconform_files import BlockCases, run_check, write_block_cases_answer  # noqa: E402


def float32_bits(x):
    """The bits of the float32 nearest to the positive Fraction x (ties to even), computed on the
    rational itself (float(x) would round twice: to float64, then to float32). Below 2^-126 the
    quantum is 2^-149 (subnormals); the encoding then runs on into the normals unchanged."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    e = max(e, -126)
    m = x / Fraction(2) ** (e - 23)  # in [2^23, 2^24) for normals, below 2^23 for subnormals
    q, r = divmod(m.numerator, m.denominator)
    if 2 * r > m.denominator or (2 * r == m.denominator and q % 2 == 1):
        q += 1
    assert e <= 127 and not (e == 127 and q == 2**24), "the scales of these groups are finite"
    return ((e + 126) << 23) + q  # e = -126: q < 2^23 is a subnormal, q = 2^23 the smallest normal


def quantize_group(values):
    """Ideal uint4 group: codes, the scale's float32 bits and the zero point."""
    xs = [float(v) for v in values]
    if not all(math.isfinite(x) for x in xs):
        return [0] * len(xs), 0, 0  # the ideal reference has no rule for NaN/inf: unchecked
    fs = [Fraction(x) for x in xs]
    xmin, xmax = min(min(fs), Fraction(0)), max(max(fs), Fraction(0))
    if xmin == 0 and xmax == 0:
        xmin, xmax = Fraction(-1), Fraction(1)
    scale = (xmax - xmin) / 15
    zero = round(-xmin / scale)  # round(): half to even
    codes = [min(max(round(f / scale) + zero, 0), 15) for f in fs]
    return codes, float32_bits(scale), zero


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fpconform", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    d = pathlib.Path(args.work) / "int4_groups"
    subprocess.run([args.fpconform, "cases", "--scheme", "uint4_group", "--blocksize", "32", "--cases", "all:16",
                    "--seed", "5", "-o", str(d)], check=True)
    cases = write_block_cases_answer(d, quantize_group)
    ok = run_check(args.fpconform, d, d / "pass.json") == 0
    if not ok:
        print("FAILED: the exact Python quantizer should match the ideal reference")

    # The first random group's zero point off by one, its codes and scale unchanged.
    first_random = next(k["first"] for k in cases.block_kinds if k["kind"] == "random")
    zero_points = np.fromfile(d / cases.sidecar["zero_points"]["file"], dtype="<i4").astype(np.int64)
    zero_points[first_random] += 1
    codes = np.fromfile(d / cases.sidecar["codes"]["file"], dtype=np.uint8)
    scales = np.fromfile(d / cases.sidecar["scales"]["file"], dtype="<u4")
    cases.write_output(codes, scales, zero_points)
    if run_check(args.fpconform, d, d / "fail.json") != 1:
        print("FAILED: a planted wrong zero point should fail the check")
        ok = False
    else:
        claimed = json.loads((d / "fail.json").read_text())["block_checks"][0]["distances"][0]
        want = {"blocks_differing": 1, "values_differing": 0, "scales_differing": 0, "zero_points_differing": 1}
        got = {k: claimed.get(k) for k in want}
        if got != want or f"block {first_random}" not in claimed["first_difference"]:
            print(f"FAILED: expected {want} in block {first_random}, got {got}: {claimed['first_difference']}")
            ok = False
    print("block file protocol with zero points: ok" if ok else "block file protocol with zero points: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
