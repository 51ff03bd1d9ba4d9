#!/usr/bin/env bash
# What search costs a full build: the generated site built with search (the
# default) and with `search = false`, into empty folders on tmpfs, medians of
# RUNS runs each; and the size of the index per 1,000 articles.
#
#   bench/search.sh [N]        (default 10000 articles)
#
# Environment:
#   FORKLAR=target/release/forklar   the binary to measure (built with the
#                                     default features, so with search)
#   RUNS=5                            runs per variant
#   SEED=1                            seed for gen_site.py
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
N="${1:-10000}"
RUNS="${RUNS:-5}"
SEED="${SEED:-1}"
FORKLAR="${FORKLAR:-$REPO/target/release/forklar}"
WORK="${TMPDIR:-/dev/shm}/forklar-search-bench"

[ -x "$FORKLAR" ] || { echo "search.sh: no binary at $FORKLAR (cargo build --release)" >&2; exit 1; }
rm -rf "$WORK"
mkdir -p "$WORK"
python3 "$BENCH_DIR/gen_site.py" "$N" "$WORK/on" --seed "$SEED" >/dev/null
cp -r "$WORK/on" "$WORK/off"
printf '\nsearch = false\n' >>"$WORK/off/site.toml"

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# Wall seconds of one full build of site $1 into an empty folder.
one_build() {
    rm -rf "$WORK/out"
    local t0 t1
    t0=$(date +%s.%N)
    "$FORKLAR" build --root "$WORK/$1" --output "$WORK/out" --quiet
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}

declare -A times
for variant in off on; do
    one_build "$variant" >/dev/null # warm the page cache
    runs=()
    for _ in $(seq "$RUNS"); do runs+=("$(one_build "$variant")"); done
    times[$variant]=$(printf '%s\n' "${runs[@]}" | median)
    echo "$variant: ${runs[*]} (median ${times[$variant]} s)"
done
index_bytes=$(du -sb "$WORK/out/pagefind" | cut -f1)
files=$(find "$WORK/out/pagefind" -type f | wc -l)
echo
echo "articles:               $N"
echo "build, search = false:  ${times[off]} s"
echo "build with search:      ${times[on]} s"
echo "search adds:            $(echo "scale=1; (${times[on]} - ${times[off]}) * 100 / ${times[off]}" | bc) %"
echo "index:                  $((index_bytes / 1024)) KiB in $files files, $(( index_bytes / 1024 * 1000 / N )) KiB per 1,000 articles"
echo "machine load (1 min):   $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
rm -rf "$WORK"
