#!/usr/bin/env bash
# The whole test suite: install what is missing, build with warnings as errors, run CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
preset="${FPC_TEST_PRESET:-ci}"
dir="$(./scripts/build.sh "$preset")"
ctest --test-dir "$dir" --output-on-failure -j "${FPC_JOBS:-$(nproc)}"
