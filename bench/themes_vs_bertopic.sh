#!/usr/bin/env bash
# themescope themes vs BERTopic on the same vectors (issue 3, item 6). One command:
#
#   bench/themes_vs_bertopic.sh
#
# Sets up bench/.venv (BERTopic without its encoder stack), builds themescope --release, embeds AG
# News test (7,600 items) and the seed articles once with themescope, then clusters those very
# vectors with themescope and with BERTopic, each run under /usr/bin/time -v, REPS times with the
# order of the two tools alternated, and prints a table (also written to $OUT/table.md).
#
# Environment (all optional):
#   REPS=2                 repetitions of every clustering run (order alternates between them)
#   OUT=bench/out          where corpora, vectors, results, logs and the table go
#   SEED=42                seed for themescope, UMAP and k-means
#   SHARED=../shared       folder with data/ag_news/test.jsonl, seeds/ and models/
#   THEMESCOPE_MODELS      model folder (default $SHARED/models)
#   THEMESCOPE_BIN         use this binary instead of building target/release/themescope
#   THEMESCOPE_DEVICE=cpu  device for embedding and phrase vectors
#   REUSE_EMBEDDINGS=1     keep $OUT/*.parquet from an earlier run instead of embedding again
#   PYTHON=python3         interpreter the venv is made from
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
AGNEWS=${AGNEWS:-$SHARED/data/ag_news/test.jsonl}
SEEDS=${SEEDS:-$SHARED/seeds}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
export THEMESCOPE_DEVICE=${THEMESCOPE_DEVICE:-cpu}
OUT=${OUT:-$HERE/out}
REPS=${REPS:-2}
SEED=${SEED:-42}
VENV=$HERE/.venv
PY=$VENV/bin/python
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

[ -x "$TIME" ] || die "$TIME not found (Debian: apt-get install time)"
[ -f "$AGNEWS" ] || die "no AG News file at $AGNEWS (set SHARED or AGNEWS)"
[ -d "$SEEDS" ] || die "no seed articles at $SEEDS (set SHARED or SEEDS)"

# --- 1. Python venv: BERTopic 0.17 with --no-deps, so no torch / sentence-transformers ----------
ensure_venv "$VENV" "$HERE/requirements.txt" "import bertopic, umap, hdbscan, sklearn, pyarrow" \
    || die "venv is incomplete"

# --- 2. themescope, release build ---------------------------------------------------------------
if [ -n "${THEMESCOPE_BIN:-}" ]; then
    BIN=$THEMESCOPE_BIN
else
    say "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet)
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/themescope
fi
[ -x "$BIN" ] || die "no themescope binary at $BIN"

mkdir -p "$OUT/results" "$OUT/time" "$OUT/logs"
MANIFEST=$OUT/manifest.tsv
: > "$MANIFEST"

# timed NAME DATASET REP RESULT -- CMD...: run CMD under /usr/bin/time -v, log, add to manifest
timed() {
    local name=$1 dataset=$2 rep=$3 result=$4
    shift 5
    local tag
    tag=$(echo "$dataset-$name-r$rep" | tr -c 'A-Za-z0-9_.\n-' '_')
    say "$dataset / $name (rep $rep)"
    if ! "$TIME" -v -o "$OUT/time/$tag.txt" "$@" > "$OUT/logs/$tag.log" 2>&1; then
        tail -20 "$OUT/logs/$tag.log" >&2
        die "$dataset / $name failed; log in $OUT/logs/$tag.log"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$dataset" "$rep" "$result" "$OUT/time/$tag.txt" >> "$MANIFEST"
}

# --- 3. corpora and vectors (once; both tools cluster these very vectors) ----------------------
"$PY" "$HERE/prep_agnews.py" "$AGNEWS" "$OUT/ag_news.jsonl"
AG=$OUT/ag_news.parquet
SP=$OUT/seeds.parquet
if [ "${REUSE_EMBEDDINGS:-0}" = 1 ] && [ -f "$AG" ] && [ -f "$SP" ]; then
    say "reusing $AG and $SP"
else
    say "embedding AG News (7,600 documents) and the seeds with themescope"
    "$TIME" -v -o "$OUT/time/embed-ag_news.txt" \
        "$BIN" embed "$OUT/ag_news.jsonl" --unit document --out "$AG" -q > "$OUT/logs/embed-ag_news.log" 2>&1 \
        || { tail "$OUT/logs/embed-ag_news.log" >&2; die "embedding AG News failed"; }
    "$TIME" -v -o "$OUT/time/embed-seeds.txt" \
        "$BIN" embed "$SEEDS" --unit paragraph --out "$SP" -q > "$OUT/logs/embed-seeds.log" 2>&1 \
        || { tail "$OUT/logs/embed-seeds.log" >&2; die "embedding the seeds failed"; }
fi
STEPS=()
for s in ag_news seeds; do
    [ -f "$OUT/time/embed-$s.txt" ] && STEPS+=(--step "themescope embed $s=$OUT/time/embed-$s.txt")
