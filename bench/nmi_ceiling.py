#!/usr/bin/env python3
"""How far a partition of one set of vectors can recover gold topics (issue 16's AG News NMI).

    bench/.venv/bin/python bench/nmi_ceiling.py --embeddings ag.parquet --gold ag.jsonl \
        [--themes themes.json ...] [--k 4] [--seeds 1 2 3]

ag.jsonl is bench/prep_agnews.py's file (id, text, label); ag.parquet is `themescope embed ag.jsonl`
(its doc_id is the id). Prints NMI against the gold labels for:
- k-means on the unit vectors (scikit-learn, 10 starts, per seed);
- every row given to its nearest *gold* topic centroid (the best any nearest-centroid partition
  with k = the number of topics can do with these centroids);
- supervised linear discriminant analysis fitted on the gold labels and scored on the same rows
  (an upper bound for any linear partition of these vectors: no unsupervised method sees labels);
- self-training from each k-means partition and each themes.json given: refit a shrunk LDA on the
  vectors (plus, in the second column, a multinomial naive Bayes on the words, weight 0.5) to the
  current labels and relabel, until no row moves (at most 20 rounds).
The two self-training columns are partitions an unsupervised tool could produce; the first two
rows are not (they read the gold labels)."""
import argparse
import json

import numpy as np
import pyarrow.parquet as pq
from sklearn.cluster import KMeans
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import normalized_mutual_info_score as nmi
from sklearn.naive_bayes import MultinomialNB


def load(embeddings, gold_path):
    table = pq.read_table(embeddings).to_pandas()
    gold = {}
    with open(gold_path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                gold[str(d["id"])] = int(d["label"])
    ids = table["doc_id"].astype(str).values
    missing = [i for i in ids if i not in gold]
    if missing:
        raise SystemExit(f"{gold_path}: no label for {len(missing)} rows (first: {missing[0]}); give prep_agnews.py's file")
    x = np.stack(table["embedding"].values).astype(np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, np.array([gold[i] for i in ids]), table["text"].values, ids


def self_train(x, words, labels, word_weight):
    """Refits the classifier to its own labels until they stop moving; the NMI path's end."""
    current = np.asarray(labels)
    for rounds in range(1, 21):
        log_p = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, current).predict_log_proba(x)
        if word_weight:
            log_p = log_p + word_weight * MultinomialNB(alpha=0.1).fit(words, current).predict_log_proba(words)
        moved = log_p.argmax(1)
        if (moved == current).all():
            break
        current = moved
    return current, rounds


def themes_labels(path, ids):
    """Each row's theme in a themes.json (outliers as one more label)."""
    with open(path) as f:
        paragraphs = json.load(f)["paragraphs"]
    by_id = {str(p["doc_id"]): (-1 if p["theme"] is None else p["theme"]) for p in paragraphs}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise SystemExit(f"{path}: no row for {len(missing)} ids (first: {missing[0]}); fit it on the same rows")
    return np.array([by_id[i] for i in ids])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embeddings", required=True)
    ap.add_argument("--gold", required=True)
    ap.add_argument("--themes", nargs="*", default=[], help="themescope themes.json files to start from")
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    ap.add_argument("--rows", type=int, default=None, help="only the first ROWS rows")
    args = ap.parse_args()
    x, gold, texts, ids = load(args.embeddings, args.gold)
    x, gold, texts, ids = x[: args.rows], gold[: args.rows], texts[: args.rows], ids[: args.rows]
    words = CountVectorizer(stop_words="english", min_df=2, max_df=0.5).fit_transform(texts)
    topics = np.unique(gold)
    centroids = np.stack([x[gold == t].mean(0) for t in topics])
    print(f"{len(gold)} rows, {len(topics)} gold topics\n")
    print("| partition | NMI | self-trained, vectors | self-trained, vectors + words |")
    print("|---|---:|---:|---:|")
    print(f"| nearest gold centroid (reads the labels) | {nmi(gold, (x @ centroids.T).argmax(1)):.4f} | | |")
    lda = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, gold)
    print(f"| LDA fitted on the gold labels, same rows (reads the labels) | {nmi(gold, lda.predict(x)):.4f} | | |")
    starts = [(f"k-means k={args.k}, seed {s}", KMeans(args.k, n_init=10, random_state=s).fit(x).labels_) for s in args.seeds]
    starts += [(f"themes.json {p}", themes_labels(p, ids)) for p in args.themes]
    for name, labels in starts:
        alone, r1 = self_train(x, words, labels, 0.0)
        both, r2 = self_train(x, words, labels, 0.5)
        print(f"| {name} | {nmi(gold, labels):.4f} | {nmi(gold, alone):.4f} ({r1} rounds) | {nmi(gold, both):.4f} ({r2} rounds) |")


if __name__ == "__main__":
    main()
