#!/usr/bin/env bash
# The main job: install what is missing, build, check the oracle against its golden vectors,
# then run the default conformance suite (quick) and print its summary. Exit status: that of
# the conformance run (0 every check passed, 1 a check failed).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
bin="$(./scripts/build.sh release)/harness/fpconform"
mkdir -p reports
report="${FPC_REPORT:-reports/report.json}"
echo "== fpconform selfcheck --report reports/selfcheck.json"
"$bin" selfcheck --report reports/selfcheck.json
echo "== fpconform run --suite quick --report $report"
status=0
"$bin" run --suite quick --report "$report" | grep -v '^SKIPPED' || status=$?
echo "== fpconform report summary $report"
"$bin" report summary "$report"
exit "$status"
