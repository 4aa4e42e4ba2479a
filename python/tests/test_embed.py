"""Vectors: the same bits as `themescope embed`, whatever the call looks like."""

import json

import numpy as np
import pytest

import themescope

# A text longer than the encoder's 256 tokens: read as windows, as the CLI reads it.
LONG = " ".join(
    f"Sentence {i} says the council met again to argue about the harbour budget." for i in range(60)
)
TEXTS = [
    "The council approved the budget after a long debate.",
    "Rain is expected tomorrow in the north.",
    "Über Nacht fiel der Schnee; café prices rose 3 %.",
    "",
    "  Leading and trailing spaces.  ",
    LONG,
]


def cli_vectors(cli, tmp_path, texts, *flags):
    src = tmp_path / "texts.jsonl"
    src.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)))
    out = tmp_path / "cli.npy"
    cli("embed", src, "--unit", "document", "--no-cache", "--out", out, *flags)
    rows = [json.loads(line) for line in (tmp_path / "cli.jsonl").read_text().splitlines()]
    return np.load(out), rows


def test_vectors_equal_the_clis_bit_for_bit(embedder, cli, tmp_path):
    texts = [t for t in TEXTS if t]  # the CLI reads no row from an empty record
    want, rows = cli_vectors(cli, tmp_path, texts, "--threads", "1")
    assert [r["doc_id"] for r in rows] == [str(i) for i in range(len(texts))]
    got = embedder.embed(texts)
    assert got.dtype == np.float32 and got.shape == want.shape == (len(texts), embedder.dim)
    assert got.tobytes() == want.tobytes()


def test_seed_paragraphs_equal_the_clis_paragraph_rows(embedder, cli, corpus, corpus_vectors, seeds, tmp_path):
    out = tmp_path / "seeds.npy"
    cli("embed", seeds, "--no-cache", "--threads", "1", "--out", out)
    rows = [json.loads(line) for line in (tmp_path / "seeds.jsonl").read_text().splitlines()]
    texts, ids = corpus
    assert [r["text"] for r in rows] == texts
    assert [r["doc_id"] for r in rows] == ids
    assert corpus_vectors.tobytes() == np.load(out).tobytes()


def test_all_cores_give_the_same_bits_as_one(models, embedder):
    texts = TEXTS[:3] * 8
    assert themescope.Embedder().embed(texts).tobytes() == embedder.embed(texts).tobytes()


def test_rows_are_unit_vectors_in_input_order(embedder):
    both = embedder.embed(TEXTS[:2])
    assert np.allclose(np.linalg.norm(both, axis=1), 1.0, atol=1e-5)
    assert embedder.embed(TEXTS[1:2])[0].tobytes() == both[1].tobytes()
    assert float(both[0] @ both[1]) < 0.5


def test_any_iterable_of_str(embedder):
    want = embedder.embed(TEXTS[:2])
    for texts in (tuple(TEXTS[:2]), iter(TEXTS[:2]), np.array(TEXTS[:2])):
        assert embedder.embed(texts).tobytes() == want.tobytes()


def test_info_names_the_model(embedder):
    info = embedder.info
    assert info["model"] == themescope.DEFAULT_MODEL
    assert info["pooling"] == "mean" and info["normalize"] is True
    assert info["max_length"] == 256 and info["dim"] == embedder.dim == 384
    assert info["source"] == "THEMESCOPE_MODELS" and info["dtype"] == "f32"
    assert len(info["revision"]) == 40 and len(info["content_sha256"]) == 64


def test_cache_returns_the_same_vectors(models, embedder, tmp_path):
    cached = themescope.Embedder(threads=1, cache=tmp_path / "cache")
    first = cached.embed(TEXTS[:3])
    assert cached.info["cache"].parent == tmp_path / "cache" and cached.info["cache"].stat().st_size > 0
    assert cached.embed(TEXTS[:3]).tobytes() == first.tobytes() == embedder.embed(TEXTS[:3]).tobytes()


def test_truncate_differs_from_windows_only_for_long_texts(models, embedder):
    short = themescope.Embedder(threads=1, long_text="truncate")
    assert short.embed(TEXTS[:2]).tobytes() == embedder.embed(TEXTS[:2]).tobytes()
    assert short.embed([LONG]).tobytes() != embedder.embed([LONG]).tobytes()
