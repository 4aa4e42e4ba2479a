#!/usr/bin/env python3
"""NPMI and topic diversity of the top-10 words: themescope beside BERTopic on the same clusters.

The protocol of the BERTopic paper (Grootendorst 2022, after OCTIS): gensim's `c_npmi` (sliding
windows of 10 tokens, NPMI of every word pair, mean over pairs then over topics) with the
preprocessed corpus itself as the reference, and topic diversity = distinct words / all top words.

For every themescope result given (`--themes K=PATH`, a `themes.json` of `themescope themes --k K`):

- **themescope**: each theme's top-10 words. `themes[].words` when themes.json has it
  (themescope's own list), else derived from the theme's phrases in their order: each phrase
  preprocessed like the corpus (below), words outside the reference vocabulary dropped, each word
  once, the first 10.
  In both cases a word outside the reference vocabulary is dropped (counted in the output).
- **BERTopic, same clusters**: BERTopic 0.17 fitted on the same rows with themescope's assignment
  (`BaseCluster` + `y=`; no reduction), defaults otherwise (CountVectorizer unigrams, c-TF-IDF,
  top_n_words=10) on the preprocessed documents, as the paper fits it. Rows themescope leaves out
  of its themes (outliers, near-duplicate documents) get -1 and are left out of the topics.
- **BERTopic pipeline** (`--pipeline`): BERTopic's UMAP (15 neighbours, 5 dimensions, min_dist 0,
  cosine, random_state=seed) computed once, then BERTopic with KMeans(k, random_state=seed) as its
  cluster model on those coordinates: its own clusters and words at the same k.

Preprocessing of the reference corpus (also BERTopic's input): lowercase; tokens are runs of
letters and digits; tokens of one character, tokens of digits only and scikit-learn's English stop
words are dropped.

Writes the Markdown table to stdout and `--md`, all numbers and word lists to `--json`, and the word
lists side by side to `--words`.
"""
import argparse
import json
import re
import sys
import time

import numpy as np
import pyarrow.parquet as pq
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

TOP = 10
TOKEN = re.compile(r"[^\W_]+")


def tokenize(text):
    """Reference tokens of a text (see the module doc)."""
    return [
        t
        for t in TOKEN.findall(text.lower())
        if len(t) > 1 and not t.isdigit() and t not in ENGLISH_STOP_WORDS
    ]


def load(path):
    table = pq.read_table(path, columns=["doc_id", "text", "embedding"])
    emb = table.column("embedding").combine_chunks()
    vectors = np.asarray(emb.flatten().to_numpy(zero_copy_only=False), dtype=np.float32)
    return (
        table.column("doc_id").to_pylist(),
        table.column("text").to_pylist(),
        vectors.reshape(len(table), emb.type.list_size),
    )


def themescope_topics(themes, vocab):
    """Top words of each theme (see the module doc) and how many words were outside `vocab`."""
    topics, dropped = [], 0
    for theme in themes["themes"]:
        if "words" in theme:
            words = [w for w in theme["words"] if w in vocab]
            dropped += len(theme["words"]) - len(words)
        else:
            words = []
            for w in (w for p in theme["phrases"] for w in tokenize(p["phrase"])):
                if len(words) == TOP:
                    break
                if w not in vocab:
                    dropped += 1
                elif w not in words:
                    words.append(w)
        topics.append(words)
    return topics, dropped


def labels_of(themes, doc_ids):
    """themescope's assignment by row (-1: outlier or near-duplicate document)."""
    by_row = {}
    for p in themes["paragraphs"]:
        keep = p["theme"] is not None and not p.get("duplicate", False)
        by_row[p["row"]] = p["theme"] if keep else -1
    if len(by_row) != len(doc_ids):
        sys.exit(f"bench: themes.json has {len(by_row)} rows, the parquet {len(doc_ids)}")
    return np.array([by_row[r] for r in range(len(doc_ids))])


def bertopic_words(docs, vectors, labels=None, cluster=None):
    """BERTopic's default topic words (topic -1 left out). With `labels`, in the order of the
    given labels 0, 1, ... (BERTopic renumbers topics by size)."""
    from bertopic import BERTopic
    from bertopic.backend import BaseEmbedder
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction

    class Refuse(BaseEmbedder):
        def embed(self, documents, verbose=False):
            raise RuntimeError("bench: BERTopic tried to embed text; the vectors must be given")

    model = BERTopic(
        embedding_model=Refuse(),
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=cluster if cluster is not None else BaseCluster(),
        top_n_words=TOP,
        calculate_probabilities=False,
    )
    if labels is None:
        model.fit(docs, embeddings=vectors)
    else:
        model.fit(docs, embeddings=vectors, y=[int(x) for x in labels])
    words = lambda t: [w for w, _ in model.get_topic(t)[:TOP] if w]
    if labels is None:
        return [words(t) for t in sorted(model.get_topics()) if t != -1]
    new = np.array(model.topics_)
    given = sorted(int(x) for x in set(labels.tolist()) if x != -1)
    return [words(int(np.bincount(new[labels == c] + 1).argmax()) - 1) for c in given]


