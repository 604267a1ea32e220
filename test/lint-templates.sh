#!/usr/bin/env bash
# cfn-lint (AWS's linter, the one of record) and checkov (security checks) on
# every generated template. Each template and tool is one result in
# build/lint.txt ("pass" or "fail"); the exit status is 1 if any failed.
# checkov runs offline: --skip-download and BC_SKIP_MAPPING keep it from
# calling its vendor's API, so nothing leaves the machine.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
: > build/lint.txt
status=0
record() { # name, command...
  local name=$1; shift
  if "$@"; then echo "$name: clean"; echo pass >> build/lint.txt
  else echo "$name: findings above"; echo fail >> build/lint.txt; status=1; fi
}
for template in templates/*.yaml templates/*.json; do
  record "cfn-lint $template" .venv/bin/cfn-lint "$template"
  record "checkov $template" env BC_SKIP_MAPPING=TRUE .venv-checkov/bin/checkov --quiet --compact \
    --skip-download --framework cloudformation -f "$template"
done
exit "$status"
