"""The Spark example end to end: 200 articles through mapInArrow in local
mode, checked document for document against the Rust command's output."""

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def key_facts(doc):
    ents = sorted((e["text"], e["type"], e["char_start"], e["char_end"]) for e in doc["entities"])
    times = sorted((t["text"], t["kind"], t["value"], t["char_start"]) for t in doc["times"])
    triples = sorted(
        (
            t["subject"]["text"] if isinstance(t["subject"], dict) else t["subject"],
            t["predicate"],
            t["object"]["text"] if isinstance(t["object"], dict) else t["object"],
            t["negated"],
            t["hedged"],
        )
        for t in doc["triples"]
    )
    return ents, times, triples


def test_spark_example_matches_the_rust_library(tmp_path, documents, rust_bin):
    pyspark = pytest.importorskip("pyspark")
    assert pyspark.__version__
    src = tmp_path / "articles.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for d in documents:
            f.write(json.dumps({k: v for k, v in d.items() if v is not None}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.parquet"
    sys.path.insert(0, str(EXAMPLES))
    try:
        import spark_extract
    finally:
        sys.path.pop(0)
    assert spark_extract.main([str(src), str(out), "--master", "local[2]", "--partitions", "4"]) == 0

    table = pq.read_table(out)
    spark_docs = {r["id"]: r for r in table.to_pylist()}
    assert len(spark_docs) == len(documents)

    rust = subprocess.run([rust_bin, "--jsonl", str(src)], capture_output=True, text=True, check=True)
    rust_docs = {d["id"]: d for d in map(json.loads, rust.stdout.splitlines())}
    assert len(rust_docs) == len(documents)

    for d in documents:
        s, r = spark_docs[d["id"]], rust_docs[d["id"]]
        assert s["error"] is None, (d["id"], s["error"])
        assert s["doc_date"] == r.get("doc_date"), d["id"]
        assert key_facts(s) == key_facts(r), d["id"]
    # the corpus is not trivially empty
    assert sum(len(r["entities"]) for r in rust_docs.values()) > 30
    assert sum(len(r["times"]) for r in rust_docs.values()) > 100
