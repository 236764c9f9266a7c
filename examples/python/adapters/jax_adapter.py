"""JAX under the file protocol: astype casts and jax.numpy arithmetic, compiled by XLA for the CPU or
a CUDA device.

Semantics claimed: casts round to nearest, ties to even, without saturation (as ml_dtypes, whose
types JAX uses); arithmetic on the narrow types is one correctly rounded result. float64 needs
jax_enable_x64, which this adapter turns on. Arrays travel as ml_dtypes bit patterns.
"""

import numpy as np

from . import Unsupported
from . import ml_dtypes_adapter as formats

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
        for op in formats.ARITHMETIC:
            checks.append(["--op", op, "--from", fmt, "--to", fmt, "--cases", pairs])
        checks.append(["--op", "sqrt", "--from", fmt, "--to", fmt, "--cases", "exhaustive"])
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


KNOWN_DEVIATIONS = []
