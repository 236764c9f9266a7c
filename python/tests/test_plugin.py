"""The pytest plugin: the fixture, --fpconform-report=DIR and the session summary, in a pytester
sandbox; a planted bug fails with the diagnosis in the assertion message."""

import json

import pytest

pytest.importorskip("ml_dtypes")

TESTS = '''
import numpy as np, ml_dtypes

def test_good(fpconform):
    fpconform.check_convert(lambda x: x.astype(ml_dtypes.bfloat16), src="float32", dst="bfloat16",
                            cases="boundary").assert_ok()

def test_planted_bug(fpconform):
    def truncate(x):
        r = (x.view(np.uint32) >> 16).astype(np.uint16)
        r[np.isnan(x)] |= 0x40
        return r.view(ml_dtypes.bfloat16)
    fpconform.check_convert(truncate, src="float32", dst="bfloat16", cases="boundary").assert_ok()
'''


def test_fixture_report_dir_and_summary(pytester, tmp_path):
    pytester.makepyfile(test_kernels=TESTS)
    out = tmp_path / "reports"
    result = pytester.runpytest_subprocess(f"--fpconform-report={out}")  # the entry point loads the plugin
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*behaves exactly as: rtz*"])   # the diagnosis in the assertion message
    result.stdout.fnmatch_lines(["*fpconform*", "*test_good*PASS*", "*test_planted_bug*FAIL*"])
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2
    failing = json.loads((out / next(f for f in files if "planted" in f)).read_text())
    assert failing["schema"] == "fpconform.report/1"
    assert failing["checks"][0]["status"] == "fail"


def test_plugin_is_registered_by_entry_point():
    from importlib.metadata import entry_points

    names = [e.name for e in entry_points(group="pytest11")]
    assert "fpconform" in names
