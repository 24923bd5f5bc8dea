#!/usr/bin/env python3
"""Quality gate: run ../shared/eval's scorers on the release binary and fail
when a figure falls below the floor kept in eval/floors.json.

    python3 .ci/gate.py [--bin target/release/examples/extract]

Exit 0 when every floor holds, 1 when one does not or a scorer failed.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def dig(d, dotted):
    for k in dotted.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target/release/examples/extract"))
    args = ap.parse_args()
    floors = json.loads((ROOT / "eval/floors.json").read_text(encoding="utf-8"))
    failures, report = [], []

    out = subprocess.run([sys.executable, str(EVAL / "suites.py"), "all-dev", "--cmd", args.bin, "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    results = {}
    for line in out.stdout.splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        results[r.get("suite")] = r
    for suite, want in floors["suites"].items():
        r = results.get(suite)
        if r is None or r.get("error"):
            failures.append(f"{suite}: no result ({(r or {}).get('error')})")
            continue
        for key, floor in want.items():
            got = dig(r.get("metrics", {}), key)
            report.append(f"{suite:12s} {key:10s} {got!s:>8} (floor {floor})")
            if got is None or got < floor:
                failures.append(f"{suite} {key} = {got}, below the floor {floor}")

    # gold articles: the seed (dev/) and the hand-annotated news dev set (news/)
    cmd = f"{args.bin} --doc-date {{date}} {{file}}"
    for name, folder, key in (("seed", "dev", "score"), ("news", "news", "news")):
        if key not in floors:
            continue
        out = subprocess.run([sys.executable, str(EVAL / "score.py"), "--gold", str(EVAL / folder), "--cmd", cmd, "--json"],
                             capture_output=True, text=True, cwd=ROOT)
        try:
            score = json.loads(out.stdout.strip().splitlines()[-1])
        except (json.JSONDecodeError, IndexError):
            score = {}
            failures.append(f"score.py on {folder}/ printed no summary: {out.stderr.strip()[:300]}")
        for metric, floor in floors[key].items():
            got = dig(score, metric)
            report.append(f"{name:12s} {metric:10s} {got!s:>8} (floor {floor})")
            if got is None or got < floor:
                failures.append(f"{name} {metric} = {got}, below the floor {floor}")

    print("\n".join(report))
    if failures:
        print("QUALITY GATE FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("quality gate: every floor holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
