"""JAX under the file protocol: astype casts and jax.numpy arithmetic, compiled by XLA for the CPU or
a CUDA device.

Semantics claimed: casts round to nearest, ties to even, without saturation (as ml_dtypes, whose
types JAX uses); arithmetic on the narrow types is one correctly rounded result. float64 needs
jax_enable_x64, which this adapter turns on. Arrays travel as ml_dtypes bit patterns.
"""

import numpy as np

from . import Unsupported
from . import ml_dtypes as formats

NAME = "jax"

try:
    import jax
    import jax.numpy as jnp
except ImportError:  # the driver reports the adapter as unavailable
    jax = None

_device = None


def unavailable():
    if jax is None:
        return "jax is not installed"
    return formats.unavailable()


def select_device(device):
    global _device
    jax.config.update("jax_enable_x64", True)
    gpus = [d for d in jax.devices() if d.platform == "gpu"] if device in (None, "cuda") else []
    if device == "cuda" and not gpus:
        raise SystemExit("jax: --device cuda, but JAX sees no GPU")
    _device = gpus[0] if gpus else jax.devices("cpu")[0]


def version():
    return f"jax {jax.__version__} on {_device.platform} ({_device.device_kind})"


def plan():
    checks = []
    for fmt in formats.FLOAT_FORMATS:
        for wide in formats.WIDE:
            checks.append(["--op", "convert", "--from", wide, "--to", fmt, "--cases", "boundary"])
        checks.append(["--op", "convert", "--from", fmt, "--to", "float32", "--cases", "exhaustive"])
    for fmt in ["bfloat16", "float8_e4m3fn", "float8_e5m2"]:
        pairs = "exhaustive" if formats.bits(fmt) <= 8 else "boundary"
        # XLA's CPU backend computes with subnormals flushed (FTZ and DAZ set in the MXCSR), which
        # bfloat16, with float32's exponent range, inherits; float8 results never reach them.
        flush = ["--ftz", "--daz"] if fmt == "bfloat16" and _device.platform == "cpu" else []
        for op in _OPS:
            checks.append(["--op", op, "--from", fmt, "--to", fmt, *flush, "--cases", pairs])
        checks.append(["--op", "sqrt", "--from", fmt, "--to", fmt, *flush, "--cases", "exhaustive"])
    return checks


_OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b}


def compute(cases):
    s = cases.semantics
    try:
        x = [jax.device_put(formats.from_codes(c, s["in"]), _device) for c in cases.inputs]
        if s["op"] == "convert":
            y = x[0].astype(formats.dtype(s["out"]))
        elif s["op"] in _OPS:
            y = _OPS[s["op"]](x[0], x[1])
        elif s["op"] == "sqrt":
            y = jnp.sqrt(x[0])
        else:
            raise ValueError(f"jax adapter has no {s['op']}")
        result = np.asarray(y)
    except jax.errors.JaxRuntimeError as e:
        if any(m in str(e) for m in ("Invalid XLA PrimitiveType", "Unknown NumPy dtype", "UNIMPLEMENTED")):
            raise Unsupported(f"XLA on {_device.platform}: {str(e).splitlines()[0]}") from e
        raise
    if result.dtype != formats.dtype(s["out"]):
        raise ValueError(f"{s['op']} on {s['in']} gave {result.dtype}, not {s['out']}")
    return formats.to_codes(result, s["out"])


def _bf16_values(codes):
    """bfloat16 codes -> exact float64 values (bfloat16 is the top half of a float32)."""
    with np.errstate(invalid="ignore"):  # signalling NaN codes
        return (codes.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def _flush_before_rounding(cases):
    """bfloat16 mul on XLA's CPU backend: the float32 product is flushed when it is subnormal in
    float32, i.e. before it is rounded to bfloat16, where the declared --ftz flushes results that
    are subnormal after rounding (docs/semantics.md). A product in [2^-126 - 2^-134, 2^-126) is a
    float32 subnormal (flushed to 0 by XLA) that rounds up to bfloat16's smallest normal 2^-126.
    bfloat16 products are exact in float64, so the prediction is exact: every such case fails
    (rounding direction: 0 is the other neighbour)."""
    a, b = (_bf16_values(c) for c in cases.inputs)
    tiny = np.ldexp(1.0, -126)
    a, b = (np.where(np.abs(v) < tiny, 0.0, v) for v in (a, b))  # --daz: subnormal operands are zero
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.abs(a * b)
    return {"rounding_direction": int(np.count_nonzero((p >= tiny - np.ldexp(1.0, -134)) & (p < tiny)))}


def _e8m0_subnormals_round_up(cases):
    """float32 -> float8_e8m0fnu on XLA's CPU backend: float32 subnormals strictly between 2^-127
    (code 0x00400000) and the midpoint 1.5 * 2^-127 (0x00600000) give 2^-126 instead of the
    nearer 2^-127. Predicted: exactly the positive codes in that open range fail."""
    c = cases.inputs[0]
    return {"rounding_direction": int(np.count_nonzero((c > 0x00400000) & (c < 0x00600000)))}


KNOWN_DEVIATIONS = [
    (lambda s: s["op"] == "convert" and s["in"] == "float32" and s["out"] == "float8_e8m0fnu",
     "XLA CPU rounds float32 subnormals in (2^-127, 1.5*2^-127) up to 2^-126", _e8m0_subnormals_round_up),
    (lambda s: s["op"] == "mul" and s["in"] == "bfloat16" and s["ftz"] and s["daz"],
     "XLA CPU flushes the float32 product before rounding it to bfloat16", _flush_before_rounding),
]
