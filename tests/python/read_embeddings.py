#!/usr/bin/env python3
"""Check that themescope embedding files load with the standard Python tools and agree.

Usage: read_embeddings.py FILE...   (any mix of .npy, .safetensors, .parquet)

Loads each file the way a user would (numpy + json sidecars, safetensors, pyarrow/pandas),
checks the metadata is present, and that all files hold the same matrix and the same rows.
Exits non-zero with a one-line message on the first disagreement.
"""
import json
import pathlib
import sys

import numpy as np

INFO_KEYS = ["model_id", "pooling", "normalized", "max_seq_length", "dim", "unit",
             "themescope_version"]


def fail(msg):
    print(f"read_embeddings.py: {msg}", file=sys.stderr)
    sys.exit(1)


def load_npy(path):
    matrix = np.load(path, allow_pickle=False)
    rows_path = path.with_suffix(".jsonl")
    info_path = path.with_suffix(".meta.json")
    with open(rows_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    with open(info_path, encoding="utf-8") as f:
        info = json.load(f)
    # pandas must read the sidecar as a plain table too.
    import pandas as pd
    if rows:
        df = pd.read_json(rows_path, lines=True, dtype={"doc_id": str, "text": str})
        if len(df) != len(rows) or list(df.columns) != ["doc_id", "para_index", "text"]:
            fail(f"{rows_path}: pandas sees {df.shape} with columns {list(df.columns)}")
    ids = [r["doc_id"] for r in rows]
    idx = [r["para_index"] for r in rows]
    texts = [r["text"] for r in rows]
    return matrix, info, ids, idx, texts


def load_safetensors(path):
    from safetensors import safe_open
    from safetensors.numpy import load_file
    tensors = load_file(str(path))
    if "embeddings" not in tensors:
        fail(f"{path}: no tensor 'embeddings' (found {sorted(tensors)})")
    with safe_open(str(path), framework="numpy") as f:
        meta = f.metadata() or {}
    for key in INFO_KEYS + ["doc_ids", "para_indices", "texts"]:
        if key not in meta:
            fail(f"{path}: __metadata__ lacks {key!r}")
    info = {k: meta[k] for k in INFO_KEYS}
    info["normalized"] = meta["normalized"] == "true"
    info["max_seq_length"] = int(meta["max_seq_length"])
    info["dim"] = int(meta["dim"])
    info["revision"] = meta.get("revision")
    return (tensors["embeddings"], info, json.loads(meta["doc_ids"]),
            json.loads(meta["para_indices"]), json.loads(meta["texts"]))


def load_parquet(path):
    import pyarrow.parquet as pq
    table = pq.read_table(path)
    file_meta = pq.read_metadata(path).metadata or {}
    meta = table.schema.metadata or {}
    for where, m in (("file key-value metadata", file_meta), ("table.schema.metadata", meta)):
        if b"themescope" not in m:
            fail(f"{path}: {where} lacks 'themescope'")
    info = json.loads(meta[b"themescope"])
    for key in INFO_KEYS:
        if key.encode() not in meta:
            fail(f"{path}: parquet metadata lacks {key!r}")
    df = table.to_pandas()
    if list(df.columns) != ["doc_id", "para_index", "text", "embedding"]:
        fail(f"{path}: unexpected columns {list(df.columns)}")
    if str(df["para_index"].dtype) != "int64":
        fail(f"{path}: para_index is {df['para_index'].dtype}, expected int64")
    dim = info["dim"]
    matrix = (np.stack(df["embedding"].to_numpy()).astype(np.float32, copy=False)
              if len(df) else np.zeros((0, dim), dtype=np.float32))
    return (matrix, info, df["doc_id"].tolist(), df["para_index"].tolist(),
            df["text"].tolist())


LOADERS = {".npy": load_npy, ".safetensors": load_safetensors, ".parquet": load_parquet}


def main(argv):
    if not argv:
        fail("usage: read_embeddings.py FILE...")
    loaded = []
    for arg in argv:
        path = pathlib.Path(arg)
        loader = LOADERS.get(path.suffix.lower())
        if loader is None:
            fail(f"cannot tell the format of {path}: use .npy, .safetensors or .parquet")
        matrix, info, ids, idx, texts = loader(path)
        if matrix.dtype != np.float32 or matrix.ndim != 2:
            fail(f"{path}: matrix is {matrix.dtype} with shape {matrix.shape}, expected 2-D float32")
        for key in INFO_KEYS:
            if key not in info:
                fail(f"{path}: metadata lacks {key!r}")
        if matrix.shape[1] != info["dim"]:
            fail(f"{path}: matrix has {matrix.shape[1]} columns but dim is {info['dim']}")
        if not (len(ids) == len(idx) == len(texts) == matrix.shape[0]):
            fail(f"{path}: {matrix.shape[0]} vectors but {len(ids)}/{len(idx)}/{len(texts)} "
                 "doc ids/indices/texts")
        loaded.append((path, matrix, info, ids, idx, texts))
        print(f"{path}: {matrix.shape[0]} x {matrix.shape[1]}, model {info['model_id']}")

    first = loaded[0]
    for other in loaded[1:]:
        a, b = first[0], other[0]
        if first[1].shape != other[1].shape:
            fail(f"{a} has shape {first[1].shape} but {b} has {other[1].shape}")
        # Bit for bit: compare the raw bytes so that -0.0 and NaN payloads count too.
        if not np.array_equal(first[1].view(np.uint32), other[1].view(np.uint32)):
            fail(f"{a} and {b} hold different matrices")
        if {k: first[2].get(k) for k in INFO_KEYS + ["revision"]} != \
                {k: other[2].get(k) for k in INFO_KEYS + ["revision"]}:
            fail(f"{a} and {b} record different model information")
        for name, i in (("doc ids", 3), ("paragraph indices", 4), ("texts", 5)):
            if list(first[i]) != list(other[i]):
                fail(f"{a} and {b} have different {name}")
    print(f"ok: {len(loaded)} file(s) agree")


if __name__ == "__main__":
    main(sys.argv[1:])
