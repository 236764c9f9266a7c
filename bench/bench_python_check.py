#!/usr/bin/env python3
"""Cost of an in-process check against calling the function alone on the same arrays
(docs/performance.md, "Python checks"). Needs the fpconform package and ml_dtypes.

    python3 bench/bench_python_check.py                          # all 2^32 float32 inputs
    python3 bench/bench_python_check.py --shard 0/64             # 1/64 of the sweep (2^26 inputs)
    python3 bench/bench_python_check.py --function truncate      # a planted bug (half the cases fail)
    python3 bench/bench_python_check.py --function torch         # torch's Tensor.to(bfloat16) on the CPU

One run of fpconform.check_convert(fn, src="float32", dst="bfloat16", cases=...): the function is
wrapped so that the time spent inside it (wall and process CPU; the checker's threads are idle
while it runs) is the baseline, "calling the function on the same arrays", and the whole check
(case generation, the calls, the reference, the comparison, the report) is the total. Both come
from the same process at the same time, so machine load affects them alike.
Prints both and check / function; the target is <= 1.5.
"""

import argparse
import time

import ml_dtypes
import numpy as np

import fpconform


def truncate(x):
    r = (x.view(np.uint32) >> 16).astype(np.uint16)
    r[np.isnan(x)] |= 0x40
    return r.view(ml_dtypes.bfloat16)


def torch_to(x):
    import torch  # only for this function: torch is not a dependency of the bench

    return torch.from_numpy(x).to(torch.bfloat16)  # the checker takes the tensor's codes


FUNCTIONS = {
    "astype": lambda x: x.astype(ml_dtypes.bfloat16),  # ml_dtypes' own cast: correct
    "torch": torch_to,                                  # torch's CPU cast (needs torch): correct
    "truncate": truncate,                               # planted bug: fails, diagnosed as rtz
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--function", choices=sorted(FUNCTIONS), default="astype")
    p.add_argument("--cases", default="exhaustive")
    p.add_argument("--batch", type=int, default=fpconform.check.DEFAULT_BATCH)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--shard", default="0/1", help="i/N: the i-th of N slices of the cases")
    a = p.parse_args()
    fn = FUNCTIONS[a.function]
    inside = {"wall": 0.0, "cpu": 0.0, "calls": 0}

    def timed(x):
        w, c = time.perf_counter(), time.process_time()
        y = fn(x)
        inside["wall"] += time.perf_counter() - w
        inside["cpu"] += time.process_time() - c
        inside["calls"] += 1
        return y

    w, c = time.perf_counter(), time.process_time()
    shard = tuple(int(v) for v in a.shard.split("/"))
    report = fpconform.check_convert(timed, src="float32", dst="bfloat16", cases=a.cases, batch_size=a.batch,
                                     threads=a.threads, shard=shard)
    total_wall, total_cpu = time.perf_counter() - w, time.process_time() - c
    print(report.status_lines()[0])
    print(f"function ({inside['calls']} calls of <= {a.batch} cases): {inside['wall']:.2f} s wall, {inside['cpu']:.2f} s CPU")
    print(f"check, all included: {total_wall:.2f} s wall, {total_cpu:.2f} s CPU")
    print(f"check / function: {total_wall / inside['wall']:.2f} wall, {total_cpu / inside['cpu']:.2f} CPU (target <= 1.5)")


if __name__ == "__main__":
    main()
