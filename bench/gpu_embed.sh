#!/usr/bin/env bash
# Embedding throughput on one GPU: themescope (built with --features cuda) vs sentence-transformers
# (PyTorch) on the same card, same model folder, same paragraphs, same batch sizes, measured side by
# side, plus the cosine of the GPU vectors to CPU f32 vectors.
#
#   MODEL=DIR INPUT=FILE.jsonl bench/gpu_embed.sh
#
# Needs on the GPU machine: the themescope binary ($THEMESCOPE_BIN), python3 with torch (CUDA) and
# sentence-transformers, and nothing from the network. For each dtype and batch size it runs one
# discarded themescope warm-up (the driver compiles candle's PTX once and caches it), then REPS
# themescope processes and one sentence-transformers process that times REPS encodes after a
# warm-up; it prints a table of medians. Built for the device machine this project borrows (see
# ../shared/tools/cuda/README.md): there the binary comes from ../shared/tools/cuda/build.sh and
# the model is an f16 copy of all-MiniLM-L6-v2 (both tools cast it to the dtype under test).
#
# Environment:
#   MODEL        model folder (sentence-transformers layout)           required
#   INPUT        JSONL, one {"text": ...} per line                     required
#   REF          JSONL of reference paragraphs to check cosine on      optional
#   REF_CPU      .npy of themescope CPU f32 vectors of REF (same MODEL) optional
#   REF_ST       .npy of sentence-transformers f32 vectors of REF      optional
#   THEMESCOPE_BIN=target/release/themescope  PYTHON=python3  OUT=bench/out/gpu
#   REPS=3  BATCHES="32 256"  DTYPES="f16 f32"  DEVICE=cuda (cpu runs the same steps, for a dry run)
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BIN=${THEMESCOPE_BIN:-target/release/themescope}
PY=${PYTHON:-python3}
OUT=${OUT:-$HERE/out/gpu}
REPS=${REPS:-3}
BATCHES=${BATCHES:-32 256}
DTYPES=${DTYPES:-f16 f32}
DEVICE=${DEVICE:-cuda}
: "${MODEL:?set MODEL to the model folder}" "${INPUT:?set INPUT to a JSONL of texts}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
mkdir -p "$OUT/vectors" "$OUT/logs"
RESULTS=$OUT/results.tsv
printf 'tool\tdtype\tbatch\trep\trows_per_s\twall_s\n' > "$RESULTS"
rows=$(grep -c . "$INPUT")
echo "gpu-bench: $rows paragraphs; $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null)"

now() { date +%s.%N; }

themescope_once() { # dtype batch tag
    local log=$OUT/logs/ts-$3.log t0 t1
    t0=$(now)
    "$BIN" embed "$INPUT" --unit document --model "$MODEL" --out "$OUT/vectors/ts-$1-$2.npy" \
        --no-cache --device "$DEVICE" --dtype "$1" --batch-size "$2" > "$log" 2>&1 \
        || { tail -5 "$log"; return 1; }
    t1=$(now)
    local rps
    rps=$(grep -o 'embedding [0-9.]* rows/s' "$log" | awk '{print $2}' | tail -1)
    echo "$rps $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")"
}

for dtype in $DTYPES; do
    for batch in $BATCHES; do
        themescope_once "$dtype" "$batch" "warmup-$dtype-$batch" > /dev/null || exit 1
        for rep in $(seq 1 "$REPS"); do
            read -r rps wall < <(themescope_once "$dtype" "$batch" "$dtype-$batch-r$rep") || exit 1
            printf 'themescope\t%s\t%s\t%s\t%s\t%s\n' "$dtype" "$batch" "$rep" "$rps" "$wall" >> "$RESULTS"
            echo "gpu-bench: themescope $dtype batch $batch rep $rep: $rps rows/s (process $wall s)"
        done
        t0=$(now)
        "$PY" "$HERE/st_embed.py" encode --model "$MODEL" --input "$INPUT" --device "$DEVICE" \
            --dtype "$dtype" --batch-size "$batch" --reps "$REPS" \
            --out "$OUT/vectors/st-$dtype-$batch.npy" > "$OUT/logs/st-$dtype-$batch.log" 2>&1 \
            || { tail -5 "$OUT/logs/st-$dtype-$batch.log"; exit 1; }
        t1=$(now)
        line=$(tail -1 "$OUT/logs/st-$dtype-$batch.log")
        echo "gpu-bench: sentence-transformers $dtype batch $batch: $line"
        "$PY" - "$line" "$dtype" "$batch" "$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")" >> "$RESULTS" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
for i, v in enumerate(r["reps_rows_per_s"], 1):
    print(f"sentence-transformers\t{sys.argv[2]}\t{sys.argv[3]}\t{i}\t{v:.1f}\t{sys.argv[4]}")
EOF
        echo "gpu-bench: vectors themescope vs sentence-transformers ($dtype, batch $batch): $("$PY" "$HERE/st_embed.py" compare "$OUT/vectors/ts-$dtype-$batch.npy" "$OUT/vectors/st-$dtype-$batch.npy")"
    done
done

if [ -n "${REF:-}" ]; then
    for dtype in $DTYPES; do
        "$BIN" embed "$REF" --unit document --model "$MODEL" --out "$OUT/vectors/ref-$dtype.npy" \
            --no-cache --device "$DEVICE" --dtype "$dtype" --quiet || exit 1
        [ -n "${REF_CPU:-}" ] && echo "gpu-bench: reference rows, themescope $DEVICE $dtype vs themescope CPU f32: $("$PY" "$HERE/st_embed.py" compare "$OUT/vectors/ref-$dtype.npy" "$REF_CPU")"
        [ -n "${REF_ST:-}" ] && echo "gpu-bench: reference rows, themescope $DEVICE $dtype vs sentence-transformers f32 weights: $("$PY" "$HERE/st_embed.py" compare "$OUT/vectors/ref-$dtype.npy" "$REF_ST")"
    done
fi

"$PY" - "$RESULTS" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
keys = sorted({(r["dtype"], int(r["batch"])) for r in rows})
print("| dtype | batch | themescope paragraphs/s (median) | sentence-transformers paragraphs/s (median) | ratio |")
print("|---|---|---|---|---|")
for d, b in keys:
    med = lambda tool: statistics.median(float(r["rows_per_s"]) for r in rows
                                         if r["tool"] == tool and r["dtype"] == d and int(r["batch"]) == b)
    ts, st = med("themescope"), med("sentence-transformers")
    print(f"| {d} | {b} | {ts:.0f} | {st:.0f} | {ts / st:.2f}x |")
EOF
