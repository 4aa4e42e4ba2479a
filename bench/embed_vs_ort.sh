#!/usr/bin/env bash
# Embedding throughput on the CPU: themescope `embed` (f32, i8) vs ONNX Runtime (fp32, dynamic
# int8 per channel) on the same all-MiniLM-L6-v2 checkpoint, same paragraphs, batch 32, 2 threads,
# measured side by side. One command:
#
#   bench/embed_vs_ort.sh
#
# Sets up bench/.venv-ort (onnx, onnxruntime, tokenizers: requirements-ort.txt, no PyTorch), writes
# the ONNX graph from the model folder (bench/ort_embed.py build), builds the input as
# embed_vs_st.sh does (seed paragraphs, then AG News records, N in all), then REPS times runs each
# engine as its own process under /usr/bin/time -v, the order rotating each repetition. Prints a
# table (also $OUT/ort/table.md): embed-stage rows/s (model load excluded), whole-process wall
# time, CPU time, peak RSS, the worst and mean per-row cosine to themescope f32 on the bench input,
# and to sentence-transformers' own vectors on the 162 reference paragraphs of
# ../shared/data/reference (themescope f32 equals sentence-transformers there). themescope runs with
# `--long-text truncate`, the cut sentence-transformers and the ONNX graph make (its default reads
# a paragraph past 256 tokens as windows, a different and better vector).
#
# Environment (all optional): REPS=3 N=2000 BATCH=32 THREADS=2 OUT=bench/out SHARED=../shared
#   ENGINES (default "themescope-f32 themescope-bf16 themescope-i8 ort-fp32 ort-int8"; themescope
#   bf16 is timed against ONNX Runtime fp32, the nearest precision ONNX Runtime runs on a CPU)
#   THEMESCOPE_MODELS, THEMESCOPE_BIN (default target/release/themescope, built if missing),
#   THEMESCOPE_CPU_KERNEL (forces themescope's integer kernel: portable, avx2, avx512-vnni)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
. "$HERE/lib.sh"
SHARED=${SHARED:-$ROOT/../shared}
AGNEWS=${AGNEWS:-$SHARED/data/ag_news/test.jsonl}
SEEDS=${SEEDS:-$SHARED/seeds}
REFERENCE=${REFERENCE:-$SHARED/data/reference/minilm-paragraphs}
export THEMESCOPE_MODELS=${THEMESCOPE_MODELS:-$SHARED/models}
MODEL=$THEMESCOPE_MODELS/sentence-transformers--all-MiniLM-L6-v2
OUT=${OUT:-$HERE/out}/ort
REPS=${REPS:-3}
N=${N:-2000}
BATCH=${BATCH:-32}
THREADS=${THREADS:-2}
VENV=$HERE/.venv-ort
PY=$VENV/bin/python
TIME=/usr/bin/time
ENGINES=${ENGINES:-"themescope-f32 themescope-bf16 themescope-i8 ort-fp32 ort-int8"}

die() { echo "ort-bench: $*" >&2; exit 1; }
say() { echo "ort-bench: $*" >&2; }

[ -x "$TIME" ] || die "$TIME not found (Debian: apt-get install time)"
[ -f "$AGNEWS" ] || die "no AG News file at $AGNEWS (set SHARED or AGNEWS)"
[ -f "$MODEL/model.safetensors" ] || die "no model folder at $MODEL (set THEMESCOPE_MODELS)"
[ -f "$REFERENCE.npy" ] || die "no reference vectors at $REFERENCE.npy (set REFERENCE)"

ensure_venv "$VENV" "$HERE/requirements-ort.txt" "import onnx, onnxruntime, tokenizers, safetensors" \
    || die "venv is incomplete"
BIN=$(themescope_bin "$ROOT") || exit 1
mkdir -p "$OUT/time" "$OUT/logs" "$OUT/vectors"
[ -f "$OUT/model-int8.onnx" ] || "$PY" "$HERE/ort_embed.py" build --model "$MODEL" --out "$OUT" >&2
INPUT=$OUT/input.jsonl
"$PY" "$HERE/st_embed.py" prep --seeds "$SEEDS" --agnews "$AGNEWS" --n "$N" --model "$MODEL" \
    --out "$INPUT" > "$OUT/tokens.json"
as_themescope_reads "$BIN" "$PY" "$INPUT" "$OUT/logs/read.log" || die "reading the input failed"
say "input: $INPUT (as themescope reads it; tokens counted before decoding: $(cat "$OUT/tokens.json"))"

