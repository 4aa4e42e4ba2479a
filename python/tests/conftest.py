"""Shared fixtures: the real model (THEMESCOPE_MODELS), the seeds articles (THEMESCOPE_SHARED)
and the command-line binary the vectors are compared with (THEMESCOPE_BIN, else the debug build
in the repository's target folder)."""

import os
import pathlib
import subprocess

import pytest

import themescope

REPO = pathlib.Path(__file__).resolve().parents[2]


def _needs(var):
    value = os.environ.get(var)
    if not value or not pathlib.Path(value).is_dir():
        pytest.skip(f"needs {var} (the shared models and data)")
    return pathlib.Path(value)


@pytest.fixture(scope="session")
def models():
    return _needs("THEMESCOPE_MODELS")


@pytest.fixture(scope="session")
def seeds():
    return _needs("THEMESCOPE_SHARED") / "seeds"


@pytest.fixture(scope="session")
def embedder(models):
    # One thread: the tests run beside other work on small machines.
    return themescope.Embedder(threads=1)


@pytest.fixture(scope="session")
def corpus(seeds):
    """The seeds articles' paragraphs, with each paragraph's document id."""
    docs = themescope.read_corpus(seeds)
    texts = [p for d in docs for p in d["paragraphs"]]
    ids = [d["id"] for d in docs for _ in d["paragraphs"]]
    return texts, ids


@pytest.fixture(scope="session")
def corpus_vectors(embedder, corpus):
    return embedder.embed(corpus[0])


@pytest.fixture(scope="session")
def cli(models):
    """Runs the themescope binary; returns its completed process."""
    binary = pathlib.Path(os.environ.get("THEMESCOPE_BIN", REPO / "target/debug/themescope"))
    if not binary.is_file():
        pytest.skip(f"needs the CLI binary {binary} (cargo build, or set THEMESCOPE_BIN)")

    def run(*args):
        done = subprocess.run(
            [str(binary), "--quiet", *map(str, args)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done

    return run
