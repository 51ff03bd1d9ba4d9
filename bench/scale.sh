#!/usr/bin/env bash
# Full builds of large generated sites, search off: per-article time and peak
# memory at each size, and PASS or FAIL for the large-archive targets.
#
#   bench/scale.sh [N...]                      (default sizes: 1000 10000 50000 100000)
#
# Environment:
#   FORKLAR=path      the binary to measure (default: target/release/forklar,
#                     copied to tmpfs first so a rebuild cannot swap it mid-run)
#   SITES=/dev/shm/forklar-scale   where the sites are generated (kept for the next
#                     run: 100,000 articles take minutes to generate) and built
#   RUNS=1            builds per size (the median is reported)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
SITES="${SITES:-/dev/shm/forklar-scale}"
RUNS="${RUNS:-1}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000 100000)
mkdir -p "$SITES"

bin="$SITES/forklar"
cp "${FORKLAR:-$REPO/target/release/forklar}" "$bin.tmp" && mv "$bin.tmp" "$bin"
echo "forklar: $("$bin" --version) (sha256 $(sha256sum "$bin" | cut -c1-12)), commit $(git -C "$REPO" rev-parse --short HEAD)"
echo "machine: $(nproc) cores, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); sites and output on tmpfs"
echo

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
verdict() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? "PASS" : "FAIL" }'; }

printf '%-8s %9s %9s %12s %12s %10s  %s\n' articles "wall s" "CPU s" "CPU/article" "wall/article" "peak MiB" "load (1, 5, 15 min)"
declare -A wall_of mib_of
for n in "${sizes[@]}"; do
    site="$SITES/site-$n"
    "$BENCH_DIR/generated_site.sh" "$n" "$site"
    walls=(); cpus=(); kibs=()
    for ((r = 1; r <= RUNS; r++)); do
        rm -rf "$SITES/out-$n"
        load=$(cut -d' ' -f1-3 /proc/loadavg)
        /usr/bin/time -f '%e %U %S %M' -o "$SITES/time" \
            "$bin" build --root "$site" --output "$SITES/out-$n" -q
        read -r wall user sys kib <"$SITES/time"
        walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"); kibs+=("$kib")
    done
    rm -rf "$SITES/out-$n"
    wall=$(median "${walls[@]}"); cpu=$(median "${cpus[@]}"); kib=$(median "${kibs[@]}")
    wall_of[$n]=$wall; mib_of[$n]=$(awk -v k="$kib" 'BEGIN { printf "%.0f", k / 1024 }')
    printf '%-8s %9s %9s %9.0f µs %9.0f µs %10s  %s\n' "$n" "$wall" "$cpu" \
        "$(awk -v c="$cpu" -v n="$n" 'BEGIN { print c * 1e6 / n }')" \
        "$(awk -v w="$wall" -v n="$n" 'BEGIN { print w * 1e6 / n }')" "${mib_of[$n]}" "$load"
done
echo
if [ -n "${mib_of[50000]:-}" ]; then
    echo "50,000 articles, peak memory under 250 MiB: ${mib_of[50000]} MiB  $(verdict "${mib_of[50000]}" 250)"
fi
if [ -n "${mib_of[100000]:-}" ]; then
    echo "100,000 articles, peak memory under 400 MiB: ${mib_of[100000]} MiB  $(verdict "${mib_of[100000]}" 400)"
    echo "100,000 articles, full build under 15 s: ${wall_of[100000]} s  $(verdict "${wall_of[100000]}" 15)"
fi
