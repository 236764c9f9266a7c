#!/usr/bin/env bash
# The GPU check, as one prepared command for a machine with a CUDA device (docs/cuda.md
# "A GPU session in one command"). It runs binaries built beforehand on a machine without a GPU
# (a Release build links cudart statically and needs only libc/libstdc++ there), so no device
# time goes to building:
#   1. what the machine is (nvidia-smi) and whether the cuda_device subjects are available;
#   2. the quick suite over every subject (cuda_host, cuda_device, the block quantizers ...):
#      device and host path checked against the same oracle on the same cases; then the dot
#      suite over the tensor-core subjects (docs/mma.md): each MMA kernel against its GPU's model;
#   3. the full suite (2^32 sweeps) of the cuda_device subject in shards, each shard its own
#      report, until FPC_DEVICE_SECONDS run out; shards that finished are merged;
#   4. the device unit tests (fpc_tests --gtest_filter='*Device*'), when the test binary is there.
# Everything lands in OUT (default device-out/): reports, summaries, logs.
#
#   FPC=build/perf/harness/fpconform TESTS=build/perf/tests/fpc_tests OUT=/tmp/out \
#     FPC_DEVICE_SECONDS=360 scripts/device-check.sh
#   FPC_DEVICE_STEPS="dot tests" ... scripts/device-check.sh   # the tensor-core dot subjects only
#
# FPC_DEVICE_DRY_RUN=1 runs the steps without a device (to try the script).
# Exit status: 0 when every step that ran passed, 1 when a check failed, 2 when there is no
# CUDA device or a binary is missing (nothing is run then).
set -uo pipefail
FPC="${FPC:-build/perf/harness/fpconform}"
TESTS="${TESTS:-build/perf/tests/fpc_tests}"
OUT="${OUT:-device-out}"
SECONDS_BUDGET="${FPC_DEVICE_SECONDS:-360}"
SHARDS="${FPC_DEVICE_SHARDS:-8}"
THREADS="${FPC_DEVICE_THREADS:-$(nproc)}"

fail() { echo "device-check: error: $*" >&2; exit 2; }
[[ -x "$FPC" ]] || fail "no fpconform binary at $FPC (build one: cmake --preset release && cmake --build --preset release)"
mkdir -p "$OUT" || fail "cannot create $OUT"
start=$(date +%s)
status=0

echo "== machine"
{ nvidia-smi -L || echo "nvidia-smi: not found"; } 2>&1 | tee "$OUT/nvidia-smi.txt"
"$FPC" subjects >"$OUT/subjects.txt" 2>&1 || fail "fpconform subjects failed: $(head -1 "$OUT/subjects.txt")"
device_line=$(grep -E '^cuda_device ' "$OUT/subjects.txt" || true)
echo "$device_line"
if [[ "$device_line" != *" available "* ]]; then
  # FPC_DEVICE_DRY_RUN=1 goes on without a device (every device check then says skipped), to
  # try this script's steps on a machine without a GPU.
  [[ "${FPC_DEVICE_DRY_RUN:-0}" == 1 ]] || fail "the cuda_device subject is not available here: ${device_line:-not built}"
  echo "dry run: no CUDA device, the device checks will be reported skipped"
fi

# FPC_DEVICE_STEPS: which steps run (default all): quick, dot, full, tests. E.g. "dot tests"
# for the tensor-core subjects alone when device time is short.
STEPS=" ${FPC_DEVICE_STEPS:-quick dot full tests} "
step() { [[ "$STEPS" == *" $1 "* ]]; }

if step quick; then
echo "== quick suite, every subject"
"$FPC" run --suite quick --threads "$THREADS" --report "$OUT/quick.json" >"$OUT/quick.log" 2>&1 || status=1
"$FPC" report summary "$OUT/quick.json" >"$OUT/quick-summary.md" 2>&1 || true
grep -E '^(FAIL|ERROR)' "$OUT/quick.log" | head -40
tail -3 "$OUT/quick.log"
fi

if step dot; then
echo "== dot suite, the CUDA tensor-core subjects (mma.sync, wgmma, tcgen05, cuBLASLt FP8), against their GPU's models"
# Those of another architecture than the device's report "skipped" with the reason.
mma_subjects=(cuda_mma_sm80 cuda_mma_sm89 cuda_mma_sm90 cuda_mma_sm100 cuda_wgmma_sm90a cuda_tcgen05_sm100a
              cublaslt_fp8_sm90 cublaslt_fp8_fast_accum_sm90)
"$FPC" run --suite dot "${mma_subjects[@]/#/--subject=}" --report "$OUT/dot-mma.json" >"$OUT/dot-mma.log" 2>&1 || status=1
"$FPC" report summary "$OUT/dot-mma.json" >"$OUT/dot-mma-summary.md" 2>&1 || true
grep -E '^(PASS|FAIL|ERROR)' "$OUT/dot-mma.log" | head -60
tail -1 "$OUT/dot-mma.log"
fi

if step full; then
echo "== full suite of cuda_device, $SHARDS shards, until ${SECONDS_BUDGET}s have passed"
done_shards=()
for ((i = 0; i < SHARDS; ++i)); do
  left=$((SECONDS_BUDGET - ($(date +%s) - start)))
  if ((left < 30)); then
    echo "time is up: shards $i..$((SHARDS - 1)) not run"
    break
  fi
  report="$OUT/full-shard$i.json"
  if timeout "$left" "$FPC" run --suite full --subject cuda_device --shard "$i/$SHARDS" --threads "$THREADS" \
    --report "$report" >"$OUT/full-shard$i.log" 2>&1; then
    done_shards+=("$report")
  elif [[ -s "$report" ]]; then
    done_shards+=("$report")
    status=1
  else
    echo "shard $i/$SHARDS did not finish (timeout or error): $(tail -1 "$OUT/full-shard$i.log")"
  fi
  echo "shard $i/$SHARDS: $(tail -1 "$OUT/full-shard$i.log")"
done
if ((${#done_shards[@]} == SHARDS)); then
  "$FPC" report merge -o "$OUT/full.json" "${done_shards[@]}" && "$FPC" report summary "$OUT/full.json" >"$OUT/full-summary.md"
fi

fi

if step tests && [[ -x "$TESTS" ]]; then
  echo "== device unit tests"
  "$TESTS" --gtest_filter='*Device*' --gtest_brief=1 >"$OUT/device-tests.log" 2>&1 || status=1
  tail -5 "$OUT/device-tests.log"
fi
echo "== done in $(($(date +%s) - start)) s, status $status"
exit "$status"
