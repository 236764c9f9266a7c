#!/usr/bin/env python3
"""Cost of an in-process check against calling the function alone on the same arrays
(docs/performance.md, "Python checks"). Needs the fpconform package and ml_dtypes.

    python3 bench/bench_python_check.py                          # all 2^32 float32 inputs
    python3 bench/bench_python_check.py --shard 0/64             # 1/64 of the sweep (2^26 inputs)
    python3 bench/bench_python_check.py --function truncate      # a planted bug (half the cases fail)
    python3 bench/bench_python_check.py --function torch         # torch's Tensor.to(bfloat16) on the CPU

One run of fpconform.check_convert(fn, src="float32", dst="bfloat16", cases=...): the whole check
(case generation, the calls, the reference, the comparison, the report) is the total. The
baseline, "calling the function on the same arrays", is then measured alone in the same process:
fn called on the same batches of inputs (exhaustive cases only), nothing else running, so its
process CPU time is the function's own (where the checker runs on threads beside fn, the time
spent inside the wrapped fn, printed too, includes their work). Check and baseline alternate for
--repeat rounds and the least time of each counts. Prints check / function; the target is <= 1.5.
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
    p.add_argument("--repeat", type=int, default=3, help="rounds of check and baseline; the least time of each counts")
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

    shard = tuple(int(v) for v in a.shard.split("/"))
    first, end = (1 << 32) * shard[0] // shard[1], (1 << 32) * (shard[0] + 1) // shard[1]

    def whole_check():
        return fpconform.check_convert(timed, src="float32", dst="bfloat16", cases=a.cases, batch_size=a.batch,
                                       threads=a.threads, shard=shard)

    # The baseline: fn alone on the same batches (the inputs of cases i .. i + batch - 1 are the
    # float32 codes i .. i + batch - 1), timed call by call as inside the check.
    def alone():
        wall = cpu = 0.0
        for begin in range(first, end, a.batch):
            x = np.arange(begin, min(end, begin + a.batch), dtype=np.uint32).view(np.float32)
            w, c = time.perf_counter(), time.process_time()
            fn(x)
            wall += time.perf_counter() - w
            cpu += time.process_time() - c
        return wall, cpu

    # Check and baseline alternate; the least time of each over the rounds is reported (on a
    # shared machine the other processes only ever add time).
    best = {"check": [float("inf")] * 2, "alone": [float("inf")] * 2}
    for _ in range(a.repeat):
        w, c = time.perf_counter(), time.process_time()
        report = whole_check()
        best["check"] = [min(best["check"][0], time.perf_counter() - w), min(best["check"][1], time.process_time() - c)]
        if a.cases == "exhaustive":
            aw, ac = alone()
            best["alone"] = [min(best["alone"][0], aw), min(best["alone"][1], ac)]
    total_wall, total_cpu = best["check"]
    print(report.status_lines()[0])
    print(f"function inside the check ({inside['calls']} calls of <= {a.batch} cases, {a.repeat} rounds): "
          f"{inside['wall']:.2f} s wall, {inside['cpu']:.2f} s CPU (with the checker's threads)")
    print(f"check, all included (least of {a.repeat}): {total_wall:.2f} s wall, {total_cpu:.2f} s CPU")
    if a.cases != "exhaustive":
        print(f"check / function (the calls inside the check): {a.repeat * total_wall / inside['wall']:.2f} wall, "
              f"{a.repeat * total_cpu / inside['cpu']:.2f} CPU (target <= 1.5)")
        return
    print(f"function alone on the same arrays (least of {a.repeat}): {best['alone'][0]:.2f} s wall, {best['alone'][1]:.2f} s CPU")
    print(f"check / function alone: {total_wall / best['alone'][0]:.2f} wall, {total_cpu / best['alone'][1]:.2f} CPU "
          "(target <= 1.5)")

if __name__ == "__main__":
    main()
