#!/usr/bin/env bash
# The real libraries, all of them, in one command (docs/python.md, docs/ecosystem-results.md):
#   1. a virtual environment with python/requirements-ecosystem.txt (ml_dtypes, jax[cpu], torch,
#      torchao, bitsandbytes, numpy: exact versions; torch from PyPI brings its CUDA wheels, GBs)
#      and the fpconform package built from this checkout;
#   2. the package tests with every library present (python/tests: ml_dtypes, jax, torch adapters);
#   3. the block adapters through the file protocol (bitsandbytes, torchao MX, torchao NVFP4) and
#      the bitsandbytes short-last-block comparison;
#   4. every finding's reproduction (findings/repro/): which still reproduce on these versions.
# Results and versions go to $OUT/results.md (default reports/ecosystem/), one line per step.
#
#   scripts/ecosystem-check.sh                  # everything (downloads several GB the first time)
#   FPC_ECOSYSTEM_REQUIREMENTS=python/requirements-ci.txt scripts/ecosystem-check.sh   # CI's set only
#   FPC_ECOSYSTEM_VENV=/opt/venv-eco scripts/ecosystem-check.sh                         # reuse a venv
# Exit 0 when every step came out as expected, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${FPC_ECOSYSTEM_VENV:-$root/build/ecosystem-venv}"
requirements="${FPC_ECOSYSTEM_REQUIREMENTS:-python/requirements-ecosystem.txt}"
out="${FPC_ECOSYSTEM_OUT:-$root/reports/ecosystem}"
mkdir -p "$out"
results="$out/results.md"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
fi
failures=0
line() { echo "$*" | tee -a "$results"; }
step() {  # step NAME EXPECTED_RC COMMAND...: runs it, logs to $out/NAME.log, records the outcome
  local name=$1 expected=$2; shift 2
  local t0=$(date +%s) rc
  "$@" >"$out/$name.log" 2>&1; rc=$?
  local verdict="ok"
  if [ "$expected" = any ]; then verdict="rc $rc"
  elif [ "$rc" != "$expected" ]; then verdict="UNEXPECTED rc $rc"; failures=$((failures + 1)); fi
  line "| $name | $verdict | $(( $(date +%s) - t0 )) s | $(tail -n 1 "$out/$name.log" | tr '|' '/' | cut -c1-160) |"
  return $rc
}

: >"$results"
line "# Ecosystem check $(date -u +%Y-%m-%dT%H:%MZ), fpconform $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
line ""
t0=$(date +%s)
if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then rm -rf "$venv"; python3 -m venv "$venv" || { echo "ecosystem-check: cannot create $venv" >&2; exit 2; }; fi
py="$venv/bin/python"
"$py" -m pip install --quiet -r "$requirements" >"$out/install.log" 2>&1 || { tail -5 "$out/install.log"; exit 2; }
"$py" -m pip install --quiet --no-build-isolation -C build-dir="$venv/fpconform-build" ./python >>"$out/install.log" 2>&1 || { tail -5 "$out/install.log"; exit 2; }
line "Environment ($requirements) and package installed in $(( $(date +%s) - t0 )) s; $(du -sh "$venv" | cut -f1) on disk."
line ""
line '```'
"$py" - <<'PY' | tee -a "$results"
import importlib, platform
print("python", platform.python_version(), platform.machine())
for name in ("numpy", "ml_dtypes", "jax", "jaxlib", "torch", "torchao", "bitsandbytes", "fpconform"):
    try:
        m = importlib.import_module(name)
        print(f"{name} {getattr(m, '__version__', '?')}")
    except Exception as e:  # not installed in this set, or fails to import
        print(f"{name}: not available ({type(e).__name__})")
PY
line '```'
line ""
line "| step | outcome | time | last line |"
line "| --- | --- | --- | --- |"
fpc="$("$py" -c 'import fpconform._cli as c; print(c.executable())')"
step package-tests 0 bash -c "cd python/tests && '$py' -m pytest -q -p no:cacheprovider -rs ."
# The raw block differences through the file protocol. torchao's differ on the blocks its findings
# predict, so their exit status is recorded, not judged: the verdict with the block-level known
# deviations is the package tests' (test_adapters.py, check_block_plan).
step blocks-bitsandbytes 0 "$py" examples/python/check_blocks_with_fpconform.py --adapter bitsandbytes --fpconform "$fpc"
for adapter in torchao torchao_nvfp4; do
  step "blocks-$adapter" any "$py" examples/python/check_blocks_with_fpconform.py --adapter "$adapter" --fpconform "$fpc"
done
step bnb-short-last-blocks 0 "$py" examples/python/bnb_short_last_blocks.py --fpconform "$fpc"

line ""
line "| finding | status in registry | reproduces here |"
line "| --- | --- | --- |"
for md in findings/*.md; do
  [ "$(basename "$md")" = README.md ] && continue
  id=$(basename "$md" .md)
  status=$(sed -n 's/^status: //p' "$md" | head -1)
  repro=$(sed -n 's/^reproduction: //p' "$md" | head -1)
  log="$out/repro-$id.log"
  case "$repro" in
    *.py) "$py" "$repro" >"$log" 2>&1; rc=$? ;;
    *.cpp)
      cuda_inc="${CUDA_HOME:-/usr/local/cuda}/include"
      if [ -f "$cuda_inc/cuda_bf16.h" ]; then
        g++ -std=c++17 -I"$cuda_inc" "$repro" -o "$out/repro-$id" >"$log" 2>&1 && "$out/repro-$id" >>"$log" 2>&1; rc=$?
      else echo "no CUDA headers in $cuda_inc" >"$log"; rc=77; fi ;;
    *) echo "unknown reproduction $repro" >"$log"; rc=2 ;;
  esac
  case $rc in
    1) seen="yes" ;; 0) seen="no" ;; 77) seen="skipped: $(tail -n 1 "$log" | cut -c1-80)" ;; *) seen="ERROR rc $rc"; failures=$((failures + 1)) ;;
  esac
  # An open finding that no longer reproduces needs its file updated (a fixed one reproduces on
  # versions before the fix: compare the version its reproduction prints with `affected`).
  if [ "$status" = open ] && [ "$rc" = 0 ]; then
    seen="$seen (registry says $status: update findings/$id.md)"
  fi
  line "| $id | $status | $seen: $(grep -v '^\s*$' "$log" | tail -n 1 | tr '|' '/' | cut -c1-140) |"
done
line ""
line "ecosystem-check: $failures unexpected; logs in $out"
[ "$failures" = 0 ]
