#!/usr/bin/env bash
# Builds and installs the Python package from this checkout (python/, docs/python.md) into the
# current python3, then runs its tests (python/tests: the oracle API, in-process checks, the
# pytest plugin, the ml_dtypes and jax adapters, the findings registry). Expects the packages of
# python/requirements-ci.txt (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
# ccache (when present) makes a rebuild after the CMake build above mostly cache hits.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}" CMAKE_C_COMPILER_LAUNCHER="${CMAKE_C_COMPILER_LAUNCHER:-ccache}"
fi
start=$(date +%s)
# --no-build-isolation: the pinned scikit-build-core and nanobind already installed, no download.
python3 -m pip install --quiet --no-build-isolation ./python 2>/dev/null ||
  python3 -m pip install --quiet --no-build-isolation --break-system-packages ./python
echo "python-test: package built and installed in $(( $(date +%s) - start )) s"
# Run from outside the checkout so that the installed package (not python/fpconform) is imported.
cd python/tests
exec python3 -m pytest -q -p no:cacheprovider .