done

# --- 4. the runs -------------------------------------------------------------------------------
ts_ag() {
    local rep=$1 r=$OUT/results
    timed "themescope k=4" ag_news "$rep" "$r/ag-ts-k4.r$rep.json" -- \
        "$BIN" themes --embeddings "$AG" --k 4 --seed "$SEED" --out "$r/ag-ts-k4.r$rep.json" -q
    timed "themescope k=auto" ag_news "$rep" "$r/ag-ts-auto.r$rep.json" -- \
        "$BIN" themes --embeddings "$AG" --k auto --seed "$SEED" --out "$r/ag-ts-auto.r$rep.json" -q
    timed "themescope hdbscan" ag_news "$rep" "$r/ag-ts-hdb.r$rep.json" -- \
        "$BIN" themes --embeddings "$AG" --algo hdbscan --seed "$SEED" --out "$r/ag-ts-hdb.r$rep.json" -q
    timed "themescope hdbscan, outliers keep" ag_news "$rep" "$r/ag-ts-hdbkeep.r$rep.json" -- \
        "$BIN" themes --embeddings "$AG" --algo hdbscan --outliers keep --seed "$SEED" \
        --out "$r/ag-ts-hdbkeep.r$rep.json" -q
}
bt_ag() {
    local rep=$1 r=$OUT/results
    timed "BERTopic default (UMAP+HDBSCAN)" ag_news "$rep" "$r/ag-bt-default.r$rep.json" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$AG" --config default --seed "$SEED" \
        --out "$r/ag-bt-default.r$rep.json"
    timed "BERTopic UMAP+k-means(4)" ag_news "$rep" "$r/ag-bt-km4.r$rep.json" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$AG" --config kmeans4 --seed "$SEED" \
        --out "$r/ag-bt-km4.r$rep.json"
    timed "scikit-learn k-means(4), reference" ag_news "$rep" "$r/ag-sk-km4.r$rep.json" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$AG" --config sklearn-kmeans4 --seed "$SEED" \
        --out "$r/ag-sk-km4.r$rep.json"
}
ts_seeds() {
    local rep=$1 r=$OUT/results
    timed "themescope k=auto" seeds "$rep" "$r/seeds-ts-auto.r$rep.json" -- \
        "$BIN" themes --embeddings "$SP" --k auto --seed "$SEED" --out "$r/seeds-ts-auto.r$rep.json"
    timed "themescope hdbscan" seeds "$rep" "$r/seeds-ts-hdb.r$rep.json" -- \
        "$BIN" themes --embeddings "$SP" --algo hdbscan --seed "$SEED" --out "$r/seeds-ts-hdb.r$rep.json"
    timed "themescope k=8" seeds "$rep" "$r/seeds-ts-k8.r$rep.json" -- \
        "$BIN" themes --embeddings "$SP" --k 8 --seed "$SEED" --out "$r/seeds-ts-k8.r$rep.json"
}
bt_seeds() {
    local rep=$1 r=$OUT/results
    timed "BERTopic default (UMAP+HDBSCAN)" seeds "$rep" "$r/seeds-bt-default.r$rep.json" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$SP" --config default --seed "$SEED" \
        --out "$r/seeds-bt-default.r$rep.json"
    timed "BERTopic min_topic_size=5" seeds "$rep" "$r/seeds-bt-mts5.r$rep.json" -- \
        "$PY" "$HERE/bertopic_fit.py" --embeddings "$SP" --config default --min-topic-size 5 --seed "$SEED" \
        --out "$r/seeds-bt-mts5.r$rep.json"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then
        ts_ag "$rep"; bt_ag "$rep"; ts_seeds "$rep"; bt_seeds "$rep"
    else
        bt_ag "$rep"; ts_ag "$rep"; bt_seeds "$rep"; ts_seeds "$rep"
    fi
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 5. the table ------------------------------------------------------------------------------
{
    echo "# themescope vs BERTopic, same vectors ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(free -g | awk '/Mem:/{print $2}') GiB"
    echo "- themescope $("$BIN" --version | awk '{print $2}') ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD 2>/dev/null || echo ', with uncommitted changes')), device $THEMESCOPE_DEVICE; BERTopic $("$PY" -c 'import bertopic; print(bertopic.__version__)'), seed $SEED, $REPS repetitions (order alternated)"
    echo "- load average before / after the runs: $LOAD_BEFORE / $LOAD_AFTER (other processes on the machine inflate wall times; CPU s is less affected)"
    echo "- wall and peak RSS are the whole process (/usr/bin/time -v); fit s is BERTopic's fit_transform alone"
    "$PY" "$HERE/score.py" --manifest "$MANIFEST" --gold "$OUT/ag_news.jsonl" --json "$OUT/scores.json" "${STEPS[@]}"
} | tee "$OUT/table.md"
say "table in $OUT/table.md; results, /usr/bin/time output and logs under $OUT"
