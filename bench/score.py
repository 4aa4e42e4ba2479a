#!/usr/bin/env python3
"""Score the benchmark's runs and print them side by side.

Reads a manifest (TSV: name, dataset, rep, result, timefile) written by themes_vs_bertopic.sh.
A result is either a themescope themes.json (has "paragraphs") or the JSON of bertopic_fit.py
(has "labels"). A timefile is the output of `/usr/bin/time -v`.

Scores (AG News, against the gold labels, matched by doc_id):
  NMI, ARI     sklearn normalized_mutual_info_score / adjusted_rand_score; outliers count as one
               cluster of their own (BERTopic's topic -1, themescope's theme null), as they would
               for a user who takes the assignment as given.
  topics       distinct topics/themes, outliers not counted
  outliers     share of rows left without a topic (after themescope's reassignment, if any)
  CPU          user + system seconds of the process (less sensitive than wall to other load)
  wall, RSS    "Elapsed (wall clock) time" and "Maximum resident set size" of the whole process
               (Python start-up and imports included for BERTopic; model load and phrase
               embedding included for themescope); the range over repetitions.
  same         whether every repetition gave the same assignment (reproducibility)
Seeds (no gold): topics, outliers, and whether "marriage of convenience" / "reverse nixon" are among
a topic's top-10 words/phrases (case-insensitive, exact phrase); "label" when it is (in) a label.
"""
import argparse
import csv
import json
import re
import sys
from collections import OrderedDict

PHRASES = ["marriage of convenience", "reverse nixon"]


def parse_time(path):
    wall = rss = None
    cpu = 0.0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]
                secs = 0.0
                for part in v.split(":"):
                    secs = secs * 60 + float(part)
                wall = secs
            elif line.startswith("User time (seconds)") or line.startswith("System time (seconds)"):
                cpu += float(line.rsplit(": ", 1)[1])
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1]) / 1024.0  # kB -> MiB
            elif line.startswith("Exit status"):
                status = int(line.rsplit(": ", 1)[1])
                if status != 0:
                    raise SystemExit(f"score: {path}: the timed command exited with {status}")
    return wall, rss, cpu


def load_result(path):
    with open(path) as f:
        d = json.load(f)
    if "paragraphs" in d:  # themescope themes.json
        paras = sorted(d["paragraphs"], key=lambda p: p["row"])
        keys = [(str(p["doc_id"]), int(p["para_index"])) for p in paras]
        labels = [-1 if p["theme"] is None else int(p["theme"]) for p in paras]
        topics = {}
        labels_txt = {}
        for t in d["themes"]:
            topics[t["id"]] = [p["phrase"] for p in t["phrases"][:10]]
            labels_txt[t["id"]] = t.get("label", "")
        return {
            "tool": "themescope",
            "keys": keys,
            "labels": labels,
            "topics": topics,
            "label_text": labels_txt,
            "fit_seconds": None,
            "k_used": d.get("params", {}).get("k_used"),
        }
    keys = [(str(i), None) for i in d["doc_ids"]]
    topics = {int(k): v for k, v in d["topics"].items() if int(k) != -1}
    return {
        "tool": d["tool"],
        "keys": keys,
        "labels": d["labels"],
        "topics": topics,
        "label_text": {},
        "fit_seconds": d.get("fit_seconds"),
        "k_used": None,
    }


def load_gold(path):
    gold = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                gold[str(d["id"])] = int(d["label"])
    return gold


def phrase_hits(res):
    out = {}
    for phrase in PHRASES:
        where = "no"
        for tid, words in res["topics"].items():
            if phrase in [w.lower() for w in words[:10]]:
                where = "yes"
                label = res["label_text"].get(tid, "").lower()
                if phrase in [part.strip() for part in label.split("/")]:
                    where = "label"
                    break
        out[phrase] = where
    return out


