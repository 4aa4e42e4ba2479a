"""assign_themes: vectors → their nearest fitted theme, on the seeds articles."""

import numpy as np
import pytest

import themescope


@pytest.fixture(scope="module")
def fitted(embedder, corpus, corpus_vectors):
    texts, ids = corpus
    return themescope.themes(corpus_vectors, texts, k=4, doc_ids=ids, embedder=embedder)


def test_the_fitted_rows_go_back_to_their_themes(fitted, corpus_vectors):
    ids, sims = themescope.assign_themes(corpus_vectors, fitted["centroids"])
    assert ids.dtype == np.int64 and sims.dtype == np.float32 and len(ids) == len(corpus_vectors)
    # k-means labels are the nearest centroid in the space it clustered; cosine to the
    # normalised centroids nearly always agrees.
    fit = np.array([-1 if a is None else a for a in fitted["assignments"]])
    assert (ids == fit).mean() >= 0.95
    want = [p["similarity"] for p in fitted["paragraphs"]]
    assert np.allclose(sims, want, atol=1e-4)


def test_batches_equal_one_pass_bit_for_bit(fitted, corpus_vectors):
    whole = themescope.assign_themes(corpus_vectors, fitted["centroids"])
    parts = [themescope.assign_themes(corpus_vectors[i : i + 7], fitted["centroids"]) for i in range(0, len(corpus_vectors), 7)]
    assert np.concatenate([p[0] for p in parts]).tobytes() == whole[0].tobytes()
    assert np.concatenate([p[1] for p in parts]).tobytes() == whole[1].tobytes()


def test_a_minimum_similarity_leaves_outliers(fitted, corpus_vectors):
    ids, sims = themescope.assign_themes(corpus_vectors, fitted["centroids"], min_similarity=0.5)
    assert ((ids == -1) == (sims < 0.5)).all() and (ids == -1).any()


def test_bad_input_is_an_exception(fitted, corpus_vectors):
    with pytest.raises(TypeError, match="centroids must be a 2-D numpy array of float32"):
        themescope.assign_themes(corpus_vectors, fitted["centroids"].astype(np.float64))
    with pytest.raises(themescope.ThemescopeError, match="the vectors have 383 values but the centroids 384"):
        themescope.assign_themes(corpus_vectors[:, :383].copy(), fitted["centroids"])
    bad = corpus_vectors[:3].copy()
    bad[1, 0] = np.nan
    with pytest.raises(themescope.ThemescopeError, match="row 1 holds a value that is not a finite number"):
        themescope.assign_themes(bad, fitted["centroids"])


def test_kmeans_steps_in_blocks_add_up_to_one_step_and_end_at_the_fits_labels(fitted, corpus_vectors):
    # The fit's k-means labels are the nearest raw mean: steps from its themes' means end there.
    fit = np.array([-1 if a is None else a for a in fitted["assignments"]])
    unit = corpus_vectors / np.linalg.norm(corpus_vectors, axis=1, keepdims=True)
    means = np.stack([unit[fit == t].mean(0) for t in range(fit.max() + 1)]).astype(np.float64)
    assert (themescope.kmeans_labels(corpus_vectors, means) == fit).mean() >= 0.99
    start = fitted["centroids"].astype(np.float64)
    whole = themescope.kmeans_step(corpus_vectors, start)
    parts = [themescope.kmeans_step(corpus_vectors[i : i + 9], start) for i in range(0, len(corpus_vectors), 9)]
    assert whole["counts"].tolist() == np.sum([p["counts"] for p in parts], axis=0).tolist()
    assert np.allclose(whole["sums"], np.sum([p["sums"] for p in parts], axis=0), atol=1e-9)
    assert whole["counts"].sum() == len(corpus_vectors) and whole["moved"] == 0
    # The next centres are the means of the rows each took.
    nxt = themescope.kmeans_centres(whole["sums"], whole["counts"], start)
    labels = themescope.kmeans_labels(corpus_vectors, start)
    assert np.allclose(nxt[0], unit[labels == 0].mean(0), atol=1e-6)


def test_kmeans_bad_input_is_an_exception(fitted, corpus_vectors):
    centres = fitted["centroids"].astype(np.float64)
    with pytest.raises(TypeError, match="centres must be a 2-D numpy array of float64"):
        themescope.kmeans_step(corpus_vectors, fitted["centroids"])
    with pytest.raises(themescope.ThemescopeError, match="the vectors have 383 values but the centres 384"):
        themescope.kmeans_labels(corpus_vectors[:, :383].copy(), centres)
    with pytest.raises(themescope.ThemescopeError, match="previous"):
        themescope.kmeans_step(corpus_vectors, centres, centres[:2].copy())
    with pytest.raises(themescope.ThemescopeError, match="sums"):
        themescope.kmeans_centres(centres, [1, 2], centres)