# run ENGINE INPUT VECTORS TAG: one timed process; prints the embed-stage rows/s.
run() {
    local engine=$1 input=$2 vectors=$3 tag=$4 log=$OUT/logs/$4.log
    case $engine in
        themescope-*)
            "$TIME" -v -o "$OUT/time/$tag.txt" "$BIN" embed "$input" --unit document --out "$vectors" \
                --no-cache --long-text truncate --batch-size "$BATCH" --threads "$THREADS" --device cpu \
                --dtype "${engine#themescope-}" > "$log" 2>&1 || { tail -5 "$log" >&2; die "$engine failed"; }
            grep -o 'embedding [0-9.]* rows/s' "$log" | awk '{print $2}' | tail -1 ;;
        ort-*)
            "$TIME" -v -o "$OUT/time/$tag.txt" "$PY" "$HERE/ort_embed.py" encode \
                --onnx "$OUT/model-${engine#ort-}.onnx" --model "$MODEL" --input "$input" --out "$vectors" \
                --batch-size "$BATCH" --threads "$THREADS" > "$log" 2>&1 || { tail -5 "$log" >&2; die "$engine failed"; }
            tail -1 "$log" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rows_per_s"])' ;;
    esac
}

cosines() {  # cosines A.npy B.npy: "min mean" of the per-row cosine
    "$PY" -c 'import numpy as np, sys
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
c = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
print(f"{c.min():.5f} {c.mean():.5f}")' "$1" "$2"
}

RESULTS=$OUT/results.tsv
printf 'engine\trep\trows_per_s\twall_s\tcpu_s\tmaxrss_kb\n' > "$RESULTS"
engines=($ENGINES)
for rep in $(seq 1 "$REPS"); do
    # Rotate the order so that no engine always runs first (or last) on a shared machine.
    for i in $(seq 0 $((${#engines[@]} - 1))); do
        engine=${engines[$(( (i + rep - 1) % ${#engines[@]} ))]}
        rps=$(run "$engine" "$INPUT" "$OUT/vectors/$engine-r$rep.npy" "$engine-r$rep")
        say "rep $rep $engine: $rps rows/s"
        printf '%s\t%s\t%s\t%s\n' "$engine" "$rep" "$rps" "$(time_fields "$OUT/time/$engine-r$rep.txt")" >> "$RESULTS"
    done
done

# Fidelity: to themescope f32 on the bench input, to sentence-transformers on the reference.
REF_INPUT=$REFERENCE.jsonl
FIDELITY=$OUT/fidelity.tsv
printf 'engine\tmin_f32\tmean_f32\tmin_st\tmean_st\n' > "$FIDELITY"
for engine in $ENGINES; do
    run "$engine" "$REF_INPUT" "$OUT/vectors/$engine-ref.npy" "$engine-ref" > /dev/null
    printf '%s\t%s\t%s\n' "$engine" "$(cosines "$OUT/vectors/$engine-r1.npy" "$OUT/vectors/themescope-f32-r1.npy" | tr ' ' '\t')" \
        "$(cosines "$OUT/vectors/$engine-ref.npy" "$REFERENCE.npy" | tr ' ' '\t')" >> "$FIDELITY"
done

"$PY" - "$RESULTS" "$FIDELITY" "$OUT/table.md" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
fid = {r["engine"]: r for r in csv.DictReader(open(sys.argv[2]), delimiter="\t")}
med = lambda e, k: statistics.median(float(r[k]) for r in rows if r["engine"] == e)
engines = list(dict.fromkeys(r["engine"] for r in rows))
lines = ["| engine | embed rows/s (median) | × ONNX Runtime same precision | whole process s | CPU s | peak RSS MiB | cosine to themescope f32 min / mean | cosine to sentence-transformers min / mean |",
         "|---|---|---|---|---|---|---|---|"]
peer = {"themescope-f32": "ort-fp32", "themescope-bf16": "ort-fp32", "themescope-i8": "ort-int8"}
for e in engines:
    ratio = f"{med(e, 'rows_per_s') / med(peer[e], 'rows_per_s'):.2f}" if peer.get(e) in engines else "1.00"
    f = fid[e]
    lines.append(f"| {e} | {med(e, 'rows_per_s'):.1f} | {ratio} | {med(e, 'wall_s'):.1f} | {med(e, 'cpu_s'):.1f} | "
                 f"{med(e, 'maxrss_kb') / 1024:.0f} | {f['min_f32']} / {f['mean_f32']} | {f['min_st']} / {f['mean_st']} |")
open(sys.argv[3], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
say "table written to $OUT/table.md; raw numbers in $RESULTS and $FIDELITY"
