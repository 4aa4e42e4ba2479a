"""How often a lone surname of a PerSenT article's subject is read as that subject.

PerSenT names each article's subject (`target_entity`). Every mention that `themescope
sentiment` finds whose alias is the subject's surname alone ("Kelly" in an article on John
Kelly) should name the subject; this counts those that do and those read as someone else.

    python3 bench/persent_surnames.py --docs persent_docs.jsonl          # writes the articles
    themescope sentiment persent_docs.jsonl --method vader --out s.json
    python3 bench/persent_surnames.py --dev dev.jsonl s.json [more.json ...]
"""

import argparse
import collections
import json


def write_docs(dev_path, out_path):
    """One document per article: its paragraphs in order, joined by blank lines."""
    articles = collections.defaultdict(dict)
    titles = {}
    with open(dev_path) as f:
        for line in f:
            row = json.loads(line)
            articles[row["doc_index"]][row["para_idx"]] = row["text"]
            titles[row["doc_index"]] = row.get("title", "")
    with open(out_path, "w") as out:
        for doc, paragraphs in sorted(articles.items()):
            text = "\n\n".join(paragraphs[k] for k in sorted(paragraphs))
            out.write(json.dumps({"id": str(doc), "title": titles[doc], "text": text}) + "\n")


def subjects(dev_path):
    with open(dev_path) as f:
        return {str(json.loads(l)["doc_index"]): json.loads(l)["target_entity"] for l in f}


def same_person(actor, subject):
    """The actor's first and last words are the subject's ("Donald J. Trump", "Donald Trump")."""
    a, s = actor.split(), subject.split()
    return actor == subject or (a[0] == s[0] and a[-1] == s[-1])


def score(dev_path, mentions_path):
    subject = subjects(dev_path)
    right, wrong = 0, collections.Counter()
    with open(mentions_path) as f:
        mentions = json.load(f)["mentions"]
    for m in mentions:
        s = subject.get(m["doc_id"])
        if not s or " " not in s or m["alias"] != s.split()[-1]:
            continue
        if same_person(m["actor"], s):
            right += 1
        else:
            wrong[(s, m["actor"])] += 1
    total_wrong = sum(wrong.values())
    print(f"{mentions_path}: subject {right}, someone else {total_wrong}")
    for (s, actor), n in wrong.most_common(8):
        print(f"  {n:4d}  {s} read as {actor}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dev", default="../shared/data/persent/dev.jsonl")
    p.add_argument("--docs", help="write the articles as JSON lines to this file and stop")
    p.add_argument("mentions", nargs="*", help="`themescope sentiment --out` files")
    a = p.parse_args()
    if a.docs:
        write_docs(a.dev, a.docs)
        return
    for path in a.mentions:
        score(a.dev, path)


if __name__ == "__main__":
    main()
