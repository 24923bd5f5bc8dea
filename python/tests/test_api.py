"""The Python API: types, errors, batches, threads, Arrow."""

import threading

import pyarrow as pa
import pytest

import zhextract

SENTENCE = "騰訊去年7月14日宣布收購搜狗。"


def test_extract_returns_the_contract_as_python_objects():
    doc = zhextract.extract(SENTENCE, doc_date="2022-10-21")
    assert isinstance(doc, dict)
    assert {"entities", "times", "triples", "diagnostics"} <= set(doc)
    names = {(e["text"], e["type"]) for e in doc["entities"]}
    assert ("騰訊", "ORG") in names and ("搜狗", "ORG") in names
    times = [(t["text"], t["value"]) for t in doc["times"]]
    assert ("去年7月14日", "2021-07-14") in times
    for e in doc["entities"]:
        # spans point into the text given, in bytes and in chars
        assert SENTENCE.encode()[e["start"]:e["end"]].decode() == e["text"]
        assert SENTENCE[e["char_start"]:e["char_end"]] == e["text"]
        assert isinstance(e["start"], int)
    triples = [(t["subject"]["text"], t["predicate"], t["object"]["text"]) for t in doc["triples"]]
    assert ("騰訊", "acquire", "搜狗") in triples


def test_options_as_keywords():
    doc = zhextract.extract(SENTENCE, include_simplified=True)
    assert doc["simplified"] == "腾讯去年7月14日宣布收购搜狗。"
    with pytest.raises(TypeError):
        zhextract.extract(SENTENCE, no_such_option=True)
    with pytest.raises(ValueError):
        zhextract.extract(SENTENCE, time_bias="sideways")


def test_a_text_that_is_not_str_is_a_type_error():
    for bad in (5, b"bytes", None, ["list"]):
        with pytest.raises(TypeError):
            zhextract.extract(bad)
    with pytest.raises(TypeError):
        zhextract.Extractor().extract_batch(["ok", 3])


def test_a_bad_date_is_a_value_error():
    for bad in ("2022-13-01", "yesterday", "2022/10/21x"):
        with pytest.raises(ValueError):
            zhextract.extract(SENTENCE, doc_date=bad)
    with pytest.raises(ValueError):
        zhextract.Extractor(doc_date="not a date")


def test_an_empty_text_gives_an_empty_document():
    doc = zhextract.extract("")
    assert doc["entities"] == [] and doc["times"] == [] and doc["triples"] == []


def test_a_rule_file_with_a_mistake_is_a_value_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\nkind = "entity"\nregex = "("\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        zhextract.Extractor(rules=[str(bad)])


def test_word_lists_of_ones_own_replace_the_built_in_ones(tmp_path):
    words = tmp_path / "words.toml"
    words.write_text('[time]\nfuture_cues = ["将", "待到"]\n', encoding="utf-8")
    text = "公司待到5月1日发布新品。"
    value = lambda doc: [t["value"] for t in doc["times"] if t["text"] == "5月1日"]
    assert value(zhextract.extract(text, doc_date="2024-03-15")) == ["2023-05-01"]
    ex = zhextract.Extractor(word_lists=[str(words)])
    assert value(ex.extract(text, doc_date="2024-03-15")) == ["2024-05-01"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[time]\nfuture_cues = 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.toml"):
        zhextract.Extractor(word_lists=[str(bad)])


def test_extract_batch_keeps_order_and_dates():
    ex = zhextract.Extractor()
    texts = ["公司去年上市。", "", "華為今天發布新機。"]
    docs = ex.extract_batch(texts, doc_dates=["2022-10-21", None, "2023-05-06"])
    assert len(docs) == 3
    assert [t["value"] for t in docs[0]["times"]] == ["2021"]
    assert docs[1]["entities"] == []
    assert [t["value"] for t in docs[2]["times"]] == ["2023-05-06"]
    one_by_one = [ex.extract(t, doc_date=d) for t, d in zip(texts, ["2022-10-21", None, "2023-05-06"])]
    assert docs == one_by_one
    with pytest.raises(ValueError):
        ex.extract_batch(texts, doc_dates=["2022-10-21"])


def test_one_extractor_serves_many_threads():
    ex = zhextract.Extractor()
    want = ex.extract(SENTENCE, doc_date="2022-10-21")
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(ex.extract(SENTENCE, doc_date="2022-10-21") == want)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 80 and all(results)


def test_extract_arrow_returns_documents_as_columns():
    ex = zhextract.Extractor()
    batch = pa.record_batch(
        {
            "id": pa.array([7, 8, 9], pa.int64()),
            "text": pa.array([SENTENCE, None, "今天天氣很好。"]),
            "doc_date": pa.array(["2022-10-21", None, "bad date"]),
        }
    )
    out = ex.extract_arrow(batch)
    assert isinstance(out, pa.RecordBatch)
    assert out.schema.names == ["id"] + zhextract.document_schema().names
    assert out.column("id").to_pylist() == [7, 8, 9]
    rows = out.to_pylist()
    assert {(e["text"], e["type"]) for e in rows[0]["entities"]} >= {("騰訊", "ORG"), ("搜狗", "ORG")}
    assert rows[0]["error"] is None and rows[0]["doc_date"] == "2022-10-21"
    assert rows[1]["error"] == "text is null" and rows[1]["entities"] == []
    assert "bad date" in rows[2]["error"]
    # the same as the dict API, row for row
    doc = ex.extract(SENTENCE, doc_date="2022-10-21")
    assert [(e["text"], e["char_start"]) for e in rows[0]["entities"]] == [
        (e["text"], e["char_start"]) for e in doc["entities"]
    ]
    with pytest.raises(ValueError, match="text"):
        ex.extract_arrow(pa.record_batch({"id": pa.array([1])}))
