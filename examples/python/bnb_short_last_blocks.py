#!/usr/bin/env python3
"""Checks fpconform's `cpu` bitsandbytes reference on what the block protocol cannot reach: inputs
whose last block is shorter than the block size (bitsandbytes computes that `rem` tail apart,
with a division and a whole-tensor max), with NaN and ±inf among the values.

For N seeded random inputs (block sizes 32…256, one to three blocks plus a tail — odd and even
lengths, so the padding nibble of an odd count is compared too — some NaN/±inf,
every third input ending in NaN), runs bitsandbytes `quantize_4bit` on the CPU and
`fpconform quantize --scheme bnb_fp4|bnb_nf4 --reference cpu --blocksize B --json`, and compares
every element code and every absmax bit pattern.

    python3 examples/python/bnb_short_last_blocks.py --fpconform build/default/harness/fpconform

Exit status: 0 all agree, 1 some differ (each printed), 77 torch or bitsandbytes is not installed,
2 bad usage.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

SKIPPED = 77


def value_text(v):
    """A float32 as fpconform reads it exactly."""
    import numpy as np
    if np.isnan(v):
        return "-nan" if np.signbit(v) else "nan"
    if np.isinf(v):
        return "-inf" if v < 0 else "inf"
    return float(v).hex()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fpconform", default="fpconform", help="path of the fpconform binary")
    p.add_argument("--inputs", type=int, default=300, help="how many random inputs (default 300)")
    p.add_argument("--seed", type=int, default=5)
    args = p.parse_args()
    try:
        import numpy as np
        import torch
        import bitsandbytes.functional as bnbf
    except Exception as e:  # ImportError, or a broken native library
        print(f"bitsandbytes: skipped: {type(e).__name__}: {e}")
        return SKIPPED

    rng = np.random.default_rng(args.seed)
    agree = differ = 0
    for trial in range(args.inputs):
        bs = int(rng.choice([32, 64, 128, 256]))
        n = bs * int(rng.integers(0, 3)) + int(rng.integers(1, bs))
        x = (rng.standard_normal(n) * np.exp2(rng.integers(-6, 6, n))).astype(np.float32)
        for _ in range(int(rng.integers(0, 4))):
            x[rng.integers(0, n)] = rng.choice([np.nan, -np.nan, np.inf, -np.inf])
        if trial % 3 == 0:
            x[-1] = np.nan
        quant_type = "fp4" if trial % 2 else "nf4"

        packed, state = bnbf.quantize_4bit(torch.from_numpy(x.copy()), blocksize=bs, quant_type=quant_type)
        packed = packed.reshape(-1).numpy().view(np.uint8)
        codes = np.empty(packed.size * 2, np.uint8)
        codes[0::2], codes[1::2] = packed >> 4, packed & 0x0F  # the first element in the high nibble
        # The packed bytes as stored: an odd n leaves a padding nibble, which is compared too.
        library = ([int(c) for c in codes[:n]], [int(v) for v in state.absmax.numpy().view(np.uint32)],
                   [int(b) for b in packed])

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(value_text(v) for v in x))
        try:
            out = subprocess.run([args.fpconform, "quantize", "--scheme", "bnb_" + quant_type, "--reference", "cpu",
                                  "--blocksize", str(bs), "--input", f.name, "--json"], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        if out.returncode != 0:
            print(f"fpconform quantize: {out.stderr.strip()}", file=sys.stderr)
            return 2
        j = json.loads(out.stdout)
        oracle = ([int(v["code"], 16) for v in j["values"]], [int(b["scale_code"], 16) for b in j["blocks"]],
                  [int(b, 16) for b in j["packed"].split()])
        if oracle == library:
            agree += 1
            continue
        differ += 1
        print(f"differ: bnb_{quant_type} blocksize {bs}, {n} values: absmax bits "
              f"{[hex(v) for v in library[1]]} (bitsandbytes) vs {[hex(v) for v in oracle[1]]} (cpu reference); codes "
              f"differ at {[i for i in range(n) if library[0][i] != oracle[0][i]][:8]}; packed bytes "
              f"{'equal' if library[2] == oracle[2] else f'differ (last: {library[2][-1]:#04x} vs {oracle[2][-1]:#04x})'}")
    print(f"bitsandbytes (torch {torch.__version__}): {agree} inputs with a short last block agree with the cpu "
          f"reference bit for bit, {differ} differ")
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
