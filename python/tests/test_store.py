"""write_embeddings: vectors and rows written by the library, read back by the CLI."""

import json

import numpy as np
import pytest

import themescope


def test_written_files_are_read_by_the_cli_as_its_own(embedder, cli, corpus, corpus_vectors, tmp_path):
    texts, ids = corpus
    for name in ("seeds.parquet", "seeds.npy"):
        path = tmp_path / name
        themescope.write_embeddings(path, corpus_vectors, texts, embedder=embedder, doc_ids=ids)
        got = json.loads(cli("themes", "--embeddings", path, "--k", "3", "--threads", "1", "--json").stdout)
        want = themescope.themes(corpus_vectors, texts, k=3, doc_ids=ids, embedder=embedder)
        assert [t["label"] for t in got["themes"]] == [t["label"] for t in want["themes"]]
        # Paragraph places counted within each document, as the CLI's own files hold them.
        places = [(p["doc_id"], p["para_index"]) for p in got["paragraphs"]]
        assert places == [(p["doc_id"], p["para_index"]) for p in want["paragraphs"]]


def test_bad_rows_and_paths_are_exceptions(embedder, corpus, corpus_vectors, tmp_path):
    texts, ids = corpus
    with pytest.raises(themescope.ThemescopeError, match="doc_ids has 1 rows but texts has"):
        themescope.write_embeddings(tmp_path / "a.parquet", corpus_vectors, texts, embedder=embedder, doc_ids=ids[:1])
    with pytest.raises(themescope.ThemescopeError, match="embeddings has 2 rows but texts has"):
        themescope.write_embeddings(tmp_path / "a.parquet", corpus_vectors[:2], texts, embedder=embedder)
    with pytest.raises(TypeError, match="para_index must be a list of non-negative integers"):
        themescope.write_embeddings(tmp_path / "a.parquet", corpus_vectors[:1], texts[:1], embedder=embedder, para_index=[-1])
    with pytest.raises(themescope.ThemescopeError, match="a.csv"):
        themescope.write_embeddings(tmp_path / "a.csv", corpus_vectors[:1], texts[:1], embedder=embedder)
    assert not list(tmp_path.iterdir()), "nothing half-written"
