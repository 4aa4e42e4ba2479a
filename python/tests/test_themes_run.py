"""Themes and the whole run on the seeds articles, as the CLI finds and writes them."""

import json
import shutil

import numpy as np
import pytest

import themescope


def test_themes_equal_the_clis_for_the_same_vectors(embedder, cli, corpus, corpus_vectors, seeds, tmp_path):
    texts, ids = corpus
    got = themescope.themes(corpus_vectors, texts, k=4, doc_ids=ids, embedder=embedder)
    out = tmp_path / "seeds.npy"
    cli("embed", seeds, "--no-cache", "--threads", "1", "--out", out)
    want = json.loads(cli("themes", "--embeddings", out, "--k", "4", "--threads", "1", "--json").stdout)
    for key in ("themes", "paragraphs", "outliers", "duplicates", "params", "tree"):
        assert got[key] == want[key], key
    assert got["assignments"] == [p["theme"] for p in want["paragraphs"]]


def test_themes_have_labels_and_every_row_an_assignment(embedder, corpus, corpus_vectors):
    texts, ids = corpus
    got = themescope.themes(corpus_vectors, texts, k=3, seed=7, doc_ids=ids, embedder=embedder, top_phrases=5)
    assert len(got["themes"]) == 3 and got["params"]["seed"] == 7
    assert all(t["label"] and len(t["phrases"]) <= 5 for t in got["themes"])
    assert len(got["assignments"]) == len(texts)
    sizes = np.bincount([a for a in got["assignments"] if a is not None], minlength=3)
    # Sizes count paragraphs of documents that are not near-duplicates.
    assert sum(t["size"] for t in got["themes"]) <= sizes.sum()
    assert got["centroids"].shape == (3, corpus_vectors.shape[1]) and got["centroids"].dtype == np.float32
    again = themescope.themes(corpus_vectors, texts, k=3, seed=7, doc_ids=ids, embedder=embedder, top_phrases=5)
    assert again.pop("centroids").tobytes() == got.pop("centroids").tobytes()
    assert again == got


def test_run_writes_the_clis_files_and_returns_the_summary(models, seeds, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(seeds, inputs)
    (inputs / "broken.txt").write_bytes(b"\x00\xff binary \x00")
    out = tmp_path / "report"
    with pytest.warns(UserWarning, match="broken.txt"):
        summary = themescope.run(inputs, out, k=4, threads=1, cache=tmp_path / "cache", strict=True)
    assert sorted(p.name for p in out.iterdir()) == [
        "paragraphs.parquet", "report.html", "report.json", "report.md", "run.json",
    ]
    report = json.loads((out / "report.json").read_text())
    # The unreadable file is skipped, reported, and with strict=True the exit status says so.
    assert [s["path"] for s in summary["skipped"]] == [str(inputs / "broken.txt")]
    assert summary["out"] == str(out) and summary["exit_code"] == 3
    assert [t["label"] for t in summary["themes"]] == [t["label"] for t in report["themes"]]
    assert len(summary["themes"]) == 4
    assert summary["manifest"] == json.loads((out / "run.json").read_text())
    assert summary["actors"], "the seeds name actors often enough to rank them"


def test_blocks_given_the_copies_found_over_all_of_them_count_as_the_whole(corpus):
    texts, ids = corpus
    # Three paragraphs of the first article copied into the last two articles: copies that
    # blocks cut between them cannot find within themselves.
    first, last = ids[0], ids[-1]
    story = sorted((t for t, d in zip(texts, ids) if d == first), key=len)[-3:]
    texts = texts + story
    ids = ids + [last] * len(story)
    themes = [i % 3 for i in range(len(texts))]
    whole = themescope.count_phrases(texts, themes, 3, doc_ids=ids)
    n = len(texts)
    for cuts in ([n // 3, 2 * n // 3], [5, n - 2], [n - 3, n - 1]):
        bounds = [0, *cuts, n]
        blocks = [slice(a, b) for a, b in zip(bounds, bounds[1:])]
        evidence = [themescope.copy_evidence(texts[b], themes[b]) for b in blocks]
        found = themescope.find_copies(evidence)
        assert found.dtype == np.int64 and len(found) == n
        assert list(found[-len(story):]) == [texts.index(t) for t in story]
        originals = [texts[q] if q >= 0 else None for q in found]
        counted = lambda copies: themescope.add_phrase_counts([
            themescope.count_phrases(texts[b], themes[b], 3, doc_ids=ids[b], originals=originals[b] if copies else None)
            for b in blocks
        ])
        assert counted(True) == whole, cuts
        assert counted(False) != whole, cuts
    with pytest.raises(ValueError, match="originals"):
        themescope.count_phrases(texts, themes, 3, originals=[None])
    with pytest.raises(ValueError, match="hashes"):
        longest, sizes, hashes = evidence[0]
        themescope.find_copies([(longest, sizes + 1, hashes)])


def test_window_counts_of_blocks_add_up_and_choose_words_that_read_together(corpus):
    texts, _ = corpus
    words = ["russia", "china", "putin", "xi", "oil", "gas", "nixon", "sanctions"]
    whole = themescope.count_windows(texts, words)
    n = len(texts)
    parts = [themescope.count_windows(texts[a:b], words) for a, b in [(0, n // 3), (n // 3, n)]]
    assert themescope.add_window_counts(parts) == whole
    # A pool ranked with a loner second: the words that occur together come first.
    pool = {"words": words, "scores": [1.0 - i / 20 for i in range(len(words))]}
    named = [{"label": "test", "phrases": [], "words": words, "pool": pool}]
    chosen = themescope.choose_words(named, whole)
    assert "pool" not in chosen[0] and chosen[0]["label"] == "test"
    assert chosen[0]["words"][0] == "russia" and sorted(chosen[0]["words"]) == sorted(words)
    with pytest.raises(themescope.ThemescopeError, match="same vocabulary"):
        themescope.add_window_counts([whole, themescope.count_windows(texts, ["oil"])])
    with pytest.raises(themescope.ThemescopeError, match="not window counts"):
        themescope.choose_words(named, b"junk")
