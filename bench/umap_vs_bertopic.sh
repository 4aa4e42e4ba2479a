#!/usr/bin/env bash
# --reduce none / pca / umap vs BERTopic's UMAP on the same vectors (issue 16, item 1).
#
#   bench/umap_vs_bertopic.sh                 # AG News runs, then the 200,000-row timing
#   PARTS=ag bench/umap_vs_bertopic.sh        # AG News only (about 10 minutes on 2 cores)
#   PARTS=big N=200000 bench/umap_vs_bertopic.sh
#
# AG News test (7,600 items, 4 topics) is embedded once by themescope (or reused: $OUT/ag_news.parquet).
# Every run is a separate process under /usr/bin/time -v with THREADS threads (RAYON_NUM_THREADS
# for themescope, OMP/NUMBA threads for Python; UMAP with a random_state is single-threaded):
#   themescope themes --k 4 --reduce none | pca:5 | umap:5 | auto; --k auto (reduce auto);
#   --algo hdbscan (reduce auto); BERTopic UMAP + k-means(4); UMAP + k-means(4) alone;
#   scikit-learn k-means(4) on the raw vectors.
# The big part makes N rows from AG News' vectors (perturb_vectors.py: noise, one word in ten
# dropped, documents of 10 rows) and times themescope themes --k 4 with umap:5 and none, and
# UMAP + k-means(4) (umap-learn); NMI against the source rows' topics is shown too.
#
# Environment: OUT=bench/out/umap, SEED=42, THREADS=1, SHARED=../shared, VENV=bench/.venv,
# THEMESCOPE_BIN, PARTS="ag big", N=200000.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
AGNEWS=${AGNEWS:-$SHARED/data/ag_news/test.jsonl}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
export THEMESCOPE_DEVICE=${THEMESCOPE_DEVICE:-cpu}
OUT=${OUT:-$HERE/out/umap}
SEED=${SEED:-42}
THREADS=${THREADS:-1}
PARTS=${PARTS:-ag big}
N=${N:-200000}
VENV=${VENV:-$HERE/.venv}
PY=$VENV/bin/python
export RAYON_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS NUMBA_NUM_THREADS=$THREADS \
    OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
[ -f "$AGNEWS" ] || die "no AG News file at $AGNEWS (set SHARED or AGNEWS)"
ensure_venv "$VENV" "$HERE/requirements.txt" "import bertopic, umap, sklearn, pyarrow" || die "venv is incomplete"
BIN=$(themescope_bin "$ROOT")
mkdir -p "$OUT/results" "$OUT/time" "$OUT/logs"
MANIFEST=$OUT/manifest.tsv
: > "$MANIFEST"

# timed NAME DATASET RESULT GOLD -- CMD...
timed() {
    local name=$1 dataset=$2 result=$3 gold=$4 tag
    shift 5
    tag=$(echo "$dataset-$name" | tr -c 'A-Za-z0-9_.\n-' '_')
    say "$dataset / $name"
    /usr/bin/time -v -o "$OUT/time/$tag.txt" "$@" > "$OUT/logs/$tag.log" 2>&1 \
        || { tail -5 "$OUT/logs/$tag.log" >&2; die "$dataset / $name failed"; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$dataset" "$result" "$OUT/time/$tag.txt" "$gold" >> "$MANIFEST"
}
ts() { # ts NAME DATASET EMBEDDINGS GOLD ARGS...
    local name=$1 dataset=$2 emb=$3 gold=$4 res
    shift 4
    res=$OUT/results/$(echo "$dataset-$name" | tr -c 'A-Za-z0-9_.\n-' '_').json
    timed "themescope $name" "$dataset" "$res" "$gold" -- \
        "$BIN" themes --embeddings "$emb" --seed "$SEED" --threads "$THREADS" --out "$res" -q "$@"
}
py() { # py NAME DATASET EMBEDDINGS GOLD ARGS...
    local name=$1 dataset=$2 emb=$3 gold=$4 res
    shift 4
    res=$OUT/results/$(echo "$dataset-$name" | tr -c 'A-Za-z0-9_.\n-' '_').json
    timed "$name" "$dataset" "$res" "$gold" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$emb" --seed "$SEED" --out "$res" "$@"
}

AG=$OUT/ag_news.parquet
GOLD=$OUT/ag_news.jsonl
"$PY" "$HERE/prep_agnews.py" "$AGNEWS" "$GOLD"
if [ ! -f "$AG" ]; then
    say "embedding AG News with themescope"
    "$BIN" embed "$GOLD" --unit document --out "$AG" -q
fi

if [[ " $PARTS " == *" ag "* ]]; then
    for r in none pca:5 umap:5 auto; do
        ts "k=4 reduce=$r" ag_news "$AG" "$GOLD" --k 4 --reduce "$r"
    done
    ts "k=auto reduce=auto" ag_news "$AG" "$GOLD" --k auto
    ts "k=auto reduce=none" ag_news "$AG" "$GOLD" --k auto --reduce none
    ts "hdbscan reduce=auto" ag_news "$AG" "$GOLD" --algo hdbscan
    py "BERTopic UMAP+k-means(4)" ag_news "$AG" "$GOLD" --config kmeans4
    py "umap-learn UMAP + k-means(4)" ag_news "$AG" "$GOLD" --config umap-kmeans --k 4
    py "scikit-learn k-means(4), raw vectors" ag_news "$AG" "$GOLD" --config sklearn-kmeans4
fi

if [[ " $PARTS " == *" big "* ]]; then
    BIG=$OUT/big_$N.parquet
    [ -f "$BIG" ] || "$PY" "$HERE/perturb_vectors.py" --embeddings "$AG" --n "$N" --gold "$GOLD" --out "$BIG"
    ts "k=4 reduce=umap:5" "big_$N" "$BIG" "$BIG.gold.jsonl" --k 4 --reduce umap:5
    ts "k=4 reduce=none" "big_$N" "$BIG" "$BIG.gold.jsonl" --k 4 --reduce none
    py "umap-learn UMAP + k-means(4)" "big_$N" "$BIG" "$BIG.gold.jsonl" --config umap-kmeans --k 4
fi

{
    echo "# --reduce vs BERTopic's UMAP, same vectors ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "- machine: $(grep -c ^processor /proc/cpuinfo) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $THREADS thread(s) per run; load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- themescope $(cd "$ROOT" && git rev-parse --short HEAD), seed $SEED"
    echo
    "$PY" "$HERE/umap_score.py" --manifest "$MANIFEST" --json "$OUT/scores.json"
} | tee "$OUT/table.md"
