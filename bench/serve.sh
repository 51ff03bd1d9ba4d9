#!/usr/bin/env bash
# `forklar serve` against its targets: save → reload for every kind of edit,
# the first save after start, and start-up to the first page served.
#
#   bench/serve.sh [--runs N] [SIZE...]     (default: 20 saves; 1000 10000)
#
# Builds forklar in release mode, generates a site of each SIZE articles with
# bench/gen_site.py on tmpfs (/dev/shm where there is one) and runs
# bench/serve_edits.py on it, then prints PASS or FAIL per target:
#   every size: median ≤ 20 ms and p95 ≤ 40 ms for each kind of edit (above
#   10,000 articles: ≤ 20 ms for a body edit, ≤ 50 ms for the edits that change
#   lists), the first save no slower than 2× the median body edit;
#   10,000 articles or fewer: the first page served within 0.5 s of start.
# SEARCH=0 adds `search = false` to the generated sites' site.toml.
# Needs cargo and python3 (standard library).
set -euo pipefail

RUNS=20
if [[ "${1:-}" == "--runs" ]]; then RUNS="$2"; shift 2; fi
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -d /dev/shm && -w /dev/shm ]]; then BASE=/dev/shm; else BASE="${TMPDIR:-/tmp}"; fi
WORK="$(mktemp -d "$BASE/forklar-serve-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "Building forklar (release)..." >&2
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml"
FORKLAR="${CARGO_TARGET_DIR:-$REPO/target}/release/forklar"

REV="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || REV="$REV + uncommitted changes"
echo "forklar $REV, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS saves per kind, search ${SEARCH:-1}, $(date -u +%FT%TZ)"

failed=0
verdict() { # NAME VALUE LIMIT
  if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
    printf '  PASS  %-44s %8s ≤ %s\n' "$1" "$2" "$3"
  else
    printf '  FAIL  %-44s %8s > %s\n' "$1" "$2" "$3"
    failed=1
  fi
}

for size in "${SIZES[@]}"; do
  site="$WORK/site-$size"
  python3 "$REPO/bench/gen_site.py" "$size" "$site" 2>/dev/null
  if [[ "${SEARCH:-1}" == 0 ]]; then echo 'search = false' >> "$site/site.toml"; fi
  echo "== $size articles (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  out="$WORK/out-$size.txt"
  TMPDIR="$WORK" python3 "$REPO/bench/serve_edits.py" "$FORKLAR" "$site" "$RUNS" | tee "$out"
  echo "-- $size articles (load after: $(cut -d' ' -f1-3 /proc/loadavg))"
  body_median=""
  while read -r _ label rest; do
    set -- $rest
    case "$label" in
      startup-first-page)
        if (( size <= 10000 )); then verdict "$size: start-up to first page (ms)" "$1" 500; fi ;;
      first-save) first="$1" ;;
      first-save-ratio) verdict "$size: first save / median body save" "$1" 2 ;;
      *)
        median="$2" p95="$4"
        limit=20
        if (( size > 10000 )) && [[ "$label" != body ]]; then limit=50; fi
        verdict "$size: $label median (ms)" "$median" "$limit"
        if (( size <= 10000 )) || [[ "$label" == body ]]; then
          verdict "$size: $label p95 (ms)" "$p95" 40
        fi ;;
    esac
  done < <(grep '^RESULT ' "$out")
  rm -rf "$site"
done
if (( failed )); then echo "Some targets were missed."; else echo "Every target met."; fi
