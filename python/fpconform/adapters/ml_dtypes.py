"""ml_dtypes under the file protocol: numpy casts (astype) and ufuncs on ml_dtypes' types.

Semantics ml_dtypes declares (and the plan below claims for it): casts into its float types round
to nearest, ties to even, without saturation (overflow gives inf where the type has it, else NaN,
and the max finite value in the FP6/FP4 types, which have neither); arithmetic on them is computed
in float32 and cast back (one rounding after an exact or correctly rounded float32 result);
float -> int4/uint4 truncates toward zero. NaN into a type without NaN is left unpinned: the
checker reports those cases as implementation-defined (ml_dtypes gives -0 for +NaN and +0 for -NaN
in FP6/FP4, 0 in the integer types).

Known deviations from those semantics, each with its own exact prediction of which cases fail, are
listed in KNOWN_DEVIATIONS: the driver requires the check's failures to be exactly the predicted
ones (count and class), never more, never fewer.
"""

import numpy as np

NAME = "ml_dtypes"

try:
    import ml_dtypes
except ImportError:  # the driver reports the adapter as unavailable
    ml_dtypes = None

# fpconform format name -> the numpy dtype that holds it (formats both know).
FLOAT_FORMATS = [
    "bfloat16", "float8_e5m2", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e4m3b11fnuz",
    "float8_e3m4", "float8_e4m3", "float8_e8m0fnu", "float6_e2m3fn", "float6_e3m2fn", "float4_e2m1fn",
]
INT_FORMATS = ["int4", "uint4"]
NUMPY_FORMATS = {"float64": np.float64, "float32": np.float32, "float16": np.float16, "int8": np.int8, "uint8": np.uint8}
FORMAT_BITS = {
    "bfloat16": 16, "float6_e2m3fn": 6, "float6_e3m2fn": 6, "float4_e2m1fn": 4, "int4": 4, "uint4": 4,
    "float64": 64, "float32": 32, "float16": 16, "int8": 8, "uint8": 8,
}
ARITHMETIC = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
              "minimum": np.minimum, "maximum": np.maximum}
WIDE = ["float32", "float64"]


def unavailable():
    """None when the adapter can run here, else why not."""
    return None if ml_dtypes is not None else "ml_dtypes is not installed (pip install ml_dtypes)"


def version():
    return f"ml_dtypes {ml_dtypes.__version__}, numpy {np.__version__}"


def bits(fmt):
    return FORMAT_BITS.get(fmt, 8)


def dtype(fmt):
    if fmt in NUMPY_FORMATS:
        return np.dtype(NUMPY_FORMATS[fmt])
    return np.dtype(getattr(ml_dtypes, fmt))


def _storage(fmt):
    """The unsigned integer type of the format's storage (ml_dtypes keeps 4/6-bit codes in a byte)."""
    return np.dtype(f"u{dtype(fmt).itemsize}")


def from_codes(codes, fmt):
    """Codes (unsigned integers) -> an array of the format's dtype with those bit patterns."""
    return codes.astype(_storage(fmt)).view(dtype(fmt))


def to_codes(values, fmt):
    """An array of the format's dtype -> its codes, the storage bytes as they are (stray high bits
    of a 4/6-bit type reach the checker, which reports them)."""
    return np.ascontiguousarray(values).view(_storage(fmt))


def plan():
    """Every check this adapter runs: (fpconform cases arguments), one list per check."""
    checks = []
    for fmt in FLOAT_FORMATS + INT_FORMATS:
        rounding = "rtz" if fmt in INT_FORMATS else "rne"
        for wide in WIDE:  # wide -> narrow: boundary cases around every rounding point
            checks.append(["--op", "convert", "--from", wide, "--to", fmt, "--rounding", rounding, "--cases", "boundary"])
        for wide in WIDE:  # narrow -> wide: exact, every code
            checks.append(["--op", "convert", "--from", fmt, "--to", wide, "--cases", "exhaustive"])
    for fmt in FLOAT_FORMATS:
        pairs = "exhaustive" if 2 * bits(fmt) <= 16 else "boundary"
        for op in ARITHMETIC:
            checks.append(["--op", op, "--from", fmt, "--to", fmt, "--cases", pairs])
        checks.append(["--op", "sqrt", "--from", fmt, "--to", fmt, "--cases", "exhaustive"])
    return checks


