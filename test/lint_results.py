"""Splits one cfn-lint run and one checkov run over every template into one
result per template and tool, written to build/lint.txt as lines
"pass|fail <tool> <template>", and prints each with its findings.

A template passes cfn-lint when no finding names it. It passes checkov when
checkov checked at least one of its resources and none failed: a file
checkov did not read as CloudFormation is a failure, not a silent pass. A
tool that exited non-zero with no finding at all (a crash) fails every
template.
"""

import argparse
import json
import os
import sys


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cfn-lint", required=True)
    parser.add_argument("--cfn-lint-status", type=int, required=True)
    parser.add_argument("--checkov", required=True)
    parser.add_argument("--checkov-status", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("templates", nargs="+")
    args = parser.parse_args(argv)
    tools = {
        "cfn-lint": cfn_lint_results(args.cfn_lint, args.cfn_lint_status, args.templates),
        "checkov": checkov_results(args.checkov, args.checkov_status, args.templates),
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
