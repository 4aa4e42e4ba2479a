"""Mentions of actors and the attitude toward each, as `themescope sentiment` scores them."""

import pytest

import themescope

TEXTS = [
    "Angela Merkel praised the agreement as a great success for Europe.",
    "Critics accused Merkel of betraying her voters and ruining the economy.",
    "The weather was mild.",
]


@pytest.fixture(scope="module")
def head(models):
    return themescope.Sentiment(threads=1)


def test_the_head_scores_each_mention_of_the_actors_given(head):
    found = head.score(TEXTS, actors=[{"name": "Angela Merkel", "kind": "person", "aliases": ["Merkel"]}])
    # The built-in countries and regions are matched too, as with an actor file.
    assert [(m["index"], m["actor"]) for m in found if m["actor"] != "Angela Merkel"] == [(0, "Europe")]
    mentions = [m for m in found if m["actor"] == "Angela Merkel"]
    assert [(m["index"], m["text"]) for m in mentions] == [(0, "Angela Merkel"), (1, "Merkel")]
    praised, accused = mentions
    assert praised["score"] > 0 > accused["score"]
    assert all(-1 <= m["score"] <= 1 and abs(sum(m["probs"]) - 1) < 1e-4 for m in mentions)
    assert head.info["method"] == "head" and head.info["head"]["name"]


def test_vader_and_discovered_actors(seeds):
    vader = themescope.Sentiment(method="vader")
    docs = themescope.read_corpus(seeds)
    texts = [p for d in docs for p in d["paragraphs"]]
    mentions = vader.score(texts)
    assert mentions and {m["label"] for m in mentions} <= {"negative", "neutral", "positive"}
    for m in mentions:
        text = texts[m["index"]]
        assert text.encode()[m["span"]["start"]:m["span"]["end"]].decode() == m["text"]
        assert text[m["chars"]["start"]:m["chars"]["end"]] == m["text"]
    names = vader.score(TEXTS, actors=["Angela Merkel"])
    assert [(m["index"], m["actor"]) for m in names] == [(0, "Angela Merkel"), (0, "Europe")]


def test_discovered_actors_score_batches_as_the_whole(seeds):
    vader = themescope.Sentiment(method="vader")
    texts = [p for d in themescope.read_corpus(seeds) for p in d["paragraphs"]]
    found = themescope.discover_actors(texts)
    assert found["actors"] and all(a["mentions"] >= 3 for a in found["actors"])
    counts = [a["mentions"] for a in found["actors"]]
    assert counts == sorted(counts, reverse=True)
    whole = vader.score(texts)
    # Scored in two halves against the actors found in all texts: the same mentions.
    half = len(texts) // 2
    parts = vader.score(texts[:half], actors=found) + [
        {**m, "index": m["index"] + half} for m in vader.score(texts[half:], actors=found)
    ]
    assert parts == whole


def test_actors_in_a_dict_need_the_actors_list(head):
    with pytest.raises(TypeError, match="must hold `actors`"):
        head.score(TEXTS, actors={"not_actors": []})
    with pytest.raises(TypeError, match="not_actors"):
        head.score(TEXTS, actors={"actors": ["Angela Merkel"], "not_actors": "New Mexico"})


def test_a_namesake_keeps_its_surname_in_its_own_text():
    vader = themescope.Sentiment(method="vader")
    texts = [
        "Hillary Clinton spoke in Ohio. Clinton said jobs came first, and Clinton left early.",
        "Hillary Clinton raised money in Denver.",
        "Roger Clinton sang at the fair. Clinton bowed.",
    ]
    found = themescope.discover_actors(texts)
    assert [a["name"] for a in found["namesakes"]] == ["Roger Clinton"]
    whole = vader.score(texts)
    # The surname in Roger Clinton's text is his: no one's mention, not Hillary's.
    assert [m["text"] for m in whole if m["index"] == 2] == []
    assert vader.score(texts, actors=found) == whole
