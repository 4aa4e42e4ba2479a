# Shared by the bench scripts (sourced, not run).

# ensure_venv VENV REQUIREMENTS IMPORTS: creates VENV from pinned REQUIREMENTS (pip --no-deps: the
# file is the whole closure) unless it exists with the same file, then checks that IMPORTS (a
# Python statement) runs.
ensure_venv() {
    local venv=$1 reqs=$2 check=$3 py=$1/bin/python
    if [ ! -x "$py" ] || ! cmp -s "$reqs" "$venv/.requirements.txt"; then
        echo "bench: setting up $venv" >&2
        "${PYTHON:-python3}" -m venv "$venv"
        "$py" -m pip install -q --upgrade pip
        "$py" -m pip install -q --no-deps -r "$reqs"
        "$py" -c "$check" || { echo "bench: $venv is incomplete" >&2; return 1; }
        cp "$reqs" "$venv/.requirements.txt"
    fi
}

# time_fields FILE: wall seconds, user+sys seconds and max RSS kB from a `/usr/bin/time -v` file,
# tab-separated.
time_fields() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + p[i] }
        /User time \(seconds\)/   { c += $2 }
        /System time \(seconds\)/ { c += $2 }
        /Maximum resident set size/ { m = $2 }
        END { printf "%.2f\t%.2f\t%d", w, c, m }' "$1"
}

# themescope_bin ROOT: prints the binary to run: $THEMESCOPE_BIN, else the release build in ROOT's
# target folder, built first when it is missing; fails when there is none even then.
themescope_bin() {
    local root=$1 bin=${THEMESCOPE_BIN:-${CARGO_TARGET_DIR:-$1/target}/release/themescope}
    if [ ! -x "$bin" ]; then
        echo "bench: cargo build --release" >&2
        (cd "$root" && cargo build --release --quiet) >&2
    fi
    [ -x "$bin" ] || { echo "bench: no themescope binary at $bin" >&2; return 1; }
    echo "$bin"
}

# as_themescope_reads BIN PY INPUT LOG: rewrites INPUT (jsonl, one {"text": ...} per line) with the
# texts as themescope reads them, so that every engine embeds the same text: themescope's reader
# decodes the character references AG News keeps (" #36;10 million", "&lt;TXN.N&gt;", " quot;"),
# which a raw Python input would not. The texts come from the sidecar of one themescope run.
as_themescope_reads() {
    local bin=$1 py=$2 input=$3 log=$4 dir
    dir=$(mktemp -d)
    "$bin" embed "$input" --unit document --out "$dir/read.npy" --no-cache --dtype i8 \
        > "$log" 2>&1 || { tail -5 "$log" >&2; rm -rf "$dir"; return 1; }
    "$py" -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
with open(sys.argv[2], "w") as out:
    for r in rows:
        out.write(json.dumps({"text": r["text"]}) + "\n")' "$dir/read.jsonl" "$input"
    rm -rf "$dir"
}
