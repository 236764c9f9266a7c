"""The oracle on numpy arrays. Expected values come from the specifications (OCP FP8, IEEE 754)
and exact arithmetic written out in the comments, never from fpconform itself."""

import numpy as np
import pytest

import fpconform


def test_formats_and_names():
    assert "float8_e4m3fn" in fpconform.formats()
    assert fpconform.format_name("torch.float8_e4m3fn") == "float8_e4m3fn"
    assert fpconform.format_name(np.float32) == "float32"
    spec = "e5m2:bias=16:nan=fnuz"  # an eXmY spec with the layout of float8_e5m2fnuz
    codes = np.arange(256, dtype=np.uint8)
    np.testing.assert_array_equal(fpconform.decode(codes, spec), fpconform.decode(codes, "float8_e5m2fnuz"))
    assert fpconform.bits("e3m2:nan=none") == 6
    with pytest.raises(ValueError):
        fpconform.format_name("float9_nonsense")


def test_info_e4m3fn():
    i = fpconform.info("float8_e4m3fn")
    assert i["bits"] == 8
    assert "448" in str(i["max"])  # OCP FP8 E4M3: max normal 1.75 * 2^8


def test_encode_e4m3fn_ties_and_overflow():
    # 3.14 -> 3.25 (0x45); 464 is the 448/480 midpoint (480 unrepresentable: NaN code) ties to
    # even 448 = 0x7e; 464.5 overflows: non-saturating OFP8 gives NaN 0x7f, saturating 0x7e.
    codes = fpconform.encode(np.array([3.14, 464.0, 464.5]), "float8_e4m3fn")
    assert codes.view(np.uint8).tolist() == [0x45, 0x7E, 0x7F]
    sat = fpconform.encode(np.array([464.5]), "float8_e4m3fn", saturate=True)
    assert sat.view(np.uint8).tolist() == [0x7E]


def test_convert_float32_to_bfloat16_modes():
    x = np.array([1.2], dtype=np.float32)  # 0x3f99999a
    # bfloat16 keeps the top 16 bits: 0x3f99 | 0x999a; the rest 0x999a > 0x8000 rounds up (rne).
    assert fpconform.convert(x, dst="bfloat16").view(np.uint16).tolist() == [0x3F9A]
    assert fpconform.convert(x, dst="bfloat16", rounding="rtz").view(np.uint16).tolist() == [0x3F99]


def test_convert_flags_and_shape():
    x = np.array([[1.0, 1.0000001]], dtype=np.float32)
    out, flags, impl = fpconform.convert(x, dst="bfloat16", flags=True)
    assert out.shape == (1, 2)
    assert flags.tolist() == [[0, 1]]  # 1.0 exact; 1 + 2^-23 inexact
    assert not impl.any()


def test_decode_every_e2m1_code():
    # OCP MX FP4 E2M1: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
    vals = fpconform.decode(np.arange(16, dtype=np.uint8), "float4_e2m1fn")
    assert vals[:8].tolist() == [0, 0.5, 1, 1.5, 2, 3, 4, 6]
    assert vals[8:].tolist() == [-0.0, -0.5, -1, -1.5, -2, -3, -4, -6]
    assert np.signbit(vals[8])


def test_apply_fma_single_rounding():
    # fma(0x3c03, 0x3c03, -1) in float16: (1 + 3*2^-10)^2 - 1 = 2^-8 * (1.5 + 2.25 * 2^-10); the
    # float16 step there is 2^-18, so one rounding gives mantissa 0x202 (2.25 ulps -> 2) = 0x1e02.
    # Rounding the product first (to 1 + 6*2^-10) would give 0x1e00.
    a = np.array([0x3C03], dtype=np.uint16)
    out = fpconform.apply("fma", "float16", a, a, np.array([0xBC00], dtype=np.uint16))
    assert out.view(np.uint16).tolist() == [0x1E02]


def test_bad_input_is_value_error():
    with pytest.raises(ValueError):
        fpconform.convert(np.array([1.0], dtype=np.float32), dst="no_such_format")
    with pytest.raises(ValueError):
        fpconform.convert(np.array([0x1FF], dtype=np.uint16), src="float8_e4m3fn", dst="float32")


def test_quantize_nf4_block():
    # bitsandbytes NF4: absmax per block; 1.0 is the table's last entry (code 15), 0 is code 7.
    q = fpconform.quantize(np.array([1.0, 0.0, -1.0, 0.5] * 16, dtype=np.float32), "bnb_nf4", blocksize=64)
    assert q["codes"][:3].tolist() == [15, 7, 0]
    assert q["scales"].tolist() == [1.0]
    assert q["element_format"] == "nf4"

