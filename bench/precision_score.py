#!/usr/bin/env python3
"""Scores bench/precision_check.sh's outputs: f32 against i16, side by side, as markdown."""
import argparse
import json
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from score import PHRASES, load_gold, load_result, phrase_hits


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--gold", required=True)
    a = p.parse_args()
    d = Path(a.dir)
    gold = load_gold(a.gold)
    ag = {t: load_result(d / f"ag-{t}.themes.json") for t in ("f32", "i16")}
    seeds = {t: load_result(d / f"seeds-{t}.themes.json") for t in ("f32", "i16")}
    head = {t: json.loads((d / f"head-{t}.json").read_text()) for t in ("f32", "i16")}
    for runs in (ag, seeds):
        if runs["f32"]["keys"] != runs["i16"]["keys"]:
            raise SystemExit("precision-score: the two runs hold different rows")

    def vs_gold(r):
        y = [gold[k[0]] for k in r["keys"]]
        return normalized_mutual_info_score(y, r["labels"]), adjusted_rand_score(y, r["labels"])

    rows = [("| check | f32 | i16 |"), "|---|---|---|"]
    (n32, a32), (n16, a16) = vs_gold(ag["f32"]), vs_gold(ag["i16"])
    rows.append(f"| AG News, themes --k 4: NMI vs gold | {n32:.4f} | {n16:.4f} |")
    rows.append(f"| AG News, themes --k 4: ARI vs gold | {a32:.4f} | {a16:.4f} |")
    rows.append(f"| AG News: ARI f32 vs i16 assignment | {adjusted_rand_score(ag['f32']['labels'], ag['i16']['labels']):.4f} | |")
    k = {t: len(seeds[t]["topics"]) for t in seeds}
    rows.append(f"| seeds, themes --k auto: themes | {k['f32']} | {k['i16']} |")
    rows.append(f"| seeds: ARI f32 vs i16 assignment | {adjusted_rand_score(seeds['f32']['labels'], seeds['i16']['labels']):.4f} | |")
    hits = {t: phrase_hits(seeds[t]) for t in seeds}
    for ph in PHRASES:
        rows.append(f"| seeds: \"{ph}\" in a theme's top 10 | {hits['f32'][ph]} | {hits['i16'][ph]} |")

    def metric(h, *names):
        for n in names:
            if n in h:
                return h[n]
        raise SystemExit(f"precision-score: no {names} in head eval output: {sorted(h)}")

    for label, names in (("accuracy", ("accuracy",)), ("macro-F1", ("f1m", "f1_macro"))):
        v = {t: metric(head[t], *names) for t in head}
        rows.append(f"| NewsMTSC dev-rw, head: {label} | {v['f32']:.4f} | {v['i16']:.4f} |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
