"""fpconform: the exact oracle for ML floating-point formats, and checks of Python functions
against it.

    import fpconform, ml_dtypes, numpy as np
    report = fpconform.check_convert(lambda x: x.astype(ml_dtypes.bfloat16), src="float32", dst="bfloat16")
    report.assert_ok()

Oracle on numpy arrays (vectorised in C++): convert, decode, encode, info, quantize, formats.
Checks of a callable (in-process, same report as `fpconform run`): check_convert, check_op,
check_blocks. docs/python.md has the whole API.
"""

import collections
import json

import numpy as np

from . import _core
from ._formats import as_codes, as_values, bits, code_dtype, format_name, value_dtype, width
from .report import Report

__version__ = _core.tool_version
__all__ = [
    "DotResult", "Report", "check_blocks", "check_convert", "check_op", "convert", "decode", "dot", "dot_models", "encode", "format_name",
    "formats", "info", "quantize", "semantics",
]

ROUNDINGS = ("rne", "rna", "rtz", "rup", "rdn", "rod", "sr")
OPS = {"convert": 1, "sqrt": 1, "abs": 1, "rcp": 1, "add": 2, "sub": 2, "mul": 2, "div": 2, "minimum": 2,
       "maximum": 2, "minimumNumber": 2, "maximumNumber": 2, "fma": 3}


def formats():
    """Every built-in format name."""
    return list(_core.formats())


def info(fmt):
    """Layout, range and the torch.finfo fields of a format, exact and as decimals (as `fpconform
    info --json`)."""
    return json.loads(_core.info_json(format_name(fmt)))


def semantics(op, src, dst=None, rounding="rne", saturate=False, inf_under_saturation="max", nan_policy="unpinned",
              ftz=False, daz=False, sr_bits=0):
    """The semantics object reports and cases.json carry."""
    if rounding not in ROUNDINGS:
        raise ValueError(f"unknown rounding {rounding!r} (one of {', '.join(ROUNDINGS)})")
    if rounding == "sr" and not 1 <= sr_bits <= 64:
        raise ValueError("rounding 'sr' needs sr_bits in 1..64")
    src = format_name(src)
    return {"op": op, "in": src, "out": format_name(dst) if dst is not None else src, "rounding": rounding,
            "sr_bits": sr_bits if rounding == "sr" else 0, "saturate": bool(saturate),
            "inf_under_saturation": inf_under_saturation, "nan_policy": nan_policy, "ftz": bool(ftz), "daz": bool(daz)}


