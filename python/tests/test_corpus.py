"""Documents and paragraphs as the CLI reads them."""

import json

import themescope


def test_split_paragraphs_at_blank_lines_else_lines():
    assert themescope.split_paragraphs("One para.\n\nTwo\nstill two.") == ["One para.", "Two\nstill two."]
    assert themescope.split_paragraphs("Line one.\nLine two.") == ["Line one.", "Line two."]
    assert themescope.split_paragraphs("") == []


def test_split_paragraphs_reads_a_text_as_a_record_is_read(tmp_path):
    text = "Fees of  #36;10 &amp; more for the Ansari X Prize, said the team."
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": "a", "text": text}) + "\n")
    assert themescope.split_paragraphs(text) == themescope.read_corpus(records)[0]["paragraphs"]
    assert "$10 & more" in themescope.split_paragraphs(text)[0]


def test_split_paragraphs_drops_boilerplate_unless_kept():
    text = "The minister resigned on Monday after the vote.\n\nShare on Facebook"
    kept = themescope.split_paragraphs(text, keep_boilerplate=True)
    assert kept == ["The minister resigned on Monday after the vote.", "Share on Facebook"]
    assert themescope.split_paragraphs(text) == kept[:1]


def test_read_corpus_gives_the_documents_of_a_folder(seeds, corpus):
    docs = themescope.read_corpus(seeds)
    assert [d["id"] for d in docs] == sorted(p.name for p in seeds.iterdir())
    assert all(d["paragraphs"] and d["source"] for d in docs)
    texts, _ = corpus
    assert len(texts) == sum(len(d["paragraphs"]) for d in docs)
    # A paragraph is a piece of the document's cleaned text.
    assert all(p in d["text"] for d in docs for p in d["paragraphs"])


def test_read_corpus_reads_records_with_their_fields(tmp_path):
    src = tmp_path / "news.jsonl"
    records = [
        {"id": "a", "title": "Budget", "body": "The council met.\n\nIt approved the budget.", "year": 2024},
        {"id": "b", "title": "Weather", "body": "Rain tomorrow."},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    docs = themescope.read_corpus(str(src), text_field="body")
    assert [d["id"] for d in docs] == ["a", "b"]
    assert docs[0]["title"] == "Budget" and docs[0]["metadata"] == {"year": 2024}
    assert docs[0]["paragraphs"] == ["The council met.", "It approved the budget."]
    assert themescope.read_corpus([src], text_field="body") == docs
