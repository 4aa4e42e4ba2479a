#!/usr/bin/env python3
"""Neighbour smoothing before, and voting after, themescope's fit (issue 16's AG News NMI).

    # 1. write the row sets and their smoothed copies
    python bench/nmi_smooth.py write --embeddings ag.parquet --out DIR
    # 2. fit each: themescope themes --embeddings DIR/SET.parquet --k 4 --out DIR/SET.themes.json
    # 3. score the fits, and each fit followed by a vote
    python bench/nmi_smooth.py score --gold ag.jsonl --dir DIR

ag.jsonl is bench/prep_agnews.py's file; ag.parquet is `themescope embed ag.jsonl --unit document`.
Sets: all rows, the even rows (A), the odd rows (B), the first 2,000 (f2k); "-s10" copies have
each vector replaced by the normalised mean of itself and its 10 nearest neighbours (cosine).
The vote: each row takes the majority theme of itself and its K nearest neighbours in the
vectors, three rounds."""
import argparse
import glob
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.metrics import normalized_mutual_info_score as nmi
from sklearn.neighbors import NearestNeighbors


def unit_rows(table):
    x = np.stack(table.column("embedding").to_numpy(zero_copy_only=False)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def neighbours(x, k):
    return NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(x).kneighbors(x)[1]


def write(args):
    table = pq.read_table(args.embeddings)
    x = unit_rows(table)
    n = len(x)
    sets = {"all": np.arange(n), "A": np.arange(0, n, 2), "B": np.arange(1, n, 2), "f2k": np.arange(min(n, 2000))}
    field = table.schema.field("embedding")
    column = table.schema.get_field_index("embedding")
    os.makedirs(args.out, exist_ok=True)
    for name, rows in sets.items():
        smoothed = x[rows][neighbours(x[rows], 10)].mean(1)
        smoothed /= np.linalg.norm(smoothed, axis=1, keepdims=True)
        for suffix, vectors in (("", x[rows]), ("-s10", smoothed)):
            sub = table.take(pa.array(rows))
            sub = sub.set_column(column, "embedding", pa.array([v.tolist() for v in vectors], type=field.type))
            pq.write_table(sub, os.path.join(args.out, f"{name}{suffix}.parquet"))


def vote(labels, idx, rounds=3):
    current = labels.copy()
    for _ in range(rounds):
        votes = np.zeros((len(current), current.max() + 1))
        for j in range(idx.shape[1]):
            np.add.at(votes, (np.arange(len(current)), current[idx[:, j]]), 1)
        current = votes.argmax(1)
    return current


def score(args):
    gold = {}
    with open(args.gold) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                gold[str(d["id"])] = int(d["label"])
    for path in sorted(glob.glob(os.path.join(args.dir, "*.themes.json"))):
        name = os.path.basename(path)[: -len(".themes.json")]
        table = pq.read_table(os.path.join(args.dir, f"{name}.parquet"))
        ids = [str(i) for i in table.column("doc_id").to_pylist()]
        with open(path) as f:
            theme = {str(p["doc_id"]): p["theme"] for p in json.load(f)["paragraphs"]}
        # Outliers (no theme) vote as one more label.
        labels = np.array([-1 if theme[i] is None else theme[i] for i in ids])
        labels[labels < 0] = labels.max() + 1
        y = [gold[i] for i in ids]
        row = [f"{name}: {nmi(y, labels):.4f}"]
        x = unit_rows(table)
        for k in (10, 15, 30):
            row.append(f"vote {k}: {nmi(y, vote(labels, neighbours(x, k))):.4f}")
        print("  ".join(row))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--embeddings", required=True)
    w.add_argument("--out", required=True)
    s = sub.add_parser("score")
    s.add_argument("--gold", required=True)
    s.add_argument("--dir", required=True)
    args = ap.parse_args()
    write(args) if args.cmd == "write" else score(args)


if __name__ == "__main__":
    main()
