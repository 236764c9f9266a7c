"""In-process checks of Python callables: correct functions pass, planted bugs fail with the
counterexamples and the diagnosis in the assertion message, bad input fails clearly."""

import json

import numpy as np
import pytest

import fpconform

ml_dtypes = pytest.importorskip("ml_dtypes")


def bf16_truncate(x):
    """A planted bug: float32 -> bfloat16 by dropping the low 16 bits (round toward zero), NaNs
    kept quiet (a NaN whose payload is only in the low bits would otherwise become infinity)."""
    r = (x.view(np.uint32) >> 16).astype(np.uint16)
    r[np.isnan(x)] |= 0x40
    return r.view(ml_dtypes.bfloat16)


def bf16_ties_away(x):
    """A planted bug: round half away from zero instead of to even."""
    b = x.view(np.uint32).astype(np.uint64)
    r = ((b + 0x8000) >> 16).astype(np.uint16)
    nan = np.isnan(x)
    r[nan] = (b[nan] >> 16).astype(np.uint16) | 0x40
    return r.view(ml_dtypes.bfloat16)


def test_readme_example_passes():
    report = fpconform.check_convert(lambda x: x.astype(ml_dtypes.bfloat16), src="float32", dst="bfloat16",
                                     cases="boundary")
    report.assert_ok()
    assert report.passed and report.checks[0]["status"] == "pass"
    assert report.checks[0]["counts"]["cases"] > 10000


def test_planted_truncation_fails_with_diagnosis():
    report = fpconform.check_convert(bf16_truncate, src="float32", dst="bfloat16", cases="boundary")
    assert not report.passed
    assert "rtz" in report.diagnosis
    with pytest.raises(AssertionError) as e:
        report.assert_ok()
    message = str(e.value)
    assert "rtz" in message  # the diagnosis
    assert "0x" in message and "expected" in message.lower() or "->" in message  # the counterexample table
    assert report.counterexamples, "counterexamples are kept"


def test_planted_ties_away_diagnosed_as_rna():
    report = fpconform.check_convert(bf16_ties_away, src="float32", dst="bfloat16", cases="boundary")
    assert not report.passed
    assert report.failed_by_class.get("tie_breaking", 0) > 0
    assert "rna" in report.diagnosis


def test_report_json_is_a_valid_fpconform_report():
    report = fpconform.check_convert(bf16_truncate, src="float32", dst="bfloat16", cases=1000)
    data = json.loads(report.to_json())
    assert data["schema"] == "fpconform.report/1"
    assert report.validate() == []
    assert "FAIL" in report.summary()


def test_exhaustive_e4m3fn_to_float32_passes():
    report = fpconform.check_convert(lambda x: x.astype(np.float32), src="float8_e4m3fn", dst="float32")
    report.assert_ok()
    assert report.checks[0]["counts"]["cases"] == 256


def test_batches_merge_like_one_run():
    one = fpconform.check_convert(bf16_truncate, src="float32", dst="bfloat16", cases=5000)
    many = fpconform.check_convert(bf16_truncate, src="float32", dst="bfloat16", cases=5000, batch_size=333)
    a, b = one.checks[0], many.checks[0]
    assert a["counts"] == b["counts"]
    assert a["counterexamples"] == b["counterexamples"]
    assert a["diagnosis"] == b["diagnosis"]


def test_inline_and_threaded_checks_agree():
    """threads=1 checks each batch on the calling thread, threads=2 on checker threads beside the
    function, None picks: the report is the same either way (a sweep compared in place, and
    random cases through the per-case path)."""
    def planted(x):
        y = x.astype(ml_dtypes.bfloat16)
        y.view(np.uint16)[::97] ^= 1  # one result in 97 off by one unit
        return y

    for src, cases in (("float16", "exhaustive"), ("float32", 20000)):
        reports = [fpconform.check_convert(planted, src=src, dst="bfloat16", cases=cases, batch_size=1500, threads=t)
                   for t in (None, 1, 2)]
        for r in reports[1:]:
            assert r.checks[0]["counts"] == reports[0].checks[0]["counts"]
            assert r.checks[0]["counterexamples"] == reports[0].checks[0]["counterexamples"]
            assert r.checks[0]["diagnosis"] == reports[0].checks[0]["diagnosis"]
        assert reports[0].checks[0]["counts"]["failed"] > 0


