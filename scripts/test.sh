#!/usr/bin/env bash
# The whole test suite: install what is missing, build with warnings as errors, run CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
preset="${FPC_TEST_PRESET:-ci}"
dir="$(./scripts/build.sh "$preset")"
ctest --test-dir "$dir" --output-on-failure -j "${FPC_JOBS:-$(nproc)}"
# The Python package (docs/python.md): built from this checkout by pip (scikit-build-core, the
# same CMake libraries), then its tests, which include the ml_dtypes and jax checks
# (FPC_TEST_PYTHON=0 skips it).
if [ "${FPC_TEST_PYTHON:-1}" != 0 ]; then
  ./scripts/python-test.sh
fi
# Fuzzing (docs/fuzzing.md): the fuzz targets built with clang + libFuzzer + ASan/UBSan, each fuzzed
# briefly from corpus/, the corpus replayed, and the planted bug found (FPC_TEST_FUZZ=0 skips it).
if [ "${FPC_TEST_FUZZ:-1}" != 0 ]; then
  fuzz_dir="$(./scripts/build.sh fuzz)"
  ctest --test-dir "$fuzz_dir" -L fuzz --output-on-failure -j "${FPC_JOBS:-$(nproc)}"
fi
