"""Adapters: one module per library, each knowing which checks to run on it, how to compute a
check's cases with the library, and the deviations from its declared semantics that are known,
each with an exact prediction of the failing cases.

Element adapters (ml_dtypes, jax, torch) provide NAME, unavailable() (None, or why it cannot run
here), version(), plan() (the `fpconform cases` arguments of every check), compute(cases) (the
result codes, one per case; `cases` has .semantics, .inputs (operand code arrays), .op,
.in_format, .out_format, .count) and KNOWN_DEVIATIONS (predicate on the semantics, explanation,
predictor of the failures by class). torch and jax also take select_device("cpu" | "cuda" | None).
Block adapters (bitsandbytes, torchao, torchao_nvfp4) compute block cases (see their modules).

Both ways of running them share these modules: in-process with check_plan() below (the pytest
tests, scripts/ecosystem-check.sh), and through the file protocol with
examples/python/check_with_fpconform.py, which loads them from the sources without the package.
This file imports nothing from fpconform at module level so that the file-protocol drivers can.
"""

import importlib
import re

ELEMENT_ADAPTERS = ("ml_dtypes", "jax", "torch")
BLOCK_ADAPTERS = ("bitsandbytes", "torchao", "torchao_nvfp4")


class Unsupported(Exception):
    """The library cannot run this check here (e.g. XLA has no FP6 conversion on this backend)."""


def load(name):
    """The adapter module fpconform.adapters.<name>."""
    if name not in ELEMENT_ADAPTERS + BLOCK_ADAPTERS:
        raise ValueError(f"no adapter {name!r} (one of {', '.join(ELEMENT_ADAPTERS + BLOCK_ADAPTERS)})")
    return importlib.import_module(f"{__name__}.{name}")


def _ready(name, device):
    """The adapter `name`, on `device`; Unsupported when its library cannot run here."""
    adapter = load(name)
    why_not = adapter.unavailable()
    if why_not:
        raise Unsupported(why_not)
    if hasattr(adapter, "select_device"):
        adapter.select_device(device)
    return adapter


def check_name(spec):
    """'convert_float32_to_bfloat16_boundary' from `fpconform cases` arguments."""
    flags = [x[2:] for i, x in enumerate(spec) if x.startswith("--") and (i + 1 == len(spec) or spec[i + 1].startswith("--"))]
    rest = [x for x in spec if x[2:] not in flags]
    a = dict(zip(rest[::2], rest[1::2]))
    name = f"{a['--op']}_{a['--from']}"
    if a["--op"] == "convert" or a["--to"] != a["--from"]:
        name += f"_to_{a['--to']}"
    if a.get("--rounding", "rne") != "rne":
        name += "_" + a["--rounding"]
    return "_".join([name, *flags, a["--cases"].replace(":", "")])


def semantics_of(spec):
    """The semantics object of `fpconform cases` arguments, and the cases label."""
    import fpconform

    flags = {x[2:] for i, x in enumerate(spec) if x.startswith("--") and (i + 1 == len(spec) or spec[i + 1].startswith("--"))}
    rest = [x for x in spec if x[2:] not in flags]
    a = dict(zip(rest[::2], rest[1::2]))
    sem = fpconform.semantics(a["--op"], a["--from"], a["--to"], a.get("--rounding", "rne"), "saturate" in flags,
                              a.get("--inf-under-saturation", "max"), a.get("--nan-policy", "unpinned"),
                              "ftz" in flags, "daz" in flags, int(a.get("--sr-bits", 0)))
    return sem, a["--cases"]


class InProcessCases:
    """Every case of one check, as the adapters' compute() and predictors read them."""

    def __init__(self, semantics, inputs):
        self.semantics = semantics
        self.inputs = inputs
        self.count = len(inputs[0]) if inputs else 0

    op = property(lambda self: self.semantics["op"])
    in_format = property(lambda self: self.semantics["in"])
    out_format = property(lambda self: self.semantics["out"])


