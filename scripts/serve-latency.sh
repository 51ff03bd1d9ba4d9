#!/usr/bin/env bash
# Measures save-to-reload latency of `forklar serve`: the time from writing an
# article until the `reload` event arrives on /__forklar/events.
#
#   scripts/serve-latency.sh [RUNS] [SIZE...]   (default: 20 saves; 1000 10000)
#
# Builds forklar in release mode, then for a copy of this repository's sample
# site and for generated sites of each SIZE articles (bench/gen_site.py, the
# benchmark's generator), on tmpfs where there is one, starts `forklar serve`
# on a free port and lets scripts/sse_latency.py append a sentence to one
# article RUNS times. Prints median and p90 in ms per site. Needs cargo and
# python3 (standard library).
set -euo pipefail

RUNS="${1:-20}"
shift || true
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# tmpfs keeps disk noise out of the numbers.
if [[ -d /dev/shm && -w /dev/shm ]]; then BASE=/dev/shm; else BASE="${TMPDIR:-/tmp}"; fi
WORK="$(mktemp -d "$BASE/forklar-latency.XXXXXX")"
SERVER_PID=""

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap 'cleanup; rm -rf "$WORK"' EXIT

echo "Building forklar (release)..." >&2
cargo build --release --quiet --manifest-path "$REPO/Cargo.toml"
FORKLAR="$REPO/target/release/forklar"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# measure LABEL SITE_DIR ARTICLE(relative to SITE_DIR)
measure() {
  local label="$1" site="$2" file="$3" port log
  log="$WORK/$label.log"
  for _attempt in 1 2 3 4 5; do
    port="$(free_port)"
    TMPDIR="$WORK" "$FORKLAR" serve --root "$site" --port "$port" >"$log" 2>"$log.err" &
    SERVER_PID=$!
    for _ in $(seq 600); do
      grep -q '^Serving ' "$log" 2>/dev/null && break
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q '^Serving ' "$log"; then break; fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if ! grep -q 'already in use' "$log.err"; then
      echo "forklar serve did not start on $label:" >&2
      cat "$log" "$log.err" >&2
      exit 1
    fi
  done
  [[ -n "$SERVER_PID" ]] || { echo "no free port found" >&2; exit 1; }
  echo "$label: $(head -n 1 "$log")" >&2
  python3 "$REPO/scripts/sse_latency.py" "$port" "$site/$file" "$RUNS" "$label"
  cleanup
}

# The sample site: site.toml, content/ and (if present) templates/ and static/.
SAMPLE="$WORK/sample"
mkdir -p "$SAMPLE"
cp "$REPO/site.toml" "$SAMPLE/"
cp -R "$REPO/content" "$SAMPLE/"
for dir in templates static; do
  [[ -d "$REPO/$dir" ]] && cp -R "$REPO/$dir" "$SAMPLE/"
done
SAMPLE_ARTICLE="$(cd "$SAMPLE" && ls content/*.md | head -n 1)"


REV="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
git -C "$REPO" diff --quiet HEAD -- src theme 2>/dev/null || REV="$REV + uncommitted changes"
echo "forklar $REV, $(nproc) CPUs, $RUNS saves per site"
measure "sample-site" "$SAMPLE" "$SAMPLE_ARTICLE"
for size in "${SIZES[@]}"; do
  generated="$WORK/generated-$size"
  python3 "$REPO/bench/gen_site.py" "$size" "$generated" >/dev/null
  middle="$(cd "$generated" && ls content/*.md | sed -n "$((size / 2))p")"
  measure "generated-$size" "$generated" "$middle"
done
