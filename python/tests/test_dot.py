"""fpconform.dot, the exact dot-product / MMA oracle on numpy rows. Expected values come from
exact rational arithmetic written out here (fractions.Fraction, rounded to float32 by the IEEE
rule below) and from measured GPU outputs (tests/data/mma_hardware_rows.tsv), never from
fpconform itself."""

import collections
import pathlib
import struct
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

import fpconform

ROWS_FILE = pathlib.Path(__file__).resolve().parents[2] / "tests" / "data" / "mma_hardware_rows.tsv"


def float32_rne(q):
    """The float32 bits nearest to the rational q, ties to even (IEEE 754 roundTiesToEven);
    q != 0. Independent of fpconform: integer arithmetic on the exact value."""
    sign = 0x80000000 if q < 0 else 0
    q = abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    while Fraction(2) ** e > q:
        e -= 1
    while Fraction(2) ** (e + 1) <= q:
        e += 1
    e = max(e, -126)  # below the normal range the quantum stays 2^-149
    scaled = q / Fraction(2) ** (e - 23)
    n = scaled.numerator // scaled.denominator
    rest = scaled - n
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and n % 2 == 1):
        n += 1
    value = Fraction(n) * Fraction(2) ** (e - 23)
    if value >= Fraction(2) ** 128 - Fraction(2) ** 103:  # rounds to infinity
        return sign | 0x7F800000
    return sign | struct.unpack("<I", struct.pack("<f", float(value)))[0]  # value is a float32


def exact_sum(a_row, b_row, c):
    return sum((Fraction(float(x)) * Fraction(float(y)) for x, y in zip(a_row, b_row)), Fraction(float(c)))


@pytest.mark.parametrize("dtype", [np.float16, ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn])
def test_exact_model_is_the_exactly_rounded_sum(dtype):
    rng = np.random.default_rng(16)
    rows, k = 64, 24
    # Magnitudes over many binades so that products cancel and carry across alignments.
    a = (rng.standard_normal((rows, k)) * 2.0 ** rng.integers(-6, 6, (rows, k))).astype(dtype)
    b = (rng.standard_normal((rows, k)) * 2.0 ** rng.integers(-6, 6, (rows, k))).astype(dtype)
    c = rng.standard_normal(rows).astype(np.float32)
    got = fpconform.dot(a, b, c, model="exact", out="float32")
    assert got.codes.dtype == np.uint32 and got.codes.shape == (rows,)
    for r in range(rows):
        q = exact_sum(a[r], b[r], c[r])
        assert q != 0
        assert int(got.codes[r]) == float32_rne(q), f"row {r}"
        assert got.values[r] == float(np.uint32(float32_rne(q)).view(np.float32))


def test_exact_model_tie_rounds_to_even():
    # 1 + 2^-24 is a float32 tie between 1 and 1 + 2^-23: ties to even gives 1.0 (0x3f800000);
    # 1 + 3 * 2^-24 ties between 1 + 2^-23 and 1 + 2^-22: even is 1 + 2^-22 (0x3f800002).
    a = np.array([[1.0, 2.0**-12], [1.0, 3 * 2.0**-13]], dtype=np.float16)
    b = np.array([[1.0, 2.0**-12], [1.0, 2.0**-11]], dtype=np.float16)
    got = fpconform.dot(a, b, model="exact", out="float32")
    assert got.codes.tolist() == [0x3F800000, 0x3F800002]
    # A vector pair gives one scalar result.
    one = fpconform.dot(a[0], b[0], 0.5, model="exact")
    assert one.values == 1.5


def _measured_rows():
    rows = []
    for line in ROWS_FILE.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        gpu, folder, fmt, out, model, row, a, b, c, d = line.split("\t")
        rows.append({"what": f"{gpu} {folder} -> {out} row {row}", "fmt": fmt, "out": out, "model": model,
                     "a": [int(x, 16) for x in a.split(",")], "b": [int(x, 16) for x in b.split(",")],
                     "c": int(c, 16), "d": int(d, 16)})
    return rows


def test_measured_gpu_rows():
    """Outputs of real V100/A100/Ada/H100/B200 tensor cores (Khattak & Mikaitis; the file's
    header has the provenance): each is reproduced by its GPU's model, and none by the exactly
    rounded sum (so the rows tell the models apart). Rows of one model, formats and K go in one
    vectorised call."""
    rows = _measured_rows()
    assert len(rows) >= 20
    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r["model"], r["fmt"], r["out"], len(r["a"]))].append(r)
    for (model, fmt, out, _), group in groups.items():
        a = np.array([r["a"] for r in group], dtype=np.uint64)
        b = np.array([r["b"] for r in group], dtype=np.uint64)
        c = np.array([r["c"] for r in group], dtype=np.uint64)
        want = [r["d"] for r in group]
        got = fpconform.dot(a, b, c, model=model, fmt=fmt, out=out)
        assert got.codes.tolist() == want, [r["what"] for r in group]
        exact = fpconform.dot(a, b, c, model="exact", fmt=fmt, out=out)
        for r, e in zip(group, exact.codes.tolist()):
            assert e != r["d"], r["what"]


def test_dot_models_table():
    names = {m["name"] for m in fpconform.dot_models()}
    assert {"exact", "sequential_fp32", "pairwise", "a100", "h100-wgmma-fp8"} <= names


def test_dot_bad_input_is_a_clear_error():
    a = np.ones((2, 4), dtype=np.float16)
    with pytest.raises(ValueError, match="unknown dot model"):
        fpconform.dot(a, a, model="no-such-gpu")
    with pytest.raises(ValueError, match="one row of b per row of a"):
        fpconform.dot(a, a[:, :3])
    with pytest.raises(ValueError, match="fmt="):
        fpconform.dot(np.ones((2, 4), dtype=np.uint16), np.ones((2, 4), dtype=np.uint16))
    with pytest.raises(ValueError, match="bits above"):
        fpconform.dot(np.full((1, 4), 0x1FF, dtype=np.uint64), np.ones((1, 4), dtype=np.uint64), fmt="float8_e4m3fn")
    with pytest.raises(ValueError, match="addend"):
        fpconform.dot(a, a, np.zeros(3, dtype=np.float32))
