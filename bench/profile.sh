#!/usr/bin/env bash
# Where a full build's instructions go: callgrind over one build of the
# generated site with every part (search off), rendered on one thread so that
# the counts do not depend on how the threads took turns. Instructions do not
# change with the machine's load, so two binaries can be compared on a busy
# machine; they do not count waiting, system calls or cache misses. Hash
# maps are seeded at random, so one binary's count moves by up to 0.4 % from
# run to run: run it more than once to judge a smaller step.
#
#   bench/profile.sh [N]              (default: 1000 articles)
#
# Prints the total and forklar's functions that take the most, counting what
# they call, and keeps the raw profile for `callgrind_annotate` (or
# KCachegrind), e.g. `callgrind_annotate --tree=calling --inclusive=yes FILE`
# to see what one function spends its instructions on.
#
# Environment:
#   FORKLAR=path      the binary to profile (default: target/release/forklar,
#                     copied to tmpfs first so a rebuild cannot swap it mid-run)
#   SITES=/dev/shm/forklar-scale   where the site is generated (shared with
#                     bench/scale.sh, which makes the same sites)
#   PROFILE=path      where the raw profile goes (default: $SITES/callgrind-N.out)
#   TOP=30            how many functions to list
#
# Needs valgrind (apt-get install valgrind); a build of 1,000 articles takes
# about 20 seconds under it.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
SITES="${SITES:-/dev/shm/forklar-scale}"
TOP="${TOP:-30}"
n="${1:-1000}"
PROFILE="${PROFILE:-$SITES/callgrind-$n.out}"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 1
fi
mkdir -p "$SITES"
bin="$SITES/forklar-profiled"
cp "${FORKLAR:-$REPO/target/release/forklar}" "$bin.tmp" && mv "$bin.tmp" "$bin"

site="$SITES/site-$n"
"$BENCH_DIR/generated_site.sh" "$n" "$site"

out="$SITES/profile-output-$n"
rm -rf "$out"
log="$SITES/callgrind-$n.log"
echo "forklar: $("$bin" --version) (sha256 $(sha256sum "$bin" | cut -c1-12)), commit $(git -C "$REPO" rev-parse --short HEAD)"
echo "site: $n articles with every part, search off ($site); one rendering thread"
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$PROFILE" \
    "$bin" build --root "$site" --output "$out" -q 2>"$log"
rm -rf "$out"

total=$(awk '/^(summary|totals):/ {print $2; exit}' "$PROFILE")
printf 'instructions: %s (%.0f M)\n\n' "$total" "$(awk -v t="$total" 'BEGIN {print t / 1e6}')"
echo "forklar's functions by instructions, counting what they call (raw profile: $PROFILE):"
callgrind_annotate --inclusive=yes "$PROFILE" 2>/dev/null |
    grep -E '^ *[0-9,]+ \(' |
    grep 'forklar::' |
    grep -v -E 'call_once|backtrace|main \[' |
    sed -E 's/ \[[^]]*\]$//; s/\?\?\?://' |
    head -n "$TOP"
