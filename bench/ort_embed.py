#!/usr/bin/env python3
"""ONNX Runtime side of bench/embed_vs_ort.sh: the same all-MiniLM-L6-v2 checkpoint as an ONNX
graph, in fp32 and dynamically quantised to int8 (per channel), timed like themescope.

No PyTorch is needed: `build` writes the BERT encoder graph itself from the model folder's
`config.json` and `model.safetensors` (word/position/type embeddings, then per layer self-attention
and the GELU feed-forward, each followed by a residual layer norm), then quantises it with
onnxruntime's `quantize_dynamic(per_channel=True)`, the recipe a performance-minded user follows.

Subcommands (run with the bench venv's python: onnx, onnxruntime, tokenizers, safetensors, numpy):

  build   --model DIR --out DIR
          writes DIR/model-fp32.onnx and DIR/model-int8.onnx.
  encode  --onnx FILE --model DIR --input FILE.jsonl --out FILE.npy [--batch-size 32] [--threads 2]
          tokenises with the model's tokenizer.json (cut at 256 tokens, as sentence-transformers
          does for this model), runs the graph batch by batch (padded to the batch's longest), mean-
          pools over the attention mask and L2-normalises; prints one JSON line
          {"rows", "load_s", "encode_s", "rows_per_s"} (session creation excluded from encode_s).
"""

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

MAX_TOKENS = 256


def weights(model_dir: Path):
    from safetensors.numpy import load_file

    w = load_file(str(model_dir / "model.safetensors"))
    # Some checkpoints prefix every tensor with the architecture's name.
    return {k.removeprefix("bert."): v for k, v in w.items()}


class Graph:
    """A small builder over onnx.helper: named nodes, initialisers from numpy."""

    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, array):
        from onnx import numpy_helper

        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, kind, inputs, **attrs):
        from onnx import helper

        self.count += 1
        out = f"{kind.lower()}_{self.count}"
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(self, x, w, b, name):
        # MatMul with a constant (in × out) weight: what quantize_dynamic turns into an integer
        # product, per output channel.
        wt = self.const(f"{name}.weight_t", w.T.copy())
        return self.op("Add", [self.op("MatMul", [x, wt]), self.const(f"{name}.bias", b)])

    def layer_norm(self, x, w, b, name, eps):
        return self.op(
            "LayerNormalization",
            [x, self.const(f"{name}.weight", w), self.const(f"{name}.bias", b)],
            axis=-1,
            epsilon=eps,
        )


def attention(g, x, mask_bias, w, p, heads, dim):
    head = dim // heads
    split = g.const(f"{p}.split_shape", np.array([0, 0, heads, head], dtype=np.int64))

    def project(name, perm):
        y = g.linear(x, w[f"{p}.attention.self.{name}.weight"], w[f"{p}.attention.self.{name}.bias"],
                     f"{p}.{name}")
        return g.op("Transpose", [g.op("Reshape", [y, split])], perm=perm)

    q = project("query", [0, 2, 1, 3])
    k = project("key", [0, 2, 3, 1])
    v = project("value", [0, 2, 1, 3])
    scale = g.const(f"{p}.scale", np.array(1.0 / math.sqrt(head), dtype=np.float32))
    scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask_bias])
    context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    merged = g.op(
        "Reshape",
        [g.op("Transpose", [context], perm=[0, 2, 1, 3]),
         g.const(f"{p}.merge_shape", np.array([0, 0, dim], dtype=np.int64))],
    )
    return g.linear(merged, w[f"{p}.attention.output.dense.weight"],
                    w[f"{p}.attention.output.dense.bias"], f"{p}.attention.output")


def gelu(g, x, p):
    # The exact (erf) GELU that BERT uses.
    half = g.const(f"{p}.half", np.array(0.5, dtype=np.float32))
    one = g.const(f"{p}.one", np.array(1.0, dtype=np.float32))
    root2 = g.const(f"{p}.root2", np.array(math.sqrt(2.0), dtype=np.float32))
    erf = g.op("Erf", [g.op("Div", [x, root2])])
    return g.op("Mul", [g.op("Mul", [x, half]), g.op("Add", [erf, one])])


