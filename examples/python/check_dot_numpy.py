#!/usr/bin/env python3
"""Diagnose numpy's float32 dot product with `fpconform dot --diagnose` (docs/mma.md).

Draws seeded FP16 vectors (exact in float32), lets numpy compute c + a.b in float32 (np.dot on
float32 arrays, i.e. the BLAS sdot of this machine, then one float32 add of c), writes the
recorded lines `a1 .. aK ; b1 .. bK ; c ; d` and asks fpconform which model reproduces them all.

    python3 examples/python/check_dot_numpy.py --fpconform build/ci/harness/fpconform [--k 16] [--rows 500]

Exit status: fpconform's (0: some model reproduces every row, 1: none does, 2: bad input); 77
when numpy is missing.
"""
import argparse
import subprocess
import sys

try:
    import numpy as np
except ImportError:
    print("skip: numpy is not importable", file=sys.stderr)
    sys.exit(77)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fpconform", required=True)
    p.add_argument("--k", type=int, default=16)
    p.add_argument("--rows", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    lines = []
    for _ in range(args.rows):
        a = rng.standard_normal(args.k).astype(np.float16)
        b = rng.standard_normal(args.k).astype(np.float16)
        c = np.float32(rng.standard_normal())
        d = np.float32(np.dot(a.astype(np.float32), b.astype(np.float32))) + c  # float32 add
        hexes = lambda v: " ".join(f"{x:04x}" for x in v.view(np.uint16))
        lines.append(f"{hexes(a)} ; {hexes(b)} ; {np.float32(c).view(np.uint32):08x} ; "
                     f"{np.float32(d).view(np.uint32):08x}")
    run = subprocess.run([args.fpconform, "dot", "--diagnose", "--in", "float16", "--out", "float32"],
                         input="\n".join(lines) + "\n", text=True, capture_output=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