class PlannedResult:
    """How one planned check came out: status is PASS, KNOWN (failed exactly as predicted), FAIL
    (failed where not predicted, or not as predicted), UNSUP (the library cannot run it here)."""

    def __init__(self, name, status, report=None, got=None, predicted=None, why="", detail=""):
        self.name, self.status, self.report = name, status, report
        self.got, self.predicted, self.why, self.detail = got or {}, predicted or {}, why, detail

    def line(self):
        tail = ""
        if self.report is not None and self.report.checks:
            c = self.report.checks[0]["counts"]
            tail = f"{c['cases']} cases"
        elif self.report is not None and self.report.block_checks:
            tail = f"{self.report.block_checks[0]['distances'][0]['blocks']} blocks"
        if self.status == "KNOWN":
            tail += f", failed {self.got} as predicted: {self.why}"
        elif self.status == "FAIL":
            tail += f", failed {self.got}, predicted {self.predicted}" + (f" ({self.why})" if self.why else "")
            tail += "; " + self.detail if self.detail else ""
        elif self.status == "UNSUP":
            tail = self.detail
        return f"{self.status:6} {self.name}  {tail}"


def check_plan(name, only=None, device=None):
    """Runs every check the element adapter `name` plans, in-process against the oracle; yields
    a PlannedResult per check. A check comes out as the oracle says when it passes, or when it
    is a known deviation and fails on exactly the predicted cases (same count in every class)."""
    import json

    from fpconform import _core
    from fpconform.check import check_codes

    adapter = _ready(name, device)
    for spec in adapter.plan():
        check = check_name(spec)
        if only and not re.search(only, check):
            continue
        sem, label = semantics_of(spec)
        inputs = list(_core.case_operands(json.dumps(sem), label, 1))
        cases = InProcessCases(sem, inputs)
        try:  # one batch: compute() sees every case, as through the file protocol
            report = check_codes(lambda arrays: adapter.compute(InProcessCases(sem, arrays)), sem, label,
                                 batch_size=max(1, cases.count), name=adapter.NAME, entry=adapter.version())
        except Unsupported as e:
            yield PlannedResult(check, "UNSUP", detail=str(e))
            continue
        got = report.failed_by_class
        deviation = next((d for d in getattr(adapter, "KNOWN_DEVIATIONS", []) if d[0](sem)), None)
        first = first_counterexample(report.checks[0])
        if deviation is None:
            yield PlannedResult(check, "PASS" if report.passed else "FAIL", report, got, {}, "", first)
            continue
        predicted = {c: n for c, n in deviation[2](cases).items() if n}
        if got == predicted:
            yield PlannedResult(check, "KNOWN" if got else "PASS", report, got, predicted, deviation[1])
        else:
            yield PlannedResult(check, "FAIL", report, got, predicted, deviation[1], first)


def first_counterexample(check):
    """The first kept counterexample of a check (a report's check object), as one line."""
    ex = check.get("counterexamples", [])
    if not ex:
        return ""
    e = ex[0]
    inputs = ", ".join(f"{i['code']} [{i['exact']}]" for i in e["inputs"])
    return (f"{e['class']}: ({inputs}) -> got {e['actual']['code']} [{e['actual']['exact']}], "
            f"expected {e['expected']['code']} [{e['expected']['exact']}]")


def _block_claims(spec):
    """check_blocks' keyword arguments from `fpconform cases --scheme ...` arguments."""
    a = dict(zip(spec[::2], spec[1::2]))
    claims = {"scheme": a["--scheme"], "reference": a.get("--reference", "ideal"),
              "blocksize": int(a.get("--blocksize", 0)), "cases": a["--cases"]}
    for option, key in (("--scale-rule", "scale_rule"), ("--rounding", "rounding"), ("--tensor-amax", "tensor_amax")):
        if option in a:
            claims[key] = a[option]
    return claims


class InProcessBlocks:
    """The blocks of one block check, as the block adapters' compute() reads them (the fields of
    the file protocol's BlockCases it uses)."""

    def __init__(self, values, claims):
        self.values = values
        self.scheme = claims["scheme"]
        self.reference = claims["reference"]
        self.block_count, self.blocksize = values.shape
        self.sidecar = {k: claims[k] for k in ("scale_rule", "rounding", "tensor_amax") if k in claims}


