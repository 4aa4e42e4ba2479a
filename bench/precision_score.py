#!/usr/bin/env python3
"""Scores bench/precision_check.sh's outputs: f32 against each faster precision, as markdown."""
import argparse
import json
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from score import PHRASES, load_gold, load_result, phrase_hits


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--gold", required=True)
    p.add_argument("--dtypes", default="f32 i16 i8", help="precisions run, f32 first")
    a = p.parse_args()
    d = Path(a.dir)
    dtypes = a.dtypes.split()
    if dtypes[0] != "f32":
        raise SystemExit("precision-score: f32 must come first, the others are compared with it")
    gold = load_gold(a.gold)
    ag = {t: load_result(d / f"ag-{t}.themes.json") for t in dtypes}
    seeds = {t: load_result(d / f"seeds-{t}.themes.json") for t in dtypes}
    head = {t: json.loads((d / f"head-{t}.json").read_text()) for t in dtypes}
    for runs in (ag, seeds):
        if any(runs[t]["keys"] != runs["f32"]["keys"] for t in dtypes):
            raise SystemExit("precision-score: the runs hold different rows")

    def vs_gold(r):
        y = [gold[k[0]] for k in r["keys"]]
        return normalized_mutual_info_score(y, r["labels"]), adjusted_rand_score(y, r["labels"])

    def row(check, values):
        return f"| {check} | " + " | ".join(values) + " |"

    def vs_f32(runs):
        return ["1"] + [
            f"{adjusted_rand_score(runs['f32']['labels'], runs[t]['labels']):.4f}" for t in dtypes[1:]
        ]

    rows = [row("check", dtypes), "|---" * (len(dtypes) + 1) + "|"]
    scores = {t: vs_gold(ag[t]) for t in dtypes}
    rows.append(row("AG News, themes --k 4: NMI vs gold", [f"{scores[t][0]:.4f}" for t in dtypes]))
    rows.append(row("AG News, themes --k 4: ARI vs gold", [f"{scores[t][1]:.4f}" for t in dtypes]))
    rows.append(row("AG News: ARI to f32's assignment", vs_f32(ag)))
    rows.append(row("seeds, themes --k auto: themes", [str(len(seeds[t]["topics"])) for t in dtypes]))
    rows.append(row("seeds: ARI to f32's assignment", vs_f32(seeds)))
    hits = {t: phrase_hits(seeds[t]) for t in dtypes}
    for ph in PHRASES:
        rows.append(row(f"seeds: \"{ph}\" in a theme's top 10", [str(hits[t][ph]) for t in dtypes]))

    def metric(h, *names):
        for n in names:
            if n in h:
                return h[n]
        raise SystemExit(f"precision-score: no {names} in head eval output: {sorted(h)}")

    for label, names in (("accuracy", ("accuracy",)), ("macro-F1", ("f1m", "f1_macro"))):
        rows.append(row(f"NewsMTSC dev-rw, head: {label}",
                        [f"{metric(head[t], *names):.4f}" for t in dtypes]))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
