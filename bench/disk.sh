#!/usr/bin/env bash
# Rebuilds over an existing output folder, on the real disk and on tmpfs side by
# side: a first build into an empty folder, a rebuild where nothing changed, and
# a rebuild where every page changed (a stylesheet edit: every page names the
# fingerprinted stylesheet), with Hugo's same stylesheet rebuild on the disk.
# Prints PASS or FAIL per target from medians. See bench/README.md.
#
#   bench/disk.sh [N]            (default N: 10000)
#
# Environment:
#   RUNS=5            rounds (each round: first build, no-change rebuild, every-page rebuild)
#   DISK=/work/bench-disk   a folder on the real disk (ext4 here); never /tmp
#   SHM=/dev/shm      the tmpfs side
#   SEARCH=0          1 keeps the built-in search on (it has its own budget: bench/search.sh)
#   HUGO_RUNS=3       rounds of Hugo's rebuild on the disk (0 skips Hugo)
#   FORKLAR=          the binary to measure (default: a copy of target/release/forklar)
#   KEEP=0            1 keeps the sites and outputs afterwards
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
N="${1:-10000}"
RUNS="${RUNS:-5}"
DISK="${DISK:-/work/bench-disk}"
SHM="${SHM:-/dev/shm}"
SEED="${SEED:-1}"
HUGO_RUNS="${HUGO_RUNS:-3}"
command -v hugo >/dev/null 2>&1 || HUGO_RUNS=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# Three decimals: the verdicts compare these, and 1.504 must not pass as 1.50 against 1.5.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a/b; else print "n/a" }'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b ? "PASS" : "FAIL") }'; }

case "$DISK" in /tmp|/tmp/*) echo "disk.sh: DISK must be on the real disk, not $DISK" >&2; exit 2 ;; esac

if [ -z "${FORKLAR:-}" ]; then
    (cd "$REPO" && cargo build --release --quiet --bin forklar) >&2
    mkdir -p "$SHM/forklar-bench-bin"
    FORKLAR="$SHM/forklar-bench-bin/forklar-disk"
    cp "$REPO/target/release/forklar" "$FORKLAR.tmp" && mv "$FORKLAR.tmp" "$FORKLAR"
fi

# One generated site, copied to each file system, so both sides build the same files.
master="$SHM/forklar-disk-site-$N"
if [ ! -f "$master/.done-$SEED" ]; then
    log "generating $N articles"
    rm -rf "$master"
    python3 "$BENCH_DIR/gen_site.py" "$N" "$master" --seed "$SEED" >/dev/null
    touch "$master/.done-$SEED"
fi
mkdir -p "$DISK"
TMP="$(mktemp -d "$SHM/forklar-disk-tmp.XXXXXX")"
cleanup() {
    rm -rf "$TMP"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$DISK/site-$N" "$SHM/forklar-disk-shm-$N" "$DISK/hugo-$N"
}
trap cleanup EXIT

# prepare SITE: a copy of the generated site with its own stylesheet to edit
prepare() {
    local site="$1"
    rm -rf "$site"
    cp -a "$master" "$site"
    mkdir -p "$site/templates"
    cp "$REPO/templates/style.css" "$site/templates/style.css"
    [ "${SEARCH:-0}" = 1 ] || echo 'search = false' >>"$site/site.toml"
    edited=$EPOCHREALTIME
}

# settle: waits until the last source edit is 1.1 s old. A build is kept for
# reuse only where no source changed in the second before it
# (src/build/inputs.rs); an editor's last save is longer ago than that, the
# script's need not be.
settle() {
    local wait
    wait=$(awk -v now="$EPOCHREALTIME" -v at="$edited" 'BEGIN { w = 1.1 - (now - at); print (w > 0 ? w : 0) }')
    sleep "$wait"
}

# timed NAME CMD...: appends CMD's wall seconds to $TMP/NAME and its CPU seconds
# (user + system, steadier than wall time on a loaded machine) to $TMP/NAME.cpu,
# after a sync, so one run's writes are not flushed during the next one's clock
timed() {
    local name="$1" t0 t1; shift
    sync
    t0=$EPOCHREALTIME
    if ! /usr/bin/time -f '%U %S' -o "$TMP/time" "$@" >"$TMP/out.log" 2>&1; then
        echo "disk.sh: FAILED: $*" >&2; sed -n '1,30p' "$TMP/out.log" >&2; exit 1
    fi
    t1=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b-a }' >>"$TMP/$name"
    awk '{ printf "%.2f\n", $1 + $2 }' "$TMP/time" >>"$TMP/$name.cpu"
    log "$name: $(tail -n1 "$TMP/$name") s wall, $(tail -n1 "$TMP/$name.cpu") s CPU, load $(cut -d' ' -f1 /proc/loadavg)  $(grep -m1 '^Built' "$TMP/out.log" | sed 's/^Built [^:]*: //')"
}

echo "== rebuilds over an existing output folder, $N articles, $RUNS rounds"
echo "forklar:  $("$FORKLAR" --version) (sha256 $(sha256sum "$FORKLAR" | cut -c1-12); the tree is at commit $(git -C "$REPO" rev-parse --short HEAD))"
echo "disk:     $DISK on $(df -T "$DISK" | awk 'NR==2 {print $2, $1}'); tmpfs: $SHM"
echo "search:   $([ "${SEARCH:-0}" = 1 ] && echo on || echo off)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

for side in disk tmpfs; do
    if [ "$side" = disk ]; then site="$DISK/site-$N"; else site="$SHM/forklar-disk-shm-$N"; fi
    prepare "$site"
    out="$site/public"
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf "$out"
        settle
        timed "$side-first" "$FORKLAR" build --root "$site"
        settle
        timed "$side-same" "$FORKLAR" build --root "$site"
        echo "/* round $r */" >>"$site/templates/style.css"
        edited=$EPOCHREALTIME
        timed "$side-every" "$FORKLAR" build --root "$site"
    done
    rm -rf "$site"
