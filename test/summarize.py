"""Adds up the reports of every suite under build/ into one closing line."""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count(build: Path) -> tuple[int, int]:
    passed = failed = 0
    typecheck = build / "typecheck.txt"
    if typecheck.exists() and typecheck.read_text().strip() == "typecheck-ok":
        passed += 1
    else:
        failed += 1

    jest = build / "jest.json"
    if jest.exists():
        report = json.loads(jest.read_text())
        passed += report["numPassedTests"]
        failed += report["numFailedTests"]
        # A test file that fails to compile or load has no tests but is a failure.
        failed += sum(1 for suite in report["testResults"] if suite["status"] == "failed" and not suite["assertionResults"])
    else:
        failed += 1

    pytest = build / "pytest.xml"
    if pytest.exists():
        root = ET.parse(pytest).getroot()
        suites = [root] if root.tag == "testsuite" else list(root)
        for suite in suites:
            total = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            passed += total - bad - skipped
            failed += bad
    else:
        failed += 1

    # One line per template and tool: "pass cfn-lint templates/x.yaml".
    lint = build / "lint.txt"
    lines = lint.read_text().splitlines() if lint.exists() else ["fail"]
    results = [line.split()[0] for line in lines if line.strip()] or ["fail"]
    passed += results.count("pass")
    failed += sum(1 for result in results if result != "pass")
    return passed, failed


if __name__ == "__main__":
    passed, failed = count(Path(sys.argv[1]))
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
