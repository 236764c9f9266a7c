"""Checks of a Python callable against the exact oracle, in-process.

The cases are fpconform's (exhaustive, boundary, seeded random, or given), generated in C++ in
batches; each batch goes to the function as arrays of the input format's dtype; its results are
compared bit for bit by the checker `fpconform run` uses (fast reference proven equal to the
oracle, mismatch classes, counterexamples, diagnosis) while the GIL is released.
"""

import json

import numpy as np

from . import _core
from ._formats import CodeReader, ValueView, as_codes
from .report import Report

# Cases per call of the function under test: small enough that a batch's operands and results
# stay in the core's cache from the fill through the call to the comparison, large enough that
# the call's own overhead (a few microseconds) vanishes against 2^17 cases (docs/performance.md,
# "Python checks": 2^16 and 2^18 measured the same within the noise, 2^22 a quarter more).
DEFAULT_BATCH = 1 << 17


def _cases_spec(cases, sem, arity):
    """("exhaustive" | "boundary" | "random:N" | "listed", listed operand code arrays)."""
    if isinstance(cases, bool):
        raise ValueError("cases: 'exhaustive', 'boundary', 'random:N', an integer N, or a list of operand arrays")
    if isinstance(cases, int):
        if cases < 1:
            raise ValueError("cases: a number of random cases must be at least 1")
        return f"random:{cases}", []
    if isinstance(cases, str):
        return cases, []
    arrays = list(cases)
    want = arity + (1 if sem["rounding"] == "sr" else 0)
    if len(arrays) != want:
        raise ValueError(f"cases: {want} arrays (one per operand{', then the random bits' if want > arity else ''}), got {len(arrays)}")
    listed = [np.ascontiguousarray(as_codes(a, sem["in"], "case operand"), dtype=np.uint64) for a in arrays[:arity]]
    listed += [np.ascontiguousarray(np.asarray(a).reshape(-1), dtype=np.uint64) for a in arrays[arity:]]
    return "listed", listed


def _callable_name(fn):
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or type(fn).__name__
    module = getattr(fn, "__module__", None)
    return f"{module}.{name}" if module else name


def _op_name(sem):
    name = f"{sem['op']}_{sem['in']}"
    if sem["op"] == "convert" or sem["out"] != sem["in"]:
        name += f"_to_{sem['out']}"
    name += "_" + sem["rounding"]
    for flag in ("saturate", "ftz", "daz"):
        if sem[flag]:
            name += "_" + flag[:3]
    return name.replace(":", "_").replace("=", "")


def _arity(sem):
    return 1 if sem["op"] in ("convert", "sqrt", "abs", "rcp") else 3 if sem["op"] == "fma" else 2


def check_codes(compute, sem, cases="exhaustive", *, seed=1, batch_size=None, threads=None, strict_nan=False,
                max_examples=8, name=None, entry=None):
    """The lower level of check_convert/check_op: compute(arrays) gets the operand codes (unsigned
    arrays of the input format's width, then the random bits for sr) and returns the result codes.
    `sem` is a semantics object (fpconform.semantics(...))."""
    spec, listed = _cases_spec(cases, sem, _arity(sem))

    read = CodeReader(sem["out"], f"{_callable_name(compute)}'s result")

    def call(arrays):
        return read(compute(arrays))

    data = _core.check_callable(json.dumps(sem), spec, int(seed), call, int(batch_size or DEFAULT_BATCH),
                                int(threads or 0), bool(strict_nan), int(max_examples),
                                name or "python", entry or _callable_name(compute), _op_name(sem), listed, 0, 1)
    return Report(data)


def _run(fn, sem, cases, seed, batch_size, threads, strict_nan, max_examples, name, entry, shard=(0, 1)):
    arity = _arity(sem)
    spec, listed = _cases_spec(cases, sem, arity)

    view = ValueView(sem["in"])
    read = CodeReader(sem["out"], f"{_callable_name(fn)}'s result")
    sr = sem["rounding"] == "sr"

    def call(arrays):
        operands = [view(a) for a in arrays[:arity]]
        if sr:
            operands.append(arrays[arity])
        return read(fn(*operands))

    # fn is called on this thread only: overflow, invalid, division by zero are what is checked
    with np.errstate(all="ignore"):
        data = _core.check_callable(json.dumps(sem), spec, int(seed), call, int(batch_size or DEFAULT_BATCH),
                                    int(threads or 0), bool(strict_nan), int(max_examples),
                                    name or "python", entry or _callable_name(fn), _op_name(sem), listed,
                                    int(shard[0]), int(shard[1]))
    return Report(data)


