"""Adapters: each runs the cases of a cases directory through one library (see check_with_fpconform.py).

An adapter module provides NAME, unavailable() (None, or why it cannot run here), version(),
plan() (the `fpconform cases` arguments of every check it runs), compute(cases) (the result codes,
one per case) and KNOWN_DEVIATIONS (predicate on the semantics, explanation, predictor of the
failures by class). torch and jax adapters also take select_device("cpu" | "cuda" | None).
"""


class Unsupported(Exception):
    """The library cannot run this check here (e.g. XLA has no FP6 conversion on this backend)."""
