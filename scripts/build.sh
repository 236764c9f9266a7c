#!/usr/bin/env bash
# Configures and builds one CMake preset (default: "default"); prints the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
jobs="${FPC_JOBS:-$(nproc)}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs" >&2
echo "build/$preset"
