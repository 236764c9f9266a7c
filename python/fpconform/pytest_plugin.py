"""pytest plugin (entry point `fpconform`, loaded automatically once the package is installed).

- the `fpconform` fixture: the fpconform module, whose check_* calls made inside the test are
  recorded for the test (fpconform.check_convert(...).assert_ok());
- `--fpconform-report=DIR`: each test's checks as one JSON report, DIR/<test id>.json (the
  schema `fpconform run` writes; `fpconform report summary DIR/x.json` reads it);
- at the end of the session, one line per recorded check (PASS/FAIL/KNOWN ...) in the terminal
  summary.
"""

import re

import pytest

import fpconform as _fpconform
from . import check as _check


class _Recorder:
    """Collects the reports of the checks one test made through the fixture."""

    def __init__(self):
        self.reports = []

    def wrap(self, fn):
        def recorded(*args, **kwargs):
            report = fn(*args, **kwargs)
            self.reports.append(report)
            return report

        recorded.__doc__ = fn.__doc__
        recorded.__name__ = fn.__name__
        return recorded


class _FixtureNamespace:
    """The fpconform module as the fixture hands it out: its check_* functions record their reports."""

    def __init__(self, recorder):
        self._recorder = recorder
        self.check_convert = recorder.wrap(_check.check_convert)
        self.check_op = recorder.wrap(_check.check_op)
        self.check_blocks = recorder.wrap(_check.check_blocks)

    @property
    def reports(self):
        return list(self._recorder.reports)

    def __getattr__(self, name):
        return getattr(_fpconform, name)


def pytest_addoption(parser):
    group = parser.getgroup("fpconform")
    group.addoption("--fpconform-report", metavar="DIR", default=None,
                    help="write each test's fpconform checks as a JSON report DIR/<test id>.json")


def pytest_configure(config):
    config._fpconform_results = []  # (test id, status lines)


@pytest.fixture
def fpconform(request):
    recorder = _Recorder()
    yield _FixtureNamespace(recorder)
    if not recorder.reports:
        return
    report = _fpconform.Report.merged(recorder.reports)
    request.config._fpconform_results.append((request.node.nodeid, report.status_lines()))
    directory = request.config.getoption("--fpconform-report")
    if directory:
        import pathlib

        out = pathlib.Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        report.write(out / (_file_name(request.node.nodeid) + ".json"))


def _file_name(nodeid):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:200]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    results = getattr(config, "_fpconform_results", [])
    if not results:
        return
    terminalreporter.section("fpconform")
    for nodeid, lines in results:
        for line in lines:
            terminalreporter.write_line(f"{nodeid}: {line}")
    directory = config.getoption("--fpconform-report")
    if directory:
        terminalreporter.write_line(f"reports in {directory}")
