#!/usr/bin/env bash
# Times src/images/ on a set of large photos: a cold WebP+JPEG encode of the
# whole set, the same run with a warm cache, and AVIF apart on a subset
# (rav1e without asm is far slower). Peak memory from /usr/bin/time -v.
#
#   bench/images.sh [SRC_DIR]      (default: generate 100 photos of 12–24 MP)
#
# Environment: COUNT (100), AVIF_LIMIT (10), WORK (target/images-bench),
# CONCURRENCY (decoded images in memory at once; default from ImageConfig).
# Until the engine is wired into `forklar build`, this drives
# examples/images_bench.rs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COUNT=${COUNT:-100}
AVIF_LIMIT=${AVIF_LIMIT:-10}
WORK=${WORK:-target/images-bench}
SRC=${1:-$WORK/photos}
extra=()
if [ -n "${CONCURRENCY:-}" ]; then extra+=(--concurrency "$CONCURRENCY"); fi

cargo build --release --example images_bench
bin=target/release/examples/images_bench

if [ -z "${1:-}" ]; then
    echo "== generating $COUNT photos in $SRC (skips existing)"
    "$bin" gen "$SRC" "$COUNT" 2>/dev/null
fi
du -sh "$SRC"

measure() {
    local label=$1; shift
    echo "== $label"
    /usr/bin/time -v "$@" 2> "$WORK/time.txt" | tail -1
    grep -E "Elapsed \(wall|Maximum resident|Percent of CPU" "$WORK/time.txt" | sed 's/^\s*/   /'
}

rm -rf "$WORK/site-webp" "$WORK/site-avif"
measure "WebP + JPEG, cold cache" "$bin" run "$SRC" "$WORK/site-webp" --no-avif "${extra[@]}"
measure "WebP + JPEG, warm cache" "$bin" run "$SRC" "$WORK/site-webp" --no-avif "${extra[@]}"
measure "AVIF + WebP + JPEG, cold cache, first $AVIF_LIMIT" \
    "$bin" run "$SRC" "$WORK/site-avif" --limit "$AVIF_LIMIT" "${extra[@]}"
measure "AVIF + WebP + JPEG, warm cache, first $AVIF_LIMIT" \
    "$bin" run "$SRC" "$WORK/site-avif" --limit "$AVIF_LIMIT" "${extra[@]}"
