"""The findings registry and the adapters' known deviations agree: every KNOWN_DEVIATIONS entry
of an adapter (element adapters and block adapters) is explained by exactly one finding's adapter_deviation field, and every such field
names an entry that exists. Every finding's reproduction exists."""

import pathlib
import re

import pytest

from fpconform.adapters import BLOCK_ADAPTERS, ELEMENT_ADAPTERS, load

ROOT = pathlib.Path(__file__).resolve().parents[2]
FINDINGS = ROOT / "findings"


def fields(path):
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert m, f"{path.name}: no front matter"
    return dict(line.split(":", 1) for line in m.group(1).splitlines() if line.strip()), text


def findings():
    if not FINDINGS.is_dir():
        pytest.skip("findings/ is not beside this checkout of python/tests")
    return {p.name: fields(p)[0] for p in sorted(FINDINGS.glob("*.md")) if p.name != "README.md"}


def test_every_reproduction_exists():
    for name, f in findings().items():
        assert (ROOT / f["reproduction"].strip()).is_file(), name


def test_adapter_known_deviations_agree_with_the_registry():
    declared = {}
    for name, f in findings().items():
        if "adapter_deviation" in f:
            adapter, text = f["adapter_deviation"].strip().split(":", 1)
            declared[(adapter.strip(), text.strip())] = name
    matched = set()
    for adapter_name in ELEMENT_ADAPTERS + BLOCK_ADAPTERS:  # element and block-level deviations alike
        adapter = load(adapter_name)
        for _, why, _ in getattr(adapter, "KNOWN_DEVIATIONS", []):
            hits = [k for k in declared if k[0] == adapter_name and why.startswith(k[1])]
            assert len(hits) == 1, f"{adapter_name} known deviation {why!r}: {len(hits)} findings explain it"
            matched.add(hits[0])
    assert set(declared) == matched, f"findings naming no adapter entry: {set(declared) - matched}"
