#!/usr/bin/env python3
"""The dot file protocol end to end (docs/mma.md, "How to check a GEMM"), and numpy checked by it.

1. `fpconform cases --dot sequential_fp32 --in float16 --out float32 --k K --cases boundary` writes
   the dots; a plain float32 loop written here (d = c; d = float32(d + a_k * b_k), the products of
   float16 values being exact in float32, so each step is the fma of the sequential_fp32 model)
   writes d.bin, and `fpconform check` must pass it.
2. One bit of one answer is planted wrong: the check must fail, naming exactly that dot.
3. numpy: d[i] = np.dot(a[i], b[i]) + c[i] on float32 arrays (the BLAS sdot of this machine, then
   one float32 add), checked the same way over boundary and random dots. What fpconform says is
   printed as it is: numpy's BLAS claims no model, so the check's diagnosis is the finding (on
   OpenBLAS x86-64 it matches no model: sdot keeps several partial sums). Not asserted: it
   depends on the BLAS build.

Exit 0 when 1 and 2 come out so, 1 otherwise, 77 without numpy (CTest: skipped).

    python3 examples/python/dot_files_numpy.py --fpconform build/ci/harness/fpconform --work dots
"""

import argparse
import json
import pathlib
import subprocess
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover
    print("numpy is not installed: skipped")
    sys.exit(77)


def read_dots(d):
    """A, B (count x K float16 values as float32) and C (float32) of a dot cases directory."""
    side = json.loads((d / "cases.json").read_text())
    assert side["kind"] == "dot" and side["a"]["format"] == "float16" and side["c"]["format"] == "float32"
    k, n = side["K"], side["cases"]["count"]
    a = np.fromfile(d / side["a"]["file"], dtype="<u2").view(np.float16).reshape(n, k).astype(np.float32)
    b = np.fromfile(d / side["b"]["file"], dtype="<u2").view(np.float16).reshape(n, k).astype(np.float32)
    c = np.fromfile(d / side["c"]["file"], dtype="<u4").view(np.float32)
    return a, b, c, d / side["d"]["file"]


def loop(a, b, c):
    out = np.empty_like(c)
    with np.errstate(all="ignore"):
        for i in range(len(c)):
            acc = np.float32(c[i])
            for x, y in zip(a[i], b[i]):
                acc = np.float32(acc + np.float32(x * y))
            out[i] = acc
    return out


def numpy_dot(a, b, c):
    with np.errstate(all="ignore"):
        return np.array([np.float32(np.dot(a[i], b[i])) + c[i] for i in range(len(c))], dtype=np.float32)


def cases(fpc, d, label, k):
    subprocess.run([fpc, "cases", "--dot", "sequential_fp32", "--in", "float16", "--out", "float32", "--k", str(k),
                    "--cases", label, "-o", str(d)], check=True, capture_output=True)


def check(fpc, d, name):
    run = subprocess.run([fpc, "check", str(d), "--subject-name", name, "--report", str(d / "report.json")],
                         text=True, capture_output=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    return run.returncode, json.loads((d / "report.json").read_text()) if run.returncode in (0, 1) else None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fpconform", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--k", type=int, default=16)
    args = p.parse_args()
    work = pathlib.Path(args.work)
    ok = True

    d = work / "loop"
    cases(args.fpconform, d, "boundary", args.k)
    a, b, c, d_path = read_dots(d)
    answers = loop(a, b, c)
    answers.view(np.uint32).astype("<u4").tofile(d_path)
    rc, _ = check(args.fpconform, d, "python_float32_loop")
    if rc != 0:
        print("FAILED: the plain float32 loop must pass sequential_fp32")
        ok = False

    planted = answers.view(np.uint32).copy()
    victim = len(planted) // 2
    planted[victim] ^= 1
    planted.astype("<u4").tofile(d_path)
    rc, report = check(args.fpconform, d, "python_float32_loop_planted")
    dc = report["dot_checks"][0] if report else {}
    if rc != 1 or dc.get("counts", {}).get("failed") != 1 or dc["mismatches"][0]["index"] != victim:
        print(f"FAILED: the planted bit (dot {victim}) must fail the check as the one differing dot")
        ok = False

    for label in ("boundary", "random:512"):
        d = work / ("numpy_" + label.replace(":", "_"))
        cases(args.fpconform, d, label, args.k)
        a, b, c, d_path = read_dots(d)
        numpy_dot(a, b, c).view(np.uint32).astype("<u4").tofile(d_path)
        rc, report = check(args.fpconform, d, "numpy_dot")
        print(f"numpy {np.__version__} np.dot + c over {label} dots: fpconform check exit {rc}")

    print("dot file protocol: " + ("ok" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
