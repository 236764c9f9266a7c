#!/usr/bin/env bash
# The main job: install what is missing, build, run the oracle's self-check (golden vectors
# from the specifications and shared/SEEDS.md) and write its JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
bin="$(./scripts/build.sh release)/harness/fpconform"
mkdir -p reports
report="${FPC_REPORT:-reports/selfcheck.json}"
echo "== fpconform convert --to float8_e4m3fn --rounding rne 3.14"
"$bin" convert --to float8_e4m3fn --rounding rne 3.14
echo "== fpconform info bfloat16"
"$bin" info bfloat16
echo "== fpconform selfcheck --report $report"
"$bin" selfcheck --report "$report"
