#!/usr/bin/env bash
# The whole `themescope run` against BERTopic's fit (UMAP + HDBSCAN + c-TF-IDF) on AG News test,
# with precomputed embeddings on both sides (for themescope: its cache, which also holds the
# trained head's mention scores), measured side by side. One command:
#
#   bench/run_vs_bertopic.sh
#
# Embeddings are computed once by themescope: into its cache (so that `run` finds every paragraph's
# vector and every mention's score there, as a user's second run does) and into a .parquet that
# BERTopic is given as `embeddings=`. Then REPS times, order alternated, each as a separate process under
# /usr/bin/time -v: `themescope run` (themes, actors, sentiment with the trained head, the report
# files), `themescope run --method vader` (sentiment by lexicon: no encoder pass at all), and
# BERTopic's default fit. Prints medians of wall time and peak RSS and the ratios; the table also
# goes to $OUT/run_table.md.
#
# Environment (all optional): REPS=3 OUT=bench/out SHARED=../shared THEMESCOPE_MODELS
#   THEMESCOPE_BIN (default target/release/themescope, built if missing) PYTHON=python3 SEED=42
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
OUT=${OUT:-$HERE/out}
REPS=${REPS:-3}
SEED=${SEED:-42}
PY=$HERE/.venv/bin/python
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: $TIME not found (Debian: apt-get install time)" >&2; exit 1; }

ensure_venv "$HERE/.venv" "$HERE/requirements.txt" "import bertopic, umap, hdbscan, sklearn, pyarrow"
BIN=$(themescope_bin "$ROOT") || exit 1

W=$OUT/run-bench
mkdir -p "$W/time" "$W/logs"
CORPUS=$OUT/ag_news.jsonl
VECTORS=$W/ag_news.parquet
CACHE=$W/cache
"$PY" "$HERE/prep_agnews.py" "$SHARED/data/ag_news/test.jsonl" "$CORPUS"
# Untimed: fills the cache (paragraph vectors and the head's mention scores) on the first use,
# and checks it is complete on later ones.
echo "bench: warm-up run (embeds AG News and scores its mentions unless the cache has them)" >&2
"$BIN" run "$CORPUS" --out "$W/warm-up" --cache "$CACHE" --seed "$SEED" --quiet > "$W/warm-up.log" 2>&1
[ -f "$VECTORS" ] || "$BIN" embed "$CORPUS" --unit document --cache "$CACHE" --out "$VECTORS" --quiet

RESULTS=$W/results.tsv
printf 'tool\trep\twall_s\tcpu_s\tmaxrss_kb\n' > "$RESULTS"
timed() { # NAME REP CMD...
    local name=$1 rep=$2 tag
    shift 2
    tag=$(echo "$name-r$rep" | tr -c 'A-Za-z0-9_.\n-' '_')
    echo "bench: $name (rep $rep)" >&2
    "$TIME" -v -o "$W/time/$tag.txt" "$@" > "$W/logs/$tag.log" 2>&1 \
        || { tail -20 "$W/logs/$tag.log" >&2; exit 1; }
    printf '%s\t%s\t%s\n' "$name" "$rep" "$(time_fields "$W/time/$tag.txt")" >> "$RESULTS"
}
ts() {
    timed "themescope run" "$1" "$BIN" run "$CORPUS" --out "$W/report-head" --cache "$CACHE" --seed "$SEED" --quiet
    timed "themescope run --method vader" "$1" "$BIN" run "$CORPUS" --out "$W/report-vader" --cache "$CACHE" --seed "$SEED" --method vader --quiet
}
bt() {
    timed "BERTopic fit" "$1" "$PY" "$HERE/bertopic_fit.py" --embeddings "$VECTORS" --config default \
        --seed "$SEED" --out "$W/bertopic.json"
}
for rep in $(seq 1 "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then ts "$rep"; bt "$rep"; else bt "$rep"; ts "$rep"; fi
done

"$PY" - "$RESULTS" "$W/report-head/report.json" <<'EOF' | tee "$OUT/run_table.md"
import csv, json, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
tools = list(dict.fromkeys(r["tool"] for r in rows))
med = lambda t, k: statistics.median(float(r[k]) for r in rows if r["tool"] == t)
bt = "BERTopic fit"
print(f"| AG News test, 7,600 items, precomputed embeddings | wall s (median of {len(rows) // len(tools)}) | peak RSS MiB | BERTopic wall / this | this RSS / BERTopic |")
print("|---|---|---|---|---|")
for t in tools:
    w, m = med(t, "wall_s"), med(t, "maxrss_kb") / 1024
    print(f"| {t} | {w:.1f} | {m:.0f} | {med(bt, 'wall_s') / w:.2f}x | {m / (med(bt, 'maxrss_kb') / 1024):.2f} |")
r = json.load(open(sys.argv[2]))
print(f"\nthemescope's report: {len(r.get('themes', []))} themes, {len(r.get('actors', []))} actors.")
EOF
