#!/usr/bin/env bash
# Installs the Debian packages fpconform builds and tests with, when any is missing.
set -euo pipefail
packages=(cmake g++ make git clang libclang-rt-dev libboost-dev nlohmann-json3-dev libgtest-dev libgmock-dev
          librapidcheck-dev libbenchmark-dev python3-jsonschema python3-pip python3-dev python3-venv)
# python3-jsonschema: tests/test_reports.cpp checks the report schema with it, independently of
# the validator built into 'fpconform report validate'.
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" && return 0
  # A Python module installed another way (pip, a virtualenv) serves as well.
  case "$1" in
    python3-jsonschema) python3 -c "import jsonschema" 2>/dev/null ;;
    python3-pip) python3 -m pip --version >/dev/null 2>&1 ;;
    python3-dev) python3 -c "import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" ;;
    python3-venv) python3 -c "import venv, ensurepip" 2>/dev/null ;;
    *) return 1 ;;
  esac
}
missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# numpy and ml_dtypes (PyPI): the file protocol's ml_dtypes check (CTest file_protocol_ml_dtypes).
if ! python3 -c "import numpy, ml_dtypes" 2>/dev/null; then
  echo "setup: installing numpy and ml_dtypes (pip)"
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  # A Debian python3 is "externally managed" (PEP 668): pip then needs --break-system-packages.
  python3 -m pip install --quiet numpy ml_dtypes 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages numpy ml_dtypes
fi
# The Python package's build and test environment, pinned (python/requirements-ci.txt: numpy,
# ml_dtypes, jax[cpu], pytest, scikit-build-core, nanobind); scripts/test.sh builds the package
# and runs python/tests with it (docs/python.md).
if ! python3 -c "import jax, pytest, nanobind, scikit_build_core, ml_dtypes" 2>/dev/null; then
  echo "setup: installing python/requirements-ci.txt (pip)"
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  python3 -m pip install --quiet -r python/requirements-ci.txt 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages -r python/requirements-ci.txt
fi
