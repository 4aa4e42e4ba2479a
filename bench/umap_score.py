#!/usr/bin/env python3
"""Score the runs of umap_vs_bertopic.sh: one table row per run.

Reads a manifest (TSV: name, dataset, result, timefile, gold). Results are a themescope
themes.json ("paragraphs", taken in row order) or bertopic_fit.py's JSON ("labels", row order);
the gold file is a jsonl with a "label" per row, in the same row order as the embeddings file.
Outliers (theme null / topic -1) count as one cluster of their own.

Columns: NMI, ARI (scikit-learn), topics, k used and reduction (themescope), whole-process wall
and CPU seconds and peak RSS (/usr/bin/time -v), fit seconds (BERTopic / UMAP alone).
"""
import argparse
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import parse_time  # noqa: E402


def labels_of(path):
    with open(path) as f:
        d = json.load(f)
    if "paragraphs" in d:
        paras = sorted(d["paragraphs"], key=lambda p: p["row"])
        labels = [-1 if p["theme"] is None else int(p["theme"]) for p in paras]
        params = d.get("params", {})
        return labels, params.get("k_used"), params.get("reduce"), None
    return d["labels"], d.get("n_topics"), "umap:5 (umap-learn)" if d["config"] != "sklearn-kmeans4" else "none", d.get("fit_seconds")


def main():
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--json")
    args = ap.parse_args()
    gold_cache = {}
    rows = []
    with open(args.manifest) as f:
        for name, dataset, result, timefile, gold in csv.reader(f, delimiter="\t"):
            labels, k, reduce, fit = labels_of(result)
            wall, rss, cpu = parse_time(timefile)
            row = {"dataset": dataset, "run": name, "topics": len({x for x in labels if x != -1}),
                   "k": k, "reduce": reduce, "wall": wall, "cpu": cpu, "rss": rss, "fit": fit}
            if gold:
                if gold not in gold_cache:
                    with open(gold) as g:
                        gold_cache[gold] = [json.loads(line)["label"] for line in g if line.strip()]
                truth = gold_cache[gold]
                if len(truth) != len(labels):
                    raise SystemExit(f"{result}: {len(labels)} rows, gold has {len(truth)}")
                row["nmi"] = normalized_mutual_info_score(truth, labels)
                row["ari"] = adjusted_rand_score(truth, labels)
            rows.append(row)
    print("| data | run | NMI | ARI | topics | reduce | wall s | CPU s | peak RSS MiB | fit s |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        nmi = f"{r['nmi']:.3f}" if "nmi" in r else "–"
        ari = f"{r['ari']:.3f}" if "ari" in r else "–"
        fit = f"{r['fit']:.1f}" if r["fit"] is not None else "–"
        print(f"| {r['dataset']} | {r['run']} | {nmi} | {ari} | {r['topics']} | {r['reduce']} | "
              f"{r['wall']:.1f} | {r['cpu']:.1f} | {r['rss']:.0f} | {fit} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