done

if [ "$HUGO_RUNS" -gt 0 ]; then
    hsite="$DISK/hugo-$N"
    rm -rf "$hsite"
    cp -a "$master" "$hsite"
    for ((r = 1; r <= HUGO_RUNS; r++)); do
        rm -rf "$hsite/public" "$hsite/resources" "$TMP/hugo-cache"
        mkdir -p "$TMP/hugo-cache"
        hugo --quiet --source "$hsite" --cacheDir "$TMP/hugo-cache" >/dev/null
        echo "/* round $r */" >>"$hsite/assets/style.css"
        timed hugo-every hugo --quiet --source "$hsite" --cacheDir "$TMP/hugo-cache"
    done
    rm -rf "$hsite"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-14s %12s %12s %14s   %s\n' "" "first build" "no change" "every page" "(medians, seconds; all runs below)"
for side in disk tmpfs; do
    for unit in wall cpu; do
        suffix=""; [ "$unit" = cpu ] && suffix=".cpu"
        mapfile -t f <"$TMP/$side-first$suffix"; mapfile -t s <"$TMP/$side-same$suffix"; mapfile -t e <"$TMP/$side-every$suffix"
        printf '%-14s %12s %12s %14s\n' "$side $unit" "$(median "${f[@]}")" "$(median "${s[@]}")" "$(median "${e[@]}")"
        echo "               first: ${f[*]} | no change: ${s[*]} | every page: ${e[*]}"
    done
done
mapfile -t f <"$TMP/disk-first"; mapfile -t s <"$TMP/disk-same"; mapfile -t e <"$TMP/disk-every"
first=$(median "${f[@]}"); same=$(median "${s[@]}"); every=$(median "${e[@]}")
echo
echo "targets (disk):"
echo "  every page changed / first build = $(ratio "$every" "$first")  (at most 1.50)  $(verdict "$(ratio "$every" "$first")" 1.5)"
echo "  nothing changed / first build    = $(ratio "$same" "$first")  (at most 0.50)  $(verdict "$(ratio "$same" "$first")" 0.5)"
if [ -s "$TMP/hugo-every" ]; then
    mapfile -t h <"$TMP/hugo-every"
    hugo_every=$(median "${h[@]}")
    echo "  every page changed / Hugo's      = $(ratio "$every" "$hugo_every")  (at most 0.15)  $(verdict "$(ratio "$every" "$hugo_every")" 0.15)   [Hugo: ${h[*]} s]"
else
    echo "  every page changed / Hugo's      = not measured (hugo missing or HUGO_RUNS=0)"
fi
