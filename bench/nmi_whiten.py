#!/usr/bin/env python3
"""Does re-weighting the vectors' principal directions help k-means recover AG News topics?

    bench/.venv/bin/python bench/nmi_whiten.py --embeddings ag.parquet --gold ag.jsonl

Inputs as for nmi_ceiling.py. k-means (scikit-learn, 10 starts, seeds 1 and 2) on the unit
vectors after each transform, on all rows, the even rows (A), the odd rows (B) and the first
2,000: centring; removing the top d principal components ("all-but-the-top"); PCA whitening to
D dimensions; and half whitening (each component divided by the square root of its scale)."""
import argparse

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score as nmi

from nmi_ceiling import load


def unit(v):
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def components(v):
    centred = v - v.mean(0)
    _, scale, axes = np.linalg.svd(centred, full_matrices=False)
    return centred, scale / np.sqrt(len(v)), axes


def drop_top(v, d):
    centred, _, axes = components(v)
    top = axes[:d]
    return unit(centred - centred @ top.T @ top)


def whiten(v, dims, power):
    centred, scale, axes = components(v)
    return unit(centred @ axes[:dims].T / scale[:dims] ** power)


TRANSFORMS = [("raw", lambda v: v), ("centred", lambda v: drop_top(v, 0))]
TRANSFORMS += [(f"top {d} removed", lambda v, d=d: drop_top(v, d)) for d in (1, 2, 3, 5)]
TRANSFORMS += [(f"whitened to {n}", lambda v, n=n: whiten(v, n, 1.0)) for n in (10, 20, 50, 100)]
TRANSFORMS += [(f"half-whitened to {n}", lambda v, n=n: whiten(v, n, 0.5)) for n in (50, 100)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embeddings", required=True)
    ap.add_argument("--gold", required=True)
    args = ap.parse_args()
    x, gold, _, _ = load(args.embeddings, args.gold)
    subsets = {"all": np.arange(len(x)), "A": np.arange(0, len(x), 2),
               "B": np.arange(1, len(x), 2), "first 2,000": np.arange(2000)}
    print("| transform | " + " | ".join(subsets) + " |")
    print("|---" * (len(subsets) + 1) + "|")
    for name, transform in TRANSFORMS:
        cells = []
        for rows in subsets.values():
            v = transform(x[rows])
            scores = [nmi(gold[rows], KMeans(4, n_init=10, random_state=s).fit_predict(v)) for s in (1, 2)]
            cells.append(" / ".join(f"{s:.3f}" for s in scores))
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
