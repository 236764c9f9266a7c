"""bitsandbytes blockwise FP4/NF4 under the block file protocol (check_blocks_with_fpconform.py).

Runs `bitsandbytes.functional.quantize_4bit(x, blocksize=N, quant_type="fp4"|"nf4")` on the
values of a block cases directory and writes one element code per value (codes.bin) and each
block's absmax as float32 bits (scales.bin).

Which algorithm that is depends on the device (bitsandbytes 0.50: `torch.ops.bitsandbytes.
quantize_4bit` dispatches by device): on the CPU the "default" backend (backends/default/ops.py,
PyTorch tensor ops: reciprocal multiply, clamp, torch.bucketize over the float32 midpoints of the
sorted table) — fpconform's `cpu` reference; on CUDA the kQuantizeBlockwise kernel — the `cuda`
reference. The adapter claims the one of the device it runs on.

bitsandbytes packs two codes a byte; which nibble holds the first element is checked against the
library at start-up (quantize_fp4 of a block starting 1, -1 must give the byte 0x3B: FP4 code 3
is +1, code 11 is -1, the first element in the high nibble), not assumed.
"""

import numpy as np

from ._torch_device import choose_torch_device

NAME = "bitsandbytes"

try:
    import torch
except ImportError:
    torch = None
try:
    import bitsandbytes
    import bitsandbytes.functional as bnbf
except Exception as e:  # ImportError, or a broken native library
    bitsandbytes = None
    _import_error = f"{type(e).__name__}: {e}"

_device = "cpu"
_QUANT_TYPE = {"bnb_fp4": "fp4", "bnb_nf4": "nf4"}
# bitsandbytes quantize_4bit accepts these block sizes (functional.py); the oracle the same.
BLOCKSIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096)


def unavailable():
    if torch is None:
        return "torch is not installed"
    if bitsandbytes is None:
        return f"bitsandbytes cannot be imported ({_import_error})"
    return None


def select_device(device):
    global _device
    _device = choose_torch_device(torch, "bitsandbytes", device)


def reference():
    """The fpconform reference of the algorithm bitsandbytes runs on the selected device."""
    return "cuda" if _device == "cuda" else "cpu"


def version():
    where = "cpu (default backend)" if _device == "cpu" else f"cuda ({torch.cuda.get_device_name()})"
    return f"bitsandbytes {bitsandbytes.__version__} (torch {torch.__version__}) on {where}"


def plan(quick=False):
    """`fpconform cases` arguments: both schemes at every block size bnb accepts, adversarial and
    random blocks; 64 and 4096 (the default and the largest) with more random blocks."""
    checks = []
    for scheme in ("bnb_fp4", "bnb_nf4"):
        for bs in BLOCKSIZES:
            if quick and bs not in (64, 4096):
                continue
            random = 64 if bs in (64, 4096) else 8
            checks.append(["--scheme", scheme, "--reference", reference(), "--blocksize", str(bs),
                           "--cases", f"all:{random}"])
    return checks


def unpack_high_first(packed, count):
    """Two 4-bit codes a byte, the first in the high nibble -> one code per value."""
    codes = np.empty(packed.size * 2, dtype=np.uint8)
    codes[0::2] = packed >> 4
    codes[1::2] = packed & 0x0F
    return codes[:count]


def _quantize(x, blocksize, quant_type):
    packed, state = bnbf.quantize_4bit(x.to(_device), blocksize=blocksize, quant_type=quant_type)
    packed = packed.reshape(-1).cpu().numpy().view(np.uint8)
    absmax = state.absmax.reshape(-1).to(torch.float32).cpu().numpy()
    return packed, absmax


def check_nibble_order():
    """Raises unless the library puts the first element in the high nibble (see the docstring)."""
    x = torch.zeros(64, dtype=torch.float32)
    x[0], x[1] = 1.0, -1.0
    packed, _ = _quantize(x, 64, "fp4")
    if packed[0] != 0x3B:
        raise RuntimeError(f"bitsandbytes packed FP4 codes (3, 11) as 0x{packed[0]:02x}, expected 0x3b "
                           "(first element in the high nibble): the adapter's unpacking is wrong for this version")


def compute(cases):
    """(element codes, scale codes) of a BlockCases directory."""
    if cases.scheme not in _QUANT_TYPE:
        raise ValueError(f"bitsandbytes has no scheme {cases.scheme}")
    # All blocks as one tensor: bitsandbytes quantizes each run of blocksize values on its own.
    x = torch.from_numpy(cases.values.reshape(-1).copy())
    packed, absmax = _quantize(x, cases.blocksize, _QUANT_TYPE[cases.scheme])
    if absmax.size != cases.block_count:
        raise RuntimeError(f"bitsandbytes returned {absmax.size} absmax values for {cases.block_count} blocks")
    return unpack_high_first(packed, x.numel()), absmax.view(np.uint32)
