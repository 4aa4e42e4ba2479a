#!/usr/bin/env bash
# Do the integer precisions change what users get? Themes and actor sentiment from f32 and from
# each of $DTYPES' vectors, side by side (issue 6: "theme and sentiment results not degraded").
# One command:
#
#   bench/precision_check.sh
#
#   1. AG News test (7,600 records): `embed` with each precision, then `themes --k 4` on each:
#      NMI and ARI against the gold labels, and the ARI between each assignment and f32's.
#   2. The seed articles, by paragraph: `themes --k auto` on each precision's vectors: themes
#      found, the ARI to f32's assignment, and whether "marriage of convenience" and
#      "reverse nixon" are among a theme's top phrases.
#   3. NewsMTSC dev-rw: `head eval` (the trained actor-sentiment head) with each precision:
#      accuracy and macro-F1.
# Prints a markdown table (also written to $OUT/precision_table.md).
#
# Environment (all optional): OUT=bench/out/precision, SHARED=../shared, THEMESCOPE_MODELS,
# THEMESCOPE_BIN (default target/release/themescope, built if missing), SEED=1, PYTHON=python3,
# DTYPES="f32 i16 i8" (f32 first: the others are compared with it).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
OUT=${OUT:-$HERE/out/precision}
SEED=${SEED:-1}
DTYPES=${DTYPES:-f32 i16 i8}
VENV=$HERE/.venv
PY=$VENV/bin/python

die() { echo "precision-check: $*" >&2; exit 1; }
say() { echo "precision-check: $*" >&2; }

ensure_venv "$VENV" "$HERE/requirements.txt" "import sklearn" || die "venv is incomplete"
BIN=$(themescope_bin "$ROOT") || exit 1

mkdir -p "$OUT"
"$PY" "$HERE/prep_agnews.py" "$SHARED/data/ag_news/test.jsonl" "$OUT/ag_news.jsonl"
for dtype in $DTYPES; do
    say "$dtype: embedding AG News and the seeds"
    "$BIN" embed "$OUT/ag_news.jsonl" --unit document --dtype "$dtype" --device cpu --no-cache \
        --out "$OUT/ag-$dtype.parquet" -q
    "$BIN" embed "$SHARED/seeds" --unit paragraph --dtype "$dtype" --device cpu --no-cache \
        --out "$OUT/seeds-$dtype.parquet" -q
    say "$dtype: themes"
    "$BIN" themes --embeddings "$OUT/ag-$dtype.parquet" --k 4 --seed "$SEED" \
        --out "$OUT/ag-$dtype.themes.json" -q > "$OUT/ag-$dtype.themes.txt"
    "$BIN" themes --embeddings "$OUT/seeds-$dtype.parquet" --k auto --seed "$SEED" \
        --out "$OUT/seeds-$dtype.themes.json" -q > "$OUT/seeds-$dtype.themes.txt"
    say "$dtype: sentiment head on NewsMTSC dev-rw"
    "$BIN" head eval --data "$SHARED/data/newsmtsc/dev-rw.jsonl" --dtype "$dtype" --device cpu \
        --no-cache --json -q > "$OUT/head-$dtype.json"
done
"$PY" "$HERE/precision_score.py" --dir "$OUT" --gold "$OUT/ag_news.jsonl" --dtypes "$DTYPES" | tee "$OUT/precision_table.md"
