"""lint_results.py: one run of each tool, one result per template and tool."""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import lint_results  # noqa: E402

TEMPLATES = ["templates/a.yaml", "templates/b.json"]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def check(path, check_id="CKV_AWS_1"):
    return {"file_path": "/" + path, "file_abs_path": os.path.abspath(path), "check_id": check_id, "resource": "R", "check_name": "n"}


def test_cfn_lint_fails_only_the_template_its_findings_name(tmp_path):
    report = write(tmp_path, "cfn-lint.txt", "templates/b.json:1:2:1:3:E3002:Additional properties\n")
    results = lint_results.cfn_lint_results(report, 2, TEMPLATES)
    assert results["templates/a.yaml"] == (True, [])
    assert results["templates/b.json"][0] is False


def test_cfn_lint_that_crashed_without_a_report_fails_every_template(tmp_path):
    report = write(tmp_path, "cfn-lint.txt", "")
    results = lint_results.cfn_lint_results(report, 32, TEMPLATES)
    assert [passed for passed, _ in results.values()] == [False, False]


def test_checkov_fails_a_template_with_a_failed_check_or_nothing_checked(tmp_path):
    report = {"results": {"passed_checks": [check("templates/a.yaml")], "failed_checks": [], "skipped_checks": []}}
    results = lint_results.checkov_results(write(tmp_path, "c.json", json.dumps(report)), 0, TEMPLATES)
    assert results["templates/a.yaml"] == (True, [])
    assert results["templates/b.json"] == (False, ["checkov found no CloudFormation resource to check in it"])
    report["results"]["failed_checks"] = [check("templates/b.json", "CKV_AWS_26")]
    results = lint_results.checkov_results(write(tmp_path, "c.json", json.dumps(report)), 1, TEMPLATES)
    assert results["templates/b.json"] == (False, ["CKV_AWS_26 R n"])


def test_checkov_without_a_report_fails_every_template(tmp_path):
    results = lint_results.checkov_results(str(tmp_path / "missing.json"), 2, TEMPLATES)
    assert [passed for passed, _ in results.values()] == [False, False]


def test_main_writes_one_line_per_template_and_tool(tmp_path):
    cfn = write(tmp_path, "cfn-lint.txt", "")
    report = {"results": {"passed_checks": [check(t) for t in TEMPLATES]}}
    out = tmp_path / "lint.txt"
    status = lint_results.main(
        ["--cfn-lint", cfn, "--cfn-lint-status", "0", "--checkov", write(tmp_path, "c.json", json.dumps(report)),
         "--checkov-status", "0", "--out", str(out), *TEMPLATES]
    )
    assert status == 0
    assert out.read_text().splitlines() == [
        "pass cfn-lint templates/a.yaml", "pass checkov templates/a.yaml",
        "pass cfn-lint templates/b.json", "pass checkov templates/b.json",
    ]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