def score(topics, texts, dictionary):
    """Mean c_npmi over topics (gensim, window 10), per-topic values and topic diversity."""
    from gensim.models.coherencemodel import CoherenceModel

    scored = [t for t in topics if len(t) >= 2]
    cm = CoherenceModel(
        topics=scored,
        texts=texts,
        dictionary=dictionary,
        coherence="c_npmi",
        topn=TOP,
        processes=1,
    )
    values = iter(float(x) for x in cm.get_coherence_per_topic())
    # A topic of fewer than 2 words has no pair: NaN, left out of the mean.
    per_topic = [next(values) if len(t) >= 2 else float("nan") for t in topics]
    words = [w for t in topics for w in t]
    return {
        "npmi": float(np.nanmean(per_topic)) if scored else float("nan"),
        "per_topic": per_topic,
        "diversity": len(set(words)) / max(len(words), 1),
        "topics": len(topics),
        "short_topics": sum(1 for t in topics if len(t) < TOP),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embeddings", required=True, help="themescope .parquet (doc_id, text, embedding)")
    ap.add_argument("--themes", action="append", required=True, metavar="K=PATH",
                    help="themes.json of `themescope themes --k K`; repeat for every k")
    ap.add_argument("--pipeline", action="store_true", help="also BERTopic's own UMAP + k-means(k)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--words", required=True)
    args = ap.parse_args()

    from gensim.corpora import Dictionary

    doc_ids, raw, vectors = load(args.embeddings)
    texts = [tokenize(t) for t in raw]
    docs = [" ".join(t) for t in texts]
    dictionary = Dictionary(texts)
    vocab = set(dictionary.token2id)

    reduced = None
    if args.pipeline:
        from umap import UMAP

        t0 = time.perf_counter()
        reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                       low_memory=False, random_state=args.seed).fit_transform(vectors)
        print(f"bench: UMAP {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    runs = []
    for spec in args.themes:
        k, path = spec.split("=", 1)
        with open(path) as f:
            themes = json.load(f)
        labels = labels_of(themes, doc_ids)
        ts_topics, ts_dropped = themescope_topics(themes, vocab)
        bt_topics = bertopic_words(docs, vectors, labels=labels)
        run = {
            "k": int(k),
            "themes_json": path,
            "themescope": {**score(ts_topics, texts, dictionary), "words": ts_topics,
                           "dropped_outside_vocabulary": ts_dropped,
                           "self_reported": themes.get("label_quality", {}).get("npmi"),
                           "labels": [t["label"] for t in themes["themes"]]},
            "bertopic_same_clusters": {**score(bt_topics, texts, dictionary), "words": bt_topics},
        }
        if reduced is not None:
            from sklearn.cluster import KMeans

            km = KMeans(n_clusters=int(k), random_state=args.seed)
            pipe_topics = bertopic_words(docs, reduced, cluster=km)
            run["bertopic_pipeline"] = {**score(pipe_topics, texts, dictionary), "words": pipe_topics}
        print(f"bench: k={k} done", file=sys.stderr)
        runs.append(run)

    with open(args.json, "w") as f:
        json.dump({"seed": args.seed, "rows": len(raw), "vocabulary": len(vocab), "runs": runs}, f, indent=1)
    table = markdown(runs)
    with open(args.md, "w") as f:
        f.write(table)
    print(table)
    with open(args.words, "w") as f:
        f.write(word_lists(runs))


def markdown(runs):
    pipe = any("bertopic_pipeline" in r for r in runs)
    head = "| k | themescope NPMI | BERTopic NPMI | themescope TD | BERTopic TD |"
    rule = "|---:|---:|---:|---:|---:|"
    if pipe:
        head += " BERTopic UMAP+k-means NPMI | BERTopic UMAP+k-means TD |"
        rule += "---:|---:|"
    lines = [head, rule]
    for r in runs:
        ts, bt = r["themescope"], r["bertopic_same_clusters"]
        row = f"| {r['k']} | {ts['npmi']:.4f} | {bt['npmi']:.4f} | {ts['diversity']:.3f} | {bt['diversity']:.3f} |"
        if pipe:
            p = r.get("bertopic_pipeline")
            row += f" {p['npmi']:.4f} | {p['diversity']:.3f} |" if p else " | |"
        lines.append(row)
    means = lambda key, field: np.mean([r[key][field] for r in runs])
    row = (f"| mean | {means('themescope', 'npmi'):.4f} | {means('bertopic_same_clusters', 'npmi'):.4f} | "
           f"{means('themescope', 'diversity'):.3f} | {means('bertopic_same_clusters', 'diversity'):.3f} |")
    if pipe and all("bertopic_pipeline" in r for r in runs):
        row += f" {means('bertopic_pipeline', 'npmi'):.4f} | {means('bertopic_pipeline', 'diversity'):.3f} |"
    lines.append(row)
    return "\n".join(lines) + "\n"


def word_lists(runs):
    out = []
    for r in runs:
        ts, bt = r["themescope"], r["bertopic_same_clusters"]
        out.append(f"## k = {r['k']}\n")
        for i, words in enumerate(ts["words"]):
            out.append(f"- theme {i} ({ts['labels'][i]}), NPMI {ts['per_topic'][i]:.3f}: {' '.join(words)}")
        out.append("")
        for i, words in enumerate(bt["words"]):
            out.append(f"- BERTopic, theme {i}'s cluster, NPMI {bt['per_topic'][i]:.3f}: {' '.join(words)}")
        out.append("")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
