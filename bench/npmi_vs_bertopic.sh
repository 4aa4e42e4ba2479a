#!/usr/bin/env bash
# NPMI and topic diversity of the top-10 words, themescope beside BERTopic on the same clusters and
# vectors (issue 16, "What must be shown", second item). One command:
#
#   bench/npmi_vs_bertopic.sh
#
# Embeds AG News test (7,600 items, title + ". " + description) once with themescope (or reuses
# $OUT/ag_news.parquet), runs `themescope themes --k K --seed SEED` for every K in KS (its default
# reduction and k-means), and scores with npmi_score.py: themescope's top-10 words and BERTopic's
# default c-TF-IDF top-10 words on the same assignment, both with gensim's c_npmi against the
# preprocessed corpus, and topic diversity; with PIPELINE=1 also BERTopic's own UMAP + k-means(K).
# Prints a Markdown table and writes it to $OUT/table.md (numbers in $OUT/scores.json, word lists
# in $OUT/words.md).
#
# Environment (all optional):
#   OUT=bench/out/npmi     vectors, themes.json files, logs, the table
#   KS="10 20 30 40 50"    the values of k
#   SEED=42                seed for themescope, UMAP and k-means
#   THREADS=1              threads for themescope and the Python side
#   PIPELINE=1             0 skips BERTopic's own UMAP + k-means column
#   SHARED=../shared       folder with data/ag_news/test.jsonl and models/
#   THEMESCOPE_BIN         binary to run (default: target/release/themescope, built when missing)
#   VENV=bench/.venv-npmi  venv of requirements-npmi.txt (BERTopic pins + gensim); made when missing
#   THEMES_ARGS            extra arguments for every `themescope themes` run
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
AGNEWS=${AGNEWS:-$SHARED/data/ag_news/test.jsonl}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
export THEMESCOPE_DEVICE=${THEMESCOPE_DEVICE:-cpu}
OUT=${OUT:-$HERE/out/npmi}
KS=${KS:-10 20 30 40 50}
SEED=${SEED:-42}
THREADS=${THREADS:-1}
PIPELINE=${PIPELINE:-1}
VENV=${VENV:-$HERE/.venv-npmi}
PY=$VENV/bin/python
export RAYON_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS NUMBA_NUM_THREADS=$THREADS \
    OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
[ -f "$AGNEWS" ] || die "no AG News file at $AGNEWS (set SHARED or AGNEWS)"
if [ ! -x "$PY" ] || [ "$VENV" = "$HERE/.venv-npmi" ]; then
    ensure_venv "$VENV" "$HERE/requirements-npmi.txt" "import bertopic, umap, gensim, sklearn, pyarrow" \
        || die "venv is incomplete"
fi
BIN=$(themescope_bin "$ROOT")
mkdir -p "$OUT/results" "$OUT/logs"

AG=$OUT/ag_news.parquet
"$PY" "$HERE/prep_agnews.py" "$AGNEWS" "$OUT/ag_news.jsonl"
if [ -f "$AG" ]; then
    say "reusing $AG"
else
    say "embedding AG News (7,600 documents) with themescope"
    "$BIN" embed "$OUT/ag_news.jsonl" --unit document --threads "$THREADS" --out "$AG" -q \
        > "$OUT/logs/embed.log" 2>&1 || { tail "$OUT/logs/embed.log" >&2; die "embedding failed"; }
fi

SPECS=()
for k in $KS; do
    res=$OUT/results/themes-k$k.json
    say "themescope themes --k $k"
    # shellcheck disable=SC2086 # THEMES_ARGS is a list of arguments
    "$BIN" themes --embeddings "$AG" --k "$k" --seed "$SEED" --threads "$THREADS" --out "$res" -q \
        ${THEMES_ARGS:-} > "$OUT/logs/themes-k$k.log" 2>&1 \
        || { tail "$OUT/logs/themes-k$k.log" >&2; die "themes --k $k failed"; }
    SPECS+=(--themes "$k=$res")
done

PIPE=()
[ "$PIPELINE" = 1 ] && PIPE=(--pipeline)
{
    echo "# NPMI and topic diversity of the top-10 words, AG News test ($(date -u '+%Y-%m-%d %H:%M UTC'))"
    echo
    echo "- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $THREADS thread(s)"
    echo "- themescope $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src || echo ' (uncommitted changes in src/)'), \`themes --k K --seed $SEED ${THEMES_ARGS:-}\`; BERTopic $("$PY" -c 'import bertopic; print(bertopic.__version__)'), gensim $("$PY" -c 'import gensim; print(gensim.__version__)') c_npmi (window 10, reference: the preprocessed corpus)"
    echo "- NPMI: mean over topics of gensim's c_npmi of the top-10 words; TD: distinct words / all top words"
    echo
    "$PY" "$HERE/npmi_score.py" --embeddings "$AG" "${SPECS[@]}" "${PIPE[@]}" --seed "$SEED" \
        --json "$OUT/scores.json" --md "$OUT/table-only.md" --words "$OUT/words.md"
} | tee "$OUT/table.md"
say "table in $OUT/table.md; word lists in $OUT/words.md"
