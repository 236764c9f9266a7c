"""The library adapters run in-process (fpconform.adapters.check_plan): every planned check must
come out as the oracle says — pass, or fail on exactly the cases its known deviation predicts.
ml_dtypes and jax run in CI (python/requirements-ci.txt); torch only where installed."""

import pytest

from fpconform.adapters import BLOCK_ADAPTERS, check_block_plan, check_plan, load

# Checks that fail on cases no adapter predicts yet: each is a registered finding. strict=True:
# the test fails as soon as one of them passes (the finding is then fixed or the plan changed).
UNPREDICTED = {
    ("jax", "convert_float64_to_bfloat16_boundary"): "findings/jax-float64-narrow-through-float32.md",
    ("jax", "convert_float64_to_float8_e8m0fnu_boundary"): "findings/jax-float64-narrow-through-float32.md",
    # torch 2.15.0 on the CPU (docs/ecosystem-results.md); the adapter predicts none of these yet.
    **{("torch", f"convert_float64_to_{t}_boundary"): "findings/torch-float64-narrow-through-float32.md"
       for t in ("float16", "bfloat16", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e4m3fn")},
    ("torch", "convert_float32_to_float8_e4m3fn_boundary"): "findings/torch-float8-e4m3fn-cast-saturates.md",
}


def _results(library):
    adapter = load(library)
    why = adapter.unavailable()
    if why:
        pytest.skip(why)
    return list(check_plan(library))


@pytest.fixture(scope="module")
def ml_dtypes_results():
    return _results("ml_dtypes")


@pytest.fixture(scope="module")
def jax_results():
    return _results("jax")


def _assert_as_oracle_says(library, results):
    assert results, "the adapter planned no checks"
    wrong = [r.line() for r in results
             if r.status not in ("PASS", "KNOWN", "UNSUP") and (library, r.name) not in UNPREDICTED]
    assert not wrong, "\n".join(wrong)
    for (lib, name), finding in UNPREDICTED.items():
        if lib != library:
            continue
        r = next((r for r in results if r.name == name), None)
        assert r is not None and r.status == "FAIL", f"{name} no longer fails: update {finding}"


def test_ml_dtypes_every_check_as_the_oracle_says(ml_dtypes_results):
    _assert_as_oracle_says("ml_dtypes", ml_dtypes_results)
    assert not [r for r in ml_dtypes_results if r.status == "UNSUP"]
    assert sum(r.status == "KNOWN" for r in ml_dtypes_results) >= 1  # the known deviations still show


def test_jax_every_check_as_the_oracle_says(jax_results):
    _assert_as_oracle_says("jax", jax_results)


def test_torch_every_check_as_the_oracle_says():
    results = _results("torch")
    _assert_as_oracle_says("torch", results)


@pytest.mark.parametrize("library", BLOCK_ADAPTERS)
def test_block_adapter_every_check_as_the_oracle_says(library):
    """Block-level known deviations: a block check that differs only on the blocks a registered
    finding predicts is KNOWN (each predicted block differs, every other block is bit-exact)."""
    adapter = load(library)
    why = adapter.unavailable()
    if why:
        pytest.skip(why)
    results = list(check_block_plan(library, device="cpu", quick=library == "torchao"))
    _assert_as_oracle_says(library, results)
