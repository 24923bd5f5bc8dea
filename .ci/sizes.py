#!/usr/bin/env python3
"""Small pieces: no Rust file over 800 lines, no function over 80.

Counts every .rs file of src/, tests/, examples/, benches/, python/src/ and
fuzz/fuzz_targets/; a function runs from its `fn` line to the closing brace
at its own indentation. Prints the offenders and exits 1 if there are any.

usage: python3 .ci/sizes.py
"""
import glob
import re
import sys

MAX_FILE = 800
MAX_FN = 80
DIRS = ["src", "tests", "examples", "benches", "python/src", "fuzz/fuzz_targets"]
FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def functions(lines):
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m or line.rstrip().endswith(";"):
            continue
        indent = m.group(1)
        j = i + 1
        while j < len(lines):
            l = lines[j]
            if l.startswith(indent + "}") and len(l) - len(l.lstrip()) == len(indent):
                break
            j += 1
        yield m.group(7), i + 1, j - i + 1


def main():
    bad = []
    for d in DIRS:
        for path in sorted(glob.glob(f"{d}/**/*.rs", recursive=True)):
            lines = open(path, encoding="utf-8").read().split("\n")
            if len(lines) - 1 > MAX_FILE:
                bad.append(f"{path}: {len(lines) - 1} lines (most {MAX_FILE})")
            for name, line, n in functions(lines):
                if n > MAX_FN:
                    bad.append(f"{path}:{line}: fn {name} is {n} lines (most {MAX_FN})")
    for b in bad:
        print(b)
    print(f"sizes: {len(bad)} file(s) or function(s) too long")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