def build_graph(model_dir: Path):
    from onnx import TensorProto, helper

    cfg = json.loads((model_dir / "config.json").read_text())
    dim, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    w = weights(model_dir)
    g = Graph()
    ids, mask, types = "input_ids", "attention_mask", "token_type_ids"
    # Positions 0..S-1 from the shape of the ids.
    seq = g.op("Gather", [g.op("Shape", [ids]), g.const("one_index", np.array(1, dtype=np.int64))])
    positions = g.op("Range", [g.const("zero_i64", np.array(0, dtype=np.int64)), seq,
                               g.const("one_i64", np.array(1, dtype=np.int64))])
    emb = "embeddings"
    x = g.op("Add", [
        g.op("Add", [g.op("Gather", [g.const(f"{emb}.word", w[f"{emb}.word_embeddings.weight"]), ids]),
                     g.op("Gather", [g.const(f"{emb}.position", w[f"{emb}.position_embeddings.weight"]),
                                     positions])]),
        g.op("Gather", [g.const(f"{emb}.type", w[f"{emb}.token_type_embeddings.weight"]), types]),
    ])
    x = g.layer_norm(x, w[f"{emb}.LayerNorm.weight"], w[f"{emb}.LayerNorm.bias"], f"{emb}.ln", eps)
    # Padding gets -10000 before the softmax, as BERT's extended attention mask.
    mask_f = g.op("Cast", [g.op("Unsqueeze", [mask, g.const("mask_axes", np.array([1, 2], dtype=np.int64))])],
                  to=TensorProto.FLOAT)
    mask_bias = g.op("Mul", [g.op("Sub", [g.const("one_f", np.array(1.0, dtype=np.float32)), mask_f]),
                             g.const("neg_big", np.array(-10000.0, dtype=np.float32))])
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}"
        a = attention(g, x, mask_bias, w, p, heads, dim)
        x = g.layer_norm(g.op("Add", [a, x]), w[f"{p}.attention.output.LayerNorm.weight"],
                         w[f"{p}.attention.output.LayerNorm.bias"], f"{p}.attention.ln", eps)
        h = g.linear(x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"],
                     f"{p}.intermediate")
        h = g.linear(gelu(g, h, p), w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"],
                     f"{p}.output")
        x = g.layer_norm(g.op("Add", [h, x]), w[f"{p}.output.LayerNorm.weight"],
                         w[f"{p}.output.LayerNorm.bias"], f"{p}.output.ln", eps)
    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in (ids, mask, types)]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", dim])
    graph = helper.make_graph(g.nodes, "minilm", inputs, [output], g.inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def cmd_build(a):
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    model = build_graph(Path(a.model))
    onnx.checker.check_model(model)
    fp32 = out / "model-fp32.onnx"
    onnx.save(model, str(fp32))
    quantize_dynamic(str(fp32), str(out / "model-int8.onnx"), per_channel=True,
                     weight_type=QuantType.QInt8)
    print(json.dumps({"fp32": str(fp32), "int8": str(out / "model-int8.onnx")}))


def cmd_encode(a):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    texts = [json.loads(l)["text"] for l in open(a.input, encoding="utf-8") if l.strip()]
    t0 = time.perf_counter()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = a.threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(a.onnx, opts, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(Path(a.model) / "tokenizer.json"))
    tok.enable_truncation(MAX_TOKENS)
    tok.enable_padding(pad_id=0)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows = []
    for start in range(0, len(texts), a.batch_size):
        enc = tok.encode_batch(texts[start:start + a.batch_size])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        rows.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
    encode_s = time.perf_counter() - t0
    vectors = np.concatenate(rows).astype(np.float32)
    np.save(a.out, vectors)
    print(json.dumps({"rows": len(texts), "load_s": round(load_s, 3), "encode_s": round(encode_s, 3),
                      "rows_per_s": round(len(texts) / encode_s, 2)}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--model", required=True)
    b.add_argument("--out", required=True)
    e = sub.add_parser("encode")
    e.add_argument("--onnx", required=True)
    e.add_argument("--model", required=True)
    e.add_argument("--input", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--batch-size", type=int, default=32)
    e.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    {"build": cmd_build, "encode": cmd_encode}[a.cmd](a)


if __name__ == "__main__":
    main()
