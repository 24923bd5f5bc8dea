"""Shared test data: sentences written for this project (the time table and
the seed fixture of the repository), never evaluation text."""

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def own_texts():
    """(text, doc_date) pairs: the time table's sentences and the seed's paragraphs."""
    out = []
    with open(ROOT / "tests/data/times.tsv", encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and not row[0].startswith("#") and len(row) >= 3:
                out.append((row[1], row[2]))
    seed = (ROOT / "fixtures/seed_tmall_wechat_trad.txt").read_text(encoding="utf-8")
    out += [(p, "2022-10-21") for p in seed.split("\n") if p.strip()]
    return out


@pytest.fixture(scope="session")
def documents():
    """200 articles: id, text, doc_date (every fifth without a date)."""
    texts = own_texts()
    rows = []
    for i in range(200):
        text, date = texts[i % len(texts)]
        rows.append({"id": f"doc-{i:03d}", "text": text, "doc_date": None if i % 5 == 4 else date})
    return rows


@pytest.fixture(scope="session")
def rust_bin():
    """The command-line program of the Rust library (built by cargo)."""
    for p in (os.environ.get("ZHEXTRACT_BIN"), ROOT / "target/release/zhextract",
              ROOT / "target/release/examples/extract"):
        if p and Path(p).is_file():
            return str(p)
    pytest.fail("build the Rust command first: cargo build --release (or set ZHEXTRACT_BIN)")
