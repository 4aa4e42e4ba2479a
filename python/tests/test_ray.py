"""themescope.ray on a local 2-CPU Ray cluster: the distributed vectors equal the single-machine
ones bit for bit, and themes fitted on them are the same. Runs where Ray is installed
(`pip install -r python/requirements-ray.txt`; with THEMESCOPE_RAY_TESTS set, a missing Ray is a
failure, not a skip); THEMESCOPE_RAY_ITEMS sets how many AG News items (default 400; 7600 for
the whole test split)."""

import json
import os

import numpy as np
import pytest

import themescope

if os.environ.get("THEMESCOPE_RAY_TESTS"):
    import ray
    import themescope.ray as tsr
else:
    ray = pytest.importorskip("ray")
    tsr = pytest.importorskip("themescope.ray")


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def ag_news(tmp_path_factory):
    shared = os.environ.get("THEMESCOPE_SHARED")
    src = shared and os.path.join(shared, "data/ag_news/test.jsonl")
    if not src or not os.path.isfile(src):
        pytest.skip("needs THEMESCOPE_SHARED (AG News)")
    n = int(os.environ.get("THEMESCOPE_RAY_ITEMS", "400"))
    out = tmp_path_factory.mktemp("agnews") / "items.jsonl"
    with open(src) as f, open(out, "w") as w:
        for line, _ in zip(f, range(n)):
            item = json.loads(line)
            text = item["title"] + ". " + item["description"].replace("\\", " ")
            w.write(json.dumps({"id": f"{item['id']:05}", "text": text, "label": item["label"]}) + "\n")
    return out


def single_machine(path, embedder):
    """(doc_id, para_index) → text, as one process splits the same documents."""
    rows = {}
    for line in open(path):
        doc = json.loads(line)
        for i, p in enumerate(themescope.split_paragraphs(doc["text"])):
            rows[(doc["id"], i)] = p
    keys = sorted(rows)
    return keys, [rows[k] for k in keys]


def test_distributed_vectors_and_themes_equal_the_single_machines(models, cluster, ag_news):
    # Two actors of half a CPU each leave a CPU of the two for the read and split tasks (actors
    # holding every CPU would starve them).
    embedded = tsr.embed(
        tsr.paragraphs(tsr.read_documents(str(ag_news))), concurrency=2, batch_size=64, threads=1, num_cpus=0.5
    ).materialize()
    vectors, texts, doc_ids = tsr.collect(embedded)

    embedder = themescope.Embedder(threads=1)
    keys, want_texts = single_machine(ag_news, embedder)
    assert doc_ids == [d for d, _ in keys] and texts == want_texts
    want = embedder.embed(want_texts)
    assert vectors.dtype == np.float32 and vectors.tobytes() == want.tobytes()

    # Themes fitted on every vector: the same themes, labels and assignments.
    got = tsr.themes(embedded, embedder=embedder, k=4)
    single = themescope.themes(want, want_texts, k=4, doc_ids=[d for d, _ in keys], embedder=embedder)
    assert [t["label"] for t in got["themes"]] == [t["label"] for t in single["themes"]]
    assert got["assignments"] == single["assignments"]
