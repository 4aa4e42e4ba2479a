"""themescope on Ray Data: documents read, split into paragraphs, embedded and scored across a
Ray cluster (one model load per actor), themes fitted on the driver on a seeded sample, refined
by k-means steps over every paragraph on the workers, and every paragraph assigned to them.

    import ray, themescope.ray as tsr
    ray.init()                                   # a laptop; ray.init(address="auto") on a cluster
    paragraphs = tsr.paragraphs(tsr.read_documents("news/*.jsonl"))
    vectors = tsr.embed(paragraphs, concurrency=4, threads=1, parts="vectors/").materialize()
    fitted = tsr.fit_themes(vectors, fraction=0.25, runs=4, k=20, reduce="none")   # sample, then refined
    assigned = tsr.assign(vectors, fitted)       # doc_id, para_index, text, embedding, theme, similarity
    tsr.write_report(assigned, "news/", "report/")   # the report of these themes, on the driver
    actors = tsr.discover_actors(paragraphs)
    mentions = tsr.score(paragraphs, actors, concurrency=4, threads=1)

What scales: reading, paragraph splitting (``flat_map`` tasks), embedding and scoring
(``map_batches`` on ``concurrency`` actors, each holding one :class:`themescope.Embedder` or
:class:`themescope.Sentiment`), the refinement's k-means steps and theme assignment
(``map_batches`` tasks). What runs on the driver: fitting the themes on the sample's vectors
(:func:`fit_themes`), adding up each refinement step's sums per theme, and discovering the actors
from the paragraph texts (:func:`discover_actors`). Every vector is bit for bit the one
``Embedder.embed`` gives for the same text, every assignment the one :func:`themescope.assign_themes`
gives on one machine (or, refined, the k-means steps one process takes with every vector), every
mention the one ``Sentiment.score`` finds, whatever the batch or actor.

Refined themes are named again from every paragraph (:func:`label_themes`): each block counts
the phrase candidates of its paragraphs per theme in ``map_batches`` tasks
(:func:`themescope.count_phrases`), the driver adds the blocks' counts in reading order
(:func:`themescope.add_phrase_counts`) and names the themes from the sum
(:func:`themescope.name_themes`) as one machine names them. :func:`write_report` writes
report.json/md/html, paragraphs.parquet and run.json of the distributed vectors and themes
through the library (on the driver: it reads the inputs again and needs every vector there).
"""

import hashlib
import os
import pickle
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np

import themescope

try:
    import ray
    import ray.data
    from ray.data.dataset import MaterializedDataset
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError("themescope.ray needs Ray Data: pip install -r python/requirements-ray.txt (or 'ray[data]')") from None

PathLike = Union[str, Sequence[str]]


