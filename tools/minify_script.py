"""A Python script as the DR runbook carries it: minified by python-minifier, as esbuild minifies the
functions' TypeScript, so the template's 51,200 bytes hold it; the file keeps its names, comments and
docstrings. The generator (generator/shared/runbook.ts) runs this file with the script on stdin; the
tests of automation/dr/ load each script through minify() too, so they run the code the runbook runs.
"""
import json
import sys

import python_minifier


def minify(source):
    # Every name is shortened but `handler`, which aws:executeScript calls, and the two the tests of
    # automation/dr/ reach: `time`, which they replace with their clock, and `snapshot_id`. Literals stay
    # where they are used (no hoisting), so an operator reading the script in the console still sees each
    # key, tag and message in place. Statements share a line where they can: each line costs the
    # template its indentation.
    code = python_minifier.minify(source, remove_literal_statements=True, rename_globals=True, hoist_literals=False,
                                  preserve_globals=["handler", "time", "snapshot_id"], prefer_single_line=True)
    # One space a level instead of a tab, the same byte: a tab inside the template's YAML block is legal
    # but easy to break, and Python reads either.
    lines = [" " * (len(line) - len(line.lstrip("\t"))) + line.lstrip("\t") for line in code.split("\n")]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--json"]:
        # Many scripts for one start of Python: {"name": source, ...} in, {"name": minified, ...} out.
        json.dump({name: minify(source) for name, source in json.load(sys.stdin).items()}, sys.stdout)
    else:
        sys.stdout.write(minify(sys.stdin.read()))
