#!/usr/bin/env python3
"""Python side of bench/embed_vs_st.sh: themescope `embed` vs sentence-transformers on the CPU.

Subcommands (run with bench/.venv-st/bin/python):

  prep    --seeds DIR --agnews FILE --n 2000 --model DIR --out FILE.jsonl
          build the benchmark input: seed-article paragraphs (split on blank lines, or on single
          newlines when a file has none; empty lines dropped), then AG News test records
          (title + ". " + description) until there are N; one {"text": ...} per line. Prints the
          token statistics (tokenizer.json of the model folder) as JSON.
  encode  --model DIR --input FILE.jsonl --out FILE.npy [--batch-size 32] [--threads 2] [--warmup 0]
          load SentenceTransformer(DIR, device="cpu"), time model.encode(texts, batch_size,
          normalize_embeddings=True, convert_to_numpy=True) alone, save the vectors; prints one JSON
          line {"rows", "load_s", "encode_s", "rows_per_s"} (model load excluded from encode_s).
  encode also takes --device cuda --dtype f16|f32 --reps N (N timed encodes after one warm-up
          pass over the first 1,000 texts; rows_per_s is their median, all of them in "reps_rows_per_s").
  mix     --shared DIR --n 20000 --out FILE.jsonl
          a larger input for the GPU: seed paragraphs, AG News test records, NewsMTSC sentences and
          PerSenT paragraphs, in that order, cut at N.
  compare A.npy B.npy
          per-row cosine between two row-aligned float32 matrices; prints JSON {min, mean, max_abs_diff}.
  table   --results FILE.tsv --tokens FILE.json --out FILE.md
          medians, ranges and the themescope / sentence-transformers ratios as a markdown table.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path


def paragraphs_of(text: str):
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    has_blank = any(not l.strip() for l in text.strip().split("\n"))
    if has_blank:
        paras, cur = [], []
        for l in lines:
            if l.strip():
                cur.append(l.strip())
            elif cur:
                paras.append("\n".join(cur))
                cur = []
        if cur:
            paras.append("\n".join(cur))
        return paras
    return [l.strip() for l in lines if l.strip()]


def cmd_prep(a):
    texts = []
    for f in sorted(Path(a.seeds).iterdir()):
        if f.is_file() and not f.name.startswith("."):
            texts.extend(paragraphs_of(f.read_text(encoding="utf-8")))
    n_seed = len(texts)
    with open(a.agnews, encoding="utf-8") as fh:
        for line in fh:
            if len(texts) >= a.n:
                break
            r = json.loads(line)
            texts.append(f'{r["title"]}. {r["description"]}')
    if len(texts) < a.n:
        sys.exit(f"prep: only {len(texts)} texts, wanted {a.n}")
    texts = texts[: a.n]
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as fh:
        for t in texts:
            fh.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")

    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(a.model) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    max_len = json.loads((Path(a.model) / "sentence_bert_config.json").read_text())["max_seq_length"]
    full = [len(e.ids) for e in tok.encode_batch(texts)]  # with [CLS] and [SEP]
    used = [min(n, max_len) for n in full]
    stats = {
        "rows": len(texts),
        "seed_paragraphs": n_seed,
        "agnews_records": len(texts) - n_seed,
        "max_seq_length": max_len,
        "tokens_total": sum(used),
        "tokens_mean": sum(used) / len(used),
        "tokens_mean_untruncated": sum(full) / len(full),
        "tokens_max_untruncated": max(full),
        "truncated_rows": sum(n > max_len for n in full),
    }
    print(json.dumps(stats))


def cmd_encode(a):
    import torch

    torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    from sentence_transformers import SentenceTransformer
    import numpy as np

    model = SentenceTransformer(a.model, device=a.device)
    model = model.half() if a.dtype == "f16" else model.float()
    load_s = time.perf_counter() - t0
    with open(a.input, encoding="utf-8") as fh:
        texts = [json.loads(l)["text"] for l in fh if l.strip()]
    kw = dict(batch_size=a.batch_size, normalize_embeddings=True, convert_to_numpy=True,
              show_progress_bar=False)
    warmup = a.warmup or (1000 if a.reps > 1 else 0)
    if warmup:
        model.encode(texts[:warmup], **kw)
    times = []
    for _ in range(a.reps):
        if a.device != "cpu":
            torch.cuda.synchronize()
        t1 = time.perf_counter()
        vecs = model.encode(texts, **kw)
        times.append(time.perf_counter() - t1)
    encode_s = statistics.median(times)
    np.save(a.out, vecs.astype(np.float32))
    print(json.dumps({
        "rows": len(texts), "dim": int(vecs.shape[1]), "load_s": load_s, "encode_s": encode_s,
        "rows_per_s": len(texts) / encode_s, "reps_rows_per_s": [len(texts) / t for t in times],
        "threads": torch.get_num_threads(), "device": a.device, "dtype": a.dtype,
        "batch_size": a.batch_size, "max_seq_length": model.max_seq_length, "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name() if a.device != "cpu" else None,
    }))


def cmd_mix(a):
    shared = Path(a.shared)
    texts = []
    for f in sorted((shared / "seeds").iterdir()):
        if f.is_file() and not f.name.startswith("."):
            texts.extend(paragraphs_of(f.read_text(encoding="utf-8")))
    for line in open(shared / "data/ag_news/test.jsonl", encoding="utf-8"):
        r = json.loads(line)
        texts.append(f'{r["title"]}. {r["description"]}')
    for line in open(shared / "data/newsmtsc/train.jsonl", encoding="utf-8"):
        texts.append(json.loads(line)["sentence_normalized"])
    for line in open(shared / "data/persent/dev.jsonl", encoding="utf-8"):
        texts.append(json.loads(line)["text"])
    if len(texts) < a.n:
        sys.exit(f"mix: only {len(texts)} texts, wanted {a.n}")
    with open(a.out, "w", encoding="utf-8") as fh:
        for t in texts[: a.n]:
            fh.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")


def cmd_compare(a):
    import numpy as np

    x, y = np.load(a.a).astype(np.float64), np.load(a.b).astype(np.float64)
    if x.shape != y.shape:
        sys.exit(f"compare: shapes differ {x.shape} vs {y.shape}")
    cos = (x * y).sum(1) / (np.linalg.norm(x, axis=1) * np.linalg.norm(y, axis=1))
    print(json.dumps({"rows": int(x.shape[0]), "min": float(cos.min()), "mean": float(cos.mean()),
                      "argmin": int(cos.argmin()), "max_abs_diff": float(np.abs(x - y).max())}))


def cmd_table(a):
    tok = json.loads(Path(a.tokens).read_text())
    rows = [l.rstrip("\n").split("\t") for l in open(a.results) if l.strip()]
    head, rows = rows[0], rows[1:]
    data = {}
    for r in rows:
        d = dict(zip(head, r))
        data.setdefault(d["tool"], []).append(d)
    ntok = tok["tokens_total"]

    def col(tool, key, f=float):
        return [f(d[key]) for d in data[tool]]

    metrics = [
        ("embed paragraphs/s", lambda t: col(t, "rows_per_s"), "{:.1f}", True),
        ("embed tokens/s", lambda t: [ntok / (tok["rows"] / v) for v in col(t, "rows_per_s")], "{:.0f}", True),
        ("embed stage s", lambda t: [tok["rows"] / v for v in col(t, "rows_per_s")], "{:.1f}", False),
        ("whole process wall s", lambda t: col(t, "wall_s"), "{:.1f}", False),
        ("whole process CPU s (user+sys)", lambda t: col(t, "cpu_s"), "{:.1f}", False),
        ("peak RSS MiB", lambda t: [v / 1024 for v in col(t, "maxrss_kb")], "{:.0f}", False),
    ]
    st = "sentence-transformers"
    out = []
    for ts in [t for t in data if t.startswith("themescope")]:
        out += [
            f"| metric ({tok['rows']} paragraphs, batch 32, 2 threads, CPU) | {ts} median (range) | "
            f"sentence-transformers median (range) | ratio {ts} / ST | better |",
            "|---|---|---|---|---|",
        ]
        for name, get, fmt, higher in metrics:
            a_, b_ = get(ts), get(st)
            ma, mb = statistics.median(a_), statistics.median(b_)
            ratio = ma / mb
            better = ts if (ratio > 1) == higher else "sentence-transformers"
            if abs(ratio - 1) < 0.02:
                better = "≈ same"
            rng = lambda v: f"{fmt.format(min(v))}–{fmt.format(max(v))}"
            out.append(f"| {name} | {fmt.format(ma)} ({rng(a_)}) | {fmt.format(mb)} ({rng(b_)}) | "
                       f"{ratio:.2f}× | {better} |")
        out.append("")
        for key, other in (("cosine", "sentence-transformers"), ("cosine_f32", "themescope f32")):
            cos = [json.loads(d[key]) for d in data[ts] if d.get(key)]
            if cos:
                out.append(f"Agreement of {ts} with {other} (per-row cosine, {len(cos)} pairs of runs): "
                           f"min {min(c['min'] for c in cos):.12f}, mean {statistics.mean(c['mean'] for c in cos):.12f}, "
                           f"max |Δ| per component {max(c['max_abs_diff'] for c in cos):.2e}.")
        out.append("")
    out.append(f"Tokens: {tok['tokens_total']} in all, mean {tok['tokens_mean']:.1f} per paragraph "
               f"([CLS]/[SEP] included, after truncation at {tok['max_seq_length']}; "
               f"{tok['truncated_rows']} rows truncated, untruncated mean {tok['tokens_mean_untruncated']:.1f}, "
               f"max {tok['tokens_max_untruncated']}). {tok['seed_paragraphs']} seed paragraphs + "
               f"{tok['agnews_records']} AG News records.")
    text = "\n".join(out) + "\n"
    Path(a.out).write_text(text)
    print(text)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("prep")
    s.add_argument("--seeds", required=True)
    s.add_argument("--agnews", required=True)
    s.add_argument("--n", type=int, default=2000)
    s.add_argument("--model", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("encode")
    s.add_argument("--model", required=True)
    s.add_argument("--input", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--batch-size", type=int, default=32)
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--warmup", type=int, default=0)
    s.add_argument("--device", default="cpu")
    s.add_argument("--dtype", choices=["f32", "f16"], default="f32")
    s.add_argument("--reps", type=int, default=1)
    s = sub.add_parser("mix")
    s.add_argument("--shared", required=True)
    s.add_argument("--n", type=int, default=20000)
    s.add_argument("--out", required=True)
    s = sub.add_parser("compare")
    s.add_argument("a")
    s.add_argument("b")
    s = sub.add_parser("table")
    s.add_argument("--results", required=True)
    s.add_argument("--tokens", required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    {"prep": cmd_prep, "encode": cmd_encode, "mix": cmd_mix, "compare": cmd_compare, "table": cmd_table}[a.cmd](a)


if __name__ == "__main__":
    main()
