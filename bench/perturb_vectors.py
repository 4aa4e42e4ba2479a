#!/usr/bin/env python3
"""Make a large embeddings file for timing `themes` from a small real one (issue 16).

Repeats the rows of a themescope .parquet (e.g. AG News test, 7,600 vectors) until there are N,
every copy after the first perturbed: Gaussian noise added to the vector (then L2-normalised
again; `--noise` is the noise's norm relative to the unit vector) and one word in ten of the text
dropped. Rows are shuffled into documents of 10 paragraphs, so that no document repeats another
and the near-duplicate check does not set copies aside. The schema and file metadata (model,
dimension, unit) are kept, so `themescope themes --embeddings` and bertopic_fit.py read it.

Also writes OUT.gold.jsonl: {"id": doc_id/para_index row key, "label": source row's label} when
the source jsonl with labels is given (--gold), so that recovery on the big set can be scored.
"""
import argparse
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embeddings", required=True)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--noise", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gold", help="jsonl with id and label for the source rows (prep_agnews.py output)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    table = pq.read_table(args.embeddings)
    emb = table.column("embedding").combine_chunks()
    dim = emb.type.list_size
    vectors = np.asarray(emb.flatten().to_numpy(zero_copy_only=False), dtype=np.float32).reshape(len(table), dim)
    texts = table.column("text").to_pylist()
    src_ids = table.column("doc_id").to_pylist()
    rng = np.random.default_rng(args.seed)

    m = len(table)
    source = np.arange(args.n) % m
    copy = np.arange(args.n) // m
    noise = rng.standard_normal((args.n, dim)).astype(np.float32) * (args.noise / np.sqrt(dim))
    noise[copy == 0] = 0.0
    big = vectors[source] + noise
    big /= np.linalg.norm(big, axis=1, keepdims=True)

    out_texts = []
    for i in range(args.n):
        words = texts[source[i]].split()
        if copy[i] > 0 and len(words) > 3:
            keep = rng.random(len(words)) >= 0.1
            keep[0] = True
            words = [w for w, k in zip(words, keep) if k]
        out_texts.append(" ".join(words))

    order = rng.permutation(args.n)
    doc_ids = [f"d{j // 10:06d}" for j in range(args.n)]
    para = [j % 10 for j in range(args.n)]
    flat = pa.array(big[order].reshape(-1), type=pa.float32())
    field = table.schema.field("embedding")
    columns = {
        "doc_id": pa.array(doc_ids, type=pa.string()),
        "para_index": pa.array(para, type=pa.int64()),
        "text": pa.array([out_texts[i] for i in order], type=pa.string()),
        "embedding": pa.FixedSizeListArray.from_arrays(flat, dim).cast(field.type),
    }
    schema = pa.schema([table.schema.field(n) for n in columns], metadata=table.schema.metadata)
    pq.write_table(pa.table(list(columns.values()), schema=schema), args.out)

    if args.gold:
        label_of = {}
        with open(args.gold) as f:
            for line in f:
                r = json.loads(line)
                label_of[str(r["id"])] = r["label"]
        with open(args.out + ".gold.jsonl", "w") as f:
            for j, i in enumerate(order):
                f.write(json.dumps({"id": f"{doc_ids[j]}#{para[j]}", "label": label_of[str(src_ids[source[i]])]}) + "\n")
    print(f"{args.n} rows of {dim} from {m} (noise {args.noise}) -> {args.out}")


if __name__ == "__main__":
    main()
