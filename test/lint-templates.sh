#!/usr/bin/env bash
# cfn-lint (AWS's linter, the one of record), checkov and cfn-guard (security
# checks) on every templates/* file. Each tool runs once over all the templates
# (one process start each, not one per file); test/lint_results.py then splits
# their reports into one result per template and tool in build/lint.txt
# ("pass" or "fail", then the tool and the file). The exit status is 1 if
# any failed. checkov runs offline: --skip-download and BC_SKIP_MAPPING keep
# it from calling its vendor's API, so nothing leaves the machine. cfn-guard
# and its rules (AWS Control Tower's proactive controls) come from the npm
# package @cdklabs/cdk-validator-cfnguard, installed in tools/cfn-guard.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
rm -f build/lint.txt build/cfn-lint.txt build/checkov.json build/cfn-guard.json

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

# The package ships a binary per system and machine: bin/ubuntu or bin/macos, x86_64 or aarch64.
guard_package=tools/cfn-guard/node_modules/@cdklabs/cdk-validator-cfnguard
case "$(uname -s)" in Darwin) guard_os=macos ;; *) guard_os=ubuntu ;; esac
case "$(uname -m)" in arm64 | aarch64) guard_arch=aarch64 ;; *) guard_arch=x86_64 ;; esac
guard_data=()
for template in "${templates[@]}"; do guard_data+=(-d "$template"); done
# -z: one JSON list with one report per template, its "name" the template's path.
"$guard_package/bin/$guard_os/$guard_arch/cfn-guard" validate "${guard_data[@]}" \
  -r "$guard_package/rules/control-tower/cfn-guard" -S none -o json -z > build/cfn-guard.json
guard_status=$?

.venv/bin/python test/lint_results.py --cfn-lint build/cfn-lint.txt --cfn-lint-status "$cfn_lint_status" \
  --checkov build/checkov.json --checkov-status "$checkov_status" \
  --cfn-guard build/cfn-guard.json --cfn-guard-status "$guard_status" --out build/lint.txt "${templates[@]}"
