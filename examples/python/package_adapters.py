"""The library adapters, which live in the fpconform Python package (python/fpconform/adapters/),
loaded straight from the repository's sources so that these file-protocol drivers run without
the package being built or installed (the adapters need only numpy and their library)."""

import importlib
import importlib.util
import pathlib
import sys

ADAPTERS_DIR = pathlib.Path(__file__).resolve().parents[2] / "python" / "fpconform" / "adapters"
PACKAGE = "fpconform_adapters"


def package():
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(PACKAGE, ADAPTERS_DIR / "__init__.py",
                                                      submodule_search_locations=[str(ADAPTERS_DIR)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = module
        spec.loader.exec_module(module)
    return sys.modules[PACKAGE]


def load(name):
    """The adapter module fpconform.adapters.<name> (ml_dtypes, jax, torch, bitsandbytes, torchao, torchao_nvfp4)."""
    package()
    return importlib.import_module(f"{PACKAGE}.{name}")


def unsupported():
    """The exception an adapter raises for a check its library cannot run on this backend."""
    return package().Unsupported
