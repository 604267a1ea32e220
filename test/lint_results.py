"""Splits one cfn-lint run, one checkov run and one cfn-guard run over every
template into one result per template and tool, written to build/lint.txt as
lines "pass|fail <tool> <template>", and prints each with its findings.

A template passes cfn-lint when no finding names it. It passes checkov when
checkov checked at least one of its resources and none failed: a file
checkov did not read as CloudFormation is a failure, not a silent pass. A
tool that exited non-zero with no finding at all (a crash) fails every
template.

It passes cfn-guard when at least one rule applied to it and every rule that
failed is suppressed in the Metadata.guard.SuppressedRules of each resource
the failure names. AWS Control Tower's Guard rules do not read that Metadata
themselves, so the suppression is applied here; a failure that names no
resource cannot be suppressed. cfn-guard exits 0 when every rule passes and
19 when one fails; any other status (it could not read a file or a rule)
fails every template.
"""

import argparse
import json
import os
import re
import sys

import yaml


def cfn_lint_results(report_file, status, templates):
    with open(report_file, encoding="utf-8") as report:
        findings = [line.rstrip("\n") for line in report if line.strip()]
    results = {}
    for template in templates:
        mine = [line for line in findings if line.startswith(template + ":")]
        crashed = status != 0 and not findings
        results[template] = (not mine and not crashed, mine or (["cfn-lint exited %d with no report" % status] if crashed else []))
    return results


def checkov_results(report_file, status, templates):
    try:
        with open(report_file, encoding="utf-8") as report:
            report = json.load(report)
    except (OSError, ValueError) as error:
        return {t: (False, ["checkov exited %d and wrote no report: %s" % (status, error)]) for t in templates}
    reports = report if isinstance(report, list) else [report]
    checked, failed, unparsed = {}, {}, set()
    for each in reports:
        results = each.get("results", {})
        for kind in ("passed_checks", "failed_checks", "skipped_checks"):
            for check in results.get(kind, []):
                path = os.path.abspath(check.get("file_abs_path") or check["file_path"].lstrip("/"))
                checked[path] = checked.get(path, 0) + 1
                if kind == "failed_checks":
                    failed.setdefault(path, []).append("%s %s %s" % (check["check_id"], check["resource"], check["check_name"]))
        unparsed.update(os.path.abspath(p) for p in results.get("parsing_errors", []))
    results = {}
    for template in templates:
        path = os.path.abspath(template)
        if path in unparsed:
            results[template] = (False, ["checkov could not parse it"])
        elif not checked.get(path):
            results[template] = (False, ["checkov found no CloudFormation resource to check in it"])
        else:
            results[template] = (path not in failed, failed.get(path, []))
    return results


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation YAML: a short-form intrinsic (!Ref, !Sub...) is read as its plain value."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: (
    loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode)
    else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node)))


def guard_suppressions(template):
    """{logical id: the cfn-guard rules its Metadata.guard.SuppressedRules names}."""
    with open(template, encoding="utf-8") as text:
        body = yaml.load(text, Loader=_CfnLoader)
    resources = (body or {}).get("Resources") or {}
    return {
        logical_id: set(((resource.get("Metadata") or {}).get("guard") or {}).get("SuppressedRules") or [])
        for logical_id, resource in resources.items()
    }


def _strings(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)
    elif isinstance(value, str):
        yield value


def guard_failures(failed_rule):
    """(rule name, the logical ids its failure names, its control's first line) for one not_compliant entry."""
    rule = failed_rule.get("Rule", {})
    texts = list(_strings(rule))
    resources = sorted({match for text in texts for match in re.findall(r"/Resources/([A-Za-z0-9]+)", text)})
    control = next((line.strip() for text in texts for line in text.splitlines() if line.strip().startswith("[CT.")), "")
    return rule.get("name", "?"), resources, control


def guard_results(report_file, status, templates):
    try:
        with open(report_file, encoding="utf-8") as report:
            reports = json.load(report)
        if not isinstance(reports, list):
            raise ValueError("not a list of file reports")
    except (OSError, ValueError) as error:
        return {t: (False, ["cfn-guard exited %d and wrote no report: %s" % (status, error)]) for t in templates}
    if status not in (0, 19):
        return {t: (False, ["cfn-guard exited %d: it could not read a template or a rule" % status]) for t in templates}
    by_path = {os.path.abspath(each.get("name", "")): each for each in reports}
    results = {}
    for template in templates:
        report = by_path.get(os.path.abspath(template))
        if report is None:
            results[template] = (False, ["cfn-guard did not report on it"])
            continue
        if not report.get("compliant") and not report.get("not_compliant"):
            results[template] = (False, ["no cfn-guard rule applied to it: not read as CloudFormation"])
            continue
        try:
            suppressed = guard_suppressions(template)
        except (OSError, yaml.YAMLError, AttributeError) as error:
            results[template] = (False, ["could not read its Metadata.guard.SuppressedRules: %s" % error])
            continue
        findings = []
        for failed_rule in report.get("not_compliant", []):
            rule, resources, control = guard_failures(failed_rule)
            if not resources:
                findings.append(" ".join([rule, "(names no resource, so nothing can suppress it)", control]).strip())
            findings += [" ".join([rule, r, control]).strip() for r in resources if rule not in suppressed.get(r, ())]
        results[template] = (not findings, findings)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cfn-lint", required=True)
    parser.add_argument("--cfn-lint-status", type=int, required=True)
    parser.add_argument("--checkov", required=True)
    parser.add_argument("--checkov-status", type=int, required=True)
    parser.add_argument("--cfn-guard", required=True)
    parser.add_argument("--cfn-guard-status", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("templates", nargs="+")
    args = parser.parse_args(argv)
    tools = {
        "cfn-lint": cfn_lint_results(args.cfn_lint, args.cfn_lint_status, args.templates),
        "checkov": checkov_results(args.checkov, args.checkov_status, args.templates),
        "cfn-guard": guard_results(args.cfn_guard, args.cfn_guard_status, args.templates),
    }
    lines, ok = [], True
    for template in args.templates:
        for tool, results in tools.items():
            passed, findings = results[template]
            ok = ok and passed
            lines.append("%s %s %s" % ("pass" if passed else "fail", tool, template))
            print("%s %s: %s" % (tool, template, "clean" if passed else "FAILED"))
            for finding in findings:
                print("    " + finding)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