def test_function_returning_one_output_buffer_every_call():
    """A function that writes every batch's results into the same array and returns it: a batch
    checked on another thread while the function computes the next must still be judged on its
    own results."""
    out = np.empty(1000, dtype=ml_dtypes.bfloat16)

    def into_one_buffer(x):
        res = out[:len(x)]
        res[...] = x.astype(ml_dtypes.bfloat16)
        return res

    for threads in (None, 1, 2):
        report = fpconform.check_convert(into_one_buffer, src="float16", dst="bfloat16", batch_size=1000, threads=threads)
        report.assert_ok()
        assert report.checks[0]["counts"]["cases"] == 65536


def test_check_op_add_bfloat16_numpy_passes_on_boundary():
    report = fpconform.check_op(np.add, "add", "bfloat16", cases="boundary")
    report.assert_ok()


def test_check_op_sr_and_listed_cases():
    # A stochastic rounding that ignores the random bits (always rtz) is wrong on some inputs.
    def sr_ignoring_bits(x, r):
        return (x.view(np.uint32) >> 16).astype(np.uint16).view(ml_dtypes.bfloat16)
    x = np.array([1.0 + 2.0**-9], dtype=np.float32)  # half-way between two bfloat16 values
    r = np.array([0xFFFF], dtype=np.uint64)           # with 16 random bits all ones it rounds up
    report = fpconform.check_convert(sr_ignoring_bits, src="float32", dst="bfloat16", rounding="sr", sr_bits=16,
                                     cases=[x, r])
    assert not report.passed
    assert report.checks[0]["counts"]["cases"] == 1


def test_wrong_result_dtype_is_a_clear_error():
    with pytest.raises(TypeError, match="bfloat16"):
        fpconform.check_convert(lambda x: x, src="float32", dst="bfloat16", cases=10)


def test_wrong_result_length_is_a_clear_error():
    with pytest.raises(ValueError, match="expected 10 codes"):
        fpconform.check_convert(lambda x: x[:5].astype(ml_dtypes.bfloat16), src="float32", dst="bfloat16", cases=10)


def test_exception_in_function_propagates():
    def broken(x):
        raise RuntimeError("kernel exploded")
    with pytest.raises(RuntimeError, match="kernel exploded"):
        fpconform.check_convert(broken, src="float32", dst="bfloat16", cases=10)


def test_check_blocks_reference_passes_and_planted_scale_bug_fails():
    def nf4_by_oracle(blocks):
        q = fpconform.quantize(blocks.reshape(-1), "bnb_nf4", reference="cpu", blocksize=blocks.shape[1])
        return q["codes"], q["scale_codes"]

    fpconform.check_blocks(nf4_by_oracle, scheme="bnb_nf4", reference="cpu", blocksize=64, cases="all:8").assert_ok()

    def wrong_scales(blocks):
        codes, scales = nf4_by_oracle(blocks)
        return codes, scales ^ 1  # one ulp off in every float32 absmax
    report = fpconform.check_blocks(wrong_scales, scheme="bnb_nf4", reference="cpu", blocksize=64, cases="all:8")
    assert not report.passed
    with pytest.raises(AssertionError):
        report.assert_ok()


def test_batches_reuse_their_arrays_safely():
    """Many small batches: the function's operand arrays are reused two batches later. A function
    that returns its own argument, and one that overwrites its argument after computing, are still
    checked against the cases as generated (the checker regenerates them), bit for bit."""
    same = fpconform.check_convert(lambda x: x, src="float16", dst="float16", batch_size=1000)
    assert same.passed and same.checks[0]["counts"]["cases"] == 65536

    def cast_then_clobber(x):
        y = x.astype(ml_dtypes.bfloat16)
        x[:] = 0  # a function that scribbles on its input must not change what it is checked against
        return y

    clobber = fpconform.check_convert(cast_then_clobber, src="float16", dst="bfloat16", batch_size=777)
    assert clobber.passed and clobber.checks[0]["counts"]["cases"] == 65536

    def off_by_one_in_second_batch(x):  # a planted bug in one batch only: found, with its input
        y = x.astype(ml_dtypes.bfloat16)
        if x.view(np.uint16)[0] == 1000:
            y.view(np.uint16)[5] ^= 1
        return y

    one = fpconform.check_convert(off_by_one_in_second_batch, src="float16", dst="bfloat16", batch_size=1000)
    assert not one.passed and one.checks[0]["counts"]["failed"] == 1
    assert one.counterexamples[0]["inputs"][0]["code"] == "0x03ed"


def test_result_codes_with_stray_high_bits_are_refused():
    with pytest.raises(ValueError, match="bits above"):
        fpconform.check_convert(lambda x: np.full(len(x), 0x1F, dtype=np.uint8), src="float16",
                                dst="float4_e2m1fn", cases=100)
