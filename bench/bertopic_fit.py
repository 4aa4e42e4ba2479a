#!/usr/bin/env python3
"""Fit BERTopic (or plain scikit-learn k-means) on the vectors of a themescope .parquet file.

The vectors are the very ones themescope clusters: they are read from the `embedding` column and
passed to BERTopic as `embeddings=`, so no encoder is ever loaded or downloaded. The documents are
the `text` column, in row order.

Writes a JSON file:
  {"tool", "config", "seed", "rows", "doc_ids", "labels" (one per row, -1 = outlier),
   "n_topics", "outliers": {"count", "share"}, "fit_seconds", "topics": {id: [top words]}}

Configs:
  default         BERTopic(UMAP + HDBSCAN), calculate_probabilities=False
  kmeans4         BERTopic(UMAP + KMeans(n_clusters=4))
  sklearn-kmeans4 scikit-learn KMeans(n_clusters=4, n_init=10) on the raw vectors (reference)
  kmeans          BERTopic(UMAP + KMeans(n_clusters=--k))
  umap-kmeans     BERTopic's UMAP alone, then scikit-learn KMeans(--k) on its output: the reduction
                  and clustering without BERTopic's topic words (fit_seconds: UMAP + KMeans)
"""
import argparse
import json
import sys
import time

import numpy as np
import pyarrow.parquet as pq


def load(path):
    table = pq.read_table(path, columns=["doc_id", "para_index", "text", "embedding"])
    emb = table.column("embedding").combine_chunks()
    dim = emb.type.list_size
    vectors = np.asarray(emb.flatten().to_numpy(zero_copy_only=False), dtype=np.float32)
    vectors = vectors.reshape(len(table), dim)
    return (
        table.column("doc_id").to_pylist(),
        table.column("text").to_pylist(),
        vectors,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embeddings", required=True, help="themescope .parquet (doc_id, para_index, text, embedding)")
    ap.add_argument("--config", required=True, choices=["default", "kmeans4", "sklearn-kmeans4", "kmeans", "umap-kmeans"])
    ap.add_argument("--k", type=int, default=4, help="clusters for the kmeans and umap-kmeans configs")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--min-topic-size", type=int, default=10, help="BERTopic min_topic_size (its default: 10)")
    ap.add_argument("--top-n", type=int, default=10, help="words kept per topic")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    doc_ids, docs, vectors = load(args.embeddings)
    topics_words = {}

    if args.config == "sklearn-kmeans4":
        from sklearn.cluster import KMeans

        t0 = time.perf_counter()
        labels = KMeans(n_clusters=4, n_init=10, random_state=args.seed).fit_predict(vectors)
        fit_seconds = time.perf_counter() - t0
        labels = [int(x) for x in labels]
    elif args.config == "umap-kmeans":
        from sklearn.cluster import KMeans
        from umap import UMAP

        t0 = time.perf_counter()
        reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                       low_memory=False, random_state=args.seed).fit_transform(vectors)
        labels = KMeans(n_clusters=args.k, random_state=args.seed).fit_predict(reduced)
        fit_seconds = time.perf_counter() - t0
        labels = [int(x) for x in labels]
    else:
        from bertopic import BERTopic
        from bertopic.backend import BaseEmbedder
        from sklearn.cluster import KMeans
        from sklearn.feature_extraction.text import CountVectorizer
        from umap import UMAP

        class NoEmbedder(BaseEmbedder):
            """Stands in for the encoder: the vectors are given, so embedding anything is a bug."""

            def embed(self, documents, verbose=False):
                raise RuntimeError("bench: BERTopic tried to embed text; the vectors must be given")

        # BERTopic's own UMAP defaults, plus a random_state so that runs are reproducible
        # (which also makes UMAP single-threaded).
        umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                          low_memory=False, random_state=args.seed)
        kwargs = {}
        if args.config in ("kmeans4", "kmeans"):
            k = 4 if args.config == "kmeans4" else args.k
            kwargs["hdbscan_model"] = KMeans(n_clusters=k, random_state=args.seed)
        model = BERTopic(
            embedding_model=NoEmbedder(),
            umap_model=umap_model,
            vectorizer_model=CountVectorizer(ngram_range=(1, 3), stop_words="english"),
            min_topic_size=args.min_topic_size,
            top_n_words=args.top_n,
            calculate_probabilities=False,
            **kwargs,
        )
        t0 = time.perf_counter()
        labels, _ = model.fit_transform(docs, embeddings=vectors)
        fit_seconds = time.perf_counter() - t0
        labels = [int(x) for x in labels]
        for topic in sorted(set(labels)):
            words = model.get_topic(topic) or []
            topics_words[str(topic)] = [w for w, _ in words[: args.top_n]]

    n_out = sum(1 for x in labels if x == -1)
    result = {
        "tool": "bertopic" if args.config in ("default", "kmeans4", "kmeans") else "sklearn",
        "config": args.config,
        "seed": args.seed,
        "rows": len(labels),
        "doc_ids": doc_ids,
        "labels": labels,
        "n_topics": len({x for x in labels if x != -1}),
        "outliers": {"count": n_out, "share": n_out / max(len(labels), 1)},
        "fit_seconds": fit_seconds,
        "topics": topics_words,
    }
    with open(args.out, "w") as f:
        json.dump(result, f)
    print(
        f"{args.config}: {result['n_topics']} topics, {100 * result['outliers']['share']:.1f}% outliers, "
        f"fit {fit_seconds:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
