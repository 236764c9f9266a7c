"""The report of in-process checks: the same JSON (schema fpconform.report/1) that `fpconform run`
and `fpconform check` write, so `fpconform report summary|diff|merge|validate` read it too."""

import json

from . import _core

_FAILING = ("fail", "error")


class Report:
    """One check's (or several checks') report.

    .passed          no check failed or errored (known deviations and skips do not fail)
    .checks          the element checks as report JSON objects; .block_checks the block checks
    .counterexamples the kept counterexamples of every element check (smallest first per class)
    .diagnosis       the alternative semantics that explain every mismatch ("rtz", ...)
    .summary()       the Markdown summary `fpconform report summary` prints
    .to_json()       the report as JSON text; .write(path) writes it
    .assert_ok()     raises AssertionError with the counterexample table and the diagnosis
    """

    def __init__(self, data):
        self._data = data if isinstance(data, dict) else json.loads(data)

    @classmethod
    def merged(cls, reports):
        """One report holding the checks of several (the summary recomputed as `fpconform run` does)."""
        reports = list(reports)
        if len(reports) == 1:
            return reports[0]
        return cls(_core.join_reports([r.to_json() for r in reports]))

    @property
    def data(self):
        return self._data

    @property
    def checks(self):
        return list(self._data.get("checks", []))

    @property
    def block_checks(self):
        return list(self._data.get("block_checks", []))

    @property
    def statuses(self):
        return [c["status"] for c in self.checks + self.block_checks]

    @property
    def passed(self):
        return not any(s in _FAILING for s in self.statuses)

    @property
    def counterexamples(self):
        return [e for c in self.checks for e in c.get("counterexamples", [])]

    @property
    def diagnosis(self):
        """The alternative semantics that explain every mismatch of every check ("rtz", "rna",
        "saturation", "rne via float16 (double rounding)" ...)."""
        return [d for c in self.checks for d in c.get("diagnosis", {}).get("explained_by", [])]

    @property
    def failed_by_class(self):
        """{class: count} over every element check, classes with no failure left out."""
        out = {}
        for c in self.checks:
            for k, n in c["counts"]["failed_by_class"].items():
                if n:
                    out[k] = out.get(k, 0) + n
        return out

    def summary(self):
        return _core.summary_markdown(self.to_json())

    def status_lines(self):
        return _core.status_lines(self.to_json())

    def to_json(self, indent=None):
        return json.dumps(self._data, indent=indent, sort_keys=True)

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json(indent=2) + "\n")

    def validate(self):
        """Schema and consistency errors (empty when the report is valid)."""
        return _core.validate(self.to_json())

    def failure_text(self):
        return "\n\n".join(_core.failure_texts(self.to_json()))

    def assert_ok(self):
        if not self.passed:
            raise AssertionError("fpconform: check failed\n" + self.failure_text())
        return self

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return "<fpconform.Report " + "; ".join(self.status_lines()) + ">"

