#!/usr/bin/env python3
"""Count the CJK string and char literals in library code outside tests.

Word lists live in data files (data/words/words.toml, rules/, data/lexicons/);
what code may keep are the characters a grammar needs: numerals, the
punctuation classes of sentence and clause ends, the date grammar's 年/月/日.
This script lists every CJK literal in src/ (comments and the `#[cfg(test)]`
module that ends a file are skipped) and fails when there are more than
BUDGET, so a new word list in code is seen in review.

usage: python3 .ci/cjk_literals.py [--list]
"""
import glob
import re
import sys

# 70: the document-date gate checks 月 and 日 (date grammar)
BUDGET = 70
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
LITERAL = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)'")


def literals(path):
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if re.match(r"\s*#\[cfg\(test\)\]", line):
            return
        code = line.strip()
        if code.startswith("//"):
            continue
        code = re.split(r"\s//", line)[0]
        for lit in LITERAL.findall(code):
            if CJK.search(lit):
                yield n, lit


def main():
    found = []
    for path in sorted(glob.glob("src/**/*.rs", recursive=True)):
        found += [(path, n, lit) for n, lit in literals(path)]
    if "--list" in sys.argv:
        for path, n, lit in found:
            print(f"{path}:{n}: {lit}")
    print(f"CJK literals in library code outside tests: {len(found)} (budget {BUDGET})")
    sys.exit(1 if len(found) > BUDGET else 0)


if __name__ == "__main__":
    main()
