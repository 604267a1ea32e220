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


# A CloudFormation YAML template with short-form tags, as make template writes them.
GUARDED_TEMPLATE = """Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Metadata:
      guard:
        SuppressedRules:
        - %(logs)s
    Properties:
      RetentionInDays: 365
  Other:
    Type: AWS::Logs::LogGroup
    Metadata:
      guard:
        SuppressedRules:
        - %(other)s
    Properties:
      LogGroupName: !Sub '${AWS::StackName}-other'
"""


def guard_template(tmp_path, logs="cloudwatch_log_group_encrypted_check", other="lambda_inside_vpc_check"):
    return write(tmp_path, "t.yaml", GUARDED_TEMPLATE % {"logs": logs, "other": other})


def guard_report(template, failed_rules=(), passed=("cloudwatch_alarm_action_check",)):
    """One file's entry in cfn-guard's -z JSON list, its findings nested as cfn-guard nests them."""
    def failure(rule, resource):
        error = "Check was not compliant as property [KmsKeyId] is missing. Value traversed to [Path=/Resources/%s/Properties[L:9,C:6]]" % resource
        return {"Rule": {"name": rule, "checks": [{"Rule": {
            "name": "check",
            "messages": {"custom_message": "\n        [CT.CLOUDWATCH.PR.5]: Require a log group to be encrypted\n"},
            "checks": [{"Block": {"messages": {"error_message": error}}}],
        }}]}}
    return {
        "name": os.path.abspath(template), "status": "FAIL" if failed_rules else "PASS",
        "compliant": list(passed), "not_applicable": [],
        "not_compliant": [failure(rule, resource) for rule, resource in failed_rules],
    }


def guard(tmp_path, reports, status):
    return write(tmp_path, "cfn-guard.json", json.dumps(reports)), status


def test_cfn_guard_fails_a_template_with_a_finding_nothing_suppresses(tmp_path):
    template = guard_template(tmp_path, logs="lambda_inside_vpc_check")
    report = guard(tmp_path, [guard_report(template, [("cloudwatch_log_group_encrypted_check", "Logs")])], 19)
    results = lint_results.guard_results(*report, [template])
    assert results[template] == (
        False, ["cloudwatch_log_group_encrypted_check Logs [CT.CLOUDWATCH.PR.5]: Require a log group to be encrypted"])


def test_cfn_guard_passes_a_finding_its_resource_suppresses_in_metadata(tmp_path):
    template = guard_template(tmp_path)
    report = guard(tmp_path, [guard_report(template, [("cloudwatch_log_group_encrypted_check", "Logs")])], 19)
    assert lint_results.guard_results(*report, [template]) == {template: (True, [])}


@pytest.mark.parametrize("logs, other, resource", [
    ("lambda_inside_vpc_check", "cloudwatch_log_group_encrypted_check", "Logs"),  # suppressed on another resource
    ("cloudwatch_log_group_encrypted_check", "lambda_inside_vpc_check", "Other"),  # another rule suppressed here
])
def test_cfn_guard_suppression_of_another_rule_or_resource_does_not_count(tmp_path, logs, other, resource):
    template = guard_template(tmp_path, logs=logs, other=other)
    report = guard(tmp_path, [guard_report(template, [("cloudwatch_log_group_encrypted_check", resource)])], 19)
    passed, findings = lint_results.guard_results(*report, [template])[template]
    assert (passed, [f.split()[:2] for f in findings]) == (False, [["cloudwatch_log_group_encrypted_check", resource]])


def test_cfn_guard_finding_that_names_no_resource_cannot_be_suppressed(tmp_path):
    template = guard_template(tmp_path)
    entry = guard_report(template)
    entry["not_compliant"] = [{"Rule": {"name": "cloudwatch_log_group_encrypted_check", "checks": []}}]
    passed, findings = lint_results.guard_results(*guard(tmp_path, [entry], 19), [template])[template]
    assert passed is False
    assert findings[0].startswith("cloudwatch_log_group_encrypted_check (names no resource")


def test_cfn_guard_fails_a_template_it_did_not_report_on_or_found_nothing_to_check_in(tmp_path):
    template, unseen = guard_template(tmp_path), str(tmp_path / "unseen.yaml")
    report = guard(tmp_path, [guard_report(template, passed=())], 0)
    results = lint_results.guard_results(*report, [template, unseen])
    assert results[template] == (False, ["no cfn-guard rule applied to it: not read as CloudFormation"])
    assert results[unseen] == (False, ["cfn-guard did not report on it"])


@pytest.mark.parametrize("report, status", [
    (None, 255),  # no report at all
    ("Error occurred Parser Error when parsing", 255),  # not JSON
    ("clean", 255),  # every template clean, but cfn-guard could not read a file or a rule
])
def test_cfn_guard_that_crashed_or_wrote_no_report_fails_every_template(tmp_path, report, status):
    templates = [guard_template(tmp_path), write(tmp_path, "b.json", json.dumps({"Resources": {}}))]
    if report == "clean":
        report = json.dumps([guard_report(t) for t in templates])
    report_file = str(tmp_path / "missing.json") if report is None else write(tmp_path, "g.json", report)
    results = lint_results.guard_results(report_file, status, templates)
    assert [passed for passed, _ in results.values()] == [False, False]


def test_main_writes_one_line_per_template_and_tool(tmp_path):
    cfn = write(tmp_path, "cfn-lint.txt", "")
    templates = [guard_template(tmp_path), write(tmp_path, "b.json", json.dumps({"Resources": {}}))]
    report = {"results": {"passed_checks": [check(t) for t in templates]}}
    guard_json = write(tmp_path, "g.json", json.dumps([guard_report(t) for t in templates]))
    out = tmp_path / "lint.txt"
    status = lint_results.main(
        ["--cfn-lint", cfn, "--cfn-lint-status", "0", "--checkov", write(tmp_path, "c.json", json.dumps(report)),
         "--checkov-status", "0", "--cfn-guard", guard_json, "--cfn-guard-status", "0", "--out", str(out), *templates]
    )
    assert status == 0
    assert out.read_text().splitlines() == [
        "pass %s %s" % (tool, template) for template in templates for tool in ("cfn-lint", "checkov", "cfn-guard")
    ]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__]))