def _operand_codes(x, fmt):
    """Codes of fmt from an array of fmt's dtype, a torch tensor, or unsigned codes of any width
    (the oracle refuses codes wider than the format)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "u":
        return np.ascontiguousarray(x, dtype=np.uint64).reshape(-1)
    return np.ascontiguousarray(as_codes(x, fmt, "operand"), dtype=np.uint64).reshape(-1)


def _shape_of(x):
    return tuple(getattr(x, "shape", np.shape(x)))


def _apply(sem, operands, shape, flags, threads):
    ops = [np.ascontiguousarray(o, dtype=np.uint64) for o in operands]
    if flags:
        codes, flag_bits, impl = _core.exact_with_flags(json.dumps(sem), ops)
    else:
        codes = _core.reference(json.dumps(sem), ops, threads or _core.hardware_threads())
    out = as_values(codes.astype(code_dtype(sem["out"])), sem["out"]).reshape(shape)
    if flags:
        return out, flag_bits.reshape(shape), impl.reshape(shape)
    return out


def convert(x, src=None, dst=None, rounding="rne", saturate=False, *, inf_under_saturation="max",
            nan_policy="unpinned", ftz=False, daz=False, sr_bits=0, random=None, flags=False, threads=None):
    """Rounds every element of x (an array of src's dtype, or src's codes) into dst, exactly.

    Returns an array of dst's dtype (ml_dtypes/numpy) or of dst's codes where numpy has no dtype
    for it. With flags=True also the IEEE flags per element (bits: inexact 1, underflow 2,
    overflow 4, invalid 8, divide-by-zero 16) and the implementation-defined mark (exact oracle,
    slower). rounding="sr" takes `random` (one integer of sr_bits bits per element)."""
    if src is None:
        src = np.asarray(x).dtype
    sem = semantics("convert", src, dst, rounding, saturate, inf_under_saturation, nan_policy, ftz, daz, sr_bits)
    operands = [_operand_codes(x, sem["in"])]
    if rounding == "sr":
        if random is None:
            raise ValueError("rounding 'sr' needs random= (the random bits of every element)")
        operands.append(np.asarray(random, dtype=np.uint64).reshape(-1))
    return _apply(sem, operands, _shape_of(x), flags, threads)


def decode(codes, fmt):
    """The values of fmt's codes as float64 (exact: every built-in format of at most 64 bits but
    float64 itself widens exactly; NaNs keep their sign)."""
    return convert(np.asarray(codes, dtype=code_dtype(fmt)), src=fmt, dst="float64")


def encode(values, fmt, rounding="rne", saturate=False, **policy):
    """float values (float64, float32, float16 or any dtype fpconform knows) rounded once into fmt."""
    values = np.asarray(values)
    if values.dtype.kind in "iu" or values.dtype == object:
        values = values.astype(np.float64)
    return convert(values, src=values.dtype, dst=fmt, rounding=rounding, saturate=saturate, **policy)


def apply(op, fmt, *operands, out=None, rounding="rne", **policy):
    """An arithmetic op of the oracle, element-wise: apply("add", "bfloat16", a, b)."""
    sem = semantics(op, fmt, out, rounding, **policy)
    codes = [_operand_codes(o, sem["in"]) for o in operands]
    return _apply(sem, codes, _shape_of(operands[0]), False, None)


def quantize(x, scheme, reference="ideal", blocksize=0, *, cols=0, scale_rule=None, rounding=None,
             double_quant=False, tensor_amax=None):
    """Block or code-table quantization of float32/float64 values by a scheme (`fpconform quantize
    --list`): a dict with codes (one per value), packed (bytes as stored), scale_codes and scales
    (one per block), dequantized (float64, rne of the exact value), element_format, scale_format
    and blocksize."""
    x = np.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    fmt = "float32" if x.dtype == np.float32 else "float64"
    claims = {"scheme": scheme, "reference": reference, "blocksize": int(blocksize), "cols": int(cols),
              "double_quant": bool(double_quant)}
    if scale_rule is not None:
        claims["scale_rule"] = scale_rule
    if rounding is not None:
        claims["rounding"] = rounding
    if tensor_amax is not None:
        claims["tensor_amax"] = repr(float(tensor_amax)) if not isinstance(tensor_amax, str) else tensor_amax
    bits_in = np.ascontiguousarray(x.reshape(-1)).view(np.uint32 if fmt == "float32" else np.uint64).astype(np.uint64)
    d = _core.quantize(json.dumps(claims), bits_in, fmt)
    return {
        "codes": np.asarray(d["codes"]).reshape(x.shape),
        "packed": np.asarray(d["packed"]),
        "scale_codes": np.asarray(d["scale_codes"]),
        "scales": np.asarray(d["scales_f64_bits"]).view(np.float64),
        "dequantized": np.asarray(d["dequantized_f64_bits"]).view(np.float64).reshape(x.shape),
        "element_format": d["element_format"],
        "scale_format": d["scale_format"],
        "blocksize": d["blocksize"],
    }


DotResult = collections.namedtuple("DotResult", "codes values")


def dot_models():
    """The rows of the dot-product model table (oracle/src/dot_models.cpp): name, gpu,
    instruction, inputs, output, parameters, measured, source."""
    return json.loads(_core.dot_models_json())


def _dot_operand(x, fmt, what):
    arr = np.asarray(x) if not type(x).__module__.startswith("torch") else x
    shape = _shape_of(arr)
    if len(shape) not in (1, 2) or shape[-1] == 0:
        raise ValueError(f"dot: {what} must be a non-empty vector or a (rows, K) matrix, got shape {shape}")
    codes = _operand_codes(arr, fmt)
    return codes.reshape(shape if len(shape) == 2 else (1, shape[0]))


def dot(a, b, c=None, *, model="exact", fmt=None, out="float32", promotion_interval=0, split_k=1, threads=None):
    """D = A . B + C row by row under a model of the dot-product table (`dot_models()`, docs/mma.md):
    d[r] = sum_k a[r, k] * b[r, k] + c[r], every product exact and only the model's roundings.

    a, b: (rows, K) arrays (or vectors: one row) of fmt's values (float16, ml_dtypes.bfloat16,
    float8_e4m3fn ...; fmt taken from the dtype) or of fmt's unsigned codes (fmt= then names the
    format). For a TF32 row, float32 values are converted by the row's rule.
    c: the addends in `out` (one per row or one for all): out's values or unsigned codes; other
    float values are rounded once (rne) into out. None: +0.
    model: "exact" (one rounding, rne), "sequential_fp32", "pairwise" or a GPU row ("a100",
    "h100-wgmma-fp8", ...). promotion_interval / split_k as `fpconform dot`.
    Returns DotResult(codes, values): out's codes (unsigned) and their exact values (float64), one
    per row (a scalar for vectors)."""
    if fmt is None:
        dt = getattr(a, "dtype", None)
        if dt is None or (isinstance(dt, np.dtype) and dt.kind in "iu"):
            raise ValueError("dot: fmt= names the format of codes (or pass arrays of a float dtype)")
        fmt = dt
    fmt, out = format_name(fmt), format_name(out)
    a_codes, b_codes = _dot_operand(a, fmt, "a"), _dot_operand(b, fmt, "b")
    rows = a_codes.shape[0]
    if c is None:
        c_codes = np.zeros(rows, dtype=np.uint64)
    else:
        c_arr = np.asarray(c)
        if c_arr.dtype.kind != "u" and c_arr.dtype != value_dtype(out):
            c_arr = encode(c_arr, out)
        c_codes = _operand_codes(c_arr, out)
        if c_codes.size == 1:
            c_codes = np.full(rows, c_codes[0], dtype=np.uint64)
    d = _core.dot(model, fmt, out, a_codes, b_codes, np.ascontiguousarray(c_codes, dtype=np.uint64),
                  int(promotion_interval), int(split_k), int(threads or _core.hardware_threads()))
    codes = np.asarray(d).astype(code_dtype(out))
    values = decode(codes, out)
    if len(_shape_of(a)) == 1:
        return DotResult(codes[0], values[0])
    return DotResult(codes, values)


from .check import DEFAULT_BATCH, check_blocks, check_codes, check_convert, check_op  # noqa: E402  (needs the names above)

