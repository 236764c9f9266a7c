"""PyTorch under the file protocol: Tensor.to(dtype) casts and elementwise arithmetic, on the CPU or
a CUDA device.

Semantics claimed: casts round to nearest, ties to even, without saturation (float8_e4m3fn and
the fnuz types give NaN on overflow, float8_e5m2 gives inf); float16/bfloat16 arithmetic is one
correctly rounded result (PyTorch computes it in float32 and rounds once). Tensors travel as
integer codes reinterpreted with Tensor.view(dtype), never through host floats.
"""

import numpy as np

from ._torch_device import choose_torch_device

NAME = "torch"

try:
    import torch
except ImportError:  # the driver reports the adapter as unavailable
    torch = None

_device = "cpu"

WIDE = ["float32", "float64"]
ARITHMETIC = {"add": "add", "sub": "sub", "mul": "mul", "div": "div"}
# fpconform format name -> (torch dtype attribute, bits)
_FORMATS = {
    "float64": ("float64", 64), "float32": ("float32", 32), "float16": ("float16", 16), "bfloat16": ("bfloat16", 16),
    "float8_e4m3fn": ("float8_e4m3fn", 8), "float8_e5m2": ("float8_e5m2", 8), "float8_e4m3fnuz": ("float8_e4m3fnuz", 8),
    "float8_e5m2fnuz": ("float8_e5m2fnuz", 8), "float8_e8m0fnu": ("float8_e8m0fnu", 8),
}
# bits -> (numpy unsigned code type, numpy and torch integer type of the same width that torch views)
_STORAGE = {8: (np.uint8, np.uint8, "uint8"), 16: (np.uint16, np.int16, "int16"),
            32: (np.uint32, np.int32, "int32"), 64: (np.uint64, np.int64, "int64")}


def unavailable():
    if torch is None:
        return "torch is not installed"
    return None


def select_device(device):
    global _device
    _device = choose_torch_device(torch, "torch", device)


def version():
    where = _device if _device == "cpu" else f"cuda ({torch.cuda.get_device_name()})"
    return f"torch {torch.__version__} on {where}"


def _formats():
    """The narrow formats this torch build has (float8_e8m0fnu only in recent releases)."""
    return [f for f in _FORMATS if f not in WIDE and hasattr(torch, _FORMATS[f][0])]


def plan():
    checks = []
    for fmt in _formats():
        for wide in WIDE:
            checks.append(["--op", "convert", "--from", wide, "--to", fmt, "--cases", "boundary"])
        checks.append(["--op", "convert", "--from", fmt, "--to", "float32", "--cases", "exhaustive"])
    for fmt in ["float16", "bfloat16"]:
        for op in ARITHMETIC:
            checks.append(["--op", op, "--from", fmt, "--to", fmt, "--cases", "boundary"])
        checks.append(["--op", "sqrt", "--from", fmt, "--to", fmt, "--cases", "exhaustive"])
    return checks


def _tensor(codes, fmt):
    name, bits = _FORMATS[fmt]
    unsigned, signed, _ = _STORAGE[bits]
    return torch.from_numpy(codes.astype(unsigned).view(signed)).to(_device).view(getattr(torch, name))


def _codes(t, fmt):
    unsigned, _, storage = _STORAGE[_FORMATS[fmt][1]]
    return t.contiguous().view(getattr(torch, storage)).cpu().numpy().view(unsigned)


def compute(cases):
    s = cases.semantics
    x = [_tensor(c, s["in"]) for c in cases.inputs]
    if s["op"] == "convert":
        y = x[0].to(getattr(torch, _FORMATS[s["out"]][0]))
    elif s["op"] in ARITHMETIC:
        y = getattr(torch, ARITHMETIC[s["op"]])(x[0], x[1])
    elif s["op"] == "sqrt":
        y = torch.sqrt(x[0])
    else:
        raise ValueError(f"torch adapter has no {s['op']}")
    if _device == "cuda":
        torch.cuda.synchronize()
    return _codes(y, s["out"])


KNOWN_DEVIATIONS = []
