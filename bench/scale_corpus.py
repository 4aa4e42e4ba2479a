#!/usr/bin/env python3
"""Writes a large synthetic corpus for the scale run: N paragraphs, grouped into documents of
PER_DOC paragraphs, one {"id", "text"} JSON line per document (paragraphs separated by blank
lines), the paragraphs drawn at random. The paragraphs are the labelled public texts in ../shared/data (AG News test, NewsMTSC,
PerSenT) and the seed articles, repeated and perturbed so that no two are equal: each copy after
the first drops one word in ten and swaps two neighbouring words, chosen by a seeded generator.

  python3 bench/scale_corpus.py --shared ../shared --n 200000 --out corpus.jsonl
"""
import argparse
import json
import random
from pathlib import Path


def paragraphs_of(text):
    paras, cur = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.strip():
            cur.append(line.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    return paras


def sources(shared):
    out = []
    for f in sorted((shared / "seeds").iterdir()):
        if f.is_file() and not f.name.startswith("."):
            out.extend(paragraphs_of(f.read_text(encoding="utf-8")))
    for line in open(shared / "data/ag_news/test.jsonl", encoding="utf-8"):
        r = json.loads(line)
        out.append(f'{r["title"]}. {r["description"]}')
    for line in open(shared / "data/newsmtsc/train.jsonl", encoding="utf-8"):
        out.append(json.loads(line)["sentence_normalized"])
    for line in open(shared / "data/persent/dev.jsonl", encoding="utf-8"):
        out.append(json.loads(line)["text"])
    return [p for p in out if p.strip()]


def perturb(text, rng):
    words = text.split()
    if len(words) > 4:
        words = [w for w in words if rng.random() >= 0.1] or words
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shared", required=True)
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--per-doc", type=int, default=10)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    rng = random.Random(a.seed)
    base = sources(Path(a.shared))
    paras = [base[i % len(base)] if i < len(base) else perturb(base[i % len(base)], rng)
             for i in range(a.n)]
    # Documents of randomly drawn paragraphs: grouped in order, each copy of the sources would
    # form a document that repeats an earlier one, and themescope would set it aside as such.
    rng.shuffle(paras)
    with open(a.out, "w", encoding="utf-8") as f:
        for d in range(0, a.n, a.per_doc):
            text = "\n\n".join(paras[d:d + a.per_doc])
            f.write(json.dumps({"id": f"doc{d // a.per_doc:06d}", "text": text}, ensure_ascii=False) + "\n")
    print(f"{a.n} paragraphs from {len(base)} distinct sources -> {a.out}")


if __name__ == "__main__":
    main()