def _reference_block(values, claims):
    """The claimed reference's answer for one block, quantized as a tensor of its own (as the block
    checker does): (element codes, scale code)."""
    import fpconform

    import numpy as np

    q = fpconform.quantize(values, claims["scheme"], reference=claims["reference"], blocksize=len(values),
                           scale_rule=claims.get("scale_rule"), rounding=claims.get("rounding"),
                           tensor_amax=claims.get("tensor_amax"))
    return np.asarray(q["codes"]).astype(np.uint64).reshape(-1), int(np.asarray(q["scale_codes"])[0])


def check_block_plan(name, only=None, device=None, quick=False):
    """Runs every block check the block adapter `name` plans, in-process (fpconform.check_blocks);
    yields a PlannedResult per check. A check comes out as the oracle says when every block agrees
    bit for bit with the claimed reference, or when the blocks that differ are exactly those the
    adapter's KNOWN_DEVIATIONS (each explained by a finding, findings/) predict: every predicted
    block differs from the reference, and with the predicted blocks answered by the reference the
    check passes (so nothing else differs). Anything else is FAIL."""
    import numpy as np

    import fpconform

    adapter = _ready(name, device)
    for spec in adapter.plan(quick=quick):
        claims = _block_claims(spec)
        check = "_".join([claims["scheme"], claims["reference"], *[str(claims[k]) for k in
                          ("scale_rule", "blocksize", "tensor_amax") if claims.get(k)], claims["cases"].replace(":", "")])
        if only and not re.search(only, check):
            continue
        seen = {}

        def library(values):
            codes, scales = adapter.compute(InProcessBlocks(values, claims))[:2]
            seen.update(values=values.copy(), codes=np.asarray(codes).astype(np.uint64).reshape(values.shape),
                        scales=np.asarray(scales).view(np.uint8 if np.asarray(scales).dtype.itemsize == 1 else
                                                       np.asarray(scales).dtype).astype(np.uint64).reshape(-1))
            return codes, scales

        options = {k: claims[k] for k in ("scale_rule", "rounding", "tensor_amax") if k in claims}
        run = lambda fn: fpconform.check_blocks(fn, claims["scheme"], claims["reference"], claims["blocksize"],  # noqa: E731
                                                claims["cases"], name=adapter.NAME, entry=adapter.version(), **options)
        report = run(library)
        if report.passed:
            yield PlannedResult(check, "PASS", report)
            continue
        deviations = [d for d in getattr(adapter, "KNOWN_DEVIATIONS", []) if d[0](claims)]
        first = report.block_checks[0]["distances"][0].get("first_difference", "") if report.block_checks else ""
        if not deviations or "values" not in seen:
            yield PlannedResult(check, "FAIL", report, detail=first)
            continue
        values = seen["values"]
        predicted = np.zeros(len(values), dtype=bool)
        for d in deviations:
            predicted |= np.asarray(d[2](values, claims), dtype=bool)
        codes, scales = seen["codes"].copy(), seen["scales"].copy()
        not_differing = []
        for b in np.flatnonzero(predicted):
            ref_codes, ref_scale = _reference_block(values[b], claims)
            if np.array_equal(codes[b], ref_codes) and scales[b] == ref_scale:
                not_differing.append(int(b))
            codes[b], scales[b] = ref_codes, ref_scale
        why = "; ".join(d[1] for d in deviations)
        rest = run(lambda _values: (codes, scales))
        got = {"blocks_differing": report.block_checks[0]["distances"][0]["blocks_differing"]}
        want = {"blocks_differing": int(predicted.sum())}
        if rest.passed and not not_differing:
            yield PlannedResult(check, "KNOWN", report, got, want, why)
        else:
            detail = (f"predicted blocks {not_differing[:5]} agree with the reference" if not_differing else
                      "blocks not predicted differ: " + rest.block_checks[0]["distances"][0].get("first_difference", ""))
            yield PlannedResult(check, "FAIL", report, got, want, why, detail)
