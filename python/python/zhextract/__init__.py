"""Entities, time expressions and relation triples from Chinese news.

The Rust library zhextract, for Python::

    import zhextract
    doc = zhextract.extract("騰訊去年7月14日宣布收購搜狗。", doc_date="2022-10-21")
    [(e["text"], e["type"]) for e in doc["entities"]]

    ex = zhextract.Extractor(time_bias="past")      # build once, reuse, share across threads
    docs = ex.extract_batch(texts, doc_dates=None)   # parallel inside
    out = ex.extract_arrow(record_batch)             # pyarrow in, pyarrow out (Spark's mapInArrow)

A document is the JSON contract of the Rust library (OUTPUT.md) as Python
objects: ``entities``, ``times``, ``triples`` and ``diagnostics`` lists of
dicts, every span a byte and a char offset into the text given.
"""

from ._zhextract import Extractor, __version__, document_schema, extract

__all__ = [
    "Extractor",
    "extract",
    "document_schema",
    "shared_extractor",
    "spark_schema",
    "__version__",
]

_SHARED = {}


def shared_extractor(**options):
    """One ``Extractor`` per set of options in this process, built on first
    use: what a Spark or multiprocessing worker should call instead of
    building one per batch (building loads dictionaries and rules)."""
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))
    ex = _SHARED.get(key)
    if ex is None:
        ex = _SHARED.setdefault(key, Extractor(**options))
    return ex


def spark_schema(id_type="string"):
    """The Spark schema of ``extract_arrow``'s output for an ``id`` column of
    ``id_type`` (a Spark type or its DDL name), for ``DataFrame.mapInArrow``."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import StructField, StructType, _parse_datatype_string

    if isinstance(id_type, str):
        id_type = _parse_datatype_string(id_type)
    doc = from_arrow_schema(pa.schema(document_schema()))
    return StructType([StructField("id", id_type, True)] + list(doc.fields))