def read_documents(paths: PathLike, format: Optional[str] = None, **read_args: Any) -> "ray.data.Dataset":
    """Documents from jsonl, parquet or text files (the format from the first path's extension
    unless ``format`` is given: ``json``, ``parquet`` or ``text``). Text files give one document
    per file (column ``text``, and ``path``)."""
    names: Union[str, List[str]] = paths if isinstance(paths, str) else [str(p) for p in paths]
    first = names if isinstance(names, str) else names[0]
    kind = format or _format_of(first)
    if kind == "json":
        return ray.data.read_json(names, **read_args)
    if kind == "parquet":
        return ray.data.read_parquet(names, **read_args)
    if kind == "text":
        return ray.data.read_binary_files(names, include_paths=True, **read_args).map(_text_file)
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

    def split(doc: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
        text = doc.get(text_column)
        if not isinstance(text, str):
            raise TypeError(f"document {doc.get(id_column)!r}: column {text_column!r} is not text")
        for i, para in enumerate(themescope.split_paragraphs(text, keep_boilerplate)):
            yield {"doc_id": str(doc[id_column]), "para_index": i, "text": para}

    return documents.flat_map(split)


class EmbedBatch:
    """A Ray Data callable class: loads one :class:`themescope.Embedder` per actor and adds
    an ``embedding`` column (float32, rows × dim) to each batch. With ``parts``, each batch is
    also written there as a Parquet part by the library (``themescope themes --embeddings
    FOLDER`` reads the parts as one set)."""

    def __init__(self, parts: Optional[str] = None, **embedder_args: Any) -> None:
        self.embedder = themescope.Embedder(**embedder_args)
        self.parts = parts

    def __call__(self, batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vectors = self.embedder.embed(texts)
        if self.parts:
            self._write_part(self.parts, batch, texts, vectors)
        return {**batch, "embedding": vectors}

    def _write_part(self, folder: str, batch: Dict[str, np.ndarray], texts: List[str], vectors: np.ndarray) -> None:
        doc_ids = [str(d) for d in batch["doc_id"]]
        para_index = [int(p) for p in batch["para_index"]]
        # Named by its first row, so a retried batch writes the same file again (atomically).
        name = hashlib.blake2b(f"{doc_ids[0]}\x1f{para_index[0]}\x1f{len(texts)}".encode(), digest_size=8)
        path = os.path.join(folder, f"part-{name.hexdigest()}.parquet")
        themescope.write_embeddings(
            path, vectors, texts, embedder=self.embedder, doc_ids=doc_ids, para_index=para_index
        )


def embed(
    paragraphs: "ray.data.Dataset",
    concurrency: int = 2,
    batch_size: int = 256,
    num_cpus: float = 1,
    parts: Optional[str] = None,
    **embedder_args: Any,
) -> "ray.data.Dataset":
    """Adds an ``embedding`` column with ``concurrency`` actors, each with one model
    (``embedder_args`` go to :class:`themescope.Embedder`: model, dtype, threads, cache...;
    give ``threads`` = ``num_cpus`` so an actor uses the cores Ray reserved for it). The actors
    hold ``concurrency × num_cpus`` CPUs while the dataset runs: leave some of the cluster's
    CPUs to the read and split tasks, or they wait for ever. A ``cache`` folder is opened by one
    process at a time: give actors on one machine no cache, or each its own folder. ``parts``: a
    folder (on storage every node sees) where each batch is also written as a Parquet part by
    the library, with its rows and the model's provenance."""
    if parts:
        os.makedirs(parts, exist_ok=True)
    return paragraphs.map_batches(
        EmbedBatch,
        fn_constructor_kwargs={"parts": parts, **embedder_args},
        compute=ray.data.ActorPoolStrategy(size=concurrency),
        batch_size=batch_size,
        batch_format="numpy",
        num_cpus=num_cpus,
    )


def collect(embedded: "ray.data.Dataset") -> Tuple[np.ndarray, List[str], List[str]]:
    """The vectors and rows on the driver, in document and paragraph order: ``(vectors,
    texts, doc_ids)`` ready for :func:`themescope.themes`."""
    vectors, texts, keys = _collect(embedded)
    return vectors, texts, [d for d, _ in keys]


def _collect(embedded: "ray.data.Dataset") -> Tuple[np.ndarray, List[str], List[Tuple[str, int]]]:
    rows = embedded.sort(["doc_id", "para_index"]).take_all()
    if not rows:
        raise ValueError("no paragraphs to collect: the dataset (or the sample) is empty")
    vectors = np.stack([np.asarray(r["embedding"], dtype=np.float32) for r in rows])
    keys = [(str(r["doc_id"]), int(r["para_index"])) for r in rows]
    return vectors, [r["text"] for r in rows], keys


def themes(embedded: "ray.data.Dataset", embedder: Optional[themescope.Embedder] = None, **options: Any):
    """Themes of every collected vector, fitted on the driver (:func:`themescope.themes`)."""
    vectors, texts, doc_ids = collect(embedded)
    return themescope.themes(vectors, texts, doc_ids=doc_ids, embedder=embedder, **options)


def in_sample(doc_id: str, para_index: int, fraction: float, seed: int) -> bool:
    """Whether a paragraph is in the seeded sample: a hash of the seed and its key, so the same
    rows are drawn whatever the blocks, batches or machines."""
    digest = hashlib.blake2b(f"{seed}\x1f{doc_id}\x1f{para_index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") < fraction * 2.0**64


def fit_themes(
    embedded: "ray.data.Dataset",
    fraction: float = 1.0,
    seed: int = 42,
    embedder: Optional[themescope.Embedder] = None,
    refine: Optional[bool] = None,
    runs: int = 1,
    labels: Optional[bool] = None,
    **options: Any,
) -> Dict[str, Any]:
    """Themes fitted on the driver on a seeded sample of about ``fraction`` of the paragraphs
    (1: all of them), with :func:`themescope.themes` (``options``: k, algo, out=themes.json...),
    then refined over every paragraph (:func:`refine_themes`: k-means steps in ``map_batches``
    tasks from the sample's means until no paragraph changes theme), so the themes are those
    k-means finds on all the vectors, not the sample's. ``refine``: None refines when
    ``fraction`` < 1 and k-means clustered the vectors themselves (``reduce="none"``); False
    keeps the sample's centroids (ARI 0.89-0.96 against the full fit on AG News, refined
    0.96-0.997); True refines any k-means fit. ``runs``: refine from that many fits of the
    sample (k-means seeds ``seed``, ``seed + 1``...) and keep the one that ends with the least
    inertia, as the single machine keeps the best of its k-means runs.
    The sample's vectors must fit in the driver's memory: 384 float32 are 1.5 KiB a paragraph.
    Give ``reduce="none"``: a UMAP layout (``reduce="auto"`` from 1,000 rows) needs every
    row's neighbours, so it is fitted on the sample only and its clusters are no regions of the
    vectors that the refinement or the nearest centroid could follow (ARI 0.68-0.79 on AG News,
    refined 0.72).
    The result holds the themes, their ``centroids`` and ``sample``: each sampled paragraph's
    key ``(doc_id, para_index)`` → its fitted theme (-1: outlier), which :func:`assign` keeps;
    refined, ``means`` and ``refined`` instead (see :func:`refine_themes`), and ``duplicates``:
    the keys of the sampled paragraphs of near-duplicate documents (left out of the counts).
    ``labels``: name the themes from every paragraph (:func:`label_themes`); None does when
    they were refined (the sample's names are those of the sample's themes). ``out`` is written
    before the refinement: the sample's themes."""
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction {fraction}: give a share of the paragraphs in (0, 1]")
    if runs < 1:
        raise ValueError(f"runs {runs}: give at least 1 run")
    if refine and str(options.get("algo", "kmeans")) != "kmeans":
        raise ValueError(f"refine=True with algo={options['algo']!r}: only k-means themes are refined")
    sample = embedded
    if fraction < 1.0:
        sample = embedded.filter(lambda r: in_sample(str(r["doc_id"]), int(r["para_index"]), fraction, seed))
    vectors, texts, keys = _collect(sample)
    doc_ids = [d for d, _ in keys]
    fitted = themescope.themes(vectors, texts, seed=seed, doc_ids=doc_ids, embedder=embedder, **options)
    fitted["sample"] = {k: (-1 if t is None else t) for k, t in zip(keys, fitted["assignments"])}
    fitted["duplicates"] = {k for k, p in zip(keys, fitted["paragraphs"]) if p["duplicate"]}
    # Refined by default only when k-means clustered the vectors themselves: themes found in a
    # layout (UMAP, PCA) are no k-means fixed point of the vectors, and steps would move them.
    on_vectors = fitted["params"]["algo"] == "kmeans" and fitted["params"]["reduce"] == "none"
    naming = {k: v for k, v in options.items() if k != "out"}
    if not (refine or (refine is None and on_vectors and fraction < 1.0)):
        return label_themes(embedded, fitted, embedder=embedder, **naming) if labels else fitted
    # Further runs fit the same sample with the next k-means seeds (without writing `out`).
    again = {k: v for k, v in options.items() if k != "out"}
    best = refine_themes(embedded, fitted, start=_means_of(vectors, fitted["assignments"], fitted["centroids"]))
    for run in range(1, runs):
        other = themescope.themes(vectors, texts, seed=seed + run, doc_ids=doc_ids, embedder=embedder, **again)
        refined = refine_themes(embedded, other, start=_means_of(vectors, other["assignments"], other["centroids"]))
        if refined["refined"]["inertia"] < best["refined"]["inertia"]:
            best = refined
    best = {**best, "refined": {**best["refined"], "runs": runs}}
    return best if labels is False else label_themes(embedded, best, embedder=embedder, **naming)


def _means_of(vectors: np.ndarray, themes: Sequence[Optional[int]], centroids: np.ndarray) -> np.ndarray:
    """Each theme's mean of its rows (normalised): where the sample's k-means ended, which the
    ``centroids`` give only the directions of (a theme without rows keeps its centroid)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = (vectors / np.where(norms > 0, norms, 1)).astype(np.float64)
    labels = np.array([-1 if t is None else t for t in themes])
    means = np.asarray(centroids, dtype=np.float64).copy()
    for t in range(len(means)):
        if (labels == t).any():
            means[t] = unit[labels == t].mean(axis=0)
    return means


def refine_themes(
    embedded: "ray.data.Dataset",
    fitted: Dict[str, Any],
    start: Optional[np.ndarray] = None,
    max_steps: int = 300,
    num_cpus: float = 0.5,
) -> Dict[str, Any]:
    """k-means over every paragraph from ``start`` (float64 centres; None: the ``means`` of
    ``fitted``, else its ``centroids``): Lloyd steps, each a pass of ``map_batches`` tasks over
    ``embedded`` (materialized here unless it is: every step reads it, and must not embed again)
    in which a block gives its sums and counts per nearest centre
    (:func:`themescope.kmeans_step`, the k-means rule of :func:`themescope.themes`: squared
    distance to the raw means), added on the driver into the next centres, until no paragraph
    changes centre (a fixed point of k-means on all the vectors) or ``max_steps``. Returns
    ``fitted`` with ``means`` (the final centres, float64; :func:`assign` labels by them),
    ``centroids`` (their directions, float32), the themes renumbered by their new ``size``
    (largest first), no ``sample`` (every paragraph now follows the means) and ``refined``:
    ``steps``, ``moved`` (0 when converged) and ``inertia``."""
    if max_steps < 1:
        raise ValueError(f"max_steps {max_steps}: give at least 1 step")
    if start is None:
        start = fitted.get("means", fitted["centroids"])
    means = np.asarray(start, dtype=np.float64)
    if not isinstance(embedded, MaterializedDataset):
        embedded = embedded.materialize()
    previous: Optional[np.ndarray] = None
    for steps in range(1, max_steps + 1):
        total = _lloyd_step(embedded, means, previous, num_cpus)
        if previous is not None and total["moved"] == 0:
            break
        previous, means = means, themescope.kmeans_centres(total["sums"], total["counts"], means)
    return _refined(fitted, means, total, steps)


def _lloyd_step(
    embedded: "ray.data.Dataset", means: np.ndarray, previous: Optional[np.ndarray], num_cpus: float
) -> Dict[str, Any]:
    """One pass: every block's sums and counts per nearest centre, added up."""

    def block(batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        vectors = np.ascontiguousarray(np.asarray(batch["embedding"], dtype=np.float32))
        step = themescope.kmeans_step(vectors, means, previous)
        return {k: np.asarray([step[k]]) for k in ("sums", "counts", "inertia", "moved")}

    parts = embedded.select_columns(["embedding"]).map_batches(
        block, batch_format="numpy", batch_size=None, num_cpus=num_cpus
    ).take_all()
    return {
        "sums": np.sum([p["sums"] for p in parts], axis=0),
        "counts": np.sum([p["counts"] for p in parts], axis=0),
        "inertia": float(sum(p["inertia"] for p in parts)),
        "moved": int(sum(p["moved"] for p in parts)),
    }


def _refined(fitted: Dict[str, Any], means: np.ndarray, total: Dict[str, Any], steps: int) -> Dict[str, Any]:
    """``fitted`` with the refined centres, its themes in the order of their new sizes."""
    counts = np.asarray(total["counts"], dtype=np.int64)
    order = sorted(range(len(counts)), key=lambda t: (-counts[t], t))
    means = means[order]
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    centroids = (means / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    rows = max(int(counts.sum()), 1)
    themes = []
    for new, old in enumerate(order):
        theme = dict(fitted["themes"][old])
        theme.update(id=new, size=int(counts[old]), share=round(int(counts[old]) / rows, 4))
        themes.append(theme)
    refined = {"steps": steps, "moved": total["moved"], "inertia": total["inertia"]}
    out = {k: v for k, v in fitted.items() if k not in ("sample", "assignments", "paragraphs")}
    return {**out, "themes": themes, "means": means, "centroids": centroids, "refined": refined}


def assign(
    embedded: "ray.data.Dataset",
    fitted: Dict[str, Any],
    min_similarity: Optional[float] = None,
    batch_size: int = 1024,
    num_cpus: float = 0.5,
) -> "ray.data.Dataset":
    """Adds ``theme`` (int64, -1: outlier) and ``similarity`` (cosine to the nearest centroid) to
    every paragraph, in ``map_batches`` tasks. Refined themes (with ``means``): each paragraph
    goes to its nearest mean, the k-means rule (:func:`themescope.kmeans_labels`). Otherwise a
    sampled paragraph keeps its fitted theme and any other goes to its nearest centroid
    (:func:`themescope.assign_themes`). Below ``min_similarity``, an outlier."""
    centroids = np.ascontiguousarray(fitted["centroids"], dtype=np.float32)
    means = fitted.get("means")
    sample = ray.put(fitted.get("sample", {}))

    def assign_batch(batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        vectors = np.ascontiguousarray(np.asarray(batch["embedding"], dtype=np.float32))
        ids, sims = themescope.assign_themes(vectors, centroids, min_similarity)
        if means is not None:
            outliers = ids < 0
            ids = themescope.kmeans_labels(vectors, means)
            ids[outliers] = -1
            return {**batch, "theme": ids, "similarity": sims}
        fitted_rows = ray.get(sample)
        for i, key in enumerate(zip(batch["doc_id"], batch["para_index"])):
            theme = fitted_rows.get((str(key[0]), int(key[1])))
            if theme is not None:
                ids[i] = theme
        return {**batch, "theme": ids, "similarity": sims}

    return embedded.map_batches(assign_batch, batch_format="numpy", batch_size=batch_size, num_cpus=num_cpus)


def label_themes(
    embedded: "ray.data.Dataset",
    fitted: Dict[str, Any],
    embedder: Optional[themescope.Embedder] = None,
    num_cpus: float = 0.5,
    **options: Any,
) -> Dict[str, Any]:
    """``fitted`` with its themes named from every paragraph, as :func:`themescope.themes` names
    them from the paragraphs it is given: a distributed phrase group-by. Every paragraph is
    assigned (:func:`assign`, unless ``embedded`` has a ``theme`` column already) and the
    paragraphs are sorted by ``(doc_id, para_index)``. Copied paragraphs (the same story twice)
    are found over all of them: each block gives its :func:`themescope.copy_evidence` in a
    ``map_batches`` task, the driver finds the copies (:func:`themescope.find_copies`) and
    fetches the texts they copy. Then each block counts the phrase candidates of its
    paragraphs per theme (:func:`themescope.count_phrases`, given those texts; outliers and the
    sample's near-duplicate documents left out), and the driver adds the blocks' counts in
    reading order (:func:`themescope.add_phrase_counts`) and names the themes from the sum
    (:func:`themescope.name_themes`: c-TF-IDF, re-ranking against the ``centroids``, MMR, the
    naming rules, candidate top words), whose top words are then chosen to read together in
    the windows of every paragraph, counted per block (:func:`themescope.count_windows`,
    :func:`themescope.choose_words`). Not a Ray ``groupby``: naming scores each phrase against every
    theme (c-TF-IDF over all themes, a document counted once across blocks) on one node anyway,
    and a block's counts per theme are one partial of a few MB, where a groupby would shuffle
    one row per phrase and theme. When the sample is everything the names equal the single
    machine's, wherever the blocks are cut. ``options``: phrase settings (ngram, top_phrases,
    stop_words) and ``model``. Sets each theme's ``label``, ``phrases`` and ``words``, its
    ``npmi`` and ``label_quality`` to None (they were the sample's), and ``labels``: the
    paragraphs and blocks counted, and the copies found."""
    if "theme" not in embedded.schema().names:
        embedded = assign(embedded, fitted)
    n_themes = len(fitted["themes"])
    duplicates = ray.put(set(fitted.get("duplicates", ())))
    settings = {k: v for k, v in options.items() if k != "model"}

    def ordered(batch: Dict[str, np.ndarray]) -> Tuple[List[Tuple[str, int]], List[int], List[str]]:
        """The block's keys, themes (the fit's duplicates left out) and texts, in reading order."""
        keys = [(str(d), int(p)) for d, p in zip(batch["doc_id"], batch["para_index"])]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        skip = ray.get(duplicates)
        themes = [-1 if keys[i] in skip else int(batch["theme"][i]) for i in order]
        return [keys[i] for i in order], themes, [str(batch["text"][i]) for i in order]

    def evidence(batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        keys, themes, texts = ordered(batch)
        found = themescope.copy_evidence(texts, themes, **settings)
        return _one_row(keys[0], pickle.dumps((keys, found)))

    rows = embedded.select_columns(["doc_id", "para_index", "text", "theme"])
    rows = rows.sort(["doc_id", "para_index"]).materialize()
    blocks = [pickle.loads(p["part"]) for p in _in_order(rows.map_batches(
        evidence, batch_format="numpy", batch_size=None, num_cpus=num_cpus).take_all())]
    if not blocks:
        raise ValueError("no paragraphs to name the themes from: the dataset is empty")
    keys = [k for block_keys, _ in blocks for k in block_keys]
    found = themescope.find_copies([e for _, e in blocks])
    copies = {keys[i]: keys[q] for i, q in enumerate(found) if q >= 0}
    wanted = set(copies.values())
    copied = {}
    if wanted:
        got = rows.filter(lambda r: (str(r["doc_id"]), int(r["para_index"])) in wanted).take_all()
        copied = {(str(r["doc_id"]), int(r["para_index"])): str(r["text"]) for r in got}
    originals = ray.put({k: copied[q] for k, q in copies.items()})

    def block(batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        keys, themes, texts = ordered(batch)
        given = ray.get(originals)
        counts = themescope.count_phrases(
            texts, themes, n_themes, doc_ids=[d for d, _ in keys],
            originals=[given.get(k) for k in keys], **settings)
        return _one_row(keys[0], counts)

    parts = _in_order(rows.map_batches(block, batch_format="numpy", batch_size=None, num_cpus=num_cpus).take_all())
    total = themescope.add_phrase_counts([bytes(p["part"]) for p in parts])
    centroids = np.ascontiguousarray(fitted["centroids"], dtype=np.float32)
    named = themescope.name_themes(total, centroids, embedder=embedder, model=options.get("model"), **settings)
    pools = sorted({w for t in named if "pool" in t for w in t["pool"]["words"]})
    named = themescope.choose_words(named, _window_counts(rows, pools, ordered, num_cpus, settings))
    themes = [{**t, **named[t["id"]], "npmi": None} for t in fitted["themes"]]
    labels = {"blocks": len(parts), "paragraphs": len(keys), "copies": len(copies)}
    return {**fitted, "themes": themes, "label_quality": None, "labels": labels}


def _window_counts(rows: "ray.data.Dataset", words: List[str], ordered: Any,
                   num_cpus: float, settings: Dict[str, Any]) -> bytes:
    """The windows of every paragraph of ``rows`` that hold ``words`` (the themes' pools),
    counted per block in a ``map_batches`` task and added up on the driver: what
    :func:`themescope.choose_words` reads the top words together in, as one process reads them
    in all its paragraphs."""
    vocab = ray.put(words)

    def block(batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        keys, _, texts = ordered(batch)
        given: List[str] = ray.get(vocab)
        return _one_row(keys[0], themescope.count_windows(texts, given, **settings))

    parts = rows.map_batches(block, batch_format="numpy", batch_size=None, num_cpus=num_cpus).take_all()
    return themescope.add_window_counts([bytes(p["part"]) for p in parts])


def _one_row(first: Tuple[str, int], part: bytes) -> Dict[str, np.ndarray]:
    """A block's one row: its first key, and its part (bytes)."""
    return {"doc_id": np.array([first[0]], dtype=object), "para_index": np.array([first[1]]),
            "part": np.array([part], dtype=object)}


def _in_order(parts: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Blocks' rows in reading order: by their first key."""
    return sorted(parts, key=lambda p: (str(p["doc_id"]), int(p["para_index"])))


def write_report(
    assigned: "ray.data.Dataset",
    inputs: PathLike,
    out: str,
    mentions: Optional["ray.data.Dataset"] = None,
    **settings: Any,
) -> Dict[str, Any]:
    """report.json, report.md, report.html, paragraphs.parquet and run.json of the distributed
    vectors and themes (``assigned``: :func:`assign`'s dataset, ``doc_id``, ``para_index``,
    ``text``, ``embedding``, ``theme``), written by :func:`themescope.run` with them
    ``given``: the documents of ``inputs`` are read again on the driver (for their metadata,
    actors and dates), every paragraph must have its row, and the themes are named, the
    mentions found (and scored, unless ``mentions`` are given) and the report made there as one
    machine does, from these themes instead of a fit of its own. Every vector comes to the
    driver (1.5 KiB a paragraph at 384 float32).
    ``mentions``: :func:`score`'s dataset, scored with the actors the run finds
    (:func:`discover_actors`, or the same actor file): the driver takes those scores instead of
    scoring every mention again. ``settings``: as :func:`themescope.run` (model, threads,
    title...). Returns its summary."""
    rows = assigned.select_columns(["doc_id", "para_index", "text", "embedding", "theme"]).take_all()
    if not rows:
        raise ValueError("no paragraphs to report: the dataset is empty")
    given = {
        "embeddings": np.stack([np.asarray(r["embedding"], dtype=np.float32) for r in rows]),
        "doc_ids": [str(r["doc_id"]) for r in rows],
        "para_index": [int(r["para_index"]) for r in rows],
        "texts": [str(r["text"]) for r in rows],
        "themes": [int(r["theme"]) for r in rows],
    }
    if mentions is not None:
        given["mentions"] = mentions.select_columns([c for c in MENTION_COLUMNS if c != "alias"]).take_all()
    return themescope.run(inputs, out, given=given, **settings)


def discover_actors(paragraphs: "ray.data.Dataset", min_mentions: int = 3) -> Dict[str, Any]:
    """The actors named at least ``min_mentions`` times in the paragraphs, found on the driver
    from their texts in document and paragraph order (:func:`themescope.discover_actors`): what
    ``Sentiment.score`` discovers when given all the texts at once. Pass it to :func:`score`."""
    rows = paragraphs.select_columns(["doc_id", "para_index", "text"]).sort(["doc_id", "para_index"]).take_all()
    if not rows:
        raise ValueError("no paragraphs to discover actors in: the dataset is empty")
    return themescope.discover_actors([r["text"] for r in rows], min_mentions)


MENTION_COLUMNS = ("doc_id", "para_index", "actor", "alias", "start", "end", "label", "score",
                   "p_negative", "p_neutral", "p_positive")


class ScoreBatch:
    """A Ray Data callable class: loads one :class:`themescope.Sentiment` per actor and turns
    each batch of paragraphs into their scored mentions, one row each: ``doc_id``,
    ``para_index``, ``actor``, ``alias``, ``start``/``end`` (characters in the paragraph),
    ``label``, ``score``."""

    def __init__(self, actors: Any, **sentiment_args: Any) -> None:
        self.sentiment = themescope.Sentiment(**sentiment_args)
        self.actors = actors

    def __call__(self, batch: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        found = self.sentiment.score(texts, actors=self.actors)
        rows = [mention_row(str(batch["doc_id"][m["index"]]), int(batch["para_index"][m["index"]]), m) for m in found]
        return {c: np.array([r[c] for r in rows], dtype=_MENTION_DTYPES[c]) for c in MENTION_COLUMNS}


_MENTION_DTYPES = {"doc_id": object, "para_index": np.int64, "actor": object, "alias": object,
                   "start": np.int64, "end": np.int64, "label": object, "score": np.float64,
                   "p_negative": np.float64, "p_neutral": np.float64, "p_positive": np.float64}


def mention_row(doc_id: str, para_index: int, mention: Dict[str, Any]) -> Dict[str, Any]:
    """One mention of ``Sentiment.score`` as a row of :func:`score`'s dataset."""
    return {
        "doc_id": doc_id,
        "para_index": para_index,
        "actor": mention["actor"],
        "alias": mention["alias"],
        "start": mention["chars"]["start"],
        "end": mention["chars"]["end"],
        "label": mention["label"],
        "score": mention["score"],
        "p_negative": mention["probs"][0],
        "p_neutral": mention["probs"][1],
        "p_positive": mention["probs"][2],
    }


def score(
    paragraphs: "ray.data.Dataset",
    actors: Any,
    concurrency: int = 2,
    batch_size: int = 256,
    num_cpus: float = 1,
    **sentiment_args: Any,
) -> "ray.data.Dataset":
    """The scored mentions of ``actors`` in every paragraph, with ``concurrency`` actors each
    holding one :class:`themescope.Sentiment` (``sentiment_args``: method, head, model, threads...).
    ``actors``: what :func:`discover_actors` returns, an actor file's path or a list of names and
    dicts; None would discover actors in each batch on its own, so it is refused."""
    if actors is None:
        raise ValueError("actors is None: discover them first (discover_actors) or give them")
    return paragraphs.map_batches(
        ScoreBatch,
        fn_constructor_args=(actors,),
        fn_constructor_kwargs=sentiment_args,
        compute=ray.data.ActorPoolStrategy(size=concurrency),
        batch_size=batch_size,
        batch_format="numpy",
        num_cpus=num_cpus,
    )