def rng(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    if fmt.format(lo) == fmt.format(hi):
        return fmt.format(lo)
    return fmt.format(lo) + "–" + fmt.format(hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--gold", required=True, help="jsonl with id and label (gold topic)")
    ap.add_argument("--json", help="also write the rows as JSON here")
    ap.add_argument("--step", action="append", default=[], metavar="NAME=TIMEFILE",
                    help="a shared step (embedding) to report: wall time and peak RSS")
    args = ap.parse_args()

    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    gold = load_gold(args.gold)
    runs = OrderedDict()
    with open(args.manifest) as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            name, dataset, rep, result, timefile = row
            runs.setdefault((dataset, name), []).append((int(rep), result, timefile))

    rows = []
    for (dataset, name), reps in runs.items():
        walls, rsss, cpus, fits, assignments = [], [], [], [], []
        first = None
        for _, result, timefile in sorted(reps):
            res = load_result(result)
            wall, rss, cpu = parse_time(timefile)
            walls.append(wall)
            cpus.append(cpu)
            rsss.append(rss)
            fits.append(res["fit_seconds"])
            assignments.append(tuple(res["labels"]))
            if first is None:
                first = res
        labels = first["labels"]
        n = len(labels)
        n_out = sum(1 for x in labels if x == -1)
        r = {
            "dataset": dataset,
            "name": name,
            "tool": first["tool"],
            "rows": n,
            "topics": len({x for x in labels if x != -1}),
            "outlier_share": n_out / max(n, 1),
            "wall_s": walls,
            "cpu_s": cpus,
            "peak_rss_mib": rsss,
            "fit_s": fits,
            "same_across_reps": len(set(assignments)) == 1,
            "reps": len(reps),
        }
        if dataset != "seeds":
            y_true, y_pred, missing = [], [], 0
            for (doc_id, _), lab in zip(first["keys"], labels):
                if doc_id in gold:
                    y_true.append(gold[doc_id])
                    y_pred.append(lab)
                else:
                    missing += 1
            r["scored"] = len(y_true)
            r["unmatched"] = missing
            r["nmi"] = normalized_mutual_info_score(y_true, y_pred)
            r["ari"] = adjusted_rand_score(y_true, y_pred)
            if len(y_true) != len(gold):
                print(f"score: {name}: {len(y_true)} of {len(gold)} gold items have a row", file=sys.stderr)
        else:
            r["phrases"] = phrase_hits(first)
        rows.append(r)

    # --- print ---
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        sub = [r for r in rows if r["dataset"] == dataset]
        print()
        if dataset != "seeds":
            print(f"## {dataset} ({sub[0]['rows']} rows)")
            head = ["run", "NMI", "ARI", "topics", "outliers", "wall s", "CPU s", "fit s", "peak RSS MiB", "same"]
            table = [
                [
                    r["name"],
                    f"{r['nmi']:.3f}",
                    f"{r['ari']:.3f}",
                    str(r["topics"]),
                    f"{100 * r['outlier_share']:.1f}%",
                    rng(r["wall_s"], "{:.1f}"),
                    rng(r["cpu_s"], "{:.1f}"),
                    rng(r["fit_s"], "{:.1f}"),
                    rng(r["peak_rss_mib"], "{:.0f}"),
                    "yes" if r["same_across_reps"] else "NO",
                ]
                for r in sub
            ]
        else:
            print(f"## seeds ({sub[0]['rows']} paragraphs; no gold labels)")
            head = ["run", "topics", "outliers", *[f'"{p}"' for p in PHRASES], "wall s", "CPU s", "peak RSS MiB"]
            table = [
                [
                    r["name"],
                    str(r["topics"]),
                    f"{100 * r['outlier_share']:.1f}%",
                    *[r["phrases"][p] for p in PHRASES],
                    rng(r["wall_s"], "{:.1f}"),
                    rng(r["cpu_s"], "{:.1f}"),
                    rng(r["peak_rss_mib"], "{:.0f}"),
                ]
                for r in sub
            ]
        widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(head)]
        print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for t in table:
            print("| " + " | ".join(c.ljust(w) for c, w in zip(t, widths)) + " |")

    if args.step:
        print()
        print("## shared steps (once, not repeated)")
        for step in args.step:
            name, timefile = step.split("=", 1)
            wall, rss, cpu = parse_time(timefile)
            print(f"- {name}: wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {rss:.0f} MiB")

    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
