"""themescope on Ray Data: documents read, split into paragraphs and embedded across a Ray
cluster, one model load per actor.

    import ray, themescope.ray as tsr
    ray.init()                                   # a laptop; ray.init(address="auto") on a cluster
    paragraphs = tsr.paragraphs(tsr.read_documents("news/*.jsonl"))
    vectors = tsr.embed(paragraphs, concurrency=4, threads=1)
    vectors.write_parquet("vectors/")            # doc_id, para_index, text, embedding

What scales: reading, paragraph splitting (``flat_map`` tasks) and embedding (``map_batches`` on
``concurrency`` actors, each holding one :class:`themescope.Embedder`). Every vector is bit for bit
the one ``Embedder.embed`` (and ``themescope embed``) gives for the same text, whatever the batch
or actor it ran in. Themes are fitted on the driver, on the vectors collected there
(:func:`themes`).

Part of issue 18's Ray work: scoring mentions, theme assignment in parallel, the distributed
phrase counts and the report are not here yet.
"""

from typing import Any, Dict, Iterable, Optional, Sequence, Union

import numpy as np

import themescope

try:
    import ray
    import ray.data
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("themescope.ray needs Ray Data: pip install 'ray[data]'") from e

PathLike = Union[str, Sequence[str]]


def read_documents(paths: PathLike, format: Optional[str] = None, **read_args: Any) -> "ray.data.Dataset":
    """Documents from jsonl, parquet or text files (the format from the first path's extension
    unless ``format`` is given: ``json``, ``parquet`` or ``text``). Text files give one document
    per file (column ``text``, and ``path``)."""
    first = paths if isinstance(paths, str) else paths[0]
    kind = format or _format_of(str(first))
    if kind == "json":
        return ray.data.read_json(paths, **read_args)
    if kind == "parquet":
        return ray.data.read_parquet(paths, **read_args)
    if kind == "text":
        return ray.data.read_binary_files(paths, include_paths=True, **read_args).map(_text_file)
    raise ValueError(f"unknown format {kind!r}: use json, parquet or text")


def _format_of(path: str) -> str:
    lower = path.lower()
    if lower.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz")):
        return "json"
    if lower.endswith(".parquet") or lower.endswith("/"):
        return "parquet"
    return "text"


def _text_file(row: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": row["path"], "text": row["bytes"].decode("utf-8")}


def paragraphs(
    documents: "ray.data.Dataset",
    text_column: str = "text",
    id_column: str = "id",
    keep_boilerplate: bool = False,
) -> "ray.data.Dataset":
    """One row per paragraph: ``doc_id`` (str), ``para_index``, ``text``; split as
    :func:`themescope.split_paragraphs` (and a corpus record) splits a text."""

    def split(doc: Dict[str, Any]) -> Iterable[Dict[str, Any]]:
        text = doc.get(text_column)
        if not isinstance(text, str):
            raise TypeError(f"document {doc.get(id_column)!r}: column {text_column!r} is not text")
        for i, para in enumerate(themescope.split_paragraphs(text, keep_boilerplate)):
            yield {"doc_id": str(doc[id_column]), "para_index": i, "text": para}

    return documents.flat_map(split)


class EmbedBatch:
    """A Ray Data callable class: loads one :class:`themescope.Embedder` per actor and adds
    an ``embedding`` column (float32, rows × dim) to each batch."""

    def __init__(self, **embedder_args: Any) -> None:
        self.embedder = themescope.Embedder(**embedder_args)

    def __call__(self, batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        return {**batch, "embedding": self.embedder.embed(texts)}


def embed(
    paragraphs: "ray.data.Dataset",
    concurrency: int = 2,
    batch_size: int = 256,
    num_cpus: float = 1,
    **embedder_args: Any,
) -> "ray.data.Dataset":
    """Adds an ``embedding`` column with ``concurrency`` actors, each with one model
    (``embedder_args`` go to :class:`themescope.Embedder`: model, dtype, threads, cache...;
    give ``threads`` = ``num_cpus`` so an actor uses the cores Ray reserved for it). The actors
    hold ``concurrency × num_cpus`` CPUs while the dataset runs: leave some of the cluster's
    CPUs to the read and split tasks, or they wait for ever. A ``cache`` folder is opened by one
    process at a time: give actors on one machine no cache, or each its own folder."""
    return paragraphs.map_batches(
        EmbedBatch,
        fn_constructor_kwargs=embedder_args,
        concurrency=concurrency,
        batch_size=batch_size,
        batch_format="numpy",
        num_cpus=num_cpus,
    )


def collect(embedded: "ray.data.Dataset"):
    """The vectors and rows on the driver, in document and paragraph order: ``(vectors,
    texts, doc_ids)`` ready for :func:`themescope.themes`."""
    rows = embedded.sort(["doc_id", "para_index"]).take_all()
    vectors = np.stack([np.asarray(r["embedding"], dtype=np.float32) for r in rows])
    return vectors, [r["text"] for r in rows], [r["doc_id"] for r in rows]


def themes(embedded: "ray.data.Dataset", embedder: Optional[themescope.Embedder] = None, **options: Any):
    """Themes of every collected vector, fitted on the driver (:func:`themescope.themes`)."""
    vectors, texts, doc_ids = collect(embedded)
    return themescope.themes(vectors, texts, doc_ids=doc_ids, embedder=embedder, **options)
