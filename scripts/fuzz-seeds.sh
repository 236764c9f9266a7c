#!/usr/bin/env bash
# Rewrites the fuzz seeds corpus/<target>/seed-* with the seed writer (fuzz/seeds.cpp); keeps
# corpus/<target>/regressions/ and every other file. Run after adding subjects, ops or formats.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(./scripts/build.sh "${1:-default}")"
cmake --build "$dir" --target fpc_fuzz_seeds -j "${FPC_JOBS:-$(nproc)}" >&2
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$dir/fuzz/fpc_fuzz_seeds" "$tmp"
for t in "$tmp"/*/; do
  name="$(basename "$t")"
  mkdir -p "corpus/$name"
  find "corpus/$name" -maxdepth 1 -type f -name 'seed-*' -delete
  cp "$t"/seed-* "corpus/$name/"
  echo "corpus/$name: $(find "corpus/$name" -maxdepth 1 -name 'seed-*' | wc -l) seeds" >&2
done
