#!/usr/bin/env python3
"""Long documents on many subjects, made from AG News: items joined into documents of several
paragraphs each (one item per paragraph, subjects mixed within a document), as a corpus for
`themescope run --k auto` (issue 16: a usable number of themes, no label that every document
repeats). Each document also opens with the same dateline paragraph and ends with the same
footer, as newsletters do, so the corpus-level boilerplate rule has something to find.

usage: agnews_documents.py AG_TEST_JSONL OUT_DIR [DOCUMENTS] [ITEMS_PER_DOCUMENT]
Writes OUT_DIR/doc-NNN.txt and OUT_DIR/labels.jsonl (document, paragraph, gold label)."""
import json
import os
import random
import sys

src, out_dir = sys.argv[1], sys.argv[2]
documents = int(sys.argv[3]) if len(sys.argv) > 3 else 300
per_doc = int(sys.argv[4]) if len(sys.argv) > 4 else 12
items = [json.loads(l) for l in open(src) if l.strip()]
random.Random(7).shuffle(items)
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "labels.jsonl"), "w") as labels:
    for d in range(documents):
        chunk = items[d * per_doc:(d + 1) * per_doc]
        paragraphs = [f"Weekly news digest, issue {d + 1}."]
        for p, item in enumerate(chunk):
            text = (item["title"] + ". " + item["description"]).replace("\\", " ")
            paragraphs.append(text)
            labels.write(json.dumps({"doc": d, "paragraph": p + 1, "label": item["label"]}) + "\n")
        paragraphs.append("Thanks for reading. Forward this digest to a friend who likes the news.")
        with open(os.path.join(out_dir, f"doc-{d:03}.txt"), "w") as f:
            f.write("\n\n".join(paragraphs) + "\n")
print(f"{documents} documents of {per_doc} items -> {out_dir}", file=sys.stderr)
