"""Format names and the array types that hold them.

A format is named as fpconform, ml_dtypes and torch name it ("float8_e4m3fn",
"torch.float8_e4m3fn", ml_dtypes.float8_e4m3fn, np.float32, torch.bfloat16, jnp.bfloat16) or by
an eXmY spec ("e4m3", "e5m2:bias=16:nan=fnuz"). Codes travel as unsigned integers of the
format's width; an array of the format's own dtype is a view of them.
"""

import numpy as np

from . import _core

try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # the oracle works on codes without it; only the dtype views need it
    _ml_dtypes = None

_NUMPY = {"float64": np.float64, "float32": np.float32, "float16": np.float16, "int8": np.int8, "uint8": np.uint8}
_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def format_name(fmt):
    """The canonical fpconform name of a format given by name, spec, numpy/ml_dtypes dtype or
    torch dtype. ValueError for anything fpconform does not know."""
    if isinstance(fmt, str):
        name = fmt
    elif type(fmt).__module__.startswith("torch"):  # torch.float8_e4m3fn prints as that
        name = str(fmt)
    else:
        try:
            name = np.dtype(fmt).name
        except TypeError:
            raise ValueError(f"not a format: {fmt!r}") from None
    for prefix in ("torch.", "jnp.", "np.", "numpy.", "ml_dtypes.", "jax.numpy."):
        if name.startswith(prefix):
            name = name[len(prefix):]
    name = {"half": "float16", "float": "float32", "double": "float64"}.get(name, name)
    return _core.canonical(name)


def width(fmt):
    """Bytes per code: 1, 2, 4 or 8."""
    return _core.width(format_name(fmt))


def bits(fmt):
    return _core.bits(format_name(fmt))


def code_dtype(fmt):
    """The unsigned integer dtype holding the format's codes."""
    return np.dtype(_UNSIGNED[width(fmt)])


def value_dtype(fmt):
    """The numpy dtype whose bit patterns are the format's codes (float32, ml_dtypes.bfloat16 ...),
    or None when numpy has none (tf32, nf4, bnb_fp4, eXmY specs, or ml_dtypes missing)."""
    name = format_name(fmt)
    if name in _NUMPY:
        return np.dtype(_NUMPY[name])
    if _ml_dtypes is not None and hasattr(_ml_dtypes, name):
        dt = np.dtype(getattr(_ml_dtypes, name))
        if dt.itemsize == width(name):
            return dt
    return None


class ValueView:
    """Codes viewed as the format's dtype (no copy), or the codes themselves where numpy has no
    dtype for the format. The format's facts are looked up once (a check calls this per batch)."""

    def __init__(self, fmt):
        self.dtype = value_dtype(fmt)
        self.code_dtype = code_dtype(fmt)

    def __call__(self, codes):
        codes = np.ascontiguousarray(codes, dtype=self.code_dtype)
        return codes.view(self.dtype) if self.dtype is not None else codes


def as_values(codes, fmt):
    """Codes viewed as the format's dtype (no copy), or the codes themselves where numpy has no
    dtype for the format."""
    return ValueView(fmt)(codes)


def _torch_codes(t):
    import torch  # only reached with a torch tensor in hand

    t = t.detach().to("cpu").contiguous().reshape(-1)
    signed = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()]
    return t.view(signed).numpy().view(_UNSIGNED[t.element_size()])


class CodeReader:
    """A function's result (numpy/ml_dtypes array, torch tensor, jax array, or unsigned codes)
    as a flat array of the format's codes. The bytes are taken as they are; a 4-bit or 6-bit
    type's stray high bits reach the checker, which refuses them by name. ml_dtypes keeps int4
    and uint4 as a sign-extended byte: those are masked to their 4 bits. The format's facts are
    looked up once (a check reads every batch's result with one reader)."""

    def __init__(self, fmt, what="result"):
        self.name = format_name(fmt)
        self.what = what
        self.width = width(self.name)
        self.want = value_dtype(self.name)
        self.codes = np.dtype(_UNSIGNED[self.width])
        self.nibbles = self.name in ("int4", "uint4")

    def __call__(self, result):
        if type(result) is np.ndarray and result.dtype == self.want and result.flags.c_contiguous:
            raw = result.reshape(-1).view(self.codes)  # the common case: the format's own dtype
        elif type(result).__module__.startswith("torch"):
            raw = _torch_codes(result)
        else:
            arr = np.asarray(result)
            if arr.dtype.kind == "u" and arr.dtype.itemsize == self.width and self.want not in (arr.dtype,):
                raw = arr
            else:
                if self.want is not None and arr.dtype != self.want:
                    raise TypeError(f"{self.what}: an array of {arr.dtype} where {self.name} was expected "
                                    f"(return {self.want} values, or their codes as {self.codes})")
                if arr.dtype.itemsize != self.width:
                    raise TypeError(f"{self.what}: {arr.dtype} has {arr.dtype.itemsize}-byte elements, "
                                    f"{self.name} codes take {self.width}")
                raw = np.ascontiguousarray(arr).reshape(-1).view(_UNSIGNED[arr.dtype.itemsize])
        raw = raw.reshape(-1)
        if raw.dtype.itemsize != self.width:
            raise TypeError(f"{self.what}: {raw.dtype.itemsize}-byte elements, {self.name} codes take {self.width}")
        if self.nibbles:
            raw = raw & np.uint8(0xF)
        return raw


def as_codes(result, fmt, what="result"):
    """A function's result (numpy/ml_dtypes array, torch tensor, jax array, or unsigned codes)
    as a flat array of the format's codes (CodeReader)."""
    return CodeReader(fmt, what)(result)
