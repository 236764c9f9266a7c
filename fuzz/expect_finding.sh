#!/usr/bin/env bash
# expect_finding.sh TEXT -- COMMAND...: passes when COMMAND fails (a fuzz target's finding aborts
# it) and its output contains TEXT; fails when it exits 0 (nothing found) or says something else.
set -uo pipefail
text="$1"
shift
[ "${1:-}" = "--" ] && shift
out="$("$@" 2>&1)"
rc=$?
if [ "$rc" -eq 0 ]; then
  printf '%s\n' "$out" | tail -n 20
  echo "expect_finding: FAILED: the command found nothing (exit 0); expected: $text"
  exit 1
fi
# A here-string, not a pipe: grep -q exits at the first match and, under pipefail, the writer's
# SIGPIPE on a long fuzzer log would turn a found text into a failure.
if ! grep -qF -- "$text" <<<"$out"; then
  printf '%s\n' "$out" | tail -n 60
  echo "expect_finding: FAILED: exit $rc but the output lacks: $text"
  exit 1
fi
printf '%s\n' "$out" | grep -A 40 -F "==== fpconform fuzz finding ====" | head -n 40
printf '%s\n' "$out" | grep -E "^(#[0-9]+|stat::|Done|INFO: Running)" | tail -n 5
echo "expect_finding: ok: exit $rc with: $text"