def compute(cases):
    """The result codes ml_dtypes gives for every case of `cases` (a fpconform_files.Cases)."""
    s = cases.semantics
    operands = [from_codes(codes, s["in"]) for codes in cases.inputs]
    with np.errstate(all="ignore"):  # overflow, invalid and division by zero are what we check
        if s["op"] == "convert":
            result = operands[0].astype(dtype(s["out"]))
        elif s["op"] in ARITHMETIC:
            result = ARITHMETIC[s["op"]](operands[0], operands[1])
        elif s["op"] == "sqrt":
            result = np.sqrt(operands[0])
        else:
            raise ValueError(f"{NAME} adapter has no {s['op']}")
    if result.dtype != dtype(s["out"]):
        raise ValueError(f"{s['op']} on {s['in']} gave {result.dtype}, not {s['out']}")
    return to_codes(result, s["out"])


# ---- known deviations: semantics -> predicted failures ----------------------------------------

def _int_out_of_range(cases):
    """float -> int4/uint4: ml_dtypes maps values whose truncation lies outside the type's range,
    and +-inf, to 0 (its CastToInt gives 0 for NaN, inf and out-of-range values and the cast
    then keeps the value), where the declared semantics saturate to the type's max or lowest.
    Where the saturated value is itself 0 (uint4 lowest), the two agree. Predicted: every such
    case fails, in the overflow/saturation class."""
    s = cases.semantics
    lo, hi = (-8, 7) if s["out"] == "int4" else (0, 15)
    with np.errstate(invalid="ignore"):  # NaN inputs
        x = from_codes(cases.inputs[0], s["in"]).astype(np.float64)  # float32 -> float64 is exact
        t = np.trunc(x)
        out_of_range = (t > hi) | (t < lo)  # NaN compares false; +-inf are out of range
    saturated = np.where(t > hi, hi, lo)
    return {"overflow_saturation": int(np.count_nonzero(out_of_range & (saturated != 0)))}


def _e8m0_float32_underflow(cases):
    """float8_e8m0fnu mul/div: ml_dtypes computes in float32 and casts the float32 result. An exact
    product or quotient 2^e with e <= -150 rounds to 0 in float32 (2^-150 is half of float32's
    smallest subnormal and ties to the even 0), and ml_dtypes casts 0 to NaN in E8M0, which has
    no zero. The declared semantics round the exact result once: below 2^-127 E8M0 gives its
    smallest value 2^-127 (docs/semantics.md, "No zero (E8M0)"). Predicted: every case with a
    finite operand pair whose exact exponent is <= -150 fails (the checker files them under
    overflow/saturation: both directed neighbours are the format's extreme code)."""
    a, b = (codes.astype(np.int64) for codes in cases.inputs)
    exponent = (a - 127) + (b - 127) if cases.op == "mul" else (a - 127) - (b - 127)
    finite = (a != 0xFF) & (b != 0xFF)  # 0xFF is E8M0's NaN; every other code is 2^(code - 127)
    return {"overflow_saturation": int(np.count_nonzero(finite & (exponent <= -150)))}


def _zero_order(cases):
    """minimum/maximum: numpy's np.minimum(a, b) is `a < b or isnan(a) ? a : b` (np.maximum with
    >), so between zeros of opposite sign it returns b, where IEEE 754-2019 minimum (maximum), the
    oracle's op, orders -0 below +0. Predicted: exactly the cases (-0, +0) for minimum and (+0, -0)
    for maximum fail, as signed zeros (none in formats without -0). The operands are decoded with
    the casts to float32 that the exhaustive checks above find exact."""
    a, b = (from_codes(c, cases.in_format).astype(np.float32) for c in cases.inputs)
    neg_a = np.signbit(a) if cases.op == "minimum" else ~np.signbit(a)
    wrong = (a == 0) & (b == 0) & neg_a & (np.signbit(a) != np.signbit(b))
    return {"signed_zero": int(np.count_nonzero(wrong))}


KNOWN_DEVIATIONS = [
    # (predicate on the semantics, why, predictor of the failures by class)
    (lambda s: s["op"] == "convert" and s["out"] in INT_FORMATS and s["in"] in WIDE,
     "float -> int4/uint4 out of range gives 0, not the saturated value", _int_out_of_range),
    (lambda s: s["op"] in ("mul", "div") and s["in"] == "float8_e8m0fnu",
     "E8M0 mul/div through float32: results below 2^-149 underflow to 0, which casts to NaN", _e8m0_float32_underflow),
    (lambda s: s["op"] in ("minimum", "maximum"),
     "numpy's minimum/maximum return the second of two zeros, not the IEEE 754-2019 order -0 < +0", _zero_order),
]
