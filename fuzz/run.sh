#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a bounded time; fails on any crash, panic, timeout or
# out-of-memory. Seeds come from examples/ (and small files written here); what a run finds is kept
# in fuzz/corpus/<target>/ (gitignored) for the next run.
#
#   fuzz/run.sh                 # every target, FUZZ_SECONDS (default 20) each
#   FUZZ_SECONDS=600 fuzz/run.sh corpus_html corpus_csv
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). The tokenizer target
# reads the model from $THEMESCOPE_MODELS. No sanitizer: the targets are safe Rust, and a panic,
# a hang or a blown memory limit is what is looked for.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_EACH=${FUZZ_SECONDS:-20}
ALL="corpus_txt corpus_md corpus_html corpus_jsonl corpus_csv actor_file config_file store_npy store_safetensors store_parquet tokenizer_prefix"
TARGETS=${*:-$ALL}

cargo +nightly fuzz build -s none >&2

seed() {  # seed TARGET FILE...: copies files into the target's corpus folder
    local dir=corpus/$1; shift
    mkdir -p "$dir"
    for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/"; done
}
ex=../examples/corpus
seed corpus_txt $ex/*.txt
seed corpus_md $ex/*.md
seed corpus_html $ex/*.html
seed corpus_jsonl $ex/*.jsonl
mkdir -p corpus/corpus_csv corpus/actor_file corpus/config_file
printf 'id,title,text\n1,"A, title","Putin met Xi.\n\nThey talked ""long"" hours."\n2,B,Trump spoke.\n' > corpus/corpus_csv/seed.csv
printf '[[actor]]\nname = "Xi Jinping"\nkind = "person"\naliases = ["Xi", "President Xi"]\n' > corpus/actor_file/seed.toml
cp ../src/config/default.toml corpus/config_file/default.toml
seed tokenizer_prefix $ex/*.txt

for t in $TARGETS; do
    echo "fuzz: $t for ${SECONDS_EACH}s" >&2
    mkdir -p corpus/$t artifacts/$t
    cargo +nightly fuzz run -s none "$t" corpus/$t -- \
        -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=3072 -max_len=1048576 \
        -print_final_stats=1 2>&1 | grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|thread)' >&2 \
        || true
    found=$(find "artifacts/$t" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | head -5)
    if [ -n "$found" ]; then
        echo "fuzz: $t found a failing input: $found (rerun: cargo +nightly fuzz run -s none $t <file>)" >&2
        exit 1
    fi
done
echo "fuzz: every target ran ${SECONDS_EACH}s without a failure" >&2
