#!/usr/bin/env bash
# Embedding throughput on the CPU: themescope `embed` vs sentence-transformers (PyTorch), same
# all-MiniLM-L6-v2 folder, same paragraphs, batch 32, 2 threads, measured side by side. One command:
#
#   bench/embed_vs_st.sh
#
# Sets up bench/.venv-st (sentence-transformers + torch, pinned in requirements-st.txt), builds the
# input (N paragraphs: seed-article paragraphs, then AG News test records), then REPS times runs
# each tool as a separate process under /usr/bin/time -v, alternating which goes first, and prints
# a table (also written to $OUT/embed_table.md): embed-stage paragraphs/s and tokens/s (model load
# excluded), whole-process wall time, CPU time and peak RSS, and the per-row cosine between the
# two tools' vectors.
#
# Environment (all optional):
#   REPS=3 N=2000 BATCH=32 THREADS=2
#   DTYPES="f32 i16 i8"  themescope precisions to run each rep (i16, i8: integer linear layers);
#                     every one but f32 is also compared with themescope f32's vectors
#   OUT=bench/out          input, vectors, time -v outputs, logs, results.tsv, embed_table.md
#   SHARED=../shared       folder with data/ag_news/test.jsonl, seeds/ and models/
#   THEMESCOPE_MODELS      model folder (default $SHARED/models)
#   THEMESCOPE_BIN         binary to use (default target/release/themescope, built if missing)
#   PYTHON=python3         interpreter the venv is made from
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
AGNEWS=${AGNEWS:-$SHARED/data/ag_news/test.jsonl}
SEEDS=${SEEDS:-$SHARED/seeds}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
MODEL=$THEMESCOPE_MODELS/sentence-transformers--all-MiniLM-L6-v2
OUT=${OUT:-$HERE/out}
REPS=${REPS:-3}
N=${N:-2000}
BATCH=${BATCH:-32}
THREADS=${THREADS:-2}
DTYPES=${DTYPES:-f32 i16 i8}
VENV=$HERE/.venv-st
PY=$VENV/bin/python
TIME=/usr/bin/time
# Nothing may come from the Hugging Face Hub: both tools load the model folder by path.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false

die() { echo "embed-bench: $*" >&2; exit 1; }
say() { echo "embed-bench: $*" >&2; }

[ -x "$TIME" ] || die "$TIME not found (Debian: apt-get install time)"
[ -f "$AGNEWS" ] || die "no AG News file at $AGNEWS (set SHARED or AGNEWS)"
[ -d "$SEEDS" ] || die "no seed articles at $SEEDS (set SHARED or SEEDS)"
[ -f "$MODEL/model.safetensors" ] || die "no model folder at $MODEL (set THEMESCOPE_MODELS)"

# --- 1. venv with sentence-transformers and torch ------------------------------------------------
# requirements-st.txt is a full `pip freeze` (torch's CUDA wheels from PyPI, with their nvidia-*
# libraries: the PyPI torch for Linux x86-64 does not import without them, even on the CPU), so
# it is installed with --no-deps.
ensure_venv "$VENV" "$HERE/requirements-st.txt" \
    "import torch, sentence_transformers; torch.randn(2, 2) @ torch.randn(2, 2)" || die "venv is incomplete"

# --- 2. themescope, release build ---------------------------------------------------------------
BIN=$(themescope_bin "$ROOT") || exit 1

# --- 3. input -----------------------------------------------------------------------------------
mkdir -p "$OUT/embed/time" "$OUT/embed/logs" "$OUT/embed/vectors"
INPUT=$OUT/embed_input.jsonl
TOKENS=$OUT/embed/tokens.json
"$PY" "$HERE/st_embed.py" prep --seeds "$SEEDS" --agnews "$AGNEWS" --n "$N" --model "$MODEL" \
    --out "$INPUT" > "$TOKENS"
as_themescope_reads "$BIN" "$PY" "$INPUT" "$OUT/embed/logs/read.log" || die "reading the input failed"
say "input: $INPUT (as themescope reads it; tokens counted before decoding: $(cat "$TOKENS"))"

