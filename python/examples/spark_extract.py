"""Extract from a corpus with Spark: articles in, documents out.

Reads JSON Lines or Parquet with columns ``id``, ``text`` and optionally
``doc_date`` (YYYY-MM-DD), runs zhextract on each Arrow batch with
``DataFrame.mapInArrow`` (no per-row JSON, no Python loop over rows: one
``extract_arrow`` call per batch, parallel inside), and writes Parquet with
``id``, ``doc_date``, ``entities``, ``times``, ``triples``, ``diagnostics``
and ``error`` (null unless the row could not be extracted).

    python examples/spark_extract.py --master 'local[2]' articles.jsonl out.parquet

Needs PySpark (4.x wants Java 17 or later) and pyarrow.
"""

import argparse
import os
import sys

import zhextract


def extract_partitions(time_bias):
    """The function mapInArrow runs on each partition's batches."""

    def run(batches):
        ex = zhextract.shared_extractor(time_bias=time_bias)
        for batch in batches:
            yield ex.extract_arrow(batch)

    return run


def read_articles(spark, path, fmt):
    from pyspark.sql import functions as F

    if fmt == "auto":
        fmt = "parquet" if path.rstrip("/").endswith(".parquet") else "jsonl"
    df = spark.read.parquet(path) if fmt == "parquet" else spark.read.json(path)
    missing = {"id", "text"} - set(df.columns)
    if missing:
        raise SystemExit(f"{path}: no column {', '.join(sorted(missing))}")
    date = F.col("doc_date").cast("string") if "doc_date" in df.columns else F.lit(None).cast("string")
    return df.select(F.col("id"), F.col("text").cast("string").alias("text"), date.alias("doc_date"))


def main(argv=None, spark=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="JSON Lines or Parquet of articles (id, text, doc_date?)")
    ap.add_argument("output", help="Parquet folder to write")
    ap.add_argument("--format", choices=["auto", "jsonl", "parquet"], default="auto")
    ap.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    ap.add_argument("--time-bias", default="past", choices=["past", "future", "nearest"])
    ap.add_argument("--partitions", type=int, default=0, help="repartition the input (0: keep)")
    args = ap.parse_args(argv)

    own = spark is None
    if own:
        from pyspark.sql import SparkSession

        # local workers run this interpreter (the one zhextract is installed
        # in) unless the environment names another
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        spark = (
            SparkSession.builder.master(args.master)
            .appName("zhextract")
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )
    try:
        df = read_articles(spark, args.input, args.format)
        if args.partitions:
            df = df.repartition(args.partitions)
        schema = zhextract.spark_schema(df.schema["id"].dataType)
        out = df.mapInArrow(extract_partitions(args.time_bias), schema)
        out.write.mode("overwrite").parquet(args.output)
    finally:
        if own:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
