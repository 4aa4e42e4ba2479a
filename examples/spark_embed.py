"""Embedding and actor scoring on Spark, with the Python package: `mapInPandas` over paragraphs,
one model load per Python worker, each batch written by the library as a Parquet part that
`themescope themes --embeddings PARTS/` reads as one set.

    pip install ./python "pyspark>=3.5"          # Java 17 on the machine
    THEMESCOPE_MODELS=../shared/models python examples/spark_embed.py \\
        corpus.jsonl out/ --actors "Vladimir Putin" "Xi Jinping" "Donald Trump"
    themescope themes --embeddings out/parts/ --k auto --out themes.json

Input: a `.jsonl` corpus with `id` and `text` fields (as `themescope run` reads it). Output:
`out/parts/` (the vectors, one Parquet part per batch) and `out/mentions/` (Spark's Parquet: one
row per actor mention with its score). On a cluster, give `--master` and put `out/` on storage
every executor sees.
"""

import argparse
import hashlib
import json
import os
import sys
from typing import Iterator, List, Optional

import pandas as pd

import themescope

MENTION_COLUMNS = ["doc_id", "para_index", "actor", "label", "score"]
_models: dict = {}


def _loaded(actors: List[str]) -> "tuple[themescope.Embedder, themescope.Sentiment]":
    """The encoder and the scorer, loaded once per Python worker (Spark reuses workers)."""
    if "embedder" not in _models:
        _models["embedder"] = themescope.Embedder(threads=1)
        _models["sentiment"] = themescope.Sentiment(threads=1)
    return _models["embedder"], _models["sentiment"]


def _part_path(folder: str, batch: pd.DataFrame) -> str:
    """Named by its first row, so a retried task writes the same part again (atomically)."""
    first = f"{batch.doc_id.iloc[0]}\x1f{batch.para_index.iloc[0]}\x1f{len(batch)}"
    return os.path.join(folder, f"part-{hashlib.blake2b(first.encode(), digest_size=8).hexdigest()}.parquet")


def embed_and_score(parts: str, actors: List[str]):
    """The `mapInPandas` function: paragraphs in, mentions out; vectors written as parts."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        embedder, sentiment = _loaded(actors)
        for batch in batches:
            if batch.empty:
                continue
            texts = [str(t) for t in batch.text]
            vectors = embedder.embed(texts)
            themescope.write_embeddings(
                _part_path(parts, batch),
                vectors,
                texts,
                embedder=embedder,
                doc_ids=[str(d) for d in batch.doc_id],
                para_index=[int(p) for p in batch.para_index],
            )
            mentions = sentiment.score(texts, actors=actors or None)
            yield pd.DataFrame(
                [
                    (batch.doc_id.iloc[m["index"]], int(batch.para_index.iloc[m["index"]]), m["actor"], m["label"], m["score"])
                    for m in mentions
                ],
                columns=MENTION_COLUMNS,
            )

    return run


def paragraphs(line: str) -> List[tuple]:
    """A corpus record's paragraphs, split as the CLI splits a record's text."""
    record = json.loads(line)
    doc_id = str(record.get("id", ""))
    return [(doc_id, i, p) for i, p in enumerate(themescope.split_paragraphs(record.get("text") or ""))]


def main(argv: Optional[List[str]] = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("corpus", help="a .jsonl corpus (id, text)")
    args.add_argument("out", help="output folder: parts/ and mentions/")
    args.add_argument("--actors", nargs="*", default=[], help="actor names (default: discovered per batch)")
    args.add_argument("--master", default="local[2]")
    args.add_argument("--partitions", type=int, default=4)
    opts = args.parse_args(argv)

    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

    # Workers run the Python that has themescope installed: this one, unless told otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.master(opts.master).appName("themescope").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    parts = os.path.join(opts.out, "parts")
    os.makedirs(parts, exist_ok=True)
    rows = spark.sparkContext.textFile(opts.corpus, opts.partitions).flatMap(paragraphs)
    frame = rows.toDF(["doc_id", "para_index", "text"])
    schema = StructType(
        [
            StructField("doc_id", StringType()),
            StructField("para_index", LongType()),
            StructField("actor", StringType()),
            StructField("label", StringType()),
            StructField("score", DoubleType()),
        ]
    )
    mentions = frame.mapInPandas(embed_and_score(parts, opts.actors), schema)
    mentions.write.mode("overwrite").parquet(os.path.join(opts.out, "mentions"))
    counts = spark.read.parquet(os.path.join(opts.out, "mentions")).groupBy("actor").count().collect()
    print(json.dumps({r["actor"]: r["count"] for r in counts}, sort_keys=True))
    spark.stop()


if __name__ == "__main__":
    main()