def check_convert(fn, src, dst, rounding="rne", saturate=False, cases="exhaustive", *, inf_under_saturation="max",
                  nan_policy="unpinned", ftz=False, daz=False, sr_bits=0, seed=1, batch_size=None, threads=None,
                  strict_nan=False, max_examples=8, name=None, entry=None, shard=(0, 1)):
    """Checks fn(x) -> y, a conversion from src to dst, against the oracle.

    fn gets an array of src's dtype (numpy float32/float16/float64, ml_dtypes types; unsigned
    codes for formats numpy has no dtype for) and returns an array of dst's dtype, a torch tensor
    or dst's codes. With rounding="sr" it gets (x, random_bits) and must round up exactly when
    floor(f * 2^sr_bits) + random_bits >= 2^sr_bits (docs/semantics.md).
    cases: "exhaustive" (every input code; all 2^32 float32 inputs in batches), "boundary",
    "random:N" or N, or a list with one array of input codes/values per operand.
    shard=(i, N) checks only the i-th of N slices of the cases, as `fpconform run --shard i/N`
    (reports of all slices merge with `fpconform report merge`).
    Returns a Report (.passed, .summary(), .to_json(), .counterexamples, .diagnosis, .assert_ok()).
    """
    from . import semantics
    sem = semantics("convert", src, dst, rounding, saturate, inf_under_saturation, nan_policy, ftz, daz, sr_bits)
    return _run(fn, sem, cases, seed, batch_size, threads, strict_nan, max_examples, name, entry, shard)


def check_op(fn, op, fmt, out=None, rounding="rne", cases="exhaustive", *, saturate=False, inf_under_saturation="max",
             nan_policy="unpinned", ftz=False, daz=False, sr_bits=0, seed=1, batch_size=None, threads=None,
             strict_nan=False, max_examples=8, name=None, entry=None, shard=(0, 1)):
    """Checks fn(a[, b[, c]]) against the oracle's `op` (add sub mul div fma sqrt minimum maximum
    minimumNumber maximumNumber abs rcp) on operands of fmt, result in `out` (default fmt),
    rounded once. Exhaustive pairs are every pair of codes (2^32 for 16-bit formats); shard=(i, N)
    as for check_convert."""
    from . import semantics
    sem = semantics(op, fmt, out, rounding, saturate, inf_under_saturation, nan_policy, ftz, daz, sr_bits)
    return _run(fn, sem, cases, seed, batch_size, threads, strict_nan, max_examples, name, entry, shard)


def check_blocks(fn, scheme, reference="ideal", blocksize=0, cases="all", *, scale_rule=None, rounding=None,
                 tensor_amax=None, seed=1, name=None, entry=None):
    """Checks a block quantizer against the scheme's references (the block checks of `fpconform run`).

    fn gets a (blocks, blocksize) float32 array, every row a block quantized on its own, and returns
    (codes, scale_codes) or (codes, scale_codes, zero_points): one element code per value (any
    shape, unpacked: one code per integer), one scale code per block in the scheme's scale format
    (float32 bits, E8M0 or E4M3 codes; float32 arrays are taken as their bits), and for the int4
    groups one zero point per block. cases: "adversarial", "random:N", "all" or "all:N".
    The verdict is bit-exact agreement with `reference`; distances to the others are reported."""
    claims = {"scheme": scheme, "reference": reference, "blocksize": int(blocksize)}
    if scale_rule is not None:
        claims["scale_rule"] = scale_rule
    if rounding is not None:
        claims["rounding"] = rounding
    if tensor_amax is not None:
        claims["tensor_amax"] = tensor_amax if isinstance(tensor_amax, str) else repr(float(tensor_amax))
    claims = json.loads(_core.normalize_claims(json.dumps(claims)))
    element, scale = claims.pop("_element_format"), claims.pop("_scale_format")

    def call(bits):
        values = bits.view(np.float32)
        got = fn(values)
        if not isinstance(got, tuple) or len(got) not in (2, 3):
            raise TypeError(f"{_callable_name(fn)} must return (codes, scale_codes[, zero_points])")
        codes = _integer_codes(got[0], element, "element codes")
        scales = _integer_codes(got[1], scale, "scale codes")
        if len(got) == 3:
            return codes, scales, np.ascontiguousarray(np.asarray(got[2]).reshape(-1), dtype=np.int64)
        return codes, scales

    data = _core.check_block_callable(json.dumps(claims), cases, int(seed), call, name or "python",
                                      entry or _callable_name(fn))
    return Report(data)


def _integer_codes(x, fmt, what):
    """Codes given as integers of any width (a table index, a packed nibble unpacked) or as an array
    of the format's own dtype (float32 scales, ml_dtypes E8M0/E4M3)."""
    if type(x).__module__.startswith("torch"):
        x = x.detach().cpu()
        if x.is_floating_point() or x.element_size() != 8 and str(x.dtype).startswith("torch.float"):
            return as_codes(x, fmt, what).astype(np.uint64)
        x = x.to(dtype=__import__("torch").int64).numpy()
    arr = np.asarray(x)
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < 0):
            raise ValueError(f"{what}: negative code {arr.min()}")
        return np.ascontiguousarray(arr.reshape(-1), dtype=np.uint64)
    return np.ascontiguousarray(as_codes(arr, fmt, what), dtype=np.uint64)

