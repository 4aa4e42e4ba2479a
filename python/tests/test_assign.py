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