# --- 4. alternating measurements ----------------------------------------------------------------
RESULTS=$OUT/embed/results.tsv
printf 'tool\trep\trows_per_s\twall_s\tcpu_s\tmaxrss_kb\tcosine\tcosine_f32\n' > "$RESULTS"

# Appends one row per precision to TS_ROWS (cosines are filled in after sentence-transformers ran).
run_themescope() {
    local rep=$1 dtype tag
    for dtype in $DTYPES; do
        tag=themescope-$dtype-r$rep
        run_themescope_one "$rep" "$dtype" "$tag"
    done
}

run_themescope_one() {
    local rep=$1 dtype=$2 tag=$3
    say "themescope $dtype (rep $rep)"
    "$TIME" -v -o "$OUT/embed/time/$tag.txt" \
        "$BIN" embed "$INPUT" --unit document --out "$OUT/embed/vectors/$tag.npy" --no-cache \
        --batch-size "$BATCH" --threads "$THREADS" --device cpu --dtype "$dtype" \
        > "$OUT/embed/logs/$tag.log" 2>&1 || { tail -20 "$OUT/embed/logs/$tag.log" >&2; die "themescope failed"; }
    local rps
    rps=$(grep -o 'embedding [0-9.]* rows/s' "$OUT/embed/logs/$tag.log" | awk '{print $2}' | tail -1)
    [ -n "$rps" ] || die "no 'embedding … rows/s' line in $OUT/embed/logs/$tag.log"
    TS_ROWS["$dtype"]="themescope $dtype\t$rep\t$rps\t$(time_fields "$OUT/embed/time/$tag.txt")"
}

run_st() {
    local rep=$1 tag=st-r$1
    say "sentence-transformers (rep $rep)"
    "$TIME" -v -o "$OUT/embed/time/$tag.txt" \
        "$PY" "$HERE/st_embed.py" encode --model "$MODEL" --input "$INPUT" \
        --out "$OUT/embed/vectors/$tag.npy" --batch-size "$BATCH" --threads "$THREADS" \
        > "$OUT/embed/logs/$tag.log" 2>&1 || { tail -20 "$OUT/embed/logs/$tag.log" >&2; die "sentence-transformers failed"; }
    local rps
    rps=$(tail -1 "$OUT/embed/logs/$tag.log" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rows_per_s"])')
    ST_ROW="sentence-transformers\t$rep\t$rps\t$(time_fields "$OUT/embed/time/$tag.txt")"
}

declare -A TS_ROWS
for rep in $(seq 1 "$REPS"); do
    if [ $((rep % 2)) -eq 1 ]; then run_themescope "$rep"; run_st "$rep"
    else run_st "$rep"; run_themescope "$rep"; fi
    for dtype in $DTYPES; do
        vec=$OUT/embed/vectors/themescope-$dtype-r$rep.npy
        cos=$("$PY" "$HERE/st_embed.py" compare "$vec" "$OUT/embed/vectors/st-r$rep.npy")
        cos32=
        if [ "$dtype" != f32 ] && [ -f "$OUT/embed/vectors/themescope-f32-r$rep.npy" ]; then
            cos32=$("$PY" "$HERE/st_embed.py" compare "$vec" "$OUT/embed/vectors/themescope-f32-r$rep.npy")
        fi
        say "rep $rep themescope $dtype: cosine to sentence-transformers $cos${cos32:+, to themescope f32 $cos32}"
        printf "${TS_ROWS[$dtype]}\t%s\t%s\n" "$cos" "$cos32" >> "$RESULTS"
    done
    printf "$ST_ROW\t\t\n" >> "$RESULTS"
done

# --- 5. table -----------------------------------------------------------------------------------
"$PY" "$HERE/st_embed.py" table --results "$RESULTS" --tokens "$TOKENS" --out "$OUT/embed_table.md"
say "table written to $OUT/embed_table.md; raw numbers in $RESULTS"
