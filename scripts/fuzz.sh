#!/usr/bin/env bash
# Fuzzes one target with its corpus and dictionary (docs/fuzzing.md).
#   scripts/fuzz.sh TARGET [--seconds N] [--jobs N] [-- LIBFUZZER_FLAGS...]
#   scripts/fuzz.sh --list
# Builds the "fuzz" preset (clang, libFuzzer, ASan + UBSan) when needed. New inputs go to
# fuzz-results/TARGET/corpus, findings (crash-*, timeout-*, oom-*) to fuzz-results/TARGET/;
# corpus/TARGET/ is only read. Exit status: 0 when nothing was found, 1 when something was.
# Environment: FPC_FUZZ_PLUGIN=path/to/plugin.so adds a plugin's ops to the differential target;
# FPC_FUZZ_SUBJECTS=a,b (or "none") chooses its registry subjects.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(differential oracle_fast format_spec value suite report plugin_decl file_protocol block_differential block_file_protocol)
usage() { echo "usage: scripts/fuzz.sh TARGET [--seconds N] [--jobs N] [-- LIBFUZZER_FLAGS...]  (targets: ${targets[*]})" >&2; exit 2; }
[ $# -ge 1 ] || usage
if [ "$1" = "--list" ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
target="$1"
shift
[[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: error: unknown target '$target' (${targets[*]})" >&2; exit 2; }
seconds=60
jobs=1
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] && [[ "$2" =~ ^[0-9]+$ ]] || usage; seconds="$2"; shift 2 ;;
    --jobs) [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage; jobs="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
  esac
done

build="build/fuzz"
if [ ! -x "$build/fuzz/fpc_fuzz_$target" ] || [ -n "${FPC_FUZZ_REBUILD:-}" ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "${FPC_JOBS:-$(nproc)}" --target "fpc_fuzz_$target" >&2
fi

results="fuzz-results/$target"
mkdir -p "$results/corpus"
flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
       -artifact_prefix="$results/")
[ -f "fuzz/$target.dict" ] && flags+=(-dict="fuzz/$target.dict")
if [ "$jobs" -gt 1 ]; then
  # libFuzzer's fork mode: N processes sharing the corpus, surviving crashes to keep looking.
  flags+=(-fork="$jobs" -ignore_crashes=1)
fi
echo "fuzz.sh: $target for ${seconds}s with $jobs job(s); findings under $results/" >&2
set +e
"$build/fuzz/fpc_fuzz_$target" "${flags[@]}" "${extra[@]}" "$results/corpus" "corpus/$target" 2>&1 | tee "$results/log.txt"
rc=${PIPESTATUS[0]}
set -e
found=$(find "$results" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
  echo "fuzz.sh: $target: findings in $results/ (exit $rc); replay one with $build/fuzz/fpc_fuzz_$target FILE," >&2
  echo "         minimise it with -minimize_crash=1 and keep it under corpus/$target/regressions/" >&2
  exit 1
fi
echo "fuzz.sh: $target: nothing found in ${seconds}s" >&2
