#!/usr/bin/env bash
# cfn-lint (AWS's linter, the one of record) and checkov (security checks) on
# every templates/* file. Each tool runs once over all the templates (one
# process start each, not one per file); test/lint_results.py then splits
# their reports into one result per template and tool in build/lint.txt
# ("pass" or "fail", then the tool and the file). The exit status is 1 if
# any failed. checkov runs offline: --skip-download and BC_SKIP_MAPPING keep
# it from calling its vendor's API, so nothing leaves the machine.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
rm -f build/lint.txt build/cfn-lint.txt build/checkov.json

templates=()
for template in templates/*; do [ -f "$template" ] && templates+=("$template"); done
if [ "${#templates[@]}" -eq 0 ]; then
  echo "no templates under templates/: run make template"; echo fail > build/lint.txt; exit 1
fi

.venv/bin/cfn-lint --format parseable "${templates[@]}" > build/cfn-lint.txt
cfn_lint_status=$?
checkov_files=()
for template in "${templates[@]}"; do checkov_files+=(-f "$template"); done
# JSON with every check (passed ones too), so a file checkov did not read shows.
BC_SKIP_MAPPING=TRUE .venv-checkov/bin/checkov --skip-download --framework cloudformation \
  "${checkov_files[@]}" -o json > build/checkov.json
checkov_status=$?

.venv/bin/python test/lint_results.py --cfn-lint build/cfn-lint.txt --cfn-lint-status "$cfn_lint_status" \
  --checkov build/checkov.json --checkov-status "$checkov_status" --out build/lint.txt "${templates[@]}"
