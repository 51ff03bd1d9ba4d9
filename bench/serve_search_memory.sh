#!/usr/bin/env bash
# What `forklar serve` holds in memory on a site with search: after start-up
# (the index taken from the site's cache), at the peak of remaking the index
# after one save, and a few seconds after that index was written.
#
#   bench/serve_search_memory.sh [N]        (default 10000 articles)
#
# Environment:
#   FORKLAR=target/release/forklar   the binary to measure
#   SEED=1                            seed for gen_site.py
# Linux only (reads /proc/PID/status). Needs python3.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
N="${1:-10000}"
SEED="${SEED:-1}"
FORKLAR="${FORKLAR:-$REPO/target/release/forklar}"
if [[ -d /dev/shm && -w /dev/shm ]]; then BASE=/dev/shm; else BASE="${TMPDIR:-/tmp}"; fi
WORK="$(mktemp -d "$BASE/forklar-serve-search.XXXXXX")"
PORT=$((20000 + RANDOM % 20000))
SERVER=
cleanup() {
    [[ -n "$SERVER" ]] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$FORKLAR" ] || { echo "serve_search_memory.sh: no binary at $FORKLAR (cargo build --release)" >&2; exit 1; }
python3 "$BENCH_DIR/gen_site.py" "$N" "$WORK/site" --seed "$SEED" >/dev/null
# A first build fills the search cache, as a newsroom's site has one.
"$FORKLAR" build --root "$WORK/site" --quiet

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$SERVER/status"; }
# serve builds into the site's cache, not public/.
entry="$WORK/site/.forklar-cache/serve/site/pagefind/pagefind-entry.json"
stamp() { stat -c %Y.%y "$entry" 2>/dev/null || echo none; }

"$FORKLAR" serve --root "$WORK/site" --port "$PORT" --quiet &
SERVER=$!
for _ in $(seq 1 600); do
    python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/', timeout=1)" 2>/dev/null && break
    sleep 0.1
done
sleep 3
started_rss=$(kib VmRSS)
before=$(stamp)

article=$(find "$WORK/site/content" -name '*.md' | sort | sed -n 1p)
printf '\nEt nytt avsnitt om CSTO og Kasakhstan.\n' >>"$article"
for _ in $(seq 1 1200); do
    [[ "$(stamp)" != "$before" ]] && break
    sleep 0.1
done
[[ "$(stamp)" != "$before" ]] || { echo "serve_search_memory.sh: the index was not remade within 120 s" >&2; exit 1; }
peak=$(kib VmHWM)
sleep 5
after_rss=$(kib VmRSS)

echo "$("$FORKLAR" --version 2>/dev/null | head -1), $N articles, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
printf '%-44s %6d MiB\n' "after start-up (index from the cache):" $((started_rss / 1024))
printf '%-44s %6d MiB\n' "peak, remaking the index after one save:" $((peak / 1024))
printf '%-44s %6d MiB\n' "5 s after the new index was written:" $((after_rss / 1024))
