#!/usr/bin/env bash
# What search costs a full build: the generated site built with `search =
# false`, with search and an empty search cache (cold: Pagefind indexes every
# page), and with search and the cache of the previous build (warm: the pages
# did not change, so the index is published again), into empty folders on
# tmpfs, medians of RUNS runs each; and the size of the index per 1,000
# articles. Wall seconds are noisy on a shared machine: CPU seconds (user +
# system) and the machine's load are printed beside them.
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

# One full build of site $1 into an empty folder: wall seconds, CPU seconds
# (user + system) and peak memory in KiB.
one_build() {
    rm -rf "$WORK/out"
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" \
        "$FORKLAR" build --root "$WORK/$1" --output "$WORK/out" --quiet
    awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/time"
}

declare -A wall cpu mem
for variant in off cold warm; do
    site=on
    [ "$variant" = off ] && site=off
    one_build "$site" >/dev/null # warm the page cache (and fill the search cache)
    runs=()
    for _ in $(seq "$RUNS"); do
        [ "$variant" = cold ] && rm -rf "$WORK/on/.forklar-cache/search"
        runs+=("$(one_build "$site")")
    done
    wall[$variant]=$(printf '%s\n' "${runs[@]}" | cut -d' ' -f1 | median)
    cpu[$variant]=$(printf '%s\n' "${runs[@]}" | cut -d' ' -f2 | median)
    mem[$variant]=$(printf '%s\n' "${runs[@]}" | cut -d' ' -f3 | median)
    echo "$variant (wall s, cpu s, peak KiB): $(printf '[%s] ' "${runs[@]}")"
    echo "    load now: $(cut -d' ' -f1-3 /proc/loadavg)"
done
index_bytes=$(du -sb "$WORK/out/pagefind" | cut -f1)
files=$(find "$WORK/out/pagefind" -type f | wc -l)
adds() { echo "scale=1; ($1 - $2) * 100 / $2" | bc; }
echo
echo "articles:                 $N"
echo "                          wall s    cpu s     peak MiB"
for variant in off cold warm; do
    printf '%-25s %-9s %-9s %s\n' "$variant:" "${wall[$variant]}" "${cpu[$variant]}" "$((mem[$variant] / 1024))"
done
echo "search adds, cold:        $(adds "${wall[cold]}" "${wall[off]}") % wall, $(adds "${cpu[cold]}" "${cpu[off]}") % cpu"
echo "indexing (cold - off):    $(echo "${wall[cold]} - ${wall[off]}" | bc) s wall, $(echo "${cpu[cold]} - ${cpu[off]}" | bc) s cpu"
echo "search adds, warm:        $(adds "${wall[warm]}" "${wall[off]}") % wall, $(adds "${cpu[warm]}" "${cpu[off]}") % cpu"
echo "index:                    $((index_bytes / 1024)) KiB in $files files, $((index_bytes / 1024 * 1000 / N)) KiB per 1,000 articles"
echo "machine load (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
rm -rf "$WORK"
