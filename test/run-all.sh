#!/usr/bin/env bash
# Runs every suite and ends with one line "N passed, N failed" over all of them.
# Each suite writes a machine-readable report to build/; a suite that cannot
# produce one counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
rm -f build/jest.json build/pytest.xml build/lint.txt

status=0
run() { echo; echo "== $*"; "$@" || status=1; }

echo; echo "== typecheck"
if npx tsc --noEmit -p .; then echo typecheck-ok > build/typecheck.txt
else echo typecheck-failed > build/typecheck.txt; status=1; fi
run npx jest --json --outputFile=build/jest.json
run .venv/bin/pytest -q --junitxml=build/pytest.xml test/automation
run bash test/lint-templates.sh

.venv/bin/python test/summarize.py build
summary_status=$?
[ "$summary_status" -ne 0 ] && status=1
exit "$status"
