#!/usr/bin/env python3
"""Cost of an in-process exhaustive check against calling the function alone (docs/performance.md,
"Python checks"). Needs the fpconform package and ml_dtypes.

    python3 bench/bench_python_check.py [--function astype|truncate] [--batch 4194304] [--threads N]

Baseline: the function called on every float32 input, in the same batches as the check, timed
around the calls only (the input arrays are made outside the timer). Check:
fpconform.check_convert(fn, src="float32", dst="bfloat16", cases="exhaustive") on all 2^32 inputs,
everything included (case generation, the calls, the reference, the comparison, the report).
Prints wall and process CPU time of both and their ratios; the target is check <= 1.5 x baseline.
"""

import argparse
import time

import ml_dtypes
import numpy as np

import fpconform

FUNCTIONS = {
    # ml_dtypes' own cast: correct, so the check passes and keeps no counterexamples.
    "astype": lambda x: x.astype(ml_dtypes.bfloat16),
    # a planted truncation bug (NaNs kept quiet): fails on half the inputs, diagnosed as rtz.
    "truncate": lambda x: ((x.view(np.uint32) >> 16).astype(np.uint16) | np.where(np.isnan(x), 0x40, 0).astype(np.uint16)).view(ml_dtypes.bfloat16),
}


def baseline(fn, batch):
    wall = cpu = 0.0
    for begin in range(0, 1 << 32, batch):
        x = np.arange(begin, begin + batch, dtype=np.uint64).astype(np.uint32).view(np.float32)
        w, c = time.perf_counter(), time.process_time()
        with np.errstate(all="ignore"):
            fn(x)
        wall += time.perf_counter() - w
        cpu += time.process_time() - c
    return wall, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--function", choices=sorted(FUNCTIONS), default="astype")
    p.add_argument("--batch", type=int, default=fpconform.check.DEFAULT_BATCH)
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args()
    fn = FUNCTIONS[a.function]
    bw, bc = baseline(fn, a.batch)
    w, c = time.perf_counter(), time.process_time()
    report = fpconform.check_convert(fn, src="float32", dst="bfloat16", cases="exhaustive", batch_size=a.batch,
                                     threads=a.threads)
    cw, cc = time.perf_counter() - w, time.process_time() - c
    print(report.status_lines()[0])
    print(f"function only: {bw:.2f} s wall, {bc:.2f} s CPU")
    print(f"check:         {cw:.2f} s wall, {cc:.2f} s CPU")
    print(f"check / function: {cw / bw:.2f} wall, {cc / bc:.2f} CPU (target <= 1.5)")


if __name__ == "__main__":
    main()
