#!/usr/bin/env python3
"""Turn AG News test.jsonl into the corpus both tools see: {"id", "text", "label"} per line,
text = title + ". " + description (the text the baselines in shared/data/README.md used).
The gold label travels in the same line; themescope ignores fields other than id and text."""
import json
import sys

src, dst = sys.argv[1], sys.argv[2]
n = 0
with open(src) as f, open(dst, "w") as out:
    for line in f:
        if not line.strip():
            continue
        d = json.loads(line)
        text = d["title"] + ". " + d["description"]
        out.write(json.dumps({"id": str(d["id"]), "text": text, "label": int(d["label"])}) + "\n")
        n += 1
print(f"{n} items -> {dst}", file=sys.stderr)
