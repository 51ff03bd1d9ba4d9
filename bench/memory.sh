#!/usr/bin/env bash
# Peak memory of a build against the size of its one large article: a 50 MB
# article of ordinary paragraphs, and a 10 MB article on a single line. The
# target is at most 5× the article's size (peak RSS from /usr/bin/time, so
# the binary and its threads count too), median of RUNS runs.
#
#   bench/memory.sh
#
# Environment: FORKLAR (target/release/forklar), RUNS (5),
# WORK (/dev/shm/forklar-memory-bench).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FORKLAR="${FORKLAR:-$REPO/target/release/forklar}"
RUNS="${RUNS:-5}"
WORK="${WORK:-/dev/shm/forklar-memory-bench}"
[ -x "$FORKLAR" ] || { echo "memory.sh: no binary at $FORKLAR (cargo build --release)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "memory.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

# `make_site NAME MEGABYTES one-line|paragraphs`
make_site() {
    mkdir -p "$WORK/$1/content"
    printf 'title = "Minne"\ndescription = "Stor artikkel"\nbase_url = "https://bench.example.org/"\nlanguage = "nb"\nsearch = false\n' \
        > "$WORK/$1/site.toml"
    python3 - "$WORK/$1/content/stor.md" "$2" "$3" <<'EOF'
import random, sys
path, megabytes, shape = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(1)
words = ("protestene begynte i Zjanaozen og spredte seg til Almaty; regjeringen gikk av, "
         "nødstilstand ble innført «i hele landet» – ærlig talt, sa han, øst for Aktau").split()
size, parts = 0, ['+++\ntitle = "Stor artikkel"\ndate = 2022-01-06\n+++\n\n']
separator = " " if shape == "one-line" else ".\n\n"
while size < megabytes * 1_000_000:
    chunk = " ".join(random.choice(words) for _ in range(120)) + separator
    parts.append(chunk)
    size += len(chunk.encode())
parts.append("\n")
open(path, "w").write("".join(parts))
EOF
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "== $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); forklar $(sha256sum "$FORKLAR" | cut -c1-12)"
status=0
for case in "paragraphs 50" "one-line 10"; do
    set -- $case
    make_site "$1" "$2" "$1"
    bytes=$(stat -c %s "$WORK/$1/content/stor.md")
    peaks=()
    for _ in $(seq "$RUNS"); do
        rm -rf "$WORK/out"
        /usr/bin/time -f '%M' -o "$WORK/time.txt" \
            "$FORKLAR" build --root "$WORK/$1" --output "$WORK/out" --quiet
        peaks+=("$(tail -1 "$WORK/time.txt")")
    done
    peak_kb=$(printf '%s\n' "${peaks[@]}" | median)
    ratio=$(awk "BEGIN { printf \"%.2f\", $peak_kb * 1024 / $bytes }")
    verdict=PASS
    awk "BEGIN { exit !($peak_kb * 1024 > 5 * $bytes) }" && { verdict=FAIL; status=1; }
    printf '%-10s article %6.1f MB: peak %6.1f MiB = %s× its size (target ≤ 5×)  %s   (runs, KiB: %s)\n' \
        "$1" "$(awk "BEGIN { print $bytes / 1e6 }")" "$(awk "BEGIN { print $peak_kb / 1024 }")" \
        "$ratio" "$verdict" "${peaks[*]}"
done
exit "$status"
