"""Bad input is a Python exception with a message, never a crash of the interpreter."""

import numpy as np
import pytest

import themescope
from themescope import ThemescopeError


def test_the_error_is_a_value_error():
    assert issubclass(ThemescopeError, ValueError)


@pytest.mark.parametrize(
    "texts, error, message",
    [
        ([], ThemescopeError, "texts is empty"),
        ("one text", TypeError, "not a single str"),
        (b"bytes", TypeError, "not a single bytes"),
        (["fine", 3], TypeError, r"texts\[1\] is int, not str"),
        ([None], TypeError, r"texts\[0\] is NoneType"),
        (42, TypeError, "texts must be a list of str, not int"),
    ],
)
def test_embed_rejects_what_is_not_a_list_of_texts(embedder, texts, error, message):
    with pytest.raises(error, match=message):
        embedder.embed(texts)


def test_a_missing_model_is_named_with_the_fix(models, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(ThemescopeError, match="nobody/no-such-model") as e:
        themescope.Embedder(model="nobody/no-such-model")
    assert "THEMESCOPE_MODELS" in str(e.value) and "\n" not in str(e.value)


def test_a_model_folder_that_is_not_one(tmp_path):
    with pytest.raises(ThemescopeError, match=str(tmp_path)):
        themescope.Embedder(model=str(tmp_path))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dtype": "f33"}, "dtype"),
        ({"device": "tpu"}, "device"),
        ({"batch_size": 0}, "batch_size = 0 is out of range"),
        ({"threads": 5000}, "threads = 5000 is out of range"),
        ({"long_text": "sometimes"}, "long_text"),
        ({"max_length": 1}, "max_length = 1"),
    ],
)
def test_bad_settings_fail_before_the_model_loads(kwargs, message):
    with pytest.raises(ThemescopeError, match=message):
        themescope.Embedder(**kwargs)


def test_wrong_argument_types(embedder):
    with pytest.raises(TypeError):
        themescope.Embedder(batch_size="many")
    with pytest.raises(TypeError):
        themescope.Embedder(cache=3.5)
    with pytest.raises(TypeError):
        themescope.split_paragraphs(None)
    with pytest.raises(TypeError, match="path"):
        themescope.read_corpus([1, 2])


@pytest.mark.parametrize(
    "embeddings, message",
    [
        (np.zeros((3, 384), dtype=np.float64), "float64 ndarray of shape \\(3, 384\\)"),
        (np.zeros((3, 384), dtype=np.int32), "int32"),
        (np.zeros(384, dtype=np.float32), "2-D"),
        ([[0.0] * 384] * 3, "not list"),
        ("vectors", "not str"),
    ],
)
def test_themes_rejects_what_is_not_a_float32_matrix(embedder, embeddings, message):
    with pytest.raises(TypeError, match=message):
        themescope.themes(embeddings, ["a", "b", "c"], embedder=embedder)


def test_themes_checks_rows_texts_and_settings(embedder):
    vectors = embedder.embed(["a", "b", "c"])
    with pytest.raises(ThemescopeError, match="3 rows but texts has 2"):
        themescope.themes(vectors, ["a", "b"], embedder=embedder)
    with pytest.raises(ThemescopeError, match="doc_ids has 1 items"):
        themescope.themes(vectors, ["a", "b", "c"], doc_ids=["d"], embedder=embedder)
    with pytest.raises(ThemescopeError, match="k"):
        themescope.themes(vectors, ["a", "b", "c"], k="several", embedder=embedder)
    with pytest.raises(TypeError, match="batch_size"):
        themescope.themes(vectors, ["a", "b", "c"], embedder=embedder, batch_size=3)
    with pytest.raises(ThemescopeError, match="algo"):
        themescope.themes(vectors, ["a", "b", "c"], embedder=embedder, algo="magic")
    with pytest.raises(ThemescopeError, match="384"):
        themescope.themes(np.zeros((3, 8), np.float32), ["a", "b", "c"], embedder=embedder)


def test_corpus_errors_name_the_file(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(ThemescopeError, match="missing.txt"):
        themescope.read_corpus(missing)
    with pytest.raises(ThemescopeError, match="paths is empty"):
        themescope.read_corpus([])


def test_sentiment_errors():
    with pytest.raises(ThemescopeError, match="method"):
        themescope.Sentiment(method="guess")
    with pytest.raises(ThemescopeError, match="no-such-head"):
        themescope.Sentiment(head="no-such-head")
    vader = themescope.Sentiment(method="vader")
    with pytest.raises(TypeError, match=r"actors\[0\]"):
        vader.score(["Merkel spoke."], actors=[3])
    with pytest.raises(ThemescopeError, match=r"actors\[0\]"):
        vader.score(["Merkel spoke."], actors=[{"name": "Merkel", "kind": "planet"}])
    with pytest.raises(ThemescopeError, match="texts is empty"):
        vader.score([])


def test_run_errors_leave_nothing_behind(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ThemescopeError, match="k_max"):
        themescope.run(tmp_path, out, k_max=0)
    with pytest.raises(ThemescopeError, match="not a run setting"):
        themescope.run(tmp_path, out, colour="blue")
    with pytest.raises(ThemescopeError, match="missing"):
        themescope.run(tmp_path / "missing", out)
    assert not out.exists()
