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


def _e8m0_model(f32_bits):
    """E8M0 codes as torch's CPU cast makes them from float32 bits (c10's
    fp8e8m0fnu_from_fp32_value, torch/headeronly/util/Float8_e8m0fnu.h): the exponent field, plus
    one when the bits below it exceed half of 2^e (guard bit 22 and any lower bit) or equal it with
    the implicit bit set. The sign bit is never read; NaN and +-inf give 0xff."""
    e = (f32_bits >> 23) & 0xFF
    g = (f32_bits >> 22) & 1
    rest = (f32_bits & 0x3FFFFF) != 0
    up = (g == 1) & (rest | (e > 0))
    return np.where(e == 0xFF, 0xFF, e + up).astype(np.uint64)


def _e8m0_nearest(x):
    """The E8M0 codes docs/semantics.md defines for float64 values x: 2^e nearest to a positive x
    (a tie 1.5 * 2^e goes up: E8M0's significand is always odd), 2^-127 (0x00) for x below it and
    for +-0, NaN (0xff) for NaN, infinities, negative x and values that round above 2^127."""
    with np.errstate(invalid="ignore"):
        frac, exp = np.frexp(np.where(np.isfinite(x) & (x > 0), x, 1.0))  # x = frac * 2^exp, frac in [0.5, 1)
    code = (exp.astype(np.int64) - 1 + 127) + (frac >= 0.75)
    code = np.clip(code, 0, 255)
    code = np.where(x == 0, 0, code)
    code = np.where(np.isnan(x) | np.isinf(x) | (x < 0) | (code > 254), 0xFF, code)
    return code.astype(np.uint64)


def _e8m0_sign_and_subnormals(cases):
    """float32/float64 -> float8_e8m0fnu on the CPU (findings/torch-float8-e8m0fnu-cast.md): a
    float64 is rounded to float32 first (Float8_e8m0fnu has only a float constructor); the sign
    is ignored, so a negative finite x gives the code of |x| where the oracle gives NaN
    (overflow_saturation class, as is a float64 just below 1.5 * 2^127 that becomes NaN); float32 subnormals in (2^-127, 1.5 * 2^-127) round up to 2^-126,
    and float64 values whose float32 image lands on a midpoint 1.5 * 2^e tie upwards
    (rounding_direction). Predicted: every case where this model differs from the nearest E8M0
    value (_e8m0_nearest)."""
    codes = cases.inputs[0]
    if cases.in_format == "float64":
        x = codes.astype(np.uint64).view(np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            f32 = x.astype(np.float32).view(np.uint32)
        negative = (codes >> 63) == 1
    else:
        f32 = codes.astype(np.uint32)
        with np.errstate(invalid="ignore"):  # signalling NaNs
            x = f32.view(np.float32).astype(np.float64)
        negative = (codes >> 31) == 1
    model = _e8m0_model(f32.astype(np.uint64))
    differs = model != _e8m0_nearest(x)
    # A NaN where the oracle has a value is the checker's overflow_saturation class: every
    # negative x, and the float64 just below 1.5 * 2^127 whose float32 image ties up to 2^128.
    nan_instead = negative | (model == 0xFF)
    return {"overflow_saturation": int(np.count_nonzero(differs & nan_instead)),
            "rounding_direction": int(np.count_nonzero(differs & ~nan_instead))}


KNOWN_DEVIATIONS = [
    (lambda s: s["op"] == "convert" and s["in"] in WIDE and s["out"] == "float8_e8m0fnu",
     "torch CPU casts to float8_e8m0fnu ignoring the sign and rounding float32 subnormals above 2^-127 up "
     "(float64 through float32)", _e8m0_sign_and_subnormals),
]
