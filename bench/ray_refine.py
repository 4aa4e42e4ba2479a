"""How far themes fitted on a sample with themescope.ray are from themes fitted on every vector
in one process: ARI of every paragraph's theme, for samples of 10, 25 and 50 %, with and without
the refinement (k-means steps over every paragraph in map_batches), for reduce="none" and
reduce="auto". AG News items as python/tests/test_ray.py reads them; one local Ray cluster.

    THEMESCOPE_MODELS=../shared/models .venv-python/bin/python bench/ray_refine.py \\
        ../shared/data/ag_news/test.jsonl --items 7600 --cache /tmp/ray-refine-cache

Prints one line per setting; the vectors are embedded once (one thread) and kept in --cache.
"""

import argparse
import json
import time

import numpy as np
import ray

import themescope
import themescope.ray as tsr


def items(path, n):
    """(doc_id, para_index) keys in order, and their paragraphs, as test_ray.py makes them."""
    rows = {}
    with open(path) as f:
        for line, _ in zip(f, range(n)):
            item = json.loads(line)
            text = item["title"] + ". " + item["description"].replace("\\", " ")
            for i, p in enumerate(themescope.split_paragraphs(text)):
                rows[(f"{item['id']:05}", i)] = p
    keys = sorted(rows)
    return keys, [rows[k] for k in keys]


def adjusted_rand(a, b):
    _, a = np.unique(np.asarray(a), return_inverse=True)
    _, b = np.unique(np.asarray(b), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)
    pairs = lambda x: (x * (x - 1) / 2).sum()
    index, rows, cols = pairs(table), pairs(table.sum(1)), pairs(table.sum(0))
    expected = rows * cols / pairs(np.array([len(a)]))
    return (index - expected) / ((rows + cols) / 2 - expected)


def themes_by_key(ds):
    rows = ds.select_columns(["doc_id", "para_index", "theme"]).sort(["doc_id", "para_index"]).take_all()
    return np.array([r["theme"] for r in rows])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl")
    ap.add_argument("--items", type=int, default=7600)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--fractions", default="0.1,0.25,0.5")
    ap.add_argument("--reduce", default="none,auto")
    ap.add_argument("--runs", default="1", help="refined fits' runs to try, e.g. 1,3")
    args = ap.parse_args()

    keys, texts = items(args.jsonl, args.items)
    doc_ids = [d for d, _ in keys]
    embedder = themescope.Embedder(threads=1, cache=args.cache)
    t = time.time()
    vectors = embedder.embed(texts)
    print(f"{len(texts)} paragraphs embedded in {time.time() - t:.0f} s", flush=True)

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ds = ray.data.from_items(
        [{"doc_id": d, "para_index": i, "text": x, "embedding": v} for (d, i), x, v in zip(keys, texts, vectors)]
    ).repartition(8).materialize()

    for reduce in args.reduce.split(","):
        full = {}
        for seed in (42, 7):
            t = time.time()
            one = themescope.themes(vectors, texts, k=args.k, seed=seed, doc_ids=doc_ids, embedder=embedder, reduce=reduce)
            full[seed] = np.array([-1 if a is None else a for a in one["assignments"]])
            print(f"reduce={reduce} full fit seed {seed}: {time.time() - t:.0f} s, {len(one['duplicates'])} duplicates", flush=True)
        print(f"reduce={reduce} full fits seed 42 vs 7: ARI {adjusted_rand(full[42], full[7]):.4f}", flush=True)
        for fraction in [float(f) for f in args.fractions.split(",")]:
            tries = [(False, 1)] + [(True, int(r)) for r in args.runs.split(",")]
            for refine, runs in tries:
                t = time.time()
                fitted = tsr.fit_themes(
                    ds, fraction=fraction, seed=42, embedder=embedder, refine=refine, runs=runs, k=args.k, reduce=reduce
                )
                got = themes_by_key(tsr.assign(ds, fitted))
                steps = fitted.get("refined", {}).get("steps", 0)
                print(
                    f"reduce={reduce} fraction={fraction} refine={refine} runs={runs}: ARI {adjusted_rand(got, full[42]):.4f} "
                    f"(vs seed 7: {adjusted_rand(got, full[7]):.4f}), steps {steps}, {time.time() - t:.0f} s",
                    flush=True,
                )
    ray.shutdown()


if __name__ == "__main__":
    main()
